#include "cli/bench_ledger.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "compliance/cases.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/sequencer.h"

namespace meridian::cli {
namespace {

using Clock = std::chrono::steady_clock;
using ledger::Account;
using ledger::Transfer;

constexpr uint32_t kLedgerUsd = 840;

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

uint64_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// xorshift64*: the client needs cheap randomness, not good randomness.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
  return v[k];
}

struct CaseResult {
  double transfers_per_s = 0;
  double p50_ms = 0, p99_ms = 0;
  uint64_t transfers = 0, failed = 0, batches = 0;
  double seconds = 0;
  double replay_per_s = 0;
  double replay_seconds = 0;
  uint64_t replayed = 0;
  double bytes_per_account = 0;
  double fsync_ms_avg = 0;
};

engine::SequencerOptions SequencerOptionsFor(const BenchLedgerOptions& o,
                                             const BenchLedgerCase& c,
                                             const std::string& dir) {
  engine::SequencerOptions s;
  s.data_dir = dir;
  s.sync = o.sync;
  s.max_batch_commands = o.max_batch_commands;
  s.max_batch_bytes = o.max_batch_bytes;
  s.snapshot_every_batches = 0;  // the bench measures the journal path
  s.snapshot_at_shutdown = false;
  s.segment_size_bytes = 256ull << 20;
  // Sized like a production deployment would be: the id indexes hold the
  // run without rehashing.
  s.state_machine.reserve_accounts = c.accounts;
  s.state_machine.reserve_transfers = 16'000'000;
  return s;
}

Result<CaseResult> RunCase(const BenchLedgerOptions& o,
                           const BenchLedgerCase& c, const std::string& dir) {
  CaseResult out;
  std::filesystem::remove_all(dir);
  MERIDIAN_ASSIGN_OR_RETURN(
      std::unique_ptr<engine::Sequencer> seq,
      engine::Sequencer::Open(SequencerOptionsFor(o, c, dir)));
  if (!o.aml) {
    // The monitor's switch is an operator's journaled command, as in a
    // deployment.
    constexpr u128 kOperator = 1;
    engine::CommandReply p = seq->SubmitAndWait(engine::EncodeCreatePrincipal(
        {kOperator, engine::PrincipalKind::kOperator,
         engine::SignatureAlgorithm::kNone, "bench", ""}));
    if (!p.status.ok()) return p.status.error();
    engine::CommandReply off = seq->SubmitAndWait(engine::NewApiCommand(
        engine::CommandType::kSetAmlConfig,
        compliance::EncodeAmlConfigChange({kOperator, {"enabled=false"}})));
    if (!off.status.ok()) return off.status.error();
  }
  // Accounts: every one has a balance flag with a net debit cap, so the
  // limit check runs on every transfer (as it would for participants).
  const uint64_t rss_before = RssBytes();
  uint64_t made = 0;
  while (made < c.accounts) {
    uint64_t n =
        std::min<uint64_t>(engine::kMaxEventsPerCommand, c.accounts - made);
    std::vector<Account> accounts(n);
    for (uint64_t i = 0; i < n; ++i) {
      Account& a = accounts[i];
      a = Account{};
      a.id = made + i + 1;
      a.ledger = kLedgerUsd;
      a.code = 1;
      a.flags = ledger::kAccountDebitsMustNotExceedCredits;
      a.limit = static_cast<u128>(1) << 80;
    }
    engine::CommandReply r =
        seq->SubmitAndWait(engine::EncodeCreateAccounts(accounts));
    if (!r.status.ok()) return r.status.error();
    made += n;
  }
  seq->Read([&](const engine::StateMachine& state) {
    out.bytes_per_account =
        static_cast<double>(state.ledger().stats().account_memory_bytes) /
        static_cast<double>(c.accounts);
  });
  (void)rss_before;

  // Load: keep `in_flight` commands outstanding.
  std::mutex mu;
  std::condition_variable cv;
  uint32_t outstanding = 0;
  std::vector<double> latencies_ms;
  std::atomic<uint64_t> acked{0}, failed{0};
  Rng rng{0x9E3779B97F4A7C15ull ^ c.accounts};
  u128 next_id = static_cast<u128>(1) << 64;
  const uint64_t hot_account = 1;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.seconds));
  const uint64_t batches_before = seq->stats().batches;
  const uint64_t fsync_before = seq->stats().fsync_ns_total;
  while (Clock::now() < deadline) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return outstanding < o.in_flight; });
      ++outstanding;
    }
    // Built in place in the command's bytes: the client's cost is not what
    // is measured.
    const uint32_t n = o.transfers_per_command;
    std::vector<uint8_t> command =
        engine::NewCommand(engine::CommandType::kCreateTransfers, n);
    for (uint32_t i = 0; i < n; ++i) {
      Transfer t{};
      t.id = next_id++;
      uint64_t dr = 1 + rng.Next() % c.accounts;
      uint64_t cr = 1 + rng.Next() % (c.accounts - 1);
      if (cr >= dr) ++cr;  // distinct, still uniform
      if (c.hot_percent != 0 && rng.Next() % 100 < c.hot_percent) {
        if (rng.Next() & 1) {
          dr = hot_account;
          if (cr == hot_account) cr = 2;
        } else {
          cr = hot_account;
          if (dr == hot_account) dr = 2;
        }
      }
      t.debit_account_id = dr;
      t.credit_account_id = cr;
      t.amount = 1 + rng.Next() % 10'000;
      t.ledger = kLedgerUsd;
      t.code = 1;
      std::memcpy(command.data() + engine::kCommandHeaderBytes + i * sizeof t,
                  &t, sizeof t);
    }
    auto submitted = Clock::now();
    Status s = seq->Submit(std::move(command), [&, submitted,
                                                n](engine::CommandReply&& r) {
      double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - submitted)
              .count();
      acked += n;
      failed += r.results.size();
      std::unique_lock lock(mu);
      latencies_ms.push_back(ms);
      --outstanding;
      cv.notify_all();
    });
    if (!s.ok()) return s.error();
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return outstanding == 0; });
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.transfers = acked.load();
  out.failed = failed.load();
  out.transfers_per_s = static_cast<double>(out.transfers) / out.seconds;
  out.p50_ms = Percentile(latencies_ms, 0.50);
  out.p99_ms = Percentile(latencies_ms, 0.99);
  engine::SequencerStats stats = seq->stats();
  out.batches = stats.batches - batches_before;
  if (out.batches > 0) {
    out.fsync_ms_avg =
        static_cast<double>(stats.fsync_ns_total - fsync_before) / 1e6 /
        static_cast<double>(out.batches);
  }
  if (std::getenv("MERIDIAN_BENCH_DEBUG") != nullptr) {
    std::fprintf(stderr,
                 "batches %llu: write+sync %.1f ms, prepare %.1f ms, apply "
                 "%.1f ms total\n",
                 (unsigned long long)out.batches,
                 (stats.fsync_ns_total - fsync_before) / 1e6,
                 stats.prepare_ns_total / 1e6, stats.apply_ns_total / 1e6);
  }
  seq->Shutdown();
  seq.reset();

  if (c.replay) {
    auto t0 = Clock::now();
    MERIDIAN_ASSIGN_OR_RETURN(
        seq, engine::Sequencer::Open(SequencerOptionsFor(o, c, dir)));
    out.replay_seconds =
        std::chrono::duration<double>(Clock::now() - t0).count();
    out.replayed = seq->recovery().events_replayed;
    out.replay_per_s = static_cast<double>(out.replayed) / out.replay_seconds;
    seq->Shutdown();
  }
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace

std::vector<BenchLedgerCase> DefaultLedgerCases() {
  return {{"uniform_10k", 10'000, 0, false},
          {"hot_10k", 10'000, 1, false},
          {"uniform_1m", 1'000'000, 0, false},
          {"replay", 10'000, 0, true}};
}

int RunBenchLedger(const BenchLedgerOptions& o) {
  std::string base = o.data_dir;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = std::string(tmp != nullptr ? tmp : "/tmp") + "/meridian-bench-" +
           std::to_string(getpid());
  }
  const std::string cpu = CpuModel();
  const unsigned cores = std::thread::hardware_concurrency();
  if (!o.json) {
    std::printf(
        "meridian bench ledger: %u transfers/command, %u commands in flight, "
        "batch <= %u commands / %llu MiB, durability %s, AML %s, %u cores "
        "(%s)\n",
        o.transfers_per_command, o.in_flight, o.max_batch_commands,
        static_cast<unsigned long long>(o.max_batch_bytes >> 20),
        o.sync ? "fdatasync per batch" : "NONE (--no-sync)",
        o.aml ? "on" : "off", cores,
        cpu.c_str());
    std::printf("%-12s %10s %-9s %14s %9s %9s %8s %10s\n", "case", "accounts",
                "dist", "transfers/s", "p50_ms", "p99_ms", "B/acct", "batches");
  }
  int exit_code = 0;
  for (const BenchLedgerCase& c : o.cases) {
    Result<CaseResult> r = RunCase(o, c, base + "/" + c.name);
    if (!r.ok()) {
      std::fprintf(stderr, "case %s failed: %s\n", c.name.c_str(),
                   r.error().ToString().c_str());
      exit_code = 1;
      continue;
    }
    const char* dist = c.hot_percent ? "hot" : "uniform";
    double rate = c.replay ? r->replay_per_s : r->transfers_per_s;
    if (o.json) {
      std::printf(
          "{\"case\":\"%s\",\"transfers_per_s\":%.0f,\"p50_ms\":%.3f,"
          "\"p99_ms\":%.3f,\"accounts\":%llu,\"distribution\":\"%s\","
          "\"hot_percent\":%u,\"transfers\":%llu,\"failed\":%llu,"
          "\"seconds\":%.3f,\"batches\":%llu,\"fsync_ms_avg\":%.3f,"
          "\"transfers_per_command\":%u,\"in_flight\":%u,"
          "\"batch_max_commands\":%u,\"batch_max_bytes\":%llu,"
          "\"durability\":\"%s\",\"aml\":%s,\"bytes_per_account\":%.1f,"
          "\"replayed\":%llu,\"replay_seconds\":%.3f,"
          "\"cores\":%u,\"cpu\":\"%s\"}\n",
          c.name.c_str(), rate, r->p50_ms, r->p99_ms,
          static_cast<unsigned long long>(c.accounts), dist, c.hot_percent,
          static_cast<unsigned long long>(r->transfers),
          static_cast<unsigned long long>(r->failed), r->seconds,
          static_cast<unsigned long long>(r->batches), r->fsync_ms_avg,
          o.transfers_per_command, o.in_flight, o.max_batch_commands,
          static_cast<unsigned long long>(o.max_batch_bytes),
          o.sync ? "fdatasync" : "none", o.aml ? "true" : "false",
          r->bytes_per_account,
          static_cast<unsigned long long>(r->replayed), r->replay_seconds,
          cores, cpu.c_str());
    } else if (c.replay) {
      std::printf(
          "%-12s %10llu %-9s %14.0f %9s %9s %8.1f %10s  (replayed %llu "
          "transfers in %.2f s)\n",
          c.name.c_str(), static_cast<unsigned long long>(c.accounts), dist,
          rate, "-", "-", r->bytes_per_account, "-",
          static_cast<unsigned long long>(r->replayed), r->replay_seconds);
    } else {
      std::printf("%-12s %10llu %-9s %14.0f %9.2f %9.2f %8.1f %10llu\n",
                  c.name.c_str(), static_cast<unsigned long long>(c.accounts),
                  dist, rate, r->p50_ms, r->p99_ms, r->bytes_per_account,
                  static_cast<unsigned long long>(r->batches));
    }
    std::fflush(stdout);
  }
  std::filesystem::remove_all(base);
  return exit_code;
}

}  // namespace meridian::cli
