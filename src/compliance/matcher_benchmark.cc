// Screening latency (issue 5 goal: one name against all lists, p99 at most
// 200 µs on one core). Until the list loaders are merged the index is
// synthetic: 25,000 entries with about two aliases each (testing/
// synthetic_names.h); queries are listed names with typos, reorderings and
// missing or extra words, and names on no list, half and half.
//
//   build/release/src/compliance/matcher_benchmark
//
// BM_Screen reports p50_us and p99_us over every call it made, and how many
// vocabulary units (compared_per_screen) and names (scored_per_screen) a
// screen examined on average.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "compliance/matcher.h"
#include "compliance/screening_index.h"
#include "compliance/testing/synthetic_names.h"

namespace meridian::compliance {
namespace {

struct Fixture {
  std::unique_ptr<ScreeningIndex> index;
  std::vector<std::string> queries;
};

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    testing::SyntheticNames gen(42);
    std::vector<ListEntry> entries = gen.Entries(25'000, 2);
    f->index = std::make_unique<ScreeningIndex>(ScreeningIndex::Build(entries));
    for (int i = 0; i < 4000; ++i) {
      if (i % 2 == 0) {
        const ListEntry& e = entries[gen.Pick(entries.size())];
        f->queries.push_back(gen.Perturb(e.name));
      } else {
        f->queries.push_back(gen.Name(2, 4));
      }
    }
    return f;
  }();
  return *fixture;
}

void BM_Screen(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::vector<double> micros;
  size_t i = 0, compared = 0, scored = 0, hits = 0;
  for (auto _ : state) {
    ScreenQuery q;
    q.name = f.queries[i++ % f.queries.size()];
    auto start = std::chrono::steady_clock::now();
    std::vector<Hit> result = f.index->Screen(q, kDefaultThreshold, 20);
    micros.push_back(std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - start)
                         .count());
    benchmark::DoNotOptimize(result);
    compared += ScreeningIndex::LastComparedCount();
    scored += ScreeningIndex::LastScoredCount();
    hits += !result.empty();
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&](double p) {
    return micros[std::min(micros.size() - 1,
                           static_cast<size_t>(p * micros.size()))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["compared_per_screen"] =
      static_cast<double>(compared) / micros.size();
  state.counters["scored_per_screen"] =
      static_cast<double>(scored) / micros.size();
  state.counters["with_hits"] = static_cast<double>(hits) / micros.size();
  state.counters["entries"] = static_cast<double>(f.index->entry_count());
  state.counters["names"] = static_cast<double>(f.index->name_count());
}
BENCHMARK(BM_Screen)->Iterations(20'000)->Unit(benchmark::kMicrosecond);

void BM_ScorePrepared(benchmark::State& state) {
  PreparedName a = PrepareName("Vladimir Vladimirovich Puttin");
  PreparedName b = PrepareName("PUTIN, Vladimir Vladimirovich");
  for (auto _ : state) benchmark::DoNotOptimize(ScorePrepared(a, b));
}
BENCHMARK(BM_ScorePrepared);

void BM_NormalizeLatin(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeName("PUTIN, Vladimir Vladimirovich"));
  }
}
BENCHMARK(BM_NormalizeLatin);

void BM_NormalizeCyrillic(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeName("Владимир Владимирович Путин"));
  }
}
BENCHMARK(BM_NormalizeCyrillic);

void BM_BuildIndex(benchmark::State& state) {
  testing::SyntheticNames gen(7);
  std::vector<ListEntry> entries = gen.Entries(25'000, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ScreeningIndex::Build(entries));
  }
}
BENCHMARK(BM_BuildIndex)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace meridian::compliance

BENCHMARK_MAIN();
