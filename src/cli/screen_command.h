// `meridian screen`: sanctions screening from the command line
// (spec/compliance_risk.md).
//
//   meridian screen "Vladimir Putin" [--country RU] [--dob 1952-10-07]
//                   [--json] [--lists ../shared/data/sanctions]
//   meridian screen --eval ../shared/data/sanctions/eval [--json]
//                   [--lists DIR] [--threshold T] [--verbose]
//
// A name prints its hits best first (list, id, score, listed name, the
// alias that matched, programmes, reasons); exit 0 either way, 1 when the
// lists cannot be loaded. --eval prints, per evaluation set (eval.h),
// recall, false-positive rate and accuracy at the threshold, and for
// name_pairs the sweep and the best threshold; the pairwise sets
// (name_pairs, cross_script_pairs) need no lists, the others are skipped
// with a note when the lists do not load. --json prints one object keyed
// by set name.
#ifndef MERIDIAN_CLI_SCREEN_COMMAND_H_
#define MERIDIAN_CLI_SCREEN_COMMAND_H_

#include <string>
#include <vector>

#include "compliance/eval.h"
#include "compliance/list_entry.h"
#include "compliance/matcher.h"
#include "core/status.h"

namespace meridian::cli {

struct ScreenOptions {
  std::string name;
  std::string country;
  std::string date_of_birth;
  std::string eval_dir;  // set: run the evaluation instead of a screen
  std::string lists_dir = "../shared/data/sanctions";
  double threshold = compliance::kDefaultThreshold;
  size_t max_hits = 20;
  bool json = false;
  bool verbose = false;  // --eval: also print every misjudged case
};

// ---------------------------------------------------------------------------
// The one place the screen command gets its list entries:
// compliance::LoadSanctionsDir(lists_dir, progress), flattened.
// ---------------------------------------------------------------------------
Result<std::vector<compliance::ListEntry>> LoadEntriesForScreening(
    const std::string& lists_dir);

// The --json text of an evaluation report.
std::string EvalReportJson(const compliance::EvalReport& report);

int RunScreen(const ScreenOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_SCREEN_COMMAND_H_
