// Read model throughput: indexed transfers per second, written in engine
// batches of 1,000 transfers between random pairs of 10,000 accounts, each
// transfer landing under three keys (by id, and under both accounts'
// history); straight into ReadModel::Write (one WriteBatch per engine batch)
// and through the Indexer (which groups queued batches into one write).
// Also a history page read (20 newest transfers of a random account).
//
//   build/release/src/store/store_benchmark --benchmark_min_time=3
//
// Each benchmark starts from an empty database under $TMPDIR (default
// /tmp) holding the 10,000 accounts; flushes and compactions triggered by
// the growing database are part of what is measured. Run it on the disk you
// want to measure.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "store/indexer.h"
#include "store/read_model.h"

namespace meridian::store {
namespace {

constexpr int kAccounts = 10'000;
constexpr int kTransfersPerBatch = 1'000;

std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
      "/store_benchmark.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

u128 AccountId(int i) { return (u128{1} << 100) + static_cast<u128>(i); }

// A fresh read model holding kAccounts accounts (batch 1), removed at the
// end, and a source of engine-like batches after it.
class Fixture {
 public:
  Fixture() : dir_(MakeTempDir()) {
    auto opened = ReadModel::Open({.path = dir_ + "/store"});
    if (!opened.ok()) std::abort();
    model_ = std::move(opened).value();
    IndexBatch accounts = NextBatch(0);
    for (int i = 0; i < kAccounts; ++i) {
      ledger::Account a{};
      a.id = AccountId(i);
      a.ledger = 840;
      a.code = 1;
      a.timestamp = ++timestamp_;
      accounts.accounts.push_back(a);
    }
    if (!model_->Write({&accounts, 1}).ok()) std::abort();
  }
  ~Fixture() {
    model_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The engine's output for one batch of `transfers` transfers.
  IndexBatch NextBatch(int transfers) {
    IndexBatch batch{.batch_seq = ++seq_,
                     .batch_time_ns = static_cast<int64_t>(seq_) * 1'000'000};
    batch.transfers.reserve(transfers);
    std::uniform_int_distribution<int> account(0, kAccounts - 1);
    for (int i = 0; i < transfers; ++i) {
      int debit = account(rng_);
      int credit = (debit + 1 + account(rng_) % (kAccounts - 1)) % kAccounts;
      ledger::Transfer t{};
      t.timestamp = ++timestamp_;
      t.id = (static_cast<u128>(t.timestamp) << 64) | rng_();
      t.debit_account_id = AccountId(debit);
      t.credit_account_id = AccountId(credit);
      t.amount = 1 + rng_() % 100'000;
      t.ledger = 840;
      t.code = 1;
      batch.transfers.push_back(t);
    }
    return batch;
  }

  ReadModel* model() { return model_.get(); }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::string dir_;
  std::unique_ptr<ReadModel> model_;
  std::mt19937_64 rng_{42};
  uint64_t seq_ = 0;
  uint64_t timestamp_ = 0;
};

void SetRates(benchmark::State& state, uint64_t transfers) {
  state.SetItemsProcessed(static_cast<int64_t>(transfers));
  state.counters["transfers/s"] = benchmark::Counter(
      static_cast<double>(transfers), benchmark::Counter::kIsRate);
}

// One ReadModel::Write (one RocksDB WriteBatch) per engine batch.
void BM_WriteBatches(benchmark::State& state) {
  Fixture fixture;
  uint64_t transfers = 0;
  for (auto _ : state) {
    IndexBatch batch = fixture.NextBatch(kTransfersPerBatch);
    Status s = fixture.model()->Write({&batch, 1});
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    transfers += kTransfersPerBatch;
  }
  SetRates(state, transfers);
}
BENCHMARK(BM_WriteBatches)->Unit(benchmark::kMillisecond)->UseRealTime();

// Through the Indexer: the producer enqueues, the indexer thread writes
// whatever has queued up meanwhile in one WriteBatch; timed until the last
// batch is in the read model.
void BM_Indexer(benchmark::State& state) {
  Fixture fixture;
  // A short queue, so that the producer is held to the writer's pace and
  // the timing covers writes, not just enqueues.
  Indexer indexer(fixture.model(), {.max_queued_batches = 8});
  uint64_t transfers = 0;
  uint64_t last = 0;
  for (auto _ : state) {
    IndexBatch batch = fixture.NextBatch(kTransfersPerBatch);
    last = batch.batch_seq;
    if (!indexer.Enqueue(std::move(batch)).ok()) {
      state.SkipWithError("enqueue failed");
    }
    transfers += kTransfersPerBatch;
  }
  if (!indexer.WaitFor(last).ok()) state.SkipWithError("indexer failed");
  Indexer::Stats stats = indexer.stats();
  state.counters["batches_per_write"] =
      static_cast<double>(stats.batches_written) /
      static_cast<double>(std::max<uint64_t>(stats.writes, 1));
  SetRates(state, transfers);
}
BENCHMARK(BM_Indexer)->Unit(benchmark::kMillisecond)->UseRealTime();

// The newest 20 transfers of a random account, after 200,000 transfers
// (about 40 per account).
void BM_TransfersByAccountPage(benchmark::State& state) {
  Fixture fixture;
  for (int b = 0; b < 200; ++b) {
    IndexBatch batch = fixture.NextBatch(kTransfersPerBatch);
    if (!fixture.model()->Write({&batch, 1}).ok()) std::abort();
  }
  std::uniform_int_distribution<int> account(0, kAccounts - 1);
  for (auto _ : state) {
    auto page = fixture.model()->TransfersByAccount(
        {.account_id = AccountId(account(fixture.rng())), .limit = 20});
    if (!page.ok()) state.SkipWithError(page.error().ToString().c_str());
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TransfersByAccountPage)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace meridian::store

BENCHMARK_MAIN();
