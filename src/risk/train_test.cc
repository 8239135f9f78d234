#include "risk/train.h"

#include <gtest/gtest.h>

#include "risk/testing/risk_files.h"

namespace meridian::risk {
namespace {

TEST(TrainTest, AucAndRecallOnHandExamples) {
  std::vector<float> labels = {0, 0, 0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(Auc({0.1f, 0.2f, 0.3f, 0.4f, 0.8f, 0.9f}, labels), 1.0);
  EXPECT_DOUBLE_EQ(Auc({0.9f, 0.8f, 0.3f, 0.4f, 0.1f, 0.2f}, labels), 0.0);
  EXPECT_DOUBLE_EQ(Auc({0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, labels), 0.5);
  float t = 0;
  // 1 % of four genuine rows is none: flag only above the top genuine.
  EXPECT_DOUBLE_EQ(
      RecallAtFpr({0.1f, 0.2f, 0.3f, 0.85f, 0.8f, 0.9f}, labels, 0.01, &t),
      0.5);
  EXPECT_FLOAT_EQ(t, 0.85f);
}

// A tiny end-to-end run (seconds): simulate, train, evaluate on another
// world; the model must clearly separate the planted fraud.
TEST(TrainTest, TinyRunReachesASaneAuc) {
  Result<RiskRules> rules = RiskRules::Parse(testing::DefaultRulesText());
  ASSERT_TRUE(rules.ok()) << rules.error().ToString();
  TrainOptions o;
  o.seed = 21;
  o.days = 2;
  o.traffic = {.payers = 600, .merchants = 80, .card_testing_runs = 4,
               .takeovers = 15, .stolen_cards = 8};
  o.params.rounds = 20;
  o.params.max_depth = 4;
  Result<TrainResult> r = TrainAndEvaluate(o, *rules);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const EvalReport& e = r->report;
  EXPECT_GT(e.train_rows, 1000);
  EXPECT_GT(e.train_frauds, 50);
  EXPECT_GT(e.eval_frauds, 20);
  EXPECT_EQ(e.trees, 20);
  EXPECT_GT(e.auc, 0.9);
  EXPECT_GT(e.recall_at_1pct_fpr, 0.5);
  EXPECT_LT(e.genuine_friction_rate, 0.05);
}

}  // namespace
}  // namespace meridian::risk
