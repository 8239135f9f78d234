#include "api/http/latency_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace meridian::http {
namespace {

// Within the histogram's promised precision of `expected`.
void ExpectNear(int64_t actual, int64_t expected) {
  EXPECT_NEAR(static_cast<double>(actual), static_cast<double>(expected),
              std::max(1.0, 0.005 * static_cast<double>(expected)))
      << "expected about " << expected;
}

TEST(LatencyHistogramTest, EmptyAnswersZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(50), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 0; v < 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(50), 49);
  EXPECT_EQ(h.Percentile(1), 0);
  EXPECT_EQ(h.Percentile(100), 99);
  EXPECT_EQ(h.min(), 0);
  EXPECT_DOUBLE_EQ(h.mean(), 49.5);
}

TEST(LatencyHistogramTest, UniformMicrosecondsToASecond) {
  // 1 us .. 1 s in 1 us steps: percentile p is p % of a second.
  LatencyHistogram h;
  for (int64_t us = 1; us <= 1'000'000; ++us) h.Record(us * 1000);
  EXPECT_EQ(h.count(), 1'000'000u);
  ExpectNear(h.p50(), 500'000'000);
  ExpectNear(h.p90(), 900'000'000);
  ExpectNear(h.p99(), 990'000'000);
  ExpectNear(h.p999(), 999'000'000);
  EXPECT_EQ(h.Percentile(100), 1'000'000'000);
  EXPECT_EQ(h.Percentile(0), 1000);
  ExpectNear(static_cast<int64_t>(h.mean()), 500'000'500);
}

TEST(LatencyHistogramTest, PercentilesOfASkewedDistribution) {
  // 990 fast requests (100 us) and 10 slow ones (50 ms): p99 is fast,
  // p99.9 and max are slow.
  LatencyHistogram h;
  h.RecordN(100'000, 990);
  h.RecordN(50'000'000, 10);
  ExpectNear(h.p50(), 100'000);
  ExpectNear(h.p99(), 100'000);
  ExpectNear(h.p999(), 50'000'000);
  EXPECT_EQ(h.max(), 50'000'000);
}

TEST(LatencyHistogramTest, ClampsToItsRange) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(LatencyHistogram::kMaxValueNs * 10);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxValueNs);
  EXPECT_EQ(h.Percentile(100), LatencyHistogram::kMaxValueNs);
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndNarrow) {
  for (int i = 1; i < LatencyHistogram::bucket_count(); ++i) {
    ASSERT_EQ(LatencyHistogram::BucketLow(i),
              LatencyHistogram::BucketHigh(i - 1));
    int64_t low = LatencyHistogram::BucketLow(i);
    int64_t width = LatencyHistogram::BucketHigh(i) - low;
    if (low >= 128) {
      ASSERT_LE(width * 128, low) << i;  // at most 1/128 wide
    }
    ASSERT_EQ(LatencyHistogram::BucketIndex(low), i);
    ASSERT_EQ(
        LatencyHistogram::BucketIndex(LatencyHistogram::BucketHigh(i) - 1), i);
  }
  EXPECT_GE(LatencyHistogram::BucketHigh(LatencyHistogram::bucket_count() - 1),
            LatencyHistogram::kMaxValueNs);
}

TEST(LatencyHistogramTest, RandomDataWithinPrecision) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(2e6), 1.0);
  std::vector<int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    int64_t v = static_cast<int64_t>(dist(rng));
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9}) {
    auto rank = static_cast<size_t>(std::ceil(p / 100 * values.size()));
    int64_t exact = values[rank - 1];
    EXPECT_NEAR(static_cast<double>(h.Percentile(p)), exact, 0.005 * exact)
        << "p" << p;
  }
}

TEST(LatencyHistogramTest, MergeAddsCounts) {
  LatencyHistogram a, b;
  a.RecordN(1000, 50);
  b.RecordN(3000, 50);
  b.Record(9000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 101u);
  EXPECT_EQ(a.min(), 1000);
  EXPECT_EQ(a.max(), 9000);
  ExpectNear(a.p50(), 3000);
  a.Clear();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.Percentile(50), 0);
}

}  // namespace
}  // namespace meridian::http
