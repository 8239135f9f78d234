#include "cli/bench_api.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

#include "api/http/client.h"
#include "api/http/load_generator.h"
#include "api/service.h"
#include "core/id.h"

namespace meridian::cli {
namespace {

struct Run {
  std::string name;
  std::string mode;  // "closed" or "open@<rate>"
  http::LoadResult result;
};

void Print(const Run& r, const BenchApiOptions& o) {
  const http::LatencyHistogram& h = r.result.latency;
  if (o.json) {
    std::printf(
        "{\"bench\":\"api\",\"endpoint\":\"%s\",\"mode\":\"%s\","
        "\"connections\":%u,\"seconds\":%.1f,\"requests_per_s\":%.0f,"
        "\"completed\":%llu,\"non_2xx\":%llu,\"transport_errors\":%llu,"
        "\"unsent\":%llu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
        "\"max_us\":%.1f,\"durable\":%s}\n",
        r.name.c_str(), r.mode.c_str(), o.connections, r.result.duration_s,
        r.result.achieved_per_s,
        static_cast<unsigned long long>(r.result.completed),
        static_cast<unsigned long long>(r.result.completed -
                                        r.result.by_status_class[2]),
        static_cast<unsigned long long>(r.result.transport_errors),
        static_cast<unsigned long long>(r.result.unsent), h.p50() / 1e3,
        h.p99() / 1e3, h.p999() / 1e3, h.max() / 1e3,
        o.no_sync ? "false" : "true");
  } else {
    std::printf(
        "%-28s %-12s %10.0f req/s  p50 %8.1f us  p99 %8.1f us  "
        "p99.9 %8.1f us  non-2xx %llu  errors %llu  unsent %llu\n",
        r.name.c_str(), r.mode.c_str(), r.result.achieved_per_s, h.p50() / 1e3,
        h.p99() / 1e3, h.p999() / 1e3,
        static_cast<unsigned long long>(r.result.completed -
                                        r.result.by_status_class[2]),
        static_cast<unsigned long long>(r.result.transport_errors),
        static_cast<unsigned long long>(r.result.unsent));
  }
  std::fflush(stdout);
}

}  // namespace

int RunBenchApi(const BenchApiOptions& o) {
  std::unique_ptr<api::ApiService> service;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string key = o.operator_key;
  std::string dir;
  if (o.target.empty()) {
    dir = o.data_dir.empty()
              ? (std::filesystem::temp_directory_path() /
                 ("meridian-bench-api-" + std::to_string(getpid())))
                    .string()
              : o.data_dir;
    std::filesystem::remove_all(dir);
    api::ServiceOptions so;
    so.data_dir = dir;
    so.listen_port = 0;
    so.io_threads = o.io_threads;
    so.sync = !o.no_sync;
    key = "sk_bench_api_operator_key_000000000";
    so.operator_key = key;
    Result<std::unique_ptr<api::ApiService>> s = api::ApiService::Start(so);
    if (!s.ok()) {
      std::fprintf(stderr, "bench api: %s\n", s.error().ToString().c_str());
      return 1;
    }
    service = std::move(s).value();
    port = service->port();
  } else {
    size_t colon = o.target.rfind(':');
    host = o.target.substr(0, colon);
    port = static_cast<uint16_t>(std::stoi(o.target.substr(colon + 1)));
  }
  const std::string base = "http://" + host + ":" + std::to_string(port);
  const std::string auth = "Bearer " + key;

  // Accounts for the transfers, created in batches of 1,000.
  IdGenerator ids;
  std::vector<std::string> accounts;
  http::HttpClient client;
  for (uint64_t done = 0; done < o.accounts;) {
    std::string body = "{\"accounts\":[";
    for (uint64_t i = 0; i < 1000 && done < o.accounts; ++i, ++done) {
      accounts.push_back(FormatId(IdKind::kAccount, ids.Next()));
      if (i) body += ",";
      body += "{\"id\":\"" + accounts.back() + "\",\"currency\":\"USD\"}";
    }
    body += "]}";
    Result<http::ClientResponse> r = client.Do(
        "POST", base + "/v1/ledger/accounts",
        {{"Authorization", auth}, {"Content-Type", "application/json"}}, body,
        30'000);
    if (!r.ok() || r->status != 200) {
      std::fprintf(stderr, "bench api: creating accounts failed: %s\n",
                   r.ok() ? r->body.c_str() : r.error().ToString().c_str());
      return 1;
    }
  }
  if (!o.json) {
    std::printf(
        "bench api: %s, %zu USD accounts (uniform pairs), %u "
        "keep-alive connections, %.0f s per run after %.0f s warm-up, "
        "one transfer per request, %s; client and server share this "
        "box\n",
        o.target.empty() ? "in-process server" : o.target.c_str(),
        accounts.size(), o.connections, o.seconds, o.warmup_seconds,
        o.no_sync ? "NOT durable (--no-sync)"
                  : "durable (fdatasync per batch)");
  }

  http::LoadOptions lo;
  lo.host = host;
  lo.port = port;
  lo.connections = o.connections;
  lo.duration_ms = static_cast<uint32_t>(o.seconds * 1000);
  lo.warmup_ms = static_cast<uint32_t>(o.warmup_seconds * 1000);
  lo.request_factory = [](uint64_t, http::PreparedRequest* r) {
    r->method = "GET";
    r->target = "/healthz";
  };
  Result<http::LoadResult> healthz = http::RunLoad(lo);
  if (!healthz.ok()) {
    std::fprintf(stderr, "bench api: %s\n", healthz.error().ToString().c_str());
    return 1;
  }
  Print({"GET /healthz", "closed", *healthz}, o);

  const u128 id_base = ids.Next();
  std::mt19937_64 rng(42);
  auto transfers = [&](uint64_t seq, http::PreparedRequest* r) {
    const size_t n = accounts.size();
    size_t a = rng() % n, b = rng() % (n - 1);
    if (b >= a) ++b;
    r->method = "POST";
    r->target = "/v1/ledger/transfers";
    r->headers = {{"Authorization", auth},
                  {"Content-Type", "application/json"}};
    r->body = "{\"transfers\":[{\"id\":\"" +
              FormatId(IdKind::kTransfer, id_base + seq + 1) +
              "\",\"debitAccountId\":\"" + accounts[a] +
              "\",\"creditAccountId\":\"" + accounts[b] +
              "\",\"amount\":{\"currency\":\"USD\",\"value\":\"1\"}}]}";
  };
  uint64_t seq_offset = 0;
  lo.request_factory = [&](uint64_t seq, http::PreparedRequest* r) {
    transfers(seq_offset + seq, r);
  };
  Result<http::LoadResult> max = http::RunLoad(lo);
  if (!max.ok()) {
    std::fprintf(stderr, "bench api: %s\n", max.error().ToString().c_str());
    return 1;
  }
  Print({"POST /v1/ledger/transfers", "closed", *max}, o);
  seq_offset = 1'000'000'000;  // fresh ids for the next run

  lo.rate_per_s = max->achieved_per_s / 2;
  Result<http::LoadResult> half = http::RunLoad(lo);
  if (!half.ok()) {
    std::fprintf(stderr, "bench api: %s\n", half.error().ToString().c_str());
    return 1;
  }
  char mode[32];
  std::snprintf(mode, sizeof mode, "open@%.0f", lo.rate_per_s);
  Print({"POST /v1/ledger/transfers", mode, *half}, o);
  if (!o.json) {
    std::printf(
        "ratio transfers/healthz: %.2f (goal >= 0.6); p99 at half "
        "the maximum rate: %.2f ms (goal <= 5 ms)\n",
        max->achieved_per_s / healthz->achieved_per_s,
        half->latency.p99() / 1e6);
  }
  if (service) {
    service->Stop();
    std::filesystem::remove_all(dir);
  }
  return 0;
}

}  // namespace meridian::cli
