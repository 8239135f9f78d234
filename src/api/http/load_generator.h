// RunLoad: the HTTP load generator behind `meridian bench api`. Keep-alive
// connections, all driven by one thread (one Asio io_context), so it takes
// one core and leaves the rest to the server under test.
//
//   LoadOptions options;
//   options.port = server->port();
//   options.connections = 32;
//   options.rate_per_s = 20000;  // open loop; 0 = closed loop
//   options.duration_ms = 10000;
//   options.request_factory = [](uint64_t seq, PreparedRequest* out) {
//     out->method = "POST";
//     out->target = "/v1/ledger/transfers";
//     out->body = MakeTransfer(seq);
//   };
//   Result<LoadResult> result = RunLoad(options);
//   printf("%.0f req/s, p99 %.2f ms\n", result->achieved_per_s,
//          result->latency.p99() / 1e6);
//
// Two modes:
// - Closed loop (rate_per_s = 0): each connection sends its next request
//   as soon as the previous response arrived. Measures capacity; latency is
//   from send to response.
// - Open loop (rate_per_s > 0): request i is *scheduled* at
//   start + i / rate_per_s, whatever the server is doing, and taken by the
//   first free connection. Latency is measured from the scheduled time, so
//   a server that falls behind shows it in the percentiles (the
//   coordinated-omission correction) instead of silently slowing the
//   generator down. Requests still waiting for a free connection when the
//   run ends are counted in `unsent`: a large number means the server (or
//   `connections`) could not keep up with the rate.
//
// Only requests scheduled (open loop) or sent (closed loop) after warmup_ms
// and within duration_ms count. After the window the generator stops
// sending and waits up to timeout_ms for the answers still due.
//
// Operations of several requests (on_response): the caller sees every
// answer with its body and may continue with a follow-up request on the
// same connection, which the server's answer fed (a payment after its
// quote). Then each "request" above is an operation: it is scheduled (open
// loop) or started (closed loop) once, counted once, and its latency runs
// from its start to its last answer.
//
//   options.on_response = [](const ResponseView& r, PreparedRequest* next) {
//     if (r.step == 0 && r.status == 201) {
//       next->method = "POST";
//       next->target = "/v1/network/payments";
//       next->body = PaymentFor(QuoteIdIn(r.body));
//       return true;   // send it
//     }
//     return false;    // the operation ends with this answer
//   };
//
// Thread-safety: RunLoad blocks its caller and calls request_factory on
// that thread only; separate calls are independent.
#ifndef MERIDIAN_API_HTTP_LOAD_GENERATOR_H_
#define MERIDIAN_API_HTTP_LOAD_GENERATOR_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/latency_histogram.h"
#include "core/status.h"

namespace meridian::http {

// One request to send. The generator adds Host and Content-Length. Before
// each call of the factory, method and target are reset to "GET" and "/"
// and headers and body emptied, keeping their memory.
struct PreparedRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// One answered request, for LoadOptions::on_response.
struct ResponseView {
  uint64_t sequence = 0;  // the operation's: what the factory was given
  uint32_t step = 0;      // 0: the factory's request; 1, 2, ...: follow-ups
  int status = 0;
  std::string_view body;  // valid during the call only
  // This request alone, from its send to its answer (step 0 in open loop:
  // from the operation's scheduled time).
  int64_t latency_ns = 0;
  bool counted = false;  // the operation falls in the measured window
};

// The most requests one operation may chain (the factory's and follow-ups).
inline constexpr uint32_t kMaxRequestsPerOperation = 8;

struct LoadOptions {
  std::string host = "127.0.0.1";  // an IP address
  uint16_t port = 0;
  uint32_t connections = 16;     // 1..10000
  double rate_per_s = 0;         // 0 = closed loop; > 0 = open loop
  uint32_t duration_ms = 10000;  // the measured window
  uint32_t warmup_ms = 1000;     // before it, not counted
  uint32_t timeout_ms = 10000;   // per request; a transport error after
  // Fills the request with sequence number `sequence` (0, 1, 2, ... over
  // the whole run, warm-up included). Default: GET /.
  std::function<void(uint64_t sequence, PreparedRequest* out)> request_factory;
  // Optional: sees every whole response (warm-up included) with its body,
  // on the generator's thread. Fill `next` (reset like the factory's) and
  // return true to send it at once on the same connection as the
  // operation's next request; false ends the operation. Past
  // kMaxRequestsPerOperation requests the operation ends whatever it
  // returns; a server that closes the connection before a follow-up ends it
  // as a transport error. Unset: bodies are dropped unread (no allocation
  // per response).
  std::function<bool(const ResponseView& response, PreparedRequest* next)>
      on_response;
};

struct LoadResult {
  // Counted requests, or operations with on_response (see the header
  // comment): by_status_class then counts each operation's last answer.
  uint64_t sent = 0;       // written to a connection
  uint64_t completed = 0;  // answered with a whole response
  // completed, by status class: [2] = 2xx, ... [5] = 5xx; [0] = other.
  std::array<uint64_t, 6> by_status_class{};
  // Connect failures, resets, malformed responses and timeouts; each ends
  // its connection, which is then reopened.
  uint64_t transport_errors = 0;
  uint64_t timeouts = 0;      // of which timeouts
  uint64_t unsent = 0;        // open loop: scheduled in the window, never sent
  double duration_s = 0;      // the measured window
  double achieved_per_s = 0;  // completed / duration_s
  // Completed requests only, in nanoseconds.
  LatencyHistogram latency;
};

// Runs the load. INVALID_PARAMETER for impossible options; a server that
// cannot be reached shows as transport_errors, not as an error here.
Result<LoadResult> RunLoad(const LoadOptions& options);

}  // namespace meridian::http

#endif  // MERIDIAN_API_HTTP_LOAD_GENERATOR_H_
