#include "engine/sequencer.h"

#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>

#include "engine/command.h"
#include "journal/snapshot_file.h"

namespace meridian::engine {

// One batch between the sequencer thread and the journal thread.
struct Sequencer::InFlight {
  bool has_record = true;  // false: a shutdown snapshot with no batch
  // What the sequencer decided: seq, command index, count, time. The journal
  // thread turns it into the record (hashes, CRCs) off the apply thread.
  journal::BatchHeader header;
  std::vector<std::vector<uint8_t>> commands;
  journal::Journal::Record record;
  std::vector<Callback> callbacks;
  std::vector<CommandReply> replies;  // set with `applied`
  BatchOutput output;                 // set with `applied`, when wanted
  bool applied = false;               // GUARDED_BY(Sequencer::mu_)
  // A snapshot to write once this batch is durable (empty: none).
  std::vector<uint8_t> snapshot_body;
  journal::SnapshotMeta snapshot_meta{};
};

namespace {

int64_t SystemClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string JournalDir(const std::string& data_dir) {
  return data_dir + "/journal";
}
std::string SnapshotDir(const std::string& data_dir) {
  return data_dir + "/snapshots";
}

// Applies replayed batches on its own thread, in order, from a short queue
// of copies (the journal's views are only valid during its callback).
class ReplayApplier {
 public:
  using OutputFn = std::function<void(const BatchOutput&)>;
  ReplayApplier(StateMachine* state, OutputFn on_output,
                uint64_t output_after_seq)
      : state_(state),
        on_output_(std::move(on_output)),
        output_after_seq_(output_after_seq),
        thread_([this] { Run(); }) {}
  ~ReplayApplier() { Finish(); }

  Status Push(const journal::Batch& batch) {
    Copy copy;
    copy.header = batch.header;
    size_t total = 0;
    for (const auto& c : batch.commands) total += c.size();
    copy.bytes.reserve(total);
    for (const auto& c : batch.commands) {
      copy.ends.push_back(copy.bytes.size() + c.size());
      copy.bytes.insert(copy.bytes.end(), c.begin(), c.end());
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kDepth; });
    queue_.push_back(std::move(copy));
    cv_.notify_all();
    return Status::Ok();
  }

  // Waits until everything pushed is applied.
  void Finish() {
    {
      std::unique_lock lock(mu_);
      done_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }
  uint64_t batches() const { return batches_; }
  uint64_t events() const { return events_; }

 private:
  struct Copy {
    journal::BatchHeader header;
    std::vector<uint8_t> bytes;
    std::vector<size_t> ends;  // where each command ends in `bytes`
  };
  static constexpr size_t kDepth = 4;

  void Run() {
    std::vector<std::span<const uint8_t>> spans;
    while (true) {
      Copy copy;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        copy = std::move(queue_.front());
        queue_.pop_front();
        cv_.notify_all();
      }
      spans.clear();
      size_t begin = 0;
      for (size_t end : copy.ends) {
        spans.emplace_back(copy.bytes.data() + begin, end - begin);
        begin = end;
      }
      uint64_t before = state_->events_applied();
      const bool want = on_output_ && copy.header.seq > output_after_seq_;
      state_->Apply(copy.header, spans, nullptr, want ? &output_ : nullptr);
      if (want) on_output_(output_);
      ++batches_;
      events_ += state_->events_applied() - before;
    }
  }

  StateMachine* state_;
  OutputFn on_output_;
  uint64_t output_after_seq_;
  BatchOutput output_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Copy> queue_;  // GUARDED_BY(mu_)
  bool done_ = false;       // GUARDED_BY(mu_)
  uint64_t batches_ = 0;    // applier thread only until Finish()
  uint64_t events_ = 0;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

Sequencer::Sequencer(SequencerOptions options)
    : options_(std::move(options)),
      state_(options_.state_machine),
      queue_(options_.queue_limits) {}

Result<std::unique_ptr<Sequencer>> Sequencer::Open(SequencerOptions options) {
  if (options.data_dir.empty()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "data_dir",
                     "name the directory that holds the journal");
  }
  if (options.max_batch_commands == 0 || options.pipeline_depth == 0) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "max_batch_commands",
                     "batch bounds and pipeline depth must be at least 1");
  }
  if (!options.clock_ns) options.clock_ns = SystemClockNs;
  // Every batch must fit one journal record, and every record one segment;
  // the largest single command must fit on its own.
  const uint64_t max_record_bytes = std::min<uint64_t>(
      journal::kMaxRecordBytesLimit,
      options.segment_size_bytes > journal::kFirstRecordOffset
          ? options.segment_size_bytes - journal::kFirstRecordOffset
          : 0);
  if (journal::RecordBytes(1, kMaxCommandBytes) > max_record_bytes) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "segment_size_bytes",
                     "a segment must hold the largest command (" +
                         std::to_string(kMaxCommandBytes) +
                         " bytes) plus "
                         "headers; use at least 2 MiB");
  }
  const uint64_t overhead = journal::RecordBytes(options.max_batch_commands, 0);
  options.max_batch_bytes = std::min<uint64_t>(
      options.max_batch_bytes,
      max_record_bytes > overhead ? max_record_bytes - overhead : 0);
  std::error_code ec;
  std::filesystem::create_directories(SnapshotDir(options.data_dir), ec);
  if (ec) {
    return MakeError(
        ErrorCode::kIO_ERROR, "data_dir",
        "cannot create " + SnapshotDir(options.data_dir) + ": " + ec.message());
  }
  std::unique_ptr<Sequencer> s(new Sequencer(options));
  auto started = std::chrono::steady_clock::now();

  journal::ReplayStart start;
  MERIDIAN_ASSIGN_OR_RETURN(
      std::optional<journal::Snapshot> snapshot,
      journal::LoadNewestSnapshot(SnapshotDir(options.data_dir)));
  // When the read model is behind the snapshot, replay everything so that
  // it sees every batch after its watermark.
  const bool skip_snapshot = snapshot.has_value() && options.on_batch_output &&
                             snapshot->meta.seq > options.output_after_seq;
  s->recovery_.snapshot_skipped = skip_snapshot;
  if (snapshot.has_value() && !skip_snapshot) {
    MERIDIAN_ASSIGN_OR_RETURN(
        s->state_,
        StateMachine::Deserialize(snapshot->body, options.state_machine));
    if (s->state_.StateHash() != snapshot->meta.state_hash ||
        s->state_.applied_seq() != snapshot->meta.seq) {
      return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                       "snapshot " + std::to_string(snapshot->meta.seq) +
                           ": the state does not match its recorded hash");
    }
    start = journal::ReplayStartAfter(snapshot->meta);
    s->recovery_.snapshot_seq = snapshot->meta.seq;
  }

  journal::JournalOptions journal_options;
  journal_options.dir = JournalDir(options.data_dir);
  journal_options.sync = options.sync;
  journal_options.segment_size_bytes = options.segment_size_bytes;
  journal_options.max_record_bytes = static_cast<uint32_t>(std::min<uint64_t>(
      journal::kMaxRecordBytesLimit,
      options.segment_size_bytes - journal::kFirstRecordOffset));
  // Replay on both cores: the journal reads and verifies (CRCs, hash
  // chain, Merkle roots) batch N+1 while this applier applies batch N.
  StateMachine& state = s->state_;
  RecoveryInfo& recovery = s->recovery_;
  ReplayApplier applier(&state, options.on_batch_output,
                        options.output_after_seq);
  Result<std::unique_ptr<journal::Journal>> opened = journal::Journal::Open(
      journal_options, start,
      [&](const journal::Batch& batch) { return applier.Push(batch); });
  applier.Finish();
  recovery.batches_replayed = applier.batches();
  recovery.events_replayed = applier.events();
  if (!opened.ok()) return opened.error();
  s->journal_ = std::move(opened).value();
  // Recovered state must balance before anything new is applied to it.
  MERIDIAN_RETURN_IF_ERROR(state.ledger().VerifyInvariants());
  recovery.replay_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  s->durable_seq_ = state.applied_seq();
  s->sequencer_thread_ = std::thread([p = s.get()] {
    pthread_setname_np(pthread_self(), "sequencer");
    p->SequencerLoop();
  });
  s->journal_thread_ = std::thread([p = s.get()] {
    pthread_setname_np(pthread_self(), "journal");
    p->JournalLoop();
  });
  return s;
}

Sequencer::~Sequencer() { Shutdown(); }

Status Sequencer::TrySubmit(std::vector<uint8_t> command, Callback callback) {
  MERIDIAN_RETURN_IF_ERROR(ValidateCommandShape(command));
  return queue_.TryPush({std::move(command), std::move(callback), nullptr});
}

Status Sequencer::Submit(std::vector<uint8_t> command, Callback callback) {
  MERIDIAN_RETURN_IF_ERROR(ValidateCommandShape(command));
  return queue_.Push({std::move(command), std::move(callback), nullptr});
}

CommandReply Sequencer::SubmitAndWait(std::vector<uint8_t> command) {
  std::promise<CommandReply> promise;
  std::future<CommandReply> future = promise.get_future();
  Status s = Submit(std::move(command), [&promise](CommandReply&& reply) {
    promise.set_value(std::move(reply));
  });
  if (!s.ok()) {
    CommandReply reply;
    reply.status = s;
    return reply;
  }
  return future.get();
}

void Sequencer::Read(const std::function<void(const StateMachine&)>& fn) {
  std::promise<void> done;
  std::future<void> future = done.get_future();
  Status s = queue_.Push({{}, nullptr, [&] {
                            fn(state_);
                            done.set_value();
                          }});
  if (!s.ok()) {  // shut down: both threads are gone, the state is still
    fn(state_);
    return;
  }
  future.get();
}

Status Sequencer::ReadAsync(std::function<void(const StateMachine&)> fn) {
  return queue_.TryPush(
      {{}, nullptr, [this, fn = std::move(fn)] { fn(state_); }});
}

void Sequencer::SequencerLoop() {
  std::vector<CommandQueue::Item> items;
  std::vector<std::span<const uint8_t>> spans;
  uint64_t last_seq = state_.applied_seq();
  uint64_t next_command_index = state_.next_command_index();
  int64_t last_time_ns = state_.last_batch_time_ns();
  while (queue_.PopBatch(options_.max_batch_commands, options_.max_batch_bytes,
                         &items)) {
    if (items.front().read) {
      WaitDurable(last_seq);
      items.front().read();
      continue;
    }
    std::shared_ptr<InFlight> f;
    {
      std::unique_lock lock(mu_);
      if (!free_.empty()) {
        f = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!f) f = std::make_shared<InFlight>();
    spans.clear();
    f->callbacks.reserve(items.size());
    for (CommandQueue::Item& item : items) {
      f->commands.push_back(std::move(item.command));
      spans.emplace_back(f->commands.back());
      f->callbacks.push_back(std::move(item.callback));
    }
    // The batch time never goes backwards, whatever the clock does.
    last_time_ns = std::max(options_.clock_ns(), last_time_ns + 1);
    f->header = journal::BatchHeader{};
    f->header.seq = ++last_seq;
    f->header.first_command_index = next_command_index;
    f->header.command_count = static_cast<uint32_t>(items.size());
    f->header.time_ns = last_time_ns;
    next_command_index += items.size();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock,
               [&] { return in_flight_.size() < options_.pipeline_depth; });
      in_flight_.push_back(f);
      cv_.notify_all();
    }
    // Apply while the journal thread encodes and writes: replies wait for
    // durability.
    std::vector<CommandReply> replies;
    replies.reserve(items.size());
    auto t0 = std::chrono::steady_clock::now();
    state_.Apply(f->header, spans, &replies,
                 options_.on_batch_output ? &f->output : nullptr);
    apply_ns_total_.fetch_add((std::chrono::steady_clock::now() - t0).count(),
                              std::memory_order_relaxed);
    batches_.fetch_add(1, std::memory_order_relaxed);
    commands_.fetch_add(items.size(), std::memory_order_relaxed);
    if (options_.snapshot_every_batches != 0 &&
        last_seq % options_.snapshot_every_batches == 0) {
      // The full O(state) invariant check rides along with the O(state)
      // snapshot: a broken ledger stops here instead of being persisted.
      state_.ledger().CheckInvariants();
      f->snapshot_body = state_.Serialize();
      f->snapshot_meta.state_hash =
          Sha256(std::span<const uint8_t>(f->snapshot_body));
    }
    {
      std::unique_lock lock(mu_);
      f->replies = std::move(replies);
      f->applied = true;
      cv_.notify_all();
    }
  }
  // Drained. The shutdown snapshot rides behind the last batch.
  std::unique_lock lock(mu_);
  if (options_.snapshot_at_shutdown && state_.applied_seq() > 0) {
    auto f = std::make_shared<InFlight>();
    f->has_record = false;
    f->applied = true;
    state_.ledger().CheckInvariants();
    f->snapshot_body = state_.Serialize();
    f->snapshot_meta.state_hash =
        Sha256(std::span<const uint8_t>(f->snapshot_body));
    f->snapshot_meta.seq = state_.applied_seq();
    f->snapshot_meta.next_command_index = state_.next_command_index();
    f->snapshot_meta.time_ns = state_.last_batch_time_ns();
    in_flight_.push_back(f);
  }
  sequencer_done_ = true;
  cv_.notify_all();
}

void Sequencer::JournalLoop() {
  while (true) {
    std::shared_ptr<InFlight> f;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !in_flight_.empty() || sequencer_done_; });
      if (in_flight_.empty()) return;
      f = in_flight_.front();
    }
    if (f->has_record) {
      auto t0 = std::chrono::steady_clock::now();
      std::vector<std::span<const uint8_t>> spans(f->commands.begin(),
                                                  f->commands.end());
      journal_->PrepareInto(f->header.time_ns, spans, &f->record);
      // The journal's chain and the sequencer's numbering must agree.
      MERIDIAN_CHECK(f->record.header.seq == f->header.seq &&
                     f->record.header.first_command_index ==
                         f->header.first_command_index)
          << "journal at seq " << f->record.header.seq << ", sequencer at "
          << f->header.seq;
      auto t1 = std::chrono::steady_clock::now();
      prepare_ns_total_.fetch_add((t1 - t0).count(), std::memory_order_relaxed);
      journal_bytes_.fetch_add(f->record.bytes.size(),
                               std::memory_order_relaxed);
      t0 = t1;
      Result<journal::Position> written = journal_->Write(f->record);
      // Not durable, and the state machine has moved past it: stop before
      // anyone is told anything. Recovery replays what is on disk.
      MERIDIAN_CHECK(written.ok())
          << "journal write failed: " << written.error().ToString();
      fsync_ns_total_.fetch_add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::steady_clock::now() - t0)
              .count(),
          std::memory_order_relaxed);
    }
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return f->applied; });
    }
    if (!f->snapshot_body.empty()) {
      journal::SnapshotMeta& meta = f->snapshot_meta;
      if (f->has_record) {
        const journal::BatchHeader& h = f->record.header;
        meta.seq = h.seq;
        meta.next_command_index = h.first_command_index + h.command_count;
        meta.time_ns = h.time_ns;
        meta.last_batch_hash = journal::BatchHash(h);
      }
      if (!f->has_record) meta.last_batch_hash = journal_->last_hash();
      meta.next_position = journal_->end_position();
      Status s = journal::WriteSnapshot(SnapshotDir(options_.data_dir), meta,
                                        f->snapshot_body);
      // A missing snapshot costs replay time, not data: log and go on.
      if (s.ok()) {
        snapshots_.fetch_add(1, std::memory_order_relaxed);
      } else {
        std::fprintf(stderr, "meridian: snapshot %llu not written: %s\n",
                     static_cast<unsigned long long>(meta.seq),
                     s.ToString().c_str());
      }
    }
    if (f->has_record && options_.on_batch_output) {
      options_.on_batch_output(f->output);
    }
    if (f->has_record) {
      for (size_t i = 0; i < f->callbacks.size(); ++i) {
        if (f->callbacks[i]) f->callbacks[i](std::move(f->replies[i]));
      }
    }
    f->callbacks.clear();
    f->replies.clear();
    f->commands.clear();
    f->snapshot_body.clear();
    f->snapshot_body.shrink_to_fit();
    std::unique_lock lock(mu_);
    if (f->has_record) durable_seq_ = f->header.seq;
    f->applied = false;
    in_flight_.pop_front();
    if (f->has_record && free_.size() < options_.pipeline_depth) {
      free_.push_back(std::move(f));
    }
    cv_.notify_all();
  }
}

void Sequencer::WaitDurable(uint64_t seq) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return durable_seq_ >= seq; });
}

void Sequencer::Shutdown() {
  std::unique_lock lock(shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  queue_.Close();
  if (sequencer_thread_.joinable()) sequencer_thread_.join();
  if (journal_thread_.joinable()) journal_thread_.join();
}

SequencerStats Sequencer::stats() const {
  SequencerStats s;
  s.batches = batches_.load(std::memory_order_relaxed);
  s.commands = commands_.load(std::memory_order_relaxed);
  s.journal_bytes = journal_bytes_.load(std::memory_order_relaxed);
  s.snapshots = snapshots_.load(std::memory_order_relaxed);
  s.fsync_ns_total = fsync_ns_total_.load(std::memory_order_relaxed);
  s.prepare_ns_total = prepare_ns_total_.load(std::memory_order_relaxed);
  s.apply_ns_total = apply_ns_total_.load(std::memory_order_relaxed);
  {
    std::unique_lock lock(mu_);
    s.durable_seq = durable_seq_;
  }
  return s;
}

}  // namespace meridian::engine
