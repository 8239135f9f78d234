#include "engine/api_commands.h"

#include <array>

#include "core/bytes.h"
#include "engine/command.h"

namespace meridian::engine {
namespace {

Error Malformed(std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   std::move(message));
}

std::vector<uint8_t> Finish(CommandType type, const std::vector<uint8_t>& b) {
  return NewApiCommand(type, b);
}

constexpr std::array<std::string_view, 5> kKindNames = {
    "", "OPERATOR", "PARTICIPANT", "MERCHANT", "CUSTOMER"};
constexpr std::array<std::string_view, 3> kAlgorithmNames = {
    "NONE", "HMAC-SHA256", "ED25519"};

}  // namespace

std::string_view PrincipalKindName(PrincipalKind kind) {
  size_t i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "";
}

std::optional<PrincipalKind> PrincipalKindFromName(std::string_view name) {
  for (size_t i = 1; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<PrincipalKind>(i);
  }
  return std::nullopt;
}

std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  size_t i = static_cast<size_t>(algorithm);
  return i < kAlgorithmNames.size() ? kAlgorithmNames[i] : "";
}

std::optional<SignatureAlgorithm> SignatureAlgorithmFromName(
    std::string_view name) {
  for (size_t i = 0; i < kAlgorithmNames.size(); ++i) {
    if (kAlgorithmNames[i] == name) return static_cast<SignatureAlgorithm>(i);
  }
  return std::nullopt;
}

std::vector<uint8_t> EncodeCreatePrincipal(const PrincipalSpec& spec) {
  MERIDIAN_CHECK(spec.name.size() <= kMaxPrincipalNameBytes);
  MERIDIAN_CHECK(spec.public_key.size() <= kMaxPublicKeyBytes);
  std::vector<uint8_t> b;
  ByteWriter w(&b);
  w.U128(spec.id);
  w.U8(static_cast<uint8_t>(spec.kind));
  w.U8(static_cast<uint8_t>(spec.signature));
  w.Bytes(spec.name);
  w.Bytes(spec.public_key);
  return Finish(CommandType::kCreatePrincipal, b);
}

Result<PrincipalSpec> DecodeCreatePrincipal(std::span<const uint8_t> body) {
  ByteReader r(body);
  PrincipalSpec spec;
  uint8_t kind = 0, signature = 0;
  std::string_view name, key;
  if (!r.U128(&spec.id) || !r.U8(&kind) || !r.U8(&signature) ||
      !r.Bytes(&name, kMaxPrincipalNameBytes) ||
      !r.Bytes(&key, kMaxPublicKeyBytes) || r.remaining() != 0) {
    return Malformed("create principal: bad body");
  }
  if (kind < 1 || kind > 4) return Malformed("create principal: bad kind");
  if (signature > 2) return Malformed("create principal: bad algorithm");
  spec.kind = static_cast<PrincipalKind>(kind);
  spec.signature = static_cast<SignatureAlgorithm>(signature);
  spec.name = std::string(name);
  spec.public_key = std::string(key);
  return spec;
}

std::vector<uint8_t> EncodeCreateApiKey(const ApiKeySpec& spec) {
  std::vector<uint8_t> b;
  ByteWriter w(&b);
  w.U128(spec.key_id);
  w.U128(spec.principal);
  w.Raw(spec.secret_hash.data(), spec.secret_hash.size());
  return Finish(CommandType::kCreateApiKey, b);
}

Result<ApiKeySpec> DecodeCreateApiKey(std::span<const uint8_t> body) {
  ByteReader r(body);
  ApiKeySpec spec;
  if (!r.U128(&spec.key_id) || !r.U128(&spec.principal) ||
      !r.Raw(spec.secret_hash.data(), spec.secret_hash.size()) ||
      r.remaining() != 0) {
    return Malformed("create API key: bad body");
  }
  return spec;
}

namespace {
std::vector<uint8_t> EncodeRef(CommandType type, const KeyRef& ref) {
  std::vector<uint8_t> b;
  ByteWriter w(&b);
  w.U128(ref.id);
  w.U128(ref.principal);
  return Finish(type, b);
}
}  // namespace

std::vector<uint8_t> EncodeRevokeApiKey(const KeyRef& key) {
  return EncodeRef(CommandType::kRevokeApiKey, key);
}
std::vector<uint8_t> EncodeDeleteWebhookEndpoint(const KeyRef& endpoint) {
  return EncodeRef(CommandType::kDeleteWebhookEndpoint, endpoint);
}
std::vector<uint8_t> EncodeSendTestEvent(const KeyRef& endpoint) {
  return EncodeRef(CommandType::kSendTestEvent, endpoint);
}

Result<KeyRef> DecodeKeyRef(std::span<const uint8_t> body) {
  ByteReader r(body);
  KeyRef ref;
  if (!r.U128(&ref.id) || !r.U128(&ref.principal) || r.remaining() != 0) {
    return Malformed("reference: bad body");
  }
  return ref;
}

std::vector<uint8_t> EncodeCreateWebhookEndpoint(
    const WebhookEndpointSpec& spec) {
  MERIDIAN_CHECK(spec.url.size() <= kMaxWebhookUrlBytes);
  std::vector<uint8_t> b;
  ByteWriter w(&b);
  w.U128(spec.id);
  w.U128(spec.principal);
  w.U64(spec.event_mask);
  w.Bytes(spec.url);
  return Finish(CommandType::kCreateWebhookEndpoint, b);
}

Result<WebhookEndpointSpec> DecodeCreateWebhookEndpoint(
    std::span<const uint8_t> body) {
  ByteReader r(body);
  WebhookEndpointSpec spec;
  std::string_view url;
  if (!r.U128(&spec.id) || !r.U128(&spec.principal) ||
      !r.U64(&spec.event_mask) || !r.Bytes(&url, kMaxWebhookUrlBytes) ||
      r.remaining() != 0) {
    return Malformed("create webhook endpoint: bad body");
  }
  spec.url = std::string(url);
  return spec;
}

std::vector<uint8_t> EncodeRecordDeliveries(
    std::span<const DeliveryResult> results) {
  MERIDIAN_CHECK(!results.empty() && results.size() <= kMaxDeliveryResults);
  std::vector<uint8_t> b;
  ByteWriter w(&b);
  w.U32(static_cast<uint32_t>(results.size()));
  for (const DeliveryResult& d : results) {
    w.U128(d.event_id);
    w.U128(d.endpoint_id);
    w.U8(d.ok ? 1 : 0);
    w.U16(d.http_status);
    w.I64(d.next_attempt_ns);
  }
  return Finish(CommandType::kRecordDeliveries, b);
}

Result<std::vector<DeliveryResult>> DecodeRecordDeliveries(
    std::span<const uint8_t> body) {
  ByteReader r(body);
  uint32_t n = 0;
  if (!r.U32(&n) || n == 0 || n > kMaxDeliveryResults) {
    return Malformed("record deliveries: 1 to 4096 results");
  }
  std::vector<DeliveryResult> out(n);
  for (DeliveryResult& d : out) {
    uint8_t ok = 0;
    if (!r.U128(&d.event_id) || !r.U128(&d.endpoint_id) || !r.U8(&ok) ||
        !r.U16(&d.http_status) || !r.I64(&d.next_attempt_ns) || ok > 1) {
      return Malformed("record deliveries: bad result");
    }
    d.ok = ok == 1;
  }
  if (r.remaining() != 0) return Malformed("record deliveries: trailing bytes");
  return out;
}

std::vector<uint8_t> EncodeIdempotent(const Envelope& e,
                                      std::span<const uint8_t> inner) {
  MERIDIAN_CHECK(e.request_key.size() <= kMaxRequestKeyBytes);
  std::vector<uint8_t> b;
  b.reserve(96 + e.request_key.size() + inner.size());
  ByteWriter w(&b);
  w.U128(e.principal);
  w.U128(e.key_fingerprint);
  w.Raw(e.body_hash.data(), e.body_hash.size());
  w.Bytes(e.request_key);
  w.Raw(inner.data(), inner.size());
  return Finish(CommandType::kIdempotent, b);
}

Result<Envelope> DecodeIdempotent(std::span<const uint8_t> body) {
  ByteReader r(body);
  Envelope e;
  std::string_view key;
  if (!r.U128(&e.principal) || !r.U128(&e.key_fingerprint) ||
      !r.Raw(e.body_hash.data(), e.body_hash.size()) ||
      !r.Bytes(&key, kMaxRequestKeyBytes)) {
    return Malformed("idempotency envelope: bad header");
  }
  e.request_key = std::string(key);
  e.inner = body.subspan(body.size() - r.remaining());
  MERIDIAN_ASSIGN_OR_RETURN(CommandView inner, ViewCommand(e.inner));
  if (inner.type == CommandType::kIdempotent) {
    return Malformed("idempotency envelope: envelopes do not nest");
  }
  return e;
}

u128 RequestKeyFingerprint(u128 principal, std::string_view scope,
                           std::string_view request_key) {
  Sha256Hasher h;
  h.Update(std::string_view(reinterpret_cast<const char*>(&principal),
                            sizeof principal));
  h.Update(scope);
  h.Update(std::string_view("\0", 1));
  h.Update(request_key);
  Sha256Digest d = h.Finish();
  u128 out;
  std::memcpy(&out, d.data(), sizeof out);
  return out;
}

}  // namespace meridian::engine
