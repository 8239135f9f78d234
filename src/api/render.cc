#include "api/render.h"

#include <cstdio>
#include <cstring>

#include "api/auth/time_format.h"
#include "core/currency.h"
#include "core/id.h"
#include "network/network_commands.h"

namespace meridian::api {

void WriteResult(json::JsonWriter& w, ErrorCode code, std::string_view param,
                 std::string_view message) {
  w.Key("result").BeginObject();
  const char outcome = ErrorCodeOutcome(code);
  w.Key("status").String(std::string_view(&outcome, 1));
  w.Key("code").String(ErrorCodeName(code));
  if (!param.empty()) w.Key("param").String(param);
  w.Key("message").String(
      message.empty() && code == ErrorCode::kSUCCESS ? "success" : message);
  w.EndObject();
}

void WriteResult(json::JsonWriter& w, const Status& status) {
  if (status.ok()) {
    WriteResult(w, ErrorCode::kSUCCESS, "", "success");
  } else {
    WriteResult(w, status.code(), status.error().param, status.error().message);
  }
}

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response ErrorResponse(const Error& error) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  WriteResult(w, error.code, error.param, error.message);
  w.EndObject();
  return JsonResponse(ErrorCodeHttpStatus(error.code), std::move(body));
}

std::string Rfc3339(int64_t unix_ns) { return auth::FormatRfc3339(unix_ns); }

namespace {

std::string_view CurrencyCode(uint32_t ledger) {
  Result<Currency> c = Currency::FromNumeric(static_cast<uint16_t>(ledger));
  return c.ok() ? c->code() : std::string_view("XXX");
}

void WriteAmount(json::JsonWriter& w, std::string_view key, u128 value,
                 uint32_t ledger) {
  w.Key(key).BeginObject();
  w.Key("currency").String(CurrencyCode(ledger));
  w.Key("value").String(U128ToString(value));
  w.EndObject();
}

template <typename NameFn>
void WriteFlags(json::JsonWriter& w, uint16_t flags, NameFn name) {
  w.Key("flags").BeginArray();
  for (int bit = 0; bit < 16; ++bit) {
    uint16_t f = static_cast<uint16_t>(1u << bit);
    if ((flags & f) && !name(f).empty()) w.String(name(f));
  }
  w.EndArray();
}

}  // namespace

std::string_view AccountFlagName(uint16_t bit) {
  switch (bit) {
    case ledger::kAccountDebitsMustNotExceedCredits:
      return "DEBITS_MUST_NOT_EXCEED_CREDITS";
    case ledger::kAccountCreditsMustNotExceedDebits:
      return "CREDITS_MUST_NOT_EXCEED_DEBITS";
    case ledger::kAccountHistory:
      return "HISTORY";
    case ledger::kAccountClosed:
      return "CLOSED";
    case ledger::kAccountLinked:
      return "LINKED";
    default:
      return "";
  }
}

std::string_view TransferFlagName(uint16_t bit) {
  switch (bit) {
    case ledger::kTransferLinked:
      return "LINKED";
    case ledger::kTransferPending:
      return "PENDING";
    case ledger::kTransferPostPending:
      return "POST_PENDING";
    case ledger::kTransferVoidPending:
      return "VOID_PENDING";
    case ledger::kTransferBalancingDebit:
      return "BALANCING_DEBIT";
    case ledger::kTransferBalancingCredit:
      return "BALANCING_CREDIT";
    default:
      return "";
  }
}

std::string_view PendingStateName(ledger::PendingState s) {
  switch (s) {
    case ledger::PendingState::kNone:
      return "NONE";
    case ledger::PendingState::kPending:
      return "PENDING";
    case ledger::PendingState::kPosted:
      return "POSTED";
    case ledger::PendingState::kVoided:
      return "VOIDED";
    case ledger::PendingState::kExpired:
      return "EXPIRED";
  }
  return "NONE";
}

void WriteAccount(json::JsonWriter& w, const ledger::Account& a) {
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kAccount, a.id));
  w.Key("currency").String(CurrencyCode(a.ledger));
  w.Key("code").Uint(a.code);
  WriteFlags(w, a.flags, AccountFlagName);
  WriteAmount(w, "debitsPending", a.debits_pending, a.ledger);
  WriteAmount(w, "debitsPosted", a.debits_posted, a.ledger);
  WriteAmount(w, "creditsPending", a.credits_pending, a.ledger);
  WriteAmount(w, "creditsPosted", a.credits_posted, a.ledger);
  // Net of posted credits over posted debits, signed: one number a human
  // can read (the four totals above stay the truth).
  const bool negative = a.debits_posted > a.credits_posted;
  u128 magnitude = negative ? a.debits_posted - a.credits_posted
                            : a.credits_posted - a.debits_posted;
  w.Key("balance").BeginObject();
  w.Key("currency").String(CurrencyCode(a.ledger));
  w.Key("value").String((negative ? "-" : "") + U128ToString(magnitude));
  w.EndObject();
  WriteAmount(w, "limit", a.limit, a.ledger);
  w.Key("userData").String(U128ToString(a.user_data));
  w.Key("createdAt").String(Rfc3339(static_cast<int64_t>(a.timestamp)));
  w.EndObject();
}

void WriteTransfer(json::JsonWriter& w, const ledger::Transfer& t) {
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kTransfer, t.id));
  w.Key("debitAccountId")
      .String(FormatId(IdKind::kAccount, t.debit_account_id));
  w.Key("creditAccountId")
      .String(FormatId(IdKind::kAccount, t.credit_account_id));
  WriteAmount(w, "amount", t.amount, t.ledger);
  if (t.pending_id != 0) {
    w.Key("pendingId").String(FormatId(IdKind::kTransfer, t.pending_id));
  }
  w.Key("code").Uint(t.code);
  WriteFlags(w, t.flags, TransferFlagName);
  if (t.flags & ledger::kTransferPending) {
    w.Key("timeoutSeconds").Uint(t.timeout_s);
    w.Key("pendingState").String(PendingStateName(t.state));
  }
  w.Key("userData").String(U128ToString(t.user_data));
  w.Key("createdAt").String(Rfc3339(static_cast<int64_t>(t.timestamp)));
  w.Key("timestamp").String(U128ToString(t.timestamp));
  w.EndObject();
}

void WritePrincipal(json::JsonWriter& w, const engine::Principal& p) {
  w.Key("id").String(FormatId(IdKind::kPrincipal, p.id));
  w.Key("kind").String(engine::PrincipalKindName(p.kind));
  w.Key("name").String(p.name);
  w.Key("signature").String(engine::SignatureAlgorithmName(p.signature));
  w.Key("createdAt").String(Rfc3339(p.created_ns));
}

void WriteEndpoint(json::JsonWriter& w, const engine::WebhookEndpoint& e) {
  w.Key("id").String(FormatId(IdKind::kWebhookEndpoint, e.id));
  w.Key("url").String(e.url);
  w.Key("eventTypes").BeginArray();
  for (uint16_t t = 1; t <= engine::kMaxEventType; ++t) {
    auto type = static_cast<engine::EventType>(t);
    if (e.event_mask & engine::EventMaskBit(type)) {
      w.String(engine::EventTypeName(type));
    }
  }
  w.EndArray();
  w.Key("createdAt").String(Rfc3339(e.created_ns));
}

namespace {

void WriteEventFields(json::JsonWriter& w, const engine::Event& e) {
  w.Key("id").String(FormatId(IdKind::kEvent, e.id));
  w.Key("type").String(engine::EventTypeName(e.type));
  w.Key("createdAt").String(Rfc3339(e.created_ns));
  w.Key("data");
  switch (e.type) {
    case engine::EventType::kLedgerAccountCreated: {
      ledger::Account a{};
      MERIDIAN_CHECK(e.payload.size() == sizeof a);
      std::memcpy(&a, e.payload.data(), sizeof a);
      WriteAccount(w, a);
      break;
    }
    case engine::EventType::kLedgerTransferCreated: {
      ledger::Transfer t{};
      MERIDIAN_CHECK(e.payload.size() == sizeof t);
      std::memcpy(&t, e.payload.data(), sizeof t);
      WriteTransfer(w, t);
      break;
    }
    case engine::EventType::kComplianceCaseOpened:
    case engine::EventType::kComplianceCaseReleased:
    case engine::EventType::kComplianceCaseRejected: {
      Result<compliance::Case> c = compliance::DecodeCase(
          {reinterpret_cast<const uint8_t*>(e.payload.data()),
           e.payload.size()});
      MERIDIAN_CHECK(c.ok()) << c.error().ToString();
      WriteCase(w, *c);
      break;
    }
    case engine::EventType::kPaymentSucceeded:
    case engine::EventType::kPaymentFailed:
    case engine::EventType::kPaymentCancelled:
    case engine::EventType::kPaymentHeld: {
      Result<network::Payment> p = network::DecodePayment(
          {reinterpret_cast<const uint8_t*>(e.payload.data()),
           e.payload.size()});
      MERIDIAN_CHECK(p.ok()) << p.error().ToString();
      WriteNetworkPayment(w, *p);
      break;
    }
    case engine::EventType::kRefundSucceeded: {
      Result<network::Refund> f = network::DecodeRefund(
          {reinterpret_cast<const uint8_t*>(e.payload.data()),
           e.payload.size()});
      MERIDIAN_CHECK(f.ok()) << f.error().ToString();
      WriteNetworkRefund(w, *f);
      break;
    }
    case engine::EventType::kWebhookTest:
      w.BeginObject();
      w.Key("endpointId")
          .String(FormatId(IdKind::kWebhookEndpoint, e.object_id));
      w.EndObject();
      break;
  }
}

std::string_view DeliveryStateName(engine::DeliveryState s) {
  switch (s) {
    case engine::DeliveryState::kPending:
      return "PENDING";
    case engine::DeliveryState::kDelivered:
      return "DELIVERED";
    case engine::DeliveryState::kFailed:
      return "FAILED";
  }
  return "PENDING";
}

}  // namespace

std::string EventBody(const engine::Event& e) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  WriteEventFields(w, e);
  w.EndObject();
  return body;
}

void WriteEventWithDeliveries(json::JsonWriter& w, const engine::Event& e) {
  w.BeginObject();
  WriteEventFields(w, e);
  w.Key("deliveries").BeginArray();
  for (const engine::Delivery& d : e.deliveries) {
    w.BeginObject();
    w.Key("endpointId")
        .String(FormatId(IdKind::kWebhookEndpoint, d.endpoint_id));
    w.Key("state").String(DeliveryStateName(d.state));
    w.Key("attempts").Uint(d.attempts);
    if (d.last_http_status != 0)
      w.Key("lastHttpStatus").Uint(d.last_http_status);
    if (d.state == engine::DeliveryState::kPending) {
      w.Key("nextAttemptAt").String(Rfc3339(d.next_attempt_ns));
    } else {
      w.Key("finishedAt").String(Rfc3339(d.finished_ns));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteMinorAmount(json::JsonWriter& w, std::string_view key,
                      Currency currency, i128 minor) {
  w.Key(key).BeginObject();
  w.Key("currency").String(currency.code());
  std::string value = minor < 0 ? "-" : "";
  value += U128ToString(minor < 0 ? static_cast<u128>(-minor)
                                  : static_cast<u128>(minor));
  w.Key("value").String(value);
  w.EndObject();
}

void WriteFxQuote(json::JsonWriter& w, const fx::Quote& q, int64_t now_ns) {
  w.BeginObject();
  w.Key("quoteId").String(FormatId(IdKind::kQuote, q.id));
  w.Key("sellCurrency").String(q.sell.code());
  w.Key("buyCurrency").String(q.buy.code());
  w.Key("fixedSide").String(q.fixed_sell ? "SELL" : "BUY");
  w.Key("rate").String(q.rate.ToString());
  w.Key("midRate").String(q.mid.ToString());
  w.Key("spreadBps").Uint(q.spread_bps);
  WriteMinorAmount(w, "sellAmount", q.sell, q.sell_minor);
  WriteMinorAmount(w, "buyAmount", q.buy, q.buy_minor);
  WriteMinorAmount(w, "fee", q.sell, q.fee_minor);
  w.Key("validity").String(fx::ValidityName(q.validity));
  w.Key("createdAt").String(Rfc3339(q.created_ns));
  w.Key("expiresAt").String(Rfc3339(q.expires_ns));
  w.Key("status").String(q.state == fx::QuoteState::kUsed ? "USED"
                         : now_ns >= q.expires_ns         ? "EXPIRED"
                                                          : "OPEN");
  if (q.state == fx::QuoteState::kUsed) {
    w.Key("conversionId")
        .String(FormatId(IdKind::kConversion, q.conversion_id));
  }
  w.EndObject();
}

void WriteFxConversion(json::JsonWriter& w, const fx::Conversion& c) {
  w.BeginObject();
  w.Key("conversionId").String(FormatId(IdKind::kConversion, c.id));
  w.Key("quoteId").String(FormatId(IdKind::kQuote, c.quote_id));
  w.Key("fromAccountId").String(FormatId(IdKind::kAccount, c.from_account));
  w.Key("toAccountId").String(FormatId(IdKind::kAccount, c.to_account));
  w.Key("rate").String(c.rate.ToString());
  w.Key("midRate").String(c.mid.ToString());
  WriteMinorAmount(w, "sellAmount", c.sell, c.sell_minor);
  WriteMinorAmount(w, "buyAmount", c.buy, c.buy_minor);
  WriteMinorAmount(w, "fee", c.sell, c.fee_minor);
  w.Key("transferIds").BeginArray();
  for (u128 t : c.transfer_ids) {
    if (t != 0) w.String(FormatId(IdKind::kTransfer, t));
  }
  w.EndArray();
  w.Key("createdAt").String(Rfc3339(c.created_ns));
  w.EndObject();
}

void WriteCase(json::JsonWriter& w, const compliance::Case& c) {
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kCase, c.id));
  w.Key("kind").String(compliance::CaseKindName(c.kind));
  w.Key("status").String(compliance::CaseStatusName(c.status));
  // An AML alert has no subject principal: it concerns accounts.
  if (c.subject != 0) {
    w.Key("subject").String(FormatId(IdKind::kPrincipal, c.subject));
  }
  w.Key("reason").String(c.reason);
  w.Key("parties").BeginArray();
  for (const compliance::CaseParty& p : c.parties) {
    w.BeginObject();
    w.Key("role").String(p.role);
    w.Key("name").String(p.name);
    if (!p.country.empty()) w.Key("country").String(p.country);
    if (!p.date_of_birth.empty()) w.Key("dateOfBirth").String(p.date_of_birth);
    w.EndObject();
  }
  w.EndArray();
  w.Key("hits").BeginArray();
  for (const compliance::CaseHit& h : c.hits) {
    w.BeginObject();
    w.Key("list").String(h.list);
    w.Key("entryId").String(h.entry_id);
    w.Key("listedName").String(h.listed_name);
    // The score as the matcher gave it, 0 to 1, four decimals.
    char score[16];
    std::snprintf(score, sizeof score, "%u.%04u", h.score_bp / 10'000,
                  h.score_bp % 10'000);
    w.Key("score").RawValue(score);
    w.EndObject();
  }
  w.EndArray();
  w.Key("heldTransferIds").BeginArray();
  for (u128 t : c.held_transfers) w.String(FormatId(IdKind::kTransfer, t));
  w.EndArray();
  if (!c.rule.empty()) w.Key("rule").String(c.rule);
  if (!c.accounts.empty()) {
    w.Key("accountIds").BeginArray();
    for (u128 a : c.accounts) w.String(FormatId(IdKind::kAccount, a));
    w.EndArray();
  }
  w.Key("createdAt").String(Rfc3339(c.created_ns));
  if (c.status != compliance::CaseStatus::kOpen) {
    w.Key("decision").BeginObject();
    w.Key("by").String(FormatId(IdKind::kPrincipal, c.decided_by));
    w.Key("at").String(Rfc3339(c.decided_ns));
    w.Key("note").String(c.note);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace meridian::api
