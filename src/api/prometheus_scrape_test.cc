// A real Prometheus (Debian's package) scrapes the server's /metrics and
// reports the target up with no scrape error.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "api/http/client.h"
#include "api/http/server.h"
#include "api/service.h"
#include "core/testing/temp_dir.h"

namespace meridian::api {
namespace {

constexpr char kPrometheus[] = "/usr/bin/prometheus";

uint16_t FreePort() {
  http::Router r;
  auto s = std::move(http::Server::Start({}, std::move(r))).value();
  return s->port();
}

TEST(PrometheusScrapeTest, RealPrometheusScrapesMetricsWithoutErrors) {
  // `make test` installs the package; a hand-run without it says so.
  if (access(kPrometheus, X_OK) != 0) {
    GTEST_SKIP() << "install Debian's prometheus package (make test does)";
  }
  meridian::testing::TempDir dir;
  ServiceOptions o;
  o.data_dir = dir.path() + "/data";
  o.listen_port = 0;
  o.sync = false;
  o.operator_key = "sk_prometheus_test_key_0000000000";
  auto service = std::move(ApiService::Start(o)).value();
  // Some traffic so that labelled series and histograms exist.
  http::HttpClient client;
  const std::string base =
      "http://127.0.0.1:" + std::to_string(service->port());
  ASSERT_TRUE(client.Get(base + "/healthz").ok());
  ASSERT_TRUE(client.Get(base + "/v1/principals").ok());  // a 401

  const std::string config = dir.path() + "/prometheus.yml";
  std::ofstream(config) << "global:\n  scrape_interval: 1s\n"
                           "scrape_configs:\n  - job_name: meridian\n"
                           "    static_configs:\n      - targets: ['127.0.0.1:"
                        << service->port() << "']\n";
  const uint16_t web_port = FreePort();
  const std::string listen = "127.0.0.1:" + std::to_string(web_port);
  const std::string tsdb = dir.path() + "/tsdb";
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execl(kPrometheus, kPrometheus, ("--config.file=" + config).c_str(),
          ("--storage.tsdb.path=" + tsdb).c_str(),
          ("--web.listen-address=" + listen).c_str(), nullptr);
    _exit(127);
  }
  std::string last;
  bool up = false;
  for (int i = 0; i < 600 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    http::HttpClient c;
    Result<http::ClientResponse> r =
        c.Get("http://" + listen + "/api/v1/targets", 2000);
    if (!r.ok()) continue;
    last = r->body;
    up = last.find("\"health\":\"up\"") != std::string::npos;
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  ASSERT_TRUE(up) << last;
  EXPECT_NE(last.find("\"lastError\":\"\""), std::string::npos) << last;
  service->Stop();
}

}  // namespace
}  // namespace meridian::api
