#include "store/internal/format.h"

#include <gtest/gtest.h>

#include <string>

namespace meridian::store::internal {
namespace {

TEST(FormatTest, KeysSortLikeTheirNumbers) {
  const u128 ids[] = {
      0,       1, 255, 256, u128{1} << 64, (u128{1} << 64) + 1, kU128Max - 1,
      kU128Max};
  for (size_t i = 1; i < std::size(ids); ++i) {
    EXPECT_LT(TransferKey(ids[i - 1]).view(), TransferKey(ids[i]).view());
    EXPECT_LT(ObjectKey(3, ids[i - 1]).view(), ObjectKey(3, ids[i]).view());
    // Newest (largest) first in an owner's list.
    EXPECT_GT(OwnerObjectKey(3, 7, ids[i - 1]).view(),
              OwnerObjectKey(3, 7, ids[i]).view());
  }
  const uint64_t times[] = {0, 1, 255, 256, 1ull << 32, UINT64_MAX};
  for (size_t i = 1; i < std::size(times); ++i) {
    EXPECT_LT(AccountTransferKey(kU128Max, times[i - 1]).view(),
              AccountTransferKey(kU128Max, times[i]).view());
    // Newest first in the account list.
    EXPECT_GT(AccountByTimeKey(times[i - 1]).view(),
              AccountByTimeKey(times[i]).view());
    // An account's whole range sorts between its neighbours'.
    EXPECT_LT(AccountTransferKey(5, times[i]).view(),
              AccountTransferKey(6, 0).view());
    EXPECT_GT(AccountTransferKey(5, times[i]).view(),
              AccountTransferKey(4, UINT64_MAX).view());
  }
  // The "one more byte" exclusive bound sits between t and t + 1.
  Key at = AccountTransferKey(5, 9);
  Key past = AccountTransferKey(5, 9).Byte('\0');
  EXPECT_LT(at.view(), past.view());
  EXPECT_LT(past.view(), AccountTransferKey(5, 10).view());
}

TEST(FormatTest, KeyLayout) {
  Key key = AccountTransferKey((u128{0x0102} << 112) | 0xAB, 0x0A0B);
  ASSERT_EQ(key.size(), kAccountTransferKeyBytes);
  EXPECT_EQ(key.data()[0], 'x');
  EXPECT_EQ(key.data()[1], 0x01);
  EXPECT_EQ(key.data()[2], 0x02);
  EXPECT_EQ(static_cast<uint8_t>(key.data()[16]), 0xAB);
  EXPECT_EQ(key.data()[17], 0);
  EXPECT_EQ(key.data()[23], 0x0A);
  EXPECT_EQ(key.data()[24], 0x0B);
  EXPECT_EQ(DecodeU128BigEndian(key.data() + 1), (u128{0x0102} << 112) | 0xAB);
  EXPECT_EQ(AccountTransferKeyTimestamp(key.view()), 0x0A0Bu);
  Key account = AccountByTimeKey(77);
  EXPECT_EQ(static_cast<uint8_t>(account.data()[8]), 0xFF - 77);  // ~77
  EXPECT_EQ(AccountByTimeKeyTimestamp(account.view()), 77u);
  Key object = OwnerObjectKey(1, 2, 3);
  EXPECT_EQ(object.size(), kOwnerObjectKeyBytes);
  EXPECT_EQ(OwnerObjectKeyId(object.view()), 3u);
  EXPECT_EQ(RequestKey(1, std::string(kMaxRequestKeyBytes, 'r')).size(),
            kMaxKeyBytes);
}

TEST(FormatTest, ObjectValueRoundTripAndDamage) {
  ObjectRecord object{.kind = 11,
                      .owner = kU128Max,
                      .id = 42,
                      .created_ns = -5,
                      .body = std::string("a\0b", 3)};
  std::string value;
  EncodeObject(object, &value);
  EXPECT_EQ(value.size(), kObjectHeaderBytes + 3);
  ObjectRecord back;
  ASSERT_TRUE(DecodeObject(value, &back));
  EXPECT_EQ(back, object);
  EXPECT_FALSE(DecodeObject(value.substr(0, value.size() - 1), &back));
  EXPECT_FALSE(DecodeObject(value + "x", &back));
  EXPECT_FALSE(DecodeObject("", &back));
}

TEST(FormatTest, SmallValues) {
  std::string value;
  EncodeRequestValue(7, 99, &value);
  uint16_t kind = 0;
  u128 id = 0;
  ASSERT_TRUE(DecodeRequestValue(value, &kind, &id));
  EXPECT_EQ(kind, 7);
  EXPECT_EQ(id, 99u);
  EXPECT_FALSE(DecodeRequestValue(value + "x", &kind, &id));
  Counts counts{.transfers = 1, .accounts = 2, .objects = 3};
  EncodeCounts(counts, &value);
  Counts back;
  ASSERT_TRUE(DecodeCounts(value, &back));
  EXPECT_EQ(back.transfers, 1u);
  EXPECT_EQ(back.objects, 3u);
  uint64_t v64 = 0;
  EncodeU64(123, &value);
  ASSERT_TRUE(DecodeU64(value, &v64));
  EXPECT_EQ(v64, 123u);
  uint32_t v32 = 0;
  EXPECT_FALSE(DecodeU32(value, &v32));  // 8 bytes are not a u32
}

}  // namespace
}  // namespace meridian::store::internal
