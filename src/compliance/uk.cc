// The UK Sanctions List (FCDO's CSV export; lists.h says what goes where).
#include <map>
#include <unordered_map>

#include "compliance/internal/csv.h"
#include "compliance/internal/fields.h"
#include "compliance/internal/files.h"
#include "compliance/internal/text.h"
#include "compliance/lists.h"
#include "core/ascii.h"

namespace meridian::compliance {
namespace {

using internal::CollapseSpace;
using internal::InFile;
using internal::LineError;

constexpr std::string_view kFile = "uk_sanctions_list.csv";

// Columns found by name: the export has changed column order before.
struct Columns {
  size_t count = 0;
  std::map<std::string, size_t, std::less<>> index;

  std::string_view Get(const std::vector<std::string>& row,
                       std::string_view name) const {
    auto it = index.find(name);
    return it == index.end() ? std::string_view() : row[it->second];
  }
};

Result<LoadedList> ParseUk(std::string_view csv) {
  internal::CsvReader reader(csv);
  std::vector<std::string> row;
  internal::Notes notes;
  std::string date;

  MERIDIAN_ASSIGN_OR_RETURN(bool more, reader.Next(&row));
  if (!more) return LineError(1, "the file is empty");
  // Some exports put "Last Updated,dd/mm/yyyy" above the header.
  if (AsciiEqualsIgnoreCase(internal::Trim(row[0]), "Last Updated")) {
    std::vector<std::string> dates;
    if (row.size() > 1 && internal::ParseDates(row[1], &dates) &&
        dates.size() == 1) {
      date = dates[0];
    }
    MERIDIAN_ASSIGN_OR_RETURN(more, reader.Next(&row));
    if (!more) return LineError(2, "no header after \"Last Updated\"");
  }
  const size_t header_line = reader.record_line();
  Columns columns;
  columns.count = row.size();
  for (size_t i = 0; i < row.size(); ++i) {
    columns.index.emplace(CollapseSpace(row[i]), i);
  }
  if (columns.index.count("Name 6") != 0) {
    return LineError(header_line,
                     "this is OFSI's consolidated-list layout (\"Name 6\", "
                     "\"Name 1\", …), which this loader does not read; use "
                     "the UK Sanctions List export (\"Unique ID\", \"OFSI "
                     "Group ID\", \"Name\", …)");
  }
  for (std::string_view required : {"Unique ID", "Name", "Type"}) {
    if (columns.index.count(required) == 0) {
      return LineError(header_line, "no \"" + std::string(required) +
                                        "\" column in the header");
    }
  }

  std::vector<ListEntry> entries;
  std::vector<std::string> groups;                // OFSI Group ID of each entry
  std::unordered_map<std::string, size_t> lines;  // Unique ID -> line
  std::vector<std::string> nameless;
  while (true) {
    MERIDIAN_ASSIGN_OR_RETURN(more, reader.Next(&row));
    if (!more) break;
    const size_t line = reader.record_line();
    if (row.size() != columns.count) {
      return LineError(line, "expected " + std::to_string(columns.count) +
                                 " fields, found " +
                                 std::to_string(row.size()));
    }
    if (entries.size() >= internal::kMaxEntries) {
      return LineError(
          line,
          "more than " + std::to_string(internal::kMaxEntries) + " entries");
    }
    ListEntry e;
    e.list = "UK";
    e.source_id = CollapseSpace(columns.Get(row, "Unique ID"));
    if (e.source_id.empty()) return LineError(line, "no Unique ID");
    auto [it, fresh] = lines.emplace(e.source_id, line);
    if (!fresh) {
      return LineError(line, e.source_id + " again (first on line " +
                                 std::to_string(it->second) + ")");
    }
    e.name = CollapseSpace(columns.Get(row, "Name"));
    if (e.name.empty()) nameless.push_back(e.source_id);
    const std::string type = CollapseSpace(columns.Get(row, "Type"));
    if (AsciiEqualsIgnoreCase(type, "Individual")) {
      e.type = EntityType::kIndividual;
    } else if (AsciiEqualsIgnoreCase(type, "Entity")) {
      e.type = EntityType::kEntity;
    } else if (AsciiEqualsIgnoreCase(type, "Ship")) {
      e.type = EntityType::kVessel;
    } else {
      notes.Add(e.source_id + " has the unknown type \"" + type +
                "\": loaded as unknown");
    }
    e.programs = CollapseSpace(columns.Get(row, "Regime Name"));
    std::vector<std::string> designated;
    internal::ParseDates(columns.Get(row, "Date Designated"), &designated);
    const std::string source =
        CollapseSpace(columns.Get(row, "Designation source"));
    if (!designated.empty()) {
      e.remarks = "Designated " + designated[0];
      if (!source.empty()) e.remarks += " (" + source + ")";
    }
    const std::string sanctions =
        CollapseSpace(columns.Get(row, "Sanctions Imposed"));
    if (!sanctions.empty()) {
      e.remarks += (e.remarks.empty() ? "" : "; ") + sanctions;
    }
    groups.push_back(CollapseSpace(columns.Get(row, "OFSI Group ID")));
    entries.push_back(std::move(e));
  }

  // One person or body designated under several regimes has one OFSI
  // Group ID and a row per designation, sometimes spelt differently
  // ("Karaev" / "Karayev"): each row gets the others' names as aliases.
  std::unordered_map<std::string, std::vector<size_t>> members;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!groups[i].empty()) members[groups[i]].push_back(i);
  }
  for (const auto& [group, indices] : members) {
    if (indices.size() < 2) continue;
    if (indices.size() > 100) {  // one body is not designated 100 times
      notes.Add("OFSI Group ID " + group + " has " +
                std::to_string(indices.size()) +
                " rows: not taken as one designee's names");
      continue;
    }
    for (size_t i : indices) {
      for (size_t j : indices) {
        if (entries[j].name != entries[i].name &&
            entries[i].aliases.size() < internal::kMaxNamesPerEntry) {
          internal::AddUnique(&entries[i].aliases, entries[j].name);
        }
      }
    }
  }
  if (!nameless.empty()) {
    std::string note = std::to_string(nameless.size()) +
                       " designations have no name, loaded without one:";
    for (size_t i = 0; i < nameless.size() && i < 10; ++i) {
      note += (i == 0 ? " " : ", ") + nameless[i];
    }
    notes.Add(note);
  }
  return internal::FinishList("UK", std::string(kFile), date,
                              std::move(entries), notes);
}

}  // namespace

Result<LoadedList> ParseUkCsv(std::string_view csv) {
  return internal::ParseOneFile(
      kFile, csv, [](std::string_view text) { return ParseUk(text); });
}

Result<LoadedList> LoadUkCsv(const std::string& path) {
  return internal::LoadOneFile(path, ParseUkCsv);
}

}  // namespace meridian::compliance
