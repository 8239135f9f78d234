// End-to-end tests of the `meridian` binary: what a user runs.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/testing/run_meridian.h"
#include "core/testing/temp_dir.h"

namespace {

using meridian::cli::testing::CommandRun;
using meridian::cli::testing::RunMeridian;

TEST(CliTest, DemoThenVerifyThenCorruptionIsReported) {
  meridian::testing::TempDir dir;
  std::string data = dir.path() + "/data";
  CommandRun demo =
      RunMeridian("demo --seconds 1.5 --rate 500 --data-dir " + data);
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  EXPECT_NE(demo.output.find("stopped cleanly"), std::string::npos)
      << demo.output;

  // Starting again continues the same world.
  CommandRun again = RunMeridian("demo --seconds 0.5 --data-dir " + data);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("recovered: snapshot at batch"),
            std::string::npos);

  CommandRun ok = RunMeridian("verify " + data);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("OK:"), std::string::npos) << ok.output;
  CommandRun json = RunMeridian("verify --json " + data);
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.output.find("\"ok\":true"), std::string::npos) << json.output;

  // One flipped byte in the middle of the first record.
  std::string segment = data + "/journal/segment-000001.log";
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  CommandRun bad = RunMeridian("verify " + data);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("segment-000001.log"), std::string::npos)
      << bad.output;
}

TEST(CliTest, VerifyOfAMissingDirectoryFails) {
  CommandRun r = RunMeridian("verify /nonexistent/meridian-data");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
}

TEST(CliTest, BenchLedgerPrintsOneJsonObjectPerCase) {
  meridian::testing::TempDir dir;
  CommandRun r = RunMeridian(
      "bench ledger --case uniform_10k --case replay --seconds 0.3 "
      "--transfers-per-command 64 --json --data-dir " +
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("{\"case\":\"uniform_10k\",\"transfers_per_s\":"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("{\"case\":\"replay\""), std::string::npos);
  EXPECT_NE(r.output.find("\"durability\":\"fdatasync\""), std::string::npos);
}

TEST(CliTest, UnknownBenchCaseIsAnError) {
  CommandRun r = RunMeridian("bench ledger --case nope");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown case nope"), std::string::npos);
}

}  // namespace
