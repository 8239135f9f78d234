#include "cli/risk_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/json/json_writer.h"

namespace meridian::cli {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "meridian risk train: %s\n", message.c_str());
  return 1;
}

// Ratios to 4 decimals, written without floating-point text quirks.
std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

bool WriteFile(const std::string& path, std::string_view bytes) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

std::string RiskReportJson(const risk::EvalReport& r,
                           const RiskTrainOptions& o) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  w.Key("auc").RawValue(Fixed(r.auc));
  w.Key("recall_at_1pct_fpr").RawValue(Fixed(r.recall_at_1pct_fpr));
  w.Key("threshold_at_1pct_fpr")
      .RawValue(Fixed(static_cast<double>(r.threshold_at_1pct_fpr)));
  w.Key("genuine_friction_rate").RawValue(Fixed(r.genuine_friction_rate));
  w.Key("genuine_decline_rate").RawValue(Fixed(r.genuine_decline_rate));
  w.Key("fraud_stopped_rate").RawValue(Fixed(r.fraud_stopped_rate));
  w.Key("train_rows").Int(r.train_rows);
  w.Key("train_frauds").Int(r.train_frauds);
  w.Key("eval_rows").Int(r.eval_rows);
  w.Key("eval_frauds").Int(r.eval_frauds);
  w.Key("trees").Int(r.trees);
  w.Key("model_bytes").Int(r.model_bytes);
  w.Key("decisions").BeginObject();
  for (auto [name, counts] : {std::pair{"genuine", &r.genuine_decisions},
                              {"fraud", &r.fraud_decisions}}) {
    w.Key(name).BeginObject();
    for (size_t d = 0; d < counts->size(); ++d) {
      w.Key(risk::DecisionName(static_cast<risk::Decision>(d)))
          .Int((*counts)[d]);
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("kinds").BeginObject();
  for (size_t k = 0; k < r.kinds.size(); ++k) {
    const risk::KindFigures& f = r.kinds[k];
    w.Key(risk::sim::FraudKindName(static_cast<risk::sim::FraudKind>(k)))
        .BeginObject();
    w.Key("payments").Int(f.payments);
    w.Key("flagged_at_1pct_fpr").Int(f.flagged_at_1pct_fpr);
    w.Key("stopped_by_scorer").Int(f.stopped);
    w.EndObject();
  }
  w.EndObject();
  w.Key("training").BeginObject();
  w.Key("seed").Uint(o.seed);
  w.Key("days").Int(o.days);
  w.Key("payers").Int(o.payers);
  w.Key("rounds").Int(o.rounds);
  w.Key("max_depth").Int(o.max_depth);
  w.Key("eval_seed").Uint(o.seed + 1000);
  w.Key("rules").String(o.rules);
  w.EndObject();
  w.EndObject();
  return body;
}

CLI::App* AddRiskTrain(CLI::App* risk, RiskTrainOptions* o) {
  CLI::App* train = risk->add_subcommand(
      "train",
      "Simulate labelled traffic (card testing, account takeover, stolen "
      "cards planted), train the XGBoost fraud model on features computed "
      "as the engine does, evaluate it on a held-out simulated day");
  train->add_option("--seed", o->seed, "simulation seed (default 1)");
  train->add_option("--days", o->days, "training days (default 4)")
      ->check(CLI::Range(1, 60));
  train->add_option("--payers", o->payers, "simulated payers (default 5000)")
      ->check(CLI::Range(100, 1'000'000));
  train->add_option("--rounds", o->rounds, "trees (default 60)")
      ->check(CLI::Range(1, 1000));
  train->add_option("--max-depth", o->max_depth, "tree depth (default 5)")
      ->check(CLI::Range(1, 10));
  train->add_option("--rules", o->rules,
                    "rules for the scorer's figures (default "
                    "policies/risk/rules.toml)");
  train->add_option("--out", o->out,
                    "model file (default models/risk/model.json; \"\": none)");
  train->add_option("--report", o->report,
                    "report file (default models/risk/report.json; \"\": "
                    "none)");
  train->add_flag("--json", o->json, "print one JSON object");
  return train;
}

int RunRiskTrain(const RiskTrainOptions& o) {
  std::ifstream in(o.rules, std::ios::binary);
  if (!in) return Fail("cannot read the rules file " + o.rules);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  Result<risk::RiskRules> rules = risk::RiskRules::Parse(text);
  if (!rules.ok()) return Fail(o.rules + ": " + rules.error().ToString());

  risk::TrainOptions t;
  t.seed = o.seed;
  t.days = o.days;
  t.traffic.payers = o.payers;
  t.params.rounds = o.rounds;
  t.params.max_depth = o.max_depth;
  auto start = std::chrono::steady_clock::now();
  Result<risk::TrainResult> r = risk::TrainAndEvaluate(t, *rules);
  if (!r.ok()) return Fail(r.error().ToString());
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  std::string report = RiskReportJson(r->report, o);
  if (!o.out.empty() &&
      !WriteFile(o.out, std::string_view(
                            reinterpret_cast<const char*>(r->model.data()),
                            r->model.size()))) {
    return Fail("cannot write " + o.out);
  }
  if (!o.report.empty() && !WriteFile(o.report, report + "\n")) {
    return Fail("cannot write " + o.report);
  }
  if (o.json) {
    std::printf("%s\n", report.c_str());
    return 0;
  }
  const risk::EvalReport& e = r->report;
  std::printf(
      "trained %lld trees (%lld bytes) on %lld rows (%lld fraud) in %.1f s\n"
      "held-out day: %lld payments, %lld fraud\n"
      "  AUC %.4f, recall at 1%% FPR %.4f\n"
      "  scorer with %s: genuine friction %.4f (declined %.4f), fraud "
      "stopped %.4f\n"
      "model: %s  report: %s\n",
      static_cast<long long>(e.trees), static_cast<long long>(e.model_bytes),
      static_cast<long long>(e.train_rows),
      static_cast<long long>(e.train_frauds), seconds,
      static_cast<long long>(e.eval_rows),
      static_cast<long long>(e.eval_frauds), e.auc, e.recall_at_1pct_fpr,
      o.rules.c_str(), e.genuine_friction_rate, e.genuine_decline_rate,
      e.fraud_stopped_rate, o.out.c_str(), o.report.c_str());
  return 0;
}

}  // namespace meridian::cli
