// Training and evaluation of the fraud model on simulated traffic
// (`meridian risk train`; spec/compliance_risk.md "Fraud risk": "Measured:
// AUC, and recall at 1 % false-positive rate, on a held-out simulated day;
// and the decline rate of genuine payments").
//
//   TrainOptions o;                 // seed 1, 4 training days
//   MERIDIAN_ASSIGN_OR_RETURN(TrainResult r, TrainAndEvaluate(o, rules));
//   r.model;                        // XGBoost JSON, for models/risk/
//   r.report.auc;                   // on the held-out day
//
// Features are computed exactly as the engine will: through one
// FeatureState, in time order, Compute() then Record() for every payment.
// While training there is no model yet, so Record() gets the issuer's
// answer. The evaluation simulates a different world (eval_seed): its first
// day only warms the feature state up; the second is scored by the model
// (AUC, recall at 1 % FPR) and by the full scorer with the given rules,
// recording the outcome the engine would (risk declines; failed step-ups for
// fraud, which cannot pass 3-D Secure; the issuer's answer otherwise).
#ifndef MERIDIAN_RISK_TRAIN_H_
#define MERIDIAN_RISK_TRAIN_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "risk/model.h"
#include "risk/rules.h"
#include "risk/sim/traffic.h"

namespace meridian::risk {

struct TrainOptions {
  uint64_t seed = 1;
  int days = 4;  // 1..60
  sim::TrafficConfig traffic;  // seed and days come from above
  TrainParams params{.rounds = 60, .max_depth = 5, .eta = 0.3,
                     .min_child_weight = 1.0, .scale_pos_weight = 5.0,
                     .seed = 0};
  // The held-out world; 0: seed + 1000.
  uint64_t eval_seed = 0;
};

struct KindFigures {
  int64_t payments = 0;
  int64_t flagged_at_1pct_fpr = 0;  // model score above the 1 % threshold
  int64_t stopped = 0;              // scorer: DECLINE, REVIEW or CHALLENGE
};

struct EvalReport {
  // The model alone on the held-out day.
  double auc = 0;
  double recall_at_1pct_fpr = 0;
  float threshold_at_1pct_fpr = 0;  // probability
  // The full scorer (rules + model) on the held-out day.
  double genuine_friction_rate = 0;  // genuine declined, reviewed or challenged
  double genuine_decline_rate = 0;   // genuine declined
  double fraud_stopped_rate = 0;     // fraud declined, reviewed or challenged
  std::array<int64_t, 4> genuine_decisions{};  // by Decision
  std::array<int64_t, 4> fraud_decisions{};
  std::array<KindFigures, sim::kFraudKindCount> kinds{};
  // Sizes.
  int64_t train_rows = 0;
  int64_t train_frauds = 0;
  int64_t eval_rows = 0;
  int64_t eval_frauds = 0;
  int64_t trees = 0;
  int64_t model_bytes = 0;
};

struct TrainResult {
  std::vector<uint8_t> model;
  EvalReport report;
};

// Rows (features) and labels of `days` simulated days, computed in time
// order through one FeatureState; `skip_days` first days only warm it up.
struct Dataset {
  std::vector<float> matrix;  // rows x kFeatureCount
  std::vector<float> labels;
  std::vector<sim::FraudKind> kinds;
  size_t rows() const { return labels.size(); }
};
Dataset BuildDataset(const sim::TrafficConfig& traffic, int days,
                     int skip_days);

Result<TrainResult> TrainAndEvaluate(const TrainOptions& options,
                                     const RiskRules& rules);

// Evaluates `model` (and `rules`, through the scorer) on the held-out world.
Result<EvalReport> Evaluate(const std::vector<uint8_t>& model,
                            const RiskRules& rules,
                            const sim::TrafficConfig& eval_traffic);

// Mann-Whitney AUC (ties count half) and recall at `fpr` (the fraction of
// positives scoring above the highest score that keeps the false-positive
// rate at or under `fpr`).
double Auc(const std::vector<float>& scores, const std::vector<float>& labels);
double RecallAtFpr(const std::vector<float>& scores,
                   const std::vector<float>& labels, double fpr,
                   float* threshold);

}  // namespace meridian::risk

#endif  // MERIDIAN_RISK_TRAIN_H_
