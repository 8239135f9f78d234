// Crash test: a child process commits transfers under load and is killed with
// SIGKILL at random moments. After every kill the parent recovers the data
// directory and checks: every transfer acknowledged as OK is present, every
// transfer acknowledged as refused is absent, and the recovered state equals
// a full replay of the journal from the start.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "core/testing/temp_dir.h"
#include "engine/command.h"
#include "engine/sequencer.h"
#include "engine/verify.h"

namespace meridian::engine {
namespace {

using namespace ledger;  // NOLINT: test brevity

constexpr int kAccounts = 50;
constexpr int kRounds = 24;

SequencerOptions Options(const std::string& dir) {
  SequencerOptions o;
  o.data_dir = dir;
  o.sync = true;  // the point: acknowledged means fdatasynced
  o.segment_size_bytes = 2 << 20;
  o.snapshot_every_batches = 25;
  o.max_batch_commands = 16;
  return o;
}

std::vector<Account> TheAccounts() {
  std::vector<Account> out;
  for (int i = 1; i <= kAccounts; ++i) {
    Account a{};
    a.id = i;
    a.ledger = 840;
    a.code = 1;
    // Account 1 funds the rest; the others cannot overdraw, so some
    // transfers are refused.
    if (i != 1) a.flags = kAccountDebitsMustNotExceedCredits;
    out.push_back(a);
  }
  return out;
}

// The child: load until killed. Each reply is written to `fd` as lines
// "<id> <0|1>\n" (1 = OK), one write per reply from the journal thread.
[[noreturn]] void RunChild(const std::string& dir, int fd, uint64_t round) {
  auto s = Sequencer::Open(Options(dir));
  if (!s.ok()) {
    std::fprintf(stderr, "child: %s\n", s.error().ToString().c_str());
    _exit(3);
  }
  (*s)->SubmitAndWait(EncodeCreateAccounts(TheAccounts()));
  std::atomic<uint64_t> counter{0};
  auto load = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (true) {
      std::vector<Transfer> transfers(1 + rng() % 64);
      for (Transfer& t : transfers) {
        t = Transfer{};
        t.id = (static_cast<u128>(round) << 64) | ++counter;
        t.debit_account_id = rng() % 4 == 0 ? 1 : 1 + rng() % kAccounts;
        t.credit_account_id = 1 + rng() % kAccounts;
        t.amount = 1 + rng() % 1000;
        t.ledger = 840;
        t.code = 1;
      }
      auto sent = std::make_shared<std::vector<Transfer>>(transfers);
      Status submitted = (*s)->Submit(
          EncodeCreateTransfers(transfers), [sent, fd](CommandReply&& r) {
            std::vector<bool> ok(sent->size(), true);
            for (const EventResult& e : r.results) ok[e.index] = false;
            std::string lines;
            for (size_t i = 0; i < sent->size(); ++i) {
              lines += std::to_string(static_cast<uint64_t>((*sent)[i].id)) +
                       (ok[i] ? " 1\n" : " 0\n");
            }
            (void)!write(fd, lines.data(), lines.size());
          });
      if (!submitted.ok()) _exit(5);
    }
  };
  std::thread a(load, round * 2 + 1), b(load, round * 2 + 2);
  a.join();  // never returns: the parent kills us
  _exit(4);
}

TEST(CrashTest, AcknowledgedTransfersSurviveSigkill) {
  meridian::testing::TempDir dir;
  std::mt19937_64 rng(20261124);
  uint64_t total_acked_ok = 0, total_acked_refused = 0;
  for (uint64_t round = 1; round <= kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunChild(dir.path(), fds[1], round);
    }
    close(fds[1]);
    // Read acknowledgements while the child runs; kill it at a random moment.
    std::string acked;
    std::atomic<bool> reading{true};
    std::thread reader([&] {
      char buf[65536];
      ssize_t n;
      while ((n = read(fds[0], buf, sizeof buf)) > 0) acked.append(buf, n);
      reading = false;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "child exited early with status " << WEXITSTATUS(status);
    reader.join();
    close(fds[0]);

    std::set<uint64_t> ok_ids, refused_ids;
    std::istringstream in(acked);
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // a line cut by the kill is not an ack
      uint64_t id = 0;
      int ok = 0;
      if (std::sscanf(line.c_str(), "%lu %d", &id, &ok) != 2) continue;
      (ok ? ok_ids : refused_ids).insert(id);
    }
    total_acked_ok += ok_ids.size();
    total_acked_refused += refused_ids.size();

    // Recover in this process and check what was promised.
    Sha256Digest recovered;
    {
      auto s = Sequencer::Open(Options(dir.path()));
      ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.error().ToString();
      (*s)->Read([&](const StateMachine& state) {
        state.ledger().CheckInvariants();
        auto id_of = [round](uint64_t low) {
          return (static_cast<u128>(round) << 64) | low;
        };
        for (uint64_t id : ok_ids) {
          ASSERT_NE(state.ledger().FindTransfer(id_of(id)), nullptr)
              << "round " << round << ": acknowledged transfer " << id
              << " is missing";
        }
        for (uint64_t id : refused_ids) {
          ASSERT_EQ(state.ledger().FindTransfer(id_of(id)), nullptr)
              << "round " << round << ": refused transfer " << id
              << " is present";
        }
        recovered = state.StateHash();
      });
      (*s)->Shutdown();
    }
    // The recovered state equals a full replay from the first record.
    auto report = VerifyDataDir(dir.path());
    ASSERT_TRUE(report.ok())
        << "round " << round << ": " << report.error().ToString();
    EXPECT_EQ(report->state_hash, recovered) << "round " << round;
  }
  // The test only means something if the children got work done.
  EXPECT_GT(total_acked_ok, 1000u);
  EXPECT_GT(total_acked_refused, 10u);
  std::printf("acknowledged: %lu ok, %lu refused over %d kills\n",
              total_acked_ok, total_acked_refused, kRounds);
}

}  // namespace
}  // namespace meridian::engine
