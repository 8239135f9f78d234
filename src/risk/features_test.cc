#include "risk/features.h"

#include <gtest/gtest.h>

#include "risk/sim/traffic.h"

namespace meridian::risk {
namespace {

constexpr int64_t kT0 = 1'704'067'200LL * kNsPerSecond + 17 * kNsPerSecond;

PaymentAttempt Attempt(int64_t t, int64_t amount = 1'000) {
  PaymentAttempt a;
  a.payment_id = 1;
  a.payer_id = 100;
  a.card_token = 200;
  a.device_id = 300;
  a.ip_hash = 400;
  a.merchant_id = 500;
  a.mcc = 5411;
  a.merchant_country = Country("US");
  a.card_country = Country("US");
  a.ip_country = Country("US");
  a.amount_minor = a.amount_reporting_minor = amount;
  a.time_ns = t;
  return a;
}

TEST(FeaturesTest, NamesAreUniqueAndRoundTrip) {
  for (size_t i = 0; i < kFeatureCount; ++i) {
    std::optional<Feature> f = FeatureFromName(FeatureName(i));
    ASSERT_TRUE(f.has_value()) << FeatureName(i);
    EXPECT_EQ(static_cast<size_t>(*f), i);
  }
  EXPECT_FALSE(FeatureFromName("no_such_feature").has_value());
  EXPECT_EQ(FeatureName(Feature::kCardDeclines1h), "card_declines_1h");
}

TEST(FeaturesTest, FirstAttemptCountsItself) {
  FeatureState s;
  FeatureVector f = s.Compute(Attempt(kT0, 2'500));
  EXPECT_EQ(f[Feature::kPayerCount1m], 1);
  EXPECT_EQ(f[Feature::kCardCount24h], 1);
  EXPECT_EQ(f[Feature::kCardAmount24h], 2'500);
  EXPECT_EQ(f[Feature::kCardDeclines1h], 0);
  EXPECT_EQ(f[Feature::kPayerHistory], 0);
  EXPECT_EQ(f[Feature::kNewDevice], 0);  // no approved history to compare
  EXPECT_EQ(f[Feature::kMccRisk], 5);
  EXPECT_EQ(f[Feature::kHasCard], 1);
}

// Each window keeps an attempt for at least its length and at most one
// bucket (10 s, 5 min, 1 h) longer.
TEST(FeaturesTest, WindowsExpireByTime) {
  FeatureState s;
  s.Record(Attempt(kT0), Outcome::kDeclined);
  struct Case {
    Feature feature;
    int64_t window, bucket;
  } cases[] = {
      {Feature::kCardCount1m, kNsPerMinute, 10 * kNsPerSecond},
      {Feature::kCardCount1h, kNsPerHour, 5 * kNsPerMinute},
      {Feature::kCardCount24h, kNsPerDay, kNsPerHour},
      {Feature::kIpCount1m, kNsPerMinute, 10 * kNsPerSecond},
      {Feature::kPayerCount1h, kNsPerHour, 5 * kNsPerMinute},
      {Feature::kDeviceCount24h, kNsPerDay, kNsPerHour},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(FeatureName(c.feature));
    EXPECT_EQ(s.Compute(Attempt(kT0 + c.window - 1))[c.feature], 2);
    EXPECT_EQ(s.Compute(Attempt(kT0 + c.window + c.bucket))[c.feature], 1);
  }
  EXPECT_EQ(s.Compute(Attempt(kT0 + kNsPerHour - 1))[Feature::kCardDeclines1h],
            1);
  EXPECT_EQ(s.Compute(Attempt(kT0 + 2 * kNsPerHour))[Feature::kCardDeclines1h],
            0);
  EXPECT_EQ(
      s.Compute(Attempt(kT0 + 2 * kNsPerHour))[Feature::kCardDeclines24h], 1);
  EXPECT_EQ(s.Compute(Attempt(kT0 + 26 * kNsPerHour))[Feature::kCardAmount24h],
            1'000);  // only its own amount
}

TEST(FeaturesTest, DeclinesAndDistinctMerchants) {
  FeatureState s;
  for (int i = 0; i < 5; ++i) {
    PaymentAttempt a = Attempt(kT0 + i * kNsPerSecond, 100);
    a.merchant_id = 500 + i % 3;
    a.payer_id = 1000 + i;  // a different guest each time
    s.Record(a, i == 0 ? Outcome::kApproved : Outcome::kDeclined);
  }
  PaymentAttempt next = Attempt(kT0 + 10 * kNsPerSecond, 100);
  next.merchant_id = 999;
  next.payer_id = 2000;
  FeatureVector f = s.Compute(next);
  EXPECT_EQ(f[Feature::kCardDeclines1m], 4);
  EXPECT_EQ(f[Feature::kCardCount1m], 6);
  EXPECT_EQ(f[Feature::kCardMerchants1h], 4);  // 500, 501, 502 and 999
  EXPECT_EQ(f[Feature::kCardPayers24h], 6);
  EXPECT_EQ(f[Feature::kDevicePayers24h], 6);
  EXPECT_EQ(f[Feature::kIpDeclines1h], 4);
}

TEST(FeaturesTest, DistinctCountsSaturateAtTheRing) {
  FeatureState s;
  for (int i = 0; i < 20; ++i) {
    PaymentAttempt a = Attempt(kT0 + i * kNsPerSecond);
    a.merchant_id = 500 + i;
    s.Record(a, Outcome::kApproved);
  }
  PaymentAttempt a = Attempt(kT0 + 30 * kNsPerSecond);
  a.merchant_id = 9999;
  EXPECT_EQ(s.Compute(a)[Feature::kCardMerchants1h],
            static_cast<int64_t>(kDistinctRing));
}

TEST(FeaturesTest, PayerProfile) {
  FeatureState s;
  PaymentAttempt a = Attempt(kT0, 1'000);
  s.Record(a, Outcome::kApproved);
  a.time_ns += kNsPerHour;
  a.amount_reporting_minor = 3'000;
  s.Record(a, Outcome::kApproved);

  PaymentAttempt b = Attempt(kT0 + 2 * kNsPerHour, 6'000);
  FeatureVector f = s.Compute(b);
  EXPECT_EQ(f[Feature::kAmountToMeanPct], 300);  // 6,000 / mean 2,000
  EXPECT_EQ(f[Feature::kPayerHistory], 2);
  EXPECT_EQ(f[Feature::kPayerAgeHours], 2);
  EXPECT_EQ(f[Feature::kNewDevice], 0);
  EXPECT_EQ(f[Feature::kNewIpCountry], 0);

  b.device_id = 301;
  b.ip_country = Country("NG");
  f = s.Compute(b);
  EXPECT_EQ(f[Feature::kNewDevice], 1);
  EXPECT_EQ(f[Feature::kNewIpCountry], 1);
  EXPECT_EQ(f[Feature::kIpCardCountryMismatch], 1);
  EXPECT_EQ(f[Feature::kIpMerchantCountryMismatch], 1);
  EXPECT_EQ(f[Feature::kCardMerchantCountryMismatch], 0);

  // A declined try does not make the device known; an approved one does.
  s.Record(b, Outcome::kDeclined);
  EXPECT_EQ(s.Compute(b)[Feature::kNewDevice], 1);
  s.Record(b, Outcome::kApproved);
  EXPECT_EQ(s.Compute(b)[Feature::kNewDevice], 0);
}

TEST(FeaturesTest, HourInThePayersTimeZone) {
  FeatureState s;
  PaymentAttempt a = Attempt(1'704'067'200LL * kNsPerSecond +
                             30 * kNsPerMinute);  // 00:30 UTC
  a.payer_utc_offset_min = 540;                   // Tokyo: 09:30
  EXPECT_EQ(s.Compute(a)[Feature::kHourLocal], 9);
  a.payer_utc_offset_min = -300;  // New York: 19:30 the day before
  EXPECT_EQ(s.Compute(a)[Feature::kHourLocal], 19);
}

TEST(FeaturesTest, EarlierTimesAreClamped) {
  FeatureState s;
  s.Record(Attempt(kT0 + kNsPerHour), Outcome::kApproved);
  s.Record(Attempt(kT0), Outcome::kApproved);
  EXPECT_EQ(s.stats().clamped, 1u);
  EXPECT_EQ(s.Compute(Attempt(kT0))[Feature::kCardCount1m], 3);
}

TEST(FeaturesTest, CapsEvictTheLeastRecentlyRecorded) {
  FeatureState s({.max_payers = 3, .max_cards = 3, .max_devices = 3,
                  .max_ips = 3});
  for (int i = 1; i <= 5; ++i) {
    PaymentAttempt a = Attempt(kT0 + i * kNsPerSecond);
    a.payer_id = a.card_token = a.device_id = a.ip_hash = i;
    s.Record(a, Outcome::kApproved);
  }
  EXPECT_EQ(s.sizes(), (std::array<size_t, 4>{3, 3, 3, 3}));
  EXPECT_EQ(s.stats().evicted, 8u);
  PaymentAttempt first = Attempt(kT0 + 10 * kNsPerSecond);
  first.payer_id = first.card_token = 1;
  EXPECT_EQ(s.Compute(first)[Feature::kPayerHistory], 0);  // forgotten
  PaymentAttempt last = first;
  last.payer_id = last.card_token = 5;
  EXPECT_EQ(s.Compute(last)[Feature::kPayerHistory], 1);
  EXPECT_EQ(s.Compute(last)[Feature::kCardCount1m], 2);
}

TEST(FeaturesTest, MemoryStaysBoundedUnderChurn) {
  FeatureState s({.max_payers = 500, .max_cards = 500, .max_devices = 500,
                  .max_ips = 500});
  auto run = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      PaymentAttempt a = Attempt(kT0 + i * kNsPerSecond);
      a.payer_id = a.card_token = a.device_id = a.ip_hash = i + 1;
      s.Record(a, Outcome::kApproved);
    }
  };
  run(0, 1'000);
  size_t after_1k = s.ApproxBytes();
  run(1'000, 20'000);
  EXPECT_EQ(s.sizes()[0], 500u);
  // Only the hash maps' bucket arrays may still have grown a little.
  EXPECT_LE(s.ApproxBytes(), after_1k + after_1k / 10);
  EXPECT_LT(s.ApproxBytes(), 4u << 20);  // ~4 x 500 entities of ~1 KiB
}

// Serialize() mid-stream, Deserialize(), then the same attempts into both:
// identical features at every step and identical bytes.
TEST(FeaturesTest, SerializeRoundTripMidStream) {
  sim::TrafficSimulator simulator({.seed = 3, .payers = 300, .merchants = 50});
  std::vector<sim::SimPayment> day = simulator.Day(0);
  ASSERT_GT(day.size(), 400u);
  // Small caps, so evictions happen on both sides after the copy.
  FeatureConfig caps{.max_payers = 150, .max_cards = 150, .max_devices = 150,
                     .max_ips = 150};
  FeatureState a(caps);
  size_t half = day.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    a.Record(day[i].attempt, day[i].issuer_approves ? Outcome::kApproved
                                                    : Outcome::kDeclined);
  }
  std::vector<uint8_t> bytes = a.Serialize();
  Result<FeatureState> b = FeatureState::Deserialize(bytes);
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ(b->Serialize(), bytes);
  EXPECT_EQ(b->stats().evicted, a.stats().evicted);
  for (size_t i = half; i < day.size(); ++i) {
    ASSERT_EQ(a.Compute(day[i].attempt), b->Compute(day[i].attempt)) << i;
    Outcome o =
        day[i].issuer_approves ? Outcome::kApproved : Outcome::kDeclined;
    a.Record(day[i].attempt, o);
    b->Record(day[i].attempt, o);
  }
  EXPECT_GT(a.stats().evicted, 0u);
  EXPECT_EQ(a.Serialize(), b->Serialize());
}

TEST(FeaturesTest, DeserializeRejectsDamage) {
  FeatureState s;
  s.Record(Attempt(kT0), Outcome::kApproved);
  std::vector<uint8_t> bytes = s.Serialize();
  for (size_t cut : {size_t{0}, size_t{3}, bytes.size() / 2,
                     bytes.size() - 1}) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + cut);
    Result<FeatureState> r = FeatureState::Deserialize(truncated);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kDATA_CORRUPTED);
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(FeatureState::Deserialize(longer).ok());
}

}  // namespace
}  // namespace meridian::risk
