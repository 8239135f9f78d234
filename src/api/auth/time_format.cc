#include "api/auth/time_format.h"

#include <chrono>
#include <limits>

namespace meridian::auth {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr int64_t kNsPerSecond = 1'000'000'000;
// "2026-11-24T12:00:00.123456789+05:30" is 35; anything longer is wrong.
constexpr size_t kMaxLength = 40;

void AppendDigits(std::string* out, int64_t value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, static_cast<size_t>(width));
}

Error Invalid(std::string_view param, std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(param),
                   std::string(what) +
                       "; send an RFC 3339 time such as "
                       "2026-11-24T12:00:00.123Z");
}

// Reads `width` digits at text[*pos]; false if they are not all digits.
bool ReadDigits(std::string_view text, size_t* pos, int width, int* out) {
  if (*pos + static_cast<size_t>(width) > text.size()) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[*pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(width);
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char a, char b = 0) {
  if (*pos >= text.size()) return false;
  char c = text[*pos];
  if (c != a && (b == 0 || c != b)) return false;
  ++*pos;
  return true;
}

}  // namespace

std::string FormatRfc3339(int64_t unix_ns) {
  using namespace std::chrono;
  // In milliseconds from the start: converting whole days back to
  // nanoseconds would overflow int64 near the ends of its range.
  auto floor_div = [](int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  };
  const int64_t ms = floor_div(unix_ns, 1'000'000);
  const int64_t day_count = floor_div(ms, 86'400'000);
  const year_month_day ymd{sys_days(days(day_count))};
  // Whole milliseconds into the day, rounded towards the past like the day.
  const int64_t ms_of_day = ms - day_count * 86'400'000;  // 0 .. 86'399'999
  std::string out;
  out.reserve(24);
  AppendDigits(&out, static_cast<int>(ymd.year()), 4);
  out.push_back('-');
  AppendDigits(&out, static_cast<unsigned>(ymd.month()), 2);
  out.push_back('-');
  AppendDigits(&out, static_cast<unsigned>(ymd.day()), 2);
  out.push_back('T');
  AppendDigits(&out, ms_of_day / 3'600'000, 2);
  out.push_back(':');
  AppendDigits(&out, ms_of_day / 60'000 % 60, 2);
  out.push_back(':');
  AppendDigits(&out, ms_of_day / 1000 % 60, 2);
  out.push_back('.');
  AppendDigits(&out, ms_of_day % 1000, 3);
  out.push_back('Z');
  return out;
}

Result<int64_t> ParseRfc3339(std::string_view text, std::string_view param) {
  if (text.size() > kMaxLength) return Invalid(param, "the time is too long");
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return Invalid(param, "the date must be YYYY-MM-DD");
  }
  if (!Expect(text, &pos, 'T', 't')) {
    return Invalid(param, "the date must be followed by 'T' and the time");
  }
  if (!ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &second)) {
    return Invalid(param, "the time of day must be HH:MM:SS");
  }
  int64_t fraction_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    int64_t scale = kNsPerSecond;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 9) {
        return Invalid(param,
                       "the fraction of a second has more than 9 digits");
      }
      scale /= 10;
      fraction_ns += (text[pos] - '0') * scale;
      ++pos;
    }
    if (digits == 0) {
      return Invalid(param, "a '.' must be followed by digits");
    }
  }
  int64_t offset_s = 0;
  if (Expect(text, &pos, 'Z', 'z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!ReadDigits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &om) || oh > 23 || om > 59) {
      return Invalid(param, "the offset must be +hh:mm or -hh:mm");
    }
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return Invalid(param, "the time must end with Z or an offset (+07:00)");
  }
  if (pos != text.size()) {
    return Invalid(param, "unexpected characters after the time");
  }

  const std::chrono::year_month_day ymd{
      std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return Invalid(param, "there is no such date");
  if (hour > 23 || minute > 59 || second > 59) {
    return Invalid(param,
                   "there is no such time of day (leap seconds are "
                   "not accepted)");
  }
  // Local time minus the offset is UTC. Seconds stay far inside int64 for
  // years 0..9999; nanoseconds may not.
  const int64_t days_since_epoch = sys_days(ymd).time_since_epoch().count();
  const int64_t seconds =
      days_since_epoch * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  // In 128 bits, since the earliest representable time needs the fraction
  // to come back into range.
  const __int128 ns =
      static_cast<__int128>(seconds) * kNsPerSecond + fraction_ns;
  if (ns < std::numeric_limits<int64_t>::min() ||
      ns > std::numeric_limits<int64_t>::max()) {
    return Invalid(param, "the time must be between the years 1678 and 2261");
  }
  return static_cast<int64_t>(ns);
}

}  // namespace meridian::auth
