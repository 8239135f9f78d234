// End-to-end tests of screening, holds and cases: the real server with the
// built-in demo list, real HTTP.
#include <gtest/gtest.h>

#include "api/testing/api_fixture.h"

namespace meridian::api {
namespace {

class ComplianceApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    payer_ = NewId(IdKind::kAccount);
    merchant_ = NewId(IdKind::kAccount);
    const std::string outside = NewId(IdKind::kAccount);
    Reply a = Op(
        "POST", "/v1/ledger/accounts",
        R"({"accounts":[{"id":")" + payer_ +
            R"(","currency":"USD","flags":["DEBITS_MUST_NOT_EXCEED_CREDITS"]},)"
            R"({"id":")" +
            merchant_ +
            R"(","currency":"USD"},)"
            R"({"id":")" +
            outside + R"(","currency":"USD"}]})");
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(
        Op("POST", "/v1/ledger/transfers",
           TransferBody(NewId(IdKind::kTransfer), outside, payer_, "100000"))
            .status,
        200);
  }
  // A payment of `value` from the payer to the merchant, its payer screened.
  Reply Pay(const std::string& payer_name, const std::string& value) {
    std::string body =
        TransferBody(NewId(IdKind::kTransfer), payer_, merchant_, value);
    body.pop_back();  // the closing brace: add the screening block
    body += R"(,"screening":{"parties":[{"role":"PAYER","name":")" +
            payer_name + R"(","country":"RU"}]}})";
    return Op("POST", "/v1/ledger/transfers", body);
  }
  std::string payer_, merchant_;
};

TEST_F(ComplianceApiTest, ScreensNamesInAnyScript) {
  Reply r = Op("POST", "/v1/compliance/screen",
               R"({"name":"Viktor Bout","type":"PERSON"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Str({"hits", "0", "list"}), "DEMO");
  EXPECT_EQ(r.Str({"hits", "0", "entryId"}), "D1");
  Reply cyrillic =
      Op("POST", "/v1/compliance/screen", R"({"name":"Виктор Бут"})");
  EXPECT_EQ(cyrillic.Str({"hits", "0", "entryId"}), "D1") << cyrillic.body;
  Reply reordered =
      Op("POST", "/v1/compliance/screen", R"({"name":"BOUT, Viktor"})");
  EXPECT_EQ(reordered.Str({"hits", "0", "entryId"}), "D1") << reordered.body;
  Reply clean = Op("POST", "/v1/compliance/screen", R"({"name":"Jane Doe"})");
  EXPECT_EQ(clean.Str({"hits"}), "[]") << clean.body;
  Reply bad = Op("POST", "/v1/compliance/screen",
                 R"({"name":"X","dateOfBirth":"13/01/1967"})");
  EXPECT_EQ(bad.param(), "dateOfBirth");
  Reply lists = Op("GET", "/v1/compliance/lists");
  EXPECT_EQ(lists.Str({"lists", "0", "name"}), "DEMO");
  EXPECT_EQ(lists.Str({"entries"}), "12");
  Reply reload = Op("POST", "/v1/compliance/lists/reload");
  EXPECT_EQ(reload.status, 200) << reload.body;
  EXPECT_EQ(reload.Str({"generation"}), "2");
}

TEST_F(ComplianceApiTest, AListedPayerIsHeldUntilTheOperatorDecides) {
  Reply held = Pay("Viktor Bout", "5000");
  ASSERT_EQ(held.status, 202) << held.body;
  EXPECT_EQ(held.code(), "HELD_FOR_REVIEW");
  EXPECT_EQ(held.Str({"result", "status"}), "U");
  const std::string case_id = held.Str({"caseId"});
  // Reserved, not moved.
  Reply payer = Op("GET", "/v1/ledger/accounts/" + payer_);
  EXPECT_EQ(payer.Str({"account", "debitsPending", "value"}), "5000");
  EXPECT_EQ(Balance(merchant_), "0/0");
  Reply open = Op("GET", "/v1/compliance/cases?status=OPEN");
  EXPECT_EQ(open.Str({"data", "0", "id"}), case_id) << open.body;
  EXPECT_EQ(open.Str({"data", "0", "hits", "0", "list"}), "DEMO");
  EXPECT_EQ(open.Str({"data", "0", "parties", "0", "name"}), "Viktor Bout");
  // A wallet's key cannot decide.
  auto [wallet, wallet_key] = NewPrincipal("wallet");
  EXPECT_EQ(client_
                ->Call("POST", "/v1/compliance/cases/" + case_id + "/decision",
                       R"({"decision":"RELEASE","note":"x"})", wallet_key)
                .code(),
            "ACCESS_DENIED");
  Reply rejected = Op("POST", "/v1/compliance/cases/" + case_id + "/decision",
                      R"({"decision":"REJECT","note":"true match: listed"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.Str({"case", "status"}), "REJECTED");
  EXPECT_EQ(rejected.Str({"case", "decision", "note"}), "true match: listed");
  payer = Op("GET", "/v1/ledger/accounts/" + payer_);
  EXPECT_EQ(payer.Str({"account", "debitsPending", "value"}), "0");
  EXPECT_EQ(Balance(payer_), "100000/0");
  EXPECT_EQ(Balance(merchant_), "0/0");
  EXPECT_EQ(Op("POST", "/v1/compliance/cases/" + case_id + "/decision",
               R"({"decision":"RELEASE","note":"changed my mind"})")
                .code(),
            "CASE_ALREADY_DECIDED");

  // A false positive released: the money moves then.
  Reply second = Pay("Viktor Bout", "7000");
  ASSERT_EQ(second.status, 202) << second.body;
  Reply released =
      Op("POST", "/v1/compliance/cases/" + second.Str({"caseId"}) + "/decision",
         R"({"decision":"RELEASE","note":"different person, other DOB"})");
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(Balance(merchant_), "7000/0");
  EXPECT_EQ(Balance(payer_), "100000/7000");

  // A clean payer goes straight through.
  Reply clean = Pay("Jane Doe", "1000");
  EXPECT_EQ(clean.status, 200) << clean.body;
  EXPECT_EQ(Balance(merchant_), "8000/0");

  // After a restart the decided cases are still there.
  Restart();
  EXPECT_EQ(
      Op("GET", "/v1/compliance/cases/" + case_id).Str({"case", "status"}),
      "REJECTED");
  EXPECT_EQ(Op("GET", "/v1/compliance/cases?status=OPEN").Str({"data"}), "[]");
}

// The operator lowers the structuring threshold through the API (a
// journaled change), three transfers just under it from one account open an
// AML case naming the accounts, the operator clears it, and all of it is
// still there after a restart.
TEST_F(ComplianceApiTest, AmlAlertsBecomeCasesUnderTheOperatorsSettings) {
  Reply config = Op("GET", "/v1/compliance/aml/config");
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_NE(config.body.find(
                R"({"name":"structuring.threshold_major","value":"10000"})"),
            std::string::npos)
      << config.body;
  Reply bad = Op("PUT", "/v1/compliance/aml/config",
                 R"({"settings":[{"name":"fan_in.window","value":"7x"}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.param(), "settings.fan_in.window") << bad.body;
  EXPECT_EQ(Op("PUT", "/v1/compliance/aml/config", R"({"settings":[]})")
                .param(),
            "settings");
  auto [wallet, wallet_key] = NewPrincipal("wallet");
  EXPECT_EQ(client_
                ->Call("PUT", "/v1/compliance/aml/config",
                       R"({"settings":[{"name":"enabled","value":"false"}]})",
                       wallet_key)
                .code(),
            "ACCESS_DENIED");
  Reply set = Op("PUT", "/v1/compliance/aml/config",
                 R"({"settings":[{"name":"structuring.threshold_major",)"
                 R"("value":"300"}]})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_NE(
      set.body.find(R"({"name":"structuring.threshold_major","value":"300"})"),
      std::string::npos)
      << set.body;

  // Three payments of 290.00 USD, just under 300.00, to three payees.
  std::vector<std::string> payees = {merchant_, NewId(IdKind::kAccount),
                                     NewId(IdKind::kAccount)};
  ASSERT_EQ(Op("POST", "/v1/ledger/accounts",
               R"({"accounts":[{"id":")" + payees[1] +
                   R"(","currency":"USD"},{"id":")" + payees[2] +
                   R"(","currency":"USD"}]})")
                .status,
            200);
  for (const std::string& payee : payees) {
    Reply paid = Op("POST", "/v1/ledger/transfers",
                    TransferBody(NewId(IdKind::kTransfer), payer_, payee,
                                 "29000"));
    ASSERT_EQ(paid.status, 200) << paid.body;  // monitoring never blocks
  }
  Reply cases = Op("GET", "/v1/compliance/cases?kind=AML_ALERT");
  ASSERT_EQ(cases.status, 200) << cases.body;
  EXPECT_EQ(cases.Str({"data", "0", "kind"}), "AML_ALERT") << cases.body;
  EXPECT_EQ(cases.Str({"data", "0", "rule"}), "structuring");
  EXPECT_EQ(cases.Str({"data", "0", "accountIds", "0"}), payer_);
  EXPECT_EQ(cases.Str({"data", "0", "heldTransferIds"}), "[]");
  EXPECT_EQ(cases.Str({"data", "1"}), "<missing>")
      << "one case, not one per payment";
  EXPECT_EQ(Op("GET", "/v1/compliance/cases?kind=SANCTIONS_HIT").Str({"data"}),
            "[]");
  EXPECT_EQ(Op("GET", "/v1/compliance/cases?kind=NOPE").param(), "kind");
  const std::string case_id = cases.Str({"data", "0", "id"});
  // The account holder is never told (tipping-off): the case is the
  // operator's alone.
  EXPECT_EQ(client_->Call("GET", "/v1/compliance/cases/" + case_id, "",
                          wallet_key)
                .status,
            404);
  Reply cleared = Op("POST", "/v1/compliance/cases/" + case_id + "/decision",
                     R"({"decision":"RELEASE","note":"rent, three flats"})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.Str({"case", "status"}), "RELEASED");
  EXPECT_EQ(Balance(payer_), "100000/87000");  // nothing moved back or forth

  Restart();
  EXPECT_EQ(
      Op("GET", "/v1/compliance/cases/" + case_id).Str({"case", "status"}),
      "RELEASED");
  Reply after = Op("GET", "/v1/compliance/aml/config");
  EXPECT_NE(after.body.find(
                R"({"name":"structuring.threshold_major","value":"300"})"),
            std::string::npos)
      << after.body;
  EXPECT_EQ(after.Str({"amlConfig", "stats", "alerts", "structuring"}), "1");
}

}  // namespace
}  // namespace meridian::api
