#include "core/int128.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(Int128Test, PrintsAndParses) {
  EXPECT_EQ(U128ToString(0), "0");
  EXPECT_EQ(U128ToString(kU128Max), "340282366920938463463374607431768211455");
  EXPECT_EQ(ParseU128("340282366920938463463374607431768211455"), kU128Max);
  EXPECT_EQ(ParseU128("340282366920938463463374607431768211456"), std::nullopt);
  EXPECT_EQ(ParseU128("12345"), static_cast<u128>(12345));
  EXPECT_EQ(ParseU128(""), std::nullopt);
  EXPECT_EQ(ParseU128("012"), std::nullopt);
  EXPECT_EQ(ParseU128("-1"), std::nullopt);
  EXPECT_EQ(ParseU128("1.5"), std::nullopt);
  i128 min = static_cast<i128>(static_cast<u128>(1) << 127);
  EXPECT_EQ(I128ToString(min), "-170141183460469231731687303715884105728");
  EXPECT_EQ(I128ToString(-42), "-42");
}

TEST(Int128Test, CheckedAddRefusesOverflow) {
  u128 out = 7;
  EXPECT_FALSE(CheckedAdd(kU128Max, 1, &out));
  EXPECT_EQ(out, 7u);
  EXPECT_TRUE(CheckedAdd(kU128Max - 1, 1, &out));
  EXPECT_EQ(out, kU128Max);
}

}  // namespace
}  // namespace meridian
