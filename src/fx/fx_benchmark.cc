// Micro-benchmarks of FX pricing and conversion on the engine thread's
// path, without journal or threads.
//   build/release/src/fx/fx_benchmark
// Book: 29 currencies of an ECB fixing against EUR; pairs drawn
// uniformly from 8 of them; amounts log-uniform from 1 to 10^9 minor units.
#include <benchmark/benchmark.h>

#include <map>
#include <vector>

#include "fx/fx_state.h"

namespace meridian::fx {
namespace {

constexpr int64_t kNow = 1'746'796'200LL * 1'000'000'000;
const char* kCodes[] = {"USD", "JPY", "GBP", "THB", "KRW", "SGD", "IDR", "CHF"};

FxState Book() {
  FxState fx;
  RateUpdate u;
  u.base = *Currency::FromCode("EUR");
  u.as_of_ns = kNow;
  u.source = "ECB";
  const std::pair<const char*, const char*> rates[] = {
      {"USD", "1.1252"},   {"JPY", "163.36"},  {"GBP", "0.8477"},
      {"THB", "37.132"},   {"KRW", "1575.72"}, {"SGD", "1.46"},
      {"IDR", "18606.59"}, {"CHF", "0.9353"},  {"CZK", "24.946"},
      {"DKK", "7.4604"},   {"HUF", "404.9"},   {"PLN", "4.2393"},
      {"RON", "5.1181"},   {"SEK", "10.92"},   {"ISK", "146.9"},
      {"NOK", "11.6725"},  {"TRY", "43.5999"}, {"AUD", "1.7572"},
      {"BRL", "6.3647"},   {"CAD", "1.5658"},  {"CNY", "8.147"},
      {"HKD", "8.7519"},   {"ILS", "3.9928"},  {"INR", "96.0755"},
      {"MXN", "21.9473"},  {"MYR", "4.835"},   {"NZD", "1.9095"},
      {"PHP", "62.413"},   {"ZAR", "20.4835"}};
  for (auto [c, r] : rates) {
    u.rates.emplace_back(*Currency::FromCode(c), *Decimal::ParseRate(r));
  }
  (void)fx.SetRates(u, kNow);
  return fx;
}

struct Draw {
  uint64_t x = 88172645463325252ull;
  uint64_t Next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
  QuoteRequest Request(u128 id) {
    QuoteRequest q;
    q.id = id;
    q.principal = 7;
    q.sell = *Currency::FromCode(kCodes[Next() % 8]);
    do {
      q.buy = *Currency::FromCode(kCodes[Next() % 8]);
    } while (q.buy == q.sell);
    int64_t amount = 1;
    for (int d = static_cast<int>(Next() % 9); d > 0; --d) amount *= 10;
    q.amount_minor = 1 + static_cast<int64_t>(Next() % amount);
    q.fixed_sell = Next() % 2 == 0;
    q.validity = static_cast<Validity>(Next() % kValidityCount);
    return q;
  }
};

void BM_Mid(benchmark::State& state) {
  FxState fx = Book();
  Draw d;
  for (auto _ : state) {
    QuoteRequest q = d.Request(1);
    benchmark::DoNotOptimize(fx.Mid(q.sell, q.buy, kNow));
  }
}
BENCHMARK(BM_Mid);

// Pricing alone: corridor, tier, size band, spread, rounding, fee.
void BM_Price(benchmark::State& state) {
  FxState fx = Book();
  Draw d;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fx.Price(d.Request(1), kNow));
  }
}
BENCHMARK(BM_Price);

// A quote made and remembered, then converted: plan, three linked ledger
// transfers, book update. Customer accounts hold plenty in each currency.
void BM_QuoteAndConvert(benchmark::State& state) {
  FxState fx = Book();
  ledger::Ledger ledger;
  std::vector<ledger::EventResult> results;
  std::vector<Currency> all = {*Currency::FromCode("EUR")};
  for (const char* c : kCodes) all.push_back(*Currency::FromCode(c));
  uint64_t ts = 1;
  std::vector<ledger::Account> hub = MissingHubAccounts(all, ledger);
  ledger.CreateAccounts(hub, ts, &results);
  ts += hub.size();
  std::map<uint16_t, u128> account;
  for (Currency c : all) {
    ledger::Account a{};
    a.id = 1000 + c.numeric();
    a.ledger = c.ledger();
    a.code = 1;
    a.user_data = 7;
    ledger.CreateAccounts({&a, 1}, ts++, &results);
    account[c.numeric()] = a.id;
  }
  Draw d;
  u128 id = u128{1} << 64;
  int64_t now = kNow;
  for (auto _ : state) {
    Result<Quote> q = fx.CreateQuote(d.Request(++id), ++now);
    if (!q.ok()) continue;
    ConversionRequest c{++id, 7, q->id, account[q->sell.numeric()],
                        account[q->buy.numeric()]};
    Result<ConversionPlan> plan = fx.PlanConversion(c, now, ledger);
    if (!plan.ok()) continue;
    fx.SyncBook(*plan, ledger, now);
    results.clear();
    ledger.CreateTransfers(plan->transfers, ts, &results);
    ts += plan->transfers.size();
    if (results.empty()) fx.CommitConversion(*plan, now);
  }
  state.counters["live_quotes"] = static_cast<double>(fx.live_quotes());
}
BENCHMARK(BM_QuoteAndConvert);

}  // namespace
}  // namespace meridian::fx

BENCHMARK_MAIN();
