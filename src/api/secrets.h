// Secrets the API hands out, derived from one node secret so that none of
// them enters the journal.
//
// DATA_DIR/node.key holds 32 random bytes (created at first start, mode
// 0600). Every secret is HMAC-SHA256(node key, purpose | object id):
//   API keys         "sk_" + base64url(key id | 24-byte tag)  (the journal
//                    keeps only SHA-256 of the whole string)
//   webhook secrets  "whsec_" + base64url(32-byte tag)
//   HMAC request-signing secrets, per principal, the same way.
// So a repeated (idempotent) create answers the same secret as the first,
// and a stolen journal holds no usable secret. Losing node.key only stops
// replays of creation answers and changes webhook and signing secrets; API
// keys still verify (their hashes are in the journal).
//
//   MERIDIAN_ASSIGN_OR_RETURN(NodeSecrets s, NodeSecrets::LoadOrCreate(dir));
//   std::string key = s.ApiKeySecret(key_id);
#ifndef MERIDIAN_API_SECRETS_H_
#define MERIDIAN_API_SECRETS_H_

#include <array>
#include <optional>
#include <string>

#include "core/int128.h"
#include "core/status.h"

namespace meridian::api {

class NodeSecrets {
 public:
  static Result<NodeSecrets> LoadOrCreate(const std::string& data_dir);
  // For tests: a fixed key.
  static NodeSecrets ForTesting(uint8_t fill);

  std::string ApiKeySecret(u128 key_id) const;
  std::string WebhookSecret(u128 endpoint_id) const;
  std::string SigningSecret(u128 principal_id) const;

  // The key id inside a secret ApiKeySecret made; nullopt for any other
  // string (an operator key supplied from outside has none).
  static std::optional<u128> KeyIdOf(std::string_view secret);

 private:
  std::string Tag(std::string_view purpose, u128 id, size_t bytes) const;
  std::array<uint8_t, 32> key_{};
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_SECRETS_H_
