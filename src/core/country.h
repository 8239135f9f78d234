// Countries as the engine keeps them: an ISO 3166 alpha-2 code packed in 16
// bits, so a country is a plain integer in hot state (risk features, AML
// corridors) and compares and hashes as one.
//
//   CountryCode us = Country("US");   // 'U' << 8 | 'S'
//   if (card_country != ip_country) ...
#ifndef MERIDIAN_CORE_COUNTRY_H_
#define MERIDIAN_CORE_COUNTRY_H_

#include <cstdint>
#include <string_view>

namespace meridian {

// 0 is "unknown": no code packs to it.
using CountryCode = uint16_t;

// The packed code of a two-letter string (case kept as given); 0 for any
// other length. Callers check the letters where input comes from outside.
constexpr CountryCode Country(std::string_view alpha2) {
  return alpha2.size() == 2
             ? static_cast<CountryCode>((static_cast<uint8_t>(alpha2[0]) << 8) |
                                        static_cast<uint8_t>(alpha2[1]))
             : 0;
}

}  // namespace meridian

#endif  // MERIDIAN_CORE_COUNTRY_H_
