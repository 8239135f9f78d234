// A labelled payment-traffic simulator for training and evaluating the
// fraud model (spec/compliance_risk.md, "Fraud risk": "labelled simulated
// traffic in which the simulator plants card testing, account takeover and
// stolen-card patterns").
//
//   TrafficSimulator sim({.seed = 7, .payers = 5000});
//   for (int day = 0; day < 3; ++day)
//     for (const SimPayment& p : sim.Day(day)) { ... p.attempt, p.fraud ... }
//
// Genuine payers have habits: a home country and time zone, one or two
// cards and devices, a few home IP addresses, usual merchants and amounts,
// a daily rhythm by their local hour. The noise that makes fraud hard to
// tell apart is planted too: payers join every day (no history), check out
// as guests, travel, change phones, shop abroad online, buy apps for a
// dollar, make a rare large purchase, and retry after their issuer declines
// (insufficient funds); one-off shoppers outside the population (a tenth of
// the payer count each day) bring cards, devices and IPs never seen before.
// Planted fraud, labelled:
//   card testing      one stolen card tried many times for small amounts
//                     across merchants within minutes, mostly declined by
//                     the issuer; bots rotate devices and IPs, some behind
//                     proxies in the card's own country.
//   account takeover  a genuine payer's account, mostly from a new device
//                     (15 %: the payer's own, through remote access), mostly
//                     from another country (30 %: a home proxy), for a
//                     modest (40 %) or several times the usual amount at
//                     resaleable-goods merchants.
//   stolen card       a genuine payer's card used by someone else (a new
//                     account or a guest) across several merchants within
//                     an hour or two (40 % from the card's country); the
//                     issuer declines more as it goes.
// The issuer's answer is part of each payment (issuer_approves) so the
// caller can record declines as the engine would.
//
// Deterministic: integer arithmetic and its own PRNG (splitmix64), no
// std:: distributions (their output differs between standard libraries).
// Day(d) depends only on the seed and d. Payments come sorted by time.
#ifndef MERIDIAN_RISK_SIM_TRAFFIC_H_
#define MERIDIAN_RISK_SIM_TRAFFIC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "risk/features.h"

namespace meridian::risk::sim {

enum class FraudKind : uint8_t {
  kNone = 0,
  kCardTesting = 1,
  kAccountTakeover = 2,
  kStolenCard = 3,
};
inline constexpr size_t kFraudKindCount = 4;
std::string_view FraudKindName(FraudKind k);  // "none", "card_testing", …

struct SimPayment {
  // merchant_industry and merchant_region point into the simulator: valid
  // while it lives.
  PaymentAttempt attempt;
  FraudKind kind = FraudKind::kNone;
  bool fraud = false;
  // What the issuer answers if the payment reaches it.
  bool issuer_approves = true;
};

struct TrafficConfig {
  uint64_t seed = 1;
  int payers = 5'000;     // 1..1,000,000
  int merchants = 400;    // 10..100,000
  // Planted fraud per simulated day.
  int card_testing_runs = 8;
  int takeovers = 40;
  int stolen_cards = 20;
  // Midnight UTC of day 0 (2024-01-01).
  int64_t start_ns = 1'704'067'200LL * kNsPerSecond;
};

class TrafficSimulator {
 public:
  explicit TrafficSimulator(const TrafficConfig& config);
  // Every payment of day `day` (0-based), sorted by time.
  std::vector<SimPayment> Day(int day) const;
  const TrafficConfig& config() const { return config_; }

 private:
  struct Merchant {
    u128 id;
    uint16_t mcc;
    CountryCode country;
    uint8_t industry;  // index into the industry names
    uint8_t region;    // index into the region names
  };
  struct Payer {
    u128 id;
    uint8_t home;  // index into the country table
    std::vector<u128> cards;
    std::vector<u128> devices;
    std::vector<u128> ips;
    std::vector<uint32_t> usual;  // merchant indices
    int64_t mean_amount;          // USD minor units
    int32_t rate_milli;           // payments per day, thousandths
    int32_t first_day;            // joins the platform on this day
  };

  TrafficConfig config_;
  std::vector<Merchant> merchants_;
  std::vector<Payer> payers_;
  // Merchants by country index, for local shopping.
  std::vector<std::vector<uint32_t>> by_country_;
};

}  // namespace meridian::risk::sim

#endif  // MERIDIAN_RISK_SIM_TRAFFIC_H_
