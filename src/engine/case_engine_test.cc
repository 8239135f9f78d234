// Compliance holds and cases end to end: through the Sequencer, the
// journal, the StateMachine and the ledger, and back through recovery.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "compliance/cases.h"
#include "core/testing/temp_dir.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/sequencer.h"
#include "engine/state_machine.h"
#include "engine/verify.h"

namespace meridian::engine {
namespace {

using compliance::Case;
using compliance::CaseStatus;
using compliance::Decision;
using ledger::Account;
using ledger::Transfer;

constexpr u128 kOperator = 0x0FE;
constexpr u128 kWallet = 0x3A11E7;
constexpr u128 kPayer = 101, kMerchant = 102, kFee = 103;

class CaseEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seq_ = Open();
    ASSERT_TRUE(
        Run(EncodeCreatePrincipal({kOperator, PrincipalKind::kOperator,
                                   SignatureAlgorithm::kNone, "operator", ""}))
            .status.ok());
    ASSERT_TRUE(
        Run(EncodeCreatePrincipal({kWallet, PrincipalKind::kParticipant,
                                   SignatureAlgorithm::kNone, "wallet", ""}))
            .status.ok());
    std::vector<Account> accounts;
    for (u128 id : {kPayer, kMerchant, kFee}) {
      Account a{};
      a.id = id;
      a.ledger = 840;
      a.code = 1;
      if (id == kPayer) a.flags = ledger::kAccountDebitsMustNotExceedCredits;
      accounts.push_back(a);
    }
    Account outside{};
    outside.id = 999;
    outside.ledger = 840;
    outside.code = 9;
    accounts.push_back(outside);
    ASSERT_TRUE(Run(EncodeCreateAccounts(accounts)).results.empty());
    Transfer fund{};
    fund.id = 1;
    fund.debit_account_id = 999;
    fund.credit_account_id = kPayer;
    fund.amount = 100'000;
    fund.ledger = 840;
    fund.code = 1;
    ASSERT_TRUE(
        Run(EncodeCreateTransfers(std::span(&fund, 1))).results.empty());
  }

  std::unique_ptr<Sequencer> Open() {
    SequencerOptions o;
    o.data_dir = dir_.path();
    o.segment_size_bytes = 2 << 20;
    o.state_machine.check_invariants_every_batch = true;
    Result<std::unique_ptr<Sequencer>> s = Sequencer::Open(std::move(o));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  CommandReply Run(std::vector<uint8_t> command) {
    CommandReply r = seq_->SubmitAndWait(std::move(command));
    EXPECT_GT(r.batch_seq, 0u) << r.status.ToString();
    return r;
  }

  // A payment of `amount` to the merchant plus a fee, held for review.
  CommandReply Hold(u128 case_id, u128 first_transfer, int64_t amount) {
    compliance::CaseSpec spec;
    spec.id = case_id;
    spec.subject = kWallet;
    spec.reason = "payer matched OFAC-SDN at 0.93";
    spec.parties = {{"PAYER", "Viktor Bout", "RU", "1967-01-13"}};
    spec.hits = {{"OFAC-SDN", "9293", "BOUT, Viktor", 9300}};
    Transfer legs[2] = {};
    for (int i = 0; i < 2; ++i) {
      legs[i].id = first_transfer + i;
      legs[i].debit_account_id = kPayer;
      legs[i].credit_account_id = i == 0 ? kMerchant : kFee;
      legs[i].amount = static_cast<u128>(i == 0 ? amount : 100);
      legs[i].ledger = 840;
      legs[i].code = 7;
    }
    return Run(NewApiCommand(
        CommandType::kHoldForReview,
        compliance::EncodeHoldForReview(
            spec, {reinterpret_cast<const uint8_t*>(legs), sizeof legs})));
  }

  CommandReply Decide(u128 case_id, Decision d, u128 by = kOperator) {
    return Run(NewApiCommand(
        CommandType::kDecideCase,
        compliance::EncodeCaseDecision({case_id, by, d, "reviewed"})));
  }

  // credits - debits posted, and debits pending, of an account.
  std::pair<i128, u128> Balance(u128 id) {
    std::pair<i128, u128> out;
    seq_->Read([&](const StateMachine& s) {
      const Account* a = s.ledger().FindAccount(id);
      out = {static_cast<i128>(a->credits_posted) -
                 static_cast<i128>(a->debits_posted),
             a->debits_pending};
    });
    return out;
  }

  meridian::testing::TempDir dir_;
  std::unique_ptr<Sequencer> seq_;
};

TEST_F(CaseEngineTest, AHeldPaymentMovesNothingUntilReleased) {
  CommandReply h = Hold(500, 10, 40'000);
  ASSERT_TRUE(h.status.ok()) << h.status.ToString();
  Result<Case> opened = compliance::DecodeCase(h.payload);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->status, CaseStatus::kOpen);
  EXPECT_EQ(opened->held_transfers, (std::vector<u128>{10, 11}));
  // Reserved, not moved: the payer's posted balance is untouched and the
  // merchant has nothing; the payer cannot spend the reserved part.
  EXPECT_EQ(Balance(kPayer), (std::pair<i128, u128>{100'000, 40'100}));
  EXPECT_EQ(Balance(kMerchant).first, 0);
  // Only the operator decides.
  EXPECT_EQ(Decide(500, Decision::kRelease, kWallet).status.code(),
            ErrorCode::kACCESS_DENIED);
  EXPECT_EQ(Balance(kMerchant).first, 0);
  CommandReply r = Decide(500, Decision::kRelease);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  Result<Case> released = compliance::DecodeCase(r.payload);
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->status, CaseStatus::kReleased);
  EXPECT_EQ(released->decided_by, kOperator);
  EXPECT_EQ(released->note, "reviewed");
  EXPECT_EQ(Balance(kPayer), (std::pair<i128, u128>{59'900, 0}));
  EXPECT_EQ(Balance(kMerchant).first, 40'000);
  EXPECT_EQ(Balance(kFee).first, 100);
  // A decision is final.
  EXPECT_EQ(Decide(500, Decision::kReject).status.code(),
            ErrorCode::kCASE_ALREADY_DECIDED);
  EXPECT_EQ(Balance(kMerchant).first, 40'000);
}

TEST_F(CaseEngineTest, ARejectedPaymentGivesTheMoneyBack) {
  ASSERT_TRUE(Hold(600, 20, 40'000).status.ok());
  CommandReply r = Decide(600, Decision::kReject);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(compliance::DecodeCase(r.payload)->status, CaseStatus::kRejected);
  EXPECT_EQ(Balance(kPayer), (std::pair<i128, u128>{100'000, 0}));
  EXPECT_EQ(Balance(kMerchant).first, 0);
}

TEST_F(CaseEngineTest, RefusedHoldsOpenNoCase) {
  // More than the payer has: the ledger refuses, no case, nothing held.
  CommandReply r = Hold(700, 30, 200'000);
  EXPECT_EQ(r.status.code(), ErrorCode::kINSUFFICIENT_BALANCE);
  EXPECT_EQ(Balance(kPayer), (std::pair<i128, u128>{100'000, 0}));
  seq_->Read(
      [](const StateMachine& s) { EXPECT_EQ(s.cases().Find(700), nullptr); });
  // The same case id cannot be opened twice.
  ASSERT_TRUE(Hold(701, 40, 1'000).status.ok());
  EXPECT_EQ(Hold(701, 50, 1'000).status.error().param, "id");
  EXPECT_EQ(Balance(kPayer).second, 1'100u);
  EXPECT_EQ(Decide(9999, Decision::kRelease).status.code(),
            ErrorCode::kNOT_FOUND);
}

TEST_F(CaseEngineTest, HoldsAndDecisionsReplayToTheSameState) {
  ASSERT_TRUE(Hold(800, 60, 10'000).status.ok());
  ASSERT_TRUE(Hold(801, 70, 20'000).status.ok());
  ASSERT_TRUE(Hold(802, 80, 30'000).status.ok());
  ASSERT_TRUE(Decide(800, Decision::kRelease).status.ok());
  ASSERT_TRUE(Decide(801, Decision::kReject).status.ok());
  Sha256Digest live{};
  seq_->Read([&](const StateMachine& s) { live = s.StateHash(); });
  seq_->Shutdown();
  seq_.reset();
  // Replayed from the journal alone.
  std::filesystem::remove_all(dir_.path() + "/snapshots");
  seq_ = Open();
  ASSERT_NE(seq_, nullptr);
  seq_->Read([&](const StateMachine& s) {
    EXPECT_EQ(s.StateHash(), live);
    EXPECT_EQ(s.cases().Find(800)->status, CaseStatus::kReleased);
    EXPECT_EQ(s.cases().Find(801)->status, CaseStatus::kRejected);
    EXPECT_EQ(s.cases().Find(802)->status, CaseStatus::kOpen);
    EXPECT_EQ(s.cases().open_cases(), 1u);
  });
  EXPECT_EQ(Balance(kMerchant).first, 10'000);
  EXPECT_EQ(Balance(kPayer), (std::pair<i128, u128>{89'900, 30'100}));
  seq_->Shutdown();
  seq_.reset();
  Result<VerifyReport> v = VerifyDataDir(dir_.path());
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->state_hash, live);
}

}  // namespace
}  // namespace meridian::engine
