#include "risk/train.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "risk/scorer.h"

namespace meridian::risk {

Dataset BuildDataset(const sim::TrafficConfig& traffic, int days,
                     int skip_days) {
  sim::TrafficSimulator simulator(traffic);
  FeatureState state(FeatureConfig{.max_payers = 1'000'000,
                                   .max_cards = 1'000'000,
                                   .max_devices = 1'000'000,
                                   .max_ips = 1'000'000});
  Dataset d;
  for (int day = 0; day < days; ++day) {
    for (const sim::SimPayment& p : simulator.Day(day)) {
      if (day >= skip_days) {
        FeatureVector f = state.Compute(p.attempt);
        std::array<float, kFeatureCount> row = ModelRow(f);
        d.matrix.insert(d.matrix.end(), row.begin(), row.end());
        d.labels.push_back(p.fraud ? 1.0f : 0.0f);
        d.kinds.push_back(p.kind);
      }
      state.Record(p.attempt,
                   p.issuer_approves ? Outcome::kApproved : Outcome::kDeclined);
    }
  }
  return d;
}

double Auc(const std::vector<float>& scores, const std::vector<float>& labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of the positives' ranks, ties given their average rank.
  double rank_sum = 0;
  int64_t pos = 0, neg = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (labels[order[k]] > 0.5f) {
        rank_sum += avg_rank;
        ++pos;
      } else {
        ++neg;
      }
    }
    i = j;
  }
  if (pos == 0 || neg == 0) return 0;
  return (rank_sum - static_cast<double>(pos) * (pos + 1) / 2) /
         (static_cast<double>(pos) * static_cast<double>(neg));
}

double RecallAtFpr(const std::vector<float>& scores,
                   const std::vector<float>& labels, double fpr,
                   float* threshold) {
  std::vector<float> genuine;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] <= 0.5f) genuine.push_back(scores[i]);
  }
  if (genuine.empty()) return 0;
  std::sort(genuine.begin(), genuine.end(), std::greater<float>());
  // Flag scores strictly above the (k+1)-th highest genuine score: at most
  // k genuine payments are flagged.
  size_t k = static_cast<size_t>(fpr * static_cast<double>(genuine.size()));
  float t = genuine[std::min(k, genuine.size() - 1)];
  if (threshold) *threshold = t;
  int64_t pos = 0, hit = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] > 0.5f) {
      ++pos;
      if (scores[i] > t) ++hit;
    }
  }
  return pos ? static_cast<double>(hit) / static_cast<double>(pos) : 0;
}

Result<EvalReport> Evaluate(const std::vector<uint8_t>& model_bytes,
                            const RiskRules& rules,
                            const sim::TrafficConfig& traffic) {
  MERIDIAN_ASSIGN_OR_RETURN(CompiledModel model,
                            CompiledModel::Load(model_bytes));
  EvalReport r;
  r.trees = static_cast<int64_t>(model.tree_count());
  r.model_bytes = static_cast<int64_t>(model_bytes.size());

  // The scorer replays the two days as the engine would.
  sim::TrafficSimulator simulator(traffic);
  RiskScorer scorer(rules, FeatureConfig{.max_payers = 1'000'000,
                                         .max_cards = 1'000'000,
                                         .max_devices = 1'000'000,
                                         .max_ips = 1'000'000});
  MERIDIAN_RETURN_IF_ERROR(scorer.SetModel(model_bytes));
  std::vector<float> probs, labels;
  std::vector<sim::FraudKind> kinds;
  std::vector<Decision> decisions;
  for (int day = 0; day < 2; ++day) {
    for (const sim::SimPayment& p : simulator.Day(day)) {
      Outcome outcome =
          p.issuer_approves ? Outcome::kApproved : Outcome::kDeclined;
      if (day == 1) {
        FeatureVector f = scorer.features().Compute(p.attempt);
        std::array<float, kFeatureCount> row = ModelRow(f);
        float margin = model.Margin(row.data());
        probs.push_back(1.0f / (1.0f + std::exp(-margin)));
        labels.push_back(p.fraud ? 1.0f : 0.0f);
        kinds.push_back(p.kind);
        Assessment a = Decide(f, scorer.rules(), scorer.model(),
                              p.attempt.merchant_industry,
                              p.attempt.merchant_region, p.attempt.merchant_id);
        decisions.push_back(a.decision);
        switch (a.decision) {
          case Decision::kDecline: outcome = Outcome::kRiskDeclined; break;
          case Decision::kReview: outcome = Outcome::kReview; break;
          case Decision::kChallenge:
            if (p.fraud) outcome = Outcome::kChallengeFailed;
            break;
          case Decision::kApprove: break;
        }
      }
      scorer.Record(p.attempt, outcome);
    }
  }
  r.eval_rows = static_cast<int64_t>(labels.size());
  r.auc = Auc(probs, labels);
  r.recall_at_1pct_fpr =
      RecallAtFpr(probs, labels, 0.01, &r.threshold_at_1pct_fpr);
  int64_t genuine = 0, fraud = 0, friction = 0, declined = 0, stopped = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    bool is_fraud = labels[i] > 0.5f;
    size_t d = static_cast<size_t>(decisions[i]);
    KindFigures& k = r.kinds[static_cast<size_t>(kinds[i])];
    ++k.payments;
    if (probs[i] > r.threshold_at_1pct_fpr) ++k.flagged_at_1pct_fpr;
    if (decisions[i] != Decision::kApprove) ++k.stopped;
    if (is_fraud) {
      ++fraud;
      ++r.fraud_decisions[d];
      if (decisions[i] != Decision::kApprove) ++stopped;
    } else {
      ++genuine;
      ++r.genuine_decisions[d];
      if (decisions[i] != Decision::kApprove) ++friction;
      if (decisions[i] == Decision::kDecline) ++declined;
    }
  }
  r.eval_frauds = fraud;
  auto rate = [](int64_t a, int64_t b) {
    return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
  };
  r.genuine_friction_rate = rate(friction, genuine);
  r.genuine_decline_rate = rate(declined, genuine);
  r.fraud_stopped_rate = rate(stopped, fraud);
  return r;
}

Result<TrainResult> TrainAndEvaluate(const TrainOptions& o,
                                     const RiskRules& rules) {
  if (o.days < 1 || o.days > 60) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "days", "1..60");
  }
  sim::TrafficConfig train_traffic = o.traffic;
  train_traffic.seed = o.seed;
  Dataset d = BuildDataset(train_traffic, o.days, 0);
  TrainResult out;
  MERIDIAN_ASSIGN_OR_RETURN(
      out.model, TrainModel(d.matrix, d.rows(), d.labels, o.params));
  sim::TrafficConfig eval_traffic = o.traffic;
  eval_traffic.seed = o.eval_seed ? o.eval_seed : o.seed + 1000;
  MERIDIAN_ASSIGN_OR_RETURN(out.report,
                            Evaluate(out.model, rules, eval_traffic));
  out.report.train_rows = static_cast<int64_t>(d.rows());
  out.report.train_frauds = static_cast<int64_t>(
      std::count(d.labels.begin(), d.labels.end(), 1.0f));
  return out;
}

}  // namespace meridian::risk
