// Thin POSIX file helpers for the journal and snapshots: whole reads and
// writes at an offset (retrying short transfers and EINTR), fsync of files
// and directories, and IO_ERROR values that name the file and the call.
//
//   MERIDIAN_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDONLY));
//   MERIDIAN_RETURN_IF_ERROR(ReadAt(fd.get(), buffer, 0, path));
#ifndef MERIDIAN_JOURNAL_INTERNAL_FILE_UTIL_H_
#define MERIDIAN_JOURNAL_INTERNAL_FILE_UTIL_H_

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace meridian::journal::internal {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd();

  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// IO_ERROR "<op> <path>: <strerror(err)>".
Error IoError(const std::string& op, const std::string& path, int err);

Result<UniqueFd> OpenFile(const std::string& path, int flags, int mode = 0644);
Result<uint64_t> FileSize(int fd, const std::string& path);

// Exactly bytes.size() bytes at `offset`; a file that ends first is an
// IO_ERROR ("unexpected end of file").
Status ReadAt(int fd, std::span<uint8_t> bytes, uint64_t offset,
              const std::string& path);
Status WriteAt(int fd, std::span<const uint8_t> bytes, uint64_t offset,
               const std::string& path);
// Writes `size_bytes` zeros at `offset`.
Status WriteZerosAt(int fd, uint64_t offset, uint64_t size_bytes,
                    const std::string& path);

Status SyncData(int fd, const std::string& path);  // fdatasync
Status SyncFile(int fd, const std::string& path);  // fsync
Status SyncDir(const std::string& dir);            // fsync of the directory

// Names in `dir` (not "." or ".."); IO_ERROR if it cannot be read.
Result<std::vector<std::string>> ListDir(const std::string& dir);
bool PathExists(const std::string& path);
// Creates `dir` and missing parents, fsyncing each parent of a directory it
// created when `sync`.
Status CreateDirs(const std::string& dir, bool sync);
std::string JoinPath(const std::string& dir, const std::string& name);
// The directory part of `path` ("." when there is none).
std::string DirName(const std::string& path);

// Writes the concatenation of `parts` to path + ".tmp", fsyncs it, renames it
// over `path` and fsyncs the directory: afterwards `path` holds either the
// old content or all of the new, whatever crashes when. A new file gets
// `mode` (0600 for secrets).
Status WriteFileDurablyParts(const std::string& path,
                             std::span<const std::span<const uint8_t>> parts,
                             mode_t mode = 0644);

}  // namespace meridian::journal::internal

#endif  // MERIDIAN_JOURNAL_INTERNAL_FILE_UTIL_H_
