#include "compliance/eval.h"

#include <cmath>
#include <filesystem>
#include <fstream>

namespace meridian::compliance {
namespace {

// Lines of a file; nullopt when it does not exist.
Result<std::optional<std::vector<std::string>>> ReadLines(
    const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::optional<std::vector<std::string>>();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIO_ERROR, "file", "cannot read " + path);
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return std::optional<std::vector<std::string>>(std::move(lines));
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Column index by header name, or -1.
int Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (Trim(header[i]) == name) return static_cast<int>(i);
  }
  return -1;
}

std::string At(const std::vector<std::string>& row, int column) {
  if (column < 0 || static_cast<size_t>(column) >= row.size()) return "";
  return Trim(row[column]);
}

Error BadFile(const std::string& path, const std::string& what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "file", path + ": " + what);
}

// "1965", "1960-06-29"; anything else ("c. 1960", "") → "".
std::string CleanDate(const std::string& s) {
  if (s.size() < 4) return "";
  for (size_t i = 0; i < 4; ++i) {
    if (s[i] < '0' || s[i] > '9') return "";
  }
  return s.size() >= 10 ? s.substr(0, 10) : s.substr(0, 4);
}

Result<ListQueryReport> EvaluateListQueries(const std::string& path,
                                            const ScreeningIndex& index,
                                            double threshold, bool positives) {
  MERIDIAN_ASSIGN_OR_RETURN(auto lines, ReadLines(path));
  ListQueryReport report;
  if (!lines) return report;
  report.present = true;
  if (lines->empty()) return BadFile(path, "empty");
  std::vector<std::string> header = SplitCsvLine((*lines)[0]);
  const int name_col = Column(header, "full_name");
  const int dob_col = Column(header, "date_of_birth");
  const int nat_col = Column(header, "nationality");
  if (name_col < 0) return BadFile(path, "no full_name column");
  for (size_t i = 1; i < lines->size(); ++i) {
    if (Trim((*lines)[i]).empty()) continue;
    std::vector<std::string> row = SplitCsvLine((*lines)[i]);
    ListQueryCase c;
    c.name = At(row, name_col);
    if (c.name.empty()) continue;
    c.date_of_birth = CleanDate(At(row, dob_col));
    std::string nationality = At(row, nat_col);
    // Alpha-2 codes only (un_positives); negatives_us has country names.
    if (nationality.size() == 2) c.country = nationality;
    ScreenQuery q;
    q.name = c.name;
    if (!c.date_of_birth.empty()) q.date_of_birth = c.date_of_birth;
    if (!c.country.empty()) q.country = c.country;
    std::vector<Hit> hits = index.Screen(q, threshold, 50);
    const Hit* shown = hits.empty() ? nullptr : &hits[0];
    bool un_hit = false;
    for (const Hit& h : hits) {
      if (h.list == "UN") {
        // The same person is often on OFAC too, with the same score: the UN
        // hit counts wherever it ranks among the hits.
        if (!un_hit) shown = &h;
        un_hit = true;
      }
    }
    if (shown != nullptr) {
      c.best_list = shown->list;
      c.best_name = shown->matched_alias;
      c.best_score = shown->score;
    }
    c.ok = positives ? un_hit : hits.empty();
    ++report.total;
    if (c.ok) ++report.ok;
    report.cases.push_back(std::move(c));
  }
  report.rate =
      report.total ? static_cast<double>(report.ok) / report.total : 0.0;
  return report;
}

}  // namespace

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  fields.push_back(std::move(field));
  return fields;
}

BinaryMetrics MetricsAt(const std::vector<ScoredPair>& pairs,
                        double threshold) {
  BinaryMetrics m;
  m.threshold = threshold;
  for (const ScoredPair& p : pairs) {
    // Scores are compared at 1e-9 so that 0.85 means 0.85 in a sweep.
    const bool predicted = p.score >= threshold - 1e-9;
    if (p.is_match) {
      ++m.positives;
      (predicted ? m.true_positives : m.false_negatives)++;
    } else {
      ++m.negatives;
      (predicted ? m.false_positives : m.true_negatives)++;
    }
  }
  m.recall =
      m.positives ? static_cast<double>(m.true_positives) / m.positives : 0.0;
  m.false_positive_rate =
      m.negatives ? static_cast<double>(m.false_positives) / m.negatives : 0.0;
  size_t all = m.positives + m.negatives;
  m.accuracy =
      all ? static_cast<double>(m.true_positives + m.true_negatives) / all
          : 0.0;
  return m;
}

Result<NamePairsReport> EvaluateNamePairs(const std::string& path,
                                          double threshold) {
  MERIDIAN_ASSIGN_OR_RETURN(auto lines, ReadLines(path));
  NamePairsReport report;
  if (!lines) return report;
  report.present = true;
  if (lines->empty()) return BadFile(path, "empty");
  std::vector<std::string> header = SplitCsvLine((*lines)[0]);
  const int n1 = Column(header, "name1"), n2 = Column(header, "name2");
  const int match = Column(header, "is_match");
  const int schema = Column(header, "schema"), notes = Column(header, "notes");
  if (n1 < 0 || n2 < 0 || match < 0) {
    return BadFile(path, "needs name1, name2 and is_match columns");
  }
  for (size_t i = 1; i < lines->size(); ++i) {
    if (Trim((*lines)[i]).empty()) continue;
    std::vector<std::string> row = SplitCsvLine((*lines)[i]);
    ScoredPair p;
    p.name1 = At(row, n1);
    p.name2 = At(row, n2);
    std::string m = At(row, match);
    if (m != "true" && m != "false") {
      return BadFile(path, "line " + std::to_string(i + 1) +
                               ": is_match is neither true nor false");
    }
    p.is_match = m == "true";
    p.schema = At(row, schema);
    p.note = At(row, notes);
    EntityType type = EntityType::kUnknown;
    if (p.schema == "Person") type = EntityType::kIndividual;
    if (p.schema == "Company" || p.schema == "Organization" ||
        p.schema == "LegalEntity") {
      type = EntityType::kEntity;
    }
    if (p.schema == "Vessel") type = EntityType::kVessel;
    p.score = ScoreNames(p.name1, p.name2, type);
    report.pairs.push_back(std::move(p));
  }
  report.at_threshold = MetricsAt(report.pairs, threshold);
  bool have_best = false;
  for (int t = 70; t <= 99; ++t) {
    BinaryMetrics m = MetricsAt(report.pairs, t / 100.0);
    report.sweep.push_back(m);
    if (m.false_positive_rate <= 0.15 &&
        (!have_best || m.accuracy > report.best.accuracy)) {
      report.best = m;
      have_best = true;
    }
  }
  return report;
}

Result<CrossScriptReport> EvaluateCrossScript(const std::string& path) {
  MERIDIAN_ASSIGN_OR_RETURN(auto lines, ReadLines(path));
  CrossScriptReport report;
  if (!lines) return report;
  report.present = true;
  for (size_t i = 0; i < lines->size(); ++i) {
    std::string line = Trim((*lines)[i]);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> row = SplitCsvLine(line);
    if (row.size() < 3) {
      return BadFile(path, "line " + std::to_string(i + 1) +
                               ": needs query,expected,min score");
    }
    CrossScriptCase c;
    c.query = Trim(row[0]);
    c.expected = Trim(row[1]);
    char* end = nullptr;
    std::string min_text = Trim(row[2]);
    c.min_score = std::strtod(min_text.c_str(), &end);
    if (end == min_text.c_str()) {
      return BadFile(path, "line " + std::to_string(i + 1) +
                               ": the minimum score is not a number");
    }
    if (row.size() > 3) c.description = Trim(row[3]);
    c.score = ScoreNames(c.query, c.expected);
    c.hit = c.score >= c.min_score - 1e-9;
    ++report.total;
    if (c.hit) ++report.hits;
    report.cases.push_back(std::move(c));
  }
  report.hit_rate =
      report.total ? static_cast<double>(report.hits) / report.total : 0.0;
  return report;
}

Result<ListQueryReport> EvaluateUnPositives(const std::string& path,
                                            const ScreeningIndex& index,
                                            double threshold) {
  return EvaluateListQueries(path, index, threshold, /*positives=*/true);
}

Result<ListQueryReport> EvaluateNegatives(const std::string& path,
                                          const ScreeningIndex& index,
                                          double threshold) {
  return EvaluateListQueries(path, index, threshold, /*positives=*/false);
}

Result<EvalReport> EvaluateAll(const std::string& dir,
                               const ScreeningIndex* index, double threshold) {
  EvalReport report;
  report.threshold = threshold;
  const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  MERIDIAN_ASSIGN_OR_RETURN(
      report.name_pairs, EvaluateNamePairs(base + "name_pairs.csv", threshold));
  MERIDIAN_ASSIGN_OR_RETURN(
      report.cross_script_pairs,
      EvaluateCrossScript(base + "cross_script_pairs.csv"));
  if (index != nullptr) {
    MERIDIAN_ASSIGN_OR_RETURN(
        report.un_positives,
        EvaluateUnPositives(base + "un_positives.csv", *index, threshold));
    MERIDIAN_ASSIGN_OR_RETURN(
        report.negatives_us,
        EvaluateNegatives(base + "negatives_us.csv", *index, threshold));
  }
  return report;
}

}  // namespace meridian::compliance
