// The US consolidated screening list (CSV with a header; lists.h says what
// goes where).
#include <cstdio>
#include <map>
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
using internal::InFile;
using internal::LineError;
using internal::SplitTrimmed;
using internal::Trim;

constexpr std::string_view kFile = "csl.csv";

struct Columns {
  size_t count = 0;
  std::map<std::string, size_t, std::less<>> index;

  std::string_view Get(const std::vector<std::string>& row,
                       std::string_view name) const {
    auto it = index.find(name);
    return it == index.end() ? std::string_view() : row[it->second];
  }
};

// "Denied Persons List (DPL) - Bureau of Industry and Security" -> "DPL".
std::string ShortSource(std::string_view source) {
  const size_t open = source.find('(');
  const size_t close = source.find(')', open);
  if (open != std::string_view::npos && close != std::string_view::npos &&
      close > open + 1 && close - open <= 12) {
    return std::string(source.substr(open + 1, close - open - 1));
  }
  return CollapseSpace(source);
}

// FNV-1a: a row without an entity number gets an id from what it says,
// so the id holds while the row does (a row number would not).
uint32_t Fnv1a(std::string_view s, uint32_t h = 2166136261u) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

void AddCountryOrCode(std::string_view text, ListEntry* e,
                      internal::Notes* notes) {
  if (internal::LooksLikeCountryCode(text)) {
    AddUnique(&e->countries, std::string(text));
  } else {
    notes->AddCountry(text, &e->countries);
  }
}

// "CO, 1978075, Matricula Mercantil No", "21795618, Passport",
// "IMO 8898831, Vessel Registration Identification".
std::optional<Identifier> ReadId(std::string_view text) {
  const size_t comma = text.rfind(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view label = text.substr(comma + 2);
  std::string_view number = text.substr(0, comma);
  std::string country;
  if (number.size() > 4 && number[2] == ',' && number[3] == ' ' &&
      internal::LooksLikeCountryCode(number.substr(0, 2))) {
    country = std::string(number.substr(0, 2));
    number.remove_prefix(4);
  }
  std::optional<Identifier> id = internal::MakeIdentifier(label, number);
  if (id && id->country.empty()) id->country = std::move(country);
  return id;
}

Result<LoadedList> ParseCsl(std::string_view csv) {
  internal::CsvReader reader(csv);
  std::vector<std::string> row;
  internal::Notes notes;

  MERIDIAN_ASSIGN_OR_RETURN(bool more, reader.Next(&row));
  if (!more) return LineError(1, "the file is empty");
  Columns columns;
  columns.count = row.size();
  for (size_t i = 0; i < row.size(); ++i) {
    columns.index.emplace(CollapseSpace(row[i]), i);
  }
  for (std::string_view required : {"source", "name"}) {
    if (columns.index.count(required) == 0) {
      return LineError(
          1, "no \"" + std::string(required) + "\" column in the header");
    }
  }

  std::vector<ListEntry> entries;
  std::unordered_map<std::string, size_t> lines;  // source_id -> line
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
    const auto get = [&](std::string_view name) {
      return Trim(columns.Get(row, name));
    };
    ListEntry e;
    e.list = "US-CSL";
    e.name = CollapseSpace(get("name"));
    if (e.name.empty()) return LineError(line, "no name");
    const std::string source = ShortSource(get("source"));
    e.source_id = CollapseSpace(get("entity_number"));
    if (e.source_id.empty()) {
      uint32_t h = Fnv1a(get("source"));
      h = Fnv1a("\x1F", h);
      h = Fnv1a(e.name, h);
      h = Fnv1a("\x1F", h);
      h = Fnv1a(get("addresses"), h);
      char hex[12];
      std::snprintf(hex, sizeof hex, "%08x", h);
      e.source_id = source + "-" + hex;
      // Two rows alike in source, name and addresses both load, numbered.
      for (int n = 2; lines.count(e.source_id) != 0; ++n) {
        e.source_id = source + "-" + hex + "-" + std::to_string(n);
      }
    }
    auto [it, fresh] = lines.emplace(e.source_id, line);
    if (!fresh) {
      return LineError(line, "entity_number " + e.source_id +
                                 " again (first on line " +
                                 std::to_string(it->second) + ")");
    }
    const std::string_view type = get("type");
    if (AsciiEqualsIgnoreCase(type, "Individual")) {
      e.type = EntityType::kIndividual;
    } else if (AsciiEqualsIgnoreCase(type, "Entity")) {
      e.type = EntityType::kEntity;
    } else if (AsciiEqualsIgnoreCase(type, "Vessel")) {
      e.type = EntityType::kVessel;
    } else if (AsciiEqualsIgnoreCase(type, "Aircraft")) {
      e.type = EntityType::kAircraft;
    } else if (!type.empty()) {
      notes.Add(e.source_id + " has the unknown type \"" + std::string(type) +
                "\": loaded as unknown");
    }
    for (std::string_view alias : SplitTrimmed(get("alt_names"), "; ")) {
      if (internal::EntryFull(e)) break;
      std::string a = CollapseSpace(alias);
      if (a != e.name) AddUnique(&e.aliases, std::move(a));
    }
    for (std::string_view address : SplitTrimmed(get("addresses"), "; ")) {
      if (internal::EntryFull(e)) break;
      const size_t comma = address.rfind(',');
      std::string_view last =
          Trim(comma == std::string_view::npos ? address
                                               : address.substr(comma + 1));
      if (internal::LooksLikeCountryCode(last)) {
        AddUnique(&e.countries, std::string(last));
      }
    }
    for (std::string_view column : {"citizenships", "nationalities"}) {
      for (std::string_view c : SplitTrimmed(get(column), "; ")) {
        if (internal::EntryFull(e)) break;
        AddCountryOrCode(c, &e, &notes);
      }
    }
    notes.AddCountry(get("vessel_flag"), &e.countries);
    for (std::string_view d : SplitTrimmed(get("dates_of_birth"), "; ")) {
      if (internal::EntryFull(e)) break;
      notes.AddDates(d, &e.dates_of_birth);
    }
    for (std::string_view text : SplitTrimmed(get("ids"), "; ")) {
      if (internal::EntryFull(e)) break;
      if (std::optional<Identifier> id = ReadId(text)) {
        e.identifiers.push_back(std::move(*id));
      }
    }
    if (std::string_view call_sign = get("call_sign"); !call_sign.empty()) {
      e.identifiers.push_back({"Call Sign", std::string(call_sign), ""});
    }
    e.programs = source;
    for (std::string_view p : SplitTrimmed(get("programs"), "; ")) {
      e.programs += "; " + std::string(p);
    }
    e.remarks = CollapseSpace(get("remarks"));
    MERIDIAN_RETURN_IF_ERROR(internal::CheckEntrySize(e, line));
    entries.push_back(std::move(e));
  }
  return internal::FinishList("US-CSL", std::string(kFile), "",
                              std::move(entries), notes);
}

}  // namespace

Result<LoadedList> ParseUsCsl(std::string_view csv) {
  return internal::ParseOneFile(
      kFile, csv, [](std::string_view text) { return ParseCsl(text); });
}

Result<LoadedList> LoadUsCsl(const std::string& path) {
  return internal::LoadOneFile(path, ParseUsCsl);
}

}  // namespace meridian::compliance
