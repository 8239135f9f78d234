// The wallet interconnect's routes (spec/network.md): participants,
// merchants and their codes, MPM (identify, quote, pay), CPM (the
// acquirer's request, the wallet's authorize call through CpmWorker,
// confirm), inquiry, cancel, refunds, and the operator's clearing cut.
//
// The gateway decodes QR payloads (network/qr) and screens the payer's
// name (compliance); the engine resolves the merchant, prices, checks the
// caps and posts the money (engine/network_engine.cc). A wallet user's id
// reaches the engine only as a hash scoped to the wallet; the payer's name
// never does (it stays in the compliance case when one opens).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "api/auth/time_format.h"
#include "api/cpm_worker.h"
#include "api/internal/service_impl.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "core/hash.h"
#include "engine/command.h"
#include "network/limits.h"
#include "network/network_commands.h"
#include "network/promotions.h"
#include "network/qr/emvco.h"
#include "network/qr/render.h"

namespace meridian::api {
namespace {

using engine::CommandType;

constexpr size_t kMaxCodeValueBytes = 512;

Error Invalid(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

Result<CountryCode> ParseCountryField(json::ObjectReader& r,
                                      std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view c, r.String(key, 2, 2));
  if (!std::isupper(static_cast<unsigned char>(c[0])) ||
      !std::isupper(static_cast<unsigned char>(c[1]))) {
    return Invalid(r.FieldPath(key), "an ISO 3166 alpha-2 code such as TH");
  }
  return Country(c);
}

Result<Currency> ParseCurrencyField(json::ObjectReader& r,
                                    std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view c, r.String(key, 3, 3));
  Result<Currency> v = Currency::FromCode(c);
  if (!v.ok()) {
    return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, r.FieldPath(key),
                     "an ISO 4217 code such as THB");
  }
  return *v;
}

Result<std::string> ParseUrlField(json::ObjectReader& r, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> url,
                            r.OptionalString(key, network::kMaxUrlBytes));
  if (!url) return std::string();
  if (!url->starts_with("http://") && !url->starts_with("https://")) {
    return Invalid(r.FieldPath(key), "an http:// or https:// URL");
  }
  return std::string(*url);
}

// The first `max_chars` characters of UTF-8 text (EMVCo counts characters).
std::string Utf8Prefix(std::string_view s, size_t max_chars) {
  size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) break;
      ++chars;
    }
  }
  return std::string(s.substr(0, i));
}

// SHA-256("meridian/network/user" | wallet | walletUserId), 16 bytes.
u128 UserHash(u128 wallet, std::string_view user) {
  Sha256Hasher h;
  h.Update("meridian/network/user");
  h.Update(
      std::string_view(reinterpret_cast<const char*>(&wallet), sizeof wallet));
  h.Update(user);
  Sha256Digest d = h.Finish();
  u128 out = 0;
  std::memcpy(&out, d.data(), sizeof out);
  return out == 0 ? 1 : out;
}

// The hub's code of a merchant (static) or of one of its orders.
std::string HubCodeOf(const network::Merchant& m, const network::Order* o) {
  network::qr::HubCode code;
  code.merchant_id = FormatId(IdKind::kMerchant, m.id);
  char mcc[8];
  std::snprintf(mcc, sizeof mcc, "%04u", m.mcc);
  code.mcc = mcc;
  code.currency = m.currency;
  code.country = m.country;
  code.name = Utf8Prefix(m.name, 25);
  code.city = Utf8Prefix(m.city, 15);
  code.postal_code = Utf8Prefix(m.postal_code, 10);
  if (o != nullptr) {
    code.order_id = FormatId(IdKind::kOrder, o->id);
    code.amount = Amount::FromMinorUnits(m.currency, o->amount_minor).value();
    code.reference = Utf8Prefix(o->reference, 25);
  }
  Result<std::string> out = network::qr::BuildHubCode(code);
  // The registration checked every field a code carries.
  MERIDIAN_CHECK(out.ok()) << out.error().ToString();
  return *out;
}

// What a scanned code names.
struct CodeTarget {
  u128 merchant = 0;         // a hub code
  std::string national_key;  // a national code
  u128 order = 0;
  std::optional<Amount> amount;
  bool dynamic = false;
};

Result<CodeTarget> ResolveCode(std::string_view code_value) {
  MERIDIAN_ASSIGN_OR_RETURN(network::qr::Payload p,
                            network::qr::Decode(code_value));
  CodeTarget t;
  t.amount = p.amount;
  t.dynamic = p.initiation == network::qr::Initiation::kDynamic;
  auto unknown = [] {
    return MakeError(ErrorCode::kQR_MERCHANT_UNKNOWN, "codeValue",
                     "the code names no merchant registered on the network");
  };
  if (std::optional<network::qr::HubRef> ref = network::qr::HubReference(p)) {
    Result<u128> m = ParseId(IdKind::kMerchant, ref->merchant_id, "codeValue");
    if (!m.ok()) return unknown();
    t.merchant = *m;
    if (!ref->order_id.empty()) {
      Result<u128> o = ParseId(IdKind::kOrder, ref->order_id, "codeValue");
      if (!o.ok()) return unknown();
      t.order = *o;
    }
    return t;
  }
  if (std::optional<network::qr::MerchantKey> key =
          network::qr::NationalKey(p)) {
    t.national_key = key->gui + "|" + key->identifier;
    return t;
  }
  return unknown();
}

// The API's amount for a payment: the field if sent, else the code's.
Result<std::optional<Amount>> PaymentAmount(json::ObjectReader& r,
                                            const CodeTarget& t) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<Amount> a,
                            json::ParseOptionalAmountField(r, "paymentAmount"));
  if (a && t.amount && *a != *t.amount) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "paymentAmount",
                     "the code is for " + t.amount->ToDecimalString() + " " +
                         std::string(t.amount->currency().code()) +
                         "; pay that amount");
  }
  if (!a) a = t.amount;
  return a;
}

http::Response PaymentResponse(const CommandReply& reply, int ok_status) {
  if (!reply.status.ok()) return RenderStatusOnly(reply);
  ByteReader br(reply.payload);
  std::optional<network::Payment> p = network::ReadPayment(br);
  if (!p) {
    return ErrorResponse(MakeError(ErrorCode::kINTERNAL_ERROR, "",
                                   "the engine's payment record is damaged"));
  }
  std::string out;
  json::JsonWriter w(&out);
  w.BeginObject();
  int status = ok_status;
  if (p->status == network::PaymentStatus::kHeld) {
    WriteResult(w, ErrorCode::kHELD_FOR_REVIEW, "",
                "the payment is held for a compliance review (caseId); the "
                "decision comes as payment.succeeded or payment.failed");
    status = 202;
  } else if (p->status == network::PaymentStatus::kProcessing) {
    WriteResult(w, ErrorCode::kPAYMENT_PROCESSING, "",
                "the wallet has not answered yet; the payment stays "
                "PROCESSING until it does or the hold lapses");
    status = 202;
  } else if (p->status == network::PaymentStatus::kFail) {
    WriteResult(w, p->fail_code, "", "the payment failed; nothing moved");
    status = 422;
  } else {
    WriteResult(w, Status::Ok());
  }
  w.Key("payment");
  WriteNetworkPayment(w, *p);
  w.EndObject();
  return JsonResponse(status, std::move(out));
}

}  // namespace

void ApiService::Impl::AddNetworkRoutes(http::Router& r) {
  using A = Access;
  auto route = [&](std::string_view method, std::string_view pattern, A access,
                   void (Impl::*fn)(Ctx&)) {
    Route(r, method, pattern, std::string(method) + " " + std::string(pattern),
          access, Bind(fn));
  };
  route("POST", "/v1/network/participants", A::kOperator,
        &Impl::CreateParticipant);
  route("GET", "/v1/network/participants", A::kOperator,
        &Impl::ListParticipants);
  route("GET", "/v1/network/participants/{id}", A::kAuthenticated,
        &Impl::GetParticipant);
  route("POST", "/v1/network/merchants", A::kAuthenticated,
        &Impl::CreateMerchant);
  route("GET", "/v1/network/merchants/{id}", A::kAuthenticated,
        &Impl::GetMerchant);
  route("GET", "/v1/network/merchants/{id}/qr.png", A::kAuthenticated,
        &Impl::GetMerchantQrPng);
  route("GET", "/v1/network/merchants/{id}/qr.svg", A::kAuthenticated,
        &Impl::GetMerchantQrSvg);
  route("POST", "/v1/network/merchants/{id}/orders", A::kAuthenticated,
        &Impl::CreateOrder);
  route("POST", "/v1/network/codes/identify", A::kAuthenticated,
        &Impl::IdentifyCode);
  route("POST", "/v1/network/quotes", A::kAuthenticated, &Impl::CreateNetQuote);
  route("POST", "/v1/network/payments", A::kAuthenticated, &Impl::PayMpm);
  route("POST", "/v1/network/payments/cpm", A::kAuthenticated, &Impl::PayCpm);
  route("GET", "/v1/network/payments", A::kAuthenticated,
        &Impl::FindNetPayment);
  route("GET", "/v1/network/payments/{id}", A::kAuthenticated,
        &Impl::GetNetPayment);
  route("POST", "/v1/network/payments/{id}/confirm", A::kAuthenticated,
        &Impl::ConfirmNetPayment);
  route("POST", "/v1/network/payments/{id}/cancel", A::kAuthenticated,
        &Impl::CancelNetPayment);
  route("POST", "/v1/network/refunds", A::kAuthenticated, &Impl::CreateRefund);
  route("GET", "/v1/network/refunds/{id}", A::kAuthenticated, &Impl::GetRefund);
  route("POST", "/v1/settlement/windows/close", A::kOperator,
        &Impl::CloseWindow);
  route("POST", "/v1/network/promotions", A::kAuthenticated,
        &Impl::CreatePromotion);
  route("GET", "/v1/network/promotions", A::kAuthenticated,
        &Impl::ListPromotions);
  route("GET", "/v1/network/promotions/{id}", A::kAuthenticated,
        &Impl::GetPromotion);
  route("POST", "/v1/network/promotions/{id}/end", A::kAuthenticated,
        &Impl::EndPromotion);
  route("GET", "/v1/network/limits", A::kAuthenticated, &Impl::GetPayerLimits);
  route("PUT", "/v1/network/limits", A::kOperator, &Impl::PutPayerLimits);
  if (options_.sandbox) {
    route("POST", "/sandbox/wallets/{mode}/authorize", A::kPublic,
          &Impl::SandboxAuthorize);
    // A participant's notify endpoint that takes every notification (the
    // sandbox acquirers and wallets of tests and the demo).
    Route(
        r, "POST", "/sandbox/notify", "POST /sandbox/notify", A::kPublic,
        [](Ctx& c) {
          c.Send(JsonResponse(
              200,
              R"({"result":{"status":"S","code":"SUCCESS","message":"received"}})"));
        });
  }
}

// ---------------------------------------------------------------- participants

void ApiService::Impl::CreateParticipant(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<network::Participant> {
    json::ObjectReader root = body->root();
    network::Participant p;
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view type, root.String("type", 16));
    std::optional<network::ParticipantType> t =
        network::ParticipantTypeFromName(type);
    if (!t) return Invalid("type", "WALLET or ACQUIRER");
    p.type = *t;
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view name,
                              root.String("name", network::kMaxNameBytes));
    p.name = std::string(name);
    MERIDIAN_ASSIGN_OR_RETURN(p.country, ParseCountryField(root, "country"));
    MERIDIAN_ASSIGN_OR_RETURN(p.currency, ParseCurrencyField(root, "currency"));
    p.settlement_currency = p.currency;
    if (root.Has("settlementCurrency")) {
      MERIDIAN_ASSIGN_OR_RETURN(p.settlement_currency,
                                ParseCurrencyField(root, "settlementCurrency"));
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<std::string_view> tz,
        root.OptionalString("timeZone", network::kMaxTimeZoneBytes));
    p.time_zone = tz ? std::string(*tz) : "UTC";
    for (char ch : p.time_zone) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) &&
          std::string_view("/_-+").find(ch) == std::string_view::npos) {
        return Invalid("timeZone", "an IANA time zone such as Asia/Bangkok");
      }
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<Amount> cap,
        json::ParseOptionalAmountField(root, "netDebitCap"));
    if (cap) {
      if (cap->currency() != p.currency) {
        return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED,
                         "netDebitCap.currency",
                         "the cap is in the participant's currency");
      }
      p.net_debit_cap_minor = cap->minor_units();
    }
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ObjectReader> endpoints,
                              root.OptionalObject("endpoints"));
    if (endpoints) {
      MERIDIAN_ASSIGN_OR_RETURN(p.authorize_url,
                                ParseUrlField(*endpoints, "authorize"));
      MERIDIAN_ASSIGN_OR_RETURN(p.notify_url,
                                ParseUrlField(*endpoints, "notify"));
      MERIDIAN_RETURN_IF_ERROR(endpoints->Finish());
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<json::ArrayReader> prefixes,
        root.OptionalArray("codePrefixes", network::kMaxCodePrefixes));
    if (prefixes) {
      if (p.type != network::ParticipantType::kWallet) {
        return Invalid("codePrefixes", "only wallets issue payment codes");
      }
      for (size_t i = 0; i < prefixes->size(); ++i) {
        MERIDIAN_ASSIGN_OR_RETURN(
            std::string_view s,
            prefixes->String(i, network::kMaxCodePrefixDigits,
                             network::kMinCodePrefixDigits));
        if (!std::all_of(s.begin(), s.end(),
                         [](char ch) { return ch >= '0' && ch <= '9'; })) {
          return Invalid("codePrefixes[" + std::to_string(i) + "]",
                         "2 to 12 digits");
        }
        p.code_prefixes.emplace_back(s);
      }
    }
    if (p.type == network::ParticipantType::kWallet &&
        !p.code_prefixes.empty() && p.authorize_url.empty()) {
      return Invalid("endpoints.authorize",
                     "a wallet that issues payment codes answers authorize "
                     "calls; give the URL");
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<uint64_t> hold,
        root.OptionalUint64("cpmHoldSeconds", network::kMinCpmHoldS,
                            network::kMaxCpmHoldS));
    if (hold) p.cpm_hold_s = static_cast<uint32_t>(*hold);
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ObjectReader> fees,
                              root.OptionalObject("fees"));
    p.merchant_fee_bps =
        p.type == network::ParticipantType::kAcquirer ? 100 : 0;
    if (fees) {
      MERIDIAN_ASSIGN_OR_RETURN(
          std::optional<uint64_t> bps,
          fees->OptionalUint64("merchantFeeBps", 0, network::kMaxFeeBps));
      if (bps) p.merchant_fee_bps = static_cast<uint32_t>(*bps);
      MERIDIAN_RETURN_IF_ERROR(fees->Finish());
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return p;
  };
  Result<network::Participant> p = parse();
  if (!p.ok()) return c.Fail(p.error());
  p->id = ids_.Next();
  p->key_id = ids_.Next();
  p->endpoint_id = p->notify_url.empty() ? 0 : ids_.Next();
  const NodeSecrets* secrets = &*secrets_;
  network::CreateParticipant cmd{
      *p, auth::HashApiKey(secrets->ApiKeySecret(p->key_id))};
  Submit(
      c,
      engine::NewApiCommand(CommandType::kCreateParticipant,
                            network::EncodeCreateParticipant(cmd)),
      *key, [secrets](const CommandReply& reply) {
        if (!reply.status.ok()) return RenderStatusOnly(reply);
        Result<network::Participant> p =
            network::DecodeParticipant(reply.payload);
        if (!p.ok()) return ErrorResponse(p.error());
        std::string out;
        json::JsonWriter w(&out);
        w.BeginObject();
        WriteResult(w, Status::Ok());
        w.Key("participant");
        WriteNetworkParticipant(w, *p);
        // Shown here only: the API key, and the secret the hub signs
        // its calls and notifications to this participant with.
        w.Key("apiKey").String(secrets->ApiKeySecret(p->key_id));
        w.Key("signingSecret").String(secrets->WebhookSecret(p->id));
        if (p->endpoint_id != 0) {
          w.Key("notifySecret").String(secrets->WebhookSecret(p->endpoint_id));
        }
        w.EndObject();
        return JsonResponse(201, std::move(out));
      });
}

void ApiService::Impl::ListParticipants(Ctx& c) {
  ReadEngine(c, [](const StateMachine& s) {
    const auto& all = s.network().participants();
    std::vector<const network::Participant*> items;
    for (const auto& [id, p] : all) items.push_back(&p);
    return OkList(items, false,
                  [](json::JsonWriter& w, const network::Participant* p) {
                    WriteNetworkParticipant(w, *p);
                  });
  });
}

void ApiService::Impl::GetParticipant(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kParticipant, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  if (!c.caller.is_operator() && c.caller.principal != *id) {
    return c.Fail(
        MakeError(ErrorCode::kNOT_FOUND, "id", "no such participant"));
  }
  ReadEngine(c, [id = *id](const StateMachine& s) {
    const network::Participant* p = s.network().FindParticipant(id);
    if (p == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such participant"));
    }
    return OkWith(200, "participant",
                  [&](json::JsonWriter& w) { WriteNetworkParticipant(w, *p); });
  });
}

// ---------------------------------------------------------------- merchants

void ApiService::Impl::CreateMerchant(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  std::string request_id;
  auto parse = [&]() -> Result<network::Merchant> {
    json::ObjectReader root = body->root();
    network::Merchant m;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view rid,
        json::ParseRequestIdField(root, "merchantRequestId"));
    request_id = std::string(rid);
    if (c.caller.is_operator()) {
      MERIDIAN_ASSIGN_OR_RETURN(
          m.acquirer,
          json::ParseIdField(root, "acquirerId", IdKind::kParticipant));
    } else {
      m.acquirer = c.caller.principal;
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view ref,
        root.String("reference", network::kMaxReferenceBytes));
    m.reference = std::string(ref);
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, root.String("name", 100));
    m.name = std::string(name);
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view mcc, root.String("mcc", 4, 4));
    if (!std::all_of(mcc.begin(), mcc.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return Invalid("mcc", "a 4-digit ISO 18245 merchant category code");
    }
    m.mcc = static_cast<uint16_t>(std::stoi(std::string(mcc)));
    MERIDIAN_ASSIGN_OR_RETURN(m.country, ParseCountryField(root, "country"));
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view city,
                              root.String("city", network::kMaxCityBytes));
    m.city = std::string(city);
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<std::string_view> postal,
        root.OptionalString("postalCode", network::kMaxPostalCodeBytes));
    if (postal) m.postal_code = std::string(*postal);
    MERIDIAN_ASSIGN_OR_RETURN(m.currency, ParseCurrencyField(root, "currency"));
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<std::string_view> national,
        root.OptionalString("nationalQr", kMaxCodeValueBytes));
    if (national) {
      Result<network::qr::Payload> p = network::qr::Decode(*national);
      if (!p.ok()) {
        return MakeError(p.error().code, "nationalQr", p.error().message);
      }
      std::optional<network::qr::MerchantKey> k = network::qr::NationalKey(*p);
      if (!k) {
        return MakeError(ErrorCode::kQR_FIELD_MISSING, "nationalQr",
                         "the code has no national merchant account template "
                         "(26 to 51) to index");
      }
      m.national_qr = std::string(*national);
      m.national_key = k->gui + "|" + k->identifier;
      if (m.national_key.size() > network::kMaxNationalKeyBytes) {
        return Invalid("nationalQr", "the code's merchant account is too long");
      }
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return m;
  };
  Result<network::Merchant> m = parse();
  if (!m.ok()) return c.Fail(m.error());
  m->id = ids_.Next();
  // Every field the hub's code carries must encode (names are cut to
  // EMVCo's lengths, so only the characters themselves can fail).
  network::Merchant probe = *m;
  network::qr::HubCode check;
  check.merchant_id = FormatId(IdKind::kMerchant, probe.id);
  check.mcc = "0000";
  check.currency = probe.currency;
  check.country = probe.country;
  check.name = Utf8Prefix(probe.name, 25);
  check.city = Utf8Prefix(probe.city, 15);
  check.postal_code = Utf8Prefix(probe.postal_code, 10);
  if (Result<std::string> code = network::qr::BuildHubCode(check); !code.ok()) {
    return c.Fail(code.error());
  }
  Submit(c,
         engine::NewApiCommand(CommandType::kCreateMerchant,
                               network::EncodeMerchant(*m)),
         std::string_view(request_id), [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<network::Merchant> m = network::DecodeMerchant(reply.payload);
           if (!m.ok()) return ErrorResponse(m.error());
           return OkWith(201, "merchant", [&](json::JsonWriter& w) {
             WriteNetworkMerchant(w, *m, HubCodeOf(*m, nullptr));
           });
         });
}

namespace {

// A merchant the caller may see: its acquirer's, or any for the operator
// and for wallets (they pay merchants).
const network::Merchant* VisibleMerchant(const StateMachine& s,
                                         const Caller& caller, u128 id) {
  const network::Merchant* m = s.network().FindMerchant(id);
  if (m == nullptr) return nullptr;
  if (caller.is_operator() || m->acquirer == caller.principal) return m;
  const network::Participant* p = s.network().FindParticipant(caller.principal);
  if (p != nullptr && p->type == network::ParticipantType::kWallet) return m;
  return nullptr;
}

}  // namespace

void ApiService::Impl::GetMerchant(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kMerchant, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id, caller = c.caller](const StateMachine& s) {
    const network::Merchant* m = VisibleMerchant(s, caller, id);
    if (m == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such merchant"));
    }
    return OkWith(200, "merchant", [&](json::JsonWriter& w) {
      WriteNetworkMerchant(w, *m, HubCodeOf(*m, nullptr));
    });
  });
}

void ApiService::Impl::GetMerchantQrPng(Ctx& c) { MerchantQr(c, true); }
void ApiService::Impl::GetMerchantQrSvg(Ctx& c) { MerchantQr(c, false); }

void ApiService::Impl::MerchantQr(Ctx& c, bool png) {
  Result<u128> id =
      ParseId(IdKind::kMerchant, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  int module_px = network::qr::kDefaultModulePx;
  if (std::optional<std::string> size = c.request->QueryParam("modulePx")) {
    std::optional<u128> v = ParseU128(*size);
    if (!v || *v < 1 || *v > static_cast<u128>(network::qr::kMaxModulePx)) {
      return c.Fail(Invalid("modulePx", "1 to 32 pixels per module"));
    }
    module_px = static_cast<int>(*v);
  }
  ReadEngine(c, [id = *id, caller = c.caller, png,
                 module_px](const StateMachine& s) {
    const network::Merchant* m = VisibleMerchant(s, caller, id);
    if (m == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such merchant"));
    }
    const std::string code = HubCodeOf(*m, nullptr);
    Result<std::string> image = png ? network::qr::RenderPng(code, module_px)
                                    : network::qr::RenderSvg(code, module_px);
    if (!image.ok()) return ErrorResponse(image.error());
    http::Response r;
    r.status = 200;
    r.content_type = png ? "image/png" : "image/svg+xml";
    r.body = std::move(*image);
    return r;
  });
}

void ApiService::Impl::CreateOrder(Ctx& c) {
  Result<u128> merchant =
      ParseId(IdKind::kMerchant, c.params->Get("id").value(), "id");
  if (!merchant.ok()) return c.Fail(merchant.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  std::string request_id;
  auto parse = [&]() -> Result<network::Order> {
    json::ObjectReader root = body->root();
    network::Order o;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view rid,
        json::ParseRequestIdField(root, "orderRequestId"));
    request_id = std::string(rid);
    MERIDIAN_ASSIGN_OR_RETURN(Amount amount,
                              json::ParseAmountField(root, "amount"));
    o.amount_minor = amount.minor_units();
    o.currency = amount.currency();
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> ref,
                              root.OptionalString("reference", 25));
    if (ref) o.reference = std::string(*ref);
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<uint64_t> seconds,
        root.OptionalUint64("expiresInSeconds", 1, 24 * 3600));
    o.expires_ns = static_cast<int64_t>(seconds.value_or(900)) * 1'000'000'000;
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    // The currency must be the merchant's: the engine has it; the code
    // carries the amount in it.
    o.reference = o.reference.empty() ? std::string(rid) : o.reference;
    return o;
  };
  Result<network::Order> o = parse();
  if (!o.ok()) return c.Fail(o.error());
  o->id = ids_.Next();
  o->merchant = *merchant;
  Submit(c,
         engine::NewApiCommand(CommandType::kCreateOrder,
                               network::EncodeOrder(*o)),
         std::string_view(request_id), [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           // The order, then its merchant (the code needs both).
           ByteReader r(reply.payload);
           std::optional<network::Order> o = network::ReadOrder(r);
           std::optional<network::Merchant> m = network::ReadMerchant(r);
           if (!o || !m) {
             return ErrorResponse(MakeError(ErrorCode::kINTERNAL_ERROR, "",
                                            "the engine's order is damaged"));
           }
           return OkWith(201, "order", [&](json::JsonWriter& w) {
             WriteNetworkOrder(w, *o, HubCodeOf(*m, &*o));
           });
         });
}

// ---------------------------------------------------------------- MPM

void ApiService::Impl::IdentifyCode(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  json::ObjectReader root = body->root();
  Result<std::string_view> code = root.String("codeValue", kMaxCodeValueBytes);
  if (!code.ok()) return c.Fail(code.error());
  if (Status s = root.Finish(); !s.ok()) return c.Fail(s.error());
  Result<CodeTarget> target = ResolveCode(*code);
  if (!target.ok()) return c.Fail(target.error());
  ReadEngine(c, [t = std::move(*target),
                 now = WallNs()](const StateMachine& s) {
    const network::Merchant* m =
        t.national_key.empty()
            ? s.network().FindMerchant(t.merchant)
            : s.network().MerchantByNationalKey(t.national_key);
    if (m == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kQR_MERCHANT_UNKNOWN, "codeValue",
                    "the code names no merchant registered on the network"));
    }
    std::optional<Amount> amount = t.amount;
    if (t.order != 0) {
      const network::Order* o = s.network().FindOrder(t.order);
      if (o == nullptr || o->merchant != m->id || o->paid_by != 0 ||
          now >= o->expires_ns) {
        return ErrorResponse(MakeError(ErrorCode::kQR_EXPIRED, "codeValue",
                                       "the order code expired or was paid; "
                                       "ask the merchant for a new one"));
      }
      amount = Amount::FromMinorUnits(m->currency, o->amount_minor).value();
    }
    const network::Participant* acquirer =
        s.network().FindParticipant(m->acquirer);
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("codeType").String(t.dynamic || t.order != 0 ? "DYNAMIC" : "STATIC");
    w.Key("codeScheme")
        .String(t.national_key.empty() ? "MERIDIAN" : "NATIONAL");
    w.Key("merchant").BeginObject();
    w.Key("merchantId").String(FormatId(IdKind::kMerchant, m->id));
    w.Key("name").String(m->name);
    w.Key("city").String(m->city);
    w.Key("country").String(std::string{static_cast<char>(m->country >> 8),
                                        static_cast<char>(m->country & 0xFF)});
    char mcc[8];
    std::snprintf(mcc, sizeof mcc, "%04u", m->mcc);
    w.Key("mcc").String(mcc);
    w.Key("currency").String(m->currency.code());
    w.Key("acquirerId").String(FormatId(IdKind::kParticipant, m->acquirer));
    if (acquirer != nullptr) w.Key("acquirerName").String(acquirer->name);
    w.EndObject();
    if (t.order != 0)
      w.Key("orderId").String(FormatId(IdKind::kOrder, t.order));
    if (amount) {
      WriteMinorAmount(w, "paymentAmount", amount->currency(),
                       amount->minor_units());
    }
    w.EndObject();
    return JsonResponse(200, std::move(out));
  });
}

namespace {

// The merchant part of a quote or payment request: codeValue or
// merchantId.
struct MerchantRef {
  CodeTarget target;
  std::optional<Amount> amount;
};

Result<MerchantRef> ParseMerchantRef(json::ObjectReader& root) {
  MerchantRef ref;
  MERIDIAN_ASSIGN_OR_RETURN(
      std::optional<std::string_view> code,
      root.OptionalString("codeValue", kMaxCodeValueBytes));
  if (code) {
    MERIDIAN_ASSIGN_OR_RETURN(ref.target, ResolveCode(*code));
  } else {
    if (!root.Has("merchantId")) {
      return MakeError(ErrorCode::kMISSING_PARAMETER, "codeValue",
                       "send the scanned codeValue (or a merchantId)");
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        ref.target.merchant,
        json::ParseIdField(root, "merchantId", IdKind::kMerchant));
  }
  MERIDIAN_ASSIGN_OR_RETURN(ref.amount, PaymentAmount(root, ref.target));
  if (!ref.amount && ref.target.order == 0) {
    return MakeError(ErrorCode::kMISSING_PARAMETER, "paymentAmount",
                     "a static code carries no amount: send paymentAmount");
  }
  return ref;
}

}  // namespace

void ApiService::Impl::CreateNetQuote(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<network::QuoteRequest> {
    json::ObjectReader root = body->root();
    network::QuoteRequest q;
    MERIDIAN_ASSIGN_OR_RETURN(MerchantRef ref, ParseMerchantRef(root));
    q.merchant = ref.target.merchant;
    q.national_key = ref.target.national_key;
    q.order = ref.target.order;
    if (ref.amount) {
      q.currency = ref.amount->currency();
      q.amount_minor = ref.amount->minor_units();
    }
    MERIDIAN_ASSIGN_OR_RETURN(q.payer_currency,
                              ParseCurrencyField(root, "payerCurrency"));
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> user,
                              root.OptionalString("walletUserId", 64));
    if (user) q.user = UserHash(c.caller.principal, *user);
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return q;
  };
  Result<network::QuoteRequest> q = parse();
  if (!q.ok()) return c.Fail(q.error());
  q->id = ids_.Next();
  q->wallet = c.caller.principal;
  Submit(c,
         engine::NewApiCommand(CommandType::kCreateNetQuote,
                               network::EncodeQuoteRequest(*q)),
         *idem, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<network::NetQuote> q = network::DecodeNetQuote(reply.payload);
           if (!q.ok()) return ErrorResponse(q.error());
           return OkWith(201, "quote", [&](json::JsonWriter& w) {
             WriteNetworkQuote(w, *q);
           });
         });
}

void ApiService::Impl::PayMpm(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  ScreenedParty payer_party;
  auto parse = [&]() -> Result<network::MpmPayment> {
    json::ObjectReader root = body->root();
    network::MpmPayment p;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view rid,
        json::ParseRequestIdField(root, "paymentRequestId"));
    p.request_id = std::string(rid);
    MERIDIAN_ASSIGN_OR_RETURN(MerchantRef ref, ParseMerchantRef(root));
    p.merchant = ref.target.merchant;
    p.national_key = ref.target.national_key;
    p.order = ref.target.order;
    if (ref.amount) {
      p.currency = ref.amount->currency();
      p.amount_minor = ref.amount->minor_units();
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<u128> quote,
        json::ParseOptionalIdField(root, "quoteId", IdKind::kQuote));
    p.quote = quote.value_or(0);
    MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader payer, root.Object("payer"));
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view user,
                              payer.String("walletUserId", 64));
    p.payer.user = UserHash(c.caller.principal, user);
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<uint64_t> tier,
                              payer.OptionalUint64("kycTier", 0, 3));
    p.payer.kyc_tier = static_cast<uint8_t>(tier.value_or(0));
    // name, country, dateOfBirth, type: screened, never journaled.
    MERIDIAN_ASSIGN_OR_RETURN(payer_party,
                              ParseScreenedParty(payer, /*with_role=*/false));
    payer_party.party.role = "PAYER";
    if (!payer_party.party.country.empty()) {
      p.payer.country = Country(payer_party.party.country);
    }
    MERIDIAN_RETURN_IF_ERROR(payer.Finish());
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return p;
  };
  Result<network::MpmPayment> p = parse();
  if (!p.ok()) return c.Fail(p.error());
  p->id = ids_.Next();
  p->wallet = c.caller.principal;
  u128 case_id = 0;
  if (std::optional<std::vector<uint8_t>> hold =
          HoldIfListed(c, {payer_party}, {}, &case_id)) {
    // The hold-for-review body without its command header.
    p->hold.assign(hold->begin() + engine::kCommandHeaderBytes, hold->end());
  }
  Submit(c,
         engine::NewApiCommand(CommandType::kPayMpm,
                               network::EncodeMpmPayment(*p)),
         std::string_view(p->request_id),
         [](const CommandReply& reply) { return PaymentResponse(reply, 200); });
}

// ---------------------------------------------------------------- CPM

void ApiService::Impl::PayCpm(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  std::string customer_code;
  auto parse = [&]() -> Result<network::CpmPayment> {
    json::ObjectReader root = body->root();
    network::CpmPayment p;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view rid,
        json::ParseRequestIdField(root, "paymentRequestId"));
    p.request_id = std::string(rid);
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view code,
        root.String("customerCode", network::kMaxCustomerCodeDigits,
                    network::kMinCustomerCodeDigits));
    if (!std::all_of(code.begin(), code.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return Invalid("customerCode", "16 to 24 digits, as scanned");
    }
    customer_code = std::string(code);
    p.code_prefix = std::string(code.substr(0, network::kMaxCodePrefixDigits));
    MERIDIAN_ASSIGN_OR_RETURN(
        p.merchant, json::ParseIdField(root, "merchantId", IdKind::kMerchant));
    MERIDIAN_ASSIGN_OR_RETURN(Amount amount,
                              json::ParseAmountField(root, "paymentAmount"));
    p.amount_minor = amount.minor_units();
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return p;
  };
  Result<network::CpmPayment> p = parse();
  if (!p.ok()) return c.Fail(p.error());
  p->id = ids_.Next();
  p->acquirer = c.caller.principal;
  CpmWorker* worker = cpm_.get();
  engine::Sequencer* seq = sequencer_.get();
  SubmitThen(
      c,
      engine::NewApiCommand(CommandType::kPayCpm,
                            network::EncodeCpmPayment(*p)),
      std::string_view(p->request_id),
      [worker, seq, customer_code](CommandReply reply,
                                   std::shared_ptr<http::Responder> responder) {
        if (!reply.status.ok()) {
          return std::move(*responder).Send(RenderStatusOnly(reply));
        }
        ByteReader r(reply.payload);
        std::optional<network::Payment> pay = network::ReadPayment(r);
        std::string_view url;
        if (!pay || !r.Bytes(&url, network::kMaxUrlBytes)) {
          return std::move(*responder)
              .Send(
                  ErrorResponse(MakeError(ErrorCode::kINTERNAL_ERROR, "",
                                          "the engine's payment is damaged")));
        }
        if (reply.replayed) {
          // A repeat: answer the payment as it stands now.
          const u128 id = pay->id;
          Status s = seq->ReadAsync([id, responder](const StateMachine& st) {
            const network::Payment* now = st.network().FindPayment(id);
            CommandReply current;
            if (now != nullptr) current.payload = network::EncodePayment(*now);
            std::move(*responder).Send(PaymentResponse(current, 200));
          });
          if (!s.ok()) std::move(*responder).Send(ErrorResponse(s.error()));
          return;
        }
        std::string body;
        json::JsonWriter w(&body);
        w.BeginObject();
        w.Key("paymentId").String(FormatId(IdKind::kPayment, pay->id));
        w.Key("customerCode").String(customer_code);
        w.Key("merchantId").String(FormatId(IdKind::kMerchant, pay->merchant));
        w.Key("acquirerId")
            .String(FormatId(IdKind::kParticipant, pay->acquirer));
        WriteMinorAmount(w, "paymentAmount", pay->pricing.merchant_currency,
                         pay->pricing.amount_minor);
        WriteMinorAmount(w, "payerAmount", pay->pricing.payer_currency,
                         pay->pricing.payer_minor);
        w.Key("holdExpiresAt").String(Rfc3339(pay->hold_expires_ns));
        w.EndObject();
        network::Payment processing = *pay;
        CpmWorker::Call call;
        call.payment = pay->id;
        call.wallet = pay->wallet;
        call.url = std::string(url);
        call.body = std::move(body);
        call.hold_expires_ns = pay->hold_expires_ns;
        call.done = [responder,
                     processing](std::optional<engine::CommandReply> resolved) {
          if (resolved) {
            return std::move(*responder).Send(PaymentResponse(*resolved, 200));
          }
          CommandReply pending;
          pending.payload = network::EncodePayment(processing);
          std::move(*responder).Send(PaymentResponse(pending, 202));
        };
        if (url.empty()) {
          // A wallet without an authorize endpoint confirms on its own.
          call.done(std::nullopt);
          return;
        }
        Status s = worker->Authorize(std::move(call));
        if (!s.ok()) {
          CommandReply pending;
          pending.payload = network::EncodePayment(processing);
          std::move(*responder).Send(PaymentResponse(pending, 202));
        }
      });
}

void ApiService::Impl::ConfirmNetPayment(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Result<u128> id =
      ParseId(IdKind::kPayment, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  json::ObjectReader root = body->root();
  Result<std::string_view> result = root.String("result", 1, 1);
  if (!result.ok()) return c.Fail(result.error());
  if (*result != "S" && *result != "F") {
    return c.Fail(Invalid("result", "S (paid) or F (declined)"));
  }
  if (Status s = root.Finish(); !s.ok()) return c.Fail(s.error());
  network::ResolveCpm v{*id, c.caller.principal, *result == "S",
                        network::ResolveSource::kConfirm};
  Submit(c,
         engine::NewApiCommand(CommandType::kResolveCpm,
                               network::EncodeResolveCpm(v)),
         *idem,
         [](const CommandReply& reply) { return PaymentResponse(reply, 200); });
}

// ---------------------------------------------------------------- after

void ApiService::Impl::GetNetPayment(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kPayment, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id, caller = c.caller](const StateMachine& s) {
    const network::Payment* p = s.network().FindPayment(id);
    if (p == nullptr ||
        (!caller.is_operator() && p->wallet != caller.principal &&
         p->acquirer != caller.principal)) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such payment"));
    }
    CommandReply r;
    r.payload = network::EncodePayment(*p);
    return PaymentResponse(r, 200);
  });
}

void ApiService::Impl::FindNetPayment(Ctx& c) {
  std::optional<std::string> rid = c.request->QueryParam("paymentRequestId");
  if (!rid || !json::ValidRequestId(*rid)) {
    return c.Fail(MakeError(ErrorCode::kMISSING_PARAMETER, "paymentRequestId",
                            "inquire by ?paymentRequestId= (or GET "
                            "/v1/network/payments/{id})"));
  }
  u128 owner = c.caller.principal;
  if (std::optional<std::string> p = c.request->QueryParam("participantId")) {
    if (!c.caller.is_operator()) {
      return c.Fail(Invalid("participantId", "only the operator names one"));
    }
    Result<u128> id = ParseId(IdKind::kParticipant, *p, "participantId");
    if (!id.ok()) return c.Fail(id.error());
    owner = *id;
  }
  ReadEngine(c, [owner, rid = *rid](const StateMachine& s) {
    const network::Payment* p = s.network().PaymentByRequest(owner, rid);
    if (p == nullptr) {
      return ErrorResponse(MakeError(ErrorCode::kNOT_FOUND, "paymentRequestId",
                                     "no payment with this request id"));
    }
    CommandReply r;
    r.payload = network::EncodePayment(*p);
    return PaymentResponse(r, 200);
  });
}

void ApiService::Impl::CancelNetPayment(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Result<u128> id =
      ParseId(IdKind::kPayment, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  if (!c.request->body.empty()) {
    Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
    if (!body.ok()) return c.Fail(body.error());
    if (Status s = body->root().Finish(); !s.ok()) return c.Fail(s.error());
  }
  Submit(c,
         engine::NewApiCommand(
             CommandType::kCancelPayment,
             network::EncodeCancelPayment({*id, c.caller.principal})),
         *idem,
         [](const CommandReply& reply) { return PaymentResponse(reply, 200); });
}

void ApiService::Impl::CreateRefund(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<network::RefundRequest> {
    json::ObjectReader root = body->root();
    network::RefundRequest r;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view rid,
        json::ParseRequestIdField(root, "refundRequestId"));
    r.request_id = std::string(rid);
    MERIDIAN_ASSIGN_OR_RETURN(
        r.payment, json::ParseIdField(root, "paymentId", IdKind::kPayment));
    MERIDIAN_ASSIGN_OR_RETURN(Amount amount,
                              json::ParseAmountField(root, "refundAmount"));
    r.currency = amount.currency();
    r.amount_minor = amount.minor_units();
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return r;
  };
  Result<network::RefundRequest> r = parse();
  if (!r.ok()) return c.Fail(r.error());
  r->id = ids_.Next();
  r->acquirer = c.caller.principal;
  Submit(c,
         engine::NewApiCommand(CommandType::kRefundPayment,
                               network::EncodeRefundRequest(*r)),
         std::string_view(r->request_id), [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<network::Refund> f = network::DecodeRefund(reply.payload);
           if (!f.ok()) return ErrorResponse(f.error());
           return OkWith(201, "refund", [&](json::JsonWriter& w) {
             WriteNetworkRefund(w, *f);
           });
         });
}

void ApiService::Impl::GetRefund(Ctx& c) {
  Result<u128> id = ParseId(IdKind::kRefund, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id, caller = c.caller](const StateMachine& s) {
    const network::Refund* f = s.network().FindRefund(id);
    const network::Payment* p =
        f == nullptr ? nullptr : s.network().FindPayment(f->payment);
    if (p == nullptr ||
        (!caller.is_operator() && p->wallet != caller.principal &&
         p->acquirer != caller.principal)) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such refund"));
    }
    return OkWith(200, "refund",
                  [&](json::JsonWriter& w) { WriteNetworkRefund(w, *f); });
  });
}

void ApiService::Impl::CloseWindow(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Submit(c,
         engine::NewApiCommand(CommandType::kCloseWindow,
                               network::EncodeCloseWindow(c.caller.principal)),
         *idem, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           ByteReader r(reply.payload);
           uint64_t closed = 0;
           if (!r.U64(&closed)) {
             return ErrorResponse(MakeError(ErrorCode::kINTERNAL_ERROR, "",
                                            "no window number in the reply"));
           }
           std::string out;
           json::JsonWriter w(&out);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("window").BeginObject();
           w.Key("id").String(FormatId(IdKind::kWindow, closed));
           w.Key("state").String("CLOSED");
           w.Key("closedAt")
               .String(Rfc3339(static_cast<int64_t>(reply.first_timestamp)));
           w.EndObject();
           w.Key("openWindowId").String(FormatId(IdKind::kWindow, closed + 1));
           w.EndObject();
           return JsonResponse(200, std::move(out));
         });
}

// ---------------------------------------------------------------- promotions

namespace {

std::string CountryName(CountryCode c) {
  return std::string{static_cast<char>(c >> 8), static_cast<char>(c & 0xFF)};
}

void WriteUsd(json::JsonWriter& w, std::string_view key, int64_t usd_minor) {
  static const Currency kUsd = *Currency::FromCode("USD");
  WriteMinorAmount(w, key, kUsd, usd_minor);
}

Result<int64_t> UsdField(json::ObjectReader& r, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(Amount a, json::ParseAmountField(r, key));
  if (a.currency().code() != "USD") {
    return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED,
                     r.FieldPath(key) + ".currency",
                     "payer limits are counted in USD");
  }
  return a.minor_units();
}

}  // namespace

void ApiService::Impl::CreatePromotion(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<network::PromotionSpec> {
    json::ObjectReader root = body->root();
    network::PromotionSpec p;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view name,
        root.String("name", network::kMaxPromotionNameBytes));
    p.name = std::string(name);
    p.created_by = c.caller.principal;
    p.funder = c.caller.principal;
    if (root.Has("funderId")) {
      if (!c.caller.is_operator()) {
        return Invalid("funderId", "a participant funds its own promotions");
      }
      // A participant (ptc_) or any principal (prn_): the same number.
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view funder,
                                root.String("funderId", 64));
      Result<u128> id = ParseId(IdKind::kParticipant, funder, "funderId");
      if (!id.ok()) id = ParseId(IdKind::kPrincipal, funder, "funderId");
      if (!id.ok()) return id.error();
      p.funder = *id;
    }
    MERIDIAN_ASSIGN_OR_RETURN(p.currency, ParseCurrencyField(root, "currency"));
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<json::ArrayReader> wallets,
        root.OptionalArray("eligibleWallets",
                           network::kMaxPromotionListEntries));
    if (wallets) {
      for (size_t i = 0; i < wallets->size(); ++i) {
        MERIDIAN_ASSIGN_OR_RETURN(std::string_view id, wallets->String(i, 64));
        MERIDIAN_ASSIGN_OR_RETURN(
            u128 w, ParseId(IdKind::kParticipant, id,
                            "eligibleWallets[" + std::to_string(i) + "]"));
        p.wallets.push_back(w);
      }
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<json::ArrayReader> countries,
        root.OptionalArray("merchantCountries",
                           network::kMaxPromotionListEntries));
    if (countries) {
      for (size_t i = 0; i < countries->size(); ++i) {
        MERIDIAN_ASSIGN_OR_RETURN(std::string_view cc,
                                  countries->String(i, 2, 2));
        p.merchant_countries.push_back(Country(cc));
      }
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<json::ArrayReader> mccs,
        root.OptionalArray("mccs", network::kMaxPromotionListEntries));
    if (mccs) {
      for (size_t i = 0; i < mccs->size(); ++i) {
        MERIDIAN_ASSIGN_OR_RETURN(std::string_view m, mccs->String(i, 4, 4));
        if (!std::all_of(m.begin(), m.end(),
                         [](char ch) { return ch >= '0' && ch <= '9'; })) {
          return Invalid("mccs[" + std::to_string(i) + "]", "4 digits");
        }
        p.mccs.push_back(static_cast<uint16_t>(std::stoi(std::string(m))));
      }
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<Amount> min,
        json::ParseOptionalAmountField(root, "minAmount"));
    if (min) p.min_amount_minor = min->minor_units();
    MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader d, root.Object("discount"));
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view type, d.String("type", 16));
    std::optional<network::DiscountType> t =
        network::DiscountTypeFromName(type);
    if (!t) return Invalid("discount.type", "PERCENT or FIXED");
    p.discount_type = *t;
    if (*t == network::DiscountType::kPercent) {
      MERIDIAN_ASSIGN_OR_RETURN(
          uint64_t bps, d.Uint64("percentBps", 1, network::kMaxPercentBps));
      p.percent_bps = static_cast<uint32_t>(bps);
      MERIDIAN_ASSIGN_OR_RETURN(std::optional<Amount> cap,
                                json::ParseOptionalAmountField(d, "cap"));
      if (cap) p.cap_minor = cap->minor_units();
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(Amount fixed,
                                json::ParseAmountField(d, "amount"));
      p.fixed_minor = fixed.minor_units();
    }
    MERIDIAN_RETURN_IF_ERROR(d.Finish());
    MERIDIAN_ASSIGN_OR_RETURN(Amount budget,
                              json::ParseAmountField(root, "budget"));
    if (budget.currency() != p.currency) {
      return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, "budget.currency",
                       "the budget is in the promotion's currency");
    }
    p.budget_minor = budget.minor_units();
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<uint64_t> per_user,
        root.OptionalUint64("perUserPerDay", 0, network::kMaxPerUserPerDay));
    p.per_user_per_day = static_cast<uint32_t>(per_user.value_or(0));
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> starts,
                              root.OptionalString("startsAt", 40));
    if (starts) {
      MERIDIAN_ASSIGN_OR_RETURN(p.starts_ns,
                                auth::ParseRfc3339(*starts, "startsAt"));
    }
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view ends, root.String("endsAt", 40));
    MERIDIAN_ASSIGN_OR_RETURN(p.ends_ns, auth::ParseRfc3339(ends, "endsAt"));
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return p;
  };
  Result<network::PromotionSpec> p = parse();
  if (!p.ok()) return c.Fail(p.error());
  p->id = ids_.Next();
  Submit(c,
         engine::NewApiCommand(CommandType::kCreatePromotion,
                               network::EncodePromotionSpec(*p)),
         *idem, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<network::PromotionSpec> spec =
               network::DecodePromotionSpec(reply.payload);
           if (!spec.ok()) return ErrorResponse(spec.error());
           network::Promotion p;
           p.spec = *spec;
           return OkWith(201, "promotion", [&](json::JsonWriter& w) {
             WriteNetworkPromotion(w, p,
                                   static_cast<int64_t>(reply.first_timestamp));
           });
         });
}

namespace {

bool PromotionVisible(const network::Promotion& p, const Caller& caller) {
  if (caller.is_operator() || p.spec.created_by == caller.principal ||
      p.spec.funder == caller.principal) {
    return true;
  }
  return std::find(p.spec.wallets.begin(), p.spec.wallets.end(),
                   caller.principal) != p.spec.wallets.end();
}

}  // namespace

void ApiService::Impl::ListPromotions(Ctx& c) {
  ReadEngine(c, [caller = c.caller, now = WallNs()](const StateMachine& s) {
    std::vector<const network::Promotion*> items;
    bool more = false;
    for (const auto& [id, p] : s.promotions().promotions()) {
      if (!PromotionVisible(p, caller)) continue;
      if (items.size() == 100) {
        more = true;
        break;
      }
      items.push_back(&p);
    }
    return OkList(items, more,
                  [now](json::JsonWriter& w, const network::Promotion* p) {
                    WriteNetworkPromotion(w, *p, now);
                  });
  });
}

void ApiService::Impl::GetPromotion(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kPromotion, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(
      c, [id = *id, caller = c.caller, now = WallNs()](const StateMachine& s) {
        const network::Promotion* p = s.promotions().Find(id);
        if (p == nullptr || !PromotionVisible(*p, caller)) {
          return ErrorResponse(
              MakeError(ErrorCode::kNOT_FOUND, "id", "no such promotion"));
        }
        return OkWith(200, "promotion", [&](json::JsonWriter& w) {
          WriteNetworkPromotion(w, *p, now);
        });
      });
}

void ApiService::Impl::EndPromotion(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Result<u128> id =
      ParseId(IdKind::kPromotion, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  network::EndPromotion end{*id, c.caller.principal, c.caller.is_operator()};
  Submit(c,
         engine::NewApiCommand(CommandType::kEndPromotion,
                               network::EncodeEndPromotion(end)),
         *idem, [id = *id](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           std::string out;
           json::JsonWriter w(&out);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("promotionId").String(FormatId(IdKind::kPromotion, id));
           w.Key("endedAt").String(
               Rfc3339(static_cast<int64_t>(reply.first_timestamp)));
           w.EndObject();
           return JsonResponse(200, std::move(out));
         });
}

void ApiService::Impl::GetPayerLimits(Ctx& c) {
  ReadEngine(c, [](const StateMachine& s) {
    const network::LimitConfig& config = s.payer_limits().config();
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("limits").BeginObject();
    w.Key("tiers").BeginArray();
    for (size_t t = 0; t < config.tiers.size(); ++t) {
      w.BeginObject();
      w.Key("kycTier").Int(static_cast<int64_t>(t));
      WriteUsd(w, "perPayment", config.tiers[t].per_payment_usd_minor);
      WriteUsd(w, "perDay", config.tiers[t].per_day_usd_minor);
      w.EndObject();
    }
    w.EndArray();
    w.Key("mccLimits").BeginArray();
    for (const auto& [mcc, limit] : config.mcc_per_payment_usd_minor) {
      w.BeginObject();
      char text[8];
      std::snprintf(text, sizeof text, "%04u", mcc);
      w.Key("mcc").String(text);
      WriteUsd(w, "perPayment", limit);
      w.EndObject();
    }
    w.EndArray();
    w.Key("corridorLimits").BeginArray();
    for (const auto& [corridor, limit] : config.corridor_per_day_usd_minor) {
      w.BeginObject();
      w.Key("payerCountry")
          .String(corridor.first == 0 ? "*" : CountryName(corridor.first));
      w.Key("merchantCountry")
          .String(corridor.second == 0 ? "*" : CountryName(corridor.second));
      WriteUsd(w, "perDay", limit);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
    return JsonResponse(200, std::move(out));
  });
}

void ApiService::Impl::PutPayerLimits(Ctx& c) {
  // Repeats are safe with an Idempotency-Key (spec/api.md).
  Result<std::optional<std::string_view>> idem = IdempotencyKey(c);
  if (!idem.ok()) return c.Fail(idem.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<network::LimitConfig> {
    json::ObjectReader root = body->root();
    network::LimitConfig config;
    MERIDIAN_ASSIGN_OR_RETURN(json::ArrayReader tiers,
                              root.Array("tiers", network::kMaxKycTier + 1));
    if (tiers.size() != network::kMaxKycTier + 1) {
      return Invalid("tiers", "one entry for each KYC tier 0 to 3");
    }
    for (size_t i = 0; i < tiers.size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader t, tiers.Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(uint64_t tier, t.Uint64("kycTier", 0, 3));
      MERIDIAN_ASSIGN_OR_RETURN(config.tiers[tier].per_payment_usd_minor,
                                UsdField(t, "perPayment"));
      MERIDIAN_ASSIGN_OR_RETURN(config.tiers[tier].per_day_usd_minor,
                                UsdField(t, "perDay"));
      MERIDIAN_RETURN_IF_ERROR(t.Finish());
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<json::ArrayReader> mccs,
        root.OptionalArray("mccLimits", network::kMaxMccLimits));
    for (size_t i = 0; mccs && i < mccs->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader m, mccs->Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view code, m.String("mcc", 4, 4));
      if (!std::all_of(code.begin(), code.end(),
                       [](char ch) { return ch >= '0' && ch <= '9'; })) {
        return Invalid(m.FieldPath("mcc"), "4 digits");
      }
      MERIDIAN_ASSIGN_OR_RETURN(int64_t limit, UsdField(m, "perPayment"));
      config.mcc_per_payment_usd_minor[static_cast<uint16_t>(
          std::stoi(std::string(code)))] = limit;
      MERIDIAN_RETURN_IF_ERROR(m.Finish());
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<json::ArrayReader> corridors,
        root.OptionalArray("corridorLimits", network::kMaxCorridorLimits));
    for (size_t i = 0; corridors && i < corridors->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader k, corridors->Object(i));
      auto country = [&](std::string_view key) -> Result<CountryCode> {
        MERIDIAN_ASSIGN_OR_RETURN(std::string_view v, k.String(key, 2, 1));
        if (v == "*") return CountryCode{0};
        if (v.size() != 2) return Invalid(k.FieldPath(key), "TH, KR … or *");
        return Country(v);
      };
      MERIDIAN_ASSIGN_OR_RETURN(CountryCode from, country("payerCountry"));
      MERIDIAN_ASSIGN_OR_RETURN(CountryCode to, country("merchantCountry"));
      MERIDIAN_ASSIGN_OR_RETURN(int64_t limit, UsdField(k, "perDay"));
      config.corridor_per_day_usd_minor[{from, to}] = limit;
      MERIDIAN_RETURN_IF_ERROR(k.Finish());
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    MERIDIAN_RETURN_IF_ERROR(network::ValidateLimitConfig(config));
    return config;
  };
  Result<network::LimitConfig> config = parse();
  if (!config.ok()) return c.Fail(config.error());
  Submit(
      c,
      engine::NewApiCommand(CommandType::kSetPayerLimits,
                            network::EncodeLimitConfig(*config)),
      *idem, [](const CommandReply& reply) {
        if (!reply.status.ok()) return RenderStatusOnly(reply);
        return JsonResponse(
            200,
            R"({"result":{"status":"S","code":"SUCCESS","message":"the new limits apply from the next payment"}})");
      });
}

// ---------------------------------------------------------------- sandbox

void ApiService::Impl::SandboxAuthorize(Ctx& c) {
  // A simulated wallet: approve (S), decline (F), unknown (U), slow (S
  // after 4 s, past the hub's 3 s timeout; an inquiry gets S at once),
  // silent (never a usable answer: 504 after 10 s).
  const std::string mode(c.params->Get("mode").value());
  const bool inquiry =
      c.request->body.find("\"inquiry\":true") != std::string::npos;
  auto answer = [](std::string_view result) {
    return JsonResponse(200, "{\"result\":\"" + std::string(result) + "\"}");
  };
  if (mode == "approve" || (mode == "slow" && inquiry)) {
    return c.Send(answer("S"));
  }
  if (mode == "decline") return c.Send(answer("F"));
  if (mode == "unknown") return c.Send(answer("U"));
  if (mode != "slow" && mode != "silent") {
    return c.Fail(MakeError(ErrorCode::kNOT_FOUND, "mode",
                            "approve, decline, unknown, slow or silent"));
  }
  // Bounded: at most 256 sleeping answers, each on its own thread that
  // Stop() wakes and joins.
  std::lock_guard<std::mutex> lock(sandbox_mu_);
  std::erase_if(sandbox_threads_, [](SandboxSleeper& t) {
    if (!t.done->load()) return false;
    t.thread.join();
    return true;
  });
  if (sandbox_threads_.size() >= 256 || sandbox_stopping_) {
    return c.Send(JsonResponse(503, "{}"));
  }
  const bool slow = mode == "slow";
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread t([this, responder = c.responder, slow, answer, done] {
    {
      std::unique_lock<std::mutex> wait(sandbox_mu_);
      sandbox_cv_.wait_for(wait, std::chrono::milliseconds(slow ? 4000 : 10000),
                           [this] { return sandbox_stopping_; });
    }
    std::move(*responder).Send(slow ? answer("S") : JsonResponse(504, "{}"));
    done->store(true);
  });
  sandbox_threads_.push_back({std::move(t), std::move(done)});
}

}  // namespace meridian::api
