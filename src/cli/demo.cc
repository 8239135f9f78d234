#include "cli/demo.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/currency.h"
#include "engine/command.h"
#include "engine/sequencer.h"

namespace meridian::cli {
namespace {

using ledger::Account;
using ledger::Transfer;

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

// Account codes: what each account is for.
enum Code : uint16_t {
  kWalletPosition = 1,
  kAcquirerPayable = 2,
  kFxLiquidity = 3,
  kSettlementBank = 4,
};

struct Participant {
  const char* name;
  const char* currency;
  bool wallet;
};

// Wallets pay merchants abroad; acquirers receive for their merchants.
constexpr Participant kParticipants[] = {
    {"Alipay (CN)", "CNY", true},
    {"GCash (PH)", "PHP", true},
    {"Kakao Pay (KR)", "KRW", true},
    {"Touch 'n Go (MY)", "MYR", true},
    {"PayPay (JP)", "JPY", true},
    {"KBank acquiring (TH)", "THB", false},
    {"DBS acquiring (SG)", "SGD", false},
    {"Adyen (EU)", "EUR", false},
    {"Chase acquiring (US)", "USD", false},
};
constexpr size_t kCount = std::size(kParticipants);

// Demo mid rates as integers: minor units of the currency per 1,000,000
// minor units of USD. (FX proper, with quotes and spreads, is src/fx.)
struct DemoRate {
  const char* currency;
  uint64_t per_million_usd_minor;
};
constexpr DemoRate kRates[] = {
    {"USD", 1'000'000},  {"CNY", 7'100'000}, {"PHP", 56'000'000},
    {"KRW", 13'500'000}, {"MYR", 4'700'000}, {"JPY", 1'500'000},
    {"THB", 35'200'000}, {"SGD", 1'340'000}, {"EUR", 920'000},
};

// The demo's built-in rate (also what sizes the world's caps and funding,
// so a restart with other rates continues the same world).
uint64_t BuiltInRate(const char* code) {
  for (const DemoRate& r : kRates) {
    if (std::string_view(r.currency) == code) return r.per_million_usd_minor;
  }
  return 1'000'000;
}

// Rates payments convert at: the built-in ones, or the ECB's latest
// reference rates when the reference data is there.
std::map<std::string, uint64_t, std::less<>> g_rates;

// "163.36" -> 163360000 (10^-6 fixed point). Refuses anything else.
std::optional<u128> ParseMicros(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac =
      dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || frac.size() > 6)
    return std::nullopt;
  u128 value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<u128>(c - '0');
  }
  for (size_t i = 0; i < 6; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<u128>(c - '0');
  }
  return value;
}

// Reads the newest row of the ECB history (units of each currency per EUR)
// and turns it into minor units per 1,000,000 minor units of USD, rounding
// down once. Returns a description of the source used.
std::string LoadRates(const std::string& reference_data) {
  for (const DemoRate& r : kRates)
    g_rates[r.currency] = r.per_million_usd_minor;
  const std::string path = reference_data + "/fx/eurofxref-hist.csv";
  std::ifstream in(path);
  std::string header, row;
  if (reference_data.empty() || !in || !std::getline(in, header) ||
      !std::getline(in, row)) {
    return "built-in demo rates (no " + path + ")";
  }
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    return out;
  };
  std::vector<std::string> names = split(header), values = split(row);
  std::map<std::string, u128, std::less<>> per_eur_micros{{"EUR", 1'000'000}};
  for (size_t i = 1; i < names.size() && i < values.size(); ++i) {
    if (auto v = ParseMicros(values[i]); v.has_value() && *v != 0) {
      per_eur_micros[names[i]] = *v;
    }
  }
  auto usd = per_eur_micros.find("USD");
  if (usd == per_eur_micros.end())
    return "built-in demo rates (no USD in " + path + ")";
  int used = 0;
  for (const DemoRate& r : kRates) {
    auto x = per_eur_micros.find(r.currency);
    if (x == per_eur_micros.end()) continue;
    u128 scale = 1;
    for (int k = 0; k < (*Currency::FromCode(r.currency)).minor_units(); ++k)
      scale *= 10;
    // X minor per 10^6 USD minor = 10^6 * (x/usd) * 10^mx / 10^2.
    g_rates[r.currency] = static_cast<uint64_t>(u128{1'000'000} * x->second *
                                                scale / (usd->second * 100));
    ++used;
  }
  return "ECB reference rates of " + values[0] + " from " + path + " (" +
         std::to_string(used) + " currencies)";
}

uint64_t RateOf(const char* code) {
  auto it = g_rates.find(code);
  return it == g_rates.end() ? BuiltInRate(code) : it->second;
}

uint32_t LedgerOf(const char* code) {
  return (*Currency::FromCode(code)).ledger();
}

// Ids: participant i's position is 100 + i; FX liquidity and settlement bank
// per ledger are 1'000'000 + ledger and 2'000'000 + ledger.
u128 PositionId(size_t i) { return 100 + i; }
u128 FxId(uint32_t ledger) { return 1'000'000 + ledger; }
u128 BankId(uint32_t ledger) { return 2'000'000 + ledger; }

std::vector<Account> WorldAccounts() {
  std::vector<Account> out;
  for (const DemoRate& r : kRates) {
    uint32_t ledger = LedgerOf(r.currency);
    Account fx{};
    fx.id = FxId(ledger);
    fx.ledger = ledger;
    fx.code = kFxLiquidity;
    out.push_back(fx);
    Account bank = fx;
    bank.id = BankId(ledger);
    bank.code = kSettlementBank;
    out.push_back(bank);
  }
  for (size_t i = 0; i < kCount; ++i) {
    Account a{};
    a.id = PositionId(i);
    a.ledger = LedgerOf(kParticipants[i].currency);
    a.code = kParticipants[i].wallet ? kWalletPosition : kAcquirerPayable;
    if (kParticipants[i].wallet) {
      // A wallet's position may not go below its prefunding plus its cap.
      a.flags =
          ledger::kAccountDebitsMustNotExceedCredits | ledger::kAccountHistory;
      a.limit = 50'000 * BuiltInRate(kParticipants[i].currency) / 10'000;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace

int RunDemo(const std::string& data_dir, const std::string& reference_data,
            double seconds, double rate_per_s) {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  engine::SequencerOptions options;
  options.data_dir = data_dir;
  options.snapshot_every_batches = 5'000;
  auto opened = engine::Sequencer::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "meridian demo: %s\n",
                 opened.error().ToString().c_str());
    return 1;
  }
  engine::Sequencer& seq = **opened;
  const engine::RecoveryInfo& rec = seq.recovery();
  std::printf("Meridian demo — data in %s\n", data_dir.c_str());
  std::printf("rates: %s\n", LoadRates(reference_data).c_str());
  std::printf(
      "recovered: snapshot at batch %llu, %llu batches (%llu events) "
      "replayed in %.2f s\n",
      static_cast<unsigned long long>(rec.snapshot_seq),
      static_cast<unsigned long long>(rec.batches_replayed),
      static_cast<unsigned long long>(rec.events_replayed), rec.replay_seconds);
  seq.SubmitAndWait(engine::EncodeCreateAccounts(WorldAccounts()));

  // Next transfer id continues after whatever the journal already holds.
  u128 next_id = 0;
  seq.Read([&](const engine::StateMachine& s) {
    next_id = (static_cast<u128>(1) << 64) + s.ledger().transfer_count() + 1;
  });
  // Prefund each wallet from its settlement bank (EXISTS on restarts).
  std::vector<Transfer> funding;
  for (size_t i = 0; i < kCount; ++i) {
    if (!kParticipants[i].wallet) continue;
    Transfer t{};
    t.id = 10'000 + i;
    uint32_t ledger = LedgerOf(kParticipants[i].currency);
    t.debit_account_id = BankId(ledger);
    t.credit_account_id = PositionId(i);
    t.amount = 5'000'000 * BuiltInRate(kParticipants[i].currency) / 10'000;
    t.ledger = ledger;
    t.code = 10;
    funding.push_back(t);
  }
  seq.SubmitAndWait(engine::EncodeCreateTransfers(funding));
  std::printf(
      "%zu participants in %zu currencies; streaming cross-border "
      "payments at ~%.0f/s (Ctrl-C to stop)\n",
      kCount, std::size(kRates), rate_per_s);

  uint64_t rng = 0x2545F4914F6CDD1Dull ^ static_cast<uint64_t>(next_id);
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  std::atomic<uint64_t> paid{0}, refused{0};
  std::vector<std::pair<u128, u128>> holds;  // (wallet leg, acquirer leg)
  auto start = std::chrono::steady_clock::now();
  auto last_print = start;
  const auto tick = std::chrono::milliseconds(100);
  while (!g_stop) {
    auto now = std::chrono::steady_clock::now();
    if (seconds > 0 && now - start > std::chrono::duration<double>(seconds))
      break;
    std::vector<Transfer> batch;
    // Resolve earlier holds: most are posted, some voided, a few left to
    // expire on their own by sequencer time.
    for (auto [wallet_leg, acquirer_leg] : holds) {
      uint64_t roll = next() % 100;
      if (roll >= 95) continue;
      uint16_t flag = roll < 85 ? ledger::kTransferPostPending
                                : ledger::kTransferVoidPending;
      for (u128 leg : {wallet_leg, acquirer_leg}) {
        Transfer t{};
        t.id = next_id++;
        t.pending_id = leg;
        t.flags = flag | (leg == wallet_leg ? ledger::kTransferLinked : 0);
        batch.push_back(t);
      }
    }
    holds.clear();
    int payments = std::max(1, static_cast<int>(rate_per_s / 10));
    for (int p = 0;
         p < payments && batch.size() + 2 < engine::kMaxEventsPerCommand; ++p) {
      size_t w = next() % 5;      // a wallet
      size_t a = 5 + next() % 4;  // an acquirer abroad
      const char* from = kParticipants[w].currency;
      const char* to = kParticipants[a].currency;
      uint64_t usd_minor = 500 + next() % 20'000;  // 5.00 .. 205.00 USD
      uint64_t pay = usd_minor * RateOf(from) / 1'000'000;
      uint64_t get = usd_minor * RateOf(to) / 1'000'000;  // rounded down
      if (pay == 0 || get == 0) continue;
      Transfer leg1{};
      leg1.id = next_id++;
      leg1.debit_account_id = PositionId(w);
      leg1.credit_account_id = FxId(LedgerOf(from));
      leg1.amount = pay;
      leg1.ledger = LedgerOf(from);
      leg1.code = 20;
      leg1.flags = ledger::kTransferPending | ledger::kTransferLinked;
      leg1.timeout_s = 30;
      Transfer leg2 = leg1;
      leg2.id = next_id++;
      leg2.debit_account_id = FxId(LedgerOf(to));
      leg2.credit_account_id = PositionId(a);
      leg2.amount = get;
      leg2.ledger = LedgerOf(to);
      leg2.flags = ledger::kTransferPending;
      batch.push_back(leg1);
      batch.push_back(leg2);
      holds.emplace_back(leg1.id, leg2.id);
    }
    engine::CommandReply r =
        seq.SubmitAndWait(engine::EncodeCreateTransfers(batch));
    refused += r.results.size();
    paid += batch.size() - r.results.size();
    if (now - last_print >= std::chrono::seconds(1)) {
      last_print = now;
      seq.Read([&](const engine::StateMachine& s) {
        const ledger::LedgerStats st = s.ledger().stats();
        std::printf(
            "batch %llu  transfers %llu  open holds %llu  expired %llu  "
            "refused %llu  |",
            static_cast<unsigned long long>(s.applied_seq()),
            static_cast<unsigned long long>(st.transfers),
            static_cast<unsigned long long>(st.pending_open),
            static_cast<unsigned long long>(st.expired),
            static_cast<unsigned long long>(refused.load()));
        for (const char* c : {"CNY", "THB", "USD"}) {
          const Account* fx = s.ledger().FindAccount(FxId(LedgerOf(c)));
          i128 position = static_cast<i128>(fx->credits_posted) -
                          static_cast<i128>(fx->debits_posted);
          std::printf(" hub %s %s", c, I128ToString(position).c_str());
        }
        std::printf("\n");
        std::fflush(stdout);
      });
    }
    std::this_thread::sleep_for(tick);
  }
  seq.Shutdown();
  std::printf(
      "stopped cleanly (snapshot written). Check it: meridian verify %s\n",
      data_dir.c_str());
  return 0;
}

}  // namespace meridian::cli
