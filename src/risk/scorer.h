// The fraud-risk scorer (spec/compliance_risk.md, "Fraud risk"): features
// (features.h) → rule points and direct decisions (rules.h) + the model's
// score (model.h) → one Assessment: APPROVE, CHALLENGE (3-D Secure or wallet
// step-up), REVIEW (hold and case) or DECLINE, a score in basis points and
// the reasons.
//
// RiskScorer is the risk state the engine owns, one per engine: the feature
// windows, the rules and the model. Deterministic like its parts: no clock,
// no randomness, no files; floats only inside the model, quantised to basis
// points before any decision.
//
//   MERIDIAN_ASSIGN_OR_RETURN(RiskScorer scorer,
//                             RiskScorer::Create(rules_toml, model_bytes));
//   Assessment a = scorer.Assess(attempt);       // per payment, const
//   ... act on a.decision, ask the issuer ...
//   scorer.Record(attempt, Outcome::kApproved);  // the final outcome
//
// The score is model_bp * model_weight_pct / 100 + the matching rules'
// points, clamped to 0..10,000. The decision is the thresholds' (merchant >
// industry > region > default) for that score — APPROVE when an APPROVE rule
// matched — raised to the most severe decision a rule forces.
//
// Engine integration (the engine wires this; nothing here knows commands):
//   * Assess on every authorisation, Record on every outcome (including the
//     issuer's declines and step-up results), both with the batch time.
//   * Rules change through a command carrying the TOML text (SetRules); the
//     model through a command carrying the model bytes (SetModel). Both are
//     all-or-nothing: on error the old one stays.
//   * Snapshots keep Serialize(): the feature state, the rules text and the
//     model bytes.
#ifndef MERIDIAN_RISK_SCORER_H_
#define MERIDIAN_RISK_SCORER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "risk/features.h"
#include "risk/model.h"
#include "risk/rules.h"

namespace meridian::risk {

inline constexpr size_t kMaxReasons = 6;
// Model reasons: at most this many features, each adding at least
// kMinReasonMilli thousandths of a logit.
inline constexpr size_t kMaxModelReasons = 3;
inline constexpr int32_t kMinReasonMilli = 250;

struct ReasonCode {
  enum class Source : uint8_t { kRule = 0, kModel = 1 };
  Source source = Source::kRule;
  // Rule: its reason code ("CARD_TESTING"); model: the feature's name
  // ("card_declines_1h").
  std::string code;
  std::string rule;    // rule: its name; model: empty
  int32_t weight = 0;  // rule: its points; model: contribution, milli-logits
  friend bool operator==(const ReasonCode&, const ReasonCode&) = default;
};

struct Assessment {
  Decision decision = Decision::kApprove;
  uint16_t score_bp = 0;  // 0..10,000
  uint16_t model_bp = 0;  // the model's own score (0 without a model)
  int32_t rule_points = 0;
  // The forced decisions' rules first, then by |points|, then the model's
  // top features; at most kMaxReasons.
  std::vector<ReasonCode> reasons;
  friend bool operator==(const Assessment&, const Assessment&) = default;
};

// One line for logs and determinism tests:
// "DECLINE score=10000 model=9990 points=0 [CARD_TESTING(card_testing) ...]".
std::string FormatAssessment(const Assessment& a);

// The pure decision of one attempt's features (no state): what Assess does
// after computing features. `model` may be null (score from rules alone).
Assessment Decide(const FeatureVector& f, const RiskRules& rules,
                  const CompiledModel* model, std::string_view industry,
                  std::string_view region, u128 merchant_id);

class RiskScorer {
 public:
  // Without a model until SetModel(): scores come from rules alone.
  explicit RiskScorer(RiskRules rules, FeatureConfig config = {});
  static Result<RiskScorer> Create(std::string_view rules_toml,
                                   std::span<const uint8_t> model_bytes,
                                   FeatureConfig config = {});

  Assessment Assess(const PaymentAttempt& attempt) const;
  void Record(const PaymentAttempt& attempt, Outcome outcome);

  Status SetRules(std::string_view toml);
  Status SetModel(std::span<const uint8_t> bytes);

  const RiskRules& rules() const { return rules_; }
  const CompiledModel* model() const {
    return model_ ? &*model_ : nullptr;
  }
  const FeatureState& features() const { return features_; }

  // Canonical bytes: the feature state, the rules text, the model bytes.
  std::vector<uint8_t> Serialize() const;
  // DATA_CORRUPTED on bytes Serialize() could not have written.
  static Result<RiskScorer> Deserialize(std::span<const uint8_t> bytes);
  size_t ApproxBytes() const;

 private:
  RiskRules rules_;
  std::optional<CompiledModel> model_;
  FeatureState features_;
};

}  // namespace meridian::risk

#endif  // MERIDIAN_RISK_SCORER_H_
