#include "journal/merkle.h"

#include <bit>
#include <cstring>

#include "core/assert.h"

namespace meridian::journal {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

// One OpenSSL context per thread, reused: creating an EVP context per hash
// would cost more than hashing a 128-byte command.
Sha256Hasher& ThreadHasher() {
  thread_local Sha256Hasher hasher;
  return hasher;
}

// Largest power of two strictly below n (n >= 2).
size_t SplitPoint(size_t n) { return std::bit_floor(n - 1); }

// Root of leaves[lo, hi), hi > lo.
Sha256Digest SubtreeRoot(std::span<const Sha256Digest> leaf_hashes, size_t lo,
                         size_t hi) {
  return MerkleRoot(leaf_hashes.subspan(lo, hi - lo));
}

}  // namespace

Sha256Digest MerkleLeafHash(std::span<const uint8_t> command) {
  Sha256Hasher& h = ThreadHasher();
  h.Update(&kLeafPrefix, 1);
  h.Update(command.data(), command.size());
  return h.Finish();
}

Sha256Digest MerkleNodeHash(const Sha256Digest& left,
                            const Sha256Digest& right) {
  uint8_t input[1 + 2 * sizeof(Sha256Digest)];
  input[0] = kNodePrefix;
  std::memcpy(input + 1, left.data(), left.size());
  std::memcpy(input + 1 + left.size(), right.data(), right.size());
  Sha256Hasher& h = ThreadHasher();
  h.Update(input, sizeof input);
  return h.Finish();
}

Sha256Digest MerkleRoot(std::span<const Sha256Digest> leaf_hashes) {
  size_t n = leaf_hashes.size();
  if (n == 0) return Sha256(std::span<const uint8_t>());
  if (n == 1) return leaf_hashes[0];
  // Bottom up, level by level, a lone last node promoted unchanged: the same
  // tree as RFC 6962's split at the largest power of two.
  thread_local std::vector<Sha256Digest> level;
  level.resize((n + 1) / 2);
  for (size_t i = 0; i + 1 < n; i += 2) {
    level[i / 2] = MerkleNodeHash(leaf_hashes[i], leaf_hashes[i + 1]);
  }
  if (n % 2 == 1) level[n / 2] = leaf_hashes[n - 1];
  n = (n + 1) / 2;
  while (n > 1) {
    for (size_t i = 0; i + 1 < n; i += 2) {
      level[i / 2] = MerkleNodeHash(level[i], level[i + 1]);
    }
    if (n % 2 == 1) level[n / 2] = level[n - 1];
    n = (n + 1) / 2;
  }
  return level[0];
}

std::vector<Sha256Digest> MerklePath(std::span<const Sha256Digest> leaf_hashes,
                                     size_t index) {
  MERIDIAN_CHECK(index < leaf_hashes.size())
      << "leaf " << index << " of " << leaf_hashes.size();
  // Top down, collecting the sibling subtree roots, then reversed so the
  // path runs from the leaf up (RFC 6962: PATH(m, D[n]) lists the deeper
  // subpath first).
  std::vector<Sha256Digest> path;
  size_t lo = 0;
  size_t hi = leaf_hashes.size();
  while (hi - lo > 1) {
    size_t k = SplitPoint(hi - lo);
    if (index < lo + k) {
      path.push_back(SubtreeRoot(leaf_hashes, lo + k, hi));
      hi = lo + k;
    } else {
      path.push_back(SubtreeRoot(leaf_hashes, lo, lo + k));
      lo = lo + k;
    }
  }
  return std::vector<Sha256Digest>(path.rbegin(), path.rend());
}

bool VerifyMerklePath(const Sha256Digest& leaf_hash, size_t index,
                      size_t leaf_count, std::span<const Sha256Digest> path,
                      const Sha256Digest& root) {
  if (index >= leaf_count) return false;
  size_t fn = index;
  size_t sn = leaf_count - 1;
  Sha256Digest r = leaf_hash;
  for (const Sha256Digest& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

}  // namespace meridian::journal
