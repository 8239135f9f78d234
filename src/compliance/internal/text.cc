#include "compliance/internal/text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace meridian::compliance::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;  // a continuation byte, 0xC0/0xC1 (overlong) or past U+10FFFF
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

}  // namespace

Status CheckText(std::string_view text) {
  if (text.ends_with('\x1A')) text.remove_suffix(1);
  size_t line = 1;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {  // printable ASCII: nearly every byte
      ++i;
      continue;
    }
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\r') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      return LineError(line, std::string("control character ") + hex +
                                 ": not a text file, or a damaged one");
    }
    if (c == 0x7F) {
      return LineError(line, "control character 0x7F: not a text file");
    }
    const size_t len = Utf8Length(text, i);
    if (len == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      return LineError(line, std::string("invalid UTF-8 (byte ") + hex +
                                 "): lists are read as UTF-8");
    }
    i += len;
  }
  return Status::Ok();
}

size_t LineOfOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(
                 std::count(text.begin(), text.begin() + offset, '\n'));
}

Error LineError(size_t line, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "",
                   "line " + std::to_string(line) + ": " + message);
}

Error InFile(std::string_view file, Error error) {
  error.param = std::string(file);
  error.message = std::string(file) + " " + error.message;
  return error;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string CollapseSpace(std::string_view s) {
  s = Trim(s);
  std::string out;
  out.reserve(s.size());
  // Copies runs between white space whole: most cells have one space at
  // a time and nothing to change.
  while (!s.empty()) {
    // A loop, not find_first_of: that calls memchr once a byte.
    size_t space = 0;
    while (space < s.size() && !IsSpace(s[space])) ++space;
    out.append(s.substr(0, space));
    if (space == s.size()) break;
    out.push_back(' ');
    s.remove_prefix(space);
    s = Trim(s);  // the trim of the whole left no white space at the end
  }
  return out;
}

std::vector<std::string_view> SplitTrimmed(std::string_view s,
                                           std::string_view separator) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t at = s.find(separator);
    std::string_view piece = Trim(s.substr(0, at));
    if (!piece.empty()) out.push_back(piece);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + separator.size());
  }
  return out;
}

std::string WithThousands(size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

void AddUnique(std::vector<std::string>* values, std::string value) {
  if (value.empty()) return;
  if (std::find(values->begin(), values->end(), value) != values->end()) {
    return;
  }
  values->push_back(std::move(value));
}

}  // namespace meridian::compliance::internal
