#include "iso20022/internal/text.h"

#include <chrono>
#include <cstdio>

namespace meridian::iso20022::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error Invalid(std::string_view param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(param),
                   std::move(message));
}

// Path-named refusals start their message with the path (the reader's
// convention, checked by the fuzz entry).
Error AtPath(std::string_view path, std::string_view what) {
  return Invalid(path, std::string(path) + ": " + std::string(what));
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, millisecond;
};

Civil ToCivil(int64_t unix_ns) {
  using namespace std::chrono;
  const sys_time<nanoseconds> t{nanoseconds(unix_ns)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const auto in_day = t - day;
  const auto ms = duration_cast<milliseconds>(in_day).count();
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(ms / 3'600'000),
               static_cast<unsigned>(ms / 60'000 % 60),
               static_cast<unsigned>(ms / 1000 % 60),
               static_cast<unsigned>(ms % 1000)};
}

}  // namespace

Result<std::string> FormatAmount(int64_t amount_minor, Currency currency,
                                 std::string_view param) {
  if (currency == Currency()) {
    return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, std::string(param),
                     "the amount has no currency (XXX): set it");
  }
  if (amount_minor < 0) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, std::string(param),
                     "ISO 20022 amounts are not negative (" +
                         std::to_string(amount_minor) +
                         "): give the size and say the direction "
                         "(credit/debit) apart");
  }
  if (amount_minor > kMaxAmountMinor) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, std::string(param),
                     "ISO 20022 amounts have at most 18 digits; " +
                         std::to_string(amount_minor) + " has more");
  }
  const int decimals = currency.minor_units();
  std::string digits = std::to_string(amount_minor);
  if (decimals == 0) return digits;
  if (digits.size() <= static_cast<size_t>(decimals)) {
    digits.insert(0, static_cast<size_t>(decimals) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - static_cast<size_t>(decimals), 1, '.');
  return digits;
}

Result<int64_t> ParseAmount(std::string_view text, Currency currency,
                            std::string_view path) {
  const std::string_view shown = text.substr(0, 40);
  if (text.empty()) return AtPath(path, "the amount is empty");
  if (text.size() > 40) {
    return AtPath(path,
                  "'" + std::string(shown) + "...' is too long for an amount");
  }
  const int decimals = currency.minor_units();
  int64_t value = 0;
  size_t digits = 0;
  int fraction = -1;  // digits seen after the point; -1 before it
  for (char c : text) {
    if (c == '.') {
      if (fraction >= 0) {
        return AtPath(path, "'" + std::string(shown) + "' is not an amount");
      }
      fraction = 0;
      continue;
    }
    if (!IsDigit(c)) {
      return AtPath(path, "'" + std::string(shown) +
                              "' is not an amount (digits and one decimal "
                              "point; no sign)");
    }
    ++digits;
    if (fraction >= 0) {
      ++fraction;
      if (fraction > decimals) {
        if (c != '0') {
          return AtPath(path, "'" + std::string(shown) +
                                  "' has more "
                                  "decimals than " +
                                  std::string(currency.code()) + " allows (" +
                                  std::to_string(decimals) + ")");
        }
        continue;
      }
    }
    if (value > (kMaxAmountMinor - (c - '0')) / 10) {
      return AtPath(path, "'" + std::string(shown) +
                              "' is larger than an amount can be (18 digits)");
    }
    value = value * 10 + (c - '0');
  }
  if (digits == 0) {
    return AtPath(path, "'" + std::string(shown) + "' is not an amount");
  }
  for (int i = fraction < 0 ? 0 : std::min(fraction, decimals); i < decimals;
       ++i) {
    if (value > kMaxAmountMinor / 10) {
      return AtPath(path, "'" + std::string(shown) +
                              "' is larger than an amount can be (18 digits)");
    }
    value *= 10;
  }
  return value;
}

std::string FormatDateTime(int64_t unix_ns) {
  const Civil c = ToCivil(unix_ns);
  char buf[48];
  if (c.millisecond != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03u+00:00",
                  static_cast<long long>(c.year), c.month, c.day, c.hour,
                  c.minute, c.second, c.millisecond);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u+00:00",
                  static_cast<long long>(c.year), c.month, c.day, c.hour,
                  c.minute, c.second);
  }
  return buf;
}

std::string FormatDate(int64_t unix_ns) {
  const Civil c = ToCivil(unix_ns);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u",
                static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(text[i])) return false;
  }
  const int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 +
                (text[2] - '0') * 10 + (text[3] - '0');
  const unsigned m =
      static_cast<unsigned>((text[5] - '0') * 10 + (text[6] - '0'));
  const unsigned d =
      static_cast<unsigned>((text[8] - '0') * 10 + (text[9] - '0'));
  return std::chrono::year_month_day(std::chrono::year(y),
                                     std::chrono::month(m), std::chrono::day(d))
      .ok();
}

std::string DateOfDateTime(std::string_view text) {
  // Date, 'T', hh:mm:ss, then an optional fraction and zone.
  if (text.size() < 19 || text[10] != 'T' || !IsIsoDate(text.substr(0, 10))) {
    return "";
  }
  const std::string_view time = text.substr(11, 8);
  if (time[2] != ':' || time[5] != ':') return "";
  for (size_t i : {0, 1, 3, 4, 6, 7}) {
    if (!IsDigit(time[i])) return "";
  }
  if ((time[0] - '0') * 10 + (time[1] - '0') > 24 ||
      (time[3] - '0') * 10 + (time[4] - '0') > 59 ||
      (time[6] - '0') * 10 + (time[7] - '0') > 60) {
    return "";
  }
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    while (n < rest.size() && IsDigit(rest[n])) ++n;
    if (n == 1) return "";
    rest.remove_prefix(n);
  }
  if (rest.empty() || rest == "Z") return std::string(text.substr(0, 10));
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') ||
      !IsDigit(rest[1]) || !IsDigit(rest[2]) || rest[3] != ':' ||
      !IsDigit(rest[4]) || !IsDigit(rest[5])) {
    return "";
  }
  return std::string(text.substr(0, 10));
}

bool IsXmlUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char b = *p;
    if (b < 0x80) {
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return false;
      ++p;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) <= n) return false;
    for (size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

size_t CountChars(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Status CheckText(std::string_view param, std::string_view value,
                 size_t max_chars, bool required) {
  if (value.empty()) {
    if (!required) return Status::Ok();
    return Invalid(param, "required: give 1 to " + std::to_string(max_chars) +
                              " characters");
  }
  if (!IsXmlUtf8(value)) {
    return Invalid(param,
                   "not well-formed UTF-8 text (or holds a control "
                   "character XML cannot carry)");
  }
  for (char c : value) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return Invalid(param, "one line of text: no tabs or line breaks");
    }
  }
  const size_t chars = CountChars(value);
  if (chars > max_chars) {
    return Invalid(param, "at most " + std::to_string(max_chars) +
                              " characters, this has " + std::to_string(chars));
  }
  return Status::Ok();
}

Status CheckId(std::string_view param, std::string_view value, size_t max_chars,
               bool required) {
  if (value.empty()) {
    if (!required) return Status::Ok();
    return Invalid(param, "required: give an identifier of 1 to " +
                              std::to_string(max_chars) + " characters");
  }
  if (value.size() > max_chars) {
    return Invalid(param,
                   "an identifier of at most " + std::to_string(max_chars) +
                       " characters; this has " + std::to_string(value.size()));
  }
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) {
      return Invalid(param,
                     "identifiers are printable ASCII (letters, "
                     "digits, punctuation)");
    }
  }
  if (value.front() == ' ' || value.back() == ' ') {
    return Invalid(param, "an identifier does not start or end with a space");
  }
  return Status::Ok();
}

Status CheckCode(std::string_view param, std::string_view value,
                 size_t max_chars, bool required) {
  if (value.empty()) {
    if (!required) return Status::Ok();
    return Invalid(param, "required: give the code");
  }
  bool ok = value.size() <= max_chars;
  for (char c : value) ok = ok && (IsDigit(c) || (c >= 'A' && c <= 'Z'));
  if (!ok) {
    return Invalid(param, "a code of 1 to " + std::to_string(max_chars) +
                              " upper-case letters or digits, not '" +
                              std::string(value.substr(0, 16)) + "'");
  }
  return Status::Ok();
}

}  // namespace meridian::iso20022::internal
