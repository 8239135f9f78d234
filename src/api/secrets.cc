#include "api/secrets.h"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "api/auth/base64.h"

namespace meridian::api {
namespace {
constexpr size_t kKeyTagBytes = 24;
}  // namespace

Result<NodeSecrets> NodeSecrets::LoadOrCreate(const std::string& data_dir) {
  NodeSecrets s;
  const std::string path = data_dir + "/node.key";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = ::read(fd, s.key_.data(), s.key_.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(s.key_.size())) {
      return MakeError(ErrorCode::kDATA_CORRUPTED, "data_dir",
                       path +
                           " is not a 32-byte node key; restore it from "
                           "a backup");
    }
    return s;
  }
  if (RAND_bytes(s.key_.data(), static_cast<int>(s.key_.size())) != 1) {
    return MakeError(ErrorCode::kINTERNAL_ERROR, "", "RAND_bytes failed");
  }
  const std::string tmp = path + ".tmp";
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 ||
      ::write(fd, s.key_.data(), s.key_.size()) !=
          static_cast<ssize_t>(s.key_.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return MakeError(ErrorCode::kIO_ERROR, "data_dir",
                     "cannot write " + tmp + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return MakeError(ErrorCode::kIO_ERROR, "data_dir",
                     "cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return s;
}

NodeSecrets NodeSecrets::ForTesting(uint8_t fill) {
  NodeSecrets s;
  s.key_.fill(fill);
  return s;
}

std::string NodeSecrets::Tag(std::string_view purpose, u128 id,
                             size_t bytes) const {
  std::string message(purpose);
  message.append(reinterpret_cast<const char*>(&id), sizeof id);
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), bytes);
}

std::string NodeSecrets::ApiKeySecret(u128 key_id) const {
  std::string raw(reinterpret_cast<const char*>(&key_id), sizeof key_id);
  raw += Tag("api-key", key_id, kKeyTagBytes);
  return "sk_" + auth::Base64UrlEncode(raw);
}

std::string NodeSecrets::WebhookSecret(u128 endpoint_id) const {
  return "whsec_" + auth::Base64UrlEncode(Tag("webhook", endpoint_id, 32));
}

std::string NodeSecrets::SigningSecret(u128 principal_id) const {
  return "ssk_" + auth::Base64UrlEncode(Tag("signing", principal_id, 32));
}

std::optional<u128> NodeSecrets::KeyIdOf(std::string_view secret) {
  if (secret.substr(0, 3) != "sk_") return std::nullopt;
  std::optional<std::string> raw = auth::Base64UrlDecode(secret.substr(3));
  if (!raw || raw->size() != sizeof(u128) + kKeyTagBytes) {
    return std::nullopt;
  }
  u128 id;
  std::memcpy(&id, raw->data(), sizeof id);
  return id;
}

}  // namespace meridian::api
