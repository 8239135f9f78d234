// Snapshot section (PromotionBook::Serialize; little-endian, str = u32
// length + bytes, spec = the create command's body, promotions.h):
//   u32 version (1)
//   u64 n promotions x (spec | i64 ended ns (INT64_MAX: not ended early) |
//       i64 budget spent minor | u64 uses), in id order
//   u64 n reservations x (u128 id | u128 promotion | u128 user | i64 day |
//       i64 discount minor | i64 expires ns), in id order
//   u64 n use counters x (i64 day | u128 promotion | u128 user | u32 uses),
//       in (day, promotion, user) order
//   u64 n payment records x (u128 payment | u128 promotion | u128 user |
//       i64 day | i64 discount minor | i64 time ns), in payment id order
//   u64 capacity misses
// Reserved budget and reserved uses are not written: they are the sums of
// the reservations, and Deserialize recomputes them. The indexes (buckets,
// ends, expiries) are rebuilt the same way, so equal states write equal
// bytes whatever their history.
#include "network/promotions.h"

#include <algorithm>
#include <limits>

#include "core/amount.h"
#include "core/assert.h"

namespace meridian::network {
namespace {

constexpr uint32_t kSectionVersion = 1;
// Deserialize's sanity bounds on counts (the live bounds are smaller).
constexpr uint64_t kMaxSerializedItems = 50'000'000;

Error Invalid(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   "malformed promotion command: " + std::string(what));
}

Error Corrupted(std::string_view what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                   "engine state: promotions section: " + std::string(what));
}

// Well-formed UTF-8 (no overlongs, no surrogates) without C0/C1 controls or
// DEL.
bool IsCleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool IsCountry(CountryCode c) {
  const int hi = c >> 8;
  const int lo = c & 0xFF;
  return hi >= 'A' && hi <= 'Z' && lo >= 'A' && lo <= 'Z';
}

template <typename T>
bool HasDuplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

template <typename T>
bool Contains(const std::vector<T>& sorted, T v) {
  return sorted.empty() || std::binary_search(sorted.begin(), sorted.end(), v);
}

void WriteSpec(ByteWriter& w, const PromotionSpec& s) {
  w.U128(s.id);
  w.U128(s.created_by);
  w.U128(s.funder);
  w.Bytes(s.name);
  w.U16(s.currency.numeric());
  w.U32(static_cast<uint32_t>(s.wallets.size()));
  for (u128 x : s.wallets) w.U128(x);
  w.U32(static_cast<uint32_t>(s.merchant_countries.size()));
  for (CountryCode x : s.merchant_countries) w.U16(x);
  w.U32(static_cast<uint32_t>(s.mccs.size()));
  for (uint16_t x : s.mccs) w.U16(x);
  w.I64(s.min_amount_minor);
  w.U8(static_cast<uint8_t>(s.discount_type));
  w.U32(s.percent_bps);
  w.I64(s.cap_minor);
  w.I64(s.fixed_minor);
  w.I64(s.budget_minor);
  w.U32(s.per_user_per_day);
  w.I64(s.starts_ns);
  w.I64(s.ends_ns);
}

bool ReadCount(ByteReader& r, uint32_t* n) {
  return r.U32(n) && *n <= kMaxPromotionListEntries;
}

bool ReadSpec(ByteReader& r, PromotionSpec* s) {
  std::string_view name;
  uint16_t currency = 0;
  uint32_t n = 0;
  if (!r.U128(&s->id) || !r.U128(&s->created_by) || !r.U128(&s->funder) ||
      !r.Bytes(&name, kMaxPromotionNameBytes) || !r.U16(&currency)) {
    return false;
  }
  s->name = std::string(name);
  Result<Currency> c = Currency::FromNumeric(currency);
  if (!c.ok()) return false;
  s->currency = *c;
  if (!ReadCount(r, &n)) return false;
  s->wallets.resize(n);
  for (u128& x : s->wallets) {
    if (!r.U128(&x)) return false;
  }
  if (!ReadCount(r, &n)) return false;
  s->merchant_countries.resize(n);
  for (CountryCode& x : s->merchant_countries) {
    if (!r.U16(&x)) return false;
  }
  if (!ReadCount(r, &n)) return false;
  s->mccs.resize(n);
  for (uint16_t& x : s->mccs) {
    if (!r.U16(&x)) return false;
  }
  uint8_t type = 0;
  if (!r.I64(&s->min_amount_minor) || !r.U8(&type) || type < 1 || type > 2 ||
      !r.U32(&s->percent_bps) || !r.I64(&s->cap_minor) ||
      !r.I64(&s->fixed_minor) || !r.I64(&s->budget_minor) ||
      !r.U32(&s->per_user_per_day) || !r.I64(&s->starts_ns) ||
      !r.I64(&s->ends_ns)) {
    return false;
  }
  s->discount_type = static_cast<DiscountType>(type);
  return true;
}

// The checks that hold for any stored spec, whatever the time.
Status ValidateShape(const PromotionSpec& s) {
  if (s.id == 0) {
    return Invalid("id", "a promotion needs a non-zero id");
  }
  if (s.created_by == 0) {
    return Invalid("createdBy", "a promotion needs the principal creating it");
  }
  if (s.funder == 0) {
    return Invalid("funder",
                   "name the participant whose account pays the discounts");
  }
  if (s.name.empty() || s.name.size() > kMaxPromotionNameBytes) {
    return Invalid("name", "give the promotion a name of 1 to 64 bytes");
  }
  if (!IsCleanUtf8(s.name)) {
    return Invalid("name",
                   "the name must be UTF-8 text without control characters");
  }
  if (s.currency == Currency()) {
    return Invalid("currency",
                   "name the merchant currency the discount is given in (an "
                   "ISO 4217 code such as THB)");
  }
  if (s.wallets.size() > kMaxPromotionListEntries) {
    return Invalid("eligibleWallets",
                   "list at most 256 wallets, or none for every wallet");
  }
  for (u128 w : s.wallets) {
    if (w == 0) {
      return Invalid("eligibleWallets",
                     "every eligible wallet must be a participant id");
    }
  }
  if (HasDuplicates(s.wallets)) {
    return Invalid("eligibleWallets", "list each wallet once");
  }
  if (s.merchant_countries.size() > kMaxPromotionListEntries) {
    return Invalid("merchantCountries",
                   "list at most 256 countries, or none for every country");
  }
  for (CountryCode c : s.merchant_countries) {
    if (!IsCountry(c)) {
      return Invalid("merchantCountries",
                     "give merchant countries as ISO 3166 alpha-2 codes in "
                     "upper case (TH)");
    }
  }
  if (HasDuplicates(s.merchant_countries)) {
    return Invalid("merchantCountries", "list each country once");
  }
  if (s.mccs.size() > kMaxPromotionListEntries) {
    return Invalid("mccs",
                   "list at most 256 merchant category codes, or none for "
                   "every category");
  }
  for (uint16_t m : s.mccs) {
    if (m > 9999) {
      return Invalid("mccs", "a merchant category code has 4 digits (5812)");
    }
  }
  if (HasDuplicates(s.mccs)) {
    return Invalid("mccs", "list each merchant category code once");
  }
  if (s.min_amount_minor < 0 || s.min_amount_minor > Amount::kMaxMinorUnits) {
    return Invalid("minAmount",
                   "the minimum amount is 0 or more minor units (0 for none)");
  }
  switch (s.discount_type) {
    case DiscountType::kPercent:
      if (s.percent_bps < 1 || s.percent_bps > kMaxPercentBps) {
        return Invalid("discount.percentBps",
                       "a percent discount is 1 to 10000 basis points "
                       "(100 = 1 %)");
      }
      if (s.cap_minor < 0 || s.cap_minor > Amount::kMaxMinorUnits) {
        return Invalid("discount.cap",
                       "the cap is a positive amount in minor units, or 0 "
                       "(or absent) for no cap");
      }
      if (s.fixed_minor != 0) {
        return Invalid("discount.amount",
                       "a percent discount has no fixed amount; send "
                       "discount.percentBps only, or type FIXED");
      }
      break;
    case DiscountType::kFixed:
      if (s.fixed_minor <= 0 || s.fixed_minor > Amount::kMaxMinorUnits) {
        return Invalid("discount.amount",
                       "a fixed discount is a positive amount in minor units");
      }
      if (s.percent_bps != 0) {
        return Invalid("discount.percentBps",
                       "a fixed discount has no percentage; send "
                       "discount.amount only, or type PERCENT");
      }
      if (s.cap_minor != 0) {
        return Invalid("discount.cap",
                       "a fixed discount has no cap; its amount is the most "
                       "it gives");
      }
      break;
    default:
      return Invalid("discount.type", "the discount type is PERCENT or FIXED");
  }
  if (s.budget_minor <= 0 || s.budget_minor > Amount::kMaxMinorUnits) {
    return Invalid("budget",
                   "the budget is a positive amount in minor units of the "
                   "promotion's currency");
  }
  if (s.per_user_per_day > kMaxPerUserPerDay) {
    return Invalid("perUserPerDay",
                   "allow at most 1000 discounted payments per user per day, "
                   "or 0 for no limit");
  }
  if (s.starts_ns < 0) {
    return Invalid("startsAt", "the start must be after 1970-01-01");
  }
  if (s.ends_ns <= s.starts_ns) {
    return Invalid("endsAt", "the end must come after the start");
  }
  return Status::Ok();
}

template <typename T>
void SortUnique(std::vector<T>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

std::string_view DiscountTypeName(DiscountType t) {
  switch (t) {
    case DiscountType::kPercent:
      return "PERCENT";
    case DiscountType::kFixed:
      return "FIXED";
  }
  return "";
}

std::optional<DiscountType> DiscountTypeFromName(std::string_view name) {
  if (name == "PERCENT") return DiscountType::kPercent;
  if (name == "FIXED") return DiscountType::kFixed;
  return std::nullopt;
}

std::string_view PromotionStateName(PromotionState s) {
  switch (s) {
    case PromotionState::kScheduled:
      return "SCHEDULED";
    case PromotionState::kActive:
      return "ACTIVE";
    case PromotionState::kEnded:
      return "ENDED";
  }
  return "";
}

Status ValidatePromotionSpec(const PromotionSpec& spec, int64_t now_ns) {
  MERIDIAN_RETURN_IF_ERROR(ValidateShape(spec));
  if (spec.ends_ns <= now_ns) {
    return Invalid("endsAt", "the end has passed; choose an end in the future");
  }
  if (spec.ends_ns - now_ns > kMaxPromotionHorizonNs) {
    return Invalid("endsAt",
                   "end the promotion within 3 years of today; create a new "
                   "one to continue after that");
  }
  return Status::Ok();
}

int64_t DiscountFor(const PromotionSpec& spec, int64_t amount_minor) {
  if (amount_minor <= 0) return 0;
  int64_t d = 0;
  if (spec.discount_type == DiscountType::kPercent) {
    d = static_cast<int64_t>(static_cast<i128>(amount_minor) *
                             spec.percent_bps / kMaxPercentBps);
    if (spec.cap_minor > 0) d = std::min(d, spec.cap_minor);
  } else {
    d = spec.fixed_minor;
  }
  return std::clamp<int64_t>(d, 0, amount_minor);
}

// ---------------------------------------------------------------------------
// PromotionBook

void PromotionBook::CheckBudget(const Promotion& p) const {
  MERIDIAN_CHECK(p.budget_spent_minor >= 0 && p.budget_reserved_minor >= 0 &&
                 p.budget_spent_minor <= p.spec.budget_minor &&
                 p.budget_reserved_minor <=
                     p.spec.budget_minor - p.budget_spent_minor)
      << "promotion " << U128ToString(p.spec.id) << " budget "
      << p.spec.budget_minor << " spent " << p.budget_spent_minor
      << " reserved " << p.budget_reserved_minor;
}

void PromotionBook::Index(const Promotion& p) {
  if (p.spec.wallets.empty()) {
    buckets_[{p.spec.currency, 0}].insert(p.spec.id);
  }
  for (u128 w : p.spec.wallets) {
    buckets_[{p.spec.currency, w}].insert(p.spec.id);
  }
  live_by_end_.emplace(p.end_ns(), p.spec.id);
}

void PromotionBook::Unindex(const Promotion& p) {
  auto drop = [&](u128 wallet) {
    auto it = buckets_.find({p.spec.currency, wallet});
    if (it == buckets_.end()) return;
    it->second.erase(p.spec.id);
    if (it->second.empty()) buckets_.erase(it);
  };
  if (p.spec.wallets.empty()) drop(0);
  for (u128 w : p.spec.wallets) drop(w);
}

void PromotionBook::SweepEnded(int64_t now_ns) {
  while (!live_by_end_.empty() && live_by_end_.begin()->first <= now_ns) {
    const auto [end, id] = *live_by_end_.begin();
    live_by_end_.erase(live_by_end_.begin());
    Unindex(promotions_.at(id));
    ended_by_end_.emplace(end, id);
  }
}

Status PromotionBook::Create(const PromotionSpec& spec, int64_t now_ns) {
  MERIDIAN_RETURN_IF_ERROR(ValidatePromotionSpec(spec, now_ns));
  if (promotions_.contains(spec.id)) {
    return Invalid("id", "a promotion with this id exists; use a new id");
  }
  SweepEnded(now_ns);
  if (live_by_end_.size() >= kMaxLivePromotions) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "10000 promotions are live; end some before creating "
                     "more");
  }
  if (promotions_.size() >= kMaxStoredPromotions) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "too many promotions ended in the last 7 days are still "
                     "kept; retry after some are forgotten");
  }
  Promotion p;
  p.spec = spec;
  SortUnique(&p.spec.wallets);
  SortUnique(&p.spec.merchant_countries);
  SortUnique(&p.spec.mccs);
  auto full = [&](u128 wallet) {
    auto it = buckets_.find({spec.currency, wallet});
    return it != buckets_.end() && it->second.size() >= kMaxPromotionsPerBucket;
  };
  bool over = p.spec.wallets.empty() && full(0);
  for (u128 w : p.spec.wallets) over = over || full(w);
  if (over) {
    return MakeError(ErrorCode::kRATE_LIMITED, "eligibleWallets",
                     "1000 live promotions in " +
                         std::string(spec.currency.code()) +
                         " already apply to these wallets; end some before "
                         "creating more");
  }
  Index(p);
  CheckBudget(p);
  promotions_.emplace(p.spec.id, std::move(p));
  return Status::Ok();
}

Status PromotionBook::End(u128 id, u128 by, bool by_operator, int64_t now_ns) {
  auto it = promotions_.find(id);
  if (it == promotions_.end() ||
      (!by_operator && it->second.spec.created_by != by)) {
    return MakeError(ErrorCode::kNOT_FOUND, "id",
                     "no promotion with this id; list your promotions to "
                     "find it");
  }
  Promotion& p = it->second;
  // Ended already (swept or not): nothing to do.
  if (now_ns >= p.end_ns() || live_by_end_.erase({p.end_ns(), id}) == 0) {
    return Status::Ok();
  }
  Unindex(p);
  p.ended_ns = now_ns;
  // An end at or before its start: it never runs.
  ended_by_end_.emplace(p.end_ns(), id);
  CheckBudget(p);
  return Status::Ok();
}

int64_t PromotionBook::OfferFrom(const Promotion& p,
                                 const PaymentContext& ctx) const {
  const PromotionSpec& s = p.spec;
  if (p.state(ctx.now_ns) != PromotionState::kActive ||
      s.currency != ctx.currency || ctx.amount_minor < s.min_amount_minor ||
      !Contains(s.wallets, ctx.wallet) ||
      !Contains(s.merchant_countries, ctx.merchant_country) ||
      !Contains(s.mccs, ctx.mcc)) {
    return 0;
  }
  const int64_t left = p.budget_left_minor();
  if (left <= 0) return 0;
  if (s.per_user_per_day > 0) {
    auto it = uses_.find({UtcDay(ctx.now_ns), s.id, ctx.user});
    if (it == uses_.end()) {
      if (uses_.size() >= bounds_.max_use_counters) return 0;
    } else if (it->second >= s.per_user_per_day) {
      return 0;
    }
  }
  int64_t d = DiscountFor(s, ctx.amount_minor);
  d = std::min(d, ctx.max_discount_minor);
  d = std::min(d, left);
  return std::max<int64_t>(d, 0);
}

std::optional<Offer> PromotionBook::BestIgnoringRoom(
    const PaymentContext& ctx) const {
  if (ctx.amount_minor <= 0 || ctx.max_discount_minor <= 0) {
    return std::nullopt;
  }
  std::optional<Offer> best;
  auto consider = [&](u128 wallet) {
    auto b = buckets_.find({ctx.currency, wallet});
    if (b == buckets_.end()) return;
    for (u128 id : b->second) {
      const Promotion& p = promotions_.at(id);
      const int64_t d = OfferFrom(p, ctx);
      if (d <= 0) continue;
      if (!best || d > best->discount_minor ||
          (d == best->discount_minor && id < best->promotion_id)) {
        best = Offer{id, d, p.spec.funder};
      }
    }
  };
  consider(0);  // promotions for every wallet
  if (ctx.wallet != 0) consider(ctx.wallet);
  return best;
}

bool PromotionBook::HasRoom() const {
  return reservations_.size() + payments_.size() < bounds_.max_open_discounts;
}

std::optional<Offer> PromotionBook::Best(const PaymentContext& ctx) const {
  if (!HasRoom()) return std::nullopt;
  return BestIgnoringRoom(ctx);
}

std::optional<Offer> PromotionBook::BestWithRoom(const PaymentContext& ctx) {
  std::optional<Offer> best = BestIgnoringRoom(ctx);
  if (best && !HasRoom()) {
    ++capacity_misses_;
    return std::nullopt;
  }
  return best;
}

void PromotionBook::AddUse(const Promotion& p, u128 user, int64_t day) {
  if (p.spec.per_user_per_day == 0) return;
  uint32_t& n = uses_[{day, p.spec.id, user}];
  ++n;
  MERIDIAN_CHECK(n <= p.spec.per_user_per_day);
}

void PromotionBook::RemoveUse(u128 promotion_id, u128 user, int64_t day) {
  auto it = uses_.find({day, promotion_id, user});
  if (it == uses_.end()) return;  // a past day's, already dropped
  if (--it->second == 0) uses_.erase(it);
}

Result<Offer> PromotionBook::Reserve(const PaymentContext& ctx,
                                     u128 reservation_id, int64_t expires_ns) {
  if (reservation_id == 0 || reservations_.contains(reservation_id)) {
    return Invalid("quoteId", "a promotion reservation needs a new quote id");
  }
  if (expires_ns <= ctx.now_ns || expires_ns - ctx.now_ns > kMaxReservationNs) {
    return Invalid("expiresAt",
                   "a reservation expires after now and within an hour");
  }
  auto open = open_by_user_.find(ctx.user);
  if (open != open_by_user_.end() &&
      open->second >= kMaxOpenReservationsPerUser) {
    return Offer{};  // quotes without paying do not lock up budgets
  }
  std::optional<Offer> best = BestWithRoom(ctx);
  if (!best) return Offer{};
  Promotion& p = promotions_.at(best->promotion_id);
  const int64_t day = UtcDay(ctx.now_ns);
  ++open_by_user_[ctx.user];
  p.budget_reserved_minor += best->discount_minor;
  ++p.reserved_uses;
  AddUse(p, ctx.user, day);
  reservations_.emplace(reservation_id,
                        Reservation{reservation_id, p.spec.id, ctx.user, day,
                                    best->discount_minor, expires_ns});
  reservation_expiry_.emplace(expires_ns, reservation_id);
  CheckBudget(p);
  return *best;
}

Status PromotionBook::Commit(u128 reservation_id, u128 payment_id,
                             int64_t now_ns) {
  auto it = reservations_.find(reservation_id);
  if (it == reservations_.end()) {
    return MakeError(ErrorCode::kNOT_FOUND, "quoteId",
                     "the quote holds no promotion discount (none applied, "
                     "or it was released); make a new quote");
  }
  const Reservation& r = it->second;
  if (now_ns >= r.expires_ns) {
    return MakeError(ErrorCode::kQUOTE_EXPIRED, "quoteId",
                     "the quote's promotion discount has expired; make a new "
                     "quote");
  }
  if (payment_id == 0 || payments_.contains(payment_id)) {
    return Invalid("paymentId",
                   "this payment already has a promotion discount recorded");
  }
  Promotion& p = promotions_.at(r.promotion_id);
  p.budget_reserved_minor -= r.discount_minor;
  p.budget_spent_minor += r.discount_minor;
  --p.reserved_uses;
  ++p.uses;
  payments_.emplace(payment_id,
                    DiscountRecord{payment_id, r.promotion_id, r.user, r.day,
                                   r.discount_minor, now_ns});
  payment_times_.emplace(now_ns, payment_id);
  CloseReservation(it);
  CheckBudget(p);
  return Status::Ok();
}

void PromotionBook::ReleaseReservation(
    std::map<u128, Reservation>::iterator it) {
  const Reservation& r = it->second;
  Promotion& p = promotions_.at(r.promotion_id);
  p.budget_reserved_minor -= r.discount_minor;
  --p.reserved_uses;
  RemoveUse(r.promotion_id, r.user, r.day);
  CloseReservation(it);
  CheckBudget(p);
}

void PromotionBook::CloseReservation(std::map<u128, Reservation>::iterator it) {
  const Reservation& r = it->second;
  auto open = open_by_user_.find(r.user);
  MERIDIAN_CHECK(open != open_by_user_.end() && open->second > 0);
  if (--open->second == 0) open_by_user_.erase(open);
  reservation_expiry_.erase({r.expires_ns, r.id});
  reservations_.erase(it);
}

void PromotionBook::Release(u128 reservation_id) {
  auto it = reservations_.find(reservation_id);
  if (it != reservations_.end()) ReleaseReservation(it);
}

Result<Offer> PromotionBook::Apply(const PaymentContext& ctx, u128 payment_id) {
  if (payment_id == 0 || payments_.contains(payment_id)) {
    return Invalid("paymentId",
                   "this payment already has a promotion discount recorded");
  }
  std::optional<Offer> best = BestWithRoom(ctx);
  if (!best) return Offer{};
  Promotion& p = promotions_.at(best->promotion_id);
  const int64_t day = UtcDay(ctx.now_ns);
  p.budget_spent_minor += best->discount_minor;
  ++p.uses;
  AddUse(p, ctx.user, day);
  payments_.emplace(payment_id,
                    DiscountRecord{payment_id, p.spec.id, ctx.user, day,
                                   best->discount_minor, ctx.now_ns});
  payment_times_.emplace(ctx.now_ns, payment_id);
  CheckBudget(p);
  return *best;
}

int64_t PromotionBook::Reverse(u128 payment_id, int64_t /*now_ns*/) {
  auto it = payments_.find(payment_id);
  if (it == payments_.end()) return 0;
  const DiscountRecord r = it->second;
  payment_times_.erase({r.time_ns, payment_id});
  payments_.erase(it);
  auto p = promotions_.find(r.promotion_id);
  if (p == promotions_.end()) return 0;  // forgotten: nothing to give back
  p->second.budget_spent_minor -= r.discount_minor;
  MERIDIAN_CHECK(p->second.uses > 0);
  --p->second.uses;
  RemoveUse(r.promotion_id, r.user, r.day);
  CheckBudget(p->second);
  return r.discount_minor;
}

std::vector<Promotion> PromotionBook::Expire(int64_t now_ns) {
  while (!reservation_expiry_.empty() &&
         reservation_expiry_.begin()->first <= now_ns) {
    ReleaseReservation(reservations_.find(reservation_expiry_.begin()->second));
  }
  const int64_t today = UtcDay(now_ns);
  uses_.erase(uses_.begin(), uses_.lower_bound({today, 0, 0}));
  while (!payment_times_.empty() &&
         payment_times_.begin()->first <= now_ns - kPromotionRetentionNs) {
    payments_.erase(payment_times_.begin()->second);
    payment_times_.erase(payment_times_.begin());
  }
  SweepEnded(now_ns);
  std::vector<Promotion> forgotten;
  const int64_t forget_before =
      now_ns - kPromotionRetentionNs - kMaxReservationNs;
  for (auto it = ended_by_end_.begin();
       it != ended_by_end_.end() && it->first <= forget_before;) {
    auto p = promotions_.find(it->second);
    MERIDIAN_CHECK(p != promotions_.end());
    if (p->second.reserved_uses != 0) {  // cannot happen: reservations of
      ++it;                              // an hour at most expired above
      continue;
    }
    forgotten.push_back(std::move(p->second));
    promotions_.erase(p);
    it = ended_by_end_.erase(it);
  }
  std::sort(forgotten.begin(), forgotten.end(),
            [](const Promotion& a, const Promotion& b) {
              return a.spec.id < b.spec.id;
            });
  return forgotten;
}

size_t PromotionBook::live(int64_t now_ns) const {
  size_t n = 0;
  for (auto it = live_by_end_.rbegin();
       it != live_by_end_.rend() && it->first > now_ns; ++it) {
    ++n;
  }
  return n;
}

const Promotion* PromotionBook::Find(u128 id) const {
  auto it = promotions_.find(id);
  return it == promotions_.end() ? nullptr : &it->second;
}

const Reservation* PromotionBook::FindReservation(u128 id) const {
  auto it = reservations_.find(id);
  return it == reservations_.end() ? nullptr : &it->second;
}

const DiscountRecord* PromotionBook::FindPayment(u128 payment_id) const {
  auto it = payments_.find(payment_id);
  return it == payments_.end() ? nullptr : &it->second;
}

uint32_t PromotionBook::UsesToday(u128 promotion_id, u128 user,
                                  int64_t now_ns) const {
  auto it = uses_.find({UtcDay(now_ns), promotion_id, user});
  return it == uses_.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------
// Snapshots

void PromotionBook::Serialize(ByteWriter* w) const {
  w->U32(kSectionVersion);
  w->U64(promotions_.size());
  for (const auto& [id, p] : promotions_) {
    WriteSpec(*w, p.spec);
    w->I64(p.ended_ns);
    w->I64(p.budget_spent_minor);
    w->U64(p.uses);
  }
  w->U64(reservations_.size());
  for (const auto& [id, r] : reservations_) {
    w->U128(r.id);
    w->U128(r.promotion_id);
    w->U128(r.user);
    w->I64(r.day);
    w->I64(r.discount_minor);
    w->I64(r.expires_ns);
  }
  w->U64(uses_.size());
  for (const auto& [key, n] : uses_) {
    w->I64(std::get<0>(key));
    w->U128(std::get<1>(key));
    w->U128(std::get<2>(key));
    w->U32(n);
  }
  w->U64(payments_.size());
  for (const auto& [id, r] : payments_) {
    w->U128(r.payment_id);
    w->U128(r.promotion_id);
    w->U128(r.user);
    w->I64(r.day);
    w->I64(r.discount_minor);
    w->I64(r.time_ns);
  }
  w->U64(capacity_misses_);
}

Result<PromotionBook> PromotionBook::Deserialize(ByteReader* r,
                                                 PromotionBookBounds bounds) {
  PromotionBook book(bounds);
  uint32_t version = 0;
  uint64_t n = 0;
  if (!r->U32(&version) || version != kSectionVersion) {
    return Corrupted("header");
  }
  if (!r->U64(&n) || n > kMaxStoredPromotions) {
    return Corrupted("promotion count");
  }
  for (uint64_t i = 0; i < n; ++i) {
    Promotion p;
    if (!ReadSpec(*r, &p.spec) || !ValidateShape(p.spec).ok() ||
        !r->I64(&p.ended_ns) || !r->I64(&p.budget_spent_minor) ||
        !r->U64(&p.uses) || p.budget_spent_minor < 0 ||
        p.budget_spent_minor > p.spec.budget_minor ||
        (!book.promotions_.empty() &&
         book.promotions_.rbegin()->first >= p.spec.id)) {
      return Corrupted("promotion");
    }
    const PromotionSpec& s = p.spec;
    if (!std::is_sorted(s.wallets.begin(), s.wallets.end()) ||
        !std::is_sorted(s.merchant_countries.begin(),
                        s.merchant_countries.end()) ||
        !std::is_sorted(s.mccs.begin(), s.mccs.end())) {
      return Corrupted("promotion lists");
    }
    book.promotions_.emplace(p.spec.id, std::move(p));
  }
  if (!r->U64(&n) || n > kMaxSerializedItems) {
    return Corrupted("reservation count");
  }
  for (uint64_t i = 0; i < n; ++i) {
    Reservation v;
    if (!r->U128(&v.id) || !r->U128(&v.promotion_id) || !r->U128(&v.user) ||
        !r->I64(&v.day) || !r->I64(&v.discount_minor) ||
        !r->I64(&v.expires_ns) || v.id == 0 || v.discount_minor <= 0 ||
        (!book.reservations_.empty() &&
         book.reservations_.rbegin()->first >= v.id)) {
      return Corrupted("reservation");
    }
    auto p = book.promotions_.find(v.promotion_id);
    if (p == book.promotions_.end() ||
        v.discount_minor > p->second.budget_left_minor()) {
      return Corrupted("reservation's promotion or budget");
    }
    p->second.budget_reserved_minor += v.discount_minor;
    ++p->second.reserved_uses;
    if (++book.open_by_user_[v.user] > kMaxOpenReservationsPerUser) {
      return Corrupted("open reservations of a user");
    }
    book.reservation_expiry_.emplace(v.expires_ns, v.id);
    book.reservations_.emplace(v.id, v);
  }
  if (!r->U64(&n) || n > kMaxSerializedItems) {
    return Corrupted("use counter count");
  }
  for (uint64_t i = 0; i < n; ++i) {
    int64_t day = 0;
    u128 promotion = 0, user = 0;
    uint32_t uses = 0;
    if (!r->I64(&day) || !r->U128(&promotion) || !r->U128(&user) ||
        !r->U32(&uses) || uses == 0) {
      return Corrupted("use counter");
    }
    UseKey key{day, promotion, user};
    auto p = book.promotions_.find(promotion);
    if (p == book.promotions_.end() || uses > p->second.spec.per_user_per_day ||
        (!book.uses_.empty() && book.uses_.rbegin()->first >= key)) {
      return Corrupted("use counter's promotion or order");
    }
    book.uses_.emplace(key, uses);
  }
  if (!r->U64(&n) || n > kMaxSerializedItems) {
    return Corrupted("payment record count");
  }
  std::map<u128, std::pair<i128, uint64_t>> recorded;  // promotion -> sums
  for (uint64_t i = 0; i < n; ++i) {
    DiscountRecord d;
    if (!r->U128(&d.payment_id) || !r->U128(&d.promotion_id) ||
        !r->U128(&d.user) || !r->I64(&d.day) || !r->I64(&d.discount_minor) ||
        !r->I64(&d.time_ns) || d.payment_id == 0 || d.discount_minor <= 0 ||
        (!book.payments_.empty() &&
         book.payments_.rbegin()->first >= d.payment_id)) {
      return Corrupted("payment record");
    }
    // Reverse takes a record's discount and use back from its promotion:
    // they must be there.
    auto p = book.promotions_.find(d.promotion_id);
    if (p != book.promotions_.end()) {
      auto& [sum, count] = recorded[d.promotion_id];
      sum += d.discount_minor;
      ++count;
      if (sum > p->second.budget_spent_minor || count > p->second.uses) {
        return Corrupted("payment records beyond their promotion's figures");
      }
    }
    book.payment_times_.emplace(d.time_ns, d.payment_id);
    book.payments_.emplace(d.payment_id, d);
  }
  if (!r->U64(&book.capacity_misses_)) return Corrupted("trailer");
  // Indexes: the promotions ended by End by end; the others as live, even
  // if their end has passed: the next sweep (Create, Expire) moves them, as
  // it would have in the original, and every query checks the time itself.
  // So the section carries no trace of when the book last swept.
  for (const auto& [id, p] : book.promotions_) {
    if (p.ended_ns != Promotion::kNotEnded) {
      book.ended_by_end_.emplace(p.end_ns(), id);
    } else {
      book.Index(p);
    }
  }
  for (const auto& [id, p] : book.promotions_) book.CheckBudget(p);
  return book;
}

// ---------------------------------------------------------------------------
// Command codecs

std::vector<uint8_t> EncodePromotionSpec(const PromotionSpec& spec) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  WriteSpec(w, spec);
  return out;
}

Result<PromotionSpec> DecodePromotionSpec(std::span<const uint8_t> body) {
  ByteReader r(body);
  PromotionSpec spec;
  if (!ReadSpec(r, &spec)) return Malformed("create promotion");
  if (r.remaining() != 0) return Malformed("create promotion: trailing bytes");
  return spec;
}

std::vector<uint8_t> EncodeEndPromotion(const EndPromotion& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(c.id);
  w.U128(c.by);
  w.U8(c.by_operator ? 1 : 0);
  return out;
}

Result<EndPromotion> DecodeEndPromotion(std::span<const uint8_t> body) {
  ByteReader r(body);
  EndPromotion c;
  uint8_t by_operator = 0;
  if (!r.U128(&c.id) || !r.U128(&c.by) || !r.U8(&by_operator) ||
      by_operator > 1) {
    return Malformed("end promotion");
  }
  if (r.remaining() != 0) return Malformed("end promotion: trailing bytes");
  c.by_operator = by_operator == 1;
  return c;
}

}  // namespace meridian::network
