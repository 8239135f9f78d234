// `meridian risk train`: the command as a user runs it, at a tiny size so
// it takes a second, and its refusals.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli/testing/run_meridian.h"

namespace {

using meridian::cli::testing::CommandRun;
using meridian::cli::testing::RunMeridian;

std::string Root() { return MERIDIAN_SOURCE_ROOT; }

TEST(RiskTrainCommand, TinyRunPrintsOneJsonObjectAndWritesFiles) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("risk_train_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string model = (dir / "m.json").string();
  std::string report = (dir / "r.json").string();
  CommandRun run = RunMeridian(
      "risk train --seed 3 --days 1 --payers 400 --rounds 10 --rules " +
      Root() + "/policies/risk/rules.toml --out " + model + " --report " +
      report + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* key :
       {"\"auc\":", "\"recall_at_1pct_fpr\":", "\"genuine_friction_rate\":",
        "\"train_rows\":", "\"eval_frauds\":", "\"trees\":10,",
        "\"model_bytes\":", "\"card_testing\":{"}) {
    EXPECT_NE(run.output.find(key), std::string::npos) << key << "\n"
                                                       << run.output;
  }
  EXPECT_EQ(run.output.find('\n'), run.output.size() - 1);
  EXPECT_GT(std::filesystem::file_size(model), 1000u);
  EXPECT_GT(std::filesystem::file_size(report), 100u);
  std::filesystem::remove_all(dir);
}

TEST(RiskTrainCommand, Refusals) {
  CommandRun run = RunMeridian("risk train --rules /nonexistent.toml");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("cannot read the rules file"), std::string::npos)
      << run.output;
  run = RunMeridian("risk train --days 0");
  EXPECT_NE(run.exit_code, 0);
}

}  // namespace
