// Prometheus metrics for the API server: counters, gauges and histograms,
// optionally labelled, rendered in the Prometheus text exposition format
// 0.0.4 for GET /metrics. No HTTP here: the server serves Render() with
// kContentType.
//
//   Registry registry;
//   MERIDIAN_ASSIGN_OR_RETURN(
//       CounterFamily* requests,
//       registry.AddCounterFamily("meridian_http_requests_total",
//                                 "HTTP requests by route and status code.",
//                                 {"route", "code"}));
//   // Once per route and code, at start-up or on first use; keep the
//   // reference (it lives as long as the registry).
//   Counter& created = requests->WithLabels({"POST /v1/ledger/transfers",
//                                            "200"});
//   created.Increment();  // the hot path: one relaxed atomic add
//
//   MERIDIAN_ASSIGN_OR_RETURN(
//       Histogram* latency,
//       registry.AddHistogram("meridian_http_request_duration_seconds",
//                             "Time from request to response.",
//                             {0.001, 0.005, 0.025, 0.1, 0.5, 2.5}));
//   latency->Observe(0.0042);
//   MERIDIAN_RETURN_IF_ERROR(registry.AddGaugeCallback(
//       "meridian_indexer_queued_batches", "Batches waiting for the indexer.",
//       [&] { return double(indexer.stats().queued_batches); }));
//   std::string body = registry.Render();
//
// Names are checked when a metric is added (INVALID_PARAMETER, param "name",
// "help", "label_names" or "bounds"): metric and label names
// [a-zA-Z_][a-zA-Z0-9_]* (no colons: Prometheus keeps them for recording
// rules; no label names starting "__", which are Prometheus's own, and no
// "le" on histograms), counter names end in "_total", help is not empty,
// and no two metrics share a name or a series name (a histogram "x" also
// takes x_bucket, x_sum and x_count).
//
// Threads: everything is thread-safe. Counter, Gauge and Histogram updates
// are lock-free relaxed atomics. WithLabels takes a shared lock to find an
// existing child (an exclusive one to create it): call it once and keep the
// reference rather than on every request. Render may run concurrently with
// updates; it sees each value at some moment during the scrape (a
// histogram's _count always equals its +Inf bucket; its _sum may be a few
// observations behind or ahead). Gauge callbacks run on the scraping thread
// under the registry's lock: they must be thread-safe, quick, and must not
// use the registry.
#ifndef MERIDIAN_API_METRICS_REGISTRY_H_
#define MERIDIAN_API_METRICS_REGISTRY_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace meridian::metrics {

inline constexpr std::string_view kContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Limits, so a registry cannot grow without bound.
inline constexpr size_t kMaxMetrics = 1024;
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxHelpBytes = 1024;
inline constexpr size_t kMaxLabelNames = 8;
inline constexpr size_t kMaxBuckets = 64;
// Label values longer than this are cut (at a UTF-8 character boundary).
inline constexpr size_t kMaxLabelValueBytes = 256;
// Children per labelled metric unless given otherwise. Past the limit, new
// label sets share one child whose label values are all kOverflowLabelValue:
// memory stays bounded and the excess shows in the scrape.
inline constexpr size_t kDefaultMaxChildren = 1000;
inline constexpr std::string_view kOverflowLabelValue = "_overflow";

// Counts up. Padded to a cache line of its own: counters updated by
// different threads should not slow each other down.
class alignas(64) Counter {
 public:
  void Increment(uint64_t n = 1) {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Goes up and down.
class alignas(64) Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Increment() { Add(1); }
  void Decrement() { Add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets with fixed upper bounds (inclusive, as
// Prometheus's `le`), plus their sum. NaN observations are ignored.
class Histogram {
 public:
  // `bounds`: strictly increasing and finite (the Registry checks them).
  explicit Histogram(std::span<const double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (= count)
    double sum = 0;
  };
  Snapshot snapshot() const;
  std::span<const double> bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  // counts_[i]: observations in (bounds_[i-1], bounds_[i]]; the last one
  // is (bounds_.back(), +Inf).
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

namespace internal {

// Orders label value lists, and finds a list of std::string by a list of
// std::string_view without building one.
struct LabelValuesLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](const auto& x, const auto& y) {
                                          return std::string_view(x) <
                                                 std::string_view(y);
                                        });
  }
};

class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  // Appends the samples (not the HELP and TYPE lines).
  virtual void RenderSamples(const std::string& name,
                             std::string* out) const = 0;
};

}  // namespace internal

// One metric with a fixed set of label names, and its children: one
// Counter, Gauge or Histogram per set of label values.
template <typename T>
class Family : public internal::FamilyBase {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  Family(std::vector<std::string> label_names, size_t max_children,
         Factory make)
      : label_names_(std::move(label_names)),
        max_children_(max_children),
        make_(std::move(make)) {}

  // The child for these values, one per label name in order (a mismatch is
  // a programming error and stops the process). Created on first use; the
  // reference stays valid as long as the registry.
  T& WithLabels(std::initializer_list<std::string_view> values) {
    return WithLabels(
        std::span<const std::string_view>(values.begin(), values.size()));
  }
  T& WithLabels(std::span<const std::string_view> values);

  const std::vector<std::string>& label_names() const { return label_names_; }

  void RenderSamples(const std::string& name, std::string* out) const override;

 private:
  using Children = std::map<std::vector<std::string>, std::unique_ptr<T>,
                            internal::LabelValuesLess>;

  const std::vector<std::string> label_names_;
  const size_t max_children_;
  const Factory make_;
  mutable std::shared_mutex mu_;
  Children children_;  // GUARDED_BY(mu_)
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The returned pointers stay valid as long as the registry.
  Result<Counter*> AddCounter(std::string name, std::string help);
  Result<CounterFamily*> AddCounterFamily(
      std::string name, std::string help, std::vector<std::string> label_names,
      size_t max_children = kDefaultMaxChildren);

  Result<Gauge*> AddGauge(std::string name, std::string help);
  Result<GaugeFamily*> AddGaugeFamily(
      std::string name, std::string help, std::vector<std::string> label_names,
      size_t max_children = kDefaultMaxChildren);
  // A gauge whose value is `read()`, called at each Render.
  Status AddGaugeCallback(std::string name, std::string help,
                          std::function<double()> read);

  // `bounds_seconds`: 1..kMaxBuckets finite, strictly increasing upper
  // bounds; +Inf is implied.
  Result<Histogram*> AddHistogram(std::string name, std::string help,
                                  std::vector<double> bounds_seconds);
  Result<HistogramFamily*> AddHistogramFamily(
      std::string name, std::string help, std::vector<std::string> label_names,
      std::vector<double> bounds_seconds,
      size_t max_children = kDefaultMaxChildren);

  // Every metric, sorted by name, in the text exposition format 0.0.4.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Entry {
    Type type;
    std::string help;
    std::unique_ptr<internal::FamilyBase> family;  // or:
    std::function<double()> callback;
  };

  Status Add(std::string name, std::string help, Type type,
             const std::vector<std::string>& label_names,
             std::unique_ptr<internal::FamilyBase> family,
             std::function<double()> callback);

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
  std::set<std::string> series_names_;    // GUARDED_BY(mu_)
};

// The text format's escapes, exposed for tests: label values escape
// backslash, double quote and newline; HELP text backslash and newline.
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);
// A number as the text format writes it: the shortest text that reads back
// as the same double, in fixed notation for 1e-4 <= |value| < 1e21 and with
// an exponent beyond; "+Inf", "-Inf", "NaN".
std::string FormatDouble(double value);

}  // namespace meridian::metrics

#endif  // MERIDIAN_API_METRICS_REGISTRY_H_
