// The end-to-end API tests' fixture: a real server on a loopback port, a
// real data directory, and a small client that parses JSON answers.
//
//   TEST_F(ApiTest, Something) {
//     Reply r = Op("GET", "/v1/fx/rates");
//     EXPECT_EQ(r.status, 200) << r.body;
//     EXPECT_EQ(r.Str({"rates", "0", "currency"}), "USD");
//   }
#ifndef MERIDIAN_API_TESTING_API_FIXTURE_H_
#define MERIDIAN_API_TESTING_API_FIXTURE_H_

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "api/http/client.h"
#include "api/http/server.h"
#include "api/service.h"
#include "core/id.h"
#include "core/testing/temp_dir.h"

namespace meridian::api {

inline constexpr char kOperatorKey[] = "sk_test_operator_key_0123456789";

struct Reply {
  int status = 0;
  std::string body;
  simdjson::dom::element json;
  std::shared_ptr<simdjson::dom::parser> parser;

  std::string Str(std::initializer_list<std::string_view> path) const {
    simdjson::dom::element e = json;
    for (std::string_view p : path) {
      if (e.type() == simdjson::dom::element_type::ARRAY) {
        auto r = e.at(std::stoul(std::string(p)));
        if (r.error()) return "<missing>";
        e = r.value();
      } else {
        auto r = e[p];
        if (r.error()) return "<missing>";
        e = r.value();
      }
    }
    if (e.type() == simdjson::dom::element_type::STRING) {
      return std::string(e.get_string().value());
    }
    return simdjson::minify(e);
  }
  std::string code() const { return Str({"result", "code"}); }
  std::string param() const { return Str({"result", "param"}); }
};

class Client {
 public:
  explicit Client(uint16_t port)
      : base_("http://127.0.0.1:" + std::to_string(port)) {}
  Reply Call(const std::string& method, const std::string& path,
             const std::string& body, const std::string& key,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    Result<http::ClientResponse> r =
        client_.Do(method, base_ + path, headers, body, 10'000);
    Reply out;
    if (!r.ok()) {
      ADD_FAILURE() << method << " " << path << ": " << r.error().ToString();
      return out;
    }
    out.status = r->status;
    out.body = r->body;
    out.parser = std::make_shared<simdjson::dom::parser>();
    if (!out.body.empty() && out.body[0] == '{') {
      auto parsed = out.parser->parse(out.body);
      EXPECT_FALSE(parsed.error()) << out.body;
      if (!parsed.error()) out.json = parsed.value();
    }
    return out;
  }

 private:
  std::string base_;
  http::HttpClient client_;
};

inline http::Response Answer(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

inline std::string NewId(IdKind kind) {
  static IdGenerator ids;
  return FormatId(kind, ids.Next());
}

inline std::string AccountsBody(const std::vector<std::string>& ids,
                                const std::string& currency = "USD",
                                const std::string& flags = "[]") {
  std::string b = R"({"accounts":[)";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) b += ",";
    b += R"({"id":")" + ids[i] + R"(","currency":")" + currency +
         R"(","flags":)" + flags + "}";
  }
  return b + "]}";
}

inline std::string TransferBody(const std::string& id, const std::string& debit,
                                const std::string& credit,
                                const std::string& value,
                                const std::string& currency = "USD") {
  return R"({"transfers":[{"id":")" + id + R"(","debitAccountId":")" + debit +
         R"(","creditAccountId":")" + credit + R"(","amount":{"currency":")" +
         currency + R"(","value":")" + value + R"("}}]})";
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override {
    if (service_) service_->Stop();
  }
  void Start(WebhookOptions webhooks = {}) {
    ServiceOptions o;
    o.data_dir = dir_.path() + "/data";
    o.listen_port = 0;
    o.sync = false;  // durability has its own test (api_crash_test)
    o.operator_key = kOperatorKey;
    o.max_body_bytes = 64 << 10;
    o.webhooks = webhooks;
    o.sandbox = true;
    Result<std::unique_ptr<ApiService>> s = ApiService::Start(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<Client>(service_->port());
  }
  void Restart(WebhookOptions webhooks = {}) {
    service_->Stop();
    service_.reset();
    Start(webhooks);
  }
  Reply Op(const std::string& method, const std::string& path,
           const std::string& body = "",
           std::vector<std::pair<std::string, std::string>> headers = {}) {
    return client_->Call(method, path, body, kOperatorKey, std::move(headers));
  }
  // A new principal and its key.
  std::pair<std::string, std::string> NewPrincipal(const std::string& name) {
    Reply p = Op("POST", "/v1/principals",
                 R"({"name":")" + name + R"(","kind":"PARTICIPANT"})");
    EXPECT_EQ(p.status, 201) << p.body;
    std::string id = p.Str({"principal", "id"});
    Reply k = Op("POST", "/v1/principals/" + id + "/keys");
    EXPECT_EQ(k.status, 201) << k.body;
    return {id, k.Str({"key", "secret"})};
  }
  // Polls the event until its first delivery's `field` is `value` (2 s at
  // most); EXPECTs it got there.
  Reply WaitForEvent(const std::string& event_id, const std::string& field,
                     const std::string& value) {
    Reply ev;
    for (int i = 0; i < 200; ++i) {
      ev = Op("GET", "/v1/events/" + event_id);
      if (ev.Str({"event", "deliveries", "0", field}) == value) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(ev.Str({"event", "deliveries", "0", field}), value) << ev.body;
    return ev;
  }
  std::string Balance(const std::string& account) {
    Reply r = Op("GET", "/v1/ledger/accounts/" + account);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Str({"account", "creditsPosted", "value"}) + "/" +
           r.Str({"account", "debitsPosted", "value"});
  }

  meridian::testing::TempDir dir_;
  std::unique_ptr<ApiService> service_;
  std::unique_ptr<Client> client_;
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_TESTING_API_FIXTURE_H_
