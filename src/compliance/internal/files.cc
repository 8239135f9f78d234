#include "compliance/internal/files.h"

#include <filesystem>
#include <fstream>

#include "compliance/internal/fields.h"
#include "compliance/internal/text.h"

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

Result<LoadedList> ParseOneFile(
    std::string_view file, std::string_view text,
    const std::function<Result<LoadedList>(std::string_view)>& parse) {
  MERIDIAN_RETURN_IF_ERROR(CheckSize(file, text));
  if (Status s = CheckText(text); !s.ok()) return InFile(file, s.error());
  Result<LoadedList> list = parse(text);
  if (!list.ok() && list.error().param.empty()) {
    return InFile(file, list.error());
  }
  return list;
}

Result<LoadedList> LoadOneFile(
    const std::string& path,
    const std::function<Result<LoadedList>(std::string_view)>& parse) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string text, ReadListFile(path));
  MERIDIAN_ASSIGN_OR_RETURN(LoadedList list, parse(text));
  list.info.path = path;
  return list;
}

}  // namespace meridian::compliance::internal
