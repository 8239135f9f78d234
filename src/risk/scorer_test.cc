#include "risk/scorer.h"

#include <gtest/gtest.h>

#include "risk/sim/traffic.h"
#include "risk/testing/risk_files.h"

namespace meridian::risk {
namespace {

constexpr int64_t kT0 = 1'704'067'200LL * kNsPerSecond + 9 * kNsPerHour;

RiskScorer DefaultScorer() {
  std::vector<uint8_t> model = testing::ShippedModel();
  EXPECT_FALSE(model.empty()) << "models/risk/model.json";
  Result<RiskScorer> s = RiskScorer::Create(testing::DefaultRulesText(), model);
  MERIDIAN_CHECK(s.ok()) << s.error().ToString();
  return std::move(s).value();
}

PaymentAttempt Genuine(int64_t t) {
  PaymentAttempt a;
  a.payment_id = static_cast<u128>(t);
  a.payer_id = 100;
  a.card_token = 200;
  a.device_id = 300;
  a.ip_hash = 400;
  a.merchant_id = 500;
  a.mcc = 5411;
  a.merchant_country = a.card_country = a.ip_country = Country("DE");
  a.merchant_industry = "grocery";
  a.merchant_region = "EU";
  a.payer_utc_offset_min = 60;
  a.amount_minor = a.amount_reporting_minor = 4'500;
  a.time_ns = t;
  return a;
}

TEST(ScorerTest, ShippedModelLoadsAndScores) {
  RiskScorer s = DefaultScorer();
  ASSERT_NE(s.model(), nullptr);
  EXPECT_GT(s.model()->tree_count(), 0u);
  EXPECT_LE(s.model()->tree_count(), 100u);
  // A payer with a steady history buying groceries at home: approved.
  for (int day = 0; day < 10; ++day) {
    PaymentAttempt a = Genuine(kT0 + day * kNsPerDay);
    s.Record(a, Outcome::kApproved);
  }
  Assessment a = s.Assess(Genuine(kT0 + 10 * kNsPerDay));
  EXPECT_EQ(a.decision, Decision::kApprove) << FormatAssessment(a);
  EXPECT_LT(a.score_bp, 3'000);
}

// One stolen card tried for small amounts across merchants, the issuer
// declining: declined by risk within a handful of attempts. Returns the
// index of the first DECLINE (-1: none in 20), and the first decision.
int CardTestingDeclinedAt(bool domestic, Decision* first) {
  RiskScorer s = DefaultScorer();
  int64_t t = kT0;
  for (int i = 0; i < 20; ++i) {
    PaymentAttempt a;
    a.payment_id = 1000 + i;
    a.payer_id = 0;  // guest checkout
    a.card_token = 0xCA4D;
    a.device_id = 7000 + (i / 3);  // the bot rotates devices
    a.ip_hash = 8000 + (i / 2);
    a.merchant_id = 900 + i;
    a.mcc = 5816;
    a.merchant_country = domestic ? Country("GB") : Country("US");
    a.card_country = Country("GB");
    a.ip_country = domestic ? Country("GB") : Country("VN");
    a.merchant_industry = "digital_goods";
    a.merchant_region = domestic ? "EU" : "NA";
    a.amount_minor = a.amount_reporting_minor = 100 + 37 * (i % 5);
    a.time_ns = t;
    t += 20 * kNsPerSecond;
    Assessment r = s.Assess(a);
    if (i == 0) *first = r.decision;
    if (r.decision == Decision::kDecline) {
      EXPECT_FALSE(r.reasons.empty());
      return i;
    }
    s.Record(a, Outcome::kDeclined);  // the issuer says no
  }
  return -1;
}

TEST(ScorerTest, CardTestingIsDeclinedWithinAHandful) {
  Decision first;
  // From abroad (card GB, IP VN, merchant US): the model declines at once.
  int at = CardTestingDeclinedAt(false, &first);
  EXPECT_GE(at, 0);
  EXPECT_LE(at, 4) << "declined only at attempt " << at;
  // Behind a proxy in the card's country at a local merchant: the first try
  // looks like anyone's; the issuer's declines across merchants give it away.
  at = CardTestingDeclinedAt(true, &first);
  EXPECT_NE(first, Decision::kDecline);
  EXPECT_GE(at, 1);
  EXPECT_LE(at, 4) << "declined only at attempt " << at;
}

TEST(ScorerTest, ReasonsNameRulesAndFeatures) {
  RiskScorer s = DefaultScorer();
  PaymentAttempt a = Genuine(kT0);
  a.card_token = 0xBAD;
  for (int i = 0; i < 4; ++i) {
    a.merchant_id = 600 + i;
    a.amount_reporting_minor = 300;
    s.Record(a, Outcome::kDeclined);
    a.time_ns += 10 * kNsPerSecond;
  }
  Assessment r = s.Assess(a);
  EXPECT_EQ(r.decision, Decision::kDecline);
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_EQ(r.reasons[0].source, ReasonCode::Source::kRule);
  EXPECT_EQ(r.reasons[0].code, "CARD_TESTING");
  EXPECT_LE(r.reasons.size(), kMaxReasons);
}

// The same attempts in the same order: identical assessments and bytes.
TEST(ScorerTest, Deterministic) {
  sim::TrafficSimulator simulator({.seed = 4, .payers = 300, .merchants = 50});
  std::vector<sim::SimPayment> day = simulator.Day(0);
  RiskScorer a = DefaultScorer();
  RiskScorer b = DefaultScorer();
  for (const sim::SimPayment& p : day) {
    Assessment x = a.Assess(p.attempt);
    Assessment y = b.Assess(p.attempt);
    ASSERT_EQ(x, y) << FormatAssessment(x) << " vs " << FormatAssessment(y);
    Outcome o = x.decision == Decision::kDecline ? Outcome::kRiskDeclined
                : p.issuer_approves              ? Outcome::kApproved
                                                 : Outcome::kDeclined;
    a.Record(p.attempt, o);
    b.Record(p.attempt, o);
  }
  EXPECT_EQ(a.Serialize(), b.Serialize());
}

TEST(ScorerTest, SerializeRoundTrip) {
  sim::TrafficSimulator simulator({.seed = 8, .payers = 200, .merchants = 40});
  std::vector<sim::SimPayment> day = simulator.Day(0);
  RiskScorer a = DefaultScorer();
  size_t half = day.size() / 2;
  for (size_t i = 0; i < half; ++i) a.Record(day[i].attempt, Outcome::kApproved);
  std::vector<uint8_t> bytes = a.Serialize();
  Result<RiskScorer> b = RiskScorer::Deserialize(bytes);
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ(b->Serialize(), bytes);
  for (size_t i = half; i < day.size(); ++i) {
    ASSERT_EQ(a.Assess(day[i].attempt), b->Assess(day[i].attempt)) << i;
    a.Record(day[i].attempt, Outcome::kApproved);
    b->Record(day[i].attempt, Outcome::kApproved);
  }
  EXPECT_EQ(a.Serialize(), b->Serialize());
  bytes.resize(bytes.size() - 1);
  EXPECT_EQ(RiskScorer::Deserialize(bytes).error().code,
            ErrorCode::kDATA_CORRUPTED);
}

TEST(ScorerTest, SetRulesIsAllOrNothingAndMerchantThresholdsApply) {
  RiskScorer s = DefaultScorer();
  PaymentAttempt a = Genuine(kT0);
  a.merchant_id = 4242;
  Status bad = s.SetRules("version = 1\n[thresholds]\nchallenge = 9\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(s.rules().text(), testing::DefaultRulesText());

  // Everything challenges at this merchant; the others are unchanged.
  std::string text = testing::DefaultRulesText() +
                     "\n[[merchants]]\nid = \"4242\"\nthresholds = { "
                     "challenge = 0, review = 10001, decline = 10001 }\n";
  ASSERT_TRUE(s.SetRules(text).ok());
  EXPECT_EQ(s.Assess(a).decision, Decision::kChallenge);
  a.merchant_id = 4243;
  EXPECT_EQ(s.Assess(a).decision, Decision::kApprove);
}

TEST(ScorerTest, WithoutAModelRulesAlone) {
  Result<RiskRules> rules = RiskRules::Parse(testing::DefaultRulesText());
  ASSERT_TRUE(rules.ok());
  RiskScorer s(std::move(rules).value());
  Assessment a = s.Assess(Genuine(kT0));
  EXPECT_EQ(a.model_bp, 0);
  EXPECT_EQ(a.decision, Decision::kApprove);
}

}  // namespace
}  // namespace meridian::risk
