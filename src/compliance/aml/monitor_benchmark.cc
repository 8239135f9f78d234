// Flows per second through Monitor::Observe on the AMLSim sample
// (../shared/data/aml/amlsim, 120,558 flows among 20,000 accounts): from an
// empty monitor each iteration (the cost includes creating 20,000 account
// states), and over warm state.
//   build/release/src/compliance/aml/monitor_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compliance/aml/amlsim.h"
#include "compliance/aml/eval.h"
#include "compliance/aml/monitor.h"

namespace meridian::compliance::aml {
namespace {

// The sample's flows in time order, read once; empty when it is absent.
const std::vector<Flow>& SampleFlows() {
  static const std::vector<Flow> flows = [] {
    std::vector<Flow> out;
    Result<AmlsimSample> s = ReadAmlsimSample(
        std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/aml/amlsim",
        "20K_fanin200cycle200");
    if (!s.ok()) return out;
    for (const AmlsimTransaction& tx : s->transactions) {
      out.push_back(ToFlow(tx));
    }
    std::stable_sort(out.begin(), out.end(), [](const Flow& a, const Flow& b) {
      return a.time_ns < b.time_ns;
    });
    return out;
  }();
  return flows;
}

void Replay(benchmark::State& state, const MonitorConfig& config) {
  const std::vector<Flow>& flows = SampleFlows();
  if (flows.empty()) {
    state.SkipWithError("no AMLSim sample beside the project");
    return;
  }
  size_t alerts = 0;
  for (auto _ : state) {
    Monitor monitor(config);
    std::vector<Alert> out;
    out.reserve(4096);
    for (const Flow& f : flows) monitor.Observe(f, &out);
    alerts = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(flows.size()));
  state.counters["alerts"] = static_cast<double>(alerts);
}

void BM_ObserveAmlsimTuned(benchmark::State& state) {
  Replay(state, AmlsimConfig());
}
BENCHMARK(BM_ObserveAmlsimTuned)->Unit(benchmark::kMillisecond);

void BM_ObserveDefaults(benchmark::State& state) {
  Replay(state, MonitorConfig());
}
BENCHMARK(BM_ObserveDefaults)->Unit(benchmark::kMillisecond);

// Steady state: the monitor already holds every account (one pass of the
// sample before timing); each iteration replays the sample again, 150 days
// later each time, so the windows see fresh flows over warm state.
void BM_ObserveWarm(benchmark::State& state) {
  const std::vector<Flow>& flows = SampleFlows();
  if (flows.empty()) {
    state.SkipWithError("no AMLSim sample beside the project");
    return;
  }
  Monitor monitor(AmlsimConfig());
  std::vector<Alert> out;
  for (const Flow& f : flows) monitor.Observe(f, &out);
  int64_t shift = 0;
  for (auto _ : state) {
    shift += 150 * kNsPerDay;
    out.clear();
    for (Flow f : flows) {
      f.time_ns += shift;
      monitor.Observe(f, &out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(flows.size()));
}
BENCHMARK(BM_ObserveWarm)->Unit(benchmark::kMillisecond);

// Every rule on, paths unordered over 120 days and 1 % tolerance: the
// widest searches the config allows this sample to provoke.
void BM_ObserveAllRulesWide(benchmark::State& state) {
  MonitorConfig c = AmlsimConfig();
  c.fan_in.enabled = c.fan_out.enabled = c.layering.enabled = true;
  c.path.amount_tolerance_bp = 100;
  c.rapid_in_out.min_in_major = 0;
  Replay(state, c);
}
BENCHMARK(BM_ObserveAllRulesWide)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace meridian::compliance::aml

BENCHMARK_MAIN();
