// Sequencer: turns concurrent requests into one durable, ordered history and
// applies it.
//
//   gateway threads --TryPush--> CommandQueue --> sequencer thread
//     sequencer thread: take every waiting command (bounded by count and
//       bytes), number the batch and stamp it with the time, hand it to the
//       journal thread, apply it to the StateMachine
//     journal thread: encode the batch's record (Merkle root, CRCs, hash
//       chain), write it, fdatasync, then (and only then) run each
//       command's callback with its reply
//
// So a reply of success always means the batch is on disk: the callback
// cannot run before its record's fdatasync returned. Applying while the
// previous batch is still being synced keeps both cores busy; a failed write
// is fatal (the process stops before anyone is told anything), because the
// state machine already moved past a batch that is not durable.
//
// Recovery (Open): the newest valid snapshot (its state hash checked), then
// every journal batch after it, through the same StateMachine::Apply.
// Snapshots: every `snapshot_every_batches` batches and at Shutdown, written
// by the journal thread only after the batch they include is durable.
//
//   SequencerOptions options;
//   options.data_dir = "/var/lib/meridian";
//   MERIDIAN_ASSIGN_OR_RETURN(auto sequencer, Sequencer::Open(options));
//   CommandReply reply = sequencer->SubmitAndWait(EncodeCreateTransfers(ts));
//   sequencer->Read([](const StateMachine& s) { ... });
//   sequencer->Shutdown();  // drains, snapshots
#ifndef MERIDIAN_ENGINE_SEQUENCER_H_
#define MERIDIAN_ENGINE_SEQUENCER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "engine/command_queue.h"
#include "engine/state_machine.h"
#include "journal/journal.h"

namespace meridian::engine {

struct SequencerOptions {
  std::string data_dir;  // journal/ and snapshots/ live below it
  // Batch bounds: one journal record, one fdatasync.
  uint32_t max_batch_commands = 8192;
  uint64_t max_batch_bytes = 8ull << 20;
  CommandQueue::Limits queue_limits;
  // Batches prepared but not yet durable. 2 lets apply(N+1) overlap the
  // fdatasync of N; more only adds memory.
  uint32_t pipeline_depth = 2;
  // 0: only at Shutdown.
  uint64_t snapshot_every_batches = 100'000;
  bool snapshot_at_shutdown = true;
  bool sync = true;  // false only for tests and benchmarks that say so
  // Each segment is zero-filled when created; 64 MiB keeps start-up quick.
  uint64_t segment_size_bytes = 64ull << 20;
  StateMachineOptions state_machine;
  // The sequencer's clock (Unix ns). Tests inject their own. The engine never
  // reads a clock; only this stamp does.
  std::function<int64_t()> clock_ns;
  // What each batch changed (StateMachine::Apply's BatchOutput), for the
  // read model, the webhook worker and the key cache. Live batches: on the
  // journal thread once durable, before the batch's callbacks run (so a
  // reply never overtakes its effects). Recovery: for replayed batches with
  // seq > output_after_seq, on the replay thread; when the newest snapshot
  // is past output_after_seq, recovery replays from the journal's start so
  // that no batch is missed. Must be quick or apply backpressure.
  std::function<void(const BatchOutput&)> on_batch_output;
  uint64_t output_after_seq = UINT64_MAX;
};

struct RecoveryInfo {
  uint64_t snapshot_seq = 0;  // 0: no snapshot, replayed from the start
  uint64_t batches_replayed = 0;
  uint64_t events_replayed = 0;
  bool snapshot_skipped = false;  // replayed from the start for the outputs
  double replay_seconds = 0;      // statistics, not money
};

struct SequencerStats {
  uint64_t batches = 0;
  uint64_t commands = 0;
  uint64_t journal_bytes = 0;
  uint64_t durable_seq = 0;
  uint64_t snapshots = 0;
  uint64_t fsync_ns_total = 0;    // time in Journal::Write (write+fdatasync)
  uint64_t prepare_ns_total = 0;  // encoding, hashing, CRC
  uint64_t apply_ns_total = 0;    // the state machine
};

class Sequencer {
 public:
  using Callback = CommandQueue::Callback;

  // Recovers the state from DATA_DIR and starts the two threads.
  static Result<std::unique_ptr<Sequencer>> Open(SequencerOptions options);
  ~Sequencer();  // Shutdown()
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // Queues a command. The callback runs on the journal thread once the
  // command's batch is durable and applied; it must be quick (hand off).
  // Errors (nothing queued, callback not called): INVALID_PARAMETER for a
  // malformed command, QUEUE_FULL, SHUTTING_DOWN.
  Status TrySubmit(std::vector<uint8_t> command, Callback callback);
  // The same, waiting for room in the queue instead of QUEUE_FULL.
  Status Submit(std::vector<uint8_t> command, Callback callback);
  // Submit and wait for the reply (an error reply if it could not be queued).
  CommandReply SubmitAndWait(std::vector<uint8_t> command);

  // Runs `fn` on the sequencer thread between batches, after every command
  // submitted before it has been applied and made durable, and waits for it.
  void Read(const std::function<void(const StateMachine&)>& fn);
  // The same without waiting: `fn` runs later on the sequencer thread (it
  // must be quick: copy what it needs, hand the rest off). QUEUE_FULL or
  // SHUTTING_DOWN when it could not be queued (then it never runs).
  Status ReadAsync(std::function<void(const StateMachine&)> fn);

  // Stops accepting, drains the queue, waits for durability, writes the
  // shutdown snapshot. Idempotent.
  void Shutdown();

  const RecoveryInfo& recovery() const { return recovery_; }
  SequencerStats stats() const;
  size_t queue_depth() const { return queue_.depth(); }

 private:
  struct InFlight;
  explicit Sequencer(SequencerOptions options);
  void SequencerLoop();
  void JournalLoop();
  void WaitDurable(uint64_t seq);

  const SequencerOptions options_;
  StateMachine state_;
  std::unique_ptr<journal::Journal> journal_;
  CommandQueue queue_;
  RecoveryInfo recovery_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<InFlight>> in_flight_;  // GUARDED_BY(mu_)
  // Finished InFlights, reused so record buffers (MiBs) are not allocated,
  // zeroed and faulted in again for every batch.
  std::vector<std::shared_ptr<InFlight>> free_;  // GUARDED_BY(mu_)
  bool sequencer_done_ = false;                  // GUARDED_BY(mu_)
  uint64_t durable_seq_ = 0;                     // GUARDED_BY(mu_)
  // Reads waiting for the next gap between batches.
  std::vector<std::function<void()>> reads_;  // GUARDED_BY(mu_)

  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> commands_{0};
  std::atomic<uint64_t> journal_bytes_{0};
  std::atomic<uint64_t> snapshots_{0};
  std::atomic<uint64_t> fsync_ns_total_{0};
  std::atomic<uint64_t> prepare_ns_total_{0};
  std::atomic<uint64_t> apply_ns_total_{0};

  std::mutex shutdown_mu_;
  bool shut_down_ = false;  // GUARDED_BY(shutdown_mu_)
  std::thread sequencer_thread_;
  std::thread journal_thread_;
};

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_SEQUENCER_H_
