// The cryptographic primitives of the auth layer, over OpenSSL 3: random
// bytes, HMAC-SHA256 and Ed25519 (RFC 8032, raw 32-byte keys).
//
//   MERIDIAN_ASSIGN_OR_RETURN(std::string secret, RandomBytes(32));
//   std::string mac = HmacSha256(secret, message);        // 32 bytes
//   MERIDIAN_ASSIGN_OR_RETURN(Ed25519KeyPair pair, GenerateEd25519KeyPair());
//   MERIDIAN_ASSIGN_OR_RETURN(std::string sig,
//                             Ed25519Sign(pair.private_key, message));
//   bool ok = Ed25519Verify(pair.public_key, message, sig);
//
// Contract: keys and signatures are raw bytes in std::string. An Ed25519
// private key is RFC 8032's 32-byte seed, a public key its 32-byte encoded
// point, a signature 64 bytes; anything of another length is refused
// (INVALID_PARAMETER from Sign and PublicKey, false from Verify). Failures
// inside OpenSSL (out of memory, no entropy) are INTERNAL_ERROR.
// ConstantTimeEqual takes time that depends only on the lengths.
#ifndef MERIDIAN_API_AUTH_CRYPTO_H_
#define MERIDIAN_API_AUTH_CRYPTO_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::auth {

inline constexpr size_t kHmacSha256Bytes = 32;
inline constexpr size_t kEd25519KeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

// From OpenSSL's CSPRNG. At most 1 MiB per call.
Result<std::string> RandomBytes(size_t count);

std::string HmacSha256(std::string_view key, std::string_view data);

// Equal lengths and bytes, compared without early exit (CRYPTO_memcmp), so
// the time does not tell an attacker how many leading bytes matched.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

struct Ed25519KeyPair {
  std::string private_key;  // 32-byte seed: keep secret
  std::string public_key;   // 32 bytes
};

Result<Ed25519KeyPair> GenerateEd25519KeyPair();
Result<std::string> Ed25519PublicKey(std::string_view private_key);
Result<std::string> Ed25519Sign(std::string_view private_key,
                                std::string_view message);
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_CRYPTO_H_
