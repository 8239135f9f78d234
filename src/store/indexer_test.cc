#include "store/indexer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/testing/temp_dir.h"
#include "store/read_model.h"
#include "store/testing/records.h"

namespace meridian::store {
namespace {

using namespace std::chrono_literals;
using testing::MakeTransfer;

// Records what it is asked to write; Write can be held at a gate, and made
// to fail at a given batch.
class FakeSink : public BatchSink {
 public:
  uint64_t watermark() const override {
    std::lock_guard lock(mu_);
    return watermark_;
  }

  Status Write(std::span<const IndexBatch> batches) override {
    std::unique_lock lock(mu_);
    ++writes_started_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    std::vector<uint64_t> seqs;
    for (const IndexBatch& b : batches) {
      if (b.batch_seq == fail_at_) {
        return MakeError(ErrorCode::kIO_ERROR, "", "disk on fire");
      }
      if (b.batch_seq > watermark_) seqs.push_back(b.batch_seq);
    }
    if (!seqs.empty()) watermark_ = seqs.back();
    writes_.push_back(seqs);
    return Status::Ok();
  }

  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  void FailAt(uint64_t seq) {
    std::lock_guard lock(mu_);
    fail_at_ = seq;
  }
  // Waits until `n` writes have begun (and are perhaps held at the gate).
  void AwaitWritesStarted(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return writes_started_ >= n; });
  }
  std::vector<std::vector<uint64_t>> writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool open_ = true;                           // GUARDED_BY(mu_)
  uint64_t watermark_ = 0;                     // GUARDED_BY(mu_)
  uint64_t fail_at_ = 0;                       // GUARDED_BY(mu_)
  int writes_started_ = 0;                     // GUARDED_BY(mu_)
  std::vector<std::vector<uint64_t>> writes_;  // GUARDED_BY(mu_)
};

IndexBatch Batch(uint64_t seq, size_t body_bytes = 0) {
  IndexBatch b{.batch_seq = seq};
  if (body_bytes > 0) {
    b.objects.push_back(
        {.kind = 1, .id = seq, .body = std::string(body_bytes, 'b')});
  }
  return b;
}

TEST(IndexerTest, WritesEverythingAndWaitForSeesIt) {
  FakeSink sink;
  Indexer indexer(&sink);
  for (uint64_t seq = 1; seq <= 500; ++seq) {
    ASSERT_TRUE(indexer.Enqueue(Batch(seq)).ok());
  }
  Status s = indexer.WaitFor(500);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(sink.watermark(), 500u);
  EXPECT_TRUE(indexer.WaitFor(1).ok());  // long since written
  Indexer::Stats stats = indexer.stats();
  EXPECT_EQ(stats.batches_written, 500u);
  EXPECT_EQ(stats.watermark, 500u);
  EXPECT_EQ(stats.lag_batches, 0u);
  EXPECT_EQ(stats.queued_batches, 0u);
  EXPECT_EQ(stats.queued_bytes, 0u);
  EXPECT_GT(stats.batches_per_second, 0);
  EXPECT_TRUE(stats.last_error.ok());
  // Every batch once, in order, whatever the grouping.
  std::vector<uint64_t> all;
  for (const auto& w : sink.writes()) all.insert(all.end(), w.begin(), w.end());
  ASSERT_EQ(all.size(), 500u);
  for (uint64_t i = 0; i < 500; ++i) EXPECT_EQ(all[i], i + 1);
  EXPECT_EQ(stats.writes, sink.writes().size());
  EXPECT_TRUE(indexer.Stop().ok());
}

TEST(IndexerTest, GroupsQueuedBatchesIntoOneWrite) {
  FakeSink sink;
  Indexer indexer(&sink, {.max_batches_per_write = 4});
  sink.Close();
  ASSERT_TRUE(indexer.Enqueue(Batch(1)).ok());
  sink.AwaitWritesStarted(1);  // batch 1 is held in Write
  for (uint64_t seq = 2; seq <= 10; ++seq) {
    ASSERT_TRUE(indexer.Enqueue(Batch(seq)).ok());
  }
  EXPECT_EQ(indexer.stats().queued_batches, 9u);
  EXPECT_EQ(indexer.stats().lag_batches, 10u);
  sink.Open();
  ASSERT_TRUE(indexer.WaitFor(10).ok());
  std::vector<std::vector<uint64_t>> expected = {
      {1}, {2, 3, 4, 5}, {6, 7, 8, 9}, {10}};
  EXPECT_EQ(sink.writes(), expected);
}

TEST(IndexerTest, BytesBoundPerWriteTakesAtLeastOne) {
  FakeSink sink;
  Indexer indexer(&sink, {.max_bytes_per_write = 1000});
  sink.Close();
  ASSERT_TRUE(indexer.Enqueue(Batch(1)).ok());
  sink.AwaitWritesStarted(1);
  ASSERT_TRUE(indexer.Enqueue(Batch(2, 5000)).ok());  // over the bound alone
  ASSERT_TRUE(indexer.Enqueue(Batch(3, 400)).ok());
  ASSERT_TRUE(indexer.Enqueue(Batch(4, 400)).ok());
  ASSERT_TRUE(indexer.Enqueue(Batch(5, 400)).ok());
  sink.Open();
  ASSERT_TRUE(indexer.WaitFor(5).ok());
  std::vector<std::vector<uint64_t>> expected = {{1}, {2}, {3}, {4}, {5}};
  // 400-byte bodies plus the batch's own size: two would pass 1000.
  EXPECT_EQ(sink.writes().size(), 5u);
  EXPECT_EQ(sink.writes(), expected);
}

// A full queue blocks the producer until the writer makes room: memory
// stays bounded by count and by bytes.
TEST(IndexerTest, EnqueueBlocksWhenFull) {
  for (bool by_bytes : {false, true}) {
    SCOPED_TRACE(by_bytes ? "bytes" : "count");
    FakeSink sink;
    IndexerOptions options{.max_queued_batches = by_bytes ? 1000u : 3u,
                           .max_queued_bytes = by_bytes ? 10'000u : 1u << 30};
    Indexer indexer(&sink, options);
    sink.Close();
    ASSERT_TRUE(indexer.Enqueue(Batch(1)).ok());
    sink.AwaitWritesStarted(1);
    for (uint64_t seq = 2; seq <= 4; ++seq) {
      ASSERT_TRUE(indexer.Enqueue(Batch(seq, 3000)).ok());
    }
    std::atomic<bool> enqueued{false};
    std::thread producer([&] {
      EXPECT_TRUE(indexer.Enqueue(Batch(5, 3000)).ok());
      enqueued = true;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(enqueued.load());
    Indexer::Stats stats = indexer.stats();
    EXPECT_EQ(stats.queued_batches, 3u);
    EXPECT_LE(stats.queued_bytes, options.max_queued_bytes);
    sink.Open();
    producer.join();
    EXPECT_TRUE(enqueued.load());
    EXPECT_TRUE(indexer.WaitFor(5).ok());
  }
}

TEST(IndexerTest, AnOversizeBatchIsLetInAlone) {
  FakeSink sink;
  Indexer indexer(&sink, {.max_queued_bytes = 100});
  ASSERT_TRUE(indexer.Enqueue(Batch(1, 10'000)).ok());
  EXPECT_TRUE(indexer.WaitFor(1).ok());
}

TEST(IndexerTest, StopDrainsTheQueueThenRefuses) {
  FakeSink sink;
  Indexer indexer(&sink);
  sink.Close();
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    ASSERT_TRUE(indexer.Enqueue(Batch(seq)).ok());
  }
  sink.AwaitWritesStarted(1);
  std::thread stopper([&] { EXPECT_TRUE(indexer.Stop().ok()); });
  std::this_thread::sleep_for(20ms);
  sink.Open();
  stopper.join();
  EXPECT_EQ(sink.watermark(), 20u);
  EXPECT_EQ(indexer.Enqueue(Batch(21)).code(), ErrorCode::kSHUTTING_DOWN);
  EXPECT_TRUE(indexer.WaitFor(20).ok());
  EXPECT_EQ(indexer.WaitFor(21).code(), ErrorCode::kSHUTTING_DOWN);
  EXPECT_TRUE(indexer.Stop().ok());  // again: nothing to do
}

TEST(IndexerTest, WaitForTimesOut) {
  FakeSink sink;
  Indexer indexer(&sink);
  Status s = indexer.WaitFor(1, 30ms);
  EXPECT_EQ(s.code(), ErrorCode::kNOT_READY);
  ASSERT_TRUE(indexer.Enqueue(Batch(1)).ok());
  EXPECT_TRUE(indexer.WaitFor(1, 10s).ok());
}

// A failed write stops the indexer: nothing after it is written (no gap in
// the read model), and producers and waiters get the error.
TEST(IndexerTest, WriteErrorStopsWithoutSkipping) {
  FakeSink sink;
  sink.FailAt(3);
  Indexer indexer(&sink, {.max_batches_per_write = 1});
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    Status s = indexer.Enqueue(Batch(seq));
    ASSERT_TRUE(s.ok() || s.code() == ErrorCode::kIO_ERROR) << s.ToString();
  }
  Status waited = indexer.WaitFor(5);
  EXPECT_EQ(waited.code(), ErrorCode::kIO_ERROR);
  EXPECT_NE(waited.ToString().find("disk on fire"), std::string::npos);
  EXPECT_TRUE(indexer.WaitFor(2).ok());
  EXPECT_EQ(sink.watermark(), 2u);
  EXPECT_EQ(indexer.Enqueue(Batch(6)).code(), ErrorCode::kIO_ERROR);
  Indexer::Stats stats = indexer.stats();
  EXPECT_EQ(stats.last_error.code(), ErrorCode::kIO_ERROR);
  EXPECT_EQ(stats.queued_batches, 0u);
  EXPECT_EQ(stats.watermark, 2u);
  EXPECT_EQ(indexer.status().code(), ErrorCode::kIO_ERROR);
  EXPECT_EQ(indexer.Stop().code(), ErrorCode::kIO_ERROR);
  for (const auto& w : sink.writes()) {
    for (uint64_t seq : w) EXPECT_LT(seq, 3u);
  }
}

TEST(IndexerTest, OrderIsCheckedAndRedeliveriesAreDropped) {
  FakeSink sink;
  {
    Indexer first(&sink);
    for (uint64_t seq = 1; seq <= 5; ++seq) {
      ASSERT_TRUE(first.Enqueue(Batch(seq)).ok());
    }
    ASSERT_TRUE(first.Stop().ok());
  }
  // A restarted indexer: the journal replays from before the watermark.
  Indexer indexer(&sink);
  EXPECT_EQ(indexer.stats().watermark, 5u);
  for (uint64_t seq = 3; seq <= 7; ++seq) {
    ASSERT_TRUE(indexer.Enqueue(Batch(seq)).ok());
  }
  ASSERT_TRUE(indexer.WaitFor(7).ok());
  EXPECT_TRUE(indexer.Enqueue(Batch(7)).ok());  // written: dropped
  EXPECT_TRUE(indexer.Enqueue(Batch(4)).ok());
  ASSERT_TRUE(indexer.Enqueue(Batch(9)).ok());  // gaps are fine
  ASSERT_TRUE(indexer.WaitFor(9).ok());
  // Queued but not yet written (the sink holds it): a duplicate, and one
  // that comes too late, are producer bugs.
  sink.Close();
  ASSERT_TRUE(indexer.Enqueue(Batch(11)).ok());
  EXPECT_EQ(indexer.Enqueue(Batch(11)).code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(indexer.Enqueue(Batch(10)).code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_TRUE(indexer.Enqueue(Batch(8)).ok());  // below the watermark
  sink.Open();
  ASSERT_TRUE(indexer.WaitFor(11).ok());
  std::vector<uint64_t> all;
  for (const auto& w : sink.writes()) all.insert(all.end(), w.begin(), w.end());
  EXPECT_EQ(all, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 9, 11}));
}

// End to end with RocksDB, with several producers' worth of data.
TEST(IndexerTest, FillsTheReadModel) {
  ::meridian::testing::TempDir dir;
  auto opened = ReadModel::Open({.path = dir.path() + "/store"});
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  std::unique_ptr<ReadModel> model = std::move(opened).value();
  Indexer indexer(model.get(), {.max_queued_batches = 8});
  uint64_t timestamp = 1;
  for (uint64_t seq = 1; seq <= 200; ++seq) {
    IndexBatch batch{.batch_seq = seq};
    for (int i = 0; i < 50; ++i) {
      batch.transfers.push_back(
          MakeTransfer(timestamp, 1 + timestamp % 10, 100, timestamp));
      ++timestamp;
    }
    ASSERT_TRUE(indexer.Enqueue(std::move(batch)).ok());
  }
  ASSERT_TRUE(indexer.WaitFor(200).ok());
  EXPECT_EQ(model->watermark(), 200u);
  EXPECT_EQ(model->stats().transfers, 10'000u);
  auto page = model->TransfersByAccount({.account_id = 100, .limit = 100});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->data.front().id, 10'000u);
  EXPECT_TRUE(page->has_more);
  ASSERT_TRUE(indexer.Stop().ok());

  // A batch the read model refuses stops the indexer, the rest unwritten.
  Indexer second(model.get());
  IndexBatch bad{.batch_seq = 201};
  bad.requests = {{.request_key = std::string(kMaxRequestKeyBytes + 1, 'k')}};
  ASSERT_TRUE(second.Enqueue(std::move(bad)).ok());
  EXPECT_EQ(second.WaitFor(201).code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(model->watermark(), 200u);
}

}  // namespace
}  // namespace meridian::store
