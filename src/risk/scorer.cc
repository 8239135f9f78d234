#include "risk/scorer.h"

#include <algorithm>

#include "core/bytes.h"

namespace meridian::risk {
namespace {

constexpr uint32_t kMagic = 0x53435252;  // "RRCS"
constexpr uint32_t kVersion = 1;

}  // namespace

std::string FormatAssessment(const Assessment& a) {
  std::string s(DecisionName(a.decision));
  s += " score=" + std::to_string(a.score_bp) +
       " model=" + std::to_string(a.model_bp) +
       " points=" + std::to_string(a.rule_points) + " [";
  for (size_t i = 0; i < a.reasons.size(); ++i) {
    const ReasonCode& r = a.reasons[i];
    if (i) s += ' ';
    s += r.code;
    s += r.source == ReasonCode::Source::kRule ? "(" + r.rule + ")" : "(model)";
    s += ':' + std::to_string(r.weight);
  }
  return s + "]";
}

Assessment Decide(const FeatureVector& f, const RiskRules& rules,
                  const CompiledModel* model, std::string_view industry,
                  std::string_view region, u128 merchant_id) {
  Assessment a;
  RuleResult r = rules.Evaluate(f, industry, region, merchant_id);
  Contributions contrib;
  if (model != nullptr) a.model_bp = model->Explain(f, &contrib);
  a.rule_points = r.points;
  int64_t score =
      int64_t{a.model_bp} * rules.model_weight_pct() / 100 + r.points;
  a.score_bp = static_cast<uint16_t>(std::clamp<int64_t>(score, 0, kMaxScore));
  Decision d = r.thresholds.ForScore(a.score_bp);
  if (r.allow) d = Decision::kApprove;
  if (r.forced && *r.forced > d) d = *r.forced;
  a.decision = d;

  a.reasons.reserve(std::min(kMaxReasons, r.hit_count + kMaxModelReasons));
  for (size_t i = 0; i < r.hit_count && a.reasons.size() < kMaxReasons; ++i) {
    const Rule* rule = r.hits[i];
    a.reasons.push_back(ReasonCode{ReasonCode::Source::kRule, rule->reason,
                                   rule->name, rule->points});
  }
  if (model != nullptr) {
    // The top features pushing towards fraud, largest first (ties: feature
    // order), each worth at least kMinReasonMilli.
    std::array<size_t, kMaxModelReasons> top{};
    size_t n = 0;
    for (size_t i = 0; i < kFeatureCount; ++i) {
      if (contrib[i] * 1000.0f < kMinReasonMilli) continue;
      size_t pos = n;
      while (pos > 0 && contrib[i] > contrib[top[pos - 1]]) --pos;
      if (pos >= kMaxModelReasons) continue;
      for (size_t k = std::min(n, kMaxModelReasons - 1); k > pos; --k) {
        top[k] = top[k - 1];
      }
      top[pos] = i;
      n = std::min(n + 1, kMaxModelReasons);
    }
    for (size_t k = 0; k < n && a.reasons.size() < kMaxReasons; ++k) {
      a.reasons.push_back(ReasonCode{
          ReasonCode::Source::kModel, std::string(FeatureName(top[k])), "",
          static_cast<int32_t>(contrib[top[k]] * 1000.0f)});
    }
  }
  return a;
}

RiskScorer::RiskScorer(RiskRules rules, FeatureConfig config)
    : rules_(std::move(rules)), features_(config) {}

Result<RiskScorer> RiskScorer::Create(std::string_view rules_toml,
                                      std::span<const uint8_t> model_bytes,
                                      FeatureConfig config) {
  MERIDIAN_ASSIGN_OR_RETURN(RiskRules rules, RiskRules::Parse(rules_toml));
  RiskScorer s(std::move(rules), config);
  if (!model_bytes.empty()) MERIDIAN_RETURN_IF_ERROR(s.SetModel(model_bytes));
  return s;
}

Assessment RiskScorer::Assess(const PaymentAttempt& attempt) const {
  FeatureVector f = features_.Compute(attempt);
  return Decide(f, rules_, model(), attempt.merchant_industry,
                attempt.merchant_region, attempt.merchant_id);
}

void RiskScorer::Record(const PaymentAttempt& attempt, Outcome outcome) {
  features_.Record(attempt, outcome);
}

Status RiskScorer::SetRules(std::string_view toml) {
  MERIDIAN_ASSIGN_OR_RETURN(RiskRules rules, RiskRules::Parse(toml));
  rules_ = std::move(rules);
  return Status::Ok();
}

Status RiskScorer::SetModel(std::span<const uint8_t> bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(CompiledModel m, CompiledModel::Load(bytes));
  model_ = std::move(m);
  return Status::Ok();
}

std::vector<uint8_t> RiskScorer::Serialize() const {
  std::vector<uint8_t> features = features_.Serialize();
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U32(kMagic);
  w.U32(kVersion);
  w.Bytes(rules_.text());
  const std::vector<uint8_t> empty;
  const std::vector<uint8_t>& model = model_ ? model_->bytes() : empty;
  w.Bytes(std::string_view(reinterpret_cast<const char*>(model.data()),
                           model.size()));
  w.U64(features.size());
  w.Raw(features.data(), features.size());
  return out;
}

Result<RiskScorer> RiskScorer::Deserialize(std::span<const uint8_t> bytes) {
  auto corrupt = [](std::string what) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "risk",
                     "risk state: " + what);
  };
  ByteReader r(bytes);
  uint32_t magic, version, len;
  if (!r.U32(&magic) || magic != kMagic || !r.U32(&version) ||
      version != kVersion) {
    return corrupt("not a risk state of this version");
  }
  std::string rules_text;
  if (!r.U32(&len) || len > kMaxTextBytes) return corrupt("bad rules length");
  rules_text.resize(len);
  if (!r.Raw(rules_text.data(), len)) return corrupt("truncated rules");
  std::vector<uint8_t> model(0);
  if (!r.U32(&len) || len > kMaxModelBytes) return corrupt("bad model length");
  model.resize(len);
  if (!r.Raw(model.data(), len)) return corrupt("truncated model");
  uint64_t flen;
  if (!r.U64(&flen) || flen != r.remaining()) {
    return corrupt("bad feature state length");
  }
  std::vector<uint8_t> fbytes(flen);
  if (!r.Raw(fbytes.data(), flen)) return corrupt("truncated features");
  Result<RiskRules> rules = RiskRules::Parse(rules_text);
  if (!rules.ok()) return corrupt("rules: " + rules.error().ToString());
  MERIDIAN_ASSIGN_OR_RETURN(FeatureState features,
                            FeatureState::Deserialize(fbytes));
  RiskScorer s(std::move(rules).value());
  s.features_ = std::move(features);
  if (!model.empty()) {
    Status st = s.SetModel(model);
    if (!st.ok()) return corrupt("model: " + st.ToString());
  }
  return s;
}

size_t RiskScorer::ApproxBytes() const {
  return sizeof(*this) + features_.ApproxBytes() + rules_.text().size() * 4 +
         (model_ ? model_->ApproxBytes() : 0);
}

}  // namespace meridian::risk
