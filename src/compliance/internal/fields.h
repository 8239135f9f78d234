// Readers of the values the lists share: dates of birth, identity
// documents and registration numbers, countries; and the notes a parser
// keeps of what it could not read without refusing the list.
#ifndef MERIDIAN_COMPLIANCE_INTERNAL_FIELDS_H_
#define MERIDIAN_COMPLIANCE_INTERNAL_FIELDS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compliance/list_entry.h"
#include "compliance/lists.h"

namespace meridian::compliance::internal {

// Appends the dates of birth `text` gives as "YYYY", "YYYY-MM" or
// "YYYY-MM-DD" (no duplicates). Understood:
//   OFAC  "14 May 1970", "May 1970", "1970", "circa 1955",
//         "1970 to 1972", "01 Jan 1961 to 31 Dec 1963", "circa 1955-1958"
//   UN    "1970-05-14", "1970", "August 1961", "Nov. 1973"
//   UK    "14/05/1970", "00/05/1970", "00/00/1970", "14-05-1970"
// A range gives every year it spans (at most 12; a wider range gives its
// two ends), so that a query's date of birth finds a person listed
// "DOB 1960 to 1962"; "circa" is dropped for the same reason. A part that
// is 00 or impossible (31 Sep) makes the date less precise, not wrong.
// False, appending nothing, if `text` is none of these.
bool ParseDates(std::string_view text, std::vector<std::string>* out);

// An identity document or registration number: `label` is the list's name
// for it ("Passport", "Tax ID No.", "Vessel Registration Identification"),
// `rest` what follows: the number, then maybe "(Country)", "issued …",
// "expires …". nullopt when the label is not one of the identifier kinds
// kept (fields.cc lists them; websites, phone numbers and sanctions notes
// are not identifiers) or there is no number.
// "IMO 9187629" under a vessel registration label becomes type "IMO",
// number "9187629", so every list's vessel IMO numbers compare.
std::optional<Identifier> MakeIdentifier(std::string_view label,
                                         std::string_view rest);

// OFAC's remark form: the label starts `text` ("Passport A123 (Iran)").
std::optional<Identifier> ParseIdentifier(std::string_view text);

// What a parser read around rather than refused a list for, for the
// operator: country names missing from the table, dates not understood.
class Notes {
 public:
  // Adds the alpha-2 code of country `name` to `countries`, or remembers
  // the name when the table does not know it.
  void AddCountry(std::string_view name, std::vector<std::string>* countries);
  // The alpha-2 code of country `name`, or "" (remembering the name).
  std::string Country(std::string_view name);
  // ParseDates, remembering text it could not read.
  void AddDates(std::string_view text, std::vector<std::string>* dates);
  void Add(std::string note) { notes_.push_back(std::move(note)); }

  // One line per kind of note.
  std::vector<std::string> Lines() const;

 private:
  std::map<std::string, size_t> unknown_countries_;
  std::vector<std::string> unread_dates_;  // a few examples
  size_t unread_date_count_ = 0;
  std::vector<std::string> notes_;
};

// The finished list: counts in `info`, the notes as warnings. An empty
// list is refused: every real list has entries, so none means a wrong or
// damaged file.
Result<LoadedList> FinishList(std::string name, std::string file,
                              std::string date, std::vector<ListEntry> entries,
                              const Notes& notes);

// Whether an entry holds more than kMaxNamesPerEntry of something: the
// loops that fill it stop there (adding to a long list costs its length).
bool EntryFull(const ListEntry& e);
// "line N: entry <id> has more than 2000 aliases, identifiers, dates or
// countries" if EntryFull.
Status CheckEntrySize(const ListEntry& e, size_t line);

// BODY_TOO_LARGE naming `file` if `text` is over kMaxListBytes.
Status CheckSize(std::string_view file, std::string_view text);

// Limits every parser applies.
inline constexpr size_t kMaxListBytes = 64 << 20;
inline constexpr size_t kMaxEntries = 1'000'000;
inline constexpr size_t kMaxNamesPerEntry = 2'000;  // aliases, ids, dates…
inline constexpr size_t kMaxRemarksBytes = 256 * 1024;

}  // namespace meridian::compliance::internal

#endif  // MERIDIAN_COMPLIANCE_INTERNAL_FIELDS_H_
