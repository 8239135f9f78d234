// One designation of a sanctions list, as every loader produces it and the
// matcher indexes it (spec/compliance_risk.md, the compliance half).
//
// Loaders (lists.h) keep what the list says, cleaned of the list format's
// empties ("-0-", blank cells) but not otherwise rewritten: names as listed
// (the matcher normalises them), countries as ISO 3166 alpha-2 where the
// list says which, dates of birth as "YYYY", "YYYY-MM" or "YYYY-MM-DD".
#ifndef MERIDIAN_COMPLIANCE_LIST_ENTRY_H_
#define MERIDIAN_COMPLIANCE_LIST_ENTRY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace meridian::compliance {

enum class EntityType : uint8_t {
  kUnknown = 0,
  kIndividual = 1,
  kEntity = 2,  // companies, organisations, groups
  kVessel = 3,
  kAircraft = 4,
};

struct Identifier {
  std::string type;     // "Passport", "National ID No.", "IMO", …
  std::string number;   // as listed
  std::string country;  // alpha-2 when known
};

struct ListEntry {
  std::string list;       // "OFAC-SDN", "OFAC-CONS", "UN", "UK", "US-CSL"
  std::string source_id;  // the list's own id for the designation
  EntityType type = EntityType::kUnknown;
  std::string name;                  // the primary name as listed
  std::vector<std::string> aliases;  // alternate names as listed
  // Names the list itself marks as low quality: OFAC's a.k.a.s in remarks
  // ("a.k.a. 'ABU UTHMAN'"), UN aliases of QUALITY "Low". Too short or
  // common to screen on alone; the matcher decides what they are worth.
  std::vector<std::string> weak_aliases;
  std::vector<std::string> countries;       // alpha-2: nationality, address…
  std::vector<std::string> dates_of_birth;  // "1970", "1970-05", "1970-05-14"
  std::vector<Identifier> identifiers;
  std::string programs;  // sanctions programmes / regimes, as listed
  std::string remarks;
};

// What a list is, for the operator: which file, of when, how many entries.
struct ListInfo {
  std::string name;  // as ListEntry::list
  std::string path;
  std::string date;  // publication date when the file says, else ""
  size_t entries = 0;
  size_t aliases = 0;       // sum of ListEntry::aliases
  size_t weak_aliases = 0;  // sum of ListEntry::weak_aliases
};

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_LIST_ENTRY_H_
