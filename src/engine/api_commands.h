// API commands: the journaled requests of the API layer that are not ledger
// events — principals, API keys, webhook endpoints, webhook delivery
// results — and the idempotency envelope that wraps any command.
//
// Each is one variable-length event (command count 1) after the common
// 8-byte command header (command.h). Bodies are little-endian; strings are
// a u32 length then bytes (core/bytes.h):
//
//   kCreatePrincipal        u128 id | u8 kind | u8 signature algorithm |
//                           str name (<=128) | str public key (<=64)
//   kCreateApiKey           u128 key id | u128 principal | 32-byte SHA-256
//                           of the secret
//   kRevokeApiKey           u128 key id | u128 principal
//   kCreateWebhookEndpoint  u128 id | u128 principal | u64 event mask |
//                           str url (<=2048)
//   kDeleteWebhookEndpoint  u128 id | u128 principal
//   kSendTestEvent          u128 endpoint id | u128 principal
//   kRecordDeliveries       u32 n (<=4096) | n x (u128 event id | u128
//                           endpoint id | u8 ok | u16 http status |
//                           i64 next attempt, Unix ns)
//   kIdempotent             u128 principal | u128 key fingerprint |
//                           32-byte body hash | str request key (<=160) |
//                           the wrapped command's bytes (to the end).
//                           The envelope of every API request: it names the
//                           caller (the owner of the events the command
//                           emits) and, when the request key is not empty,
//                           makes the command idempotent.
//
// Secrets never enter the journal: keys arrive hashed, and webhook and
// request-signing secrets are derived outside the engine (api/).
//
//   std::vector<uint8_t> bytes = EncodeCreateApiKey({key_id, principal, h});
//   MERIDIAN_ASSIGN_OR_RETURN(ApiKeySpec spec, DecodeCreateApiKey(body));
#ifndef MERIDIAN_ENGINE_API_COMMANDS_H_
#define MERIDIAN_ENGINE_API_COMMANDS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::engine {

enum class PrincipalKind : uint8_t {
  kOperator = 1,
  kParticipant = 2,
  kMerchant = 3,
  kCustomer = 4,
};
std::string_view PrincipalKindName(PrincipalKind kind);  // "OPERATOR", …
std::optional<PrincipalKind> PrincipalKindFromName(std::string_view name);

enum class SignatureAlgorithm : uint8_t {
  kNone = 0,
  kHmacSha256 = 1,
  kEd25519 = 2,
};
// "NONE", "HMAC-SHA256", "ED25519": the API's names.
std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm);
std::optional<SignatureAlgorithm> SignatureAlgorithmFromName(
    std::string_view name);

inline constexpr size_t kMaxPrincipalNameBytes = 128;
inline constexpr size_t kMaxPublicKeyBytes = 64;
inline constexpr size_t kMaxWebhookUrlBytes = 2048;
inline constexpr size_t kMaxRequestKeyBytes = 160;
inline constexpr uint32_t kMaxDeliveryResults = 4096;
inline constexpr uint32_t kMaxReplyPayloadBytes = 64 << 10;

struct PrincipalSpec {
  u128 id;
  PrincipalKind kind = PrincipalKind::kParticipant;
  SignatureAlgorithm signature = SignatureAlgorithm::kNone;
  std::string name;
  std::string public_key;  // Ed25519 raw public key when signature is Ed25519
};

struct ApiKeySpec {
  u128 key_id;
  u128 principal;
  Sha256Digest secret_hash{};
};

struct KeyRef {
  u128 id;
  u128 principal;
};

struct WebhookEndpointSpec {
  u128 id;
  u128 principal;
  uint64_t event_mask = 0;
  std::string url;
};

struct DeliveryResult {
  u128 event_id;
  u128 endpoint_id;
  bool ok = false;
  uint16_t http_status = 0;  // 0: no answer (connection failed, timeout)
  int64_t next_attempt_ns = 0;
};

struct Envelope {
  u128 principal;
  u128 key_fingerprint;
  Sha256Digest body_hash{};
  std::string request_key;
  std::span<const uint8_t> inner;  // views the encoded bytes
};

std::vector<uint8_t> EncodeCreatePrincipal(const PrincipalSpec& spec);
std::vector<uint8_t> EncodeCreateApiKey(const ApiKeySpec& spec);
std::vector<uint8_t> EncodeRevokeApiKey(const KeyRef& key);
std::vector<uint8_t> EncodeCreateWebhookEndpoint(
    const WebhookEndpointSpec& spec);
std::vector<uint8_t> EncodeDeleteWebhookEndpoint(const KeyRef& endpoint);
std::vector<uint8_t> EncodeSendTestEvent(const KeyRef& endpoint);
std::vector<uint8_t> EncodeRecordDeliveries(
    std::span<const DeliveryResult> results);
// Wraps `inner` (a whole encoded command, not itself an envelope).
std::vector<uint8_t> EncodeIdempotent(const Envelope& envelope,
                                      std::span<const uint8_t> inner);

// Decoders take the command body (after the 8-byte header) and refuse
// anything malformed with INVALID_PARAMETER (param "command").
Result<PrincipalSpec> DecodeCreatePrincipal(std::span<const uint8_t> body);
Result<ApiKeySpec> DecodeCreateApiKey(std::span<const uint8_t> body);
Result<KeyRef> DecodeKeyRef(std::span<const uint8_t> body);
Result<WebhookEndpointSpec> DecodeCreateWebhookEndpoint(
    std::span<const uint8_t> body);
Result<std::vector<DeliveryResult>> DecodeRecordDeliveries(
    std::span<const uint8_t> body);
Result<Envelope> DecodeIdempotent(std::span<const uint8_t> body);

// The fingerprint the engine keys idempotency entries by: the first 16
// bytes of SHA-256(principal | scope | 0 | request key). `scope` separates
// request ids of different routes.
u128 RequestKeyFingerprint(u128 principal, std::string_view scope,
                           std::string_view request_key);

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_API_COMMANDS_H_
