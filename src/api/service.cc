#include "api/service.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "api/auth/api_key.h"
#include "api/auth/base64.h"
#include "api/auth/signature.h"
#include "api/auth_cache.h"
#include "api/http/server.h"
#include "api/internal/service_impl.h"
#include "api/json/canonical.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "api/json/json_writer.h"
#include "api/metrics/registry.h"
#include "api/render.h"
#include "api/secrets.h"
#include "core/currency.h"
#include "core/id.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/sequencer.h"
#include "store/indexer.h"
#include "store/read_model.h"

namespace meridian::api {

namespace {

constexpr uint32_t kMaxTransfersPerRequest = 8190;
constexpr uint32_t kMaxAccountsPerRequest = 8190;

uint16_t FlagFromName(std::string_view name, bool account) {
  for (int bit = 0; bit < 16; ++bit) {
    uint16_t f = static_cast<uint16_t>(1u << bit);
    std::string_view n = account ? AccountFlagName(f) : TransferFlagName(f);
    if (!n.empty() && n == name) return f;
  }
  return 0;
}

Result<uint16_t> ParseFlags(json::ObjectReader& r, bool account) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ArrayReader> flags,
                            r.OptionalArray("flags", 16));
  uint16_t out = 0;
  if (!flags) return out;
  for (size_t i = 0; i < flags->size(); ++i) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, flags->String(i, 64));
    uint16_t f = FlagFromName(name, account);
    if (f == 0 || (account && f == ledger::kAccountClosed)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, flags->ItemPath(i),
                       "unknown flag \"" + std::string(name) +
                           "\"; see the OpenAPI document for the flags");
    }
    out |= f;
  }
  return out;
}

Result<u128> ParseOptionalU128(json::ObjectReader& r, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> text,
                            r.OptionalString(key, 39));
  if (!text) return u128{0};
  std::optional<u128> v = ParseU128(*text);
  if (!v) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, r.FieldPath(key),
                     "a decimal string of a 128-bit unsigned number");
  }
  return *v;
}

// Which error a ledger result answers with when it is the whole answer.
ErrorCode LedgerErrorCode(ledger::LedgerResult r) {
  std::string_view name = ledger::LedgerResultName(r);
  if (name == "EXCEEDS_CREDITS" || name == "EXCEEDS_DEBITS") {
    return ErrorCode::kINSUFFICIENT_BALANCE;
  }
  if (name.find("NOT_FOUND") != std::string_view::npos) {
    return ErrorCode::kNOT_FOUND;
  }
  return ErrorCode::kLEDGER_REJECTED;
}

// EXISTS is what a retry of the same event gets: for the caller it is done.
bool LedgerOk(ledger::LedgerResult r) {
  return r == ledger::LedgerResult::kOK || r == ledger::LedgerResult::kEXISTS;
}

// A batch answer: S when every event is done; F (the first failure's code)
// when none is; S with PARTIAL results otherwise.
http::Response RenderLedgerBatch(const CommandReply& reply,
                                 const std::vector<u128>& ids,
                                 std::string_view key, IdKind kind) {
  if (!reply.status.ok()) return ErrorResponse(reply.status.error());
  std::vector<ledger::LedgerResult> results(ids.size(),
                                            ledger::LedgerResult::kOK);
  for (const ledger::EventResult& r : reply.results) {
    if (r.index < results.size()) results[r.index] = r.result;
  }
  size_t failed = 0, first_failed = ids.size();
  for (size_t i = 0; i < results.size(); ++i) {
    if (!LedgerOk(results[i])) {
      ++failed;
      if (first_failed == ids.size()) first_failed = i;
    }
  }
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  int status = 200;
  if (failed == 0) {
    WriteResult(w, Status::Ok());
  } else if (failed == ids.size()) {
    ErrorCode code = LedgerErrorCode(results[first_failed]);
    status = ErrorCodeHttpStatus(code);
    WriteResult(
        w, code, std::string(key) + "[" + std::to_string(first_failed) + "]",
        "refused by the ledger: " +
            std::string(ledger::LedgerResultName(results[first_failed])) +
            " (each item's result says why)");
  } else {
    WriteResult(w, ErrorCode::kSUCCESS, "",
                std::to_string(ids.size() - failed) + " of " +
                    std::to_string(ids.size()) +
                    " succeeded; each item's result says which");
  }
  w.Key(key).BeginArray();
  for (size_t i = 0; i < ids.size(); ++i) {
    w.BeginObject();
    w.Key("id").String(FormatId(kind, ids[i]));
    w.Key("result").String(ledger::LedgerResultName(results[i]));
    if (results[i] == ledger::LedgerResult::kOK) {
      w.Key("timestamp").String(U128ToString(reply.first_timestamp + i));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return JsonResponse(status, std::move(body));
}

Result<engine::EventType> ParseEventType(std::string_view name,
                                         const std::string& path) {
  std::optional<engine::EventType> t = engine::EventTypeFromName(name);
  if (!t) {
    std::string known;
    for (uint16_t i = 1; i <= engine::kMaxEventType; ++i) {
      known += (i > 1 ? ", " : "");
      known += engine::EventTypeName(static_cast<engine::EventType>(i));
    }
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, path,
        "unknown event type \"" + std::string(name) + "\"; known: " + known);
  }
  return *t;
}

// What the read model keeps of a batch: the created records, events (as
// the API renders them, with their delivery state) and request ids.
store::IndexBatch ToIndexBatch(const engine::BatchOutput& out) {
  store::IndexBatch b;
  b.batch_seq = out.batch_seq;
  b.batch_time_ns = out.batch_time_ns;
  b.accounts = out.accounts;
  b.transfers = out.transfers;
  auto add_event = [&](const engine::Event& e) {
    std::string body;
    json::JsonWriter w(&body);
    WriteEventWithDeliveries(w, e);
    b.objects.push_back({static_cast<uint16_t>(IdKind::kEvent), e.principal,
                         e.id, e.created_ns, std::move(body)});
  };
  for (const engine::Event& e : out.api.events) add_event(e);
  for (const engine::Event& e : out.api.events_finished) add_event(e);
  for (const fx::Conversion& c : out.conversions) {
    std::string body;
    json::JsonWriter w(&body);
    WriteFxConversion(w, c);
    b.objects.push_back({static_cast<uint16_t>(IdKind::kConversion),
                         c.principal, c.id, c.created_ns, std::move(body)});
  }
  for (const auto& r : out.api.requests) {
    b.requests.push_back({r.principal, r.request_key, 0, r.object_id});
  }
  return b;
}

}  // namespace

// ---------------------------------------------------------------- plumbing

void ApiService::Impl::Route(http::Router& router, std::string_view method,
                             std::string_view pattern, std::string name,
                             Access access, Fn fn) {
  router.Add(
      method, pattern, name,
      [this, access, name, fn = std::move(fn)](http::Request& req,
                                               const http::PathParams& params,
                                               http::Responder responder) {
        Ctx ctx{&req, &params,
                std::make_shared<http::Responder>(std::move(responder)),
                Caller{}, name};
        // Bodies are JSON (spec/api.md); a form post is a mistake
        // better named than parsed.
        if (!req.body.empty()) {
          std::optional<std::string_view> type = req.Header("content-type");
          if (type && type->substr(0, 16) != "application/json") {
            return ctx.Fail(
                MakeError(ErrorCode::kUNSUPPORTED_MEDIA_TYPE, "Content-Type",
                          "send the body as JSON with Content-Type: "
                          "application/json"));
          }
        }
        if (access != Access::kPublic) {
          if (std::optional<Error> e = Authenticate(req, &ctx.caller)) {
            return ctx.Fail(*e);
          }
          if (access == Access::kOperator && !ctx.caller.is_operator()) {
            return ctx.Fail(MakeError(
                ErrorCode::kACCESS_DENIED, "",
                "only the operator may do this; use the operator's key"));
          }
        }
        fn(ctx);
      });
}

std::optional<Error> ApiService::Impl::Authenticate(const http::Request& req,
                                                    Caller* out) {
  std::optional<std::string_view> header = req.Header("authorization");
  if (!header || header->substr(0, 7) != "Bearer ") {
    return MakeError(ErrorCode::kUNAUTHENTICATED, "Authorization",
                     "send Authorization: Bearer <secret key>");
  }
  std::optional<Caller> caller = auth_.Authenticate(header->substr(7));
  if (!caller) {
    return MakeError(ErrorCode::kUNAUTHENTICATED, "Authorization",
                     "the key is unknown or revoked");
  }
  if (caller->signature != engine::SignatureAlgorithm::kNone) {
    auth::SigningKey key;
    if (caller->signature == engine::SignatureAlgorithm::kHmacSha256) {
      key.algorithm = auth::SigningKey::Algorithm::kHmacSha256;
      key.key_bytes = secrets_->SigningSecret(caller->principal);
    } else {
      key.algorithm = auth::SigningKey::Algorithm::kEd25519;
      key.key_bytes = caller->public_key;
    }
    std::optional<std::string_view> client_id = req.Header("client-id");
    if (!client_id ||
        *client_id != FormatId(IdKind::kPrincipal, caller->principal)) {
      return MakeError(ErrorCode::kINVALID_SIGNATURE, "Client-Id",
                       "this principal signs its requests: send Client-Id "
                       "with its principal id");
    }
    Status s = auth::VerifyRequestSignature(
        req.method, req.target, *client_id,
        req.Header("request-time").value_or(""),
        req.Header("signature").value_or(""), req.body, key, WallNs(),
        options_.signature_window_ns);
    if (!s.ok()) return s.error();
  }
  *out = *caller;
  return std::nullopt;
}

Result<std::optional<std::string_view>> ApiService::Impl::IdempotencyKey(
    const Ctx& ctx) {
  std::optional<std::string_view> key = ctx.request->Header("idempotency-key");
  if (key && !json::ValidRequestId(*key)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "Idempotency-Key",
                     "1 to 64 characters of A-Z, a-z, 0-9, _ and -");
  }
  return key;
}

void ApiService::Impl::Submit(Ctx& ctx, std::vector<uint8_t> command,
                              std::optional<std::string_view> request_key,
                              Renderer render) {
  SubmitThen(ctx, std::move(command), request_key,
             [render = std::move(render)](
                 CommandReply reply,
                 std::shared_ptr<http::Responder> responder) {
               std::move(*responder).Send(render(reply));
             });
}

void ApiService::Impl::SubmitThen(
    Ctx& ctx, std::vector<uint8_t> command,
    std::optional<std::string_view> request_key,
    std::function<void(CommandReply, std::shared_ptr<http::Responder>)> then) {
  engine::Envelope e;
  e.principal = ctx.caller.principal;
  if (request_key) {
    // Byte-equal after canonical JSON: the same request in other
    // whitespace or key order is the same request.
    Result<std::string> canonical = json::CanonicalJson(
        ctx.request->body.empty() ? std::string_view("{}") : ctx.request->body);
    if (!canonical.ok()) return ctx.Fail(canonical.error());
    e.key_fingerprint = engine::RequestKeyFingerprint(ctx.caller.principal,
                                                      ctx.route, *request_key);
    e.body_hash = Sha256(*canonical);
    e.request_key = std::string(*request_key);
  }
  command = engine::EncodeIdempotent(e, command);
  auto responder = ctx.responder;
  Status s = sequencer_->TrySubmit(
      std::move(command),
      [responder, then = std::move(then)](CommandReply reply) {
        then(std::move(reply), responder);
      });
  if (!s.ok()) ctx.Fail(s.error());
}

void ApiService::Impl::ReadEngine(
    Ctx& ctx, std::function<http::Response(const StateMachine&)> fn) {
  auto responder = ctx.responder;
  Status s = sequencer_->ReadAsync(
      [responder, fn = std::move(fn)](const StateMachine& state) {
        std::move(*responder).Send(fn(state));
      });
  if (!s.ok()) ctx.Fail(s.error());
}

void ApiService::Impl::OnBatchOutput(const engine::BatchOutput& out) {
  auth_.Update(out.api);
  if (WebhookWorker* w = webhooks_live_.load()) w->Update(out.api);
  batch_size_->Observe(static_cast<double>(out.transfers.size()));
  store::IndexBatch b = ToIndexBatch(out);
  Status s = indexer_->Enqueue(std::move(b));
  if (!s.ok()) {
    std::fprintf(stderr,
                 "{\"level\":\"error\",\"msg\":\"read model indexer stopped\","
                 "\"error\":\"%s\"}\n",
                 s.ToString().c_str());
  }
  durable_seq_.store(out.batch_seq, std::memory_order_release);
}

// ---------------------------------------------------------------- start

Status ApiService::Impl::Start() {
  MERIDIAN_ASSIGN_OR_RETURN(secrets_,
                            NodeSecrets::LoadOrCreate(options_.data_dir));
  MERIDIAN_ASSIGN_OR_RETURN(
      screening_, Screening::Start(options_.screening, [](std::string_view l) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(l.size()), l.data());
      }));
  MERIDIAN_ASSIGN_OR_RETURN(
      batch_size_, metrics_.AddHistogram("meridian_engine_batch_transfers",
                                         "Transfers created per engine batch.",
                                         {1, 10, 100, 1000, 10000}));
  MERIDIAN_ASSIGN_OR_RETURN(
      requests_,
      metrics_.AddCounterFamily("meridian_http_requests_total",
                                "HTTP requests answered.", {"route", "code"}));
  MERIDIAN_ASSIGN_OR_RETURN(
      latency_,
      metrics_.AddHistogramFamily(
          "meridian_http_request_duration_seconds",
          "From the request's first byte to its answer's last.", {"route"},
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
           0.1, 0.25, 1}));

  store::ReadModelOptions rm;
  rm.path = options_.data_dir + "/store";
  MERIDIAN_ASSIGN_OR_RETURN(read_model_, store::ReadModel::Open(rm));
  indexer_ = std::make_unique<store::Indexer>(read_model_.get());

  engine::SequencerOptions so;
  so.data_dir = options_.data_dir;
  so.sync = options_.sync;
  so.snapshot_every_batches = options_.snapshot_every_batches;
  so.state_machine.api_limits.idempotency_retention_ns =
      options_.idempotency_retention_ns;
  so.state_machine.api_limits.max_idempotency_entries =
      options_.max_idempotency_entries;
  so.state_machine.api_limits.max_delivery_attempts =
      static_cast<uint32_t>(options_.webhooks.retry_schedule_ms.size());
  so.on_batch_output = [this](const engine::BatchOutput& out) {
    OnBatchOutput(out);
  };
  so.output_after_seq = read_model_->watermark();
  MERIDIAN_ASSIGN_OR_RETURN(sequencer_, engine::Sequencer::Open(std::move(so)));

  webhooks_ = std::make_unique<WebhookWorker>(options_.webhooks,
                                              sequencer_.get(), &*secrets_);
  sequencer_->Read([&](const StateMachine& state) {
    auth_.Load(state.api());
    webhooks_->Load(state.api());
    durable_seq_.store(state.applied_seq());
    // From here on, outputs reach the worker; Load and Update both only
    // add, so an event seen twice is scheduled once.
    webhooks_live_.store(webhooks_.get());
  });
  MERIDIAN_RETURN_IF_ERROR(Bootstrap());
  webhooks_->Start();
  cpm_ = std::make_unique<CpmWorker>(options_.cpm, sequencer_.get(),
                                     &*secrets_, operator_id_);
  cpm_->Start();

  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_screening_cache_hits",
      "Screenings answered from the cache since start (same query, same "
      "lists).",
      [this] { return static_cast<double>(screening_->cache_hits()); }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_screening_cache_misses",
      "Screenings that ran the matcher since start.",
      [this] { return static_cast<double>(screening_->cache_misses()); }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_engine_queue_depth", "Commands waiting for the sequencer.",
      [this] { return static_cast<double>(sequencer_->queue_depth()); }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_webhook_backlog", "Webhook deliveries not yet acknowledged.",
      [this] { return static_cast<double>(webhooks_->backlog()); }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_journal_fsync_seconds",
      "Time spent writing and syncing the journal since start (monotonic).",
      [this] { return sequencer_->stats().fsync_ns_total / 1e9; }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_journal_batches", "Batches made durable since start.",
      [this] { return static_cast<double>(sequencer_->stats().batches); }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_journal_fsync_seconds_per_batch",
      "Mean write + fdatasync time per batch since start.", [this] {
        engine::SequencerStats s = sequencer_->stats();
        return s.batches == 0 ? 0.0 : s.fsync_ns_total / 1e9 / s.batches;
      }));
  MERIDIAN_RETURN_IF_ERROR(metrics_.AddGaugeCallback(
      "meridian_read_model_lag_batches", "Batches durable but not yet indexed.",
      [this] {
        uint64_t d = durable_seq_.load();
        uint64_t w = read_model_->watermark();
        return d > w ? static_cast<double>(d - w) : 0.0;
      }));

  http::Router router;
  AddRoutes(router);
  for (const http::Router::RouteInfo& r : router.Routes()) {
    routes_.emplace_back(r.method, r.pattern);
  }
  http::ServerOptions ho;
  ho.host = options_.listen_host;
  ho.port = options_.listen_port;
  ho.io_threads = options_.io_threads;
  ho.max_body_bytes = options_.max_body_bytes;
  ho.max_header_bytes = options_.max_header_bytes;
  ho.max_connections = options_.max_connections;
  ho.request_timeout_ms = options_.request_timeout_ms;
  ho.idle_timeout_ms = options_.idle_timeout_ms;
  ho.error_response = [](const Error& e) { return ErrorResponse(e); };
  const bool log = options_.access_log;
  ho.on_request_done = [this, log](std::string_view route, int status,
                                   int64_t latency_ns) {
    // Once per request: label values as views, nothing allocated.
    std::string_view r = route.empty() ? std::string_view("unmatched") : route;
    char code[8];
    auto [end, ec] = std::to_chars(code, code + sizeof code, status);
    requests_->WithLabels({r, std::string_view(code, end - code)}).Increment();
    latency_->WithLabels({r}).Observe(latency_ns / 1e9);
    // Route names and numbers only: no keys, bodies or names reach logs.
    if (log) {
      std::fprintf(stderr,
                   "{\"level\":\"info\",\"msg\":\"request\",\"route\":\"%.*s\","
                   "\"status\":%d,\"latency_us\":%lld}\n",
                   static_cast<int>(r.size()), r.data(), status,
                   static_cast<long long>(latency_ns / 1000));
    }
  };
  MERIDIAN_ASSIGN_OR_RETURN(
      server_, http::Server::Start(std::move(ho), std::move(router)));
  ready_.store(true);
  return Status::Ok();
}

Status ApiService::Impl::Bootstrap() {
  bool has_operator = false;
  u128 operator_id = 0;
  sequencer_->Read([&](const StateMachine& state) {
    has_operator = state.api().HasOperator();
    for (const auto& [id, p] : state.api().principals()) {
      if (p.kind == engine::PrincipalKind::kOperator) operator_id = id;
    }
  });
  if (!has_operator) {
    operator_id = ids_.Next();
    engine::PrincipalSpec spec{operator_id, engine::PrincipalKind::kOperator,
                               engine::SignatureAlgorithm::kNone, "operator",
                               ""};
    CommandReply r =
        sequencer_->SubmitAndWait(engine::EncodeCreatePrincipal(spec));
    MERIDIAN_RETURN_IF_ERROR(r.status);
  }
  MERIDIAN_RETURN_IF_ERROR(BootstrapRisk(operator_id));
  operator_id_ = operator_id;
  std::string secret;
  u128 key_id = 0;
  if (options_.operator_key) {
    secret = *options_.operator_key;
    if (auth_.Authenticate(secret)) return Status::Ok();  // known already
    // A supplied key has no id inside; name it by its hash.
    Sha256Digest h = auth::HashApiKey(secret);
    std::memcpy(&key_id, h.data() + 16, sizeof key_id);
  } else if (has_operator) {
    return Status::Ok();
  } else {
    key_id = ids_.Next();
    secret = secrets_->ApiKeySecret(key_id);
    first_operator_key_ = secret;
  }
  CommandReply r = sequencer_->SubmitAndWait(engine::EncodeCreateApiKey(
      {key_id, operator_id, auth::HashApiKey(secret)}));
  return r.status;
}

void ApiService::Impl::Stop() {
  ready_.store(false);
  {
    std::lock_guard<std::mutex> lock(sandbox_mu_);
    sandbox_stopping_ = true;
  }
  sandbox_cv_.notify_all();
  for (SandboxSleeper& t : sandbox_threads_) t.thread.join();
  sandbox_threads_.clear();
  if (server_) server_->Stop();
  webhooks_live_.store(nullptr);
  if (webhooks_) webhooks_->Stop();
  if (cpm_) cpm_->Stop();
  if (sequencer_) sequencer_->Shutdown();
  if (indexer_) (void)indexer_->Stop();
  if (reload_thread_.joinable()) reload_thread_.join();
}

// ---------------------------------------------------------------- routes

void ApiService::Impl::AddRoutes(http::Router& r) {
  using A = Access;
  Route(r, "GET", "/healthz", "GET /healthz", A::kPublic, [](Ctx& c) {
    c.Send(JsonResponse(
        200,
        R"({"result":{"status":"S","code":"SUCCESS","message":"alive"}})"));
  });
  Route(r, "GET", "/readyz", "GET /readyz", A::kPublic, [this](Ctx& c) {
    if (!ready_.load()) {
      return c.Fail(
          MakeError(ErrorCode::kNOT_READY, "", "starting or stopping"));
    }
    c.Send(JsonResponse(
        200,
        R"({"result":{"status":"S","code":"SUCCESS","message":"ready"}})"));
  });
  Route(r, "GET", "/metrics", "GET /metrics", A::kPublic,
        [this](Ctx& c) { Metrics(c); });
  Route(r, "GET", "/v1/openapi.json", "GET /v1/openapi.json", A::kPublic,
        [](Ctx& c) { c.Send(JsonResponse(200, OpenApiDocument())); });

  Route(r, "POST", "/v1/ledger/accounts", "POST /v1/ledger/accounts",
        A::kOperator, Bind(&Impl::CreateAccounts));
  Route(r, "POST", "/v1/ledger/transfers", "POST /v1/ledger/transfers",
        A::kOperator, Bind(&Impl::CreateTransfers));
  Route(r, "GET", "/v1/ledger/accounts/{id}", "GET /v1/ledger/accounts/{id}",
        A::kOperator, Bind(&Impl::GetAccount));
  Route(r, "GET", "/v1/ledger/accounts/{id}/transfers",
        "GET /v1/ledger/accounts/{id}/transfers", A::kOperator,
        Bind(&Impl::ListAccountTransfers));
  Route(r, "GET", "/v1/ledger/transfers/{id}", "GET /v1/ledger/transfers/{id}",
        A::kOperator, Bind(&Impl::GetTransfer));
  Route(r, "POST", "/v1/principals", "POST /v1/principals", A::kOperator,
        Bind(&Impl::CreatePrincipal));
  Route(r, "GET", "/v1/principals", "GET /v1/principals", A::kOperator,
        Bind(&Impl::ListPrincipals));
  Route(r, "GET", "/v1/principals/{id}", "GET /v1/principals/{id}",
        A::kAuthenticated, Bind(&Impl::GetPrincipal));
  Route(r, "POST", "/v1/principals/{id}/keys", "POST /v1/principals/{id}/keys",
        A::kAuthenticated, Bind(&Impl::CreateKey));
  Route(r, "DELETE", "/v1/principals/{id}/keys/{keyId}",
        "DELETE /v1/principals/{id}/keys/{keyId}", A::kAuthenticated,
        Bind(&Impl::RevokeKey));
  Route(r, "POST", "/v1/webhooks/endpoints", "POST /v1/webhooks/endpoints",
        A::kAuthenticated, Bind(&Impl::CreateEndpoint));
  Route(r, "GET", "/v1/webhooks/endpoints", "GET /v1/webhooks/endpoints",
        A::kAuthenticated, Bind(&Impl::ListEndpoints));
  Route(r, "GET", "/v1/webhooks/endpoints/{id}",
        "GET /v1/webhooks/endpoints/{id}", A::kAuthenticated,
        Bind(&Impl::GetEndpoint));
  Route(r, "DELETE", "/v1/webhooks/endpoints/{id}",
        "DELETE /v1/webhooks/endpoints/{id}", A::kAuthenticated,
        Bind(&Impl::DeleteEndpoint));
  Route(r, "POST", "/v1/webhooks/endpoints/{id}/test",
        "POST /v1/webhooks/endpoints/{id}/test", A::kAuthenticated,
        Bind(&Impl::TestEndpoint));
  Route(r, "GET", "/v1/events/{id}", "GET /v1/events/{id}", A::kAuthenticated,
        Bind(&Impl::GetEvent));
  Route(r, "GET", "/v1/events", "GET /v1/events", A::kAuthenticated,
        Bind(&Impl::ListEvents));
  AddFxRoutes(r);
  AddComplianceRoutes(r);
  AddRiskRoutes(r);
  AddNetworkRoutes(r);
}

void ApiService::Impl::Metrics(Ctx& c) {
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.Render();
  c.Send(std::move(r));
}

// ---------------------------------------------------------------- ledger

void ApiService::Impl::CreateAccounts(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<std::vector<ledger::Account>> {
    json::ObjectReader root = body->root();
    MERIDIAN_ASSIGN_OR_RETURN(json::ArrayReader items,
                              root.Array("accounts", kMaxAccountsPerRequest));
    if (items.size() == 0) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "accounts",
                       "send 1 to 8190 accounts");
    }
    std::vector<ledger::Account> out(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader a, items.Object(i));
      ledger::Account& acct = out[i];
      MERIDIAN_ASSIGN_OR_RETURN(acct.id,
                                json::ParseIdField(a, "id", IdKind::kAccount));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view code, a.String("currency", 3));
      Result<Currency> currency = Currency::FromCode(code);
      if (!currency.ok()) {
        return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED,
                         a.FieldPath("currency"),
                         "an ISO 4217 alphabetic code such as USD");
      }
      acct.ledger = currency->numeric();
      MERIDIAN_ASSIGN_OR_RETURN(std::optional<uint64_t> ac,
                                a.OptionalUint64("code", 1, 65535));
      acct.code = static_cast<uint16_t>(ac.value_or(1));
      MERIDIAN_ASSIGN_OR_RETURN(acct.flags, ParseFlags(a, true));
      MERIDIAN_ASSIGN_OR_RETURN(std::optional<Amount> limit,
                                json::ParseOptionalAmountField(a, "limit"));
      if (limit) {
        if (limit->currency() != *currency) {
          return MakeError(ErrorCode::kINVALID_AMOUNT, a.FieldPath("limit"),
                           "the limit is in the account's currency");
        }
        acct.limit = static_cast<u128>(limit->minor_units());
      }
      MERIDIAN_ASSIGN_OR_RETURN(acct.user_data,
                                ParseOptionalU128(a, "userData"));
      // The owner is a principal (kept in userData): FX conversions and
      // the products check it.
      MERIDIAN_ASSIGN_OR_RETURN(
          std::optional<u128> owner,
          json::ParseOptionalIdField(a, "owner", IdKind::kPrincipal));
      if (owner) {
        if (acct.user_data != 0) {
          return MakeError(ErrorCode::kINVALID_PARAMETER, a.FieldPath("owner"),
                           "send owner or userData, not both");
        }
        acct.user_data = *owner;
      }
      if (fx::IsHubAccountId(acct.id)) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, a.FieldPath("id"),
                         "ids with \"MRFX\" in the top four bytes are "
                         "reserved for the hub's FX accounts");
      }
      MERIDIAN_RETURN_IF_ERROR(a.Finish());
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return out;
  };
  Result<std::vector<ledger::Account>> accounts = parse();
  if (!accounts.ok()) return c.Fail(accounts.error());
  std::vector<u128> ids;
  for (const ledger::Account& a : *accounts) ids.push_back(a.id);
  Submit(c, engine::EncodeCreateAccounts(*accounts), *key,
         [ids = std::move(ids)](const CommandReply& reply) {
           return RenderLedgerBatch(reply, ids, "accounts", IdKind::kAccount);
         });
}

void ApiService::Impl::CreateTransfers(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  std::vector<ScreenedParty> parties;
  auto parse = [&]() -> Result<std::vector<ledger::Transfer>> {
    json::ObjectReader root = body->root();
    MERIDIAN_ASSIGN_OR_RETURN(json::ArrayReader items,
                              root.Array("transfers", kMaxTransfersPerRequest));
    if (items.size() == 0) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "transfers",
                       "send 1 to 8190 transfers");
    }
    std::vector<ledger::Transfer> out(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader t, items.Object(i));
      ledger::Transfer& tr = out[i];
      MERIDIAN_ASSIGN_OR_RETURN(tr.id,
                                json::ParseIdField(t, "id", IdKind::kTransfer));
      MERIDIAN_ASSIGN_OR_RETURN(
          std::optional<u128> pending,
          json::ParseOptionalIdField(t, "pendingId", IdKind::kTransfer));
      tr.pending_id = pending.value_or(0);
      MERIDIAN_ASSIGN_OR_RETURN(
          std::optional<u128> debit,
          json::ParseOptionalIdField(t, "debitAccountId", IdKind::kAccount));
      MERIDIAN_ASSIGN_OR_RETURN(
          std::optional<u128> credit,
          json::ParseOptionalIdField(t, "creditAccountId", IdKind::kAccount));
      // A post or void may leave the accounts out (the hold names them).
      if (!pending && !debit) {
        return MakeError(ErrorCode::kMISSING_PARAMETER,
                         t.FieldPath("debitAccountId"),
                         "a transfer names the account to debit");
      }
      if (!pending && !credit) {
        return MakeError(ErrorCode::kMISSING_PARAMETER,
                         t.FieldPath("creditAccountId"),
                         "a transfer names the account to credit");
      }
      tr.debit_account_id = debit.value_or(0);
      tr.credit_account_id = credit.value_or(0);
      MERIDIAN_ASSIGN_OR_RETURN(Amount amount,
                                json::ParseAmountField(t, "amount"));
      tr.amount = static_cast<u128>(amount.minor_units());
      tr.ledger = amount.currency().numeric();
      MERIDIAN_ASSIGN_OR_RETURN(std::optional<uint64_t> code,
                                t.OptionalUint64("code", 1, 65535));
      tr.code = static_cast<uint16_t>(code.value_or(1));
      MERIDIAN_ASSIGN_OR_RETURN(tr.flags, ParseFlags(t, false));
      MERIDIAN_ASSIGN_OR_RETURN(
          std::optional<uint64_t> timeout,
          t.OptionalUint64("timeoutSeconds", 0, UINT32_MAX));
      tr.timeout_s = static_cast<uint32_t>(timeout.value_or(0));
      MERIDIAN_ASSIGN_OR_RETURN(tr.user_data, ParseOptionalU128(t, "userData"));
      MERIDIAN_RETURN_IF_ERROR(t.Finish());
    }
    // Optional: the payment's parties, screened here; a hit holds the
    // transfers with a compliance case instead of posting them.
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ObjectReader> screening,
                              root.OptionalObject("screening"));
    if (screening) {
      MERIDIAN_ASSIGN_OR_RETURN(
          json::ArrayReader list,
          screening->Array("parties", compliance::kMaxCaseParties));
      if (list.size() == 0) {
        return MakeError(ErrorCode::kINVALID_PARAMETER,
                         screening->FieldPath("parties"),
                         "name 1 to 8 parties to screen");
      }
      if (out.size() > compliance::kMaxHeldTransfers) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, "transfers",
                         "a screened payment is at most 64 transfers");
      }
      for (size_t i = 0; i < list.size(); ++i) {
        MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader p, list.Object(i));
        MERIDIAN_ASSIGN_OR_RETURN(ScreenedParty party,
                                  ParseScreenedParty(p, true));
        parties.push_back(std::move(party));
      }
      MERIDIAN_RETURN_IF_ERROR(screening->Finish());
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return out;
  };
  Result<std::vector<ledger::Transfer>> transfers = parse();
  if (!transfers.ok()) return c.Fail(transfers.error());
  std::vector<u128> ids;
  ids.reserve(transfers->size());
  for (const ledger::Transfer& t : *transfers) ids.push_back(t.id);
  if (!parties.empty()) {
    u128 case_id = 0;
    if (std::optional<std::vector<uint8_t>> hold =
            HoldIfListed(c, parties, *transfers, &case_id)) {
      return Submit(c, std::move(*hold), *key,
                    [ids = std::move(ids), case_id](const CommandReply& reply) {
                      if (!reply.status.ok()) return RenderStatusOnly(reply);
                      std::string body;
                      json::JsonWriter w(&body);
                      w.BeginObject();
                      WriteResult(
                          w, ErrorCode::kHELD_FOR_REVIEW, "",
                          "a party matched a sanctions list: the money is "
                          "held (nothing moved) until case " +
                              FormatId(IdKind::kCase, case_id) + " is decided");
                      w.Key("caseId").String(FormatId(IdKind::kCase, case_id));
                      w.Key("transfers").BeginArray();
                      for (u128 id : ids) {
                        w.BeginObject();
                        w.Key("id").String(FormatId(IdKind::kTransfer, id));
                        w.Key("result").String("HELD");
                        w.EndObject();
                      }
                      w.EndArray();
                      w.EndObject();
                      return JsonResponse(202, std::move(body));
                    });
    }
  }
  Submit(c, engine::EncodeCreateTransfers(*transfers), *key,
         [ids = std::move(ids)](const CommandReply& reply) {
           return RenderLedgerBatch(reply, ids, "transfers", IdKind::kTransfer);
         });
}

void ApiService::Impl::GetAccount(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kAccount, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id](const StateMachine& s) {
    const ledger::Account* a = s.ledger().FindAccount(id);
    if (a == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such account"));
    }
    return OkWith(200, "account",
                  [&](json::JsonWriter& w) { WriteAccount(w, *a); });
  });
}

void ApiService::Impl::GetTransfer(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kTransfer, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id](const StateMachine& s) {
    const ledger::Transfer* t = s.ledger().FindTransfer(id);
    if (t == nullptr) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such transfer"));
    }
    return OkWith(200, "transfer",
                  [&](json::JsonWriter& w) { WriteTransfer(w, *t); });
  });
}

void ApiService::Impl::ListAccountTransfers(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kAccount, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Result<ListArgs> args = ParseListArgs(*c.request, IdKind::kTransfer);
  if (!args.ok()) return c.Fail(args.error());
  store::TransferQuery q;
  q.account_id = *id;
  q.limit = args->limit;
  q.starting_after = args->starting_after;
  // Read your writes: wait (briefly) for the indexer to reach what is durable.
  (void)indexer_->WaitFor(durable_seq_.load(), std::chrono::milliseconds(2000));
  Result<store::Page<ledger::Transfer>> page =
      read_model_->TransfersByAccount(q);
  if (!page.ok()) return c.Fail(page.error());
  c.Send(OkList(page->data, page->has_more, WriteTransfer));
}

// ---------------------------------------------------------------- principals

void ApiService::Impl::CreatePrincipal(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<engine::PrincipalSpec> {
    json::ObjectReader root = body->root();
    engine::PrincipalSpec spec;
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string_view name,
        root.String("name", engine::kMaxPrincipalNameBytes));
    if (name.empty()) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "name",
                       "a name is needed");
    }
    spec.name = std::string(name);
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view kind, root.String("kind", 16));
    std::optional<engine::PrincipalKind> k =
        engine::PrincipalKindFromName(kind);
    if (!k || *k == engine::PrincipalKind::kOperator) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "kind",
                       "PARTICIPANT, MERCHANT or CUSTOMER");
    }
    spec.kind = *k;
    MERIDIAN_ASSIGN_OR_RETURN(std::optional<json::ObjectReader> sig,
                              root.OptionalObject("signature"));
    if (sig) {
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view alg,
                                sig->String("algorithm", 16));
      std::optional<engine::SignatureAlgorithm> algorithm =
          engine::SignatureAlgorithmFromName(alg);
      if (!algorithm || *algorithm == engine::SignatureAlgorithm::kNone) {
        return MakeError(ErrorCode::kINVALID_PARAMETER,
                         sig->FieldPath("algorithm"), "HMAC-SHA256 or ED25519");
      }
      spec.signature = *algorithm;
      if (spec.signature == engine::SignatureAlgorithm::kEd25519) {
        MERIDIAN_ASSIGN_OR_RETURN(std::string_view pk,
                                  sig->String("publicKey", 64));
        std::optional<std::string> raw = auth::Base64UrlDecode(pk);
        if (!raw || raw->size() != 32) {
          return MakeError(ErrorCode::kINVALID_PARAMETER,
                           sig->FieldPath("publicKey"),
                           "the base64url of a 32-byte Ed25519 public key");
        }
        spec.public_key = *raw;
      }
      MERIDIAN_RETURN_IF_ERROR(sig->Finish());
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return spec;
  };
  Result<engine::PrincipalSpec> spec = parse();
  if (!spec.ok()) return c.Fail(spec.error());
  spec->id = ids_.Next();
  const NodeSecrets* secrets = &*secrets_;
  Submit(c, engine::EncodeCreatePrincipal(*spec), *key,
         [spec = *spec, secrets](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           engine::Principal p{
               reply.object_id, spec.kind,
               spec.signature,  spec.name,
               spec.public_key, static_cast<int64_t>(reply.first_timestamp)};
           std::string body;
           json::JsonWriter w(&body);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("principal").BeginObject();
           WritePrincipal(w, p);
           w.EndObject();
           if (p.signature == engine::SignatureAlgorithm::kHmacSha256) {
             w.Key("signingSecret").String(secrets->SigningSecret(p.id));
           }
           w.EndObject();
           return JsonResponse(201, std::move(body));
         });
}

void ApiService::Impl::GetPrincipal(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kPrincipal, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  std::optional<engine::Principal> p = auth_.FindPrincipal(*id);
  // Another principal's object answers exactly as a missing one.
  if (!p || (!c.caller.is_operator() && c.caller.principal != *id)) {
    return c.Fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such principal"));
  }
  c.Send(OkWith(200, "principal", [&](json::JsonWriter& w) {
    w.BeginObject();
    WritePrincipal(w, *p);
    w.EndObject();
  }));
}

void ApiService::Impl::ListPrincipals(Ctx& c) {
  Result<ListArgs> args = ParseListArgs(*c.request, IdKind::kPrincipal);
  if (!args.ok()) return c.Fail(args.error());
  ReadEngine(c, [args = *args](const StateMachine& s) {
    const auto& all = s.api().principals();
    // Newest first: ids are time-ordered, so walk the map backwards.
    auto it =
        args.starting_after ? all.lower_bound(*args.starting_after) : all.end();
    std::string body;
    json::JsonWriter w(&body);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("data").BeginArray();
    uint32_t n = 0;
    while (it != all.begin() && n < args.limit) {
      --it;
      w.BeginObject();
      WritePrincipal(w, it->second);
      w.EndObject();
      ++n;
    }
    w.EndArray();
    w.Key("hasMore").Bool(it != all.begin());
    w.EndObject();
    return JsonResponse(200, std::move(body));
  });
}

void ApiService::Impl::CreateKey(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<u128> id =
      ParseId(IdKind::kPrincipal, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  if (!c.caller.is_operator() && c.caller.principal != *id) {
    return c.Fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such principal"));
  }
  if (!c.request->body.empty()) {
    Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
    if (!body.ok()) return c.Fail(body.error());
    Status s = body->root().Finish();
    if (!s.ok()) return c.Fail(s.error());
  }
  const u128 key_id = ids_.Next();
  const NodeSecrets* secrets = &*secrets_;
  Submit(c,
         engine::EncodeCreateApiKey(
             {key_id, *id, auth::HashApiKey(secrets->ApiKeySecret(key_id))}),
         *key, [secrets, principal = *id](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           std::string body;
           json::JsonWriter w(&body);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("key").BeginObject();
           w.Key("id").String(FormatId(IdKind::kKey, reply.object_id));
           w.Key("principalId").String(FormatId(IdKind::kPrincipal, principal));
           // Shown here only; Meridian keeps its hash.
           w.Key("secret").String(secrets->ApiKeySecret(reply.object_id));
           w.Key("createdAt")
               .String(Rfc3339(static_cast<int64_t>(reply.first_timestamp)));
           w.EndObject();
           w.EndObject();
           return JsonResponse(201, std::move(body));
         });
}

void ApiService::Impl::RevokeKey(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kPrincipal, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Result<u128> key_id =
      ParseId(IdKind::kKey, c.params->Get("keyId").value(), "keyId");
  if (!key_id.ok()) return c.Fail(key_id.error());
  if (!c.caller.is_operator() && c.caller.principal != *id) {
    return c.Fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such principal"));
  }
  Submit(
      c, engine::EncodeRevokeApiKey({*key_id, *id}), std::nullopt,
      [](const CommandReply& reply) {
        if (!reply.status.ok()) return RenderStatusOnly(reply);
        return JsonResponse(
            200,
            R"({"result":{"status":"S","code":"SUCCESS","message":"revoked"}})");
      });
}

// ---------------------------------------------------------------- webhooks

void ApiService::Impl::CreateEndpoint(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<engine::WebhookEndpointSpec> {
    json::ObjectReader root = body->root();
    engine::WebhookEndpointSpec spec;
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view url,
                              root.String("url", engine::kMaxWebhookUrlBytes));
    if (url.substr(0, 7) != "http://" && url.substr(0, 8) != "https://") {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "url",
                       "an http:// or https:// URL");
    }
    spec.url = std::string(url);
    MERIDIAN_ASSIGN_OR_RETURN(json::ArrayReader types,
                              root.Array("eventTypes", 64));
    if (types.size() == 0) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "eventTypes",
                       "name at least one event type");
    }
    for (size_t i = 0; i < types.size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, types.String(i, 64));
      MERIDIAN_ASSIGN_OR_RETURN(engine::EventType t,
                                ParseEventType(name, types.ItemPath(i)));
      spec.event_mask |= engine::EventMaskBit(t);
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return spec;
  };
  Result<engine::WebhookEndpointSpec> spec = parse();
  if (!spec.ok()) return c.Fail(spec.error());
  spec->id = ids_.Next();
  spec->principal = c.caller.principal;
  const NodeSecrets* secrets = &*secrets_;
  Submit(c, engine::EncodeCreateWebhookEndpoint(*spec), *key,
         [spec = *spec, secrets](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           engine::WebhookEndpoint e{
               reply.object_id, spec.principal, spec.event_mask, spec.url,
               static_cast<int64_t>(reply.first_timestamp)};
           std::string body;
           json::JsonWriter w(&body);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("endpoint").BeginObject();
           WriteEndpoint(w, e);
           w.EndObject();
           w.Key("secret").String(secrets->WebhookSecret(e.id));
           w.EndObject();
           return JsonResponse(201, std::move(body));
         });
}

void ApiService::Impl::ListEndpoints(Ctx& c) {
  ReadEngine(c, [principal = c.caller.principal](const StateMachine& s) {
    std::string body;
    json::JsonWriter w(&body);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("data").BeginArray();
    const auto& all = s.api().endpoints();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->second.principal != principal) continue;
      w.BeginObject();
      WriteEndpoint(w, it->second);
      w.EndObject();
    }
    w.EndArray();
    w.Key("hasMore").Bool(false);  // at most a few per principal
    w.EndObject();
    return JsonResponse(200, std::move(body));
  });
}

void ApiService::Impl::GetEndpoint(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kWebhookEndpoint, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id,
                 principal = c.caller.principal](const StateMachine& s) {
    auto it = s.api().endpoints().find(id);
    if (it == s.api().endpoints().end() || it->second.principal != principal) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such webhook endpoint"));
    }
    return OkWith(200, "endpoint", [&](json::JsonWriter& w) {
      w.BeginObject();
      WriteEndpoint(w, it->second);
      w.EndObject();
    });
  });
}

void ApiService::Impl::DeleteEndpoint(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kWebhookEndpoint, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Submit(
      c, engine::EncodeDeleteWebhookEndpoint({*id, c.caller.principal}),
      std::nullopt, [](const CommandReply& reply) {
        if (!reply.status.ok()) return RenderStatusOnly(reply);
        return JsonResponse(
            200,
            R"({"result":{"status":"S","code":"SUCCESS","message":"deleted"}})");
      });
}

void ApiService::Impl::TestEndpoint(Ctx& c) {
  Result<u128> id =
      ParseId(IdKind::kWebhookEndpoint, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Submit(c, engine::EncodeSendTestEvent({*id, c.caller.principal}),
         std::nullopt, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           std::string body;
           json::JsonWriter w(&body);
           w.BeginObject();
           WriteResult(w, Status::Ok());
           w.Key("eventId").String(FormatId(IdKind::kEvent, reply.object_id));
           w.EndObject();
           return JsonResponse(201, std::move(body));
         });
}

void ApiService::Impl::GetEvent(Ctx& c) {
  Result<u128> id = ParseId(IdKind::kEvent, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  (void)indexer_->WaitFor(durable_seq_.load(), std::chrono::milliseconds(2000));
  Result<std::optional<store::ObjectRecord>> rec =
      read_model_->GetObject(static_cast<uint16_t>(IdKind::kEvent), *id);
  if (!rec.ok()) return c.Fail(rec.error());
  if (!rec->has_value() || (*rec)->owner != c.caller.principal) {
    return c.Fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such event"));
  }
  c.Send(OkWith(200, "event",
                [&](json::JsonWriter& w) { w.RawValue((*rec)->body); }));
}

void ApiService::Impl::ListEvents(Ctx& c) {
  Result<ListArgs> args = ParseListArgs(*c.request, IdKind::kEvent);
  if (!args.ok()) return c.Fail(args.error());
  (void)indexer_->WaitFor(durable_seq_.load(), std::chrono::milliseconds(2000));
  Result<store::Page<store::ObjectRecord>> page = read_model_->ListObjects(
      static_cast<uint16_t>(IdKind::kEvent), c.caller.principal,
      args->starting_after, args->limit);
  if (!page.ok()) return c.Fail(page.error());
  c.Send(OkList(page->data, page->has_more,
                [](json::JsonWriter& w, const store::ObjectRecord& r) {
                  w.RawValue(r.body);
                }));
}

// ---------------------------------------------------------------- service

Result<std::unique_ptr<ApiService>> ApiService::Start(ServiceOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  Status s = impl->Start();
  if (!s.ok()) {
    impl->Stop();
    return s.error();
  }
  return std::unique_ptr<ApiService>(new ApiService(std::move(impl)));
}

Result<ReindexInfo> Reindex(const std::string& data_dir) {
  // Built beside the live one and swapped in at the end: if the server is
  // running, the journal's lock refuses the replay and nothing is touched.
  const std::string path = data_dir + "/store";
  const std::string fresh = data_dir + "/store.reindex";
  MERIDIAN_RETURN_IF_ERROR(store::ReadModel::Destroy(fresh));
  ReindexInfo info;
  {
    store::ReadModelOptions rm;
    rm.path = fresh;
    MERIDIAN_ASSIGN_OR_RETURN(std::unique_ptr<store::ReadModel> model,
                              store::ReadModel::Open(rm));
    store::Indexer indexer(model.get());
    Status indexed = Status::Ok();
    engine::SequencerOptions so;
    so.data_dir = data_dir;
    so.snapshot_at_shutdown = false;  // nothing new to snapshot
    so.output_after_seq = 0;          // every batch: replay from the start
    so.on_batch_output = [&](const engine::BatchOutput& out) {
      if (!indexed.ok()) return;
      indexed = indexer.Enqueue(ToIndexBatch(out));
    };
    Result<std::unique_ptr<engine::Sequencer>> sequencer =
        engine::Sequencer::Open(std::move(so));
    if (!sequencer.ok()) {
      (void)indexer.Stop();
      model.reset();
      (void)store::ReadModel::Destroy(fresh);
      return sequencer.error();
    }
    info.batches = (*sequencer)->recovery().batches_replayed;
    (*sequencer)->Shutdown();
    MERIDIAN_RETURN_IF_ERROR(indexed);
    MERIDIAN_RETURN_IF_ERROR(indexer.Stop());
    store::ReadModel::Stats stats = model->stats();
    info.watermark = stats.watermark;
    info.transfers = stats.transfers;
    info.accounts = stats.accounts;
    info.objects = stats.objects;
  }
  MERIDIAN_RETURN_IF_ERROR(store::ReadModel::Destroy(path));
  std::error_code ec;
  std::filesystem::rename(fresh, path, ec);
  if (ec) {
    return MakeError(
        ErrorCode::kIO_ERROR, "data_dir",
        "cannot move " + fresh + " to " + path + ": " + ec.message());
  }
  return info;
}

ApiService::ApiService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiService::~ApiService() { Stop(); }
uint16_t ApiService::port() const { return impl_->port(); }
const std::vector<std::pair<std::string, std::string>>& ApiService::routes()
    const {
  return impl_->routes_;
}
const std::optional<std::string>& ApiService::first_operator_key() const {
  return impl_->first_operator_key_;
}
void ApiService::Stop() { impl_->Stop(); }

}  // namespace meridian::api
