// Fraud-risk features (spec/compliance_risk.md, "Fraud risk"): what the
// engine knows about a payer, a card, a device and an IP address at the
// moment a payment is authorised, as a fixed, named list of integers that
// the rules (rules.h) and the model (model.h) read.
//
// FeatureState is a deterministic state machine the engine owns: it reads no
// clock, no randomness and no files (time is PaymentAttempt::time_ns, the
// sequencer's stamp); it iterates only vectors, fixed rings and its own
// least-recently-used lists (hash maps are for lookups only); money is
// integer minor units of one reporting currency, converted by the caller.
// The same attempts and outcomes in the same order give the same features
// and the same Serialize() bytes.
//
//   FeatureState state;                       // FeatureConfig defaults
//   FeatureVector f = state.Compute(attempt); // before deciding
//   f[Feature::kCardDeclines1h];              // or f.values[i], FeatureName(i)
//   ... decide (scorer.h), ask the issuer ...
//   state.Record(attempt, Outcome::kDeclined);  // after the outcome is known
//
// Windows. Counts, amounts and declines over 1 minute, 1 hour and 24 hours
// are kept in fixed rings of buckets (10 s, 5 min, 1 h), not lists of
// events, so an entity costs the same after ten payments as after a
// million. An attempt stays in a window for at least the window and at most
// one bucket longer (a 1 min count forgets an attempt 60..70 s after it).
// Counts include the attempt being computed (1 for a first attempt); amounts
// include its amount; declines are those recorded before it (its own outcome
// is not known yet). Distinct merchants (and payers per card or device) are
// counted in small rings of recent ids (kDistinctRing): the count saturates
// at that size, which is far above any threshold worth setting.
//
// Bounded memory. At most FeatureConfig::max_payers payers, max_cards cards,
// max_devices devices and max_ips addresses; when a table is full the least
// recently recorded entity is forgotten (Stats::evicted). Compute() looks up
// and never inserts. ApproxBytes() is the real footprint: about 1 KiB per
// payer or card, 0.9 KiB per device, 0.8 KiB per IP, plus a 24-byte index
// entry kept at most half full; the defaults (50,000 of each) reach about
// 200 MiB, and Serialize() writes about as many bytes.
#ifndef MERIDIAN_RISK_FEATURES_H_
#define MERIDIAN_RISK_FEATURES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/country.h"
#include "core/currency.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::risk {

inline constexpr int64_t kNsPerSecond = 1'000'000'000;
inline constexpr int64_t kNsPerMinute = 60 * kNsPerSecond;
inline constexpr int64_t kNsPerHour = 60 * kNsPerMinute;
inline constexpr int64_t kNsPerDay = 24 * kNsPerHour;

// Countries (core/country.h); 0 is unknown (mismatch features treat
// unknown as no mismatch).
using ::meridian::Country;
using ::meridian::CountryCode;

enum class Channel : uint8_t { kCard = 0, kWallet = 1, kBank = 2 };

// What a product knows when it authorises a payment. Ids are 128-bit; 0
// means "none" (a bank transfer has no card; a guest checkout no payer).
struct PaymentAttempt {
  u128 payment_id = 0;
  u128 payer_id = 0;
  u128 card_token = 0;
  u128 device_id = 0;
  u128 ip_hash = 0;
  u128 merchant_id = 0;
  uint16_t mcc = 0;  // ISO 18245 merchant category code, 0 unknown
  CountryCode merchant_country = 0;
  CountryCode card_country = 0;
  CountryCode ip_country = 0;
  // Names the rules' overrides match on (rules.h); not features, not kept.
  std::string_view merchant_industry;
  std::string_view merchant_region;
  int32_t payer_utc_offset_min = 0;  // the payer's time zone, -720..840
  int64_t amount_minor = 0;          // > 0, in `currency`
  Currency currency;
  // The amount in the reporting currency (USD minor units), converted by
  // the caller at its mid rate; every amount feature is in this unit.
  int64_t amount_reporting_minor = 0;
  Channel channel = Channel::kCard;
  // The batch time. Non-decreasing; an earlier time is taken as the latest
  // one seen (Stats::clamped).
  int64_t time_ns = 0;
};

// How an attempt ended, as the engine records it. Never renumber: Record()
// is journaled through its callers and snapshots keep counts by it.
enum class Outcome : uint8_t {
  kApproved = 0,
  kDeclined = 1,         // by the issuer, processor or bank
  kRiskDeclined = 2,     // by this risk engine
  kChallenged = 3,       // step-up started; its result comes as another
  kReview = 4,           // held for a case
  kChallengeFailed = 5,  // the payer failed 3-D Secure / wallet step-up
};
// Declines, as the decline counters count them.
constexpr bool IsDecline(Outcome o) {
  return o == Outcome::kDeclined || o == Outcome::kRiskDeclined ||
         o == Outcome::kChallengeFailed;
}

// The features, in their fixed order: X(enumerator, "name"). Append only:
// the shipped model and rule files refer to them by name, snapshots do not
// store them, and the model's columns follow this order.
#define MERIDIAN_RISK_FEATURES(X)                                   \
  X(AmountReporting, "amount_reporting_minor")                      \
  X(Channel, "channel")                                             \
  X(MccRisk, "mcc_risk")                                            \
  X(MerchantCountryRisk, "merchant_country_risk")                   \
  X(HourLocal, "hour_local")                                        \
  X(PayerCount1m, "payer_count_1m")                                 \
  X(PayerCount1h, "payer_count_1h")                                 \
  X(PayerCount24h, "payer_count_24h")                               \
  X(PayerAmount1h, "payer_amount_1h")                               \
  X(PayerAmount24h, "payer_amount_24h")                             \
  X(PayerDeclines1h, "payer_declines_1h")                           \
  X(PayerDeclines24h, "payer_declines_24h")                         \
  X(CardCount1m, "card_count_1m")                                   \
  X(CardCount1h, "card_count_1h")                                   \
  X(CardCount24h, "card_count_24h")                                 \
  X(CardAmount1h, "card_amount_1h")                                 \
  X(CardAmount24h, "card_amount_24h")                               \
  X(CardDeclines1m, "card_declines_1m")                             \
  X(CardDeclines1h, "card_declines_1h")                             \
  X(CardDeclines24h, "card_declines_24h")                           \
  X(DeviceCount1h, "device_count_1h")                               \
  X(DeviceCount24h, "device_count_24h")                             \
  X(DeviceDeclines1h, "device_declines_1h")                         \
  X(DeviceDeclines24h, "device_declines_24h")                       \
  X(IpCount1m, "ip_count_1m")                                       \
  X(IpCount1h, "ip_count_1h")                                       \
  X(IpCount24h, "ip_count_24h")                                     \
  X(IpDeclines1h, "ip_declines_1h")                                 \
  X(IpDeclines24h, "ip_declines_24h")                               \
  X(PayerMerchants1h, "payer_merchants_1h")                         \
  X(PayerMerchants24h, "payer_merchants_24h")                       \
  X(CardMerchants1h, "card_merchants_1h")                           \
  X(CardMerchants24h, "card_merchants_24h")                         \
  X(CardPayers24h, "card_payers_24h")                               \
  X(DevicePayers24h, "device_payers_24h")                           \
  X(PayerHistory, "payer_history")                                  \
  X(PayerAgeHours, "payer_age_hours")                               \
  X(NewDevice, "new_device")                                        \
  X(NewIpCountry, "new_ip_country")                                 \
  X(AmountToMeanPct, "amount_to_mean_pct")                          \
  X(IpCardCountryMismatch, "ip_card_country_mismatch")              \
  X(IpMerchantCountryMismatch, "ip_merchant_country_mismatch")      \
  X(CardMerchantCountryMismatch, "card_merchant_country_mismatch")  \
  X(HasCard, "has_card")                                            \
  X(HasDevice, "has_device")

enum class Feature : uint8_t {
#define MERIDIAN_RISK_FEATURE_ENUM(e, name) k##e,
  MERIDIAN_RISK_FEATURES(MERIDIAN_RISK_FEATURE_ENUM)
#undef MERIDIAN_RISK_FEATURE_ENUM
};
#define MERIDIAN_RISK_FEATURE_COUNT(e, name) +1
inline constexpr size_t kFeatureCount =
    0 MERIDIAN_RISK_FEATURES(MERIDIAN_RISK_FEATURE_COUNT);
#undef MERIDIAN_RISK_FEATURE_COUNT

// "card_declines_1h" for Feature::kCardDeclines1h.
std::string_view FeatureName(Feature f);
std::string_view FeatureName(size_t index);
std::optional<Feature> FeatureFromName(std::string_view name);

// What the features mean, beyond their names:
//   mcc_risk, merchant_country_risk  0..100 from fixed tables in
//       features.cc (MccRisk(), CountryRisk()): a starting point the rules
//       can weigh; 0 for unknown codes.
//   hour_local        0..23 in the payer's time zone (payer_utc_offset_min).
//   payer_history     attempts recorded for the payer before this one
//                     (saturates at 65,535); payer_age_hours: since the first.
//   new_device        1 when the payer has approved history and the device
//                     is not among its last kKnownDevices approved devices.
//   new_ip_country    the same for the IP country (kKnownCountries).
//   amount_to_mean_pct  amount * 100 / the payer's mean approved amount;
//                     0 without approved history; at most 1,000,000.
//   *_mismatch        1 when both countries are known and differ.
//   has_card, has_device  1 when the attempt names one.
struct FeatureVector {
  std::array<int64_t, kFeatureCount> values{};
  int64_t operator[](Feature f) const {
    return values[static_cast<size_t>(f)];
  }
  int64_t& operator[](Feature f) { return values[static_cast<size_t>(f)]; }
  friend bool operator==(const FeatureVector&,
                         const FeatureVector&) = default;
};

// Risk in 0..100 of a merchant category and of a merchant country (fixed
// tables; unknown: 0).
int32_t MccRisk(uint16_t mcc);
int32_t CountryRisk(CountryCode country);

inline constexpr size_t kDistinctRing = 8;
inline constexpr size_t kKnownDevices = 8;
inline constexpr size_t kKnownCountries = 4;

struct FeatureConfig {
  // 1..10,000,000 each.
  uint32_t max_payers = 50'000;
  uint32_t max_cards = 50'000;
  uint32_t max_devices = 50'000;
  uint32_t max_ips = 50'000;
};

class FeatureState {
 public:
  struct Stats {
    uint64_t recorded = 0;
    uint64_t evicted = 0;  // entities forgotten to stay within the caps
    uint64_t clamped = 0;  // attempts whose time was before the latest
  };

  explicit FeatureState(FeatureConfig config = {});
  ~FeatureState();
  FeatureState(FeatureState&&) noexcept;
  FeatureState& operator=(FeatureState&&) noexcept;
  FeatureState(const FeatureState&) = delete;
  FeatureState& operator=(const FeatureState&) = delete;

  // The features of `attempt` given everything recorded so far. Changes
  // nothing (not even recency).
  FeatureVector Compute(const PaymentAttempt& attempt) const;
  // Adds the attempt and its outcome to every window and profile it names.
  // A challenge that later succeeds or fails is a second Record() with the
  // final outcome; the step-up itself counts as an attempt.
  void Record(const PaymentAttempt& attempt, Outcome outcome);

  // Canonical bytes for engine snapshots: the config, the counters and
  // every entity in least-recently-used order, fixed-width little-endian.
  // The same state gives the same bytes; Deserialize(Serialize()) gives a
  // state whose features, evictions and bytes are the same from then on.
  std::vector<uint8_t> Serialize() const;
  // DATA_CORRUPTED on anything Serialize() could not have written.
  static Result<FeatureState> Deserialize(std::span<const uint8_t> bytes);

  size_t ApproxBytes() const;
  const Stats& stats() const;
  const FeatureConfig& config() const;
  // Entities held now: payers, cards, devices, IPs.
  std::array<size_t, 4> sizes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meridian::risk

#endif  // MERIDIAN_RISK_FEATURES_H_
