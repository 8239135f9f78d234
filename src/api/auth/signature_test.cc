#include "api/auth/signature.h"

#include <gtest/gtest.h>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"

namespace meridian::auth {
namespace {

constexpr int64_t kS = 1'000'000'000;
// 2026-11-24T12:00:00Z
constexpr int64_t kNoon = 1795521600 * kS;
constexpr std::string_view kTime = "2026-11-24T12:00:00.123Z";
constexpr std::string_view kBody =
    R"({"paymentRequestId":"r1","amount":{"currency":"THB","value":"35000"}})";

struct Request {
  std::string method = "POST";
  std::string path = "/v1/payments";
  std::string client_id = "ptc_01J9ZQ3V6Q0000000000000000";
  std::string time = std::string(kTime);
  std::string signature;
  std::string body = std::string(kBody);
};

Status Verify(const Request& r, const SigningKey& key, int64_t now = kNoon) {
  return VerifyRequestSignature(r.method, r.path, r.client_id, r.time,
                                r.signature, r.body, key, now);
}

Request Signed(const SigningKey& sign_key) {
  Request r;
  r.signature =
      SignRequest(r.method, r.path, r.client_id, r.time, r.body, sign_key)
          .value();
  return r;
}

void ExpectError(const Status& s, ErrorCode code, std::string_view param,
                 std::string_view message_part) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ErrorCodeName(s.code()), ErrorCodeName(code)) << s.ToString();
  EXPECT_EQ(s.error().param, param) << s.ToString();
  EXPECT_NE(s.error().message.find(message_part), std::string::npos)
      << s.ToString();
}

class SignatureTest : public ::testing::TestWithParam<SigningKey::Algorithm> {
 protected:
  void SetUp() override {
    if (GetParam() == SigningKey::kHmacSha256) {
      sign_ = SigningKey{SigningKey::kHmacSha256, RandomBytes(32).value(), 1};
      verify_ = sign_;
    } else {
      Ed25519KeyPair pair = GenerateEd25519KeyPair().value();
      sign_ = SigningKey{SigningKey::kEd25519, pair.private_key, 1};
      verify_ = SigningKey{SigningKey::kEd25519, pair.public_key, 1};
    }
  }
  SigningKey sign_;
  SigningKey verify_;
};

INSTANTIATE_TEST_SUITE_P(Algorithms, SignatureTest,
                         ::testing::Values(SigningKey::kHmacSha256,
                                           SigningKey::kEd25519));

TEST_P(SignatureTest, SignedRequestVerifies) {
  Request r = Signed(sign_);
  EXPECT_TRUE(Verify(r, verify_).ok()) << Verify(r, verify_).ToString();
  EXPECT_EQ(
      r.signature.rfind("algorithm=" + std::string(AlgorithmName(GetParam())) +
                            ",keyVersion=1,signature=",
                        0),
      0u);
  // An empty body and a query string are signed like any other bytes.
  Request get;
  get.method = "GET";
  get.path = "/v1/payments?limit=10&startingAfter=pay_1";
  get.body = "";
  get.signature = SignRequest(get.method, get.path, get.client_id, get.time,
                              get.body, sign_)
                      .value();
  EXPECT_TRUE(Verify(get, verify_).ok());
}

TEST_P(SignatureTest, AnyChangeIsAMismatch) {
  const Request good = Signed(sign_);
  auto expect_mismatch = [&](Request r) {
    ExpectError(Verify(r, verify_), ErrorCode::kINVALID_SIGNATURE, "Signature",
                "does not match");
  };
  for (size_t i = 0; i < good.body.size(); i += 7) {
    Request r = good;
    r.body[i] ^= 0x20;
    expect_mismatch(r);
  }
  Request r = good;
  r.body += " ";  // even insignificant whitespace: we sign bytes, not JSON
  expect_mismatch(r);
  r = good;
  r.path = "/v1/refunds";
  expect_mismatch(r);
  r = good;
  r.method = "PUT";
  expect_mismatch(r);
  r = good;
  r.client_id = "ptc_01J9ZQ3V6Q0000000000000001";
  expect_mismatch(r);
  r = good;
  r.time = "2026-11-24T12:00:00.124Z";
  expect_mismatch(r);
  r = good;
  r.time = "2026-11-24T19:00:00.123+07:00";  // same instant, other bytes
  expect_mismatch(r);
}

TEST_P(SignatureTest, TamperedSignatureBytes) {
  Request r = Signed(sign_);
  SignatureHeader h = ParseSignatureHeader(r.signature).value();
  h.signature[0] ^= 1;
  r.signature = FormatSignatureHeader(h);
  ExpectError(Verify(r, verify_), ErrorCode::kINVALID_SIGNATURE, "Signature",
              "does not match");
}

TEST_P(SignatureTest, WrongKey) {
  SigningKey other = verify_;
  other.key_bytes[0] ^= 1;
  ExpectError(Verify(Signed(sign_), other), ErrorCode::kINVALID_SIGNATURE,
              "Signature", "does not match");
}

TEST_P(SignatureTest, TimeWindow) {
  const Request r = Signed(sign_);
  const int64_t t = kNoon + 123'000'000;
  const int64_t window = kDefaultSignatureWindowNs;
  EXPECT_TRUE(Verify(r, verify_, t).ok());
  EXPECT_TRUE(Verify(r, verify_, t + window).ok());
  EXPECT_TRUE(Verify(r, verify_, t - window).ok());
  ExpectError(Verify(r, verify_, t + window + 1),
              ErrorCode::kREQUEST_TIME_EXPIRED, "Request-Time",
              "check your clock");
  ExpectError(Verify(r, verify_, t - window - 1),
              ErrorCode::kREQUEST_TIME_EXPIRED, "Request-Time", "300 seconds");
  ExpectError(Verify(r, verify_, INT64_MAX), ErrorCode::kREQUEST_TIME_EXPIRED,
              "Request-Time", "");
  ExpectError(Verify(r, verify_, INT64_MIN), ErrorCode::kREQUEST_TIME_EXPIRED,
              "Request-Time", "");
}

TEST_P(SignatureTest, ForgedOldRequestIsInvalidNotExpired) {
  // A bad signature is reported as such even when the time is also wrong:
  // REQUEST_TIME_EXPIRED is only for callers holding the key.
  Request r = Signed(sign_);
  r.body += "x";
  ExpectError(Verify(r, verify_, kNoon + 3600 * kS),
              ErrorCode::kINVALID_SIGNATURE, "Signature", "does not match");
}

TEST_P(SignatureTest, AlgorithmAndVersionMustBeTheKeys) {
  Request r = Signed(sign_);
  SigningKey other_version = verify_;
  other_version.version = 2;
  ExpectError(Verify(r, other_version), ErrorCode::kINVALID_SIGNATURE,
              "Signature", "keyVersion 1 is not this client's current key");

  SigningKey other_algorithm{GetParam() == SigningKey::kEd25519
                                 ? SigningKey::kHmacSha256
                                 : SigningKey::kEd25519,
                             std::string(32, 'k'), 1};
  ExpectError(Verify(r, other_algorithm), ErrorCode::kINVALID_SIGNATURE,
              "Signature", "this client signs with");
}

TEST(SignatureHeaderTest, GoldenErrors) {
  const std::string mac = Base64UrlEncode(std::string(32, 'm'));
  const std::string ed = Base64UrlEncode(std::string(64, 'e'));
  struct Case {
    std::string header;
    std::string message_part;
  };
  const Case cases[] = {
      {"", "needs a Signature header"},
      {std::string(600, 'a'), "longer than 512"},
      {"algorithm=HMAC-SHA256", "needs algorithm, keyVersion and signature"},
      {"algorithm=HMAC-SHA256;keyVersion=1;signature=" + mac,
       "needs algorithm, keyVersion and signature"},
      {"algorithm=HMAC-SHA256,keyVersion=1,signature=" + mac + ",",
       "name=value pairs"},
      {"algorithm=HMAC-SHA256,keyVersion=1,keyVersion=1,signature=" + mac,
       "twice"},
      {"algorithm=HMAC-SHA256,keyVersion=1,signature=" + mac + ",extra=1",
       "unknown parameter"},
      {"algorithm=RSA256,keyVersion=1,signature=" + mac,
       "unknown signature "
       "algorithm"},
      {"algorithm=hmac-sha256,keyVersion=1,signature=" + mac,
       "unknown signature algorithm"},
      {"algorithm=HMAC-SHA256,keyVersion=0,signature=" + mac, "keyVersion"},
      {"algorithm=HMAC-SHA256,keyVersion=01,signature=" + mac, "keyVersion"},
      {"algorithm=HMAC-SHA256,keyVersion=1000000,signature=" + mac,
       "keyVersion"},
      {"algorithm=HMAC-SHA256,keyVersion=x,signature=" + mac, "keyVersion"},
      {"algorithm=HMAC-SHA256,keyVersion=1,signature=" +
           Base64Encode(std::string(32, 'm')),
       "base64url"},
      {"algorithm=HMAC-SHA256,keyVersion=1,signature=" + mac + "=",
       "base64url"},
      {"algorithm=HMAC-SHA256,keyVersion=1,signature=" + ed,
       "HMAC-SHA256 signature is 32 bytes; this one is 64"},
      {"algorithm=ED25519,keyVersion=1,signature=" + mac,
       "ED25519 signature is 64 bytes; this one is 32"},
      {"algorithm=ED25519,keyVersion=1,signature=", "64 bytes; this one is 0"},
  };
  for (const Case& c : cases) {
    Result<SignatureHeader> h = ParseSignatureHeader(c.header);
    ASSERT_FALSE(h.ok()) << c.header;
    ExpectError(h.status(), ErrorCode::kINVALID_SIGNATURE, "Signature",
                c.message_part);
  }
}

TEST(SignatureHeaderTest, ParsesAnyOrderAndSpaces) {
  const std::string sig = Base64UrlEncode(std::string(64, 'e'));
  SignatureHeader h =
      ParseSignatureHeader("signature=" + sig +
                           ", keyVersion=42 ,\talgorithm=ED25519")
          .value();
  EXPECT_EQ(h.algorithm, SigningKey::kEd25519);
  EXPECT_EQ(h.key_version, 42);
  EXPECT_EQ(h.signature, std::string(64, 'e'));
  EXPECT_EQ(FormatSignatureHeader(h),
            "algorithm=ED25519,keyVersion=42,signature=" + sig);
}

TEST(SignatureTest, OtherHeadersAtFault) {
  const SigningKey key{SigningKey::kHmacSha256, "secret", 1};
  Request r = Signed(key);
  Request bad = r;
  bad.client_id = "";
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "Client-Id",
              "needs a Client-Id");
  bad.client_id = "ptc 1";
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "Client-Id",
              "visible ASCII");
  bad.client_id = std::string(129, 'c');
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "Client-Id",
              "at most 128");
  bad = r;
  bad.time = "";
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "Request-Time",
              "needs a Request-Time");
  bad.time = "1795521600123";  // Unix milliseconds, as some APIs take
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "Request-Time",
              "not an RFC 3339 time");
  bad = r;
  bad.path = "/v1/payments\nX: y";
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "",
              "visible ASCII");
  bad = r;
  bad.method = "post";
  ExpectError(Verify(bad, key), ErrorCode::kINVALID_SIGNATURE, "",
              "upper-case");
}

TEST(SignatureTest, SignRefusesWhatCannotVerify) {
  const SigningKey key{SigningKey::kHmacSha256, "secret", 1};
  EXPECT_EQ(
      SignRequest("POST", "/v1/x", "c", "yesterday", "", key).error().code,
      ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(SignRequest("POST", "v1/x", "c", kTime, "", key).error().code,
            ErrorCode::kINVALID_PARAMETER);
  const SigningKey short_ed{SigningKey::kEd25519, "short", 1};
  EXPECT_EQ(SignRequest("POST", "/v1/x", "c", kTime, "", short_ed).error().code,
            ErrorCode::kINVALID_PARAMETER);
  const SigningKey version_zero{SigningKey::kHmacSha256, "secret", 0};
  EXPECT_EQ(
      SignRequest("POST", "/v1/x", "c", kTime, "", version_zero).error().code,
      ErrorCode::kINVALID_PARAMETER);
}

TEST(SignatureTest, SignedContentIsTheSpecsBytes) {
  EXPECT_EQ(SignedContent("POST", "/v1/payments", "ptc_1",
                          "2026-11-24T12:00:00.123Z", "{}"),
            "POST /v1/payments\nptc_1.2026-11-24T12:00:00.123Z.{}");
}

TEST(SignatureTest, KnownHmacSignature) {
  // Pins the wire format: HMAC-SHA256 over the spec's bytes, base64url.
  const SigningKey key{SigningKey::kHmacSha256, "secret", 1};
  const std::string content =
      SignedContent("POST", "/v1/payments", "ptc_1", kTime, "{}");
  EXPECT_EQ(
      SignRequest("POST", "/v1/payments", "ptc_1", kTime, "{}", key).value(),
      "algorithm=HMAC-SHA256,keyVersion=1,signature=" +
          Base64UrlEncode(HmacSha256("secret", content)));
}

}  // namespace
}  // namespace meridian::auth
