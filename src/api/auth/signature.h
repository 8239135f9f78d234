// Request signatures, Antom-style (spec/api.md "Transport and auth"): for
// participants that must sign their requests on top of the bearer key.
//
// The client sends
//   Client-Id: <client id>
//   Request-Time: 2026-11-24T12:00:00.123Z                  (RFC 3339)
//   Signature: algorithm=HMAC-SHA256,keyVersion=1,signature=<base64url>
// where the signature is over the exact bytes
//   <METHOD> <path>\n<Client-Id>.<Request-Time>.<raw body>
// with `path` the request target exactly as on the request line (with the
// query string, if any), and the header values exactly as sent.
//
//   // Client (tests, traffic generator):
//   SigningKey key{SigningKey::kEd25519, pair.private_key};
//   MERIDIAN_ASSIGN_OR_RETURN(std::string header,
//       SignRequest("POST", "/v1/payments", "ptc_1", time, body, key));
//
//   // Server, over the raw bytes received (never re-serialised JSON):
//   SigningKey verify{SigningKey::kEd25519, participant.public_key};
//   MERIDIAN_RETURN_IF_ERROR(VerifyRequestSignature(
//       method, target, client_id, request_time, signature, body, verify,
//       now_ns));
//
// Contract of VerifyRequestSignature:
// - INVALID_SIGNATURE, with param the header at fault ("Client-Id",
//   "Request-Time" or "Signature") and a message saying what is wrong: a
//   missing or malformed header, an unknown algorithm, an algorithm or
//   keyVersion other than the key's, a signature that is not base64url (no
//   padding) of the algorithm's length, or a signature that does not match.
//   A method or path that cannot be part of a request line is
//   INVALID_SIGNATURE with an empty param.
// - The signature is checked before the time, so REQUEST_TIME_EXPIRED
//   (param "Request-Time") only ever reaches a caller holding the key: the
//   time is more than window_ns before now, or more than window_ns after it.
// - HMAC results are compared in constant time (CRYPTO_memcmp); Ed25519 is
//   verified by OpenSSL (EVP_DigestVerify, PureEdDSA).
// - Header values are bounded (kMaxClientIdLength, kMaxSignatureHeaderLength)
//   and never echoed back in messages.
#ifndef MERIDIAN_API_AUTH_SIGNATURE_H_
#define MERIDIAN_API_AUTH_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::auth {

inline constexpr int64_t kDefaultSignatureWindowNs = 5LL * 60 * 1'000'000'000;
inline constexpr size_t kMaxClientIdLength = 128;
inline constexpr size_t kMaxSignatureHeaderLength = 512;
inline constexpr int kMaxKeyVersion = 999'999;

struct SigningKey {
  enum Algorithm { kHmacSha256, kEd25519 };
  Algorithm algorithm = kHmacSha256;
  // HMAC: the shared secret (both sides). Ed25519: the 32-byte private key
  // (RFC 8032 seed) to sign, the 32-byte public key to verify.
  std::string key_bytes;
  // The keyVersion the header must name: lets a participant rotate keys.
  int version = 1;
};

// "HMAC-SHA256" or "ED25519", as in the header.
std::string_view AlgorithmName(SigningKey::Algorithm algorithm);

// The bytes that are signed.
std::string SignedContent(std::string_view method, std::string_view path,
                          std::string_view client_id,
                          std::string_view request_time, std::string_view body);

struct SignatureHeader {
  SigningKey::Algorithm algorithm = SigningKey::kHmacSha256;
  int key_version = 0;
  std::string signature;  // decoded bytes
};

// Parses "algorithm=...,keyVersion=...,signature=..." (the three parameters
// in any order, each once, optional spaces after commas). INVALID_SIGNATURE
// with param "Signature" on anything else.
Result<SignatureHeader> ParseSignatureHeader(std::string_view value);
// The header value for `header`: "algorithm=...,keyVersion=N,signature=...".
std::string FormatSignatureHeader(const SignatureHeader& header);

// The Signature header value for a request. INVALID_PARAMETER if the
// inputs could not be verified (bad lengths, an Ed25519 key that is not 32
// bytes, a request time that is not RFC 3339); INTERNAL_ERROR if OpenSSL
// fails.
Result<std::string> SignRequest(std::string_view method, std::string_view path,
                                std::string_view client_id,
                                std::string_view request_time,
                                std::string_view body, const SigningKey& key);

// See the file comment.
Status VerifyRequestSignature(std::string_view method, std::string_view path,
                              std::string_view client_id,
                              std::string_view request_time_header,
                              std::string_view signature_header,
                              std::string_view raw_body,
                              const SigningKey& verify_key, int64_t now_ns,
                              int64_t window_ns = kDefaultSignatureWindowNs);

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_SIGNATURE_H_
