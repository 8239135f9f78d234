#include "fx/ecb.h"

#include <fstream>
#include <sstream>

namespace meridian::fx {
namespace {

constexpr size_t kMaxBytes = 64 << 20;
constexpr size_t kMaxLines = 100'000;

std::vector<std::string_view> SplitCommas(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos
                                         ? std::string_view::npos
                                         : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // The file ends each line with a comma: drop the empty last field.
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

Error BadLine(size_t line, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "file",
                   "line " + std::to_string(line) + ": " + message);
}

}  // namespace

const EcbFixing* EcbHistory::OnOrBefore(std::string_view date) const {
  // Newest first: the first one not after `date` (ISO dates sort as text).
  for (const EcbFixing& f : fixings) {
    if (f.date <= date) return &f;
  }
  return nullptr;
}

Result<EcbHistory> ParseEcbHistory(std::string_view text) {
  if (text.size() > kMaxBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "file",
                     "an ECB history is at most 64 MiB");
  }
  EcbHistory out;
  std::vector<std::optional<Currency>> columns;
  size_t line_no = 0, pos = 0;
  std::string previous_date;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos
                                                       : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (line_no > kMaxLines) return BadLine(line_no, "too many lines");
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string_view> fields = SplitCommas(line);
    if (columns.empty()) {
      if (fields.empty() || fields[0] != "Date") {
        return BadLine(line_no, "the header starts with Date");
      }
      for (size_t i = 1; i < fields.size(); ++i) {
        Result<Currency> c = Currency::FromCode(fields[i]);
        if (c.ok()) {
          columns.emplace_back(*c);
        } else {
          columns.emplace_back(std::nullopt);
          out.skipped_currencies.emplace_back(fields[i]);
        }
      }
      if (columns.empty()) return BadLine(line_no, "no currency columns");
      continue;
    }
    if (fields.size() != columns.size() + 1) {
      return BadLine(line_no, "expected " + std::to_string(columns.size() + 1) +
                                  " fields, found " +
                                  std::to_string(fields.size()));
    }
    if (!IsDate(fields[0])) return BadLine(line_no, "a date is YYYY-MM-DD");
    if (!previous_date.empty() && fields[0] >= previous_date) {
      return BadLine(line_no, "dates go from newest to oldest, each once");
    }
    previous_date = std::string(fields[0]);
    EcbFixing fixing;
    fixing.date = previous_date;
    for (size_t i = 1; i < fields.size(); ++i) {
      if (fields[i] == "N/A" || fields[i].empty()) continue;
      Result<Decimal> rate = Decimal::ParseRate(fields[i]);
      if (!rate.ok()) {
        return BadLine(line_no, "column " + std::to_string(i + 1) + ": " +
                                    rate.error().message);
      }
      if (columns[i - 1]) fixing.rates.emplace_back(*columns[i - 1], *rate);
    }
    out.fixings.push_back(std::move(fixing));
  }
  if (columns.empty()) return BadLine(line_no, "the file is empty");
  return out;
}

Result<EcbHistory> ReadEcbHistory(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIO_ERROR, "file", "cannot read " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseEcbHistory(text.str());
}

}  // namespace meridian::fx
