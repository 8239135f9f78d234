// `meridian bench network` as a user runs it, at a tiny size (1 s per run):
// one JSON object per line of the documented shape, payments that
// succeeded in every run, and the after-run checks holding.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/testing/run_meridian.h"

namespace {

using meridian::cli::testing::CommandRun;
using meridian::cli::testing::RunMeridian;

std::string Lists() {
  std::string dir =
      std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/sanctions";
  return std::filesystem::exists(dir) ? dir : "none";
}

TEST(BenchNetworkCommand, TinyRunPrintsJsonLinesAndTheLedgerAddsUp) {
  CommandRun r = RunMeridian(
      "bench network --seconds 1 --warmup 0.3 --merchants 20 --no-sync "
      "--json --rate 1000 --connections 16 --users 3000 --sanctions-dir " +
      Lists());
  ASSERT_EQ(r.exit_code, 0) << r.output;

  simdjson::dom::parser parser;
  std::istringstream lines(r.output);
  std::string line;
  std::vector<std::string> runs;
  bool setup = false, check = false, healthz = false;
  while (std::getline(lines, line)) {
    // stderr is merged in: the server's log lines (loading the lists).
    if (!line.starts_with("{")) continue;
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS)
        << "not one JSON object per line: " << line << "\n"
        << r.output;
    std::string_view bench;
    ASSERT_EQ(e["bench"].get(bench), simdjson::SUCCESS) << line;
    EXPECT_EQ(bench, "network");
    simdjson::dom::element part;
    if (e["setup"].get(part) == simdjson::SUCCESS) {
      setup = true;
      uint64_t merchants = 0, names = 0;
      EXPECT_EQ(part["merchants"].get(merchants), simdjson::SUCCESS);
      EXPECT_EQ(merchants, 20u);
      EXPECT_EQ(part["names"].get(names), simdjson::SUCCESS);
      EXPECT_GT(names, 1000u);  // few names are dropped as list hits
      bool durable = true;
      EXPECT_EQ(part["durable"].get(durable), simdjson::SUCCESS);
      EXPECT_FALSE(durable);
      continue;
    }
    if (e["check"].get(part) == simdjson::SUCCESS) {
      check = true;
      bool ok = false;
      EXPECT_EQ(part["ok"].get(ok), simdjson::SUCCESS);
      EXPECT_TRUE(ok) << line;
      uint64_t n = 0, wallets = 0, matched = 0;
      EXPECT_EQ(part["success_answers"].get(n), simdjson::SUCCESS);
      EXPECT_GT(n, 0u);
      EXPECT_EQ(part["wallets"].get(wallets), simdjson::SUCCESS);
      EXPECT_EQ(part["wallets_match"].get(matched), simdjson::SUCCESS);
      EXPECT_EQ(wallets, matched);
      uint64_t ledger = 0, held = 0;
      EXPECT_EQ(part["ledger_payments"].get(ledger), simdjson::SUCCESS);
      EXPECT_EQ(part["held_answers"].get(held), simdjson::SUCCESS);
      EXPECT_EQ(ledger, n + held);
      bool verified = false;
      EXPECT_EQ(part["verify"]["ok"].get(verified), simdjson::SUCCESS);
      EXPECT_TRUE(verified) << line;
      continue;
    }
    std::string_view name, mode;
    ASSERT_EQ(e["case"].get(name), simdjson::SUCCESS) << line;
    ASSERT_EQ(e["mode"].get(mode), simdjson::SUCCESS) << line;
    for (const char* key :
         {"requests_per_s", "p50_us", "p99_us", "p999_us", "completed",
          "server_cpu_cores", "client_cpu_cores", "load_average"}) {
      EXPECT_EQ(e[key].error(), simdjson::SUCCESS) << key << " in " << line;
    }
    if (name == "healthz") {
      healthz = true;
      continue;
    }
    runs.push_back(std::string(name) + "/" + std::string(mode));
    double per_s = 0;
    uint64_t succeeded = 0;
    EXPECT_EQ(e["payments_per_s"].get(per_s), simdjson::SUCCESS);
    EXPECT_EQ(e["succeeded"].get(succeeded), simdjson::SUCCESS);
    EXPECT_GT(succeeded, 0u) << line;
    EXPECT_GT(per_s, 0) << line;
    simdjson::dom::object errors;
    EXPECT_EQ(e["errors"].get(errors), simdjson::SUCCESS) << line;
    for (const char* key : {"quote_p99_us", "pay_p99_us", "rate_reached",
                            "commands_per_batch", "journal_batches"}) {
      EXPECT_EQ(e[key].error(), simdjson::SUCCESS) << key << " in " << line;
    }
  }
  EXPECT_TRUE(setup) << r.output;
  EXPECT_TRUE(healthz) << r.output;
  EXPECT_TRUE(check) << r.output;
  EXPECT_EQ(runs, (std::vector<std::string>{"quote+pay/max", "quote+pay/rate",
                                            "pay/max", "pay/rate"}))
      << r.output;
}

TEST(BenchNetworkCommand, UnknownCaseIsRefused) {
  CommandRun r = RunMeridian("bench network --case nope");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown case nope"), std::string::npos) << r.output;
}

}  // namespace
