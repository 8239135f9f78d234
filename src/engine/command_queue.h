// CommandQueue: the bounded multi-producer, single-consumer queue between the
// gateway's threads and the sequencer.
//
// Bounded twice, by command count and by bytes, so a burst cannot take the
// process's memory. Producers choose: TryPush refuses at once with
// QUEUE_FULL (an HTTP handler answers 503 and the client retries with the
// same request id); Push waits for room (benchmarks, tools). The consumer
// takes everything waiting, up to its batch bounds, in one lock.
//
//   CommandQueue queue({.max_commands = 65536, .max_bytes = 256 << 20});
//   queue.TryPush({bytes, callback});
//   std::vector<CommandQueue::Item> batch;
//   while (queue.PopBatch(8192, 8 << 20, &batch)) { ... }
//   queue.Close();  // producers get SHUTTING_DOWN; PopBatch drains, then false
#ifndef MERIDIAN_ENGINE_COMMAND_QUEUE_H_
#define MERIDIAN_ENGINE_COMMAND_QUEUE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "core/status.h"
#include "engine/state_machine.h"

namespace meridian::engine {

class CommandQueue {
 public:
  using Callback = std::function<void(CommandReply&&)>;
  struct Item {
    std::vector<uint8_t> command;
    Callback callback;
    // Set instead of command/callback: a read that runs between batches.
    std::function<void()> read;
  };
  struct Limits {
    uint32_t max_commands = 65536;
    uint64_t max_bytes = 256ull << 20;
  };

  explicit CommandQueue(Limits limits) : limits_(limits) {}

  // QUEUE_FULL when either bound would be passed; SHUTTING_DOWN once closed.
  Status TryPush(Item&& item) {
    std::unique_lock lock(mu_);
    if (closed_) return ShuttingDown();
    if (!HasRoom(item)) {
      return MakeError(ErrorCode::kQUEUE_FULL, "",
                       "the engine is at capacity; retry with the same "
                       "request id");
    }
    Add(std::move(item));
    return Status::Ok();
  }

  // Waits for room. SHUTTING_DOWN once closed.
  Status Push(Item&& item) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return closed_ || HasRoom(item); });
    if (closed_) return ShuttingDown();
    Add(std::move(item));
    return Status::Ok();
  }

  // Waits for at least one item, then moves up to max_commands items (and,
  // after the first, up to max_bytes) into *out; a read item comes alone.
  // False once closed and empty.
  bool PopBatch(uint32_t max_commands, uint64_t max_bytes,
                std::vector<Item>* out) {
    out->clear();
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    uint64_t bytes = 0;
    while (!items_.empty() && out->size() < max_commands) {
      // A read ends the batch before it and travels alone.
      if (items_.front().read) {
        if (out->empty()) {
          out->push_back(std::move(items_.front()));
          items_.pop_front();
        }
        break;
      }
      uint64_t size = items_.front().command.size();
      if (!out->empty() && bytes + size > max_bytes) break;
      bytes += size;
      bytes_ -= size;
      out->push_back(std::move(items_.front()));
      items_.pop_front();
    }
    room_.notify_all();
    return true;
  }

  void Close() {
    std::unique_lock lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

  size_t depth() const {
    std::unique_lock lock(mu_);
    return items_.size();
  }

 private:
  static Error ShuttingDown() {
    return MakeError(ErrorCode::kSHUTTING_DOWN, "",
                     "the engine is shutting down; retry against the restarted "
                     "server with the same request id");
  }
  bool HasRoom(const Item& item) const {
    // An oversize item is let in alone so it cannot wait forever.
    if (items_.empty()) return true;
    return items_.size() < limits_.max_commands &&
           bytes_ + item.command.size() <= limits_.max_bytes;
  }
  void Add(Item&& item) {
    bytes_ += item.command.size();
    items_.push_back(std::move(item));
    ready_.notify_one();
  }

  const Limits limits_;
  mutable std::mutex mu_;
  std::condition_variable ready_;  // consumer waits for items
  std::condition_variable room_;   // producers wait for room
  std::deque<Item> items_;         // GUARDED_BY(mu_)
  uint64_t bytes_ = 0;             // GUARDED_BY(mu_)
  bool closed_ = false;            // GUARDED_BY(mu_)
};

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_COMMAND_QUEUE_H_
