#include "cli/fx_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api/auth/time_format.h"
#include "api/http/client.h"
#include "api/json/json_writer.h"

namespace meridian::cli {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "meridian fx load-ecb: %s\n", message.c_str());
  return 1;
}

Result<std::string> OperatorKey(const std::string& key_file) {
  if (!key_file.empty()) {
    std::ifstream in(key_file);
    if (!in) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "--key-file",
                       "cannot read " + key_file);
    }
    std::string key;
    std::getline(in, key);
    while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) {
      key.pop_back();
    }
    return key;
  }
  if (const char* key = std::getenv("MERIDIAN_OPERATOR_KEY");
      key != nullptr && *key != '\0') {
    return std::string(key);
  }
  return MakeError(ErrorCode::kUNAUTHENTICATED, "--key-file",
                   "give the operator's key with --key-file or "
                   "MERIDIAN_OPERATOR_KEY (meridian serve printed it at "
                   "first start)");
}

}  // namespace

std::string EcbRatesRequestBody(const fx::EcbFixing& fixing,
                                const std::string& as_of,
                                const std::string& source) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  w.Key("base").String("EUR");
  w.Key("asOf").String(as_of);
  w.Key("source").String(source);
  w.Key("rates").BeginArray();
  for (const auto& [currency, rate] : fixing.rates) {
    w.BeginObject();
    w.Key("currency").String(currency.code());
    w.Key("rate").String(rate.ToString());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return body;
}

int RunFxLoadEcb(const FxLoadEcbOptions& o) {
  std::fprintf(stderr, "reading %s ...\n", o.file.c_str());
  Result<fx::EcbHistory> history = fx::ReadEcbHistory(o.file);
  if (!history.ok()) return Fail(history.error().ToString());
  if (history->fixings.empty()) return Fail(o.file + " holds no fixings");
  const fx::EcbFixing* fixing =
      o.date.empty() ? &history->fixings.front() : history->OnOrBefore(o.date);
  if (fixing == nullptr) {
    return Fail("no fixing on or before " + o.date + "; the file starts at " +
                history->fixings.back().date);
  }
  if (fixing->rates.empty()) {
    return Fail("the fixing of " + fixing->date + " has no rates");
  }
  Result<std::string> key = OperatorKey(o.key_file);
  if (!key.ok()) return Fail(key.error().ToString());

  std::string as_of = fixing->date + "T13:10:00Z";  // 14:10 CET
  std::string source = "ECB";
  if (o.restamp) {
    as_of = auth::FormatRfc3339(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    source = "ECB " + fixing->date;
  }
  const std::string body = EcbRatesRequestBody(*fixing, as_of, source);
  http::HttpClient client;
  const std::string base = o.target;
  const http::Headers headers = {
      {"Authorization", "Bearer " + *key},
      {"Content-Type", "application/json"},
      {"Idempotency-Key", "ecb-" + fixing->date + (o.restamp ? "-now" : "")}};
  Result<http::ClientResponse> r =
      client.Do("POST", base + "/v1/fx/rates", headers, body, 10'000);
  if (!r.ok()) {
    return Fail("cannot reach " + base + ": " + r.error().ToString() +
                "; is meridian serve running there (--target)?");
  }
  if (r->status != 200) {
    return Fail("the server refused the rates (HTTP " +
                std::to_string(r->status) + "): " + r->body);
  }
  if (o.json) {
    std::printf("%s\n", r->body.c_str());
  } else {
    std::printf("posted %zu EUR rates of %s (source \"%s\", as of %s) to %s\n",
                fixing->rates.size(), fixing->date.c_str(), source.c_str(),
                as_of.c_str(), base.c_str());
    if (!history->skipped_currencies.empty()) {
      std::string skipped;
      for (const std::string& c : history->skipped_currencies) {
        skipped += (skipped.empty() ? "" : ", ") + c;
      }
      std::printf("skipped columns no longer in ISO 4217: %s\n",
                  skipped.c_str());
    }
    if (!o.restamp) {
      std::printf(
          "note: quotes need rates younger than the server's staleness limit "
          "(GET /v1/fx/pricing); for an old fixing use --restamp to post it "
          "as of now\n");
    }
  }
  return 0;
}

}  // namespace meridian::cli
