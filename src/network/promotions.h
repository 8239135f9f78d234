// PromotionBook: the network's discount campaigns and their budgets
// (spec/network.md, "Promotions"), as deterministic engine state.
//
// The operator or a wallet creates a promotion: who funds it, which wallets,
// merchant countries and merchant categories it covers, a minimum amount, a
// discount (a percentage with an optional cap, or a fixed amount), a total
// budget, a per-user limit per day, and a start and an end. A wallet user's
// quote shows the best discount and *reserves* it: the discount leaves the
// budget's available part, and one of the user's daily uses is taken, until
// the payment commits it, the quote is released or it expires. A payment
// without a quote applies the best discount at once. The funder's account
// pays the discount (the engine posts that transfer; this book only decides
// the amount).
//
//   PromotionBook book;
//   MERIDIAN_RETURN_IF_ERROR(book.Create(spec, now));          // journaled
//   // quote (valid 60 s):
//   MERIDIAN_ASSIGN_OR_RETURN(Offer o,
//       book.Reserve(ctx, quote_id, now + 60 * kSecond));
//   // payment with the quote:
//   if (o.discount_minor > 0)
//     MERIDIAN_RETURN_IF_ERROR(book.Commit(quote_id, payment_id, now));
//   // payment without a quote:
//   MERIDIAN_ASSIGN_OR_RETURN(Offer o, book.Apply(ctx, payment_id));
//   // cancel (not refund): the discount goes back to the budget
//   book.Reverse(payment_id, now);
//   book.Expire(now);                                          // each batch
//
// Contract:
// - The discount. PERCENT: floor(amount x bps / 10,000), then at most the
//   cap (if any). FIXED: min(fixed amount, payment amount). Then never more
//   than the caller's `max_discount_minor` (the hub keeps the payer paying at
//   least 1 minor unit after its fee) and never more than the budget left
//   (budget - spent - reserved). A partial last discount is deliberate: when
//   only 30 is left of the budget and the discount would be 100, the payment
//   gets 30 and the budget ends at exactly 0. A discount that comes out at 0
//   is no offer (it takes no use).
// - Eligibility. Active (starts_ns <= now < end, where end is ends_ns or the
//   time End was called, whichever is first), merchant currency == the
//   promotion's currency, wallet / merchant country / MCC in its lists (an
//   empty list is "all"), amount >= min_amount_minor, the user below
//   per_user_per_day uses today (reserved uses count), budget left > 0.
//   The best offer is the largest discount; ties go to the lowest id.
// - "Today" is the UTC day of the sequencer time (now_ns / 86,400 s). A
//   traveller's local midnight would need the payer's time zone, which the
//   wallet does not send, and merchants' time zones would let one user get
//   two "days" in an hour by crossing a border; UTC is one clock for
//   everybody. A reservation's use counts on the day it was reserved, even
//   when its commit comes after midnight.
// - A reservation is a promise: End stops new offers but a reservation made
//   before still commits. Reservations live while now < expires_ns; Expire
//   releases the rest, and Commit refuses them with QUOTE_EXPIRED. Because
//   quotes reserve, two payments can never both be promised the budget's
//   last unit ("never below zero, even under concurrent payments"); and so
//   that one user's unpaid quotes cannot lock a budget up, a user with
//   kMaxOpenReservationsPerUser open reservations gets quotes without a
//   discount until one closes (a payment without a quote still gets it).
// - Reverse (a cancelled payment, or one that failed after the discount was
//   applied) gives the discount back to the budget and the use back to the
//   user's day (while Expire has not dropped that day's counters, i.e. on
//   the same UTC day). Refunds do not: a refunded
//   purchase still happened, the funder paid for it, and the discount is the
//   funder's cost of that purchase. The engine therefore calls Reverse only
//   for cancels and failures, never for refunds.
// - Bounds. At most kMaxLivePromotions live (scheduled or active)
//   promotions, and at most kMaxStoredPromotions kept: ended ones stay
//   readable for kPromotionRetentionNs + kMaxReservationNs after their end,
//   so that cancels in the same settlement window still find them and every
//   payment record of theirs has gone first; then Expire forgets them and
//   returns their final figures for the engine to publish to the read
//   model. At most kMaxPromotionsPerBucket live promotions per (currency,
//   wallet) and per (currency, all wallets), which bounds the work of Best.
//   Reservations plus payment records at most kMaxOpenDiscounts; per-user day
//   counters at most kMaxPromotionUseCounters (PromotionBookBounds). When a
//   bound on reservations, payment records or counters is reached, the affected
//   payments simply get no discount (capacity_misses() counts them): a payment
//   never fails because a promotion could not be counted, and nothing already
//   counted is forgotten.
// - Cost. Create, End, Reserve, Commit, Release, Apply, Reverse and Find are
//   O(log n) map operations (Create and End also touch one index entry per
//   listed wallet, at most 256). Best is O(log n + k): k is the number of
//   live promotions in the payment's currency that list its wallet or list
//   no wallets (at most 2 x kMaxPromotionsPerBucket). Expire is O(log n) per
//   item it drops; live(now) is O(live promotions).
// - After every change the touched promotion satisfies 0 <= spent,
//   0 <= reserved, spent + reserved <= budget (MERIDIAN_CHECK).
//
// Deterministic engine state: no clock, no randomness; every container is
// ordered, so Serialize writes the same bytes for equal states whatever the
// history. The snapshot layout is at the top of promotions.cc.
//
// Command bodies (little-endian; str = u32 length + bytes):
//   create promotion  the spec: u128 id | u128 created by | u128 funder |
//                     str name (<= 64) | u16 currency (ISO numeric) |
//                     u32 n (<= 256) x u128 wallet |
//                     u32 n (<= 256) x u16 merchant country |
//                     u32 n (<= 256) x u16 mcc | i64 min amount minor |
//                     u8 discount type (1 percent, 2 fixed) | u32 percent bps
//                     | i64 cap minor | i64 fixed amount minor |
//                     i64 budget minor | u32 per user per day |
//                     i64 starts ns | i64 ends ns
//   end promotion     u128 promotion id | u128 by | u8 by operator (0 | 1)
// Decoders check shape only (lengths, counts, known currency and type, no
// trailing bytes) and refuse anything else with INVALID_PARAMETER, param
// "command"; Create validates the meaning.
#ifndef MERIDIAN_NETWORK_PROMOTIONS_H_
#define MERIDIAN_NETWORK_PROMOTIONS_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::network {

inline constexpr int64_t kNsPerDay = 86'400'000'000'000;

inline constexpr size_t kMaxLivePromotions = 10'000;
inline constexpr size_t kMaxStoredPromotions = 20'000;
inline constexpr size_t kMaxPromotionsPerBucket = 1'000;
inline constexpr size_t kMaxPromotionListEntries = 256;  // wallets, countries,
                                                         // MCCs: each
inline constexpr size_t kMaxPromotionNameBytes = 64;
inline constexpr uint32_t kMaxPerUserPerDay = 1'000;
inline constexpr uint32_t kMaxPercentBps = 10'000;
// The end may be at most this far after the creation.
inline constexpr int64_t kMaxPromotionHorizonNs = 3 * 366 * kNsPerDay;
// Ended promotions (and payment records) stay this long for cancels.
inline constexpr int64_t kPromotionRetentionNs = 7 * kNsPerDay;
// A reservation may be asked to live at most this long.
inline constexpr int64_t kMaxReservationNs = 3'600'000'000'000;
inline constexpr size_t kMaxOpenDiscounts = 5'000'000;
// Open reservations (quotes with a discount) per wallet user.
inline constexpr uint32_t kMaxOpenReservationsPerUser = 4;
inline constexpr size_t kMaxPromotionUseCounters = 5'000'000;

// The UTC day of a sequencer time (floor division).
inline int64_t UtcDay(int64_t now_ns) {
  return now_ns >= 0 ? now_ns / kNsPerDay : -((-now_ns - 1) / kNsPerDay) - 1;
}

// Journaled: never renumber.
enum class DiscountType : uint8_t {
  kPercent = 1,
  kFixed = 2,
};
std::string_view DiscountTypeName(DiscountType t);  // "PERCENT", "FIXED"
std::optional<DiscountType> DiscountTypeFromName(std::string_view name);

// What "create promotion" carries. Field names in the API (and in
// validation errors' `param`): id, createdBy, funder, name, currency,
// eligibleWallets, merchantCountries, mccs, minAmount, discount.type,
// discount.percentBps, discount.cap, discount.amount, budget, perUserPerDay,
// startsAt, endsAt.
struct PromotionSpec {
  u128 id = 0;
  u128 created_by = 0;  // principal
  u128 funder = 0;      // principal whose account pays the discounts
  std::string name;     // 1..64 bytes of UTF-8, no control characters
  // The merchant currency it applies to; discounts and budget count in it.
  Currency currency;
  std::vector<u128> wallets;                    // participant ids; empty = all
  std::vector<CountryCode> merchant_countries;  // empty = all
  std::vector<uint16_t> mccs;                   // 0..9999; empty = all
  int64_t min_amount_minor = 0;                 // >= 0
  DiscountType discount_type = DiscountType::kPercent;
  uint32_t percent_bps = 0;       // PERCENT: 1..10,000; FIXED: 0
  int64_t cap_minor = 0;          // PERCENT: 0 (no cap) or > 0; FIXED: 0
  int64_t fixed_minor = 0;        // FIXED: > 0; PERCENT: 0
  int64_t budget_minor = 0;       // > 0
  uint32_t per_user_per_day = 0;  // 0 = unlimited; else <= 1,000
  int64_t starts_ns = 0;
  int64_t ends_ns = 0;  // > starts_ns, > now, <= now + horizon

  friend bool operator==(const PromotionSpec&, const PromotionSpec&) = default;
};

// The meaning checks of Create that need no book state (the gateway may run
// them before journaling). INVALID_PARAMETER naming the field (the API's
// name above) with a message that says what to send instead.
Status ValidatePromotionSpec(const PromotionSpec& spec, int64_t now_ns);

// The discount rule on its own: the percent (floored) or the fixed amount,
// capped, at most `amount_minor`; before the caller's maximum and the
// budget. 0 for amount_minor <= 0.
int64_t DiscountFor(const PromotionSpec& spec, int64_t amount_minor);

enum class PromotionState : uint8_t {
  kScheduled = 0,
  kActive = 1,
  kEnded = 2,
};
std::string_view PromotionStateName(PromotionState s);  // "SCHEDULED", …

struct Promotion {
  PromotionSpec spec;  // wallets, countries and MCCs sorted, no duplicates
  // When End was called; kNotEnded if it was not.
  static constexpr int64_t kNotEnded = std::numeric_limits<int64_t>::max();
  int64_t ended_ns = kNotEnded;
  int64_t budget_spent_minor = 0;     // committed discounts, less reversals
  int64_t budget_reserved_minor = 0;  // open reservations
  uint64_t uses = 0;           // committed discounted payments, less reversals
  uint64_t reserved_uses = 0;  // open reservations

  // ends_ns, or ended_ns if End came first.
  int64_t end_ns() const { return std::min(ended_ns, spec.ends_ns); }
  PromotionState state(int64_t now_ns) const {
    if (now_ns >= end_ns()) return PromotionState::kEnded;
    return now_ns < spec.starts_ns ? PromotionState::kScheduled
                                   : PromotionState::kActive;
  }
  int64_t budget_left_minor() const {
    return spec.budget_minor - budget_spent_minor - budget_reserved_minor;
  }
};

// A payment as the promotions see it.
struct PaymentContext {
  u128 wallet = 0;  // the payer's wallet (participant id)
  u128 user = 0;    // the wallet user (the engine's hash)
  CountryCode merchant_country = 0;
  uint16_t mcc = 0;
  Currency currency;         // the merchant's
  int64_t amount_minor = 0;  // the payment amount, merchant currency
  // The most any discount may be (the hub's fee and the payer's minimum).
  int64_t max_discount_minor = 0;
  int64_t now_ns = 0;
};

// promotion_id 0 and discount 0: no promotion applies.
struct Offer {
  u128 promotion_id = 0;
  int64_t discount_minor = 0;  // merchant currency
  u128 funder = 0;

  friend bool operator==(const Offer&, const Offer&) = default;
};

// A quote's open discount.
struct Reservation {
  u128 id = 0;
  u128 promotion_id = 0;
  u128 user = 0;
  int64_t day = 0;  // UtcDay of the reservation
  int64_t discount_minor = 0;
  int64_t expires_ns = 0;
};

// A payment's committed discount, kept kPromotionRetentionNs for Reverse.
struct DiscountRecord {
  u128 payment_id = 0;
  u128 promotion_id = 0;
  u128 user = 0;
  int64_t day = 0;  // the day its use counts on
  int64_t discount_minor = 0;
  int64_t time_ns = 0;  // committed at
};

// The bounds on per-payment bookkeeping (tests make them small).
struct PromotionBookBounds {
  size_t max_open_discounts = kMaxOpenDiscounts;  // reservations + records
  size_t max_use_counters = kMaxPromotionUseCounters;
};

class PromotionBook {
 public:
  explicit PromotionBook(PromotionBookBounds bounds = {}) : bounds_(bounds) {}

  // Validates (ValidatePromotionSpec), then: INVALID_PARAMETER "id" for an
  // id in use (or 0); RATE_LIMITED past kMaxLivePromotions,
  // kMaxStoredPromotions or kMaxPromotionsPerBucket.
  Status Create(const PromotionSpec& spec, int64_t now_ns);
  // Stops a promotion now. Only its creator, or an operator (the engine
  // decides `by_operator`). NOT_FOUND for an unknown id or another
  // principal's (as elsewhere, a principal cannot learn what it does not
  // own). Ending an ended promotion changes nothing and is OK.
  Status End(u128 id, u128 by, bool by_operator, int64_t now_ns);

  // The best offer for a payment now, without changing anything; nullopt if
  // none (also when the book has no room to count one).
  std::optional<Offer> Best(const PaymentContext& ctx) const;

  // A quote: reserves the best offer until `expires_ns` (> ctx.now_ns, at
  // most kMaxReservationNs later). No eligible promotion is not an error: the
  // answer is an empty Offer and nothing is reserved (so too when the user
  // has kMaxOpenReservationsPerUser open already). INVALID_PARAMETER
  // "quoteId" for reservation id 0 or one in use; "expiresAt" for a bad
  // expiry.
  Result<Offer> Reserve(const PaymentContext& ctx, u128 reservation_id,
                        int64_t expires_ns);
  // The payment used the quote: reserved -> spent. NOT_FOUND "quoteId" if no
  // reservation has that id (released, expired and swept, or the quote had
  // no discount); QUOTE_EXPIRED if now_ns >= its expiry (it stays until
  // Expire); INVALID_PARAMETER "paymentId" for payment id 0 or one already
  // recorded.
  Status Commit(u128 reservation_id, u128 payment_id, int64_t now_ns);
  // Gives a reservation back; an unknown id is ignored.
  void Release(u128 reservation_id);
  // A payment without a quote: the best offer, reserved and committed at
  // once (an empty Offer when none). INVALID_PARAMETER "paymentId" for id 0
  // or one already recorded.
  Result<Offer> Apply(const PaymentContext& ctx, u128 payment_id);
  // A cancelled or failed payment: its discount goes back to the budget and
  // its use to the user's day. Returns the discount given back; 0 for a
  // payment this book has no record of (no discount, already reversed, or
  // older than kPromotionRetentionNs).
  int64_t Reverse(u128 payment_id, int64_t now_ns);

  // Releases reservations with expires_ns <= now_ns, drops day counters of
  // past days and payment records older than kPromotionRetentionNs, and
  // forgets promotions that ended kPromotionRetentionNs + kMaxReservationNs
  // ago; returns those, with their final figures, in id order.
  std::vector<Promotion> Expire(int64_t now_ns);

  const Promotion* Find(u128 id) const;
  // Every promotion kept, in id order.
  const std::map<u128, Promotion>& promotions() const { return promotions_; }
  const Reservation* FindReservation(u128 id) const;
  const DiscountRecord* FindPayment(u128 payment_id) const;
  // Reserved and committed uses of `user` on `promotion_id` on now's day.
  uint32_t UsesToday(u128 promotion_id, u128 user, int64_t now_ns) const;
  // Promotions not yet ended at now_ns (scheduled or active).
  size_t live(int64_t now_ns) const;
  size_t reservations() const { return reservations_.size(); }
  size_t payment_records() const { return payments_.size(); }
  size_t use_counters() const { return uses_.size(); }
  // Offers not made because a bound was reached.
  uint64_t capacity_misses() const { return capacity_misses_; }

  void Serialize(ByteWriter* w) const;
  // DATA_CORRUPTED for anything that is not a section Serialize wrote.
  static Result<PromotionBook> Deserialize(ByteReader* r,
                                           PromotionBookBounds bounds = {});

 private:
  using UseKey = std::tuple<int64_t, u128, u128>;  // day, promotion, user
  using BucketKey = std::pair<Currency, u128>;     // currency, wallet (0 all)

  // The discount `p` would give ctx now (0 if not eligible).
  int64_t OfferFrom(const Promotion& p, const PaymentContext& ctx) const;
  std::optional<Offer> BestIgnoringRoom(const PaymentContext& ctx) const;
  // Room for one more reservation or payment record.
  bool HasRoom() const;
  // Best, counting a capacity miss when only the room stops it.
  std::optional<Offer> BestWithRoom(const PaymentContext& ctx);
  void AddUse(const Promotion& p, u128 user, int64_t day);
  void RemoveUse(u128 promotion_id, u128 user, int64_t day);
  void Index(const Promotion& p);
  void Unindex(const Promotion& p);
  // Moves promotions whose end has come out of the live index.
  void SweepEnded(int64_t now_ns);
  // Gives the reservation's budget and use back, then closes it.
  void ReleaseReservation(std::map<u128, Reservation>::iterator it);
  // Drops the reservation and its index entries.
  void CloseReservation(std::map<u128, Reservation>::iterator it);
  void CheckBudget(const Promotion& p) const;

  PromotionBookBounds bounds_;
  std::map<u128, Promotion> promotions_;
  std::map<u128, Reservation> reservations_;
  std::map<u128, DiscountRecord> payments_;
  std::map<UseKey, uint32_t> uses_;
  uint64_t capacity_misses_ = 0;

  // Derived (rebuilt by Deserialize, never serialised):
  std::map<BucketKey, std::set<u128>> buckets_;      // live promotions
  std::set<std::pair<int64_t, u128>> live_by_end_;   // (end, id)
  std::set<std::pair<int64_t, u128>> ended_by_end_;  // (end, id)
  std::set<std::pair<int64_t, u128>> reservation_expiry_;
  std::map<u128, uint32_t> open_by_user_;  // user -> open reservations
  std::set<std::pair<int64_t, u128>> payment_times_;
};

// Command bodies (the file comment has their layout).
std::vector<uint8_t> EncodePromotionSpec(const PromotionSpec& spec);
Result<PromotionSpec> DecodePromotionSpec(std::span<const uint8_t> body);

struct EndPromotion {
  u128 id = 0;
  u128 by = 0;
  bool by_operator = false;
};
std::vector<uint8_t> EncodeEndPromotion(const EndPromotion& c);
Result<EndPromotion> DecodeEndPromotion(std::span<const uint8_t> body);

}  // namespace meridian::network

#endif  // MERIDIAN_NETWORK_PROMOTIONS_H_
