// Measuring the matcher on ../shared/data/sanctions/eval
// (spec/compliance_risk.md, "Measured quality"):
//
//   name_pairs.csv          case_group,schema,name1,name2,is_match,…: each
//                           pair scored with ScoreNames(name1, name2);
//                           recall, false-positive rate and accuracy at the
//                           threshold, and a sweep of thresholds
//   cross_script_pairs.csv  query,expected,min score,description ('#'
//                           comments): the share scoring at least the
//                           file's own minimum
//   un_positives.csv        full_name,…,date_of_birth,place_of_birth,
//                           nationality (alpha-2): each screened against an
//                           index; recall = share with a hit on the UN list
//                           (at the threshold, among the best 50 hits: the
//                           same people are on OFAC's lists with equal
//                           scores, so the UN hit need not come first)
//   negatives_us.csv        the same columns, synthetic people
//                           (nationality is a country name, not used): the
//                           share with no hit at all
//
// A missing file is an absent set (present = false), not an error; a file
// that cannot be parsed is an error.
//
//   MERIDIAN_ASSIGN_OR_RETURN(EvalReport report,
//                             EvaluateAll(dir, &index, kDefaultThreshold));
#ifndef MERIDIAN_COMPLIANCE_EVAL_H_
#define MERIDIAN_COMPLIANCE_EVAL_H_

#include <string>
#include <vector>

#include "compliance/screening_index.h"
#include "core/status.h"

namespace meridian::compliance {

struct BinaryMetrics {
  double threshold = 0;
  size_t positives = 0, negatives = 0;
  size_t true_positives = 0, false_positives = 0;
  size_t true_negatives = 0, false_negatives = 0;
  double recall = 0;               // TP / positives
  double false_positive_rate = 0;  // FP / negatives
  double accuracy = 0;             // (TP + TN) / all
};

struct ScoredPair {
  std::string name1, name2, schema, note;
  bool is_match = false;
  double score = 0;
};

struct NamePairsReport {
  bool present = false;
  BinaryMetrics at_threshold;
  std::vector<BinaryMetrics> sweep;  // 0.70 … 0.99 by 0.01
  // The most accurate threshold of the sweep whose false-positive rate is
  // at most 15 % (the lowest such when tied); 0 when none.
  BinaryMetrics best;
  std::vector<ScoredPair> pairs;
};

struct CrossScriptCase {
  std::string query, expected, description;
  double min_score = 0;
  double score = 0;
  bool hit = false;
};

struct CrossScriptReport {
  bool present = false;
  size_t total = 0, hits = 0;
  double hit_rate = 0;
  std::vector<CrossScriptCase> cases;
};

struct ListQueryCase {
  std::string name, date_of_birth, country;
  bool ok = false;  // positives: a hit on the UN list; negatives: no hit
  std::string best_list, best_name;
  double best_score = 0;
};

struct ListQueryReport {
  bool present = false;
  size_t total = 0, ok = 0;
  double rate = 0;  // recall for positives, clean share for negatives
  std::vector<ListQueryCase> cases;
};

struct EvalReport {
  double threshold = 0;
  NamePairsReport name_pairs;
  CrossScriptReport cross_script_pairs;
  ListQueryReport un_positives;  // absent without an index
  ListQueryReport negatives_us;  // absent without an index
};

BinaryMetrics MetricsAt(const std::vector<ScoredPair>& pairs, double threshold);

Result<NamePairsReport> EvaluateNamePairs(const std::string& path,
                                          double threshold);
Result<CrossScriptReport> EvaluateCrossScript(const std::string& path);
Result<ListQueryReport> EvaluateUnPositives(const std::string& path,
                                            const ScreeningIndex& index,
                                            double threshold);
Result<ListQueryReport> EvaluateNegatives(const std::string& path,
                                          const ScreeningIndex& index,
                                          double threshold);

// Every set in `dir`; the list-based ones only when `index` is not null.
Result<EvalReport> EvaluateAll(const std::string& dir,
                               const ScreeningIndex* index, double threshold);

// One CSV record per line, RFC 4180 quotes; for the eval files.
std::vector<std::string> SplitCsvLine(const std::string& line);

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_EVAL_H_
