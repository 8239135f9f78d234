#include "compliance/cases.h"

#include <gtest/gtest.h>

namespace meridian::compliance {
namespace {

CaseSpec Spec(u128 id) {
  CaseSpec s;
  s.id = id;
  s.subject = 7;
  s.reason = "payer matched OFAC-SDN at 0.93";
  s.parties = {{"PAYER", "Viktor Bout", "RU", "1967-01-13"}};
  s.hits = {{"OFAC-SDN", "9293", "BOUT, Viktor Anatolijevitch", 9300}};
  return s;
}

TEST(CaseBookTest, OpensDecidesOnceAndKeepsWhoWhenWhy) {
  CaseBook book;
  ASSERT_TRUE(book.Open(Spec(1), {11, 12}, 100).ok());
  EXPECT_EQ(book.open_cases(), 1u);
  EXPECT_EQ(book.Open(Spec(1), {}, 100).error().param, "id");
  EXPECT_EQ(
      book.PreviewDecision({9, 1, Decision::kRelease, ""}, 200).error().code,
      ErrorCode::kNOT_FOUND);
  Result<Case> d =
      book.PreviewDecision({1, 99, Decision::kReject, "true match"}, 200);
  ASSERT_TRUE(d.ok());
  // A preview changes nothing.
  EXPECT_EQ(book.Find(1)->status, CaseStatus::kOpen);
  book.Decide(*d);
  const Case* c = book.Find(1);
  EXPECT_EQ(c->status, CaseStatus::kRejected);
  EXPECT_EQ(c->decided_by, 99u);
  EXPECT_EQ(c->decided_ns, 200);
  EXPECT_EQ(c->note, "true match");
  EXPECT_EQ(c->held_transfers, (std::vector<u128>{11, 12}));
  EXPECT_EQ(book.open_cases(), 0u);
  EXPECT_EQ(
      book.PreviewDecision({1, 99, Decision::kRelease, ""}, 300).error().code,
      ErrorCode::kCASE_ALREADY_DECIDED);
}

TEST(CaseBookTest, BoundedOpenCases) {
  CaseBook book({.max_open_cases = 2});
  ASSERT_TRUE(book.Open(Spec(1), {1}, 1).ok());
  ASSERT_TRUE(book.Open(Spec(2), {2}, 1).ok());
  EXPECT_EQ(book.Open(Spec(3), {3}, 1).error().code, ErrorCode::kRATE_LIMITED);
}

TEST(CaseBookTest, SnapshotAndRecordsRoundTrip) {
  CaseBook book;
  ASSERT_TRUE(book.Open(Spec(1), {11}, 100).ok());
  ASSERT_TRUE(book.Open(Spec(2), {12, 13}, 101).ok());
  book.Decide(*book.PreviewDecision({2, 5, Decision::kRelease, "ok"}, 102));
  std::vector<uint8_t> bytes;
  ByteWriter w(&bytes);
  book.Serialize(&w);
  ByteReader r(bytes);
  Result<CaseBook> copy = CaseBook::Deserialize(&r, {});
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->open_cases(), 1u);
  std::vector<uint8_t> again;
  ByteWriter w2(&again);
  copy->Serialize(&w2);
  EXPECT_EQ(bytes, again);
  for (size_t n = 0; n < bytes.size(); n += 5) {
    ByteReader cut(bytes.data(), n);
    EXPECT_FALSE(CaseBook::Deserialize(&cut, {}).ok()) << n;
  }
  std::vector<uint8_t> rec = EncodeCase(*book.Find(2));
  Result<Case> c = DecodeCase(rec);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->note, "ok");
  EXPECT_EQ(c->hits[0].score_bp, 9300);
}

TEST(CaseCommandsTest, DecodeRefusesWhatEncodeWouldNotMake) {
  std::vector<uint8_t> transfers(256, 0);
  std::vector<uint8_t> b = EncodeHoldForReview(Spec(3), transfers);
  Result<HoldForReview> h = DecodeHoldForReview(b);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->transfers.size(), 2u);
  EXPECT_EQ(h->spec.parties[0].name, "Viktor Bout");
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(DecodeHoldForReview({b.data(), n}).ok()) << n;
  }
  EXPECT_FALSE(DecodeHoldForReview(EncodeHoldForReview(Spec(3), {})).ok());
  std::vector<uint8_t> d =
      EncodeCaseDecision({3, 4, Decision::kRelease, "cleared"});
  ASSERT_TRUE(DecodeCaseDecision(d).ok());
  d[32] = 3;  // no such decision
  EXPECT_FALSE(DecodeCaseDecision(d).ok());
}

}  // namespace
}  // namespace meridian::compliance
