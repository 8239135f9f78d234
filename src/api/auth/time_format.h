// RFC 3339 times, as the API writes them (responses, webhooks) and reads
// them (Request-Time, filters).
//
//   FormatRfc3339(1795521600123000000);  // "2026-11-24T12:00:00.123Z"
//   MERIDIAN_ASSIGN_OR_RETURN(int64_t ns,
//       ParseRfc3339("2026-11-24T19:00:00+07:00", "Request-Time"));
//
// Contract:
// - FormatRfc3339 writes UTC with exactly three fraction digits
//   (milliseconds, rounded towards the past), for every int64 nanosecond
//   count (years 1677 to 2262).
// - ParseRfc3339 accepts RFC 3339 section 5.6 date-time:
//   YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits, then Z or
//   +hh:mm / -hh:mm ("T" and "Z" in either case). The date must exist, the
//   time must be within 00:00:00..23:59:59 (leap seconds are refused: Unix
//   time has none), the offset within +-23:59, and the result within int64
//   nanoseconds. Anything else is INVALID_PARAMETER with `param` and a
//   message showing the expected form.
// - ParseRfc3339(FormatRfc3339(t)) is t floored to the millisecond, except
//   for t in the first partial millisecond of the int64 range (before
//   1677-09-21T00:12:43.145Z), whose floor is out of range and refused.
// Calendar arithmetic uses std::chrono (no time zone data, no locale).
#ifndef MERIDIAN_API_AUTH_TIME_FORMAT_H_
#define MERIDIAN_API_AUTH_TIME_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::auth {

std::string FormatRfc3339(int64_t unix_ns);

Result<int64_t> ParseRfc3339(std::string_view text,
                             std::string_view param = "");

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_TIME_FORMAT_H_
