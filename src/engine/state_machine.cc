#include "engine/state_machine.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/bytes.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/internal/engine_util.h"
#include "fx/fx_commands.h"

namespace meridian::engine {
namespace {

// Snapshot body header: magic "MRSM", version, then the engine's counters,
// then the ledger's own section (ledger.cc documents it).
constexpr uint32_t kStateMagic = 0x4D53524D;
// Version 2 appends the API section (api_state.cc); version 3 stores reply
// payloads in it and appends the FX section (fx/fx_state.cc); version 4
// appends the compliance cases (compliance/cases.cc); version 5 appends the
// AML section: u64 alerts dropped, then the monitor
// (compliance/aml/monitor.cc); version 6 appends the risk section
// (risk/risk_book.cc); version 7 the network sections: the network book,
// the promotion book and the payer limits (network/network_book.cc,
// promotions.cc, limits.cc). Older snapshots still load.
constexpr uint32_t kStateVersion = 7;

using internal::DeriveId;
using internal::FirstReason;

}  // namespace

StateMachine::StateMachine(StateMachineOptions options)
    : options_(options),
      ledger_(options.ledger_limits),
      api_(options.api_limits),
      fx_(options.fx_limits),
      cases_(options.case_limits),
      aml_(std::make_unique<compliance::aml::Monitor>()),
      network_(options.network_limits) {
  ledger_.Reserve(options.reserve_accounts, options.reserve_transfers);
}

void StateMachine::Apply(const journal::BatchHeader& header,
                         std::span<const std::span<const uint8_t>> commands,
                         std::vector<CommandReply>* replies,
                         BatchOutput* output) {
  MERIDIAN_CHECK(header.seq == applied_seq_ + 1)
      << "batch " << header.seq << " after " << applied_seq_;
  MERIDIAN_CHECK(header.first_command_index == next_command_index_);
  MERIDIAN_CHECK(header.command_count == commands.size());
  next_timestamp_ =
      std::max(next_timestamp_,
               static_cast<uint64_t>(std::max<int64_t>(header.time_ns, 1)));
  batch_time_ns_ = header.time_ns;
  output_ = output;
  const size_t accounts_before = ledger_.account_count();
  const size_t transfers_before = ledger_.transfer_count();
  if (output != nullptr) {
    output->Clear();
    output->batch_seq = header.seq;
    output->batch_time_ns = header.time_ns;
  }
  api_.ExpireRequests(header.time_ns);
  fx_.ExpireQuotes(header.time_ns);
  network_.Expire(header.time_ns);
  (void)promotions_.Expire(header.time_ns);
  limits_.Expire(header.time_ns);
  ExpireNetwork(header.time_ns);
  for (size_t i = 0; i < commands.size(); ++i) {
    CommandReply reply;
    reply.batch_seq = header.seq;
    reply.command_index = header.first_command_index + i;
    ApplyCommand(commands[i], 0, &reply);
    if (replies != nullptr) replies->push_back(std::move(reply));
  }
  MonitorFlows(transfers_before);
  if (output != nullptr) {
    // Chains that failed were rolled back, so what lies past the counts
    // taken before the batch is exactly what it created.
    for (size_t i = accounts_before; i < ledger_.account_count(); ++i) {
      output->accounts.push_back(ledger_.account_at(i));
    }
    output->transfers.reserve(ledger_.transfer_count() - transfers_before);
    for (size_t i = transfers_before; i < ledger_.transfer_count(); ++i) {
      output->transfers.push_back(ledger_.transfer_at(i));
    }
  }
  output_ = nullptr;
  applied_seq_ = header.seq;
  next_command_index_ += commands.size();
  last_batch_time_ns_ = header.time_ns;
  if (options_.check_invariants_every_batch) ledger_.CheckInvariants();
}

void StateMachine::ApplyCommand(std::span<const uint8_t> bytes, u128 principal,
                                CommandReply* reply) {
  reply->first_timestamp = next_timestamp_;
  // Malformed bytes are refused deterministically (the gateway validates
  // first, so this only happens to a hand-crafted journal).
  Result<CommandView> view = ViewCommand(bytes);
  if (!view.ok()) {
    reply->status = view.status();
    ++next_timestamp_;
    return;
  }
  const CommandType type = view->type;
  const uint32_t count = view->count;
  const uint8_t* body = view->body.data();
  const uint64_t ts = next_timestamp_;
  // Holds whose time has come are voided before anything else happens.
  ledger_.ExpirePendingTransfers(ts);
  if (type == CommandType::kIdempotent) {
    ApplyIdempotent(view->body, reply);
    return;
  }
  if (IsComplianceCommand(type)) {
    const uint64_t used =
        ApplyComplianceCommand(type, view->body, principal, reply);
    next_timestamp_ = ts + used;
    events_applied_ += 1;
    return;
  }
  if (IsNetworkCommand(type)) {
    const uint64_t used =
        ApplyNetworkCommand(type, view->body, principal, reply);
    next_timestamp_ = ts + used;
    events_applied_ += 1;
    return;
  }
  if (IsRiskCommand(type)) {
    const uint64_t used = ApplyRiskCommand(type, view->body, principal, reply);
    next_timestamp_ = ts + used;
    events_applied_ += 1;
    return;
  }
  if (IsFxCommand(type)) {
    const uint64_t used = ApplyFxCommand(type, view->body, principal, reply);
    next_timestamp_ = ts + used;
    events_applied_ += 1;
    return;
  }
  if (IsApiCommand(type)) {
    ApplyApiCommand(type, view->body, principal, reply);
    next_timestamp_ = ts + 1;
    events_applied_ += 1;
    return;
  }
  const size_t accounts_before = ledger_.account_count();
  const size_t transfers_before = ledger_.transfer_count();
  switch (type) {
    case CommandType::kCreateAccounts:
      accounts_scratch_.resize(count);
      std::memcpy(accounts_scratch_.data(), body,
                  count * sizeof(ledger::Account));
      ledger_.CreateAccounts(accounts_scratch_, ts, &reply->results);
      break;
    case CommandType::kCreateTransfers:
      transfers_scratch_.resize(count);
      std::memcpy(transfers_scratch_.data(), body,
                  count * sizeof(ledger::Transfer));
      ledger_.CreateTransfers(transfers_scratch_, ts, &reply->results);
      break;
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts: {
      bool close = type == CommandType::kCloseAccounts;
      for (uint32_t i = 0; i < count; ++i) {
        u128 id;
        std::memcpy(&id, body + i * sizeof(u128), sizeof id);
        ledger::LedgerResult r = close ? ledger_.CloseAccount(id, ts + i)
                                       : ledger_.ReopenAccount(id, ts + i);
        if (r != ledger::LedgerResult::kOK) reply->results.push_back({i, r});
      }
      break;
    }
    default:
      MERIDIAN_CHECK(false) << "unhandled command type";
  }
  if (principal != 0) {
    EmitLedgerEvents(principal, accounts_before, transfers_before);
  }
  next_timestamp_ = ts + count;
  events_applied_ += count;
}

void StateMachine::MonitorFlows(size_t transfers_before) {
  for (size_t i = transfers_before; i < ledger_.transfer_count(); ++i) {
    const ledger::Transfer& t = ledger_.transfer_at(i);
    // A hold moves nothing yet and a void nothing at all; a post moves what
    // it posts.
    if ((t.flags & (ledger::kTransferPending | ledger::kTransferVoidPending)) !=
            0 ||
        t.amount == 0) {
      continue;
    }
    // The hub's FX legs are the platform's side of a conversion, not a
    // customer's flow: seen, they would make every converting customer a
    // counterparty of one giant fan-in.
    if (fx::IsHubAccountId(t.debit_account_id) ||
        fx::IsHubAccountId(t.credit_account_id)) {
      continue;
    }
    // A network leg moves a participant's clearing position (a wallet's
    // or an acquirer's), which nets thousands of its users: not one
    // customer's flow. The wallets monitor their own users.
    if (t.code >= network::kTransferCodePayment &&
        t.code <= network::kTransferCodeCancel) {
      continue;
    }
    Result<Currency> currency =
        t.ledger <= UINT16_MAX
            ? Currency::FromNumeric(static_cast<uint16_t>(t.ledger))
            : Result<Currency>(MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED,
                                         "ledger", "not a currency"));
    if (!currency.ok()) continue;  // a ledger that is not a currency's
    alerts_scratch_.clear();
    aml_->Observe(
        {.from_account = t.debit_account_id,
         .to_account = t.credit_account_id,
         .amount_minor = t.amount > static_cast<u128>(INT64_MAX)
                             ? INT64_MAX
                             : static_cast<int64_t>(t.amount),
         .currency = *currency,
         .time_ns = static_cast<int64_t>(t.timestamp)},
        &alerts_scratch_);
    for (size_t k = 0; k < alerts_scratch_.size(); ++k) {
      OpenAmlCase(alerts_scratch_[k], t, static_cast<uint32_t>(k));
    }
  }
}

void StateMachine::OpenAmlCase(const compliance::aml::Alert& alert,
                               const ledger::Transfer& cause, uint32_t n) {
  const std::string rule(compliance::aml::RuleName(alert.rule));
  if (alert.update) {
    if (const compliance::Case* open =
            cases_.FindOpenAlert(rule, alert.account)) {
      const u128 id = open->id;
      if (cases_.AddAccounts(id, alert.related) > 0 && output_ != nullptr) {
        output_->cases.push_back(*cases_.Find(id));
      }
      return;
    }
    // The case this evidence belonged to was decided already: it opens a
    // new one, the subject and the new accounts.
  }
  compliance::CaseSpec spec;
  spec.id = DeriveId("meridian/aml/case", cause.id, n);
  spec.kind = compliance::CaseKind::kAmlAlert;
  spec.rule = rule;
  spec.reason = alert.reason.substr(0, compliance::kMaxReasonBytes);
  spec.accounts.push_back(alert.account);
  for (u128 a : alert.related) {
    if (spec.accounts.size() == compliance::kMaxCaseAccounts) break;
    spec.accounts.push_back(a);
  }
  if (!cases_.Open(spec, {}, static_cast<int64_t>(cause.timestamp)).ok()) {
    ++aml_alerts_dropped_;
    return;
  }
  if (output_ != nullptr) output_->cases.push_back(*cases_.Find(spec.id));
}

void StateMachine::EmitLedgerEvents(u128 principal, size_t accounts_before,
                                    size_t transfers_before) {
  ApiOutput* out = output_ != nullptr ? &output_->api : nullptr;
  if (api_.Subscribed(principal, EventType::kLedgerAccountCreated)) {
    for (size_t i = accounts_before; i < ledger_.account_count(); ++i) {
      const ledger::Account& a = ledger_.account_at(i);
      api_.Emit(EventType::kLedgerAccountCreated, principal, a.id,
                std::string(reinterpret_cast<const char*>(&a), sizeof a),
                batch_time_ns_, std::nullopt, out);
    }
  }
  if (api_.Subscribed(principal, EventType::kLedgerTransferCreated)) {
    for (size_t i = transfers_before; i < ledger_.transfer_count(); ++i) {
      const ledger::Transfer& t = ledger_.transfer_at(i);
      api_.Emit(EventType::kLedgerTransferCreated, principal, t.id,
                std::string(reinterpret_cast<const char*>(&t), sizeof t),
                batch_time_ns_, std::nullopt, out);
    }
  }
}

void StateMachine::ApplyIdempotent(std::span<const uint8_t> body,
                                   CommandReply* reply) {
  const uint64_t ts = next_timestamp_;
  Result<Envelope> envelope = DecodeIdempotent(body);
  if (!envelope.ok()) {
    reply->status = envelope.status();
    next_timestamp_ = ts + 1;
    return;
  }
  const Envelope& e = *envelope;
  // Without a request key the envelope only says on whose behalf the
  // command runs (who owns the events it emits): nothing is remembered.
  if (e.request_key.empty()) {
    ApplyCommand(e.inner, e.principal, reply);
    return;
  }
  if (const ApiState::IdempotencyEntry* seen =
          api_.FindRequest(e.key_fingerprint)) {
    next_timestamp_ = ts + 1;
    if (seen->body_hash != e.body_hash) {
      reply->status = MakeError(
          ErrorCode::kREPEAT_REQ_INCONSISTENT, "",
          "this request id was used before with a different body; use a new "
          "id for a new request");
      return;
    }
    const StoredReply& r = seen->reply;
    if (r.code != ErrorCode::kSUCCESS) {
      reply->status = MakeError(r.code, r.param, r.message);
    }
    reply->object_id = r.object_id;
    reply->batch_seq = r.batch_seq;
    reply->command_index = r.command_index;
    reply->first_timestamp = r.first_timestamp;
    reply->results = r.results;
    reply->payload = r.payload;
    reply->replayed = true;
    return;
  }
  if (api_.IdempotencyFull()) {
    reply->status = MakeError(ErrorCode::kIDEMPOTENCY_FULL, "",
                              "the idempotency table is full; retry later "
                              "with the same request id");
    next_timestamp_ = ts + 1;
    return;
  }
  ApplyCommand(e.inner, e.principal, reply);
  ApiState::IdempotencyEntry entry;
  entry.fingerprint = e.key_fingerprint;
  entry.body_hash = e.body_hash;
  entry.created_ns = batch_time_ns_;
  StoredReply& r = entry.reply;
  if (!reply->status.ok()) {
    r.code = reply->status.code();
    r.param = reply->status.error().param;
    r.message = reply->status.error().message;
  }
  r.object_id = reply->object_id;
  r.batch_seq = reply->batch_seq;
  r.command_index = reply->command_index;
  r.first_timestamp = reply->first_timestamp;
  r.results = reply->results;
  r.payload = reply->payload;
  api_.RememberRequest(std::move(entry));
  if (output_ != nullptr) {
    output_->api.requests.push_back(
        {e.principal, e.request_key, reply->object_id});
  }
}

void StateMachine::ApplyApiCommand(CommandType type,
                                   std::span<const uint8_t> body,
                                   u128 principal, CommandReply* reply) {
  ApiOutput* out = output_ != nullptr ? &output_->api : nullptr;
  // The command's own unique timestamp: an object's createdAt then equals
  // the reply's first_timestamp, which idempotent repeats also carry.
  const int64_t now = static_cast<int64_t>(reply->first_timestamp);
  // Decodes; on success applies and names the object the reply is about.
  auto run = [reply](auto decoded, auto apply, auto id) -> Status {
    if (!decoded.ok()) return decoded.status();
    Status s = apply(*decoded);
    if (s.ok()) reply->object_id = id(*decoded);
    return s;
  };
  auto ref_id = [](const KeyRef& r) { return r.id; };
  Status status;
  switch (type) {
    case CommandType::kCreatePrincipal:
      status = run(
          DecodeCreatePrincipal(body),
          [&](const PrincipalSpec& p) {
            return api_.CreatePrincipal(p, now, out);
          },
          [](const PrincipalSpec& p) { return p.id; });
      break;
    case CommandType::kCreateApiKey:
      status = run(
          DecodeCreateApiKey(body),
          [&](const ApiKeySpec& k) { return api_.CreateApiKey(k, now, out); },
          [](const ApiKeySpec& k) { return k.key_id; });
      break;
    case CommandType::kRevokeApiKey:
      status = run(
          DecodeKeyRef(body),
          [&](const KeyRef& r) { return api_.RevokeApiKey(r, out); }, ref_id);
      break;
    case CommandType::kCreateWebhookEndpoint:
      status = run(
          DecodeCreateWebhookEndpoint(body),
          [&](const WebhookEndpointSpec& e) {
            return api_.CreateWebhookEndpoint(e, now, out);
          },
          [](const WebhookEndpointSpec& e) { return e.id; });
      break;
    case CommandType::kDeleteWebhookEndpoint:
      status = run(
          DecodeKeyRef(body),
          [&](const KeyRef& r) { return api_.DeleteWebhookEndpoint(r, out); },
          ref_id);
      break;
    case CommandType::kSendTestEvent: {
      u128 event = 0;
      status = run(
          DecodeKeyRef(body),
          [&](const KeyRef& r) -> Status {
            MERIDIAN_ASSIGN_OR_RETURN(event, api_.SendTestEvent(r, now, out));
            return Status::Ok();
          },
          [&](const KeyRef&) { return event; });
      break;
    }
    case CommandType::kRecordDeliveries: {
      Result<std::vector<DeliveryResult>> results =
          DecodeRecordDeliveries(body);
      status = results.ok() ? api_.RecordDeliveries(*results, now, out)
                            : results.status();
      break;
    }
    default:
      MERIDIAN_CHECK(false) << "not an API command";
  }
  reply->status = std::move(status);
}

uint64_t StateMachine::ApplyFxCommand(CommandType type,
                                      std::span<const uint8_t> body,
                                      u128 principal, CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  // A request names its principal inside the body too; inside an envelope
  // the two must agree (the envelope is the authenticated caller).
  auto same_caller = [&](u128 body_principal) -> Status {
    if (principal != 0 && body_principal != principal) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                       "the request's principal is not the caller");
    }
    return Status::Ok();
  };
  auto fail = [&](Status s) -> uint64_t {
    reply->status = std::move(s);
    return 1;
  };
  switch (type) {
    case CommandType::kSetFxRates: {
      Result<fx::RateUpdate> u = fx::DecodeRateUpdate(body);
      if (!u.ok()) return fail(u.status());
      Status s = fx_.SetRates(*u, now);
      if (!s.ok()) return fail(std::move(s));
      // The hub's liquidity and fee accounts come with a currency's first
      // rate, so a conversion never has to make them.
      std::vector<Currency> currencies{u->base};
      for (const auto& [c, rate] : u->rates) currencies.push_back(c);
      if (fx_.base()) currencies.push_back(*fx_.base());
      std::vector<ledger::Account> hub =
          fx::MissingHubAccounts(currencies, ledger_);
      if (!hub.empty()) {
        std::vector<ledger::EventResult> results;
        ledger_.CreateAccounts(hub, ts + 1, &results);
        MERIDIAN_CHECK(results.empty())
            << "hub FX account refused: "
            << ledger::LedgerResultName(results[0].result);
      }
      return 1 + hub.size();
    }
    case CommandType::kSetFxPricing: {
      Result<fx::PricingConfig> p = fx::DecodePricing(body);
      if (!p.ok()) return fail(p.status());
      return fail(fx_.SetPricing(std::move(*p)));
    }
    case CommandType::kSetInterestRates: {
      Result<fx::InterestUpdate> u = fx::DecodeInterestUpdate(body);
      if (!u.ok()) return fail(u.status());
      return fail(fx_.SetInterestRates(*u));
    }
    case CommandType::kCreateFxQuote: {
      Result<fx::QuoteRequest> q = fx::DecodeQuoteRequest(body);
      if (!q.ok()) return fail(q.status());
      if (Status s = same_caller(q->principal); !s.ok()) return fail(s);
      Result<fx::Quote> quote = fx_.CreateQuote(*q, now);
      if (!quote.ok()) return fail(quote.status());
      reply->object_id = quote->id;
      reply->payload = fx::EncodeQuote(*quote);
      return 1;
    }
    case CommandType::kCreateFxConversion: {
      Result<fx::ConversionRequest> c = fx::DecodeConversionRequest(body);
      if (!c.ok()) return fail(c.status());
      if (Status s = same_caller(c->principal); !s.ok()) return fail(s);
      // Only the operator may convert between accounts it does not own.
      if (c->as_operator) {
        auto p = api_.principals().find(c->principal);
        if (p == api_.principals().end() ||
            p->second.kind != PrincipalKind::kOperator) {
          return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                                "only the operator converts between accounts "
                                "it does not own"));
        }
      }
      Result<fx::ConversionPlan> plan = fx_.PlanConversion(*c, now, ledger_);
      if (!plan.ok()) return fail(plan.status());
      fx_.SyncBook(*plan, ledger_, now);
      std::vector<ledger::EventResult> results;
      ledger_.CreateTransfers(plan->transfers, ts, &results);
      const uint64_t used = plan->transfers.size();
      if (!results.empty()) {
        // The chain was rolled back; name the first real reason.
        const ledger::LedgerResult why = FirstReason(results);
        if (why == ledger::LedgerResult::kEXCEEDS_CREDITS) {
          reply->status = MakeError(
              ErrorCode::kINSUFFICIENT_BALANCE, "fromAccountId",
              "the account cannot pay the sell amount and fee; fund it or "
              "quote a smaller amount");
        } else {
          reply->status =
              MakeError(ErrorCode::kLEDGER_REJECTED, "",
                        "the ledger refused the conversion: " +
                            std::string(ledger::LedgerResultName(why)));
        }
        return used;
      }
      fx_.CommitConversion(*plan, now);
      if (output_ != nullptr) output_->conversions.push_back(plan->conversion);
      reply->object_id = plan->conversion.id;
      reply->payload = fx::EncodeConversion(plan->conversion);
      return used;
    }
    default:
      MERIDIAN_CHECK(false) << "not an FX command";
  }
  return 1;
}

void StateMachine::EmitCaseEvent(EventType type, const compliance::Case& c) {
  if (c.subject == 0 || !api_.Subscribed(c.subject, type)) return;
  std::vector<uint8_t> record = compliance::EncodeCase(c);
  api_.Emit(
      type, c.subject, c.id,
      std::string(reinterpret_cast<const char*>(record.data()), record.size()),
      batch_time_ns_, std::nullopt,
      output_ != nullptr ? &output_->api : nullptr);
}

uint64_t StateMachine::ApplyComplianceCommand(CommandType type,
                                              std::span<const uint8_t> body,
                                              u128 principal,
                                              CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  if (type == CommandType::kHoldForReview) {
    Result<compliance::HoldForReview> h = compliance::DecodeHoldForReview(body);
    if (!h.ok()) return fail(h.error());
    if (principal != 0 && h->spec.subject != principal) {
      return fail(MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                            "the case's subject is not the caller"));
    }
    if (h->spec.id == 0 || cases_.Find(h->spec.id) != nullptr) {
      return fail(MakeError(ErrorCode::kINVALID_PARAMETER, "id",
                            "a new case id is needed"));
    }
    if (cases_.open_cases() >= options_.case_limits.max_open_cases) {
      return fail(MakeError(ErrorCode::kRATE_LIMITED, "",
                            "too many open compliance cases"));
    }
    // The payment's transfers become holds that never time out: they
    // reserve the money and move none until the case is decided. They
    // stand or fall together.
    std::vector<ledger::Transfer> holds(h->transfers.size());
    std::vector<u128> ids;
    for (size_t i = 0; i < holds.size(); ++i) {
      std::memcpy(&holds[i], h->transfers[i].data(), sizeof holds[i]);
      ledger::Transfer& t = holds[i];
      if ((t.flags & ~ledger::kTransferLinked) != 0 || t.pending_id != 0) {
        return fail(MakeError(
            ErrorCode::kINVALID_PARAMETER,
            "transfers[" + std::to_string(i) + "].flags",
            "a payment held for review is made of new plain transfers"));
      }
      t.flags = ledger::kTransferPending |
                (i + 1 < holds.size() ? ledger::kTransferLinked : 0);
      t.timeout_s = 0;
      ids.push_back(t.id);
    }
    ledger_.CreateTransfers(holds, ts, &reply->results);
    if (!reply->results.empty()) {
      const ledger::LedgerResult why = FirstReason(reply->results);
      reply->status = MakeError(why == ledger::LedgerResult::kEXCEEDS_CREDITS
                                    ? ErrorCode::kINSUFFICIENT_BALANCE
                                    : ErrorCode::kLEDGER_REJECTED,
                                "transfers",
                                "the ledger refused the held transfers: " +
                                    std::string(ledger::LedgerResultName(why)));
      return holds.size();
    }
    Status s = cases_.Open(h->spec, std::move(ids), now);
    MERIDIAN_CHECK(s.ok()) << s.error().ToString();  // checked above
    const compliance::Case& c = *cases_.Find(h->spec.id);
    reply->object_id = c.id;
    reply->payload = compliance::EncodeCase(c);
    EmitCaseEvent(EventType::kComplianceCaseOpened, c);
    if (output_ != nullptr) output_->cases.push_back(c);
    return holds.size();
  }

  if (type == CommandType::kSetAmlConfig) {
    Result<compliance::AmlConfigChange> change =
        compliance::DecodeAmlConfigChange(body);
    if (!change.ok()) return fail(change.error());
    if (principal != 0 && change->set_by != principal) {
      return fail(MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                            "the change's author is not the caller"));
    }
    auto who = api_.principals().find(change->set_by);
    if (who == api_.principals().end() ||
        who->second.kind != PrincipalKind::kOperator) {
      return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                            "only the operator configures AML monitoring"));
    }
    compliance::aml::MonitorConfig config = aml_->config();
    for (const std::string& line : change->settings) {
      const size_t eq = line.find('=');
      const std::string name = line.substr(0, eq);
      Status set =
          eq == std::string::npos
              ? MakeError(ErrorCode::kINVALID_PARAMETER, "settings",
                          "each setting is name=value")
              : compliance::aml::SetConfigField(&config, name,
                                                line.substr(eq + 1));
      if (!set.ok()) {
        return fail(MakeError(set.code(), "settings." + name,
                              set.error().message));
      }
    }
    if (Status valid = config.Validate(); !valid.ok()) {
      return fail(MakeError(valid.code(), "settings." + valid.error().param,
                            valid.error().message));
    }
    // The monitor's memory is engine memory: about 3.7 KB per account
    // state, so 2 M states bound it near 7.5 GB.
    constexpr uint64_t kMaxAmlAccounts = 2'000'000;
    if (config.max_accounts > kMaxAmlAccounts) {
      return fail(MakeError(ErrorCode::kINVALID_PARAMETER,
                            "settings.max_accounts",
                            "the engine holds at most 2000000 AML account "
                            "states (about 7.5 GB)"));
    }
    // The windows gathered so far carry over; a smaller max_accounts
    // forgets the least recently active accounts.
    aml_ = compliance::aml::Monitor::Reconfigure(*aml_, config);
    for (const std::string& line : compliance::aml::DescribeConfig(config)) {
      reply->payload.insert(reply->payload.end(), line.begin(), line.end());
      reply->payload.push_back('\n');
    }
    return 1;
  }

  MERIDIAN_CHECK(type == CommandType::kDecideCase);
  Result<compliance::CaseDecision> d = compliance::DecodeCaseDecision(body);
  if (!d.ok()) return fail(d.error());
  if (principal != 0 && d->decided_by != principal) {
    return fail(MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                          "the decision's author is not the caller"));
  }
  auto who = api_.principals().find(d->decided_by);
  if (who == api_.principals().end() ||
      who->second.kind != PrincipalKind::kOperator) {
    return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                          "only the operator decides compliance cases"));
  }
  Result<compliance::Case> decided = cases_.PreviewDecision(*d, now);
  if (!decided.ok()) return fail(decided.error());
  const bool release = d->decision == compliance::Decision::kRelease;
  std::vector<ledger::Transfer> resolve;
  for (size_t i = 0; i < decided->held_transfers.size(); ++i) {
    const ledger::Transfer* held =
        ledger_.FindTransfer(decided->held_transfers[i]);
    MERIDIAN_CHECK(held != nullptr);
    ledger::Transfer t{};
    t.id = DeriveId(release ? "meridian/case/post" : "meridian/case/void",
                    decided->id, static_cast<uint32_t>(i));
    t.pending_id = held->id;
    t.ledger = held->ledger;
    t.code = held->code;
    t.user_data = decided->id;
    t.flags =
        (release ? ledger::kTransferPostPending
                 : ledger::kTransferVoidPending) |
        (i + 1 < decided->held_transfers.size() ? ledger::kTransferLinked : 0);
    resolve.push_back(t);
  }
  PrepareNetworkCaseDecision(*decided, release);
  ledger_.CreateTransfers(resolve, ts, &reply->results);
  if (!reply->results.empty()) {
    // A hold resolved some other way (the operator through the ledger
    // API): the case stays open for the operator to look at.
    reply->status = MakeError(
        ErrorCode::kLEDGER_REJECTED, "",
        "the ledger refused to resolve the holds: " +
            std::string(ledger::LedgerResultName(FirstReason(reply->results))));
    return std::max<size_t>(resolve.size(), 1);
  }
  const compliance::Case& c = cases_.Decide(*decided);
  reply->object_id = c.id;
  reply->payload = compliance::EncodeCase(c);
  EmitCaseEvent(release ? EventType::kComplianceCaseReleased
                        : EventType::kComplianceCaseRejected,
                c);
  if (output_ != nullptr) output_->cases.push_back(c);
  OnNetworkCaseDecided(c, release, now);
  return std::max<size_t>(resolve.size(), 1);
}

void StateMachine::OpenRiskReviewCase(const risk::AssessmentRecord& r,
                                      int64_t now_ns) {
  // A REVIEW holds the payment for a person: the case is the operator's
  // queue; its decision reaches the caller as compliance.case.released or
  // .rejected, and the caller then goes on or cancels. Nothing is held in
  // the ledger here: the money is the product's to hold.
  compliance::CaseSpec spec;
  spec.id = DeriveId("meridian/risk/case", r.id, 0);
  spec.subject = r.principal;
  spec.kind = compliance::CaseKind::kRiskReview;
  char score[16];
  std::snprintf(score, sizeof score, "%u.%04u", r.assessment.score_bp / 10'000,
                r.assessment.score_bp % 10'000);
  spec.reason = std::string("risk score ") + score;
  for (size_t i = 0; i < r.assessment.reasons.size(); ++i) {
    spec.reason += (i == 0 ? ": " : ", ") + r.assessment.reasons[i].code;
  }
  if (!r.assessment.reasons.empty()) {
    spec.rule = r.assessment.reasons[0].code.substr(0, compliance::kMaxRuleBytes);
  }
  if (!cases_.Open(spec, {}, now_ns).ok()) {
    return;  // the case book is full: the decision still says REVIEW
  }
  risk_.AttachCase(r.id, spec.id);
  const compliance::Case& c = *cases_.Find(spec.id);
  EmitCaseEvent(EventType::kComplianceCaseOpened, c);
  if (output_ != nullptr) output_->cases.push_back(c);
}

uint64_t StateMachine::ApplyRiskCommand(CommandType type,
                                        std::span<const uint8_t> body,
                                        u128 principal, CommandReply* reply) {
  const int64_t now = static_cast<int64_t>(reply->first_timestamp);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  // Inside an envelope the body's principal must be the caller.
  auto same_caller = [&](u128 body_principal) -> std::optional<Error> {
    if (principal != 0 && body_principal != principal) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                       "the command's principal is not the caller");
    }
    return std::nullopt;
  };
  auto is_operator = [&](u128 who) {
    auto it = api_.principals().find(who);
    return it != api_.principals().end() &&
           it->second.kind == PrincipalKind::kOperator;
  };
  switch (type) {
    case CommandType::kSetRiskRules:
    case CommandType::kSetRiskModel: {
      Result<risk::SetRiskText> c = risk::DecodeSetRiskText(body);
      if (!c.ok()) return fail(c.error());
      if (auto e = same_caller(c->set_by)) return fail(*e);
      if (!is_operator(c->set_by)) {
        return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                              "only the operator sets risk rules and models"));
      }
      Status s = type == CommandType::kSetRiskRules
                     ? risk_.SetRules(c->text)
                     : risk_.SetModel(std::span<const uint8_t>(
                           reinterpret_cast<const uint8_t*>(c->text.data()),
                           c->text.size()));
      if (!s.ok()) return fail(s.error());
      return 1;
    }
    case CommandType::kAssessPayment: {
      Result<risk::AssessRequest> q = risk::DecodeAssessRequest(body);
      if (!q.ok()) return fail(q.error());
      if (auto e = same_caller(q->principal)) return fail(*e);
      // Every amount feature is in US dollars at the book's mid rate.
      std::optional<int64_t> usd_minor =
          UsdMinor(q->attempt.currency, q->attempt.amount_minor, now);
      if (!usd_minor) {
        return fail(MakeError(ErrorCode::kRATE_UNAVAILABLE, "amount.currency",
                              "no FX rate converts " +
                                  std::string(q->attempt.currency.code()) +
                                  " to USD for risk scoring; post one"));
      }
      Result<const risk::AssessmentRecord*> r =
          risk_.Assess(*q, *usd_minor, now);
      if (!r.ok()) return fail(r.error());
      if ((*r)->assessment.decision == risk::Decision::kReview) {
        OpenRiskReviewCase(**r, now);
        r = risk_.Find(q->id);
      }
      reply->object_id = (*r)->id;
      reply->payload = risk::EncodeAssessmentRecord(**r);
      return 1;
    }
    case CommandType::kReportRiskOutcome: {
      Result<risk::OutcomeReport> o = risk::DecodeOutcomeReport(body);
      if (!o.ok()) return fail(o.error());
      if (auto e = same_caller(o->principal)) return fail(*e);
      Result<const risk::AssessmentRecord*> r =
          risk_.ReportOutcome(o->principal, o->id, o->outcome, now);
      if (!r.ok()) return fail(r.error());
      reply->object_id = (*r)->id;
      reply->payload = risk::EncodeAssessmentRecord(**r);
      return 1;
    }
    default:
      MERIDIAN_CHECK(false) << "not a risk command";
  }
  return 1;
}

std::vector<uint8_t> StateMachine::Serialize() const {
  std::vector<uint8_t> out;
  const ledger::LedgerStats stats = ledger_.stats();
  out.reserve(64 + stats.accounts * sizeof(ledger::Account) +
              stats.transfers * sizeof(ledger::Transfer));
  ByteWriter w(&out);
  w.U32(kStateMagic);
  w.U32(kStateVersion);
  w.U64(applied_seq_);
  w.U64(next_command_index_);
  w.I64(last_batch_time_ns_);
  w.U64(next_timestamp_);
  w.U64(events_applied_);
  ledger_.Serialize(&out);
  api_.Serialize(&w);
  fx_.Serialize(&w);
  cases_.Serialize(&w);
  w.U64(aml_alerts_dropped_);
  aml_->Serialize(&w);
  risk_.Serialize(&w);
  network_.Serialize(&w);
  promotions_.Serialize(&w);
  limits_.Serialize(&w);
  return out;
}

Sha256Digest StateMachine::StateHash() const {
  std::vector<uint8_t> bytes = Serialize();
  return Sha256(std::span<const uint8_t>(bytes));
}

Result<StateMachine> StateMachine::Deserialize(std::span<const uint8_t> bytes,
                                               StateMachineOptions options) {
  ByteReader r(bytes);
  uint32_t magic = 0, version = 0;
  StateMachine state(options);
  if (!r.U32(&magic) || magic != kStateMagic || !r.U32(&version) ||
      version < 1 || version > kStateVersion) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "engine state: bad magic or unsupported version");
  }
  if (!r.U64(&state.applied_seq_) || !r.U64(&state.next_command_index_) ||
      !r.I64(&state.last_batch_time_ns_) || !r.U64(&state.next_timestamp_) ||
      !r.U64(&state.events_applied_)) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "", "engine state: truncated");
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      state.ledger_, ledger::Ledger::Deserialize(&r, options.ledger_limits));
  state.ledger_.Reserve(options.reserve_accounts, options.reserve_transfers);
  if (version >= 2) {
    MERIDIAN_ASSIGN_OR_RETURN(
        state.api_, ApiState::Deserialize(&r, options.api_limits, version));
  }
  if (version >= 3) {
    MERIDIAN_ASSIGN_OR_RETURN(state.fx_,
                              fx::FxState::Deserialize(&r, options.fx_limits));
  }
  if (version >= 4) {
    MERIDIAN_ASSIGN_OR_RETURN(state.cases_, compliance::CaseBook::Deserialize(
                                                &r, options.case_limits));
  }
  if (version >= 5) {
    if (!r.U64(&state.aml_alerts_dropped_)) {
      return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                       "engine state: truncated AML section");
    }
    MERIDIAN_ASSIGN_OR_RETURN(state.aml_,
                              compliance::aml::Monitor::Deserialize(&r));
  }
  if (version >= 6) {
    MERIDIAN_ASSIGN_OR_RETURN(state.risk_, risk::RiskBook::Deserialize(&r));
  }
  if (version >= 7) {
    MERIDIAN_ASSIGN_OR_RETURN(
        state.network_,
        network::NetworkBook::Deserialize(&r, options.network_limits));
    MERIDIAN_ASSIGN_OR_RETURN(state.promotions_,
                              network::PromotionBook::Deserialize(&r));
    MERIDIAN_ASSIGN_OR_RETURN(state.limits_, network::LimitBook::Deserialize(&r));
  }
  if (r.remaining() != 0) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "engine state: trailing bytes");
  }
  return state;
}

}  // namespace meridian::engine
