#include "api/http/load_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "api/http/server.h"

namespace meridian::http {
namespace {

using namespace std::chrono_literals;

class LoadGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Router router;
    router.Add("GET", "/ok", "ok",
               [](Request&, const PathParams&, Responder r) {
                 Response response;
                 response.body = R"({"ok":true})";
                 std::move(r).Send(std::move(response));
               });
    router.Add("POST", "/ok", "ok_post",
               [](Request& request, const PathParams&, Responder r) {
                 Response response;
                 response.status = request.body == "payload" ? 201 : 400;
                 std::move(r).Send(std::move(response));
               });
    // A two-step exchange: /first answers a token, /second checks it.
    router.Add("POST", "/first", "first",
               [](Request& request, const PathParams&, Responder r) {
                 Response response;
                 response.status = 201;
                 response.body = "token-" + request.body;
                 std::move(r).Send(std::move(response));
               });
    router.Add("POST", "/second", "second",
               [](Request& request, const PathParams&, Responder r) {
                 Response response;
                 response.status =
                     request.body.starts_with("token-") ? 200 : 400;
                 response.body = request.body;
                 std::move(r).Send(std::move(response));
               });
    router.Add("GET", "/slow", "slow",
               [](Request&, const PathParams&, Responder r) {
                 std::this_thread::sleep_for(20ms);
                 std::move(r).Send(Response());
               });
    router.Add("GET", "/stall", "stall",
               [](Request&, const PathParams&, Responder r) {
                 // Blocks the io thread on purpose: a server-side stall.
                 std::this_thread::sleep_for(200ms);
                 std::move(r).Send(Response());
               });
    auto server = Server::Start(ServerOptions(), std::move(router));
    ASSERT_TRUE(server.ok());
    server_ = std::move(server).value();
  }

  LoadOptions Options() {
    LoadOptions options;
    options.port = server_->port();
    options.connections = 4;
    options.duration_ms = 300;
    options.warmup_ms = 100;
    options.timeout_ms = 5000;
    return options;
  }

  static void ExpectConsistent(const LoadResult& r) {
    EXPECT_EQ(r.sent, r.completed + r.transport_errors);
    uint64_t by_class = 0;
    for (uint64_t n : r.by_status_class) by_class += n;
    EXPECT_EQ(by_class, r.completed);
    EXPECT_EQ(r.latency.count(), r.completed);
    const LatencyHistogram& h = r.latency;
    EXPECT_LE(h.min(), h.p50());
    EXPECT_LE(h.p50(), h.p90());
    EXPECT_LE(h.p90(), h.p99());
    EXPECT_LE(h.p99(), h.p999());
    EXPECT_LE(h.p999(), h.max());
    if (r.completed > 0) {
      EXPECT_GT(h.min(), 0);
      EXPECT_LT(h.max(), 5'000'000'000);  // below the timeout
    }
    EXPECT_DOUBLE_EQ(r.achieved_per_s, r.completed / r.duration_s);
  }

  std::unique_ptr<Server> server_;
};

TEST_F(LoadGeneratorTest, ClosedLoopCountsEveryResponse) {
  LoadOptions options = Options();
  options.request_factory = [](uint64_t seq, PreparedRequest* out) {
    // Every fourth request is a POST with a body, every tenth a 404.
    out->method = "GET";
    out->target = "/ok";
    if (seq % 4 == 1) {
      out->method = "POST";
      out->body = "payload";
      out->headers.emplace_back("Content-Type", "text/plain");
    }
    if (seq % 10 == 3) out->target = "/missing";
  };
  auto result = RunLoad(options);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  const LoadResult& r = *result;
  EXPECT_GT(r.completed, 0u);
  EXPECT_EQ(r.transport_errors, 0u);
  EXPECT_EQ(r.unsent, 0u);
  EXPECT_GT(r.by_status_class[2], 0u);
  EXPECT_GT(r.by_status_class[4], 0u);  // the 404s
  EXPECT_EQ(r.by_status_class[5], 0u);
  EXPECT_DOUBLE_EQ(r.duration_s, 0.3);
  ExpectConsistent(r);
}

TEST_F(LoadGeneratorTest, OpenLoopSendsTheScheduleAndCountsTheRest) {
  LoadOptions options = Options();
  options.rate_per_s = 2000;  // 600 slots in the 300 ms window
  options.request_factory = [](uint64_t, PreparedRequest* out) {
    out->target = "/ok";
  };
  auto result = RunLoad(options);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  const LoadResult& r = *result;
  EXPECT_EQ(r.sent + r.unsent, 600u);
  EXPECT_GT(r.completed, 0u);
  EXPECT_EQ(r.transport_errors, 0u);
  EXPECT_EQ(r.by_status_class[2], r.completed);
  ExpectConsistent(r);
}

TEST_F(LoadGeneratorTest, OpenLoopChargesAStallToEveryRequestItDelayed) {
  // One connection, one request a millisecond, and one 200 ms server stall
  // at request 150: the ~150 requests scheduled during the stall's first
  // 150 ms all wait at least 50 ms. Measured from their scheduled times,
  // that is over a third of the window; measured from when the connection
  // was free (coordinated omission) it would be one slow request.
  LoadOptions options = Options();
  options.connections = 1;
  options.rate_per_s = 1000;
  options.warmup_ms = 0;
  options.duration_ms = 400;
  options.request_factory = [](uint64_t seq, PreparedRequest* out) {
    out->target = seq == 150 ? "/stall" : "/ok";
  };
  auto result = RunLoad(options);
  ASSERT_TRUE(result.ok());
  const LoadResult& r = *result;
  ExpectConsistent(r);
  EXPECT_GE(r.latency.Percentile(75), 50'000'000);
  EXPECT_GE(r.latency.max(), 150'000'000);

  // The same stall in a closed loop delays just the one request.
  options.rate_per_s = 0;
  result = RunLoad(options);
  ASSERT_TRUE(result.ok());
  ExpectConsistent(*result);
  EXPECT_GE(result->latency.max(), 200'000'000);
}

TEST_F(LoadGeneratorTest, OpenLoopEndsOnTimeWhenTheServerFallsBehind) {
  // 1,000 a second against a server that answers 50: the run still ends
  // with its window, and what it could not send is unsent, not sent late.
  LoadOptions options = Options();
  options.connections = 1;
  options.rate_per_s = 1000;
  options.warmup_ms = 0;
  options.duration_ms = 300;
  options.request_factory = [](uint64_t, PreparedRequest* out) {
    out->target = "/slow";
  };
  const auto start = std::chrono::steady_clock::now();
  auto result = RunLoad(options);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(result.ok());
  const LoadResult& r = *result;
  ExpectConsistent(r);
  EXPECT_LT(took, 2s);  // the whole schedule at 50/s would take 6 s
  EXPECT_EQ(r.sent + r.unsent, 300u);
  EXPECT_GT(r.unsent, 200u);
  EXPECT_LT(r.achieved_per_s, 200);
}

TEST_F(LoadGeneratorTest, FollowUpsMakeOneOperationOfSeveralRequests) {
  for (double rate : {0.0, 2000.0}) {
    LoadOptions options = Options();
    options.rate_per_s = rate;
    options.request_factory = [](uint64_t seq, PreparedRequest* out) {
      out->method = "POST";
      out->target = "/first";
      out->body = std::to_string(seq);
    };
    uint64_t firsts = 0, seconds = 0, mismatched = 0, counted = 0;
    options.on_response = [&](const ResponseView& r, PreparedRequest* next) {
      EXPECT_GT(r.latency_ns, 0);
      if (r.counted && r.step == 1) ++counted;
      if (r.step == 0) {
        ++firsts;
        if (r.body != "token-" + std::to_string(r.sequence)) ++mismatched;
        next->method = "POST";
        next->target = "/second";
        next->body = std::string(r.body);
        return true;
      }
      ++seconds;
      if (r.status != 200 || r.body != "token-" + std::to_string(r.sequence))
        ++mismatched;
      // /second twice more: four requests in all.
      next->method = "POST";
      next->target = "/second";
      next->body = std::string(r.body);
      return r.step < 3;
    };
    auto result = RunLoad(options);
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    const LoadResult& r = *result;
    ExpectConsistent(r);
    EXPECT_GT(r.completed, 0u);
    EXPECT_EQ(r.transport_errors, 0u);
    EXPECT_EQ(mismatched, 0u);
    // Every operation ran all four requests; each is counted once, with
    // its last answer's status.
    EXPECT_EQ(seconds, 3 * firsts);
    EXPECT_EQ(counted, r.completed);
    EXPECT_EQ(r.by_status_class[2], r.completed);
  }
}

TEST_F(LoadGeneratorTest, FollowUpsStopAtTheBound) {
  LoadOptions options = Options();
  options.connections = 1;
  uint32_t most = 0;
  options.on_response = [&](const ResponseView& r, PreparedRequest* next) {
    most = std::max(most, r.step + 1);
    next->target = "/ok";
    return true;  // forever, if it were let
  };
  auto result = RunLoad(options);
  ASSERT_TRUE(result.ok());
  ExpectConsistent(*result);
  EXPECT_GT(result->completed, 0u);
  EXPECT_EQ(most, kMaxRequestsPerOperation);
}

TEST_F(LoadGeneratorTest, UnreachableServerIsTransportErrors) {
  LoadOptions options = Options();
  uint16_t port = server_->port();
  server_.reset();  // nothing listens there now
  options.port = port;
  options.duration_ms = 100;
  options.warmup_ms = 0;
  auto result = RunLoad(options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->completed, 0u);
  EXPECT_GT(result->transport_errors, 0u);
  EXPECT_EQ(result->sent, result->transport_errors);
}

TEST_F(LoadGeneratorTest, RefusesImpossibleOptions) {
  LoadOptions options = Options();
  options.connections = 0;
  EXPECT_EQ(RunLoad(options).error().code, ErrorCode::kINVALID_PARAMETER);
  options = Options();
  options.rate_per_s = -1;
  EXPECT_EQ(RunLoad(options).error().code, ErrorCode::kINVALID_PARAMETER);
  options = Options();
  options.host = "not an address";
  EXPECT_EQ(RunLoad(options).error().code, ErrorCode::kINVALID_PARAMETER);
}

}  // namespace
}  // namespace meridian::http
