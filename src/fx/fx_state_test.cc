#include "fx/fx_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "fx/ecb.h"
#include "fx/fx_commands.h"

namespace meridian::fx {
namespace {

constexpr int64_t kSec = 1'000'000'000;
// 2025-05-09T13:10:00Z, the ECB fixing of the day.
constexpr int64_t kFixing = 1'746'796'200LL * kSec;

Currency Cur(std::string_view code) { return Currency::FromCode(code).value(); }
Decimal Rate(std::string_view text) { return Decimal::ParseRate(text).value(); }

// The ECB fixing of 2025-05-09 (a few of its currencies, or the real file's
// whole row when ../shared/data is beside the repo).
RateUpdate Ecb20250509() {
  RateUpdate u;
  u.base = Cur("EUR");
  u.as_of_ns = kFixing;
  u.source = "ECB";
  const std::string path = std::string(MERIDIAN_SOURCE_ROOT) +
                           "/../shared/data/fx/eurofxref-hist.csv";
  if (std::filesystem::exists(path)) {
    Result<EcbHistory> h = ReadEcbHistory(path);
    const EcbFixing* f = h.ok() ? h->OnOrBefore("2025-05-09") : nullptr;
    if (f != nullptr) {
      u.rates = f->rates;
      return u;
    }
  }
  for (auto [c, r] : {std::pair{"USD", "1.1252"}, std::pair{"JPY", "163.36"},
                      std::pair{"GBP", "0.8477"}, std::pair{"THB", "37.132"},
                      std::pair{"KRW", "1575.72"}, std::pair{"IDR", "18606.59"},
                      std::pair{"CHF", "0.9353"}}) {
    u.rates.emplace_back(Cur(c), Rate(r));
  }
  return u;
}

// A ledger with a customer's account in each of `codes`, funded.
struct World {
  ledger::Ledger ledger;
  FxState fx;
  u128 principal = 77;
  uint64_t ts = 1;
  std::map<std::string, u128> accounts;

  explicit World(std::vector<std::string> codes) {
    RateUpdate u = Ecb20250509();
    // The extra currencies the property test wants (0 and 3 decimals).
    for (auto [c, r] : {std::pair{"KWD", "0.3456"}, std::pair{"BHD", "0.4241"},
                        std::pair{"CLP", "1063.5"}}) {
      u.rates.emplace_back(Cur(c), Rate(r));
    }
    EXPECT_TRUE(fx.SetRates(u, kFixing).ok());
    std::vector<Currency> all{Cur("EUR")};
    for (const auto& [c, r] : u.rates) all.push_back(c);
    std::vector<ledger::Account> hub = MissingHubAccounts(all, ledger);
    std::vector<ledger::EventResult> results;
    ledger.CreateAccounts(hub, ts, &results);
    EXPECT_TRUE(results.empty());
    ts += hub.size();
    u128 id = 1000;
    for (const std::string& code : codes) {
      ledger::Account a{};
      a.id = ++id;
      a.ledger = Cur(code).ledger();
      a.code = 1;
      a.user_data = principal;
      a.flags = ledger::kAccountDebitsMustNotExceedCredits;
      ledger.CreateAccounts({&a, 1}, ts++, &results);
      EXPECT_TRUE(results.empty());
      accounts[code] = a.id;
      // Funding from an outside account.
      ledger::Account outside{};
      outside.id = id + 500;
      outside.ledger = a.ledger;
      outside.code = 9;
      ledger.CreateAccounts({&outside, 1}, ts++, &results);
      ledger::Transfer t{};
      t.id = id + 900;
      t.debit_account_id = outside.id;
      t.credit_account_id = a.id;
      t.amount = static_cast<u128>(Amount::kMaxMinorUnits);
      t.ledger = a.ledger;
      t.code = 1;
      ledger.CreateTransfers({&t, 1}, ts++, &results);
      EXPECT_TRUE(results.empty());
    }
  }

  // Quote and convert; the conversion or why not.
  Result<Conversion> Convert(QuoteRequest q, int64_t now) {
    static u128 next = 1;
    q.id = ++next << 64;
    q.principal = principal;
    MERIDIAN_ASSIGN_OR_RETURN(Quote quote, fx.CreateQuote(q, now));
    ConversionRequest c;
    c.id = ++next << 64;
    c.principal = principal;
    c.quote_id = quote.id;
    c.from_account = accounts.at(std::string(q.sell.code()));
    c.to_account = accounts.at(std::string(q.buy.code()));
    MERIDIAN_ASSIGN_OR_RETURN(ConversionPlan plan,
                              fx.PlanConversion(c, now, ledger));
    fx.SyncBook(plan, ledger, now);
    std::vector<ledger::EventResult> results;
    ledger.CreateTransfers(plan.transfers, ts, &results);
    ts += plan.transfers.size();
    if (!results.empty()) {
      return MakeError(ErrorCode::kLEDGER_REJECTED, "", "refused");
    }
    fx.CommitConversion(plan, now);
    return plan.conversion;
  }
};

TEST(FxStateTest, CrossRatesFromTheEcbFileAreOneRoundingOfTheQuotient) {
  FxState fx;
  ASSERT_TRUE(fx.SetRates(Ecb20250509(), kFixing).ok());
  // USD/JPY = 163.36 / 1.1252 = 145.18307856381087…, half-even at 12.
  Result<Decimal> usd_jpy = fx.Mid(Cur("USD"), Cur("JPY"), kFixing);
  ASSERT_TRUE(usd_jpy.ok()) << usd_jpy.error().ToString();
  EXPECT_EQ(usd_jpy->ToString(), "145.183078563811");
  EXPECT_EQ(fx.Mid(Cur("EUR"), Cur("USD"), kFixing)->ToString(), "1.1252");
  EXPECT_EQ(fx.Mid(Cur("USD"), Cur("EUR"), kFixing)->ToString(),
            "0.888730892286");  // 1 / 1.1252
  EXPECT_EQ(fx.Mid(Cur("GBP"), Cur("GBP"), kFixing)->ToString(), "1");
}

TEST(FxStateTest, AMidDoesNotChangeWithTheBaseItIsViewedOrPostedAgainst) {
  FxState fx;
  ASSERT_TRUE(fx.SetRates(Ecb20250509(), kFixing).ok());
  const std::vector<Currency> all = {Cur("EUR"), Cur("USD"), Cur("JPY"),
                                     Cur("GBP"), Cur("THB"), Cur("IDR")};
  std::map<std::pair<uint16_t, uint16_t>, Decimal> before;
  for (Currency a : all) {
    for (Currency b : all) {
      before[{a.numeric(), b.numeric()}] = *fx.Mid(a, b, kFixing);
    }
  }
  // Every pair's mid is the one rounding of the posted numbers, whichever
  // currency a reader takes as base: (b per EUR) / (a per EUR).
  const RateUpdate u = Ecb20250509();
  auto per_eur = [&](Currency c) {
    if (c == Cur("EUR")) return Decimal::FromUnits(1);
    for (const auto& [cur, r] : u.rates) {
      if (cur == c) return r;
    }
    ADD_FAILURE() << c.code();
    return Decimal::FromUnits(1);
  };
  for (Currency a : all) {
    for (Currency b : all) {
      if (a == b) continue;
      const std::pair<uint16_t, uint16_t> key{a.numeric(), b.numeric()};
      EXPECT_EQ(before[key],
                *CrossRate(per_eur(a), per_eur(b), Rounding::kHalfEven))
          << a.code() << b.code();
    }
  }
  // A later posting against USD (the same market seen from USD) moves
  // only the currencies it names.
  RateUpdate from_usd;
  from_usd.base = Cur("USD");
  from_usd.as_of_ns = kFixing + kSec;
  from_usd.source = "operator";
  from_usd.rates.emplace_back(Cur("THB"), Rate("33.000000000000"));
  ASSERT_TRUE(fx.SetRates(from_usd, kFixing + kSec).ok());
  EXPECT_EQ(fx.base(), Cur("EUR"));
  const std::pair<uint16_t, uint16_t> usd_jpy{Cur("USD").numeric(),
                                              Cur("JPY").numeric()};
  EXPECT_EQ(*fx.Mid(Cur("USD"), Cur("JPY"), kFixing + kSec), before[usd_jpy]);
  EXPECT_EQ(*fx.Mid(Cur("EUR"), Cur("USD"), kFixing + kSec), Rate("1.1252"));
  // THB per USD comes back as posted (to the precision carried).
  EXPECT_EQ(fx.Mid(Cur("USD"), Cur("THB"), kFixing + kSec)->ToString(), "33");
}

TEST(FxStateTest, RefusesBadRateUpdatesAndChangesNothing) {
  FxState fx;
  RateUpdate u = Ecb20250509();
  u.rates.emplace_back(Cur("USD"), Rate("1.2"));
  Status s = fx.SetRates(u, kFixing);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().param,
            "rates[" + std::to_string(u.rates.size() - 1) + "].currency");
  EXPECT_FALSE(fx.base().has_value());
  u = Ecb20250509();
  u.rates.emplace_back(Cur("EUR"), Rate("1"));
  EXPECT_EQ(fx.SetRates(u, kFixing).error().message,
            "the base's rate is 1 by definition; leave it out");
  ASSERT_TRUE(fx.SetRates(Ecb20250509(), kFixing).ok());
  // Older than what the book holds.
  u = Ecb20250509();
  u.as_of_ns -= 86400 * kSec;
  EXPECT_FALSE(fx.SetRates(u, kFixing).ok());
  // Against a base the book cannot carry over.
  u.base = Cur("NGN");
  u.as_of_ns = kFixing + kSec;
  EXPECT_EQ(fx.SetRates(u, kFixing).error().param, "base");
  EXPECT_EQ(fx.Mid(Cur("USD"), Cur("JPY"), kFixing)->ToString(),
            "145.183078563811");
}

TEST(FxStateTest, StaleOrMissingRatesRefuseQuotesNamingTheSide) {
  FxState fx;
  QuoteRequest q{1, 7, Cur("USD"), Cur("THB"), true, 100'000, Validity::kMin1};
  EXPECT_EQ(fx.Price(q, kFixing).error().code, ErrorCode::kRATE_UNAVAILABLE);
  ASSERT_TRUE(fx.SetRates(Ecb20250509(), kFixing).ok());
  ASSERT_TRUE(fx.Price(q, kFixing + 95 * 3600 * kSec).ok());
  Result<Quote> stale = fx.Price(q, kFixing + 97 * 3600 * kSec);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kRATE_STALE);
  EXPECT_EQ(stale.error().param, "sellCurrency");
  EXPECT_NE(stale.error().message.find("97 hours old"), std::string::npos)
      << stale.error().message;
  // A fresh USD rate: now THB is the stale side.
  RateUpdate usd;
  usd.base = Cur("EUR");
  usd.as_of_ns = kFixing + 96 * 3600 * kSec;
  usd.source = "ECB";
  usd.rates.emplace_back(Cur("USD"), Rate("1.13"));
  ASSERT_TRUE(fx.SetRates(usd, usd.as_of_ns).ok());
  EXPECT_EQ(fx.Price(q, kFixing + 97 * 3600 * kSec).error().param,
            "buyCurrency");
  q.buy = Cur("NGN");
  EXPECT_EQ(fx.Price(q, kFixing).error().code, ErrorCode::kRATE_UNAVAILABLE);
  EXPECT_EQ(fx.Price(q, kFixing).error().param, "buyCurrency");
}

TEST(FxStateTest, SpreadAddsCorridorTierBandAndValidity) {
  FxState fx;
  ASSERT_TRUE(fx.SetRates(Ecb20250509(), kFixing).ok());
  PricingConfig p = PricingConfig::Default();
  p.corridors = {{std::nullopt, std::nullopt, 50, 0},
                 {Cur("USD"), std::nullopt, 40, 0},
                 {std::nullopt, Cur("THB"), 70, 0},
                 {Cur("USD"), Cur("THB"), 80, 10}};
  p.tier_adjust_bps = {0, -5, -10, -20};
  p.bands = {{0, 0}, {1'000'000, -5}};  // from USD 10,000.00
  p.validity_adjust_bps = {0, 5, 10, 15, 40};
  p.principal_tiers = {{7, Tier::kGold}};
  ASSERT_TRUE(fx.SetPricing(p).ok());
  auto spread = [&](std::string_view sell, std::string_view buy, u128 who,
                    int64_t minor, Validity v) {
    Result<Quote> q =
        fx.Price({1, who, Cur(sell), Cur(buy), true, minor, v}, kFixing);
    EXPECT_TRUE(q.ok()) << q.error().ToString();
    return q.ok() ? q->spread_bps : 0u;
  };
  EXPECT_EQ(spread("USD", "THB", 1, 100, Validity::kMin1), 80u);
  EXPECT_EQ(spread("USD", "JPY", 1, 100, Validity::kMin1), 40u);
  EXPECT_EQ(spread("EUR", "THB", 1, 100, Validity::kMin1), 70u);
  EXPECT_EQ(spread("EUR", "JPY", 1, 100, Validity::kMin1), 50u);
  EXPECT_EQ(spread("USD", "THB", 7, 100, Validity::kMin1), 70u);  // gold
  EXPECT_EQ(spread("USD", "THB", 1, 1'000'000, Validity::kMin1), 75u);
  EXPECT_EQ(spread("USD", "THB", 1, 100, Validity::kHr24), 120u);
  EXPECT_EQ(spread("USD", "THB", 7, 5'000'000, Validity::kHr1), 80u);
  // EUR 10,000 is more than USD 10,000: the band is judged in USD.
  EXPECT_EQ(spread("EUR", "JPY", 1, 900'000, Validity::kMin1), 45u);
  // The fee: 10 bp of USD 1.00 is 0.1 cent, rounded up to a cent.
  Result<Quote> q = fx.Price(
      {1, 1, Cur("USD"), Cur("THB"), true, 100, Validity::kMin1}, kFixing);
  EXPECT_EQ(q->fee_minor, 1);
  // The quoted rate is the mid less the spread, never better.
  EXPECT_LT(q->rate, q->mid);
  EXPECT_EQ(q->rate, *ApplySpread(q->mid, 80));
}

TEST(FxStateTest, PricingValidationNamesTheField) {
  PricingConfig p = PricingConfig::Default();
  p.corridors.push_back({Cur("USD"), Cur("USD"), 10, 0});
  EXPECT_EQ(p.Validate().error().param, "corridors[1].buy");
  p = PricingConfig::Default();
  p.bands = {{0, 0}, {0, -5}};
  EXPECT_EQ(p.Validate().error().param, "bands[1].from");
  p = PricingConfig::Default();
  p.corridors[0].spread_bps = 6000;
  EXPECT_EQ(p.Validate().error().param, "corridors[0].spreadBps");
  p = PricingConfig::Default();
  p.stale_after_ns = 1;
  EXPECT_EQ(p.Validate().error().param, "staleAfterSeconds");
}

// For random amounts in random pairs, the customer never gets a fraction
// more (or pays a fraction less) than the quoted rate gives, each side
// rounds to at most one minor unit, and both ledgers balance.
TEST(FxStateTest, ConversionsBalanceAndNeverBeatTheQuotedRate) {
  const std::vector<std::string> codes = {"EUR", "USD", "JPY", "GBP", "THB",
                                          "KRW", "KWD", "BHD", "CLP", "IDR"};
  World w(codes);
  std::mt19937_64 rng(20250509);
  for (int i = 0; i < 2000; ++i) {
    const std::string& sell = codes[rng() % codes.size()];
    std::string buy = sell;
    while (buy == sell) buy = codes[rng() % codes.size()];
    const bool fixed_sell = rng() % 2 == 0;
    // Log-uniform amounts from 1 to 10^12 minor units.
    int64_t amount = 1;
    for (int d = static_cast<int>(rng() % 12); d > 0; --d) amount *= 10;
    amount = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(amount));
    QuoteRequest q{0,
                   0,
                   Cur(sell),
                   Cur(buy),
                   fixed_sell,
                   amount,
                   static_cast<Validity>(rng() % kValidityCount)};
    Result<Conversion> c = w.Convert(q, kFixing + i);
    if (!c.ok()) {
      // Only "too small to buy one minor unit" may refuse.
      ASSERT_EQ(c.error().code, ErrorCode::kINVALID_AMOUNT)
          << c.error().ToString();
      continue;
    }
    // exact = sell x rate in buy minor units, as a fraction over 10^shift.
    const int shift =
        Decimal::kDigits + Cur(sell).minor_units() - Cur(buy).minor_units();
    i128 scale = 1;
    for (int k = 0; k < shift; ++k) scale *= 10;
    const i128 exact_num = static_cast<i128>(c->sell_minor) * c->rate.scaled();
    const i128 buy_num = static_cast<i128>(c->buy_minor) * scale;
    // Never more than the rate gives…
    ASSERT_LE(buy_num, exact_num) << sell << "->" << buy << " " << amount;
    if (fixed_sell) {
      // …and less by under one minor unit of what is bought.
      ASSERT_LT(exact_num - buy_num, scale);
    } else {
      // Paying one minor unit less would beat the rate.
      ASSERT_LT((static_cast<i128>(c->sell_minor) - 1) * c->rate.scaled(),
                buy_num);
    }
  }
  // Both (every) ledgers balance: debits = credits, posted.
  std::map<uint32_t, std::pair<u128, u128>> totals;
  for (size_t i = 0; i < w.ledger.account_count(); ++i) {
    const ledger::Account& a = w.ledger.account_at(i);
    totals[a.ledger].first += a.debits_posted;
    totals[a.ledger].second += a.credits_posted;
  }
  for (const auto& [l, t] : totals) EXPECT_EQ(t.first, t.second) << l;
  w.ledger.CheckInvariants();
}

TEST(FxStateTest, QuotesExpireByTimeAndAreUsedOnce) {
  World w({"USD", "EUR"});
  QuoteRequest q{5 << 20, w.principal, Cur("USD"),     Cur("EUR"),
                 true,    10'000,      Validity::kMin1};
  Result<Quote> quote = w.fx.CreateQuote(q, kFixing);
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(quote->expires_ns, kFixing + 60 * kSec);
  EXPECT_EQ(w.fx.CreateQuote(q, kFixing).error().param, "id");
  // Another principal's quote is not there for them.
  EXPECT_EQ(w.fx.ConsumeQuote(q.id, 8, 1, kFixing).error().code,
            ErrorCode::kNOT_FOUND);
  EXPECT_EQ(
      w.fx.ConsumeQuote(q.id, w.principal, 1, kFixing + 60 * kSec).error().code,
      ErrorCode::kQUOTE_EXPIRED);
  ASSERT_TRUE(
      w.fx.ConsumeQuote(q.id, w.principal, 1, kFixing + 59 * kSec).ok());
  EXPECT_EQ(
      w.fx.ConsumeQuote(q.id, w.principal, 2, kFixing + 59 * kSec).error().code,
      ErrorCode::kQUOTE_ALREADY_USED);
  // Remembered for a day past expiry, then forgotten.
  w.fx.ExpireQuotes(kFixing + 3600 * kSec);
  EXPECT_NE(w.fx.FindQuote(q.id), nullptr);
  w.fx.ExpireQuotes(kFixing + 60 * kSec + 24 * 3600 * kSec);
  EXPECT_EQ(w.fx.FindQuote(q.id), nullptr);
  EXPECT_EQ(w.fx.live_quotes(), 0u);
}

TEST(FxStateTest, ConversionRefusalsNameTheFieldAndChangeNothing) {
  World w({"USD", "EUR", "JPY"});
  Result<Quote> quote = w.fx.CreateQuote(
      {9, w.principal, Cur("USD"), Cur("EUR"), true, 10'000, Validity::kMin1},
      kFixing);
  ASSERT_TRUE(quote.ok());
  ConversionRequest c{10, w.principal, 9, w.accounts["JPY"], w.accounts["EUR"]};
  EXPECT_EQ(w.fx.PlanConversion(c, kFixing, w.ledger).error().param,
            "fromAccountId");
  c.from_account = w.accounts["USD"];
  c.to_account = 123456;
  EXPECT_EQ(w.fx.PlanConversion(c, kFixing, w.ledger).error().code,
            ErrorCode::kNOT_FOUND);
  c.to_account = w.accounts["EUR"];
  c.principal = 8;  // not the owner of the quote or the accounts
  EXPECT_EQ(w.fx.PlanConversion(c, kFixing, w.ledger).error().param, "quoteId");
  c.principal = w.principal;
  Result<ConversionPlan> plan = w.fx.PlanConversion(c, kFixing, w.ledger);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->transfers.size(), 2u);  // no fee in the default pricing
  EXPECT_EQ(plan->transfers[0].flags, ledger::kTransferLinked);
  EXPECT_EQ(plan->transfers[1].flags, 0);
  EXPECT_EQ(plan->transfers[0].credit_account_id,
            HubAccountId(Cur("USD"), HubAccount::kLiquidity));
  EXPECT_EQ(plan->transfers[1].debit_account_id,
            HubAccountId(Cur("EUR"), HubAccount::kLiquidity));
}

TEST(FxStateTest, TheBookShowsPositionsAndProfitFromTheSpread) {
  World w({"USD", "EUR", "JPY"});
  // Sell USD 1,000,000.00 for EUR at mid less 50 bp.
  Result<Conversion> a = w.Convert(
      {0, 0, Cur("USD"), Cur("EUR"), true, 100'000'000, Validity::kMin1},
      kFixing);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  std::vector<Position> book = w.fx.Positions(w.ledger, kFixing);
  i128 unrealised = 0, realised = 0;
  for (const Position& p : book) {
    unrealised += p.unrealised_pico;
    realised += p.realised_pico;
    if (p.currency == Cur("USD")) {
      EXPECT_EQ(p.position_minor, 100'000'000);
    }
    if (p.currency == Cur("EUR")) {
      EXPECT_EQ(p.position_minor, -a->buy_minor);
    }
  }
  EXPECT_EQ(realised, 0);
  // The spread (50 bp less 15 bp for the size band: about USD 3,500) is
  // unrealised until the hub squares up.
  EXPECT_GT(unrealised, 3'490 * Decimal::kScale);
  EXPECT_LT(unrealised, 3'510 * Decimal::kScale);
  // Buying the EUR back (a customer sells EUR for USD) realises it.
  Result<Conversion> b = w.Convert(
      {0, 0, Cur("EUR"), Cur("USD"), true, a->buy_minor, Validity::kMin1},
      kFixing + 1);
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  book = w.fx.Positions(w.ledger, kFixing + 1);
  realised = 0;
  for (const Position& p : book) {
    realised += p.realised_pico;
    if (p.currency == Cur("EUR")) {
      EXPECT_EQ(p.position_minor, 0);
      EXPECT_EQ(p.unrealised_pico, 0);
    }
  }
  // Both spreads, realised: the first (35 bp of USD 1,000,000) on the EUR,
  // the second (45 bp of about USD 996,500: a smaller size band) on the USD.
  EXPECT_GT(realised, 7'950 * Decimal::kScale);
  EXPECT_LT(realised, 8'020 * Decimal::kScale);
}

TEST(FxStateTest, SnapshotSectionRoundTrips) {
  World w({"USD", "EUR"});
  ASSERT_TRUE(
      w.Convert({0, 0, Cur("USD"), Cur("EUR"), true, 12'345, Validity::kHr1},
                kFixing)
          .ok());
  InterestUpdate ir;
  ir.as_of_ns = kFixing;
  ir.rates = {{Cur("USD"), *Decimal::ParseInterest("0.04")},
              {Cur("EUR"), *Decimal::ParseInterest("-0.005")}};
  ASSERT_TRUE(w.fx.SetInterestRates(ir).ok());
  std::vector<uint8_t> bytes;
  ByteWriter writer(&bytes);
  w.fx.Serialize(&writer);
  ByteReader reader(bytes);
  Result<FxState> copy = FxState::Deserialize(&reader, {});
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(reader.remaining(), 0u);
  std::vector<uint8_t> again;
  ByteWriter w2(&again);
  copy->Serialize(&w2);
  EXPECT_EQ(bytes, again);
  // Truncations are refused, never crash.
  for (size_t n = 0; n < bytes.size(); n += 7) {
    ByteReader cut(bytes.data(), n);
    EXPECT_FALSE(FxState::Deserialize(&cut, {}).ok()) << n;
  }
}

TEST(FxStateTest, ForwardByInterestRateParity) {
  FxState fx;
  RateUpdate u;
  u.base = Cur("EUR");
  u.as_of_ns = kFixing;
  u.source = "test";
  u.rates = {{Cur("USD"), Rate("1.1")}};
  ASSERT_TRUE(fx.SetRates(u, kFixing).ok());
  EXPECT_EQ(fx.ForwardRate(Cur("EUR"), Cur("USD"), 90, kFixing).error().param,
            "base");
  ASSERT_TRUE(
      fx.SetInterestRates({kFixing,
                           {{Cur("USD"), *Decimal::ParseInterest("0.04")},
                            {Cur("EUR"), *Decimal::ParseInterest("0.02")}}})
          .ok());
  Result<Forward> f = fx.ForwardRate(Cur("EUR"), Cur("USD"), 90, kFixing);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  EXPECT_EQ(f->spot.ToString(), "1.1");
  EXPECT_EQ(f->forward.ToString(), "1.105472636816");  // ≈ 1.10547
  EXPECT_EQ(f->base_basis, 360);
  // Points: (F - S) x 10^4 = 54.72636816.
  EXPECT_EQ(Decimal::FromScaled(f->points_scaled).ToString(), "54.72636816");
}

TEST(FxCommandsTest, EveryBodyRoundTripsAndTruncationsAreRefused) {
  QuoteRequest q{1, 2, Cur("USD"), Cur("JPY"), false, 999, Validity::kHr24};
  std::vector<uint8_t> b = EncodeQuoteRequest(q);
  Result<QuoteRequest> q2 = DecodeQuoteRequest(b);
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(q2->buy, Cur("JPY"));
  EXPECT_FALSE(q2->fixed_sell);
  EXPECT_EQ(q2->validity, Validity::kHr24);
  b.pop_back();
  EXPECT_FALSE(DecodeQuoteRequest(b).ok());
  PricingConfig p = PricingConfig::Default();
  p.principal_tiers = {{5, Tier::kPlatinum}};
  b = EncodePricing(p);
  Result<PricingConfig> p2 = DecodePricing(b);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(EncodePricing(*p2), b);
  RateUpdate u = Ecb20250509();
  b = EncodeRateUpdate(u);
  Result<RateUpdate> u2 = DecodeRateUpdate(b);
  ASSERT_TRUE(u2.ok());
  EXPECT_EQ(EncodeRateUpdate(*u2), b);
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(DecodeRateUpdate({b.data(), n}).ok()) << n;
  }
}

}  // namespace
}  // namespace meridian::fx
