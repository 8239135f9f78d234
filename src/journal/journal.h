// The journal: the durable, hash-chained, append-only log of batches that the
// engine's sequencer writes, one record per batch, and replays on start.
//
//   JournalOptions options{.dir = data_dir + "/journal"};
//   MERIDIAN_ASSIGN_OR_RETURN(
//       std::unique_ptr<Journal> journal,
//       Journal::Open(options, ReplayStart{}, [&](const Batch& batch) {
//         return engine.Apply(batch);  // every batch already on disk, in order
//       }));
//   // Sequencer thread:
//   Journal::Record record = journal->Prepare(now_ns, commands);
//   // Writer thread (may be the same one):
//   MERIDIAN_ASSIGN_OR_RETURN(Position at, journal->Write(record));
//   // Only now is the batch durable; apply it and answer the clients.
//
// Files: DIR/segment-000001.log, segment-000002.log, ... Each segment is
// created at its full size (zeros, fsynced, renamed into place, directory
// fsynced) so an append plus fdatasync never has to touch file metadata. The
// byte layout of segments and records is documented in
// journal/internal/format.h.
//
// Integrity, per record: a CRC32C over the header and one over the body;
// per batch: `seq` and `first_command_index` are consecutive, `time_ns`
// strictly increases, `prev_hash` is BatchHash() of the batch before (the
// chain), and `merkle_root` is the RFC 6962 Merkle root over the commands
// (journal/merkle.h), so a single command can be proven to be in a batch.
//
// Torn tail versus corruption. Records are written one after the other, and
// every append is fdatasynced before anyone is answered, so a crash can only
// leave the LAST record partly written (any subset of its sectors: the rest
// stays zero from preallocation). Open therefore accepts an invalid record at
// position P as a torn tail, zeroes it and appends from P again, if and only
// if it is the last thing in the journal:
//   - every byte of P's segment after the region a torn write of one record
//     could reach is zero (the region is the record's length when its header
//     CRC is good, else `max_record_bytes`),
//   - no valid record header starts anywhere after P in that segment, and
//   - every later segment holds nothing but zeros after its header.
// Everything else is corruption and Open refuses with DATA_CORRUPTED naming
// the segment file and byte offset: an invalid record followed by valid data,
// a record whose CRCs are good but whose seq, command index, time, prev_hash
// or Merkle root does not fit, a bad segment header, a missing segment.
// The one blind spot: damage inside the very last record (a bit flip, a bad
// sector) looks exactly like a torn write, so Open truncates that batch. The
// batch was the last one written; if it was acknowledged, `VerifyJournal`
// (which reports instead of repairing) and a replica or the read model are
// the way to notice.
//
// Threads: Prepare on one thread and Write on another is fine (one of each);
// the accessors may be called from any thread.
#ifndef MERIDIAN_JOURNAL_JOURNAL_H_
#define MERIDIAN_JOURNAL_JOURNAL_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "core/status.h"
#include "journal/merkle.h"

namespace meridian::journal {

// Limits. A batch over these is a caller bug (Prepare CHECKs); a record on
// disk over these is corruption.
inline constexpr uint32_t kMaxCommandsPerBatch = 1'000'000;
inline constexpr uint32_t kMaxRecordBytesLimit = 256u << 20;  // 256 MiB
inline constexpr uint64_t kMinSegmentBytes = 4096;
inline constexpr uint64_t kMaxSegmentBytes = 1ull << 30;  // read whole
inline constexpr uint32_t kMaxSegmentNumber = 999'999;    // 6 digits

// Record size arithmetic, so the sequencer can cut batches to fit
// `max_record_bytes`: a 128-byte header, each command as a u32 length plus its
// bytes, padded to a multiple of 8.
inline constexpr uint32_t kRecordHeaderBytes = 128;
inline constexpr uint32_t kCommandOverheadBytes = 4;
inline constexpr uint32_t kRecordAlignmentBytes = 8;
// Where the first record of every segment starts (after the segment header).
inline constexpr uint64_t kFirstRecordOffset = 64;

constexpr uint64_t RecordBytes(uint64_t command_count,
                               uint64_t command_bytes_total) {
  uint64_t unpadded = kRecordHeaderBytes +
                      command_count * kCommandOverheadBytes +
                      command_bytes_total;
  return (unpadded + kRecordAlignmentBytes - 1) / kRecordAlignmentBytes *
         kRecordAlignmentBytes;
}

struct BatchHeader {
  uint64_t seq = 0;                  // 1, 2, 3 ... consecutive
  uint64_t first_command_index = 0;  // global index of the first command
                                     // (0-based, consecutive across batches)
  uint32_t command_count = 0;
  int64_t time_ns = 0;       // the sequencer's stamp (Unix ns), strictly
                             // increasing across batches
  Sha256Digest prev_hash{};  // BatchHash of the previous batch; zero for seq 1
  Sha256Digest merkle_root{};  // MerkleRoot over the batch's commands

  friend bool operator==(const BatchHeader&, const BatchHeader&) = default;
};

// SHA-256 over the header's fields in their encoded form (the 92 bytes at
// record offset 16, see internal/format.h): the chain link.
Sha256Digest BatchHash(const BatchHeader& header);

// Where the next record goes / where a record starts. `offset` is a byte
// offset in the segment file; in a ReplayStart, offset 0 means "the first
// record of the segment" (kFirstRecordOffset).
struct Position {
  uint32_t segment = 1;
  uint64_t offset = 0;

  friend bool operator==(const Position&, const Position&) = default;
};

// "segment-000003.log offset 1048576".
std::string PositionToString(const Position& position);

// A batch read back.
struct Batch {
  BatchHeader header;
  Position position;  // where its record starts
  // Views into the reader's buffer, valid until `visit` returns.
  std::vector<std::span<const uint8_t>> commands;
};

struct JournalOptions {
  std::string dir;  // DATA_DIR/journal; created (with parents) if missing
  // Each segment is preallocated to this size (zero-filled, fsynced) so
  // appends need no metadata sync. Existing segments keep the size they were
  // created with.
  uint64_t segment_size_bytes = 64 << 20;
  // A bigger batch is a caller bug (CHECK). Also how far Open looks for the
  // remains of a torn record whose header was lost. At most
  // segment_size_bytes - kFirstRecordOffset and kMaxRecordBytesLimit.
  uint32_t max_record_bytes = 16 << 20;
  // fdatasync after each append (and fsync of new segments and the
  // directory). false only for tests and benchmarks that say so: a crash
  // then loses acknowledged batches.
  bool sync = true;
};

// Where replay starts: from the beginning, or after a snapshot (see
// ReplayStartAfter in journal/snapshot_file.h).
struct ReplayStart {
  Position position{1, 0};
  uint64_t next_seq = 1;
  uint64_t next_command_index = 0;
  Sha256Digest prev_hash{};  // BatchHash of batch next_seq - 1
  // time_ns of batch next_seq - 1; the minimum when unknown (no check).
  int64_t last_time_ns = std::numeric_limits<int64_t>::min();
};

class Journal {
 public:
  // Opens (creating the dir and first segment if empty) and takes an
  // exclusive lock on DIR/LOCK (IO_ERROR if another Journal holds it).
  // Replays every batch at/after `start` through `visit`, in order, checking
  // each record's CRC32Cs, the seq / command-index continuity, the time
  // order, the hash chain (prev_hash) and the Merkle root. When `start` is
  // not the beginning, also checks that the record just before
  // `start.position` (when its segment is still there) is batch
  // next_seq - 1 with hash prev_hash. Then truncates a torn tail (see the
  // top of this file; logs what it cut to stderr) and leaves the journal
  // ready to append after the last good batch.
  // Errors: DATA_CORRUPTED "<dir>/segment-000003.log offset 1048576: <what>";
  // IO_ERROR; INVALID_PARAMETER for bad options; whatever `visit` returns
  // (which aborts the replay). Batches visited before an error stay visited:
  // on error the caller discards what it built from them.
  static Result<std::unique_ptr<Journal>> Open(
      const JournalOptions& options, const ReplayStart& start,
      const std::function<Status(const Batch&)>& visit);

  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // A batch encoded as its record, ready to Write.
  struct Record {
    BatchHeader header;
    std::vector<uint8_t> bytes;
  };

  // Builds the record for the next batch: assigns seq, first_command_index
  // and prev_hash, hashes each command once for the Merkle root, computes
  // the CRCs, and advances the chain state. Pure CPU work. CHECKs (caller
  // bugs): time_ns > the previous batch's, at most kMaxCommandsPerBatch
  // commands, record size <= max_record_bytes.
  Record Prepare(int64_t time_ns,
                 std::span<const std::span<const uint8_t>> commands);
  // The same, reusing `record`'s buffer (no allocation in steady state).
  void PrepareInto(int64_t time_ns,
                   std::span<const std::span<const uint8_t>> commands,
                   Record* record);

  // Writes a prepared record at the end with one pwrite (rolling to the next
  // preallocated segment when it does not fit) and fdatasyncs. Records must
  // be written in Prepare order (CHECK). Returns where the record starts.
  // An I/O error is returned (IO_ERROR naming file and offset) and is
  // final: the journal then refuses every later Write, because after a
  // failed fdatasync the kernel may have dropped the dirty pages.
  Result<Position> Write(const Record& record);

  // The seq the next Prepare assigns.
  uint64_t next_seq() const;
  // BatchHash of the last prepared (or replayed) batch; zero when none.
  Sha256Digest last_hash() const;
  // Where the next Write goes: right after the last written record.
  Position end_position() const;
  // Global index the next batch's first command gets.
  uint64_t next_command_index() const;

 private:
  struct ChainState {
    uint64_t next_seq = 1;
    uint64_t next_command_index = 0;
    Sha256Digest last_hash{};
    int64_t last_time_ns = std::numeric_limits<int64_t>::min();
  };

  Journal(const JournalOptions& options, int lock_fd);
  Status Roll();
  void StartPreparingSegment(uint32_t number);
  void MaybePrepareNextSegment();
  Error Fail(Error error);

  const JournalOptions options_;
  const int lock_fd_;

  mutable std::mutex mu_;  // guards chain_ and end_ (for the accessors)
  ChainState chain_;       // written by Prepare only
  Position end_;           // written by Write only

  // Prepare's scratch.
  std::vector<Sha256Digest> leaf_hashes_;

  // Write's state (the writer thread only).
  int fd_ = -1;
  uint32_t segment_ = 0;
  std::string segment_path_;
  uint64_t segment_size_bytes_ = 0;
  uint64_t write_offset_ = 0;
  uint64_t write_next_seq_ = 1;
  std::optional<Error> failed_;

  // Background creation of the next segment, started once the current one
  // is half full (joined by the writer).
  std::thread preparer_;
  uint32_t preparing_segment_ = 0;
  Status preparer_status_;
};

// Strict check for `meridian verify`: reads every segment from
// segment-000001.log, checks everything Open checks, and also reports (where
// Open would repair or ignore): a torn tail, any non-zero byte after the
// last record of any segment, a missing first segment or a gap in the
// segment numbers, a segment with no records followed by one with records.
// Calls `visit` for each good batch, in order, and returns the FIRST problem
// as DATA_CORRUPTED "<dir>/segment-000003.log offset 1048576: <what>" (or
// IO_ERROR, or visit's error). OK only when everything fits; a directory
// with no segments is OK (nothing to check). Never modifies any file.
// `max_record_bytes` is the writer's setting; it only decides whether the
// report says a damaged last record looks like a torn write.
Status VerifyJournal(const std::string& dir,
                     const std::function<Status(const Batch&)>& visit,
                     uint32_t max_record_bytes = 16 << 20);

}  // namespace meridian::journal

#endif  // MERIDIAN_JOURNAL_JOURNAL_H_
