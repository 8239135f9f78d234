// Encodes and decodes the snapshot file format documented in
// snapshot_file.h.
#include "journal/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "journal/internal/file_util.h"

namespace meridian::journal {
namespace {

using internal::JoinPath;
using internal::UniqueFd;

constexpr char kMagic[8] = {'M', 'R', 'D', 'N', 'S', 'N', 'A', 'P'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 160;
constexpr size_t kHeaderCrcOffset = 156;
constexpr size_t kTrailerBytes = 4;

constexpr std::string_view kPrefix = "snapshot-";
constexpr std::string_view kSuffix = ".bin";
constexpr size_t kSeqDigits = 20;

template <typename T>
void Store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}
template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void EncodeHeader(const SnapshotMeta& m, uint64_t body_bytes,
                  uint8_t out[kHeaderBytes]) {
  std::memset(out, 0, kHeaderBytes);
  std::memcpy(out, kMagic, sizeof kMagic);
  Store<uint32_t>(out + 8, kVersion);
  Store<uint32_t>(out + 12, kHeaderBytes);
  Store<uint64_t>(out + 16, m.seq);
  Store<uint64_t>(out + 24, m.next_command_index);
  Store<uint32_t>(out + 32, m.next_position.segment);
  Store<uint64_t>(out + 40, m.next_position.offset);
  Store<int64_t>(out + 48, m.time_ns);
  Store<uint64_t>(out + 56, body_bytes);
  std::memcpy(out + 64, m.last_batch_hash.data(), 32);
  std::memcpy(out + 96, m.state_hash.data(), 32);
  Store<uint32_t>(out + kHeaderCrcOffset, Crc32c(out, kHeaderCrcOffset));
}

// Empty when the header is good; else what is wrong.
std::string DecodeHeader(const uint8_t in[kHeaderBytes], SnapshotMeta* m,
                         uint64_t* body_bytes) {
  if (std::memcmp(in, kMagic, sizeof kMagic) != 0) return "bad magic";
  if (Crc32c(in, kHeaderCrcOffset) != Load<uint32_t>(in + kHeaderCrcOffset)) {
    return "header CRC mismatch";
  }
  if (Load<uint32_t>(in + 8) != kVersion ||
      Load<uint32_t>(in + 12) != kHeaderBytes) {
    return "unsupported format version " +
           std::to_string(Load<uint32_t>(in + 8));
  }
  m->seq = Load<uint64_t>(in + 16);
  m->next_command_index = Load<uint64_t>(in + 24);
  m->next_position.segment = Load<uint32_t>(in + 32);
  m->next_position.offset = Load<uint64_t>(in + 40);
  m->time_ns = Load<int64_t>(in + 48);
  *body_bytes = Load<uint64_t>(in + 56);
  std::memcpy(m->last_batch_hash.data(), in + 64, 32);
  std::memcpy(m->state_hash.data(), in + 96, 32);
  if (*body_bytes > kMaxSnapshotBodyBytes) {
    return "body_bytes " + std::to_string(*body_bytes) + " over the limit";
  }
  return "";
}


struct SnapshotFile {
  uint64_t seq;
  std::string path;
};

// Snapshot files in `dir`, newest first; empty when `dir` does not exist.
Result<std::vector<SnapshotFile>> FindSnapshots(const std::string& dir) {
  std::vector<SnapshotFile> files;
  if (!internal::PathExists(dir)) return files;
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            internal::ListDir(dir));
  for (const std::string& name : names) {
    if (std::optional<uint64_t> seq = ParseSnapshotFileName(name)) {
      files.push_back(SnapshotFile{*seq, JoinPath(dir, name)});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const SnapshotFile& a, const SnapshotFile& b) {
              return a.seq > b.seq;
            });
  return files;
}

Error Corrupt(const std::string& path, const std::string& what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "", path + ": " + what);
}

// Reads and checks the header. DATA_CORRUPTED for content problems.
Status ReadHeader(int fd, const SnapshotFile& file, SnapshotMeta* meta,
                  uint64_t* body_bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(uint64_t size, internal::FileSize(fd, file.path));
  if (size < kHeaderBytes + kTrailerBytes) {
    return Corrupt(file.path, "file is " + std::to_string(size) +
                                  " bytes, too short for a snapshot");
  }
  uint8_t header[kHeaderBytes];
  MERIDIAN_RETURN_IF_ERROR(internal::ReadAt(fd, header, 0, file.path));
  if (std::string problem = DecodeHeader(header, meta, body_bytes);
      !problem.empty()) {
    return Corrupt(file.path, problem);
  }
  if (size != kHeaderBytes + *body_bytes + kTrailerBytes) {
    return Corrupt(
        file.path,
        "file is " + std::to_string(size) + " bytes; the header says " +
            std::to_string(kHeaderBytes + *body_bytes + kTrailerBytes));
  }
  if (meta->seq != file.seq) {
    return Corrupt(file.path, "header says seq " + std::to_string(meta->seq));
  }
  return Status::Ok();
}

Result<Snapshot> ReadSnapshot(const SnapshotFile& file) {
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd,
                            internal::OpenFile(file.path, O_RDONLY));
  Snapshot snapshot;
  uint64_t body_bytes = 0;
  MERIDIAN_RETURN_IF_ERROR(
      ReadHeader(fd.get(), file, &snapshot.meta, &body_bytes));
  uint8_t header[kHeaderBytes];
  MERIDIAN_RETURN_IF_ERROR(internal::ReadAt(fd.get(), header, 0, file.path));
  snapshot.body.resize(body_bytes);
  MERIDIAN_RETURN_IF_ERROR(
      internal::ReadAt(fd.get(), snapshot.body, kHeaderBytes, file.path));
  uint8_t trailer[kTrailerBytes];
  MERIDIAN_RETURN_IF_ERROR(internal::ReadAt(
      fd.get(), trailer, kHeaderBytes + body_bytes, file.path));
  uint32_t crc = Crc32c(header, kHeaderBytes);
  crc = Crc32c(snapshot.body.data(), snapshot.body.size(), crc);
  if (crc != Load<uint32_t>(trailer)) {
    return Corrupt(file.path, "CRC mismatch over header and body");
  }
  return snapshot;
}

void Warn(const Error& error) {
  std::fprintf(stderr, "meridian snapshot: skipping %s\n",
               error.ToString().c_str());
  std::fflush(stderr);
}

}  // namespace

std::optional<uint64_t> ParseSnapshotFileName(std::string_view name) {
  if (name.size() != kPrefix.size() + kSeqDigits + kSuffix.size() ||
      !name.starts_with(kPrefix) || !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  uint64_t seq = 0;
  for (char c : name.substr(kPrefix.size(), kSeqDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (seq > (UINT64_MAX - digit) / 10) return std::nullopt;
    seq = seq * 10 + digit;
  }
  return seq;
}

Status WriteFileDurably(const std::string& path, std::span<const uint8_t> bytes,
                        mode_t mode) {
  std::span<const uint8_t> parts[] = {bytes};
  return internal::WriteFileDurablyParts(path, parts, mode);
}

std::string SnapshotFileName(uint64_t seq) {
  char name[48];
  std::snprintf(name, sizeof name, "snapshot-%020" PRIu64 ".bin", seq);
  return name;
}

Status WriteSnapshot(const std::string& dir, const SnapshotMeta& meta,
                     std::span<const uint8_t> body) {
  MERIDIAN_CHECK(body.size() <= kMaxSnapshotBodyBytes)
      << "snapshot body of " << body.size() << " bytes";
  MERIDIAN_RETURN_IF_ERROR(internal::CreateDirs(dir, /*sync=*/true));
  uint8_t header[kHeaderBytes];
  EncodeHeader(meta, body.size(), header);
  uint32_t crc = Crc32c(header, kHeaderBytes);
  crc = Crc32c(body.data(), body.size(), crc);
  uint8_t trailer[kTrailerBytes];
  Store<uint32_t>(trailer, crc);
  std::span<const uint8_t> parts[] = {header, body, trailer};
  MERIDIAN_RETURN_IF_ERROR(internal::WriteFileDurablyParts(
      JoinPath(dir, SnapshotFileName(meta.seq)), parts));

  // The new snapshot is durable: drop the old ones and stale temp files.
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<SnapshotFile> files,
                            FindSnapshots(dir));
  bool removed = false;
  for (size_t i = kSnapshotsKept; i < files.size(); ++i) {
    if (::unlink(files[i].path.c_str()) != 0) {
      return internal::IoError("unlink", files[i].path, errno);
    }
    removed = true;
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            internal::ListDir(dir));
  for (const std::string& name : names) {
    if (name.ends_with(".tmp") &&
        ParseSnapshotFileName(name.substr(0, name.size() - 4))) {
      std::string path = JoinPath(dir, name);
      if (::unlink(path.c_str()) != 0) {
        return internal::IoError("unlink", path, errno);
      }
      removed = true;
    }
  }
  if (removed) return internal::SyncDir(dir);
  return Status::Ok();
}

Result<std::optional<Snapshot>> LoadNewestSnapshot(const std::string& dir) {
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<SnapshotFile> files,
                            FindSnapshots(dir));
  for (const SnapshotFile& file : files) {
    Result<Snapshot> snapshot = ReadSnapshot(file);
    if (snapshot.ok()) return std::optional<Snapshot>(std::move(*snapshot));
    if (snapshot.error().code != ErrorCode::kDATA_CORRUPTED) {
      return snapshot.error();
    }
    Warn(snapshot.error());
  }
  return std::optional<Snapshot>();
}

Result<std::vector<SnapshotMeta>> ListSnapshots(const std::string& dir) {
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<SnapshotFile> files,
                            FindSnapshots(dir));
  std::vector<SnapshotMeta> metas;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd,
                              internal::OpenFile(it->path, O_RDONLY));
    SnapshotMeta meta;
    uint64_t body_bytes = 0;
    Status status = ReadHeader(fd.get(), *it, &meta, &body_bytes);
    if (status.ok()) {
      metas.push_back(meta);
    } else if (status.code() == ErrorCode::kDATA_CORRUPTED) {
      Warn(status.error());
    } else {
      return status.error();
    }
  }
  return metas;
}

ReplayStart ReplayStartAfter(const SnapshotMeta& meta) {
  ReplayStart start;
  start.position = meta.next_position;
  start.next_seq = meta.seq + 1;
  start.next_command_index = meta.next_command_index;
  start.prev_hash = meta.last_batch_hash;
  if (meta.seq > 0) start.last_time_ns = meta.time_ns;
  return start;
}

}  // namespace meridian::journal
