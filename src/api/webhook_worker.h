// WebhookWorker: delivers the engine's outbox to the principals' endpoints.
//
// The engine decides which event goes to which endpoint and keeps every
// delivery pending until a kRecordDeliveries command says how an attempt
// went; this worker only carries out attempts. It learns about deliveries
// from the engine's batch outputs (and, at start, from the engine's state),
// POSTs the event with a `Meridian-Signature` header, and reports each
// outcome back as a command. After a crash the engine still has every
// delivery it was not told about, so delivery is at least once; receivers
// drop duplicates by event id.
//
// Retries follow spec/api.md: 0 s, 2 m, 10 m, 10 m, 1 h, 2 h, 6 h, 15 h
// (`retry_schedule_ms`, shorter in tests); after the last, the engine marks
// the delivery failed.
//
// Thread-safety: Schedule and Load from any thread; Start/Stop from one.
#ifndef MERIDIAN_API_WEBHOOK_WORKER_H_
#define MERIDIAN_API_WEBHOOK_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/secrets.h"
#include "engine/api_state.h"
#include "engine/sequencer.h"

namespace meridian::api {

struct WebhookOptions {
  std::vector<int64_t> retry_schedule_ms = {0,          120'000,   600'000,
                                            600'000,    3'600'000, 7'200'000,
                                            21'600'000, 54'000'000};
  uint32_t timeout_ms = 5000;
  int threads = 2;
};

class WebhookWorker {
 public:
  WebhookWorker(WebhookOptions options, engine::Sequencer* sequencer,
                const NodeSecrets* secrets);
  ~WebhookWorker();

  void Start();
  void Stop();

  // From the engine (state at start, then each batch's output).
  void Load(const engine::ApiState& state);
  void Update(const engine::ApiOutput& out);

  uint64_t backlog() const;  // deliveries waiting
  uint64_t attempts() const { return attempts_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  struct Due {
    int64_t at_ns;
    u128 event_id;
    u128 endpoint_id;
    auto operator<=>(const Due&) const = default;
  };
  struct Pending {
    std::string body;
    uint16_t attempts = 0;
    int64_t due_at_ns = -1;  // its entry in due_; -1 while being attempted
  };
  void ScheduleLocked(const engine::Event& e);
  void Run();

  const WebhookOptions options_;
  engine::Sequencer* sequencer_;
  const NodeSecrets* secrets_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<Due> due_;  // GUARDED_BY(mu_)
  // (event, endpoint) -> what to send; present while the engine says pending.
  std::map<std::pair<u128, u128>, Pending> pending_;  // GUARDED_BY(mu_)
  std::map<u128, std::string> urls_;                  // GUARDED_BY(mu_)
  bool stop_ = false;                                 // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> attempts_{0};
  std::atomic<uint64_t> failures_{0};
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_WEBHOOK_WORKER_H_
