#include "engine/command.h"

#include <gtest/gtest.h>

#include <cstring>

namespace meridian::engine {
namespace {

TEST(CommandTest, TransfersRoundTrip) {
  ledger::Transfer t{};
  t.id = 7;
  t.debit_account_id = 1;
  t.credit_account_id = 2;
  t.amount = 350;
  t.ledger = 764;
  t.code = 1;
  ledger::Transfer ts[] = {t, t};
  ts[1].id = 8;
  std::vector<uint8_t> bytes = EncodeCreateTransfers(ts);
  EXPECT_EQ(bytes.size(), kCommandHeaderBytes + 2 * sizeof(ledger::Transfer));
  Result<DecodedCommand> decoded = DecodeCommand(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(decoded->type, CommandType::kCreateTransfers);
  ASSERT_EQ(decoded->count(), 2u);
  EXPECT_EQ(std::memcmp(&decoded->transfers[1], &ts[1], sizeof t), 0);
}

TEST(CommandTest, AccountsAndIdsRoundTrip) {
  ledger::Account a{};
  a.id = 5;
  a.ledger = 840;
  a.code = 2;
  ledger::Account as[] = {a};
  Result<DecodedCommand> decoded = DecodeCommand(EncodeCreateAccounts(as));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->accounts[0].id, 5u);
  u128 ids[] = {5, 6, 7};
  decoded = DecodeCommand(EncodeCloseAccounts(ids));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->type, CommandType::kCloseAccounts);
  EXPECT_EQ(decoded->ids, std::vector<u128>({5, 6, 7}));
}

TEST(CommandTest, MalformedShapesAreRefusedWithTheParam) {
  u128 ids[] = {1};
  std::vector<uint8_t> good = EncodeReopenAccounts(ids);
  auto refused = [](std::vector<uint8_t> bytes, const char* why) {
    Status s = ValidateCommandShape(bytes);
    EXPECT_EQ(s.code(), ErrorCode::kINVALID_PARAMETER) << why;
    if (!s.ok()) {
      EXPECT_EQ(s.error().param, "command") << why;
    }
  };
  refused({1, 2, 3}, "shorter than a header");
  std::vector<uint8_t> bad = good;
  bad[0] = 99;
  refused(bad, "unknown type");
  bad = good;
  bad[2] = 2;
  refused(bad, "unknown version");
  bad = good;
  bad.push_back(0);
  refused(bad, "body longer than the count says");
  bad = good;
  std::memset(bad.data() + 4, 0, 4);
  refused(bad, "zero events");
  bad = good;
  uint32_t too_many = kMaxEventsPerCommand + 1;
  std::memcpy(bad.data() + 4, &too_many, 4);
  refused(bad, "too many events");
  EXPECT_TRUE(ValidateCommandShape(good).ok());
}

}  // namespace
}  // namespace meridian::engine
