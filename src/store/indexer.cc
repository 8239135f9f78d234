#include "store/indexer.h"

#include <pthread.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace meridian::store {
namespace {

Error ShuttingDown(uint64_t batch_seq) {
  return MakeError(ErrorCode::kSHUTTING_DOWN, "",
                   "the indexer is stopping; batch " +
                       std::to_string(batch_seq) +
                       " is not in the read model (it is replayed from the "
                       "journal on restart)");
}

}  // namespace

Indexer::Indexer(BatchSink* sink, IndexerOptions options)
    : sink_(sink), options_(options), start_(Clock::now()) {
  rate_second_.fill(-1);
  watermark_ = sink_->watermark();
  last_enqueued_seq_ = watermark_;
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "indexer");
}

Indexer::~Indexer() { (void)Stop(); }

Status Indexer::Enqueue(IndexBatch batch) {
  const size_t bytes = ApproximateBytes(batch);
  std::unique_lock lock(mu_);
  if (!error_.ok()) return error_;
  if (stopping_) return ShuttingDown(batch.batch_seq);
  if (batch.batch_seq <= last_enqueued_seq_) {
    // At or below the watermark: a re-delivery after a restart, already in
    // the read model. Above it, the order is broken: a producer bug.
    if (batch.batch_seq <= watermark_) return Status::Ok();
    return MakeError(ErrorCode::kINVALID_PARAMETER, "batch_seq",
                     "batch_seq " + std::to_string(batch.batch_seq) +
                         " does not follow the last one enqueued, " +
                         std::to_string(last_enqueued_seq_));
  }
  room_.wait(lock, [&] {
    return stopping_ || !error_.ok() || queue_.empty() ||
           (queue_.size() < options_.max_queued_batches &&
            queued_bytes_ + bytes <= options_.max_queued_bytes);
  });
  if (!error_.ok()) return error_;
  if (stopping_) return ShuttingDown(batch.batch_seq);
  if (batch.batch_seq <= last_enqueued_seq_) {
    // Another producer got in first with a later batch while this one
    // waited for room: queueing it now would put it out of order.
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, "batch_seq",
        "batch_seq " + std::to_string(batch.batch_seq) + " was overtaken by " +
            std::to_string(last_enqueued_seq_) + "; enqueue from one thread");
  }
  last_enqueued_seq_ = batch.batch_seq;
  queue_.push_back(std::move(batch));
  queue_sizes_.push_back(bytes);
  queued_bytes_ += bytes;
  ready_.notify_one();
  return Status::Ok();
}

Status Indexer::WaitFor(uint64_t batch_seq) {
  std::unique_lock lock(mu_);
  return WaitForLocked(batch_seq, lock, std::nullopt);
}

Status Indexer::WaitFor(uint64_t batch_seq, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return WaitForLocked(batch_seq, lock, Clock::now() + timeout);
}

Status Indexer::WaitForLocked(uint64_t batch_seq,
                              std::unique_lock<std::mutex>& lock,
                              std::optional<Clock::time_point> deadline) {
  auto settled = [&] {
    return watermark_ >= batch_seq || !error_.ok() || done_;
  };
  if (deadline.has_value()) {
    if (!written_.wait_until(lock, *deadline, settled)) {
      return MakeError(ErrorCode::kNOT_READY, "",
                       "the read model has not reached batch " +
                           std::to_string(batch_seq) + " yet (it is at " +
                           std::to_string(watermark_) + "); retry shortly");
    }
  } else {
    written_.wait(lock, settled);
  }
  if (watermark_ >= batch_seq) return Status::Ok();
  if (!error_.ok()) return error_;
  return ShuttingDown(batch_seq);
}

Status Indexer::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    ready_.notify_all();
    room_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  return status();
}

Status Indexer::status() const {
  std::lock_guard lock(mu_);
  return error_;
}

Indexer::Stats Indexer::stats() const {
  std::lock_guard lock(mu_);
  return {.queued_batches = queue_.size(),
          .queued_bytes = queued_bytes_,
          .watermark = watermark_,
          .lag_batches = last_enqueued_seq_ > watermark_
                             ? last_enqueued_seq_ - watermark_
                             : 0,
          .batches_written = batches_written_,
          .writes = writes_,
          .batches_per_second = RateLocked(Clock::now()),
          .last_error = error_};
}

void Indexer::Run() {
  std::vector<IndexBatch> work;
  while (true) {
    work.clear();
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and drained
      uint64_t bytes = 0;
      while (!queue_.empty() && work.size() < options_.max_batches_per_write) {
        size_t size = queue_sizes_.front();
        if (!work.empty() && bytes + size > options_.max_bytes_per_write) {
          break;
        }
        bytes += size;
        queued_bytes_ -= size;
        work.push_back(std::move(queue_.front()));
        queue_.pop_front();
        queue_sizes_.pop_front();
      }
      room_.notify_all();
    }
    // The write runs without the lock, so producers keep queueing while the
    // disk works: that is where several batches per write come from.
    Status written = sink_->Write(work);
    std::lock_guard lock(mu_);
    if (!written.ok()) {
      error_ = written;
      // Nothing after the watermark may be written now (it would leave a
      // gap), so what is queued can only be replayed from the journal.
      queue_.clear();
      queue_sizes_.clear();
      queued_bytes_ = 0;
      room_.notify_all();
      break;
    }
    watermark_ = sink_->watermark();
    batches_written_ += work.size();
    ++writes_;
    RecordRate(Clock::now(), work.size());
    written_.notify_all();
  }
  std::lock_guard lock(mu_);
  done_ = true;
  written_.notify_all();
  room_.notify_all();
}

void Indexer::RecordRate(Clock::time_point now, uint64_t batches) {
  int64_t second =
      std::chrono::duration_cast<std::chrono::seconds>(now - start_).count();
  size_t slot = static_cast<size_t>(second % kRateSeconds);
  if (rate_second_[slot] != second) {
    rate_second_[slot] = second;
    rate_count_[slot] = 0;
  }
  rate_count_[slot] += batches;
}

double Indexer::RateLocked(Clock::time_point now) const {
  int64_t second =
      std::chrono::duration_cast<std::chrono::seconds>(now - start_).count();
  int64_t first = std::max<int64_t>(0, second - (kRateSeconds - 1));
  uint64_t total = 0;
  for (size_t i = 0; i < rate_second_.size(); ++i) {
    if (rate_second_[i] >= first && rate_second_[i] <= second) {
      total += rate_count_[i];
    }
  }
  // The window runs from the start of second `first` until now.
  double elapsed = std::chrono::duration<double>(
                       now - (start_ + std::chrono::seconds(first)))
                       .count();
  return elapsed > 0 ? static_cast<double>(total) / elapsed : 0;
}

}  // namespace meridian::store
