// HttpClient: a small blocking HTTP/1.1 client with keep-alive, for webhook
// delivery workers, tools and tests. http:// and https:// (TLS 1.2+ through
// OpenSSL, peer verified against the system's CAs by default).
//
//   ClientOptions options;
//   options.base_url = "http://127.0.0.1:8080";
//   HttpClient client(options);
//   Result<ClientResponse> r = client.Do("POST", "/v1/payments",
//       {{"Authorization", "Bearer sk_..."}}, body, /*timeout_ms=*/5000);
//   if (!r.ok()) return r.error();        // REQUEST_TIMEOUT, IO_ERROR, ...
//   if (r->status == 200) ...
//
// Contract:
// - One connection, kept open between requests to the same origin
//   (scheme, host, port); a request to another origin closes it first.
// - If the kept connection turns out closed by the server (it timed out
//   idle, or restarted) before any byte of the response came back, the
//   request is sent once more on a new connection. That can repeat a
//   request the server did receive; Meridian's API is idempotent by request
//   id, and webhook receivers drop duplicate event ids.
// - timeout_ms bounds the whole call: connecting (except name resolution,
//   which getaddrinfo bounds), TLS handshake, the retry, sending, and
//   reading the response. On timeout the connection is closed and the
//   answer is REQUEST_TIMEOUT: the server may or may not have acted.
// - Responses are bounded: headers by max_response_header_bytes, the body
//   by max_response_body_bytes (BODY_TOO_LARGE).
//
// Thread-safety: one request at a time; give each thread its own client.
#ifndef MERIDIAN_API_HTTP_CLIENT_H_
#define MERIDIAN_API_HTTP_CLIENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace meridian::http {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // "example.com", "127.0.0.1", "::1" (no brackets)
  uint16_t port = 0;   // the scheme's default when the URL has none
  std::string target;  // "/path?query"; "/" when the URL has no path

  // "http://host:port", the connection's identity.
  std::string Origin() const;
};

// Parses "http://host[:port][/path][?query]" (and https). INVALID_PARAMETER
// for anything else: other schemes, user info, fragments, bad ports.
Result<Url> ParseUrl(std::string_view url);

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ClientResponse {
  int status = 0;
  Headers headers;  // names lower-cased, in arrival order
  std::string body;

  // The first header of that name; `lowercase_name` must be lower case.
  std::optional<std::string_view> Header(std::string_view lowercase_name) const;
};

struct ClientOptions {
  // Prefix for Do's paths ("/v1/..."); full URLs do not need it.
  std::string base_url;
  uint64_t max_response_body_bytes = 8 << 20;
  uint32_t max_response_header_bytes = 64 << 10;
  // https: verify the server's certificate chain and name. Turn off only
  // in tests.
  bool verify_peer = true;
  // https: a PEM file of trusted CAs; empty = the system's default store.
  std::string ca_file;
  std::string user_agent = "Meridian";
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // Sends one request and reads its response. `url_or_path` is a full URL
  // or a path joined to options.base_url. Content-Length is set from
  // `body` (and Host from the URL unless `headers` has one); `headers` may
  // not set Content-Length, Transfer-Encoding or Connection.
  Result<ClientResponse> Do(std::string_view method,
                            std::string_view url_or_path,
                            const Headers& headers, std::string_view body,
                            uint32_t timeout_ms);

  Result<ClientResponse> Get(std::string_view url_or_path,
                             uint32_t timeout_ms = 10000) {
    return Do("GET", url_or_path, {}, {}, timeout_ms);
  }
  // A JSON body.
  Result<ClientResponse> Post(std::string_view url_or_path,
                              std::string_view body,
                              uint32_t timeout_ms = 10000) {
    return Do("POST", url_or_path, {{"Content-Type", "application/json"}}, body,
              timeout_ms);
  }

  // Closes the kept connection, if any.
  void Close();

  // Connections opened so far (tests use it to see keep-alive and
  // reconnects).
  uint64_t connections_opened() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meridian::http

#endif  // MERIDIAN_API_HTTP_CLIENT_H_
