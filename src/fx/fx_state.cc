#include "fx/fx_state.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "core/hash.h"
#include "fx/fx_commands.h"

namespace meridian::fx {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;
constexpr i128 kPicoPerUnit = Decimal::kScale;  // 10^12
// The FX section of the engine's snapshot (state_machine.cc embeds it).
constexpr uint32_t kFxSectionVersion = 1;

Error Invalid(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

i128 Pow10(int n) {
  i128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

i128 Balance(const ledger::Account* a) {
  if (a == nullptr) return 0;
  return static_cast<i128>(a->credits_posted) -
         static_cast<i128>(a->debits_posted);
}

u128 DeriveTransferId(u128 conversion, uint8_t leg) {
  Sha256Hasher h;
  h.Update(std::string_view("meridian/fx/transfer"));
  h.Update(std::string_view(reinterpret_cast<const char*>(&conversion),
                            sizeof conversion));
  h.Update(std::string_view(reinterpret_cast<const char*>(&leg), 1));
  Sha256Digest d = h.Finish();
  u128 id = 0;
  std::memcpy(&id, d.data(), sizeof id);
  return id == 0 ? 1 : id;
}

int32_t Clamp(int64_t v, int64_t lo, int64_t hi) {
  return static_cast<int32_t>(std::clamp(v, lo, hi));
}

}  // namespace

u128 HubAccountId(Currency currency, HubAccount kind) {
  return (static_cast<u128>(kHubAccountTag) << 96) |
         (static_cast<u128>(kind) << 16) | currency.numeric();
}

std::string_view ValidityName(Validity v) {
  static constexpr std::string_view kNames[] = {"MIN_1", "MIN_15", "MIN_30",
                                                "HR_1", "HR_24"};
  return kNames[static_cast<size_t>(v)];
}

std::optional<Validity> ValidityFromName(std::string_view name) {
  for (size_t i = 0; i < kValidityCount; ++i) {
    if (ValidityName(static_cast<Validity>(i)) == name) {
      return static_cast<Validity>(i);
    }
  }
  return std::nullopt;
}

int64_t ValidityNs(Validity v) {
  static constexpr int64_t kSeconds[] = {60, 900, 1800, 3600, 86400};
  return kSeconds[static_cast<size_t>(v)] * kSecondNs;
}

std::string_view TierName(Tier t) {
  static constexpr std::string_view kNames[] = {"STANDARD", "SILVER", "GOLD",
                                                "PLATINUM"};
  return kNames[static_cast<size_t>(t)];
}

std::optional<Tier> TierFromName(std::string_view name) {
  for (size_t i = 0; i < kTierCount; ++i) {
    if (TierName(static_cast<Tier>(i)) == name) return static_cast<Tier>(i);
  }
  return std::nullopt;
}

PricingConfig PricingConfig::Default() {
  PricingConfig p;
  p.reporting = *Currency::FromCode("USD");
  p.corridors.push_back({std::nullopt, std::nullopt, 50, 0});
  p.tier_adjust_bps = {0, -5, -10, -20};
  // Bands in USD cents: 10,000 and 1,000,000 dollars.
  p.bands = {{0, 0}, {1'000'000, -5}, {100'000'000, -15}};
  p.validity_adjust_bps = {0, 5, 10, 15, 40};
  return p;
}

Status PricingConfig::Validate() const {
  if (stale_after_ns < 60 * kSecondNs ||
      stale_after_ns > 30 * 86400 * kSecondNs) {
    return Invalid("staleAfterSeconds", "60 seconds to 30 days");
  }
  if (corridors.empty() || corridors.size() > kMaxCorridors) {
    return Invalid("corridors",
                   "1 to 256 corridors; add a default "
                   "{\"sell\":\"*\",\"buy\":\"*\"} rule");
  }
  for (size_t i = 0; i < corridors.size(); ++i) {
    const CorridorRule& c = corridors[i];
    const std::string at = "corridors[" + std::to_string(i) + "]";
    if (c.sell && c.buy && *c.sell == *c.buy) {
      return Invalid(at + ".buy", "a corridor's currencies differ");
    }
    if (c.spread_bps > kMaxSpreadBps) {
      return Invalid(at + ".spreadBps", "0 to 5000 basis points");
    }
    if (c.fee_bps > 1000) {
      return Invalid(at + ".feeBps", "0 to 1000 basis points");
    }
    for (size_t j = 0; j < i; ++j) {
      if (corridors[j].sell == c.sell && corridors[j].buy == c.buy) {
        return Invalid(at, "the same corridor twice");
      }
    }
  }
  auto adjust_ok = [](int32_t v) {
    return v >= -static_cast<int32_t>(kMaxSpreadBps) &&
           v <= static_cast<int32_t>(kMaxSpreadBps);
  };
  for (size_t i = 0; i < kTierCount; ++i) {
    if (!adjust_ok(tier_adjust_bps[i])) {
      return Invalid("tiers", "adjustments are -5000 to 5000 basis points");
    }
  }
  for (size_t i = 0; i < kValidityCount; ++i) {
    if (!adjust_ok(validity_adjust_bps[i])) {
      return Invalid("validities",
                     "adjustments are -5000 to 5000 basis points");
    }
  }
  if (bands.size() > kMaxBands) return Invalid("bands", "at most 16 bands");
  for (size_t i = 0; i < bands.size(); ++i) {
    const std::string at = "bands[" + std::to_string(i) + "]";
    if (!adjust_ok(bands[i].adjust_bps)) {
      return Invalid(at + ".adjustBps", "-5000 to 5000 basis points");
    }
    if (bands[i].from_minor < 0 ||
        (i > 0 && bands[i].from_minor <= bands[i - 1].from_minor)) {
      return Invalid(at + ".from", "bands start at 0 or more, ascending");
    }
  }
  if (principal_tiers.size() > kMaxPrincipalTiers) {
    return Invalid("principalTiers", "at most 100000 principals");
  }
  for (size_t i = 1; i < principal_tiers.size(); ++i) {
    if (principal_tiers[i].first <= principal_tiers[i - 1].first) {
      return Invalid("principalTiers", "each principal once");
    }
  }
  return Status::Ok();
}

FxState::FxState(FxLimits limits)
    : limits_(limits), pricing_(PricingConfig::Default()) {}

// ---------------------------------------------------------------- rates

Status FxState::SetRates(const RateUpdate& update, int64_t now_ns) {
  if (update.as_of_ns <= 0) return Invalid("asOf", "a time is needed");
  if (update.source.empty() || update.source.size() > kMaxSourceBytes) {
    return Invalid("source", "1 to 32 characters naming the source");
  }
  if (update.rates.empty() || update.rates.size() > kMaxRatesPerUpdate) {
    return Invalid("rates", "1 to 200 rates");
  }
  // Postings against another base come onto the book's base through the
  // book's rate of that base.
  const RateEntry* via = nullptr;
  if (base_ && update.base != *base_) {
    auto it = rates_.find(update.base.numeric());
    if (it == rates_.end()) {
      return Invalid("base",
                     "the book's base is " + std::string(base_->code()) +
                         " and it has no " + std::string(update.base.code()) +
                         " rate to carry these rates over with; post "
                         "against " +
                         std::string(base_->code()));
    }
    via = &it->second;
  }
  std::vector<std::pair<Currency, Decimal>> carried;
  carried.reserve(update.rates.size());
  for (size_t i = 0; i < update.rates.size(); ++i) {
    const auto& [c, rate] = update.rates[i];
    const std::string at = "rates[" + std::to_string(i) + "]";
    if (c == update.base || (base_ && c == *base_)) {
      return Invalid(at + ".currency",
                     "the base's rate is 1 by definition; leave it out");
    }
    for (size_t j = 0; j < i; ++j) {
      if (update.rates[j].first == c) {
        return Invalid(at + ".currency", "each currency once");
      }
    }
    if (!rate.is_positive() || rate.scaled() > Decimal::kMaxRate) {
      return Invalid(at + ".rate", "greater than 0, at most 100000000");
    }
    Decimal r = rate;
    if (via != nullptr) {
      std::optional<i128> scaled = MulDiv(rate.scaled(), via->rate.scaled(),
                                          Decimal::kScale, Rounding::kHalfEven);
      if (!scaled || *scaled <= 0 || *scaled > Decimal::kMaxRate) {
        return Invalid(at + ".rate", "out of range against the book's base");
      }
      r = Decimal::FromScaled(*scaled);
    }
    auto held = rates_.find(c.numeric());
    if (held != rates_.end() && held->second.as_of_ns > update.as_of_ns) {
      return Invalid(at + ".currency",
                     "the book holds a newer " + std::string(c.code()) +
                         " rate; post rates no older than the ones held");
    }
    carried.emplace_back(c, r);
  }
  if (!base_) base_ = update.base;
  for (const auto& [c, r] : carried) {
    rates_[c.numeric()] = RateEntry{r, update.as_of_ns, now_ns, update.source};
  }
  return Status::Ok();
}

Status FxState::SetPricing(PricingConfig config) {
  MERIDIAN_RETURN_IF_ERROR(config.Validate());
  pricing_ = std::move(config);
  return Status::Ok();
}

Status FxState::SetInterestRates(const InterestUpdate& update) {
  if (update.rates.empty() || update.rates.size() > kMaxRatesPerUpdate) {
    return Invalid("rates", "1 to 200 rates");
  }
  for (size_t i = 0; i < update.rates.size(); ++i) {
    const auto& [c, rate] = update.rates[i];
    const std::string at = "rates[" + std::to_string(i) + "]";
    if (rate.scaled() < -Decimal::kMaxInterest ||
        rate.scaled() > Decimal::kMaxInterest) {
      return Invalid(at + ".rate", "an annual fraction between -10 and 10");
    }
    for (size_t j = 0; j < i; ++j) {
      if (update.rates[j].first == c) {
        return Invalid(at + ".currency", "each currency once");
      }
    }
  }
  for (const auto& [c, rate] : update.rates) {
    interest_[c.numeric()] = InterestEntry{rate, update.as_of_ns};
  }
  return Status::Ok();
}

Result<const RateEntry*> FxState::Entry(Currency c, int64_t now_ns,
                                        bool allow_stale) const {
  static const RateEntry kOne{Decimal::FromUnits(1), 0, 0, "base"};
  if (!base_) {
    return MakeError(ErrorCode::kRATE_UNAVAILABLE, "",
                     "the FX book has no rates yet; the operator posts them "
                     "(POST /v1/fx/rates or meridian fx load-ecb)");
  }
  if (c == *base_) return &kOne;
  auto it = rates_.find(c.numeric());
  if (it == rates_.end()) {
    return MakeError(ErrorCode::kRATE_UNAVAILABLE, "",
                     "no rate for " + std::string(c.code()) +
                         "; the operator posts one with POST /v1/fx/rates");
  }
  if (!allow_stale && now_ns - it->second.as_of_ns > pricing_.stale_after_ns) {
    const int64_t age_h = (now_ns - it->second.as_of_ns) / (3600 * kSecondNs);
    return MakeError(
        ErrorCode::kRATE_STALE, "",
        "the " + std::string(c.code()) + " rate is " + std::to_string(age_h) +
            " hours old, past the limit of " +
            std::to_string(pricing_.stale_after_ns / (3600 * kSecondNs)) +
            " hours; quotes resume when a fresh rate is posted");
  }
  return &it->second;
}

Result<Decimal> FxState::Mid(Currency from, Currency to, int64_t now_ns,
                             bool allow_stale) const {
  if (from == to) return Decimal::FromUnits(1);
  MERIDIAN_ASSIGN_OR_RETURN(const RateEntry* f,
                            Entry(from, now_ns, allow_stale));
  MERIDIAN_ASSIGN_OR_RETURN(const RateEntry* t, Entry(to, now_ns, allow_stale));
  return CrossRate(f->rate, t->rate, Rounding::kHalfEven);
}

Tier FxState::TierOf(u128 principal) const {
  const auto& tiers = pricing_.principal_tiers;
  auto it = std::lower_bound(
      tiers.begin(), tiers.end(), principal,
      [](const std::pair<u128, Tier>& e, u128 p) { return e.first < p; });
  return it != tiers.end() && it->first == principal ? it->second
                                                     : Tier::kStandard;
}

// ---------------------------------------------------------------- quotes

Result<Quote> FxState::Price(const QuoteRequest& request,
                             int64_t now_ns) const {
  if (request.sell == request.buy) {
    return Invalid("buyCurrency", "sell one currency and buy another");
  }
  if (request.amount_minor <= 0 ||
      request.amount_minor > Amount::kMaxMinorUnits) {
    return MakeError(ErrorCode::kINVALID_AMOUNT,
                     request.fixed_sell ? "sellAmount" : "buyAmount",
                     "1 to 18 digits of minor units");
  }
  // Each side's rate must be fresh; the error names the side at fault.
  for (auto [c, param] : {std::pair{request.sell, "sellCurrency"},
                          std::pair{request.buy, "buyCurrency"}}) {
    Result<const RateEntry*> e = Entry(c, now_ns, false);
    if (!e.ok()) {
      Error err = e.error();
      err.param = param;
      return err;
    }
  }
  MERIDIAN_ASSIGN_OR_RETURN(Decimal mid,
                            Mid(request.sell, request.buy, now_ns));

  // The most specific corridor: the exact pair, then the sell currency,
  // then the buy currency, then the default.
  const CorridorRule* rule = nullptr;
  int best = -1;
  for (const CorridorRule& c : pricing_.corridors) {
    if ((c.sell && *c.sell != request.sell) ||
        (c.buy && *c.buy != request.buy)) {
      continue;
    }
    const int score = (c.sell ? 2 : 0) + (c.buy ? 1 : 0);
    if (score > best) {
      best = score;
      rule = &c;
    }
  }
  const uint32_t corridor_bps = rule ? rule->spread_bps : 0;
  const uint32_t fee_bps = rule ? rule->fee_bps : 0;

  // The size, in the reporting currency at mid (any age will do for this).
  int32_t band_bps = 0;
  const Currency sized = request.fixed_sell ? request.sell : request.buy;
  if (Result<Decimal> to_reporting =
          Mid(sized, pricing_.reporting, now_ns, true);
      to_reporting.ok()) {
    Result<Amount> size =
        ConvertSell(*Amount::FromMinorUnits(sized, request.amount_minor),
                    pricing_.reporting, *to_reporting);
    const int64_t size_minor =
        size.ok() ? size->minor_units() : Amount::kMaxMinorUnits;
    for (const AmountBand& b : pricing_.bands) {
      if (b.from_minor <= size_minor) band_bps = b.adjust_bps;
    }
  }
  const int64_t total =
      static_cast<int64_t>(corridor_bps) +
      pricing_.tier_adjust_bps[static_cast<size_t>(TierOf(request.principal))] +
      band_bps +
      pricing_.validity_adjust_bps[static_cast<size_t>(request.validity)];
  const uint32_t spread_bps =
      static_cast<uint32_t>(Clamp(total, 0, kMaxSpreadBps));
  MERIDIAN_ASSIGN_OR_RETURN(Decimal rate, ApplySpread(mid, spread_bps));

  Quote q;
  q.id = request.id;
  q.principal = request.principal;
  q.sell = request.sell;
  q.buy = request.buy;
  q.fixed_sell = request.fixed_sell;
  q.validity = request.validity;
  q.mid = mid;
  q.rate = rate;
  q.spread_bps = spread_bps;
  q.fee_bps = fee_bps;
  if (request.fixed_sell) {
    q.sell_minor = request.amount_minor;
    Result<Amount> buy =
        ConvertSell(*Amount::FromMinorUnits(request.sell, request.amount_minor),
                    request.buy, rate);
    if (!buy.ok()) {
      Error e = buy.error();
      e.param = "sellAmount";
      return e;
    }
    q.buy_minor = buy->minor_units();
    if (q.buy_minor == 0) {
      return MakeError(ErrorCode::kINVALID_AMOUNT, "sellAmount",
                       "too small: it buys less than one minor unit of " +
                           std::string(request.buy.code()));
    }
  } else {
    q.buy_minor = request.amount_minor;
    Result<Amount> sell =
        ConvertBuy(*Amount::FromMinorUnits(request.buy, request.amount_minor),
                   request.sell, rate);
    if (!sell.ok()) {
      Error e = sell.error();
      e.param = "buyAmount";
      return e;
    }
    q.sell_minor = sell->minor_units();
  }
  // The fee is the customer's to pay: rounded up.
  q.fee_minor = static_cast<int64_t>(DivideRounded(
      static_cast<i128>(q.sell_minor) * fee_bps, 10'000, Rounding::kUp));
  if (q.sell_minor + q.fee_minor > Amount::kMaxMinorUnits) {
    return MakeError(ErrorCode::kAMOUNT_OVERFLOW,
                     request.fixed_sell ? "sellAmount" : "buyAmount",
                     "the amount with its fee passes 18 digits");
  }
  q.created_ns = now_ns;
  q.expires_ns = now_ns + ValidityNs(request.validity);
  return q;
}

Result<Quote> FxState::CreateQuote(const QuoteRequest& request,
                                   int64_t now_ns) {
  if (quotes_.size() >= limits_.max_live_quotes) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "too many live quotes; retry when some have expired");
  }
  if (request.id == 0 || quotes_.contains(request.id)) {
    return Invalid("id", "a new quote id is needed");
  }
  MERIDIAN_ASSIGN_OR_RETURN(Quote q, Price(request, now_ns));
  quotes_.emplace(q.id, q);
  quote_expiry_.emplace(q.expires_ns + limits_.expired_quote_grace_ns, q.id);
  return q;
}

const Quote* FxState::FindQuote(u128 id) const {
  auto it = quotes_.find(id);
  return it == quotes_.end() ? nullptr : &it->second;
}

namespace {

// The checks every use of a quote runs, in this order.
Result<const Quote*> UsableQuote(const Quote* q, u128 principal,
                                 int64_t now_ns) {
  if (q == nullptr || q->principal != principal) {
    return MakeError(ErrorCode::kNOT_FOUND, "quoteId",
                     "no such quote; make one with POST /v1/fx/quotes");
  }
  if (q->state == QuoteState::kUsed) {
    return MakeError(ErrorCode::kQUOTE_ALREADY_USED, "quoteId",
                     "this quote was used already; make a new one");
  }
  if (now_ns >= q->expires_ns) {
    return MakeError(ErrorCode::kQUOTE_EXPIRED, "quoteId",
                     "this quote has expired; make a new one");
  }
  return q;
}

}  // namespace

Result<Quote> FxState::ConsumeQuote(u128 quote_id, u128 principal, u128 user,
                                    int64_t now_ns) {
  MERIDIAN_ASSIGN_OR_RETURN(
      const Quote* q, UsableQuote(FindQuote(quote_id), principal, now_ns));
  Quote& live = quotes_.at(q->id);
  live.state = QuoteState::kUsed;
  live.conversion_id = user;
  return live;
}

void FxState::ExpireQuotes(int64_t now_ns) {
  while (!quote_expiry_.empty() && quote_expiry_.begin()->first <= now_ns) {
    quotes_.erase(quote_expiry_.begin()->second);
    quote_expiry_.erase(quote_expiry_.begin());
  }
}

// ---------------------------------------------------------------- conversions

Result<ConversionPlan> FxState::PlanConversion(
    const ConversionRequest& request, int64_t now_ns,
    const ledger::Ledger& ledger) const {
  MERIDIAN_ASSIGN_OR_RETURN(
      const Quote* q,
      UsableQuote(FindQuote(request.quote_id), request.principal, now_ns));
  // The customer's accounts: theirs (the owner is the account's user
  // data) and in the quote's currencies. Another's answers as a missing one.
  auto customer_account = [&](u128 id, Currency currency,
                              const char* param) -> Status {
    const ledger::Account* a = ledger.FindAccount(id);
    if (a == nullptr ||
        (!request.as_operator && a->user_data != request.principal)) {
      return MakeError(ErrorCode::kNOT_FOUND, param, "no such account");
    }
    if (a->ledger != currency.ledger()) {
      Result<Currency> held =
          Currency::FromNumeric(static_cast<uint16_t>(a->ledger));
      return Invalid(
          param,
          "the account holds " +
              std::string(held.ok() ? held->code() : "another currency") +
              "; the quote's is " + std::string(currency.code()));
    }
    return Status::Ok();
  };
  MERIDIAN_RETURN_IF_ERROR(
      customer_account(request.from_account, q->sell, "fromAccountId"));
  MERIDIAN_RETURN_IF_ERROR(
      customer_account(request.to_account, q->buy, "toAccountId"));
  for (auto [c, kind] : {std::pair{q->sell, HubAccount::kLiquidity},
                         std::pair{q->sell, HubAccount::kFees},
                         std::pair{q->buy, HubAccount::kLiquidity}}) {
    const ledger::Account* a = ledger.FindAccount(HubAccountId(c, kind));
    if (a == nullptr || a->ledger != c.ledger()) {
      return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                       "the hub's FX account for " + std::string(c.code()) +
                           " is missing; the operator re-posts its rate");
    }
  }

  ConversionPlan plan;
  Conversion& c = plan.conversion;
  c.id = request.id;
  c.principal = request.principal;
  c.quote_id = q->id;
  c.from_account = request.from_account;
  c.to_account = request.to_account;
  c.sell = q->sell;
  c.buy = q->buy;
  c.mid = q->mid;
  c.rate = q->rate;
  c.sell_minor = q->sell_minor;
  c.buy_minor = q->buy_minor;
  c.fee_minor = q->fee_minor;
  c.created_ns = now_ns;

  auto leg = [&](uint8_t n, u128 debit, u128 credit, int64_t amount,
                 Currency cur, uint16_t code) {
    ledger::Transfer t{};
    t.id = DeriveTransferId(c.id, n);
    t.debit_account_id = debit;
    t.credit_account_id = credit;
    t.amount = static_cast<u128>(amount);
    t.ledger = cur.ledger();
    t.code = code;
    t.user_data = c.id;
    t.flags = ledger::kTransferLinked;
    c.transfer_ids[n] = t.id;
    plan.transfers.push_back(t);
  };
  leg(0, c.from_account, HubAccountId(c.sell, HubAccount::kLiquidity),
      c.sell_minor, c.sell, kTransferCodeFxSell);
  if (c.fee_minor > 0) {
    leg(1, c.from_account, HubAccountId(c.sell, HubAccount::kFees), c.fee_minor,
        c.sell, kTransferCodeFxFee);
  }
  leg(2, HubAccountId(c.buy, HubAccount::kLiquidity), c.to_account, c.buy_minor,
      c.buy, kTransferCodeFxBuy);
  plan.transfers.back().flags = 0;  // the chain ends here
  return plan;
}

std::vector<ledger::Account> MissingHubAccounts(
    std::span<const Currency> currencies, const ledger::Ledger& ledger) {
  std::vector<ledger::Account> out;
  for (Currency c : currencies) {
    for (auto [kind, code] :
         {std::pair{HubAccount::kLiquidity, kAccountCodeFxLiquidity},
          std::pair{HubAccount::kFees, kAccountCodeFxFees}}) {
      const u128 id = HubAccountId(c, kind);
      if (ledger.FindAccount(id) != nullptr) continue;
      bool queued = false;
      for (const ledger::Account& a : out) queued |= a.id == id;
      if (queued) continue;
      ledger::Account a{};
      a.id = id;
      a.ledger = c.ledger();
      a.code = code;
      a.flags = ledger::kAccountHistory;
      out.push_back(a);
    }
  }
  return out;
}

std::optional<i128> FxState::ValuePico(Currency c, i128 minor,
                                       int64_t now_ns) const {
  Result<Decimal> mid = Mid(c, pricing_.reporting, now_ns, true);
  if (!mid.ok()) return std::nullopt;
  // minor / 10^e units x mid reporting per unit, in 10^-12 units.
  std::optional<i128> v =
      MulDiv(minor, mid->scaled(), Pow10(c.minor_units()), Rounding::kHalfEven);
  // Past 10^26 units of the reporting currency the book saturates rather
  // than stop the engine; no real position comes near.
  if (!v) {
    constexpr i128 kMax = ~static_cast<u128>(0) >> 2;
    return minor < 0 ? -kMax : kMax;
  }
  return *v;
}

void FxState::BookLeg(uint16_t currency, i128 delta_minor, i128 value_pico) {
  if (delta_minor == 0) return;
  BookEntry& e = book_[currency];
  i128 d = delta_minor, v = value_pico;
  const i128 p = e.position_minor;
  if (p != 0 && (p > 0) != (d > 0)) {
    // The part of the leg that closes the position realises against the
    // average cost.
    const i128 close =
        (d > 0 ? 1 : -1) * std::min(d > 0 ? d : -d, p > 0 ? p : -p);
    const i128 v_close =
        MulDiv(v, close, d > 0 ? d : -d, Rounding::kHalfEven).value_or(v) *
        (d > 0 ? 1 : -1);
    const i128 released = MulDiv(e.cost_pico, close > 0 ? close : -close,
                                 p > 0 ? p : -p, Rounding::kHalfEven)
                              .value_or(e.cost_pico);
    e.realised_pico += -v_close - released;
    e.cost_pico -= released;
    e.position_minor += close;
    d -= close;
    v -= v_close;
  }
  if (d != 0) {
    e.cost_pico += v;
    e.position_minor += d;
  }
}

FxState::BookEntry FxState::Synced(Currency c, i128 actual_minor,
                                   int64_t now_ns) const {
  BookEntry e;
  if (auto it = book_.find(c.numeric()); it != book_.end()) e = it->second;
  const i128 flow = actual_minor - e.position_minor;
  if (flow == 0) return e;
  // Funding or sweeping by other transfers moves no P&L: what shrinks the
  // position leaves at average cost, what grows it enters at mid.
  i128 rest = flow;
  if (e.position_minor != 0 && (e.position_minor > 0) != (flow > 0)) {
    const i128 mag = flow > 0 ? flow : -flow;
    const i128 pos =
        e.position_minor > 0 ? e.position_minor : -e.position_minor;
    const i128 closed = std::min(mag, pos);
    e.cost_pico -= MulDiv(e.cost_pico, closed, pos, Rounding::kHalfEven)
                       .value_or(e.cost_pico);
    e.position_minor += flow > 0 ? closed : -closed;
    rest = flow > 0 ? mag - closed : closed - mag;
  }
  if (rest != 0) {
    e.cost_pico += ValuePico(c, rest, now_ns).value_or(0);
    e.position_minor += rest;
  }
  return e;
}

void FxState::SyncBook(const ConversionPlan& plan, const ledger::Ledger& ledger,
                       int64_t now_ns) {
  SyncCurrencies({{plan.conversion.sell, plan.conversion.buy}}, ledger, now_ns);
}

void FxState::SyncCurrencies(std::span<const Currency> currencies,
                             const ledger::Ledger& ledger, int64_t now_ns) {
  for (Currency c : currencies) {
    const i128 actual =
        Balance(ledger.FindAccount(HubAccountId(c, HubAccount::kLiquidity)));
    book_[c.numeric()] = Synced(c, actual, now_ns);
  }
}

void FxState::CommitConversion(const ConversionPlan& plan, int64_t now_ns) {
  const Conversion& c = plan.conversion;
  Quote& q = quotes_.at(c.quote_id);
  MERIDIAN_CHECK(q.state == QuoteState::kOpen);
  q.state = QuoteState::kUsed;
  q.conversion_id = c.id;
  BookTrade(c.sell, c.sell_minor, c.buy, c.buy_minor, now_ns);
}

void FxState::BookTrade(Currency received, int64_t received_minor,
                        Currency given, int64_t given_minor, int64_t now_ns) {
  // Both legs at the traded price: what the hub received, valued at mid,
  // is what it paid for the currency it gave. The spread is then the gap
  // between the legs' value at mid and their cost.
  const i128 traded = ValuePico(received, received_minor, now_ns).value_or(0);
  BookLeg(received.numeric(), received_minor, traded);
  BookLeg(given.numeric(), -static_cast<i128>(given_minor), -traded);
}

std::vector<Position> FxState::Positions(const ledger::Ledger& ledger,
                                         int64_t now_ns) const {
  std::set<uint16_t> currencies;
  if (base_) currencies.insert(base_->numeric());
  for (const auto& [n, e] : rates_) currencies.insert(n);
  for (const auto& [n, e] : book_) currencies.insert(n);
  std::vector<Position> out;
  for (uint16_t n : currencies) {
    Position p;
    p.currency = *Currency::FromNumeric(n);
    p.position_minor = Balance(
        ledger.FindAccount(HubAccountId(p.currency, HubAccount::kLiquidity)));
    p.fees_minor = Balance(
        ledger.FindAccount(HubAccountId(p.currency, HubAccount::kFees)));
    // The book as SyncBook would leave it, without changing it.
    const BookEntry e = Synced(p.currency, p.position_minor, now_ns);
    if (Result<Decimal> m = Mid(p.currency, pricing_.reporting, now_ns, true);
        m.ok()) {
      p.mid = *m;
      p.value_pico =
          ValuePico(p.currency, p.position_minor, now_ns).value_or(0);
    }
    p.cost_pico = e.cost_pico;
    p.realised_pico = e.realised_pico;
    p.unrealised_pico = p.mid ? p.value_pico - e.cost_pico : 0;
    out.push_back(p);
  }
  return out;
}

Result<Forward> FxState::ForwardRate(Currency base, Currency quote,
                                     uint32_t days, int64_t now_ns) const {
  if (base == quote) return Invalid("quote", "two different currencies");
  MERIDIAN_ASSIGN_OR_RETURN(Decimal spot, Mid(base, quote, now_ns));
  Forward f;
  f.spot = spot;
  for (auto [c, out, param] : {std::tuple{base, &f.base_interest, "base"},
                               std::tuple{quote, &f.quote_interest, "quote"}}) {
    auto it = interest_.find(c.numeric());
    if (it == interest_.end()) {
      return Invalid(param, "no interest rate for " + std::string(c.code()) +
                                "; the operator sets one with PUT "
                                "/v1/fx/interest-rates");
    }
    *out = it->second.rate;
  }
  f.base_basis = DayCountBasis(base);
  f.quote_basis = DayCountBasis(quote);
  MERIDIAN_ASSIGN_OR_RETURN(f.forward,
                            fx::ForwardRate(spot, base, quote, f.base_interest,
                                            f.quote_interest, days));
  f.points_scaled = (f.forward.scaled() - f.spot.scaled()) * 10'000;
  return f;
}

// ---------------------------------------------------------------- snapshot

void FxState::Serialize(ByteWriter* w) const {
  w->U32(kFxSectionVersion);
  w->U16(base_ ? base_->numeric() : 0);
  w->U32(static_cast<uint32_t>(rates_.size()));
  for (const auto& [n, e] : rates_) {
    w->U16(n);
    WriteI128(*w, e.rate.scaled());
    w->I64(e.as_of_ns);
    w->I64(e.received_ns);
    w->Bytes(e.source);
  }
  w->U32(static_cast<uint32_t>(interest_.size()));
  for (const auto& [n, e] : interest_) {
    w->U16(n);
    WriteI128(*w, e.rate.scaled());
    w->I64(e.as_of_ns);
  }
  WritePricing(*w, pricing_);
  w->U64(quotes_.size());
  for (const auto& [id, q] : quotes_) WriteQuote(*w, q);
  w->U32(static_cast<uint32_t>(book_.size()));
  for (const auto& [n, e] : book_) {
    w->U16(n);
    WriteI128(*w, e.position_minor);
    WriteI128(*w, e.cost_pico);
    WriteI128(*w, e.realised_pico);
  }
}

Result<FxState> FxState::Deserialize(ByteReader* r, FxLimits limits) {
  auto corrupt = [] {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "engine state: bad FX section");
  };
  FxState s(limits);
  uint32_t version = 0, n = 0;
  uint16_t base = 0;
  if (!r->U32(&version) || version != kFxSectionVersion || !r->U16(&base)) {
    return corrupt();
  }
  if (base != 0) {
    Result<Currency> c = Currency::FromNumeric(base);
    if (!c.ok()) return corrupt();
    s.base_ = *c;
  }
  if (!r->U32(&n)) return corrupt();
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t code = 0;
    i128 rate = 0;
    RateEntry e;
    std::string_view source;
    if (!r->U16(&code) || !ReadI128(*r, &rate) || !r->I64(&e.as_of_ns) ||
        !r->I64(&e.received_ns) || !r->Bytes(&source, kMaxSourceBytes) ||
        !Currency::FromNumeric(code).ok()) {
      return corrupt();
    }
    e.rate = Decimal::FromScaled(rate);
    e.source = std::string(source);
    s.rates_[code] = std::move(e);
  }
  if (!r->U32(&n)) return corrupt();
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t code = 0;
    i128 rate = 0;
    InterestEntry e;
    if (!r->U16(&code) || !ReadI128(*r, &rate) || !r->I64(&e.as_of_ns)) {
      return corrupt();
    }
    e.rate = Decimal::FromScaled(rate);
    s.interest_[code] = e;
  }
  if (!ReadPricing(*r, &s.pricing_)) return corrupt();
  uint64_t quotes = 0;
  if (!r->U64(&quotes)) return corrupt();
  for (uint64_t i = 0; i < quotes; ++i) {
    Quote q;
    if (!ReadQuote(*r, &q)) return corrupt();
    s.quote_expiry_.emplace(q.expires_ns + limits.expired_quote_grace_ns, q.id);
    s.quotes_.emplace(q.id, q);
  }
  if (!r->U32(&n)) return corrupt();
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t code = 0;
    BookEntry e;
    if (!r->U16(&code) || !ReadI128(*r, &e.position_minor) ||
        !ReadI128(*r, &e.cost_pico) || !ReadI128(*r, &e.realised_pico)) {
      return corrupt();
    }
    s.book_[code] = e;
  }
  return s;
}

}  // namespace meridian::fx
