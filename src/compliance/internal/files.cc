#include "compliance/internal/files.h"

#include <filesystem>
#include <fstream>

#include "compliance/internal/fields.h"

namespace meridian::compliance::internal {

Result<std::string> ReadListFile(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return MakeError(ErrorCode::kIO_ERROR, path,
                     "cannot read " + path + ": " + ec.message());
  }
  if (size > kMaxListBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, path,
                     path + " is " + std::to_string(size >> 20) +
                         " MiB; a list file is at most 64 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size))) {
    return MakeError(ErrorCode::kIO_ERROR, path, "cannot read " + path);
  }
  return text;
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace meridian::compliance::internal
