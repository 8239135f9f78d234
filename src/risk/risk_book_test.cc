#include "risk/risk_book.h"

#include <gtest/gtest.h>

#include "risk/testing/risk_files.h"

namespace meridian::risk {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = 1'800'000'000 * kSecond;
constexpr u128 kShop = 0x5A0;  // a merchant reference
constexpr u128 kCaller = 7;

RiskBook Loaded() {
  RiskBook book;
  EXPECT_TRUE(book.SetRules(testing::DefaultRulesText()).ok());
  std::vector<uint8_t> model = testing::ShippedModel();
  EXPECT_TRUE(book.SetModel(model).ok());
  return book;
}

AssessRequest Request(u128 id, u128 merchant = kShop) {
  AssessRequest q;
  q.principal = kCaller;
  q.id = id;
  PaymentAttempt& a = q.attempt;
  a.payment_id = id;
  a.payer_id = 100;
  a.card_token = 200;
  a.device_id = 300;
  a.ip_hash = 400;
  a.merchant_id = merchant;
  a.mcc = 5411;
  a.merchant_country = a.card_country = a.ip_country = Country("DE");
  a.amount_minor = 4'500;
  a.currency = *Currency::FromCode("EUR");
  q.industry = "grocery";
  q.region = "EU";
  return q;
}

TEST(RiskBookTest, NotReadyWithoutRulesAndModelNeedsRules) {
  RiskBook book;
  EXPECT_EQ(book.Assess(Request(1), 4'900, kT0).status().code(),
            ErrorCode::kNOT_READY);
  EXPECT_EQ(book.SetModel(testing::ShippedModel()).code(),
            ErrorCode::kNOT_READY);
  EXPECT_EQ(book.SetRules("not = [toml").code(),
            ErrorCode::kINVALID_PARAMETER);
  EXPECT_FALSE(book.ready());
}

TEST(RiskBookTest, OutcomesFollowTheDecision) {
  RiskBook book = Loaded();
  Result<const AssessmentRecord*> r = book.Assess(Request(1), 4'900, kT0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->assessment.decision, Decision::kApprove)
      << FormatAssessment((*r)->assessment);
  EXPECT_EQ((*r)->attempt.amount_reporting_minor, 4'900);
  EXPECT_EQ(book.Assess(Request(1), 4'900, kT0).status().code(),
            ErrorCode::kINVALID_PARAMETER);  // the id is taken
  // Not the caller's: looks missing.
  EXPECT_EQ(book.ReportOutcome(99, 1, ReportedOutcome::kApproved, kT0)
                .status()
                .code(),
            ErrorCode::kNOT_FOUND);
  EXPECT_EQ(book.ReportOutcome(kCaller, 1, ReportedOutcome::kChallengePassed,
                               kT0)
                .status()
                .code(),
            ErrorCode::kINVALID_PARAMETER);  // there was no step-up
  EXPECT_EQ(book.ReportOutcome(kCaller, 1, ReportedOutcome::kDisputed, kT0)
                .status()
                .code(),
            ErrorCode::kOUTCOME_ALREADY_RECORDED);  // not approved yet
  ASSERT_TRUE(
      book.ReportOutcome(kCaller, 1, ReportedOutcome::kApproved, kT0).ok());
  EXPECT_EQ(book.ReportOutcome(kCaller, 1, ReportedOutcome::kDeclined, kT0)
                .status()
                .code(),
            ErrorCode::kOUTCOME_ALREADY_RECORDED);
  ASSERT_TRUE(
      book.ReportOutcome(kCaller, 1, ReportedOutcome::kDisputed, kT0).ok());
  const MerchantRiskStats* s = book.Merchant(kShop);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->assessed, 1u);
  EXPECT_EQ(s->decisions[static_cast<size_t>(Decision::kApprove)], 1u);
  EXPECT_EQ(s->outcomes[static_cast<size_t>(ReportedOutcome::kApproved)], 1u);
  EXPECT_EQ(s->outcomes[static_cast<size_t>(ReportedOutcome::kDisputed)], 1u);
  EXPECT_EQ(book.Find(1)->outcomes.size(), 2u);
}

// The issuer's declines of one card across merchants, reported as
// outcomes, get the card declined by risk within a handful of attempts.
TEST(RiskBookTest, ReportedIssuerDeclinesStopCardTesting) {
  RiskBook book = Loaded();
  int declined_at = -1;
  for (int i = 0; i < 20 && declined_at < 0; ++i) {
    AssessRequest q = Request(1'000 + i, 900 + i);
    q.attempt.payer_id = 0;
    q.attempt.card_token = 0xCA4D;
    q.attempt.device_id = 7'000 + i / 3;
    q.attempt.ip_hash = 8'000 + i / 2;
    q.attempt.mcc = 5816;
    q.attempt.amount_minor = 100 + 37 * (i % 5);
    q.industry = "digital_goods";
    Result<const AssessmentRecord*> r =
        book.Assess(q, q.attempt.amount_minor, kT0 + i * 20 * kSecond);
    ASSERT_TRUE(r.ok());
    if ((*r)->assessment.decision == Decision::kDecline) {
      declined_at = i;
      EXPECT_EQ(book.ReportOutcome(kCaller, q.id, ReportedOutcome::kDeclined,
                                   kT0)
                    .status()
                    .code(),
                ErrorCode::kOUTCOME_ALREADY_RECORDED);
      break;
    }
    if ((*r)->assessment.decision == Decision::kChallenge) {
      ASSERT_TRUE(book.ReportOutcome(kCaller, q.id,
                                     ReportedOutcome::kChallengeFailed, kT0)
                      .ok());
    } else {
      ASSERT_TRUE(
          book.ReportOutcome(kCaller, q.id, ReportedOutcome::kDeclined, kT0)
              .ok());
    }
  }
  EXPECT_GE(declined_at, 1);
  EXPECT_LE(declined_at, 5);
}

TEST(RiskBookTest, SnapshotRoundTripIsExact) {
  RiskBook book = Loaded();
  for (int i = 0; i < 30; ++i) {
    AssessRequest q = Request(10 + i, 500 + i % 4);
    q.attempt.card_token = 200 + i % 3;
    Result<const AssessmentRecord*> r = book.Assess(q, 4'900, kT0 + i * kSecond);
    ASSERT_TRUE(r.ok());
    if (i % 2 == 0 && (*r)->assessment.decision != Decision::kDecline) {
      ASSERT_TRUE(book.ReportOutcome(kCaller, q.id,
                                     i % 4 == 0 ? ReportedOutcome::kApproved
                                                : ReportedOutcome::kDeclined,
                                     kT0)
                      .ok());
    }
  }
  std::vector<uint8_t> bytes;
  ByteWriter w(&bytes);
  book.Serialize(&w);
  ByteReader r(bytes);
  Result<RiskBook> copy = RiskBook::Deserialize(&r);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(r.remaining(), 0u);
  std::vector<uint8_t> again;
  ByteWriter w2(&again);
  copy->Serialize(&w2);
  EXPECT_EQ(again, bytes);
  // And it goes on deciding the same.
  AssessRequest next = Request(99);
  Result<const AssessmentRecord*> a = book.Assess(next, 4'900, kT0 + 40 * kSecond);
  Result<const AssessmentRecord*> b =
      copy->Assess(next, 4'900, kT0 + 40 * kSecond);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->assessment, (*b)->assessment);
  // A record survives the reply encoding.
  Result<AssessmentRecord> decoded =
      DecodeAssessmentRecord(EncodeAssessmentRecord(**a));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->assessment, (*a)->assessment);
  for (size_t len : {size_t{0}, bytes.size() / 2, bytes.size() - 1}) {
    ByteReader cut(std::span<const uint8_t>(bytes.data(), len));
    EXPECT_FALSE(RiskBook::Deserialize(&cut).ok()) << len;
  }
}

TEST(RiskBookTest, CommandBodiesRoundTripAndRefuseGarbage) {
  AssessRequest q = Request(5);
  Result<AssessRequest> back = DecodeAssessRequest(EncodeAssessRequest(q));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->industry, "grocery");
  EXPECT_EQ(back->attempt.amount_minor, 4'500);
  std::vector<uint8_t> bytes = EncodeAssessRequest(q);
  bytes.pop_back();
  EXPECT_FALSE(DecodeAssessRequest(bytes).ok());
  Result<OutcomeReport> o = DecodeOutcomeReport(
      EncodeOutcomeReport({kCaller, 5, ReportedOutcome::kDisputed}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->outcome, ReportedOutcome::kDisputed);
  EXPECT_EQ(ReportedOutcomeFromName("CHALLENGE_FAILED"),
            ReportedOutcome::kChallengeFailed);
  EXPECT_FALSE(ReportedOutcomeFromName("MAYBE").has_value());
}

}  // namespace
}  // namespace meridian::risk
