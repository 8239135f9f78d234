// The gateway's internals shared by the files that define handlers
// (service.cc for the platform routes, fx_routes.cc for FX, …): the
// request context, answer helpers and ApiService::Impl itself. Not a public
// header: only src/api includes it.
#ifndef MERIDIAN_API_INTERNAL_SERVICE_IMPL_H_
#define MERIDIAN_API_INTERNAL_SERVICE_IMPL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/auth_cache.h"
#include "api/cpm_worker.h"
#include "api/http/server.h"
#include "api/json/json_reader.h"
#include "api/json/json_writer.h"
#include "api/metrics/registry.h"
#include "api/render.h"
#include "api/screening.h"
#include "api/secrets.h"
#include "api/service.h"
#include "api/webhook_worker.h"
#include "core/id.h"
#include "engine/sequencer.h"
#include "store/indexer.h"
#include "store/read_model.h"

namespace meridian::api {

using engine::CommandReply;
using engine::StateMachine;

inline int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Everything a handler needs about its request.
struct Ctx {
  http::Request* request;
  const http::PathParams* params;
  std::shared_ptr<http::Responder> responder;
  Caller caller;
  std::string route;

  void Send(http::Response r) const {
    std::move(*responder).Send(std::move(r));
  }
  void Fail(const Error& e) const { Send(ErrorResponse(e)); }
};

// Renders a reply into the answer; runs on the journal thread.
using Renderer = std::function<http::Response(const CommandReply&)>;

inline http::Response RenderStatusOnly(const CommandReply& reply) {
  return ErrorResponse(reply.status.error());
}

// {"result": SUCCESS, "<key>": <what write_value writes>}.
template <typename Fn>
http::Response OkWith(int status, std::string_view key, Fn write_value) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  WriteResult(w, Status::Ok());
  w.Key(key);
  write_value(w);
  w.EndObject();
  return JsonResponse(status, std::move(body));
}

// {"result": SUCCESS, "data": [...], "hasMore": has_more}: spec/api.md's lists.
template <typename Range, typename Fn>
http::Response OkList(const Range& items, bool has_more, Fn write_item) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  WriteResult(w, Status::Ok());
  w.Key("data").BeginArray();
  for (const auto& item : items) write_item(w, item);
  w.EndArray();
  w.Key("hasMore").Bool(has_more);
  w.EndObject();
  return JsonResponse(200, std::move(body));
}

// A party of a payment to screen (compliance_routes.cc).
struct ScreenedParty {
  compliance::CaseParty party;
  std::optional<compliance::EntityType> type;
};
Result<ScreenedParty> ParseScreenedParty(json::ObjectReader& r, bool with_role);

// ?limit=1..100&startingAfter=<id>: spec/api.md's lists.
struct ListArgs {
  uint32_t limit = 20;
  std::optional<u128> starting_after;
};

inline Result<ListArgs> ParseListArgs(const http::Request& req, IdKind kind) {
  ListArgs args;
  if (std::optional<std::string> limit = req.QueryParam("limit")) {
    std::optional<u128> v = ParseU128(*limit);
    if (!v || *v < 1 || *v > 100) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "limit",
                       "limit is 1 to 100");
    }
    args.limit = static_cast<uint32_t>(*v);
  }
  if (std::optional<std::string> after = req.QueryParam("startingAfter")) {
    MERIDIAN_ASSIGN_OR_RETURN(u128 id, ParseId(kind, *after, "startingAfter"));
    args.starting_after = id;
  }
  return args;
}

class ApiService::Impl {
 public:
  explicit Impl(ServiceOptions options) : options_(std::move(options)) {}

  Status Start();
  void Stop();
  uint16_t port() const { return server_->port(); }

  ServiceOptions options_;
  std::optional<std::string> first_operator_key_;
  std::vector<std::pair<std::string, std::string>> routes_;

 private:
  enum class Access { kPublic, kAuthenticated, kOperator };
  using Fn = std::function<void(Ctx&)>;

  void Route(http::Router& router, std::string_view method,
             std::string_view pattern, std::string name, Access access, Fn fn);
  // A handler member as a route's function.
  Fn Bind(void (Impl::*handler)(Ctx&)) {
    return [this, handler](Ctx& c) { (this->*handler)(c); };
  }
  std::optional<Error> Authenticate(const http::Request& req, Caller* out);
  void Submit(Ctx& ctx, std::vector<uint8_t> command,
              std::optional<std::string_view> request_key, Renderer render);
  // The same, handing the reply and the responder to `then` (on the
  // journal thread; it must hand long work off) instead of rendering.
  void SubmitThen(
      Ctx& ctx, std::vector<uint8_t> command,
      std::optional<std::string_view> request_key,
      std::function<void(CommandReply, std::shared_ptr<http::Responder>)>
          then);
  void ReadEngine(Ctx& ctx,
                  std::function<http::Response(const StateMachine&)> fn);
  // The Idempotency-Key header, if sent and well formed.
  static Result<std::optional<std::string_view>> IdempotencyKey(const Ctx& ctx);
  void OnBatchOutput(const engine::BatchOutput& out);
  Status Bootstrap();
  void AddRoutes(http::Router& router);

  // Handlers.
  void CreateAccounts(Ctx& ctx);
  void CreateTransfers(Ctx& ctx);
  void GetAccount(Ctx& ctx);
  void ListAccountTransfers(Ctx& ctx);
  void GetTransfer(Ctx& ctx);
  void CreatePrincipal(Ctx& ctx);
  void GetPrincipal(Ctx& ctx);
  void ListPrincipals(Ctx& ctx);
  void CreateKey(Ctx& ctx);
  void RevokeKey(Ctx& ctx);
  void CreateEndpoint(Ctx& ctx);
  void ListEndpoints(Ctx& ctx);
  void GetEndpoint(Ctx& ctx);
  void DeleteEndpoint(Ctx& ctx);
  void TestEndpoint(Ctx& ctx);
  void GetEvent(Ctx& ctx);
  void ListEvents(Ctx& ctx);
  void Metrics(Ctx& ctx);

  // FX (fx_routes.cc).
  void AddFxRoutes(http::Router& router);
  void PostFxRates(Ctx& ctx);
  void GetFxRates(Ctx& ctx);
  void PutFxPricing(Ctx& ctx);
  void GetFxPricing(Ctx& ctx);
  void PutInterestRates(Ctx& ctx);
  void GetInterestRates(Ctx& ctx);
  void GetForward(Ctx& ctx);
  void CreateQuote(Ctx& ctx);
  void GetQuote(Ctx& ctx);
  void CreateConversion(Ctx& ctx);
  void GetConversion(Ctx& ctx);
  void GetPositions(Ctx& ctx);

  // Compliance (compliance_routes.cc).
  void AddComplianceRoutes(http::Router& router);
  void ListCases(Ctx& ctx);
  void GetCase(Ctx& ctx);
  void DecideCase(Ctx& ctx);
  void ScreenName(Ctx& ctx);
  void ListLists(Ctx& ctx);
  void ReloadLists(Ctx& ctx);
  void GetAmlConfig(Ctx& ctx);
  void PutAmlConfig(Ctx& ctx);

  // Risk (risk_routes.cc).
  void AddRiskRoutes(http::Router& router);
  // Journals the shipped rules and model when the engine has none.
  Status BootstrapRisk(u128 operator_id);
  void CreateAssessment(Ctx& ctx);
  void GetAssessment(Ctx& ctx);
  void ReportRiskOutcome(Ctx& ctx);
  void GetMerchantRisk(Ctx& ctx);
  void GetRiskRules(Ctx& ctx);
  void PutRiskRules(Ctx& ctx);
  // Network (network_routes.cc).
  void AddNetworkRoutes(http::Router& router);
  void CreateParticipant(Ctx& ctx);
  void ListParticipants(Ctx& ctx);
  void GetParticipant(Ctx& ctx);
  void CreateMerchant(Ctx& ctx);
  void GetMerchant(Ctx& ctx);
  void GetMerchantQrPng(Ctx& ctx);
  void GetMerchantQrSvg(Ctx& ctx);
  void MerchantQr(Ctx& ctx, bool png);
  void CreateOrder(Ctx& ctx);
  void IdentifyCode(Ctx& ctx);
  void CreateNetQuote(Ctx& ctx);
  void PayMpm(Ctx& ctx);
  void PayCpm(Ctx& ctx);
  void FindNetPayment(Ctx& ctx);
  void GetNetPayment(Ctx& ctx);
  void ConfirmNetPayment(Ctx& ctx);
  void CancelNetPayment(Ctx& ctx);
  void CreateRefund(Ctx& ctx);
  void GetRefund(Ctx& ctx);
  void CloseWindow(Ctx& ctx);
  void SandboxAuthorize(Ctx& ctx);
  void CreatePromotion(Ctx& ctx);
  void ListPromotions(Ctx& ctx);
  void GetPromotion(Ctx& ctx);
  void EndPromotion(Ctx& ctx);
  void GetPayerLimits(Ctx& ctx);
  void PutPayerLimits(Ctx& ctx);
  std::unique_ptr<CpmWorker> cpm_;
  struct SandboxSleeper {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex sandbox_mu_;
  std::condition_variable sandbox_cv_;
  std::vector<SandboxSleeper> sandbox_threads_;  // GUARDED_BY(sandbox_mu_)
  bool sandbox_stopping_ = false;                // GUARDED_BY(sandbox_mu_)
  u128 operator_id_ = 0;

  // The parties of a payment screened; a hold-for-review command instead of
  // `transfers` when one hits, else nullopt (the payment goes on).
  std::optional<std::vector<uint8_t>> HoldIfListed(
      const Ctx& ctx, const std::vector<ScreenedParty>& parties,
      std::span<const ledger::Transfer> transfers, u128* case_id);

  std::optional<NodeSecrets> secrets_;
  std::unique_ptr<Screening> screening_;
  std::thread reload_thread_;
  std::atomic<bool> reloading_{false};
  std::unique_ptr<store::ReadModel> read_model_;
  std::unique_ptr<store::Indexer> indexer_;
  std::unique_ptr<engine::Sequencer> sequencer_;
  std::unique_ptr<WebhookWorker> webhooks_;
  std::atomic<WebhookWorker*> webhooks_live_{nullptr};
  std::unique_ptr<http::Server> server_;
  AuthCache auth_;
  IdGenerator ids_;
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> durable_seq_{0};

  metrics::Registry metrics_;
  metrics::Histogram* batch_size_ = nullptr;
  metrics::CounterFamily* requests_ = nullptr;
  metrics::HistogramFamily* latency_ = nullptr;
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_INTERNAL_SERVICE_IMPL_H_
