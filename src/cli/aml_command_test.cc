// `meridian aml eval`: the command as a user runs it, on the real AMLSim
// sample when ../shared/data is beside the project, and its refusals.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;
};

CommandRun Meridian(const std::string& args) {
  const std::string command =
      std::string(MERIDIAN_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  CommandRun run;
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    run.output.append(buf.data(), n);
  }
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string SampleDir() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/aml/amlsim";
}

TEST(AmlEvalCommand, JsonOnTheSample) {
  if (!std::filesystem::exists(SampleDir())) {
    GTEST_SKIP() << "no AMLSim sample at " << SampleDir();
  }
  CommandRun run = Meridian("aml eval " + SampleDir() +
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
  CommandRun run = Meridian("aml eval " + SampleDir() +
                            " --sample 20K_fanin200cycle200 "
                            "--set split_network.enabled=false");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("split_network         0"), std::string::npos)
      << run.output;
}

TEST(AmlEvalCommand, Refusals) {
  CommandRun run = Meridian("aml eval /nonexistent-dir");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("meridian aml eval: cannot list"),
            std::string::npos)
      << run.output;
  run = Meridian("aml eval /tmp --set no.such=1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("no monitor setting is called \"no.such\""),
            std::string::npos)
      << run.output;
  run = Meridian("aml eval /tmp --set round_trip.max_hops=9");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("round_trip.max_hops must be in 2..6"),
            std::string::npos)
      << run.output;
  run = Meridian("aml eval /tmp --show-config");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.output.find("split_network.min_accounts=2\n"),
            std::string::npos)
      << run.output;
}

}  // namespace
