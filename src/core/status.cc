#include "core/status.h"

#include <array>

namespace meridian {
namespace {

struct CodeInfo {
  std::string_view name;
  int http_status;
  char outcome;
};

constexpr std::array kCodes = {
#define MERIDIAN_ERROR_INFO(name, http, outcome) CodeInfo{#name, http, outcome},
    MERIDIAN_ERROR_CODES(MERIDIAN_ERROR_INFO)
#undef MERIDIAN_ERROR_INFO
};

const CodeInfo& Info(ErrorCode code) {
  size_t index = static_cast<size_t>(code);
  MERIDIAN_CHECK(index < kCodes.size());
  return kCodes[index];
}

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) { return Info(code).name; }
int ErrorCodeHttpStatus(ErrorCode code) { return Info(code).http_status; }
char ErrorCodeOutcome(ErrorCode code) { return Info(code).outcome; }

std::optional<ErrorCode> ErrorCodeFromName(std::string_view name) {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i].name == name) return static_cast<ErrorCode>(i);
  }
  return std::nullopt;
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code));
  if (!param.empty()) out += " (" + param + ")";
  if (!message.empty()) out += ": " + message;
  return out;
}

Error MakeError(ErrorCode code, std::string param, std::string message) {
  return Error{code, std::move(param), std::move(message)};
}

}  // namespace meridian
