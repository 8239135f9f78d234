#include "api/http/server.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/http/internal/syntax.h"

namespace meridian::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
// Sockets bound to a concrete io_context executor: no type-erased dispatch
// on every read and write.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

// Turned-away connections (over max_connections) are answered and lingered
// on briefly; past this many at once, further ones are closed unanswered so
// a connection flood cannot grow without bound either.
constexpr uint32_t kMaxRejectingConnections = 1024;
// Reads grow the connection's buffer up to this much at a time.
constexpr size_t kMaxReadBytes = 64 << 10;
// After an error answer, how long and how much of the client's remaining
// input to read and drop so our answer is not destroyed by a TCP reset.
constexpr int64_t kLingerMs = 1000;
constexpr size_t kMaxLingerBytes = 1 << 20;
// Request buffers that grew past this are freed after their request, so an
// idle keep-alive connection holds little memory.
constexpr size_t kKeepCapacityBytes = 64 << 10;

void LogError(std::string_view what) {
  // The server has no logger of its own; these are bugs or resource
  // exhaustion, rare enough for stderr.
  std::fprintf(stderr, "meridian http server: %.*s\n",
               static_cast<int>(what.size()), what.data());
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

// Empty when `response` may be written, else why not.
std::string_view CheckResponse(const Response& response) {
  if (response.status < 200 || response.status > 599) {
    return "the handler answered with a status outside 200..599";
  }
  if (internal::HasCrLfOrNul(response.content_type)) {
    return "the handler's content type has CR, LF or NUL in it";
  }
  for (const auto& [name, value] : response.headers) {
    if (!internal::IsToken(name) || internal::HasCrLfOrNul(value)) {
      return "the handler set a malformed header";
    }
    if (internal::IsFramingHeader(name)) {
      return "the handler set a header the server owns";
    }
  }
  return {};
}

void AppendNumber(uint64_t n, std::string* out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  out->append(digits, end);
}

// Fills a request in place while Beast's parser reads it: no per-header
// allocations (the Request keeps its memory from request to request).
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  RequestParser(Request* request, uint64_t max_body_bytes,
                uint32_t max_header_bytes)
      : request_(request) {
    body_limit(max_body_bytes);
    header_limit(max_header_bytes);
  }

  int version() const { return version_; }
  bool expect_continue() const { return expect_continue_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method,
                       beast::string_view target, int version,
                       error_code&) override {
    request_->method.assign(method.data(), method.size());
    request_->target.assign(target.data(), target.size());
    version_ = version;
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(bhttp::field name, beast::string_view name_string,
                     beast::string_view value, error_code&) override {
    request_->AddHeader({name_string.data(), name_string.size()},
                        {value.data(), value.size()});
    if (name == bhttp::field::transfer_encoding) transfer_encoding_ = true;
    if (name == bhttp::field::expect &&
        AsciiEqualsIgnoreCase({value.data(), value.size()}, "100-continue")) {
      expect_continue_ = true;
    }
  }
  void on_header_impl(error_code& ec) override {
    // A request body framed by anything but chunked has no knowable end
    // (RFC 9112 6.3): refuse it rather than read its bytes as the next
    // request, which is how requests get smuggled past proxies.
    if (transfer_encoding_ && !chunked()) {
      ec = bhttp::error::bad_transfer_encoding;
    }
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code&) override {
    // The parser has already checked the length against the limit; still
    // reserve only a little up front, so a client that announces a large
    // body and trickles it in cannot make every connection hold a limit's
    // worth of memory.
    if (content_length) {
      request_->body.reserve(
          std::min<uint64_t>(*content_length, kKeepCapacityBytes));
    }
  }
  size_t on_body_impl(beast::string_view body, error_code&) override {
    request_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view,
                            error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            error_code&) override {
    request_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  Request* request_;
  int version_ = 11;
  bool expect_continue_ = false;
  bool transfer_encoding_ = false;
};

class Connection;
struct Worker;

// One request's state, shared by its connection and its Responder. The
// connection keeps one and reuses it while no Responder holds it, so a
// keep-alive connection allocates nothing for it per request.
class Exchange final : public internal::ResponseSink,
                       public std::enable_shared_from_this<Exchange> {
 public:
  enum State : uint8_t {
    kIdle,       // no request yet
    kInHandler,  // the handler is running on the io thread
    kWaiting,    // the handler returned; the connection waits for a wake
    kResponded,  // `response` is set
    kAbandoned,  // the Responder was dropped unsent
  };

  // Any thread. `response` is published by the release in `state`.
  void Deliver(Response&& response) override {
    response_ = std::move(response);
    Publish(kResponded);
  }
  void Abandon() override { Publish(kAbandoned); }

  // io thread.
  void Attach(Connection* connection, asio::io_context* io) {
    std::lock_guard lock(mu_);
    connection_ = connection;
    io_ = io;
  }
  void Detach() {
    std::lock_guard lock(mu_);
    connection_ = nullptr;
  }
  void Reset() {
    request.Clear();
    params.Clear();
    state.store(kIdle, std::memory_order_relaxed);
  }
  // Only after `state` was seen as kResponded.
  Response TakeResponse() { return std::move(response_); }

  Request request;
  PathParams params;
  std::atomic<uint8_t> state{kIdle};

 private:
  void Publish(State done);
  void OnWake();

  Response response_;  // written by Deliver, read after kResponded
  // Whoever posts a wake holds mu_ while posting, and the connection
  // detaches under mu_ before it goes, so a post never targets a
  // connection (or io_context) that is already gone.
  std::mutex mu_;
  Connection* connection_ = nullptr;  // GUARDED_BY(mu_); set on the io thread
  asio::io_context* io_ = nullptr;    // GUARDED_BY(mu_): connection_'s
};

struct Worker {
  // Connections of this worker; touched only on its io thread. Declared
  // before io so it outlives the coroutine frames io destroys.
  std::vector<Connection*> connections;
  std::string date;  // the cached Date header value
  int64_t date_second = -1;
  asio::io_context io{1};
  // The sweeper's timer while it runs; cancelled to end it promptly at Stop.
  asio::steady_timer* sweep_timer = nullptr;
  std::thread thread;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router)
      : options_(std::move(options)), router_(std::move(router)) {
    if (!options_.error_response)
      options_.error_response = DefaultErrorResponse;
    uint32_t shortest =
        std::min(options_.request_timeout_ms, options_.idle_timeout_ms);
    tick_ =
        std::chrono::milliseconds(std::clamp<uint32_t>(shortest / 8, 10, 250));
  }

  Status Listen();
  void Run();
  void Stop();

  uint16_t port() const { return port_; }
  size_t open_connections() const {
    return served_.load(std::memory_order_relaxed);
  }

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  bool forced() const { return forced_.load(std::memory_order_acquire); }

  Response ErrorResponse(const Error& error) const {
    return options_.error_response(error);
  }
  void ReportDone(std::string_view route, int status, int64_t latency_ns) {
    if (options_.on_request_done) {
      options_.on_request_done(route, status, latency_ns);
    }
  }

  // Bookkeeping of connections, called on io threads.
  void ConnectionClosed(bool served);

 private:
  asio::awaitable<void> Accept();
  asio::awaitable<void> Sweep(Worker* worker);
  void ForEachConnection(void (Connection::*action)());

  ServerOptions options_;
  Router router_;
  std::chrono::milliseconds tick_{100};
  std::vector<std::unique_ptr<Worker>> workers_;
  // Bound to workers_[0]->io; declared after workers_ so it goes first.
  std::unique_ptr<tcp::acceptor> acceptor_;
  uint16_t port_ = 0;
  size_t next_worker_ = 0;  // accept coroutine only

  std::atomic<bool> stopping_{false};
  std::atomic<bool> forced_{false};  // the drain timed out
  std::atomic<uint32_t> served_{0};  // open and being served
  std::mutex live_mu_;
  std::condition_variable live_cv_;
  uint32_t live_ = 0;  // GUARDED_BY(live_mu_): served + turned away

  std::mutex stop_mu_;
  bool stopped_ = false;  // GUARDED_BY(stop_mu_)
};

namespace {

template <typename F>
void CoSpawn(asio::io_context& io, F&& coroutine) {
  asio::co_spawn(io, std::forward<F>(coroutine), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      LogError(std::string("coroutine failed: ") + ex.what());
    } catch (...) {
      LogError("coroutine failed");
    }
  });
}

// One accepted connection: reads requests, dispatches them, writes
// responses, and enforces its deadlines with the help of its worker's
// sweeper. Lives in its coroutine's frame; all of it runs on its worker's
// io thread except Exchange::Wake's post.
class Connection {
 public:
  enum class Phase : uint8_t { kIdle, kReading, kHandling, kWriting, kClosing };

  Connection(Server::Impl* server, Worker* worker, Socket socket,
             bool turned_away)
      : server_(server),
        worker_(worker),
        socket_(std::move(socket)),
        buffer_(server->options().max_header_bytes + kMaxReadBytes),
        wake_timer_(socket_.get_executor()),
        turned_away_(turned_away) {
    index_ = worker_->connections.size();
    worker_->connections.push_back(this);
    error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) remote_address_ = peer.address().to_string();
  }

  ~Connection() {
    if (exchange_) exchange_->Detach();
    // Swap-remove from the worker's list.
    Connection* last = worker_->connections.back();
    worker_->connections[index_] = last;
    last->index_ = index_;
    worker_->connections.pop_back();
    // The last connection of a stopping server: let the sweeper end now
    // rather than at its next tick, so Stop returns sooner.
    if (worker_->connections.empty() && worker_->sweep_timer != nullptr &&
        server_->stopping()) {
      worker_->sweep_timer->cancel();
    }
    server_->ConnectionClosed(!turned_away_);
  }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  asio::awaitable<void> Run() {
    if (server_->forced()) co_return;
    if (turned_away_) {
      Clock::time_point start = Clock::now();
      Response response = server_->ErrorResponse(
          MakeError(ErrorCode::kTOO_MANY_CONNECTIONS, "",
                    "the server has too many open connections; retry shortly"));
      co_await WriteResponse(response, /*keep_alive=*/false, false, 11);
      server_->ReportDone("", response.status, Elapsed(start));
      co_await LingeringClose();
      co_return;
    }
    co_await Serve();
  }

  // The sweeper, on the io thread: enforce this connection's deadline.
  void CheckDeadline(Clock::time_point now) {
    if (phase_ == Phase::kHandling || expired_ || now < deadline_) return;
    expired_ = true;
    error_code ec;
    if (phase_ == Phase::kReading) {
      // Cancel only: the read ends and we still answer 408.
      socket_.cancel(ec);
    } else {
      socket_.close(ec);
    }
  }

  // Stop: an idle keep-alive connection closes now; the others finish
  // their request first.
  void OnStop() {
    if (phase_ == Phase::kIdle) {
      error_code ec;
      socket_.close(ec);
    }
  }

  // Stop after the drain timeout: end whatever is left.
  void ForceClose() {
    force_closed_ = true;
    error_code ec;
    socket_.close(ec);
    wake_timer_.cancel();
  }

  // A Responder was used on another thread.
  void Wake() { wake_timer_.cancel(); }

 private:
  enum class ReadResult { kRequest, kClosed, kError };

  static int64_t Elapsed(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() -
                                                                start)
        .count();
  }

  void SetPhase(Phase phase, Clock::time_point deadline) {
    phase_ = phase;
    deadline_ = deadline;
    expired_ = false;
  }
  Clock::time_point After(uint32_t ms) {
    return Clock::now() + std::chrono::milliseconds(ms);
  }

  asio::awaitable<void> Serve();
  asio::awaitable<ReadResult> ReadRequest(RequestParser& parser, Error* error);
  asio::awaitable<bool> AwaitResponse(const Handler& handler);
  asio::awaitable<bool> WriteResponse(const Response& response, bool keep_alive,
                                      bool head_request, int version);
  asio::awaitable<void> LingeringClose();
  void TakeExchange();
  void FormatHead(const Response& response, bool keep_alive, int version,
                  bool send_length);

  Server::Impl* server_;
  Worker* worker_;
  size_t index_ = 0;  // in worker_->connections
  Socket socket_;
  beast::flat_buffer buffer_;
  asio::steady_timer wake_timer_;
  std::shared_ptr<Exchange> exchange_;
  std::string head_;  // the response head being written; memory reused
  std::string remote_address_;
  Phase phase_ = Phase::kIdle;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point request_start_;
  uint64_t requests_ = 0;  // requests read so far
  bool expired_ = false;   // the sweeper ended the current phase
  bool force_closed_ = false;
  bool started_while_stopping_ = false;
  const bool turned_away_;
};

void Exchange::Publish(State done) {
  uint8_t previous = state.exchange(done, std::memory_order_acq_rel);
  if (previous != kWaiting) return;  // the connection will look by itself
  std::lock_guard lock(mu_);
  if (connection_ == nullptr) return;  // connection gone: nobody to answer
  asio::post(*io_, [self = shared_from_this()] { self->OnWake(); });
}

void Exchange::OnWake() {
  std::lock_guard lock(mu_);
  if (connection_ != nullptr) connection_->Wake();
}

void Connection::TakeExchange() {
  // Reuse the exchange unless a Responder (still finishing its Send on
  // another thread) holds it too.
  if (exchange_ == nullptr || exchange_.use_count() != 1) {
    if (exchange_) exchange_->Detach();
    exchange_ = std::make_shared<Exchange>();
    exchange_->Attach(this, &worker_->io);
  }
  exchange_->Reset();
}

asio::awaitable<void> Connection::Serve() {
  const ServerOptions& options = server_->options();
  for (;;) {
    // An idle connection closes at Stop; pipelined bytes still get an
    // answer (SHUTTING_DOWN) below.
    if (server_->stopping() && buffer_.size() == 0) co_return;
    TakeExchange();
    Request& request = exchange_->request;
    RequestParser parser(&request, options.max_body_bytes,
                         options.max_header_bytes);
    Error error;
    ReadResult read = co_await ReadRequest(parser, &error);
    if (read == ReadResult::kClosed) co_return;
    if (read == ReadResult::kError) {
      Response response = server_->ErrorResponse(error);
      co_await WriteResponse(response, false, false, 11);
      server_->ReportDone("", response.status, Elapsed(request_start_));
      co_await LingeringClose();
      co_return;
    }
    ++requests_;
    request.remote_address = remote_address_;
    bool keep_alive = parser.keep_alive();
    bool head_request = request.method == "HEAD";

    // Filled once, by move: a default Response would allocate its
    // content type only to have it thrown away.
    std::optional<Response> response;
    std::string_view route_name;
    if (started_while_stopping_) {
      response.emplace(server_->ErrorResponse(
          MakeError(ErrorCode::kSHUTTING_DOWN, "",
                    "the server is shutting down; retry on another instance")));
      keep_alive = false;
    } else {
      Router::Match match = server_->router().Find(
          request.method, request.path(), &exchange_->params);
      switch (match.kind) {
        case Router::Match::Kind::kFound: {
          route_name = match.route_name;
          if (!co_await AwaitResponse(*match.handler)) co_return;
          if (exchange_->state.load(std::memory_order_acquire) ==
              Exchange::kResponded) {
            response.emplace(exchange_->TakeResponse());
            std::string_view problem = CheckResponse(*response);
            if (!problem.empty()) {
              LogError(problem);
              response.emplace(server_->ErrorResponse(
                  MakeError(ErrorCode::kINTERNAL_ERROR, "",
                            "the server made an invalid response; retry "
                            "with the same request id, or inquire")));
            }
          } else {
            response.emplace(server_->ErrorResponse(MakeError(
                ErrorCode::kINTERNAL_ERROR, "",
                "the request was dropped without an answer; retry with the "
                "same request id, or inquire")));
          }
          break;
        }
        case Router::Match::Kind::kNotFound:
          response.emplace(server_->ErrorResponse(
              MakeError(ErrorCode::kNOT_FOUND, "",
                        "no such path; the API is described at GET "
                        "/v1/openapi.json")));
          break;
        case Router::Match::Kind::kMethodNotAllowed:
          response.emplace(server_->ErrorResponse(
              MakeError(ErrorCode::kMETHOD_NOT_ALLOWED, "",
                        "this path does not accept " + request.method +
                            "; it accepts " + match.allow)));
          response->headers.emplace_back("Allow", std::move(match.allow));
          break;
      }
    }
    // A response finished during Stop is the connection's last.
    keep_alive = keep_alive && !server_->stopping();
    bool written = co_await WriteResponse(*response, keep_alive, head_request,
                                          parser.version());
    server_->ReportDone(route_name, response->status, Elapsed(request_start_));
    if (!written) co_return;
    if (request.body.capacity() > kKeepCapacityBytes) {
      std::string().swap(request.body);
    }
    if (!keep_alive) {
      // Linger only if the client may still be sending (it pipelined, or
      // bytes wait unread); otherwise our close cannot reset the answer.
      error_code ec;
      if (buffer_.size() > 0 || socket_.available(ec) > 0) {
        co_await LingeringClose();
      } else {
        socket_.shutdown(tcp::socket::shutdown_both, ec);
      }
      co_return;
    }
  }
}

asio::awaitable<Connection::ReadResult> Connection::ReadRequest(
    RequestParser& parser, Error* error) {
  const ServerOptions& options = server_->options();
  bool started = false;
  auto start = [&] {
    started = true;
    request_start_ = Clock::now();
    started_while_stopping_ = server_->stopping();
    SetPhase(Phase::kReading, request_start_ + std::chrono::milliseconds(
                                                   options.request_timeout_ms));
  };
  if (buffer_.size() > 0) {
    start();
  } else {
    // A new connection gets request_timeout_ms to send its first byte; a
    // kept-alive one may idle for idle_timeout_ms.
    SetPhase(Phase::kIdle, After(requests_ == 0 ? options.request_timeout_ms
                                                : options.idle_timeout_ms));
  }
  bool header_seen = false;
  error_code ec;
  for (;;) {
    if (buffer_.size() > 0 && !parser.got_some()) {
      // Empty lines before a request are to be ignored (RFC 9112 2.2);
      // some clients send one after a body.
      auto data = static_cast<const char*>(buffer_.data().data());
      size_t blank = 0;
      while (blank < buffer_.size() &&
             (data[blank] == '\r' || data[blank] == '\n')) {
        ++blank;
      }
      buffer_.consume(blank);
    }
    if (buffer_.size() > 0) {
      if (!started) start();
      size_t used = parser.put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::header_limit) {
        *error =
            MakeError(ErrorCode::kHEADERS_TOO_LARGE, "",
                      "the request line and headers exceed " +
                          std::to_string(options.max_header_bytes) + " bytes");
        co_return ReadResult::kError;
      }
      if (ec == bhttp::error::body_limit) {
        *error =
            MakeError(ErrorCode::kBODY_TOO_LARGE, "",
                      "the request body exceeds " +
                          std::to_string(options.max_body_bytes) + " bytes");
        co_return ReadResult::kError;
      }
      if (ec && ec != bhttp::error::need_more) {
        *error = MakeError(ErrorCode::kINVALID_PARAMETER, "",
                           "malformed HTTP request: " + ec.message());
        co_return ReadResult::kError;
      }
      if (!ec) {
        if (parser.is_done()) co_return ReadResult::kRequest;
        if (!header_seen && parser.is_header_done()) {
          header_seen = true;
          // The header was parsed alone so we could look at it; the body
          // may now be parsed as fast as it comes.
          parser.eager(true);
          if (parser.expect_continue() && parser.version() >= 11) {
            static constexpr std::string_view kContinue =
                "HTTP/1.1 100 Continue\r\n\r\n";
            co_await asio::async_write(
                socket_, asio::buffer(kContinue.data(), kContinue.size()),
                asio::redirect_error(asio::use_awaitable, ec));
            if (expired_) break;
            if (ec) co_return ReadResult::kClosed;
          }
          continue;
        }
        if (used > 0) continue;
      }
    }
    size_t room = buffer_.max_size() - buffer_.size();
    size_t want = buffer_.capacity() - buffer_.size();
    if (want < 512) want = std::max<size_t>(4096, 2 * buffer_.size());
    want = std::min({want, room, kMaxReadBytes});
    if (want == 0) {
      // Unreachable while the parser's header limit is below the buffer's
      // size; kept so a future change fails safe.
      *error = MakeError(ErrorCode::kHEADERS_TOO_LARGE, "",
                         "the request header is too large");
      co_return ReadResult::kError;
    }
    size_t n = co_await socket_.async_read_some(
        buffer_.prepare(want), asio::redirect_error(asio::use_awaitable, ec));
    buffer_.commit(n);
    if (expired_) break;
    if (ec) co_return ReadResult::kClosed;  // the peer went, or Stop
  }
  // The sweeper ended the read. Idle: close quietly. Mid-request: 408.
  if (!started) co_return ReadResult::kClosed;
  *error = MakeError(ErrorCode::kREQUEST_TIMEOUT, "",
                     "the request did not arrive within " +
                         std::to_string(options.request_timeout_ms) +
                         " ms; send it again");
  co_return ReadResult::kError;
}

asio::awaitable<bool> Connection::AwaitResponse(const Handler& handler) {
  SetPhase(Phase::kHandling, Clock::time_point::max());
  Exchange& exchange = *exchange_;
  exchange.state.store(Exchange::kInHandler, std::memory_order_relaxed);
  try {
    handler(exchange.request, exchange.params, Responder(exchange_));
  } catch (const std::exception& e) {
    // The Responder, unless the handler moved it away, was dropped on the
    // way out and answers 500.
    LogError(std::string("handler threw: ") + e.what());
  } catch (...) {
    LogError("handler threw");
  }
  uint8_t expected = Exchange::kInHandler;
  if (!exchange.state.compare_exchange_strong(expected, Exchange::kWaiting,
                                              std::memory_order_acq_rel)) {
    co_return true;  // answered during the call
  }
  // Answered later, from another thread: Exchange::Publish posts a wake
  // that cancels this wait.
  while (exchange.state.load(std::memory_order_acquire) == Exchange::kWaiting) {
    wake_timer_.expires_at(asio::steady_timer::time_point::max());
    error_code ec;
    co_await wake_timer_.async_wait(
        asio::redirect_error(asio::use_awaitable, ec));
    if (force_closed_) co_return false;
  }
  co_return true;
}

void Connection::FormatHead(const Response& response, bool keep_alive,
                            int version, bool send_length) {
  // Date changes once a second; format it once a second per worker.
  int64_t second = std::time(nullptr);
  if (second != worker_->date_second) {
    worker_->date_second = second;
    std::time_t t = second;
    std::tm tm;
    gmtime_r(&t, &tm);
    char text[64];
    size_t n =
        std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    worker_->date.assign(text, n);
  }
  std::string& h = head_;
  h.clear();
  h += "HTTP/1.1 ";
  AppendNumber(static_cast<uint64_t>(response.status), &h);
  h += ' ';
  h += ReasonPhrase(response.status);
  h += "\r\nServer: Meridian\r\nDate: ";
  h += worker_->date;
  h += "\r\n";
  if (!response.content_type.empty()) {
    h += "Content-Type: ";
    h += response.content_type;
    h += "\r\n";
  }
  if (send_length) {
    h += "Content-Length: ";
    AppendNumber(response.body.size(), &h);
    h += "\r\n";
  }
  if (!keep_alive) {
    h += "Connection: close\r\n";
  } else if (version < 11) {
    h += "Connection: keep-alive\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    h += name;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  h += "\r\n";
}

asio::awaitable<bool> Connection::WriteResponse(const Response& response,
                                                bool keep_alive,
                                                bool head_request,
                                                int version) {
  // 204 and 304 carry neither a body nor a length; HEAD gets the length of
  // the body it does not get.
  bool no_body = response.status == 204 || response.status == 304;
  FormatHead(response, keep_alive, version, !no_body);
  std::array<asio::const_buffer, 2> buffers = {
      asio::buffer(head_), (no_body || head_request)
                               ? asio::const_buffer()
                               : asio::buffer(response.body)};
  SetPhase(Phase::kWriting, After(server_->options().request_timeout_ms));
  error_code ec;
  co_await asio::async_write(socket_, buffers,
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && !expired_;
}

asio::awaitable<void> Connection::LingeringClose() {
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  SetPhase(Phase::kClosing,
           After(std::min<uint32_t>(kLingerMs,
                                    server_->options().request_timeout_ms)));
  std::array<char, 2048> sink;
  size_t dropped = 0;
  while (dropped < kMaxLingerBytes) {
    size_t n = co_await socket_.async_read_some(
        asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    if (ec || expired_) break;
    dropped += n;
  }
}

asio::awaitable<void> RunConnection(Server::Impl* server, Worker* worker,
                                    Socket socket, bool turned_away) {
  Connection connection(server, worker, std::move(socket), turned_away);
  co_await connection.Run();
}

}  // namespace

Status Server::Impl::Listen() {
  const ServerOptions& o = options_;
  if (o.io_threads < 1 || o.io_threads > 64) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "io_threads",
                     "io_threads must be 1..64");
  }
  if (o.max_connections == 0 || o.request_timeout_ms == 0 ||
      o.idle_timeout_ms == 0 || o.max_header_bytes < 64) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "",
                     "limits and timeouts must be positive (headers >= 64 "
                     "bytes)");
  }
  for (int i = 0; i < o.io_threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
  }
  asio::io_context& io = workers_[0]->io;

  error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(o.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, o.port);
  } else {
    tcp::resolver resolver(io);
    auto results = resolver.resolve(o.host, std::to_string(o.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return MakeError(ErrorCode::kIO_ERROR, "host",
                       "cannot resolve " + o.host + ": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  std::string where = o.host + ":" + std::to_string(o.port);
  auto fail = [&](std::string_view step) {
    return MakeError(ErrorCode::kIO_ERROR, "",
                     "cannot listen on " + where + " (" + std::string(step) +
                         "): " + ec.message());
  };
  acceptor_ = std::make_unique<tcp::acceptor>(io);
  acceptor_->open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  acceptor_->bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  port_ = acceptor_->local_endpoint(ec).port();
  if (ec) return fail("local_endpoint");
  return Status::Ok();
}

void Server::Impl::Run() {
  CoSpawn(workers_[0]->io, Accept());
  for (auto& worker : workers_) {
    CoSpawn(worker->io, Sweep(worker.get()));
    Worker* w = worker.get();
    w->thread = std::thread([w] {
      // Named for top -H and perf: "http-io".
      pthread_setname_np(pthread_self(), "http-io");
      for (;;) {
        try {
          w->io.run();
          return;
        } catch (const std::exception& e) {
          LogError(std::string("io thread: ") + e.what());
        }
      }
    });
  }
}

asio::awaitable<void> Server::Impl::Accept() {
  asio::steady_timer backoff(workers_[0]->io);
  for (;;) {
    Worker* worker = workers_[next_worker_++ % workers_.size()].get();
    error_code ec;
    Socket socket = co_await acceptor_->async_accept(
        worker->io, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or buffers: retrying at once would spin. Let
      // connections close first.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(
          asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    bool turned_away =
        served_.load(std::memory_order_relaxed) >= options_.max_connections;
    {
      std::lock_guard lock(live_mu_);
      uint32_t rejecting = live_ - served_.load(std::memory_order_relaxed);
      if (turned_away && rejecting >= kMaxRejectingConnections) {
        socket.close(ec);
        continue;
      }
      ++live_;
      if (!turned_away) served_.fetch_add(1, std::memory_order_relaxed);
    }
    CoSpawn(worker->io,
            RunConnection(this, worker, std::move(socket), turned_away));
  }
}

void Server::Impl::ConnectionClosed(bool served) {
  std::lock_guard lock(live_mu_);
  if (served) served_.fetch_sub(1, std::memory_order_relaxed);
  if (--live_ == 0) live_cv_.notify_all();
}

asio::awaitable<void> Server::Impl::Sweep(Worker* worker) {
  asio::steady_timer timer(worker->io);
  worker->sweep_timer = &timer;
  struct Unset {
    Worker* worker;
    ~Unset() { worker->sweep_timer = nullptr; }
  } unset{worker};
  for (;;) {
    timer.expires_after(tick_);
    error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    // Closing or cancelling a socket only queues its completion, so the
    // list does not change under this loop.
    Clock::time_point now = Clock::now();
    for (Connection* connection : worker->connections) {
      connection->CheckDeadline(now);
    }
    // Once stopping and empty, end so the io thread's run() can return.
    if (stopping() && worker->connections.empty()) co_return;
  }
}

void Server::Impl::ForEachConnection(void (Connection::*action)()) {
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    asio::post(w->io, [w, action] {
      for (Connection* connection : w->connections) (connection->*action)();
    });
  }
}

void Server::Impl::Stop() {
  // From an io thread, Stop would wait for itself.
  for (auto& worker : workers_) {
    MERIDIAN_CHECK(worker->thread.get_id() != std::this_thread::get_id())
        << "Server::Stop called from a handler (an io thread)";
  }
  {
    std::lock_guard lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.store(true, std::memory_order_release);
  asio::post(workers_[0]->io, [this] {
    error_code ec;
    acceptor_->close(ec);
  });
  ForEachConnection(&Connection::OnStop);
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    asio::post(w->io, [w] {
      if (w->sweep_timer != nullptr) w->sweep_timer->cancel();
    });
  }
  {
    std::unique_lock lock(live_mu_);
    live_cv_.wait_for(lock,
                      std::chrono::milliseconds(options_.drain_timeout_ms),
                      [&] { return live_ == 0; });
  }
  // A connection whose start was queued behind this sees forced_ and ends.
  forced_.store(true, std::memory_order_release);
  ForEachConnection(&Connection::ForceClose);
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                              Router router) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
  MERIDIAN_RETURN_IF_ERROR(impl->Listen());
  impl->Run();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

size_t Server::open_connections() const { return impl_->open_connections(); }

}  // namespace meridian::http
