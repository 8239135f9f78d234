#include "api/http/load_generator.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <cmath>
#include <memory>

namespace meridian::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

constexpr uint32_t kMaxConnections = 10000;
// Responses are read and dropped; bound them anyway.
constexpr uint64_t kMaxResponseBodyBytes = 64 << 20;
constexpr uint32_t kMaxResponseHeaderBytes = 64 << 10;
// After a failed connect, wait this long before the next try, so a server
// that is down is not hammered in a tight loop.
constexpr auto kReconnectBackoff = std::chrono::milliseconds(10);

// Reads a response's status and framing and drops the rest (no
// allocations per response), or appends the body to `body_sink` when one
// is given (its memory is reused between responses).
class DiscardingParser final : public bhttp::basic_parser<false> {
 public:
  explicit DiscardingParser(std::string* body_sink = nullptr)
      : body_(body_sink) {
    if (body_ != nullptr) body_->clear();
  }
  int status() const { return status_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, beast::string_view, int,
                        error_code&) override {
    status_ = code;
  }
  void on_field_impl(bhttp::field, beast::string_view, beast::string_view,
                     error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&,
                         error_code&) override {}
  size_t on_body_impl(beast::string_view body, error_code&) override {
    if (body_ != nullptr) body_->append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view,
                            error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            error_code&) override {
    if (body_ != nullptr) body_->append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  std::string* body_;
  int status_ = 0;
};

struct Connection {
  explicit Connection(asio::io_context& io) : socket(io), timer(io) {}
  Socket socket;
  asio::steady_timer timer;  // pacing (open loop) and reconnect backoff
  beast::flat_buffer buffer;
  std::string out;   // the serialised request; memory reused
  std::string body;  // the response's body, with on_response; reused
  Clock::time_point deadline = Clock::time_point::max();
  bool expired = false;  // the sweeper closed it
};

class Run {
 public:
  Run(const LoadOptions& options, tcp::endpoint endpoint)
      : options_(options), endpoint_(endpoint) {
    host_header_ = options.host;
    if (endpoint.address().is_v6()) host_header_ = "[" + options.host + "]";
    host_header_ += ":" + std::to_string(options.port);
    if (options.rate_per_s > 0) interval_ns_ = 1e9 / options.rate_per_s;
  }

  LoadResult Go() {
    start_ = Clock::now();
    measure_start_ = start_ + std::chrono::milliseconds(options_.warmup_ms);
    measure_end_ =
        measure_start_ + std::chrono::milliseconds(options_.duration_ms);
    for (uint32_t i = 0; i < options_.connections; ++i) {
      connections_.push_back(std::make_unique<Connection>(io_));
    }
    for (auto& connection : connections_) {
      ++live_;
      asio::co_spawn(io_, Drive(*connection), asio::detached);
    }
    asio::co_spawn(io_, Sweep(), asio::detached);
    io_.run();

    result_.duration_s = options_.duration_ms / 1000.0;
    result_.achieved_per_s =
        static_cast<double>(result_.completed) / result_.duration_s;
    if (interval_ns_ > 0) {
      // Slots whose scheduled time falls in the window, minus those taken.
      auto first_slot = [&](double ms) {
        return static_cast<uint64_t>(std::ceil(ms * 1e6 / interval_ns_));
      };
      uint64_t in_window =
          first_slot(static_cast<double>(options_.warmup_ms) +
                     static_cast<double>(options_.duration_ms)) -
          first_slot(options_.warmup_ms);
      result_.unsent = in_window > result_.sent ? in_window - result_.sent : 0;
    }
    return std::move(result_);
  }

 private:
  Clock::time_point Scheduled(uint64_t slot) const {
    return start_ + std::chrono::nanoseconds(static_cast<int64_t>(std::llround(
                        static_cast<double>(slot) * interval_ns_)));
  }

  void ResetPrepared() {
    prepared_.method.assign("GET");
    prepared_.target.assign("/");
    prepared_.headers.clear();
    prepared_.body.clear();
  }

  void Serialize(uint64_t sequence, Connection& c) {
    ResetPrepared();
    if (options_.request_factory)
      options_.request_factory(sequence, &prepared_);
    SerializePrepared(c);
  }

  void SerializePrepared(Connection& c) {
    const PreparedRequest& p = prepared_;
    std::string& out = c.out;
    out.clear();
    out.append(p.method).append(" ").append(p.target).append(" HTTP/1.1\r\n");
    out.append("Host: ").append(host_header_).append("\r\n");
    for (const auto& [name, value] : p.headers) {
      out.append(name).append(": ").append(value).append("\r\n");
    }
    if (!p.body.empty() || p.method == "POST" || p.method == "PUT" ||
        p.method == "PATCH") {
      out.append("Content-Length: ")
          .append(std::to_string(p.body.size()))
          .append("\r\n");
    }
    out.append("\r\n").append(p.body);
  }

  void Fail(Connection& c, bool counted) {
    if (counted) {
      ++result_.transport_errors;
      if (c.expired) ++result_.timeouts;
    }
    error_code ec;
    c.socket.close(ec);
    c.buffer.clear();
    c.deadline = Clock::time_point::max();
  }

  asio::awaitable<void> Drive(Connection& c) {
    error_code ec;
    bool open_loop = interval_ns_ > 0;
    for (;;) {
      Clock::time_point scheduled;
      if (open_loop) {
        scheduled = Scheduled(next_slot_++);
        // The window ends on the clock too: a server that fell behind
        // leaves the rest of the schedule unsent (counted in `unsent`),
        // not a run that lasts as long as the backlog.
        if (scheduled >= measure_end_ || Clock::now() >= measure_end_) break;
        if (scheduled > Clock::now()) {
          c.timer.expires_at(scheduled);
          co_await c.timer.async_wait(
              asio::redirect_error(asio::use_awaitable, ec));
        }
      } else if (Clock::now() >= measure_end_) {
        break;
      }
      if (!c.socket.is_open()) {
        c.expired = false;
        c.deadline =
            Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
        co_await c.socket.async_connect(
            endpoint_, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || c.expired) {
          bool counted = !open_loop ? Clock::now() >= measure_start_
                                    : scheduled >= measure_start_;
          if (counted) ++result_.sent;
          Fail(c, counted);
          c.timer.expires_after(kReconnectBackoff);
          co_await c.timer.async_wait(
              asio::redirect_error(asio::use_awaitable, ec));
          continue;
        }
        c.socket.set_option(tcp::no_delay(true), ec);
      }
      // Closed loop: the clock starts at the send.
      if (!open_loop) scheduled = Clock::now();
      bool counted = scheduled >= measure_start_;
      const uint64_t sequence = next_sequence_++;
      Serialize(sequence, c);
      if (counted) ++result_.sent;
      // The operation's requests: the factory's, then any follow-ups.
      Clock::time_point step_start = scheduled;
      bool failed = false;
      int status = 0;
      for (uint32_t step = 0;; ++step) {
        const bool head = prepared_.method == "HEAD";
        c.expired = false;
        c.deadline =
            Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
        co_await asio::async_write(
            c.socket, asio::buffer(c.out),
            asio::redirect_error(asio::use_awaitable, ec));
        if (ec || c.expired) {
          failed = true;
          break;
        }
        DiscardingParser parser(options_.on_response ? &c.body : nullptr);
        parser.body_limit(kMaxResponseBodyBytes);
        parser.header_limit(kMaxResponseHeaderBytes);
        if (head) parser.skip(true);
        co_await bhttp::async_read(
            c.socket, c.buffer, parser,
            asio::redirect_error(asio::use_awaitable, ec));
        if (ec || c.expired) {
          failed = true;
          break;
        }
        c.deadline = Clock::time_point::max();
        status = parser.status();
        const bool keep_alive = parser.keep_alive();
        bool more = false;
        if (options_.on_response) {
          const Clock::time_point now = Clock::now();
          ResponseView view;
          view.sequence = sequence;
          view.step = step;
          view.status = status;
          view.body = c.body;
          view.latency_ns =
              std::chrono::duration_cast<std::chrono::nanoseconds>(now -
                                                                   step_start)
                  .count();
          view.counted = counted;
          ResetPrepared();
          more = options_.on_response(view, &prepared_) &&
                 step + 1 < kMaxRequestsPerOperation;
          step_start = now;
        }
        if (!keep_alive) {
          c.socket.close(ec);
          c.buffer.clear();
          // A follow-up needs the connection the operation runs on.
          if (more) failed = true;
          break;
        }
        if (!more) break;
        SerializePrepared(c);
      }
      if (failed) {
        Fail(c, counted);
        continue;
      }
      if (counted) {
        ++result_.completed;
        int status_class = status / 100;
        ++result_.by_status_class[status_class >= 1 && status_class <= 5
                                      ? status_class
                                      : 0];
        result_.latency.Record(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() -
                                                                 scheduled)
                .count());
      }
    }
    c.socket.close(ec);
    // The last one out ends the sweeper's wait, so the run ends now.
    if (--live_ == 0 && sweep_timer_ != nullptr) sweep_timer_->cancel();
  }

  // Enforces per-request deadlines with one timer for all connections.
  asio::awaitable<void> Sweep() {
    asio::steady_timer timer(io_);
    sweep_timer_ = &timer;
    auto tick = std::chrono::milliseconds(
        std::clamp<uint32_t>(options_.timeout_ms / 10, 5, 100));
    error_code ec;
    while (live_ > 0) {
      timer.expires_after(tick);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      Clock::time_point now = Clock::now();
      for (auto& c : connections_) {
        if (!c->expired && c->deadline <= now) {
          c->expired = true;
          c->socket.close(ec);
        }
      }
    }
    sweep_timer_ = nullptr;
  }

  const LoadOptions& options_;
  tcp::endpoint endpoint_;
  std::string host_header_;
  double interval_ns_ = 0;  // open loop: time between scheduled requests
  asio::io_context io_{1};
  std::vector<std::unique_ptr<Connection>> connections_;
  Clock::time_point start_, measure_start_, measure_end_;
  uint64_t next_slot_ = 0;
  uint64_t next_sequence_ = 0;
  PreparedRequest prepared_;  // the factory's output, serialised at once
  int live_ = 0;              // Drive coroutines still running
  asio::steady_timer* sweep_timer_ = nullptr;  // while Sweep runs
  LoadResult result_;
};

}  // namespace

Result<LoadResult> RunLoad(const LoadOptions& options) {
  auto bad = [](std::string param, std::string message) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                     std::move(message));
  };
  if (options.connections < 1 || options.connections > kMaxConnections) {
    return bad("connections", "connections must be 1..10000");
  }
  if (!(options.rate_per_s >= 0) || !std::isfinite(options.rate_per_s)) {
    return bad("rate_per_s", "rate_per_s must be >= 0 (0 = closed loop)");
  }
  if (options.duration_ms == 0) {
    return bad("duration_ms", "duration_ms must be positive");
  }
  if (options.timeout_ms == 0) {
    return bad("timeout_ms", "timeout_ms must be positive");
  }
  if (options.port == 0) return bad("port", "port must be set");
  error_code ec;
  asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) return bad("host", "host must be an IP address: " + options.host);
  Run run(options, tcp::endpoint(address, options.port));
  return run.Go();
}

}  // namespace meridian::http
