// End-to-end tests of the wallet interconnect (spec/network.md) against the
// real server: a KRW wallet pays THB merchants by static, dynamic and
// national (PromptPay) codes; CPM with sandbox wallets that say S, F, too
// late, or nothing; refunds, cancels, the net debit cap, a promotion under
// concurrent payments, and a listed payer held and released.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "api/auth/time_format.h"
#include "api/testing/api_fixture.h"

namespace meridian::api {
namespace {

std::string Now(int64_t offset_s = 0) {
  return auth::FormatRfc3339(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() +
      offset_s * 1'000'000'000);
}

std::string Amt(const std::string& currency, const std::string& value) {
  return R"({"currency":")" + currency + R"(","value":")" + value + R"("})";
}

// A PromptPay code from ../shared/data/qr/payloads.tsv (dtinth/promptpay-qr):
// a phone-number merchant, static.
constexpr char kPromptPay[] =
    "00020101021129370016A000000677010111011300668912345675802TH5303764630429C"
    "1";

class NetworkApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    Reply rates = Op("POST", "/v1/fx/rates",
                     R"({"base":"EUR","source":"test","asOf":")" + Now() +
                         R"(","rates":[{"currency":"USD","rate":"1.08"},)"
                         R"({"currency":"KRW","rate":"1450"},)"
                         R"({"currency":"THB","rate":"38"}]})");
    ASSERT_EQ(rates.status, 200) << rates.body;
    base_ = "http://127.0.0.1:" + std::to_string(service_->port());
    wallet_ = AddWallet("Seoul Pay", "approve", "280", "10000000");
    Reply acq =
        Op("POST", "/v1/network/participants",
           R"({"type":"ACQUIRER","name":"Bangkok Acquiring",)"
           R"("country":"TH","currency":"THB","timeZone":"Asia/Bangkok",)"
           R"("endpoints":{"notify":"http://127.0.0.1:9/notify"},)"
           R"("fees":{"merchantFeeBps":100}})");
    ASSERT_EQ(acq.status, 201) << acq.body;
    acquirer_ = {acq.Str({"participant", "id"}), acq.Str({"apiKey"}),
                 acq.Str({"participant", "accounts", "payableAccountId"})};
    Reply m = As(acquirer_, "POST", "/v1/network/merchants",
                 R"({"merchantRequestId":"m-1","reference":"shop-1",)"
                 R"("name":"Khao Soi House","mcc":"5812","country":"TH",)"
                 R"("city":"Chiang Mai","currency":"THB"})");
    ASSERT_EQ(m.status, 201) << m.body;
    merchant_ = m.Str({"merchant", "id"});
    code_ = m.Str({"merchant", "codeValue"});
  }

  struct Party {
    std::string id, key, account;
  };

  Party AddWallet(const std::string& name, const std::string& mode,
                  const std::string& prefix, const std::string& cap,
                  int hold_s = 120) {
    Reply w = Op(
        "POST", "/v1/network/participants",
        R"({"type":"WALLET","name":")" + name +
            R"(","country":"KR","currency":"KRW","settlementCurrency":"USD",)"
            R"("timeZone":"Asia/Seoul","netDebitCap":)" +
            Amt("KRW", cap) + R"(,"codePrefixes":[")" + prefix +
            R"("],"cpmHoldSeconds":)" + std::to_string(hold_s) +
            R"(,"endpoints":{"authorize":")" + base_ + "/sandbox/wallets/" +
            mode + R"(/authorize","notify":"http://127.0.0.1:9/notify"}})");
    EXPECT_EQ(w.status, 201) << w.body;
    return {w.Str({"participant", "id"}), w.Str({"apiKey"}),
            w.Str({"participant", "accounts", "positionAccountId"})};
  }

  Reply As(const Party& p, const std::string& method, const std::string& path,
           const std::string& body = "") {
    return client_->Call(method, path, body, p.key);
  }

  std::string Balance(const std::string& account) {
    Reply a = Op("GET", "/v1/ledger/accounts/" + account);
    EXPECT_EQ(a.status, 200) << a.body;
    return a.Str({"account", "balance", "value"});
  }

  Reply Pay(const Party& wallet, const std::string& request_id,
            const std::string& code, const std::string& amount_json,
            const std::string& payer_name = "Kim Minjun",
            const std::string& extra = "") {
    std::string body = R"({"paymentRequestId":")" + request_id +
                       R"(","codeValue":")" + code + "\"";
    if (!amount_json.empty()) body += R"(,"paymentAmount":)" + amount_json;
    body += extra;
    body += R"(,"payer":{"walletUserId":"user-)" + request_id +
            R"(","name":")" + payer_name + R"(","country":"KR","kycTier":2}})";
    return As(wallet, "POST", "/v1/network/payments", body);
  }

  Reply Cpm(const std::string& request_id, const std::string& code,
            const std::string& value) {
    return As(acquirer_, "POST", "/v1/network/payments/cpm",
              R"({"paymentRequestId":")" + request_id +
                  R"(","customerCode":")" + code + R"(","merchantId":")" +
                  merchant_ + R"(","paymentAmount":)" + Amt("THB", value) +
                  "}");
  }

  // Polls the payment until it leaves PROCESSING (or `seconds` pass).
  Reply WaitFinal(const Party& who, const std::string& payment, int seconds) {
    Reply r;
    for (int i = 0; i < seconds * 10; ++i) {
      r = As(who, "GET", "/v1/network/payments/" + payment);
      if (r.Str({"payment", "paymentStatus"}) != "PROCESSING") return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return r;
  }

  std::string base_;
  Party wallet_, acquirer_;
  std::string merchant_, code_;
};

TEST_F(NetworkApiTest, StaticCodeIdentifyQuotePayAndTheLedgersAddUp) {
  Reply id = As(wallet_, "POST", "/v1/network/codes/identify",
                R"({"codeValue":")" + code_ + R"("})");
  ASSERT_EQ(id.status, 200) << id.body;
  EXPECT_EQ(id.Str({"merchant", "merchantId"}), merchant_);
  EXPECT_EQ(id.Str({"merchant", "name"}), "Khao Soi House");
  EXPECT_EQ(id.Str({"merchant", "city"}), "Chiang Mai");
  EXPECT_EQ(id.Str({"merchant", "currency"}), "THB");
  EXPECT_EQ(id.Str({"codeType"}), "STATIC");

  Reply q = As(wallet_, "POST", "/v1/network/quotes",
               R"({"codeValue":")" + code_ + R"(","paymentAmount":)" +
                   Amt("THB", "35000") + R"(,"payerCurrency":"KRW"})");
  ASSERT_EQ(q.status, 201) << q.body;
  const std::string payer = q.Str({"quote", "payerAmount", "value"});
  Reply paid = Pay(wallet_, "p-1", code_, Amt("THB", "35000"), "Kim Minjun",
                   R"(,"quoteId":")" + q.Str({"quote", "quoteId"}) + "\"");
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.Str({"payment", "paymentStatus"}), "SUCCESS");
  EXPECT_EQ(paid.Str({"payment", "payerAmount", "value"}), payer);
  EXPECT_EQ(paid.Str({"payment", "fees", "hubFee", "value"}), "350");
  // The wallet's position paid what the quote said; the acquirer is owed
  // the price less the 1 % fee.
  EXPECT_EQ(Balance(wallet_.account), "-" + payer);
  EXPECT_EQ(Balance(acquirer_.account), "34650");
  const std::string pid = paid.Str({"payment", "paymentId"});
  // The same payer again: screened from the cache.
  ASSERT_EQ(Pay(wallet_, "p-1", code_, Amt("THB", "35000"), "Kim Minjun",
                R"(,"quoteId":")" + q.Str({"quote", "quoteId"}) + "\"")
                .status,
            200);  // an idempotent repeat, screened again
  Reply metrics = Op("GET", "/metrics");
  EXPECT_NE(metrics.body.find("meridian_screening_cache_hits 1"),
            std::string::npos)
      << metrics.body.substr(0, 2000);
  // Both sides inquire; by request id too.
  EXPECT_EQ(As(acquirer_, "GET", "/v1/network/payments/" + pid).status, 200);
  Reply by_request =
      As(wallet_, "GET", "/v1/network/payments?paymentRequestId=p-1");
  EXPECT_EQ(by_request.Str({"payment", "paymentId"}), pid);
  // The acquirer was told (its notify endpoint has the event).
  Reply events = As(acquirer_, "GET", "/v1/events");
  EXPECT_NE(events.body.find("payment.succeeded"), std::string::npos)
      << events.body;
}

TEST_F(NetworkApiTest, DynamicOrderCodeAndNationalPromptPayCode) {
  Reply order =
      As(acquirer_, "POST", "/v1/network/merchants/" + merchant_ + "/orders",
         R"({"orderRequestId":"o-1","amount":)" + Amt("THB", "12050") +
             R"(,"reference":"TABLE-7"})");
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string dynamic = order.Str({"order", "codeValue"});
  Reply id = As(wallet_, "POST", "/v1/network/codes/identify",
                R"({"codeValue":")" + dynamic + R"("})");
  EXPECT_EQ(id.Str({"codeType"}), "DYNAMIC");
  EXPECT_EQ(id.Str({"paymentAmount", "value"}), "12050");
  Reply paid = Pay(wallet_, "p-dyn", dynamic, "");
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.Str({"payment", "paymentAmount", "value"}), "12050");
  // The acquirer's own references come back (the counter shows paid).
  EXPECT_EQ(paid.Str({"payment", "merchantReference"}), "shop-1");
  EXPECT_EQ(paid.Str({"payment", "orderReference"}), "TABLE-7");
  EXPECT_EQ(Pay(wallet_, "p-dyn-2", dynamic, "").code(), "QR_EXPIRED");

  // The code already on the counter: a national PromptPay payload.
  Reply m = As(acquirer_, "POST", "/v1/network/merchants",
               R"({"merchantRequestId":"m-2","reference":"shop-2",)"
               R"("name":"Som Tam Stall","mcc":"5814","country":"TH",)"
               R"("city":"Bangkok","currency":"THB","nationalQr":")" +
                   std::string(kPromptPay) + R"("})");
  ASSERT_EQ(m.status, 201) << m.body;
  Reply national = As(wallet_, "POST", "/v1/network/codes/identify",
                      R"({"codeValue":")" + std::string(kPromptPay) + R"("})");
  ASSERT_EQ(national.status, 200) << national.body;
  EXPECT_EQ(national.Str({"merchant", "name"}), "Som Tam Stall");
  EXPECT_EQ(national.Str({"codeScheme"}), "NATIONAL");
  Reply pp = Pay(wallet_, "p-pp", kPromptPay, Amt("THB", "8000"));
  ASSERT_EQ(pp.status, 200) << pp.body;
  EXPECT_EQ(pp.Str({"payment", "merchantId"}), m.Str({"merchant", "id"}));

  // A malformed code is refused with its precise code.
  std::string bad = code_;
  bad[bad.size() - 1] = bad.back() == '0' ? '1' : '0';
  EXPECT_EQ(As(wallet_, "POST", "/v1/network/codes/identify",
               R"({"codeValue":")" + bad + R"("})")
                .code(),
            "QR_CRC_MISMATCH");
}

TEST_F(NetworkApiTest, TheMerchantsCodeImageDecodesBack) {
  Reply png =
      As(acquirer_, "GET", "/v1/network/merchants/" + merchant_ + "/qr.png");
  ASSERT_EQ(png.status, 200);
  ASSERT_EQ(png.body.substr(1, 3), "PNG");
  // zbarimg (Debian zbar-tools, installed by make test) reads it back.
  const std::string file = dir_.path() + "/merchant.png";
  {
    std::ofstream out(file, std::ios::binary);
    out << png.body;
  }
  FILE* pipe = popen(("zbarimg --raw -q -Sbinary " + file).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string decoded;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) decoded.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0) << "zbarimg failed (is zbar-tools installed?)";
  while (!decoded.empty() && decoded.back() == '\n') decoded.pop_back();
  EXPECT_EQ(decoded, code_);
  Reply svg =
      As(acquirer_, "GET", "/v1/network/merchants/" + merchant_ + "/qr.svg");
  ASSERT_EQ(svg.status, 200);
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
}

TEST_F(NetworkApiTest, CpmWithWalletsThatApproveDeclineAreLateOrSilent) {
  // S: the hold is posted and the acquirer gets S at once.
  Reply ok = Cpm("c-1", "2801234567890123", "20000");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Str({"payment", "paymentStatus"}), "SUCCESS");

  Party decline = AddWallet("Decline Pay", "decline", "281", "10000000");
  Reply no = Cpm("c-2", "2811234567890123", "20000");
  EXPECT_EQ(no.Str({"payment", "paymentStatus"}), "FAIL") << no.body;
  EXPECT_EQ(no.Str({"payment", "failCode"}), "WALLET_DECLINED");
  EXPECT_EQ(Balance(decline.account), "0");

  // Times out (the sandbox answers after 4 s; the hub waits 3 s): the
  // acquirer gets U, then the wallet confirms.
  Party slow = AddWallet("Slow Pay", "silent", "282", "10000000");
  Reply late = Cpm("c-3", "2821234567890123", "20000");
  ASSERT_EQ(late.status, 202) << late.body;
  EXPECT_EQ(late.code(), "PAYMENT_PROCESSING");
  const std::string late_id = late.Str({"payment", "paymentId"});
  Reply confirmed =
      As(slow, "POST", "/v1/network/payments/" + late_id + "/confirm",
         R"({"result":"S"})");
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.Str({"payment", "paymentStatus"}), "SUCCESS");
  Reply told = As(acquirer_, "GET", "/v1/events");
  EXPECT_NE(told.body.find(late_id), std::string::npos);

  // Slow: the hub's inquiry gets the answer.
  AddWallet("Inquiry Pay", "slow", "283", "10000000");
  Reply inquired = Cpm("c-4", "2831234567890123", "20000");
  EXPECT_EQ(inquired.code(), "PAYMENT_PROCESSING") << inquired.body;
  Reply after =
      WaitFinal(acquirer_, inquired.Str({"payment", "paymentId"}), 15);
  EXPECT_EQ(after.Str({"payment", "paymentStatus"}), "SUCCESS") << after.body;

  // Never answers: the hold lapses, both sides are told.
  Party silent = AddWallet("Silent Pay", "silent", "284", "10000000", 5);
  Reply never = Cpm("c-5", "2841234567890123", "20000");
  EXPECT_EQ(never.code(), "PAYMENT_PROCESSING");
  const std::string never_id = never.Str({"payment", "paymentId"});
  Reply lapsed = WaitFinal(acquirer_, never_id, 15);
  EXPECT_EQ(lapsed.Str({"payment", "paymentStatus"}), "FAIL") << lapsed.body;
  EXPECT_EQ(lapsed.Str({"payment", "failCode"}), "HOLD_EXPIRED");
  EXPECT_EQ(Balance(silent.account), "0");
  EXPECT_NE(As(silent, "GET", "/v1/events").body.find("payment.failed"),
            std::string::npos);
  EXPECT_NE(As(acquirer_, "GET", "/v1/events").body.find("payment.failed"),
            std::string::npos);
}

TEST_F(NetworkApiTest, RefundsCancelsAndTheNetDebitCap) {
  Reply paid = Pay(wallet_, "p-r", code_, Amt("THB", "35000"));
  const std::string pid = paid.Str({"payment", "paymentId"});
  auto refund = [&](const std::string& rid, const std::string& value) {
    return As(acquirer_, "POST", "/v1/network/refunds",
              R"({"refundRequestId":")" + rid + R"(","paymentId":")" + pid +
                  R"(","refundAmount":)" + Amt("THB", value) + "}");
  };
  EXPECT_EQ(refund("r-1", "10000").status, 201);
  EXPECT_EQ(refund("r-2", "15000").status, 201);
  Reply over = refund("r-3", "10001");
  EXPECT_EQ(over.code(), "REFUND_AMOUNT_EXCEEDED") << over.body;
  EXPECT_EQ(over.param(), "refundAmount");

  // Cancel works in the window, not after it closed.
  Reply c = Pay(wallet_, "p-c", code_, Amt("THB", "1000"));
  const std::string cid = c.Str({"payment", "paymentId"});
  Reply p2 = Pay(wallet_, "p-c2", code_, Amt("THB", "1000"));
  EXPECT_EQ(As(wallet_, "POST", "/v1/network/payments/" + cid + "/cancel")
                .Str({"payment", "paymentStatus"}),
            "CANCELLED");
  ASSERT_EQ(Op("POST", "/v1/settlement/windows/close").status, 200);
  Reply late = As(
      acquirer_, "POST",
      "/v1/network/payments/" + p2.Str({"payment", "paymentId"}) + "/cancel");
  EXPECT_EQ(late.code(), "PAYMENT_NOT_CANCELLABLE") << late.body;

  // The cap: KRW 10,000,000 is about THB 262,000.
  Party small = AddWallet("Small Pay", "approve", "285", "1000000");
  const std::string before = Balance(small.account);
  Reply capped = Pay(small, "p-cap", code_, Amt("THB", "5000000"));
  EXPECT_EQ(capped.code(), "NET_DEBIT_CAP_EXCEEDED") << capped.body;
  EXPECT_EQ(Balance(small.account), before);
}

TEST_F(NetworkApiTest, ConcurrentPaymentsNeverOverspendAPromotion) {
  // 50 discounts of THB 10.00 in the budget; 200 payers at once.
  Reply promo =
      Op("POST", "/v1/network/promotions",
         R"({"name":"Songkran","currency":"THB","discount":)"
         R"({"type":"FIXED","amount":)" +
             Amt("THB", "1000") + R"(},"budget":)" + Amt("THB", "50000") +
             R"(,"endsAt":")" + Now(3600) + R"("})");
  ASSERT_EQ(promo.status, 201) << promo.body;
  const std::string promo_id = promo.Str({"promotion", "id"});
  std::atomic<int> discounted{0}, ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client client(service_->port());
      for (int i = t; i < 200; i += 8) {
        const std::string rid = "promo-" + std::to_string(i);
        Reply r = client.Call("POST", "/v1/network/payments",
                              R"({"paymentRequestId":")" + rid +
                                  R"(","codeValue":")" + code_ +
                                  R"(","paymentAmount":)" + Amt("THB", "5000") +
                                  R"(,"payer":{"walletUserId":")" + rid +
                                  R"(","name":"Lee Jiwoo","country":"KR"}})",
                              wallet_.key);
        if (r.Str({"payment", "paymentStatus"}) == "SUCCESS") ++ok;
        if (r.Str({"payment", "promotions", "0", "discount", "value"}) ==
            "1000") {
          ++discounted;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(discounted.load(), 50);
  Reply after = Op("GET", "/v1/network/promotions/" + promo_id);
  EXPECT_EQ(after.Str({"promotion", "budgetLeft", "value"}), "0") << after.body;
  EXPECT_EQ(after.Str({"promotion", "budgetSpent", "value"}), "50000");
}

TEST_F(NetworkApiTest, AListedPayerIsHeldAndReleaseCompletesThePayment) {
  const std::string before = Balance(wallet_.account);
  Reply held = Pay(wallet_, "p-held", code_, Amt("THB", "5000"), "Viktor Bout");
  ASSERT_EQ(held.status, 202) << held.body;
  EXPECT_EQ(held.code(), "HELD_FOR_REVIEW");
  EXPECT_EQ(held.Str({"payment", "paymentStatus"}), "HELD");
  const std::string case_id = held.Str({"payment", "caseId"});
  EXPECT_EQ(Balance(wallet_.account), before);  // held, not moved
  Reply released = Op("POST", "/v1/compliance/cases/" + case_id + "/decision",
                      R"({"decision":"RELEASE","note":"false positive"})");
  ASSERT_EQ(released.status, 200) << released.body;
  const std::string pid = held.Str({"payment", "paymentId"});
  Reply done = As(wallet_, "GET", "/v1/network/payments/" + pid);
  EXPECT_EQ(done.Str({"payment", "paymentStatus"}), "SUCCESS") << done.body;
  EXPECT_NE(Balance(wallet_.account), before);
  // Both sides were told.
  EXPECT_NE(As(wallet_, "GET", "/v1/events").body.find(pid), std::string::npos);
  EXPECT_NE(As(acquirer_, "GET", "/v1/events").body.find(pid),
            std::string::npos);
}

TEST_F(NetworkApiTest, BadInputNamesTheField) {
  Reply r = Op("POST", "/v1/network/participants",
               R"({"type":"BANK","name":"x","country":"KR","currency":"KRW"})");
  EXPECT_EQ(r.code(), "INVALID_PARAMETER");
  EXPECT_EQ(r.param(), "type");
  r = Pay(wallet_, "p-bad", "000201", Amt("THB", "100"));
  EXPECT_EQ(r.Str({"result", "code"}).substr(0, 3), "QR_") << r.body;
  r = As(wallet_, "POST", "/v1/network/payments/cpm",
         R"({"paymentRequestId":"x","customerCode":"12","merchantId":")" +
             merchant_ + R"(","paymentAmount":)" + Amt("THB", "1") + "}");
  EXPECT_EQ(r.param(), "customerCode") << r.body;
  // Only acquirers take CPM payments.
  r = As(wallet_, "POST", "/v1/network/payments/cpm",
         R"({"paymentRequestId":"x","customerCode":"2801234567890123",)"
         R"("merchantId":")" +
             merchant_ + R"(","paymentAmount":)" + Amt("THB", "1") + "}");
  EXPECT_EQ(r.code(), "ACCESS_DENIED") << r.body;
}

}  // namespace
}  // namespace meridian::api
