// The FX routes (spec/fx.md): rates, pricing, interest rates and forwards
// (operator), quotes and conversions (any principal), the hub's book.
//
// Every write is a journaled engine command; every answer about a quote
// or conversion is rendered from the engine's reply record, so a repeat
// with the same request id answers byte for byte the same.
#include <algorithm>

#include "api/auth/time_format.h"
#include "api/internal/service_impl.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "engine/command.h"
#include "fx/fx_commands.h"

namespace meridian::api {
namespace {

using engine::CommandType;

Result<Currency> ParseCurrency(std::string_view text, std::string param) {
  Result<Currency> c = Currency::FromCode(text);
  if (!c.ok()) {
    return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, std::move(param),
                     "an ISO 4217 alphabetic code such as USD");
  }
  return *c;
}

Result<Currency> CurrencyField(json::ObjectReader& r, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view code, r.String(key, 3));
  return ParseCurrency(code, r.FieldPath(key));
}

// "*" or a currency (a corridor's side).
Result<std::optional<Currency>> CorridorSide(json::ObjectReader& r,
                                             std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view code, r.String(key, 3));
  if (code == "*") return std::optional<Currency>();
  MERIDIAN_ASSIGN_OR_RETURN(Currency c, ParseCurrency(code, r.FieldPath(key)));
  return std::optional<Currency>(c);
}

// An RFC 3339 time, or the request's arrival when absent.
Result<int64_t> OptionalTime(json::ObjectReader& r, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> text,
                            r.OptionalString(key, 64));
  if (!text) return WallNs();
  return auth::ParseRfc3339(*text, r.FieldPath(key));
}

// [{"currency": "USD", "rate": "1.1252"}, …] with rates or interest rates.
Result<std::vector<std::pair<Currency, fx::Decimal>>> RateList(
    json::ObjectReader& root, bool interest) {
  MERIDIAN_ASSIGN_OR_RETURN(json::ArrayReader items,
                            root.Array("rates", fx::kMaxRatesPerUpdate));
  if (items.size() == 0) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "rates",
                     "send 1 to 200 rates");
  }
  std::vector<std::pair<Currency, fx::Decimal>> out;
  for (size_t i = 0; i < items.size(); ++i) {
    MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader item, items.Object(i));
    MERIDIAN_ASSIGN_OR_RETURN(Currency c, CurrencyField(item, "currency"));
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view text, item.String("rate", 40));
    MERIDIAN_ASSIGN_OR_RETURN(
        fx::Decimal d,
        interest ? fx::Decimal::ParseInterest(text, item.FieldPath("rate"))
                 : fx::Decimal::ParseRate(text, item.FieldPath("rate")));
    MERIDIAN_RETURN_IF_ERROR(item.Finish());
    out.emplace_back(c, d);
  }
  return out;
}

// 10^-12 units of `c` (pico) to its minor units, half-even.
i128 PicoToMinor(i128 pico, Currency c) {
  i128 d = 1;
  for (int i = c.minor_units(); i < fx::Decimal::kDigits; ++i) d *= 10;
  return fx::DivideRounded(pico, d, fx::Rounding::kHalfEven);
}

void WritePricing(json::JsonWriter& w, const fx::PricingConfig& p) {
  w.BeginObject();
  w.Key("staleAfterSeconds").Int(p.stale_after_ns / 1'000'000'000);
  w.Key("reportingCurrency").String(p.reporting.code());
  w.Key("corridors").BeginArray();
  for (const fx::CorridorRule& c : p.corridors) {
    w.BeginObject();
    w.Key("sell").String(c.sell ? c.sell->code() : "*");
    w.Key("buy").String(c.buy ? c.buy->code() : "*");
    w.Key("spreadBps").Uint(c.spread_bps);
    w.Key("feeBps").Uint(c.fee_bps);
    w.EndObject();
  }
  w.EndArray();
  w.Key("tiers").BeginArray();
  for (size_t i = 0; i < fx::kTierCount; ++i) {
    w.BeginObject();
    w.Key("tier").String(fx::TierName(static_cast<fx::Tier>(i)));
    w.Key("adjustBps").Int(p.tier_adjust_bps[i]);
    w.EndObject();
  }
  w.EndArray();
  w.Key("bands").BeginArray();
  for (const fx::AmountBand& b : p.bands) {
    w.BeginObject();
    WriteMinorAmount(w, "from", p.reporting, b.from_minor);
    w.Key("adjustBps").Int(b.adjust_bps);
    w.EndObject();
  }
  w.EndArray();
  w.Key("validities").BeginArray();
  for (size_t i = 0; i < fx::kValidityCount; ++i) {
    w.BeginObject();
    w.Key("validity").String(fx::ValidityName(static_cast<fx::Validity>(i)));
    w.Key("adjustBps").Int(p.validity_adjust_bps[i]);
    w.EndObject();
  }
  w.EndArray();
  w.Key("principalTiers").BeginArray();
  for (const auto& [principal, tier] : p.principal_tiers) {
    w.BeginObject();
    w.Key("principal").String(FormatId(IdKind::kPrincipal, principal));
    w.Key("tier").String(fx::TierName(tier));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

Result<fx::PricingConfig> ParsePricing(json::ObjectReader& root) {
  // Parts left out keep the defaults GET shows on a fresh node.
  fx::PricingConfig p = fx::PricingConfig::Default();
  MERIDIAN_ASSIGN_OR_RETURN(
      std::optional<int64_t> stale,
      root.OptionalInt64("staleAfterSeconds", 60, 30 * 86400));
  if (stale) p.stale_after_ns = *stale * 1'000'000'000;
  if (root.Has("reportingCurrency")) {
    MERIDIAN_ASSIGN_OR_RETURN(p.reporting,
                              CurrencyField(root, "reportingCurrency"));
  }
  MERIDIAN_ASSIGN_OR_RETURN(json::ArrayReader corridors,
                            root.Array("corridors", fx::kMaxCorridors));
  p.corridors.clear();
  for (size_t i = 0; i < corridors.size(); ++i) {
    MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader c, corridors.Object(i));
    fx::CorridorRule rule;
    MERIDIAN_ASSIGN_OR_RETURN(rule.sell, CorridorSide(c, "sell"));
    MERIDIAN_ASSIGN_OR_RETURN(rule.buy, CorridorSide(c, "buy"));
    MERIDIAN_ASSIGN_OR_RETURN(uint64_t spread,
                              c.Uint64("spreadBps", 0, fx::kMaxSpreadBps));
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<uint64_t> fee,
                              c.OptionalUint64("feeBps", 0, 1000));
    rule.spread_bps = static_cast<uint32_t>(spread);
    rule.fee_bps = static_cast<uint32_t>(fee.value_or(0));
    MERIDIAN_RETURN_IF_ERROR(c.Finish());
    p.corridors.push_back(rule);
  }
  const int64_t kMax = fx::kMaxSpreadBps;
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ArrayReader> tiers,
                            root.OptionalArray("tiers", fx::kTierCount));
  if (tiers) {
    p.tier_adjust_bps.fill(0);
    for (size_t i = 0; i < tiers->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader t, tiers->Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, t.String("tier", 16));
      std::optional<fx::Tier> tier = fx::TierFromName(name);
      if (!tier) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, t.FieldPath("tier"),
                         "STANDARD, SILVER, GOLD or PLATINUM");
      }
      MERIDIAN_ASSIGN_OR_RETURN(int64_t adjust,
                                t.Int64("adjustBps", -kMax, kMax));
      MERIDIAN_RETURN_IF_ERROR(t.Finish());
      p.tier_adjust_bps[static_cast<size_t>(*tier)] =
          static_cast<int32_t>(adjust);
    }
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ArrayReader> bands,
                            root.OptionalArray("bands", fx::kMaxBands));
  if (bands) {
    p.bands.clear();
    for (size_t i = 0; i < bands->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader b, bands->Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(Amount from, json::ParseAmountField(b, "from"));
      if (from.currency() != p.reporting) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, b.FieldPath("from"),
                         "bands are in the reporting currency, " +
                             std::string(p.reporting.code()));
      }
      MERIDIAN_ASSIGN_OR_RETURN(int64_t adjust,
                                b.Int64("adjustBps", -kMax, kMax));
      MERIDIAN_RETURN_IF_ERROR(b.Finish());
      p.bands.push_back({from.minor_units(), static_cast<int32_t>(adjust)});
    }
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      std::optional<json::ArrayReader> validities,
      root.OptionalArray("validities", fx::kValidityCount));
  if (validities) {
    p.validity_adjust_bps.fill(0);
    for (size_t i = 0; i < validities->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader v, validities->Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, v.String("validity", 8));
      std::optional<fx::Validity> validity = fx::ValidityFromName(name);
      if (!validity) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, v.FieldPath("validity"),
                         "MIN_1, MIN_15, MIN_30, HR_1 or HR_24");
      }
      MERIDIAN_ASSIGN_OR_RETURN(int64_t adjust,
                                v.Int64("adjustBps", -kMax, kMax));
      MERIDIAN_RETURN_IF_ERROR(v.Finish());
      p.validity_adjust_bps[static_cast<size_t>(*validity)] =
          static_cast<int32_t>(adjust);
    }
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      std::optional<json::ArrayReader> principals,
      root.OptionalArray("principalTiers", fx::kMaxPrincipalTiers));
  if (principals) {
    for (size_t i = 0; i < principals->size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader t, principals->Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(
          u128 principal,
          json::ParseIdField(t, "principal", IdKind::kPrincipal));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, t.String("tier", 16));
      std::optional<fx::Tier> tier = fx::TierFromName(name);
      if (!tier) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, t.FieldPath("tier"),
                         "STANDARD, SILVER, GOLD or PLATINUM");
      }
      MERIDIAN_RETURN_IF_ERROR(t.Finish());
      p.principal_tiers.emplace_back(principal, *tier);
    }
    std::sort(p.principal_tiers.begin(), p.principal_tiers.end());
  }
  MERIDIAN_RETURN_IF_ERROR(root.Finish());
  MERIDIAN_RETURN_IF_ERROR(p.Validate());
  return p;
}

}  // namespace

void ApiService::Impl::AddFxRoutes(http::Router& r) {
  using A = Access;
  Route(r, "POST", "/v1/fx/rates", "POST /v1/fx/rates", A::kOperator,
        Bind(&Impl::PostFxRates));
  Route(r, "GET", "/v1/fx/rates", "GET /v1/fx/rates", A::kAuthenticated,
        Bind(&Impl::GetFxRates));
  Route(r, "PUT", "/v1/fx/pricing", "PUT /v1/fx/pricing", A::kOperator,
        Bind(&Impl::PutFxPricing));
  Route(r, "GET", "/v1/fx/pricing", "GET /v1/fx/pricing", A::kOperator,
        Bind(&Impl::GetFxPricing));
  Route(r, "PUT", "/v1/fx/interest-rates", "PUT /v1/fx/interest-rates",
        A::kOperator, Bind(&Impl::PutInterestRates));
  Route(r, "GET", "/v1/fx/interest-rates", "GET /v1/fx/interest-rates",
        A::kAuthenticated, Bind(&Impl::GetInterestRates));
  Route(r, "GET", "/v1/fx/forwards", "GET /v1/fx/forwards", A::kAuthenticated,
        Bind(&Impl::GetForward));
  Route(r, "POST", "/v1/fx/quotes", "POST /v1/fx/quotes", A::kAuthenticated,
        Bind(&Impl::CreateQuote));
  Route(r, "GET", "/v1/fx/quotes/{id}", "GET /v1/fx/quotes/{id}",
        A::kAuthenticated, Bind(&Impl::GetQuote));
  Route(r, "POST", "/v1/fx/conversions", "POST /v1/fx/conversions",
        A::kAuthenticated, Bind(&Impl::CreateConversion));
  Route(r, "GET", "/v1/fx/conversions/{id}", "GET /v1/fx/conversions/{id}",
        A::kAuthenticated, Bind(&Impl::GetConversion));
  Route(r, "GET", "/v1/fx/positions", "GET /v1/fx/positions", A::kOperator,
        Bind(&Impl::GetPositions));
}

// ---------------------------------------------------------------- rates

void ApiService::Impl::PostFxRates(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<fx::RateUpdate> {
    json::ObjectReader root = body->root();
    fx::RateUpdate u;
    MERIDIAN_ASSIGN_OR_RETURN(u.base, CurrencyField(root, "base"));
    MERIDIAN_ASSIGN_OR_RETURN(u.as_of_ns, OptionalTime(root, "asOf"));
    MERIDIAN_ASSIGN_OR_RETURN(
        std::optional<std::string_view> source,
        root.OptionalString("source", fx::kMaxSourceBytes));
    u.source = std::string(source.value_or("operator"));
    MERIDIAN_ASSIGN_OR_RETURN(u.rates, RateList(root, false));
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return u;
  };
  Result<fx::RateUpdate> u = parse();
  if (!u.ok()) return c.Fail(u.error());
  Submit(
      c,
      engine::NewApiCommand(CommandType::kSetFxRates, fx::EncodeRateUpdate(*u)),
      *key, [u = *u](const CommandReply& reply) {
        if (!reply.status.ok()) return RenderStatusOnly(reply);
        std::string out;
        json::JsonWriter w(&out);
        w.BeginObject();
        WriteResult(w, Status::Ok());
        w.Key("base").String(u.base.code());
        w.Key("asOf").String(Rfc3339(u.as_of_ns));
        w.Key("source").String(u.source);
        w.Key("updated").Uint(u.rates.size());
        w.EndObject();
        return JsonResponse(200, std::move(out));
      });
}

void ApiService::Impl::GetFxRates(Ctx& c) {
  std::optional<Currency> view;
  if (std::optional<std::string> base = c.request->QueryParam("base")) {
    Result<Currency> cur = ParseCurrency(*base, "base");
    if (!cur.ok()) return c.Fail(cur.error());
    view = *cur;
  }
  ReadEngine(c, [view, now = WallNs()](const StateMachine& s) {
    const fx::FxState& fx = s.fx();
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    if (!fx.base()) {
      w.Key("base").Null();
      w.Key("rates").BeginArray().EndArray();
      w.EndObject();
      return JsonResponse(200, std::move(out));
    }
    const Currency book = *fx.base();
    const Currency base = view.value_or(book);
    if (base != book && !fx.rates().contains(base.numeric())) {
      return ErrorResponse(MakeError(
          ErrorCode::kRATE_UNAVAILABLE, "base",
          "no rate for " + std::string(base.code()) + " to show the book in"));
    }
    // What a rate's age is measured from: its own fixing, or for the
    // book's base seen from another currency, that currency's.
    auto as_of = [&](Currency cur) -> const fx::RateEntry& {
      return fx.rates().at(cur == book ? base.numeric() : cur.numeric());
    };
    w.Key("base").String(base.code());
    w.Key("bookBase").String(book.code());
    w.Key("staleAfterSeconds").Int(fx.pricing().stale_after_ns / 1'000'000'000);
    w.Key("rates").BeginArray();
    std::vector<Currency> all{book};
    for (const auto& [n, e] : fx.rates())
      all.push_back(*Currency::FromNumeric(n));
    std::sort(all.begin(), all.end(),
              [](Currency a, Currency b) { return a.code() < b.code(); });
    for (Currency cur : all) {
      if (cur == base) continue;
      Result<fx::Decimal> mid = fx.Mid(base, cur, now, true);
      if (!mid.ok()) continue;
      const fx::RateEntry& e = as_of(cur);
      w.BeginObject();
      w.Key("currency").String(cur.code());
      w.Key("rate").String(mid->ToString());
      w.Key("asOf").String(Rfc3339(e.as_of_ns));
      w.Key("source").String(e.source);
      w.Key("stale").Bool(now - e.as_of_ns > fx.pricing().stale_after_ns);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return JsonResponse(200, std::move(out));
  });
}

// ---------------------------------------------------------------- pricing

void ApiService::Impl::PutFxPricing(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  json::ObjectReader root = body->root();
  Result<fx::PricingConfig> p = ParsePricing(root);
  if (!p.ok()) return c.Fail(p.error());
  Submit(
      c,
      engine::NewApiCommand(CommandType::kSetFxPricing, fx::EncodePricing(*p)),
      *key, [p = *p](const CommandReply& reply) {
        if (!reply.status.ok()) return RenderStatusOnly(reply);
        return OkWith(200, "pricing",
                      [&](json::JsonWriter& w) { WritePricing(w, p); });
      });
}

void ApiService::Impl::GetFxPricing(Ctx& c) {
  ReadEngine(c, [](const StateMachine& s) {
    return OkWith(200, "pricing", [&](json::JsonWriter& w) {
      WritePricing(w, s.fx().pricing());
    });
  });
}

// ---------------------------------------------------------------- interest

void ApiService::Impl::PutInterestRates(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<fx::InterestUpdate> {
    json::ObjectReader root = body->root();
    fx::InterestUpdate u;
    MERIDIAN_ASSIGN_OR_RETURN(u.as_of_ns, OptionalTime(root, "asOf"));
    MERIDIAN_ASSIGN_OR_RETURN(u.rates, RateList(root, true));
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return u;
  };
  Result<fx::InterestUpdate> u = parse();
  if (!u.ok()) return c.Fail(u.error());
  Submit(c,
         engine::NewApiCommand(CommandType::kSetInterestRates,
                               fx::EncodeInterestUpdate(*u)),
         *key, [n = u->rates.size()](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           std::string out;
           json::JsonWriter w(&out);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("updated").Uint(n);
           w.EndObject();
           return JsonResponse(200, std::move(out));
         });
}

void ApiService::Impl::GetInterestRates(Ctx& c) {
  ReadEngine(c, [](const StateMachine& s) {
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("rates").BeginArray();
    for (const auto& [n, e] : s.fx().interest()) {
      const Currency cur = *Currency::FromNumeric(n);
      w.BeginObject();
      w.Key("currency").String(cur.code());
      w.Key("rate").String(e.rate.ToString());
      w.Key("dayCountBasis").Int(fx::DayCountBasis(cur));
      w.Key("asOf").String(Rfc3339(e.as_of_ns));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return JsonResponse(200, std::move(out));
  });
}

void ApiService::Impl::GetForward(Ctx& c) {
  auto parse = [&]() -> Result<std::tuple<Currency, Currency, uint32_t>> {
    std::optional<std::string> base = c.request->QueryParam("base");
    std::optional<std::string> quote = c.request->QueryParam("quote");
    std::optional<std::string> days = c.request->QueryParam("days");
    if (!base || !quote || !days) {
      return MakeError(ErrorCode::kMISSING_PARAMETER,
                       !base    ? "base"
                       : !quote ? "quote"
                                : "days",
                       "GET /v1/fx/forwards?base=EUR&quote=USD&days=90");
    }
    MERIDIAN_ASSIGN_OR_RETURN(Currency b, ParseCurrency(*base, "base"));
    MERIDIAN_ASSIGN_OR_RETURN(Currency q, ParseCurrency(*quote, "quote"));
    std::optional<u128> d = ParseU128(*days);
    if (!d || *d < 1 || *d > 3650) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "days", "1 to 3650 days");
    }
    return std::tuple{b, q, static_cast<uint32_t>(*d)};
  };
  auto args = parse();
  if (!args.ok()) return c.Fail(args.error());
  ReadEngine(c, [args = *args, now = WallNs()](const StateMachine& s) {
    auto [base, quote, days] = args;
    Result<fx::Forward> f = s.fx().ForwardRate(base, quote, days, now);
    if (!f.ok()) {
      Error e = f.error();
      if (e.param.empty()) e.param = "base";
      return ErrorResponse(e);
    }
    return OkWith(200, "forward", [&](json::JsonWriter& w) {
      w.BeginObject();
      w.Key("base").String(base.code());
      w.Key("quote").String(quote.code());
      w.Key("days").Uint(days);
      w.Key("spotRate").String(f->spot.ToString());
      w.Key("forwardRate").String(f->forward.ToString());
      w.Key("forwardPoints")
          .String(fx::Decimal::FromScaled(f->points_scaled).ToString());
      w.Key("baseInterestRate").String(f->base_interest.ToString());
      w.Key("quoteInterestRate").String(f->quote_interest.ToString());
      w.Key("baseDayCountBasis").Int(f->base_basis);
      w.Key("quoteDayCountBasis").Int(f->quote_basis);
      w.EndObject();
    });
  });
}

// ---------------------------------------------------------------- quotes

void ApiService::Impl::CreateQuote(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<fx::QuoteRequest> {
    json::ObjectReader root = body->root();
    fx::QuoteRequest q;
    MERIDIAN_ASSIGN_OR_RETURN(q.sell, CurrencyField(root, "sellCurrency"));
    MERIDIAN_ASSIGN_OR_RETURN(q.buy, CurrencyField(root, "buyCurrency"));
    const bool has_sell = root.Has("sellAmount");
    if (has_sell == root.Has("buyAmount")) {
      return MakeError(has_sell ? ErrorCode::kINVALID_PARAMETER
                                : ErrorCode::kMISSING_PARAMETER,
                       "sellAmount",
                       "send sellAmount (what you sell) or buyAmount (what "
                       "you buy), not both");
    }
    q.fixed_sell = has_sell;
    const char* field = has_sell ? "sellAmount" : "buyAmount";
    MERIDIAN_ASSIGN_OR_RETURN(Amount amount,
                              json::ParseAmountField(root, field));
    if (amount.currency() != (has_sell ? q.sell : q.buy)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER,
                       std::string(field) + ".currency",
                       std::string(field) + " is in " +
                           std::string((has_sell ? q.sell : q.buy).code()));
    }
    q.amount_minor = amount.minor_units();
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> validity,
                              root.OptionalString("validity", 8));
    if (validity) {
      std::optional<fx::Validity> v = fx::ValidityFromName(*validity);
      if (!v) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, "validity",
                         "MIN_1, MIN_15, MIN_30, HR_1 or HR_24");
      }
      q.validity = *v;
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return q;
  };
  Result<fx::QuoteRequest> q = parse();
  if (!q.ok()) return c.Fail(q.error());
  q->id = ids_.Next();
  q->principal = c.caller.principal;
  Submit(c,
         engine::NewApiCommand(CommandType::kCreateFxQuote,
                               fx::EncodeQuoteRequest(*q)),
         *key, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<fx::Quote> quote = fx::DecodeQuote(reply.payload);
           if (!quote.ok()) return ErrorResponse(quote.error());
           std::string out;
           json::JsonWriter w(&out);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("quote");
           WriteFxQuote(w, *quote, quote->created_ns);
           w.EndObject();
           return JsonResponse(201, std::move(out));
         });
}

void ApiService::Impl::GetQuote(Ctx& c) {
  Result<u128> id = ParseId(IdKind::kQuote, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id, caller = c.caller](const StateMachine& s) {
    const fx::Quote* q = s.fx().FindQuote(id);
    if (q == nullptr ||
        (!caller.is_operator() && q->principal != caller.principal)) {
      return ErrorResponse(MakeError(
          ErrorCode::kNOT_FOUND, "id",
          "no such quote (quotes are kept 24 hours past their expiry)"));
    }
    return OkWith(200, "quote",
                  [&](json::JsonWriter& w) { WriteFxQuote(w, *q, WallNs()); });
  });
}

// ---------------------------------------------------------------- conversions

void ApiService::Impl::CreateConversion(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  std::string request_id;
  auto parse = [&]() -> Result<fx::ConversionRequest> {
    json::ObjectReader root = body->root();
    fx::ConversionRequest r;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view rid,
        json::ParseRequestIdField(root, "conversionRequestId"));
    request_id = std::string(rid);
    MERIDIAN_ASSIGN_OR_RETURN(
        r.quote_id, json::ParseIdField(root, "quoteId", IdKind::kQuote));
    MERIDIAN_ASSIGN_OR_RETURN(
        r.from_account,
        json::ParseIdField(root, "fromAccountId", IdKind::kAccount));
    MERIDIAN_ASSIGN_OR_RETURN(
        r.to_account,
        json::ParseIdField(root, "toAccountId", IdKind::kAccount));
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return r;
  };
  Result<fx::ConversionRequest> r = parse();
  if (!r.ok()) return c.Fail(r.error());
  r->id = ids_.Next();
  r->principal = c.caller.principal;
  r->as_operator = c.caller.is_operator();
  // The conversion's request id is its idempotency key.
  Submit(c,
         engine::NewApiCommand(CommandType::kCreateFxConversion,
                               fx::EncodeConversionRequest(*r)),
         std::string_view(request_id), [request_id](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<fx::Conversion> conv = fx::DecodeConversion(reply.payload);
           if (!conv.ok()) return ErrorResponse(conv.error());
           std::string out;
           json::JsonWriter w(&out);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("conversionRequestId").String(request_id);
           w.Key("conversion");
           WriteFxConversion(w, *conv);
           w.EndObject();
           return JsonResponse(201, std::move(out));
         });
}

void ApiService::Impl::GetConversion(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kConversion, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  (void)indexer_->WaitFor(durable_seq_.load(), std::chrono::milliseconds(2000));
  Result<std::optional<store::ObjectRecord>> rec =
      read_model_->GetObject(static_cast<uint16_t>(IdKind::kConversion), *id);
  if (!rec.ok()) return c.Fail(rec.error());
  if (!rec->has_value() ||
      (!c.caller.is_operator() && (*rec)->owner != c.caller.principal)) {
    return c.Fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such conversion"));
  }
  c.Send(OkWith(200, "conversion",
                [&](json::JsonWriter& w) { w.RawValue((*rec)->body); }));
}

// ---------------------------------------------------------------- book

void ApiService::Impl::GetPositions(Ctx& c) {
  ReadEngine(c, [now = WallNs()](const StateMachine& s) {
    const fx::FxState& fx = s.fx();
    const Currency rep = fx.pricing().reporting;
    std::vector<fx::Position> rows = fx.Positions(s.ledger(), now);
    i128 value = 0, realised = 0, unrealised = 0;
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("reportingCurrency").String(rep.code());
    w.Key("asOf").String(Rfc3339(now));
    w.Key("positions").BeginArray();
    for (const fx::Position& p : rows) {
      if (p.position_minor == 0 && p.fees_minor == 0 && p.cost_pico == 0 &&
          p.realised_pico == 0) {
        continue;  // a currency the hub never traded
      }
      value += p.value_pico;
      realised += p.realised_pico;
      unrealised += p.unrealised_pico;
      w.BeginObject();
      w.Key("currency").String(p.currency.code());
      WriteMinorAmount(w, "position", p.currency, p.position_minor);
      WriteMinorAmount(w, "fees", p.currency, p.fees_minor);
      if (p.mid) {
        w.Key("midRate").String(p.mid->ToString());
      } else {
        w.Key("midRate").Null();
      }
      WriteMinorAmount(w, "value", rep, PicoToMinor(p.value_pico, rep));
      WriteMinorAmount(w, "cost", rep, PicoToMinor(p.cost_pico, rep));
      WriteMinorAmount(w, "realisedPnl", rep,
                       PicoToMinor(p.realised_pico, rep));
      WriteMinorAmount(w, "unrealisedPnl", rep,
                       PicoToMinor(p.unrealised_pico, rep));
      w.EndObject();
    }
    w.EndArray();
    w.Key("totals").BeginObject();
    WriteMinorAmount(w, "value", rep, PicoToMinor(value, rep));
    WriteMinorAmount(w, "realisedPnl", rep, PicoToMinor(realised, rep));
    WriteMinorAmount(w, "unrealisedPnl", rep, PicoToMinor(unrealised, rep));
    w.EndObject();
    w.EndObject();
    return JsonResponse(200, std::move(out));
  });
}

}  // namespace meridian::api
