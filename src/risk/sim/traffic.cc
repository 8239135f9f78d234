#include "risk/sim/traffic.h"

#include <algorithm>

#include "core/assert.h"

namespace meridian::risk::sim {
namespace {

// splitmix64: small, fast, the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0. The modulo bias (< n / 2^64) is irrelevant.
  uint64_t Below(uint64_t n) { return Next() % n; }
  int64_t Between(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool PerMille(int p) { return static_cast<int>(Below(1000)) < p; }
  u128 Id() {
    u128 v = (static_cast<u128>(Next()) << 64) | Next();
    return v == 0 ? 1 : v;
  }

 private:
  uint64_t s_;
};

uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) {
  Rng r(a ^ (b * 0xD1B54A32D192ED03ull) ^ (c * 0x8CB92BA72F3D8DD7ull));
  r.Next();
  return r.Next();
}

struct CountryInfo {
  const char* code;
  int32_t utc_offset_min;
  uint8_t region;
  uint8_t weight;  // share of payers and merchants
};
constexpr std::string_view kRegions[] = {"NA", "EU", "APAC", "LATAM", "MEA"};
constexpr CountryInfo kCountries[] = {
    {"US", -300, 0, 20}, {"CA", -300, 0, 4},  {"GB", 0, 1, 8},
    {"DE", 60, 1, 8},    {"FR", 60, 1, 6},    {"ES", 60, 1, 4},
    {"IT", 60, 1, 4},    {"NL", 60, 1, 3},    {"JP", 540, 2, 6},
    {"SG", 480, 2, 3},   {"AU", 600, 2, 4},   {"KR", 540, 2, 3},
    {"CN", 480, 2, 6},   {"IN", 330, 2, 5},   {"PH", 480, 2, 2},
    {"BR", -180, 3, 4},  {"MX", -360, 3, 3},  {"AE", 240, 4, 2},
    {"NG", 60, 4, 2},    {"ZA", 120, 4, 2},
};
constexpr size_t kCountryCount = std::size(kCountries);

struct IndustryInfo {
  const char* name;
  uint16_t mcc;
  uint8_t weight;
};
constexpr IndustryInfo kIndustries[] = {
    {"grocery", 5411, 20},     {"restaurants", 5812, 20},
    {"retail", 5999, 20},      {"electronics", 5732, 8},
    {"digital_goods", 5816, 10}, {"travel", 4511, 6},
    {"hotels", 7011, 6},       {"jewelry", 5944, 3},
    {"gambling", 7995, 3},     {"crypto", 6051, 4},
};
constexpr size_t kIndustryCount = std::size(kIndustries);
// Industries fraudsters cash out through.
constexpr uint8_t kResale[] = {3, 4, 7, 9};

// Local-hour weights of genuine payments (people sleep).
constexpr int kHourWeight[24] = {1, 1, 0, 0, 0, 1, 2, 4, 6, 7, 8, 9,
                                 10, 9, 8, 8, 8, 9, 10, 10, 9, 7, 5, 3};

template <typename T, size_t N>
size_t Weighted(Rng& rng, const T (&table)[N]) {
  int total = 0;
  for (const T& t : table) total += t.weight;
  int x = static_cast<int>(rng.Below(static_cast<uint64_t>(total)));
  for (size_t i = 0; i < N; ++i) {
    x -= table[i].weight;
    if (x < 0) return i;
  }
  return N - 1;
}

int LocalHour(Rng& rng) {
  int total = 0;
  for (int w : kHourWeight) total += w;
  int x = static_cast<int>(rng.Below(static_cast<uint64_t>(total)));
  for (int h = 0; h < 24; ++h) {
    x -= kHourWeight[h];
    if (x < 0) return h;
  }
  return 23;
}

CountryCode CountryOf(size_t index) {
  return Country(kCountries[index].code);
}

}  // namespace

std::string_view FraudKindName(FraudKind k) {
  switch (k) {
    case FraudKind::kNone: return "none";
    case FraudKind::kCardTesting: return "card_testing";
    case FraudKind::kAccountTakeover: return "account_takeover";
    case FraudKind::kStolenCard: return "stolen_card";
  }
  return "?";
}

TrafficSimulator::TrafficSimulator(const TrafficConfig& config)
    : config_(config) {
  MERIDIAN_CHECK(config.payers >= 1 && config.payers <= 1'000'000);
  MERIDIAN_CHECK(config.merchants >= 10 && config.merchants <= 100'000);
  Rng rng(Mix(config.seed, 0x51u, 0));
  by_country_.resize(kCountryCount);
  for (int i = 0; i < config.merchants; ++i) {
    Merchant m;
    m.id = rng.Id();
    size_t c = Weighted(rng, kCountries);
    size_t ind = Weighted(rng, kIndustries);
    m.country = CountryOf(c);
    m.mcc = kIndustries[ind].mcc;
    m.industry = static_cast<uint8_t>(ind);
    m.region = kCountries[c].region;
    by_country_[c].push_back(static_cast<uint32_t>(merchants_.size()));
    merchants_.push_back(m);
  }
  for (int i = 0; i < config.payers; ++i) {
    Payer p;
    p.id = rng.Id();
    p.home = static_cast<uint8_t>(Weighted(rng, kCountries));
    int cards = rng.PerMille(300) ? 2 : 1;
    for (int k = 0; k < cards; ++k) p.cards.push_back(rng.Id());
    int devices = rng.PerMille(400) ? 2 : 1;
    for (int k = 0; k < devices; ++k) p.devices.push_back(rng.Id());
    int ips = static_cast<int>(rng.Between(1, 3));
    for (int k = 0; k < ips; ++k) p.ips.push_back(rng.Id());
    // Usual merchants: mostly local, a few anywhere (online).
    const std::vector<uint32_t>& local = by_country_[p.home];
    int usual = static_cast<int>(rng.Between(4, 8));
    for (int k = 0; k < usual; ++k) {
      if (!local.empty() && !rng.PerMille(200)) {
        p.usual.push_back(local[rng.Below(local.size())]);
      } else {
        p.usual.push_back(static_cast<uint32_t>(rng.Below(merchants_.size())));
      }
    }
    // Typical payment 10..200 USD, skewed low.
    p.mean_amount = rng.Between(1'000, 6'000) * rng.Between(1, 4);
    p.rate_milli = static_cast<int32_t>(rng.Between(300, 4'000));
    // Most payers are there from the start; the others join one by one
    // over the first month, so every day has payers without history.
    p.first_day = rng.PerMille(600) ? 0 : static_cast<int32_t>(rng.Between(0, 29));
    payers_.push_back(std::move(p));
  }
}

std::vector<SimPayment> TrafficSimulator::Day(int day) const {
  const int64_t day_start = config_.start_ns + day * kNsPerDay;
  const Currency usd = *Currency::FromCode("USD");
  std::vector<SimPayment> out;
  out.reserve(payers_.size() * 2 + 512);

  auto base = [&](const Merchant& m, Rng& rng) {
    SimPayment s;
    PaymentAttempt& a = s.attempt;
    a.payment_id = rng.Id();
    a.merchant_id = m.id;
    a.mcc = m.mcc;
    a.merchant_country = m.country;
    a.merchant_industry = kIndustries[m.industry].name;
    a.merchant_region = kRegions[m.region];
    a.currency = usd;
    return s;
  };
  auto at_local = [&](int64_t local_minute, int32_t offset) {
    int64_t m = ((local_minute - offset) % 1440 + 1440) % 1440;
    return day_start + m * kNsPerMinute;
  };

  // Genuine payments, payer by payer (each payer's day has its own stream,
  // so adding payers does not change the others' days).
  for (size_t pi = 0; pi < payers_.size(); ++pi) {
    const Payer& p = payers_[pi];
    if (p.first_day > day) continue;
    Rng rng(Mix(config_.seed, static_cast<uint64_t>(day) + 1, pi + 1));
    int n = p.rate_milli / 1000 + (rng.PerMille(p.rate_milli % 1000) ? 1 : 0);
    if (n == 0) continue;
    const CountryInfo& home = kCountries[p.home];
    // A few payers travel on a given day; a few have a new phone.
    bool travelling = rng.PerMille(40);
    size_t away = travelling ? rng.Below(kCountryCount) : p.home;
    if (away == p.home) travelling = false;
    u128 travel_ip = rng.Id();
    bool new_phone = rng.PerMille(15);
    u128 new_device = rng.Id();
    for (int k = 0; k < n; ++k) {
      const Merchant* m;
      if (travelling && !rng.PerMille(300) && !by_country_[away].empty()) {
        const std::vector<uint32_t>& there = by_country_[away];
        m = &merchants_[there[rng.Below(there.size())]];
      } else if (rng.PerMille(850)) {
        m = &merchants_[p.usual[rng.Below(p.usual.size())]];
      } else {
        m = &merchants_[rng.Below(merchants_.size())];
      }
      SimPayment s = base(*m, rng);
      PaymentAttempt& a = s.attempt;
      a.payer_id = rng.PerMille(80) ? 0 : p.id;  // guest checkout
      a.card_token = p.cards[rng.Below(p.cards.size())];
      a.device_id =
          new_phone ? new_device : p.devices[rng.Below(p.devices.size())];
      a.ip_hash = travelling ? travel_ip : p.ips[rng.Below(p.ips.size())];
      a.card_country = CountryOf(p.home);
      a.ip_country = CountryOf(travelling ? away : p.home);
      a.payer_utc_offset_min = home.utc_offset_min;
      int64_t amount = p.mean_amount * rng.Between(40, 160) / 100;
      if (rng.PerMille(30)) amount = p.mean_amount * rng.Between(300, 800) / 100;
      // Apps, games and media cost a few dollars whoever buys them.
      if (m->industry == 4 && rng.PerMille(700)) amount = rng.Between(99, 1'500);
      a.amount_minor = a.amount_reporting_minor = std::max<int64_t>(amount, 100);
      a.channel = rng.PerMille(200) ? Channel::kWallet : Channel::kCard;
      int32_t offset = travelling ? kCountries[away].utc_offset_min
                                  : home.utc_offset_min;
      a.time_ns = at_local(LocalHour(rng) * 60 + rng.Between(0, 59), offset) +
                  rng.Between(0, 59) * kNsPerSecond;
      s.issuer_approves = !rng.PerMille(25);
      out.push_back(s);
      // Declined for funds: often tried again a minute or two later, for
      // the same or less, sometimes with the other card.
      for (int retry = 0; !s.issuer_approves && retry < 3 &&
                          rng.PerMille(retry == 0 ? 600 : 400);
           ++retry) {
        s.attempt.payment_id = rng.Id();
        s.attempt.time_ns += rng.Between(20, 180) * kNsPerSecond;
        s.attempt.amount_minor = s.attempt.amount_reporting_minor =
            std::max<int64_t>(s.attempt.amount_minor * rng.Between(50, 100) /
                                  100,
                              100);
        s.attempt.card_token = p.cards[rng.Below(p.cards.size())];
        s.issuer_approves = rng.PerMille(500);
        out.push_back(s);
      }
    }
  }

  Rng rng(Mix(config_.seed, static_cast<uint64_t>(day) + 1, 0xF4A4D));

  // One-off shoppers: people outside the payer population (a tourist, a
  // first purchase, a re-issued card), mostly as guests, so a card, device
  // and payer seen for the first time is ordinary, not a fraud signal by
  // itself.
  const int one_off = std::max(1, config_.payers / 10);
  for (int i = 0; i < one_off; ++i) {
    size_t home = Weighted(rng, kCountries);
    const std::vector<uint32_t>& local = by_country_[home];
    const Merchant& m = !local.empty() && rng.PerMille(500)
                            ? merchants_[local[rng.Below(local.size())]]
                            : merchants_[rng.Below(merchants_.size())];
    SimPayment s = base(m, rng);
    PaymentAttempt& a = s.attempt;
    a.payer_id = rng.PerMille(700) ? 0 : rng.Id();
    a.card_token = rng.Id();
    a.device_id = rng.Id();
    a.ip_hash = rng.Id();
    a.card_country = a.ip_country = CountryOf(home);
    a.payer_utc_offset_min = kCountries[home].utc_offset_min;
    a.amount_minor = a.amount_reporting_minor =
        m.industry == 4 ? rng.Between(99, 2'000) : rng.Between(500, 15'000);
    a.channel = rng.PerMille(300) ? Channel::kWallet : Channel::kCard;
    a.time_ns = at_local(LocalHour(rng) * 60 + rng.Between(0, 59),
                         kCountries[home].utc_offset_min) +
                rng.Between(0, 59) * kNsPerSecond;
    s.issuer_approves = !rng.PerMille(40);
    out.push_back(s);
  }
  auto any_merchant = [&](bool resale) -> const Merchant& {
    if (resale) {
      for (int tries = 0; tries < 32; ++tries) {
        const Merchant& m = merchants_[rng.Below(merchants_.size())];
        for (uint8_t r : kResale) {
          if (m.industry == r) return m;
        }
      }
    }
    return merchants_[rng.Below(merchants_.size())];
  };
  auto foreign = [&](size_t home) {
    size_t c = rng.Below(kCountryCount);
    return c == home ? (c + 1) % kCountryCount : c;
  };

  // Card testing: one stolen card, many small tries across merchants.
  for (int run = 0; run < config_.card_testing_runs; ++run) {
    u128 card = rng.Id();
    size_t card_country = rng.Below(kCountryCount);
    size_t bot_country =
        rng.PerMille(300) ? card_country : rng.Below(kCountryCount);
    u128 device = rng.Id();
    u128 ip = rng.Id();
    int64_t t = day_start + rng.Between(0, kNsPerDay / kNsPerSecond - 3600) *
                                kNsPerSecond;
    int tries = static_cast<int>(rng.Between(8, 25));
    for (int k = 0; k < tries; ++k) {
      SimPayment s = base(any_merchant(rng.PerMille(600)), rng);
      PaymentAttempt& a = s.attempt;
      a.payer_id = rng.PerMille(500) ? 0 : rng.Id();
      a.card_token = card;
      if (rng.PerMille(500)) device = rng.Id();
      if (rng.PerMille(500)) ip = rng.Id();
      a.device_id = device;
      a.ip_hash = ip;
      a.card_country = CountryOf(card_country);
      a.ip_country = CountryOf(bot_country);
      a.amount_minor = a.amount_reporting_minor = rng.Between(50, 600);
      a.time_ns = t;
      t += rng.Between(5, 60) * kNsPerSecond;
      s.kind = FraudKind::kCardTesting;
      s.fraud = true;
      s.issuer_approves = rng.PerMille(150);
      out.push_back(s);
    }
  }

  // Account takeover: a payer's account from a new device, mostly abroad,
  // for several times the usual amount.
  for (int i = 0; i < config_.takeovers; ++i) {
    const Payer& p = payers_[rng.Below(payers_.size())];
    u128 device = rng.PerMille(150) ? p.devices[0] : rng.Id();
    u128 ip = rng.Id();
    size_t from = rng.PerMille(700) ? foreign(p.home) : p.home;
    bool modest = rng.PerMille(400);
    int64_t t = day_start + rng.Between(0, kNsPerDay / kNsPerSecond - 7200) *
                                kNsPerSecond;
    int tries = static_cast<int>(rng.Between(1, 3));
    for (int k = 0; k < tries; ++k) {
      SimPayment s = base(any_merchant(true), rng);
      PaymentAttempt& a = s.attempt;
      a.payer_id = p.id;
      a.card_token = p.cards[0];
      a.device_id = device;
      a.ip_hash = ip;
      a.card_country = CountryOf(p.home);
      a.ip_country = CountryOf(from);
      a.payer_utc_offset_min = kCountries[p.home].utc_offset_min;
      a.amount_minor = a.amount_reporting_minor =
          p.mean_amount *
          (modest ? rng.Between(150, 300) : rng.Between(400, 2'000)) / 100;
      a.channel = rng.PerMille(500) ? Channel::kWallet : Channel::kCard;
      a.time_ns = t;
      t += rng.Between(2, 20) * kNsPerMinute;
      s.kind = FraudKind::kAccountTakeover;
      s.fraud = true;
      s.issuer_approves = !rng.PerMille(100);
      out.push_back(s);
    }
  }

  // Stolen card: a payer's card used by someone else across merchants.
  for (int i = 0; i < config_.stolen_cards; ++i) {
    const Payer& victim = payers_[rng.Below(payers_.size())];
    u128 thief = rng.PerMille(600) ? rng.Id() : 0;
    u128 device = rng.Id();
    u128 ip = rng.Id();
    size_t from = rng.PerMille(600) ? foreign(victim.home) : victim.home;
    int64_t t = day_start + rng.Between(0, kNsPerDay / kNsPerSecond - 10800) *
                                kNsPerSecond;
    int tries = static_cast<int>(rng.Between(3, 8));
    for (int k = 0; k < tries; ++k) {
      SimPayment s = base(any_merchant(rng.PerMille(500)), rng);
      PaymentAttempt& a = s.attempt;
      a.payer_id = thief;
      a.card_token = victim.cards[rng.Below(victim.cards.size())];
      a.device_id = device;
      a.ip_hash = ip;
      a.card_country = CountryOf(victim.home);
      a.ip_country = CountryOf(from);
      a.payer_utc_offset_min = kCountries[from].utc_offset_min;
      a.amount_minor = a.amount_reporting_minor = rng.Between(2'000, 40'000);
      a.time_ns = t;
      t += rng.Between(3, 20) * kNsPerMinute;
      s.kind = FraudKind::kStolenCard;
      s.fraud = true;
      s.issuer_approves = rng.PerMille(900 - 120 * k);
      out.push_back(s);
    }
  }

  std::stable_sort(out.begin(), out.end(),
                   [](const SimPayment& a, const SimPayment& b) {
                     return a.attempt.time_ns < b.attempt.time_ns;
                   });
  return out;
}

}  // namespace meridian::risk::sim
