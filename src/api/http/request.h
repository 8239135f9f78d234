// The values an HTTP handler works with: Request, Response, PathParams and
// Responder (the one-shot handle a handler answers through). No Beast or
// Asio here, so handler code compiles quickly.
//
//   void GetAccount(Request& request, const PathParams& params,
//                   Responder responder) {
//     std::string_view id = *params.Get("id");
//     // std::function callbacks must be copyable: share the Responder.
//     auto shared = std::make_shared<Responder>(std::move(responder));
//     engine.Lookup(id, [shared](const Reply& reply) {  // engine thread
//       Response response;
//       response.body = Render(reply);
//       std::move(*shared).Send(std::move(response));
//     });
//   }
//
// Lifetimes: `request` and `params` stay valid until the Responder is sent
// or destroyed, so a handler may keep references to them while it waits
// for the engine; after Send it must not touch them (the connection reuses
// their memory for its next request).
//
// Thread-safety: Request and PathParams are plain values (one thread at a
// time). A Responder may be moved to, sent from or destroyed on any thread.
#ifndef MERIDIAN_API_HTTP_REQUEST_H_
#define MERIDIAN_API_HTTP_REQUEST_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace meridian::http {

struct Request {
  std::string method;  // "GET", as received (methods are case-sensitive)
  std::string target;  // "/v1/payments?limit=10", as received

  // The target up to '?' ("/v1/payments"), and after it ("limit=10").
  std::string_view path() const;
  std::string_view query() const;

  // The first header of that name; `lowercase_name` must be lower case.
  std::optional<std::string_view> Header(std::string_view lowercase_name) const;
  // The first query parameter of that name, percent-decoded ('+' is a
  // space); "" for a name without '='. nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;

  std::string body;            // raw bytes exactly as received
  std::string remote_address;  // the peer's IP address, "127.0.0.1"

  // Headers in arrival order, names lower-cased. The server fills them; tests
  // that call handlers directly use AddHeader.
  void AddHeader(std::string_view name, std::string_view value);
  size_t header_count() const { return header_spans_.size(); }
  std::pair<std::string_view, std::string_view> header(size_t i) const;

  // Empties every field but keeps the memory, for the next request.
  void Clear();

 private:
  struct HeaderSpan {
    uint32_t name_offset;
    uint32_t name_size;
    uint32_t value_offset;
    uint32_t value_size;
  };
  // All names and values in one string: one allocation however many
  // headers, reused across the requests of a connection.
  std::string header_data_;
  std::vector<HeaderSpan> header_spans_;
};

struct Response {
  int status = 200;
  // Sent as Content-Type unless empty.
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. The server writes Server, Date, Content-Type,
  // Content-Length and Connection itself; a handler that sets
  // Content-Length, Transfer-Encoding or Connection, or a header with CR or
  // LF in it, gets a 500 instead (header injection is a bug, not a choice).
  std::vector<std::pair<std::string, std::string>> headers;
};

// The values of a route's `{name}` segments, percent-decoded.
class PathParams {
 public:
  std::optional<std::string_view> Get(std::string_view name) const;
  size_t size() const { return entries_.size(); }
  std::string_view name(size_t i) const;
  std::string_view value(size_t i) const;

  // Percent-decodes `raw_value`.
  void Add(std::string_view name, std::string_view raw_value);
  void Clear();

 private:
  struct Entry {
    uint32_t name_offset;
    uint32_t name_size;
    uint32_t value_offset;
    uint32_t value_size;
  };
  std::string data_;
  std::vector<Entry> entries_;
};

namespace internal {
// Where a Responder delivers: the server's per-request exchange, or a
// callback in tests. Exactly one of Deliver/Abandon is called, once, from
// any thread.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void Deliver(Response&& response) = 0;
  virtual void Abandon() = 0;
};
}  // namespace internal

// A move-only handle that answers one request, exactly once, from any
// thread. Destroyed unsent, it answers 500 INTERNAL_ERROR, so a lost
// callback costs a client one error instead of a connection hung forever.
class Responder {
 public:
  Responder() = default;
  explicit Responder(std::shared_ptr<internal::ResponseSink> sink)
      : sink_(std::move(sink)) {}
  Responder(Responder&& other) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // Sends `response`. Calling it on an empty (moved-from or already sent)
  // Responder is a bug and stops the process.
  void Send(Response response) &&;

  // False once sent or moved from.
  bool valid() const { return sink_ != nullptr; }

  // A Responder that hands the response to `callback` on the sending
  // thread (a dropped one hands over the 500), for handler tests.
  static Responder ForCallback(std::function<void(Response)> callback);

 private:
  std::shared_ptr<internal::ResponseSink> sink_;
};

using Handler = std::function<void(Request& request, const PathParams& params,
                                   Responder responder)>;

// The server's default rendering of an error it makes itself (404, 405,
// 413, 500, ...): the HTTP status from the error table and
// {"result":{"status":"F|U","code":"...","param":"...","message":"..."}}.
Response DefaultErrorResponse(const Error& error);

// Appends `text` to `out` as the inside of a JSON string: quotes,
// backslashes and control characters escaped, invalid UTF-8 replaced by
// U+FFFD so the document stays valid.
void AppendJsonEscaped(std::string_view text, std::string* out);

// Percent-decodes `text` into `out` (replacing it); '+' becomes a space
// only when `plus_is_space`. Malformed escapes are kept as they are.
void PercentDecode(std::string_view text, bool plus_is_space, std::string* out);

}  // namespace meridian::http

#endif  // MERIDIAN_API_HTTP_REQUEST_H_
