// Checksums and cryptographic hashes used by the journal, snapshots and the
// audit chain.
//
//   uint32_t crc = Crc32c(bytes.data(), bytes.size());
//   Sha256Digest d = Sha256(bytes);
//   Sha256Hasher h; h.Update(a); h.Update(b); Sha256Digest d2 = h.Finish();
//
// CRC32C (Castagnoli) detects torn and corrupted records cheaply (hardware
// instruction); SHA-256 (OpenSSL) is the tamper-evident link between batches.
#ifndef MERIDIAN_CORE_HASH_H_
#define MERIDIAN_CORE_HASH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace meridian {

// CRC32C of `size` bytes, continuing from `crc` (0 to start).
uint32_t Crc32c(const void* data, size_t size, uint32_t crc = 0);

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::span<const uint8_t> bytes);
Sha256Digest Sha256(std::string_view bytes);
// Lower-case hex, 64 characters.
std::string DigestToHex(const Sha256Digest& digest);

// Incremental SHA-256; reusable after Finish().
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  Sha256Digest Finish();

 private:
  // OpenSSL's SHA256_CTX, kept opaque so OpenSSL stays out of headers.
  alignas(16) unsigned char ctx_[128];
};

}  // namespace meridian

#endif  // MERIDIAN_CORE_HASH_H_
