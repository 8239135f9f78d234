// Property test: random mixes of everything the ledger does, through the real
// sequencer and journal, with the invariants checked after every batch and a
// full replay compared with the live state at the end.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <random>

#include "core/testing/temp_dir.h"
#include "engine/command.h"
#include "engine/sequencer.h"
#include "engine/verify.h"

namespace meridian::engine {
namespace {

using namespace ledger;  // NOLINT: test brevity

constexpr uint64_t kSecond = 1'000'000'000;

class Workload {
 public:
  explicit Workload(uint64_t seed) : rng_(seed) {}

  std::vector<Account> Accounts() {
    std::vector<Account> out;
    for (uint32_t ledger : {840u, 978u}) {
      for (int i = 0; i < 10; ++i) {
        Account a{};
        a.id = next_id_++;
        a.ledger = ledger;
        a.code = static_cast<uint16_t>(1 + i % 3);
        if (i == 0) {
          // The bank: unconstrained, funds everyone.
        } else if (i % 3 == 1) {
          a.flags = kAccountDebitsMustNotExceedCredits | kAccountHistory;
        } else if (i % 3 == 2) {
          a.flags = kAccountDebitsMustNotExceedCredits;
          a.limit = Uniform(0, 500);  // a net debit cap
        } else {
          a.flags = kAccountCreditsMustNotExceedDebits;
          a.limit = Uniform(0, 5000);
        }
        out.push_back(a);
        by_ledger_[ledger].push_back(a.id);
      }
    }
    return out;
  }

  // The transfers of the last command (empty for close/reopen), and whether
  // each id was new (not a retry of an id sent before).
  std::vector<std::pair<u128, bool>> last_ids;

  std::vector<uint8_t> NextCommand() {
    last_ids.clear();
    if (Chance(3)) return CloseOrReopen();
    int n = static_cast<int>(Uniform(1, 24));
    std::vector<Transfer> out;
    for (int i = 0; i < n; ++i) {
      Transfer t = NextTransfer();
      last_ids.emplace_back(t.id, t.id >= first_new_id_);
      // Chains: a run of linked events, sometimes left open at the end.
      if (Chance(20)) t.flags |= kTransferLinked;
      out.push_back(t);
      sent_.push_back(t);
    }
    if (!Chance(10)) out.back().flags &= ~kTransferLinked;
    first_new_id_ = next_id_;
    return EncodeCreateTransfers(out);
  }

 private:
  bool Chance(int percent) {
    return Uniform(0, 99) < static_cast<uint64_t>(percent);
  }
  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  u128 Pick(const std::vector<u128>& v) { return v[Uniform(0, v.size() - 1)]; }

  std::vector<uint8_t> CloseOrReopen() {
    u128 ids[] = {Pick(by_ledger_[Chance(50) ? 840 : 978])};
    return Chance(50) ? EncodeCloseAccounts(ids) : EncodeReopenAccounts(ids);
  }

  Transfer NextTransfer() {
    uint64_t roll = Uniform(0, 99);
    if (roll < 8 && !sent_.empty()) {  // a retry of an old id, exact or not
      Transfer t = sent_[Uniform(0, sent_.size() - 1)];
      if (Chance(30)) t.amount += 1;
      t.flags &= ~kTransferLinked;
      return t;
    }
    Transfer t{};
    t.id = next_id_++;
    t.code = 1;
    if (roll < 30 && !pending_.empty()) {  // resolve a hold (maybe stale)
      t.pending_id = Pick(pending_);
      t.flags = Chance(60) ? kTransferPostPending : kTransferVoidPending;
      if ((t.flags & kTransferPostPending) && Chance(50))
        t.amount = Uniform(1, 300);
      return t;
    }
    uint32_t ledger = Chance(85) ? 840 : 978;
    const std::vector<u128>& ids = by_ledger_[ledger];
    t.ledger = ledger;
    t.debit_account_id = Pick(ids);
    t.credit_account_id = Pick(ids);
    if (Chance(3))
      t.credit_account_id = Pick(by_ledger_[ledger == 840 ? 978 : 840]);
    t.amount = Uniform(0, 400);
    if (Chance(25)) t.debit_account_id = ids[0];  // funding from the bank
    if (roll < 55) {
      t.flags = kTransferPending;
      t.timeout_s = static_cast<uint32_t>(Chance(50) ? 0 : Uniform(1, 5));
      pending_.push_back(t.id);
    } else if (roll < 62) {
      t.flags = Chance(50) ? kTransferBalancingDebit : kTransferBalancingCredit;
      t.amount = Uniform(1, 100000);
    }
    return t;
  }

  std::mt19937_64 rng_;
  u128 next_id_ = 1;
  u128 first_new_id_ = 1;  // ids at or above were never sent before
  std::map<uint32_t, std::vector<u128>> by_ledger_;
  std::vector<u128> pending_;
  std::vector<Transfer> sent_;
};

class LedgerPropertyTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(LedgerPropertyTest, InvariantsHoldAfterEveryBatchAndReplayMatches) {
  meridian::testing::TempDir dir;
  Workload workload(GetParam());
  std::atomic<int64_t> clock{1'800'000'000 * static_cast<int64_t>(kSecond)};
  SequencerOptions options;
  options.data_dir = dir.path();
  options.segment_size_bytes = 2 << 20;
  options.snapshot_every_batches = 37;
  options.sync = false;  // what is tested here is logic, not the disk
  options.state_machine.check_invariants_every_batch = true;
  options.clock_ns = [&] { return clock.load(); };
  std::mt19937_64 rng(GetParam() * 7919);

  Sha256Digest live;
  std::map<LedgerResult, int> seen;
  {
    auto s = Sequencer::Open(options);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    ASSERT_TRUE((*s)->SubmitAndWait(EncodeCreateAccounts(workload.Accounts()))
                    .results.empty());
    for (int tick = 0; tick < 400; ++tick) {
      // Several commands in flight at once, so batches hold several.
      int in_flight = 1 + static_cast<int>(rng() % 6);
      std::vector<std::future<CommandReply>> replies;
      std::vector<std::vector<std::pair<u128, bool>>> ids;
      for (int c = 0; c < in_flight; ++c) {
        auto promise = std::make_shared<std::promise<CommandReply>>();
        replies.push_back(promise->get_future());
        std::vector<uint8_t> command = workload.NextCommand();
        ids.push_back(workload.last_ids);
        ASSERT_TRUE((*s)->Submit(std::move(command),
                                 [promise](CommandReply&& r) {
                                   promise->set_value(std::move(r));
                                 })
                        .ok());
      }
      // What the replies promised about new ids must be what the state
      // shows: there if any event with that id was OK (a later retry in the
      // same command may succeed where a linked one was rolled back), not
      // there if every one failed.
      std::map<u128, bool> expect;  // id -> present
      std::vector<std::pair<u128, bool>>
          outcomes;  // every (id, ok) of the tick
      for (size_t c = 0; c < replies.size(); ++c) {
        CommandReply r = replies[c].get();
        ASSERT_TRUE(r.status.ok()) << r.status.ToString();
        std::vector<bool> ok(ids[c].size(), true);
        for (const EventResult& e : r.results) {
          seen[e.result]++;
          if (e.index < ok.size()) ok[e.index] = false;
        }
        for (size_t i = 0; i < ids[c].size(); ++i) {
          if (ids[c][i].second) expect[ids[c][i].first] = false;
          outcomes.emplace_back(ids[c][i].first, ok[i]);
        }
      }
      for (const auto& [id, ok] : outcomes) {
        if (auto it = expect.find(id); it != expect.end()) it->second |= ok;
      }
      (*s)->Read([&](const StateMachine& state) {
        for (const auto& [id, present] : expect) {
          EXPECT_EQ(state.ledger().FindTransfer(id) != nullptr, present)
              << "transfer " << static_cast<uint64_t>(id) << " answered "
              << (present ? "OK" : "failed");
        }
      });
      clock += static_cast<int64_t>(rng() % (3 * kSecond));
    }
    (*s)->Read([&](const StateMachine& state) {
      state.ledger().CheckInvariants();
      live = state.StateHash();
      EXPECT_GT(state.ledger().stats().expired, 0u) << "no hold ever expired";
    });
    (*s)->Shutdown();
  }
  // The workload reached the interesting outcomes, not just the happy path.
  for (LedgerResult r :
       {LedgerResult::kEXISTS, LedgerResult::kID_EXISTS_WITH_DIFFERENT_FIELDS,
        LedgerResult::kEXCEEDS_CREDITS, LedgerResult::kLINKED_EVENT_FAILED,
        LedgerResult::kPENDING_TRANSFER_ALREADY_POSTED}) {
    EXPECT_GT(seen[r], 0) << LedgerResultName(r);
  }
  // A fresh engine replaying the journal from the start reaches the same
  // state, and agrees with every snapshot on the way.
  auto report = VerifyDataDir(dir.path());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->state_hash, live);
  // So does a restart (snapshot + tail).
  auto again = Sequencer::Open(options);
  ASSERT_TRUE(again.ok());
  (*again)->Read(
      [&](const StateMachine& state) { EXPECT_EQ(state.StateHash(), live); });
}

INSTANTIATE_TEST_SUITE_P(Seeds, LedgerPropertyTest,
                         ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

}  // namespace
}  // namespace meridian::engine
