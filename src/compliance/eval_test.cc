#include "compliance/eval.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace meridian::compliance {
namespace {

using ::testing::ElementsAre;

std::string EvalDir() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/sanctions/eval";
}

TEST(SplitCsvLineTest, Quotes) {
  EXPECT_THAT(SplitCsvLine("a,\"b, c\",\"say \"\"hi\"\"\",,d"),
              ElementsAre("a", "b, c", "say \"hi\"", "", "d"));
  EXPECT_THAT(SplitCsvLine(""), ElementsAre(""));
}

// The goals of issue 5 on the real labelled pairs, at the default
// threshold: accuracy at least 0.85 with at most 15 % false positives.
TEST(EvalTest, NamePairsReachTheGoal) {
  const std::string path = EvalDir() + "/name_pairs.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent";
  Result<NamePairsReport> report = EvaluateNamePairs(path, kDefaultThreshold);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_TRUE(report->present);
  const BinaryMetrics& m = report->at_threshold;
  EXPECT_GT(m.positives, 150u);
  EXPECT_GT(m.negatives, 150u);
  EXPECT_GE(m.accuracy, 0.85);
  EXPECT_LE(m.false_positive_rate, 0.15);
  EXPECT_GE(m.recall, 0.80);
  EXPECT_EQ(report->sweep.size(), 30u);
  EXPECT_GE(report->best.accuracy, m.accuracy);
  EXPECT_LE(report->best.false_positive_rate, 0.15);
}

TEST(EvalTest, CrossScriptPairsReachTheGoal) {
  const std::string path = EvalDir() + "/cross_script_pairs.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent";
  Result<CrossScriptReport> report = EvaluateCrossScript(path);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_TRUE(report->present);
  EXPECT_GE(report->total, 20u);
  EXPECT_GE(report->hit_rate, 0.90);
}

class EvalFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("meridian_eval_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(EvalFilesTest, MissingFilesAreAbsentSets) {
  Result<EvalReport> report = EvaluateAll(dir_.string(), nullptr, 0.9);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->name_pairs.present);
  EXPECT_FALSE(report->cross_script_pairs.present);
  EXPECT_FALSE(report->un_positives.present);
  EXPECT_FALSE(report->negatives_us.present);
}

TEST_F(EvalFilesTest, SmallSets) {
  Write("name_pairs.csv",
        "case_group,schema,name1,name2,is_match,quality,category,notes\n"
        "t,Person,Vladimir Putin,\"PUTIN, Vladimir\",true,,,\n"
        "t,Person,Ihab Makhlouf,Rami Makhlouf,false,,,\n"
        "t,Person,Olaf Scholz,Angela Merkel,true,,,\n");
  Write("cross_script_pairs.csv",
        "# comment\n\nВладимир Путин,Vladimir Putin,0.95,Russian\n"
        "金正恩,Kim Jong Un,0.99,Korean in Hanja\n");
  Write("un_positives.csv",
        "full_name,first_name,middle_name,last_name,gender,date_of_birth,"
        "place_of_birth,nationality\n"
        "KIM JONG UN,,,,,1984-01-08,,kp\n"
        "NOBODY ATALL,,,,,,,\n");
  Write("negatives_us.csv",
        "full_name,first_name,middle_name,last_name,gender,date_of_birth,"
        "place_of_birth,nationality\n"
        "Kathryn Barr,Kathryn,,Barr,female,1966-07-06,Karachi,"
        "United Arab Emirates\n"
        "Kim Jong Un,,,,,,,\n");
  ListEntry kim;
  kim.list = "UN";
  kim.source_id = "KPi.033";
  kim.name = "KIM JONG UN";
  ListEntry ofac = kim;
  ofac.list = "OFAC-SDN";  // the same person, sorted first
  ScreeningIndex index = ScreeningIndex::Build({ofac, kim});

  Result<EvalReport> report = EvaluateAll(dir_.string(), &index, 0.9);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const BinaryMetrics& m = report->name_pairs.at_threshold;
  EXPECT_EQ(m.true_positives, 1u);
  EXPECT_EQ(m.false_negatives, 1u);
  EXPECT_EQ(m.true_negatives, 1u);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.accuracy, 2.0 / 3);
  EXPECT_EQ(report->cross_script_pairs.total, 2u);
  EXPECT_EQ(report->cross_script_pairs.hits, 2u);
  EXPECT_EQ(report->un_positives.total, 2u);
  EXPECT_EQ(report->un_positives.ok, 1u);  // the UN hit counts, not first
  EXPECT_EQ(report->negatives_us.total, 2u);
  EXPECT_EQ(report->negatives_us.ok, 1u);
}

TEST_F(EvalFilesTest, DamagedFileIsAnError) {
  Write("name_pairs.csv", "name1,name2,is_match\na,b,maybe\n");
  Result<NamePairsReport> r =
      EvaluateNamePairs((dir_ / "name_pairs.csv").string(), 0.9);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, ::testing::HasSubstr("line 2"));
  Write("x.csv", "only_one_column\n");
  EXPECT_FALSE(EvaluateNamePairs((dir_ / "x.csv").string(), 0.9).ok());
}

}  // namespace
}  // namespace meridian::compliance
