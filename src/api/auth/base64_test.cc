#include "api/auth/base64.h"

#include <gtest/gtest.h>

#include <random>

namespace meridian::auth {
namespace {

TEST(Base64Test, Rfc4648Section10Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64Encode(bytes), text);
    EXPECT_EQ(Base64Decode(text), bytes);
    std::string unpadded = text.substr(0, text.find('='));
    EXPECT_EQ(Base64UrlEncode(bytes), unpadded);
    EXPECT_EQ(Base64UrlDecode(unpadded), bytes);
  }
  EXPECT_EQ(HexEncode("foobar"), "666f6f626172");
  EXPECT_EQ(HexDecode("666F6F626172"), "foobar");
  EXPECT_EQ(HexDecode("666f6f626172"), "foobar");
}

TEST(Base64Test, UrlAlphabetDiffersFromStandard) {
  const std::string bytes = "\xfb\xff\xbf";
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64UrlDecode("-_-_"), bytes);
  EXPECT_EQ(Base64UrlDecode("+/+/"), std::nullopt);
  EXPECT_EQ(Base64Decode("-_-_"), std::nullopt);
}

TEST(Base64Test, DecodersAreStrict) {
  // base64url: no padding, no whitespace, no impossible length.
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9v YmFy"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);
  // Non-zero unused bits: "Zh" would also decode to "f".
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt);
  // base64: padding required and only at the end.
  EXPECT_EQ(Base64Decode("Zg"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg=a"), std::nullopt);
  EXPECT_EQ(Base64Decode("Z==="), std::nullopt);
  EXPECT_EQ(Base64Decode("===="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zh=="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg==Zg=="), std::nullopt);
  // hex
  EXPECT_EQ(HexDecode("abc"), std::nullopt);
  EXPECT_EQ(HexDecode("zz"), std::nullopt);
  EXPECT_EQ(HexDecode(""), "");
}

TEST(Base64Test, RandomRoundTrips) {
  std::mt19937_64 rng(4648);
  for (int i = 0; i < 500; ++i) {
    std::string bytes(rng() % 70, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
    EXPECT_EQ(HexDecode(HexEncode(bytes)), bytes);
  }
}

}  // namespace
}  // namespace meridian::auth
