// Webhook signatures (spec/api.md "Notifications"): how a receiver knows a
// delivery came from Meridian and was not replayed.
//
//   Meridian-Signature: t=1795521600,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
//   // Sender (the webhook dispatcher):
//   headers.Set("Meridian-Signature", SignWebhook(secret, now_s, body));
//   // Receiver (and our tests):
//   MERIDIAN_RETURN_IF_ERROR(VerifyWebhookSignature(header, body, secret,
//                                                   now_s));
//
// Contract of VerifyWebhookSignature:
// - The header is comma-separated name=value pairs with exactly one t (a
//   non-negative whole number of Unix seconds) and one to kMaxWebhookV1
//   v1 values (64 hex digits; more than one while a secret is being
//   rotated). Other names are ignored, so that new schemes can be added
//   without breaking receivers. Anything else is INVALID_SIGNATURE with
//   param "Meridian-Signature", as is no v1 matching (compared in constant
//   time) the HMAC of "<t>.<body>" under `secret`.
// - Then, if |now_s - t| > tolerance_s: REQUEST_TIME_EXPIRED (a replay, or
//   a clock far off).
#ifndef MERIDIAN_API_AUTH_WEBHOOK_SIGNATURE_H_
#define MERIDIAN_API_AUTH_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::auth {

inline constexpr int64_t kDefaultWebhookToleranceS = 300;
inline constexpr size_t kMaxWebhookV1 = 8;
inline constexpr size_t kMaxWebhookHeaderLength = 1024;

// "t=<t_s>,v1=<64 hex>"; t_s must be >= 0 (checked).
std::string SignWebhook(std::string_view secret, int64_t t_s,
                        std::string_view body);

Status VerifyWebhookSignature(std::string_view header, std::string_view body,
                              std::string_view secret, int64_t now_s,
                              int64_t tolerance_s = kDefaultWebhookToleranceS);

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_WEBHOOK_SIGNATURE_H_
