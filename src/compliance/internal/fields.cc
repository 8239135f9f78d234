#include "compliance/internal/fields.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "compliance/internal/countries.h"
#include "compliance/internal/text.h"
#include "core/ascii.h"

namespace meridian::compliance::internal {
namespace {

// ---- Dates ----

struct Date {
  int year = 0;
  int month = 0;  // 0: unknown
  int day = 0;    // 0: unknown
};

constexpr std::string_view kMonths[] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// "Aug", "Aug.", "August", "Sept" -> 8, 9; 0 if not a month.
int MonthNumber(std::string_view word) {
  if (word.ends_with('.')) word.remove_suffix(1);
  if (word.size() < 3 || word.size() > 9) return 0;
  std::string lower;
  for (char c : word) lower.push_back(AsciiToLower(c));
  for (int m = 0; m < 12; ++m) {
    if (kMonths[m].starts_with(lower)) return m + 1;
  }
  return 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Year, month and day as written, where 0 (or an impossible value) in a
// part makes it, and every finer part, unknown.
std::optional<Date> MakeDate(int year, int month, int day) {
  if (year < 1800 || year > 2100) return std::nullopt;
  Date d{year, 0, 0};
  if (month < 1 || month > 12) return d;
  d.month = month;
  if (day >= 1 && day <= DaysInMonth(year, month)) d.day = day;
  return d;
}

std::optional<Date> ParseOneDate(std::string_view s) {
  s = Trim(s);
  if (s.ends_with('.')) s.remove_suffix(1);
  if (s.size() == 4 && AllDigits(s)) return MakeDate(Number(s), 0, 0);
  // 1970-05-14, 1970-05, 1970-00-00
  if (s.size() >= 7 && s[4] == '-' && AllDigits(s.substr(0, 4)) &&
      AllDigits(s.substr(5, 2))) {
    if (s.size() == 7)
      return MakeDate(Number(s.substr(0, 4)), Number(s.substr(5, 2)), 0);
    if (s.size() == 10 && s[7] == '-' && AllDigits(s.substr(8, 2))) {
      return MakeDate(Number(s.substr(0, 4)), Number(s.substr(5, 2)),
                      Number(s.substr(8, 2)));
    }
    return std::nullopt;
  }
  // Day first: 14/05/1970, 00/00/1970, 14-05-1970, 4/5/1970.
  const char sep = s.find('/') != std::string_view::npos ? '/' : '-';
  if (std::count(s.begin(), s.end(), sep) == 2) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
      const size_t at = s.find(sep, start);
      parts.push_back(s.substr(start, at - start));
      if (at == std::string_view::npos) break;
      start = at + 1;
    }
    if (parts.size() == 3 && parts[0].size() <= 2 && parts[1].size() <= 2 &&
        parts[2].size() == 4 && AllDigits(parts[0]) && AllDigits(parts[1]) &&
        AllDigits(parts[2])) {
      return MakeDate(Number(parts[2]), Number(parts[1]), Number(parts[0]));
    }
    return std::nullopt;
  }
  // Words: "14 May 1970", "May 1970", "Nov. 1973".
  std::vector<std::string_view> words = SplitTrimmed(s, " ");
  if (words.size() == 3 && words[0].size() <= 2 && AllDigits(words[0]) &&
      words[2].size() == 4 && AllDigits(words[2])) {
    const int month = MonthNumber(words[1]);
    if (month == 0) return std::nullopt;
    return MakeDate(Number(words[2]), month, Number(words[0]));
  }
  if (words.size() == 2 && words[1].size() == 4 && AllDigits(words[1])) {
    const int month = MonthNumber(words[0]);
    if (month == 0) return std::nullopt;
    return MakeDate(Number(words[1]), month, 0);
  }
  return std::nullopt;
}

std::string FormatDate(const Date& d) {
  char buf[16];
  if (d.month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", d.year);
  } else if (d.day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  }
  return buf;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         AsciiEqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// ---- Identifiers ----

// The identifier kinds kept, by the label the lists give them (OFAC's
// remarks and the CSL's ids column use the same words). What the lists
// label otherwise (Website, Email Address, Phone Number, Gender,
// Organization Type, sanctions directives…) is not an identifier.
constexpr std::string_view kIdLabels[] = {
    "Afghan Money Service Provider License Number",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Mode S Transponder Code",
    "Aircraft Serial Identification",
    "Aircraft Tail Number",
    "BIK (RU)",
    "Birth Certificate Number",
    "Branch Unit Number",
    "Business Number",
    "Business Registration Document #",
    "Business Registration Number",
    "C.I.F.",
    "C.R. No.",
    "C.U.I.",
    "C.U.I.P.",
    "C.U.I.T.",
    "C.U.R.P.",
    "C.U.R.P. #",
    "Cartilla de Servicio Militar Nacional",
    "Cedula No.",
    "Central Registration System Number",
    "Certificate of Incorporation Number",
    "Chamber of Commerce Number",
    "Citizen's Card Number",
    "Commercial Registry Number",
    "Company Number",
    "Credencial electoral",
    "D-U-N-S Number",
    "D.N.I.",
    "Digital Currency Address -",
    "Diplomatic Passport",
    "Driver's License No.",
    "Dubai Chamber of Commerce Membership No.",
    "Economic Register Number (CBLS)",
    "Electoral Registry No.",
    "Enterprise Number",
    "Folio Mercantil No.",
    "Government Gazette Number",
    "I.F.E.",
    "ISIN",
    "Identification Number",
    "Istanbul Chamber of Comm. No.",
    "Italian Fiscal Code",
    "Kenyan ID No.",
    "LE Number",
    "Legal Entity Number",
    "MMSI",
    "Matricula Mercantil No",
    "NIT #",
    "National Foreign ID Number",
    "National ID No.",
    "Numero Unico de Identificacao Tributaria (NUIT)",
    "Numero de Identidad",
    "Organization Code",
    "Other Vessel Call Sign",
    "Passport",
    "Passport Booklet",
    "Permit Number",
    "Personal ID Card",
    "Pilot License Number",
    "Public Registration Number",
    "R.F.C.",
    "R.F.C. #",
    "RFC",
    "RIF #",
    "RTN",
    "RUC #",
    "Refugee ID Card",
    "Registered Charity No.",
    "Registration ID",
    "Registration Number",
    "Residency Number",
    "Romanian C.R.",
    "SRE Permit No.",
    "SSN",
    "SWIFT/BIC",
    "Tax ID No.",
    "Tazkira National ID Card",
    "Trade License No.",
    "Travel Document Number",
    "Turkish Identification Number",
    "UAE Identification",
    "UK Company Number",
    "US FEIN",
    "Unified Social Credit Code (USCC)",
    "United Social Credit Code Certificate (USCCC)",
    "V.A.T. Number",
    "Vessel Registration Identification",
    "VisaNumberID",
};

constexpr std::string_view kDigitalCurrency = "Digital Currency Address -";

bool IsIdLabel(std::string_view label) {
  if (label.starts_with(kDigitalCurrency)) return true;  // "… - ETH"
  return std::find(std::begin(kIdLabels), std::end(kIdLabels), label) !=
         std::end(kIdLabels);
}

}  // namespace

bool ParseDates(std::string_view text, std::vector<std::string>* out) {
  text = Trim(text);
  if (text.size() > 64) return false;
  for (std::string_view prefix : {"circa ", "approximately ", "about "}) {
    if (StartsWithIgnoreCase(text, prefix)) text.remove_prefix(prefix.size());
  }
  if (text.ends_with('.')) text.remove_suffix(1);
  // Ranges: "1970 to 1972", "01 Jan 1961 to 31 Dec 1963", "1955-1958".
  std::string_view from, to;
  if (size_t at = text.find(" to "); at != std::string_view::npos) {
    from = text.substr(0, at);
    to = text.substr(at + 4);
  } else if (text.size() == 9 && text[4] == '-' &&
             AllDigits(text.substr(0, 4)) && AllDigits(text.substr(5))) {
    from = text.substr(0, 4);
    to = text.substr(5);
  }
  if (!from.empty()) {
    std::optional<Date> a = ParseOneDate(from), b = ParseOneDate(to);
    if (!a || !b || b->year < a->year) return false;
    if (a->year == b->year && a->month != 0 && a->month == b->month &&
        a->day == 0 && b->day == 0) {
      AddUnique(out, FormatDate(*a));  // "Mar 1965 to Mar 1965"
    } else if (b->year - a->year <= 12) {
      for (int y = a->year; y <= b->year; ++y) AddUnique(out, FormatDate({y}));
    } else {
      AddUnique(out, FormatDate({a->year}));
      AddUnique(out, FormatDate({b->year}));
    }
    return true;
  }
  std::optional<Date> d = ParseOneDate(text);
  if (!d) return false;
  AddUnique(out, FormatDate(*d));
  return true;
}

std::optional<Identifier> MakeIdentifier(std::string_view label,
                                         std::string_view rest) {
  label = Trim(label);
  if (label.ends_with(':')) label.remove_suffix(1);
  if (!IsIdLabel(label)) return std::nullopt;
  Identifier id;
  id.type = std::string(label);
  rest = Trim(rest);
  while (rest.starts_with(':')) rest = Trim(rest.substr(1));
  if (label == kDigitalCurrency) {  // "XBT 1Abc…": the currency is the kind
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    id.type += " " + std::string(rest.substr(0, space));
    rest = Trim(rest.substr(space + 1));
  }
  if (rest.ends_with('.')) rest.remove_suffix(1);
  for (std::string_view cut : {" issued", " expires"}) {
    if (size_t at = rest.find(cut); at != std::string_view::npos) {
      rest = Trim(rest.substr(0, at));
    }
  }
  // "HRA 738077 (Stuttgart) (Germany)": the last country named counts.
  while (rest.ends_with(')')) {
    const size_t open = rest.rfind('(');
    if (open == std::string_view::npos) break;
    std::string_view inside = rest.substr(open + 1, rest.size() - open - 2);
    if (id.country.empty()) id.country = std::string(CountryCode(inside));
    rest = Trim(rest.substr(0, open));
  }
  id.number = CollapseSpace(rest);
  if (id.number.empty()) return std::nullopt;
  if ((label == "Vessel Registration Identification" ||
       label == "Identification Number") &&
      id.number.starts_with("IMO ")) {
    id.type = "IMO";
    id.number.erase(0, 4);
  }
  return id;
}

std::optional<Identifier> ParseIdentifier(std::string_view text) {
  text = Trim(text);
  std::string_view best;
  if (text.empty()) return std::nullopt;
  for (std::string_view label : kIdLabels) {
    // The first byte rules out nearly every label before a compare.
    if (label[0] != text[0]) continue;
    if (label.size() > best.size() && text.starts_with(label) &&
        text.size() > label.size() &&
        (text[label.size()] == ' ' || text[label.size()] == ':')) {
      best = label;
    }
  }
  if (best.empty()) return std::nullopt;
  return MakeIdentifier(best, text.substr(best.size()));
}

std::string Notes::Country(std::string_view name) {
  name = Trim(name);
  if (name.empty()) return "";
  std::string_view code = CountryCode(name);
  if (code.empty() && unknown_countries_.size() < 1000) {
    ++unknown_countries_[CollapseSpace(name)];
  }
  return std::string(code);
}

void Notes::AddCountry(std::string_view name,
                       std::vector<std::string>* countries) {
  AddUnique(countries, Country(name));
}

void Notes::AddDates(std::string_view text, std::vector<std::string>* dates) {
  text = Trim(text);
  if (text.empty()) return;
  if (ParseDates(text, dates)) return;
  ++unread_date_count_;
  if (unread_dates_.size() < 5) unread_dates_.push_back(CollapseSpace(text));
}

std::vector<std::string> Notes::Lines() const {
  std::vector<std::string> lines = notes_;
  if (!unknown_countries_.empty()) {
    std::string line = "country names not in the table, left out:";
    size_t shown = 0;
    for (const auto& [name, count] : unknown_countries_) {
      if (shown++ == 12) {
        line += " …";
        break;
      }
      line +=
          (shown == 1 ? " \"" : ", \"") + name + "\" ×" + std::to_string(count);
    }
    lines.push_back(std::move(line));
  }
  if (unread_date_count_ > 0) {
    std::string line = std::to_string(unread_date_count_) +
                       " dates of birth not understood, left out (";
    for (size_t i = 0; i < unread_dates_.size(); ++i) {
      line += (i == 0 ? "\"" : ", \"") + unread_dates_[i] + "\"";
    }
    lines.push_back(line + (unread_date_count_ > 5 ? ", …)" : ")"));
  }
  return lines;
}

bool EntryFull(const ListEntry& e) {
  return e.aliases.size() > kMaxNamesPerEntry ||
         e.weak_aliases.size() > kMaxNamesPerEntry ||
         e.identifiers.size() > kMaxNamesPerEntry ||
         e.dates_of_birth.size() > kMaxNamesPerEntry ||
         e.countries.size() > kMaxNamesPerEntry;
}

Status CheckEntrySize(const ListEntry& e, size_t line) {
  if (!EntryFull(e)) return Status::Ok();
  return LineError(line, "entry " + e.source_id + " has more than " +
                             std::to_string(kMaxNamesPerEntry) +
                             " aliases, identifiers, dates or countries");
}

Status CheckSize(std::string_view file, std::string_view text) {
  if (text.size() <= kMaxListBytes) return Status::Ok();
  return MakeError(ErrorCode::kBODY_TOO_LARGE, std::string(file),
                   std::string(file) +
                       " is over 64 MiB, the limit for a list "
                       "file");
}

Result<LoadedList> FinishList(std::string name, std::string file,
                              std::string date, std::vector<ListEntry> entries,
                              const Notes& notes) {
  if (entries.empty()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, file,
                     file +
                         ": no entries; every list has some, so this is "
                         "the wrong file or a damaged one");
  }
  LoadedList list;
  list.info.name = std::move(name);
  list.info.date = std::move(date);
  list.info.entries = entries.size();
  for (ListEntry& e : entries) {
    // A name the list gives both as an alias and as a weak one is an alias.
    std::erase_if(e.weak_aliases, [&](const std::string& w) {
      return w == e.name || std::find(e.aliases.begin(), e.aliases.end(), w) !=
                                e.aliases.end();
    });
    list.info.aliases += e.aliases.size();
    list.info.weak_aliases += e.weak_aliases.size();
  }
  list.entries = std::move(entries);
  list.warnings = notes.Lines();
  return list;
}

}  // namespace meridian::compliance::internal
