#include "api/webhook_worker.h"

#include <pthread.h>

#include <chrono>

#include "api/auth/webhook_signature.h"
#include "api/http/client.h"
#include "api/render.h"

namespace meridian::api {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WebhookWorker::WebhookWorker(WebhookOptions options,
                             engine::Sequencer* sequencer,
                             const NodeSecrets* secrets)
    : options_(std::move(options)), sequencer_(sequencer), secrets_(secrets) {
  MERIDIAN_CHECK(!options_.retry_schedule_ms.empty());
}

WebhookWorker::~WebhookWorker() { Stop(); }

void WebhookWorker::Start() {
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "webhooks");
      Run();
    });
  }
}

void WebhookWorker::Stop() {
  {
    std::unique_lock lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void WebhookWorker::ScheduleLocked(const engine::Event& e) {
  std::string body;
  for (const engine::Delivery& d : e.deliveries) {
    auto key = std::make_pair(e.id, d.endpoint_id);
    if (d.state != engine::DeliveryState::kPending) {
      pending_.erase(key);
      continue;
    }
    if (body.empty()) body = EventBody(e);
    Pending& p = pending_[key];
    // The same schedule seen twice (state at start and an output, or two
    // results in one command) must not make two attempts.
    if (p.due_at_ns == d.next_attempt_ns && p.attempts == d.attempts) continue;
    // Being attempted now: the engine's next word on it carries one more
    // attempt; an older schedule (from another endpoint's result) is stale.
    if (p.due_at_ns == -1 && !p.body.empty() && p.attempts == d.attempts) {
      continue;
    }
    if (p.due_at_ns >= 0) due_.erase({p.due_at_ns, e.id, d.endpoint_id});
    p.body = body;
    p.attempts = d.attempts;
    p.due_at_ns = d.next_attempt_ns;
    due_.insert({d.next_attempt_ns, e.id, d.endpoint_id});
  }
}

void WebhookWorker::Load(const engine::ApiState& state) {
  std::unique_lock lock(mu_);
  for (const auto& [id, e] : state.endpoints()) urls_[id] = e.url;
  for (const auto& [id, e] : state.pending_events()) ScheduleLocked(e);
  cv_.notify_all();
}

void WebhookWorker::Update(const engine::ApiOutput& out) {
  if (out.endpoints.empty() && out.events.empty() &&
      out.events_finished.empty()) {
    return;
  }
  std::unique_lock lock(mu_);
  // Deleted endpoints keep their URL: deliveries already promised still go.
  for (const engine::WebhookEndpoint& e : out.endpoints) urls_[e.id] = e.url;
  for (const engine::Event& e : out.events) ScheduleLocked(e);
  for (const engine::Event& e : out.events_finished) {
    for (const engine::Delivery& d : e.deliveries) {
      pending_.erase({e.id, d.endpoint_id});
    }
  }
  cv_.notify_all();
}

uint64_t WebhookWorker::backlog() const {
  std::unique_lock lock(mu_);
  return pending_.size();
}

void WebhookWorker::Run() {
  http::HttpClient client;
  while (true) {
    Due due;
    std::string body, url;
    uint16_t attempts = 0;
    {
      std::unique_lock lock(mu_);
      while (true) {
        if (stop_) return;
        if (!due_.empty()) {
          int64_t wait_ns = due_.begin()->at_ns - NowNs();
          if (wait_ns <= 0) break;
          cv_.wait_for(lock, std::chrono::nanoseconds(
                                 std::min<int64_t>(wait_ns, 1'000'000'000)));
        } else {
          cv_.wait(lock);
        }
      }
      due = *due_.begin();
      due_.erase(due_.begin());
      auto it = pending_.find({due.event_id, due.endpoint_id});
      if (it == pending_.end()) continue;  // finished meanwhile
      body = it->second.body;
      attempts = it->second.attempts;
      it->second.due_at_ns = -1;
      url = urls_[due.endpoint_id];
    }
    const int64_t now = NowNs();
    const std::string signature = auth::SignWebhook(
        secrets_->WebhookSecret(due.endpoint_id), now / 1'000'000'000, body);
    Result<http::ClientResponse> r =
        client.Do("POST", url,
                  {{"Content-Type", "application/json"},
                   {"Meridian-Signature", signature}},
                  body, options_.timeout_ms);
    attempts_.fetch_add(1, std::memory_order_relaxed);
    engine::DeliveryResult result;
    result.event_id = due.event_id;
    result.endpoint_id = due.endpoint_id;
    result.ok = r.ok() && r->status >= 200 && r->status < 300;
    result.http_status = r.ok() ? static_cast<uint16_t>(r->status) : 0;
    if (!result.ok) failures_.fetch_add(1, std::memory_order_relaxed);
    // attempts counts those made before this one; the schedule's entry k is
    // the wait before attempt k (0-based).
    const size_t next =
        std::min<size_t>(attempts + 1, options_.retry_schedule_ms.size() - 1);
    result.next_attempt_ns =
        NowNs() + options_.retry_schedule_ms[next] * 1'000'000;
    // The engine's answer comes back through Update with the new schedule.
    Status s = sequencer_->Submit(
        engine::EncodeRecordDeliveries(std::span(&result, 1)), nullptr);
    if (!s.ok()) return;  // shutting down: the engine still has it pending
  }
}

}  // namespace meridian::api
