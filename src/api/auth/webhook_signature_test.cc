#include "api/auth/webhook_signature.h"

#include <gtest/gtest.h>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"

namespace meridian::auth {
namespace {

constexpr int64_t kT = 1795521600;
constexpr std::string_view kSecret = "whsec_test";
constexpr std::string_view kBody =
    R"({"id":"evt_1","type":"payment.succeeded","data":{}})";

void ExpectError(const Status& s, ErrorCode code,
                 std::string_view message_part) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ErrorCodeName(s.code()), ErrorCodeName(code)) << s.ToString();
  EXPECT_EQ(s.error().param, "Meridian-Signature");
  EXPECT_NE(s.error().message.find(message_part), std::string::npos)
      << s.ToString();
}

TEST(WebhookSignatureTest, FormatIsTheSpecs) {
  const std::string header = SignWebhook(kSecret, kT, kBody);
  EXPECT_EQ(header, "t=1795521600,v1=" +
                        HexEncode(HmacSha256(
                            kSecret, "1795521600." + std::string(kBody))));
  EXPECT_EQ(header.size(), std::string("t=1795521600,v1=").size() + 64);
}

TEST(WebhookSignatureTest, VerifiesWithinTolerance) {
  const std::string header = SignWebhook(kSecret, kT, kBody);
  EXPECT_TRUE(VerifyWebhookSignature(header, kBody, kSecret, kT).ok());
  EXPECT_TRUE(VerifyWebhookSignature(header, kBody, kSecret, kT + 300).ok());
  EXPECT_TRUE(VerifyWebhookSignature(header, kBody, kSecret, kT - 300).ok());
  ExpectError(VerifyWebhookSignature(header, kBody, kSecret, kT + 301),
              ErrorCode::kREQUEST_TIME_EXPIRED, "replay");
  ExpectError(VerifyWebhookSignature(header, kBody, kSecret, kT - 301),
              ErrorCode::kREQUEST_TIME_EXPIRED, "replay");
  ExpectError(VerifyWebhookSignature(header, kBody, kSecret, INT64_MIN),
              ErrorCode::kREQUEST_TIME_EXPIRED, "replay");
  EXPECT_TRUE(
      VerifyWebhookSignature(header, kBody, kSecret, kT + 3600, 3600).ok());
}

TEST(WebhookSignatureTest, TamperingIsRefused) {
  const std::string header = SignWebhook(kSecret, kT, kBody);
  std::string body(kBody);
  body[5] ^= 1;
  ExpectError(VerifyWebhookSignature(header, body, kSecret, kT),
              ErrorCode::kINVALID_SIGNATURE, "no v1 signature matches");
  ExpectError(VerifyWebhookSignature(header, kBody, "other", kT),
              ErrorCode::kINVALID_SIGNATURE, "no v1 signature matches");
  // Moving t breaks the signature, so a replay cannot be freshened.
  std::string moved = header;
  moved.replace(2, 10, "1795521700");
  ExpectError(VerifyWebhookSignature(moved, kBody, kSecret, kT + 100),
              ErrorCode::kINVALID_SIGNATURE, "no v1 signature matches");
}

TEST(WebhookSignatureTest, RotationAndUnknownSchemes) {
  const std::string good = SignWebhook(kSecret, kT, kBody);
  const std::string v1 = good.substr(good.find("v1="));
  const std::string other = "v1=" + std::string(64, '0');
  EXPECT_TRUE(VerifyWebhookSignature("t=1795521600," + other + "," + v1, kBody,
                                     kSecret, kT)
                  .ok());
  EXPECT_TRUE(VerifyWebhookSignature(v1 + ", v0=whatever, t=1795521600", kBody,
                                     kSecret, kT)
                  .ok());
  // Upper-case hex is the same MAC.
  std::string upper = good;
  for (size_t i = upper.find("v1=") + 3; i < upper.size(); ++i) {
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  }
  EXPECT_TRUE(VerifyWebhookSignature(upper, kBody, kSecret, kT).ok());
}

TEST(WebhookSignatureTest, MalformedHeaders) {
  const std::string v1 = "v1=" + std::string(64, 'a');
  struct Case {
    std::string header;
    std::string message_part;
  };
  const Case cases[] = {
      {"", "missing"},
      {std::string(2000, 'a'), "longer than 1024"},
      {v1, "no t="},
      {"t=1795521600", "no v1"},
      {"t=1795521600,t=1795521600," + v1, "t twice"},
      {"t=-5," + v1, "Unix seconds"},
      {"t=01," + v1, "Unix seconds"},
      {"t=1e9," + v1, "Unix seconds"},
      {"t=9999999999999," + v1, "Unix seconds"},
      {"t=1795521600,v1=abc", "64 hex digits"},
      {"t=1795521600,v1=" + std::string(64, 'g'), "64 hex digits"},
      {"t=1795521600;" + v1, "Unix seconds"},
      {"t=1795521600," + v1 + ",", "name=value"},
      {"t=1795521600,v1=" + std::string(64, 'a') +
           ",v1=" + std::string(64, 'a') + ",v1=" + std::string(64, 'a') +
           ",v1=" + std::string(64, 'a') + ",v1=" + std::string(64, 'a') +
           ",v1=" + std::string(64, 'a') + ",v1=" + std::string(64, 'a') +
           ",v1=" + std::string(64, 'a') + ",v1=" + std::string(64, 'a'),
       "more than 8"},
  };
  for (const Case& c : cases) {
    ExpectError(VerifyWebhookSignature(c.header, kBody, kSecret, kT),
                ErrorCode::kINVALID_SIGNATURE, c.message_part);
  }
}

}  // namespace
}  // namespace meridian::auth
