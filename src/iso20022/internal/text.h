// The value formats ISO 20022 messages share: amounts in a currency's
// decimals, ISO 8601 dates and date-times in UTC, and the text rules of
// the schemas' Max35Text/Max140Text/code types (lengths in characters of
// well-formed UTF-8). Used by the writers (writer.cc) and the reader
// (reader.cc); pure functions.
#ifndef MERIDIAN_ISO20022_INTERNAL_TEXT_H_
#define MERIDIAN_ISO20022_INTERNAL_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/currency.h"
#include "core/status.h"

namespace meridian::iso20022::internal {

// The schemas' amounts are xs:decimal with at most 18 digits in all.
inline constexpr int64_t kMaxAmountMinor = 999'999'999'999'999'999;

// 123456 in USD -> "1234.56"; 1000 in JPY -> "1000"; 1 in KWD -> "0.001".
// Exactly the currency's decimals (ISO 4217 minor units). Refuses (param
// `param`, INVALID_AMOUNT) a negative amount or one of more than 18 digits,
// and XXX (CURRENCY_NOT_SUPPORTED: the Currency was never set).
Result<std::string> FormatAmount(int64_t amount_minor, Currency currency,
                                 std::string_view param);

// "1234.5" in USD -> 123450. Digits with an optional decimal point; more
// decimals than the currency has are refused unless they are zeros
// ("12.340" in USD is 1234). INVALID_PARAMETER naming `path` (the message
// starts with it) for anything else, a negative value or one beyond
// kMaxAmountMinor.
Result<int64_t> ParseAmount(std::string_view text, Currency currency,
                            std::string_view path);

// Unix ns -> "2026-01-01T10:00:00+00:00" (UTC; ".123" milliseconds after
// the seconds when the instant has any). The +00:00 offset rather than Z,
// as CBPR+ requires.
std::string FormatDateTime(int64_t unix_ns);
// Unix ns -> the UTC calendar date "2026-01-01".
std::string FormatDate(int64_t unix_ns);
// "YYYY-MM-DD" naming a real day of the Gregorian calendar.
bool IsIsoDate(std::string_view text);
// "YYYY-MM-DDThh:mm:ss" with optional fraction and optional Z or +hh:mm /
// -hh:mm: the date part "YYYY-MM-DD" when well formed, else "".
std::string DateOfDateTime(std::string_view text);

// Well-formed UTF-8 (no overlong forms, surrogates or values past
// U+10FFFF) of characters XML 1.0 allows (no C0 controls but tab, CR, LF;
// no U+FFFE/U+FFFF).
bool IsXmlUtf8(std::string_view text);
// Code points in well-formed UTF-8.
size_t CountChars(std::string_view utf8);

// A free-text field (names, remittance, address parts): 1..max_chars
// characters of XML-safe UTF-8 without control characters. Empty is fine
// when !required. INVALID_PARAMETER with `param`.
Status CheckText(std::string_view param, std::string_view value,
                 size_t max_chars, bool required);
// An identifier (message id, end-to-end id ...): 1..max_chars printable
// ASCII characters, no leading or trailing space.
Status CheckId(std::string_view param, std::string_view value, size_t max_chars,
               bool required);
// An external code (purpose, return reason, bank transaction code parts):
// 1..max_chars upper-case letters or digits.
Status CheckCode(std::string_view param, std::string_view value,
                 size_t max_chars, bool required);

}  // namespace meridian::iso20022::internal

#endif  // MERIDIAN_ISO20022_INTERNAL_TEXT_H_
