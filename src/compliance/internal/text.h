// Byte- and string-level helpers shared by the list parsers.
#ifndef MERIDIAN_COMPLIANCE_INTERNAL_TEXT_H_
#define MERIDIAN_COMPLIANCE_INTERNAL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace meridian::compliance::internal {

// Every list is UTF-8 text: names go to ICU as UTF-8, and bytes that are
// not text mean a damaged or wrong file. Refuses invalid UTF-8 (overlong
// forms, surrogates, past U+10FFFF, cut sequences) and control characters
// other than TAB, LF and CR, except a final 0x1A (the DOS end-of-file byte
// OFAC's files end with). INVALID_PARAMETER, "line N: ...".
Status CheckText(std::string_view text);

// The 1-based line of byte `offset` of `text`.
size_t LineOfOffset(std::string_view text, size_t offset);

// "line N: message" as INVALID_PARAMETER, the form every parser error
// takes before InFile names the file.
Error LineError(size_t line, std::string message);

// Puts the file's name in front of a parser's error: "sdn.csv line 12: …".
Error InFile(std::string_view file, Error error);

// Without ASCII white space (space, TAB, CR, LF) at either end.
std::string_view Trim(std::string_view s);

// Trimmed, with every run of white space inside made one space: list
// exports wrap long cells ("National Identification\n   Number").
std::string CollapseSpace(std::string_view s);

// `s` cut at each `separator`; pieces trimmed, empty pieces dropped.
std::vector<std::string_view> SplitTrimmed(std::string_view s,
                                           std::string_view separator);

// 14965 -> "14,965", for progress lines.
std::string WithThousands(size_t n);

// Appends `value` unless it is empty or already there.
void AddUnique(std::vector<std::string>* values, std::string value);

}  // namespace meridian::compliance::internal

#endif  // MERIDIAN_COMPLIANCE_INTERNAL_TEXT_H_
