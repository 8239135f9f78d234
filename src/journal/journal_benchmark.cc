// Journal throughput on records of 128-byte commands (124 bytes + the u32
// length): Prepare alone (CPU: copy, one SHA-256 per command, the Merkle
// tree, CRCs); Prepare + Write with fdatasync on one thread, and pipelined on
// two (the engine's arrangement); replay on Open; and the raw pwrite +
// fdatasync cost of the disk, for comparison.
//
//   build/release/src/journal/journal_benchmark --benchmark_min_time=3
//
// The journal lives under $TMPDIR (default /tmp): run it on the disk you
// want to measure.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "journal/journal.h"

namespace meridian::journal {
namespace {

constexpr size_t kCommandBytes = 124;  // + 4-byte length = 128 in the record

std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
      "/journal_benchmark.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// `count` commands of kCommandBytes, distinct contents.
struct Commands {
  explicit Commands(size_t count) : storage(count * kCommandBytes) {
    for (size_t i = 0; i < storage.size(); ++i) {
      storage[i] = static_cast<uint8_t>(i * 2654435761u >> 24);
    }
    for (size_t i = 0; i < count; ++i) {
      views.emplace_back(storage.data() + i * kCommandBytes, kCommandBytes);
    }
  }
  std::vector<uint8_t> storage;
  std::vector<std::span<const uint8_t>> views;
};

std::unique_ptr<Journal> OpenJournal(const std::string& dir, bool sync) {
  JournalOptions options;
  options.dir = dir + "/journal";
  options.sync = sync;
  auto journal =
      Journal::Open(options, {}, [](const Batch&) { return Status::Ok(); });
  if (!journal.ok()) std::abort();
  return std::move(journal).value();
}

void SetCounters(benchmark::State& state, size_t commands_per_record,
                 uint64_t record_bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(record_bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(commands_per_record));
}

// arg: commands per record.
void BM_Prepare(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Commands commands(n);
  std::string dir = MakeTempDir();
  auto journal = OpenJournal(dir, /*sync=*/false);
  Journal::Record record;
  int64_t time_ns = 1;
  for (auto _ : state) {
    journal->PrepareInto(++time_ns, commands.views, &record);
    benchmark::DoNotOptimize(record.bytes.data());
  }
  SetCounters(state, n, record.bytes.size());
  journal.reset();
  std::filesystem::remove_all(dir);
}

// arg: commands per record. Prepare, then Write with fdatasync, back to back
// on one thread (the engine pipelines them on two). Reports Write latency.
void BM_PrepareWriteSync(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Commands commands(n);
  std::string dir = MakeTempDir();
  auto journal = OpenJournal(dir, /*sync=*/true);
  Journal::Record record;
  int64_t time_ns = 1;
  std::vector<double> write_us;
  for (auto _ : state) {
    journal->PrepareInto(++time_ns, commands.views, &record);
    auto start = std::chrono::steady_clock::now();
    Result<Position> at = journal->Write(record);
    auto end = std::chrono::steady_clock::now();
    if (!at.ok()) std::abort();
    write_us.push_back(
        std::chrono::duration<double, std::micro>(end - start).count());
  }
  SetCounters(state, n, record.bytes.size());
  std::sort(write_us.begin(), write_us.end());
  double sum = 0;
  for (double us : write_us) sum += us;
  state.counters["write_sync_us_avg"] = sum / write_us.size();
  state.counters["write_sync_us_p50"] = write_us[write_us.size() / 2];
  state.counters["write_sync_us_p99"] = write_us[write_us.size() * 99 / 100];
  state.counters["write_sync_us_max"] = write_us.back();
  journal.reset();
  std::filesystem::remove_all(dir);
}

// arg: commands per record. The engine's arrangement: Prepare on this
// thread, Write (+ fdatasync) on a writer thread, at most 2 records in
// flight. Throughput is max(Prepare, Write) instead of their sum.
void BM_PipelinedSync(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Commands commands(n);
  std::string dir = MakeTempDir();
  auto journal = OpenJournal(dir, /*sync=*/true);
  constexpr size_t kInFlight = 2;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Journal::Record> full;
  std::vector<Journal::Record> empty(kInFlight + 1);
  bool done = false;
  std::thread writer([&] {
    while (true) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done || !full.empty(); });
      if (full.empty()) return;
      Journal::Record record = std::move(full.front());
      full.pop_front();
      lock.unlock();
      if (!journal->Write(record).ok()) std::abort();
      lock.lock();
      empty.push_back(std::move(record));
      cv.notify_all();
    }
  });
  int64_t time_ns = 1;
  uint64_t record_bytes = 0;
  for (auto _ : state) {
    Journal::Record record;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !empty.empty(); });
      record = std::move(empty.back());
      empty.pop_back();
    }
    journal->PrepareInto(++time_ns, commands.views, &record);
    record_bytes = record.bytes.size();
    std::lock_guard<std::mutex> lock(mu);
    full.push_back(std::move(record));
    cv.notify_all();
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return full.empty(); });
    done = true;
    cv.notify_all();
  }
  writer.join();
  SetCounters(state, n, record_bytes);
  journal.reset();
  std::filesystem::remove_all(dir);
}

// Replay on Open: read, CRC, Merkle root, chain checks of 128 MiB of
// 1 MiB records (written once, unsynced, outside the timing).
void BM_Replay(benchmark::State& state) {
  Commands commands(8191);
  std::string dir = MakeTempDir();
  constexpr int kRecords = 128;
  {
    auto journal = OpenJournal(dir, /*sync=*/false);
    Journal::Record record;
    for (int i = 0; i < kRecords; ++i) {
      journal->PrepareInto(i + 1, commands.views, &record);
      if (!journal->Write(record).ok()) std::abort();
    }
  }
  uint64_t bytes = 0;
  for (auto _ : state) {
    JournalOptions options;
    options.dir = dir + "/journal";
    options.sync = false;
    uint64_t batches = 0;
    auto journal = Journal::Open(options, {}, [&](const Batch& batch) {
      ++batches;
      return Status::Ok();
    });
    if (!journal.ok() || batches != kRecords) std::abort();
    bytes += static_cast<uint64_t>(kRecords) * (1 << 20);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRecords *
                          8191);
  std::filesystem::remove_all(dir);
}

// arg: bytes per write. The floor: pwrite + fdatasync into a preallocated,
// already-written file, no journal code at all.
void BM_RawPwriteFdatasync(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  constexpr size_t kFileBytes = 64 << 20;
  std::string dir = MakeTempDir();
  std::string path = dir + "/raw";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  std::vector<uint8_t> zeros(kFileBytes, 0);
  if (fd < 0 ||
      ::pwrite(fd, zeros.data(), zeros.size(), 0) !=
          static_cast<ssize_t>(zeros.size()) ||
      ::fsync(fd) != 0) {
    std::abort();
  }
  std::vector<uint8_t> data(size, 0x5A);
  uint64_t offset = 0;
  for (auto _ : state) {
    if (offset + size > kFileBytes) offset = 0;
    if (::pwrite(fd, data.data(), size, static_cast<off_t>(offset)) !=
            static_cast<ssize_t>(size) ||
        ::fdatasync(fd) != 0) {
      std::abort();
    }
    offset += size;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(size));
  ::close(fd);
  std::filesystem::remove_all(dir);
}

// 8191 commands of 124 bytes: a record of exactly 1 MiB.
BENCHMARK(BM_Prepare)->Arg(512)->Arg(8191)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PrepareWriteSync)
    ->Arg(512)
    ->Arg(8191)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_PipelinedSync)
    ->Arg(512)
    ->Arg(8191)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_Replay)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RawPwriteFdatasync)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace meridian::journal

BENCHMARK_MAIN();
