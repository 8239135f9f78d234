// Reading the journal back: the one scanner behind both Journal::Open
// (replay, then repair a torn tail) and VerifyJournal (report everything).
//
//   MERIDIAN_ASSIGN_OR_RETURN(std::vector<SegmentFile> segments,
//                             ListSegments(dir));
//   ScanOptions options{.strict = true, .torn_reach_bytes = 16 << 20};
//   MERIDIAN_ASSIGN_OR_RETURN(
//       ScanResult result,
//       Scan(segments, 0, kSegmentHeaderBytes, ChainState{}, options, visit));
//
// Each segment is read whole with one large sequential read into a buffer
// that is reused (segments are at most kMaxSegmentBytes), and every record
// is checked: CRCs, layout, seq / command index / time continuity, the hash
// chain and the Merkle root. See journal.h for the torn-tail rule.
#ifndef MERIDIAN_JOURNAL_INTERNAL_READER_H_
#define MERIDIAN_JOURNAL_INTERNAL_READER_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "journal/journal.h"

namespace meridian::journal::internal {

struct SegmentFile {
  uint32_t number = 0;
  std::string path;
};

// The segment-NNNNNN.log files in `dir`, by number. Other names are ignored.
Result<std::vector<SegmentFile>> ListSegments(const std::string& dir);

// Creates DIR/segment-NNNNNN.log of `size_bytes`: header and zeros written
// to a .tmp file, fsynced, renamed into place, directory fsynced (the syncs
// only when `sync`). INTERNAL_ERROR if the segment already exists.
Status CreateSegmentFile(const std::string& dir, uint32_t number,
                         uint64_t size_bytes, bool sync);

// Bytes read from a file: grows without zero-filling (a segment is up to
// kMaxSegmentBytes and every byte is overwritten by the read anyway).
class ReadBuffer {
 public:
  // Sets the size; the contents are unspecified until written.
  void Resize(size_t size);
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  std::span<const uint8_t> span() const { return {data_.get(), size_}; }
  std::span<uint8_t> span() { return {data_.get(), size_}; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Reads the whole segment into `*buffer` (resized to the file size) and
// checks its header: DATA_CORRUPTED naming the file when it is bad.
Status ReadSegment(const SegmentFile& segment, ReadBuffer* buffer);

// DATA_CORRUPTED "<path> offset <offset>: <what>".
Error Corrupt(const std::string& path, uint64_t offset,
              const std::string& what);

// The chain as of the last good batch: what the next one must continue.
struct ChainState {
  uint64_t next_seq = 1;
  uint64_t next_command_index = 0;
  Sha256Digest last_hash{};
  int64_t last_time_ns = std::numeric_limits<int64_t>::min();
};

struct ScanOptions {
  // Verify: every irregularity is an error, nothing is classified as a
  // repairable torn tail.
  bool strict = false;
  // How far past a damaged record header the remains of one torn record can
  // reach (the writer's max_record_bytes).
  uint64_t torn_reach_bytes = 16 << 20;
  // Check that the record just before the start position is batch
  // next_seq - 1 with hash last_hash (replay from a snapshot).
  bool check_start_link = false;
};

struct ScanResult {
  ChainState chain;  // after the last good batch
  Position end;      // right after the last good batch (or the start)
  // Open only: [end.offset, torn_end_offset) of segment end.segment holds
  // the remains of a torn last record, to be zeroed.
  bool torn = false;
  uint64_t torn_end_offset = 0;
  std::string torn_problem;
};

// Scans segments[first], from `start_offset`, then every later segment.
// `segments` must be consecutive from `first` on (the caller checks).
Result<ScanResult> Scan(const std::vector<SegmentFile>& segments, size_t first,
                        uint64_t start_offset, const ChainState& chain,
                        const ScanOptions& options,
                        const std::function<Status(const Batch&)>& visit);

// First 16 hex digits of a digest, for messages.
std::string ShortHex(const Sha256Digest& digest);

}  // namespace meridian::journal::internal

#endif  // MERIDIAN_JOURNAL_INTERNAL_READER_H_
