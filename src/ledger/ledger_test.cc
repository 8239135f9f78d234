#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include <vector>

namespace meridian::ledger {
namespace {

constexpr uint32_t kUsd = 840;
constexpr uint32_t kThb = 764;
constexpr uint64_t kSecond = 1'000'000'000;

Account MakeAccount(u128 id, uint16_t flags = 0, uint32_t ledger = kUsd,
                    u128 limit = 0) {
  Account a{};
  a.id = id;
  a.ledger = ledger;
  a.code = 1;
  a.flags = flags;
  a.limit = limit;
  return a;
}

Transfer MakeTransfer(u128 id, u128 debit, u128 credit, u128 amount,
                      uint16_t flags = 0, uint32_t ledger = kUsd) {
  Transfer t{};
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.ledger = ledger;
  t.code = 1;
  t.flags = flags;
  return t;
}

Transfer MakeResolve(u128 id, u128 pending_id, uint16_t flag, u128 amount = 0) {
  Transfer t{};
  t.id = id;
  t.pending_id = pending_id;
  t.flags = flag;
  t.amount = amount;
  return t;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1: funding source (no flags), 2 and 3: customers that cannot overdraw,
    // 4: a participant with a net debit cap of 500, 9: a THB account.
    Accounts(
        {MakeAccount(1), MakeAccount(2, kAccountDebitsMustNotExceedCredits),
         MakeAccount(3, kAccountDebitsMustNotExceedCredits | kAccountHistory),
         MakeAccount(4, kAccountDebitsMustNotExceedCredits, kUsd, 500),
         MakeAccount(9, 0, kThb)});
  }

  std::vector<EventResult> Accounts(std::vector<Account> accounts) {
    std::vector<EventResult> results;
    ledger_.CreateAccounts(accounts, Next(accounts.size()), &results);
    ledger_.CheckInvariants();
    return results;
  }

  std::vector<EventResult> Transfers(std::vector<Transfer> transfers) {
    std::vector<EventResult> results;
    uint64_t ts = Next(transfers.size());
    ledger_.ExpirePendingTransfers(ts);
    ledger_.CreateTransfers(transfers, ts, &results);
    ledger_.CheckInvariants();
    return results;
  }

  // Result of a single transfer.
  LedgerResult One(const Transfer& t) {
    auto results = Transfers({t});
    return results.empty() ? LedgerResult::kOK : results[0].result;
  }

  uint64_t Next(size_t count) {
    uint64_t first = now_ + 1;
    now_ += count;
    return first;
  }
  void Advance(uint64_t ns) { now_ += ns; }

  const Account& Get(u128 id) {
    const Account* a = ledger_.FindAccount(id);
    EXPECT_NE(a, nullptr);
    return *a;
  }

  Ledger ledger_;
  uint64_t now_ = 1'700'000'000 * kSecond;
};

TEST_F(LedgerTest, PostedTransferMovesMoneyBothSides) {
  EXPECT_EQ(One(MakeTransfer(100, 1, 2, 1000)), LedgerResult::kOK);
  EXPECT_EQ(Get(1).debits_posted, 1000u);
  EXPECT_EQ(Get(2).credits_posted, 1000u);
  EXPECT_EQ(ledger_.FindTransfer(100)->amount, 1000u);
  EXPECT_GT(ledger_.FindTransfer(100)->timestamp, 0u);
}

TEST_F(LedgerTest, ValidationLadderReportsPreciseCodes) {
  Transfer t = MakeTransfer(100, 1, 2, 10);
  auto with = [&](auto mutate) {
    Transfer copy = t;
    mutate(copy);
    return One(copy);
  };
  EXPECT_EQ(with([](Transfer& x) { x.id = 0; }),
            LedgerResult::kID_MUST_NOT_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.timestamp = 5; }),
            LedgerResult::kTIMESTAMP_MUST_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.reserved[3] = 1; }),
            LedgerResult::kRESERVED_FIELD);
  EXPECT_EQ(with([](Transfer& x) { x.flags = 1 << 9; }),
            LedgerResult::kRESERVED_FLAG);
  EXPECT_EQ(with([](Transfer& x) {
              x.flags = kTransferPending | kTransferPostPending;
            }),
            LedgerResult::kFLAGS_ARE_MUTUALLY_EXCLUSIVE);
  EXPECT_EQ(with([](Transfer& x) { x.debit_account_id = 0; }),
            LedgerResult::kDEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.credit_account_id = 0; }),
            LedgerResult::kCREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.credit_account_id = 1; }),
            LedgerResult::kACCOUNTS_MUST_BE_DIFFERENT);
  EXPECT_EQ(with([](Transfer& x) { x.pending_id = 7; }),
            LedgerResult::kPENDING_ID_MUST_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.timeout_s = 7; }),
            LedgerResult::kTIMEOUT_RESERVED_FOR_PENDING_TRANSFER);
  EXPECT_EQ(with([](Transfer& x) { x.ledger = 0; }),
            LedgerResult::kLEDGER_MUST_NOT_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.code = 0; }),
            LedgerResult::kCODE_MUST_NOT_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.amount = 0; }),
            LedgerResult::kAMOUNT_MUST_NOT_BE_ZERO);
  EXPECT_EQ(with([](Transfer& x) { x.debit_account_id = 55; }),
            LedgerResult::kDEBIT_ACCOUNT_NOT_FOUND);
  EXPECT_EQ(with([](Transfer& x) { x.credit_account_id = 55; }),
            LedgerResult::kCREDIT_ACCOUNT_NOT_FOUND);
  EXPECT_EQ(with([](Transfer& x) { x.credit_account_id = 9; }),
            LedgerResult::kACCOUNTS_MUST_HAVE_THE_SAME_LEDGER);
  EXPECT_EQ(with([](Transfer& x) { x.ledger = kThb; }),
            LedgerResult::kLEDGER_MISMATCH);
  EXPECT_EQ(with([](Transfer& x) {
              x.debit_account_id = 2;
              x.credit_account_id = 1;
            }),
            LedgerResult::kEXCEEDS_CREDITS);
  // Nothing above changed anything.
  EXPECT_EQ(ledger_.transfer_count(), 0u);
  EXPECT_EQ(Get(1).debits_posted, 0u);
}

TEST_F(LedgerTest, IdenticalRetryAnswersExistsAndChangesNothing) {
  Transfer t = MakeTransfer(100, 1, 2, 1000);
  ASSERT_EQ(One(t), LedgerResult::kOK);
  EXPECT_EQ(One(t), LedgerResult::kEXISTS);
  EXPECT_EQ(Get(2).credits_posted, 1000u);
  Transfer changed = t;
  changed.amount = 999;
  EXPECT_EQ(One(changed), LedgerResult::kID_EXISTS_WITH_DIFFERENT_FIELDS);
  changed = t;
  changed.user_data = 5;
  EXPECT_EQ(One(changed), LedgerResult::kID_EXISTS_WITH_DIFFERENT_FIELDS);
  EXPECT_EQ(ledger_.transfer_count(), 1u);
}

TEST_F(LedgerTest, BalanceFlagAndNetDebitCap) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 300)), LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(101, 2, 3, 301)), LedgerResult::kEXCEEDS_CREDITS);
  EXPECT_EQ(One(MakeTransfer(102, 2, 3, 300)), LedgerResult::kOK);
  // Account 4 may go 500 past zero, not 501.
  EXPECT_EQ(One(MakeTransfer(103, 4, 1, 501)), LedgerResult::kEXCEEDS_CREDITS);
  EXPECT_EQ(One(MakeTransfer(104, 4, 1, 500)), LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(105, 4, 1, 1)), LedgerResult::kEXCEEDS_CREDITS);
  // Pending debits count against the cap too.
  ASSERT_EQ(One(MakeTransfer(106, 1, 4, 200)), LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(107, 4, 1, 150, kTransferPending)),
            LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(108, 4, 1, 51)), LedgerResult::kEXCEEDS_CREDITS);
  EXPECT_EQ(One(MakeTransfer(109, 4, 1, 50)), LedgerResult::kOK);
}

TEST_F(LedgerTest, CreditsMustNotExceedDebits) {
  Accounts({MakeAccount(20, kAccountCreditsMustNotExceedDebits)});
  EXPECT_EQ(One(MakeTransfer(100, 1, 20, 1)), LedgerResult::kEXCEEDS_DEBITS);
  EXPECT_EQ(One(MakeTransfer(101, 20, 1, 10)), LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(102, 1, 20, 10)), LedgerResult::kOK);
}

TEST_F(LedgerTest, LinkedChainIsAllOrNothing) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 100)), LedgerResult::kOK);
  // 2 -> 3 for 100 succeeds alone, but 3 -> 2 for 500 cannot: the chain fails.
  auto results =
      Transfers({MakeTransfer(200, 1, 3, 5),  // independent, ok
                 MakeTransfer(201, 2, 3, 100, kTransferLinked),
                 MakeTransfer(202, 3, 2, 500, kTransferLinked),
                 MakeTransfer(203, 1, 2, 7), MakeTransfer(204, 1, 2, 8)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].index, 1u);
  EXPECT_EQ(results[0].result, LedgerResult::kLINKED_EVENT_FAILED);
  EXPECT_EQ(results[1].index, 2u);
  EXPECT_EQ(results[1].result, LedgerResult::kEXCEEDS_CREDITS);
  EXPECT_EQ(results[2].index, 3u);
  EXPECT_EQ(results[2].result, LedgerResult::kLINKED_EVENT_FAILED);
  EXPECT_EQ(ledger_.FindTransfer(201), nullptr);
  EXPECT_EQ(ledger_.FindTransfer(203), nullptr);
  EXPECT_NE(ledger_.FindTransfer(204), nullptr);
  EXPECT_EQ(Get(2).debits_posted, 0u);
  EXPECT_EQ(Get(3).credits_posted, 5u);
  // The same ids succeed once the chain can.
  results = Transfers({MakeTransfer(201, 2, 3, 100, kTransferLinked),
                       MakeTransfer(202, 3, 2, 50, kTransferLinked),
                       MakeTransfer(203, 1, 2, 7)});
  EXPECT_TRUE(results.empty());
}

TEST_F(LedgerTest, ChainLeftOpenFailsWhole) {
  auto results = Transfers({MakeTransfer(100, 1, 2, 10, kTransferLinked),
                            MakeTransfer(101, 1, 2, 10, kTransferLinked)});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].result, LedgerResult::kLINKED_EVENT_FAILED);
  EXPECT_EQ(results[1].result, LedgerResult::kLINKED_EVENT_CHAIN_OPEN);
  EXPECT_EQ(ledger_.transfer_count(), 0u);
}

TEST_F(LedgerTest, ConversionIsALinkedPairAcrossLedgers) {
  Accounts({MakeAccount(30, 0, kUsd), MakeAccount(31, 0, kThb),
            MakeAccount(32, kAccountDebitsMustNotExceedCredits, kThb)});
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 100000)), LedgerResult::kOK);
  // 1,000.00 USD -> 35,200.00 THB through the hub's FX liquidity (30, 31).
  auto results =
      Transfers({MakeTransfer(101, 2, 30, 100000, kTransferLinked, kUsd),
                 MakeTransfer(102, 31, 32, 3520000, 0, kThb)});
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(Get(32).credits_posted, 3520000u);
  EXPECT_EQ(Get(30).credits_posted, 100000u);
}

TEST_F(LedgerTest, PendingPostFullPartialAndVoid) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 1000)), LedgerResult::kOK);
  ASSERT_EQ(One(MakeTransfer(200, 2, 3, 600, kTransferPending)),
            LedgerResult::kOK);
  EXPECT_EQ(Get(2).debits_pending, 600u);
  // The hold reserves: only 400 left to spend.
  EXPECT_EQ(One(MakeTransfer(201, 2, 3, 401)), LedgerResult::kEXCEEDS_CREDITS);
  // Partial post: 250 moves, 350 is released.
  EXPECT_EQ(One(MakeResolve(300, 200, kTransferPostPending, 250)),
            LedgerResult::kOK);
  EXPECT_EQ(Get(2).debits_pending, 0u);
  EXPECT_EQ(Get(2).debits_posted, 250u);
  EXPECT_EQ(Get(3).credits_posted, 250u);
  EXPECT_EQ(ledger_.FindTransfer(200)->state, PendingState::kPosted);
  EXPECT_EQ(One(MakeResolve(301, 200, kTransferPostPending)),
            LedgerResult::kPENDING_TRANSFER_ALREADY_POSTED);
  EXPECT_EQ(One(MakeResolve(302, 200, kTransferVoidPending)),
            LedgerResult::kPENDING_TRANSFER_ALREADY_POSTED);
  // Full post with amount 0, and its identical retry.
  ASSERT_EQ(One(MakeTransfer(210, 2, 3, 100, kTransferPending)),
            LedgerResult::kOK);
  EXPECT_EQ(One(MakeResolve(310, 210, kTransferPostPending)),
            LedgerResult::kOK);
  EXPECT_EQ(ledger_.FindTransfer(310)->amount, 100u);
  EXPECT_EQ(One(MakeResolve(310, 210, kTransferPostPending)),
            LedgerResult::kEXISTS);
  // Void.
  ASSERT_EQ(One(MakeTransfer(220, 2, 3, 100, kTransferPending)),
            LedgerResult::kOK);
  EXPECT_EQ(One(MakeResolve(320, 220, kTransferVoidPending, 99)),
            LedgerResult::kPENDING_TRANSFER_HAS_DIFFERENT_AMOUNT);
  EXPECT_EQ(One(MakeResolve(321, 220, kTransferPostPending, 101)),
            LedgerResult::kEXCEEDS_PENDING_TRANSFER_AMOUNT);
  EXPECT_EQ(One(MakeResolve(322, 220, kTransferVoidPending)),
            LedgerResult::kOK);
  EXPECT_EQ(One(MakeResolve(323, 220, kTransferPostPending)),
            LedgerResult::kPENDING_TRANSFER_ALREADY_VOIDED);
  EXPECT_EQ(Get(2).debits_pending, 0u);
  EXPECT_EQ(Get(2).debits_posted, 350u);
  // Resolve errors.
  EXPECT_EQ(One(MakeResolve(330, 0, kTransferPostPending)),
            LedgerResult::kPENDING_ID_MUST_NOT_BE_ZERO);
  EXPECT_EQ(One(MakeResolve(330, 330, kTransferPostPending)),
            LedgerResult::kPENDING_ID_MUST_BE_DIFFERENT);
  EXPECT_EQ(One(MakeResolve(330, 999, kTransferPostPending)),
            LedgerResult::kPENDING_TRANSFER_NOT_FOUND);
  EXPECT_EQ(One(MakeResolve(330, 100, kTransferPostPending)),
            LedgerResult::kPENDING_TRANSFER_NOT_PENDING);
  ASSERT_EQ(One(MakeTransfer(230, 2, 3, 10, kTransferPending)),
            LedgerResult::kOK);
  Transfer wrong = MakeResolve(331, 230, kTransferPostPending);
  wrong.debit_account_id = 1;
  EXPECT_EQ(One(wrong),
            LedgerResult::kPENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID);
  wrong = MakeResolve(331, 230, kTransferPostPending);
  wrong.ledger = kThb;
  EXPECT_EQ(One(wrong), LedgerResult::kPENDING_TRANSFER_HAS_DIFFERENT_LEDGER);
}

TEST_F(LedgerTest, HoldsExpireBySequencerTime) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 1000)), LedgerResult::kOK);
  Transfer hold = MakeTransfer(200, 2, 3, 700, kTransferPending);
  hold.timeout_s = 60;
  ASSERT_EQ(One(hold), LedgerResult::kOK);
  Advance(59 * kSecond);
  EXPECT_EQ(Get(2).debits_pending, 700u);
  Advance(2 * kSecond);
  // The next command's sweep voids it; posting it now is refused.
  EXPECT_EQ(One(MakeResolve(300, 200, kTransferPostPending)),
            LedgerResult::kPENDING_TRANSFER_EXPIRED);
  EXPECT_EQ(Get(2).debits_pending, 0u);
  EXPECT_EQ(ledger_.FindTransfer(200)->state, PendingState::kExpired);
  EXPECT_EQ(ledger_.stats().expired, 1u);
  // The money is spendable again.
  EXPECT_EQ(One(MakeTransfer(101, 2, 3, 1000)), LedgerResult::kOK);
}

TEST_F(LedgerTest, BalancingTransfersSweepToZero) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 750)), LedgerResult::kOK);
  // Move "up to a million" out of account 2: only 750 can move.
  EXPECT_EQ(One(MakeTransfer(101, 2, 1, 1'000'000, kTransferBalancingDebit)),
            LedgerResult::kOK);
  EXPECT_EQ(ledger_.FindTransfer(101)->amount, 750u);
  EXPECT_EQ(Get(2).debits_posted, Get(2).credits_posted);
  // Retrying with what was sent (not what moved) is EXISTS.
  EXPECT_EQ(One(MakeTransfer(101, 2, 1, 1'000'000, kTransferBalancingDebit)),
            LedgerResult::kEXISTS);
  // Nothing left: a zero-amount balancing transfer still succeeds.
  EXPECT_EQ(One(MakeTransfer(102, 2, 1, 5, kTransferBalancingDebit)),
            LedgerResult::kOK);
  EXPECT_EQ(ledger_.FindTransfer(102)->amount, 0u);
}

TEST_F(LedgerTest, ClosedAccountsRefuseTransfers) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 10, kTransferPending)),
            LedgerResult::kOK);
  EXPECT_EQ(ledger_.CloseAccount(2, Next(1)),
            LedgerResult::kACCOUNT_HAS_PENDING_TRANSFERS);
  ASSERT_EQ(One(MakeResolve(101, 100, kTransferVoidPending)),
            LedgerResult::kOK);
  EXPECT_EQ(ledger_.CloseAccount(2, Next(1)), LedgerResult::kOK);
  EXPECT_EQ(ledger_.CloseAccount(2, Next(1)),
            LedgerResult::kACCOUNT_ALREADY_CLOSED);
  EXPECT_EQ(One(MakeTransfer(102, 1, 2, 10)),
            LedgerResult::kCREDIT_ACCOUNT_CLOSED);
  EXPECT_EQ(One(MakeTransfer(103, 2, 1, 10)),
            LedgerResult::kDEBIT_ACCOUNT_CLOSED);
  EXPECT_EQ(ledger_.ReopenAccount(2, Next(1)), LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(102, 1, 2, 10)), LedgerResult::kOK);
  EXPECT_EQ(ledger_.CloseAccount(77, Next(1)),
            LedgerResult::kACCOUNT_NOT_FOUND);
}

TEST_F(LedgerTest, AccountValidationAndExists) {
  auto r = Accounts({MakeAccount(0),
                     MakeAccount(50, kAccountDebitsMustNotExceedCredits |
                                         kAccountCreditsMustNotExceedDebits),
                     MakeAccount(51, 0, 0), MakeAccount(52, 0, kUsd, 10),
                     MakeAccount(1), MakeAccount(2)});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].result, LedgerResult::kID_MUST_NOT_BE_ZERO);
  EXPECT_EQ(r[1].result, LedgerResult::kFLAGS_ARE_MUTUALLY_EXCLUSIVE);
  EXPECT_EQ(r[2].result, LedgerResult::kLEDGER_MUST_NOT_BE_ZERO);
  EXPECT_EQ(r[3].result, LedgerResult::kLIMIT_REQUIRES_BALANCE_FLAG);
  EXPECT_EQ(r[4].result, LedgerResult::kEXISTS);
  EXPECT_EQ(r[5].result, LedgerResult::kID_EXISTS_WITH_DIFFERENT_FIELDS);
  // Linked accounts: all or nothing.
  r = Accounts({MakeAccount(60, kAccountLinked), MakeAccount(61, 0, 0)});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(ledger_.FindAccount(60), nullptr);
}

TEST_F(LedgerTest, BalanceAsOfATime) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 3, 500)), LedgerResult::kOK);
  uint64_t after_first = now_;
  Advance(10 * kSecond);
  ASSERT_EQ(One(MakeTransfer(101, 1, 3, 250)), LedgerResult::kOK);
  AccountBalance b;
  ASSERT_EQ(ledger_.BalanceAsOf(3, after_first, &b), LedgerResult::kOK);
  EXPECT_EQ(b.credits_posted, 500u);
  ASSERT_EQ(ledger_.BalanceAsOf(3, now_, &b), LedgerResult::kOK);
  EXPECT_EQ(b.credits_posted, 750u);
  ASSERT_EQ(ledger_.BalanceAsOf(3, Get(3).timestamp, &b), LedgerResult::kOK);
  EXPECT_EQ(b.credits_posted, 0u);
  EXPECT_EQ(ledger_.BalanceAsOf(3, Get(3).timestamp - 1, &b),
            LedgerResult::kACCOUNT_NOT_FOUND);
  EXPECT_EQ(ledger_.BalanceAsOf(2, now_, &b),
            LedgerResult::kHISTORY_NOT_ENABLED);
}

TEST_F(LedgerTest, OverflowIsRefusedNotWrapped) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 9 - 7, kU128Max - 5)), LedgerResult::kOK);
  EXPECT_EQ(One(MakeTransfer(101, 1, 2, 10)),
            LedgerResult::kOVERFLOWS_DEBITS_POSTED);
}

TEST_F(LedgerTest, SerializeRoundTripsWithTheSameStateHash) {
  ASSERT_EQ(One(MakeTransfer(100, 1, 2, 1000)), LedgerResult::kOK);
  Transfer hold = MakeTransfer(200, 2, 3, 300, kTransferPending);
  hold.timeout_s = 30;
  ASSERT_EQ(One(hold), LedgerResult::kOK);
  ASSERT_EQ(One(MakeTransfer(300, 1, 3, 5)), LedgerResult::kOK);
  std::vector<uint8_t> bytes;
  ledger_.Serialize(&bytes);
  ByteReader reader(bytes);
  Result<Ledger> copy = Ledger::Deserialize(&reader, LedgerLimits{});
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->StateHash(), ledger_.StateHash());
  copy->CheckInvariants();
  // The copy expires the hold exactly as the original does.
  uint64_t later = now_ + 31 * kSecond;
  EXPECT_EQ(copy->ExpirePendingTransfers(later), 1u);
  EXPECT_EQ(ledger_.ExpirePendingTransfers(later), 1u);
  EXPECT_EQ(copy->StateHash(), ledger_.StateHash());
  // Truncated input is refused, not trusted.
  ByteReader cut(bytes.data(), bytes.size() - 3);
  EXPECT_FALSE(Ledger::Deserialize(&cut, LedgerLimits{}).ok());
}

TEST(LedgerLimitsTest, FullLedgerRefusesInsteadOfGrowing) {
  Ledger ledger(LedgerLimits{.max_accounts = 2, .max_transfers = 1});
  std::vector<EventResult> results;
  std::vector<Account> accounts = {MakeAccount(1), MakeAccount(2),
                                   MakeAccount(3)};
  ledger.CreateAccounts(accounts, 1, &results);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].result, LedgerResult::kTOO_MANY_ACCOUNTS);
  results.clear();
  std::vector<Transfer> transfers = {MakeTransfer(10, 1, 2, 5),
                                     MakeTransfer(11, 1, 2, 5)};
  ledger.CreateTransfers(transfers, 10, &results);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].index, 1u);
  EXPECT_EQ(results[0].result, LedgerResult::kTOO_MANY_TRANSFERS);
  ledger.CheckInvariants();
}

TEST(LedgerResultTest, NamesRoundTrip) {
  EXPECT_EQ(LedgerResultName(LedgerResult::kEXCEEDS_CREDITS),
            "EXCEEDS_CREDITS");
  EXPECT_EQ(LedgerResultFromName("PENDING_TRANSFER_EXPIRED"),
            LedgerResult::kPENDING_TRANSFER_EXPIRED);
}

}  // namespace
}  // namespace meridian::ledger
