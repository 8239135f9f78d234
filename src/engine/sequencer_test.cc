#include "engine/sequencer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/testing/temp_dir.h"
#include "engine/command.h"
#include "engine/verify.h"

namespace meridian::engine {
namespace {

using ledger::Account;
using ledger::LedgerResult;
using ledger::Transfer;

Account MakeAccount(u128 id, uint16_t flags = 0) {
  Account a{};
  a.id = id;
  a.ledger = 840;
  a.code = 1;
  a.flags = flags;
  return a;
}

Transfer MakeTransfer(u128 id, u128 debit, u128 credit, u128 amount) {
  Transfer t{};
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.ledger = 840;
  t.code = 1;
  return t;
}

SequencerOptions Options(const std::string& dir) {
  SequencerOptions o;
  o.data_dir = dir;
  o.segment_size_bytes = 2 << 20;
  return o;
}

Sha256Digest HashOf(Sequencer& s) {
  Sha256Digest h;
  s.Read([&](const StateMachine& state) { h = state.StateHash(); });
  return h;
}

TEST(SequencerTest, RepliesCarryPerEventResults) {
  meridian::testing::TempDir dir;
  auto s = Sequencer::Open(Options(dir.path()));
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  Account accounts[] = {
      MakeAccount(1),
      MakeAccount(2, ledger::kAccountDebitsMustNotExceedCredits)};
  CommandReply r = (*s)->SubmitAndWait(EncodeCreateAccounts(accounts));
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.results.empty());
  EXPECT_EQ(r.batch_seq, 1u);
  Transfer transfers[] = {MakeTransfer(10, 1, 2, 100),
                          MakeTransfer(11, 2, 1, 101)};
  r = (*s)->SubmitAndWait(EncodeCreateTransfers(transfers));
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].index, 1u);
  EXPECT_EQ(r.results[0].result, LedgerResult::kEXCEEDS_CREDITS);
  EXPECT_GT(r.first_timestamp, 0u);
  (*s)->Read([](const StateMachine& state) {
    EXPECT_EQ(state.ledger().FindAccount(2)->credits_posted, 100u);
  });
}

TEST(SequencerTest, MalformedCommandIsRefusedBeforeTheJournal) {
  meridian::testing::TempDir dir;
  auto s = Sequencer::Open(Options(dir.path()));
  ASSERT_TRUE(s.ok());
  std::vector<uint8_t> junk = {1, 2, 3};
  CommandReply r = (*s)->SubmitAndWait(junk);
  EXPECT_EQ(r.status.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(r.status.error().param, "command");
  EXPECT_EQ((*s)->stats().batches, 0u);
}

TEST(SequencerTest, ConcurrentSubmittersAreBatchedAndAllAnswered) {
  meridian::testing::TempDir dir;
  auto s = Sequencer::Open(Options(dir.path()));
  ASSERT_TRUE(s.ok());
  Account accounts[] = {MakeAccount(1), MakeAccount(2)};
  ASSERT_TRUE((*s)->SubmitAndWait(EncodeCreateAccounts(accounts)).status.ok());
  constexpr int kThreads = 4, kPerThread = 250;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Transfer tr[] = {MakeTransfer(1000 + t * kPerThread + i, 1, 2, 1)};
        CommandReply r = (*s)->SubmitAndWait(EncodeCreateTransfers(tr));
        if (r.status.ok() && r.results.empty()) ok++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  (*s)->Read([](const StateMachine& state) {
    EXPECT_EQ(state.ledger().FindAccount(2)->credits_posted,
              static_cast<u128>(kThreads * kPerThread));
  });
}

TEST(SequencerTest, RestartRecoversTheSameStateFromSnapshotAndJournal) {
  meridian::testing::TempDir dir;
  SequencerOptions options = Options(dir.path());
  options.snapshot_every_batches = 4;
  options.snapshot_at_shutdown = false;  // recovery must use snapshot + tail
  Sha256Digest before;
  {
    auto s = Sequencer::Open(options);
    ASSERT_TRUE(s.ok());
    Account accounts[] = {MakeAccount(1), MakeAccount(2)};
    ASSERT_TRUE(
        (*s)->SubmitAndWait(EncodeCreateAccounts(accounts)).status.ok());
    for (int i = 0; i < 9; ++i) {
      Transfer tr[] = {MakeTransfer(100 + i, 1, 2, 5)};
      ASSERT_TRUE((*s)->SubmitAndWait(EncodeCreateTransfers(tr)).status.ok());
    }
    before = HashOf(**s);
  }
  auto s = Sequencer::Open(options);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ((*s)->recovery().snapshot_seq, 8u);
  EXPECT_EQ((*s)->recovery().batches_replayed, 2u);
  EXPECT_EQ(HashOf(**s), before);
  // And the history continues where it stopped.
  Transfer tr[] = {MakeTransfer(100, 1, 2, 5)};
  CommandReply r = (*s)->SubmitAndWait(EncodeCreateTransfers(tr));
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].result, LedgerResult::kEXISTS);
  EXPECT_EQ(r.batch_seq, 11u);
  (*s)->Shutdown();
  auto report = VerifyDataDir(dir.path());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->batches, 11u);
  EXPECT_EQ(report->snapshot_seq, 8u);
}

TEST(SequencerTest, ShutdownSnapshotMakesRestartReplayNothing) {
  meridian::testing::TempDir dir;
  Sha256Digest before;
  {
    auto s = Sequencer::Open(Options(dir.path()));
    ASSERT_TRUE(s.ok());
    Account accounts[] = {MakeAccount(1), MakeAccount(2)};
    ASSERT_TRUE(
        (*s)->SubmitAndWait(EncodeCreateAccounts(accounts)).status.ok());
    before = HashOf(**s);
  }
  auto s = Sequencer::Open(Options(dir.path()));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->recovery().snapshot_seq, 1u);
  EXPECT_EQ((*s)->recovery().batches_replayed, 0u);
  EXPECT_EQ(HashOf(**s), before);
}

TEST(SequencerTest, BatchTimeNeverGoesBackwardsWithTheClock) {
  meridian::testing::TempDir dir;
  SequencerOptions options = Options(dir.path());
  std::atomic<int64_t> clock{5'000'000'000};
  options.clock_ns = [&] { return clock.load(); };
  auto s = Sequencer::Open(options);
  ASSERT_TRUE(s.ok());
  Account a1[] = {MakeAccount(1)};
  CommandReply r1 = (*s)->SubmitAndWait(EncodeCreateAccounts(a1));
  clock = 1'000;  // the wall clock steps back
  Account a2[] = {MakeAccount(2)};
  CommandReply r2 = (*s)->SubmitAndWait(EncodeCreateAccounts(a2));
  EXPECT_GT(r2.first_timestamp, r1.first_timestamp);
  (*s)->Read([](const StateMachine& state) {
    EXPECT_GT(state.ledger().FindAccount(2)->timestamp,
              state.ledger().FindAccount(1)->timestamp);
  });
}

TEST(SequencerTest, SecondOpenOfTheSameDirectoryIsRefused) {
  meridian::testing::TempDir dir;
  auto first = Sequencer::Open(Options(dir.path()));
  ASSERT_TRUE(first.ok());
  auto second = Sequencer::Open(Options(dir.path()));
  EXPECT_FALSE(second.ok());
}

}  // namespace
}  // namespace meridian::engine
