// Snapshot section (RiskBook::Serialize; little-endian, str = u32 length +
// bytes):
//   u32 version (1) | u8 has scorer | [str scorer bytes (scorer.h)]
//   u64 n records x record, oldest first
//   record = u128 id | u128 principal | attempt (as in the assess command,
//            without the labels) | str industry | str region |
//            i64 amount reporting minor | i64 time ns | u8 decision |
//            u16 score bp | u16 model bp | i32 rule points |
//            u8 n reasons x (u8 source | str code | str rule | i32 weight) |
//            i64 created ns | u8 n outcomes x u8 outcome | u128 case id
//   u64 n merchants x (u128 merchant | u128 principal | u64 assessed |
//            4 x u64 decisions | 10 x u64 buckets | 5 x u64 outcomes |
//            u32 n reasons x (str code | u64 count) | u64 other reasons)
//   u64 untracked merchants
#include "risk/risk_book.h"

#include <algorithm>

#include "core/assert.h"

namespace meridian::risk {
namespace {

constexpr uint32_t kSectionVersion = 1;

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   "malformed risk command: " + std::string(what));
}

Error Corrupted(std::string_view what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                   "engine state: risk section: " + std::string(what));
}

// The attempt's fields that the assess command and the records share.
void WriteAttempt(ByteWriter& w, const PaymentAttempt& a) {
  w.U128(a.payment_id);
  w.U128(a.payer_id);
  w.U128(a.card_token);
  w.U128(a.device_id);
  w.U128(a.ip_hash);
  w.U128(a.merchant_id);
  w.U16(a.mcc);
  w.U16(a.merchant_country);
  w.U16(a.card_country);
  w.U16(a.ip_country);
  w.U32(static_cast<uint32_t>(a.payer_utc_offset_min));
  w.I64(a.amount_minor);
  w.U16(a.currency.numeric());
  w.U8(static_cast<uint8_t>(a.channel));
}

bool ReadAttempt(ByteReader& r, PaymentAttempt* a) {
  uint32_t offset = 0;
  uint16_t currency = 0;
  uint8_t channel = 0;
  if (!r.U128(&a->payment_id) || !r.U128(&a->payer_id) ||
      !r.U128(&a->card_token) || !r.U128(&a->device_id) ||
      !r.U128(&a->ip_hash) || !r.U128(&a->merchant_id) || !r.U16(&a->mcc) ||
      !r.U16(&a->merchant_country) || !r.U16(&a->card_country) ||
      !r.U16(&a->ip_country) || !r.U32(&offset) || !r.I64(&a->amount_minor) ||
      !r.U16(&currency) || !r.U8(&channel) || channel > 2) {
    return false;
  }
  a->payer_utc_offset_min = static_cast<int32_t>(offset);
  if (a->payer_utc_offset_min < -720 || a->payer_utc_offset_min > 840 ||
      a->amount_minor <= 0) {
    return false;
  }
  Result<Currency> c = Currency::FromNumeric(currency);
  if (!c.ok()) return false;
  a->currency = *c;
  a->channel = static_cast<Channel>(channel);
  return true;
}

bool ReadStr(ByteReader& r, std::string* s, size_t max) {
  std::string_view v;
  if (!r.Bytes(&v, static_cast<uint32_t>(max))) return false;
  *s = std::string(v);
  return true;
}

void WriteRecord(ByteWriter& w, const AssessmentRecord& r) {
  w.U128(r.id);
  w.U128(r.principal);
  WriteAttempt(w, r.attempt);
  w.Bytes(r.industry);
  w.Bytes(r.region);
  w.I64(r.attempt.amount_reporting_minor);
  w.I64(r.attempt.time_ns);
  const Assessment& a = r.assessment;
  w.U8(static_cast<uint8_t>(a.decision));
  w.U16(a.score_bp);
  w.U16(a.model_bp);
  w.U32(static_cast<uint32_t>(a.rule_points));
  w.U8(static_cast<uint8_t>(a.reasons.size()));
  for (const ReasonCode& reason : a.reasons) {
    w.U8(static_cast<uint8_t>(reason.source));
    w.Bytes(reason.code);
    w.Bytes(reason.rule);
    w.U32(static_cast<uint32_t>(reason.weight));
  }
  w.I64(r.created_ns);
  w.U8(static_cast<uint8_t>(r.outcomes.size()));
  for (ReportedOutcome o : r.outcomes) w.U8(static_cast<uint8_t>(o));
  w.U128(r.case_id);
}

bool ReadRecord(ByteReader& r, AssessmentRecord* rec) {
  Assessment& a = rec->assessment;
  uint8_t decision = 0, n_reasons = 0, n_outcomes = 0;
  uint32_t points = 0;
  bool ok = r.U128(&rec->id) && r.U128(&rec->principal) &&
            ReadAttempt(r, &rec->attempt) &&
            ReadStr(r, &rec->industry, kMaxLabelBytes) &&
            ReadStr(r, &rec->region, kMaxLabelBytes) &&
            r.I64(&rec->attempt.amount_reporting_minor) &&
            r.I64(&rec->attempt.time_ns) && r.U8(&decision) &&
            decision <= 3 && r.U16(&a.score_bp) && r.U16(&a.model_bp) &&
            r.U32(&points) && r.U8(&n_reasons) && n_reasons <= kMaxReasons;
  a.decision = static_cast<Decision>(decision);
  a.rule_points = static_cast<int32_t>(points);
  for (uint8_t k = 0; ok && k < n_reasons; ++k) {
    ReasonCode reason;
    uint8_t source = 0;
    uint32_t weight = 0;
    ok = r.U8(&source) && source <= 1 && ReadStr(r, &reason.code, 64) &&
         ReadStr(r, &reason.rule, 64) && r.U32(&weight);
    reason.source = static_cast<ReasonCode::Source>(source);
    reason.weight = static_cast<int32_t>(weight);
    a.reasons.push_back(std::move(reason));
  }
  ok = ok && r.I64(&rec->created_ns) && r.U8(&n_outcomes) && n_outcomes <= 3;
  for (uint8_t k = 0; ok && k < n_outcomes; ++k) {
    uint8_t o = 0;
    ok = r.U8(&o) && o < kReportedOutcomeCount;
    rec->outcomes.push_back(static_cast<ReportedOutcome>(o));
  }
  return ok && r.U128(&rec->case_id);
}

// The attempt with its labels pointing at the strings that own them.
PaymentAttempt WithLabels(const PaymentAttempt& a, const std::string& industry,
                          const std::string& region) {
  PaymentAttempt out = a;
  out.merchant_industry = industry;
  out.merchant_region = region;
  return out;
}

}  // namespace

std::string_view ReportedOutcomeName(ReportedOutcome o) {
  static constexpr std::string_view kNames[] = {
      "APPROVED", "DECLINED", "CHALLENGE_PASSED", "CHALLENGE_FAILED",
      "DISPUTED"};
  return kNames[static_cast<size_t>(o)];
}

std::optional<ReportedOutcome> ReportedOutcomeFromName(std::string_view name) {
  for (size_t i = 0; i < kReportedOutcomeCount; ++i) {
    auto o = static_cast<ReportedOutcome>(i);
    if (ReportedOutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

Status RiskBook::SetRules(std::string_view toml) {
  if (scorer_) return scorer_->SetRules(toml);
  MERIDIAN_ASSIGN_OR_RETURN(RiskRules rules, RiskRules::Parse(toml));
  scorer_.emplace(std::move(rules));
  return Status::Ok();
}

Status RiskBook::SetModel(std::span<const uint8_t> model_bytes) {
  if (!scorer_) {
    return MakeError(ErrorCode::kNOT_READY, "",
                     "set the risk rules before the model");
  }
  return scorer_->SetModel(model_bytes);
}

void RiskBook::Expire(int64_t now_ns) {
  while (!order_.empty()) {
    auto it = records_.find(order_.front());
    MERIDIAN_CHECK(it != records_.end());
    if (records_.size() < kMaxAssessments &&
        now_ns - it->second.created_ns < kAssessmentRetentionNs) {
      break;
    }
    records_.erase(it);
    order_.pop_front();
  }
}

MerchantRiskStats* RiskBook::StatsFor(const AssessmentRecord& r) {
  if (r.attempt.merchant_id == 0) return nullptr;
  auto it = merchants_.find(r.attempt.merchant_id);
  if (it != merchants_.end()) {
    return it->second.principal == r.principal ? &it->second : nullptr;
  }
  if (merchants_.size() >= kMaxMerchantStats) {
    ++untracked_merchants_;
    return nullptr;
  }
  MerchantRiskStats& s = merchants_[r.attempt.merchant_id];
  s.principal = r.principal;
  return &s;
}

Result<const AssessmentRecord*> RiskBook::Assess(const AssessRequest& request,
                                                 int64_t amount_reporting_minor,
                                                 int64_t now_ns) {
  if (!scorer_) {
    return MakeError(ErrorCode::kNOT_READY, "",
                     "no risk rules are loaded yet; retry shortly");
  }
  if (request.id == 0 || records_.contains(request.id)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "id",
                     "a new assessment id is needed");
  }
  Expire(now_ns);
  AssessmentRecord rec;
  rec.id = request.id;
  rec.principal = request.principal;
  rec.attempt = request.attempt;
  rec.attempt.merchant_industry = {};
  rec.attempt.merchant_region = {};
  rec.attempt.amount_reporting_minor = amount_reporting_minor;
  rec.attempt.time_ns = now_ns;
  rec.industry = request.industry;
  rec.region = request.region;
  rec.created_ns = now_ns;
  const PaymentAttempt attempt =
      WithLabels(rec.attempt, rec.industry, rec.region);
  rec.assessment = scorer_->Assess(attempt);
  // The decision is itself an outcome when it ends or pauses the payment.
  switch (rec.assessment.decision) {
    case Decision::kDecline:
      scorer_->Record(attempt, Outcome::kRiskDeclined);
      break;
    case Decision::kReview:
      scorer_->Record(attempt, Outcome::kReview);
      break;
    case Decision::kChallenge:
      scorer_->Record(attempt, Outcome::kChallenged);
      break;
    case Decision::kApprove:
      break;  // the issuer's answer comes as an outcome
  }
  if (MerchantRiskStats* s = StatsFor(rec)) {
    ++s->assessed;
    ++s->decisions[static_cast<size_t>(rec.assessment.decision)];
    ++s->score_buckets[std::min<size_t>(
        rec.assessment.score_bp * kScoreBuckets / 10'000, kScoreBuckets - 1)];
    for (const ReasonCode& reason : rec.assessment.reasons) {
      auto it = s->reasons.find(reason.code);
      if (it != s->reasons.end()) {
        ++it->second;
      } else if (s->reasons.size() < kMaxReasonCodes) {
        s->reasons.emplace(reason.code, 1);
      } else {
        ++s->other_reasons;
      }
    }
  }
  const u128 id = rec.id;
  order_.push_back(id);
  auto [it, inserted] = records_.emplace(id, std::move(rec));
  MERIDIAN_CHECK(inserted);
  return &it->second;
}

Result<const AssessmentRecord*> RiskBook::ReportOutcome(
    u128 principal, u128 id, ReportedOutcome outcome, int64_t now_ns) {
  auto it = records_.find(id);
  if (it == records_.end() || it->second.principal != principal) {
    return MakeError(ErrorCode::kNOT_FOUND, "id", "no such assessment");
  }
  AssessmentRecord& rec = it->second;
  const Decision decision = rec.assessment.decision;
  const std::optional<ReportedOutcome> last =
      rec.outcomes.empty() ? std::nullopt
                           : std::optional<ReportedOutcome>(rec.outcomes.back());
  const bool step_up = outcome == ReportedOutcome::kChallengePassed ||
                       outcome == ReportedOutcome::kChallengeFailed;
  if (step_up && decision != Decision::kChallenge) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "outcome",
                     "this payment had no step-up to pass or fail");
  }
  // Where the record is in its short life, and what may follow.
  bool allowed = false;
  if (decision != Decision::kDecline) {
    if (!last || *last == ReportedOutcome::kChallengePassed) {
      allowed = outcome == ReportedOutcome::kApproved ||
                outcome == ReportedOutcome::kDeclined ||
                (!last && step_up);
    } else if (*last == ReportedOutcome::kApproved) {
      allowed = outcome == ReportedOutcome::kDisputed;
    }
  }
  if (!allowed) {
    return MakeError(ErrorCode::kOUTCOME_ALREADY_RECORDED, "outcome",
                     "this payment's outcome is recorded already (" +
                         std::string(last ? ReportedOutcomeName(*last)
                                          : "risk DECLINE") +
                         "); only a dispute may follow an approval");
  }
  const PaymentAttempt attempt =
      WithLabels(rec.attempt, rec.industry, rec.region);
  (void)now_ns;  // the windows count the attempt at its own time
  switch (outcome) {
    case ReportedOutcome::kApproved:
      scorer_->Record(attempt, Outcome::kApproved);
      break;
    case ReportedOutcome::kDeclined:
      scorer_->Record(attempt, Outcome::kDeclined);
      break;
    case ReportedOutcome::kChallengeFailed:
      scorer_->Record(attempt, Outcome::kChallengeFailed);
      break;
    case ReportedOutcome::kChallengePassed:
    case ReportedOutcome::kDisputed:
      break;  // figures only: the windows learn from the final answers
  }
  rec.outcomes.push_back(outcome);
  if (MerchantRiskStats* s = StatsFor(rec)) {
    ++s->outcomes[static_cast<size_t>(outcome)];
  }
  return &rec;
}

void RiskBook::AttachCase(u128 id, u128 case_id) {
  records_.at(id).case_id = case_id;
}

const AssessmentRecord* RiskBook::Find(u128 id) const {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

const MerchantRiskStats* RiskBook::Merchant(u128 merchant_id) const {
  auto it = merchants_.find(merchant_id);
  return it == merchants_.end() ? nullptr : &it->second;
}

void RiskBook::Serialize(ByteWriter* w) const {
  w->U32(kSectionVersion);
  w->U8(scorer_ ? 1 : 0);
  if (scorer_) {
    std::vector<uint8_t> bytes = scorer_->Serialize();
    w->U64(bytes.size());
    w->Raw(bytes.data(), bytes.size());
  }
  w->U64(order_.size());
  for (u128 id : order_) {
    const AssessmentRecord& r = records_.at(id);
    WriteRecord(*w, r);
  }
  w->U64(merchants_.size());
  for (const auto& [id, s] : merchants_) {
    w->U128(id);
    w->U128(s.principal);
    w->U64(s.assessed);
    for (uint64_t n : s.decisions) w->U64(n);
    for (uint64_t n : s.score_buckets) w->U64(n);
    for (uint64_t n : s.outcomes) w->U64(n);
    w->U32(static_cast<uint32_t>(s.reasons.size()));
    for (const auto& [code, n] : s.reasons) {
      w->Bytes(code);
      w->U64(n);
    }
    w->U64(s.other_reasons);
  }
  w->U64(untracked_merchants_);
}

Result<RiskBook> RiskBook::Deserialize(ByteReader* r) {
  RiskBook book;
  uint32_t version = 0;
  uint8_t has_scorer = 0;
  if (!r->U32(&version) || version != kSectionVersion || !r->U8(&has_scorer) ||
      has_scorer > 1) {
    return Corrupted("header");
  }
  if (has_scorer == 1) {
    uint64_t n = 0;
    if (!r->U64(&n) || n > r->remaining()) return Corrupted("scorer length");
    std::vector<uint8_t> bytes(n);
    if (!r->Raw(bytes.data(), n)) return Corrupted("scorer");
    MERIDIAN_ASSIGN_OR_RETURN(RiskScorer scorer, RiskScorer::Deserialize(bytes));
    book.scorer_.emplace(std::move(scorer));
  }
  uint64_t n_records = 0;
  if (!r->U64(&n_records) || n_records > kMaxAssessments) {
    return Corrupted("record count");
  }
  for (uint64_t i = 0; i < n_records; ++i) {
    AssessmentRecord rec;
    if (!ReadRecord(*r, &rec) || book.records_.contains(rec.id)) {
      return Corrupted("record");
    }
    book.order_.push_back(rec.id);
    const u128 id = rec.id;
    book.records_.emplace(id, std::move(rec));
  }
  uint64_t n_merchants = 0;
  if (!r->U64(&n_merchants) || n_merchants > kMaxMerchantStats) {
    return Corrupted("merchant count");
  }
  for (uint64_t i = 0; i < n_merchants; ++i) {
    u128 id = 0;
    MerchantRiskStats s;
    uint32_t n_reasons = 0;
    bool ok = r->U128(&id) && r->U128(&s.principal) && r->U64(&s.assessed);
    for (uint64_t& n : s.decisions) ok = ok && r->U64(&n);
    for (uint64_t& n : s.score_buckets) ok = ok && r->U64(&n);
    for (uint64_t& n : s.outcomes) ok = ok && r->U64(&n);
    ok = ok && r->U32(&n_reasons) && n_reasons <= kMaxReasonCodes;
    for (uint32_t k = 0; ok && k < n_reasons; ++k) {
      std::string code;
      uint64_t count = 0;
      ok = ReadStr(*r, &code, 64) && r->U64(&count);
      s.reasons.emplace(std::move(code), count);
    }
    ok = ok && r->U64(&s.other_reasons);
    if (!ok || book.merchants_.contains(id)) return Corrupted("merchant");
    book.merchants_.emplace(id, std::move(s));
  }
  if (!r->U64(&book.untracked_merchants_)) return Corrupted("trailer");
  return book;
}

std::vector<uint8_t> EncodeAssessmentRecord(const AssessmentRecord& r) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  WriteRecord(w, r);
  return out;
}

Result<AssessmentRecord> DecodeAssessmentRecord(
    std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  AssessmentRecord rec;
  if (!ReadRecord(r, &rec) || r.remaining() != 0) {
    return Malformed("assessment record");
  }
  return rec;
}

std::vector<uint8_t> EncodeSetRiskText(const SetRiskText& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(c.set_by);
  w.Bytes(c.text);
  return out;
}

Result<SetRiskText> DecodeSetRiskText(std::span<const uint8_t> body) {
  ByteReader r(body);
  SetRiskText c;
  if (!r.U128(&c.set_by) ||
      !ReadStr(r, &c.text, kMaxRiskCommandBytes) || r.remaining() != 0) {
    return Malformed("rules or model");
  }
  return c;
}

std::vector<uint8_t> EncodeAssessRequest(const AssessRequest& q) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(q.principal);
  w.U128(q.id);
  WriteAttempt(w, q.attempt);
  w.Bytes(q.industry);
  w.Bytes(q.region);
  return out;
}

Result<AssessRequest> DecodeAssessRequest(std::span<const uint8_t> body) {
  ByteReader r(body);
  AssessRequest q;
  if (!r.U128(&q.principal) || !r.U128(&q.id) || !ReadAttempt(r, &q.attempt) ||
      !ReadStr(r, &q.industry, kMaxLabelBytes) ||
      !ReadStr(r, &q.region, kMaxLabelBytes) || r.remaining() != 0) {
    return Malformed("assessment");
  }
  return q;
}

std::vector<uint8_t> EncodeOutcomeReport(const OutcomeReport& o) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(o.principal);
  w.U128(o.id);
  w.U8(static_cast<uint8_t>(o.outcome));
  return out;
}

Result<OutcomeReport> DecodeOutcomeReport(std::span<const uint8_t> body) {
  ByteReader r(body);
  OutcomeReport o;
  uint8_t outcome = 0;
  if (!r.U128(&o.principal) || !r.U128(&o.id) || !r.U8(&outcome) ||
      outcome >= kReportedOutcomeCount || r.remaining() != 0) {
    return Malformed("outcome");
  }
  o.outcome = static_cast<ReportedOutcome>(outcome);
  return o;
}

}  // namespace meridian::risk
