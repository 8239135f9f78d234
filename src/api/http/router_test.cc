#include "api/http/router.h"

#include <gtest/gtest.h>

namespace meridian::http {
namespace {

Handler Named(std::string* called, std::string name) {
  return [called, name](Request&, const PathParams&, Responder r) {
    *called = name;
    std::move(r).Send({});
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/", "root", Named(&called_, "root"));
    router_.Add("GET", "/v1/ledger/accounts/{id}", "get_account",
                Named(&called_, "get_account"));
    router_.Add("POST", "/v1/ledger/accounts/{id}/transfers", "create_transfer",
                Named(&called_, "create_transfer"));
    router_.Add("GET", "/v1/ledger/accounts/{id}/transfers", "list_transfers",
                Named(&called_, "list_transfers"));
    router_.Add("GET", "/v1/ledger/accounts/search", "search",
                Named(&called_, "search"));
    router_.Add("PUT", "/v1/ledger/accounts/{id}", "put_account",
                Named(&called_, "put_account"));
    router_.Add("GET", "/v1/payments/{payment}/refunds/{refund}", "get_refund",
                Named(&called_, "get_refund"));
  }

  Router::Match Find(std::string_view method, std::string_view path) {
    return router_.Find(method, path, &params_);
  }

  std::string Call(std::string_view method, std::string_view path) {
    Router::Match m = Find(method, path);
    if (m.kind != Router::Match::Kind::kFound) return "";
    Request request;
    called_.clear();
    (*m.handler)(request, params_, Responder::ForCallback([](Response) {}));
    EXPECT_EQ(called_, m.route_name);
    return called_;
  }

  Router router_;
  PathParams params_;
  std::string called_;
};

TEST_F(RouterTest, MatchesParametersAndNames) {
  EXPECT_EQ(Call("GET", "/v1/ledger/accounts/acct_42"), "get_account");
  EXPECT_EQ(params_.size(), 1u);
  EXPECT_EQ(params_.Get("id"), "acct_42");
  EXPECT_EQ(params_.Get("nope"), std::nullopt);
  EXPECT_EQ(Call("POST", "/v1/ledger/accounts/a%2Fb/transfers"),
            "create_transfer");
  EXPECT_EQ(params_.Get("id"), "a/b");  // decoded after splitting
  EXPECT_EQ(Call("GET", "/v1/payments/p1/refunds/r2"), "get_refund");
  EXPECT_EQ(params_.Get("payment"), "p1");
  EXPECT_EQ(params_.Get("refund"), "r2");
  EXPECT_EQ(Call("GET", "/"), "root");
}

TEST_F(RouterTest, ExactBeatsParameter) {
  EXPECT_EQ(Call("GET", "/v1/ledger/accounts/search"), "search");
  EXPECT_EQ(params_.size(), 0u);
  // The exact branch has no PUT; the parameter branch does.
  EXPECT_EQ(Call("PUT", "/v1/ledger/accounts/search"), "put_account");
  EXPECT_EQ(params_.Get("id"), "search");
  // Backtracking into the parameter below an exact segment.
  EXPECT_EQ(Call("GET", "/v1/ledger/accounts/search/transfers"),
            "list_transfers");
  EXPECT_EQ(params_.Get("id"), "search");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(Find("GET", "/v2/x").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(Find("GET", "/v1/ledger/accounts").kind,
            Router::Match::Kind::kNotFound);
  EXPECT_EQ(Find("GET", "/v1/ledger/accounts/").kind,
            Router::Match::Kind::kNotFound);  // empty id
  EXPECT_EQ(Find("GET", "/v1/ledger/accounts/a/").kind,
            Router::Match::Kind::kNotFound);  // trailing slash
  EXPECT_EQ(Find("GET", "v1/ledger").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(Find("GET", "").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(Find("GET", "*").kind, Router::Match::Kind::kNotFound);
}

TEST_F(RouterTest, KnownPathOtherMethodIsMethodNotAllowed) {
  Router::Match m = Find("DELETE", "/v1/ledger/accounts/acct_1");
  EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, PUT");
  m = Find("DELETE", "/v1/ledger/accounts/search");  // both patterns match
  EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, PUT");
  m = Find("get", "/");  // methods are case-sensitive
  EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET");
}

TEST_F(RouterTest, RoutesListsEverythingInOrder) {
  const auto& routes = router_.Routes();
  ASSERT_EQ(routes.size(), 7u);
  EXPECT_EQ(routes[1].method, "GET");
  EXPECT_EQ(routes[1].pattern, "/v1/ledger/accounts/{id}");
  EXPECT_EQ(routes[1].name, "get_account");
  EXPECT_EQ(routes[2].method, "POST");
}

TEST(RouterDeathTest, BadPatternsStopTheProcess) {
  auto h = [](Request&, const PathParams&, Responder) {};
  Router router;
  router.Add("GET", "/a/{id}", "a", h);
  EXPECT_DEATH(router.Add("GET", "/a/{other}", "dup", h), "two routes");
  EXPECT_DEATH(router.Add("GET", "a", "x", h), "start with");
  EXPECT_DEATH(router.Add("GET", "/a//b", "x", h), "empty segment");
  EXPECT_DEATH(router.Add("GET", "/a/x{id}", "x", h), "bad segment");
  EXPECT_DEATH(router.Add("GET", "/a/{id}/{id}", "x", h), "twice");
}

TEST(RequestTest, PathQueryHeadersAndParams) {
  Request request;
  request.target = "/v1/payments?limit=10&startingAfter=pay_%41+b&flag&e=";
  EXPECT_EQ(request.path(), "/v1/payments");
  EXPECT_EQ(request.query(), "limit=10&startingAfter=pay_%41+b&flag&e=");
  EXPECT_EQ(request.QueryParam("limit"), "10");
  EXPECT_EQ(request.QueryParam("startingAfter"), "pay_A b");
  EXPECT_EQ(request.QueryParam("flag"), "");
  EXPECT_EQ(request.QueryParam("e"), "");
  EXPECT_EQ(request.QueryParam("missing"), std::nullopt);
  request.target = "/x";
  EXPECT_EQ(request.query(), "");
  EXPECT_EQ(request.QueryParam("limit"), std::nullopt);

  request.AddHeader("Content-Type", "application/json");
  request.AddHeader("X-Dup", "1");
  request.AddHeader("x-dup", "2");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("x-dup"), "1");  // the first
  EXPECT_EQ(request.Header("authorization"), std::nullopt);
  ASSERT_EQ(request.header_count(), 3u);
  EXPECT_EQ(request.header(2).first, "x-dup");
  request.Clear();
  EXPECT_EQ(request.header_count(), 0u);
  EXPECT_EQ(request.Header("content-type"), std::nullopt);
}

TEST(RequestTest, PercentDecodeKeepsMalformedEscapes) {
  std::string out;
  PercentDecode("a%2Fb%zz%4", false, &out);
  EXPECT_EQ(out, "a/b%zz%4");
  PercentDecode("a+b", false, &out);
  EXPECT_EQ(out, "a+b");
  PercentDecode("a+b", true, &out);
  EXPECT_EQ(out, "a b");
}

TEST(ResponderTest, DroppedAnswers500AndSendIsOnce) {
  std::vector<Response> sent;
  {
    Responder r =
        Responder::ForCallback([&](Response x) { sent.push_back(x); });
  }
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 500);
  EXPECT_NE(sent[0].body.find("\"INTERNAL_ERROR\""), std::string::npos);

  Responder r = Responder::ForCallback([&](Response x) { sent.push_back(x); });
  Responder moved = std::move(r);
  EXPECT_FALSE(r.valid());  // NOLINT: testing moved-from state
  Response created;
  created.status = 201;
  std::move(moved).Send(std::move(created));
  EXPECT_FALSE(moved.valid());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].status, 201);
  EXPECT_DEATH(std::move(moved).Send({}), "empty Responder");
}

TEST(ErrorJsonTest, DefaultErrorBodyIsEscaped) {
  Response r =
      DefaultErrorResponse(MakeError(ErrorCode::kINVALID_AMOUNT, "amount.value",
                                     "bad \"x\"\n\\ \x01 \xff ok é"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"result":{"status":"F","code":"INVALID_AMOUNT",)"
                    R"("param":"amount.value","message":"bad \"x\"\n\\ \u0001 )"
                    "\\ufffd ok \xc3\xa9\"}}");
  r = DefaultErrorResponse(MakeError(ErrorCode::kREQUEST_TIMEOUT, "", "t"));
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(r.body, R"({"result":{"status":"U","code":"REQUEST_TIMEOUT",)"
                    R"("param":"","message":"t"}})");
}

}  // namespace
}  // namespace meridian::http
