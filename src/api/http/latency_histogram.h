// LatencyHistogram: a fixed-size log-linear histogram of durations in
// nanoseconds, for benchmarks and metrics.
//
// Values below 128 ns are counted exactly; above that every power of two is
// split into 128 equal buckets, so a bucket is at most 1/128 (0.8 %) of its
// values wide and a reported percentile is within 0.4 % of a recorded value.
// It covers 0 to 60 s (kMaxValueNs); larger values count as 60 s, and the
// exact minimum and maximum are kept beside the buckets. Memory is fixed
// (~31 KiB) whatever is recorded, so recording never allocates.
//
//   LatencyHistogram latency;
//   latency.Record(end_ns - start_ns);
//   printf("p99 %.3f ms\n", latency.p99() / 1e6);
//   total.Merge(latency);
//
// Thread-safety: none. Give each thread its own histogram and Merge them.
#ifndef MERIDIAN_API_HTTP_LATENCY_HISTOGRAM_H_
#define MERIDIAN_API_HTTP_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace meridian::http {

class LatencyHistogram {
 public:
  static constexpr int64_t kMaxValueNs = 60'000'000'000;

  LatencyHistogram();

  // Negative values count as 0, values above kMaxValueNs as kMaxValueNs.
  void Record(int64_t value_ns) { RecordN(value_ns, 1); }
  void RecordN(int64_t value_ns, uint64_t times);
  void Merge(const LatencyHistogram& other);
  void Clear();

  uint64_t count() const { return count_; }
  // 0 when empty.
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const;

  // The smallest recorded value v such that at least p % of the values are
  // <= v, to the histogram's precision (within 0.4 %; exact for the minimum,
  // the maximum and values below 128 ns). p is clamped to [0, 100]; 0 when
  // the histogram is empty.
  int64_t Percentile(double p) const;
  int64_t p50() const { return Percentile(50); }
  int64_t p90() const { return Percentile(90); }
  int64_t p99() const { return Percentile(99); }
  int64_t p999() const { return Percentile(99.9); }

  // For tests and exporters: the bucket a value lands in and the bucket's
  // half-open value range [low, high).
  static int BucketIndex(int64_t value_ns);
  static int64_t BucketLow(int index);
  static int64_t BucketHigh(int index);
  static int bucket_count();

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  // Sum of recorded values; doubles keep hours of nanoseconds without
  // overflow, and a mean needs no more precision than that.
  double sum_ = 0;
};

}  // namespace meridian::http

#endif  // MERIDIAN_API_HTTP_LATENCY_HISTOGRAM_H_
