#include "cli/bench_network.h"

#include <simdjson.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/auth/time_format.h"
#include "api/http/client.h"
#include "api/http/latency_histogram.h"
#include "api/http/load_generator.h"
#include "api/service.h"
#include "core/int128.h"
#include "core/status.h"
#include "engine/verify.h"

namespace meridian::cli {
namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- the world

// ECB reference rates of 2025-05-09 (../shared/data/fx/eurofxref-hist.csv,
// its newest day): units per EUR, as the API takes them and as integers
// scaled by 10^4 to turn the USD amounts drawn into merchant currencies.
struct EcbRate {
  const char* currency;
  const char* per_eur;
  int64_t per_eur_e4;
};
constexpr EcbRate kRates[] = {
    {"USD", "1.1252", 11'252},      {"JPY", "163.36", 1'633'600},
    {"KRW", "1575.72", 15'757'200}, {"SGD", "1.46", 14'600},
    {"THB", "37.132", 371'320},     {"MYR", "4.835", 48'350},
};

int64_t PerEurE4(std::string_view currency) {
  for (const EcbRate& r : kRates) {
    if (currency == r.currency) return r.per_eur_e4;
  }
  MERIDIAN_CHECK(false) << "no bench rate for " << currency;
  return 0;
}

// Payer names: a given name built from two syllables (or a stem and an
// ending) as each wallet's country forms them, and a common family name,
// romanised as wallets send them. About 40,000 distinct names per
// country, so a pool of 100,000 payers has nearly one name each (the
// screener's cache of 4,096 recent names does not hold them all, as it
// would not for a real wallet's users).
constexpr const char* kKoreanFamily[] = {
    "Kim",  "Lee",  "Park", "Choi", "Jung", "Kang", "Cho",   "Yoon", "Jang",
    "Lim",  "Han",  "Oh",   "Seo",  "Shin", "Kwon", "Hwang", "Ahn",  "Song",
    "Jeon", "Hong", "Yoo",  "Ko",   "Moon", "Yang", "Baek"};
constexpr const char* kKoreanSyllables[] = {
    "Min",  "Seo",  "Ji",   "Ha",   "Do",  "Jun",   "Ho",  "Ye",
    "Eun",  "Woo",  "Yeon", "Hyun", "Su",  "A",     "Yun", "Chae",
    "Won",  "Jae",  "Sung", "Tae",  "Hee", "Young", "Jin", "Kyung",
    "Sang", "Dong", "Hye",  "Soo",  "Bin", "Na",    "Ra",  "Yu",
    "In",   "Joon", "Gyu",  "Hoon", "Mi",  "So",    "Da",  "Rin"};
constexpr const char* kJapaneseFamily[] = {
    "Sato",     "Suzuki",    "Takahashi", "Tanaka",  "Watanabe",  "Ito",
    "Yamamoto", "Nakamura",  "Kobayashi", "Kato",    "Yoshida",   "Yamada",
    "Sasaki",   "Yamaguchi", "Matsumoto", "Inoue",   "Kimura",    "Hayashi",
    "Shimizu",  "Mori",      "Abe",       "Ikeda",   "Hashimoto", "Yamashita",
    "Ishikawa", "Nakajima",  "Maeda",     "Fujita",  "Ogawa",     "Goto",
    "Okada",    "Hasegawa",  "Murakami",  "Kondo",   "Ishii",     "Saito",
    "Sakamoto", "Endo",      "Aoki",      "Fujii",   "Nishimura", "Fukuda",
    "Ota",      "Miura",     "Fujiwara",  "Okamoto", "Matsuda",   "Nakagawa",
    "Nakano",   "Harada"};
constexpr const char* kJapaneseStems[] = {
    "Haru", "Yu",   "So",    "Ri",   "Kai", "Ta",  "Hiro", "Ken",
    "Dai",  "Sho",  "Yo",    "Ao",   "Mi",  "Sa",  "Na",   "Ma",
    "Ai",   "Ki",   "Tomo",  "Kazu", "Aki", "Nao", "Take", "Yoshi",
    "Masa", "Shin", "Toshi", "Rei",  "Chi", "Ka"};
constexpr const char* kJapaneseEndings[] = {
    "to", "ki",   "ta",   "ya", "ko", "mi", "ka", "na",
    "ri", "suke", "hiro", "o",  "e",  "ne", "ho", "nori"};
constexpr const char* kChineseFamily[] = {
    "Tan",   "Lim",  "Lee",  "Ng",  "Ong",   "Wong", "Goh", "Chua", "Chan",
    "Koh",   "Teo",  "Ang",  "Yeo", "Tay",   "Ho",   "Low", "Toh",  "Sim",
    "Chong", "Chia", "Seah", "Foo", "Leong", "Heng", "Quek"};
constexpr const char* kChineseSyllables[] = {
    "Wei",   "Ling", "Jun",  "Jie",   "Hui",  "Min", "Zhi",  "Hao",
    "Mei",   "Kai",  "Xuan", "Yi",    "Xin",  "Jia", "Hong", "Li",
    "Ying",  "Qi",   "Wen",  "Yu",    "Zi",   "Han", "Shu",  "Ting",
    "Kang",  "Rui",  "Yong", "Cheng", "Hua",  "Yan", "Feng", "En",
    "Xiang", "Bo",   "Lin",  "Ming",  "Ning", "Pei", "Shan", "Tian"};

// How a country forms a given name.
enum class GivenName {
  kJoined,      // two syllables written as one word: "Minjun"
  kStemEnding,  // a stem and an ending: "Haruto"
  kSpaced,      // two syllables as two words: "Wei Ling"
};

struct WalletSpec {
  const char* name;
  const char* country;
  const char* currency;
  const char* time_zone;
  GivenName given;
  std::span<const char*const> family, first_parts, second_parts;
};
const WalletSpec kWallets[] = {
    {"Seoul Pay", "KR", "KRW", "Asia/Seoul", GivenName::kJoined, kKoreanFamily,
     kKoreanSyllables, kKoreanSyllables},
    {"Tokyo Wallet", "JP", "JPY", "Asia/Tokyo", GivenName::kStemEnding,
     kJapaneseFamily, kJapaneseStems, kJapaneseEndings},
    {"Lion City Pay", "SG", "SGD", "Asia/Singapore", GivenName::kSpaced,
     kChineseFamily, kChineseSyllables, kChineseSyllables},
};
constexpr size_t kWalletCount = std::size(kWallets);

struct AcquirerSpec {
  const char* name;
  const char* country;
  const char* currency;
  const char* time_zone;
  std::span<const char* const> cities;
  std::span<const char* const> shop_words;
};
constexpr const char* kThaiCities[] = {"Bangkok", "Chiang Mai", "Phuket",
                                       "Pattaya", "Krabi"};
constexpr const char* kThaiWords[] = {"Khao Soi",    "Som Tam", "Pad Thai",
                                      "Mango",       "Lotus",   "Siam",
                                      "Chao Phraya", "Tuk Tuk"};
constexpr const char* kMalaysianCities[] = {"Kuala Lumpur", "George Town",
                                            "Malacca", "Ipoh", "Johor Bahru"};
constexpr const char* kMalaysianWords[] = {"Nasi Lemak", "Teh Tarik", "Roti",
                                           "Durian",     "Penang",    "Orchid",
                                           "Rendang",    "Batik"};
const AcquirerSpec kAcquirers[] = {
    {"Bangkok Acquiring", "TH", "THB", "Asia/Bangkok", kThaiCities, kThaiWords},
    {"Kuala Lumpur Merchant Services", "MY", "MYR", "Asia/Kuala_Lumpur",
     kMalaysianCities, kMalaysianWords},
};
constexpr size_t kAcquirerCount = std::size(kAcquirers);
constexpr const char* kShopKinds[] = {"House", "Stall",  "Kitchen", "Cafe",
                                      "Mart",  "Corner", "Garden",  "Express"};
// Restaurants, fast food, groceries, food stores, department stores,
// misc. retail, clothing, sporting goods, hotels, taxis.
constexpr const char* kMccs[] = {"5812", "5814", "5411", "5499", "5311",
                                 "5999", "5691", "5941", "7011", "4121"};

// Amounts: log-normal in USD cents, median USD 30, sigma 0.8, cut to USD
// 1..2,000 (tier 2's per-payment limit is USD 5,000, its daily USD 10,000),
// drawn once into a pool of integers; money is integers from there on.
constexpr size_t kAmountPool = 1 << 16;
constexpr double kMedianUsdCents = 3000;
constexpr double kSigma = 0.8;
constexpr int64_t kMinUsdCents = 100;
constexpr int64_t kMaxUsdCents = 200'000;
// Net debit caps of the wallets, in their minor units: large enough never
// to bind in a bench (KRW 10^13 is about USD 7 billion).
constexpr const char* kNetDebitCapMinor = "10000000000000";
constexpr int kKycTier = 2;

constexpr int kSetupThreads = 8;
constexpr uint32_t kSetupTimeoutMs = 60'000;
// The ledger's payment count is paged through the API only up to this
// many payments (100 per page); past it the in-process verify counts.
constexpr uint64_t kMaxPagedPayments = 200'000;
constexpr size_t kInquirySample = 200;
constexpr size_t kMaxUnknownInquiries = 20'000;

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// The name of a payer of wallet `wallet`, from the draw `h`.
std::string PayerName(size_t wallet, uint64_t h) {
  const WalletSpec& s = kWallets[wallet];
  std::string first = s.first_parts[h % s.first_parts.size()];
  h /= s.first_parts.size();
  std::string second = s.second_parts[h % s.second_parts.size()];
  h /= s.second_parts.size();
  const char* family = s.family[h % s.family.size()];
  switch (s.given) {
    case GivenName::kJoined:
      second[0] = static_cast<char>(std::tolower(second[0]));
      return first + second + " " + family;
    case GivenName::kStemEnding:
      return first + second + " " + family;
    case GivenName::kSpaced:
      return first + " " + second + " " + family;
  }
  return first;
}

// ---------------------------------------------------------------- JSON

// Setup answers: parsed whole (simdjson); "" when the path is missing.
std::string JsonField(const std::string& body,
                      std::initializer_list<std::string_view> path) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(body).get(e) != simdjson::SUCCESS) return "";
  for (std::string_view key : path) {
    simdjson::dom::element next;
    if (e.type() == simdjson::dom::element_type::ARRAY) {
      size_t i = std::stoul(std::string(key));
      if (e.at(i).get(next) != simdjson::SUCCESS) return "";
    } else if (e[key].get(next) != simdjson::SUCCESS) {
      return "";
    }
    e = next;
  }
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS) return std::string(s);
  if (e.type() == simdjson::dom::element_type::BOOL) {
    return e.get_bool().value() ? "true" : "false";
  }
  uint64_t u;
  if (e.get(u) == simdjson::SUCCESS) return std::to_string(u);
  return "";
}

// The hot path reads the few fields it needs straight from the text the
// server renders (api/network_render.cc: "result" first, amounts as
// {"currency":..,"value":".."}).
std::string_view StringAfter(std::string_view body, std::string_view key,
                             size_t from = 0) {
  size_t at = body.find(key, from);
  if (at == std::string_view::npos) return {};
  at += key.size();
  size_t end = body.find('"', at);
  if (end == std::string_view::npos) return {};
  return body.substr(at, end - at);
}

// The integer "value" of the amount object under `key` ("\"payerAmount\":").
bool AmountValue(std::string_view body, std::string_view key, int64_t* out) {
  size_t at = body.find(key);
  if (at == std::string_view::npos) return false;
  std::string_view v = StringAfter(body, "\"value\":\"", at);
  if (v.empty() || v.size() > 18) return false;
  bool negative = v[0] == '-';
  if (negative) v.remove_prefix(1);
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *out = negative ? -n : n;
  return !v.empty();
}

std::string_view ResultCode(std::string_view body) {
  return StringAfter(body, "\"code\":\"");
}

size_t TransferIdCount(std::string_view body) {
  size_t at = body.find("\"transferIds\":[");
  if (at == std::string_view::npos) return 0;
  size_t end = body.find(']', at);
  size_t n = 0;
  for (size_t i = at; i < end; ++i) n += body[i] == '"';
  return (n - 2) / 2;  // minus the key's own quotes
}

void AppendAmount(std::string& out, std::string_view currency, int64_t minor) {
  out.append("{\"currency\":\"")
      .append(currency)
      .append("\",\"value\":\"")
      .append(std::to_string(minor))
      .append("\"}");
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// ---------------------------------------------------------------- machine

double ProcessCpuS() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

double ThreadCpuS() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// Busy and total jiffies of the whole machine (/proc/stat), every process.
struct MachineCpu {
  uint64_t busy = 0, total = 0;
};
MachineCpu ReadMachineCpu() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  MachineCpu m;
  uint64_t v[8] = {};
  if (!(f >> cpu) || cpu != "cpu") return m;
  for (uint64_t& x : v) f >> x;
  for (uint64_t x : v) m.total += x;
  m.busy = m.total - v[3] - v[4];  // less idle and iowait
  return m;
}

double LoadAverage() {
  std::ifstream f("/proc/loadavg");
  double one = 0;
  f >> one;
  return one;
}

// ---------------------------------------------------------------- API

struct Party {
  std::string id, key, account;  // account: position or payable
};

struct Merchant {
  std::string code;
  size_t acquirer = 0;
};

class Api {
 public:
  Api(std::string base, std::string operator_key)
      : base_(std::move(base)), operator_key_(std::move(operator_key)) {}

  Result<http::ClientResponse> Call(http::HttpClient& client,
                                    std::string_view method,
                                    const std::string& path,
                                    std::string_view body,
                                    const std::string& key) const {
    http::Headers headers = {{"Authorization", "Bearer " + key}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client.Do(method, base_ + path, headers, body, kSetupTimeoutMs);
  }

  // One call that must answer `want`; the error names the step.
  Result<std::string> Expect(http::HttpClient& client, std::string_view method,
                             const std::string& path, std::string_view body,
                             const std::string& key, int want,
                             std::string_view step) const {
    Result<http::ClientResponse> r = Call(client, method, path, body, key);
    if (!r.ok()) {
      return MakeError(r.error().code, "",
                       std::string(step) + ": " + r.error().message);
    }
    if (r->status != want) {
      return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                       std::string(step) + " answered " +
                           std::to_string(r->status) + ": " +
                           r->body.substr(0, 400));
    }
    return std::move(r->body);
  }

  const std::string& base() const { return base_; }
  const std::string& operator_key() const { return operator_key_; }

 private:
  std::string base_;
  std::string operator_key_;
};

// Runs fn(i) for i in [0, n) on a few threads, each with its own client;
// the first error is the answer.
Status Parallel(size_t n,
                const std::function<Status(size_t, http::HttpClient&)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first = Status::Ok();
  std::vector<std::thread> threads;
  for (int t = 0; t < kSetupThreads; ++t) {
    threads.emplace_back([&] {
      http::HttpClient client;
      for (size_t i; (i = next++) < n;) {
        Status s = fn(i, client);
        if (!s.ok()) {
          std::lock_guard lock(mu);
          if (first.ok()) first = s;
          next = n;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return first;
}

// ---------------------------------------------------------------- setup

struct World {
  std::vector<Party> wallets;    // kWallets order
  std::vector<Party> acquirers;  // kAcquirers order
  std::vector<Merchant> merchants;
  // Each payer's name (by user index), screened: a name that hit a list
  // was drawn again.
  std::vector<std::string> payer_names;
  size_t names_distinct = 0;
  size_t names_screened = 0;
  size_t names_dropped = 0;
  std::vector<std::string> dropped_examples;
  std::vector<int64_t> amounts_usd_cents;  // kAmountPool draws
  std::string lists;                       // which lists screen
  double seconds = 0;
};

Result<World> Setup(const Api& api, const BenchNetworkOptions& o) {
  const auto start = Clock::now();
  World w;
  http::HttpClient client;
  const std::string& op = api.operator_key();

  // Which lists screen the payers.
  MERIDIAN_ASSIGN_OR_RETURN(
      std::string lists, api.Expect(client, "GET", "/v1/compliance/lists", "",
                                    op, 200, "GET /v1/compliance/lists"));
  {
    w.lists = JsonField(lists, {"source"});
    std::string detail;
    for (size_t i = 0;; ++i) {
      std::string name = JsonField(lists, {"lists", std::to_string(i), "name"});
      if (name.empty()) break;
      if (!detail.empty()) detail += ", ";
      detail += name + " " +
                JsonField(lists, {"lists", std::to_string(i), "entries"});
    }
    w.lists += " (" + JsonField(lists, {"entries"}) + " entries" +
               (detail.empty() ? "" : ": " + detail) + ")";
  }

  std::string rates =
      "{\"base\":\"EUR\",\"source\":\"ECB 2025-05-09 (bench)\","
      "\"asOf\":\"" +
      auth::FormatRfc3339(
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count()) +
      "\",\"rates\":[";
  bool first_rate = true;
  for (const EcbRate& r : kRates) {
    if (!first_rate) rates += ",";
    first_rate = false;
    rates += std::string("{\"currency\":\"") + r.currency + "\",\"rate\":\"" +
             r.per_eur + "\"}";
  }
  rates += "]}";
  MERIDIAN_RETURN_IF_ERROR(api.Expect(client, "POST", "/v1/fx/rates", rates, op,
                                      200, "POST /v1/fx/rates")
                               .status());

  // Participants: fresh ones each invocation, so their accounts start at 0
  // even against a running server.
  for (const WalletSpec& s : kWallets) {
    std::string body =
        std::string("{\"type\":\"WALLET\",\"name\":\"") + s.name +
        "\",\"country\":\"" + s.country + "\",\"currency\":\"" + s.currency +
        "\",\"settlementCurrency\":\"USD\",\"timeZone\":\"" + s.time_zone +
        "\",\"netDebitCap\":{\"currency\":\"" + s.currency + "\",\"value\":\"" +
        kNetDebitCapMinor + "\"}}";
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string r, api.Expect(client, "POST", "/v1/network/participants",
                                  body, op, 201, "creating a wallet"));
    w.wallets.push_back(
        {JsonField(r, {"participant", "id"}), JsonField(r, {"apiKey"}),
         JsonField(r, {"participant", "accounts", "positionAccountId"})});
  }
  for (const AcquirerSpec& s : kAcquirers) {
    std::string body = std::string("{\"type\":\"ACQUIRER\",\"name\":\"") +
                       s.name + "\",\"country\":\"" + s.country +
                       "\",\"currency\":\"" + s.currency +
                       "\",\"timeZone\":\"" + s.time_zone +
                       "\",\"fees\":{\"merchantFeeBps\":100}}";
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string r, api.Expect(client, "POST", "/v1/network/participants",
                                  body, op, 201, "creating an acquirer"));
    w.acquirers.push_back(
        {JsonField(r, {"participant", "id"}), JsonField(r, {"apiKey"}),
         JsonField(r, {"participant", "accounts", "payableAccountId"})});
  }
  for (const Party& p : w.wallets) {
    if (p.key.empty() || p.account.empty()) {
      return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                       "a wallet's answer had no apiKey or position account");
    }
  }

  // Merchants, registered by their acquirers.
  const std::string salt =
      std::to_string(getpid()) + "-" +
      std::to_string(
          std::chrono::system_clock::now().time_since_epoch().count() %
          1'000'000'007);
  w.merchants.resize(o.merchants);
  MERIDIAN_RETURN_IF_ERROR(
      Parallel(o.merchants, [&](size_t i, http::HttpClient& c) -> Status {
        const size_t a = i % kAcquirerCount;
        const AcquirerSpec& s = kAcquirers[a];
        const uint64_t h = SplitMix(o.seed ^ (i * 7919));
        std::string name = std::string(s.shop_words[h % s.shop_words.size()]) +
                           " " + kShopKinds[(h >> 8) % std::size(kShopKinds)] +
                           " " + std::to_string(i + 1);
        std::string body = "{\"merchantRequestId\":\"bench-" + salt + "-" +
                           std::to_string(i) + "\",\"reference\":\"shop-" +
                           std::to_string(i + 1) + "\",\"name\":\"" + name +
                           "\",\"mcc\":\"" +
                           kMccs[(h >> 16) % std::size(kMccs)] +
                           "\",\"country\":\"" + s.country + "\",\"city\":\"" +
                           s.cities[(h >> 24) % s.cities.size()] +
                           "\",\"currency\":\"" + s.currency + "\"}";
        MERIDIAN_ASSIGN_OR_RETURN(
            std::string r,
            api.Expect(c, "POST", "/v1/network/merchants", body,
                       w.acquirers[a].key, 201, "registering a merchant"));
        w.merchants[i] = {JsonField(r, {"merchant", "codeValue"}), a};
        if (w.merchants[i].code.empty()) {
          return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                           "a merchant's answer had no codeValue");
        }
        return Status::Ok();
      }));

  // Payer names, each screened once as the payments will screen it (name
  // and country); a payer whose name hits a list gets another.
  std::vector<uint64_t> draws(o.users);
  const uint64_t keys_per_wallet =
      o.names == 0 ? o.users : std::max<uint64_t>(1, o.names / kWalletCount);
  w.payer_names.resize(o.users);
  for (uint32_t u = 0; u < o.users; ++u) {
    const uint64_t key = (u / kWalletCount) % keys_per_wallet;
    draws[u] =
        SplitMix(o.seed ^ SplitMix(key * kWalletCount + u % kWalletCount));
  }
  std::unordered_map<std::string, bool> screened;  // name -> hit
  for (int round = 0;; ++round) {
    std::vector<std::pair<size_t, std::string>> todo;  // (wallet, name)
    std::unordered_set<std::string> queued;
    size_t pending = 0;
    for (uint32_t u = 0; u < o.users; ++u) {
      const size_t wallet = u % kWalletCount;
      std::string name = PayerName(wallet, draws[u]);
      auto it = screened.find(name);
      for (int tries = 0; it != screened.end() && it->second; ++tries) {
        if (tries == 64) {
          return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                           "payer names keep hitting the lists");
        }
        draws[u] = SplitMix(draws[u]);  // on a list: another name
        name = PayerName(wallet, draws[u]);
        it = screened.find(name);
      }
      if (it == screened.end()) {
        ++pending;
        if (queued.insert(name).second) todo.emplace_back(wallet, name);
      }
      w.payer_names[u] = std::move(name);
    }
    if (pending == 0) break;
    if (round == 8) {
      return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                       "payer names keep hitting the lists");
    }
    std::vector<char> hit(todo.size(), 0);
    MERIDIAN_RETURN_IF_ERROR(
        Parallel(todo.size(), [&](size_t i, http::HttpClient& c) -> Status {
          MERIDIAN_ASSIGN_OR_RETURN(
              std::string r,
              api.Expect(c, "POST", "/v1/compliance/screen",
                         "{\"name\":\"" + Escape(todo[i].second) +
                             "\",\"country\":\"" +
                             kWallets[todo[i].first].country + "\"}",
                         op, 200, "screening a payer name"));
          hit[i] = r.find("\"hits\":[]") == std::string::npos;
          return Status::Ok();
        }));
    for (size_t i = 0; i < todo.size(); ++i) {
      screened.emplace(todo[i].second, hit[i] != 0);
      if (hit[i]) {
        ++w.names_dropped;
        if (w.dropped_examples.size() < 5) {
          w.dropped_examples.push_back(todo[i].second);
        }
      }
    }
  }
  w.names_screened = screened.size();
  w.names_distinct = std::unordered_set<std::string>(w.payer_names.begin(),
                                                     w.payer_names.end())
                         .size();

  std::mt19937_64 rng(o.seed);
  std::lognormal_distribution<double> lognormal(std::log(kMedianUsdCents),
                                                kSigma);
  w.amounts_usd_cents.resize(kAmountPool);
  for (int64_t& a : w.amounts_usd_cents) {
    a = std::clamp(static_cast<int64_t>(std::llround(lognormal(rng))),
                   kMinUsdCents, kMaxUsdCents);
  }
  w.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return w;
}

// ---------------------------------------------------------------- payments

// One payment's draw, a pure function of (run, sequence), so the quote's
// answer and the payment's can be matched to it without keeping state.
struct Draw {
  uint32_t user = 0;
  size_t wallet = 0;
  size_t merchant = 0;
  size_t acquirer = 0;
  int64_t amount_minor = 0;  // in the merchant's currency
};

// Totals of what the answers said, warm-up included: the ledger must hold
// exactly these.
struct Expected {
  std::vector<i128> wallet_debits = std::vector<i128>(kWalletCount, 0);
  std::vector<i128> acquirer_credits = std::vector<i128>(kAcquirerCount, 0);
  uint64_t succeeded = 0;
  uint64_t held = 0;
  uint64_t transfers = 0;  // named by SUCCESS and HELD answers
  uint64_t unparsable = 0;
  uint64_t unknown = 0;            // no answer: inquired afterwards
  uint64_t unknown_succeeded = 0;  // of which the inquiry found SUCCESS
  // A sample of SUCCESS answers: (wallet, paymentRequestId, paymentId).
  std::vector<std::tuple<size_t, std::string, std::string>> sample;
  uint64_t sample_seen = 0;
};

struct RunReport {
  std::string name;  // "healthz", "quote+pay", "pay"
  std::string mode;  // "max" or "rate"
  double target_per_s = 0;
  http::LoadResult load;
  http::LatencyHistogram quote, pay;         // per request, counted operations
  std::map<std::string, uint64_t> outcomes;  // counted operations, by code
  uint64_t succeeded = 0;                    // counted
  // SUCCESS answers that arrived within the measured window by the clock,
  // whenever they were scheduled: what an overloaded open loop served.
  uint64_t served_in_window = 0;
  Clock::time_point window_start, window_end;
  uint64_t requests = 0;          // answers of every step, warm-up included
  uint64_t counted_requests = 0;  // of counted operations
  uint64_t payment_answers = 0;   // every payment answer, warm-up included
  double wall_s = 0;              // the whole RunLoad, warm-up included
  double process_cpu_s = 0;
  double client_cpu_s = 0;
  double machine_busy_cores = 0;
  double load_average = 0;
  double batches = -1, fsync_s = -1;  // from /metrics; -1 unknown
  bool rate_reached = true;
};

class PaymentRun {
 public:
  PaymentRun(const World& w, const BenchNetworkOptions& o, Expected* expected,
             std::string run_prefix, bool with_quote)
      : w_(w),
        o_(o),
        expected_(expected),
        prefix_(std::move(run_prefix)),
        with_quote_(with_quote) {
    for (const Party& p : w.wallets) auth_.push_back("Bearer " + p.key);
  }

  Draw DrawOf(uint64_t sequence) const {
    Draw d;
    uint64_t h = SplitMix(o_.seed ^ SplitMix(salt_ + sequence));
    d.user = static_cast<uint32_t>(h % o_.users);
    d.wallet = d.user % kWalletCount;
    h = SplitMix(h);
    d.merchant = h % w_.merchants.size();
    d.acquirer = w_.merchants[d.merchant].acquirer;
    h = SplitMix(h);
    const int64_t usd = w_.amounts_usd_cents[h % w_.amounts_usd_cents.size()];
    // Both merchant currencies (THB, MYR) have 2 decimals, like USD.
    d.amount_minor = std::max<int64_t>(
        1, usd * PerEurE4(kAcquirers[d.acquirer].currency) / PerEurE4("USD"));
    return d;
  }

  std::string RequestId(uint64_t sequence) const {
    return prefix_ + std::to_string(sequence);
  }

  void Factory(uint64_t sequence, http::PreparedRequest* r) {
    const Draw d = DrawOf(sequence);
    r->method = "POST";
    r->headers = {{"Authorization", auth_[d.wallet]},
                  {"Content-Type", "application/json"}};
    if (with_quote_) {
      r->target = "/v1/network/quotes";
      QuoteBody(d, &r->body);
    } else {
      r->target = "/v1/network/payments";
      PaymentBody(sequence, d, {}, &r->body);
      in_flight_.insert(sequence);
    }
  }

  bool OnResponse(const http::ResponseView& v, http::PreparedRequest* next) {
    ++report_->requests;
    if (v.counted) ++report_->counted_requests;
    const Draw d = DrawOf(v.sequence);
    if (with_quote_ && v.step == 0) {
      if (v.counted) report_->quote.Record(v.latency_ns);
      std::string_view quote_id;
      if (v.status == 201) quote_id = StringAfter(v.body, "\"quoteId\":\"");
      if (quote_id.empty()) {
        if (v.counted) {
          std::string_view code = ResultCode(v.body);
          ++report_
                ->outcomes["quote " +
                           std::string(code.empty() ? "NO_RESULT_CODE" : code)];
        }
        return false;
      }
      next->method = "POST";
      next->target = "/v1/network/payments";
      next->headers = {{"Authorization", auth_[d.wallet]},
                       {"Content-Type", "application/json"}};
      PaymentBody(v.sequence, d, quote_id, &next->body);
      in_flight_.insert(v.sequence);
      return true;
    }
    in_flight_.erase(v.sequence);
    ++report_->payment_answers;
    if (v.counted) report_->pay.Record(v.latency_ns);
    std::string_view code = Account(d, v.body, /*sample=*/true);
    if (v.counted) {
      ++report_->outcomes[std::string(code)];
      if (code == "SUCCESS") ++report_->succeeded;
    }
    if (code == "SUCCESS") {
      const Clock::time_point now = Clock::now();
      if (now >= report_->window_start && now < report_->window_end) {
        ++report_->served_in_window;
      }
    }
    return false;
  }

  // Adds a payment answer (or inquiry) to the expected totals; its code.
  std::string_view Account(const Draw& d, std::string_view body, bool sample) {
    std::string_view code = ResultCode(body);
    if (code == "SUCCESS") {
      int64_t payer = 0, amount = 0, fee = 0;
      if (StringAfter(body, "\"paymentStatus\":\"") != "SUCCESS" ||
          !AmountValue(body, "\"payerAmount\":", &payer) ||
          !AmountValue(body, "\"paymentAmount\":", &amount) ||
          !AmountValue(body, "\"hubFee\":", &fee) || amount != d.amount_minor) {
        ++expected_->unparsable;
        return "UNPARSABLE_SUCCESS";
      }
      ++expected_->succeeded;
      expected_->wallet_debits[d.wallet] += payer;
      expected_->acquirer_credits[d.acquirer] += amount - fee;
      expected_->transfers += TransferIdCount(body);
      if (sample) {
        // Reservoir sampling over every SUCCESS answer.
        const uint64_t seen = expected_->sample_seen++;
        size_t slot = expected_->sample.size() < kInquirySample
                          ? expected_->sample.size()
                          : SplitMix(seen) % (seen + 1);
        if (slot < kInquirySample) {
          auto item = std::make_tuple(
              d.wallet,
              std::string(StringAfter(body, "\"paymentRequestId\":\"")),
              std::string(StringAfter(body, "\"paymentId\":\"")));
          if (slot == expected_->sample.size()) {
            expected_->sample.push_back(std::move(item));
          } else {
            expected_->sample[slot] = std::move(item);
          }
        }
      }
    } else if (code == "HELD_FOR_REVIEW") {
      ++expected_->held;
      expected_->transfers += TransferIdCount(body);
    }
    return code.empty() ? "NO_RESULT_CODE" : code;
  }

  // Payments sent whose answer never came: asked for by request id, so an
  // unknown outcome is counted as what it became (never as a failure).
  Status InquireUnknown(const Api& api) {
    if (in_flight_.empty()) return Status::Ok();
    if (in_flight_.size() > kMaxUnknownInquiries) {
      return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                       std::to_string(in_flight_.size()) +
                           " payments have no answer; too many to inquire");
    }
    http::HttpClient client;
    for (uint64_t seq : in_flight_) {
      const Draw d = DrawOf(seq);
      ++expected_->unknown;
      Result<http::ClientResponse> r =
          api.Call(client, "GET",
                   "/v1/network/payments?paymentRequestId=" + RequestId(seq),
                   "", w_.wallets[d.wallet].key);
      if (!r.ok()) return r.error();
      if (r->status == 404) continue;  // never reached the engine
      if (Account(d, r->body, false) == "SUCCESS")
        ++expected_->unknown_succeeded;
    }
    in_flight_.clear();
    return Status::Ok();
  }

  void set_report(RunReport* r, uint64_t salt) {
    report_ = r;
    salt_ = salt;
  }

 private:
  void QuoteBody(const Draw& d, std::string* out) const {
    const Merchant& m = w_.merchants[d.merchant];
    out->append("{\"codeValue\":\"")
        .append(m.code)
        .append("\",\"paymentAmount\":");
    AppendAmount(*out, kAcquirers[d.acquirer].currency, d.amount_minor);
    out->append(",\"payerCurrency\":\"")
        .append(kWallets[d.wallet].currency)
        .append("\",\"walletUserId\":\"u")
        .append(std::to_string(d.user))
        .append("\"}");
  }

  void PaymentBody(uint64_t sequence, const Draw& d, std::string_view quote_id,
                   std::string* out) const {
    const Merchant& m = w_.merchants[d.merchant];
    const std::string& name = w_.payer_names[d.user];
    out->append("{\"paymentRequestId\":\"")
        .append(RequestId(sequence))
        .append("\",\"codeValue\":\"")
        .append(m.code)
        .append("\",\"paymentAmount\":");
    AppendAmount(*out, kAcquirers[d.acquirer].currency, d.amount_minor);
    if (!quote_id.empty()) {
      out->append(",\"quoteId\":\"").append(quote_id).append("\"");
    }
    out->append(",\"payer\":{\"walletUserId\":\"u")
        .append(std::to_string(d.user))
        .append("\",\"name\":\"")
        .append(name)
        .append("\",\"country\":\"")
        .append(kWallets[d.wallet].country)
        .append("\",\"kycTier\":")
        .append(std::to_string(kKycTier))
        .append("}}");
  }

  const World& w_;
  const BenchNetworkOptions& o_;
  Expected* expected_;
  std::string prefix_;
  bool with_quote_;
  std::vector<std::string> auth_;
  RunReport* report_ = nullptr;
  uint64_t salt_ = 0;
  std::unordered_set<uint64_t> in_flight_;  // payment sent, no answer yet
};

// Gauges of the server's /metrics (api/service.cc); -1 when missing.
std::pair<double, double> JournalGauges(const std::string& base) {
  http::HttpClient client;
  Result<http::ClientResponse> r = client.Get(base + "/metrics", 5000);
  if (!r.ok() || r->status != 200) return {-1, -1};
  auto gauge = [&](std::string_view name) {
    std::string key = "\n" + std::string(name) + " ";
    size_t at = r->body.find(key);
    if (at == std::string::npos) return -1.0;
    return std::strtod(r->body.c_str() + at + key.size(), nullptr);
  };
  return {gauge("meridian_journal_batches"),
          gauge("meridian_journal_fsync_seconds")};
}

// Runs one load and fills the machine figures around it.
Status Measure(const http::LoadOptions& lo, const std::string& base,
               bool in_process, RunReport* r) {
  auto [batches0, fsync0] = JournalGauges(base);
  r->load_average = LoadAverage();
  const MachineCpu m0 = ReadMachineCpu();
  const double p0 = ProcessCpuS(), t0 = ThreadCpuS();
  const auto w0 = Clock::now();
  r->window_start = w0 + std::chrono::milliseconds(lo.warmup_ms);
  r->window_end = r->window_start + std::chrono::milliseconds(lo.duration_ms);
  Result<http::LoadResult> load = http::RunLoad(lo);
  r->wall_s = std::chrono::duration<double>(Clock::now() - w0).count();
  r->client_cpu_s = ThreadCpuS() - t0;
  r->process_cpu_s = in_process ? ProcessCpuS() - p0 : -1;
  const MachineCpu m1 = ReadMachineCpu();
  if (!load.ok()) return load.error();
  r->load = std::move(*load);
  if (m1.total > m0.total) {
    r->machine_busy_cores = static_cast<double>(m1.busy - m0.busy) /
                            static_cast<double>(m1.total - m0.total) *
                            static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  }
  auto [batches1, fsync1] = JournalGauges(base);
  if (batches0 >= 0 && batches1 >= 0) {
    r->batches = batches1 - batches0;
    r->fsync_s = fsync1 - fsync0;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- output

double Ms(int64_t ns) { return ns / 1e6; }
double Us(int64_t ns) { return ns / 1e3; }

// In-process: whether the server syncs; against --target the bench cannot
// tell ("null").
const char* DurableJson(const BenchNetworkOptions& o) {
  if (!o.target.empty()) return "null";
  return o.no_sync ? "false" : "true";
}

// "%.2f" of v, or `unknown` when v < 0.
std::string Fixed(double v, int digits, const char* unknown = "null") {
  if (v < 0) return unknown;
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

void PrintRun(const RunReport& r, const BenchNetworkOptions& o) {
  const http::LoadResult& l = r.load;
  const http::LatencyHistogram& h = l.latency;
  const double server_cores =
      r.process_cpu_s < 0 ? -1 : (r.process_cpu_s - r.client_cpu_s) / r.wall_s;
  const double client_cores = r.client_cpu_s / r.wall_s;
  // Everything else the machine ran meanwhile (other engineers' builds).
  const double others_cores =
      r.process_cpu_s < 0
          ? -1
          : std::max(0.0, r.machine_busy_cores - r.process_cpu_s / r.wall_s);
  const bool healthz = r.name == "healthz";
  const double per_batch = r.batches > 0 ? r.requests / r.batches : -1;
  const double journal_busy_pct =
      r.fsync_s >= 0 ? 100 * r.fsync_s / r.wall_s : -1;
  const double requests_per_s =
      healthz ? l.achieved_per_s : r.counted_requests / l.duration_s;
  // The server's CPU time per payment answered (both requests of a
  // quote+pay): the figure that least depends on what else the box runs.
  const double server_us_per_payment =
      r.process_cpu_s < 0 || r.payment_answers == 0
          ? -1
          : (r.process_cpu_s - r.client_cpu_s) * 1e6 / r.payment_answers;
  uint64_t not_ok = 0;
  for (const auto& [code, n] : r.outcomes) {
    if (code != "SUCCESS") not_ok += n;
  }
  if (o.json) {
    std::string out = "{\"bench\":\"network\",\"case\":\"" + r.name +
                      "\",\"mode\":\"" + r.mode + "\"";
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                  ",\"target_per_s\":%.0f,\"connections\":%u,\"seconds\":%.1f,"
                  "\"durable\":%s,\"requests_per_s\":%.0f,\"completed\":%llu,"
                  "\"transport_errors\":%llu,\"unsent\":%llu,\"p50_us\":%.1f,"
                  "\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f",
                  r.target_per_s, o.connections, l.duration_s, DurableJson(o),
                  requests_per_s, static_cast<unsigned long long>(l.completed),
                  static_cast<unsigned long long>(l.transport_errors),
                  static_cast<unsigned long long>(l.unsent), Us(h.p50()),
                  Us(h.p99()), Us(h.p999()), Us(h.max()));
    out += buf;
    if (!healthz) {
      std::snprintf(
          buf, sizeof buf,
          ",\"payments_per_s\":%.0f,\"served_per_s\":%.0f,"
          "\"operations_per_s\":%.0f,"
          "\"succeeded\":%llu,\"rate_reached\":%s,\"quote_p50_us\":%.1f,"
          "\"quote_p99_us\":%.1f,\"pay_p50_us\":%.1f,\"pay_p99_us\":%.1f,"
          "\"pay_p999_us\":%.1f",
          r.succeeded / l.duration_s, r.served_in_window / l.duration_s,
          l.achieved_per_s, static_cast<unsigned long long>(r.succeeded),
          r.mode == "rate" ? (r.rate_reached ? "true" : "false") : "null",
          Us(r.quote.p50()), Us(r.quote.p99()), Us(r.pay.p50()),
          Us(r.pay.p99()), Us(r.pay.p999()));
      out += buf;
      out += ",\"errors\":{";
      bool first = true;
      for (const auto& [code, n] : r.outcomes) {
        if (code == "SUCCESS") continue;
        if (!first) out += ",";
        first = false;
        out += "\"" + Escape(code) + "\":" + std::to_string(n);
      }
      out += "}";
    }
    if (!healthz) {
      out +=
          ",\"server_cpu_us_per_payment\":" + Fixed(server_us_per_payment, 1);
    }
    out += ",\"server_cpu_cores\":" + Fixed(server_cores, 2) +
           ",\"client_cpu_cores\":" + Fixed(client_cores, 2) +
           ",\"machine_busy_cores\":" + Fixed(r.machine_busy_cores, 2) +
           ",\"others_cpu_cores\":" + Fixed(others_cores, 2) +
           ",\"load_average\":" + Fixed(r.load_average, 2) +
           ",\"journal_batches\":" + Fixed(r.batches, 0) +
           ",\"commands_per_batch\":" + Fixed(per_batch, 1) +
           ",\"journal_busy_pct\":" + Fixed(journal_busy_pct, 1) + "}";
    std::printf("%s\n", out.c_str());
    std::fflush(stdout);
    return;
  }
  const std::string mode =
      r.mode == "rate" ? "open@" + Fixed(r.target_per_s, 0) : "closed";
  if (healthz) {
    std::printf(
        "%-10s %-11s %8s pay/s %8.0f req/s  p50 %6.2f  p99 %6.2f  "
        "p99.9 %6.2f ms\n",
        "healthz", mode.c_str(), "", requests_per_s, Ms(h.p50()), Ms(h.p99()),
        Ms(h.p999()));
  } else {
    const std::string not_reached =
        "  RATE NOT REACHED: served " +
        Fixed(r.served_in_window / l.duration_s, 0) +
        " pay/s in the window, behind the schedule";
    const std::string quote =
        r.quote.count() == 0 ? std::string(26, ' ')
                             : "| quote p50 " + Fixed(Ms(r.quote.p50()), 2) +
                                   " p99 " + Fixed(Ms(r.quote.p99()), 2) + " ";
    std::printf(
        "%-10s %-11s %8.0f pay/s %8.0f req/s  p50 %6.2f  p99 %6.2f  "
        "p99.9 %6.2f ms %s| pay p50 %5.2f p99 %6.2f ms | not ok %llu, "
        "transport errors %llu, unsent %llu%s\n",
        r.name.c_str(), mode.c_str(), r.succeeded / l.duration_s,
        requests_per_s, Ms(h.p50()), Ms(h.p99()), Ms(h.p999()), quote.c_str(),
        Ms(r.pay.p50()), Ms(r.pay.p99()),
        static_cast<unsigned long long>(not_ok),
        static_cast<unsigned long long>(l.transport_errors),
        static_cast<unsigned long long>(l.unsent),
        r.mode == "rate" && !r.rate_reached ? not_reached.c_str() : "");
    for (const auto& [code, n] : r.outcomes) {
      if (code != "SUCCESS") {
        std::printf("%23s %-28s %llu\n", "", code.c_str(),
                    static_cast<unsigned long long>(n));
      }
    }
  }
  std::printf(
      "%23s CPU cores: server %s, client %s, other processes %s "
      "(load average %.2f)",
      "", Fixed(server_cores, 2, "?").c_str(), Fixed(client_cores, 2).c_str(),
      Fixed(others_cores, 2, "?").c_str(), r.load_average);
  if (server_us_per_payment >= 0) {
    std::printf("; server CPU %.0f us per payment", server_us_per_payment);
  }
  if (r.batches > 0) {
    std::printf(
        "; %.0f journal batches, %.1f commands each, journal "
        "write+sync busy %.0f %%",
        r.batches, per_batch, journal_busy_pct);
  }
  std::printf("\n");
  std::fflush(stdout);
}

}  // namespace

int RunBenchNetwork(const BenchNetworkOptions& o) {
  std::vector<std::string> cases = o.cases, modes = o.modes;
  if (cases.empty()) cases = {"quote+pay", "pay"};
  if (modes.empty()) modes = {"max", "rate"};
  for (const std::string& c : cases) {
    if (c != "quote+pay" && c != "pay") {
      std::fprintf(stderr, "bench network: unknown case %s (quote+pay, pay)\n",
                   c.c_str());
      return 2;
    }
  }
  for (const std::string& m : modes) {
    if (m != "max" && m != "rate") {
      std::fprintf(stderr, "bench network: unknown mode %s (max, rate)\n",
                   m.c_str());
      return 2;
    }
  }
  if (o.merchants < 1 || o.users < 1 || o.seconds <= 0 || o.rate_per_s <= 0) {
    std::fprintf(stderr,
                 "bench network: --merchants, --users, --seconds and --rate "
                 "must be positive\n");
    return 2;
  }

  std::string dir;
  // A throwaway data directory goes when the bench ends, however it ends
  // (declared before the service, so it outlives it).
  struct RemoveDir {
    const std::string* dir;
    bool remove;
    ~RemoveDir() {
      if (remove && !dir->empty()) std::filesystem::remove_all(*dir);
    }
  } remove_dir{&dir, o.data_dir.empty()};
  std::unique_ptr<api::ApiService> service;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string key = o.operator_key;
  const bool in_process = o.target.empty();
  if (in_process) {
    dir = o.data_dir.empty()
              ? (std::filesystem::temp_directory_path() /
                 ("meridian-bench-network-" + std::to_string(getpid())))
                    .string()
              : o.data_dir;
    std::filesystem::remove_all(dir);
    api::ServiceOptions so;
    so.data_dir = dir;
    so.listen_port = 0;
    so.io_threads = o.io_threads;
    so.sync = !o.no_sync;
    so.sandbox = false;
    key = "sk_bench_network_operator_key_00000";
    so.operator_key = key;
    if (o.sanctions_dir.empty()) {
      if (std::filesystem::exists("../shared/data/sanctions")) {
        so.screening.lists_dir = "../shared/data/sanctions";
      }
    } else if (o.sanctions_dir != "none") {
      so.screening.lists_dir = o.sanctions_dir;
    }
    if (!o.json) {
      std::printf("bench network: starting the server (loading %s)...\n",
                  so.screening.lists_dir.empty()
                      ? "the built-in demo sanctions list"
                      : so.screening.lists_dir.c_str());
      std::fflush(stdout);
    }
    Result<std::unique_ptr<api::ApiService>> s = api::ApiService::Start(so);
    if (!s.ok()) {
      std::fprintf(stderr, "bench network: %s\n", s.error().ToString().c_str());
      return 1;
    }
    service = std::move(s).value();
    port = service->port();
  } else {
    size_t colon = o.target.rfind(':');
    if (colon == std::string::npos || key.empty()) {
      std::fprintf(stderr,
                   "bench network: --target HOST:PORT needs --operator-key\n");
      return 2;
    }
    host = o.target.substr(0, colon);
    port = static_cast<uint16_t>(std::stoi(o.target.substr(colon + 1)));
  }
  const std::string base = "http://" + host + ":" + std::to_string(port);
  const Api api(base, key);
  auto stop = [&] {
    if (service) service->Stop();
    service.reset();
  };

  Result<World> world = Setup(api, o);
  if (!world.ok()) {
    std::fprintf(stderr, "bench network: setup: %s\n",
                 world.error().ToString().c_str());
    stop();
    return 1;
  }
  const World& w = *world;
  if (o.json) {
    std::printf(
        "{\"bench\":\"network\",\"setup\":{\"seconds\":%.2f,\"server\":\"%s\","
        "\"durable\":%s,\"io_threads\":%d,\"lists\":\"%s\",\"wallets\":%zu,"
        "\"acquirers\":%zu,\"merchants\":%zu,\"users\":%u,\"names\":%zu,"
        "\"names_screened\":%zu,\"names_dropped\":%zu,\"connections\":%u,"
        "\"warmup_s\":%.1f}}\n",
        w.seconds, in_process ? "in-process" : o.target.c_str(), DurableJson(o),
        o.io_threads, Escape(w.lists).c_str(), w.wallets.size(),
        w.acquirers.size(), w.merchants.size(), o.users, w.names_distinct,
        w.names_screened, w.names_dropped, o.connections, o.warmup_seconds);
  } else {
    std::string dropped;
    for (size_t i = 0; i < w.dropped_examples.size(); ++i) {
      dropped += (i == 0 ? ", e.g. " : ", ") + w.dropped_examples[i];
    }
    const std::string server = in_process ? "in-process server, " +
                                                std::to_string(o.io_threads) +
                                                " I/O thread(s)"
                                          : o.target;
    std::printf(
        "bench network: %s, %s; screening: %s; risk scoring: the server's "
        "rules and model\n"
        "  %zu wallets (KRW, JPY, SGD; net debit caps 10^13 minor units), "
        "%zu acquirers (THB, MYR; 1 %% merchant fee), %zu merchants (static "
        "hub codes, uniform), %u payers (walletUserId, kycTier %d) with "
        "%zu distinct given+family names (%zu names screened, %zu hit a "
        "list and were drawn again%s)\n"
        "  amounts log-normal, median USD 30, sigma %.1f, USD 1..2,000, in "
        "the merchant's currency at ECB 2025-05-09 rates; %u keep-alive "
        "connections; %.1f s per run after %.1f s warm-up; client and "
        "server share this box\n"
        "setup through the API: %.2f s (rates, participants, merchants, "
        "names screened)\n",
        server.c_str(),
        !o.target.empty() ? "durable as the server was started"
        : o.no_sync       ? "NOT durable (--no-sync)"
                          : "durable (fdatasync per batch)",
        w.lists.c_str(), w.wallets.size(), w.acquirers.size(),
        w.merchants.size(), o.users, kKycTier, w.names_distinct,
        w.names_screened, w.names_dropped, dropped.c_str(), kSigma,
        o.connections, o.seconds, o.warmup_seconds, w.seconds);
  }
  std::fflush(stdout);

  http::LoadOptions lo;
  lo.host = host;
  lo.port = port;
  lo.connections = o.connections;
  lo.duration_ms = static_cast<uint32_t>(o.seconds * 1000);
  lo.warmup_ms = static_cast<uint32_t>(o.warmup_seconds * 1000);
  bool ok = true;
  double healthz_per_s = 0;
  if (o.healthz) {
    RunReport r;
    r.name = "healthz";
    r.mode = "max";
    lo.request_factory = [](uint64_t, http::PreparedRequest* p) {
      p->target = "/healthz";
    };
    if (Status s = Measure(lo, base, in_process, &r); !s.ok()) {
      std::fprintf(stderr, "bench network: %s\n", s.ToString().c_str());
      stop();
      return 1;
    }
    healthz_per_s = r.load.achieved_per_s;
    PrintRun(r, o);
  }

  Expected expected;
  std::map<std::string, double> best_max;           // case -> payments/s
  std::map<std::string, const RunReport*> at_rate;  // case -> report
  std::vector<std::unique_ptr<RunReport>> reports;
  uint64_t run_index = 0;
  const std::string prefix_base =
      "bn" + std::to_string(getpid() % 100000) + "-" +
      std::to_string(
          std::chrono::system_clock::now().time_since_epoch().count() %
          1'000'000) +
      "-";
  for (const std::string& c : cases) {
    for (const std::string& m : modes) {
      auto r = std::make_unique<RunReport>();
      r->name = c;
      r->mode = m;
      r->target_per_s = m == "rate" ? o.rate_per_s : 0;
      ++run_index;
      PaymentRun run(w, o, &expected,
                     prefix_base + std::to_string(run_index) + "-",
                     c == "quote+pay");
      run.set_report(r.get(), run_index << 40);
      lo.rate_per_s = r->target_per_s;
      lo.request_factory = [&](uint64_t seq, http::PreparedRequest* p) {
        run.Factory(seq, p);
      };
      lo.on_response = [&](const http::ResponseView& v,
                           http::PreparedRequest* next) {
        return run.OnResponse(v, next);
      };
      if (Status s = Measure(lo, base, in_process, r.get()); !s.ok()) {
        std::fprintf(stderr, "bench network: %s\n", s.ToString().c_str());
        stop();
        return 1;
      }
      if (Status s = run.InquireUnknown(api); !s.ok()) {
        std::fprintf(stderr,
                     "bench network: inquiring unanswered payments: %s\n",
                     s.ToString().c_str());
        ok = false;
      }
      if (m == "rate") {
        const uint64_t scheduled = r->load.sent + r->load.unsent;
        r->rate_reached = r->load.unsent <= scheduled / 100 &&
                          r->load.achieved_per_s >= 0.98 * o.rate_per_s;
        at_rate[c] = r.get();
      } else {
        best_max[c] = r->succeeded / r->load.duration_s;
      }
      PrintRun(*r, o);
      reports.push_back(std::move(r));
    }
  }

  // ------------------------------------------------------------ checks
  http::HttpClient client;
  std::string problems;
  size_t wallets_match = 0, acquirers_match = 0;
  auto balance = [&](const std::string& account) -> std::string {
    Result<http::ClientResponse> r =
        api.Call(client, "GET", "/v1/ledger/accounts/" + account, "", key);
    if (!r.ok() || r->status != 200) return "?";
    return JsonField(r->body, {"account", "balance", "value"});
  };
  for (size_t i = 0; i < w.wallets.size(); ++i) {
    const std::string got = balance(w.wallets[i].account);
    const std::string want =
        expected.wallet_debits[i] == 0
            ? "0"
            : "-" + U128ToString(static_cast<u128>(expected.wallet_debits[i]));
    if (got == want) {
      ++wallets_match;
    } else {
      problems += std::string(kWallets[i].name) + " position " + got +
                  ", the answers say " + want + "; ";
    }
  }
  for (size_t i = 0; i < w.acquirers.size(); ++i) {
    const std::string got = balance(w.acquirers[i].account);
    const std::string want =
        U128ToString(static_cast<u128>(expected.acquirer_credits[i]));
    if (got == want) {
      ++acquirers_match;
    } else {
      problems += std::string(kAcquirers[i].name) + " payable " + got +
                  ", the answers say " + want + "; ";
    }
  }
  // The count: every payment credits its acquirer's payable once.
  const uint64_t payments = expected.succeeded + expected.held;
  int64_t ledger_payments = -1;
  if (payments <= kMaxPagedPayments) {
    ledger_payments = 0;
    for (const Party& a : w.acquirers) {
      std::string after;
      for (;;) {
        std::string path = "/v1/ledger/accounts/" + a.account +
                           "/transfers?limit=100" +
                           (after.empty() ? "" : "&startingAfter=" + after);
        Result<http::ClientResponse> r = api.Call(client, "GET", path, "", key);
        if (!r.ok() || r->status != 200) {
          problems += "listing the payable's transfers failed; ";
          break;
        }
        simdjson::dom::parser parser;
        simdjson::dom::element e;
        simdjson::dom::array data;
        if (parser.parse(r->body).get(e) != simdjson::SUCCESS ||
            e["data"].get(data) != simdjson::SUCCESS) {
          problems += "a transfers page did not parse; ";
          break;
        }
        for (simdjson::dom::element t : data) {
          ++ledger_payments;
          std::string_view id;
          if (t["id"].get(id) == simdjson::SUCCESS) after = std::string(id);
        }
        bool more = false;
        if (e["hasMore"].get(more) != simdjson::SUCCESS || !more ||
            data.size() == 0) {
          break;
        }
      }
    }
    if (static_cast<uint64_t>(ledger_payments) != payments) {
      problems += "the payables hold " + std::to_string(ledger_payments) +
                  " payments, the answers " + std::to_string(payments) + "; ";
    }
  }
  size_t sample_ok = 0;
  for (const auto& [wallet, request_id, payment_id] : expected.sample) {
    Result<http::ClientResponse> r = api.Call(
        client, "GET", "/v1/network/payments?paymentRequestId=" + request_id,
        "", w.wallets[wallet].key);
    if (r.ok() && r->status == 200 &&
        StringAfter(r->body, "\"paymentStatus\":\"") == "SUCCESS" &&
        StringAfter(r->body, "\"paymentId\":\"") == payment_id) {
      ++sample_ok;
    }
  }
  if (sample_ok != expected.sample.size()) {
    problems += std::to_string(expected.sample.size() - sample_ok) +
                " sampled SUCCESS payments did not read back; ";
  }
  if (expected.unparsable > 0) {
    problems += std::to_string(expected.unparsable) +
                " SUCCESS answers lacked amounts; ";
  }

  // In-process: the journal, replayed from the start by `meridian verify`.
  std::string verify_json = "null";
  std::string verify_text;
  if (service) {
    stop();
    Result<engine::VerifyReport> v = engine::VerifyDataDir(dir);
    if (!v.ok()) {
      problems += "verify: " + v.error().message + "; ";
      verify_json = "{\"ok\":false}";
      verify_text = "verify FAILED";
    } else {
      const bool match = v->transfers == expected.transfers;
      if (!match) {
        problems += "verify replayed " + std::to_string(v->transfers) +
                    " transfers, the answers named " +
                    std::to_string(expected.transfers) + "; ";
      }
      verify_json =
          "{\"ok\":" + std::string(match ? "true" : "false") +
          ",\"batches\":" + std::to_string(v->batches) +
          ",\"transfers\":" + std::to_string(v->transfers) +
          ",\"expected_transfers\":" + std::to_string(expected.transfers) + "}";
      verify_text = "verify: journal OK (" + std::to_string(v->batches) +
                    " batches), " + std::to_string(v->transfers) +
                    " transfers = the " + std::to_string(expected.transfers) +
                    " the answers named";
      if (!match) verify_text = "verify: MISMATCH";
    }
  }
  ok = ok && problems.empty();
  const std::string count_json = std::to_string(ledger_payments);
  if (o.json) {
    std::printf(
        "{\"bench\":\"network\",\"check\":{\"ok\":%s,\"success_answers\":%llu,"
        "\"held_answers\":%llu,\"unknown_inquired\":%llu,"
        "\"unknown_succeeded\":%llu,\"wallets\":%zu,\"wallets_match\":%zu,"
        "\"acquirers\":%zu,\"acquirers_match\":%zu,\"ledger_payments\":%s,"
        "\"sample_inquired\":%zu,\"sample_ok\":%zu,\"verify\":%s,"
        "\"problems\":\"%s\"}}\n",
        ok ? "true" : "false",
        static_cast<unsigned long long>(expected.succeeded),
        static_cast<unsigned long long>(expected.held),
        static_cast<unsigned long long>(expected.unknown),
        static_cast<unsigned long long>(expected.unknown_succeeded),
        w.wallets.size(), wallets_match, w.acquirers.size(), acquirers_match,
        ledger_payments < 0 ? "null" : count_json.c_str(),
        expected.sample.size(), sample_ok, verify_json.c_str(),
        Escape(problems).c_str());
  } else {
    std::string count =
        ledger_payments < 0
            ? "not paged (more than " + std::to_string(kMaxPagedPayments) + ")"
            : std::to_string(ledger_payments) +
                  (static_cast<uint64_t>(ledger_payments) == payments
                       ? " = the answers"
                       : " != the answers");
    std::printf(
        "checks: %llu SUCCESS answers (warm-up included), %llu held, %llu "
        "unanswered and inquired (%llu had succeeded); wallet positions "
        "%zu/%zu and acquirer payables %zu/%zu equal the answers' sums; "
        "ledger payment count %s; %zu/%zu sampled payments read back%s%s\n",
        static_cast<unsigned long long>(expected.succeeded),
        static_cast<unsigned long long>(expected.held),
        static_cast<unsigned long long>(expected.unknown),
        static_cast<unsigned long long>(expected.unknown_succeeded),
        wallets_match, w.wallets.size(), acquirers_match, w.acquirers.size(),
        count.c_str(), sample_ok, expected.sample.size(),
        verify_text.empty() ? "" : "; ", verify_text.c_str());
    if (!problems.empty()) std::printf("PROBLEMS: %s\n", problems.c_str());
    std::string goal;
    char buf[256];
    if (!best_max.empty()) {
      goal += "goal: >= 40,000 payments/s at max:";
      for (const auto& [c, v] : best_max) {
        std::snprintf(buf, sizeof buf, " %s %.0f (%s)", c.c_str(), v,
                      v >= 40000 ? "met" : "NOT met");
        goal += buf;
      }
    }
    if (!at_rate.empty()) {
      std::snprintf(buf, sizeof buf,
                    "%sp99 <= 5 ms at %.0f/s:", goal.empty() ? "goal: " : "; ",
                    o.rate_per_s);
      goal += buf;
      for (const auto& [c, r] : at_rate) {
        const bool met = r->rate_reached && r->load.latency.p99() <= 5'000'000;
        std::snprintf(buf, sizeof buf, " %s %.2f ms%s (%s)", c.c_str(),
                      Ms(r->load.latency.p99()),
                      r->rate_reached ? "" : ", rate not reached",
                      met ? "met" : "NOT met");
        goal += buf;
      }
    }
    std::printf("%s", goal.c_str());
    if (healthz_per_s > 0) {
      std::printf("; /healthz ceiling %.0f req/s", healthz_per_s);
    }
    std::printf("\n");
  }
  std::fflush(stdout);
  stop();
  return ok ? 0 : 1;
}

}  // namespace meridian::cli
