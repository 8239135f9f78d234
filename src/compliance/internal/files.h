// Reading a list file whole, within the size limit.
#ifndef MERIDIAN_COMPLIANCE_INTERNAL_FILES_H_
#define MERIDIAN_COMPLIANCE_INTERNAL_FILES_H_

#include <functional>
#include <string>
#include <string_view>

#include "compliance/lists.h"
#include "core/status.h"

namespace meridian::compliance::internal {

// The file's bytes. IO_ERROR naming the path if it cannot be read;
// BODY_TOO_LARGE if it is over 64 MiB (checked before reading it).
Result<std::string> ReadListFile(const std::string& path);

bool FileExists(const std::string& path);

// The frame every one-file list parser shares: size and byte checks, then
// `parse`; an error that names no place is given the file's name.
Result<LoadedList> ParseOneFile(
    std::string_view file, std::string_view text,
    const std::function<Result<LoadedList>(std::string_view)>& parse);
// Reads `path`, parses it with `parse` and records the path.
Result<LoadedList> LoadOneFile(
    const std::string& path,
    const std::function<Result<LoadedList>(std::string_view)>& parse);

}  // namespace meridian::compliance::internal

#endif  // MERIDIAN_COMPLIANCE_INTERNAL_FILES_H_
