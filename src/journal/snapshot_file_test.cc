#include "journal/snapshot_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/testing/temp_dir.h"

namespace meridian::journal {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

using meridian::testing::ReadFileBytes;
using meridian::testing::WriteFileBytes;

class SnapshotFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "snapshot_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ + "/snapshots";
  }
  void TearDown() override { fs::remove_all(root_); }

  static SnapshotMeta Meta(uint64_t seq) {
    SnapshotMeta meta;
    meta.seq = seq;
    meta.next_command_index = seq * 10;
    meta.next_position =
        Position{static_cast<uint32_t>(seq % 7 + 1), 64 + seq * 8};
    meta.last_batch_hash =
        Sha256(std::string_view("batch " + std::to_string(seq)));
    meta.state_hash = Sha256(std::string_view("state " + std::to_string(seq)));
    meta.time_ns = 1'700'000'000'000'000'000 + static_cast<int64_t>(seq);
    return meta;
  }
  static Bytes Body(uint64_t seq, size_t size = 1000) {
    Bytes body(size);
    for (size_t i = 0; i < size; ++i) {
      body[i] = static_cast<uint8_t>(i * 31 + seq);
    }
    return body;
  }
  std::string PathOf(uint64_t seq) const {
    return dir_ + "/" + SnapshotFileName(seq);
  }

  std::string root_;
  std::string dir_;
};

TEST_F(SnapshotFileTest, WriteFileDurablyReplacesWholeFile) {
  std::string path = root_ + "/state.bin";
  Bytes first(5000, 1);
  ASSERT_TRUE(WriteFileDurably(path, first).ok());
  EXPECT_EQ(ReadFileBytes(path), first);
  Bytes second = {9, 8, 7};
  ASSERT_TRUE(WriteFileDurably(path, second).ok());
  EXPECT_EQ(ReadFileBytes(path), second);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  Status missing_dir = WriteFileDurably(root_ + "/no/such/dir/x", second);
  EXPECT_EQ(missing_dir.code(), ErrorCode::kIO_ERROR);
  EXPECT_NE(missing_dir.ToString().find("no/such/dir"), std::string::npos);
}

TEST_F(SnapshotFileTest, NoDirectoryMeansNoSnapshot) {
  auto loaded = LoadNewestSnapshot(dir_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
  auto listed = ListSnapshots(dir_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(SnapshotFileTest, WriteThenLoadNewest) {
  ASSERT_TRUE(WriteSnapshot(dir_, Meta(100), Body(100)).ok());
  ASSERT_TRUE(WriteSnapshot(dir_, Meta(250), Body(250, 0)).ok());
  EXPECT_TRUE(fs::exists(dir_ + "/snapshot-00000000000000000250.bin"));
  auto loaded = LoadNewestSnapshot(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->meta, Meta(250));
  EXPECT_TRUE((*loaded)->body.empty());
  auto listed = ListSnapshots(dir_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (std::vector<SnapshotMeta>{Meta(100), Meta(250)}));
}

TEST_F(SnapshotFileTest, KeepsTheNewestTwo) {
  for (uint64_t seq : {10, 20, 30, 40}) {
    ASSERT_TRUE(WriteSnapshot(dir_, Meta(seq), Body(seq)).ok());
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{SnapshotFileName(30),
                                             SnapshotFileName(40)}));
}

TEST_F(SnapshotFileTest, CorruptNewestFallsBackToTheOlder) {
  ASSERT_TRUE(WriteSnapshot(dir_, Meta(10), Body(10)).ok());
  ASSERT_TRUE(WriteSnapshot(dir_, Meta(20), Body(20)).ok());
  const Bytes good = ReadFileBytes(PathOf(20));
  // A flip anywhere (header, body, trailing CRC) disqualifies the file.
  for (size_t i : {0ul, 20ul, 70ul, 157ul, 160ul, 700ul, good.size() - 1}) {
    Bytes bad = good;
    bad[i] ^= 0x04;
    WriteFileBytes(PathOf(20), bad);
    auto loaded = LoadNewestSnapshot(dir_);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_TRUE(loaded->has_value()) << "byte " << i;
    EXPECT_EQ((*loaded)->meta, Meta(10)) << "byte " << i;
    EXPECT_EQ((*loaded)->body, Body(10));
  }
  // Truncated.
  WriteFileBytes(PathOf(20), Bytes(good.begin(), good.end() - 10));
  auto loaded = LoadNewestSnapshot(dir_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->meta, Meta(10));
  // Renamed: the name's seq must be the header's.
  WriteFileBytes(PathOf(20), good);
  fs::rename(PathOf(20), PathOf(30));
  loaded = LoadNewestSnapshot(dir_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->meta, Meta(10));
  // Every one corrupt: none.
  Bytes older = ReadFileBytes(PathOf(10));
  older[200] ^= 1;
  WriteFileBytes(PathOf(10), older);
  loaded = LoadNewestSnapshot(dir_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(SnapshotFileTest, ReplayStartAfterASnapshotResumesTheJournal) {
  JournalOptions options;
  options.dir = root_ + "/journal";
  options.segment_size_bytes = 8192;
  options.max_record_bytes = 4096;
  auto journal =
      Journal::Open(options, {}, [](const Batch&) { return Status::Ok(); });
  ASSERT_TRUE(journal.ok());
  Bytes command(100, 5);
  std::span<const uint8_t> commands[] = {command, command};
  int64_t time_ns = 1000;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(
        (*journal)->Write((*journal)->Prepare(++time_ns, commands)).ok());
  }
  SnapshotMeta meta;
  meta.seq = (*journal)->next_seq() - 1;
  meta.next_command_index = (*journal)->next_command_index();
  meta.next_position = (*journal)->end_position();
  meta.last_batch_hash = (*journal)->last_hash();
  meta.time_ns = time_ns;
  ASSERT_TRUE(WriteSnapshot(root_ + "/snapshots", meta, Body(1)).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        (*journal)->Write((*journal)->Prepare(++time_ns, commands)).ok());
  }
  journal.value().reset();

  auto snapshot = LoadNewestSnapshot(root_ + "/snapshots");
  ASSERT_TRUE(snapshot.ok() && snapshot->has_value());
  ReplayStart start = ReplayStartAfter((*snapshot)->meta);
  EXPECT_EQ(start.next_seq, 31u);
  EXPECT_EQ(start.last_time_ns, 1030);
  std::vector<uint64_t> seqs;
  auto reopened = Journal::Open(options, start, [&](const Batch& batch) {
    seqs.push_back(batch.header.seq);
    return Status::Ok();
  });
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(seqs, (std::vector<uint64_t>{31, 32, 33, 34, 35}));
  EXPECT_EQ((*reopened)->next_seq(), 36u);
}

}  // namespace
}  // namespace meridian::journal
