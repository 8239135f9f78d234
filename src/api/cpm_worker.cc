#include "api/cpm_worker.h"

#include <chrono>

#include "api/auth/webhook_signature.h"
#include "api/http/client.h"
#include "api/json/json_reader.h"
#include "engine/command.h"
#include "network/network_commands.h"

namespace meridian::api {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CpmWorker::CpmWorker(CpmWorkerOptions options, engine::Sequencer* sequencer,
                     const NodeSecrets* secrets, u128 operator_id)
    : options_(options),
      sequencer_(sequencer),
      secrets_(secrets),
      operator_id_(operator_id) {}

CpmWorker::~CpmWorker() { Stop(); }

void CpmWorker::Start() {
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] { Run(); });
  }
}

void CpmWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

Status CpmWorker::Authorize(Call call) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return MakeError(ErrorCode::kSHUTTING_DOWN, "", "the server is stopping");
    }
    if (ready_.size() + inquiries_.size() >= options_.max_queued) {
      return MakeError(ErrorCode::kRATE_LIMITED, "",
                       "too many wallet calls waiting; retry later");
    }
    ready_.push_back(Job{std::move(call), false});
  }
  cv_.notify_one();
  return Status::Ok();
}

void CpmWorker::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        if (stopping_) return;
        if (!ready_.empty()) {
          job = std::move(ready_.front());
          ready_.pop_front();
          break;
        }
        const int64_t now = NowNs();
        if (!inquiries_.empty() && inquiries_.begin()->first <= now) {
          job = std::move(inquiries_.begin()->second);
          inquiries_.erase(inquiries_.begin());
          break;
        }
        if (inquiries_.empty()) {
          cv_.wait(lock);
        } else {
          cv_.wait_for(
              lock, std::chrono::nanoseconds(inquiries_.begin()->first - now));
        }
      }
    }
    if (job.tick) {
      (void)sequencer_->Submit(
          engine::NewApiCommand(engine::CommandType::kNetworkTick,
                                network::EncodeTick()),
          nullptr);
      continue;
    }
    std::optional<char> answer = CallWallet(job);
    if (answer == 'S' || answer == 'F') {
      Resolve(std::move(job), *answer == 'S');
      continue;
    }
    if (!job.inquiry && job.call.done) {
      Done done = std::move(job.call.done);
      job.call.done = nullptr;
      done(std::nullopt);
    }
    // Ask again while the hold stands; the engine voids it at the lapse.
    const int64_t next =
        NowNs() + static_cast<int64_t>(options_.inquiry_every_ms) * 1'000'000;
    std::lock_guard<std::mutex> lock(mu_);
    if (next < job.call.hold_expires_ns) {
      job.inquiry = true;
      inquiries_.emplace(next, std::move(job));
    } else {
      job.tick = true;
      inquiries_.emplace(job.call.hold_expires_ns + 250'000'000,
                         std::move(job));
    }
  }
}

std::optional<char> CpmWorker::CallWallet(const Job& job) {
  calls_.fetch_add(1, std::memory_order_relaxed);
  std::string body = job.call.body;
  if (job.inquiry && !body.empty() && body.back() == '}') {
    body.pop_back();
    body += ",\"inquiry\":true}";
  }
  http::HttpClient client;
  const std::string signature = auth::SignWebhook(
      secrets_->WebhookSecret(job.call.wallet), NowNs() / 1'000'000'000, body);
  Result<http::ClientResponse> r = client.Do(
      "POST", job.call.url,
      {{"Content-Type", "application/json"}, {"Meridian-Signature", signature}},
      body, options_.timeout_ms);
  if (!r.ok() || r->status != 200) {
    timeouts_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  Result<json::JsonBody> parsed = json::JsonBody::Parse(r->body);
  if (!parsed.ok()) return std::nullopt;
  json::ObjectReader root = parsed->root();
  Result<std::string_view> result = root.String("result", 1, 1);
  if (!result.ok()) return std::nullopt;
  const char c = (*result)[0];
  if (c != 'S' && c != 'F' && c != 'U') return std::nullopt;
  return c;
}

void CpmWorker::Resolve(Job job, bool success) {
  network::ResolveCpm v;
  v.payment = job.call.payment;
  v.by = operator_id_;
  v.success = success;
  v.source = job.inquiry ? network::ResolveSource::kInquiry
                         : network::ResolveSource::kAuthorize;
  Done done = job.inquiry ? nullptr : std::move(job.call.done);
  Status s =
      sequencer_->Submit(engine::NewApiCommand(engine::CommandType::kResolveCpm,
                                               network::EncodeResolveCpm(v)),
                         [done](engine::CommandReply reply) {
                           if (done) done(std::move(reply));
                         });
  if (!s.ok() && done) done(std::nullopt);
}

}  // namespace meridian::api
