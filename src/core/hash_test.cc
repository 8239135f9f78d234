#include "core/hash.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(HashTest, Crc32cKnownVectors) {
  // RFC 3720 (iSCSI) test vectors.
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  uint8_t zeros[32] = {};
  EXPECT_EQ(Crc32c(zeros, sizeof zeros), 0x8A9136AAu);
  // Incremental equals one-shot.
  uint32_t part = Crc32c("12345", 5);
  EXPECT_EQ(Crc32c("6789", 4, part), 0xE3069283u);
}

TEST(HashTest, Sha256KnownVectors) {
  EXPECT_EQ(DigestToHex(Sha256(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(DigestToHex(Sha256(std::string_view(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256Hasher h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), Sha256(std::string_view("abc")));
  h.Update("abc");  // reusable after Finish
  EXPECT_EQ(h.Finish(), Sha256(std::string_view("abc")));
}

}  // namespace
}  // namespace meridian
