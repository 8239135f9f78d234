// Compliance cases: the record of money held for review and of who decided
// what about it, when and why.
//
// A case is opened by the engine when a product (or the ledger API with a
// screening block) asks to hold a payment: the payment's transfers are
// created as pending ledger transfers that never time out, so they reserve
// the money and move none. An operator's decision resolves the case:
// RELEASE posts every held transfer in full, REJECT voids them (the money
// goes back). A decided case stays in the book: who decided, when and with
// what note are kept with the journal that proves them.
//
// CaseBook is deterministic engine state: changed only by journaled
// commands, iterated in id order, serialised into snapshots.
//
//   CaseBook book;
//   MERIDIAN_RETURN_IF_ERROR(book.Open(spec, held_transfer_ids, now));
//   MERIDIAN_ASSIGN_OR_RETURN(const Case* c,
//       book.Decide(id, Decision::kRelease, operator_id, "false positive",
//       now));
//
// Command bodies (the engine wraps them in its header; little-endian;
// strings are u32 length + bytes):
//   hold for review  u128 case id | u128 subject principal | u8 kind |
//                    str reason (<=512) | u32 n parties (<=8) x (str role,
//                    name, country, date of birth) | u32 n hits (<=32) x
//                    (str list, entry id, listed name | u16 score bp) |
//                    u32 n transfers (1..64) x 128-byte ledger::Transfer
//   case decision    u128 case id | u128 decided by | u8 decision |
//                    str note (<=1024)
//   AML config       u128 set by | u32 n (1..64) x str "name=value" (<=128)
//                    (compliance/aml/monitor.h SetConfigField names)
//
// AML alerts: the engine's transaction monitor opens a case of kind
// AML_ALERT for each new alert, with no held transfers (the money has moved;
// monitoring looks at flows after the fact), the rule that fired in `rule`
// and the accounts of the pattern in `accounts` (subject first). Later
// evidence of the same open pattern joins that case's accounts. The subject
// principal is 0, so no event reaches the account holder: telling a customer
// that their account is under AML review is tipping-off. The operator's
// decision closes it: RELEASE as cleared, REJECT as confirmed suspicious
// (reported outside Meridian); nothing moves either way.
#ifndef MERIDIAN_COMPLIANCE_CASES_H_
#define MERIDIAN_COMPLIANCE_CASES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::compliance {

enum class CaseKind : uint8_t {
  kSanctionsHit = 1,
  kAmlAlert = 2,
  kRiskReview = 3,
};
enum class CaseStatus : uint8_t {
  kOpen = 0,
  kReleased = 1,
  kRejected = 2,
};
enum class Decision : uint8_t {
  kRelease = 1,
  kReject = 2,
};
std::string_view CaseKindName(CaseKind k);      // "SANCTIONS_HIT", …
std::string_view CaseStatusName(CaseStatus s);  // "OPEN", "RELEASED", …
std::optional<CaseStatus> CaseStatusFromName(std::string_view name);
std::optional<CaseKind> CaseKindFromName(std::string_view name);
std::optional<Decision> DecisionFromName(std::string_view name);  // RELEASE…

inline constexpr size_t kMaxCaseParties = 8;
inline constexpr size_t kMaxCaseHits = 32;
inline constexpr size_t kMaxHeldTransfers = 64;
inline constexpr size_t kMaxReasonBytes = 512;
inline constexpr size_t kMaxNoteBytes = 1024;
inline constexpr size_t kMaxPartyFieldBytes = 256;
inline constexpr size_t kMaxRuleBytes = 64;
inline constexpr size_t kMaxCaseAccounts = 64;

struct CaseParty {
  std::string role;  // "PAYER", "PAYEE", "BENEFICIARY", …
  std::string name;
  std::string country;        // alpha-2 or ""
  std::string date_of_birth;  // YYYY[-MM[-DD]] or ""
};

struct CaseHit {
  std::string list;  // "OFAC-SDN", "UN", …
  std::string entry_id;
  std::string listed_name;
  uint16_t score_bp = 0;  // 0..10,000: the matcher's score x 10,000
};

struct Case {
  u128 id = 0;
  CaseKind kind = CaseKind::kSanctionsHit;
  CaseStatus status = CaseStatus::kOpen;
  u128 subject = 0;  // the principal whose payment it is
  std::string reason;
  std::vector<CaseParty> parties;
  std::vector<CaseHit> hits;
  std::vector<u128> held_transfers;  // pending ledger transfers
  // What raised it, when a rule did: "fan_in", "structuring", … for AML.
  std::string rule;
  // The ledger accounts it is about: for an AML alert the subject first,
  // then the related accounts as evidence joined (at most
  // kMaxCaseAccounts).
  std::vector<u128> accounts;
  int64_t created_ns = 0;
  u128 decided_by = 0;
  int64_t decided_ns = 0;
  std::string note;
};

// What a hold-for-review command carries besides the transfers.
struct CaseSpec {
  u128 id = 0;
  u128 subject = 0;
  CaseKind kind = CaseKind::kSanctionsHit;
  std::string reason;
  std::vector<CaseParty> parties;
  std::vector<CaseHit> hits;
  std::string rule;
  std::vector<u128> accounts;
};

struct CaseDecision {
  u128 case_id = 0;
  u128 decided_by = 0;
  Decision decision = Decision::kRelease;
  std::string note;
};

struct CaseLimits {
  uint64_t max_open_cases = 1'000'000;
};

class CaseBook {
 public:
  explicit CaseBook(CaseLimits limits = {}) : limits_(limits) {}

  // INVALID_PARAMETER for a reused id; RATE_LIMITED past the open-case
  // bound.
  Status Open(const CaseSpec& spec, std::vector<u128> held_transfers,
              int64_t now_ns);
  // The case as it will be once decided, without changing it: NOT_FOUND,
  // or CASE_ALREADY_DECIDED.
  Result<Case> PreviewDecision(const CaseDecision& d, int64_t now_ns) const;
  // Records the decision (after the ledger resolved the holds).
  const Case& Decide(const Case& decided);

  const Case* Find(u128 id) const;
  // The open AML alert case of `rule` whose subject (accounts[0]) is
  // `account`, if any: where new evidence of the same pattern goes.
  const Case* FindOpenAlert(std::string_view rule, u128 account) const;
  // Appends the accounts not yet on the open case `id`, up to
  // kMaxCaseAccounts; returns how many it added.
  size_t AddAccounts(u128 id, std::span<const u128> accounts);
  const std::map<u128, Case>& cases() const { return cases_; }
  uint64_t open_cases() const { return open_; }

  void Serialize(ByteWriter* w) const;
  static Result<CaseBook> Deserialize(ByteReader* r, CaseLimits limits);

 private:
  void Index(const Case& c);
  void Unindex(const Case& c);

  CaseLimits limits_;
  std::map<u128, Case> cases_;
  uint64_t open_ = 0;
  // (rule, subject account) of open AML alert cases -> case id. Derived
  // from cases_ (rebuilt on load), never serialised.
  std::map<std::pair<std::string, u128>, u128> open_alerts_;
};

// Encoders and decoders of the command bodies above. Transfers are copied
// in and out as raw 128-byte records (ledger/types.h); decoding checks
// shape, limits and lengths only.
struct HoldForReview {
  CaseSpec spec;
  std::vector<std::array<uint8_t, 128>> transfers;
};
std::vector<uint8_t> EncodeHoldForReview(const CaseSpec& spec,
                                         std::span<const uint8_t> transfers);
// `min_transfers` 0: a product (the network) that makes the holds itself
// sends the case without transfers.
Result<HoldForReview> DecodeHoldForReview(std::span<const uint8_t> body,
                                          size_t min_transfers = 1);
std::vector<uint8_t> EncodeCaseDecision(const CaseDecision& d);
Result<CaseDecision> DecodeCaseDecision(std::span<const uint8_t> body);

struct AmlConfigChange {
  u128 set_by = 0;
  std::vector<std::string> settings;  // "name=value"
};
inline constexpr size_t kMaxAmlSettings = 64;
std::vector<uint8_t> EncodeAmlConfigChange(const AmlConfigChange& c);
Result<AmlConfigChange> DecodeAmlConfigChange(std::span<const uint8_t> body);

// A case record as the engine answers with it.
std::vector<uint8_t> EncodeCase(const Case& c);
Result<Case> DecodeCase(std::span<const uint8_t> bytes);

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_CASES_H_
