#include "api/auth/api_key.h"

#include <openssl/crypto.h>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"
#include "core/ascii.h"
#include "core/id.h"

namespace meridian::auth {
namespace {

// Never destroyed, so a thread still making keys at exit does not race
// its destructor.
IdGenerator& KeyIds() {
  static IdGenerator* ids = new IdGenerator();
  return *ids;
}

Error Unauthenticated(std::string message) {
  return MakeError(ErrorCode::kUNAUTHENTICATED, "Authorization",
                   std::move(message));
}

}  // namespace

Result<ApiKey> GenerateApiKey() {
  MERIDIAN_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kApiKeySecretBytes));
  ApiKey key;
  key.key_id = KeyIds().Next();
  key.secret = std::string(kApiKeyPrefix) + Base64UrlEncode(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

Sha256Digest HashApiKey(std::string_view secret) { return Sha256(secret); }

bool IsWellFormedApiKey(std::string_view secret) {
  if (secret.size() != kApiKeyLength ||
      secret.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) {
    return false;
  }
  std::optional<std::string> bytes =
      Base64UrlDecode(secret.substr(kApiKeyPrefix.size()));
  return bytes.has_value() && bytes->size() == kApiKeySecretBytes;
}

Result<std::string_view> ParseBearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer";
  if (authorization.empty()) {
    return Unauthenticated(
        "send your secret key as `Authorization: Bearer sk_...`");
  }
  if (authorization.size() <= kScheme.size() ||
      !AsciiEqualsIgnoreCase(authorization.substr(0, kScheme.size()),
                             kScheme) ||
      authorization[kScheme.size()] != ' ') {
    return Unauthenticated(
        "the Authorization header must use the Bearer scheme: "
        "`Authorization: Bearer sk_...`");
  }
  std::string_view token = authorization.substr(kScheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (!IsWellFormedApiKey(token)) {
    return Unauthenticated(
        "the bearer token is not a secret API key (sk_ followed by 43 "
        "characters); copy it again from the console");
  }
  return token;
}

bool ConstantTimeEqual(const Sha256Digest& a, const Sha256Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace meridian::auth
