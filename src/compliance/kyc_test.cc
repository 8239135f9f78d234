#include "compliance/kyc.h"

#include <gtest/gtest.h>

namespace meridian::compliance {
namespace {

KycPolicies Shipped() {
  Result<KycPolicies> p =
      LoadKycPolicies(std::string(MERIDIAN_SOURCE_ROOT) + "/policies/kyc");
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return p.ok() ? std::move(*p) : KycPolicies();
}

TEST(KycTest, TheShippedPoliciesLoadAndCoverTheirCountries) {
  KycPolicies p = Shipped();
  ASSERT_GE(p.all().size(), 6u);
  EXPECT_EQ(p.For("DE").name, "eea");
  EXPECT_EQ(p.For("NO").name, "eea");
  EXPECT_EQ(p.For("US").name, "us");
  EXPECT_EQ(p.For("CN").name, "cn");
  EXPECT_EQ(p.For("ZZ").name, "default");
  EXPECT_EQ(p.For("DE").currency.code(), "EUR");
}

TEST(KycTest, EMoneySimplifiedDueDiligenceStopsAt150EurAMonth) {
  KycPolicies p = Shipped();
  const KycPolicy& eu = p.For("FR");
  const Tier* sdd = eu.FindTier("SDD");
  ASSERT_NE(sdd, nullptr);
  // Only a name is needed for this tier.
  EXPECT_TRUE(
      eu.Missing(CustomerType::kIndividual, *sdd, {"name"}, {}).empty());
  EXPECT_TRUE(eu.CheckLimits(*sdd, {.month_minor = 10'000}, 5'000).ok());
  Status over = eu.CheckLimits(*sdd, {.month_minor = 10'000}, 5'001);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kLIMIT_EXCEEDED);
  EXPECT_EQ(over.error().param, "monthly_limit");
  EXPECT_NE(over.error().message.find("150.00 EUR"), std::string::npos)
      << over.error().message;
  // The full tier needs the full requirements.
  const Tier* standard = eu.FindTier("STANDARD");
  EXPECT_EQ(eu.Missing(CustomerType::kIndividual, *standard, {"name"}, {}),
            (std::vector<std::string>{"date_of_birth", "nationality", "address",
                                      "identity_document"}));
}

TEST(KycTest, BusinessOwnersAtTheThresholdMustBeIdentified) {
  KycPolicies p = Shipped();
  const KycPolicy& us = p.For("US");
  const Tier* business = us.FindTier("BUSINESS");
  ASSERT_NE(business, nullptr);
  const std::vector<std::string> company = {
      "legal_name",
      "registration_number",
      "country",
      "address",
      "tax_id",
      "certificate_of_incorporation",
      "beneficial_ownership_certification"};
  EXPECT_EQ(us.Missing(CustomerType::kBusiness, *business, company,
                       {{25, {"name", "nationality"}},
                        {24, {}},
                        {40, {"name", "date_of_birth", "nationality"}}}),
            (std::vector<std::string>{"owners[0].date_of_birth"}));
}

TEST(KycTest, ChinaAccountClassesCountDaysAndYears) {
  KycPolicies p = Shipped();
  const KycPolicy& cn = p.For("CN");
  const Tier* c3 = cn.FindTier("CLASS_III");
  ASSERT_NE(c3, nullptr);
  EXPECT_EQ(
      cn.CheckLimits(*c3, {.balance_minor = 150'000}, 60'000).error().param,
      "balance_limit");
  EXPECT_EQ(cn.CheckLimits(*c3, {.day_minor = 450'000}, 60'000).error().param,
            "daily_limit");
  EXPECT_TRUE(cn.CheckLimits(*c3, {.day_minor = 100'000}, 60'000).ok());
}

TEST(KycTest, StrongCustomerAuthenticationAndItsExemptions) {
  KycPolicies p = Shipped();
  const KycPolicy& eu = p.For("DE");
  // EUR 25 with EUR 50 and 2 payments since the last SCA: low value.
  ScaDecision d = eu.Sca(2'500, 5'000, 2, 20);
  EXPECT_FALSE(d.required);
  EXPECT_EQ(d.exemption, ScaExemption::kLowValue);
  // The cumulative EUR 100 would pass: TRA at a 5 bp fraud rate (<= 250).
  d = eu.Sca(2'500, 9'000, 2, 5);
  EXPECT_EQ(d.exemption, ScaExemption::kTransactionRisk);
  // The sixth small payment needs SCA unless TRA exempts it.
  EXPECT_TRUE(eu.Sca(1'000, 1'000, 5, 20).required);
  // EUR 600 at any fraud rate: SCA.
  EXPECT_TRUE(eu.Sca(60'000, 0, 0, 0).required);
  EXPECT_FALSE(p.For("US").Sca(60'000, 0, 0, 0).required);
  // The travel rule from EUR 1,000.00.
  EXPECT_FALSE(eu.TravelRuleApplies(99'999));
  EXPECT_TRUE(eu.TravelRuleApplies(100'000));
  EXPECT_TRUE(p.For("US").TravelRuleApplies(300'000));
  EXPECT_FALSE(p.For("US").TravelRuleApplies(299'999));
}

const char kDefault[] = R"(
currency = "USD"
[individual]
fields = ["name"]
[business]
fields = ["legal_name"]
[[tiers]]
name = "STANDARD"
customer_type = "INDIVIDUAL"
)";

TEST(KycTest, MistakesNameTheFileAndKeyAndRefuseTheSet) {
  auto refuse = [](std::vector<std::pair<std::string, std::string>> files) {
    Result<KycPolicies> p = ParseKycPolicies(files);
    EXPECT_FALSE(p.ok());
    return p.ok() ? std::string() : p.error().param + " | " + p.error().message;
  };
  EXPECT_TRUE(ParseKycPolicies({{"default.toml", kDefault}}).ok());
  EXPECT_EQ(refuse({{"de.toml", kDefault}}).substr(0, 12), "default.toml");
  std::string typo = kDefault;
  typo += "[sca]\napplies = true\nlow_value_limt = \"30.00\"\n";
  EXPECT_EQ(refuse({{"default.toml", typo}}).substr(0, 35),
            "default.toml:sca.low_value_limt | u");
  std::string floaty = kDefault;
  floaty.replace(floaty.find("currency"), 0,
                 "travel_rule_threshold = 1000.0\n");
  EXPECT_NE(refuse({{"default.toml", floaty}}).find("no floats"),
            std::string::npos);
  std::string twice = std::string("countries = [\"DE\"]\n") + kDefault;
  EXPECT_NE(
      refuse({{"default.toml", kDefault}, {"a.toml", twice}, {"b.toml", twice}})
          .find("DE is covered by a already"),
      std::string::npos);
  EXPECT_NE(refuse({{"default.toml", "currency = \"USD\"\n[individual\n"}})
                .find("line 2"),
            std::string::npos);
}

}  // namespace
}  // namespace meridian::compliance
