// Secret API keys: how principals authenticate (`Authorization: Bearer
// sk_...`, spec/api.md "Transport and auth").
//
//   MERIDIAN_ASSIGN_OR_RETURN(ApiKey key, GenerateApiKey());
//   store.Put(key.key_id, HashApiKey(key.secret));  // never the secret
//   ShowOnce(key.secret);                           // "sk_..." to the owner
//
//   // On each request:
//   MERIDIAN_ASSIGN_OR_RETURN(std::string_view secret,
//                             ParseBearerToken(authorization_header));
//   Sha256Digest hash = HashApiKey(secret);
//   principal = store.FindByHash(hash);  // then ConstantTimeEqual on bytes
//
// Contract:
// - A secret is "sk_" then 43 base64url characters: 32 bytes from OpenSSL's
//   CSPRNG (256 bits, so guessing is hopeless and the hash needs no salt or
//   slow KDF: the secret is not a password).
// - key_id is a time-ordered id from core's IdGenerator ("key_..." via
//   FormatId(IdKind::kKey, id)): it names the key in lists and logs, and is
//   not secret.
// - Only HashApiKey(secret) is ever stored; compare stored hashes with
//   ConstantTimeEqual.
#ifndef MERIDIAN_API_AUTH_API_KEY_H_
#define MERIDIAN_API_AUTH_API_KEY_H_

#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::auth {

inline constexpr std::string_view kApiKeyPrefix = "sk_";
inline constexpr size_t kApiKeySecretBytes = 32;
// "sk_" + base64url of 32 bytes (43 characters).
inline constexpr size_t kApiKeyLength = 3 + 43;

struct ApiKey {
  u128 key_id = 0;
  std::string secret;  // "sk_...": shown to its owner once, never stored
};

// INTERNAL_ERROR if OpenSSL has no randomness to give.
Result<ApiKey> GenerateApiKey();

Sha256Digest HashApiKey(std::string_view secret);

// The shape of a secret (prefix, length, alphabet): lets the gateway refuse
// garbage before hashing and looking it up.
bool IsWellFormedApiKey(std::string_view secret);

// The secret from an Authorization header value "Bearer <secret>" (the
// scheme is case-insensitive, RFC 9110). UNAUTHENTICATED with param
// "Authorization" if the header is empty, of another scheme or not an API
// key; the message never repeats the header (it may hold a secret).
Result<std::string_view> ParseBearerToken(std::string_view authorization);

bool ConstantTimeEqual(const Sha256Digest& a, const Sha256Digest& b);

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_API_KEY_H_
