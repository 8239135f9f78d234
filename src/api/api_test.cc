// End-to-end tests of the API: the real server on a loopback port, real
// HTTP, a real data directory.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"
#include "api/auth/signature.h"
#include "api/auth/time_format.h"
#include "api/auth/webhook_signature.h"
#include "api/http/client.h"
#include "api/http/server.h"
#include "api/service.h"
#include "api/testing/api_fixture.h"
#include "core/id.h"
#include "core/testing/temp_dir.h"

namespace meridian::api {
namespace {

TEST_F(ApiTest, HealthReadyAndOpenApiNeedNoKey) {
  EXPECT_EQ(client_->Call("GET", "/healthz", "", "").status, 200);
  EXPECT_EQ(client_->Call("GET", "/readyz", "", "").status, 200);
  Reply doc = client_->Call("GET", "/v1/openapi.json", "", "");
  EXPECT_EQ(doc.status, 200);
  EXPECT_EQ(doc.Str({"openapi"}), "3.0.3");
}

TEST_F(ApiTest, OpenApiDocumentsExactlyTheRoutes) {
  simdjson::dom::parser parser;
  simdjson::padded_string text(OpenApiDocument());
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS);
  simdjson::dom::object paths;
  ASSERT_EQ(doc["paths"].get_object().get(paths), simdjson::SUCCESS);
  std::set<std::pair<std::string, std::string>> documented, served;
  for (simdjson::dom::key_value_pair path_item : paths) {
    std::string_view path = path_item.key;
    simdjson::dom::object ops;
    ASSERT_EQ(path_item.value.get_object().get(ops), simdjson::SUCCESS);
    for (simdjson::dom::key_value_pair op : ops) {
      std::string_view method = op.key;
      std::string m(method);
      for (char& ch : m) ch = static_cast<char>(std::toupper(ch));
      documented.emplace(m, std::string(path));
    }
  }
  for (const auto& r : service_->routes()) served.insert(r);
  for (const auto& r : served) {
    EXPECT_TRUE(documented.count(r))
        << "undocumented: " << r.first << " " << r.second;
  }
  for (const auto& r : documented) {
    EXPECT_TRUE(served.count(r))
        << "documented, not served: " << r.first << " " << r.second;
  }
}

TEST_F(ApiTest, WrongOrMissingKeyIs401AndOthersObjectsAre404) {
  Reply none = client_->Call("GET", "/v1/principals", "", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.code(), "UNAUTHENTICATED");
  EXPECT_EQ(none.param(), "Authorization");
  EXPECT_EQ(client_->Call("GET", "/v1/principals", "", "sk_wrong").status, 401);

  auto [a, a_key] = NewPrincipal("Wallet A");
  auto [b, b_key] = NewPrincipal("Wallet B");
  // A participant is not the operator.
  Reply forbidden =
      client_->Call("POST", "/v1/ledger/accounts",
                    AccountsBody({NewId(IdKind::kAccount)}), a_key);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.Str({"result", "status"}), "F");
  // Its own principal: yes; the other: 404, exactly as a missing one.
  EXPECT_EQ(client_->Call("GET", "/v1/principals/" + a, "", a_key).status, 200);
  Reply other = client_->Call("GET", "/v1/principals/" + b, "", a_key);
  EXPECT_EQ(other.status, 404);
  Reply missing = client_->Call(
      "GET", "/v1/principals/" + NewId(IdKind::kPrincipal), "", a_key);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(other.body, missing.body);
  // Webhook endpoints too.
  Reply ep = client_->Call(
      "POST", "/v1/webhooks/endpoints",
      R"({"url":"http://127.0.0.1:9/x","eventTypes":["webhook.test"]})", a_key);
  ASSERT_EQ(ep.status, 201) << ep.body;
  std::string ep_id = ep.Str({"endpoint", "id"});
  EXPECT_EQ(
      client_->Call("GET", "/v1/webhooks/endpoints/" + ep_id, "", a_key).status,
      200);
  EXPECT_EQ(
      client_->Call("GET", "/v1/webhooks/endpoints/" + ep_id, "", b_key).status,
      404);
  EXPECT_EQ(
      client_->Call("DELETE", "/v1/webhooks/endpoints/" + ep_id, "", b_key)
          .status,
      404);
  // A revoked key stops working at once.
  Reply k2 = client_->Call("POST", "/v1/principals/" + a + "/keys", "", a_key);
  ASSERT_EQ(k2.status, 201);
  EXPECT_EQ(
      Op("DELETE", "/v1/principals/" + a + "/keys/" + k2.Str({"key", "id"}))
          .status,
      200);
  EXPECT_EQ(
      client_->Call("GET", "/v1/principals/" + a, "", k2.Str({"key", "secret"}))
          .status,
      401);
}

TEST_F(ApiTest, BadInputIsRefusedWithCodeAndParamAndChangesNothing) {
  std::string a = NewId(IdKind::kAccount), b = NewId(IdKind::kAccount);
  ASSERT_EQ(Op("POST", "/v1/ledger/accounts", AccountsBody({a, b})).status,
            200);
  ASSERT_EQ(Op("POST", "/v1/ledger/transfers",
               TransferBody(NewId(IdKind::kTransfer), a, b, "100"))
                .status,
            200);
  const std::string before = Balance(a) + Balance(b);

  struct Case {
    std::string body;
    int status;
    std::string code, param;
  };
  std::string t = NewId(IdKind::kTransfer);
  std::vector<Case> cases = {
      {"{\"transfers\":[", 400, "INVALID_JSON", ""},
      {"[1,2]", 400, "INVALID_JSON", ""},
      {TransferBody(t, a, b, "12.5"), 400, "INVALID_AMOUNT",
       "transfers[0].amount.value"},
      {TransferBody(t, a, b, "-5"), 400, "INVALID_AMOUNT",
       "transfers[0].amount.value"},
      {TransferBody(t, a, b, "1234567890123456789"), 400, "INVALID_AMOUNT",
       "transfers[0].amount.value"},
      {TransferBody(t, a, b, "100", "ABC"), 400, "CURRENCY_NOT_SUPPORTED",
       "transfers[0].amount.currency"},
      {TransferBody("tr_nonsense", a, b, "100"), 400, "INVALID_ID",
       "transfers[0].id"},
      {R"({"transfers":[{"id":")" + t + R"(","debitAccountId":")" + a +
           R"(","creditAccountId":")" + b +
           R"(","amount":{"currency":"USD","value":"1"},"colour":"red"}]})",
       400, "UNKNOWN_PARAMETER", "transfers[0].colour"},
      {R"({"transfers":[{"id":")" + t + R"(","creditAccountId":")" + b +
           R"(","amount":{"currency":"USD","value":"1"}}]})",
       400, "MISSING_PARAMETER", "transfers[0].debitAccountId"},
      {"{\"transfers\":[],\"pad\":\"" + std::string(70 << 10, 'x') + "\"}", 413,
       "BODY_TOO_LARGE", ""},
  };
  for (const Case& c : cases) {
    Reply r = Op("POST", "/v1/ledger/transfers", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 200) << " -> " << r.body;
    EXPECT_EQ(r.code(), c.code) << r.body;
    EXPECT_EQ(r.Str({"result", "status"}), "F") << r.body;
    if (!c.param.empty()) {
      EXPECT_EQ(r.param(), c.param) << r.body;
    }
    EXPECT_NE(r.Str({"result", "message"}), "<missing>");
  }
  Reply form = Op("POST", "/v1/ledger/transfers", "a=b",
                  {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(form.code(), "UNSUPPORTED_MEDIA_TYPE");
  // A business refusal is 422 with the ledger's reason.
  std::string strict = NewId(IdKind::kAccount);
  ASSERT_EQ(
      Op("POST", "/v1/ledger/accounts",
         AccountsBody({strict}, "USD", R"(["DEBITS_MUST_NOT_EXCEED_CREDITS"])"))
          .status,
      200);
  Reply refused = Op("POST", "/v1/ledger/transfers",
                     TransferBody(NewId(IdKind::kTransfer), strict, a, "1"));
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.code(), "INSUFFICIENT_BALANCE");
  EXPECT_EQ(refused.Str({"transfers", "0", "result"}), "EXCEEDS_CREDITS");
  EXPECT_EQ(Balance(a) + Balance(b), before);
  EXPECT_EQ(Op("GET", "/v1/ledger/transfers/" + t).status, 404);
}

TEST_F(ApiTest, SameRequestIdFiftyTimesConcurrentlyHasOneEffect) {
  std::string a = NewId(IdKind::kAccount), b = NewId(IdKind::kAccount);
  ASSERT_EQ(Op("POST", "/v1/ledger/accounts", AccountsBody({a, b})).status,
            200);
  // Webhook endpoints: ids are made by the gateway, so only the
  // idempotency table stops fifty endpoints from being created.
  const std::string body =
      R"({"url":"http://127.0.0.1:9/hook","eventTypes":["webhook.test"]})";
  std::vector<std::string> answers(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      Client c(service_->port());
      Reply r = c.Call("POST", "/v1/webhooks/endpoints", body, kOperatorKey,
                       {{"Idempotency-Key", "endpoint-once"}});
      answers[i] = std::to_string(r.status) + " " + r.body;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& a : answers) EXPECT_EQ(a, answers[0]);
  EXPECT_EQ(answers[0].substr(0, 3), "201");
  Reply list = Op("GET", "/v1/webhooks/endpoints");
  EXPECT_EQ(list.Str({"data", "1"}), "<missing>") << list.body;  // one only

  // Transfers: the same answer each time, including the first's "OK".
  const std::string transfer =
      TransferBody(NewId(IdKind::kTransfer), a, b, "7");
  threads.clear();
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      Client c(service_->port());
      Reply r = c.Call("POST", "/v1/ledger/transfers", transfer, kOperatorKey,
                       {{"Idempotency-Key", "pay-7"}});
      answers[i] = std::to_string(r.status) + " " + r.body;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& a : answers) EXPECT_EQ(a, answers[0]);
  EXPECT_NE(answers[0].find("\"result\":\"OK\""), std::string::npos)
      << answers[0];
  EXPECT_EQ(Balance(b), "7/0");
  // Whitespace and key order do not make another request...
  std::string reordered = transfer;
  reordered.insert(1, " ");
  EXPECT_EQ(Op("POST", "/v1/ledger/transfers", reordered,
               {{"Idempotency-Key", "pay-7"}})
                .status,
            200);
  // ...a changed body does, and is refused without effect.
  Reply changed = Op("POST", "/v1/ledger/transfers",
                     TransferBody(NewId(IdKind::kTransfer), a, b, "8"),
                     {{"Idempotency-Key", "pay-7"}});
  EXPECT_EQ(changed.status, 409);
  EXPECT_EQ(changed.code(), "REPEAT_REQ_INCONSISTENT");
  EXPECT_EQ(Balance(b), "7/0");
  // And the table survives a restart.
  Restart();
  EXPECT_EQ(std::to_string(Op("POST", "/v1/ledger/transfers", transfer,
                              {{"Idempotency-Key", "pay-7"}})
                               .status) +
                " " +
                Op("POST", "/v1/ledger/transfers", transfer,
                   {{"Idempotency-Key", "pay-7"}})
                    .body,
            answers[0]);
}

TEST_F(ApiTest, LedgerApiListsTransfersWithCursors) {
  std::string a = NewId(IdKind::kAccount), b = NewId(IdKind::kAccount);
  ASSERT_EQ(
      Op("POST", "/v1/ledger/accounts", AccountsBody({a, b}, "JPY")).status,
      200);
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    ids.push_back(NewId(IdKind::kTransfer));
    ASSERT_EQ(Op("POST", "/v1/ledger/transfers",
                 TransferBody(ids.back(), a, b, std::to_string(i + 1), "JPY"))
                  .status,
              200);
  }
  Reply page1 = Op("GET", "/v1/ledger/accounts/" + b + "/transfers?limit=20");
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.Str({"data", "0", "id"}), ids[24]);  // newest first
  EXPECT_EQ(page1.Str({"hasMore"}), "true");
  Reply page2 = Op("GET", "/v1/ledger/accounts/" + b +
                              "/transfers?limit=20&startingAfter=" +
                              page1.Str({"data", "19", "id"}));
  EXPECT_EQ(page2.Str({"data", "4", "id"}), ids[0]);
  EXPECT_EQ(page2.Str({"hasMore"}), "false");
  Reply t = Op("GET", "/v1/ledger/transfers/" + ids[3]);
  EXPECT_EQ(t.Str({"transfer", "amount", "value"}), "4");
  EXPECT_EQ(t.Str({"transfer", "amount", "currency"}), "JPY");
  EXPECT_EQ(Balance(b), "325/0");
}

// A receiver on a loopback port that records what it gets and fails the
// first `fail_first` posts with a 500.
class Receiver {
 public:
  explicit Receiver(int fail_first) : fail_first_(fail_first) {
    http::Router router;
    router.Add(
        "POST", "/hook", "hook",
        [this](http::Request& req, const http::PathParams&, http::Responder r) {
          std::unique_lock lock(mu_);
          if (seen_++ < fail_first_) {
            std::move(r).Send(Answer(500, "{}"));
            return;
          }
          bodies_.push_back(req.body);
          signatures_.push_back(
              std::string(req.Header("meridian-signature").value_or("")));
          std::move(r).Send(Answer(200, "{}"));
        });
    server_ = std::move(http::Server::Start({}, std::move(router))).value();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  // Waits up to 20 s for `n` accepted deliveries.
  bool WaitFor(size_t n) {
    for (int i = 0; i < 2000; ++i) {
      {
        std::unique_lock lock(mu_);
        if (bodies_.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  std::vector<std::string> bodies() {
    std::unique_lock lock(mu_);
    return bodies_;
  }
  std::vector<std::string> signatures() {
    std::unique_lock lock(mu_);
    return signatures_;
  }
  int seen() {
    std::unique_lock lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  int fail_first_;
  int seen_ = 0;
  std::vector<std::string> bodies_, signatures_;
  std::unique_ptr<http::Server> server_;
};

WebhookOptions FastRetries() {
  WebhookOptions w;
  w.retry_schedule_ms = {0, 50, 50, 50, 50, 50, 50, 50};
  w.timeout_ms = 2000;
  return w;
}

TEST_F(ApiTest, WebhooksAreSignedAndRetriedUntilAccepted) {
  Restart(FastRetries());
  Receiver receiver(/*fail_first=*/2);
  Reply ep = Op("POST", "/v1/webhooks/endpoints",
                R"({"url":")" + receiver.url() +
                    R"(","eventTypes":["ledger.transfer.created"]})");
  ASSERT_EQ(ep.status, 201) << ep.body;
  const std::string secret = ep.Str({"secret"});
  std::string a = NewId(IdKind::kAccount), b = NewId(IdKind::kAccount);
  ASSERT_EQ(Op("POST", "/v1/ledger/accounts", AccountsBody({a, b})).status,
            200);
  std::string t = NewId(IdKind::kTransfer);
  // The ledger API's events go to the principal that made the change.
  ASSERT_EQ(
      Op("POST", "/v1/ledger/transfers", TransferBody(t, a, b, "5")).status,
      200);
  ASSERT_TRUE(receiver.WaitFor(1)) << "seen " << receiver.seen();
  EXPECT_EQ(receiver.seen(), 3);  // two failures, then accepted
  const std::string body = receiver.bodies()[0];
  EXPECT_NE(body.find("\"type\":\"ledger.transfer.created\""),
            std::string::npos);
  EXPECT_NE(body.find(t), std::string::npos);
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_TRUE(auth::VerifyWebhookSignature(receiver.signatures()[0], body,
                                           secret, now_s, 300)
                  .ok());
  EXPECT_FALSE(auth::VerifyWebhookSignature(receiver.signatures()[0],
                                            body + " ", secret, now_s, 300)
                   .ok());
  // Its delivery state is visible through the API.
  simdjson::dom::parser p;
  std::string event_id(p.parse(body).value()["id"].get_string().value());
  Reply ev = WaitForEvent(event_id, "state", "DELIVERED");
  EXPECT_EQ(ev.Str({"event", "deliveries", "0", "attempts"}), "3");
}

TEST_F(ApiTest, EventsPendingAtShutdownAreDeliveredAfterRestart) {
  WebhookOptions w;
  w.retry_schedule_ms = {0, 1500, 1500, 1500};
  w.timeout_ms = 500;
  Restart(w);
  // Nobody listens on the endpoint's port yet: reserve one, then free it.
  uint16_t port;
  {
    http::Router r;
    auto probe = std::move(http::Server::Start({}, std::move(r))).value();
    port = probe->port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  Reply ep = Op("POST", "/v1/webhooks/endpoints",
                R"({"url":")" + url + R"(","eventTypes":["webhook.test"]})");
  ASSERT_EQ(ep.status, 201);
  Reply sent = Op(
      "POST", "/v1/webhooks/endpoints/" + ep.Str({"endpoint", "id"}) + "/test");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string event_id = sent.Str({"eventId"});
  // The first attempt fails (connection refused); stop before the retry.
  Reply ev = WaitForEvent(event_id, "attempts", "1");
  ASSERT_EQ(ev.Str({"event", "deliveries", "0", "attempts"}), "1") << ev.body;
  service_->Stop();
  service_.reset();
  // Now a receiver on that port, and a restart.
  http::Router router;
  std::mutex mu;
  std::vector<std::string> got;
  router.Add(
      "POST", "/hook", "hook",
      [&](http::Request& req, const http::PathParams&, http::Responder r) {
        {
          std::unique_lock lock(mu);
          got.push_back(req.body);
        }
        std::move(r).Send(Answer(204, ""));
      });
  http::ServerOptions so;
  so.port = port;
  auto receiver = std::move(http::Server::Start(so, std::move(router))).value();
  Start(w);
  bool delivered = false;
  for (int i = 0; i < 400 && !delivered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::unique_lock lock(mu);
    delivered = !got.empty();
  }
  ASSERT_TRUE(delivered);
  EXPECT_NE(got[0].find(event_id), std::string::npos) << got[0];
  ev = WaitForEvent(event_id, "state", "DELIVERED");
  EXPECT_EQ(ev.Str({"event", "deliveries", "0", "attempts"}), "2");
}

TEST_F(ApiTest, ReindexRebuildsTheReadModelFromTheJournal) {
  std::string a = NewId(IdKind::kAccount), b = NewId(IdKind::kAccount);
  ASSERT_EQ(Op("POST", "/v1/ledger/accounts", AccountsBody({a, b})).status,
            200);
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(Op("POST", "/v1/ledger/transfers",
                 TransferBody(NewId(IdKind::kTransfer), a, b, "3"))
                  .status,
              200);
  }
  const std::string path = "/v1/ledger/accounts/" + b + "/transfers?limit=100";
  const std::string before = Op("GET", path).body;
  // Not while the server runs: the journal's lock refuses, nothing changes.
  Result<ReindexInfo> refused = Reindex(dir_.path() + "/data");
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(Op("GET", path).body, before);
  service_->Stop();
  service_.reset();
  Result<ReindexInfo> info = Reindex(dir_.path() + "/data");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->transfers, 30u);
  EXPECT_EQ(info->accounts, 2u);
  Start();
  EXPECT_EQ(Op("GET", path).body, before);
  EXPECT_NE(before.find("\"hasMore\":false"), std::string::npos);
}

TEST_F(ApiTest, PrincipalsMaySignTheirRequests) {
  // HMAC-SHA256: the secret comes back once, with the principal.
  Reply hmac = Op(
      "POST", "/v1/principals",
      R"({"name":"Signed Wallet","kind":"PARTICIPANT","signature":{"algorithm":"HMAC-SHA256"}})");
  ASSERT_EQ(hmac.status, 201) << hmac.body;
  const std::string id = hmac.Str({"principal", "id"});
  auth::SigningKey key;
  key.algorithm = auth::SigningKey::Algorithm::kHmacSha256;
  key.key_bytes = hmac.Str({"signingSecret"});
  Reply k = Op("POST", "/v1/principals/" + id + "/keys");
  const std::string secret = k.Str({"key", "secret"});
  const std::string target = "/v1/principals/" + id;
  auto signed_get = [&](const auth::SigningKey& with, int64_t when_ns) {
    const std::string time = auth::FormatRfc3339(when_ns);
    Result<std::string> sig =
        auth::SignRequest("GET", target, id, time, "", with);
    EXPECT_TRUE(sig.ok());
    return client_->Call(
        "GET", target, "", secret,
        {{"Client-Id", id}, {"Request-Time", time}, {"Signature", *sig}});
  };
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_EQ(signed_get(key, now).status, 200);
  Reply unsigned_get = client_->Call("GET", target, "", secret);
  EXPECT_EQ(unsigned_get.status, 401);
  EXPECT_EQ(unsigned_get.code(), "INVALID_SIGNATURE");
  auth::SigningKey wrong = key;
  wrong.key_bytes[5] ^= 1;
  EXPECT_EQ(signed_get(wrong, now).code(), "INVALID_SIGNATURE");
  Reply stale = signed_get(key, now - 6LL * 60 * 1'000'000'000);
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(stale.code(), "REQUEST_TIME_EXPIRED");

  // Ed25519: the principal registers its public key; Meridian never sees the
  // private one.
  auth::Ed25519KeyPair pair = auth::GenerateEd25519KeyPair().value();
  Reply ed = Op(
      "POST", "/v1/principals",
      R"({"name":"Ed Wallet","kind":"MERCHANT","signature":{"algorithm":"ED25519","publicKey":")" +
          auth::Base64UrlEncode(pair.public_key) + R"("}})");
  ASSERT_EQ(ed.status, 201) << ed.body;
  const std::string ed_id = ed.Str({"principal", "id"});
  const std::string ed_secret =
      Op("POST", "/v1/principals/" + ed_id + "/keys").Str({"key", "secret"});
  auth::SigningKey ed_key;
  ed_key.algorithm = auth::SigningKey::Algorithm::kEd25519;
  ed_key.key_bytes = pair.private_key;
  const std::string body =
      R"({"url":"http://127.0.0.1:9/x","eventTypes":["webhook.test"]})";
  const std::string time = auth::FormatRfc3339(now);
  std::string sig = auth::SignRequest("POST", "/v1/webhooks/endpoints", ed_id,
                                      time, body, ed_key)
                        .value();
  Reply ok = client_->Call(
      "POST", "/v1/webhooks/endpoints", body, ed_secret,
      {{"Client-Id", ed_id}, {"Request-Time", time}, {"Signature", sig}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  // The signature covers the raw bytes: one more space breaks it.
  Reply tampered = client_->Call(
      "POST", "/v1/webhooks/endpoints", body + " ", ed_secret,
      {{"Client-Id", ed_id}, {"Request-Time", time}, {"Signature", sig}});
  EXPECT_EQ(tampered.code(), "INVALID_SIGNATURE");
}

TEST_F(ApiTest, MetricsAreInPrometheusFormat) {
  Op("GET", "/v1/principals");
  Reply m = client_->Call("GET", "/metrics", "", "");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("meridian_http_requests_total{route=\"GET "
                        "/v1/principals\",code=\"200\"}"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("meridian_http_request_duration_seconds_bucket"),
            std::string::npos);
  EXPECT_NE(m.body.find("meridian_engine_queue_depth"), std::string::npos);
  EXPECT_NE(m.body.find("meridian_journal_fsync_seconds"), std::string::npos);
  EXPECT_NE(m.body.find("meridian_webhook_backlog"), std::string::npos);
}

}  // namespace
}  // namespace meridian::api
