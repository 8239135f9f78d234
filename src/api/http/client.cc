#include "api/http/client.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>
#include <chrono>

#include "api/http/internal/syntax.h"

namespace meridian::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiToLower(c);
  return out;
}

}  // namespace

std::string Url::Origin() const {
  std::string out = scheme + "://";
  if (host.find(':') != std::string::npos) {
    out += "[" + host + "]";
  } else {
    out += host;
  }
  out += ":" + std::to_string(port);
  return out;
}

Result<Url> ParseUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, "url",
        "bad URL \"" + std::string(url) + "\": " + std::string(why));
  };
  Url out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("no scheme");
  out.scheme = ToLower(url.substr(0, scheme_end));
  if (out.scheme == "http") {
    out.port = 80;
  } else if (out.scheme == "https") {
    out.port = 443;
  } else {
    return bad("only http and https are supported");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos
                              ? std::string_view()
                              : rest.substr(authority_end);
  if (tail.find('#') != std::string_view::npos) return bad("has a fragment");
  if (authority.find('@') != std::string_view::npos) {
    return bad("user info is not supported");
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("junk after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
    }
  }
  if (out.host.empty()) return bad("no host");
  if (internal::HasCrLfOrNul(out.host) ||
      out.host.find(' ') != std::string::npos) {
    return bad("bad host");
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(),
                                     port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() ||
        port == 0 || port > 65535) {
      return bad("bad port");
    }
    out.port = static_cast<uint16_t>(port);
  }
  if (tail.empty()) {
    out.target = "/";
  } else if (tail[0] == '?') {
    out.target = "/" + std::string(tail);
  } else {
    out.target = std::string(tail);
  }
  if (internal::HasCrLfOrNul(out.target) ||
      out.target.find(' ') != std::string::npos) {
    return bad("spaces or control characters in the path");
  }
  return out;
}

std::optional<std::string_view> ClientResponse::Header(
    std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return std::string_view(value);
  }
  return std::nullopt;
}

class HttpClient::Impl {
 public:
  explicit Impl(ClientOptions options) : options_(std::move(options)) {}
  ~Impl() { Close(); }

  Result<ClientResponse> Do(std::string_view method,
                            std::string_view url_or_path,
                            const Headers& headers, std::string_view body,
                            uint32_t timeout_ms);
  void Close() {
    error_code ec;
    if (tls_) {
      beast::get_lowest_layer(*tls_).socket().close(ec);
      tls_.reset();
    }
    if (tcp_) {
      tcp_->socket().close(ec);
      tcp_.reset();
    }
    origin_.clear();
    buffer_.clear();
  }
  uint64_t connections_opened() const { return connections_opened_; }

 private:
  // What one attempt produced; `code` is set on failure.
  struct Attempt {
    error_code code;
    std::string_view step;           // "connect", "TLS handshake", "send", ...
    bool received_anything = false;  // any response byte
    bool keep_alive = false;
    ClientResponse response;
  };

  asio::awaitable<void> Connect(const Url& url, Clock::time_point deadline,
                                Attempt* attempt);
  template <typename Stream>
  asio::awaitable<void> Exchange(Stream& stream, std::string_view request,
                                 bool head, Clock::time_point deadline,
                                 Attempt* attempt);
  asio::awaitable<void> RunAttempt(const Url& url, bool connect,
                                   std::string_view request, bool head,
                                   Clock::time_point deadline,
                                   Attempt* attempt);
  // Runs `coroutine` on io_ to completion.
  template <typename Awaitable>
  void RunToEnd(Awaitable coroutine);
  Status MakeTlsContext();

  ClientOptions options_;
  asio::io_context io_{1};
  std::optional<beast::tcp_stream> tcp_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  std::optional<ssl::context> tls_context_;
  std::string origin_;  // of the open connection; empty when none
  beast::flat_buffer buffer_;
  std::string request_;  // serialised request; memory reused
  uint64_t connections_opened_ = 0;
};

template <typename Awaitable>
void HttpClient::Impl::RunToEnd(Awaitable coroutine) {
  std::exception_ptr failure;
  asio::co_spawn(io_, std::move(coroutine),
                 [&](std::exception_ptr e) { failure = e; });
  io_.restart();
  io_.run();
  if (failure) std::rethrow_exception(failure);
}

Status HttpClient::Impl::MakeTlsContext() {
  if (tls_context_) return Status::Ok();
  tls_context_.emplace(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls_context_->native_handle(), TLS1_2_VERSION);
  error_code ec;
  if (options_.verify_peer) {
    tls_context_->set_verify_mode(ssl::verify_peer, ec);
    if (options_.ca_file.empty()) {
      tls_context_->set_default_verify_paths(ec);
    } else {
      tls_context_->load_verify_file(options_.ca_file, ec);
    }
  } else {
    tls_context_->set_verify_mode(ssl::verify_none, ec);
  }
  if (ec) {
    tls_context_.reset();
    return MakeError(ErrorCode::kIO_ERROR, "ca_file",
                     "cannot load trusted certificates: " + ec.message());
  }
  return Status::Ok();
}

asio::awaitable<void> HttpClient::Impl::Connect(const Url& url,
                                                Clock::time_point deadline,
                                                Attempt* attempt) {
  error_code& ec = attempt->code;
  attempt->step = "resolve";
  tcp::resolver resolver(io_);
  auto endpoints = co_await resolver.async_resolve(
      url.host, std::to_string(url.port),
      asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  attempt->step = "connect";
  beast::tcp_stream stream(io_);
  stream.expires_at(deadline);
  co_await stream.async_connect(endpoints,
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  stream.socket().set_option(tcp::no_delay(true), ec);
  ec = {};
  ++connections_opened_;
  if (url.scheme != "https") {
    tcp_.emplace(std::move(stream));
    co_return;
  }
  attempt->step = "TLS handshake";
  tls_.emplace(std::move(stream), *tls_context_);
  // SNI, and the name the certificate must carry.
  if (!SSL_set_tlsext_host_name(tls_->native_handle(), url.host.c_str())) {
    ec = error_code(static_cast<int>(::ERR_get_error()),
                    asio::error::get_ssl_category());
    co_return;
  }
  if (options_.verify_peer) {
    tls_->set_verify_callback(ssl::host_name_verification(url.host), ec);
    if (ec) co_return;
  }
  co_await tls_->async_handshake(ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
}

template <typename Stream>
asio::awaitable<void> HttpClient::Impl::Exchange(Stream& stream,
                                                 std::string_view request,
                                                 bool head,
                                                 Clock::time_point deadline,
                                                 Attempt* attempt) {
  error_code& ec = attempt->code;
  beast::get_lowest_layer(stream).expires_at(deadline);
  attempt->step = "send";
  co_await asio::async_write(stream,
                             asio::buffer(request.data(), request.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  attempt->step = "receive";
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options_.max_response_body_bytes);
  parser.header_limit(options_.max_response_header_bytes);
  if (head) parser.skip(true);
  co_await bhttp::async_read(stream, buffer_, parser,
                             asio::redirect_error(asio::use_awaitable, ec));
  attempt->received_anything = parser.got_some() || buffer_.size() > 0;
  if (ec) co_return;
  auto& message = parser.get();
  attempt->response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    attempt->response.headers.emplace_back(
        ToLower({field.name_string().data(), field.name_string().size()}),
        std::string(field.value()));
  }
  attempt->response.body = std::move(message.body());
  attempt->keep_alive = parser.keep_alive();
}

asio::awaitable<void> HttpClient::Impl::RunAttempt(const Url& url, bool connect,
                                                   std::string_view request,
                                                   bool head,
                                                   Clock::time_point deadline,
                                                   Attempt* attempt) {
  if (connect) {
    co_await Connect(url, deadline, attempt);
    if (attempt->code) co_return;
  }
  if (tls_) {
    co_await Exchange(*tls_, request, head, deadline, attempt);
  } else {
    co_await Exchange(*tcp_, request, head, deadline, attempt);
  }
}

Result<ClientResponse> HttpClient::Impl::Do(std::string_view method,
                                            std::string_view url_or_path,
                                            const Headers& headers,
                                            std::string_view body,
                                            uint32_t timeout_ms) {
  Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string joined;
  if (!url_or_path.empty() && url_or_path[0] == '/') {
    if (options_.base_url.empty()) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "url",
                       "a path needs ClientOptions::base_url");
    }
    std::string_view base = options_.base_url;
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    joined = std::string(base) + std::string(url_or_path);
    url_or_path = joined;
  }
  MERIDIAN_ASSIGN_OR_RETURN(Url url, ParseUrl(url_or_path));
  if (!internal::IsToken(method)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "method",
                     "the method must be an HTTP token");
  }
  if (url.scheme == "https") MERIDIAN_RETURN_IF_ERROR(MakeTlsContext());

  // The request, written by hand: a handful of appends.
  std::string& r = request_;
  r.clear();
  r.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  for (const auto& [name, value] : headers) {
    if (!internal::IsToken(name) || internal::HasCrLfOrNul(value)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "headers",
                       "header \"" + name + "\" is malformed");
    }
    if (internal::IsFramingHeader(name)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "headers",
                       "the client sets \"" + name + "\" itself");
    }
    has_host = has_host || AsciiEqualsIgnoreCase(name, "host");
  }
  if (!has_host) {
    r += "Host: ";
    bool default_port = (url.scheme == "http" && url.port == 80) ||
                        (url.scheme == "https" && url.port == 443);
    bool ipv6 = url.host.find(':') != std::string::npos;
    r += ipv6 ? "[" + url.host + "]" : url.host;
    if (!default_port) r += ":" + std::to_string(url.port);
    r += "\r\n";
  }
  if (!options_.user_agent.empty()) {
    r.append("User-Agent: ").append(options_.user_agent).append("\r\n");
  }
  for (const auto& [name, value] : headers) {
    r.append(name).append(": ").append(value).append("\r\n");
  }
  bool head = method == "HEAD";
  if (!body.empty() || method == "POST" || method == "PUT" ||
      method == "PATCH") {
    r.append("Content-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\n");
  }
  r.append("\r\n").append(body);

  std::string origin = url.Origin();
  if (origin != origin_) Close();
  bool reused = !origin_.empty();
  Attempt attempt;
  RunToEnd(RunAttempt(url, !reused, r, head, deadline, &attempt));
  if (attempt.code && reused && !attempt.received_anything &&
      attempt.code != beast::error::timeout) {
    // The kept connection was dead (closed by the server while idle): one
    // more try on a fresh one.
    Close();
    attempt = Attempt();
    RunToEnd(RunAttempt(url, true, r, head, deadline, &attempt));
  }
  if (attempt.code) {
    Close();
    if (attempt.code == beast::error::timeout) {
      return MakeError(ErrorCode::kREQUEST_TIMEOUT, "",
                       "no response from " + origin + " within " +
                           std::to_string(timeout_ms) + " ms (at " +
                           std::string(attempt.step) +
                           "); the server may or may not have acted");
    }
    if (attempt.code == bhttp::error::body_limit) {
      return MakeError(ErrorCode::kBODY_TOO_LARGE, "",
                       "the response from " + origin + " exceeds " +
                           std::to_string(options_.max_response_body_bytes) +
                           " bytes");
    }
    return MakeError(ErrorCode::kIO_ERROR, "",
                     std::string(attempt.step) + " " + origin + ": " +
                         attempt.code.message());
  }
  origin_ = origin;
  if (!attempt.keep_alive) Close();
  return std::move(attempt.response);
}

HttpClient::HttpClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::Do(std::string_view method,
                                      std::string_view url_or_path,
                                      const Headers& headers,
                                      std::string_view body,
                                      uint32_t timeout_ms) {
  return impl_->Do(method, url_or_path, headers, body, timeout_ms);
}

void HttpClient::Close() { impl_->Close(); }

uint64_t HttpClient::connections_opened() const {
  return impl_->connections_opened();
}

}  // namespace meridian::http
