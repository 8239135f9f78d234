#include "engine/verify.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/testing/temp_dir.h"
#include "engine/command.h"
#include "engine/sequencer.h"

namespace meridian::engine {
namespace {

using namespace ledger;  // NOLINT: test brevity

// A data directory with a few dozen batches, a periodic snapshot and the
// shutdown snapshot.
void WriteHistory(const std::string& dir) {
  SequencerOptions o;
  o.data_dir = dir;
  o.segment_size_bytes = 2 << 20;
  o.snapshot_every_batches = 10;
  auto s = Sequencer::Open(o);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::vector<Account> accounts;
  for (int i = 1; i <= 20; ++i) {
    Account a{};
    a.id = i;
    a.ledger = 840;
    a.code = 1;
    accounts.push_back(a);
  }
  ASSERT_TRUE((*s)->SubmitAndWait(EncodeCreateAccounts(accounts)).status.ok());
  std::mt19937_64 rng(5);
  for (int b = 0; b < 25; ++b) {
    std::vector<Transfer> ts(1 + rng() % 20);
    for (Transfer& t : ts) {
      t = Transfer{};
      t.id = 1000 + b * 100 + (&t - ts.data());
      t.debit_account_id = 1 + rng() % 10;
      t.credit_account_id = 11 + rng() % 10;
      t.amount = 1 + rng() % 500;
      t.ledger = 840;
      t.code = 1;
    }
    ASSERT_TRUE((*s)->SubmitAndWait(EncodeCreateTransfers(ts)).status.ok());
  }
}

struct FileBytes {
  std::string path;
  uint64_t size;
};

std::vector<FileBytes> FilesUnder(const std::string& dir) {
  std::vector<FileBytes> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "LOCK") continue;
    out.push_back({e.path().string(), e.file_size()});
  }
  std::sort(out.begin(), out.end(), [](const FileBytes& a, const FileBytes& b) {
    return a.path < b.path;
  });
  return out;
}

using meridian::testing::FlipByte;

// The last non-zero byte of a file: where the records end.
uint64_t DataEnd(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), {});
  uint64_t end = 0;
  for (uint64_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != 0) end = i + 1;
  }
  return end;
}

TEST(VerifyTest, CleanDirectoryVerifies) {
  meridian::testing::TempDir dir;
  WriteHistory(dir.path());
  auto report = VerifyDataDir(dir.path());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->batches, 26u);
  EXPECT_EQ(report->snapshot_seq, 26u);
  EXPECT_EQ(report->accounts, 20u);
}

TEST(VerifyTest, EverySingleByteFlipInTheJournalIsDetected) {
  meridian::testing::TempDir dir;
  WriteHistory(dir.path());
  ASSERT_TRUE(VerifyDataDir(dir.path()).ok());
  std::string segment = dir.path() + "/journal/segment-000001.log";
  const uint64_t data_end = DataEnd(segment);
  const uint64_t file_size = std::filesystem::file_size(segment);
  ASSERT_GT(data_end, 1000u);
  std::mt19937_64 rng(20261124);
  int flips = 0;
  // Mostly where the records are (headers, payloads, padding), some in the
  // preallocated zeros after them.
  for (int i = 0; i < 400; ++i) {
    uint64_t offset = i < 340 ? rng() % (data_end + 256) : rng() % file_size;
    FlipByte(segment, offset);
    auto report = VerifyDataDir(dir.path());
    EXPECT_FALSE(report.ok())
        << "flip at offset " << offset << " went unnoticed";
    if (!report.ok()) {
      EXPECT_EQ(report.error().code, ErrorCode::kDATA_CORRUPTED) << offset;
    }
    FlipByte(segment, offset);  // restore
    ++flips;
  }
  EXPECT_EQ(flips, 400);
  ASSERT_TRUE(VerifyDataDir(dir.path()).ok());
}

TEST(VerifyTest, ByteFlipsInTheNewestSnapshotAreDetected) {
  meridian::testing::TempDir dir;
  WriteHistory(dir.path());
  std::vector<FileBytes> files = FilesUnder(dir.path() + "/snapshots");
  ASSERT_FALSE(files.empty());
  const FileBytes& newest = files.back();
  // Every field of the 160-byte header (a damaged header hides the file
  // from the listing, which must not hide the damage), then random bytes.
  std::vector<uint64_t> offsets;
  for (uint64_t o = 0; o < 160; o += 4) offsets.push_back(o);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50; ++i) offsets.push_back(rng() % newest.size);
  for (uint64_t offset : offsets) {
    FlipByte(newest.path, offset);
    EXPECT_FALSE(VerifyDataDir(dir.path()).ok())
        << "snapshot offset " << offset;
    FlipByte(newest.path, offset);
  }
}

TEST(VerifyTest, ReportsMissingDirectory) {
  auto report = VerifyDataDir("/nonexistent/meridian");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kNOT_FOUND);
}

}  // namespace
}  // namespace meridian::engine
