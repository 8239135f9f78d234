// CpmWorker: calls wallets' authorize endpoints for consumer-presented
// (CPM) payments, outside the engine (spec/network.md, "CPM").
//
// The engine holds the payment's money and answers PROCESSING; the gateway
// then hands the call here. A worker thread POSTs the wallet's authorize
// endpoint (signed like a webhook, `Meridian-Signature`, with the secret
// the participant got at admission), waits at most `timeout_ms`, and turns
// an S or F answer into a journaled kResolveCpm command. Timeout, U or a
// broken answer leave the payment PROCESSING: the acquirer hears U, and
// the worker inquires again every `inquiry_every_ms` (the same call, with
// "inquiry": true) until an answer comes or the hold lapses (the engine
// then voids it and tells both sides; the worker sends a tick command
// just past the lapse so that this happens on an idle hub too).
//
// The wallet's answer: {"result": "S" | "F" | "U"} with HTTP 200.
//
// Bounded: at most `max_queued` calls wait; past that Authorize refuses
// with RATE_LIMITED (the hold then lapses on its own).
//
// Thread-safety: Authorize from any thread; Start/Stop from one.
#ifndef MERIDIAN_API_CPM_WORKER_H_
#define MERIDIAN_API_CPM_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/secrets.h"
#include "core/int128.h"
#include "core/status.h"
#include "engine/sequencer.h"

namespace meridian::api {

struct CpmWorkerOptions {
  int threads = 8;  // calls block up to timeout_ms each
  uint32_t timeout_ms = 3000;
  uint32_t inquiry_every_ms = 2000;
  size_t max_queued = 10'000;
};

class CpmWorker {
 public:
  // How the first call ended: the engine's reply to the resolve command,
  // or nullopt when the wallet did not answer S or F in time.
  using Done = std::function<void(std::optional<engine::CommandReply>)>;

  struct Call {
    u128 payment;
    u128 wallet;
    std::string url;
    std::string body;  // JSON without the "inquiry" flag
    int64_t hold_expires_ns = 0;
    Done done;  // for the first call only
  };

  CpmWorker(CpmWorkerOptions options, engine::Sequencer* sequencer,
            const NodeSecrets* secrets, u128 operator_id);
  ~CpmWorker();
  void Start();
  void Stop();

  Status Authorize(Call call);

  uint64_t calls() const { return calls_.load(); }
  uint64_t timeouts() const { return timeouts_.load(); }

 private:
  struct Job {
    Call call;
    bool inquiry = false;
    // Not a call: a tick command just past the hold's lapse, so that the
    // engine fails the payment and tells both sides even when no other
    // traffic comes.
    bool tick = false;
  };
  void Run();
  // S/F/U from the wallet, or nullopt for no usable answer.
  std::optional<char> CallWallet(const Job& job);
  void Resolve(Job job, bool success);

  CpmWorkerOptions options_;
  engine::Sequencer* sequencer_;
  const NodeSecrets* secrets_;
  u128 operator_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> ready_;                  // GUARDED_BY(mu_)
  std::multimap<int64_t, Job> inquiries_;  // GUARDED_BY(mu_): due -> job
  bool stopping_ = false;                  // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> calls_{0};
  std::atomic<uint64_t> timeouts_{0};
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_CPM_WORKER_H_
