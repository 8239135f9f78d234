// Measures the transaction monitor on a labelled AMLSim sample: replays
// every transaction through a Monitor in time order (file order within a
// step) and scores its alerts against the isFraud labels, which the monitor
// never sees.
//
//   MERIDIAN_ASSIGN_OR_RETURN(AmlsimSample s, ReadAmlsimSample(dir));
//   MERIDIAN_ASSIGN_OR_RETURN(EvalReport r, EvaluateAmlsim(s, AmlsimConfig()));
//   std::puts(FormatEvalText(r).c_str());
//   // recall 0.xxxx: 1234 of 1804 laundering accounts alerted; ...
//
// An account counts as alerted when an alert names it, as subject or as a
// related account: AMLSim's own alerts are groups of accounts (one alert
// per pattern, every member listed), and a case opened from an alert
// reviews the accounts it names. Alerts per 1,000 accounts counts alerts,
// not names, and not the updates that add accounts to an alert still open
// (reported beside it). Figures are integers; ratios print as fixed-point
// decimals computed with integer arithmetic, so the report is byte-identical on
// every run.
#ifndef MERIDIAN_COMPLIANCE_AML_EVAL_H_
#define MERIDIAN_COMPLIANCE_AML_EVAL_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compliance/aml/amlsim.h"
#include "compliance/aml/monitor.h"
#include "core/status.h"

namespace meridian::compliance::aml {

struct RuleFigures {
  int64_t alerts = 0;      // new alerts
  int64_t updates = 0;     // accounts added to its open alerts, as updates
  int64_t accounts = 0;    // distinct accounts its alerts name
  int64_t laundering = 0;  // of those, labelled laundering
  int64_t subjects = 0;    // alerts whose subject is labelled laundering
  // Laundering accounts named by this rule and by no other: what the rule
  // adds to the recall.
  int64_t only_here = 0;
};

struct EvalReport {
  std::string sample;
  int64_t accounts = 0;
  int64_t laundering_accounts = 0;
  int64_t flows = 0;
  int64_t alerts = 0;              // new alerts: what alerts per 1,000 counts
  int64_t updates = 0;             // updates of open alerts (Alert::update)
  int64_t alerted_accounts = 0;    // named by any alert or update
  int64_t alerted_laundering = 0;  // of those, labelled laundering
  // Laundering accounts named by new alerts alone, as if open alerts never
  // gained accounts: what the updates add is the difference.
  int64_t alerted_laundering_without_updates = 0;
  int64_t subject_accounts = 0;    // distinct subjects
  int64_t subject_laundering = 0;  // of those, labelled laundering
  std::array<RuleFigures, kRuleCount> rules{};
  MonitorStats stats;
  std::vector<std::string> config;  // DescribeConfig of the config used

  // alerted_laundering / laundering_accounts, in basis points.
  int64_t recall_bp() const;
  // alerts * 1000 / accounts, in hundredths.
  int64_t alerts_per_1000_centi() const;
};

// The parameters tuned on the structure of AMLSim's flows (not its labels):
// see the comments in eval.cc for each change from MonitorConfig's defaults
// and the measurements behind it.
MonitorConfig AmlsimConfig();

// Replays `sample` through a Monitor built from `config` (which must be
// valid: INVALID_PARAMETER otherwise). With `alerts`, appends every alert.
Result<EvalReport> EvaluateAmlsim(const AmlsimSample& sample,
                                  const MonitorConfig& config,
                                  std::vector<Alert>* alerts = nullptr);

// num / den with `decimals` places, rounded half up: (1, 3, 4) -> "0.3333".
// "0" style for den == 0.
std::string FormatRatio(int64_t num, int64_t den, int decimals);

// The report for people, several lines.
std::string FormatEvalText(const EvalReport& report);

}  // namespace meridian::compliance::aml

#endif  // MERIDIAN_COMPLIANCE_AML_EVAL_H_
