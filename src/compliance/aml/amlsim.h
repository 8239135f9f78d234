// Reader of IBM AMLSim's node/transaction sample (../shared/data/aml/amlsim,
// 20K_fanin200cycle200_*), the labelled data the transaction monitor is
// measured on.
//
//   NAME_nodes.csv         nodeid,isFraud,init_balance,fraudStep
//                          0,0,184.44,-1
//   NAME_transactions.csv  sourceNodeId,targetNodeId,value,time
//                          216,14730,163.3,1
//
// Values are decimals with at most two places, read exactly into integer
// minor units (163.3 -> 16330); AMLSim names no currency, so flows are in
// USD. `time` is AMLSim's simulation step; one step is taken as one day
// (kAmlsimStepNs), AMLSim's own convention (its sample outputs date each
// step as a calendar day), so the monitor's windows read in days.
//
//   MERIDIAN_ASSIGN_OR_RETURN(AmlsimSample s,
//                             ReadAmlsimSample("../shared/data/aml/amlsim"));
//   for (const AmlsimTransaction& tx : s.transactions)
//     monitor.Observe(ToFlow(tx), &alerts);   // file order is time order
//
// A malformed line refuses the whole file with INVALID_PARAMETER naming the
// file and the line number ("…_nodes.csv line 12: isFraud is 0 or 1"): a
// sample is used whole or not at all. fraudStep is read but the monitor never
// sees it (nor the labels): it is the simulator's answer key.
//
// The folder also holds AMLSim's later output layout (sample_outputs_*.csv:
// accounts with isFraud, tx with TXN_AMOUNT_ORIG and start step, alerts
// grouped by ALERT_KEY); it has 30 accounts and no laundering flows worth
// measuring, so only the node/transaction layout is read.
#ifndef MERIDIAN_COMPLIANCE_AML_AMLSIM_H_
#define MERIDIAN_COMPLIANCE_AML_AMLSIM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compliance/aml/monitor.h"
#include "core/status.h"

namespace meridian::compliance::aml {

inline constexpr int64_t kAmlsimStepNs = kNsPerDay;
// Limits: a sample is at most 512 MiB per file, 10 million accounts and
// 100 million transactions; steps 0..1,000,000; values below 10^15.
inline constexpr size_t kAmlsimMaxFileBytes = size_t{512} << 20;
inline constexpr size_t kAmlsimMaxAccounts = 10'000'000;
inline constexpr size_t kAmlsimMaxTransactions = 100'000'000;

struct AmlsimAccount {
  uint64_t id = 0;
  bool laundering = false;  // isFraud
  int64_t init_balance_minor = 0;
  int64_t fraud_step = -1;  // -1: none
};

struct AmlsimTransaction {
  uint64_t from = 0;
  uint64_t to = 0;
  int64_t amount_minor = 0;
  int64_t step = 0;
};

struct AmlsimSample {
  std::string name;                             // "20K_fanin200cycle200"
  std::vector<AmlsimAccount> accounts;          // as in the file
  std::vector<AmlsimTransaction> transactions;  // as in the file
};

// `file` names the file in errors. Node ids must be unique.
Result<std::vector<AmlsimAccount>> ParseAmlsimNodes(std::string_view text,
                                                    std::string_view file);
// With `known` (sorted by id), a transaction naming an account that is not
// in it is refused too.
Result<std::vector<AmlsimTransaction>> ParseAmlsimTransactions(
    std::string_view text, std::string_view file,
    const std::vector<uint64_t>* known = nullptr);

// Reads DIR/NAME_nodes.csv and DIR/NAME_transactions.csv. With `name`
// empty, DIR must hold exactly one *_nodes.csv.
Result<AmlsimSample> ReadAmlsimSample(const std::string& dir,
                                      const std::string& name = "");

// The flow the engine would see: accounts as ids, USD, step * kAmlsimStepNs.
Flow ToFlow(const AmlsimTransaction& tx);

}  // namespace meridian::compliance::aml

#endif  // MERIDIAN_COMPLIANCE_AML_AMLSIM_H_
