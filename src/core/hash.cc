#include "core/hash.h"

// The low-level SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP,
// but they are still supported, use the same SHA-NI code, and cost half as
// much per call: EVP resets a context per digest. The journal hashes every
// command (a Merkle leaf), so the per-call cost is on the hot path.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

#include <cstring>

#include "core/assert.h"

namespace meridian {
namespace {

#if !defined(__SSE4_2__)
struct Crc32cTable {
  uint32_t entries[256];
  constexpr Crc32cTable() : entries() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      entries[i] = c;
    }
  }
};
constexpr Crc32cTable kCrcTable;
#endif

SHA256_CTX* Ctx(unsigned char* storage) {
  return reinterpret_cast<SHA256_CTX*>(storage);
}

}  // namespace

uint32_t Crc32c(const void* data, size_t size, uint32_t crc) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t c = ~crc;
#if defined(__SSE4_2__)
  uint64_t c64 = c;
  while (size >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c64 = _mm_crc32_u64(c64, word);
    p += 8;
    size -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (size > 0) {
    c = _mm_crc32_u8(c, *p++);
    --size;
  }
#else
  while (size > 0) {
    c = kCrcTable.entries[(c ^ *p++) & 0xFF] ^ (c >> 8);
    --size;
  }
#endif
  return ~c;
}

Sha256Digest Sha256(std::span<const uint8_t> bytes) {
  Sha256Digest out;
  MERIDIAN_CHECK(::SHA256(bytes.data(), bytes.size(), out.data()) != nullptr);
  return out;
}

Sha256Digest Sha256(std::string_view bytes) {
  return Sha256(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string DigestToHex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

static_assert(sizeof(SHA256_CTX) <= 128 && alignof(SHA256_CTX) <= 16);

Sha256Hasher::Sha256Hasher() { MERIDIAN_CHECK(SHA256_Init(Ctx(ctx_)) == 1); }

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(const void* data, size_t size) {
  MERIDIAN_CHECK(SHA256_Update(Ctx(ctx_), data, size) == 1);
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  MERIDIAN_CHECK(SHA256_Final(out.data(), Ctx(ctx_)) == 1);
  MERIDIAN_CHECK(SHA256_Init(Ctx(ctx_)) == 1);
  return out;
}

}  // namespace meridian
