#include "api/auth/webhook_signature.h"

#include <optional>
#include <vector>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"
#include "core/assert.h"

namespace meridian::auth {
namespace {

constexpr std::string_view kHeader = "Meridian-Signature";
// Up to year 33658 in seconds: enough, and no overflow when parsing.
constexpr size_t kMaxTimestampDigits = 12;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kINVALID_SIGNATURE, std::string(kHeader),
                   std::move(message));
}

std::string Expected(std::string_view secret, int64_t t_s,
                     std::string_view body) {
  std::string signed_payload = std::to_string(t_s);
  signed_payload.push_back('.');
  signed_payload.append(body);
  return HmacSha256(secret, signed_payload);
}

std::optional<int64_t> ParseSeconds(std::string_view text) {
  if (text.empty() || text.size() > kMaxTimestampDigits) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string SignWebhook(std::string_view secret, int64_t t_s,
                        std::string_view body) {
  MERIDIAN_CHECK(t_s >= 0) << "webhook time " << t_s;
  return "t=" + std::to_string(t_s) +
         ",v1=" + HexEncode(Expected(secret, t_s, body));
}

Status VerifyWebhookSignature(std::string_view header, std::string_view body,
                              std::string_view secret, int64_t now_s,
                              int64_t tolerance_s) {
  if (header.empty())
    return Invalid("the Meridian-Signature header is missing");
  if (header.size() > kMaxWebhookHeaderLength) {
    return Invalid("the Meridian-Signature header is longer than " +
                   std::to_string(kMaxWebhookHeaderLength) + " bytes");
  }
  std::optional<int64_t> t;
  std::vector<std::string> v1;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(start, end - start);
    start = end + 1;
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return Invalid("the header must be name=value pairs: t=...,v1=...");
    }
    std::string_view name = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (name == "t") {
      if (t.has_value()) return Invalid("the header has t twice");
      t = ParseSeconds(value);
      if (!t) return Invalid("t must be Unix seconds");
    } else if (name == "v1") {
      if (v1.size() == kMaxWebhookV1) {
        return Invalid("the header has more than " +
                       std::to_string(kMaxWebhookV1) + " v1 signatures");
      }
      std::optional<std::string> mac = HexDecode(value);
      if (!mac || mac->size() != kHmacSha256Bytes) {
        return Invalid("v1 must be 64 hex digits (HMAC-SHA256)");
      }
      v1.push_back(std::move(*mac));
    }
    // Other names: schemes this code does not know; ignored on purpose.
  }
  if (!t) return Invalid("the header has no t=<unix seconds>");
  if (v1.empty()) return Invalid("the header has no v1 signature");

  const std::string expected = Expected(secret, *t, body);
  bool match = false;
  // Every candidate is compared, so the time does not tell which matched.
  for (const std::string& candidate : v1) {
    match |= ConstantTimeEqual(expected, candidate);
  }
  if (!match) {
    return Invalid(
        "no v1 signature matches: compute HMAC-SHA256 with the endpoint's "
        "secret over \"<t>.<raw body>\"");
  }
  int64_t age = 0;
  if (__builtin_sub_overflow(now_s, *t, &age)) age = INT64_MIN;  // now_s < 0
  if (age > tolerance_s || age < -tolerance_s) {
    return MakeError(ErrorCode::kREQUEST_TIME_EXPIRED, std::string(kHeader),
                     "the signature time is more than " +
                         std::to_string(tolerance_s) +
                         " seconds from now: a replay, or a clock that is off");
  }
  return Status::Ok();
}

}  // namespace meridian::auth
