// 128-bit integers for ledger totals, with decimal text conversion.
//
// Ledger balances are sums of 64-bit amounts over the life of an account, so
// they are kept in 128 bits and can never overflow in practice; every addition
// is still checked (CheckedAdd) because "in practice" is not a proof.
#ifndef MERIDIAN_CORE_INT128_H_
#define MERIDIAN_CORE_INT128_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace meridian {

using u128 = unsigned __int128;
using i128 = __int128;

inline constexpr u128 kU128Max = ~static_cast<u128>(0);

// For unordered containers keyed by ids (std::hash has no u128 in strict
// C++20). Ids and fingerprints are already well mixed; the multiply spreads
// the time-ordered ones.
struct U128Hash {
  size_t operator()(u128 v) const {
    return static_cast<size_t>(static_cast<uint64_t>(v) ^
                               static_cast<uint64_t>(v >> 64)) *
           0x9E3779B97F4A7C15ull;
  }
};

// Decimal text of a 128-bit value ("0",
// "340282366920938463463374607431768211455").
std::string U128ToString(u128 value);
std::string I128ToString(i128 value);

// Parses a plain decimal string (digits only, no sign, no leading zeros except
// "0"). Returns nullopt on any other input or on overflow.
std::optional<u128> ParseU128(std::string_view text);

// Returns false (and leaves *out untouched) on overflow.
inline bool CheckedAdd(u128 a, u128 b, u128* out) {
  u128 sum = a + b;
  if (sum < a) return false;
  *out = sum;
  return true;
}

}  // namespace meridian

#endif  // MERIDIAN_CORE_INT128_H_
