#include "api/secrets.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"
#include "journal/snapshot_file.h"

namespace meridian::api {
namespace {
constexpr size_t kKeyTagBytes = 24;
}  // namespace

Result<NodeSecrets> NodeSecrets::LoadOrCreate(const std::string& data_dir) {
  NodeSecrets s;
  const std::string path = data_dir + "/node.key";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (std::ifstream in{path, std::ios::binary}) {
    std::string key{std::istreambuf_iterator<char>(in), {}};
    if (key.size() != s.key_.size()) {
      return MakeError(ErrorCode::kDATA_CORRUPTED, "data_dir",
                       path +
                           " is not a 32-byte node key; restore it from "
                           "a backup");
    }
    std::memcpy(s.key_.data(), key.data(), key.size());
    return s;
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::string key, auth::RandomBytes(s.key_.size()));
  std::memcpy(s.key_.data(), key.data(), key.size());
  MERIDIAN_RETURN_IF_ERROR(journal::WriteFileDurably(path, s.key_, 0600));
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
  std::string mac = auth::HmacSha256(
      std::string_view(reinterpret_cast<const char*>(key_.data()), key_.size()),
      message);
  mac.resize(bytes);
  return mac;
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
