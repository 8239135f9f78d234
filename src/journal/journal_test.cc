#include "journal/journal.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/testing/temp_dir.h"
#include "journal/internal/format.h"

namespace meridian::journal {

void PrintTo(const Position& p, std::ostream* os) {
  *os << PositionToString(p);
}

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// A batch as written (or read back), owning its commands.
struct StoredBatch {
  BatchHeader header;
  Position position;
  std::vector<Bytes> commands;

  friend bool operator==(const StoredBatch&, const StoredBatch&) = default;
};

void PrintTo(const StoredBatch& b, std::ostream* os) {
  *os << "{seq " << b.header.seq << " at " << PositionToString(b.position)
      << ", " << b.commands.size() << " commands}";
}

std::function<Status(const Batch&)> CollectInto(std::vector<StoredBatch>* out) {
  return [out](const Batch& batch) {
    StoredBatch stored{batch.header, batch.position, {}};
    for (auto command : batch.commands) {
      stored.commands.emplace_back(command.begin(), command.end());
    }
    out->push_back(std::move(stored));
    return Status::Ok();
  };
}

Status IgnoreBatch(const Batch&) { return Status::Ok(); }

using meridian::testing::ReadFileBytes;
using meridian::testing::WriteFileBytes;

// Each test gets a fresh directory under the test's TMPDIR, removed after.
class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "journal_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ + "/journal";
  }
  void TearDown() override { fs::remove_all(root_); }

  JournalOptions Options(uint64_t segment_size_bytes = 8192,
                         uint32_t max_record_bytes = 4096,
                         bool sync = true) const {
    JournalOptions options;
    options.dir = dir_;
    options.segment_size_bytes = segment_size_bytes;
    options.max_record_bytes = max_record_bytes;
    options.sync = sync;
    return options;
  }

  std::string SegmentPath(uint32_t number) const {
    return dir_ + "/" + internal::SegmentFileName(number);
  }

  std::unique_ptr<Journal> MustOpen(const JournalOptions& options,
                                    std::vector<StoredBatch>* replayed,
                                    const ReplayStart& start = {}) {
    std::vector<StoredBatch> ignored;
    auto journal = Journal::Open(options, start,
                                 CollectInto(replayed ? replayed : &ignored));
    EXPECT_TRUE(journal.ok()) << journal.status().ToString();
    if (!journal.ok()) return nullptr;
    return std::move(journal).value();
  }

  // Random commands of 0..max_bytes bytes each.
  std::vector<Bytes> RandomCommands(size_t count, size_t max_bytes,
                                    size_t min_bytes = 0) {
    std::vector<Bytes> commands(count);
    for (Bytes& command : commands) {
      command.resize(min_bytes + rng_() % (max_bytes - min_bytes + 1));
      for (uint8_t& b : command) b = static_cast<uint8_t>(rng_());
    }
    return commands;
  }

  StoredBatch Append(Journal* journal, std::vector<Bytes> commands) {
    std::vector<std::span<const uint8_t>> views(commands.begin(),
                                                commands.end());
    time_ns_ += 1 + static_cast<int64_t>(rng_() % 1000);
    Journal::Record record = journal->Prepare(time_ns_, views);
    Result<Position> position = journal->Write(record);
    EXPECT_TRUE(position.ok()) << position.status().ToString();
    return StoredBatch{record.header, position.ok() ? *position : Position{},
                       std::move(commands)};
  }

  // Appends `count` batches of 0..max_commands random commands.
  std::vector<StoredBatch> AppendRandom(Journal* journal, int count,
                                        size_t max_commands = 8,
                                        size_t max_command_bytes = 200) {
    std::vector<StoredBatch> batches;
    for (int i = 0; i < count; ++i) {
      batches.push_back(Append(
          journal,
          RandomCommands(rng_() % (max_commands + 1), max_command_bytes)));
    }
    return batches;
  }

  static uint64_t RecordSize(const StoredBatch& b) {
    uint64_t bytes = 0;
    for (const Bytes& c : b.commands) bytes += c.size();
    return RecordBytes(b.commands.size(), bytes);
  }

  // The ReplayStart a snapshot taken right after `b` would give.
  static ReplayStart StartAfter(const StoredBatch& b) {
    ReplayStart start;
    start.position = {b.position.segment, b.position.offset + RecordSize(b)};
    start.next_seq = b.header.seq + 1;
    start.next_command_index =
        b.header.first_command_index + b.header.command_count;
    start.prev_hash = BatchHash(b.header);
    start.last_time_ns = b.header.time_ns;
    return start;
  }

  void Restore(const std::string& pristine) {
    fs::remove_all(dir_);
    fs::copy(pristine, dir_, fs::copy_options::recursive);
  }

  std::string Snapshot() {
    std::string copy = root_ + "/pristine";
    fs::remove_all(copy);
    fs::copy(dir_, copy, fs::copy_options::recursive);
    return copy;
  }

  std::string root_;
  std::string dir_;
  std::mt19937_64 rng_{42};
  int64_t time_ns_ = 1'700'000'000'000'000'000;
};

TEST_F(JournalTest, EmptyJournalCreatesFirstSegment) {
  std::vector<StoredBatch> replayed;
  auto journal = MustOpen(Options(), &replayed);
  ASSERT_NE(journal, nullptr);
  EXPECT_TRUE(replayed.empty());
  EXPECT_EQ(journal->next_seq(), 1u);
  EXPECT_EQ(journal->next_command_index(), 0u);
  EXPECT_EQ(journal->last_hash(), Sha256Digest{});
  EXPECT_EQ(journal->end_position(), (Position{1, kFirstRecordOffset}));
  EXPECT_EQ(fs::file_size(SegmentPath(1)), 8192u);
  journal.reset();
  EXPECT_TRUE(VerifyJournal(dir_, IgnoreBatch).ok());
  journal = MustOpen(Options(), &replayed);
  EXPECT_TRUE(replayed.empty());
}

TEST_F(JournalTest, RoundTripAcrossSegments) {
  auto journal = MustOpen(Options(), nullptr);
  std::vector<StoredBatch> written = AppendRandom(journal.get(), 60);
  // Prepare assigned the chain.
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(written[i].header.seq, i + 1);
    EXPECT_EQ(written[i].header.prev_hash,
              i == 0 ? Sha256Digest{} : BatchHash(written[i - 1].header));
  }
  EXPECT_EQ(journal->next_seq(), 61u);
  EXPECT_EQ(journal->last_hash(), BatchHash(written.back().header));
  Position end = journal->end_position();
  EXPECT_EQ(end, (Position{written.back().position.segment,
                           written.back().position.offset +
                               RecordSize(written.back())}));
  journal.reset();
  EXPECT_GE(written.back().position.segment, 4u) << "want several rollovers";

  std::vector<StoredBatch> replayed;
  journal = MustOpen(Options(), &replayed);
  EXPECT_EQ(replayed, written);
  EXPECT_EQ(journal->end_position(), end);
  EXPECT_EQ(journal->next_seq(), 61u);

  // Appending after a reopen continues the chain.
  std::vector<StoredBatch> more = AppendRandom(journal.get(), 20);
  EXPECT_EQ(more.front().header.seq, 61u);
  EXPECT_EQ(more.front().header.prev_hash, BatchHash(written.back().header));
  written.insert(written.end(), more.begin(), more.end());
  journal.reset();

  replayed.clear();
  journal = MustOpen(Options(), &replayed);
  EXPECT_EQ(replayed, written);
  journal.reset();

  std::vector<StoredBatch> verified;
  Status verify = VerifyJournal(dir_, CollectInto(&verified));
  EXPECT_TRUE(verify.ok()) << verify.ToString();
  EXPECT_EQ(verified, written);
}

TEST_F(JournalTest, EmptyBatchesAndLargestRecord) {
  auto journal = MustOpen(Options(), nullptr);
  std::vector<StoredBatch> written;
  written.push_back(Append(journal.get(), {}));
  // Exactly max_record_bytes: one command filling the record.
  written.push_back(
      Append(journal.get(), {Bytes(4096 - kRecordHeaderBytes - 4, 0xAB)}));
  written.push_back(Append(journal.get(), {Bytes{}}));
  EXPECT_EQ(RecordSize(written[1]), 4096u);
  journal.reset();
  std::vector<StoredBatch> replayed;
  journal = MustOpen(Options(), &replayed);
  EXPECT_EQ(replayed, written);
  EXPECT_EQ(replayed[0].header.merkle_root, MerkleRoot({}));
}

TEST_F(JournalTest, PrepareOnOneThreadWriteOnAnother) {
  auto journal = MustOpen(Options(), nullptr);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Journal::Record> queue;
  bool done = false;
  std::vector<Position> positions;
  std::thread writer([&] {
    while (true) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done || !queue.empty(); });
      if (queue.empty()) return;
      Journal::Record record = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      Result<Position> at = journal->Write(record);
      ASSERT_TRUE(at.ok()) << at.status().ToString();
      positions.push_back(*at);
    }
  });
  std::vector<StoredBatch> prepared;
  for (int i = 0; i < 200; ++i) {
    std::vector<Bytes> commands = RandomCommands(1 + rng_() % 5, 100);
    std::vector<std::span<const uint8_t>> views(commands.begin(),
                                                commands.end());
    Journal::Record record = journal->Prepare(++time_ns_, views);
    prepared.push_back(StoredBatch{record.header, {}, commands});
    std::lock_guard<std::mutex> lock(mu);
    queue.push_back(std::move(record));
    cv.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_one();
  }
  writer.join();
  ASSERT_EQ(positions.size(), prepared.size());
  for (size_t i = 0; i < prepared.size(); ++i) {
    prepared[i].position = positions[i];
  }
  journal.reset();
  std::vector<StoredBatch> replayed;
  journal = MustOpen(Options(), &replayed);
  EXPECT_EQ(replayed, prepared);
}

TEST_F(JournalTest, ReplayFromTheMiddle) {
  auto journal = MustOpen(Options(), nullptr);
  std::vector<StoredBatch> written = AppendRandom(journal.get(), 40);
  journal.reset();
  for (size_t k = 0; k < written.size(); ++k) {
    // After batch k, from the end of its record (what end_position() said).
    std::vector<StoredBatch> replayed;
    journal = MustOpen(Options(), &replayed, StartAfter(written[k]));
    ASSERT_NE(journal, nullptr) << "k=" << k;
    EXPECT_EQ(replayed,
              std::vector<StoredBatch>(written.begin() + k + 1, written.end()))
        << "k=" << k;
    EXPECT_EQ(journal->next_seq(), written.size() + 1);
    journal.reset();
    // And from the start of the next record when it opens a segment.
    if (k + 1 < written.size() &&
        written[k + 1].position.offset == kFirstRecordOffset) {
      ReplayStart start = StartAfter(written[k]);
      start.position = Position{written[k + 1].position.segment, 0};
      replayed.clear();
      journal = MustOpen(Options(), &replayed, start);
      EXPECT_EQ(replayed.size(), written.size() - k - 1);
      journal.reset();
    }
  }
  // Appending after a replay from the middle continues the chain.
  journal = MustOpen(Options(), nullptr, StartAfter(written[30]));
  std::vector<StoredBatch> more = AppendRandom(journal.get(), 3);
  EXPECT_EQ(more[0].header.seq, 41u);
  EXPECT_EQ(more[0].header.prev_hash, BatchHash(written.back().header));
  journal.reset();
  EXPECT_TRUE(VerifyJournal(dir_, IgnoreBatch).ok());
}

TEST_F(JournalTest, ReplayStartThatDoesNotFitIsRefused) {
  auto journal = MustOpen(Options(), nullptr);
  std::vector<StoredBatch> written = AppendRandom(journal.get(), 20);
  journal.reset();
  const StoredBatch& b = written[9];
  auto refused = [&](ReplayStart start, const std::string& want) {
    auto opened = Journal::Open(Options(), start, IgnoreBatch);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
    EXPECT_NE(opened.error().message.find(want), std::string::npos)
        << opened.error().message;
  };
  ReplayStart start = StartAfter(b);
  start.prev_hash[0] ^= 1;
  refused(start, "does not follow the batch before it");
  start = StartAfter(b);
  start.next_seq += 1;
  refused(start, "does not follow the batch before it");
  start = StartAfter(b);
  start.position.offset += 8;
  refused(start, internal::SegmentFileName(start.position.segment) +
                     " offset " + std::to_string(start.position.offset));
  start = StartAfter(b);
  start.position.segment = 99;
  refused(start, "segment-000099.log");
  // A snapshot ahead of the journal: its position lies past the data.
  start = StartAfter(written[18]);
  start.position = written.back().position;
  start.position.offset += 64;
  refused(start, PositionToString(start.position));
}

TEST_F(JournalTest, TornTailEveryCutLength) {
  // sync=false: this test reopens the journal hundreds of times; it checks
  // recovery logic, not the disk.
  JournalOptions options = Options(8192, 4096, /*sync=*/false);
  auto journal = MustOpen(options, nullptr);
  std::vector<StoredBatch> written = AppendRandom(journal.get(), 6, 4, 120);
  written.push_back(Append(journal.get(), RandomCommands(3, 150)));
  journal.reset();
  const StoredBatch& last = written.back();
  const uint64_t last_size = RecordSize(last);
  ASSERT_GT(last_size, 300u);
  const std::string pristine = Snapshot();
  const std::string path = SegmentPath(last.position.segment);
  const std::vector<StoredBatch> kept(written.begin(), written.end() - 1);

  // Each shape of torn write: (what survives of the record) -> bytes.
  auto check_recovers = [&](const std::string& label,
                            const std::function<void(Bytes*)>& tear) {
    Restore(pristine);
    Bytes file = ReadFileBytes(path);
    tear(&file);
    WriteFileBytes(path, file);
    std::vector<StoredBatch> replayed;
    auto reopened = MustOpen(options, &replayed);
    ASSERT_NE(reopened, nullptr) << label;
    EXPECT_EQ(replayed, kept) << label;
    EXPECT_EQ(reopened->end_position(), last.position) << label;
    // Appends continue where the torn record was.
    StoredBatch next = Append(reopened.get(), RandomCommands(2, 50));
    EXPECT_EQ(next.position, last.position) << label;
    EXPECT_EQ(next.header.seq, last.header.seq) << label;
    reopened.reset();
    std::vector<StoredBatch> verified;
    Status verify = VerifyJournal(dir_, CollectInto(&verified));
    EXPECT_TRUE(verify.ok()) << label << ": " << verify.ToString();
    ASSERT_EQ(verified.size(), kept.size() + 1) << label;
    EXPECT_TRUE(std::equal(kept.begin(), kept.end(), verified.begin()))
        << label;
  };

  const uint64_t start = last.position.offset;
  // Cutting off trailing bytes that are zero anyway (padding, a command
  // ending in zeros) leaves the record whole: those cuts are not tears.
  const Bytes original = ReadFileBytes(path);
  uint64_t content_end = last_size;
  while (content_end > 0 && original[start + content_end - 1] == 0) {
    --content_end;
  }
  for (uint64_t cut = 0; cut < content_end; ++cut) {
    check_recovers("prefix of " + std::to_string(cut) + " bytes",
                   [&](Bytes* f) {
                     std::fill(f->begin() + start + cut,
                               f->begin() + start + last_size, 0);
                   });
  }
  // Sectors reaching the disk out of order: the header never made it...
  for (uint64_t lost : {8u, 64u, 128u, 200u}) {
    check_recovers(
        "first " + std::to_string(lost) + " bytes lost", [&](Bytes* f) {
          std::fill(f->begin() + start, f->begin() + start + lost, 0);
        });
  }
  // ... or a hole in the middle.
  check_recovers("hole in the payload", [&](Bytes* f) {
    std::fill(f->begin() + start + 150, f->begin() + start + 250, 0);
  });
  // Garbage after an intact header.
  check_recovers("garbage payload", [&](Bytes* f) {
    for (uint64_t i = kRecordHeaderBytes; i < last_size; ++i) {
      (*f)[start + i] = static_cast<uint8_t>(rng_());
    }
  });
  // A header of garbage.
  check_recovers("garbage header", [&](Bytes* f) {
    for (uint64_t i = 0; i < kRecordHeaderBytes; ++i) {
      (*f)[start + i] = static_cast<uint8_t>(rng_());
    }
  });
}

TEST_F(JournalTest, TornFirstRecordOfANewSegment) {
  JournalOptions options = Options(8192, 4096, /*sync=*/false);
  auto journal = MustOpen(options, nullptr);
  std::vector<StoredBatch> written;
  while (written.empty() || written.back().position.segment < 2) {
    written.push_back(Append(journal.get(), RandomCommands(4, 300)));
  }
  journal.reset();
  const StoredBatch& last = written.back();
  ASSERT_EQ(last.position.offset, kFirstRecordOffset);
  Bytes file = ReadFileBytes(SegmentPath(2));
  std::fill(file.begin() + kFirstRecordOffset + 100, file.end(), 0);
  WriteFileBytes(SegmentPath(2), file);
  std::vector<StoredBatch> replayed;
  journal = MustOpen(options, &replayed);
  EXPECT_EQ(replayed.size(), written.size() - 1);
  EXPECT_EQ(journal->end_position(), (Position{2, kFirstRecordOffset}));
  StoredBatch next = Append(journal.get(), RandomCommands(1, 10));
  EXPECT_EQ(next.position, (Position{2, kFirstRecordOffset}));
  journal.reset();
  EXPECT_TRUE(VerifyJournal(dir_, IgnoreBatch).ok());
}

TEST_F(JournalTest, DamagedMiddleRecordIsRefusedWithSegmentAndOffset) {
  JournalOptions options = Options(8192, 4096, /*sync=*/false);
  auto journal = MustOpen(options, nullptr);
  std::vector<StoredBatch> written;
  for (int i = 0; i < 40; ++i) {
    written.push_back(
        Append(journal.get(), RandomCommands(1 + rng_() % 6, 200, 4)));
  }
  journal.reset();
  ASSERT_GE(written.back().position.segment, 3u);
  const std::string pristine = Snapshot();
  auto expect_refused = [&](size_t k, uint64_t byte_in_record,
                            const std::string& label) {
    Restore(pristine);
    const StoredBatch& b = written[k];
    std::string path = SegmentPath(b.position.segment);
    Bytes file = ReadFileBytes(path);
    file[b.position.offset + byte_in_record] ^= 0x10;
    WriteFileBytes(path, file);
    auto opened = Journal::Open(options, {}, IgnoreBatch);
    ASSERT_FALSE(opened.ok()) << label;
    EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
    std::string where = internal::SegmentFileName(b.position.segment) +
                        " offset " + std::to_string(b.position.offset) + ":";
    EXPECT_NE(opened.error().message.find(where), std::string::npos)
        << label << ": " << opened.error().message;
    // Nothing was modified.
    EXPECT_EQ(ReadFileBytes(path), file) << label;
  };
  for (size_t k : {0ul, 7ul, 20ul, written.size() - 2}) {
    expect_refused(k, 0, "magic of batch " + std::to_string(k));
    expect_refused(k, 20, "seq of batch " + std::to_string(k));
    expect_refused(k, kRecordHeaderBytes + 2,
                   "payload of " + std::to_string(k));
  }
  // The last record of a segment that is not the last one.
  for (size_t k = 0; k + 1 < written.size(); ++k) {
    if (written[k + 1].position.segment != written[k].position.segment) {
      expect_refused(k, RecordSize(written[k]) - 1, "last of its segment");
      break;
    }
  }
  // A whole middle record zeroed.
  Restore(pristine);
  const StoredBatch& b = written[12];
  std::string path = SegmentPath(b.position.segment);
  Bytes file = ReadFileBytes(path);
  std::fill(file.begin() + b.position.offset,
            file.begin() + b.position.offset + RecordSize(b), 0);
  WriteFileBytes(path, file);
  auto opened = Journal::Open(options, {}, IgnoreBatch);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
}

// Rewrites a record's header fields and fixes its CRCs, as a forger would.
void ForgeRecord(const std::string& path, uint64_t offset,
                 const std::function<void(uint8_t* record)>& edit) {
  Bytes file = ReadFileBytes(path);
  uint8_t* record = file.data() + offset;
  edit(record);
  uint32_t record_bytes;
  std::memcpy(&record_bytes, record + 8, 4);
  uint32_t body_crc =
      Crc32c(record + kRecordHeaderBytes, record_bytes - kRecordHeaderBytes);
  std::memcpy(record + internal::kBodyCrcOffset, &body_crc, 4);
  uint32_t header_crc = Crc32c(record, internal::kHeaderCrcOffset);
  std::memcpy(record + internal::kHeaderCrcOffset, &header_crc, 4);
  WriteFileBytes(path, file);
}

TEST_F(JournalTest, ForgedRecordsWithGoodCrcsAreRefused) {
  JournalOptions options = Options(8192, 4096, /*sync=*/false);
  auto journal = MustOpen(options, nullptr);
  std::vector<StoredBatch> written;
  for (uint8_t i = 0; i < 12; ++i) {
    written.push_back(
        Append(journal.get(), {Bytes(50, i), Bytes(30, i + 1), Bytes(9, i)}));
  }
  journal.reset();
  const std::string pristine = Snapshot();
  struct Forgery {
    std::string name;
    std::function<void(uint8_t*)> edit;
    std::string want;
  };
  std::vector<Forgery> forgeries = {
      {"prev_hash", [](uint8_t* r) { r[internal::kPrevHashOffset + 5] ^= 1; },
       "hash chain broken"},
      {"merkle_root", [](uint8_t* r) { r[internal::kMerkleRootOffset] ^= 1; },
       "merkle_root does not match"},
      {"seq", [](uint8_t* r) { r[16] += 1; }, "was expected"},
      {"first_command_index", [](uint8_t* r) { r[24] += 1; }, "was expected"},
      {"time_ns", [](uint8_t* r) { std::memset(r + 36, 0, 8); },
       "is not after the previous batch"},
      {"a command byte (Merkle)",
       [](uint8_t* r) { r[kRecordHeaderBytes + 4] ^= 1; },
       "merkle_root does not match"},
  };
  // In the middle, and on the very last record: a record with good CRCs is
  // never taken for a torn write.
  for (size_t k : {5ul, written.size() - 1}) {
    const StoredBatch& b = written[k];
    ASSERT_GT(b.commands.size(), 0u);
    ASSERT_GT(b.commands[0].size(), 0u);
    for (const Forgery& forgery : forgeries) {
      Restore(pristine);
      ForgeRecord(SegmentPath(b.position.segment), b.position.offset,
                  forgery.edit);
      auto opened = Journal::Open(options, {}, IgnoreBatch);
      ASSERT_FALSE(opened.ok()) << forgery.name << " k=" << k;
      EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
      EXPECT_NE(opened.error().message.find(forgery.want), std::string::npos)
          << forgery.name << ": " << opened.error().message;
      EXPECT_NE(opened.error().message.find(PositionToString(b.position)),
                std::string::npos)
          << opened.error().message;
      Status verify = VerifyJournal(dir_, IgnoreBatch);
      EXPECT_EQ(verify.code(), ErrorCode::kDATA_CORRUPTED) << forgery.name;
    }
  }
}

TEST_F(JournalTest, VerifyReportsEveryByteFlip) {
  JournalOptions options = Options(4096, 2048, /*sync=*/false);
  auto journal = MustOpen(options, nullptr);
  std::vector<StoredBatch> written;
  // Into segment 3 and past its half, where the spare segment 4 is prepared
  // (a roll needs a nearly full segment, so this stops in segment 3).
  while (written.empty() || written.back().position.segment < 3 ||
         journal->end_position().offset < options.segment_size_bytes / 2) {
    written.push_back(Append(journal.get(), RandomCommands(rng_() % 5, 150)));
  }
  journal.reset();  // joins the background preparation of the spare segment
  ASSERT_EQ(written.back().position.segment, 3u);
  std::vector<StoredBatch> clean;
  ASSERT_TRUE(VerifyJournal(dir_, CollectInto(&clean)).ok());
  ASSERT_EQ(clean, written);
  const std::string pristine = Snapshot();

  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (internal::ParseSegmentFileName(entry.path().filename().string())) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  ASSERT_EQ(paths.size(), written.back().position.segment + 1u)
      << "the spare segment is there too";
  const StoredBatch& last = written.back();
  int flips = 0;
  int open_refused = 0, open_truncated = 0, open_repaired_zeros = 0;
  for (size_t s = 0; s < paths.size(); ++s) {
    const uint32_t segment = static_cast<uint32_t>(s + 1);
    Bytes file = ReadFileBytes(paths[s]);
    for (size_t i = 0; i < file.size(); ++i) {
      const uint8_t mask = static_cast<uint8_t>(1u << (i % 8));
      file[i] ^= mask;
      WriteFileBytes(paths[s], file);
      ++flips;
      Status verify = VerifyJournal(dir_, IgnoreBatch);
      ASSERT_EQ(verify.code(), ErrorCode::kDATA_CORRUPTED)
          << paths[s] << " byte " << i << ": " << verify.ToString();
      EXPECT_NE(verify.error().message.find("segment-"), std::string::npos);
      // Open on every 5th flip: either refuses, or replays all batches but
      // (when the flip is in the last record) the last, never a wrong one.
      if (i % 5 == 0) {
        std::vector<StoredBatch> replayed;
        auto opened = Journal::Open(options, {}, CollectInto(&replayed));
        bool in_last_record = segment == last.position.segment &&
                              i >= last.position.offset &&
                              i < last.position.offset + RecordSize(last);
        if (!opened.ok()) {
          EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
          EXPECT_FALSE(in_last_record) << "byte " << i;
          ++open_refused;
        } else {
          ASSERT_LE(replayed.size(), written.size());
          EXPECT_TRUE(
              std::equal(replayed.begin(), replayed.end(), written.begin()));
          if (in_last_record) {
            EXPECT_EQ(replayed.size(), written.size() - 1);
            ++open_truncated;
          } else {
            EXPECT_EQ(replayed.size(), written.size()) << "byte " << i;
            ++open_repaired_zeros;
          }
          opened.value().reset();
          Status after = VerifyJournal(dir_, IgnoreBatch);
          EXPECT_TRUE(after.ok()) << after.ToString();
          Restore(pristine);  // Open repaired the copy under test
        }
      }
      file[i] ^= mask;
    }
    WriteFileBytes(paths[s], file);
  }
  EXPECT_GT(flips, 16000);
  EXPECT_GT(open_refused, 0);
  EXPECT_GT(open_truncated, 0);
  EXPECT_GT(open_repaired_zeros, 0);
}

TEST_F(JournalTest, MissingSegmentsAreReported) {
  JournalOptions options = Options(4096, 2048, /*sync=*/false);
  auto journal = MustOpen(options, nullptr);
  std::vector<StoredBatch> written = AppendRandom(journal.get(), 60, 4, 150);
  journal.reset();
  ASSERT_GE(written.back().position.segment, 4u);
  const std::string pristine = Snapshot();

  fs::remove(SegmentPath(2));
  Status verify = VerifyJournal(dir_, IgnoreBatch);
  EXPECT_EQ(verify.code(), ErrorCode::kDATA_CORRUPTED);
  EXPECT_NE(verify.ToString().find("segment-000002.log offset 0: missing"),
            std::string::npos)
      << verify.ToString();
  auto opened = Journal::Open(options, {}, IgnoreBatch);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("segment-000002.log"),
            std::string::npos);

  Restore(pristine);
  fs::remove(SegmentPath(1));
  verify = VerifyJournal(dir_, IgnoreBatch);
  EXPECT_NE(verify.ToString().find("segment-000001.log offset 0: missing"),
            std::string::npos)
      << verify.ToString();

  // Whole segments gone from the end look like a shorter journal to Open
  // from the start; a ReplayStart from a later snapshot catches it.
  Restore(pristine);
  uint32_t last_segment = written.back().position.segment;
  fs::remove(SegmentPath(last_segment + 1));  // the spare
  fs::remove(SegmentPath(last_segment));
  opened = Journal::Open(options, StartAfter(written.back()), IgnoreBatch);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(
      opened.error().message.find(internal::SegmentFileName(last_segment)),
      std::string::npos)
      << opened.error().message;
  opened = Journal::Open(options, {}, IgnoreBatch);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
}

TEST_F(JournalTest, VisitErrorsAbortReplay) {
  auto journal = MustOpen(Options(), nullptr);
  AppendRandom(journal.get(), 10);
  journal.reset();
  int seen = 0;
  auto stop_at_5 = [&](const Batch& batch) -> Status {
    if (++seen == 5) {
      return MakeError(ErrorCode::kINTERNAL_ERROR, "", "engine says no");
    }
    return Status::Ok();
  };
  auto opened = Journal::Open(Options(), {}, stop_at_5);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message, "engine says no");
  seen = 0;
  Status verify = VerifyJournal(dir_, stop_at_5);
  EXPECT_EQ(verify.code(), ErrorCode::kINTERNAL_ERROR);
}

TEST_F(JournalTest, SecondOpenOfTheSameDirectoryIsRefused) {
  auto journal = MustOpen(Options(), nullptr);
  auto second = Journal::Open(Options(), {}, IgnoreBatch);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kIO_ERROR);
  EXPECT_NE(second.error().message.find("already open"), std::string::npos);
  journal.reset();
  EXPECT_TRUE(Journal::Open(Options(), {}, IgnoreBatch).ok());
}

TEST_F(JournalTest, BadOptionsAreRejected) {
  auto code = [&](JournalOptions options) {
    return Journal::Open(options, {}, IgnoreBatch).status().code();
  };
  EXPECT_EQ(code(Options(1000, 512)), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(code(Options(8192, 8192)), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(code(Options(8192, 100)), ErrorCode::kINVALID_PARAMETER);
  JournalOptions no_dir = Options();
  no_dir.dir.clear();
  EXPECT_EQ(code(no_dir), ErrorCode::kINVALID_PARAMETER);
}

TEST_F(JournalTest, SegmentSizeCanChangeBetweenRuns) {
  auto journal = MustOpen(Options(8192, 4096), nullptr);
  std::vector<StoredBatch> written = AppendRandom(journal.get(), 30);
  // Past half of the last segment, so the spare (old size) is prepared.
  while (journal->end_position().offset < 8192 / 2) {
    written.push_back(Append(journal.get(), RandomCommands(1, 100)));
  }
  journal.reset();
  const uint32_t last_segment = written.back().position.segment;
  ASSERT_EQ(fs::file_size(SegmentPath(last_segment + 1)), 8192u)
      << "a spare of the old size";
  std::vector<StoredBatch> replayed;
  journal = MustOpen(Options(16384, 8192), &replayed);
  EXPECT_EQ(replayed, written);
  std::vector<StoredBatch> more;
  while (more.empty() || more.back().position.segment < last_segment + 2) {
    more.push_back(Append(journal.get(), RandomCommands(4, 500)));
  }
  journal.reset();
  EXPECT_EQ(fs::file_size(SegmentPath(last_segment)), 8192u);
  EXPECT_EQ(fs::file_size(SegmentPath(last_segment + 1)), 16384u);
  written.insert(written.end(), more.begin(), more.end());
  std::vector<StoredBatch> verified;
  Status verify = VerifyJournal(dir_, CollectInto(&verified));
  EXPECT_TRUE(verify.ok()) << verify.ToString();
  EXPECT_EQ(verified, written);
}

TEST_F(JournalTest, LeftoverTempSegmentIsRemoved) {
  auto journal = MustOpen(Options(), nullptr);
  AppendRandom(journal.get(), 3);
  journal.reset();
  WriteFileBytes(dir_ + "/segment-000009.log.tmp", Bytes(100, 7));
  std::vector<StoredBatch> replayed;
  journal = MustOpen(Options(), &replayed);
  EXPECT_EQ(replayed.size(), 3u);
  EXPECT_FALSE(fs::exists(dir_ + "/segment-000009.log.tmp"));
  journal.reset();
  EXPECT_TRUE(VerifyJournal(dir_, IgnoreBatch).ok());
}

TEST(JournalDeathTest, CallerBugsStopTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::string dir = ::testing::TempDir() + "journal_death_test";
  std::filesystem::remove_all(dir);
  JournalOptions options;
  options.dir = dir;
  options.segment_size_bytes = 8192;
  options.max_record_bytes = 4096;
  options.sync = false;
  Bytes big(5000, 1);
  std::span<const uint8_t> big_view[] = {big};
  EXPECT_DEATH(
      {
        auto journal = Journal::Open(options, {}, IgnoreBatch);
        journal.value()->Prepare(1, big_view);
      },
      "max_record_bytes");
  EXPECT_DEATH(
      {
        auto journal = Journal::Open(options, {}, IgnoreBatch);
        journal.value()->Prepare(10, {});
        journal.value()->Prepare(10, {});
      },
      "not after the previous batch");
  EXPECT_DEATH(
      {
        auto journal = Journal::Open(options, {}, IgnoreBatch);
        Journal::Record first = journal.value()->Prepare(10, {});
        Journal::Record second = journal.value()->Prepare(11, {});
        (void)journal.value()->Write(second);
      },
      "Prepare order");
  std::filesystem::remove_all(dir);
}

TEST(BatchHashTest, CoversEveryField) {
  BatchHeader h;
  h.seq = 7;
  h.first_command_index = 100;
  h.command_count = 3;
  h.time_ns = 123456789;
  h.prev_hash[0] = 1;
  h.merkle_root[31] = 2;
  Sha256Digest base = BatchHash(h);
  uint8_t encoded[internal::kBatchHeaderBytes];
  internal::EncodeBatchHeader(h, encoded);
  EXPECT_EQ(base, Sha256(std::span<const uint8_t>(encoded)));
  EXPECT_EQ(internal::DecodeBatchHeader(encoded), h);
  auto changed = [&](auto edit) {
    BatchHeader c = h;
    edit(&c);
    return BatchHash(c) != base;
  };
  EXPECT_TRUE(changed([](BatchHeader* c) { c->seq++; }));
  EXPECT_TRUE(changed([](BatchHeader* c) { c->first_command_index++; }));
  EXPECT_TRUE(changed([](BatchHeader* c) { c->command_count++; }));
  EXPECT_TRUE(changed([](BatchHeader* c) { c->time_ns++; }));
  EXPECT_TRUE(changed([](BatchHeader* c) { c->prev_hash[9] ^= 1; }));
  EXPECT_TRUE(changed([](BatchHeader* c) { c->merkle_root[3] ^= 1; }));
}

TEST(FormatTest, SegmentFileNames) {
  EXPECT_EQ(internal::SegmentFileName(3), "segment-000003.log");
  EXPECT_EQ(internal::ParseSegmentFileName("segment-000003.log"), 3u);
  EXPECT_EQ(internal::ParseSegmentFileName("segment-999999.log"), 999999u);
  EXPECT_FALSE(internal::ParseSegmentFileName("segment-000000.log"));
  EXPECT_FALSE(internal::ParseSegmentFileName("segment-00003.log"));
  EXPECT_FALSE(internal::ParseSegmentFileName("segment-000003.log.tmp"));
  EXPECT_FALSE(internal::ParseSegmentFileName("segment-00000a.log"));
  EXPECT_EQ(RecordBytes(0, 0), 128u);
  EXPECT_EQ(RecordBytes(1, 1), 136u);
  EXPECT_EQ(RecordBytes(2, 8), 144u);
}

}  // namespace
}  // namespace meridian::journal
