// End-to-end tests of Server (and HttpClient against it) on loopback
// ports. No test asserts on speed; waits are bounded by generous timeouts.
#include "api/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "api/http/client.h"
#include "api/http/testing/raw_connection.h"

namespace meridian::http {
namespace {

using testing::RawConnection;
using testing::RawResponse;
using namespace std::chrono_literals;

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Runs closures on its own thread, in order: the "engine" that answers
// handlers later, off the io thread.
class Worker {
 public:
  Worker() : thread_([this] { Loop(); }) {}
  ~Worker() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Post(std::function<void()> f) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(f));
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> f;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        f = std::move(queue_.front());
        queue_.pop_front();
      }
      f();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool done_ = false;                        // GUARDED_BY(mu_)
  std::thread thread_;
};

// A one-shot gate a handler can wait behind.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitOpen(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

std::string Get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.Add("GET", "/v1/ledger/accounts/{id}", "get_account",
                [](Request& request, const PathParams& params, Responder r) {
                  std::string body =
                      R"({"id":")" + std::string(*params.Get("id")) + "\"";
                  if (auto q = request.QueryParam("q"))
                    body += ",\"q\":\"" + *q + "\"";
                  if (auto h = request.Header("x-test")) {
                    body += ",\"x\":\"" + std::string(*h) + "\"";
                  }
                  std::move(r).Send(Json(200, body + "}"));
                });
    router_.Add("POST", "/echo", "echo",
                [](Request& request, const PathParams&, Responder r) {
                  Response response = Json(201, std::move(request.body));
                  response.content_type = "application/octet-stream";
                  response.headers.emplace_back("X-Method", request.method);
                  std::move(r).Send(std::move(response));
                });
    router_.Add("GET", "/later", "later",
                [this](Request&, const PathParams&, Responder r) {
                  // std::function needs a copyable closure, hence the
                  // shared_ptr around the move-only Responder.
                  auto shared = std::make_shared<Responder>(std::move(r));
                  worker_.Post([shared] {
                    std::this_thread::sleep_for(20ms);
                    std::move(*shared).Send(Json(200, R"({"later":true})"));
                  });
                });
    router_.Add("GET", "/drop", "drop",
                [](Request&, const PathParams&, Responder) {});
    router_.Add("GET", "/drop-later", "drop_later",
                [this](Request&, const PathParams&, Responder r) {
                  auto shared = std::make_shared<Responder>(std::move(r));
                  worker_.Post([shared] {});
                });
    router_.Add("GET", "/throw", "throw",
                [](Request&, const PathParams&, Responder) {
                  throw std::runtime_error("boom");
                });
    router_.Add("GET", "/bad-header", "bad_header",
                [](Request&, const PathParams&, Responder r) {
                  Response response = Json(200, "{}");
                  response.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x");
                  std::move(r).Send(std::move(response));
                });
    router_.Add("GET", "/gate", "gate",
                [this](Request&, const PathParams&, Responder r) {
                  gate_entered_.Open();
                  auto shared = std::make_shared<Responder>(std::move(r));
                  worker_.Post([this, shared] {
                    if (gate_.WaitOpen(10s)) {
                      std::move(*shared).Send(Json(200, R"({"gate":true})"));
                    }
                  });
                });
    router_.Add("DELETE", "/v1/ledger/accounts/{id}", "delete_account",
                [](Request&, const PathParams&, Responder r) {
                  std::move(r).Send(Json(200, "{}"));
                });
    router_.Add("GET", "/empty", "empty",
                [](Request&, const PathParams&, Responder r) {
                  Response response;
                  response.status = 204;
                  std::move(r).Send(std::move(response));
                });
  }

  ~ServerTest() override {
    gate_.Open();  // let a parked handler go before the worker joins
    if (server_) server_->Stop();
  }

  void Start(ServerOptions options = {}) {
    options.on_request_done = [this](std::string_view route, int status,
                                     int64_t latency_ns) {
      std::lock_guard lock(done_mu_);
      done_.emplace_back(std::string(route), status);
      EXPECT_GE(latency_ns, 0);
    };
    auto server = Server::Start(std::move(options), std::move(router_));
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = std::move(server).value();
    ASSERT_NE(server_->port(), 0);
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) +
           std::string(path);
  }

  HttpClient Client() {
    ClientOptions options;
    options.base_url = Url("");
    return HttpClient(options);
  }

  // The requests reported to on_request_done, once there are `n`: the
  // report comes after the response is written, so maybe just after the
  // client has read it.
  std::vector<std::pair<std::string, int>> Done(size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(done_mu_);
        if (done_.size() >= n) return done_;
      }
      std::this_thread::sleep_for(10ms);
    }
    std::lock_guard lock(done_mu_);
    return done_;
  }

  // Waits for the server to see `n` open connections (accepting is
  // asynchronous).
  void WaitOpenConnections(size_t n) {
    for (int i = 0; i < 500 && server_->open_connections() != n; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(server_->open_connections(), n);
  }

  Worker worker_;
  Gate gate_;
  Gate gate_entered_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::mutex done_mu_;
  std::vector<std::pair<std::string, int>> done_;  // GUARDED_BY(done_mu_)
};

void ExpectErrorBody(const std::string& body, std::string_view status,
                     std::string_view code) {
  EXPECT_NE(body.find(R"({"result":{"status":")" + std::string(status) +
                      R"(","code":")" + std::string(code) + "\""),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("message":")"), std::string::npos) << body;
}

TEST_F(ServerTest, RoutesWithParamsQueryAndHeaders) {
  Start();
  HttpClient client = Client();
  auto r = client.Do("GET", "/v1/ledger/accounts/acct_7?q=a%20b",
                     {{"X-Test", "yes"}}, {}, 5000);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"id":"acct_7","q":"a b","x":"yes"})");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->Header("server"), "Meridian");
  EXPECT_TRUE(r->Header("date").has_value());

  r = client.Post("/echo", std::string("raw \0 bytes", 11));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, std::string("raw \0 bytes", 11));
  EXPECT_EQ(r->Header("content-type"), "application/octet-stream");
  EXPECT_EQ(r->Header("x-method"), "POST");

  r = client.Get("/empty");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
}

TEST_F(ServerTest, UnknownPathIs404WithJsonError) {
  Start();
  HttpClient client = Client();
  auto r = client.Get("/v1/nothing/here");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  ExpectErrorBody(r->body, "F", "NOT_FOUND");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  // The connection stays usable after a 404.
  r = client.Get("/v1/ledger/accounts/a");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(ServerTest, OtherMethodIs405WithAllow) {
  Start();
  HttpClient client = Client();
  auto r = client.Do("PATCH", "/v1/ledger/accounts/a", {}, "{}", 5000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "GET, DELETE");
  ExpectErrorBody(r->body, "F", "METHOD_NOT_ALLOWED");
  auto done = Done(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], std::make_pair(std::string(), 405));
}

TEST_F(ServerTest, CustomErrorRenderer) {
  ServerOptions options;
  options.error_response = [](const Error& error) {
    Response r;
    r.status = ErrorCodeHttpStatus(error.code);
    r.content_type = "text/plain";
    r.body = std::string(ErrorCodeName(error.code));
    return r;
  };
  Start(options);
  HttpClient client = Client();
  auto r = client.Get("/nope");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "NOT_FOUND");
  EXPECT_EQ(r->Header("content-type"), "text/plain");
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  Start();
  HttpClient client = Client();
  for (int i = 0; i < 200; ++i) {
    auto r = client.Get("/v1/ledger/accounts/n" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->body, R"({"id":"n)" + std::to_string(i) + "\"}");
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  auto done = Done(200);
  EXPECT_EQ(done.size(), 200u);
  for (const auto& [route, status] : done) {
    EXPECT_EQ(route, "get_account");
    EXPECT_EQ(status, 200);
  }
}

TEST_F(ServerTest, PipelinedRequestsAnswerInOrder) {
  Start();
  RawConnection c(server_->port());
  // The slow one first: the fast ones must wait their turn.
  ASSERT_TRUE(c.Send(Get("/later") + Get("/v1/ledger/accounts/b") +
                     Get("/v1/ledger/accounts/c")));
  auto first = c.ReadResponse();
  auto second = c.ReadResponse();
  auto third = c.ReadResponse();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->body, R"({"later":true})");
  EXPECT_EQ(second->body, R"({"id":"b"})");
  EXPECT_EQ(third->body, R"({"id":"c"})");
}

TEST_F(ServerTest, HandlersAnswerFromAnotherThreadConcurrently) {
  ServerOptions options;
  options.io_threads = 2;
  Start(options);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      HttpClient client = Client();
      for (int i = 0; i < 10; ++i) {
        auto r = client.Get("/later");
        if (r.ok() && r->status == 200 && r->body == R"({"later":true})") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
}

TEST_F(ServerTest, DroppedResponderAnswers500) {
  Start();
  HttpClient client = Client();
  for (std::string_view path : {"/drop", "/drop-later", "/throw"}) {
    auto r = client.Get(path);
    ASSERT_TRUE(r.ok()) << path;
    EXPECT_EQ(r->status, 500) << path;
    ExpectErrorBody(r->body, "U", "INTERNAL_ERROR");
  }
  // Still one healthy connection.
  auto r = client.Get("/v1/ledger/accounts/x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(ServerTest, InvalidHandlerHeaderBecomes500) {
  Start();
  RawConnection c(server_->port());
  ASSERT_TRUE(c.Send(Get("/bad-header")));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_FALSE(r->Header("set-cookie").has_value());
  EXPECT_FALSE(r->Header("x-evil").has_value());
}

TEST_F(ServerTest, BodyOverLimitByContentLengthIs413BeforeTheBody) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  Start(options);
  RawConnection c(server_->port());
  // Only the header: the answer must not wait for a body it will refuse.
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: "
             "1001\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Header("connection"), "close");
  ExpectErrorBody(r->body, "F", "BODY_TOO_LARGE");
  EXPECT_TRUE(c.WaitClosed());

  // At the limit is fine.
  HttpClient client = Client();
  auto ok = client.Post("/echo", std::string(1000, 'x'));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 201);
  EXPECT_EQ(ok->body.size(), 1000u);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  Start(options);
  RawConnection c(server_->port());
  std::string request =
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i)
    request += "190\r\n" + std::string(400, 'y') + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(c.Send(request));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  ExpectErrorBody(r->body, "F", "BODY_TOO_LARGE");

  // A chunked body within the limit arrives whole.
  RawConnection ok(server_->port());
  ASSERT_TRUE(ok.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto good = ok.ReadResponse();
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 201);
  EXPECT_EQ(good->body, "abcde");
}

TEST_F(ServerTest, HeadersOverLimitAre431) {
  ServerOptions options;
  options.max_header_bytes = 2048;
  Start(options);
  RawConnection c(server_->port());
  ASSERT_TRUE(
      c.Send("GET /v1/ledger/accounts/a HTTP/1.1\r\nHost: t\r\nX-Big: " +
             std::string(4096, 'h') + "\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  ExpectErrorBody(r->body, "F", "HEADERS_TOO_LARGE");
  EXPECT_TRUE(c.WaitClosed());
  auto done = Done(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].second, 431);
}

TEST_F(ServerTest, SlowRequestIs408ThenClosed) {
  ServerOptions options;
  options.request_timeout_ms = 200;
  Start(options);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.Send("GET /v1/ledger/accounts/a HTTP/1.1\r\nHost: t\r\n"));
  // ... and the rest never comes.
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->Header("connection"), "close");
  ExpectErrorBody(r->body, "U", "REQUEST_TIMEOUT");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, SlowBodyIs408) {
  ServerOptions options;
  options.request_timeout_ms = 200;
  Start(options);
  RawConnection c(server_->port());
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n"
             "\r\nabc"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
}

TEST_F(ServerTest, IdleConnectionsCloseQuietly) {
  ServerOptions options;
  options.request_timeout_ms = 5000;
  options.idle_timeout_ms = 100;
  Start(options);
  RawConnection c(server_->port());
  ASSERT_TRUE(c.Send(Get("/v1/ledger/accounts/a")));
  ASSERT_TRUE(c.ReadResponse());
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(c.pending(), "");  // no 408 on an idle connection
}

TEST_F(ServerTest, OverMaxConnectionsIs503) {
  ServerOptions options;
  options.max_connections = 2;
  Start(options);
  RawConnection a(server_->port());
  RawConnection b(server_->port());
  for (RawConnection* c : {&a, &b}) {
    ASSERT_TRUE(c->Send(Get("/v1/ledger/accounts/a")));
    ASSERT_TRUE(c->ReadResponse());
  }
  WaitOpenConnections(2);
  RawConnection third(server_->port());
  ASSERT_TRUE(third.connected());
  third.Send(Get("/v1/ledger/accounts/a"));
  auto r = third.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  ExpectErrorBody(r->body, "U", "TOO_MANY_CONNECTIONS");
  EXPECT_TRUE(third.WaitClosed());
  EXPECT_EQ(server_->open_connections(), 2u);
  // The admitted connections still work, and a freed slot is reused.
  ASSERT_TRUE(a.Send(Get("/v1/ledger/accounts/a")));
  ASSERT_TRUE(a.ReadResponse());
}

TEST_F(ServerTest, ExpectContinueGetsA100) {
  Start();
  RawConnection c(server_->port());
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto interim = c.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.Send("hello"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(ServerTest, MalformedRequestIs400) {
  Start();
  RawConnection c(server_->port());
  ASSERT_TRUE(c.Send("GET / HTTP/9.9\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  ExpectErrorBody(r->body, "F", "INVALID_PARAMETER");
}

TEST_F(ServerTest, AmbiguousBodyFramingIs400) {
  Start();
  // Transfer-Encoding other than chunked, and both framings at once: the
  // classic request-smuggling shapes.
  for (std::string_view request :
       {"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n"
        "abcd",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
        "Content-Length: 4\r\n\r\nabcd"}) {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.Send(request));
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << request;
    EXPECT_EQ(r->status, 400) << request;
    EXPECT_TRUE(c.WaitClosed());
  }
}

TEST_F(ServerTest, BlankLinesBeforeARequestAreIgnored) {
  Start();
  RawConnection c(server_->port());
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
             "\r\nab\r\n" +
             Get("/v1/ledger/accounts/a")));
  auto first = c.ReadResponse();
  auto second = c.ReadResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "ab");
  EXPECT_EQ(second->body, R"({"id":"a"})");
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAlive) {
  Start();
  RawConnection c(server_->port());
  ASSERT_TRUE(c.Send("GET /v1/ledger/accounts/a HTTP/1.0\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());

  RawConnection k(server_->port());
  std::string keep =
      "GET /v1/ledger/accounts/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  ASSERT_TRUE(k.Send(keep));
  r = k.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("connection"), "keep-alive");
  ASSERT_TRUE(k.Send(keep));
  EXPECT_TRUE(k.ReadResponse());
}

TEST_F(ServerTest, StopDrainsInFlightRequestAndClosesIdle) {
  Start();
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.Send(Get("/v1/ledger/accounts/a")));
  ASSERT_TRUE(idle.ReadResponse());

  RawConnection busy(server_->port());
  ASSERT_TRUE(busy.Send(Get("/gate")));
  ASSERT_TRUE(gate_entered_.WaitOpen(5s));
  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  EXPECT_TRUE(idle.WaitClosed());  // closed at once, without an answer
  EXPECT_EQ(idle.pending(), "");
  EXPECT_EQ(stopped.wait_for(50ms), std::future_status::timeout);
  gate_.Open();
  auto r = busy.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"gate":true})");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(busy.WaitClosed());
  stopped.get();
  EXPECT_EQ(server_->open_connections(), 0u);
  // Nothing listens any more.
  RawConnection late(server_->port());
  EXPECT_FALSE(late.connected());
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, StopGivesUpAfterDrainTimeout) {
  ServerOptions options;
  options.drain_timeout_ms = 100;
  Start(options);
  RawConnection busy(server_->port());
  ASSERT_TRUE(busy.Send(Get("/gate")));
  ASSERT_TRUE(gate_entered_.WaitOpen(5s));
  server_->Stop();  // returns although the handler never answered
  EXPECT_TRUE(busy.WaitClosed());
  EXPECT_EQ(busy.pending(), "");
  gate_.Open();  // the late Send goes nowhere, harmlessly
}

TEST_F(ServerTest, ClientReconnectsWhenTheServerClosedAnIdleConnection) {
  ServerOptions options;
  options.idle_timeout_ms = 50;
  Start(options);
  HttpClient client = Client();
  ASSERT_TRUE(client.Get("/v1/ledger/accounts/a").ok());
  WaitOpenConnections(0);  // the server closed it, idle
  auto r = client.Get("/v1/ledger/accounts/b");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->body, R"({"id":"b"})");
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(ServerTest, ClientTimesOut) {
  Start();
  HttpClient client = Client();
  auto r = client.Do("GET", "/gate", {}, {}, 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kREQUEST_TIMEOUT);
  gate_.Open();
  // The next request works on a new connection.
  auto ok = client.Get("/v1/ledger/accounts/a");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
}

TEST(ServerStartTest, RefusesAPortInUseAndBadOptions) {
  auto first = Server::Start(ServerOptions(), Router());
  ASSERT_TRUE(first.ok());
  ServerOptions same;
  same.port = (*first)->port();
  auto second = Server::Start(same, Router());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kIO_ERROR);
  ServerOptions bad;
  bad.io_threads = 0;
  EXPECT_EQ(Server::Start(bad, Router()).error().code,
            ErrorCode::kINVALID_PARAMETER);
}

TEST(ClientTest, ParseUrl) {
  auto u = ParseUrl("http://127.0.0.1:8080/v1/x?y=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/v1/x?y=1");
  u = ParseUrl("HTTPS://example.com");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/");
  u = ParseUrl("http://[::1]:9/a");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9);
  EXPECT_EQ(u->Origin(), "http://[::1]:9");
  u = ParseUrl("http://h?q=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->target, "/?q=1");
  for (std::string_view bad :
       {"ftp://x/", "http://", "http://:80/", "http://h:0/", "http://h:99999/",
        "http://u@h/", "http://h/#frag", "http://h/a b", "127.0.0.1:80/x",
        "http://h:/x", "http://[::1/"}) {
    EXPECT_FALSE(ParseUrl(bad).ok()) << bad;
  }
}

TEST(ClientTest, ConnectionRefusedIsIoError) {
  uint16_t port;
  {
    auto s = Server::Start(ServerOptions(), Router());
    ASSERT_TRUE(s.ok());
    port = (*s)->port();
  }
  HttpClient client;
  auto r = client.Get("http://127.0.0.1:" + std::to_string(port) + "/", 2000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIO_ERROR);
  HttpClient no_base;
  EXPECT_EQ(no_base.Get("/x").error().code, ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(
      no_base.Do("GET", "http://127.0.0.1:1/", {{"Connection", "x"}}, {}, 100)
          .error()
          .code,
      ErrorCode::kINVALID_PARAMETER);
}

}  // namespace
}  // namespace meridian::http
