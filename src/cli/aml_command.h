// `meridian aml eval DIR [--json] [--set NAME=VALUE]... [--defaults]`:
// replays the AMLSim sample in DIR (../shared/data/aml/amlsim) through the
// transaction monitor and prints how many labelled laundering accounts its
// alerts name, alerts per 1,000 accounts, and each rule's figures
// (compliance/aml/eval.h).
//
//   meridian aml eval ../shared/data/aml/amlsim
//   meridian aml eval ../shared/data/aml/amlsim --json
//   meridian aml eval ../shared/data/aml/amlsim --set fan_in.split_window=60d
//
// The parameters are AmlsimConfig() (tuned on the sample's flow structure),
// or MonitorConfig's defaults with --defaults; --set changes one field
// (names as `--show-config` prints them). --alerts FILE writes every alert,
// one line each (FormatAlert), in the order raised.
#ifndef MERIDIAN_CLI_AML_COMMAND_H_
#define MERIDIAN_CLI_AML_COMMAND_H_

#include <string>
#include <vector>

#include "compliance/aml/eval.h"

namespace meridian::cli {

struct AmlEvalOptions {
  std::string dir;
  std::string sample;  // NAME of NAME_nodes.csv; "" if DIR holds one
  bool json = false;
  bool defaults = false;
  bool show_config = false;
  std::vector<std::string> set;  // "name=value"
  std::string alerts_file;
};

// The --json object: recall, alerts_per_1000_accounts, alerted_accounts,
// laundering_accounts, accounts, rules{name: {...}}, config[...].
std::string AmlEvalJson(const compliance::aml::EvalReport& report);

int RunAmlEval(const AmlEvalOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_AML_COMMAND_H_
