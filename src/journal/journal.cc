// The journal's writer side (Open, Prepare, Write, segment rolling) and
// VerifyJournal. The byte layout is in internal/format.h; reading and the
// torn-tail rule are in internal/reader.cc.
#include "journal/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "journal/internal/file_util.h"
#include "journal/internal/format.h"
#include "journal/internal/reader.h"

namespace meridian::journal {

using internal::Corrupt;
using internal::JoinPath;
using internal::SegmentFile;
using internal::SegmentFileName;
using internal::UniqueFd;

namespace {

Error InvalidOption(const std::string& field, const std::string& message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, field, message);
}

Status CheckOptions(const JournalOptions& o, const ReplayStart& start) {
  if (o.dir.empty())
    return InvalidOption("dir", "the journal needs a directory");
  if (o.segment_size_bytes < kMinSegmentBytes ||
      o.segment_size_bytes > kMaxSegmentBytes ||
      o.segment_size_bytes % kRecordAlignmentBytes != 0) {
    return InvalidOption("segment_size_bytes",
                         "must be a multiple of 8 in [" +
                             std::to_string(kMinSegmentBytes) + ", " +
                             std::to_string(kMaxSegmentBytes) + "], not " +
                             std::to_string(o.segment_size_bytes));
  }
  if (o.max_record_bytes < kRecordHeaderBytes ||
      o.max_record_bytes > kMaxRecordBytesLimit ||
      o.max_record_bytes > o.segment_size_bytes - kFirstRecordOffset) {
    return InvalidOption("max_record_bytes",
                         "must be in [" + std::to_string(kRecordHeaderBytes) +
                             ", " +
                             std::to_string(std::min<uint64_t>(
                                 kMaxRecordBytesLimit,
                                 o.segment_size_bytes - kFirstRecordOffset)) +
                             "] (a record must fit in an empty segment), not " +
                             std::to_string(o.max_record_bytes));
  }
  if (start.position.segment == 0 ||
      start.position.segment > kMaxSegmentNumber || start.next_seq == 0) {
    return InvalidOption("start", "segment numbers and seqs start at 1");
  }
  return Status::Ok();
}

// Takes the directory's LOCK so that two writers never share a journal.
Result<UniqueFd> LockDir(const std::string& dir) {
  std::string path = JoinPath(dir, "LOCK");
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd,
                            internal::OpenFile(path, O_RDWR | O_CREAT, 0644));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return MakeError(ErrorCode::kIO_ERROR, "",
                       "lock " + path +
                           ": the journal is already open (another process "
                           "or another Journal object holds the lock)");
    }
    return internal::IoError("lock", path, errno);
  }
  return fd;
}

// Removes segment-NNNNNN.log.tmp files left by a crash during creation.
Status RemoveTempSegments(const std::string& dir) {
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            internal::ListDir(dir));
  for (const std::string& name : names) {
    if (!name.ends_with(".tmp")) continue;
    if (!internal::ParseSegmentFileName(name.substr(0, name.size() - 4))) {
      continue;
    }
    std::string path = JoinPath(dir, name);
    if (::unlink(path.c_str()) != 0) {
      return internal::IoError("unlink", path, errno);
    }
  }
  return Status::Ok();
}

}  // namespace

Sha256Digest BatchHash(const BatchHeader& header) {
  uint8_t encoded[internal::kBatchHeaderBytes];
  internal::EncodeBatchHeader(header, encoded);
  return Sha256(std::span<const uint8_t>(encoded));
}

std::string PositionToString(const Position& position) {
  return SegmentFileName(position.segment) + " offset " +
         std::to_string(position.offset);
}

Journal::Journal(const JournalOptions& options, int lock_fd)
    : options_(options), lock_fd_(lock_fd) {}

Journal::~Journal() {
  if (preparer_.joinable()) preparer_.join();
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Result<std::unique_ptr<Journal>> Journal::Open(
    const JournalOptions& options, const ReplayStart& start,
    const std::function<Status(const Batch&)>& visit) {
  MERIDIAN_RETURN_IF_ERROR(CheckOptions(options, start));
  const std::string& dir = options.dir;
  MERIDIAN_RETURN_IF_ERROR(internal::CreateDirs(dir, options.sync));
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd lock, LockDir(dir));
  MERIDIAN_RETURN_IF_ERROR(RemoveTempSegments(dir));

  const uint64_t start_offset =
      start.position.offset == 0 ? kFirstRecordOffset : start.position.offset;
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<SegmentFile> segments,
                            internal::ListSegments(dir));
  if (segments.empty()) {
    if (start.next_seq != 1 || start.position.segment != 1 ||
        start_offset != kFirstRecordOffset) {
      return Corrupt(
          JoinPath(dir, SegmentFileName(start.position.segment)), start_offset,
          "replay starts at batch " + std::to_string(start.next_seq) +
              " but the journal has no segments");
    }
    MERIDIAN_RETURN_IF_ERROR(internal::CreateSegmentFile(
        dir, 1, options.segment_size_bytes, options.sync));
    MERIDIAN_ASSIGN_OR_RETURN(segments, internal::ListSegments(dir));
  }
  size_t first = 0;
  while (first < segments.size() &&
         segments[first].number != start.position.segment) {
    ++first;
  }
  if (first == segments.size()) {
    return Corrupt(JoinPath(dir, SegmentFileName(start.position.segment)),
                   start_offset,
                   "replay starts in this segment, which does not exist "
                   "(the journal has " +
                       SegmentFileName(segments.front().number) + " to " +
                       SegmentFileName(segments.back().number) + ")");
  }
  for (size_t i = first + 1; i < segments.size(); ++i) {
    if (segments[i].number != segments[i - 1].number + 1) {
      return Corrupt(JoinPath(dir, SegmentFileName(segments[i - 1].number + 1)),
                     0,
                     "segment is missing (the journal jumps from " +
                         SegmentFileName(segments[i - 1].number) + " to " +
                         SegmentFileName(segments[i].number) + ")");
    }
  }

  internal::ChainState chain{start.next_seq, start.next_command_index,
                             start.prev_hash, start.last_time_ns};
  internal::ScanOptions scan_options;
  scan_options.strict = false;
  scan_options.torn_reach_bytes = options.max_record_bytes;
  scan_options.check_start_link = start.next_seq > 1;
  MERIDIAN_ASSIGN_OR_RETURN(internal::ScanResult scan,
                            internal::Scan(segments, first, start_offset, chain,
                                           scan_options, visit));

  const std::string end_path = JoinPath(dir, SegmentFileName(scan.end.segment));
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd, internal::OpenFile(end_path, O_RDWR));
  if (scan.torn) {
    uint64_t torn_bytes = scan.torn_end_offset - scan.end.offset;
    MERIDIAN_RETURN_IF_ERROR(internal::WriteZerosAt(fd.get(), scan.end.offset,
                                                    torn_bytes, end_path));
    if (options.sync) {
      MERIDIAN_RETURN_IF_ERROR(internal::SyncData(fd.get(), end_path));
    }
    std::fprintf(stderr,
                 "meridian journal: %s offset %" PRIu64
                 ": torn tail (%s); zeroed %" PRIu64
                 " bytes; appending from batch %" PRIu64 " here\n",
                 end_path.c_str(), scan.end.offset, scan.torn_problem.c_str(),
                 torn_bytes, scan.chain.next_seq);
    std::fflush(stderr);
  }
  // Spare segments after the end hold only zeros (the scan checked). Keep
  // them for the next rolls, unless one has another size than configured
  // (segment_size_bytes changed): then remove them all, highest first, so
  // the numbering never has a gap.
  bool spares_fit = true;
  for (const SegmentFile& segment : segments) {
    if (segment.number <= scan.end.segment) continue;
    MERIDIAN_ASSIGN_OR_RETURN(UniqueFd spare,
                              internal::OpenFile(segment.path, O_RDONLY));
    MERIDIAN_ASSIGN_OR_RETURN(uint64_t size,
                              internal::FileSize(spare.get(), segment.path));
    spares_fit = spares_fit && size == options.segment_size_bytes;
  }
  for (auto it = segments.rbegin();
       !spares_fit && it != segments.rend() && it->number > scan.end.segment;
       ++it) {
    if (::unlink(it->path.c_str()) != 0) {
      return internal::IoError("unlink", it->path, errno);
    }
  }
  // Also makes durable the name of a spare segment whose creation was cut
  // off between its rename and the directory fsync: appends may go there.
  if (options.sync) MERIDIAN_RETURN_IF_ERROR(internal::SyncDir(dir));

  std::unique_ptr<Journal> journal(new Journal(options, lock.release()));
  journal->chain_.next_seq = scan.chain.next_seq;
  journal->chain_.next_command_index = scan.chain.next_command_index;
  journal->chain_.last_hash = scan.chain.last_hash;
  journal->chain_.last_time_ns = scan.chain.last_time_ns;
  journal->end_ = scan.end;
  MERIDIAN_ASSIGN_OR_RETURN(journal->segment_size_bytes_,
                            internal::FileSize(fd.get(), end_path));
  journal->fd_ = fd.release();
  journal->segment_ = scan.end.segment;
  journal->segment_path_ = end_path;
  journal->write_offset_ = scan.end.offset;
  journal->write_next_seq_ = scan.chain.next_seq;
  journal->MaybePrepareNextSegment();
  return journal;
}

Journal::Record Journal::Prepare(
    int64_t time_ns, std::span<const std::span<const uint8_t>> commands) {
  Record record;
  PrepareInto(time_ns, commands, &record);
  return record;
}

void Journal::PrepareInto(int64_t time_ns,
                          std::span<const std::span<const uint8_t>> commands,
                          Record* record) {
  MERIDIAN_CHECK(commands.size() <= kMaxCommandsPerBatch)
      << commands.size() << " commands in one batch";
  uint64_t command_bytes = 0;
  for (std::span<const uint8_t> command : commands) {
    command_bytes += command.size();
  }
  const uint64_t record_bytes = RecordBytes(commands.size(), command_bytes);
  MERIDIAN_CHECK(record_bytes <= options_.max_record_bytes)
      << "a batch of " << commands.size() << " commands needs a "
      << record_bytes << "-byte record; max_record_bytes is "
      << options_.max_record_bytes;
  const uint64_t payload_bytes =
      commands.size() * kCommandOverheadBytes + command_bytes;

  // Payload, each command hashed once (as its Merkle leaf) while copied in.
  std::vector<uint8_t>& bytes = record->bytes;
  bytes.resize(record_bytes);
  uint8_t* p = bytes.data() + kRecordHeaderBytes;
  leaf_hashes_.resize(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    uint32_t length = static_cast<uint32_t>(commands[i].size());
    std::memcpy(p, &length, sizeof length);
    if (length > 0) std::memcpy(p + sizeof length, commands[i].data(), length);
    p += sizeof length + length;
    leaf_hashes_[i] = MerkleLeafHash(commands[i]);
  }
  std::memset(p, 0, bytes.data() + record_bytes - p);  // padding

  BatchHeader& h = record->header;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MERIDIAN_CHECK(time_ns > chain_.last_time_ns)
        << "batch time " << time_ns << " is not after the previous batch's "
        << chain_.last_time_ns;
    h.seq = chain_.next_seq;
    h.first_command_index = chain_.next_command_index;
    h.prev_hash = chain_.last_hash;
  }
  h.command_count = static_cast<uint32_t>(commands.size());
  h.time_ns = time_ns;
  h.merkle_root = MerkleRoot(leaf_hashes_);
  internal::FinishRecord(h, static_cast<uint32_t>(payload_bytes), bytes);
  Sha256Digest hash = Sha256(
      std::span<const uint8_t>(bytes.data() + internal::kBatchHeaderOffset,
                               internal::kBatchHeaderBytes));

  std::lock_guard<std::mutex> lock(mu_);
  chain_.next_seq = h.seq + 1;
  chain_.next_command_index = h.first_command_index + h.command_count;
  chain_.last_hash = hash;
  chain_.last_time_ns = time_ns;
}

Error Journal::Fail(Error error) {
  failed_ = error;
  return error;
}

Result<Position> Journal::Write(const Record& record) {
  if (failed_.has_value()) {
    return MakeError(failed_->code, failed_->param,
                     "the journal failed earlier and takes no more writes: " +
                         failed_->message);
  }
  MERIDIAN_CHECK(record.header.seq == write_next_seq_)
      << "Write of batch " << record.header.seq << " but batch "
      << write_next_seq_ << " is next: records must be written in Prepare "
      << "order";
  const uint64_t size = record.bytes.size();
  MERIDIAN_CHECK(size >= kRecordHeaderBytes &&
                 size % kRecordAlignmentBytes == 0 &&
                 size <= options_.max_record_bytes)
      << size;
  if (write_offset_ + size > segment_size_bytes_) {
    Status rolled = Roll();
    if (!rolled.ok()) return Fail(rolled.error());
    MERIDIAN_CHECK(write_offset_ + size <= segment_size_bytes_)
        << "a " << size << "-byte record does not fit in a new segment of "
        << segment_size_bytes_ << " bytes";
  }
  Status written =
      internal::WriteAt(fd_, record.bytes, write_offset_, segment_path_);
  if (written.ok() && options_.sync) {
    written = internal::SyncData(fd_, segment_path_);
  }
  if (!written.ok()) {
    Error error = written.error();
    error.message += " (batch " + std::to_string(record.header.seq) +
                     " at offset " + std::to_string(write_offset_) + ")";
    return Fail(std::move(error));
  }
  Position at{segment_, write_offset_};
  write_offset_ += size;
  ++write_next_seq_;
  MaybePrepareNextSegment();
  std::lock_guard<std::mutex> lock(mu_);
  end_ = Position{segment_, write_offset_};
  return at;
}

void Journal::StartPreparingSegment(uint32_t number) {
  MERIDIAN_CHECK(!preparer_.joinable());
  preparing_segment_ = number;
  preparer_ = std::thread([this, number] {
    preparer_status_ = internal::CreateSegmentFile(
        options_.dir, number, options_.segment_size_bytes, options_.sync);
  });
}

Status Journal::Roll() {
  const uint32_t next = segment_ + 1;
  if (next > kMaxSegmentNumber) {
    return MakeError(ErrorCode::kIO_ERROR, "",
                     "journal " + options_.dir +
                         " is full: no segment number after " +
                         SegmentFileName(segment_));
  }
  if (preparer_.joinable()) {
    preparer_.join();
    if (!preparer_status_.ok()) {
      // Try once more below, in the foreground; report if that fails too.
      std::fprintf(stderr,
                   "meridian journal: preparing %s in the background "
                   "failed: %s\n",
                   SegmentFileName(preparing_segment_).c_str(),
                   preparer_status_.ToString().c_str());
      preparer_status_ = Status::Ok();
    }
  }
  const std::string path = JoinPath(options_.dir, SegmentFileName(next));
  if (!internal::PathExists(path)) {
    MERIDIAN_RETURN_IF_ERROR(internal::CreateSegmentFile(
        options_.dir, next, options_.segment_size_bytes, options_.sync));
  }
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd, internal::OpenFile(path, O_RDWR));
  MERIDIAN_ASSIGN_OR_RETURN(uint64_t size, internal::FileSize(fd.get(), path));
  uint8_t header[internal::kSegmentHeaderBytes];
  MERIDIAN_RETURN_IF_ERROR(internal::ReadAt(fd.get(), header, 0, path));
  if (std::string problem = internal::CheckSegmentHeader(header, next, size);
      !problem.empty()) {
    return Corrupt(path, 0, problem);
  }
  ::close(fd_);
  fd_ = fd.release();
  segment_ = next;
  segment_path_ = path;
  segment_size_bytes_ = size;
  write_offset_ = kFirstRecordOffset;
  return Status::Ok();
}

// The next segment is prepared once the current one is half full, not as
// soon as it opens: writing a segment's worth of zeros competes with the
// writer's fdatasyncs for the disk, and right after start-up (or a roll)
// that would land on the first batches. Half a segment leaves ample time.
void Journal::MaybePrepareNextSegment() {
  if (preparer_.joinable() || preparing_segment_ == segment_ + 1) return;
  if (write_offset_ < segment_size_bytes_ / 2) return;
  const uint32_t next = segment_ + 1;
  if (next > kMaxSegmentNumber ||
      internal::PathExists(JoinPath(options_.dir, SegmentFileName(next)))) {
    return;
  }
  StartPreparingSegment(next);
}

uint64_t Journal::next_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chain_.next_seq;
}

Sha256Digest Journal::last_hash() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chain_.last_hash;
}

Position Journal::end_position() const {
  std::lock_guard<std::mutex> lock(mu_);
  return end_;
}

uint64_t Journal::next_command_index() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chain_.next_command_index;
}

Status VerifyJournal(const std::string& dir,
                     const std::function<Status(const Batch&)>& visit,
                     uint32_t max_record_bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<SegmentFile> segments,
                            internal::ListSegments(dir));
  if (segments.empty()) return Status::Ok();
  if (segments[0].number != 1) {
    return Corrupt(JoinPath(dir, SegmentFileName(1)), 0,
                   "missing: the journal starts at " +
                       SegmentFileName(segments[0].number));
  }
  for (size_t i = 1; i < segments.size(); ++i) {
    if (segments[i].number != segments[i - 1].number + 1) {
      return Corrupt(JoinPath(dir, SegmentFileName(segments[i - 1].number + 1)),
                     0,
                     "missing: segment numbers jump from " +
                         SegmentFileName(segments[i - 1].number) + " to " +
                         SegmentFileName(segments[i].number));
    }
  }
  internal::ScanOptions options;
  options.strict = true;
  options.torn_reach_bytes = max_record_bytes;
  MERIDIAN_ASSIGN_OR_RETURN(
      internal::ScanResult result,
      internal::Scan(segments, 0, kFirstRecordOffset, internal::ChainState{},
                     options, visit));
  (void)result;
  return Status::Ok();
}

}  // namespace meridian::journal
