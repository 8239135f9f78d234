// `meridian bench ledger`: durable transfers through the real sequencer and
// journal (fdatasync per batch), measured from the client's side.
//
// Each case creates its accounts, then keeps `in_flight` commands of
// `transfers_per_command` transfers outstanding for `seconds`, and reports
// transfers acknowledged per second and the latency of a command from submit
// to its durable reply (the client-visible batch latency).
#ifndef MERIDIAN_CLI_BENCH_LEDGER_H_
#define MERIDIAN_CLI_BENCH_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace meridian::cli {

struct BenchLedgerCase {
  std::string name;
  uint64_t accounts = 10'000;
  // Share of transfers (in percent) that debit or credit one hot account.
  uint32_t hot_percent = 0;
  bool replay = false;  // measure journal replay of the data this case wrote
};

struct BenchLedgerOptions {
  std::vector<BenchLedgerCase> cases;
  double seconds = 5;
  uint32_t transfers_per_command = 8190;
  uint32_t in_flight = 8;
  uint32_t max_batch_commands = 8192;
  uint64_t max_batch_bytes = 8ull << 20;
  bool sync = true;
  // AML transaction monitoring in the engine (on in every deployment by
  // default); off measures the ledger alone.
  bool aml = true;
  bool json = false;
  std::string data_dir;  // empty: a fresh directory under $TMPDIR
};

// The cases of issue 2: uniform_10k, hot_10k, uniform_1m, replay.
std::vector<BenchLedgerCase> DefaultLedgerCases();

// Runs the cases, printing one line (or one JSON object) per case.
// Returns the process exit status.
int RunBenchLedger(const BenchLedgerOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_BENCH_LEDGER_H_
