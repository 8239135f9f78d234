#include "compliance/cases.h"

#include <algorithm>
#include <array>

namespace meridian::compliance {
namespace {

// Version 2 adds each case's rule and accounts (AML alerts).
constexpr uint32_t kCaseSectionVersion = 2;

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   "malformed compliance command: " + std::string(what));
}

void WriteStr(ByteWriter& w, std::string_view s) { w.Bytes(s); }

bool ReadStr(ByteReader& r, std::string* s, size_t max) {
  std::string_view v;
  if (!r.Bytes(&v, static_cast<uint32_t>(max))) return false;
  *s = std::string(v);
  return true;
}

void WritePartiesAndHits(ByteWriter& w, const std::vector<CaseParty>& parties,
                         const std::vector<CaseHit>& hits) {
  w.U32(static_cast<uint32_t>(parties.size()));
  for (const CaseParty& p : parties) {
    WriteStr(w, p.role);
    WriteStr(w, p.name);
    WriteStr(w, p.country);
    WriteStr(w, p.date_of_birth);
  }
  w.U32(static_cast<uint32_t>(hits.size()));
  for (const CaseHit& h : hits) {
    WriteStr(w, h.list);
    WriteStr(w, h.entry_id);
    WriteStr(w, h.listed_name);
    w.U16(h.score_bp);
  }
}

void WriteCaseBody(ByteWriter& w, const Case& c) {
  w.U128(c.id);
  w.U8(static_cast<uint8_t>(c.kind));
  w.U8(static_cast<uint8_t>(c.status));
  w.U128(c.subject);
  WriteStr(w, c.reason);
  WritePartiesAndHits(w, c.parties, c.hits);
  w.U32(static_cast<uint32_t>(c.held_transfers.size()));
  for (u128 t : c.held_transfers) w.U128(t);
  w.I64(c.created_ns);
  w.U128(c.decided_by);
  w.I64(c.decided_ns);
  WriteStr(w, c.note);
  WriteStr(w, c.rule);
  w.U32(static_cast<uint32_t>(c.accounts.size()));
  for (u128 a : c.accounts) w.U128(a);
}

bool ReadParties(ByteReader& r, std::vector<CaseParty>* parties) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > kMaxCaseParties) return false;
  parties->resize(n);
  for (CaseParty& p : *parties) {
    if (!ReadStr(r, &p.role, 32) || !ReadStr(r, &p.name, kMaxPartyFieldBytes) ||
        !ReadStr(r, &p.country, 8) || !ReadStr(r, &p.date_of_birth, 16)) {
      return false;
    }
  }
  return true;
}

bool ReadHits(ByteReader& r, std::vector<CaseHit>* hits) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > kMaxCaseHits) return false;
  hits->resize(n);
  for (CaseHit& h : *hits) {
    if (!ReadStr(r, &h.list, 32) || !ReadStr(r, &h.entry_id, 64) ||
        !ReadStr(r, &h.listed_name, kMaxPartyFieldBytes) ||
        !r.U16(&h.score_bp) || h.score_bp > 10'000) {
      return false;
    }
  }
  return true;
}

// `v1`: a case written before rules and accounts (section version 1).
bool ReadCaseBody(ByteReader& r, Case* c, bool v1) {
  uint8_t kind = 0, status = 0;
  uint32_t n = 0;
  if (!r.U128(&c->id) || !r.U8(&kind) || kind < 1 || kind > 3 ||
      !r.U8(&status) || status > 2 || !r.U128(&c->subject) ||
      !ReadStr(r, &c->reason, kMaxReasonBytes) ||
      !ReadParties(r, &c->parties) || !ReadHits(r, &c->hits) || !r.U32(&n) ||
      n > kMaxHeldTransfers) {
    return false;
  }
  c->kind = static_cast<CaseKind>(kind);
  c->status = static_cast<CaseStatus>(status);
  c->held_transfers.resize(n);
  for (u128& t : c->held_transfers) {
    if (!r.U128(&t)) return false;
  }
  if (!r.I64(&c->created_ns) || !r.U128(&c->decided_by) ||
      !r.I64(&c->decided_ns) || !ReadStr(r, &c->note, kMaxNoteBytes)) {
    return false;
  }
  if (v1) return true;
  if (!ReadStr(r, &c->rule, kMaxRuleBytes) || !r.U32(&n) ||
      n > kMaxCaseAccounts) {
    return false;
  }
  c->accounts.resize(n);
  for (u128& a : c->accounts) {
    if (!r.U128(&a)) return false;
  }
  return true;
}

}  // namespace

std::string_view CaseKindName(CaseKind k) {
  switch (k) {
    case CaseKind::kSanctionsHit:
      return "SANCTIONS_HIT";
    case CaseKind::kAmlAlert:
      return "AML_ALERT";
    case CaseKind::kRiskReview:
      return "RISK_REVIEW";
  }
  return "";
}

std::string_view CaseStatusName(CaseStatus s) {
  switch (s) {
    case CaseStatus::kOpen:
      return "OPEN";
    case CaseStatus::kReleased:
      return "RELEASED";
    case CaseStatus::kRejected:
      return "REJECTED";
  }
  return "";
}

std::optional<CaseStatus> CaseStatusFromName(std::string_view name) {
  for (CaseStatus s :
       {CaseStatus::kOpen, CaseStatus::kReleased, CaseStatus::kRejected}) {
    if (CaseStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<CaseKind> CaseKindFromName(std::string_view name) {
  for (CaseKind k :
       {CaseKind::kSanctionsHit, CaseKind::kAmlAlert, CaseKind::kRiskReview}) {
    if (CaseKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::optional<Decision> DecisionFromName(std::string_view name) {
  if (name == "RELEASE") return Decision::kRelease;
  if (name == "REJECT") return Decision::kReject;
  return std::nullopt;
}

Status CaseBook::Open(const CaseSpec& spec, std::vector<u128> held_transfers,
                      int64_t now_ns) {
  if (spec.id == 0 || cases_.contains(spec.id)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "id",
                     "a new case id is needed");
  }
  if (open_ >= limits_.max_open_cases) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "too many open compliance cases; decide some first");
  }
  Case c;
  c.id = spec.id;
  c.kind = spec.kind;
  c.subject = spec.subject;
  c.reason = spec.reason;
  c.parties = spec.parties;
  c.hits = spec.hits;
  if (spec.rule.size() > kMaxRuleBytes ||
      spec.accounts.size() > kMaxCaseAccounts) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "rule",
                     "a case's rule or account list is too long");
  }
  c.rule = spec.rule;
  c.accounts = spec.accounts;
  c.held_transfers = std::move(held_transfers);
  c.created_ns = now_ns;
  Index(c);
  cases_.emplace(c.id, std::move(c));
  ++open_;
  return Status::Ok();
}

void CaseBook::Index(const Case& c) {
  if (c.kind == CaseKind::kAmlAlert && c.status == CaseStatus::kOpen &&
      !c.accounts.empty()) {
    open_alerts_[{c.rule, c.accounts[0]}] = c.id;
  }
}

void CaseBook::Unindex(const Case& c) {
  if (c.kind != CaseKind::kAmlAlert || c.accounts.empty()) return;
  auto it = open_alerts_.find({c.rule, c.accounts[0]});
  if (it != open_alerts_.end() && it->second == c.id) open_alerts_.erase(it);
}

const Case* CaseBook::FindOpenAlert(std::string_view rule,
                                    u128 account) const {
  auto it = open_alerts_.find({std::string(rule), account});
  return it == open_alerts_.end() ? nullptr : Find(it->second);
}

size_t CaseBook::AddAccounts(u128 id, std::span<const u128> accounts) {
  Case& c = cases_.at(id);
  MERIDIAN_CHECK(c.status == CaseStatus::kOpen);
  size_t added = 0;
  for (u128 a : accounts) {
    if (c.accounts.size() >= kMaxCaseAccounts) break;
    if (std::find(c.accounts.begin(), c.accounts.end(), a) !=
        c.accounts.end()) {
      continue;
    }
    c.accounts.push_back(a);
    ++added;
  }
  return added;
}

Result<Case> CaseBook::PreviewDecision(const CaseDecision& d,
                                       int64_t now_ns) const {
  const Case* c = Find(d.case_id);
  if (c == nullptr) {
    return MakeError(ErrorCode::kNOT_FOUND, "id", "no such case");
  }
  if (c->status != CaseStatus::kOpen) {
    return MakeError(ErrorCode::kCASE_ALREADY_DECIDED, "id",
                     "this case was decided already (" +
                         std::string(CaseStatusName(c->status)) +
                         "); a decision is final");
  }
  Case out = *c;
  out.status = d.decision == Decision::kRelease ? CaseStatus::kReleased
                                                : CaseStatus::kRejected;
  out.decided_by = d.decided_by;
  out.decided_ns = now_ns;
  out.note = d.note;
  return out;
}

const Case& CaseBook::Decide(const Case& decided) {
  Case& c = cases_.at(decided.id);
  MERIDIAN_CHECK(c.status == CaseStatus::kOpen);
  MERIDIAN_CHECK(decided.status != CaseStatus::kOpen);
  Unindex(c);
  c = decided;
  --open_;
  return c;
}

const Case* CaseBook::Find(u128 id) const {
  auto it = cases_.find(id);
  return it == cases_.end() ? nullptr : &it->second;
}

void CaseBook::Serialize(ByteWriter* w) const {
  w->U32(kCaseSectionVersion);
  w->U64(cases_.size());
  for (const auto& [id, c] : cases_) WriteCaseBody(*w, c);
}

Result<CaseBook> CaseBook::Deserialize(ByteReader* r, CaseLimits limits) {
  CaseBook book(limits);
  uint32_t version = 0;
  uint64_t n = 0;
  if (!r->U32(&version) || version < 1 || version > kCaseSectionVersion ||
      !r->U64(&n)) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "engine state: bad compliance section");
  }
  for (uint64_t i = 0; i < n; ++i) {
    Case c;
    if (!ReadCaseBody(*r, &c, version == 1) || book.cases_.contains(c.id)) {
      return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                       "engine state: bad compliance case");
    }
    if (c.status == CaseStatus::kOpen) ++book.open_;
    book.Index(c);
    book.cases_.emplace(c.id, std::move(c));
  }
  return book;
}

std::vector<uint8_t> EncodeHoldForReview(const CaseSpec& spec,
                                         std::span<const uint8_t> transfers) {
  MERIDIAN_CHECK(transfers.size() % 128 == 0);
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(spec.id);
  w.U128(spec.subject);
  w.U8(static_cast<uint8_t>(spec.kind));
  WriteStr(w, spec.reason);
  WritePartiesAndHits(w, spec.parties, spec.hits);
  w.U32(static_cast<uint32_t>(transfers.size() / 128));
  w.Raw(transfers.data(), transfers.size());
  return out;
}

Result<HoldForReview> DecodeHoldForReview(std::span<const uint8_t> body,
                                          size_t min_transfers) {
  ByteReader r(body);
  HoldForReview h;
  uint8_t kind = 0;
  uint32_t n = 0;
  if (!r.U128(&h.spec.id) || !r.U128(&h.spec.subject) || !r.U8(&kind) ||
      kind < 1 || kind > 3 || !ReadStr(r, &h.spec.reason, kMaxReasonBytes) ||
      !ReadParties(r, &h.spec.parties) || !ReadHits(r, &h.spec.hits) ||
      !r.U32(&n) || n < min_transfers || n > kMaxHeldTransfers) {
    return Malformed("hold for review");
  }
  h.spec.kind = static_cast<CaseKind>(kind);
  h.transfers.resize(n);
  for (auto& t : h.transfers) {
    if (!r.Raw(t.data(), t.size())) return Malformed("hold for review");
  }
  if (r.remaining() != 0) return Malformed("hold for review: trailing bytes");
  return h;
}

std::vector<uint8_t> EncodeCaseDecision(const CaseDecision& d) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(d.case_id);
  w.U128(d.decided_by);
  w.U8(static_cast<uint8_t>(d.decision));
  WriteStr(w, d.note);
  return out;
}

Result<CaseDecision> DecodeCaseDecision(std::span<const uint8_t> body) {
  ByteReader r(body);
  CaseDecision d;
  uint8_t decision = 0;
  if (!r.U128(&d.case_id) || !r.U128(&d.decided_by) || !r.U8(&decision) ||
      decision < 1 || decision > 2 || !ReadStr(r, &d.note, kMaxNoteBytes) ||
      r.remaining() != 0) {
    return Malformed("case decision");
  }
  d.decision = static_cast<Decision>(decision);
  return d;
}

std::vector<uint8_t> EncodeAmlConfigChange(const AmlConfigChange& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(c.set_by);
  w.U32(static_cast<uint32_t>(c.settings.size()));
  for (const std::string& line : c.settings) WriteStr(w, line);
  return out;
}

Result<AmlConfigChange> DecodeAmlConfigChange(std::span<const uint8_t> body) {
  ByteReader r(body);
  AmlConfigChange c;
  uint32_t n = 0;
  if (!r.U128(&c.set_by) || !r.U32(&n) || n == 0 || n > kMaxAmlSettings) {
    return Malformed("AML config");
  }
  c.settings.resize(n);
  for (std::string& line : c.settings) {
    if (!ReadStr(r, &line, 128)) return Malformed("AML config");
  }
  if (r.remaining() != 0) return Malformed("AML config: trailing bytes");
  return c;
}

std::vector<uint8_t> EncodeCase(const Case& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  WriteCaseBody(w, c);
  return out;
}

Result<Case> DecodeCase(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  Case c;
  // Replies stored before version 2 (in the idempotency table) end after
  // the note.
  ByteReader legacy(bytes);
  if (Case old; ReadCaseBody(legacy, &old, true) && legacy.remaining() == 0) {
    return old;
  }
  if (!ReadCaseBody(r, &c, false) || r.remaining() != 0) {
    return Malformed("case");
  }
  return c;
}

}  // namespace meridian::compliance
