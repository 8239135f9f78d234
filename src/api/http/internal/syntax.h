// HTTP/1.1 syntax rules (RFC 9110) shared by the server, the client and the
// router, so that all three accept and refuse the same names and values.
#ifndef MERIDIAN_API_HTTP_INTERNAL_SYNTAX_H_
#define MERIDIAN_API_HTTP_INTERNAL_SYNTAX_H_

#include <string_view>

#include "core/ascii.h"

namespace meridian::http::internal {

// tchar: what a method or a header name is made of.
inline bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

inline bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// CR, LF or NUL in a value would let it end the header (injection).
inline bool HasCrLfOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) !=
         std::string_view::npos;
}

// The headers that frame a message: the server and the client write them
// themselves and refuse them from callers.
inline bool IsFramingHeader(std::string_view name) {
  return AsciiEqualsIgnoreCase(name, "content-length") ||
         AsciiEqualsIgnoreCase(name, "transfer-encoding") ||
         AsciiEqualsIgnoreCase(name, "connection");
}

}  // namespace meridian::http::internal

#endif  // MERIDIAN_API_HTTP_INTERNAL_SYNTAX_H_
