// LimitBook: the network's payment limits (spec/network.md, "Limits and
// rules"), counted in the engine: per wallet user per day by the KYC tier
// the wallet declares, per merchant category, per corridor.
//
// Every amount is in USD minor units (cents): the engine converts the
// payment to USD at its rate before asking, so one set of limits fits every
// currency pair.
//
//   LimitBook limits;                              // the defaults below
//   MERIDIAN_RETURN_IF_ERROR(limits.SetConfig(c)); // journaled
//   MERIDIAN_RETURN_IF_ERROR(limits.Check(ctx));   // LIMIT_EXCEEDED
//   ... the payment succeeds (or is held: it counts from then on) ...
//   limits.Commit(ctx, payment_id);
//   limits.Reverse(payment_id);   // cancelled, failed or voided
//   limits.Expire(now);           // each batch
//
// The limits, checked in this order (the first one passed is the answer):
//   1. the tier's per-payment maximum      param "payer.kycTier"
//   2. the MCC's per-payment maximum        param "mcc"
//   3. the tier's per-user daily maximum    param "payer.kycTier"
//   4. each corridor rule's per-user daily maximum, most specific first:
//      (payer, merchant), (payer, any), (any, merchant), (any, any)
//                                           param "corridor"
//   5. at most kMaxCorridorsPerUserPerDay distinct (payer country, merchant
//      country) pairs per user per day (bounds the work of every check)
//                                           param "corridor"
// A limit of 0 allows nothing, not even a payment that converts to 0 cents
// (a blocked category, tier or corridor). The message says what the limit
// is, how much room is left today and what to do; the tests hold the exact
// texts. The engine should round its USD conversion up, so that small
// payments are counted at least at what they are worth.
//
// Counting:
// - A day is the UTC day of the sequencer time (now_ns / 86,400 s): one
//   clock for all, so a traveller cannot gain a "day" by crossing time zones.
// - The user's daily total is the sum of everything committed for (wallet,
//   user) that day, whatever tier earlier payments declared: the current
//   payment's declared tier sets the limit it is checked against.
// - One counter per (day, wallet, user, payer country, merchant country),
//   i.e. per user per corridor actually used. The daily total is the sum
//   over the user's corridors of the day (a handful, at most 64), and a
//   corridor rule sums the corridors it matches, so a rule added in the
//   middle of a day counts what was already paid today.
// - Reverse gives a payment's amount back to the counters of its day; a
//   payment of a past day (its counters already dropped) and an id the book
//   does not know are ignored. Refunds do not give room back (the payment
//   happened); cancels, failures and voids do.
// - Bounds: at most `max_counters` counters and `max_payments` payment
//   records (kept for Reverse until their day passes). Past either, Check
//   refuses with RATE_LIMITED rather than forget anything counted. Config:
//   at most kMaxMccLimits MCC rules and kMaxCorridorLimits corridor rules,
//   every limit at most kMaxLimitUsdMinor.
//
// Defaults (LimitConfig::Defaults), in USD:
//   tier 0 (unverified)  100 per payment,    200 per day
//   tier 1             1,000 per payment,  2,000 per day
//   tier 2             5,000 per payment, 10,000 per day
//   tier 3            20,000 per payment, 50,000 per day
//   MCC 7995 (betting, casinos, lotteries): 0 — gambling is illegal or
//     licensed per country for most wallets' home markets, and schemes treat
//     it as high-risk cross-border; an operator who has the licences sets a
//     limit for it.
//   MCC 6051 (quasi-cash: money orders, travellers' cheques, crypto): 0 —
//     it would turn a purchase rail into a cash-out and remittance channel
//     that skips remittance KYC.
//   No corridor rules.
//
// Deterministic engine state (ordered containers only; no clock). The
// snapshot layout is at the top of limits.cc.
//
// Command body "set network limits" (EncodeLimitConfig; little-endian):
//   4 x (i64 per payment usd minor | i64 per day usd minor), tier 0 first |
//   u32 n (<= 1000) x (u16 mcc | i64 per payment usd minor), mcc order |
//   u32 n (<= 1000) x (u16 payer country | u16 merchant country |
//                      i64 per day usd minor), (payer, merchant) order
// The decoder checks shape (counts, order, no trailing bytes) and refuses
// anything else with INVALID_PARAMETER, param "command"; SetConfig checks
// the values.
#ifndef MERIDIAN_NETWORK_LIMITS_H_
#define MERIDIAN_NETWORK_LIMITS_H_

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/country.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::network {

inline constexpr uint8_t kMaxKycTier = 3;
inline constexpr size_t kMaxMccLimits = 1'000;
inline constexpr size_t kMaxCorridorLimits = 1'000;
inline constexpr size_t kMaxCorridorsPerUserPerDay = 64;
// 10^14 cents: a trillion dollars; sums of limits cannot overflow int64.
inline constexpr int64_t kMaxLimitUsdMinor = 100'000'000'000'000;

struct TierLimits {
  int64_t per_payment_usd_minor = 0;
  int64_t per_day_usd_minor = 0;

  friend bool operator==(const TierLimits&, const TierLimits&) = default;
};

// (payer country, merchant country); 0 for "any".
using Corridor = std::pair<CountryCode, CountryCode>;

struct LimitConfig {
  std::array<TierLimits, kMaxKycTier + 1> tiers{};  // by tier, 0..3
  std::map<uint16_t, int64_t> mcc_per_payment_usd_minor;
  std::map<Corridor, int64_t> corridor_per_day_usd_minor;

  static LimitConfig Defaults();
  friend bool operator==(const LimitConfig&, const LimitConfig&) = default;
};

// INVALID_PARAMETER naming the field: "tiers[1].perPayment",
// "tiers[1].perDay", "mccLimits" (MCC over 9999, a limit out of range, too
// many rules), "corridorLimits" (a country that is neither 0 nor two
// upper-case letters, a limit out of range, too many rules).
Status ValidateLimitConfig(const LimitConfig& config);

struct LimitContext {
  u128 wallet = 0;   // participant id
  u128 user = 0;     // the engine's wallet-user hash
  uint8_t tier = 0;  // as the wallet declares it, 0..3
  CountryCode payer_country = 0;
  CountryCode merchant_country = 0;
  uint16_t mcc = 0;
  int64_t usd_minor = 0;  // the payment, converted to USD cents
  int64_t now_ns = 0;
};

struct LimitBookBounds {
  size_t max_counters = 5'000'000;
  size_t max_payments = 5'000'000;
};

class LimitBook {
 public:
  explicit LimitBook(LimitBookBounds bounds = {})
      : bounds_(bounds), config_(LimitConfig::Defaults()) {}

  // All or nothing (ValidateLimitConfig). Applies to the next Check; what
  // was counted today stays counted.
  Status SetConfig(const LimitConfig& config);
  const LimitConfig& config() const { return config_; }

  // OK, or LIMIT_EXCEEDED (see the file comment), INVALID_PARAMETER
  // "payer.kycTier" for a tier over 3, INVALID_AMOUNT "paymentAmount" for
  // usd_minor < 0, RATE_LIMITED when the counters are full.
  Status Check(const LimitContext& ctx) const;
  // Counts a payment (after Check said OK in the same command). A payment
  // id already counted (or 0) is ignored.
  void Commit(const LimitContext& ctx, u128 payment_id);
  // Gives a payment's room back (see the file comment).
  void Reverse(u128 payment_id);
  // Drops counters and payment records of days before now's.
  void Expire(int64_t now_ns);

  // What (wallet, user) committed on now's UTC day, in all corridors.
  int64_t UsedToday(u128 wallet, u128 user, int64_t now_ns) const;
  // ... in the corridors the rule `rule` matches (0 = any).
  int64_t UsedTodayIn(u128 wallet, u128 user, Corridor rule,
                      int64_t now_ns) const;
  // The (payer, merchant country) pairs (wallet, user) paid in today.
  size_t CorridorsToday(u128 wallet, u128 user, int64_t now_ns) const;
  size_t counters() const { return counters_.size(); }
  size_t payments() const { return payments_.size(); }

  void Serialize(ByteWriter* w) const;
  // DATA_CORRUPTED for anything that is not a section Serialize wrote.
  static Result<LimitBook> Deserialize(ByteReader* r,
                                       LimitBookBounds bounds = {});

 private:
  // day, wallet, user, payer country, merchant country
  using CounterKey = std::tuple<int64_t, u128, u128, CountryCode, CountryCode>;
  struct PaymentRecord {
    CounterKey key;
    int64_t usd_minor = 0;
  };

  LimitBookBounds bounds_;
  LimitConfig config_;
  std::map<CounterKey, int64_t> counters_;
  std::map<u128, PaymentRecord> payments_;
  std::set<std::pair<int64_t, u128>> payment_days_;  // derived: (day, id)
};

std::vector<uint8_t> EncodeLimitConfig(const LimitConfig& config);
Result<LimitConfig> DecodeLimitConfig(std::span<const uint8_t> body);

}  // namespace meridian::network

#endif  // MERIDIAN_NETWORK_LIMITS_H_
