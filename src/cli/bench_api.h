// `meridian bench api`: HTTP load against the API, beside the same run
// against /healthz (the bare-HTTP ceiling of the same box).
#ifndef MERIDIAN_CLI_BENCH_API_H_
#define MERIDIAN_CLI_BENCH_API_H_

#include <cstdint>
#include <string>

namespace meridian::cli {

struct BenchApiOptions {
  // Empty: start a server in this process on a throwaway data directory
  // (durable: fdatasync on, unless no_sync).
  std::string target;        // "127.0.0.1:8080"
  std::string operator_key;  // for --target
  std::string data_dir;      // default: under $TMPDIR
  uint32_t connections = 32;
  double seconds = 10;
  double warmup_seconds = 2;
  uint64_t accounts = 10'000;
  int io_threads = 1;
  bool no_sync = false;
  bool json = false;
};

int RunBenchApi(const BenchApiOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_BENCH_API_H_
