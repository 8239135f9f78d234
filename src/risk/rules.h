// Fraud-risk rules (spec/compliance_risk.md, "Fraud risk"): conditions on
// the named features (features.h) that add score points or decide outright,
// the score thresholds of the final decision, and their overrides per
// merchant industry, per region and per merchant — read from TOML text, so
// a policy changes without code. policies/risk/rules.toml is the shipped
// default and its README documents every key.
//
// The engine receives the text in a journaled command and parses it there:
// Parse() is deterministic and reads nothing but its argument.
//
//   MERIDIAN_ASSIGN_OR_RETURN(RiskRules rules, RiskRules::Parse(toml_text));
//   RuleResult r = rules.Evaluate(features, "gambling", "EU", merchant_id);
//   r.points;       // sum of the matching rules' points
//   r.forced;       // the most severe direct decision, if any rule gave one
//   r.thresholds;   // merchant > industry > region > default
//
//   [[rules]]
//   name = "card_testing"                  # unique, [a-z0-9_], <= 64
//   reason = "CARD_TESTING"                # the reason code, [A-Z0-9_]
//   when = ["card_declines_1h >= 3", "amount_reporting_minor <= 1000"]
//   decision = "DECLINE"                   # or points = 2500 (or both)
//
// Conditions are "feature op integer" with op one of < <= > >= == !=; a rule
// matches when all of them hold. Every error names the rule and the field
// (param "rules[card_testing].when[1]", message "unknown feature ...").
//
// Limits: kMaxRules rules in all (default and overrides), kMaxConditions
// per rule, kMaxOverrides industries and regions each, kMaxMerchants
// merchant entries, kMaxTextBytes of text.
#ifndef MERIDIAN_RISK_RULES_H_
#define MERIDIAN_RISK_RULES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/int128.h"
#include "core/status.h"
#include "risk/features.h"

namespace meridian::risk {

// In order of severity; never renumber (engine events carry it).
enum class Decision : uint8_t {
  kApprove = 0,
  kChallenge = 1,  // 3-D Secure or wallet step-up
  kReview = 2,     // hold the money and open a case
  kDecline = 3,
};
std::string_view DecisionName(Decision d);  // "APPROVE", …
std::optional<Decision> DecisionFromName(std::string_view name);

inline constexpr size_t kMaxRules = 256;
inline constexpr size_t kMaxConditions = 8;
inline constexpr size_t kMaxOverrides = 64;
inline constexpr size_t kMaxMerchants = 10'000;
inline constexpr size_t kMaxTextBytes = 1 << 20;
inline constexpr int32_t kMaxScore = 10'000;  // basis points
// Rules a RuleResult keeps for reasons: the most decisive first.
inline constexpr size_t kMaxRuleHits = 8;

enum class Op : uint8_t { kLt, kLe, kGt, kGe, kEq, kNe };

struct Condition {
  Feature feature = Feature::kAmountReporting;
  Op op = Op::kGe;
  int64_t value = 0;
  bool Holds(const FeatureVector& f) const;
};

struct Rule {
  std::string name;
  std::string reason;
  std::vector<Condition> all_of;  // 1..kMaxConditions
  int32_t points = 0;             // -10,000..10,000
  // A direct decision. APPROVE is an allow-list: it stops the score from
  // challenging, reviewing or declining, but a rule that forces one still
  // does.
  std::optional<Decision> decision;
  bool Matches(const FeatureVector& f) const;
};

// Score (basis points) at or above which each decision applies; ascending.
// 10,001 means "never".
struct Thresholds {
  int32_t challenge = 5'000;
  int32_t review = 8'000;
  int32_t decline = 9'500;
  Decision ForScore(int32_t score_bp) const;
  friend bool operator==(const Thresholds&, const Thresholds&) = default;
};

// An industry's or a region's changes to the defaults.
struct Override {
  std::string name;  // matched exactly against PaymentAttempt's field
  std::optional<Thresholds> thresholds;
  std::vector<Rule> rules;            // in addition to the defaults
  std::vector<std::string> disable;   // default rules not applied here
  std::vector<uint16_t> disabled;     // the same, as indices into rules()
};

struct RuleResult {
  int32_t points = 0;
  std::optional<Decision> forced;  // most severe non-APPROVE direct decision
  bool allow = false;              // an APPROVE rule matched
  Thresholds thresholds;
  // Matching rules, most decisive first (forced by severity, then by
  // |points|, then file order), at most kMaxRuleHits.
  std::array<const Rule*, kMaxRuleHits> hits{};
  size_t hit_count = 0;
  size_t matched = 0;  // all matching rules, even beyond kMaxRuleHits
};

class RiskRules {
 public:
  // INVALID_PARAMETER naming the rule and field on any mistake: TOML syntax
  // (with the line), unknown keys, unknown features, bad operators, values
  // out of range, duplicate names, limits exceeded.
  static Result<RiskRules> Parse(std::string_view toml);

  RuleResult Evaluate(const FeatureVector& f, std::string_view industry,
                      std::string_view region, u128 merchant_id) const;

  // The weight of the model's score in the total, percent (0..100).
  int32_t model_weight_pct() const { return model_weight_pct_; }
  const Thresholds& default_thresholds() const { return thresholds_; }
  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Override>& industries() const { return industries_; }
  const std::vector<Override>& regions() const { return regions_; }
  const std::vector<std::pair<u128, Thresholds>>& merchants() const {
    return merchants_;
  }
  // The text it was parsed from: what an engine snapshot keeps.
  const std::string& text() const { return text_; }

 private:
  const Override* FindOverride(const std::vector<Override>& list,
                               std::string_view name) const;

  std::string text_;
  int32_t model_weight_pct_ = 100;
  Thresholds thresholds_;
  std::vector<Rule> rules_;
  std::vector<Override> industries_;  // sorted by name
  std::vector<Override> regions_;     // sorted by name
  std::vector<std::pair<u128, Thresholds>> merchants_;  // sorted by id
};

}  // namespace meridian::risk

#endif  // MERIDIAN_RISK_RULES_H_
