// ApiState: the engine's state for the API layer — principals, API keys,
// webhook endpoints, the webhook outbox and the idempotency table.
//
// It is part of the deterministic state machine: it changes only through
// journaled commands, reads time only from the batch stamp, iterates only
// ordered containers, and is serialised into snapshots. Because the outbox
// lives here, an event the engine emitted stays pending across restarts
// until a kRecordDeliveries command says it was delivered (or finally
// failed): delivery is at least once.
//
// Idempotency: entries are keyed by a fingerprint of (principal, scope,
// request id), hold the hash of the canonical request body and the first
// reply, and leave in arrival order once `retention_ns` has passed (batch
// time). At most `max_entries` are kept; past that a new keyed request is
// refused with IDEMPOTENCY_FULL (U) rather than forgetting one early.
//
// Bounded memory: pending events at most `max_pending_events`; past that
// the oldest is finished as failed (it stays visible in the read model).
#ifndef MERIDIAN_ENGINE_API_STATE_H_
#define MERIDIAN_ENGINE_API_STATE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"
#include "core/int128.h"
#include "core/status.h"
#include "engine/api_commands.h"
#include "ledger/ledger.h"

namespace meridian::engine {

// Webhook event types. Append; never renumber (masks are journaled).
enum class EventType : uint16_t {
  kWebhookTest = 1,
  kLedgerAccountCreated = 2,
  kLedgerTransferCreated = 3,
  kComplianceCaseOpened = 4,
  kComplianceCaseReleased = 5,
  kComplianceCaseRejected = 6,
  // The wallet interconnect (spec/network.md): a payment record
  // (network/network_commands.h) as the payload, a refund record for
  // refund.succeeded.
  kPaymentSucceeded = 7,
  kPaymentFailed = 8,
  kPaymentCancelled = 9,
  kRefundSucceeded = 10,
  kPaymentHeld = 11,
};
inline constexpr uint16_t kMaxEventType = 11;
std::string_view EventTypeName(EventType type);  // "webhook.test", …
std::optional<EventType> EventTypeFromName(std::string_view name);
inline uint64_t EventMaskBit(EventType type) {
  return uint64_t{1} << static_cast<uint16_t>(type);
}

struct Principal {
  u128 id;
  PrincipalKind kind = PrincipalKind::kParticipant;
  SignatureAlgorithm signature = SignatureAlgorithm::kNone;
  std::string name;
  std::string public_key;
  int64_t created_ns = 0;
};

struct ApiKey {
  u128 id;
  u128 principal;
  Sha256Digest secret_hash{};
  int64_t created_ns = 0;
  bool revoked = false;
};

struct WebhookEndpoint {
  u128 id;
  u128 principal;
  uint64_t event_mask = 0;
  std::string url;
  int64_t created_ns = 0;
};

enum class DeliveryState : uint8_t {
  kPending = 0,
  kDelivered = 1,
  kFailed = 2
};

struct Delivery {
  u128 endpoint_id;
  DeliveryState state = DeliveryState::kPending;
  uint16_t attempts = 0;
  uint16_t last_http_status = 0;
  int64_t next_attempt_ns = 0;  // when pending
  int64_t finished_ns = 0;      // when delivered or failed
};

struct Event {
  u128 id;
  EventType type = EventType::kWebhookTest;
  u128 principal;
  int64_t created_ns = 0;
  u128 object_id;
  std::string payload;  // a 128-byte ledger record for ledger events
  std::vector<Delivery> deliveries;
  bool finished() const;
};

// The first reply to a keyed request, as the engine decided it.
struct StoredReply {
  ErrorCode code = ErrorCode::kSUCCESS;
  std::string param;
  std::string message;
  u128 object_id;
  uint64_t batch_seq = 0;
  uint64_t command_index = 0;
  uint64_t first_timestamp = 0;
  std::vector<ledger::EventResult> results;
  std::vector<uint8_t> payload;  // CommandReply::payload
};

struct ApiLimits {
  uint64_t max_principals = 1'000'000;
  uint64_t max_keys = 4'000'000;
  uint64_t max_endpoints_per_principal = 16;
  uint64_t max_pending_events = 1'000'000;
  uint32_t max_delivery_attempts = 8;  // spec/api.md's schedule
  uint64_t max_idempotency_entries = 20'000'000;
  int64_t idempotency_retention_ns = 25LL * 3600 * 1'000'000'000;
};

// What one batch changed, for the layers that follow the engine (auth
// cache, webhook worker, read model). Filled only when asked for.
struct ApiOutput {
  std::vector<Principal> principals;       // created
  std::vector<ApiKey> keys;                // created or revoked
  std::vector<WebhookEndpoint> endpoints;  // created
  std::vector<u128> endpoints_deleted;
  std::vector<Event> events;           // emitted, with pending deliveries
  std::vector<Event> events_finished;  // left the outbox (final states)
  struct Request {
    u128 principal;
    std::string request_key;
    u128 object_id;
  };
  std::vector<Request> requests;  // first replies to keyed requests
  void Clear();
};

class ApiState {
 public:
  explicit ApiState(ApiLimits limits = {}) : limits_(limits) {}

  // Commands. `now_ns` is the batch time; `id_counter` feeds event ids.
  Status CreatePrincipal(const PrincipalSpec& spec, int64_t now_ns,
                         ApiOutput* out);
  Status CreateApiKey(const ApiKeySpec& spec, int64_t now_ns, ApiOutput* out);
  Status RevokeApiKey(const KeyRef& key, ApiOutput* out);
  Status CreateWebhookEndpoint(const WebhookEndpointSpec& spec, int64_t now_ns,
                               ApiOutput* out);
  Status DeleteWebhookEndpoint(const KeyRef& endpoint, ApiOutput* out);
  // A webhook.test event to the caller's own endpoint; its id.
  Result<u128> SendTestEvent(const KeyRef& endpoint, int64_t now_ns,
                             ApiOutput* out);
  Status RecordDeliveries(std::span<const DeliveryResult> results,
                          int64_t now_ns, ApiOutput* out);

  // True when `principal` has an endpoint subscribed to `type`: emitting is
  // skipped (no cost) otherwise.
  bool Subscribed(u128 principal, EventType type) const;
  // Emits an event to every subscribed endpoint of `principal` (or only to
  // `only_endpoint` when set). Returns the event id (0 when nobody wanted it).
  u128 Emit(EventType type, u128 principal, u128 object_id, std::string payload,
            int64_t now_ns, std::optional<u128> only_endpoint, ApiOutput* out);

  // Idempotency. Lookup returns the stored entry for the fingerprint, if
  // any and still retained.
  struct IdempotencyEntry {
    u128 fingerprint;
    Sha256Digest body_hash{};
    int64_t created_ns = 0;
    StoredReply reply;
  };
  const IdempotencyEntry* FindRequest(u128 fingerprint) const;
  bool IdempotencyFull() const {
    return entries_.size() >= limits_.max_idempotency_entries;
  }
  void RememberRequest(IdempotencyEntry entry);
  // Drops entries older than the retention; called before each batch.
  void ExpireRequests(int64_t now_ns);

  const std::map<u128, Principal>& principals() const { return principals_; }
  const std::map<u128, ApiKey>& keys() const { return keys_; }
  const std::map<u128, WebhookEndpoint>& endpoints() const {
    return endpoints_;
  }
  const std::map<u128, Event>& pending_events() const { return events_; }
  bool HasOperator() const { return has_operator_; }
  size_t idempotency_entries() const { return entries_.size(); }

  void Serialize(ByteWriter* w) const;
  // `version` is the engine snapshot's: stored replies carry a payload
  // from version 3 on.
  static Result<ApiState> Deserialize(ByteReader* r, ApiLimits limits,
                                      uint32_t version);

 private:
  void FinishEvent(std::map<u128, Event>::iterator it, ApiOutput* out);

  ApiLimits limits_;
  std::map<u128, Principal> principals_;
  std::map<u128, ApiKey> keys_;
  std::map<u128, WebhookEndpoint> endpoints_;
  // principal -> its endpoints, in id order.
  std::map<u128, std::vector<u128>> endpoints_by_principal_;
  std::map<u128, Event> events_;  // pending; ids increase with time
  bool has_operator_ = false;
  uint64_t event_counter_ = 0;

  // Arrival order (for expiry) plus a lookup index that is never iterated.
  std::deque<IdempotencyEntry> entries_;
  uint64_t entries_popped_ = 0;  // position of entries_.front()
  std::unordered_map<u128, uint64_t, U128Hash> entry_index_;
};

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_API_STATE_H_
