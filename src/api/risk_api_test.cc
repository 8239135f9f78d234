// End-to-end tests of fraud-risk scoring: the real server (with the shipped
// rules and model journaled at its first start), real HTTP.
#include <gtest/gtest.h>

#include "api/testing/api_fixture.h"

namespace meridian::api {
namespace {

class RiskApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::tie(acquirer_, key_) = NewPrincipal("acquirer");
  }
  Reply As(const std::string& method, const std::string& path,
           const std::string& body = "") {
    return client_->Call(method, path, body, key_);
  }
  // A small card payment at `merchant`.
  static std::string Attempt(const std::string& merchant,
                             const std::string& card, const std::string& value,
                             const std::string& extra = "") {
    return R"({"merchantId":")" + merchant + R"(","cardToken":")" + card +
           R"(","amount":{"currency":"USD","value":")" + value +
           R"("},"mcc":5816,"merchantCountry":"US","cardCountry":"GB",)"
           R"("ipCountry":"GB","industry":"digital_goods","region":"NA")" +
           extra + "}";
  }
  std::string acquirer_, key_;
};

TEST_F(RiskApiTest, AssessThenReportTheOutcome) {
  Reply rules = Op("GET", "/v1/risk/rules");
  ASSERT_EQ(rules.status, 200) << rules.body;
  EXPECT_NE(rules.Str({"risk", "rules"}).find("card_testing_declines"),
            std::string::npos);
  EXPECT_NE(rules.Str({"risk", "model", "trees"}), "0");

  Reply a = As("POST", "/v1/risk/assessments",
               Attempt("shop-1", "card-ok", "4500",
                       R"(,"payerId":"p-1","deviceId":"d-1",)"
                       R"("ipAddress":"203.0.113.7","channel":"CARD")"));
  ASSERT_EQ(a.status, 201) << a.body;
  const std::string id = a.Str({"assessment", "id"});
  EXPECT_EQ(id.rfind("rsk_", 0), 0u) << id;
  EXPECT_EQ(a.Str({"assessment", "decision"}), "APPROVE") << a.body;
  EXPECT_EQ(a.Str({"assessment", "amountUsdMinor"}), "4500");
  EXPECT_EQ(As("GET", "/v1/risk/assessments/" + id).Str({"assessment", "id"}),
            id);
  // Another principal's assessment looks missing.
  auto [other, other_key] = NewPrincipal("other");
  EXPECT_EQ(
      client_->Call("GET", "/v1/risk/assessments/" + id, "", other_key).status,
      404);
  EXPECT_EQ(client_
                ->Call("POST", "/v1/risk/assessments/" + id + "/outcome",
                       R"({"outcome":"APPROVED"})", other_key)
                .status,
            404);
  Reply approved = As("POST", "/v1/risk/assessments/" + id + "/outcome",
                      R"({"outcome":"APPROVED"})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.Str({"assessment", "outcomes", "0"}), "APPROVED");
  Reply again = As("POST", "/v1/risk/assessments/" + id + "/outcome",
                   R"({"outcome":"DECLINED"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "OUTCOME_ALREADY_RECORDED");
  EXPECT_EQ(As("POST", "/v1/risk/assessments/" + id + "/outcome",
               R"({"outcome":"CHALLENGE_PASSED"})")
                .param(),
            "outcome");
  EXPECT_EQ(As("POST", "/v1/risk/assessments/" + id + "/outcome",
               R"({"outcome":"DISPUTED"})")
                .status,
            200);

  // Bad input names the field and changes nothing.
  EXPECT_EQ(As("POST", "/v1/risk/assessments",
               R"({"amount":{"currency":"USD","value":"100"}})")
                .param(),
            "merchantId");
  EXPECT_EQ(As("POST", "/v1/risk/assessments",
               Attempt("shop-1", "c", "100", R"(,"ipCountry":"gb")"))
                .status,
            400);  // the key twice is invalid JSON
  EXPECT_EQ(As("POST", "/v1/risk/assessments",
               R"({"merchantId":"m","cardCountry":"gb",)"
               R"("amount":{"currency":"USD","value":"100"}})")
                .param(),
            "cardCountry");
  EXPECT_EQ(As("POST", "/v1/risk/assessments",
               R"({"merchantId":"m","amount":{"currency":"USD","value":"0"}})")
                .param(),
            "amount.value");
  // No EUR rate posted: the amount cannot be scored in dollars.
  Reply eur = As("POST", "/v1/risk/assessments",
                 R"({"merchantId":"m","amount":{"currency":"EUR","value":"100"}})");
  EXPECT_EQ(eur.code(), "RATE_UNAVAILABLE") << eur.body;
  EXPECT_EQ(eur.param(), "amount.currency");

  Reply dash = As("GET", "/v1/risk/merchants/shop-1");
  ASSERT_EQ(dash.status, 200) << dash.body;
  EXPECT_EQ(dash.Str({"merchant", "assessed"}), "1");
  EXPECT_EQ(dash.Str({"merchant", "disputeRate"}), "1.0");  // 1 of 1
  EXPECT_EQ(
      client_->Call("GET", "/v1/risk/merchants/shop-1", "", other_key).status,
      404);
  EXPECT_EQ(Op("GET", "/v1/risk/merchants/shop-1?owner=" + acquirer_)
                .Str({"merchant", "assessed"}),
            "1");
}

// Card testing: one card tried for small amounts across merchants, each
// declined by the issuer and reported so: the risk engine declines it
// within a handful of attempts, and the merchants' dashboards say why.
TEST_F(RiskApiTest, CardTestingIsDeclinedWithinAHandful) {
  int declined_at = -1;
  std::string merchant;
  for (int i = 0; i < 12 && declined_at < 0; ++i) {
    merchant = "shop-" + std::to_string(i);
    Reply a = As("POST", "/v1/risk/assessments",
                 Attempt(merchant, "card-tested", std::to_string(100 + 37 * i),
                         R"(,"deviceId":"bot-)" + std::to_string(i / 3) +
                             R"(","ipAddress":"198.51.100.)" +
                             std::to_string(i / 2) + R"(")"));
    ASSERT_EQ(a.status, 201) << a.body;
    const std::string decision = a.Str({"assessment", "decision"});
    if (decision == "DECLINE") {
      declined_at = i;
      // The rules' CARD_TESTING, or the model leaning on the card's and
      // device's recent history: either way it says why.
      EXPECT_NE(a.Str({"assessment", "reasons", "0", "code"}), "<missing>")
          << a.body;
      break;
    }
    const std::string outcome =
        decision == "CHALLENGE" ? "CHALLENGE_FAILED" : "DECLINED";
    ASSERT_EQ(As("POST",
                 "/v1/risk/assessments/" + a.Str({"assessment", "id"}) +
                     "/outcome",
                 R"({"outcome":")" + outcome + R"("})")
                  .status,
              200);
  }
  EXPECT_GE(declined_at, 1);
  EXPECT_LE(declined_at, 5) << "declined only at attempt " << declined_at;
  Reply dash = As("GET", "/v1/risk/merchants/" + merchant);
  ASSERT_EQ(dash.status, 200) << dash.body;
  EXPECT_EQ(dash.Str({"merchant", "decisions", "DECLINE"}), "1");
  EXPECT_NE(dash.Str({"merchant", "topReasons", "0", "code"}), "<missing>");
  EXPECT_NE(dash.body.find("Card testing reached your checkout"),
            std::string::npos)
      << dash.body;
}

// A rule change through the API takes effect on the next payment, is in the
// journal (still there after a restart), and a bad file changes nothing.
TEST_F(RiskApiTest, RuleChangeTakesEffectOnTheNextPayment) {
  Reply before = As("POST", "/v1/risk/assessments",
                    Attempt("shop-x", "card-a", "250000"));
  ASSERT_EQ(before.status, 201) << before.body;
  EXPECT_NE(before.Str({"assessment", "decision"}), "DECLINE") << before.body;

  std::string rules = Op("GET", "/v1/risk/rules").Str({"risk", "rules"});
  std::string added = rules +
                      "\n[[rules]]\nname = \"big_digital\"\n"
                      "reason = \"LARGE_DIGITAL_GOODS\"\n"
                      "when = [\"amount_reporting_minor >= 200000\"]\n"
                      "decision = \"DECLINE\"\n";
  // Escape for JSON: quotes, newlines and backslashes.
  auto json_string = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += ch;
      } else if (ch == '\n') {
        out += "\\n";
      } else {
        out += ch;
      }
    }
    return out;
  };
  Reply bad = Op("PUT", "/v1/risk/rules",
                 R"({"rules":")" + json_string(rules + "\n[[rules]]\nname = 3\n") +
                     R"("})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Op("GET", "/v1/risk/rules").Str({"risk", "rules"}), rules);
  auto [other, other_key] = NewPrincipal("merchant");
  EXPECT_EQ(client_
                ->Call("PUT", "/v1/risk/rules",
                       R"({"rules":")" + json_string(added) + R"("})",
                       other_key)
                .code(),
            "ACCESS_DENIED");
  Reply put =
      Op("PUT", "/v1/risk/rules", R"({"rules":")" + json_string(added) + R"("})");
  ASSERT_EQ(put.status, 200) << put.body;

  Reply after = As("POST", "/v1/risk/assessments",
                   Attempt("shop-x", "card-b", "250000"));
  ASSERT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(after.Str({"assessment", "decision"}), "DECLINE") << after.body;
  EXPECT_EQ(after.Str({"assessment", "reasons", "0", "code"}),
            "LARGE_DIGITAL_GOODS");

  Restart();
  EXPECT_EQ(Op("GET", "/v1/risk/rules").Str({"risk", "rules"}), added);
  const std::string id = after.Str({"assessment", "id"});
  EXPECT_EQ(As("GET", "/v1/risk/assessments/" + id)
                .Str({"assessment", "decision"}),
            "DECLINE");
}

}  // namespace
}  // namespace meridian::api
