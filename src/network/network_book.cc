// NetworkBook's snapshot section, little-endian (core/bytes.h; strings a
// u32 length then bytes; a currency its u16 ISO numeric code; a decimal
// its i128 count of 10^-12 as two u64 halves, low first):
//
//   u32 magic "MRNB" | u32 version 1 | u64 open window | i64 window since
//   u32 n participants  x participant  (network_commands.cc: records)
//   u32 n merchants     x merchant
//   u32 n orders        x order
//   u32 n quotes        x quote
//   u32 n payments      x payment
//   u32 n refunds       x refund
//
// Everything in id order; the indexes (prefixes, national keys, request
// ids, expiry sets) are rebuilt from the records, so equal states encode
// to equal bytes whatever their history.
#include "network/network_book.h"

#include <cstring>

#include "core/hash.h"
#include "network/network_commands.h"

namespace meridian::network {
namespace {

constexpr uint32_t kBookMagic = 0x424E524Du;  // "MRNB"
constexpr uint32_t kBookVersion = 1;

Error Corrupt(std::string_view what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                   "network book: " + std::string(what));
}

}  // namespace

u128 NetworkFeeAccountId(Currency currency) {
  return (static_cast<u128>(kNetworkAccountTag) << 96) |
         (static_cast<u128>(1) << 32) | currency.numeric();
}

u128 ParticipantAccountId(u128 participant, Currency currency, uint16_t code) {
  Sha256Hasher h;
  h.Update("meridian/network/account");
  h.Update(std::string_view(reinterpret_cast<const char*>(&participant),
                            sizeof participant));
  const uint16_t n = currency.numeric();
  h.Update(std::string_view(reinterpret_cast<const char*>(&n), sizeof n));
  h.Update(std::string_view(reinterpret_cast<const char*>(&code), sizeof code));
  Sha256Digest d = h.Finish();
  u128 out = 0;
  std::memcpy(&out, d.data(), sizeof out);
  // Never 0 and never in the hub's fixed-id ranges.
  if (out == 0 || static_cast<uint32_t>(out >> 96) == kNetworkAccountTag ||
      static_cast<uint32_t>(out >> 96) == 0x4D524658u) {
    out ^= static_cast<u128>(1) << 127;
  }
  return out;
}

std::string_view ParticipantTypeName(ParticipantType t) {
  return t == ParticipantType::kWallet ? "WALLET" : "ACQUIRER";
}

std::optional<ParticipantType> ParticipantTypeFromName(std::string_view name) {
  if (name == "WALLET") return ParticipantType::kWallet;
  if (name == "ACQUIRER") return ParticipantType::kAcquirer;
  return std::nullopt;
}

std::string_view PaymentKindName(PaymentKind k) {
  return k == PaymentKind::kMpm ? "MPM" : "CPM";
}

std::string_view PaymentStatusName(PaymentStatus s) {
  switch (s) {
    case PaymentStatus::kProcessing:
      return "PROCESSING";
    case PaymentStatus::kSuccess:
      return "SUCCESS";
    case PaymentStatus::kFail:
      return "FAIL";
    case PaymentStatus::kHeld:
      return "HELD";
    case PaymentStatus::kCancelled:
      return "CANCELLED";
  }
  return "FAIL";
}

// ---------------------------------------------------------------- changes

Status NetworkBook::CheckNewParticipant(const Participant& p) const {
  if (participants_.size() >= limits_.max_participants) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "the network holds its most participants");
  }
  if (participants_.contains(p.id)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "id",
                     "a participant with this id exists");
  }
  for (size_t i = 0; i < p.code_prefixes.size(); ++i) {
    auto it = prefixes_.find(p.code_prefixes[i]);
    if (it != prefixes_.end()) {
      return MakeError(ErrorCode::kINVALID_PARAMETER,
                       "codePrefixes[" + std::to_string(i) + "]",
                       "another wallet routes this prefix; choose one no "
                       "wallet has");
    }
  }
  return Status::Ok();
}

void NetworkBook::AddParticipant(Participant p) {
  for (const std::string& prefix : p.code_prefixes) {
    prefixes_.emplace(prefix, p.id);
  }
  const u128 id = p.id;
  participants_.emplace(id, std::move(p));
}

Status NetworkBook::CheckNewMerchant(const Merchant& m) const {
  if (merchants_.size() >= limits_.max_merchants) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "the network holds its most merchants");
  }
  if (!m.national_key.empty() && national_.contains(m.national_key)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "nationalQr",
                     "another merchant registered this national code");
  }
  auto ref =
      references_.find(std::pair<u128, std::string>(m.acquirer, m.reference));
  if (ref != references_.end()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "reference",
                     "the acquirer has a merchant with this reference");
  }
  return Status::Ok();
}

void NetworkBook::AddMerchant(Merchant m) {
  if (!m.national_key.empty()) national_.emplace(m.national_key, m.id);
  references_.emplace(std::pair<u128, std::string>(m.acquirer, m.reference),
                      m.id);
  const u128 id = m.id;
  merchants_.emplace(id, std::move(m));
}

Status NetworkBook::CheckNewOrder(const Order& o, int64_t now_ns) const {
  if (orders_.size() >= limits_.max_live_orders) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "too many open orders; retry later");
  }
  return Status::Ok();
}

void NetworkBook::AddOrder(Order o) {
  order_expiry_.emplace(o.expires_ns + limits_.grace_ns, o.id);
  const u128 id = o.id;
  orders_.emplace(id, std::move(o));
}

void NetworkBook::MarkOrderPaid(u128 order, u128 payment) {
  auto it = orders_.find(order);
  MERIDIAN_CHECK(it != orders_.end());
  it->second.paid_by = payment;
}

Status NetworkBook::CheckNewQuote() const {
  if (quotes_.size() >= limits_.max_live_quotes) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "too many live quotes; retry later");
  }
  return Status::Ok();
}

void NetworkBook::AddQuote(NetQuote q) {
  quote_expiry_.emplace(q.expires_ns + limits_.grace_ns, q.id);
  const u128 id = q.id;
  quotes_.emplace(id, std::move(q));
}

void NetworkBook::MarkQuoteUsed(u128 quote, u128 payment) {
  auto it = quotes_.find(quote);
  MERIDIAN_CHECK(it != quotes_.end());
  it->second.used_by = payment;
}

Status NetworkBook::CheckNewPayment() const {
  if (payments_.size() >= limits_.max_payments) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "the engine holds its most payments; retry later");
  }
  return Status::Ok();
}

void NetworkBook::PutPayment(Payment p) {
  auto it = payments_.find(p.id);
  if (it != payments_.end()) {
    const Payment& old = it->second;
    if (old.hold_expires_ns != 0) holds_.erase({old.hold_expires_ns, old.id});
  } else {
    payment_requests_.emplace(
        RequestKey(p.kind == PaymentKind::kMpm ? p.wallet : p.acquirer,
                   p.request_id),
        p.id);
  }
  if (p.case_id != 0) case_payments_.emplace(p.case_id, p.id);
  if (p.status == PaymentStatus::kProcessing && p.hold_expires_ns != 0) {
    holds_.emplace(p.hold_expires_ns, p.id);
  }
  const u128 id = p.id;
  payments_.insert_or_assign(id, std::move(p));
}

void NetworkBook::AddRefund(Refund r) {
  refunds_by_payment_.emplace(r.payment, r.id);
  const u128 id = r.id;
  refunds_.emplace(id, std::move(r));
}

uint64_t NetworkBook::CloseWindow(int64_t now_ns) {
  const uint64_t closed = open_window_;
  ++open_window_;
  open_window_since_ns_ = now_ns;
  return closed;
}

void NetworkBook::Expire(int64_t now_ns) {
  while (!order_expiry_.empty() && order_expiry_.begin()->first <= now_ns) {
    orders_.erase(order_expiry_.begin()->second);
    order_expiry_.erase(order_expiry_.begin());
  }
  while (!quote_expiry_.empty() && quote_expiry_.begin()->first <= now_ns) {
    quotes_.erase(quote_expiry_.begin()->second);
    quote_expiry_.erase(quote_expiry_.begin());
  }
  // Payments are in id order, which is creation order (time-ordered ids);
  // a payment not final yet stops the sweep, which resumes once it is.
  while (!payments_.empty()) {
    auto it = payments_.begin();
    const Payment& p = it->second;
    if (!IsFinal(p.status) ||
        p.created_ns + limits_.payment_retention_ns > now_ns) {
      break;
    }
    payment_requests_.erase(RequestKey(
        p.kind == PaymentKind::kMpm ? p.wallet : p.acquirer, p.request_id));
    if (p.case_id != 0) case_payments_.erase(p.case_id);
    auto [lo, hi] = refunds_by_payment_.equal_range(p.id);
    for (auto r = lo; r != hi; ++r) refunds_.erase(r->second);
    refunds_by_payment_.erase(lo, hi);
    payments_.erase(it);
  }
}

std::vector<u128> NetworkBook::LapsedHolds(int64_t now_ns) const {
  std::vector<u128> out;
  for (auto it = holds_.begin(); it != holds_.end() && it->first <= now_ns;
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

// ---------------------------------------------------------------- reads

const Participant* NetworkBook::FindParticipant(u128 id) const {
  auto it = participants_.find(id);
  return it == participants_.end() ? nullptr : &it->second;
}

const Merchant* NetworkBook::FindMerchant(u128 id) const {
  auto it = merchants_.find(id);
  return it == merchants_.end() ? nullptr : &it->second;
}

const Merchant* NetworkBook::MerchantByNationalKey(std::string_view key) const {
  auto it = national_.find(key);
  return it == national_.end() ? nullptr : FindMerchant(it->second);
}

const Merchant* NetworkBook::MerchantByReference(
    u128 acquirer, std::string_view reference) const {
  auto it = references_.find(
      std::pair<u128, std::string>(acquirer, std::string(reference)));
  return it == references_.end() ? nullptr : FindMerchant(it->second);
}

const Order* NetworkBook::FindOrder(u128 id) const {
  auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : &it->second;
}

const NetQuote* NetworkBook::FindQuote(u128 id) const {
  auto it = quotes_.find(id);
  return it == quotes_.end() ? nullptr : &it->second;
}

const Payment* NetworkBook::FindPayment(u128 id) const {
  auto it = payments_.find(id);
  return it == payments_.end() ? nullptr : &it->second;
}

const Payment* NetworkBook::PaymentByRequest(
    u128 caller, std::string_view request_id) const {
  auto it = payment_requests_.find(RequestKey(caller, request_id));
  return it == payment_requests_.end() ? nullptr : FindPayment(it->second);
}

const Payment* NetworkBook::PaymentByCase(u128 case_id) const {
  auto it = case_payments_.find(case_id);
  return it == case_payments_.end() ? nullptr : FindPayment(it->second);
}

const Refund* NetworkBook::FindRefund(u128 id) const {
  auto it = refunds_.find(id);
  return it == refunds_.end() ? nullptr : &it->second;
}

std::vector<const Refund*> NetworkBook::RefundsOf(u128 payment) const {
  std::vector<const Refund*> out;
  auto [lo, hi] = refunds_by_payment_.equal_range(payment);
  for (auto it = lo; it != hi; ++it) out.push_back(FindRefund(it->second));
  return out;
}

const Participant* NetworkBook::WalletForCode(std::string_view code) const {
  for (size_t n = std::min(code.size(), kMaxCodePrefixDigits);
       n >= kMinCodePrefixDigits; --n) {
    auto it = prefixes_.find(std::string(code.substr(0, n)));
    if (it != prefixes_.end()) return FindParticipant(it->second);
  }
  return nullptr;
}

u128 NetworkBook::RequestKey(u128 caller, std::string_view request_id) {
  Sha256Hasher h;
  h.Update("meridian/network/request");
  h.Update(
      std::string_view(reinterpret_cast<const char*>(&caller), sizeof caller));
  h.Update(request_id);
  Sha256Digest d = h.Finish();
  u128 out = 0;
  std::memcpy(&out, d.data(), sizeof out);
  return out;
}

// ---------------------------------------------------------------- snapshot

void NetworkBook::Serialize(ByteWriter* w) const {
  w->U32(kBookMagic);
  w->U32(kBookVersion);
  w->U64(open_window_);
  w->I64(open_window_since_ns_);
  auto all = [&](const auto& map, auto write) {
    w->U32(static_cast<uint32_t>(map.size()));
    for (const auto& [id, v] : map) write(*w, v);
  };
  all(participants_, WriteParticipant);
  all(merchants_, WriteMerchant);
  all(orders_, WriteOrder);
  all(quotes_, WriteNetQuote);
  all(payments_, WritePayment);
  all(refunds_, WriteRefund);
}

Result<NetworkBook> NetworkBook::Deserialize(ByteReader* r,
                                             NetworkLimits limits) {
  NetworkBook book(limits);
  uint32_t magic = 0, version = 0;
  if (!r->U32(&magic) || magic != kBookMagic || !r->U32(&version) ||
      version != kBookVersion) {
    return Corrupt("bad magic or version");
  }
  if (!r->U64(&book.open_window_) || !r->I64(&book.open_window_since_ns_)) {
    return Corrupt("truncated");
  }
  auto all = [&](auto read, auto add) -> Status {
    uint32_t n = 0;
    if (!r->U32(&n)) return Corrupt("truncated");
    for (uint32_t i = 0; i < n; ++i) {
      auto v = read(*r);
      if (!v) return Corrupt("bad record");
      add(std::move(*v));
    }
    return Status::Ok();
  };
  MERIDIAN_RETURN_IF_ERROR(all(ReadParticipant, [&](Participant p) {
    book.AddParticipant(std::move(p));
  }));
  MERIDIAN_RETURN_IF_ERROR(
      all(ReadMerchant, [&](Merchant m) { book.AddMerchant(std::move(m)); }));
  MERIDIAN_RETURN_IF_ERROR(
      all(ReadOrder, [&](Order o) { book.AddOrder(std::move(o)); }));
  MERIDIAN_RETURN_IF_ERROR(
      all(ReadNetQuote, [&](NetQuote q) { book.AddQuote(std::move(q)); }));
  MERIDIAN_RETURN_IF_ERROR(
      all(ReadPayment, [&](Payment p) { book.PutPayment(std::move(p)); }));
  MERIDIAN_RETURN_IF_ERROR(
      all(ReadRefund, [&](Refund f) { book.AddRefund(std::move(f)); }));
  return book;
}

}  // namespace meridian::network
