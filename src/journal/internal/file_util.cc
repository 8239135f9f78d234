#include "journal/internal/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace meridian::journal::internal {
namespace {

// Bounds one read()/write() call; the loops below move the rest.
constexpr size_t kMaxIoChunkBytes = 64 << 20;

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

Error IoError(const std::string& op, const std::string& path, int err) {
  return MakeError(ErrorCode::kIO_ERROR, "",
                   op + " " + path + ": " + std::strerror(err));
}

Result<UniqueFd> OpenFile(const std::string& path, int flags, int mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return IoError("open", path, errno);
  return UniqueFd(fd);
}

Result<uint64_t> FileSize(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return IoError("fstat", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

Status ReadAt(int fd, std::span<uint8_t> bytes, uint64_t offset,
              const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    size_t chunk = std::min(bytes.size() - done, kMaxIoChunkBytes);
    ssize_t n = ::pread(fd, bytes.data() + done, chunk,
                        static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, errno);
    }
    if (n == 0) {
      return MakeError(ErrorCode::kIO_ERROR, "",
                       "read " + path + ": unexpected end of file at offset " +
                           std::to_string(offset + done));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status WriteAt(int fd, std::span<const uint8_t> bytes, uint64_t offset,
               const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    size_t chunk = std::min(bytes.size() - done, kMaxIoChunkBytes);
    ssize_t n = ::pwrite(fd, bytes.data() + done, chunk,
                         static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    if (n == 0) return IoError("write", path, EIO);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status WriteZerosAt(int fd, uint64_t offset, uint64_t size_bytes,
                    const std::string& path) {
  static constexpr size_t kZeroBlockBytes = 1 << 20;
  static const std::vector<uint8_t> zeros(kZeroBlockBytes, 0);
  while (size_bytes > 0) {
    size_t n =
        static_cast<size_t>(std::min<uint64_t>(size_bytes, zeros.size()));
    MERIDIAN_RETURN_IF_ERROR(
        WriteAt(fd, std::span(zeros.data(), n), offset, path));
    offset += n;
    size_bytes -= n;
  }
  return Status::Ok();
}

Status SyncData(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return IoError("fdatasync", path, errno);
  return Status::Ok();
}

Status SyncFile(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return IoError("fsync", path, errno);
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(dir, O_RDONLY | O_DIRECTORY));
  return SyncFile(fd.get(), dir);
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return IoError("opendir", dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
    errno = 0;
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return IoError("readdir", dir, err);
  std::sort(names.begin(), names.end());
  return names;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status CreateDirs(const std::string& dir, bool sync) {
  if (dir.empty() || PathExists(dir)) return Status::Ok();
  std::string parent = DirName(dir);
  if (parent != dir) MERIDIAN_RETURN_IF_ERROR(CreateDirs(parent, sync));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return IoError("mkdir", dir, errno);
  }
  if (sync) MERIDIAN_RETURN_IF_ERROR(SyncDir(parent));
  return Status::Ok();
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string DirName(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

Status WriteFileDurablyParts(const std::string& path,
                             std::span<const std::span<const uint8_t>> parts,
                             mode_t mode) {
  std::string tmp = path + ".tmp";
  Status status = [&]() -> Status {
    MERIDIAN_ASSIGN_OR_RETURN(
        UniqueFd fd, OpenFile(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode));
    uint64_t offset = 0;
    for (std::span<const uint8_t> part : parts) {
      MERIDIAN_RETURN_IF_ERROR(WriteAt(fd.get(), part, offset, tmp));
      offset += part.size();
    }
    return SyncFile(fd.get(), tmp);
  }();
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = IoError("rename " + tmp + " to", path, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());  // best effort; the error is what matters
    return status;
  }
  return SyncDir(DirName(path));
}

}  // namespace meridian::journal::internal
