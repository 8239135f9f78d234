// Fraud-risk scoring cost on simulated traffic (docs/benchmarks.md, "Risk
// scoring"):
//   build/release/src/risk/risk_benchmark
// Each benchmark reports p50/p99 (ns) of single calls as counters besides
// Google Benchmark's mean.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>

#include "risk/scorer.h"
#include "risk/sim/traffic.h"
#include "risk/testing/risk_files.h"

namespace meridian::risk {
namespace {

// A warmed-up scorer: `days` simulated days of `payers` payers recorded,
// then the next day's payments to score.
struct World {
  RiskScorer scorer;
  std::vector<sim::SimPayment> next_day;
};

World MakeWorld(int payers, int days) {
  Result<RiskScorer> s = RiskScorer::Create(testing::DefaultRulesText(),
                                            testing::ShippedModel());
  MERIDIAN_CHECK(s.ok()) << s.error().ToString();
  sim::TrafficSimulator simulator({.seed = 77, .payers = payers,
                                   .merchants = 2'000});
  World w{std::move(s).value(), {}};
  for (int d = 0; d < days; ++d) {
    for (const sim::SimPayment& p : simulator.Day(d)) {
      w.scorer.Record(p.attempt, p.issuer_approves ? Outcome::kApproved
                                                   : Outcome::kDeclined);
    }
  }
  w.next_day = simulator.Day(days);
  return w;
}

World& SharedWorld() {
  static World* w = new World(MakeWorld(50'000, 2));
  return *w;
}

template <typename F>
void Timed(benchmark::State& state, size_t n, F f) {
  std::vector<int64_t> ns;
  ns.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    f(i);
    auto t1 = std::chrono::steady_clock::now();
    if (ns.size() < (1u << 20)) {
      ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0)
              .count());
    }
    i = (i + 1) % n;
  }
  std::sort(ns.begin(), ns.end());
  if (!ns.empty()) {
    state.counters["p50_ns"] = static_cast<double>(ns[ns.size() / 2]);
    state.counters["p99_ns"] = static_cast<double>(ns[ns.size() * 99 / 100]);
    state.counters["max_ns"] = static_cast<double>(ns.back());
  }
}

// Features + rules + compiled model, and Record, on the next day's traffic.
void BM_Assess(benchmark::State& state) {
  World& w = SharedWorld();
  state.counters["entities"] = static_cast<double>(
      w.scorer.features().sizes()[0] + w.scorer.features().sizes()[1] +
      w.scorer.features().sizes()[2] + w.scorer.features().sizes()[3]);
  state.counters["state_MiB"] =
      static_cast<double>(w.scorer.features().ApproxBytes()) / (1 << 20);
  Timed(state, w.next_day.size(), [&](size_t i) {
    benchmark::DoNotOptimize(w.scorer.Assess(w.next_day[i].attempt));
  });
}
BENCHMARK(BM_Assess);

// The same without per-call clocks: the mean alone, to show what the two
// clock reads of Timed() add.
void BM_AssessMeanOnly(benchmark::State& state) {
  World& w = SharedWorld();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(w.scorer.Assess(w.next_day[i].attempt));
    i = (i + 1) % w.next_day.size();
  }
}
BENCHMARK(BM_AssessMeanOnly);

void BM_ClockPair(benchmark::State& state) {
  Timed(state, 1, [](size_t) {});
}
BENCHMARK(BM_ClockPair);

void BM_AssessAndRecord(benchmark::State& state) {
  World w = MakeWorld(5'000, 1);
  Timed(state, w.next_day.size(), [&](size_t i) {
    const sim::SimPayment& p = w.next_day[i];
    Assessment a = w.scorer.Assess(p.attempt);
    w.scorer.Record(p.attempt, a.decision == Decision::kDecline
                                   ? Outcome::kRiskDeclined
                                   : Outcome::kApproved);
    benchmark::DoNotOptimize(a);
  });
}
BENCHMARK(BM_AssessAndRecord);

void BM_FeaturesOnly(benchmark::State& state) {
  World& w = SharedWorld();
  Timed(state, w.next_day.size(), [&](size_t i) {
    benchmark::DoNotOptimize(
        w.scorer.features().Compute(w.next_day[i].attempt));
  });
}
BENCHMARK(BM_FeaturesOnly);

// The model alone: the compiled trees against XGBoost's C API, one row.
void BM_ModelCompiled(benchmark::State& state) {
  World& w = SharedWorld();
  std::vector<std::array<float, kFeatureCount>> rows;
  for (size_t i = 0; i < 4096 && i < w.next_day.size(); ++i) {
    rows.push_back(ModelRow(w.scorer.features().Compute(w.next_day[i].attempt)));
  }
  const CompiledModel* m = w.scorer.model();
  Timed(state, rows.size(), [&](size_t i) {
    benchmark::DoNotOptimize(m->ScoreBpRow(rows[i].data()));
  });
}
BENCHMARK(BM_ModelCompiled);

void BM_ModelXgboostCApi(benchmark::State& state) {
  World& w = SharedWorld();
  std::vector<std::array<float, kFeatureCount>> rows;
  for (size_t i = 0; i < 4096 && i < w.next_day.size(); ++i) {
    rows.push_back(ModelRow(w.scorer.features().Compute(w.next_day[i].attempt)));
  }
  Result<XgbModel> xgb = XgbModel::Load(testing::ShippedModel());
  MERIDIAN_CHECK(xgb.ok());
  Timed(state, rows.size(), [&](size_t i) {
    benchmark::DoNotOptimize(xgb->PredictOne(rows[i].data()));
  });
}
BENCHMARK(BM_ModelXgboostCApi);

}  // namespace
}  // namespace meridian::risk

BENCHMARK_MAIN();
