// Reading a list file whole, within the size limit.
#ifndef MERIDIAN_COMPLIANCE_INTERNAL_FILES_H_
#define MERIDIAN_COMPLIANCE_INTERNAL_FILES_H_

#include <string>

#include "core/status.h"

namespace meridian::compliance::internal {

// The file's bytes. IO_ERROR naming the path if it cannot be read;
// BODY_TOO_LARGE if it is over 64 MiB (checked before reading it).
Result<std::string> ReadListFile(const std::string& path);

bool FileExists(const std::string& path);

}  // namespace meridian::compliance::internal

#endif  // MERIDIAN_COMPLIANCE_INTERNAL_FILES_H_
