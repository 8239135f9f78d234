// RawConnection: a plain blocking TCP client for tests that must misbehave
// on the wire (send half a request, pipeline, stall) in ways HttpClient
// never would. POSIX sockets only, so tests do not compile Asio.
//
//   RawConnection c(server->port());
//   c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
//   std::optional<RawResponse> r = c.ReadResponse();
//
// Thread-safety: none; one thread per connection.
#ifndef MERIDIAN_API_HTTP_TESTING_RAW_CONNECTION_H_
#define MERIDIAN_API_HTTP_TESTING_RAW_CONNECTION_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::http::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-cased
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

class RawConnection {
 public:
  explicit RawConnection(uint16_t port, int timeout_ms = 5000)
      : timeout_ms_(timeout_ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address),
                           sizeof(address)) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response with a Content-Length body (or none). nullopt when the
  // connection closed or nothing came within the timeout.
  std::optional<RawResponse> ReadResponse() {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore()) return std::nullopt;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    RawResponse response;
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    response.status = std::atoi(status_line.c_str() + 9);
    size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
      size_t eol = head.find("\r\n", at);
      if (eol == std::string::npos) eol = head.size();
      std::string line = head.substr(at, eol - at);
      at = eol + 2;
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(c));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers.emplace_back(name, value);
    }
    size_t length = 0;
    if (auto cl = response.Header("content-length")) {
      length = std::strtoull(cl->c_str(), nullptr, 10);
    }
    while (buffer_.size() < length) {
      if (!ReadMore()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // True when the peer closed (EOF or reset) within the timeout, reading
  // and dropping anything else that arrives first.
  bool WaitClosed() {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms_) <= 0) return false;
      char scratch[4096];
      ssize_t n = ::recv(fd_, scratch, sizeof(scratch), 0);
      if (n <= 0) return true;
    }
  }

  // Bytes read but not yet consumed by ReadResponse.
  const std::string& pending() const { return buffer_; }

 private:
  bool ReadMore() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms_) <= 0) return false;
    char scratch[16384];
    ssize_t n = ::recv(fd_, scratch, sizeof(scratch), 0);
    if (n <= 0) return false;
    buffer_.append(scratch, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  int timeout_ms_;
  std::string buffer_;
};

}  // namespace meridian::http::testing

#endif  // MERIDIAN_API_HTTP_TESTING_RAW_CONNECTION_H_
