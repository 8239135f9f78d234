// Kill -9 during a load of ledger transfers through HTTP: every transfer
// answered 200 is present after restart. The server is the real `meridian
// serve` binary in its own process, with fdatasync on.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "api/http/client.h"
#include "core/id.h"
#include "core/testing/temp_dir.h"

namespace meridian::api {
namespace {

constexpr char kKey[] = "sk_crash_test_operator_key_000000";

struct Server {
  pid_t pid = -1;
  uint16_t port = 0;
};

// Starts `meridian serve` and waits for its "listening on" line.
Server StartServer(const std::string& data_dir) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    setenv("MERIDIAN_OPERATOR_KEY", kKey, 1);
    execl(MERIDIAN_BINARY, MERIDIAN_BINARY, "serve", "--data-dir",
          data_dir.c_str(), "--listen", "127.0.0.1:0", nullptr);
    _exit(127);
  }
  close(out[1]);
  Server s;
  s.pid = pid;
  FILE* f = fdopen(out[0], "r");
  char line[512];
  while (fgets(line, sizeof line, f) != nullptr) {
    const char* at = strstr(line, "listening on http://127.0.0.1:");
    if (at != nullptr) {
      s.port = static_cast<uint16_t>(
          atoi(at + strlen("listening on http://127.0.0.1:")));
      break;
    }
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  std::thread([f] {
    char buf[512];
    while (fgets(buf, sizeof buf, f) != nullptr) {
    }
    fclose(f);
  }).detach();
  EXPECT_NE(s.port, 0) << "the server did not start";
  return s;
}

std::string Url(uint16_t port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

std::vector<std::pair<std::string, std::string>> Headers() {
  return {{"Authorization", std::string("Bearer ") + kKey},
          {"Content-Type", "application/json"}};
}

TEST(ApiCrashTest, EveryTransferAnswered200SurvivesKill9) {
  meridian::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  IdGenerator ids;
  const std::string a = FormatId(IdKind::kAccount, ids.Next());
  const std::string b = FormatId(IdKind::kAccount, ids.Next());
  std::vector<std::string> acked;
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    Server s = StartServer(data);
    ASSERT_NE(s.port, 0);
    http::HttpClient setup;
    if (round == 0) {
      Result<http::ClientResponse> r = setup.Do(
          "POST", Url(s.port, "/v1/ledger/accounts"), Headers(),
          R"({"accounts":[{"id":")" + a + R"(","currency":"EUR"},{"id":")" + b +
              R"(","currency":"EUR"}]})",
          10'000);
      ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : "");
    }
    // Everything acknowledged before this kill must still be there.
    for (const std::string& id : acked) {
      Result<http::ClientResponse> r =
          setup.Do("GET", Url(s.port, "/v1/ledger/transfers/" + id), Headers(),
                   "", 10'000);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->status, 200) << "acknowledged transfer " << id << " lost";
    }
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&] {
        http::HttpClient client;
        IdGenerator gen;
        while (!stop.load()) {
          std::string id = FormatId(IdKind::kTransfer, gen.Next());
          Result<http::ClientResponse> r = client.Do(
              "POST", Url(s.port, "/v1/ledger/transfers"), Headers(),
              R"({"transfers":[{"id":")" + id + R"(","debitAccountId":")" + a +
                  R"(","creditAccountId":")" + b +
                  R"(","amount":{"currency":"EUR","value":"1"}}]})",
              5'000);
          if (!r.ok()) return;  // the server is gone
          if (r->status == 200) {
            std::unique_lock lock(mu);
            acked.push_back(id);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(
        500 + std::uniform_int_distribution<int>(0, 1000)(rng)));
    ASSERT_EQ(kill(s.pid, SIGKILL), 0);
    int status = 0;
    waitpid(s.pid, &status, 0);
    stop.store(true);
    for (auto& t : clients) t.join();
  }
  Server s = StartServer(data);
  http::HttpClient client;
  for (const std::string& id : acked) {
    Result<http::ClientResponse> r =
        client.Do("GET", Url(s.port, "/v1/ledger/transfers/" + id), Headers(),
                  "", 10'000);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << "acknowledged transfer " << id << " lost";
  }
  EXPECT_GT(acked.size(), 100u);
  std::printf("%zu acknowledged transfers survived 3 kills\n", acked.size());
  kill(s.pid, SIGTERM);
  waitpid(s.pid, nullptr, 0);
}

}  // namespace
}  // namespace meridian::api
