#include "api/http/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace meridian::http {
namespace {

// 2^7 = 128 buckets per power of two: the bucket width is at most 1/128 of
// the values in it.
constexpr int kSubBucketBits = 7;
constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;

constexpr int IndexOf(int64_t v) {
  if (v < kSubBuckets) return static_cast<int>(v);
  int exponent = 63 - std::countl_zero(static_cast<uint64_t>(v));
  int shift = exponent - kSubBucketBits;
  int64_t mantissa = (v >> shift) - kSubBuckets;
  return static_cast<int>(kSubBuckets + shift * kSubBuckets + mantissa);
}

constexpr int kBucketCount = IndexOf(LatencyHistogram::kMaxValueNs) + 1;

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

int LatencyHistogram::bucket_count() { return kBucketCount; }

int LatencyHistogram::BucketIndex(int64_t value_ns) {
  return IndexOf(std::clamp<int64_t>(value_ns, 0, kMaxValueNs));
}

int64_t LatencyHistogram::BucketLow(int index) {
  if (index < kSubBuckets) return index;
  int shift = static_cast<int>((index - kSubBuckets) / kSubBuckets);
  int64_t mantissa = (index - kSubBuckets) % kSubBuckets;
  return (kSubBuckets + mantissa) << shift;
}

int64_t LatencyHistogram::BucketHigh(int index) {
  if (index < kSubBuckets) return index + 1;
  int shift = static_cast<int>((index - kSubBuckets) / kSubBuckets);
  return BucketLow(index) + (int64_t{1} << shift);
}

void LatencyHistogram::RecordN(int64_t value_ns, uint64_t times) {
  if (times == 0) return;
  int64_t v = std::clamp<int64_t>(value_ns, 0, kMaxValueNs);
  counts_[IndexOf(v)] += times;
  if (count_ == 0 || v < min_) min_ = v;
  if (v > max_) max_ = v;
  count_ += times;
  sum_ += static_cast<double>(v) * static_cast<double>(times);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::Clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

int64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // The rank of the wanted value, 1-based: p = 0 asks for the minimum.
  auto rank =
      static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  if (rank == 1) return min();
  if (rank == count_) return max_;
  uint64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // The bucket's midpoint halves the worst-case error; the exact
      // extremes are better answers when they fall in this bucket.
      int64_t low = BucketLow(i);
      int64_t mid = low + (BucketHigh(i) - low - 1) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace meridian::http
