// `meridian aml eval`: the command as a user runs it, on the real AMLSim
// sample when ../shared/data is beside the project, and its refusals.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/testing/run_meridian.h"

namespace {

using meridian::cli::testing::CommandRun;
using meridian::cli::testing::RunMeridian;

std::string SampleDir() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/aml/amlsim";
}

TEST(AmlEvalCommand, JsonOnTheSample) {
  if (!std::filesystem::exists(SampleDir())) {
    GTEST_SKIP() << "no AMLSim sample at " << SampleDir();
  }
  CommandRun run = RunMeridian("aml eval " + SampleDir() +
                               " --sample 20K_fanin200cycle200 --json");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* key :
       {"\"recall\":0.6375", "\"alerts_per_1000_accounts\":19.70",
        "\"alerted_accounts\":1150", "\"laundering_accounts\":1804",
        "\"accounts\":20000", "\"rules\":{\"structuring\":{",
        "\"split_network\":{\"alerts\":374,", "\"precision\":"}) {
    EXPECT_NE(run.output.find(key), std::string::npos) << key << "\n"
                                                       << run.output;
  }
  // One line of JSON.
  EXPECT_EQ(run.output.find('\n'), run.output.size() - 1);
}

TEST(AmlEvalCommand, TextAndSettings) {
  if (!std::filesystem::exists(SampleDir())) {
    GTEST_SKIP() << "no AMLSim sample at " << SampleDir();
  }
  CommandRun run = RunMeridian("aml eval " + SampleDir() +
                               " --sample 20K_fanin200cycle200 "
                               "--set split_network.enabled=false");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("split_network         0"), std::string::npos)
      << run.output;
}

TEST(AmlEvalCommand, Refusals) {
  CommandRun run = RunMeridian("aml eval /nonexistent-dir");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("meridian aml eval: cannot list"),
            std::string::npos)
      << run.output;
  run = RunMeridian("aml eval /tmp --set no.such=1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("no monitor setting is called \"no.such\""),
            std::string::npos)
      << run.output;
  run = RunMeridian("aml eval /tmp --set round_trip.max_hops=9");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("round_trip.max_hops must be in 2..6"),
            std::string::npos)
      << run.output;
  run = RunMeridian("aml eval /tmp --show-config");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.output.find("split_network.min_accounts=2\n"),
            std::string::npos)
      << run.output;
}

}  // namespace
