// Fraud risk inside the engine: rules and model set by journaled commands,
// assessments and outcomes applied deterministically, REVIEW opening a
// case, and all of it the same after a replay or a snapshot.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "compliance/cases.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/state_machine.h"
#include "engine/testing/batches.h"
#include "risk/risk_book.h"

namespace meridian::engine {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = 1'800'000'000 * kSecond;
constexpr u128 kOperator = 0x0FE;
constexpr u128 kAcquirer = 0xAC;

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(MERIDIAN_SOURCE_ROOT) + "/" + relative,
                   std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A command and how long after the one before it comes.
struct Step {
  std::vector<uint8_t> command;
  int64_t gap_ns = kSecond;
};

// One command per batch, each `gap_ns` after the one before.
struct Harness {
  testing::BatchHarness batches;
  int64_t t = kT0;
  StateMachine& state = batches.state();
  CommandReply Run(const Step& step) { return Run(step.command, step.gap_ns); }
  CommandReply Run(const std::vector<uint8_t>& command,
                   int64_t gap_ns = kSecond) {
    return batches.Run(command, t += gap_ns);
  }
};

std::vector<uint8_t> SetText(CommandType type, std::string text,
                             u128 by = kOperator) {
  return NewApiCommand(type, risk::EncodeSetRiskText({by, std::move(text)}));
}

std::vector<uint8_t> Assess(u128 id, u128 card, u128 merchant,
                            int64_t amount_minor) {
  risk::AssessRequest q;
  q.principal = kAcquirer;
  q.id = id;
  risk::PaymentAttempt& a = q.attempt;
  a.payment_id = id;
  a.card_token = card;
  // A tester's bot rotates devices and addresses; a customer keeps theirs.
  a.device_id = card == 0xCA4D ? 7'000 + id % 3 : card + 1;
  a.ip_hash = card == 0xCA4D ? 8'000 + id % 2 : card + 2;
  a.merchant_id = merchant;
  a.mcc = 5816;
  a.merchant_country = risk::Country("US");
  a.card_country = a.ip_country = risk::Country("GB");
  a.amount_minor = amount_minor;
  a.currency = *Currency::FromCode("USD");
  q.industry = "digital_goods";
  q.region = "NA";
  return NewApiCommand(CommandType::kAssessPayment,
                       risk::EncodeAssessRequest(q));
}

std::vector<uint8_t> Outcome(u128 id, risk::ReportedOutcome o) {
  return NewApiCommand(CommandType::kReportRiskOutcome,
                       risk::EncodeOutcomeReport({kAcquirer, id, o}));
}

// The shipped rules plus one that sends large payments to review.
std::string RulesWithReview() {
  return ReadSource("policies/risk/rules.toml") +
         "\n[[rules]]\nname = \"large\"\nreason = \"LARGE_AMOUNT\"\n"
         "when = [\"amount_reporting_minor >= 900000\"]\n"
         "decision = \"REVIEW\"\n";
}

// Principals, rules and model, then a mixed stream: genuine payments with
// outcomes, a card being tested across merchants, a large payment.
std::vector<Step> Stream() {
  std::vector<Step> out;
  out.push_back({EncodeCreatePrincipal({kOperator, PrincipalKind::kOperator,
                                        SignatureAlgorithm::kNone, "op", ""})});
  out.push_back({EncodeCreatePrincipal({kAcquirer, PrincipalKind::kParticipant,
                                        SignatureAlgorithm::kNone, "acq", ""})});
  out.push_back({SetText(CommandType::kSetRiskRules, RulesWithReview())});
  out.push_back({SetText(CommandType::kSetRiskModel,
                         ReadSource("models/risk/model.json"))});
  u128 id = 100;
  for (int i = 0; i < 10; ++i) {
    out.push_back({Assess(++id, 0xCA4D, 900 + i, 100 + 37 * i)});
    out.push_back({Outcome(id, risk::ReportedOutcome::kDeclined)});
  }
  // A customer paying one shop now and then, a day later.
  constexpr int64_t kHour = 3'600 * kSecond;
  for (int i = 0; i < 6; ++i) {
    out.push_back({Assess(++id, 0xB0B, 42, 2'500 + i), i == 0 ? 24 * kHour : 6 * kHour});
    out.push_back({Outcome(id, risk::ReportedOutcome::kApproved)});
  }
  out.push_back({Assess(++id, 0xB0B, 42, 950'000), 6 * kHour});
  return out;
}

TEST(RiskEngineTest, ReplayGivesTheSameDecisionsAndState) {
  const std::vector<Step> stream = Stream();
  Harness a;
  std::vector<std::vector<uint8_t>> payloads;
  std::vector<std::string> decisions;
  for (const Step& step : stream) {
    CommandReply r = a.Run(step);
    payloads.push_back(r.payload);
    if (!r.payload.empty()) {
      Result<risk::AssessmentRecord> rec =
          risk::DecodeAssessmentRecord(r.payload);
      ASSERT_TRUE(rec.ok());
      decisions.push_back(risk::FormatAssessment(rec->assessment));
    }
  }
  // The card was declined by risk at some point, and the large payment
  // went to review.
  bool declined = false;
  for (const std::string& d : decisions) declined |= d.rfind("DECLINE", 0) == 0;
  EXPECT_TRUE(declined);
  EXPECT_EQ(decisions.back().rfind("REVIEW", 0), 0u) << decisions.back();

  Harness b;
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_EQ(b.Run(stream[i]).payload, payloads[i]) << "command " << i;
  }
  EXPECT_EQ(a.state.StateHash(), b.state.StateHash());

  // From a snapshot halfway: the same end state.
  Harness c;
  const size_t half = stream.size() / 2;
  for (size_t i = 0; i < half; ++i) c.Run(stream[i]);
  Result<StateMachine> restored = StateMachine::Deserialize(c.state.Serialize());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  Harness d{testing::BatchHarness(std::move(*restored)), c.t};
  for (size_t i = half; i < stream.size(); ++i) {
    EXPECT_EQ(d.Run(stream[i]).payload, payloads[i]) << "command " << i;
  }
  EXPECT_EQ(d.state.StateHash(), a.state.StateHash());
}

TEST(RiskEngineTest, ReviewOpensACaseForTheCaller) {
  Harness h;
  for (const Step& step : Stream()) h.Run(step);
  const risk::AssessmentRecord* large = h.state.risk().Find(100 + 17);
  ASSERT_NE(large, nullptr);
  ASSERT_EQ(large->assessment.decision, risk::Decision::kReview);
  ASSERT_NE(large->case_id, u128{0});
  const compliance::Case* c = h.state.cases().Find(large->case_id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, compliance::CaseKind::kRiskReview);
  EXPECT_EQ(c->subject, kAcquirer);
  EXPECT_EQ(c->rule, "LARGE_AMOUNT");
  EXPECT_NE(c->reason.find("LARGE_AMOUNT"), std::string::npos) << c->reason;
  EXPECT_TRUE(c->held_transfers.empty());
  CommandReply decided = h.Run(NewApiCommand(
      CommandType::kDecideCase,
      compliance::EncodeCaseDecision({c->id, kOperator,
                                      compliance::Decision::kRelease,
                                      "known customer, annual licence"})));
  ASSERT_TRUE(decided.status.ok()) << decided.status.ToString();
  // The caller goes on and reports the issuer's answer.
  EXPECT_TRUE(h.Run(Outcome(100 + 17, risk::ReportedOutcome::kApproved))
                  .status.ok());
}

TEST(RiskEngineTest, OnlyTheOperatorChangesRulesAndABadFileChangesNothing) {
  Harness h;
  std::vector<Step> stream = Stream();
  for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(h.Run(stream[i]).status.ok());
  const std::string before = h.state.risk().scorer()->rules().text();
  EXPECT_EQ(h.Run(SetText(CommandType::kSetRiskRules, "version = 1\n",
                          kAcquirer))
                .status.code(),
            ErrorCode::kACCESS_DENIED);
  CommandReply bad = h.Run(
      SetText(CommandType::kSetRiskRules, before + "\n[[rules]]\nname = 3\n"));
  EXPECT_EQ(bad.status.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(h.state.risk().scorer()->rules().text(), before);
  EXPECT_FALSE(
      h.Run(SetText(CommandType::kSetRiskModel, "{not a model")).status.ok());
  EXPECT_NE(h.state.risk().scorer()->model(), nullptr);
  // Assessing without an FX rate for a non-USD amount names the currency.
  risk::AssessRequest q;
  q.principal = kAcquirer;
  q.id = 5;
  q.attempt.merchant_id = 1;
  q.attempt.amount_minor = 100;
  q.attempt.currency = *Currency::FromCode("EUR");
  CommandReply eur = h.Run(NewApiCommand(CommandType::kAssessPayment,
                                         risk::EncodeAssessRequest(q)));
  EXPECT_EQ(eur.status.code(), ErrorCode::kRATE_UNAVAILABLE);
  EXPECT_EQ(eur.status.error().param, "amount.currency");
}

}  // namespace
}  // namespace meridian::engine
