// Loaders of the sanctions lists (spec/compliance_risk.md, "Sanctions
// screening"): each reads one list's own format into ListEntry values for
// the matcher, and ListInfo for the operator.
//
//   LoadReport r = LoadSanctionsDir("../shared/data/sanctions",
//       [](std::string_view line) { std::cerr << line << "\n"; });
//   for (const LoadedList& l : r.lists) index.Add(l.entries);
//   for (const auto& [name, error] : r.refused) alert(name, error);
//
// The contract, for every list:
// - A list loads whole or not at all. A damaged file (cut short, a record
//   with the wrong number of fields, a quote never closed, bytes that are
//   not UTF-8 text, XML that does not parse, the same id twice) is refused
//   with INVALID_PARAMETER whose message names the file and the line:
//   "sdn.csv line 1234: expected 12 fields, found 7". A file that cannot
//   be read is IO_ERROR; one over a limit below is BODY_TOO_LARGE or
//   INVALID_PARAMETER, named the same way.
// - What a loader can read around without doing harm (a country name its
//   table lacks, a date of birth it cannot read, an OFAC alias whose entry
//   left the list) it leaves out and says so in LoadedList::warnings.
// - Limits: a file is at most 64 MiB; a CSV at most 2,000,000 records of at
//   most 256 fields of at most 64 KiB; a list at most 1,000,000 entries, an
//   entry at most 2,000 aliases, identifiers or dates.
// - Names and remarks are kept as listed (trimmed; runs of white space made
//   one space), countries as ISO 3166-1 alpha-2 (internal/countries.h),
//   dates of birth as "YYYY", "YYYY-MM", "YYYY-MM-DD" (internal/fields.h).
//   Programs are joined with "; ".
//
// What each list contributes to ListEntry:
//
// OFAC-SDN (ofac/: sdn.csv, alt.csv, add.csv, optional sdn_comments.csv)
// and OFAC-CONS (ofac_consolidated/: cons_prim.csv, cons_alt.csv,
// cons_add.csv, optional cons_comments.csv), OFAC's CSV layout (no header,
// "-0-" for empty):
//   source_id  ent_num
//   type       SDN_Type: individual, vessel, aircraft; -0- = entity
//   name       the name column ("LAST, First" for people)
//   aliases    alt.csv rows joined by ent_num (aka, fka, nka)
//   weak_aliases  "a.k.a. 'X'" / "f.k.a. 'X'" / "n.k.a. 'X'" in remarks
//   countries  add.csv country; remarks "nationality X", "citizen X",
//              the country of "POB …"; the vessel flag column
//   dates_of_birth  remarks "DOB …" and "alt. DOB …"
//   identifiers  remarks "Passport …", "National ID No. …", "Tax ID No.",
//              "Vessel Registration Identification IMO …" (type "IMO"), …
//              (the label table is in internal/fields.cc), with the
//              "(Country)" that follows; the call sign column ("Call Sign")
//   programs   the program column ("[SDGT] [IRGC]" -> "SDGT; IRGC")
//   remarks    the remarks column, continued by the comments file (OFAC
//              cuts remarks at 1,000 characters and carries on there)
//   date       "": OFAC's CSV files carry no publication date
//   Not kept: title, vessel type, tonnage, GRT and owner, street addresses,
//   gender, places of birth beyond their country, and remark kinds that are
//   not identifiers (websites, e-mail, phone numbers, directives).
//
// UN (un/consolidated.xml, the Security Council consolidated list):
//   source_id  REFERENCE_NUMBER ("QDi.001")
//   type       INDIVIDUAL -> individual, ENTITY -> entity
//   name       FIRST_NAME SECOND_NAME THIRD_NAME FOURTH_NAME, joined
//   aliases    ALIAS_NAME of INDIVIDUAL_ALIAS (QUALITY Good or none) and
//              ENTITY_ALIAS (a.k.a., f.k.a.); NAME_ORIGINAL_SCRIPT
//   weak_aliases  ALIAS_NAME of INDIVIDUAL_ALIAS with QUALITY Low
//   countries  NATIONALITY values; the COUNTRY of addresses and place of
//              birth; an alias's COUNTRY_OF_BIRTH
//   dates_of_birth  INDIVIDUAL_DATE_OF_BIRTH: DATE, YEAR, FROM_YEAR..TO_YEAR,
//              or a NOTE such as "August 1961"; an alias's DATE_OF_BIRTH
//   identifiers  INDIVIDUAL_DOCUMENT: TYPE_OF_DOCUMENT, NUMBER,
//              ISSUING_COUNTRY or COUNTRY_OF_ISSUE
//   programs   UN_LIST_TYPE ("Al-Qaida", "DRC")
//   remarks    COMMENTS1
//   date       the root's dateGenerated attribute
//   Not kept: titles, designations, gender, listed-on dates, Hijri dates
//   and ages ("30-35 years old").
//
// UK (uk/uk_sanctions_list.csv, the FCDO UK Sanctions List export with the
// header "Unique ID,OFSI Group ID,Name,Regime Name,Type,Designation
// source,Date Designated,Sanctions Imposed", one row per designation):
//   source_id  Unique ID ("AFG0001")
//   type       Type: Individual, Entity, Ship (vessel)
//   name       Name (two designations have none; they load with "")
//   aliases    the other names of the same OFSI Group ID (one person
//              designated under several regimes, spelt differently)
//   programs   Regime Name
//   remarks    "Designated YYYY-MM-DD (UK|UN); " + Sanctions Imposed
//   date       "Last Updated" on a first line before the header if present
//   This export carries no aliases, countries, dates of birth or document
//   numbers, so UK entries have none. (OFSI's older consolidated-list CSV,
//   with "Name 6", "Name 1".. columns, is a different layout and is
//   refused with a message saying so.)
//
// US-CSL (us_csl/csl.csv, the consolidated screening list, header row):
//   source_id  entity_number (OFAC's ent_num) when there is one, else the
//              sub-list's short name and a hash of source, name and
//              addresses ("DPL-1a2b3c4d"), stable while the row is
//   type       type: Individual, Entity, Vessel, Aircraft; empty = unknown
//   name, aliases  name, alt_names (split at "; ")
//   countries  citizenships, nationalities (alpha-2 already), the last
//              part of each address when it is an alpha-2 code, the vessel
//              flag
//   dates_of_birth  dates_of_birth (split at "; ")
//   identifiers  ids ("CO, 1978075, Matricula Mercantil No"), the call sign
//   programs   the sub-list's short name ("SDN", "DPL", "EL") then programs
//   remarks    remarks
//   date       ""
#ifndef MERIDIAN_COMPLIANCE_LISTS_H_
#define MERIDIAN_COMPLIANCE_LISTS_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compliance/list_entry.h"
#include "core/status.h"

namespace meridian::compliance {

struct LoadedList {
  ListInfo info;
  std::vector<ListEntry> entries;  // in the file's order
  // What was left out without refusing the list, one line each.
  std::vector<std::string> warnings;
};

// OFAC SDN: the texts of sdn.csv, alt.csv, add.csv and sdn_comments.csv
// (empty when there is none). info.path is left empty.
Result<LoadedList> ParseOfacSdn(std::string_view sdn, std::string_view alt,
                                std::string_view add,
                                std::string_view comments);
// `dir` holds sdn.csv, alt.csv, add.csv and maybe sdn_comments.csv.
Result<LoadedList> LoadOfacSdn(const std::string& dir);

// OFAC's non-SDN consolidated list, the same layout.
Result<LoadedList> ParseOfacConsolidated(std::string_view prim,
                                         std::string_view alt,
                                         std::string_view add,
                                         std::string_view comments);
// `dir` holds cons_prim.csv, cons_alt.csv, cons_add.csv and maybe
// cons_comments.csv.
Result<LoadedList> LoadOfacConsolidated(const std::string& dir);

Result<LoadedList> ParseUnXml(std::string_view xml);
Result<LoadedList> LoadUnXml(const std::string& path);

Result<LoadedList> ParseUkCsv(std::string_view csv);
Result<LoadedList> LoadUkCsv(const std::string& path);

Result<LoadedList> ParseUsCsl(std::string_view csv);
Result<LoadedList> LoadUsCsl(const std::string& path);

struct LoadReport {
  std::vector<LoadedList> lists;
  // The list's name ("UN") and why it was refused.
  std::vector<std::pair<std::string, Error>> refused;
};

// Loads every list found under `dir`, laid out like ../shared/data/sanctions:
// ofac/, ofac_consolidated/, un/consolidated.xml, uk/uk_sanctions_list.csv,
// us_csl/csl.csv. A subfolder that is absent is skipped (and said so); a
// list that fails is refused, named with its error, and the others still
// load. `progress` gets one human line per list, e.g.
//   "loading OFAC-SDN from …/ofac/sdn.csv … 14,965 entries, 17,043 aliases
//    (+3,683 weak) in 52 ms"
// then one line per warning.
LoadReport LoadSanctionsDir(
    const std::string& dir,
    const std::function<void(std::string_view)>& progress);

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_LISTS_H_
