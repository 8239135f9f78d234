#include "api/auth/api_key.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "api/auth/base64.h"
#include "core/id.h"

namespace meridian::auth {
namespace {

TEST(ApiKeyTest, GeneratesDistinctWellFormedKeys) {
  std::set<std::string> secrets;
  std::set<u128> ids;
  for (int i = 0; i < 100; ++i) {
    ApiKey key = GenerateApiKey().value();
    EXPECT_EQ(key.secret.size(), kApiKeyLength);
    EXPECT_EQ(key.secret.substr(0, 3), "sk_");
    EXPECT_TRUE(IsWellFormedApiKey(key.secret)) << key.secret;
    secrets.insert(key.secret);
    ids.insert(key.key_id);
  }
  EXPECT_EQ(secrets.size(), 100u);
  EXPECT_EQ(ids.size(), 100u);
}

TEST(ApiKeyTest, KeyIdsAreTimeOrderedIds) {
  ApiKey a = GenerateApiKey().value();
  ApiKey b = GenerateApiKey().value();
  EXPECT_LT(a.key_id, b.key_id);
  std::string text = FormatId(IdKind::kKey, a.key_id);
  EXPECT_EQ(ParseId(IdKind::kKey, text, "keyId").value(), a.key_id);
}

TEST(ApiKeyTest, HashIsSha256OfTheSecret) {
  // SHA-256("abc"), FIPS 180-2.
  EXPECT_EQ(DigestToHex(HashApiKey("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ApiKey key = GenerateApiKey().value();
  EXPECT_TRUE(
      ConstantTimeEqual(HashApiKey(key.secret), HashApiKey(key.secret)));
  EXPECT_FALSE(
      ConstantTimeEqual(HashApiKey(key.secret), HashApiKey(key.secret + "x")));
}

TEST(ApiKeyTest, WellFormedness) {
  const std::string good = "sk_" + Base64UrlEncode(std::string(32, '\x01'));
  EXPECT_TRUE(IsWellFormedApiKey(good));
  EXPECT_FALSE(IsWellFormedApiKey(""));
  EXPECT_FALSE(IsWellFormedApiKey("pk_" + good.substr(3)));
  EXPECT_FALSE(IsWellFormedApiKey(good + "A"));
  EXPECT_FALSE(IsWellFormedApiKey(good.substr(0, good.size() - 1)));
  std::string bad_char = good;
  bad_char[10] = '+';
  EXPECT_FALSE(IsWellFormedApiKey(bad_char));
}

TEST(ApiKeyTest, ParseBearerToken) {
  const std::string key = GenerateApiKey().value().secret;
  EXPECT_EQ(ParseBearerToken("Bearer " + key).value(), key);
  EXPECT_EQ(ParseBearerToken("bearer  " + key + " ").value(), key);
  for (const std::string& bad : std::vector<std::string>{
           "", "Bearer", "Bearer ", "Basic " + key, key, "Bearer sk_short",
           "Bearer " + key + "x", "Bearer\t" + key}) {
    Result<std::string_view> r = ParseBearerToken(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kUNAUTHENTICATED);
    EXPECT_EQ(r.error().param, "Authorization");
    // Never echo what may be a secret.
    EXPECT_EQ(r.error().message.find("sk_s"), std::string::npos);
    EXPECT_EQ(r.error().message.find(key.substr(3)), std::string::npos);
  }
}

}  // namespace
}  // namespace meridian::auth
