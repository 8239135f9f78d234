// RiskBook: the fraud-risk state the engine owns (spec/compliance_risk.md,
// "Fraud risk"): the scorer (feature windows, rules, model), every recent
// assessment with the outcome its product reported, and each merchant's
// dashboard figures.
//
// A product (or a merchant using the risk API on its own) asks for an
// assessment before it authorises a payment, acts on the decision, and then
// reports how the payment ended: the issuer approved or declined it, the
// payer passed or failed the step-up, a chargeback came. Every outcome goes
// back into the feature windows, so an issuer's declines of a card being
// tested raise the next attempt's score.
//
//   RiskBook book;
//   MERIDIAN_RETURN_IF_ERROR(book.SetRules(rules_toml));      // journaled
//   MERIDIAN_RETURN_IF_ERROR(book.SetModel(model_bytes));     // journaled
//   MERIDIAN_ASSIGN_OR_RETURN(const AssessmentRecord* r,
//       book.Assess(request, amount_usd_minor, batch_time_ns));
//   ... r->assessment.decision ...
//   book.ReportOutcome(principal, r->id, ReportedOutcome::kDeclined, now);
//
// Outcomes a record accepts, in order (anything else is
// OUTCOME_ALREADY_RECORDED, or INVALID_PARAMETER for a step-up result of a
// payment that had no step-up):
//   APPROVE, REVIEW      APPROVED | DECLINED, then DISPUTED after APPROVED
//   CHALLENGE            CHALLENGE_PASSED then APPROVED | DECLINED, or
//                        CHALLENGE_FAILED; DISPUTED after APPROVED
//   DECLINE              nothing: the risk decline is the outcome
//
// Deterministic engine state: no clock (time is the caller's batch time), no
// randomness, iteration in id or insertion order only. Bounded: at most
// kMaxAssessments records (the oldest go first, and any older than
// kAssessmentRetentionNs), at most kMaxMerchantStats merchants' figures, at most
// kMaxReasonCodes reason codes per merchant.
//
// Command bodies (little-endian; str = u32 length + bytes):
//   set rules   u128 set by | str TOML (<= kMaxRiskCommandBytes)
//   set model   u128 set by | str model bytes (<= kMaxRiskCommandBytes)
//   assess      u128 principal | u128 assessment id | u128 payment, payer,
//               card token, device, ip hash, merchant | u16 mcc |
//               u16 merchant country, card country, ip country |
//               i32 payer UTC offset minutes | i64 amount minor |
//               u16 currency (ISO numeric) | u8 channel |
//               str industry (<= 32) | str region (<= 32)
//   outcome     u128 principal | u128 assessment id | u8 ReportedOutcome
#ifndef MERIDIAN_RISK_RISK_BOOK_H_
#define MERIDIAN_RISK_RISK_BOOK_H_

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/int128.h"
#include "core/status.h"
#include "risk/scorer.h"

namespace meridian::risk {

inline constexpr size_t kMaxAssessments = 1'000'000;
inline constexpr int64_t kAssessmentRetentionNs = 30LL * 86'400'000'000'000;
inline constexpr size_t kMaxMerchantStats = 100'000;
inline constexpr size_t kMaxReasonCodes = 32;
inline constexpr size_t kMaxRiskCommandBytes = 240 << 10;
inline constexpr size_t kMaxLabelBytes = 32;
inline constexpr size_t kScoreBuckets = 10;  // tenths of the score range

// What a product reports about a payment after the decision. Never
// renumber: journaled.
enum class ReportedOutcome : uint8_t {
  kApproved = 0,         // by the issuer, processor or bank
  kDeclined = 1,         // by the issuer, processor or bank
  kChallengePassed = 2,  // the payer passed 3-D Secure / wallet step-up
  kChallengeFailed = 3,
  kDisputed = 4,         // a chargeback on an approved payment
};
std::string_view ReportedOutcomeName(ReportedOutcome o);  // "APPROVED", …
std::optional<ReportedOutcome> ReportedOutcomeFromName(std::string_view name);
inline constexpr size_t kReportedOutcomeCount = 5;

// An assessment request as the command carries it: PaymentAttempt with its
// labels owned and without the reporting amount (the engine converts).
struct AssessRequest {
  u128 principal = 0;
  u128 id = 0;
  PaymentAttempt attempt;  // time_ns, amount_reporting_minor and the
                           // labels' views are set by the book
  std::string industry;
  std::string region;
};

struct AssessmentRecord {
  u128 id = 0;
  u128 principal = 0;  // who asked: the only one who may report outcomes
  PaymentAttempt attempt;  // labels' views empty; see industry/region
  std::string industry;
  std::string region;
  Assessment assessment;
  int64_t created_ns = 0;
  // Reported so far, in order (at most 3).
  std::vector<ReportedOutcome> outcomes;
  // A REVIEW decision's compliance case (compliance/cases.h), 0 if none.
  u128 case_id = 0;
};

// A merchant's dashboard figures (GET /v1/risk/merchants/{id}).
struct MerchantRiskStats {
  u128 principal = 0;  // whose merchant reference it is
  uint64_t assessed = 0;
  std::array<uint64_t, 4> decisions{};  // by Decision
  std::array<uint64_t, kScoreBuckets> score_buckets{};
  std::array<uint64_t, kReportedOutcomeCount> outcomes{};  // by outcome
  // Reason code -> payments it was among the reasons of; at most
  // kMaxReasonCodes codes (later ones are counted in other_reasons).
  std::map<std::string, uint64_t> reasons;
  uint64_t other_reasons = 0;
};

class RiskBook {
 public:
  RiskBook() = default;

  // All-or-nothing: on error the old rules or model stay.
  Status SetRules(std::string_view toml);
  // NOT_READY before the first rules (the scorer is built from them).
  Status SetModel(std::span<const uint8_t> model_bytes);
  bool ready() const { return scorer_.has_value(); }

  // Assesses, records the risk decision's own outcome (a risk decline, a
  // review hold, a step-up started) and keeps the record. NOT_READY
  // without rules; INVALID_PARAMETER for a reused id.
  Result<const AssessmentRecord*> Assess(const AssessRequest& request,
                                         int64_t amount_reporting_minor,
                                         int64_t now_ns);
  // NOT_FOUND for an unknown id or another principal's;
  // OUTCOME_ALREADY_RECORDED / INVALID_PARAMETER as the file comment says.
  Result<const AssessmentRecord*> ReportOutcome(u128 principal, u128 id,
                                                ReportedOutcome outcome,
                                                int64_t now_ns);

  // Names the compliance case a REVIEW decision opened.
  void AttachCase(u128 id, u128 case_id);

  const AssessmentRecord* Find(u128 id) const;
  const MerchantRiskStats* Merchant(u128 merchant_id) const;
  const RiskScorer* scorer() const { return scorer_ ? &*scorer_ : nullptr; }
  uint64_t untracked_merchants() const { return untracked_merchants_; }

  void Serialize(ByteWriter* w) const;
  static Result<RiskBook> Deserialize(ByteReader* r);

 private:
  void Expire(int64_t now_ns);
  MerchantRiskStats* StatsFor(const AssessmentRecord& r);

  std::optional<RiskScorer> scorer_;
  std::map<u128, AssessmentRecord> records_;
  std::deque<u128> order_;  // insertion order, for eviction
  std::map<u128, MerchantRiskStats> merchants_;
  uint64_t untracked_merchants_ = 0;
};

// A record as the engine answers with it (the snapshot's record layout).
std::vector<uint8_t> EncodeAssessmentRecord(const AssessmentRecord& r);
Result<AssessmentRecord> DecodeAssessmentRecord(std::span<const uint8_t> bytes);

// Command bodies (the file comment has their layout).
struct SetRiskText {
  u128 set_by = 0;
  std::string text;
};
std::vector<uint8_t> EncodeSetRiskText(const SetRiskText& c);
Result<SetRiskText> DecodeSetRiskText(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeAssessRequest(const AssessRequest& r);
Result<AssessRequest> DecodeAssessRequest(std::span<const uint8_t> body);
struct OutcomeReport {
  u128 principal = 0;
  u128 id = 0;
  ReportedOutcome outcome = ReportedOutcome::kApproved;
};
std::vector<uint8_t> EncodeOutcomeReport(const OutcomeReport& o);
Result<OutcomeReport> DecodeOutcomeReport(std::span<const uint8_t> body);

}  // namespace meridian::risk

#endif  // MERIDIAN_RISK_RISK_BOOK_H_
