#include "api/auth/crypto.h"

#include <gtest/gtest.h>

#include "api/auth/base64.h"

namespace meridian::auth {
namespace {

std::string Hex(std::string_view hex) { return HexDecode(hex).value(); }

TEST(HmacSha256Test, Rfc4231Vectors) {
  struct Case {
    std::string key, data, mac_hex;
  };
  const Case cases[] = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {Hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
       std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {std::string(131, '\xaa'),
       "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than "
       "block-size data. The key needs to be hashed before being used by the "
       "HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(HexEncode(HmacSha256(c.key, c.data)), c.mac_hex) << c.data;
  }
  // Test case 5 checks a truncated MAC: the first 128 bits.
  EXPECT_EQ(
      HexEncode(HmacSha256(std::string(20, '\x0c'), "Test With Truncation"))
          .substr(0, 32),
      "a3b6167473100ee06e0c796c2955552b");
}

TEST(HmacSha256Test, EmptyKeyWorks) {
  EXPECT_EQ(HmacSha256("", "").size(), kHmacSha256Bytes);
  EXPECT_NE(HmacSha256("", "a"), HmacSha256("", "b"));
}

TEST(Ed25519Test, Rfc8032Test1And2) {
  struct Case {
    std::string secret_hex, public_hex, message_hex, signature_hex;
  };
  const Case cases[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb882"
       "1590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1"
       "e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const Case& c : cases) {
    const std::string secret = Hex(c.secret_hex);
    const std::string message = Hex(c.message_hex);
    EXPECT_EQ(HexEncode(Ed25519PublicKey(secret).value()), c.public_hex);
    const std::string signature = Ed25519Sign(secret, message).value();
    EXPECT_EQ(HexEncode(signature), c.signature_hex);
    EXPECT_TRUE(Ed25519Verify(Hex(c.public_hex), message, signature));
    // Any flipped bit, in the message or the signature, is refused.
    std::string tampered = signature;
    tampered[10] ^= 1;
    EXPECT_FALSE(Ed25519Verify(Hex(c.public_hex), message, tampered));
    EXPECT_FALSE(Ed25519Verify(Hex(c.public_hex), message + "x", signature));
  }
}

TEST(Ed25519Test, GeneratedPairsSignAndVerify) {
  Ed25519KeyPair a = GenerateEd25519KeyPair().value();
  Ed25519KeyPair b = GenerateEd25519KeyPair().value();
  EXPECT_EQ(a.private_key.size(), kEd25519KeyBytes);
  EXPECT_EQ(a.public_key.size(), kEd25519KeyBytes);
  EXPECT_NE(a.private_key, b.private_key);
  const std::string sig = Ed25519Sign(a.private_key, "hello").value();
  EXPECT_TRUE(Ed25519Verify(a.public_key, "hello", sig));
  EXPECT_FALSE(Ed25519Verify(b.public_key, "hello", sig));
}

TEST(Ed25519Test, WrongLengthsAreRefused) {
  EXPECT_EQ(Ed25519Sign("short", "m").error().code,
            ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(Ed25519PublicKey(std::string(33, 'k')).error().code,
            ErrorCode::kINVALID_PARAMETER);
  EXPECT_FALSE(Ed25519Verify(std::string(31, 'k'), "m", std::string(64, 's')));
  EXPECT_FALSE(Ed25519Verify(std::string(32, 'k'), "m", std::string(63, 's')));
}

TEST(CryptoTest, RandomBytesAndConstantTimeEqual) {
  std::string a = RandomBytes(32).value();
  std::string b = RandomBytes(32).value();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(RandomBytes(0).value(), "");
  EXPECT_TRUE(ConstantTimeEqual(a, a));
  EXPECT_FALSE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEqual("", ""));
}

}  // namespace
}  // namespace meridian::auth
