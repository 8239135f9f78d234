// Merkle trees over a batch's commands, as RFC 6962 (Certificate
// Transparency) defines them, so that anyone holding a batch header can be
// given a short proof that one command is in that batch.
//
//   std::vector<Sha256Digest> leaves;
//   for (auto command : commands) leaves.push_back(MerkleLeafHash(command));
//   Sha256Digest root = MerkleRoot(leaves);                  // in the header
//   std::vector<Sha256Digest> path = MerklePath(leaves, 5);  // the proof
//   bool in = VerifyMerklePath(leaves[5], 5, leaves.size(), path, root);
//
// leaf = SHA-256(0x00 || command), node = SHA-256(0x01 || left || right);
// a tree of n > 1 leaves splits at k, the largest power of two below n
// (so a lone last node is promoted, not duplicated); the empty tree's root is
// SHA-256(""). The roots match RFC 6962's reference vectors (merkle_test.cc).
#ifndef MERIDIAN_JOURNAL_MERKLE_H_
#define MERIDIAN_JOURNAL_MERKLE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/hash.h"

namespace meridian::journal {

Sha256Digest MerkleLeafHash(std::span<const uint8_t> command);
// SHA-256(0x01 || left || right).
Sha256Digest MerkleNodeHash(const Sha256Digest& left,
                            const Sha256Digest& right);

// Root over leaf hashes (not over the commands themselves). Empty ->
// SHA-256(""). Cost: n - 1 node hashes.
Sha256Digest MerkleRoot(std::span<const Sha256Digest> leaf_hashes);

// The audit path of leaf `index` (RFC 6962 section 2.1.1), sibling hashes
// from the leaf up to the root; empty for a one-leaf tree. CHECKs
// index < leaf_hashes.size().
std::vector<Sha256Digest> MerklePath(std::span<const Sha256Digest> leaf_hashes,
                                     size_t index);

// True when `path` proves that `leaf_hash` is leaf `index` of a tree of
// `leaf_count` leaves with root `root` (RFC 9162 section 2.1.3.2). False
// for any mismatch, including index >= leaf_count and a path of the wrong
// length.
bool VerifyMerklePath(const Sha256Digest& leaf_hash, size_t index,
                      size_t leaf_count, std::span<const Sha256Digest> path,
                      const Sha256Digest& root);

}  // namespace meridian::journal

#endif  // MERIDIAN_JOURNAL_MERKLE_H_
