// ASCII-only text helpers for protocol tokens (header names, schemes),
// where locale-aware functions would be wrong as well as slow.
#ifndef MERIDIAN_CORE_ASCII_H_
#define MERIDIAN_CORE_ASCII_H_

#include <string_view>

namespace meridian {

inline char AsciiToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// "Content-Length" equals "content-length"; non-ASCII bytes must match
// exactly.
inline bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

}  // namespace meridian

#endif  // MERIDIAN_CORE_ASCII_H_
