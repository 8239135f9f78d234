// HttpClient over https against a tiny in-process TLS server (OpenSSL
// directly, a certificate made on the fly): verification on by default,
// a trusted CA file accepted, a name mismatch refused.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "api/http/client.h"
#include "core/testing/temp_dir.h"

namespace meridian::http {
namespace {

// A self-signed certificate for `san` ("IP:127.0.0.1") and its key.
struct Identity {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;

  explicit Identity(const char* san) {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC,
        reinterpret_cast<const unsigned char*>("meridian-test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(cert, key, EVP_sha256());
  }
  ~Identity() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }

  void WriteCertificate(const std::string& path) const {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
};

// Answers every request on every connection with 200 "ok", over TLS.
class TlsServer {
 public:
  explicit TlsServer(const Identity& identity) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, identity.cert);
    SSL_CTX_use_PrivateKey(ctx_, identity.key);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(listen_fd_, 16);
    socklen_t size = sizeof(address);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // ends accept()
    thread_.join();
    ::close(listen_fd_);
    SSL_CTX_free(ctx_);
  }

  uint16_t port() const { return port_; }
  int handshakes() const { return handshakes_.load(); }

 private:
  void Serve() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        ++handshakes_;
        std::string in;
        char buffer[4096];
        for (;;) {
          int n = SSL_read(ssl, buffer, sizeof(buffer));
          if (n <= 0) break;
          in.append(buffer, static_cast<size_t>(n));
          size_t end;
          while ((end = in.find("\r\n\r\n")) != std::string::npos) {
            in.erase(0, end + 4);
            static constexpr char kAnswer[] =
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
            SSL_write(ssl, kAnswer, sizeof(kAnswer) - 1);
          }
        }
      }
      SSL_free(ssl);
      ::close(fd);
      ERR_clear_error();
    }
  }

  SSL_CTX* ctx_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};

TEST(ClientTlsTest, TrustedCertificateWorksWithKeepAlive) {
  Identity identity("IP:127.0.0.1");
  meridian::testing::TempDir dir;
  std::string ca = dir.path() + "/ca.pem";
  identity.WriteCertificate(ca);
  TlsServer server(identity);
  ClientOptions options;
  options.ca_file = ca;
  options.base_url = "https://127.0.0.1:" + std::to_string(server.port());
  HttpClient client(options);
  for (int i = 0; i < 3; ++i) {
    auto r = client.Get("/x", 5000);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok");
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  client.Close();
}

TEST(ClientTlsTest, UntrustedCertificateIsRefusedByDefault) {
  Identity identity("IP:127.0.0.1");
  TlsServer server(identity);
  HttpClient client;  // the system's CAs do not know our certificate
  auto r = client.Get(
      "https://127.0.0.1:" + std::to_string(server.port()) + "/", 5000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIO_ERROR);
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(server.handshakes(), 0);
}

TEST(ClientTlsTest, NameMismatchIsRefused) {
  // Trusted, but issued to another address than the one dialled.
  Identity identity("IP:127.0.0.2");
  meridian::testing::TempDir dir;
  std::string ca = dir.path() + "/ca.pem";
  identity.WriteCertificate(ca);
  TlsServer server(identity);
  ClientOptions options;
  options.ca_file = ca;
  HttpClient client(options);
  auto r = client.Get(
      "https://127.0.0.1:" + std::to_string(server.port()) + "/", 5000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIO_ERROR);
}

TEST(ClientTlsTest, VerificationCanBeTurnedOffForTests) {
  Identity identity("IP:127.0.0.2");
  TlsServer server(identity);
  ClientOptions options;
  options.verify_peer = false;
  HttpClient client(options);
  auto r = client.Get(
      "https://127.0.0.1:" + std::to_string(server.port()) + "/", 5000);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->body, "ok");
}

}  // namespace
}  // namespace meridian::http
