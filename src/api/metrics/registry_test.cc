#include "api/metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <thread>
#include <vector>

#include "core/testing/temp_dir.h"

namespace meridian::metrics {
namespace {

// A registry with one of everything, and known values.
void Fill(Registry& r) {
  CounterFamily* requests =
      r.AddCounterFamily("meridian_http_requests_total",
                         "HTTP requests by route and status code.",
                         {"route", "code"})
          .value();
  requests->WithLabels({"POST /v1/ledger/transfers", "200"}).Increment(3);
  requests->WithLabels({"GET /v1/ledger/accounts/{id}", "404"}).Increment();
  r.AddGauge("meridian_up", "1 while the server runs.").value()->Set(1);
  ASSERT_TRUE(r.AddGaugeCallback("meridian_indexer_queued_batches",
                                 "Batches waiting for the indexer.",
                                 [] { return 7.0; })
                  .ok());
  Histogram* latency =
      r.AddHistogram("meridian_http_request_duration_seconds",
                     "Time from request to response.", {0.125, 0.5, 1})
          .value();
  for (double v : {0.0625, 0.125, 0.5, 2.0}) latency->Observe(v);
  r.AddGaugeFamily("meridian_http_connections", "Open connections.",
                   {"listener"})
      .value()
      ->WithLabels({"public"})
      .Set(2.5);
  r.AddHistogramFamily("meridian_engine_stage_seconds",
                       "Engine time per batch, by stage.", {"stage"},
                       {0.001, 0.01})
      .value()
      ->WithLabels({"apply"})
      .Observe(0.0005);
}

TEST(RegistryTest, RendersTheTextFormat) {
  Registry r;
  Fill(r);
  EXPECT_EQ(
      r.Render(),
      R"(# HELP meridian_engine_stage_seconds Engine time per batch, by stage.
# TYPE meridian_engine_stage_seconds histogram
meridian_engine_stage_seconds_bucket{stage="apply",le="0.001"} 1
meridian_engine_stage_seconds_bucket{stage="apply",le="0.01"} 1
meridian_engine_stage_seconds_bucket{stage="apply",le="+Inf"} 1
meridian_engine_stage_seconds_sum{stage="apply"} 0.0005
meridian_engine_stage_seconds_count{stage="apply"} 1
# HELP meridian_http_connections Open connections.
# TYPE meridian_http_connections gauge
meridian_http_connections{listener="public"} 2.5
# HELP meridian_http_request_duration_seconds Time from request to response.
# TYPE meridian_http_request_duration_seconds histogram
meridian_http_request_duration_seconds_bucket{le="0.125"} 2
meridian_http_request_duration_seconds_bucket{le="0.5"} 3
meridian_http_request_duration_seconds_bucket{le="1"} 3
meridian_http_request_duration_seconds_bucket{le="+Inf"} 4
meridian_http_request_duration_seconds_sum 2.6875
meridian_http_request_duration_seconds_count 4
# HELP meridian_http_requests_total HTTP requests by route and status code.
# TYPE meridian_http_requests_total counter
meridian_http_requests_total{route="GET /v1/ledger/accounts/{id}",code="404"} 1
meridian_http_requests_total{route="POST /v1/ledger/transfers",code="200"} 3
# HELP meridian_indexer_queued_batches Batches waiting for the indexer.
# TYPE meridian_indexer_queued_batches gauge
meridian_indexer_queued_batches 7
# HELP meridian_up 1 while the server runs.
# TYPE meridian_up gauge
meridian_up 1
)");
}

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), R"(a\\b\"c\nd)");
  EXPECT_EQ(EscapeLabelValue("plain {x} é"), "plain {x} é");
  EXPECT_EQ(EscapeHelp("one\nback\\slash \"quoted\""),
            R"(one\nback\\slash "quoted")");
  Registry r;
  r.AddCounterFamily("x_total", "Line one\nline two \\.", {"v"})
      .value()
      ->WithLabels({"say \"hi\"\\\n"})
      .Increment();
  EXPECT_EQ(r.Render(),
            "# HELP x_total Line one\\nline two \\\\.\n"
            "# TYPE x_total counter\n"
            "x_total{v=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(RegistryTest, FormatsNumbers) {
  EXPECT_EQ(FormatDouble(0), "0");
  EXPECT_EQ(FormatDouble(-2), "-2");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(1e21), "1e+21");
  EXPECT_EQ(FormatDouble(1073741824), "1073741824");
  EXPECT_EQ(FormatDouble(0.0005), "0.0005");
  EXPECT_EQ(FormatDouble(0.00001), "1e-05");
  EXPECT_EQ(FormatDouble(-1.5e-7), "-1.5e-07");
  EXPECT_EQ(FormatDouble(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatDouble(std::nan("")), "NaN");
}

TEST(RegistryTest, ConcurrentUpdatesAddUpExactly) {
  Registry r;
  Counter* counter = r.AddCounter("c_total", "c").value();
  CounterFamily* family = r.AddCounterFamily("f_total", "f", {"t"}).value();
  Gauge* gauge = r.AddGauge("g", "g").value();
  Histogram* histogram = r.AddHistogram("h_seconds", "h", {0.5}).value();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Counter& mine = family->WithLabels({t % 2 == 0 ? "even" : "odd"});
      for (int i = 0; i < kPerThread; ++i) {
        counter->Increment();
        mine.Increment(2);
        gauge->Add(1);
        histogram->Observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  // Scrapes meanwhile must not disturb anything.
  for (int i = 0; i < 20; ++i) (void)r.Render();
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter->value(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(family->WithLabels({"even"}).value(), uint64_t{2} * 2 * kPerThread);
  EXPECT_EQ(family->WithLabels({"odd"}).value(), uint64_t{2} * 2 * kPerThread);
  EXPECT_EQ(gauge->value(), double{kThreads} * kPerThread);  // exact in double
  Histogram::Snapshot s = histogram->snapshot();
  EXPECT_EQ(s.cumulative[0], uint64_t{kThreads} * kPerThread / 2);
  EXPECT_EQ(s.cumulative[1], uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(s.sum, kThreads * (kPerThread / 2) * 1.25);
}

TEST(RegistryTest, HistogramBucketsIncludeTheirUpperBound) {
  Registry r;
  Histogram* h = r.AddHistogram("h_seconds", "h", {1, 2, 3}).value();
  h->Observe(-5);                                       // le=1
  h->Observe(1);                                        // le=1: on the bound
  h->Observe(std::nextafter(1.0, 2.0));                 // le=2
  h->Observe(2);                                        // le=2
  h->Observe(3);                                        // le=3
  h->Observe(std::nextafter(3.0, 4.0));                 // +Inf only
  h->Observe(std::numeric_limits<double>::infinity());  // +Inf
  h->Observe(std::nan(""));                             // ignored
  Histogram::Snapshot s = h->snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4, 5, 7}));
}

TEST(RegistryTest, RegistrationChecksNames) {
  Registry r;
  auto param = [](const auto& result) {
    return result.ok() ? std::string("ok") : result.error().param;
  };
  EXPECT_EQ(param(r.AddGauge("", "h")), "name");
  EXPECT_EQ(param(r.AddGauge("9lives", "h")), "name");
  EXPECT_EQ(param(r.AddGauge("has-dash", "h")), "name");
  EXPECT_EQ(param(r.AddGauge("rule:colon", "h")), "name");
  EXPECT_EQ(param(r.AddGauge(std::string(kMaxNameBytes + 1, 'a'), "h")),
            "name");
  EXPECT_EQ(param(r.AddCounter("requests", "h")), "name");  // no _total
  EXPECT_EQ(param(r.AddGauge("g", "")), "help");
  EXPECT_EQ(param(r.AddGaugeFamily("g", "h", {"__reserved"})), "label_names");
  EXPECT_EQ(param(r.AddGaugeFamily("g", "h", {"a", "a"})), "label_names");
  EXPECT_EQ(param(r.AddGaugeFamily("g", "h", {"bad label"})), "label_names");
  EXPECT_EQ(param(r.AddGaugeFamily(
                "g", "h", std::vector<std::string>(kMaxLabelNames + 1, "l"))),
            "label_names");
  EXPECT_EQ(param(r.AddHistogramFamily("h", "h", {"le"}, {1})), "label_names");
  EXPECT_EQ(param(r.AddHistogram("h", "h", {})), "bounds");
  EXPECT_EQ(param(r.AddHistogram("h", "h", {2, 1})), "bounds");
  EXPECT_EQ(param(r.AddHistogram("h", "h", {1, 1})), "bounds");
  EXPECT_EQ(param(r.AddHistogram("h", "h",
                                 {1, std::numeric_limits<double>::infinity()})),
            "bounds");
  EXPECT_EQ(param(r.AddHistogram("h", "h", {std::nan("")})), "bounds");
  EXPECT_EQ(r.AddGaugeCallback("cb", "h", nullptr).code(),
            ErrorCode::kINVALID_PARAMETER);

  // Taken names, including a histogram's series.
  ASSERT_TRUE(
      r.AddGaugeFamily("le", "a label called le is fine here", {"le"}).ok());
  ASSERT_TRUE(r.AddHistogram("latency_seconds", "h", {1}).ok());
  EXPECT_EQ(param(r.AddGauge("latency_seconds", "h")), "name");
  EXPECT_EQ(param(r.AddGauge("latency_seconds_count", "h")), "name");
  ASSERT_TRUE(r.AddGauge("size_sum", "h").ok());
  EXPECT_EQ(param(r.AddHistogram("size", "h", {1})), "name");
  EXPECT_FALSE(r.AddGaugeCallback("size_sum", "h", [] { return 1.0; }).ok());
}

TEST(RegistryTest, ChildrenAreCachedAndBounded) {
  Registry r;
  CounterFamily* f = r.AddCounterFamily("f_total", "f", {"a", "b"}, 2).value();
  Counter& first = f->WithLabels({"x", "1"});
  EXPECT_EQ(&first, &f->WithLabels({"x", "1"}));
  Counter& second = f->WithLabels({"x", "2"});
  EXPECT_NE(&first, &second);
  // Past the limit: one shared overflow child.
  Counter& third = f->WithLabels({"x", "3"});
  Counter& fourth = f->WithLabels({"y", "4"});
  EXPECT_EQ(&third, &fourth);
  third.Increment(5);
  EXPECT_NE(r.Render().find("f_total{a=\"_overflow\",b=\"_overflow\"} 5\n"),
            std::string::npos);
  EXPECT_EQ(&first, &f->WithLabels({"x", "1"}));  // old ones still found

  // Over-long values are cut, at a character boundary.
  GaugeFamily* g = r.AddGaugeFamily("g", "g", {"v"}).value();
  std::string long_value(kMaxLabelValueBytes - 1, 'v');
  long_value += "é and more";  // é straddles the limit
  g->WithLabels({long_value}).Set(1);
  EXPECT_EQ(&g->WithLabels({long_value}),
            &g->WithLabels({long_value.substr(0, kMaxLabelValueBytes - 1)}));
}

// The real parser agrees: promtool (Debian's prometheus package) lints the
// rendered text, when it is installed.
TEST(RegistryTest, PromtoolAccepts) {
  const char* kPromtool = "/usr/bin/promtool";
  if (!std::filesystem::exists(kPromtool)) {
    GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  }
  Registry r;
  Fill(r);
  r.AddCounterFamily("meridian_escapes_total", "Odd \\ help\nwith a newline.",
                     {"value"})
      .value()
      ->WithLabels({"quote \" backslash \\ newline \n done"})
      .Increment();
  r.AddGaugeFamily("meridian_empty", "A family with no children yet.", {"x"})
      .value();
  r.AddGauge("meridian_negative", "Below zero.").value()->Set(-1.5e-7);
  meridian::testing::TempDir dir;
  std::string metrics = dir.path() + "/metrics.txt";
  std::string output = dir.path() + "/promtool.txt";
  std::ofstream(metrics) << r.Render();
  std::string command = std::string(kPromtool) + " check metrics < " + metrics +
                        " > " + output + " 2>&1";
  int rc = std::system(command.c_str());
  std::ifstream in(output);
  std::string said((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(rc, 0) << said << "\n" << r.Render();
}

}  // namespace
}  // namespace meridian::metrics
