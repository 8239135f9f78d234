#include "journal/internal/reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "journal/internal/file_util.h"
#include "journal/internal/format.h"
#include "journal/merkle.h"

namespace meridian::journal::internal {
namespace {

constexpr uint64_t kPreallocateStepBytes = 4 << 20;

// Offset of the first non-zero byte in buf[from, to), if any.
std::optional<uint64_t> FirstNonZero(const ReadBuffer& buf, uint64_t from,
                                     uint64_t to) {
  const uint8_t* p = buf.data();
  uint64_t i = from;
  for (; i < to && i % 8 != 0; ++i) {
    if (p[i] != 0) return i;
  }
  for (; i + 64 <= to; i += 64) {
    uint64_t w[8];
    std::memcpy(w, p + i, sizeof w);
    if ((w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) != 0) break;
  }
  for (; i < to; ++i) {
    if (p[i] != 0) return i;
  }
  return std::nullopt;
}

// One past the last non-zero byte in buf[from, to); `from` when none.
uint64_t EndOfNonZero(const ReadBuffer& buf, uint64_t from, uint64_t to) {
  while (to > from && buf.data()[to - 1] == 0) --to;
  return to;
}

std::string Name(const SegmentFile& segment) {
  return SegmentFileName(segment.number);
}

class Scanner {
 public:
  Scanner(const std::vector<SegmentFile>& segments, const ScanOptions& options,
          const std::function<Status(const Batch&)>& visit)
      : segments_(segments), options_(options), visit_(visit) {}

  Result<ScanResult> Run(size_t first, uint64_t start_offset,
                         const ChainState& chain);

 private:
  // Empty when the chain continues with `h`; else what does not fit.
  static std::string CheckContinuity(const BatchHeader& h,
                                     const ChainState& chain);
  Status CheckStartLink(size_t index, uint64_t start_offset,
                        const ChainState& chain);
  // Whether the invalid record at buffer_[offset] (segment `index`) is the
  // last thing in the journal. Returns "" (and sets *torn_end) when it is,
  // else the reason it is not.
  Result<std::string> WhyNotTorn(size_t index, uint64_t offset,
                                 RecordState state, const DecodedRecord& rec,
                                 uint64_t* torn_end);

  const std::vector<SegmentFile>& segments_;
  const ScanOptions options_;
  const std::function<Status(const Batch&)>& visit_;
  ReadBuffer buffer_;  // the segment being scanned
  ReadBuffer other_;   // another segment, looked at on the side
  Batch batch_;
  std::vector<Sha256Digest> leaf_hashes_;
};

std::string Scanner::CheckContinuity(const BatchHeader& h,
                                     const ChainState& chain) {
  if (h.seq != chain.next_seq) {
    return "batch seq " + std::to_string(h.seq) + " where " +
           std::to_string(chain.next_seq) + " was expected";
  }
  if (h.first_command_index != chain.next_command_index) {
    return "batch " + std::to_string(h.seq) + " first_command_index " +
           std::to_string(h.first_command_index) + " where " +
           std::to_string(chain.next_command_index) + " was expected";
  }
  if (h.first_command_index + h.command_count < h.first_command_index) {
    return "batch " + std::to_string(h.seq) + " command index overflows";
  }
  if (h.time_ns <= chain.last_time_ns) {
    return "batch " + std::to_string(h.seq) + " time_ns " +
           std::to_string(h.time_ns) + " is not after the previous batch's " +
           std::to_string(chain.last_time_ns);
  }
  if (h.prev_hash != chain.last_hash) {
    return "batch " + std::to_string(h.seq) + " prev_hash " +
           ShortHex(h.prev_hash) +
           "... does not match the previous batch's hash " +
           ShortHex(chain.last_hash) + "... (hash chain broken)";
  }
  return "";
}

Status Scanner::CheckStartLink(size_t index, uint64_t start_offset,
                               const ChainState& chain) {
  const SegmentFile& segment = segments_[index];
  const ReadBuffer* buf = &buffer_;
  std::string where = Name(segment);
  uint64_t limit = start_offset;
  if (start_offset == kSegmentHeaderBytes) {
    // The batch before is the last one of the previous segment, if that
    // segment is still here (it may have been archived).
    if (index == 0 || segments_[index - 1].number + 1 != segment.number) {
      return Status::Ok();
    }
    MERIDIAN_RETURN_IF_ERROR(ReadSegment(segments_[index - 1], &other_));
    buf = &other_;
    where = Name(segments_[index - 1]);
    limit = other_.size();
  }
  std::optional<DecodedRecord> last;
  uint64_t offset = kSegmentHeaderBytes;
  DecodedRecord rec;
  while (offset < limit) {
    RecordState state =
        DecodeRecord(buf->span().subspan(offset), &rec, nullptr);
    if (state == RecordState::kEmpty && buf == &other_) break;
    if (state != RecordState::kValid) {
      return Corrupt(
          segment.path, start_offset,
          "replay starts here, but the record before it at " + where +
              " offset " + std::to_string(offset) + " is not valid: " +
              (state == RecordState::kEmpty ? "zeros" : rec.problem));
    }
    last = rec;
    offset += rec.record_bytes;
  }
  if (buf == &buffer_ && offset != start_offset) {
    return Corrupt(segment.path, start_offset,
                   "replay start is not a record boundary (a record spans "
                   "it, ending at offset " +
                       std::to_string(offset) + ")");
  }
  if (!last.has_value()) {
    return Corrupt(segment.path, start_offset,
                   "replay starts at batch " + std::to_string(chain.next_seq) +
                       " but " + where + " before it holds no records");
  }
  const BatchHeader& h = last->header;
  uint8_t encoded[kBatchHeaderBytes];
  EncodeBatchHeader(h, encoded);
  Sha256Digest hash = Sha256(std::span<const uint8_t>(encoded));
  bool time_ok = chain.last_time_ns == std::numeric_limits<int64_t>::min() ||
                 chain.last_time_ns == h.time_ns;
  if (h.seq + 1 != chain.next_seq ||
      h.first_command_index + h.command_count != chain.next_command_index ||
      hash != chain.last_hash || !time_ok) {
    return Corrupt(
        segment.path, start_offset,
        "replay start (seq " + std::to_string(chain.next_seq) +
            ", command index " + std::to_string(chain.next_command_index) +
            ", prev_hash " + ShortHex(chain.last_hash) +
            "...) does not follow the batch before it in " + where + " (seq " +
            std::to_string(h.seq) + ", " + std::to_string(h.command_count) +
            " commands from " + std::to_string(h.first_command_index) +
            ", hash " + ShortHex(hash) + "...)");
  }
  return Status::Ok();
}

Result<std::string> Scanner::WhyNotTorn(size_t index, uint64_t offset,
                                        RecordState state,
                                        const DecodedRecord& rec,
                                        uint64_t* torn_end) {
  const uint64_t size = buffer_.size();
  uint64_t reach = state == RecordState::kBadBody ? rec.record_bytes
                                                  : options_.torn_reach_bytes;
  uint64_t reach_end = std::min(size, offset + reach);
  if (state != RecordState::kBadBody) {
    // The record's length is unknown: make sure nothing valid follows.
    for (uint64_t p = offset + kRecordAlignmentBytes;
         p + kRecordHeaderBytes <= size; p += kRecordAlignmentBytes) {
      if (IsRecordHeader(buffer_.span().subspan(p))) {
        return "a valid record header follows at offset " + std::to_string(p);
      }
    }
  }
  if (std::optional<uint64_t> nz = FirstNonZero(buffer_, reach_end, size)) {
    return "non-zero bytes at offset " + std::to_string(*nz) + ", beyond the " +
           std::to_string(reach) +
           " bytes a torn write of one record could reach";
  }
  for (size_t j = index + 1; j < segments_.size(); ++j) {
    Status read = ReadSegment(segments_[j], &other_);
    if (!read.ok()) {
      if (read.code() != ErrorCode::kDATA_CORRUPTED) return read.error();
      return "a later segment is damaged: " + read.error().message;
    }
    if (std::optional<uint64_t> nz =
            FirstNonZero(other_, kSegmentHeaderBytes, other_.size())) {
      return Name(segments_[j]) + " after it holds data (offset " +
             std::to_string(*nz) + ")";
    }
  }
  *torn_end = EndOfNonZero(buffer_, offset, reach_end);
  return std::string();
}

Result<ScanResult> Scanner::Run(size_t first, uint64_t start_offset,
                                const ChainState& chain) {
  ScanResult result;
  result.chain = chain;
  result.end = Position{segments_[first].number, start_offset};
  // Strict: a segment without records must not be followed by records.
  std::optional<size_t> empty_segment;
  for (size_t i = first; i < segments_.size(); ++i) {
    const SegmentFile& segment = segments_[i];
    MERIDIAN_RETURN_IF_ERROR(ReadSegment(segment, &buffer_));
    const uint64_t size = buffer_.size();
    uint64_t offset = kSegmentHeaderBytes;
    if (i == first) {
      offset = start_offset;
      if (offset < kSegmentHeaderBytes || offset > size ||
          offset % kRecordAlignmentBytes != 0) {
        return Corrupt(segment.path, offset,
                       "replay start is not a record boundary in a segment "
                       "of " +
                           std::to_string(size) + " bytes");
      }
      if (options_.check_start_link) {
        MERIDIAN_RETURN_IF_ERROR(CheckStartLink(i, offset, chain));
      }
    }
    uint64_t records = 0;
    RecordState state = RecordState::kEmpty;
    DecodedRecord rec;
    while (offset < size) {
      state =
          DecodeRecord(buffer_.span().subspan(offset), &rec, &batch_.commands);
      if (state != RecordState::kValid) break;
      const BatchHeader& h = rec.header;
      if (std::string problem = CheckContinuity(h, result.chain);
          !problem.empty()) {
        return Corrupt(segment.path, offset, problem);
      }
      leaf_hashes_.clear();
      for (std::span<const uint8_t> command : batch_.commands) {
        leaf_hashes_.push_back(MerkleLeafHash(command));
      }
      if (MerkleRoot(leaf_hashes_) != h.merkle_root) {
        return Corrupt(segment.path, offset,
                       "batch " + std::to_string(h.seq) +
                           " merkle_root does not match its " +
                           std::to_string(h.command_count) + " commands");
      }
      if (options_.strict && empty_segment.has_value()) {
        return Corrupt(
            segments_[*empty_segment].path, kSegmentHeaderBytes,
            "segment holds no records but " + Name(segment) + " after it does");
      }
      batch_.header = h;
      batch_.position = Position{segment.number, offset};
      if (visit_) MERIDIAN_RETURN_IF_ERROR(visit_(batch_));
      result.chain.next_seq = h.seq + 1;
      result.chain.next_command_index = h.first_command_index + h.command_count;
      result.chain.last_hash = Sha256(buffer_.span().subspan(
          offset + kBatchHeaderOffset, kBatchHeaderBytes));
      result.chain.last_time_ns = h.time_ns;
      offset += rec.record_bytes;
      ++records;
      result.end = Position{segment.number, offset};
    }
    if (offset >= size) continue;  // the segment is exactly full
    if (state == RecordState::kMalformed) {
      return Corrupt(segment.path, offset, rec.problem);
    }
    // The records of this segment end at `offset`: only zeros may follow.
    std::optional<uint64_t> nonzero = FirstNonZero(buffer_, offset, size);
    if (!nonzero.has_value()) {
      if (records == 0 && (i != first || offset == kSegmentHeaderBytes) &&
          !empty_segment.has_value()) {
        empty_segment = i;
      }
      continue;
    }
    std::string problem = rec.problem;
    if (state == RecordState::kEmpty) {
      problem = "non-zero byte at offset " + std::to_string(*nonzero) +
                " after the last record";
    }
    uint64_t torn_end = 0;
    MERIDIAN_ASSIGN_OR_RETURN(std::string why_not,
                              WhyNotTorn(i, offset, state, rec, &torn_end));
    if (options_.strict) {
      if (state == RecordState::kEmpty) {
        return Corrupt(segment.path, *nonzero,
                       "non-zero byte after the last record (records end at "
                       "offset " +
                           std::to_string(offset) + ")" +
                           (why_not.empty() ? "; looks like a torn write of "
                                              "the last record (Open would "
                                              "zero it)"
                                            : ""));
      }
      return Corrupt(
          segment.path, offset,
          problem + (why_not.empty() ? "; looks like a torn tail: the last "
                                       "record cut off by a crash (Open "
                                       "would truncate it)"
                                     : "; not a torn tail: " + why_not));
    }
    if (!why_not.empty()) {
      return Corrupt(segment.path, offset,
                     problem + "; not a torn tail: " + why_not);
    }
    result.torn = true;
    result.torn_end_offset = torn_end;
    result.torn_problem = problem;
    result.end = Position{segment.number, offset};
    return result;
  }
  return result;
}

}  // namespace

Result<std::vector<SegmentFile>> ListSegments(const std::string& dir) {
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  std::vector<SegmentFile> segments;
  for (const std::string& name : names) {
    if (std::optional<uint32_t> number = ParseSegmentFileName(name)) {
      segments.push_back(SegmentFile{*number, JoinPath(dir, name)});
    }
  }
  // Names are fixed width, so sorted names are sorted numbers.
  return segments;
}

Status CreateSegmentFile(const std::string& dir, uint32_t number,
                         uint64_t size_bytes, bool sync) {
  MERIDIAN_CHECK(size_bytes >= kMinSegmentBytes &&
                 size_bytes <= kMaxSegmentBytes)
      << size_bytes;
  MERIDIAN_CHECK(number >= 1 && number <= kMaxSegmentNumber) << number;
  std::string path = JoinPath(dir, SegmentFileName(number));
  if (PathExists(path)) {
    return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                     "create " + path + ": segment already exists");
  }
  std::string tmp = path + ".tmp";
  Status status = [&]() -> Status {
    MERIDIAN_ASSIGN_OR_RETURN(
        UniqueFd fd, OpenFile(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    uint8_t header[kSegmentHeaderBytes];
    EncodeSegmentHeader(number, size_bytes, header);
    MERIDIAN_RETURN_IF_ERROR(WriteAt(fd.get(), header, 0, tmp));
    // In steps, each flushed before the next, so that the page cache never
    // holds a whole segment of dirty zeros: one big flush would stall the
    // writer's fdatasync behind it (this runs beside the writer).
    for (uint64_t offset = kSegmentHeaderBytes; offset < size_bytes;) {
      uint64_t n = std::min(size_bytes - offset, kPreallocateStepBytes);
      MERIDIAN_RETURN_IF_ERROR(WriteZerosAt(fd.get(), offset, n, tmp));
      if (sync) MERIDIAN_RETURN_IF_ERROR(SyncData(fd.get(), tmp));
      offset += n;
    }
    if (sync) MERIDIAN_RETURN_IF_ERROR(SyncFile(fd.get(), tmp));
    return Status::Ok();
  }();
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = IoError("rename " + tmp + " to", path, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  if (sync) return SyncDir(dir);
  return Status::Ok();
}

void ReadBuffer::Resize(size_t size) {
  if (size > capacity_) {
    data_ = std::make_unique_for_overwrite<uint8_t[]>(size);
    capacity_ = size;
  }
  size_ = size;
}

Status ReadSegment(const SegmentFile& segment, ReadBuffer* buffer) {
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(segment.path, O_RDONLY));
  MERIDIAN_ASSIGN_OR_RETURN(uint64_t size, FileSize(fd.get(), segment.path));
  if (size < kSegmentHeaderBytes || size > kMaxSegmentBytes) {
    return Corrupt(segment.path, 0,
                   "segment file is " + std::to_string(size) +
                       " bytes, outside [" +
                       std::to_string(kSegmentHeaderBytes) + ", " +
                       std::to_string(kMaxSegmentBytes) + "]");
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  buffer->Resize(size);
  MERIDIAN_RETURN_IF_ERROR(ReadAt(fd.get(), buffer->span(), 0, segment.path));
  if (std::string problem =
          CheckSegmentHeader(buffer->span(), segment.number, size);
      !problem.empty()) {
    return Corrupt(segment.path, 0, problem);
  }
  return Status::Ok();
}

Error Corrupt(const std::string& path, uint64_t offset,
              const std::string& what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                   path + " offset " + std::to_string(offset) + ": " + what);
}

Result<ScanResult> Scan(const std::vector<SegmentFile>& segments, size_t first,
                        uint64_t start_offset, const ChainState& chain,
                        const ScanOptions& options,
                        const std::function<Status(const Batch&)>& visit) {
  MERIDIAN_CHECK(first < segments.size());
  Scanner scanner(segments, options, visit);
  return scanner.Run(first, start_offset, chain);
}

std::string ShortHex(const Sha256Digest& digest) {
  return DigestToHex(digest).substr(0, 16);
}

}  // namespace meridian::journal::internal
