#include "core/hash.h"

#include <openssl/evp.h>

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

const EVP_MD* Sha256Md() {
  // Fetched once: EVP_sha256() per call costs a provider lookup.
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  MERIDIAN_CHECK(md != nullptr);
  return md;
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
  unsigned int len = 0;
  MERIDIAN_CHECK(EVP_Digest(bytes.data(), bytes.size(), out.data(), &len,
                            Sha256Md(), nullptr) == 1);
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

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  MERIDIAN_CHECK(ctx_ != nullptr);
  MERIDIAN_CHECK(EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), Sha256Md(),
                                   nullptr) == 1);
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Hasher::Update(const void* data, size_t size) {
  MERIDIAN_CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, size) ==
                 1);
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  unsigned int len = 0;
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  MERIDIAN_CHECK(EVP_DigestFinal_ex(ctx, out.data(), &len) == 1);
  MERIDIAN_CHECK(EVP_DigestInit_ex(ctx, Sha256Md(), nullptr) == 1);
  return out;
}

}  // namespace meridian
