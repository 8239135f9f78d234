// Indexer: the thread that moves the engine's per-batch output (IndexBatch)
// into the ReadModel (or any BatchSink).
//
// The engine enqueues one IndexBatch per applied journal batch; the indexer
// thread takes whatever is queued (up to its per-write bounds) and writes it
// as one atomic ReadModel::Write, so under load many engine batches share a
// RocksDB WriteBatch. The queue is bounded by batch count and bytes, and
// Enqueue blocks when it is full: a slow disk slows the engine down instead
// of growing memory without limit.
//
//   Indexer indexer(model.get(), {.max_queued_batches = 1024});  // ReadModel
//   MERIDIAN_RETURN_IF_ERROR(indexer.Enqueue(std::move(batch)));  // engine
//   MERIDIAN_RETURN_IF_ERROR(indexer.WaitFor(seq));  // read-your-writes
//   Indexer::Stats s = indexer.stats();  // metrics: queue, lag, rate, error
//   MERIDIAN_RETURN_IF_ERROR(indexer.Stop());  // drains the queue first
//
// Failure: the read model must hold every batch up to its watermark, so the
// indexer never skips one. When a write fails, the indexer records the error
// (status(), stats().last_error), drops what is queued and stops; Enqueue and
// WaitFor return that error from then on. The batches after the watermark
// are still in the journal: restart, and replay from model->watermark() + 1.
//
// Threads: every method may be called from any thread. Enqueue from several
// threads is safe, but batch_seq must increase across calls, so in practice
// there is one producer (the engine).
#ifndef MERIDIAN_STORE_INDEXER_H_
#define MERIDIAN_STORE_INDEXER_H_

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "core/status.h"
#include "store/index_batch.h"

namespace meridian::store {

struct IndexerOptions {
  // Queue bounds. A single batch larger than max_queued_bytes is let in
  // alone when the queue is empty, so it cannot wait forever.
  uint32_t max_queued_batches = 4096;
  uint64_t max_queued_bytes = 256ull << 20;
  // How much one ReadModel::Write (one RocksDB WriteBatch) takes at most;
  // the first queued batch is always taken whatever its size.
  uint32_t max_batches_per_write = 256;
  uint64_t max_bytes_per_write = 32ull << 20;
};

class Indexer {
 public:
  struct Stats {
    uint64_t queued_batches = 0;
    uint64_t queued_bytes = 0;
    uint64_t watermark = 0;  // the read model's
    // Last enqueued batch_seq minus the watermark (0 when caught up).
    uint64_t lag_batches = 0;
    uint64_t batches_written = 0;  // since this indexer started
    uint64_t writes = 0;           // ReadModel::Write calls that succeeded
    // Over the last ~10 s (the current second and up to 9 before it).
    double batches_per_second = 0;
    Status last_error{};  // OK until a write fails
  };

  // Starts the thread. `sink` (the ReadModel) must outlive the indexer.
  Indexer(BatchSink* sink, IndexerOptions options = {});
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;
  ~Indexer();  // Stop()

  // Queues `batch`, waiting while the queue is full. A batch at or below
  // the read model's watermark is already there (a re-delivery after a
  // restart) and is dropped with OK. INVALID_PARAMETER if batch_seq does not
  // increase otherwise; SHUTTING_DOWN after Stop; the write error once a
  // write has failed.
  Status Enqueue(IndexBatch batch);

  // Waits until the read model holds batch_seq. SHUTTING_DOWN when the
  // indexer stopped without writing it, the write error when a write
  // failed, and NOT_READY when `timeout` passes first.
  Status WaitFor(uint64_t batch_seq);
  Status WaitFor(uint64_t batch_seq, std::chrono::milliseconds timeout);

  // Refuses new batches, writes everything queued, and joins the thread.
  // Returns the write error if one stopped the indexer. Idempotent.
  Status Stop();

  Status status() const;
  Stats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  // Batches written per second of the last kRateSeconds seconds, bucketed
  // by whole seconds since `start_`.
  static constexpr int kRateSeconds = 10;

  void Run();
  Status WaitForLocked(uint64_t batch_seq, std::unique_lock<std::mutex>& lock,
                       std::optional<Clock::time_point> deadline);
  void RecordRate(Clock::time_point now, uint64_t batches);  // requires mu_
  double RateLocked(Clock::time_point now) const;            // requires mu_

  BatchSink* const sink_;
  const IndexerOptions options_;
  const Clock::time_point start_;

  mutable std::mutex mu_;
  std::condition_variable ready_;    // the thread waits for batches
  std::condition_variable room_;     // producers wait for room
  std::condition_variable written_;  // WaitFor waits for the watermark
  std::deque<IndexBatch> queue_;     // GUARDED_BY(mu_)
  std::deque<size_t> queue_sizes_;   // GUARDED_BY(mu_): bytes per entry
  uint64_t queued_bytes_ = 0;        // GUARDED_BY(mu_)
  uint64_t last_enqueued_seq_ = 0;   // GUARDED_BY(mu_)
  uint64_t watermark_ = 0;           // GUARDED_BY(mu_)
  uint64_t batches_written_ = 0;     // GUARDED_BY(mu_)
  uint64_t writes_ = 0;              // GUARDED_BY(mu_)
  bool stopping_ = false;            // GUARDED_BY(mu_)
  bool done_ = false;                // GUARDED_BY(mu_): the thread has ended
  Status error_;                     // GUARDED_BY(mu_)
  std::array<int64_t, kRateSeconds> rate_second_{};  // GUARDED_BY(mu_)
  std::array<uint64_t, kRateSeconds> rate_count_{};  // GUARDED_BY(mu_)

  std::mutex stop_mu_;  // one Stop joins, the others wait for it
  std::thread thread_;
};

}  // namespace meridian::store

#endif  // MERIDIAN_STORE_INDEXER_H_
