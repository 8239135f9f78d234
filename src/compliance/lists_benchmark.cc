// Load time of the sanctions lists in ../shared/data/sanctions: the whole
// folder as a server start does it, and each list alone.
//   build/release/src/compliance/lists_benchmark
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "compliance/lists.h"

namespace meridian::compliance {
namespace {

std::string SanctionsDir() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/sanctions";
}

bool HaveData(benchmark::State& state) {
  if (std::filesystem::is_directory(SanctionsDir())) return true;
  state.SkipWithError("../shared/data/sanctions is not beside the repo");
  return false;
}

void BM_LoadSanctionsDir(benchmark::State& state) {
  if (!HaveData(state)) return;
  size_t entries = 0;
  for (auto _ : state) {
    LoadReport report =
        LoadSanctionsDir(SanctionsDir(), [](std::string_view) {});
    if (!report.refused.empty()) {
      state.SkipWithError(report.refused[0].second.ToString().c_str());
      return;
    }
    entries = 0;
    for (const LoadedList& l : report.lists) entries += l.info.entries;
    benchmark::DoNotOptimize(report);
  }
  state.counters["entries"] = static_cast<double>(entries);
}
BENCHMARK(BM_LoadSanctionsDir)->Unit(benchmark::kMillisecond);

using Loader = Result<LoadedList> (*)(const std::string&);

void BM_Load(benchmark::State& state, Loader load,
             const std::string& relative) {
  if (!HaveData(state)) return;
  const std::string path = SanctionsDir() + "/" + relative;
  for (auto _ : state) {
    Result<LoadedList> list = load(path);
    if (!list.ok()) {
      state.SkipWithError(list.error().ToString().c_str());
      return;
    }
    state.counters["entries"] = static_cast<double>(list->info.entries);
    benchmark::DoNotOptimize(list);
  }
}
BENCHMARK_CAPTURE(BM_Load, ofac_sdn, &LoadOfacSdn, std::string("ofac"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Load, ofac_cons, &LoadOfacConsolidated,
                  std::string("ofac_consolidated"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Load, un, &LoadUnXml, std::string("un/consolidated.xml"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Load, uk, &LoadUkCsv,
                  std::string("uk/uk_sanctions_list.csv"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Load, us_csl, &LoadUsCsl, std::string("us_csl/csl.csv"))
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace meridian::compliance

BENCHMARK_MAIN();
