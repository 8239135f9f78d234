// `meridian risk train [--seed N] [--days D] [--out FILE] [--report FILE]
// [--json]`: simulates labelled traffic (risk/sim/traffic.h), computes the
// features through FeatureState as the engine does, trains the XGBoost
// model, evaluates it with the default rules on a held-out simulated day of
// another world and writes the model and its report (risk/train.h).
//
//   meridian risk train                         # models/risk/model.json
//   meridian risk train --seed 2 --days 6 --json
//
// --json prints one object: auc, recall_at_1pct_fpr, genuine_friction_rate,
// genuine_decline_rate, fraud_stopped_rate, sizes (train_rows, train_frauds,
// eval_rows, eval_frauds, trees, model_bytes), per fraud kind figures and
// decision counts. The same object is the --report file.
#ifndef MERIDIAN_CLI_RISK_COMMAND_H_
#define MERIDIAN_CLI_RISK_COMMAND_H_

#include <cstdint>
#include <string>

#include "risk/train.h"

namespace CLI {
class App;
}

namespace meridian::cli {

struct RiskTrainOptions {
  uint64_t seed = 1;
  int days = 4;
  int payers = 5'000;
  int rounds = 60;
  int max_depth = 5;
  std::string rules = "policies/risk/rules.toml";
  std::string out = "models/risk/model.json";
  std::string report = "models/risk/report.json";
  bool json = false;
};

// The report object (deterministic: no timings).
std::string RiskReportJson(const risk::EvalReport& r,
                           const RiskTrainOptions& options);

// Adds `train` under `risk` with its flags bound to *options (keeps
// main.cc to a few lines).
CLI::App* AddRiskTrain(CLI::App* risk, RiskTrainOptions* options);

int RunRiskTrain(const RiskTrainOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_RISK_COMMAND_H_
