// The fuzz entries of the sanctions-list parsers: each feeds one input to
// a parser and stops the process (MERIDIAN_CHECK) if an invariant breaks.
// Each *_fuzz.cc wraps one for libFuzzer (MERIDIAN_FUZZ=ON with clang);
// lists_fuzz_corpus_test runs them all on seeds and deterministic mutants
// in every test run.
//
//   meridian::compliance::FuzzUnXmlOnce(data, size);  // returns if all is well
//
// Invariants checked:
// - Nothing crashes, whatever the bytes.
// - A refusal is INVALID_PARAMETER or BODY_TOO_LARGE, names its file in
//   `param` and starts its message with that file's name.
// - A list that loads is consistent (CheckLoadedList): counts in
//   ListInfo match the entries, ids are unique and non-empty, countries
//   are two capital letters, dates are YYYY, YYYY-MM or YYYY-MM-DD,
//   identifiers have a type and a number.
// - CSV: records read back identically after CsvRecord writes them out;
//   ParseDates only appends well-formed dates.
#ifndef MERIDIAN_COMPLIANCE_FUZZ_LISTS_FUZZ_H_
#define MERIDIAN_COMPLIANCE_FUZZ_LISTS_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "compliance/lists.h"
#include "core/assert.h"

namespace meridian::compliance {

void FuzzCsvOnce(const uint8_t* data, size_t size);
// The input is the four OFAC files separated by form feeds (\f):
// sdn.csv \f alt.csv \f add.csv \f sdn_comments.csv.
void FuzzOfacOnce(const uint8_t* data, size_t size);
void FuzzUnXmlOnce(const uint8_t* data, size_t size);
void FuzzUkCsvOnce(const uint8_t* data, size_t size);
void FuzzUsCslOnce(const uint8_t* data, size_t size);

// "1970", "1970-05", "1970-05-14".
inline bool IsNormalisedDate(std::string_view date) {
  if (date.size() != 4 && date.size() != 7 && date.size() != 10) return false;
  for (size_t i = 0; i < date.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? date[i] != '-' : (date[i] < '0' || date[i] > '9')) {
      return false;
    }
  }
  return true;
}

// The checks every list fuzz entry makes of a parser's answer. Inline, as
// each libFuzzer binary is one entry file and the library.
inline void CheckParsed(const Result<LoadedList>& list,
                        std::string_view list_name) {
  if (!list.ok()) {
    const Error& e = list.error();
    MERIDIAN_CHECK(e.code == ErrorCode::kINVALID_PARAMETER ||
                   e.code == ErrorCode::kBODY_TOO_LARGE)
        << e.ToString();
    MERIDIAN_CHECK(!e.param.empty() && e.message.starts_with(e.param))
        << e.ToString();
    return;
  }
  const LoadedList& l = *list;
  MERIDIAN_CHECK(l.info.name == list_name);
  MERIDIAN_CHECK(l.info.entries == l.entries.size() && !l.entries.empty());
  size_t aliases = 0, weak = 0;
  std::set<std::string_view> ids;
  for (const ListEntry& e : l.entries) {
    MERIDIAN_CHECK(e.list == list_name);
    MERIDIAN_CHECK(!e.source_id.empty());
    MERIDIAN_CHECK(ids.insert(e.source_id).second) << e.source_id;
    MERIDIAN_CHECK(list_name == "UK" || !e.name.empty()) << e.source_id;
    aliases += e.aliases.size();
    weak += e.weak_aliases.size();
    for (const std::string& c : e.countries) {
      MERIDIAN_CHECK(c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' &&
                     c[1] >= 'A' && c[1] <= 'Z')
          << c;
    }
    for (const std::string& d : e.dates_of_birth) {
      MERIDIAN_CHECK(IsNormalisedDate(d)) << d;
    }
    for (const Identifier& id : e.identifiers) {
      MERIDIAN_CHECK(!id.type.empty() && !id.number.empty());
    }
  }
  MERIDIAN_CHECK(l.info.aliases == aliases && l.info.weak_aliases == weak);
}

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_FUZZ_LISTS_FUZZ_H_
