#include "journal/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meridian::journal {
namespace {

std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(
        static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Sha256Digest DigestFromHex(const std::string& hex) {
  std::vector<uint8_t> bytes = FromHex(hex);
  Sha256Digest d{};
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

// The leaves of RFC 6962's reference tests (certificate-transparency).
std::vector<Sha256Digest> ReferenceLeaves() {
  std::vector<Sha256Digest> leaves;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(MerkleLeafHash(FromHex(hex)));
  }
  return leaves;
}

// Roots of the first n reference leaves, n = 0..8.
const char* const kReferenceRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// RFC 6962 section 2.1, written the way the RFC writes it: the reference
// the fast implementation is checked against.
Sha256Digest ReferenceRoot(std::span<const Sha256Digest> d) {
  if (d.empty()) return Sha256(std::string_view(""));
  if (d.size() == 1) return d[0];
  size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  return MerkleNodeHash(ReferenceRoot(d.subspan(0, k)),
                        ReferenceRoot(d.subspan(k)));
}

std::vector<Sha256Digest> ReferencePath(size_t m,
                                        std::span<const Sha256Digest> d) {
  if (d.size() <= 1) return {};
  size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  std::vector<Sha256Digest> path;
  if (m < k) {
    path = ReferencePath(m, d.subspan(0, k));
    path.push_back(ReferenceRoot(d.subspan(k)));
  } else {
    path = ReferencePath(m - k, d.subspan(k));
    path.push_back(ReferenceRoot(d.subspan(0, k)));
  }
  return path;
}

std::vector<Sha256Digest> SyntheticLeaves(size_t n) {
  std::vector<Sha256Digest> leaves;
  for (size_t i = 0; i < n; ++i) {
    std::string command = "command " + std::to_string(i);
    leaves.push_back(MerkleLeafHash(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(command.data()), command.size())));
  }
  return leaves;
}

TEST(MerkleTest, HashesArePrefixed) {
  uint8_t command[] = {1, 2, 3};
  uint8_t leaf_input[] = {0, 1, 2, 3};
  EXPECT_EQ(MerkleLeafHash(command),
            Sha256(std::span<const uint8_t>(leaf_input)));
  Sha256Digest a = Sha256(std::string_view("a"));
  Sha256Digest b = Sha256(std::string_view("b"));
  std::vector<uint8_t> node_input = {1};
  node_input.insert(node_input.end(), a.begin(), a.end());
  node_input.insert(node_input.end(), b.begin(), b.end());
  EXPECT_EQ(MerkleNodeHash(a, b), Sha256(node_input));
}

TEST(MerkleTest, MatchesRfc6962ReferenceRoots) {
  std::vector<Sha256Digest> leaves = ReferenceLeaves();
  for (size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(DigestToHex(MerkleRoot(std::span(leaves).first(n))),
              kReferenceRoots[n])
        << "n=" << n;
  }
}

TEST(MerkleTest, SmallTreesByHand) {
  std::vector<Sha256Digest> l = SyntheticLeaves(5);
  EXPECT_EQ(MerkleRoot(std::span(l).first(1)), l[0]);
  EXPECT_EQ(MerkleRoot(std::span(l).first(2)), MerkleNodeHash(l[0], l[1]));
  // Three leaves: the third is promoted, not duplicated.
  EXPECT_EQ(MerkleRoot(std::span(l).first(3)),
            MerkleNodeHash(MerkleNodeHash(l[0], l[1]), l[2]));
  EXPECT_EQ(MerkleRoot(l),
            MerkleNodeHash(MerkleNodeHash(MerkleNodeHash(l[0], l[1]),
                                          MerkleNodeHash(l[2], l[3])),
                           l[4]));
}

TEST(MerkleTest, MatchesRfc6962ReferenceInclusionProofs) {
  std::vector<Sha256Digest> leaves = ReferenceLeaves();
  struct Vector {
    size_t index;
    std::vector<std::string> path;
  };
  const Vector vectors[] = {
      {0,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
  Sha256Digest root = DigestFromHex(kReferenceRoots[8]);
  for (const Vector& v : vectors) {
    std::vector<Sha256Digest> path = MerklePath(leaves, v.index);
    ASSERT_EQ(path.size(), v.path.size());
    for (size_t i = 0; i < path.size(); ++i) {
      EXPECT_EQ(DigestToHex(path[i]), v.path[i]) << v.index << "/" << i;
    }
    EXPECT_TRUE(VerifyMerklePath(leaves[v.index], v.index, 8, path, root));
  }
}

TEST(MerkleTest, EveryPathOfEveryTreeUpTo70Verifies) {
  std::vector<Sha256Digest> all = SyntheticLeaves(70);
  for (size_t n = 1; n <= all.size(); ++n) {
    std::span<const Sha256Digest> leaves = std::span(all).first(n);
    Sha256Digest root = MerkleRoot(leaves);
    ASSERT_EQ(root, ReferenceRoot(leaves)) << "n=" << n;
    for (size_t i = 0; i < n; ++i) {
      std::vector<Sha256Digest> path = MerklePath(leaves, i);
      ASSERT_EQ(path, ReferencePath(i, leaves)) << i << "/" << n;
      EXPECT_TRUE(VerifyMerklePath(leaves[i], i, n, path, root))
          << i << "/" << n;
    }
  }
}

TEST(MerkleTest, TamperedProofsFail) {
  std::vector<Sha256Digest> all = SyntheticLeaves(40);
  for (size_t n = 2; n <= all.size(); ++n) {
    std::span<const Sha256Digest> leaves = std::span(all).first(n);
    Sha256Digest root = MerkleRoot(leaves);
    for (size_t i = 0; i < n; ++i) {
      std::vector<Sha256Digest> path = MerklePath(leaves, i);
      ASSERT_FALSE(path.empty());
      // Each element flipped.
      for (size_t j = 0; j < path.size(); ++j) {
        std::vector<Sha256Digest> bad = path;
        bad[j][j % 32] ^= 0x01;
        EXPECT_FALSE(VerifyMerklePath(leaves[i], i, n, bad, root));
      }
      // Another leaf, another index, another size, another root.
      EXPECT_FALSE(VerifyMerklePath(leaves[(i + 1) % n], i, n, path, root));
      EXPECT_FALSE(VerifyMerklePath(leaves[i], (i + 1) % n, n, path, root));
      if (n < all.size()) {
        // (A path also proves the tree size: the same path cannot prove the
        // leaf in the next bigger tree.)
        EXPECT_FALSE(VerifyMerklePath(leaves[i], i, n + 1, path,
                                      MerkleRoot(std::span(all).first(n + 1))));
      }
      EXPECT_FALSE(VerifyMerklePath(leaves[i], n, n, path, root));
      Sha256Digest other_root = root;
      other_root[0] ^= 0x80;
      EXPECT_FALSE(VerifyMerklePath(leaves[i], i, n, path, other_root));
      // Truncated, extended.
      std::vector<Sha256Digest> shorter(path.begin(), path.end() - 1);
      EXPECT_FALSE(VerifyMerklePath(leaves[i], i, n, shorter, root));
      std::vector<Sha256Digest> longer = path;
      longer.push_back(Sha256Digest{});
      EXPECT_FALSE(VerifyMerklePath(leaves[i], i, n, longer, root));
      // Two elements swapped.
      if (path.size() >= 2 && path[0] != path[1]) {
        std::vector<Sha256Digest> swapped = path;
        std::swap(swapped[0], swapped[1]);
        EXPECT_FALSE(VerifyMerklePath(leaves[i], i, n, swapped, root));
      }
    }
  }
}

TEST(MerkleTest, SingleLeafTree) {
  std::vector<Sha256Digest> leaves = SyntheticLeaves(1);
  EXPECT_TRUE(MerklePath(leaves, 0).empty());
  EXPECT_TRUE(VerifyMerklePath(leaves[0], 0, 1, {}, leaves[0]));
  EXPECT_FALSE(VerifyMerklePath(leaves[0], 0, 0, {}, leaves[0]));
  std::vector<Sha256Digest> extra = {leaves[0]};
  EXPECT_FALSE(VerifyMerklePath(leaves[0], 0, 1, extra, leaves[0]));
}

}  // namespace
}  // namespace meridian::journal
