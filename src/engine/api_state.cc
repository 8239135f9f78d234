#include "engine/api_state.h"

#include <algorithm>
#include <array>

#include "core/id.h"

namespace meridian::engine {
namespace {

constexpr std::array<std::string_view, kMaxEventType + 1> kEventNames = {
    "",
    "webhook.test",
    "ledger.account.created",
    "ledger.transfer.created",
    "compliance.case.opened",
    "compliance.case.released",
    "compliance.case.rejected",
    "payment.succeeded",
    "payment.failed",
    "payment.cancelled",
    "refund.succeeded",
    "payment.held"};

Error NotFound(std::string param, std::string message) {
  return MakeError(ErrorCode::kNOT_FOUND, std::move(param), std::move(message));
}

void WriteDigest(ByteWriter* w, const Sha256Digest& d) {
  w->Raw(d.data(), d.size());
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  size_t i = static_cast<size_t>(type);
  return i < kEventNames.size() ? kEventNames[i] : "";
}

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (size_t i = 1; i < kEventNames.size(); ++i) {
    if (kEventNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

bool Event::finished() const {
  return std::all_of(deliveries.begin(), deliveries.end(), [](const auto& d) {
    return d.state != DeliveryState::kPending;
  });
}

void ApiOutput::Clear() {
  principals.clear();
  keys.clear();
  endpoints.clear();
  endpoints_deleted.clear();
  events.clear();
  events_finished.clear();
  requests.clear();
}

Status ApiState::CreatePrincipal(const PrincipalSpec& spec, int64_t now_ns,
                                 ApiOutput* out) {
  if (principals_.size() >= limits_.max_principals) {
    return MakeError(ErrorCode::kLEDGER_REJECTED, "",
                     "the principal limit is reached");
  }
  if (spec.id == 0 || principals_.count(spec.id) != 0) {
    return MakeError(ErrorCode::kINVALID_ID, "id",
                     "a principal with this id exists");
  }
  // One operator: the first, created when the server first starts.
  if (spec.kind == PrincipalKind::kOperator && has_operator_) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "kind",
                     "there is already an operator; create a participant, "
                     "merchant or customer");
  }
  if (spec.signature == SignatureAlgorithm::kEd25519 &&
      spec.public_key.size() != 32) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "signature.publicKey",
                     "an Ed25519 public key is 32 bytes");
  }
  Principal p{spec.id,   spec.kind,       spec.signature,
              spec.name, spec.public_key, now_ns};
  if (spec.kind == PrincipalKind::kOperator) has_operator_ = true;
  if (out != nullptr) out->principals.push_back(p);
  principals_.emplace(spec.id, std::move(p));
  return Status::Ok();
}

Status ApiState::CreateApiKey(const ApiKeySpec& spec, int64_t now_ns,
                              ApiOutput* out) {
  if (principals_.count(spec.principal) == 0) {
    return NotFound("principalId", "no such principal");
  }
  if (keys_.size() >= limits_.max_keys) {
    return MakeError(ErrorCode::kLEDGER_REJECTED, "",
                     "the API key limit is reached");
  }
  if (spec.key_id == 0 || keys_.count(spec.key_id) != 0) {
    return MakeError(ErrorCode::kINVALID_ID, "id", "a key with this id exists");
  }
  ApiKey key{spec.key_id, spec.principal, spec.secret_hash, now_ns, false};
  if (out != nullptr) out->keys.push_back(key);
  keys_.emplace(spec.key_id, key);
  return Status::Ok();
}

Status ApiState::RevokeApiKey(const KeyRef& ref, ApiOutput* out) {
  auto it = keys_.find(ref.id);
  if (it == keys_.end() || it->second.principal != ref.principal) {
    return NotFound("keyId", "no such key");
  }
  it->second.revoked = true;
  if (out != nullptr) out->keys.push_back(it->second);
  return Status::Ok();
}

Status ApiState::CreateWebhookEndpoint(const WebhookEndpointSpec& spec,
                                       int64_t now_ns, ApiOutput* out) {
  if (principals_.count(spec.principal) == 0) {
    return NotFound("principalId", "no such principal");
  }
  std::vector<u128>& mine = endpoints_by_principal_[spec.principal];
  if (mine.size() >= limits_.max_endpoints_per_principal) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "url",
                     "at most " +
                         std::to_string(limits_.max_endpoints_per_principal) +
                         " endpoints per principal; delete one first");
  }
  if (spec.id == 0 || endpoints_.count(spec.id) != 0) {
    return MakeError(ErrorCode::kINVALID_ID, "id",
                     "an endpoint with this id exists");
  }
  WebhookEndpoint e{spec.id, spec.principal, spec.event_mask, spec.url, now_ns};
  if (out != nullptr) out->endpoints.push_back(e);
  endpoints_.emplace(spec.id, std::move(e));
  mine.insert(std::upper_bound(mine.begin(), mine.end(), spec.id), spec.id);
  return Status::Ok();
}

Status ApiState::DeleteWebhookEndpoint(const KeyRef& ref, ApiOutput* out) {
  auto it = endpoints_.find(ref.id);
  if (it == endpoints_.end() || it->second.principal != ref.principal) {
    return NotFound("endpointId", "no such webhook endpoint");
  }
  std::vector<u128>& mine = endpoints_by_principal_[ref.principal];
  mine.erase(std::find(mine.begin(), mine.end(), ref.id));
  if (mine.empty()) endpoints_by_principal_.erase(ref.principal);
  endpoints_.erase(it);
  if (out != nullptr) out->endpoints_deleted.push_back(ref.id);
  // Deliveries already queued to it still run: they were promised.
  return Status::Ok();
}

Result<u128> ApiState::SendTestEvent(const KeyRef& ref, int64_t now_ns,
                                     ApiOutput* out) {
  auto it = endpoints_.find(ref.id);
  if (it == endpoints_.end() || it->second.principal != ref.principal) {
    return NotFound("endpointId", "no such webhook endpoint");
  }
  return Emit(EventType::kWebhookTest, ref.principal, ref.id, "", now_ns,
              ref.id, out);
}

bool ApiState::Subscribed(u128 principal, EventType type) const {
  auto it = endpoints_by_principal_.find(principal);
  if (it == endpoints_by_principal_.end()) return false;
  for (u128 id : it->second) {
    if (endpoints_.at(id).event_mask & EventMaskBit(type)) return true;
  }
  return false;
}

u128 ApiState::Emit(EventType type, u128 principal, u128 object_id,
                    std::string payload, int64_t now_ns,
                    std::optional<u128> only_endpoint, ApiOutput* out) {
  Event event;
  auto it = endpoints_by_principal_.find(principal);
  if (it == endpoints_by_principal_.end()) return 0;
  for (u128 id : it->second) {
    bool wanted =
        only_endpoint.has_value()
            ? id == *only_endpoint
            : (endpoints_.at(id).event_mask & EventMaskBit(type)) != 0;
    if (!wanted) continue;
    Delivery d;
    d.endpoint_id = id;
    d.next_attempt_ns = now_ns;  // the first attempt is immediate
    event.deliveries.push_back(d);
  }
  if (event.deliveries.empty()) return 0;
  event.id = DeterministicId(now_ns, event_counter_++);
  event.type = type;
  event.principal = principal;
  event.created_ns = now_ns;
  event.object_id = object_id;
  event.payload = std::move(payload);
  if (events_.size() >= limits_.max_pending_events) {
    // Bounded memory: the oldest pending event is given up as failed, not
    // dropped (it is recorded in the read model as such).
    auto oldest = events_.begin();
    for (Delivery& d : oldest->second.deliveries) {
      if (d.state == DeliveryState::kPending) {
        d.state = DeliveryState::kFailed;
        d.finished_ns = now_ns;
      }
    }
    FinishEvent(oldest, out);
  }
  if (out != nullptr) out->events.push_back(event);
  u128 id = event.id;
  events_.emplace(id, std::move(event));
  return id;
}

Status ApiState::RecordDeliveries(std::span<const DeliveryResult> results,
                                  int64_t now_ns, ApiOutput* out) {
  // Results for events or deliveries that are already final are ignored: a
  // worker may report twice across a restart.
  for (const DeliveryResult& r : results) {
    auto it = events_.find(r.event_id);
    if (it == events_.end()) continue;
    for (Delivery& d : it->second.deliveries) {
      if (d.endpoint_id != r.endpoint_id ||
          d.state != DeliveryState::kPending) {
        continue;
      }
      ++d.attempts;
      d.last_http_status = r.http_status;
      if (r.ok) {
        d.state = DeliveryState::kDelivered;
        d.finished_ns = now_ns;
      } else if (d.attempts >= limits_.max_delivery_attempts) {
        d.state = DeliveryState::kFailed;
        d.finished_ns = now_ns;
      } else {
        d.next_attempt_ns = r.next_attempt_ns;
      }
    }
    if (it->second.finished()) {
      FinishEvent(it, out);
    } else if (out != nullptr) {
      out->events.push_back(it->second);  // the new schedule
    }
  }
  return Status::Ok();
}

void ApiState::FinishEvent(std::map<u128, Event>::iterator it, ApiOutput* out) {
  if (out != nullptr) out->events_finished.push_back(std::move(it->second));
  events_.erase(it);
}

const ApiState::IdempotencyEntry* ApiState::FindRequest(u128 fp) const {
  auto it = entry_index_.find(fp);
  if (it == entry_index_.end()) return nullptr;
  return &entries_[it->second - entries_popped_];
}

void ApiState::RememberRequest(IdempotencyEntry entry) {
  MERIDIAN_CHECK(!IdempotencyFull());
  MERIDIAN_CHECK(entry_index_.count(entry.fingerprint) == 0);
  // Arrival order is time order: expiry pops from the front.
  MERIDIAN_CHECK(entries_.empty() ||
                 entries_.back().created_ns <= entry.created_ns);
  entry_index_.emplace(entry.fingerprint, entries_popped_ + entries_.size());
  entries_.push_back(std::move(entry));
}

void ApiState::ExpireRequests(int64_t now_ns) {
  while (!entries_.empty() &&
         entries_.front().created_ns + limits_.idempotency_retention_ns <=
             now_ns) {
    entry_index_.erase(entries_.front().fingerprint);
    entries_.pop_front();
    ++entries_popped_;
  }
}

// Snapshot section layout (after the ledger's): every container in its
// iteration order, which is id order or arrival order, never hash order.
void ApiState::Serialize(ByteWriter* w) const {
  w->U8(has_operator_ ? 1 : 0);
  w->U64(event_counter_);
  w->U64(principals_.size());
  for (const auto& [id, p] : principals_) {
    w->U128(p.id);
    w->U8(static_cast<uint8_t>(p.kind));
    w->U8(static_cast<uint8_t>(p.signature));
    w->Bytes(p.name);
    w->Bytes(p.public_key);
    w->I64(p.created_ns);
  }
  w->U64(keys_.size());
  for (const auto& [id, k] : keys_) {
    w->U128(k.id);
    w->U128(k.principal);
    WriteDigest(w, k.secret_hash);
    w->I64(k.created_ns);
    w->U8(k.revoked ? 1 : 0);
  }
  w->U64(endpoints_.size());
  for (const auto& [id, e] : endpoints_) {
    w->U128(e.id);
    w->U128(e.principal);
    w->U64(e.event_mask);
    w->Bytes(e.url);
    w->I64(e.created_ns);
  }
  w->U64(events_.size());
  for (const auto& [id, e] : events_) {
    w->U128(e.id);
    w->U16(static_cast<uint16_t>(e.type));
    w->U128(e.principal);
    w->I64(e.created_ns);
    w->U128(e.object_id);
    w->Bytes(e.payload);
    w->U32(static_cast<uint32_t>(e.deliveries.size()));
    for (const Delivery& d : e.deliveries) {
      w->U128(d.endpoint_id);
      w->U8(static_cast<uint8_t>(d.state));
      w->U16(d.attempts);
      w->U16(d.last_http_status);
      w->I64(d.next_attempt_ns);
      w->I64(d.finished_ns);
    }
  }
  w->U64(entries_popped_);
  w->U64(entries_.size());
  for (const IdempotencyEntry& e : entries_) {
    w->U128(e.fingerprint);
    WriteDigest(w, e.body_hash);
    w->I64(e.created_ns);
    const StoredReply& r = e.reply;
    w->U16(static_cast<uint16_t>(r.code));
    w->Bytes(r.param);
    w->Bytes(r.message);
    w->U128(r.object_id);
    w->U64(r.batch_seq);
    w->U64(r.command_index);
    w->U64(r.first_timestamp);
    w->U32(static_cast<uint32_t>(r.results.size()));
    for (const ledger::EventResult& er : r.results) {
      w->U32(er.index);
      w->U16(static_cast<uint16_t>(er.result));
    }
    w->Bytes(std::string_view(reinterpret_cast<const char*>(r.payload.data()),
                              r.payload.size()));
  }
}

Result<ApiState> ApiState::Deserialize(ByteReader* r, ApiLimits limits,
                                       uint32_t version) {
  ApiState s(limits);
  auto bad = [](const char* what) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     std::string("engine state (API section): ") + what);
  };
  uint8_t has_operator = 0;
  uint64_t n = 0;
  if (!r->U8(&has_operator) || !r->U64(&s.event_counter_) || !r->U64(&n)) {
    return bad("truncated header");
  }
  s.has_operator_ = has_operator != 0;
  for (uint64_t i = 0; i < n; ++i) {
    Principal p;
    uint8_t kind = 0, sig = 0;
    std::string_view name, key;
    if (!r->U128(&p.id) || !r->U8(&kind) || !r->U8(&sig) ||
        !r->Bytes(&name, kMaxPrincipalNameBytes) ||
        !r->Bytes(&key, kMaxPublicKeyBytes) || !r->I64(&p.created_ns)) {
      return bad("truncated principal");
    }
    p.kind = static_cast<PrincipalKind>(kind);
    p.signature = static_cast<SignatureAlgorithm>(sig);
    p.name = std::string(name);
    p.public_key = std::string(key);
    s.principals_.emplace(p.id, std::move(p));
  }
  if (!r->U64(&n)) return bad("truncated keys");
  for (uint64_t i = 0; i < n; ++i) {
    ApiKey k;
    uint8_t revoked = 0;
    if (!r->U128(&k.id) || !r->U128(&k.principal) ||
        !r->Raw(k.secret_hash.data(), k.secret_hash.size()) ||
        !r->I64(&k.created_ns) || !r->U8(&revoked)) {
      return bad("truncated key");
    }
    k.revoked = revoked != 0;
    s.keys_.emplace(k.id, k);
  }
  if (!r->U64(&n)) return bad("truncated endpoints");
  for (uint64_t i = 0; i < n; ++i) {
    WebhookEndpoint e;
    std::string_view url;
    if (!r->U128(&e.id) || !r->U128(&e.principal) || !r->U64(&e.event_mask) ||
        !r->Bytes(&url, kMaxWebhookUrlBytes) || !r->I64(&e.created_ns)) {
      return bad("truncated endpoint");
    }
    e.url = std::string(url);
    s.endpoints_by_principal_[e.principal].push_back(e.id);  // id order
    s.endpoints_.emplace(e.id, std::move(e));
  }
  if (!r->U64(&n)) return bad("truncated events");
  for (uint64_t i = 0; i < n; ++i) {
    Event e;
    uint16_t type = 0;
    uint32_t deliveries = 0;
    std::string_view payload;
    if (!r->U128(&e.id) || !r->U16(&type) || !r->U128(&e.principal) ||
        !r->I64(&e.created_ns) || !r->U128(&e.object_id) ||
        !r->Bytes(&payload, 1 << 20) || !r->U32(&deliveries) ||
        deliveries > limits.max_endpoints_per_principal) {
      return bad("truncated event");
    }
    e.type = static_cast<EventType>(type);
    e.payload = std::string(payload);
    for (uint32_t j = 0; j < deliveries; ++j) {
      Delivery d;
      uint8_t state = 0;
      if (!r->U128(&d.endpoint_id) || !r->U8(&state) || !r->U16(&d.attempts) ||
          !r->U16(&d.last_http_status) || !r->I64(&d.next_attempt_ns) ||
          !r->I64(&d.finished_ns)) {
        return bad("truncated delivery");
      }
      d.state = static_cast<DeliveryState>(state);
      e.deliveries.push_back(d);
    }
    s.events_.emplace(e.id, std::move(e));
  }
  if (!r->U64(&s.entries_popped_) || !r->U64(&n)) {
    return bad("truncated idempotency table");
  }
  for (uint64_t i = 0; i < n; ++i) {
    IdempotencyEntry e;
    StoredReply& rep = e.reply;
    uint16_t code = 0;
    uint32_t results = 0;
    std::string_view param, message;
    if (!r->U128(&e.fingerprint) ||
        !r->Raw(e.body_hash.data(), e.body_hash.size()) ||
        !r->I64(&e.created_ns) || !r->U16(&code) || !r->Bytes(&param, 256) ||
        !r->Bytes(&message, 4096) || !r->U128(&rep.object_id) ||
        !r->U64(&rep.batch_seq) || !r->U64(&rep.command_index) ||
        !r->U64(&rep.first_timestamp) || !r->U32(&results) ||
        code >= kErrorCodeCount) {
      return bad("truncated idempotency entry");
    }
    rep.code = static_cast<ErrorCode>(code);
    rep.param = std::string(param);
    rep.message = std::string(message);
    for (uint32_t j = 0; j < results; ++j) {
      ledger::EventResult er{};
      uint16_t result = 0;
      if (!r->U32(&er.index) || !r->U16(&result)) return bad("truncated");
      er.result = static_cast<ledger::LedgerResult>(result);
      rep.results.push_back(er);
    }
    if (version >= 3) {
      std::string_view payload;
      if (!r->Bytes(&payload, kMaxReplyPayloadBytes)) return bad("truncated");
      rep.payload.assign(payload.begin(), payload.end());
    }
    s.entry_index_.emplace(e.fingerprint,
                           s.entries_popped_ + s.entries_.size());
    s.entries_.push_back(std::move(e));
  }
  return s;
}

}  // namespace meridian::engine
