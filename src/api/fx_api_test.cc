// End-to-end tests of the FX routes: the real server, real HTTP.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "api/auth/time_format.h"
#include "api/testing/api_fixture.h"
#include "fx/ecb.h"

namespace meridian::api {
namespace {

// The fixing of 2025-05-09 as the API takes it, from ../shared/data when
// it is beside the repo (every currency), else a few of its rates.
std::string EcbRatesBody(const std::string& as_of) {
  std::vector<std::pair<std::string, std::string>> rates;
  const std::string path = std::string(MERIDIAN_SOURCE_ROOT) +
                           "/../shared/data/fx/eurofxref-hist.csv";
  if (std::filesystem::exists(path)) {
    Result<fx::EcbHistory> h = fx::ReadEcbHistory(path);
    if (h.ok()) {
      for (const auto& [c, r] : h->OnOrBefore("2025-05-09")->rates) {
        rates.emplace_back(std::string(c.code()), r.ToString());
      }
    }
  }
  if (rates.empty()) {
    rates = {{"USD", "1.1252"},
             {"JPY", "163.36"},
             {"GBP", "0.8477"},
             {"THB", "37.132"}};
  }
  std::string b =
      R"({"base":"EUR","source":"ECB","asOf":")" + as_of + R"(","rates":[)";
  for (size_t i = 0; i < rates.size(); ++i) {
    if (i) b += ",";
    b += R"({"currency":")" + rates[i].first + R"(","rate":")" +
         rates[i].second + R"("})";
  }
  return b + "]}";
}

std::string Now() {
  return auth::FormatRfc3339(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

class FxApiTest : public ApiTest {
 protected:
  // A principal with funded USD and EUR accounts of its own.
  struct Customer {
    std::string id, key, usd, eur;
  };
  Customer NewCustomer(const std::string& usd_funding_minor) {
    Customer c;
    std::tie(c.id, c.key) = NewPrincipal("Acme Trading");
    c.usd = NewId(IdKind::kAccount);
    c.eur = NewId(IdKind::kAccount);
    const std::string outside = NewId(IdKind::kAccount);
    Reply a = Op("POST", "/v1/ledger/accounts",
                 R"({"accounts":[{"id":")" + c.usd +
                     R"(","currency":"USD","owner":")" + c.id +
                     R"(","flags":["DEBITS_MUST_NOT_EXCEED_CREDITS"]},)"
                     R"({"id":")" +
                     c.eur + R"(","currency":"EUR","owner":")" + c.id +
                     R"("},{"id":")" + outside + R"(","currency":"USD"}]})");
    EXPECT_EQ(a.status, 200) << a.body;
    Reply t = Op("POST", "/v1/ledger/transfers",
                 TransferBody(NewId(IdKind::kTransfer), outside, c.usd,
                              usd_funding_minor));
    EXPECT_EQ(t.status, 200) << t.body;
    return c;
  }
};

TEST_F(FxApiTest, RatesArePostedByTheOperatorAndViewedAgainstAnyBase) {
  Reply none = Op("GET", "/v1/fx/rates");
  EXPECT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.Str({"base"}), "null");
  Reply posted = Op("POST", "/v1/fx/rates", EcbRatesBody(Now()));
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(posted.Str({"base"}), "EUR");

  auto rate_of = [](const Reply& r, const std::string& code) {
    for (int i = 0; i < 64; ++i) {
      if (r.Str({"rates", std::to_string(i), "currency"}) == code) {
        return r.Str({"rates", std::to_string(i), "rate"});
      }
    }
    return std::string("<none>");
  };
  Reply eur = Op("GET", "/v1/fx/rates");
  EXPECT_EQ(rate_of(eur, "USD"), "1.1252") << eur.body;
  EXPECT_EQ(rate_of(eur, "JPY"), "163.36");
  EXPECT_EQ(eur.Str({"rates", "0", "stale"}), "false");
  Reply usd = Op("GET", "/v1/fx/rates?base=USD");
  EXPECT_EQ(usd.Str({"base"}), "USD");
  EXPECT_EQ(usd.Str({"bookBase"}), "EUR");
  EXPECT_EQ(rate_of(usd, "JPY"), "145.183078563811") << usd.body;
  EXPECT_EQ(rate_of(usd, "EUR"), "0.888730892286");
  // Looking from USD changed nothing: EUR/USD is still the posted number.
  EXPECT_EQ(rate_of(Op("GET", "/v1/fx/rates"), "USD"), "1.1252");

  // Only the operator posts; bad input names the field and changes nothing.
  auto [id, key] = NewPrincipal("wallet");
  EXPECT_EQ(
      client_->Call("POST", "/v1/fx/rates", EcbRatesBody(Now()), key).code(),
      "ACCESS_DENIED");
  EXPECT_EQ(client_->Call("GET", "/v1/fx/rates", "", key).status, 200);
  Reply bad = Op("POST", "/v1/fx/rates",
                 R"({"base":"EUR","rates":[{"currency":"USD","rate":"1.2"},)"
                 R"({"currency":"JPY","rate":"-5"}]})");
  EXPECT_EQ(bad.code(), "INVALID_PARAMETER");
  EXPECT_EQ(bad.param(), "rates[1].rate");
  EXPECT_EQ(Op("GET", "/v1/fx/rates?base=XYZ").code(),
            "CURRENCY_NOT_SUPPORTED");
  EXPECT_EQ(rate_of(Op("GET", "/v1/fx/rates"), "USD"), "1.1252");
}

TEST_F(FxApiTest, QuoteConvertOnceAndTheBookShowsIt) {
  ASSERT_EQ(Op("POST", "/v1/fx/rates", EcbRatesBody(Now())).status, 200);
  Customer c = NewCustomer("1000000");  // USD 10,000.00
  Reply q = client_->Call(
      "POST", "/v1/fx/quotes",
      R"({"sellCurrency":"USD","buyCurrency":"EUR",)"
      R"("sellAmount":{"currency":"USD","value":"500000"},"validity":"MIN_15"})",
      c.key);
  ASSERT_EQ(q.status, 201) << q.body;
  const std::string quote = q.Str({"quote", "quoteId"});
  EXPECT_EQ(q.Str({"quote", "midRate"}), "0.888730892286");
  EXPECT_EQ(q.Str({"quote", "status"}), "OPEN");
  EXPECT_EQ(q.Str({"quote", "validity"}), "MIN_15");
  // 50 bp + 5 bp for MIN_15: rate = mid x 0.9945, rounded down.
  EXPECT_EQ(q.Str({"quote", "spreadBps"}), "55");
  EXPECT_EQ(q.Str({"quote", "rate"}), "0.883842872378");
  // USD 5,000.00 x 0.883842872378 = EUR 4,419.21436189: rounded down.
  EXPECT_EQ(q.Str({"quote", "buyAmount", "value"}), "441921");
  // Another principal cannot see it.
  auto [other, other_key] = NewPrincipal("someone else");
  EXPECT_EQ(
      client_->Call("GET", "/v1/fx/quotes/" + quote, "", other_key).code(),
      "NOT_FOUND");

  const std::string body = R"({"conversionRequestId":"conv-1","quoteId":")" +
                           quote + R"(","fromAccountId":")" + c.usd +
                           R"(","toAccountId":")" + c.eur + R"("})";
  Reply conv = client_->Call("POST", "/v1/fx/conversions", body, c.key);
  ASSERT_EQ(conv.status, 201) << conv.body;
  EXPECT_EQ(conv.Str({"conversion", "buyAmount", "value"}), "441921");
  EXPECT_EQ(Balance(c.usd), "1000000/500000");
  EXPECT_EQ(Balance(c.eur), "441921/0");
  // The same request again answers the same, byte for byte.
  Reply again = client_->Call("POST", "/v1/fx/conversions", body, c.key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, conv.body);
  EXPECT_EQ(Balance(c.usd), "1000000/500000");
  // A new request with the used quote is refused.
  std::string reuse = body;
  reuse.replace(reuse.find("conv-1"), 6, "conv-2");
  Reply used = client_->Call("POST", "/v1/fx/conversions", reuse, c.key);
  EXPECT_EQ(used.status, 409);
  EXPECT_EQ(used.code(), "QUOTE_ALREADY_USED");
  EXPECT_EQ(used.param(), "quoteId");
  EXPECT_EQ(client_->Call("GET", "/v1/fx/quotes/" + quote, "", c.key)
                .Str({"quote", "status"}),
            "USED");
  const std::string conv_id = conv.Str({"conversion", "conversionId"});
  Reply got = client_->Call("GET", "/v1/fx/conversions/" + conv_id, "", c.key);
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Str({"conversion", "quoteId"}), quote);

  // More than the account holds: refused, nothing moves, quote stays open.
  Reply big =
      client_->Call("POST", "/v1/fx/quotes",
                    R"({"sellCurrency":"USD","buyCurrency":"EUR",)"
                    R"("buyAmount":{"currency":"EUR","value":"1000000"}})",
                    c.key);
  ASSERT_EQ(big.status, 201) << big.body;
  Reply poor = client_->Call("POST", "/v1/fx/conversions",
                             R"({"conversionRequestId":"conv-3","quoteId":")" +
                                 big.Str({"quote", "quoteId"}) +
                                 R"(","fromAccountId":")" + c.usd +
                                 R"(","toAccountId":")" + c.eur + R"("})",
                             c.key);
  EXPECT_EQ(poor.code(), "INSUFFICIENT_BALANCE") << poor.body;
  EXPECT_EQ(Balance(c.usd), "1000000/500000");
  // Someone else's accounts look missing.
  Reply theirs = client_->Call(
      "POST", "/v1/fx/conversions",
      R"({"conversionRequestId":"conv-4","quoteId":")" +
          big.Str({"quote", "quoteId"}) + R"(","fromAccountId":")" + c.usd +
          R"(","toAccountId":")" + c.eur + R"("})",
      other_key);
  EXPECT_EQ(theirs.code(), "NOT_FOUND");

  // The hub is long USD 5,000, short EUR 4,419.21, and up the spread.
  Reply book = Op("GET", "/v1/fx/positions");
  ASSERT_EQ(book.status, 200) << book.body;
  EXPECT_EQ(book.Str({"reportingCurrency"}), "USD");
  bool saw_usd = false, saw_eur = false;
  for (int i = 0; i < 4; ++i) {
    const std::string cur =
        book.Str({"positions", std::to_string(i), "currency"});
    const std::string pos =
        book.Str({"positions", std::to_string(i), "position", "value"});
    if (cur == "USD") saw_usd = pos == "500000";
    if (cur == "EUR") saw_eur = pos == "-441921";
  }
  EXPECT_TRUE(saw_usd && saw_eur) << book.body;
  // 55 bp of USD 5,000 is USD 27.50; the EUR leg rounds down in the hub's
  // favour, so a cent or so more.
  const long long pnl =
      std::stoll(book.Str({"totals", "unrealisedPnl", "value"}));
  EXPECT_GE(pnl, 2750) << book.body;
  EXPECT_LE(pnl, 2752) << book.body;
  EXPECT_EQ(client_->Call("GET", "/v1/fx/positions", "", c.key).code(),
            "ACCESS_DENIED");

  // After a restart (journal replay) the quote and conversion are there.
  Restart();
  EXPECT_EQ(client_->Call("GET", "/v1/fx/quotes/" + quote, "", c.key)
                .Str({"quote", "status"}),
            "USED");
  EXPECT_EQ(
      client_->Call("GET", "/v1/fx/conversions/" + conv_id, "", c.key).body,
      got.body);
}

TEST_F(FxApiTest, OldRatesAreStaleAndQuotesSayWhich) {
  // The ECB's 2025-05-09 fixing, posted as of its day: long past the
  // 96-hour limit by now.
  ASSERT_EQ(
      Op("POST", "/v1/fx/rates", EcbRatesBody("2025-05-09T13:10:00Z")).status,
      200);
  Reply rates = Op("GET", "/v1/fx/rates");
  EXPECT_EQ(rates.Str({"rates", "0", "stale"}), "true") << rates.body;
  Reply q = Op("POST", "/v1/fx/quotes",
               R"({"sellCurrency":"EUR","buyCurrency":"USD",)"
               R"("sellAmount":{"currency":"EUR","value":"100"}})");
  EXPECT_EQ(q.code(), "RATE_STALE") << q.body;
  EXPECT_EQ(q.param(), "buyCurrency");
  EXPECT_EQ(q.status, 422);
  Reply missing = Op("POST", "/v1/fx/quotes",
                     R"({"sellCurrency":"EUR","buyCurrency":"NGN",)"
                     R"("sellAmount":{"currency":"EUR","value":"100"}})");
  EXPECT_EQ(missing.code(), "RATE_UNAVAILABLE");
  // A limit of a year and a half makes them quotable again.
  Reply pricing = Op("PUT", "/v1/fx/pricing",
                     R"({"staleAfterSeconds":2592000,)"
                     R"("corridors":[{"sell":"*","buy":"*","spreadBps":50}]})");
  ASSERT_EQ(pricing.status, 200) << pricing.body;
  EXPECT_EQ(Op("POST", "/v1/fx/quotes",
               R"({"sellCurrency":"EUR","buyCurrency":"USD",)"
               R"("sellAmount":{"currency":"EUR","value":"100"}})")
                .code(),
            "RATE_STALE");  // 30 days is the most the limit may be
}

TEST_F(FxApiTest, PricingIsValidatedAndShownAsSet) {
  Reply bad = Op("PUT", "/v1/fx/pricing",
                 R"({"corridors":[{"sell":"USD","buy":"USD","spreadBps":5}]})");
  EXPECT_EQ(bad.code(), "INVALID_PARAMETER");
  EXPECT_EQ(bad.param(), "corridors[0].buy");
  Reply typo = Op("PUT", "/v1/fx/pricing",
                  R"({"corridors":[{"sell":"*","buy":"*","spreadBsp":5}]})");
  EXPECT_EQ(typo.code(), "MISSING_PARAMETER");
  auto [id, key] = NewPrincipal("gold customer");
  Reply ok = Op("PUT", "/v1/fx/pricing",
                R"({"corridors":[{"sell":"*","buy":"*","spreadBps":40},)"
                R"({"sell":"USD","buy":"JPY","spreadBps":30,"feeBps":10}],)"
                R"("tiers":[{"tier":"GOLD","adjustBps":-15}],)"
                R"("principalTiers":[{"principal":")" +
                    id + R"(","tier":"GOLD"}]})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  Reply shown = Op("GET", "/v1/fx/pricing");
  EXPECT_EQ(shown.Str({"pricing", "corridors", "1", "feeBps"}), "10");
  EXPECT_EQ(shown.Str({"pricing", "principalTiers", "0", "tier"}), "GOLD");
  EXPECT_EQ(shown.Str({"pricing", "tiers", "2", "adjustBps"}), "-15");
  ASSERT_EQ(Op("POST", "/v1/fx/rates", EcbRatesBody(Now())).status, 200);
  Reply q = client_->Call("POST", "/v1/fx/quotes",
                          R"({"sellCurrency":"USD","buyCurrency":"JPY",)"
                          R"("sellAmount":{"currency":"USD","value":"10000"}})",
                          key);
  ASSERT_EQ(q.status, 201) << q.body;
  EXPECT_EQ(q.Str({"quote", "spreadBps"}), "15");     // 30 - 15 (gold)
  EXPECT_EQ(q.Str({"quote", "fee", "value"}), "10");  // 10 bp of USD 100
}

TEST_F(FxApiTest, ForwardsByInterestRateParity) {
  ASSERT_EQ(Op("POST", "/v1/fx/rates",
               R"({"base":"EUR","asOf":")" + Now() +
                   R"(","rates":[{"currency":"USD","rate":"1.1"}]})")
                .status,
            200);
  EXPECT_EQ(Op("GET", "/v1/fx/forwards?base=EUR&quote=USD&days=90").param(),
            "base");
  Reply put = Op("PUT", "/v1/fx/interest-rates",
                 R"({"rates":[{"currency":"USD","rate":"0.04"},)"
                 R"({"currency":"EUR","rate":"0.02"}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  Reply f = Op("GET", "/v1/fx/forwards?base=EUR&quote=USD&days=90");
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(f.Str({"forward", "spotRate"}), "1.1");
  EXPECT_EQ(f.Str({"forward", "forwardRate"}), "1.105472636816");
  EXPECT_EQ(f.Str({"forward", "forwardPoints"}), "54.72636816");
  EXPECT_EQ(Op("GET", "/v1/fx/forwards?base=EUR&quote=USD").code(),
            "MISSING_PARAMETER");
  Reply ir = Op("GET", "/v1/fx/interest-rates");
  EXPECT_EQ(ir.Str({"rates", "0", "currency"}), "USD");  // by numeric code
  EXPECT_EQ(ir.Str({"rates", "0", "dayCountBasis"}), "360");
}

}  // namespace
}  // namespace meridian::api
