// OFAC's CSV lists: the SDN list and the non-SDN consolidated list share
// one layout (lists.h says what goes where).
#include <unordered_map>

#include "compliance/internal/countries.h"
#include "compliance/internal/csv.h"
#include "compliance/internal/fields.h"
#include "compliance/internal/files.h"
#include "compliance/internal/text.h"
#include "compliance/lists.h"
#include "core/ascii.h"

namespace meridian::compliance {
namespace {

using internal::AddUnique;
using internal::CollapseSpace;
using internal::CsvReader;
using internal::InFile;
using internal::LineError;
using internal::Trim;

// The names of the four files, for messages.
struct OfacFiles {
  std::string_view main, alt, add, comments;
};
constexpr OfacFiles kSdnFiles = {"sdn.csv", "alt.csv", "add.csv",
                                 "sdn_comments.csv"};
constexpr OfacFiles kConsFiles = {"cons_prim.csv", "cons_alt.csv",
                                  "cons_add.csv", "cons_comments.csv"};

// OFAC writes an empty cell as -0-, often with a space after it.
std::string_view Value(std::string_view cell) {
  cell = Trim(cell);
  return cell == "-0-" ? std::string_view() : cell;
}

// OFAC's entry numbers are decimal; the four files join on them as
// numbers, which need no allocation per lookup as strings would.
std::optional<uint64_t> EntNum(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

Error NotAnEntNum(size_t line, std::string_view s) {
  return LineError(line, "ent_num \"" + std::string(s) + "\" is not a number");
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         AsciiEqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// "POB Zubair, Iraq", "POB Moscow, Russia", "POB Pyongyang, Korea, North":
// the country is the longest tail after a comma that the table knows.
// A place of birth with no country named adds nothing, quietly: most
// are cities.
void AddBirthCountry(std::string_view place, ListEntry* e) {
  std::string_view code = internal::CountryCode(place);
  for (size_t at = place.find(',');
       code.empty() && at != std::string_view::npos;
       at = place.find(',', at + 1)) {
    code = internal::CountryCode(place.substr(at + 1));
  }
  if (!code.empty()) AddUnique(&e->countries, std::string(code));
}

void AddIdentifier(Identifier id, ListEntry* e) {
  for (const Identifier& have : e->identifiers) {
    if (have.type == id.type && have.number == id.number) return;
  }
  e->identifiers.push_back(std::move(id));
}

// Reads what the remarks say: "DOB 14 May 1970; alt. DOB 1971; POB …;
// nationality Iran; Passport A123 (Iran); a.k.a. 'ABU X'."
void ReadRemarks(std::string_view remarks, ListEntry* e,
                 internal::Notes* notes) {
  for (std::string_view part : internal::SplitTrimmed(remarks, ";")) {
    if (internal::EntryFull(*e)) return;  // CheckEntrySize says so
    if (part.ends_with('.')) part.remove_suffix(1);
    if (StartsWithIgnoreCase(part, "alt. ")) part = Trim(part.substr(5));
    if (part.starts_with("DOB ")) {
      notes->AddDates(part.substr(4), &e->dates_of_birth);
    } else if (part.starts_with("nationality ")) {
      notes->AddCountry(part.substr(12), &e->countries);
    } else if (part.starts_with("citizen ")) {
      notes->AddCountry(part.substr(8), &e->countries);
    } else if (part.starts_with("POB ")) {
      AddBirthCountry(part.substr(4), e);
    } else if ((part.starts_with("a.k.a. '") || part.starts_with("f.k.a. '") ||
                part.starts_with("n.k.a. '")) &&
               part.ends_with('\'') && part.size() > 9) {
      std::string alias = CollapseSpace(part.substr(8, part.size() - 9));
      if (alias != e->name) AddUnique(&e->weak_aliases, std::move(alias));
    } else if (std::optional<Identifier> id = internal::ParseIdentifier(part)) {
      AddIdentifier(std::move(*id), e);
    }
  }
}

// Reads `text` record by record, each of `fields` fields; `row` gets the
// fields and the record's line.
template <typename Row>
Status ForEachRecord(std::string_view file, std::string_view text,
                     size_t fields, Row row) {
  MERIDIAN_RETURN_IF_ERROR(internal::CheckSize(file, text));
  if (Status s = internal::CheckText(text); !s.ok()) {
    return InFile(file, s.error());
  }
  CsvReader reader(text);
  std::vector<std::string> record;
  while (true) {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) return InFile(file, more.error());
    if (!*more) return Status::Ok();
    if (record.size() != fields) {
      return InFile(file, LineError(reader.record_line(),
                                    "expected " + std::to_string(fields) +
                                        " fields, found " +
                                        std::to_string(record.size())));
    }
    Status s = row(record, reader.record_line());
    if (!s.ok()) return InFile(file, s.error());
  }
}

Result<LoadedList> ParseOfac(std::string_view list_name, const OfacFiles& files,
                             std::string_view main, std::string_view alt,
                             std::string_view add, std::string_view comments) {
  std::vector<ListEntry> entries;
  std::unordered_map<uint64_t, size_t> by_id;  // ent_num -> index
  std::vector<size_t> lines;                   // where each entry is
  std::vector<std::string> remarks;            // raw, until continued
  internal::Notes notes;

  MERIDIAN_RETURN_IF_ERROR(ForEachRecord(
      files.main, main, 12,
      [&](const std::vector<std::string>& f, size_t line) -> Status {
        std::string_view ent_num = Value(f[0]);
        std::optional<uint64_t> key = EntNum(ent_num);
        if (!key) return NotAnEntNum(line, ent_num);
        auto [it, fresh] = by_id.emplace(*key, entries.size());
        if (!fresh) {
          return LineError(line, "ent_num " + std::string(ent_num) +
                                     " again (first on line " +
                                     std::to_string(lines[it->second]) + ")");
        }
        if (entries.size() >= internal::kMaxEntries) {
          return LineError(line, "more than " +
                                     std::to_string(internal::kMaxEntries) +
                                     " entries");
        }
        ListEntry& e = entries.emplace_back();
        lines.push_back(line);
        e.list = std::string(list_name);
        e.source_id = std::string(ent_num);
        e.name = CollapseSpace(Value(f[1]));
        if (e.name.empty()) {
          return LineError(line, "ent_num " + e.source_id + " has no name");
        }
        std::string_view type = Value(f[2]);
        if (type.empty()) {
          e.type = EntityType::kEntity;
        } else if (AsciiEqualsIgnoreCase(type, "individual")) {
          e.type = EntityType::kIndividual;
        } else if (AsciiEqualsIgnoreCase(type, "vessel")) {
          e.type = EntityType::kVessel;
        } else if (AsciiEqualsIgnoreCase(type, "aircraft")) {
          e.type = EntityType::kAircraft;
        } else {
          notes.Add("ent_num " + e.source_id + " has the unknown type \"" +
                    std::string(type) + "\": loaded as unknown");
        }
        // "UKRAINE-EO13662] [RUSSIA-EO14024": OFAC's [A] [B] without the
        // outer brackets.
        std::string programs;
        for (std::string_view p : internal::SplitTrimmed(Value(f[3]), "] [")) {
          if (!programs.empty()) programs += "; ";
          programs += p;
        }
        e.programs = std::move(programs);
        if (std::string_view call_sign = Value(f[5]); !call_sign.empty()) {
          e.identifiers.push_back({"Call Sign", std::string(call_sign), ""});
        }
        notes.AddCountry(Value(f[9]), &e.countries);  // vessel flag
        remarks.emplace_back(Value(f[11]));
        return Status::Ok();
      }));

  // OFAC cuts remarks at 1,000 characters and carries on in the comments
  // file, mid-word: join the two before reading them.
  size_t orphans = 0;
  MERIDIAN_RETURN_IF_ERROR(ForEachRecord(
      files.comments, comments, 2,
      [&](const std::vector<std::string>& f, size_t line) -> Status {
        std::optional<uint64_t> key = EntNum(Value(f[0]));
        if (!key) return NotAnEntNum(line, Value(f[0]));
        auto it = by_id.find(*key);
        if (it == by_id.end()) {
          ++orphans;
          return Status::Ok();
        }
        std::string& r = remarks[it->second];
        if (r.size() > internal::kMaxRemarksBytes) {
          return LineError(line, "the remarks of ent_num " +
                                     std::to_string(it->first) +
                                     " go on too long");
        }
        r += Value(f[1]);
        return Status::Ok();
      }));
  if (orphans > 0) {
    notes.Add(std::string(files.comments) + ": " + std::to_string(orphans) +
              " rows for entries not in " + std::string(files.main) +
              ", skipped");
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    ReadRemarks(remarks[i], &entries[i], &notes);
    entries[i].remarks = CollapseSpace(remarks[i]);
    if (Status s = internal::CheckEntrySize(entries[i], lines[i]); !s.ok()) {
      return InFile(files.main, s.error());
    }
  }

  orphans = 0;
  MERIDIAN_RETURN_IF_ERROR(ForEachRecord(
      files.alt, alt, 5,
      [&](const std::vector<std::string>& f, size_t line) -> Status {
        std::optional<uint64_t> key = EntNum(Value(f[0]));
        if (!key) return NotAnEntNum(line, Value(f[0]));
        auto it = by_id.find(*key);
        if (it == by_id.end()) {
          ++orphans;
          return Status::Ok();
        }
        ListEntry& e = entries[it->second];
        std::string alias = CollapseSpace(Value(f[3]));
        if (alias == e.name) return Status::Ok();
        if (e.aliases.size() >= internal::kMaxNamesPerEntry) {
          return LineError(
              line, "more than " + std::to_string(internal::kMaxNamesPerEntry) +
                        " aliases for ent_num " + e.source_id);
        }
        AddUnique(&e.aliases, std::move(alias));
        return Status::Ok();
      }));
  if (orphans > 0) {
    notes.Add(std::string(files.alt) + ": " + std::to_string(orphans) +
              " rows for entries not in " + std::string(files.main) +
              ", skipped");
  }

  orphans = 0;
  MERIDIAN_RETURN_IF_ERROR(ForEachRecord(
      files.add, add, 6,
      [&](const std::vector<std::string>& f, size_t line) -> Status {
        std::optional<uint64_t> key = EntNum(Value(f[0]));
        if (!key) return NotAnEntNum(line, Value(f[0]));
        auto it = by_id.find(*key);
        if (it == by_id.end()) {
          ++orphans;
          return Status::Ok();
        }
        notes.AddCountry(Value(f[4]), &entries[it->second].countries);
        return Status::Ok();
      }));
  if (orphans > 0) {
    notes.Add(std::string(files.add) + ": " + std::to_string(orphans) +
              " rows for entries not in " + std::string(files.main) +
              ", skipped");
  }

  return internal::FinishList(std::string(list_name), std::string(files.main),
                              "", std::move(entries), notes);
}

Result<LoadedList> LoadOfac(std::string_view list_name, const OfacFiles& files,
                            const std::string& dir) {
  const std::string main_path = dir + "/" + std::string(files.main);
  MERIDIAN_ASSIGN_OR_RETURN(std::string main,
                            internal::ReadListFile(main_path));
  MERIDIAN_ASSIGN_OR_RETURN(
      std::string alt,
      internal::ReadListFile(dir + "/" + std::string(files.alt)));
  MERIDIAN_ASSIGN_OR_RETURN(
      std::string add,
      internal::ReadListFile(dir + "/" + std::string(files.add)));
  std::string comments;
  const std::string comments_path = dir + "/" + std::string(files.comments);
  if (internal::FileExists(comments_path)) {
    MERIDIAN_ASSIGN_OR_RETURN(comments, internal::ReadListFile(comments_path));
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      LoadedList list, ParseOfac(list_name, files, main, alt, add, comments));
  list.info.path = main_path;
  return list;
}

}  // namespace

Result<LoadedList> ParseOfacSdn(std::string_view sdn, std::string_view alt,
                                std::string_view add,
                                std::string_view comments) {
  return ParseOfac("OFAC-SDN", kSdnFiles, sdn, alt, add, comments);
}

Result<LoadedList> LoadOfacSdn(const std::string& dir) {
  return LoadOfac("OFAC-SDN", kSdnFiles, dir);
}

Result<LoadedList> ParseOfacConsolidated(std::string_view prim,
                                         std::string_view alt,
                                         std::string_view add,
                                         std::string_view comments) {
  return ParseOfac("OFAC-CONS", kConsFiles, prim, alt, add, comments);
}

Result<LoadedList> LoadOfacConsolidated(const std::string& dir) {
  return LoadOfac("OFAC-CONS", kConsFiles, dir);
}

}  // namespace meridian::compliance
