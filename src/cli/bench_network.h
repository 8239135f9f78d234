// `meridian bench network`: MPM payments of the wallet interconnect
// (spec/network.md) through the HTTP API with every check on — API-key
// auth, quote, the payer's name screened against the sanctions lists,
// payer limits, risk scoring, the ledger chain, the durable journal — beside
// GET /healthz (the bare-HTTP ceiling of the same box).
//
//   BenchNetworkOptions o;
//   o.seconds = 10;
//   o.rate_per_s = 20000;
//   return RunBenchNetwork(o);  // prints a table (or JSON lines), exit code
//
// What it does:
// 1. Setup through the API, timed apart from the figures: ECB rates (EUR
//    base), three wallets (KRW, JPY, SGD) with large net debit caps, two
//    acquirers (THB, MYR), `merchants` merchants with their static codes,
//    and a name for every payer (given + family names as each wallet's
//    country forms them), each screened once through POST
//    /v1/compliance/screen so that none is on a list: a payer whose name
//    hits is given another, and the hits are counted.
// 2. Cases, each in two modes (closed loop at `connections`; open loop at
//    `rate_per_s`, latency from the scheduled time; when the server cannot
//    keep that rate the run says so, with what it served meanwhile):
//    - "quote+pay": POST /v1/network/quotes, then POST /v1/network/payments
//      with that quoteId, on the same connection: one operation.
//    - "pay": POST /v1/network/payments with codeValue and paymentAmount
//      (priced at once).
//    Payers: `users` wallet users (walletUserId), each with their name;
//    merchants uniform; amounts log-normal (median USD 30, sigma 0.8, cut
//    to USD 1..2,000), in the merchant's currency.
// 3. Checks after the runs: every wallet's position and every acquirer's
//    payable (GET /v1/ledger/accounts/{id}) equal the sums of what the
//    SUCCESS answers said (answers lost in transit are inquired by
//    paymentRequestId first); the count of payments in the ledger (the
//    acquirers' transfers, paged, up to a bound) equals the SUCCESS
//    answers; a sample of SUCCESS answers inquired back; and, in-process,
//    `meridian verify` of the data directory after the server stopped
//    (every transfer the answers named is in the journal, nothing else).
//
// Exit code: 0 when the runs finished and every check held; 1 otherwise
// (the figures are printed either way).
#ifndef MERIDIAN_CLI_BENCH_NETWORK_H_
#define MERIDIAN_CLI_BENCH_NETWORK_H_

#include <cstdint>
#include <string>
#include <vector>

namespace meridian::cli {

struct BenchNetworkOptions {
  // Empty: start a server in this process on a throwaway data directory
  // (durable: fdatasync on, unless no_sync; sandbox off).
  std::string target;        // "127.0.0.1:8080"
  std::string operator_key;  // for --target
  std::string data_dir;      // default: under $TMPDIR
  // In-process only: a folder laid out like ../shared/data/sanctions;
  // empty: that folder when present, else the built-in demo list; "none":
  // the demo list.
  std::string sanctions_dir;
  std::vector<std::string> cases;  // "quote+pay", "pay"; empty: both
  std::vector<std::string> modes;  // "max", "rate"; empty: both
  uint32_t connections = 64;
  double seconds = 10;
  double warmup_seconds = 2;
  double rate_per_s = 20000;  // payments per second in the "rate" mode
  uint32_t merchants = 1000;
  uint32_t users = 100'000;
  // Distinct payer names: 0 gives every user a name of their own (as far
  // as the names' combinations go); N makes users share N names, e.g. to
  // see the screener's cache at work.
  uint32_t names = 0;
  int io_threads = 1;
  bool no_sync = false;
  bool healthz = true;  // the /healthz run beside the payments
  bool json = false;    // one JSON object per line instead of the table
  uint64_t seed = 42;
};

int RunBenchNetwork(const BenchNetworkOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_BENCH_NETWORK_H_
