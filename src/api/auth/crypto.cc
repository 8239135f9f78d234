#include "api/auth/crypto.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

#include "core/assert.h"

namespace meridian::auth {
namespace {

constexpr size_t kMaxRandomBytes = size_t{1} << 20;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Error OpenSslError(std::string_view what) {
  return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                   "OpenSSL failed to " + std::string(what));
}

Error BadLength(std::string_view what, size_t want, size_t got) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "",
                   std::string(what) + " must be " + std::to_string(want) +
                       " bytes; got " + std::to_string(got));
}

Result<PkeyPtr> PrivateKey(std::string_view private_key) {
  if (private_key.size() != kEd25519KeyBytes) {
    return BadLength("an Ed25519 private key", kEd25519KeyBytes,
                     private_key.size());
  }
  PkeyPtr key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, Bytes(private_key), private_key.size()));
  if (!key) return OpenSslError("load an Ed25519 private key");
  return key;
}

Result<std::string> RawPublicKey(EVP_PKEY* key) {
  std::string out(kEd25519KeyBytes, '\0');
  size_t size = out.size();
  if (EVP_PKEY_get_raw_public_key(
          key, reinterpret_cast<unsigned char*>(out.data()), &size) != 1 ||
      size != kEd25519KeyBytes) {
    return OpenSslError("export an Ed25519 public key");
  }
  return out;
}

}  // namespace

Result<std::string> RandomBytes(size_t count) {
  MERIDIAN_CHECK(count <= kMaxRandomBytes) << "RandomBytes(" << count << ")";
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                              static_cast<int>(count)) != 1) {
    return OpenSslError("produce random bytes");
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  // OpenSSL wants a non-null key pointer even for an empty key.
  static const unsigned char kEmpty[1] = {0};
  const unsigned char* key_bytes = key.empty() ? kEmpty : Bytes(key);
  std::string out(kHmacSha256Bytes, '\0');
  unsigned int size = 0;
  const unsigned char* done =
      HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), Bytes(data),
           data.size(), reinterpret_cast<unsigned char*>(out.data()), &size);
  // Only fails without memory or with a broken OpenSSL: nothing to recover.
  MERIDIAN_CHECK(done != nullptr && size == kHmacSha256Bytes)
      << "HMAC-SHA256 failed";
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Ed25519KeyPair> GenerateEd25519KeyPair() {
  MERIDIAN_ASSIGN_OR_RETURN(std::string seed, RandomBytes(kEd25519KeyBytes));
  MERIDIAN_ASSIGN_OR_RETURN(std::string public_key, Ed25519PublicKey(seed));
  return Ed25519KeyPair{std::move(seed), std::move(public_key)};
}

Result<std::string> Ed25519PublicKey(std::string_view private_key) {
  MERIDIAN_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKey(private_key));
  return RawPublicKey(key.get());
}

Result<std::string> Ed25519Sign(std::string_view private_key,
                                std::string_view message) {
  MERIDIAN_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKey(private_key));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return OpenSslError("allocate a signing context");
  // Ed25519 hashes internally: no digest is named (RFC 8032 PureEdDSA).
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) !=
      1) {
    return OpenSslError("start an Ed25519 signature");
  }
  std::string signature(kEd25519SignatureBytes, '\0');
  size_t size = signature.size();
  if (EVP_DigestSign(ctx.get(),
                     reinterpret_cast<unsigned char*>(signature.data()), &size,
                     Bytes(message), message.size()) != 1 ||
      size != kEd25519SignatureBytes) {
    return OpenSslError("make an Ed25519 signature");
  }
  return signature;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != kEd25519KeyBytes ||
      signature.size() != kEd25519SignatureBytes) {
    return false;
  }
  PkeyPtr key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, Bytes(public_key), public_key.size()));
  MdCtxPtr ctx(key ? EVP_MD_CTX_new() : nullptr);
  const bool ok =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) ==
          1 &&
      EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                       Bytes(message), message.size()) == 1;
  // A refused signature leaves a note in this thread's OpenSSL error queue;
  // clear it so that it is not blamed on the next, unrelated OpenSSL call.
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace meridian::auth
