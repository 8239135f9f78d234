#include "risk/rules.h"

#include <gtest/gtest.h>

#include "risk/testing/risk_files.h"

namespace meridian::risk {
namespace {

constexpr std::string_view kBase = R"(
version = 1
[thresholds]
challenge = 3000
review = 6000
decline = 9000
)";

Result<RiskRules> ParseWith(std::string_view extra) {
  return RiskRules::Parse(std::string(kBase) + std::string(extra));
}

// The param and message of a parse error, for compact expectations.
std::string ErrorOf(std::string_view extra) {
  Result<RiskRules> r = ParseWith(extra);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
  return r.error().param + ": " + r.error().message;
}

TEST(RulesTest, ShippedDefaultParses) {
  std::string text = testing::DefaultRulesText();
  ASSERT_FALSE(text.empty());
  Result<RiskRules> r = RiskRules::Parse(text);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_GE(r->rules().size(), 5u);
  EXPECT_EQ(r->text(), text);
}

TEST(RulesTest, ErrorsNameTheRuleAndField) {
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "card_testing"
reason = "CARD_TESTING"
when = ["card_declines_1h >= 3", "card_declinez_1h > 1"]
points = 10
)"),
            "rules[card_testing].when[1]: unknown feature \"card_declinez_1h\" "
            "(features.h lists the names)");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["card_declines_1h => 3"]
points = 10
)"),
            "rules[x].when[0]: expected one of < <= > >= == != after "
            "\"card_declines_1h\"");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["card_declines_1h >= three"]
points = 10
)"),
            "rules[x].when[0]: expected an integer after the operator, not "
            "\"three\"");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["card_declines_1h >= 3"]
decision = "BLOCK"
)"),
            "rules[x].decision: one of APPROVE, CHALLENGE, REVIEW, DECLINE");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
when = ["card_declines_1h >= 3"]
points = 1
)"),
            "rules[x].reason: required");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["card_declines_1h >= 3"]
)"),
            "rules[x]: needs points, a decision, or both");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["card_declines_1h >= 3"]
points = 20000
)"),
            "rules[x].points: an integer from -10000 to 10000");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["card_declines_1h >= 3"]
ponts = 1
)"),
            "rules[x].ponts: unknown key; see policies/risk/README.md");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "Bad Name"
reason = "X"
when = ["card_declines_1h >= 3"]
points = 1
)"),
            "rules[0].name: 1..64 of [a-z0-9_]");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["has_card == 1"]
points = 1
[[rules]]
name = "x"
reason = "Y"
when = ["has_card == 1"]
points = 2
)"),
            "rules[x].name: duplicate rule name");
  EXPECT_EQ(ErrorOf(R"(
[[rules]]
name = "x"
reason = "X"
when = ["has_card == 1", "has_card == 1", "has_card == 1", "has_card == 1",
        "has_card == 1", "has_card == 1", "has_card == 1", "has_card == 1",
        "has_card == 1"]
points = 1
)"),
            "rules[x].when: at most 8 conditions");
  EXPECT_EQ(ErrorOf(R"(
[[industries]]
name = "gambling"
thresholds = { challenge = 5000, review = 4000, decline = 9000 }
)"),
            "industries[gambling].thresholds: challenge <= review <= decline");
  EXPECT_EQ(ErrorOf(R"(
[[regions]]
name = "EU"
disable = ["nope"]
)"),
            "regions[EU].disable[0]: no default rule is named \"nope\"");
  EXPECT_EQ(ErrorOf(R"(
[[merchants]]
id = "abc"
thresholds = { challenge = 1, review = 2, decline = 3 }
)"),
            "merchants[0].id: the merchant id as a decimal string");
  EXPECT_EQ(RiskRules::Parse("colour = 1\n" + std::string(kBase))
                .error()
                .param,
            "colour");
  // TOML syntax errors carry the line.
  std::string syntax = ErrorOf("[[rules]\n");
  EXPECT_NE(syntax.find("rules: TOML line 7"), std::string::npos) << syntax;
  // Missing thresholds and version.
  Result<RiskRules> none = RiskRules::Parse("version = 1\n");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().param, "thresholds");
  EXPECT_EQ(RiskRules::Parse("[thresholds]\nchallenge=1\nreview=2\n"
                             "decline=3\n")
                .error()
                .param,
            "version");
}

TEST(RulesTest, TooManyRules) {
  std::string text(kBase);
  for (size_t i = 0; i <= kMaxRules; ++i) {
    text += "[[rules]]\nname = \"r" + std::to_string(i) +
            "\"\nreason = \"R\"\nwhen = [\"has_card == 1\"]\npoints = 1\n";
  }
  Result<RiskRules> r = RiskRules::Parse(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "rules");
  EXPECT_NE(r.error().message.find("more than 256"), std::string::npos);
}

FeatureVector Features(std::initializer_list<std::pair<Feature, int64_t>> kv) {
  FeatureVector f;
  for (auto [k, v] : kv) f[k] = v;
  return f;
}

constexpr std::string_view kOverrides = R"(
[[rules]]
name = "declines"
reason = "CARD_TESTING"
when = ["card_declines_1h >= 3"]
decision = "DECLINE"

[[rules]]
name = "mismatch"
reason = "COUNTRY_MISMATCH"
when = ["ip_card_country_mismatch == 1"]
points = 1000

[[rules]]
name = "big"
reason = "BIG"
when = ["amount_reporting_minor > 100000"]
points = 2500
decision = "CHALLENGE"

[[rules]]
name = "vip"
reason = "VIP"
when = ["payer_history >= 1000"]
decision = "APPROVE"

[[industries]]
name = "gambling"
thresholds = { challenge = 500, review = 2000, decline = 5000 }
disable = ["mismatch"]
[[industries.rules]]
name = "gambling_new_device"
reason = "NEW_DEVICE"
when = ["new_device == 1"]
points = 700

[[regions]]
name = "MEA"
thresholds = { challenge = 1000, review = 6000, decline = 9000 }
[[regions.rules]]
name = "mea_mismatch"
reason = "MEA_MISMATCH"
when = ["ip_card_country_mismatch == 1"]
points = 300

[[merchants]]
id = "77"
thresholds = { challenge = 10001, review = 10001, decline = 10001 }
)";

TEST(RulesTest, PointsForcedDecisionsAndHitOrder) {
  Result<RiskRules> rules = ParseWith(kOverrides);
  ASSERT_TRUE(rules.ok()) << rules.error().ToString();
  FeatureVector f = Features({{Feature::kCardDeclines1h, 4},
                              {Feature::kIpCardCountryMismatch, 1},
                              {Feature::kAmountReporting, 200'000}});
  RuleResult r = rules->Evaluate(f, "", "", 0);
  EXPECT_EQ(r.points, 3'500);
  EXPECT_EQ(r.forced, Decision::kDecline);
  EXPECT_FALSE(r.allow);
  ASSERT_EQ(r.hit_count, 3u);
  EXPECT_EQ(r.hits[0]->name, "declines");  // forced DECLINE first
  EXPECT_EQ(r.hits[1]->name, "big");       // then CHALLENGE
  EXPECT_EQ(r.hits[2]->name, "mismatch");
  EXPECT_EQ(r.thresholds, rules->default_thresholds());

  RuleResult vip =
      rules->Evaluate(Features({{Feature::kPayerHistory, 5000}}), "", "", 0);
  EXPECT_TRUE(vip.allow);
  EXPECT_FALSE(vip.forced.has_value());
}

TEST(RulesTest, OverridesByIndustryRegionAndMerchant) {
  Result<RiskRules> rules = ParseWith(kOverrides);
  ASSERT_TRUE(rules.ok()) << rules.error().ToString();
  FeatureVector f = Features(
      {{Feature::kIpCardCountryMismatch, 1}, {Feature::kNewDevice, 1}});

  RuleResult plain = rules->Evaluate(f, "grocery", "EU", 0);
  EXPECT_EQ(plain.points, 1'000);
  EXPECT_EQ(plain.thresholds.challenge, 3'000);

  // Industry: own thresholds, "mismatch" disabled, one extra rule.
  RuleResult gambling = rules->Evaluate(f, "gambling", "EU", 0);
  EXPECT_EQ(gambling.points, 700);
  EXPECT_EQ(gambling.thresholds.challenge, 500);
  EXPECT_EQ(gambling.thresholds.ForScore(700), Decision::kChallenge);

  // Region: own thresholds and an extra rule.
  RuleResult mea = rules->Evaluate(f, "grocery", "MEA", 0);
  EXPECT_EQ(mea.points, 1'300);
  EXPECT_EQ(mea.thresholds.challenge, 1'000);

  // Industry thresholds win over the region's; both add rules.
  RuleResult both = rules->Evaluate(f, "gambling", "MEA", 0);
  EXPECT_EQ(both.points, 1'000);
  EXPECT_EQ(both.thresholds.challenge, 500);

  // A merchant's thresholds win over everything.
  RuleResult merchant = rules->Evaluate(f, "gambling", "MEA", 77);
  EXPECT_EQ(merchant.thresholds.ForScore(10'000), Decision::kApprove);
  EXPECT_EQ(merchant.points, 1'000);
}

TEST(RulesTest, HitsAreBounded) {
  std::string text(kBase);
  for (int i = 0; i < 20; ++i) {
    text += "[[rules]]\nname = \"r" + std::to_string(i) +
            "\"\nreason = \"R\"\nwhen = [\"has_card == 1\"]\npoints = " +
            std::to_string(i + 1) + "\n";
  }
  Result<RiskRules> rules = RiskRules::Parse(text);
  ASSERT_TRUE(rules.ok()) << rules.error().ToString();
  RuleResult r = rules->Evaluate(Features({{Feature::kHasCard, 1}}), "", "", 0);
  EXPECT_EQ(r.matched, 20u);
  EXPECT_EQ(r.hit_count, kMaxRuleHits);
  EXPECT_EQ(r.points, 210);
  EXPECT_EQ(r.hits[0]->name, "r19");  // the largest points first
  EXPECT_EQ(r.hits[kMaxRuleHits - 1]->name, "r12");
}

}  // namespace
}  // namespace meridian::risk
