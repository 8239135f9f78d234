// The risk routes (spec/compliance_risk.md, "Fraud risk"): assessments
// before an authorisation, the outcomes after it, a merchant's dashboard,
// and the operator's rules. Assessments and outcomes are journaled commands
// the engine scores deterministically (risk/risk_book.h).
//
// A caller's references (payer, card token, device, IP address, merchant,
// payment) are its own strings; the engine sees them only as 128-bit hashes
// scoped to the caller, so two callers' "user-1" never meet and no card
// token or IP address enters the journal in the clear.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "api/internal/risk_defaults.h"
#include "api/internal/service_impl.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "core/hash.h"
#include "engine/command.h"
#include "risk/risk_book.h"

namespace meridian::api {
namespace {

constexpr size_t kMaxRefBytes = 128;

// SHA-256("meridian/risk/" kind | principal | ref), first 16 bytes; never 0.
u128 RefHash(std::string_view kind, u128 principal, std::string_view ref) {
  Sha256Hasher h;
  h.Update("meridian/risk/");
  h.Update(kind);
  h.Update(std::string_view(reinterpret_cast<const char*>(&principal),
                            sizeof principal));
  h.Update(ref);
  Sha256Digest d = h.Finish();
  u128 out = 0;
  std::memcpy(&out, d.data(), sizeof out);
  return out == 0 ? 1 : out;
}

Result<u128> OptionalRef(json::ObjectReader& r, std::string_view key,
                         u128 principal) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> ref,
                            r.OptionalString(key, kMaxRefBytes));
  return ref ? RefHash(key, principal, *ref) : u128{0};
}

Result<risk::CountryCode> OptionalCountry(json::ObjectReader& r,
                                          std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> c,
                            r.OptionalString(key, 2, 2));
  if (!c) return risk::CountryCode{0};
  if (!std::isupper(static_cast<unsigned char>((*c)[0])) ||
      !std::isupper(static_cast<unsigned char>((*c)[1]))) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, r.FieldPath(key),
                     "an ISO 3166 alpha-2 code such as DE");
  }
  return risk::Country(*c);
}

std::string Bp(uint32_t bp) {
  char text[16];
  std::snprintf(text, sizeof text, "%u.%04u", bp / 10'000, bp % 10'000);
  return text;
}

void WriteAssessment(json::JsonWriter& w, const risk::AssessmentRecord& r) {
  const risk::Assessment& a = r.assessment;
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kRiskAssessment, r.id));
  w.Key("decision").String(risk::DecisionName(a.decision));
  // 0 to 1, four decimals: the score the thresholds compare.
  w.Key("score").RawValue(Bp(a.score_bp));
  w.Key("modelScore").RawValue(Bp(a.model_bp));
  w.Key("rulePoints").Int(a.rule_points);
  w.Key("reasons").BeginArray();
  for (const risk::ReasonCode& reason : a.reasons) {
    w.BeginObject();
    w.Key("code").String(reason.code);
    w.Key("source").String(reason.source == risk::ReasonCode::Source::kRule
                               ? "RULE"
                               : "MODEL");
    if (!reason.rule.empty()) w.Key("rule").String(reason.rule);
    w.Key("weight").Int(reason.weight);
    w.EndObject();
  }
  w.EndArray();
  w.Key("amountUsdMinor").Int(r.attempt.amount_reporting_minor);
  w.Key("outcomes").BeginArray();
  for (risk::ReportedOutcome o : r.outcomes) {
    w.String(risk::ReportedOutcomeName(o));
  }
  w.EndArray();
  if (r.case_id != 0) w.Key("caseId").String(FormatId(IdKind::kCase, r.case_id));
  w.Key("createdAt").String(Rfc3339(r.created_ns));
  w.EndObject();
}

http::Response RenderAssessment(const CommandReply& reply, int status) {
  if (!reply.status.ok()) return RenderStatusOnly(reply);
  Result<risk::AssessmentRecord> r =
      risk::DecodeAssessmentRecord(reply.payload);
  if (!r.ok()) return ErrorResponse(r.error());
  return OkWith(status, "assessment",
                [&](json::JsonWriter& w) { WriteAssessment(w, *r); });
}

// Per ten thousand of `of`, as a 0..1 decimal.
std::string Rate(uint64_t n, uint64_t of) {
  return Bp(of == 0 ? 0 : static_cast<uint32_t>(n * 10'000 / of));
}

// What a merchant could do about its figures: plain advice from the
// figures themselves, strongest signal first.
std::vector<std::string> Suggestions(const risk::MerchantRiskStats& s) {
  using risk::ReportedOutcome;
  std::vector<std::string> out;
  const uint64_t approved =
      s.outcomes[static_cast<size_t>(ReportedOutcome::kApproved)];
  const uint64_t disputed =
      s.outcomes[static_cast<size_t>(ReportedOutcome::kDisputed)];
  const uint64_t declined =
      s.outcomes[static_cast<size_t>(ReportedOutcome::kDeclined)];
  auto reason = [&](std::string_view code) {
    auto it = s.reasons.find(std::string(code));
    return it == s.reasons.end() ? uint64_t{0} : it->second;
  };
  // Card networks start monitoring merchants near 0.65 % disputes (Visa
  // VDMP's early warning) and 1 % (Mastercard ECM).
  if (approved > 0 && disputed * 10'000 >= approved * 65) {
    out.push_back(
        "Disputes are at or above 0.65 % of approved payments: ask for 3-D "
        "Secure on first purchases and high amounts (liability shifts to "
        "the issuer), and send tracking and receipts to cut 'not received' "
        "and 'not recognised' claims.");
  }
  // Card testing shows as the rules' codes or as the model leaning on the
  // card's recent merchants and declines.
  const uint64_t card_signals =
      reason("CARD_TESTING") + reason("CARD_VELOCITY") +
      reason("card_merchants_1h") + reason("card_declines_1h") +
      reason("card_count_1m");
  if (card_signals > 0) {
    out.push_back(
        "Card testing reached your checkout: add a CAPTCHA or rate limit "
        "before payment, and refuse repeated small attempts from one device "
        "or IP address.");
  }
  if (s.assessed > 0 && declined * 100 >= s.assessed * 15) {
    out.push_back(
        "Issuers decline 15 % or more: check the card data you send "
        "(billing address, expiry) and retry soft declines once, not more.");
  }
  const uint64_t challenged =
      s.decisions[static_cast<size_t>(risk::Decision::kChallenge)];
  if (s.assessed > 0 && challenged * 100 >= s.assessed * 10) {
    out.push_back(
        "More than one payment in ten is challenged: tell us the customer's "
        "account and device on every payment, so returning customers are "
        "recognised and pass without a step-up.");
  }
  if (out.empty()) {
    out.push_back("Nothing stands out: keep sending outcomes and disputes so "
                  "the figures stay current.");
  }
  return out;
}

}  // namespace

void ApiService::Impl::AddRiskRoutes(http::Router& r) {
  using A = Access;
  Route(r, "POST", "/v1/risk/assessments", "POST /v1/risk/assessments",
        A::kAuthenticated, Bind(&Impl::CreateAssessment));
  Route(r, "GET", "/v1/risk/assessments/{id}", "GET /v1/risk/assessments/{id}",
        A::kAuthenticated, Bind(&Impl::GetAssessment));
  Route(r, "POST", "/v1/risk/assessments/{id}/outcome",
        "POST /v1/risk/assessments/{id}/outcome", A::kAuthenticated,
        Bind(&Impl::ReportRiskOutcome));
  Route(r, "GET", "/v1/risk/merchants/{merchantId}",
        "GET /v1/risk/merchants/{merchantId}", A::kAuthenticated,
        Bind(&Impl::GetMerchantRisk));
  Route(r, "GET", "/v1/risk/rules", "GET /v1/risk/rules", A::kOperator,
        Bind(&Impl::GetRiskRules));
  Route(r, "PUT", "/v1/risk/rules", "PUT /v1/risk/rules", A::kOperator,
        Bind(&Impl::PutRiskRules));
}

Status ApiService::Impl::BootstrapRisk(u128 operator_id) {
  bool ready = false;
  sequencer_->Read(
      [&](const StateMachine& s) { ready = s.risk().ready(); });
  if (ready) return Status::Ok();
  std::string_view model = internal::DefaultRiskModel();
  for (auto [type, text] :
       {std::pair{engine::CommandType::kSetRiskRules,
                  internal::DefaultRiskRules()},
        std::pair{engine::CommandType::kSetRiskModel, model}}) {
    CommandReply r = sequencer_->SubmitAndWait(engine::NewApiCommand(
        type, risk::EncodeSetRiskText({operator_id, std::string(text)})));
    MERIDIAN_RETURN_IF_ERROR(r.status);
  }
  return Status::Ok();
}

// {merchantId, amount, paymentId?, payerId?, cardToken?, deviceId?,
//  ipAddress?, mcc?, merchantCountry?, cardCountry?, ipCountry?, industry?,
//  region?, payerUtcOffsetMinutes?, channel?}
void ApiService::Impl::CreateAssessment(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  const u128 me = c.caller.principal;
  auto parse = [&]() -> Result<risk::AssessRequest> {
    json::ObjectReader root = body->root();
    risk::AssessRequest q;
    risk::PaymentAttempt& a = q.attempt;
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view merchant,
                              root.String("merchantId", kMaxRefBytes));
    a.merchant_id = RefHash("merchantId", me, merchant);
    MERIDIAN_ASSIGN_OR_RETURN(Amount amount,
                              json::ParseAmountField(root, "amount"));
    if (amount.minor_units() <= 0) {
      return MakeError(ErrorCode::kINVALID_AMOUNT, "amount.value",
                       "a payment's amount is more than zero");
    }
    a.amount_minor = amount.minor_units();
    a.currency = amount.currency();
    MERIDIAN_ASSIGN_OR_RETURN(a.payment_id, OptionalRef(root, "paymentId", me));
    MERIDIAN_ASSIGN_OR_RETURN(a.payer_id, OptionalRef(root, "payerId", me));
    MERIDIAN_ASSIGN_OR_RETURN(a.card_token, OptionalRef(root, "cardToken", me));
    MERIDIAN_ASSIGN_OR_RETURN(a.device_id, OptionalRef(root, "deviceId", me));
    MERIDIAN_ASSIGN_OR_RETURN(a.ip_hash, OptionalRef(root, "ipAddress", me));
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<int64_t> mcc,
                              root.OptionalInt64("mcc", 0, 9999));
    a.mcc = static_cast<uint16_t>(mcc.value_or(0));
    MERIDIAN_ASSIGN_OR_RETURN(a.merchant_country,
                              OptionalCountry(root, "merchantCountry"));
    MERIDIAN_ASSIGN_OR_RETURN(a.card_country,
                              OptionalCountry(root, "cardCountry"));
    MERIDIAN_ASSIGN_OR_RETURN(a.ip_country, OptionalCountry(root, "ipCountry"));
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<std::string_view> industry,
        root.OptionalString("industry", risk::kMaxLabelBytes));
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<std::string_view> region,
        root.OptionalString("region", risk::kMaxLabelBytes));
    q.industry = std::string(industry.value_or(""));
    q.region = std::string(region.value_or(""));
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<int64_t> offset,
        root.OptionalInt64("payerUtcOffsetMinutes", -720, 840));
    a.payer_utc_offset_min = static_cast<int32_t>(offset.value_or(0));
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> channel,
                              root.OptionalString("channel", 8));
    if (channel) {
      if (*channel == "CARD") {
        a.channel = risk::Channel::kCard;
      } else if (*channel == "WALLET") {
        a.channel = risk::Channel::kWallet;
      } else if (*channel == "BANK") {
        a.channel = risk::Channel::kBank;
      } else {
        return MakeError(ErrorCode::kINVALID_PARAMETER, "channel",
                         "CARD, WALLET or BANK");
      }
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return q;
  };
  Result<risk::AssessRequest> q = parse();
  if (!q.ok()) return c.Fail(q.error());
  q->id = ids_.Next();
  q->principal = me;
  Submit(c,
         engine::NewApiCommand(engine::CommandType::kAssessPayment,
                               risk::EncodeAssessRequest(*q)),
         *key,
         [](const CommandReply& reply) { return RenderAssessment(reply, 201); });
}

void ApiService::Impl::GetAssessment(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kRiskAssessment, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id, caller = c.caller](const StateMachine& s) {
    const risk::AssessmentRecord* r = s.risk().Find(id);
    if (r == nullptr ||
        (!caller.is_operator() && r->principal != caller.principal)) {
      return ErrorResponse(MakeError(
          ErrorCode::kNOT_FOUND, "id",
          "no such assessment (assessments are kept 30 days)"));
    }
    return OkWith(200, "assessment",
                  [&](json::JsonWriter& w) { WriteAssessment(w, *r); });
  });
}

// {"outcome": "APPROVED" | "DECLINED" | "CHALLENGE_PASSED" |
//  "CHALLENGE_FAILED" | "DISPUTED"}
void ApiService::Impl::ReportRiskOutcome(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kRiskAssessment, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<risk::OutcomeReport> {
    json::ObjectReader root = body->root();
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view name,
                              root.String("outcome", 24));
    std::optional<risk::ReportedOutcome> o =
        risk::ReportedOutcomeFromName(name);
    if (!o) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "outcome",
                       "APPROVED, DECLINED, CHALLENGE_PASSED, "
                       "CHALLENGE_FAILED or DISPUTED");
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return risk::OutcomeReport{c.caller.principal, *id, *o};
  };
  Result<risk::OutcomeReport> o = parse();
  if (!o.ok()) return c.Fail(o.error());
  Submit(c,
         engine::NewApiCommand(engine::CommandType::kReportRiskOutcome,
                               risk::EncodeOutcomeReport(*o)),
         *key,
         [](const CommandReply& reply) { return RenderAssessment(reply, 200); });
}

// The caller's merchant reference, as it sends it in assessments. The
// operator reads another principal's with ?owner=prn_….
void ApiService::Impl::GetMerchantRisk(Ctx& c) {
  const std::string ref(c.params->Get("merchantId").value());
  if (ref.empty() || ref.size() > kMaxRefBytes) {
    return c.Fail(MakeError(ErrorCode::kINVALID_PARAMETER, "merchantId",
                            "the merchant reference sent in assessments"));
  }
  u128 owner = c.caller.principal;
  if (std::optional<std::string> o = c.request->QueryParam("owner")) {
    if (!c.caller.is_operator()) {
      return c.Fail(MakeError(ErrorCode::kACCESS_DENIED, "owner",
                              "only the operator reads another's merchants"));
    }
    Result<u128> id = ParseId(IdKind::kPrincipal, *o, "owner");
    if (!id.ok()) return c.Fail(id.error());
    owner = *id;
  }
  const u128 merchant = RefHash("merchantId", owner, ref);
  ReadEngine(c, [merchant, owner, ref](const StateMachine& st) {
    const risk::MerchantRiskStats* s = st.risk().Merchant(merchant);
    if (s == nullptr || s->principal != owner) {
      return ErrorResponse(MakeError(
          ErrorCode::kNOT_FOUND, "merchantId",
          "no assessments for this merchant reference yet"));
    }
    using risk::ReportedOutcome;
    const uint64_t approved =
        s->outcomes[static_cast<size_t>(ReportedOutcome::kApproved)];
    return OkWith(200, "merchant", [&](json::JsonWriter& w) {
      w.BeginObject();
      w.Key("merchantId").String(ref);
      w.Key("assessed").Uint(s->assessed);
      w.Key("decisions").BeginObject();
      for (size_t d = 0; d < s->decisions.size(); ++d) {
        w.Key(risk::DecisionName(static_cast<risk::Decision>(d)))
            .Uint(s->decisions[d]);
      }
      w.EndObject();
      w.Key("declineRate")
          .RawValue(Rate(s->decisions[static_cast<size_t>(
                             risk::Decision::kDecline)],
                         s->assessed));
      w.Key("challengeRate")
          .RawValue(Rate(s->decisions[static_cast<size_t>(
                             risk::Decision::kChallenge)],
                         s->assessed));
      w.Key("issuerDeclineRate")
          .RawValue(Rate(
              s->outcomes[static_cast<size_t>(ReportedOutcome::kDeclined)],
              s->assessed));
      w.Key("disputeRate")
          .RawValue(Rate(
              s->outcomes[static_cast<size_t>(ReportedOutcome::kDisputed)],
              approved));
      w.Key("outcomes").BeginObject();
      for (size_t o = 0; o < s->outcomes.size(); ++o) {
        w.Key(risk::ReportedOutcomeName(static_cast<ReportedOutcome>(o)))
            .Uint(s->outcomes[o]);
      }
      w.EndObject();
      // Tenths of the score range: [0, 0.1), [0.1, 0.2), … [0.9, 1].
      w.Key("scoreDistribution").BeginArray();
      for (uint64_t n : s->score_buckets) w.Uint(n);
      w.EndArray();
      std::vector<std::pair<std::string, uint64_t>> top(s->reasons.begin(),
                                                        s->reasons.end());
      std::stable_sort(top.begin(), top.end(), [](const auto& a,
                                                  const auto& b) {
        return a.second > b.second;
      });
      w.Key("topReasons").BeginArray();
      for (size_t i = 0; i < top.size() && i < 5; ++i) {
        w.BeginObject();
        w.Key("code").String(top[i].first);
        w.Key("payments").Uint(top[i].second);
        w.EndObject();
      }
      w.EndArray();
      w.Key("suggestions").BeginArray();
      for (const std::string& text : Suggestions(*s)) w.String(text);
      w.EndArray();
      w.EndObject();
    });
  });
}

void ApiService::Impl::GetRiskRules(Ctx& c) {
  ReadEngine(c, [](const StateMachine& s) {
    const risk::RiskScorer* scorer = s.risk().scorer();
    if (scorer == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_READY, "", "no risk rules loaded yet"));
    }
    return OkWith(200, "risk", [&](json::JsonWriter& w) {
      w.BeginObject();
      w.Key("rules").String(scorer->rules().text());
      if (const risk::CompiledModel* m = scorer->model()) {
        w.Key("model").BeginObject();
        w.Key("trees").Uint(m->tree_count());
        w.Key("bytes").Uint(m->bytes().size());
        w.Key("sha256").String(DigestToHex(Sha256(std::span<const uint8_t>(
            m->bytes().data(), m->bytes().size()))));
        w.EndObject();
      }
      w.EndObject();
    });
  });
}

// {"rules": "<TOML text>"}: replaces the rules as one journaled change; the
// next assessment uses them. A bad file changes nothing and says where.
void ApiService::Impl::PutRiskRules(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<std::string> {
    json::ObjectReader root = body->root();
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view text,
                              root.String("rules", risk::kMaxRiskCommandBytes));
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return std::string(text);
  };
  Result<std::string> text = parse();
  if (!text.ok()) return c.Fail(text.error());
  Submit(c,
         engine::NewApiCommand(
             engine::CommandType::kSetRiskRules,
             risk::EncodeSetRiskText({c.caller.principal, *text})),
         *key, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           return OkWith(200, "risk", [&](json::JsonWriter& w) {
             w.BeginObject();
             w.Key("rulesUpdated").Bool(true);
             w.EndObject();
           });
         });
}

}  // namespace meridian::api
