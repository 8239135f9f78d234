#include "compliance/aml/eval.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace meridian::compliance::aml {
namespace {

TEST(FormatRatio, FixedPointHalfUp) {
  EXPECT_EQ(FormatRatio(1, 3, 4), "0.3333");
  EXPECT_EQ(FormatRatio(2, 3, 4), "0.6667");
  EXPECT_EQ(FormatRatio(1150, 1804, 4), "0.6375");
  EXPECT_EQ(FormatRatio(394'000, 20'000, 2), "19.70");
  EXPECT_EQ(FormatRatio(5, 1, 0), "5");
  EXPECT_EQ(FormatRatio(-1, 4, 2), "-0.25");
  EXPECT_EQ(FormatRatio(7, 0, 2), "0");
}

TEST(Eval, SmallSampleCountsAlertsNamesAndUpdates) {
  // Accounts 1..4 launder: 1 and 3 split payments into 2, then 2 splits on
  // into 4; 5..8 pay each other once each, in a ring but of different
  // amounts (the same amount all round would be a round trip).
  AmlsimSample s;
  s.name = "hand";
  for (uint64_t id = 1; id <= 8; ++id) {
    s.accounts.push_back({.id = id, .laundering = id <= 4});
  }
  auto split = [&](uint64_t from, uint64_t to, int64_t step) {
    for (int k = 0; k < 3; ++k) {
      s.transactions.push_back(
          {.from = from, .to = to, .amount_minor = 300 + k, .step = step});
    }
  };
  split(1, 2, 1);
  split(3, 2, 2);
  for (uint64_t id = 5; id <= 8; ++id) {
    s.transactions.push_back({.from = id,
                              .to = id % 4 + 5,
                              .amount_minor = 10'000 + static_cast<int64_t>(id),
                              .step = 2});
  }
  split(2, 4, 3);
  MonitorConfig c = AmlsimConfig();
  c.split_network.min_accounts = 3;
  std::vector<Alert> alerts;
  Result<EvalReport> r = EvaluateAmlsim(s, c, &alerts);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->accounts, 8);
  EXPECT_EQ(r->laundering_accounts, 4);
  EXPECT_EQ(r->flows, 13);
  EXPECT_EQ(r->alerts, 1);
  EXPECT_EQ(r->updates, 1);
  EXPECT_EQ(r->alerted_accounts, 4);
  EXPECT_EQ(r->alerted_laundering, 4);
  EXPECT_EQ(r->alerted_laundering_without_updates, 3);
  EXPECT_EQ(r->recall_bp(), 10'000);
  EXPECT_EQ(r->alerts_per_1000_centi(), 12'500);  // 1 alert per 8 accounts
  const RuleFigures& net = r->rules[static_cast<size_t>(Rule::kSplitNetwork)];
  EXPECT_EQ(net.alerts, 1);
  EXPECT_EQ(net.updates, 1);
  EXPECT_EQ(net.laundering, 4);
  EXPECT_EQ(net.only_here, 4);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_NE(FormatEvalText(*r).find("recall 1.0000: 4 of 4"),
            std::string::npos);

  MonitorConfig bad;
  bad.path.max_visits = 1;
  EXPECT_FALSE(EvaluateAmlsim(s, bad).ok());
}

// The real sample, when ../shared/data is beside the project.
class AmlsimSampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/aml/amlsim";
    if (!std::filesystem::exists(dir_ + "/20K_fanin200cycle200_nodes.csv")) {
      GTEST_SKIP() << "no AMLSim sample at " << dir_;
    }
  }
  std::string dir_;
};

TEST_F(AmlsimSampleTest, RecallAndAlertRateOfTheTunedRules) {
  auto start = std::chrono::steady_clock::now();
  Result<AmlsimSample> s = ReadAmlsimSample(dir_, "20K_fanin200cycle200");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  Result<EvalReport> r = EvaluateAmlsim(*s, AmlsimConfig());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->accounts, 20'000);
  EXPECT_EQ(r->laundering_accounts, 1'804);
  EXPECT_EQ(r->flows, 120'558);
  // Measured: recall 0.6375 (1150 of 1804) at 19.70 alerts per 1,000
  // accounts (394 alerts, 402 updates), every named account laundering.
  // Issue 5 asks for 0.90 at <= 20: not reachable on this sample with rules
  // that do not read the labels (see eval.cc and the commit message).
  EXPECT_GE(r->recall_bp(), 6'300);
  EXPECT_LE(r->alerts_per_1000_centi(), 2'000);
  EXPECT_GE(r->alerted_laundering * 100, r->alerted_accounts * 95);
  EXPECT_GE(r->alerted_laundering_without_updates * 10'000,
            r->laundering_accounts * 4'300);
  EXPECT_EQ(r->stats.evicted, 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(AmlsimSampleTest, ReplayingTwiceIsByteIdentical) {
  Result<AmlsimSample> s = ReadAmlsimSample(dir_, "20K_fanin200cycle200");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::string texts[2];
  for (std::string& text : texts) {
    std::vector<Alert> alerts;
    Result<EvalReport> r = EvaluateAmlsim(*s, AmlsimConfig(), &alerts);
    ASSERT_TRUE(r.ok());
    for (const Alert& a : alerts) text += FormatAlert(a) + "\n";
    text += FormatEvalText(*r);
  }
  EXPECT_GT(texts[0].size(), 10'000u);
  EXPECT_EQ(texts[0], texts[1]);
}

TEST_F(AmlsimSampleTest, DefaultsAlsoRunAndStayBounded) {
  Result<AmlsimSample> s = ReadAmlsimSample(dir_, "20K_fanin200cycle200");
  ASSERT_TRUE(s.ok());
  MonitorConfig c;
  c.max_accounts = 1'000;  // far fewer than the sample's 20,000 accounts
  Result<EvalReport> r = EvaluateAmlsim(*s, c);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->stats.accounts, 1'000u);
  EXPECT_GT(r->stats.evicted, 0u);
}

}  // namespace
}  // namespace meridian::compliance::aml
