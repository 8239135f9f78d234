#include "api/auth/auth_fuzz.h"

#include <limits>
#include <string>
#include <string_view>

#include "api/auth/base64.h"
#include "api/auth/signature.h"
#include "api/auth/time_format.h"
#include "api/auth/webhook_signature.h"
#include "core/assert.h"

namespace meridian::auth {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// In 128 bits: the earliest int64 times floor out of the int64 range.
__int128 FloorToMs(int64_t ns) {
  int64_t ms = ns / 1'000'000;
  if (ns % 1'000'000 < 0) --ms;
  return static_cast<__int128>(ms) * 1'000'000;
}

}  // namespace

void FuzzAuthOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (Result<SignatureHeader> h = ParseSignatureHeader(input); h.ok()) {
    Result<SignatureHeader> again =
        ParseSignatureHeader(FormatSignatureHeader(*h));
    MERIDIAN_CHECK(again.ok()) << again.error().ToString();
    MERIDIAN_CHECK(again->algorithm == h->algorithm &&
                   again->key_version == h->key_version &&
                   again->signature == h->signature);
  } else {
    MERIDIAN_CHECK(h.error().code == ErrorCode::kINVALID_SIGNATURE);
  }

  if (Result<int64_t> t = ParseRfc3339(input); t.ok()) {
    const std::string text = FormatRfc3339(*t);
    Result<int64_t> back = ParseRfc3339(text);
    const __int128 floored = FloorToMs(*t);
    if (floored < std::numeric_limits<int64_t>::min()) {
      MERIDIAN_CHECK(!back.ok()) << text;
    } else {
      MERIDIAN_CHECK(back.ok()) << text;
      MERIDIAN_CHECK(*back == floored) << text;
    }
  }

  if (auto bytes = Base64UrlDecode(input)) {
    MERIDIAN_CHECK(Base64UrlEncode(*bytes) == input);
  }
  if (auto bytes = Base64Decode(input)) {
    MERIDIAN_CHECK(Base64Encode(*bytes) == input);
  }
  if (auto bytes = HexDecode(input)) {
    MERIDIAN_CHECK(HexEncode(*bytes) == Lower(input));
  }

  // As headers of a request or webhook nobody signed: always refused.
  const SigningKey key{SigningKey::kHmacSha256, "fuzz secret", 1};
  Status request = VerifyRequestSignature("POST", "/v1/payments", "ptc_fuzz",
                                          "2026-11-24T12:00:00Z", input, "{}",
                                          key, 1'795'521'600'000'000'000);
  MERIDIAN_CHECK(request.code() == ErrorCode::kINVALID_SIGNATURE);
  Status time = VerifyRequestSignature("POST", "/v1/payments", "ptc_fuzz",
                                       input, "", "{}", key, 0);
  MERIDIAN_CHECK(time.code() == ErrorCode::kINVALID_SIGNATURE);
  Status webhook = VerifyWebhookSignature(input, "{}", "whsec", 1'795'521'600);
  MERIDIAN_CHECK(webhook.code() == ErrorCode::kINVALID_SIGNATURE);
}

}  // namespace meridian::auth

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::auth::FuzzAuthOnce(data, size);
  return 0;
}
#endif
