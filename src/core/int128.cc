#include "core/int128.h"

#include <algorithm>

namespace meridian {

std::string U128ToString(u128 value) {
  if (value == 0) return "0";
  char digits[40];
  int n = 0;
  while (value != 0) {
    digits[n++] = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  }
  std::string out(digits, n);
  std::reverse(out.begin(), out.end());
  return out;
}

std::string I128ToString(i128 value) {
  if (value >= 0) return U128ToString(static_cast<u128>(value));
  // Negate in unsigned space so the minimum value does not overflow.
  return "-" + U128ToString(~static_cast<u128>(value) + 1);
}

std::optional<u128> ParseU128(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  u128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    u128 digit = static_cast<u128>(c - '0');
    if (value > (kU128Max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace meridian
