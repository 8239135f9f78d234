// Server: Meridian's HTTP/1.1 server (Boost.Beast's parser, Asio, C++20
// coroutines), with every resource bounded.
//
//   Router router;
//   router.Add("GET", "/healthz", "healthz",
//              [](Request&, const PathParams&, Responder responder) {
//                Response response;
//                response.body = R"({"ok":true})";
//                std::move(responder).Send(std::move(response));
//              });
//   ServerOptions options;
//   options.port = 8080;
//   options.io_threads = 2;
//   Result<std::unique_ptr<Server>> server =
//       Server::Start(std::move(options), std::move(router));
//   if (!server.ok()) return server.error();
//   ...
//   (*server)->Stop();  // drains in-flight requests, then returns
//
// Contract:
// - HTTP/1.1 and 1.0 with keep-alive. A connection serves one request at a
//   time, so responses go out in order; pipelined requests wait their turn.
// - Handlers run on an io thread and must not block it: hand slow work to
//   another thread and answer through the Responder from there, as late as
//   needed (no server timeout applies while a handler works).
// - HEAD is routed like any other method (register it to serve it); the
//   body of a response to HEAD is not sent, its Content-Length is.
// - Limits, each answered with a JSON error (rendered by error_response)
//   and then the connection is closed:
//     body over max_body_bytes          413 BODY_TOO_LARGE (before reading
//                                       it when Content-Length says so)
//     header section over the limit     431 HEADERS_TOO_LARGE
//     one request not read in time      408 REQUEST_TIMEOUT
//     more than max_connections open    503 TOO_MANY_CONNECTIONS
//     malformed HTTP, or a body framed  400 INVALID_PARAMETER
//     ambiguously (both lengths, or a
//     Transfer-Encoding but chunked)
//   A connection idle between requests for idle_timeout_ms, or that sends
//   nothing within request_timeout_ms of connecting, is closed without an
//   answer (a 408 there would be read as the answer to the client's next
//   request). A client that does not take its response within
//   request_timeout_ms is disconnected.
// - Server-made errors (the limits, 404, 405 with Allow, 500 for a dropped
//   Responder, 503 SHUTTING_DOWN for a request that starts during Stop) all
//   go through ServerOptions::error_response.
//
// Thread-safety: Start, Stop and the destructor from one controlling thread,
// never from a handler (Stop waits for the io threads; called on one, it
// stops the process rather than deadlock). port() and open_connections()
// from any thread. A Responder may be used from any thread, even after Stop
// (its response is then dropped).
#ifndef MERIDIAN_API_HTTP_SERVER_H_
#define MERIDIAN_API_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http/request.h"
#include "api/http/router.h"
#include "core/status.h"

namespace meridian::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IP address, or a name to resolve
  uint16_t port = 0;               // 0 = an ephemeral port; see port()
  int io_threads = 1;              // 1..64
  uint64_t max_body_bytes = 1 << 20;
  uint32_t max_header_bytes = 16 << 10;  // request line and all headers
  uint32_t max_connections = 10000;
  uint32_t request_timeout_ms = 30000;  // reading one request
  uint32_t idle_timeout_ms = 60000;     // keep-alive between requests
  uint32_t drain_timeout_ms = 10000;    // Stop: wait this long for in-flight
  // Renders the errors the server makes itself. Called on an io thread.
  // Default: DefaultErrorResponse.
  std::function<Response(const Error&)> error_response;
  // Called once per response the server writes, on an io thread, after the
  // write: the route's name ("" when no route matched: 404, 405 and the
  // limits), the status, and nanoseconds from the request's first byte to
  // its response's last byte handed to the kernel.
  std::function<void(std::string_view route_name, int status,
                     int64_t latency_ns)>
      on_request_done;
};

class Server {
 public:
  // Listens and starts the io threads. IO_ERROR when it cannot listen,
  // INVALID_PARAMETER for impossible options.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options,
                                               Router router);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Stops (see Stop).
  ~Server();

  // The port listened on (the chosen one when options.port was 0).
  uint16_t port() const;

  // Stops accepting, closes idle keep-alive connections, lets requests in
  // flight finish (their responses say Connection: close) for up to
  // drain_timeout_ms, then closes whatever is left and joins the io
  // threads. A Responder sent after that is ignored. Idempotent.
  void Stop();

  // Connections being served now (not counting those turned away over
  // max_connections).
  size_t open_connections() const;

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace meridian::http

#endif  // MERIDIAN_API_HTTP_SERVER_H_
