// Micro-benchmarks of the ledger's apply path, without journal or threads.
//   build/release/src/ledger/ledger_benchmark
#include <benchmark/benchmark.h>

#include <vector>

#include "ledger/ledger.h"

namespace meridian::ledger {
namespace {

void BM_CreateTransfers(benchmark::State& state) {
  const uint64_t accounts = static_cast<uint64_t>(state.range(0));
  const uint32_t per_call = 8190;
  Ledger ledger;
  std::vector<Account> batch;
  uint64_t ts = 1;
  std::vector<EventResult> results;
  for (uint64_t i = 1; i <= accounts; ++i) {
    Account a{};
    a.id = i;
    a.ledger = 840;
    a.code = 1;
    a.flags = kAccountDebitsMustNotExceedCredits;
    a.limit = static_cast<u128>(1) << 80;
    batch.push_back(a);
    if (batch.size() == per_call || i == accounts) {
      ledger.CreateAccounts(batch, ts, &results);
      ts += batch.size();
      batch.clear();
    }
  }
  uint64_t x = 88172645463325252ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  u128 id = static_cast<u128>(1) << 64;
  std::vector<Transfer> transfers(per_call);
  for (auto _ : state) {
    state.PauseTiming();
    for (Transfer& t : transfers) {
      t = Transfer{};
      t.id = id++;
      t.debit_account_id = 1 + next() % accounts;
      t.credit_account_id = 1 + next() % accounts;
      if (t.credit_account_id == t.debit_account_id) {
        t.credit_account_id = t.debit_account_id % accounts + 1;
      }
      t.amount = 1 + next() % 10000;
      t.ledger = 840;
      t.code = 1;
    }
    results.clear();
    state.ResumeTiming();
    ledger.CreateTransfers(transfers, ts, &results);
    ts += per_call;
  }
  state.SetItemsProcessed(state.iterations() * per_call);
}
BENCHMARK(BM_CreateTransfers)
    ->Arg(10'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace meridian::ledger

BENCHMARK_MAIN();
