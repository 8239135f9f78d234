// ApiService: `meridian serve` — the HTTP API over the engine.
//
//   gateway (HTTP io threads): authenticate, parse and validate JSON,
//     build a command (wrapped in an idempotency envelope when the request
//     names a request id), submit it to the sequencer
//   sequencer + journal threads: decide, make durable, then answer: the
//     reply is rendered and sent from the journal thread's callback
//   after each durable batch: the key cache, the webhook worker and the
//     read model's indexer get the batch's output, before the replies
//
//   ServiceOptions options;
//   options.data_dir = "/var/lib/meridian";
//   options.listen_port = 8080;
//   MERIDIAN_ASSIGN_OR_RETURN(auto service, ApiService::Start(options));
//   ...
//   service->Stop();  // stop accepting, drain, snapshot
//
// The operator's first key is made at first start (printed once by the
// caller from first_operator_key(), stored only hashed) unless
// `operator_key` supplies one, which is then registered if unknown.
#ifndef MERIDIAN_API_SERVICE_H_
#define MERIDIAN_API_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/cpm_worker.h"
#include "api/screening.h"
#include "api/webhook_worker.h"
#include "core/status.h"

namespace meridian::api {

struct ServiceOptions {
  std::string data_dir = ".meridian-data";
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;  // 0: an ephemeral port (tests)
  int io_threads = 2;
  uint64_t max_body_bytes = 1 << 20;
  uint32_t max_header_bytes = 16 << 10;
  uint32_t max_connections = 10000;
  uint32_t request_timeout_ms = 30000;
  uint32_t idle_timeout_ms = 60000;
  bool sync = true;  // fdatasync every batch; false only for tests
  uint64_t snapshot_every_batches = 100'000;
  // Supplied operator key (MERIDIAN_OPERATOR_KEY / --operator-key-file).
  std::optional<std::string> operator_key;
  WebhookOptions webhooks;
  int64_t idempotency_retention_ns = 25LL * 3600 * 1'000'000'000;
  uint64_t max_idempotency_entries = 20'000'000;
  // Request signatures older than this are refused.
  int64_t signature_window_ns = 5LL * 60 * 1'000'000'000;
  // Structured JSON access log lines (to stderr) for every request.
  bool access_log = false;
  // Sanctions lists and the hold threshold (api/screening.h).
  ScreeningOptions screening;
  // Serve the sandbox wallet (POST /sandbox/wallets/{mode}/authorize: S,
  // F, slow, silent) for tests and the demo. Off in production.
  bool sandbox = false;
  // Calls to wallets' authorize endpoints (CPM).
  CpmWorkerOptions cpm;
};

class ApiService {
 public:
  static Result<std::unique_ptr<ApiService>> Start(ServiceOptions options);
  ~ApiService();

  uint16_t port() const;
  // Every route as (method, pattern): the OpenAPI test checks them against
  // docs/openapi.json.
  const std::vector<std::pair<std::string, std::string>>& routes() const;
  // The operator key made at this start, if one was (print it once).
  const std::optional<std::string>& first_operator_key() const;
  // Stop accepting, finish requests in flight, stop the webhook worker,
  // drain the engine (shutdown snapshot) and the indexer. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit ApiService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `meridian reindex`: deletes DATA_DIR/store and rebuilds it from the
// journal (every batch replayed through a fresh engine). The server must
// not be running on DATA_DIR.
struct ReindexInfo {
  uint64_t batches = 0;
  uint64_t watermark = 0;
  uint64_t transfers = 0;
  uint64_t accounts = 0;
  uint64_t objects = 0;
};
Result<ReindexInfo> Reindex(const std::string& data_dir);

// The OpenAPI 3 document of every route (served at /v1/openapi.json).
const std::string& OpenApiDocument();

}  // namespace meridian::api

#endif  // MERIDIAN_API_SERVICE_H_
