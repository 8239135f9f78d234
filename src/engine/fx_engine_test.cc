// The FX commands end to end: through the Sequencer, the journal, the
// StateMachine and the ledger, and back through recovery.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/testing/temp_dir.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/sequencer.h"
#include "engine/state_machine.h"
#include "engine/verify.h"
#include "fx/fx_commands.h"
#include "fx/fx_state.h"

namespace meridian::engine {
namespace {

using fx::HubAccount;
using fx::HubAccountId;
using ledger::Account;
using ledger::Transfer;

constexpr int64_t kSec = 1'000'000'000;
// 2025-05-09T13:10:00Z, an ECB fixing.
constexpr int64_t kFixing = 1'746'796'200LL * kSec;
constexpr u128 kAlice = 0xA11CE;
constexpr u128 kBob = 0xB0B;
constexpr uint32_t kFeeBps = 25;

Currency Cur(std::string_view code) { return Currency::FromCode(code).value(); }

std::vector<uint8_t> RatesCommand(
    std::string_view base,
    std::vector<std::pair<std::string_view, std::string_view>> rates,
    int64_t as_of_ns = kFixing) {
  fx::RateUpdate u;
  u.base = Cur(base);
  u.as_of_ns = as_of_ns;
  u.source = "ECB";
  for (auto [c, r] : rates) {
    u.rates.emplace_back(Cur(c), fx::Decimal::ParseRate(r).value());
  }
  return NewApiCommand(CommandType::kSetFxRates, fx::EncodeRateUpdate(u));
}

// Any corridor: 50 bp spread (plus the default adjustments) and a fee.
std::vector<uint8_t> PricingCommand(uint32_t fee_bps = kFeeBps) {
  fx::PricingConfig p = fx::PricingConfig::Default();
  p.corridors = {{std::nullopt, std::nullopt, 50, fee_bps}};
  return NewApiCommand(CommandType::kSetFxPricing, fx::EncodePricing(p));
}

std::vector<uint8_t> InterestCommand() {
  fx::InterestUpdate u;
  u.as_of_ns = kFixing;
  u.rates = {{Cur("EUR"), fx::Decimal::ParseRate("0.0225").value()},
             {Cur("USD"), fx::Decimal::ParseRate("0.0433").value()}};
  return NewApiCommand(CommandType::kSetInterestRates,
                       fx::EncodeInterestUpdate(u));
}

fx::QuoteRequest QuoteRequest(u128 id, u128 principal, std::string_view sell,
                              std::string_view buy, int64_t amount_minor,
                              fx::Validity validity = fx::Validity::kMin15,
                              bool fixed_sell = true) {
  fx::QuoteRequest q;
  q.id = id;
  q.principal = principal;
  q.sell = Cur(sell);
  q.buy = Cur(buy);
  q.fixed_sell = fixed_sell;
  q.amount_minor = amount_minor;
  q.validity = validity;
  return q;
}

std::vector<uint8_t> QuoteCommand(const fx::QuoteRequest& q) {
  return NewApiCommand(CommandType::kCreateFxQuote, fx::EncodeQuoteRequest(q));
}

std::vector<uint8_t> ConversionCommand(u128 id, u128 principal, u128 quote,
                                       u128 from, u128 to) {
  fx::ConversionRequest c;
  c.id = id;
  c.principal = principal;
  c.quote_id = quote;
  c.from_account = from;
  c.to_account = to;
  return NewApiCommand(CommandType::kCreateFxConversion,
                       fx::EncodeConversionRequest(c));
}

std::vector<uint8_t> Keyed(u128 principal, std::string_view key,
                           std::string_view body,
                           const std::vector<uint8_t>& inner) {
  Envelope e;
  e.principal = principal;
  e.key_fingerprint = RequestKeyFingerprint(principal, "fx/quotes", key);
  e.body_hash = Sha256(body);
  e.request_key = std::string(key);
  return EncodeIdempotent(e, inner);
}

fx::Quote QuoteOf(const CommandReply& r) {
  Result<fx::Quote> q = fx::DecodeQuote(r.payload);
  EXPECT_TRUE(q.ok()) << q.error().ToString();
  return q.ok() ? *q : fx::Quote{};
}

fx::Conversion ConversionOf(const CommandReply& r) {
  Result<fx::Conversion> c = fx::DecodeConversion(r.payload);
  EXPECT_TRUE(c.ok()) << c.error().ToString();
  return c.ok() ? *c : fx::Conversion{};
}

void ExpectSameQuote(const fx::Quote& a, const fx::Quote& b) {
  EXPECT_TRUE(a.id == b.id);
  EXPECT_TRUE(a.principal == b.principal);
  EXPECT_EQ(a.sell, b.sell);
  EXPECT_EQ(a.buy, b.buy);
  EXPECT_EQ(a.fixed_sell, b.fixed_sell);
  EXPECT_EQ(a.validity, b.validity);
  EXPECT_TRUE(a.mid == b.mid);
  EXPECT_TRUE(a.rate == b.rate);
  EXPECT_EQ(a.spread_bps, b.spread_bps);
  EXPECT_EQ(a.fee_bps, b.fee_bps);
  EXPECT_EQ(a.sell_minor, b.sell_minor);
  EXPECT_EQ(a.buy_minor, b.buy_minor);
  EXPECT_EQ(a.fee_minor, b.fee_minor);
  EXPECT_EQ(a.created_ns, b.created_ns);
  EXPECT_EQ(a.expires_ns, b.expires_ns);
  EXPECT_EQ(a.state, b.state);
  EXPECT_TRUE(a.conversion_id == b.conversion_id);
  EXPECT_EQ(fx::EncodeQuote(a), fx::EncodeQuote(b));
}

struct Balances {
  u128 debits = 0;
  u128 credits = 0;
  bool operator==(const Balances&) const = default;
};

class FxEngineTest : public ::testing::Test {
 protected:
  SequencerOptions Options() {
    SequencerOptions o;
    o.data_dir = dir_.path();
    o.segment_size_bytes = 2 << 20;
    o.clock_ns = [this] { return clock_.load(); };
    o.state_machine.check_invariants_every_batch = true;
    return o;
  }

  std::unique_ptr<Sequencer> Open(SequencerOptions options) {
    Result<std::unique_ptr<Sequencer>> s = Sequencer::Open(std::move(options));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::unique_ptr<Sequencer> Open() { return Open(Options()); }

  // Submits and checks the command was journaled (it may still be refused).
  CommandReply Run(Sequencer& s, std::vector<uint8_t> command) {
    CommandReply r = s.SubmitAndWait(std::move(command));
    EXPECT_GT(r.batch_seq, 0u) << r.status.ToString();
    return r;
  }

  // The usual book: EUR base with USD, GBP and JPY, and a fee.
  void PostBook(Sequencer& s) {
    CommandReply r = Run(s, RatesCommand("EUR", {{"USD", "1.1252"},
                                                 {"GBP", "0.8477"},
                                                 {"JPY", "163.36"}}));
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    r = Run(s, PricingCommand());
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }

  // A customer account of `owner` in `code` that cannot go below zero,
  // funded with `funded` minor units from an outside account.
  void CustomerAccount(Sequencer& s, u128 id, std::string_view code, u128 owner,
                       int64_t funded) {
    Account a{};
    a.id = id;
    a.ledger = Cur(code).ledger();
    a.code = 1;
    a.user_data = owner;
    a.flags = ledger::kAccountDebitsMustNotExceedCredits;
    Account outside{};
    outside.id = id + 1'000'000;
    outside.ledger = a.ledger;
    outside.code = 9;
    Account both[] = {a, outside};
    CommandReply r = Run(s, EncodeCreateAccounts(both));
    ASSERT_TRUE(r.status.ok());
    ASSERT_TRUE(r.results.empty());
    if (funded > 0) Fund(s, id, funded);
  }

  void Fund(Sequencer& s, u128 id, int64_t amount) {
    Transfer t{};
    t.id = next_funding_++;
    t.debit_account_id = id + 1'000'000;
    t.credit_account_id = id;
    t.amount = static_cast<u128>(amount);
    const Account a = AccountOf(s, id);
    t.ledger = a.ledger;
    t.code = 1;
    CommandReply r = Run(s, EncodeCreateTransfers(std::span(&t, 1)));
    ASSERT_TRUE(r.status.ok());
    ASSERT_TRUE(r.results.empty());
  }

  Account AccountOf(Sequencer& s, u128 id) {
    Account out{};
    s.Read([&](const StateMachine& state) {
      if (const Account* a = state.ledger().FindAccount(id)) out = *a;
    });
    return out;
  }

  // Every account's posted balances, by id.
  std::map<u128, Balances> AllBalances(Sequencer& s) {
    std::map<u128, Balances> out;
    s.Read([&](const StateMachine& state) {
      for (size_t i = 0; i < state.ledger().account_count(); ++i) {
        const Account& a = state.ledger().account_at(i);
        out[a.id] = {a.debits_posted, a.credits_posted};
      }
    });
    return out;
  }

  size_t TransferCount(Sequencer& s) {
    size_t n = 0;
    s.Read([&](const StateMachine& state) {
      n = state.ledger().transfer_count();
    });
    return n;
  }

  std::optional<fx::Quote> FindQuote(Sequencer& s, u128 id) {
    std::optional<fx::Quote> out;
    s.Read([&](const StateMachine& state) {
      if (const fx::Quote* q = state.fx().FindQuote(id)) out = *q;
    });
    return out;
  }

  size_t LiveQuotes(Sequencer& s) {
    size_t n = 0;
    s.Read([&](const StateMachine& state) { n = state.fx().live_quotes(); });
    return n;
  }

  Sha256Digest HashOf(Sequencer& s) {
    Sha256Digest h{};
    s.Read([&](const StateMachine& state) { h = state.StateHash(); });
    return h;
  }

  meridian::testing::TempDir dir_;
  // An hour after the fixing: the rates are fresh.
  std::atomic<int64_t> clock_{kFixing + 3600 * kSec};
  u128 next_funding_ = 0xF00D0000;
};

// 1. Posting rates makes the hub's liquidity and fee accounts for the base
// and every posted currency; a later posting adds only what is missing.
TEST_F(FxEngineTest, RatesCreateTheHubAccounts) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(AllBalances(*s).empty());
  CommandReply r = Run(*s, RatesCommand("EUR", {{"USD", "1.1252"},
                                                {"GBP", "0.8477"},
                                                {"JPY", "163.36"}}));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::vector<Account> hub;
  size_t count = 0;
  s->Read([&](const StateMachine& state) {
    count = state.ledger().account_count();
    for (std::string_view code : {"EUR", "USD", "GBP", "JPY", "CHF"}) {
      for (HubAccount kind : {HubAccount::kLiquidity, HubAccount::kFees}) {
        const Account* a =
            state.ledger().FindAccount(HubAccountId(Cur(code), kind));
        hub.push_back(a != nullptr ? *a : Account{});
      }
    }
  });
  EXPECT_EQ(count, 8u);
  const std::string_view codes[] = {"EUR", "USD", "GBP", "JPY"};
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(codes[i]);
    const Account& liquidity = hub[2 * i];
    const Account& fees = hub[2 * i + 1];
    EXPECT_TRUE(liquidity.id ==
                HubAccountId(Cur(codes[i]), HubAccount::kLiquidity));
    EXPECT_TRUE(fees.id == HubAccountId(Cur(codes[i]), HubAccount::kFees));
    EXPECT_EQ(liquidity.ledger, Cur(codes[i]).ledger());
    EXPECT_EQ(fees.ledger, Cur(codes[i]).ledger());
    EXPECT_EQ(liquidity.code, fx::kAccountCodeFxLiquidity);
    EXPECT_EQ(fees.code, fx::kAccountCodeFxFees);
    // Stamped inside the rate command's own timestamps.
    EXPECT_GT(liquidity.timestamp, r.first_timestamp);
    EXPECT_LE(liquidity.timestamp, r.first_timestamp + 8);
  }
  EXPECT_TRUE(hub[8].id == 0) << "CHF was not posted yet";
  EXPECT_TRUE(hub[9].id == 0);
  EXPECT_NE(HubAccountId(Cur("USD"), HubAccount::kLiquidity),
            HubAccountId(Cur("USD"), HubAccount::kFees));

  // A posting with one new currency adds its two accounts only; reposting
  // the old ones adds nothing.
  r = Run(*s, RatesCommand("EUR", {{"USD", "1.1260"}, {"CHF", "0.9353"}},
                           kFixing + 60 * kSec));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  s->Read([&](const StateMachine& state) {
    count = state.ledger().account_count();
  });
  EXPECT_EQ(count, 10u);
  for (HubAccount kind : {HubAccount::kLiquidity, HubAccount::kFees}) {
    Account a = AccountOf(*s, HubAccountId(Cur("CHF"), kind));
    EXPECT_EQ(a.ledger, Cur("CHF").ledger());
  }
  // A refused posting (the base given a rate) makes nothing.
  r = Run(*s, RatesCommand("EUR", {{"EUR", "1"}, {"THB", "37.132"}},
                           kFixing + 120 * kSec));
  EXPECT_EQ(r.status.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(AccountOf(*s, HubAccountId(Cur("THB"), HubAccount::kLiquidity)).id,
            u128{0});
}

// 2. A quote's expiry is its creation time plus its validity; a conversion
// in a batch stamped at or after the expiry is refused with QUOTE_EXPIRED,
// one just before it goes through.
TEST_F(FxEngineTest, QuotesExpireByTheSequencerClock) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  PostBook(*s);
  CustomerAccount(*s, 100, "EUR", kAlice, 1'000'000);
  CustomerAccount(*s, 101, "USD", kAlice, 0);

  // Every validity: expires = created + its length; created is the
  // command's own (sequencer) timestamp.
  const std::pair<fx::Validity, int64_t> lengths[] = {
      {fx::Validity::kMin1, 60},
      {fx::Validity::kMin15, 900},
      {fx::Validity::kMin30, 1800},
      {fx::Validity::kHr1, 3600},
      {fx::Validity::kHr24, 86400}};
  u128 id = 1;
  for (auto [validity, seconds] : lengths) {
    SCOPED_TRACE(std::string(fx::ValidityName(validity)));
    clock_ += kSec;
    const int64_t batch_time = clock_.load();
    CommandReply r = Run(*s, QuoteCommand(QuoteRequest(id, kAlice, "EUR", "USD",
                                                       10'000, validity)));
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    fx::Quote q = QuoteOf(r);
    EXPECT_TRUE(r.object_id == id);
    EXPECT_EQ(q.created_ns, static_cast<int64_t>(r.first_timestamp));
    EXPECT_GE(q.created_ns, batch_time);
    EXPECT_LT(q.created_ns, batch_time + kSec);
    EXPECT_EQ(q.expires_ns, q.created_ns + seconds * kSec);
    // An open quote names no conversion (and its record carries no stray
    // bytes: the reply and the snapshot must be deterministic).
    EXPECT_EQ(q.state, fx::QuoteState::kOpen);
    EXPECT_TRUE(q.conversion_id == 0);
    std::optional<fx::Quote> held = FindQuote(*s, id);
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->expires_ns, q.expires_ns);
    ++id;
  }

  // Two one-minute quotes, a second apart.
  clock_ += kSec;
  fx::Quote a =
      QuoteOf(Run(*s, QuoteCommand(QuoteRequest(10, kAlice, "EUR", "USD",
                                                10'000, fx::Validity::kMin1))));
  clock_ += kSec;
  fx::Quote b =
      QuoteOf(Run(*s, QuoteCommand(QuoteRequest(11, kAlice, "EUR", "USD",
                                                10'000, fx::Validity::kMin1))));
  ASSERT_GT(b.expires_ns, a.expires_ns);

  // One nanosecond before A's expiry: accepted.
  clock_ = a.expires_ns - 1;
  CommandReply r = Run(*s, ConversionCommand(20, kAlice, 10, 100, 101));
  ASSERT_EQ(r.first_timestamp, static_cast<uint64_t>(a.expires_ns - 1));
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();

  // Exactly at B's expiry: refused, and nothing moves.
  const std::map<u128, Balances> before = AllBalances(*s);
  const size_t transfers = TransferCount(*s);
  clock_ = b.expires_ns;
  r = Run(*s, ConversionCommand(21, kAlice, 11, 100, 101));
  ASSERT_EQ(r.status.code(), ErrorCode::kQUOTE_EXPIRED) << r.status.ToString();
  EXPECT_EQ(r.status.error().param, "quoteId");
  EXPECT_TRUE(r.payload.empty());
  EXPECT_EQ(AllBalances(*s), before);
  EXPECT_EQ(TransferCount(*s), transfers);
  // Still remembered (so it answers QUOTE_EXPIRED, not NOT_FOUND) and open.
  std::optional<fx::Quote> held = FindQuote(*s, 11);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->state, fx::QuoteState::kOpen);
  clock_ = b.expires_ns + 23 * 3600 * kSec;
  r = Run(*s, ConversionCommand(22, kAlice, 11, 100, 101));
  EXPECT_EQ(r.status.code(), ErrorCode::kQUOTE_EXPIRED) << r.status.ToString();

  // Past the day's grace the quote is forgotten.
  clock_ = b.expires_ns + 24 * 3600 * kSec + kSec;
  r = Run(*s, ConversionCommand(23, kAlice, 11, 100, 101));
  EXPECT_EQ(r.status.code(), ErrorCode::kNOT_FOUND) << r.status.ToString();
  EXPECT_FALSE(FindQuote(*s, 11).has_value());
  EXPECT_EQ(AllBalances(*s), before);
}

// 3. A quote converts once; the second use is refused and moves nothing.
TEST_F(FxEngineTest, AUsedQuoteCannotBeUsedAgain) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  PostBook(*s);
  CustomerAccount(*s, 100, "EUR", kAlice, 1'000'000);
  CustomerAccount(*s, 101, "USD", kAlice, 0);
  CommandReply r =
      Run(*s, QuoteCommand(QuoteRequest(1, kAlice, "EUR", "USD", 20'000)));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  r = Run(*s, ConversionCommand(50, kAlice, 1, 100, 101));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::optional<fx::Quote> used = FindQuote(*s, 1);
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(used->state, fx::QuoteState::kUsed);
  EXPECT_TRUE(used->conversion_id == u128{50});

  const std::map<u128, Balances> before = AllBalances(*s);
  const size_t transfers = TransferCount(*s);
  for (u128 conversion : {u128{51}, u128{50}}) {  // a fresh id, then the same
    r = Run(*s, ConversionCommand(conversion, kAlice, 1, 100, 101));
    ASSERT_EQ(r.status.code(), ErrorCode::kQUOTE_ALREADY_USED)
        << r.status.ToString();
    EXPECT_EQ(r.status.error().param, "quoteId");
    EXPECT_TRUE(r.payload.empty());
    EXPECT_EQ(AllBalances(*s), before);
    EXPECT_EQ(TransferCount(*s), transfers);
  }
  std::optional<fx::Quote> after = FindQuote(*s, 1);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->conversion_id == u128{50});
  // Another principal cannot see it at all.
  CustomerAccount(*s, 200, "EUR", kBob, 1'000'000);
  CustomerAccount(*s, 201, "USD", kBob, 0);
  r = Run(*s, ConversionCommand(52, kBob, 1, 200, 201));
  EXPECT_EQ(r.status.code(), ErrorCode::kNOT_FOUND);
}

// 4. A conversion posts one chain that balances in both ledgers; the
// customer pays exactly sell + fee and receives exactly buy.
TEST_F(FxEngineTest, ConversionChainBalancesInBothLedgers) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  PostBook(*s);
  CustomerAccount(*s, 100, "EUR", kAlice, 5'000'000);
  CustomerAccount(*s, 101, "USD", kAlice, 0);
  CustomerAccount(*s, 102, "JPY", kAlice, 0);

  struct Case {
    u128 quote;
    u128 conversion;
    fx::QuoteRequest request;
    u128 from, to;
  };
  const Case cases[] = {
      // Sell 1,234.57 EUR for dollars.
      {1, 11, QuoteRequest(1, kAlice, "EUR", "USD", 123'457), 100, 101},
      // Buy exactly 50,000 yen with euros (no minor unit on the buy side).
      {2, 12,
       QuoteRequest(2, kAlice, "EUR", "JPY", 50'000, fx::Validity::kMin15,
                    /*fixed_sell=*/false),
       100, 102},
      // And some of the dollars back into yen (a cross).
      {3, 13, QuoteRequest(3, kAlice, "USD", "JPY", 40'000), 101, 102},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.quote));
    CommandReply qr = Run(*s, QuoteCommand(c.request));
    ASSERT_TRUE(qr.status.ok()) << qr.status.ToString();
    const fx::Quote q = QuoteOf(qr);
    EXPECT_EQ(q.fee_bps, kFeeBps);
    EXPECT_GT(q.fee_minor, 0);
    EXPECT_EQ(q.fee_minor, (q.sell_minor * kFeeBps + 9'999) / 10'000);
    if (c.request.fixed_sell) {
      EXPECT_EQ(q.sell_minor, c.request.amount_minor);
    } else {
      EXPECT_EQ(q.buy_minor, c.request.amount_minor);
    }

    const std::map<u128, Balances> before = AllBalances(*s);
    const size_t transfers = TransferCount(*s);
    CommandReply cr =
        Run(*s, ConversionCommand(c.conversion, kAlice, c.quote, c.from, c.to));
    ASSERT_TRUE(cr.status.ok()) << cr.status.ToString();
    EXPECT_TRUE(cr.object_id == c.conversion);
    const fx::Conversion conv = ConversionOf(cr);
    EXPECT_TRUE(conv.id == c.conversion);
    EXPECT_TRUE(conv.quote_id == c.quote);
    EXPECT_EQ(conv.sell_minor, q.sell_minor);
    EXPECT_EQ(conv.buy_minor, q.buy_minor);
    EXPECT_EQ(conv.fee_minor, q.fee_minor);
    EXPECT_TRUE(conv.rate == q.rate);
    EXPECT_EQ(conv.created_ns, static_cast<int64_t>(cr.first_timestamp));
    const std::map<u128, Balances> after = AllBalances(*s);
    EXPECT_EQ(TransferCount(*s), transfers + 3);

    // Each ledger balances (over every account in it).
    std::map<uint32_t, std::pair<u128, u128>> per_ledger;
    s->Read([&](const StateMachine& state) {
      for (size_t i = 0; i < state.ledger().account_count(); ++i) {
        const Account& a = state.ledger().account_at(i);
        per_ledger[a.ledger].first += a.debits_posted;
        per_ledger[a.ledger].second += a.credits_posted;
      }
    });
    for (Currency cur : {q.sell, q.buy}) {
      ASSERT_TRUE(per_ledger.contains(cur.ledger()));
      EXPECT_TRUE(per_ledger[cur.ledger()].first ==
                  per_ledger[cur.ledger()].second)
          << cur.code();
    }

    // The customer's side.
    auto delta = [&](u128 id) {
      Balances b = after.at(id), a = before.at(id);
      return std::pair<u128, u128>{b.debits - a.debits, b.credits - a.credits};
    };
    const u128 sell = static_cast<u128>(q.sell_minor);
    const u128 buy = static_cast<u128>(q.buy_minor);
    const u128 fee = static_cast<u128>(q.fee_minor);
    EXPECT_TRUE(delta(c.from) == std::pair(sell + fee, u128{0}));
    EXPECT_TRUE(delta(c.to) == std::pair(u128{0}, buy));
    // The hub's side.
    EXPECT_TRUE(delta(HubAccountId(q.sell, HubAccount::kLiquidity)) ==
                std::pair(u128{0}, sell));
    EXPECT_TRUE(delta(HubAccountId(q.sell, HubAccount::kFees)) ==
                std::pair(u128{0}, fee));
    EXPECT_TRUE(delta(HubAccountId(q.buy, HubAccount::kLiquidity)) ==
                std::pair(buy, u128{0}));
    // Nothing else moved.
    size_t moved = 0;
    for (const auto& [id, b] : after) moved += !(before.at(id) == b);
    EXPECT_EQ(moved, 5u);

    // The journaled transfers are the chain the record names.
    std::vector<Transfer> legs;
    s->Read([&](const StateMachine& state) {
      for (u128 t : conv.transfer_ids) {
        const Transfer* found = state.ledger().FindTransfer(t);
        legs.push_back(found != nullptr ? *found : Transfer{});
      }
    });
    ASSERT_EQ(legs.size(), 3u);
    EXPECT_TRUE(legs[0].amount == sell);
    EXPECT_EQ(legs[0].code, fx::kTransferCodeFxSell);
    EXPECT_TRUE(legs[0].debit_account_id == c.from);
    EXPECT_TRUE(legs[1].amount == fee);
    EXPECT_EQ(legs[1].code, fx::kTransferCodeFxFee);
    EXPECT_TRUE(legs[2].amount == buy);
    EXPECT_EQ(legs[2].code, fx::kTransferCodeFxBuy);
    EXPECT_TRUE(legs[2].credit_account_id == c.to);
    EXPECT_EQ(legs[0].ledger, q.sell.ledger());
    EXPECT_EQ(legs[2].ledger, q.buy.ledger());
  }
}

// 5. Without the funds the conversion is refused with INSUFFICIENT_BALANCE,
// nothing moves, and the quote can still be used once the money is there.
TEST_F(FxEngineTest, InsufficientFundsMoveNothingAndKeepTheQuote) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  PostBook(*s);
  CustomerAccount(*s, 100, "EUR", kAlice, 0);
  CustomerAccount(*s, 101, "USD", kAlice, 0);
  fx::Quote q =
      QuoteOf(Run(*s, QuoteCommand(QuoteRequest(1, kAlice, "EUR", "USD",
                                                100'000, fx::Validity::kHr1))));
  ASSERT_GT(q.fee_minor, 0);
  // Enough for the sell leg, one cent short of the fee: the chain's second
  // leg fails and the first is rolled back.
  Fund(*s, 100, q.sell_minor + q.fee_minor - 1);

  const std::map<u128, Balances> before = AllBalances(*s);
  const size_t transfers = TransferCount(*s);
  CommandReply r = Run(*s, ConversionCommand(10, kAlice, 1, 100, 101));
  ASSERT_EQ(r.status.code(), ErrorCode::kINSUFFICIENT_BALANCE)
      << r.status.ToString();
  EXPECT_EQ(r.status.error().param, "fromAccountId");
  EXPECT_TRUE(r.payload.empty());
  EXPECT_EQ(AllBalances(*s), before);
  EXPECT_EQ(TransferCount(*s), transfers);
  std::optional<fx::Quote> held = FindQuote(*s, 1);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->state, fx::QuoteState::kOpen);
  EXPECT_TRUE(held->conversion_id == 0);

  // Far short (not even the sell leg): the same answer.
  CustomerAccount(*s, 102, "EUR", kAlice, 1);
  r = Run(*s, ConversionCommand(11, kAlice, 1, 102, 101));
  EXPECT_EQ(r.status.code(), ErrorCode::kINSUFFICIENT_BALANCE);
  EXPECT_EQ(TransferCount(*s), transfers + 1);  // only 102's funding

  // One more cent and the same quote goes through.
  Fund(*s, 100, 1);
  r = Run(*s, ConversionCommand(12, kAlice, 1, 100, 101));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  const Account from = AccountOf(*s, 100);
  const Account to = AccountOf(*s, 101);
  EXPECT_TRUE(from.debits_posted == from.credits_posted);  // emptied exactly
  EXPECT_TRUE(to.credits_posted == static_cast<u128>(q.buy_minor));
  held = FindQuote(*s, 1);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->state, fx::QuoteState::kUsed);
  EXPECT_TRUE(held->conversion_id == u128{12});
}

// 6. The journal replays to the same state: the same hash, the same
// quotes with the same fields, whether from the journal alone or from a
// snapshot, and `meridian verify` agrees.
TEST_F(FxEngineTest, ReplayReproducesTheBookAndEveryQuote) {
  SequencerOptions options = Options();
  options.snapshot_every_batches = 0;
  options.snapshot_at_shutdown = false;  // the first reopen replays it all
  const std::vector<u128> quote_ids = {1, 2, 3, 4, 5, 6};
  std::map<u128, fx::Quote> quotes;
  Sha256Digest hash{};
  uint64_t batches = 0;
  {
    auto s = Open(options);
    ASSERT_NE(s, nullptr);
    PostBook(*s);
    ASSERT_TRUE(Run(*s, InterestCommand()).status.ok());
    CustomerAccount(*s, 100, "EUR", kAlice, 10'000'000);
    CustomerAccount(*s, 101, "USD", kAlice, 0);
    CustomerAccount(*s, 102, "GBP", kAlice, 0);
    CustomerAccount(*s, 103, "JPY", kAlice, 0);
    CustomerAccount(*s, 200, "USD", kBob, 50);
    CustomerAccount(*s, 201, "EUR", kBob, 0);
    // Quotes at different times, with different validities and sides.
    auto quote = [&](fx::QuoteRequest q) {
      clock_ += 7 * kSec + 123;
      CommandReply r = Run(*s, QuoteCommand(q));
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    };
    quote(QuoteRequest(1, kAlice, "EUR", "USD", 250'000));
    quote(QuoteRequest(2, kAlice, "EUR", "GBP", 99'999, fx::Validity::kHr24));
    quote(QuoteRequest(3, kAlice, "EUR", "JPY", 1'000'000, fx::Validity::kMin30,
                       false));
    quote(QuoteRequest(4, kBob, "USD", "EUR", 10'000, fx::Validity::kHr1));
    quote(QuoteRequest(5, kAlice, "GBP", "USD", 5'000, fx::Validity::kMin1));
    // New rates between quotes (the mid of later quotes moves).
    clock_ += kSec;
    ASSERT_TRUE(
        Run(*s, RatesCommand("EUR", {{"USD", "1.1301"}, {"GBP", "0.8490"}},
                             kFixing + 1800 * kSec))
            .status.ok());
    quote(QuoteRequest(6, kAlice, "EUR", "USD", 250'000));
    // Conversions: two succeed, one is short of money, one reuses a quote,
    // one comes too late.
    clock_ += kSec;
    EXPECT_TRUE(
        Run(*s, ConversionCommand(11, kAlice, 1, 100, 101)).status.ok());
    EXPECT_TRUE(
        Run(*s, ConversionCommand(12, kAlice, 2, 100, 102)).status.ok());
    EXPECT_EQ(Run(*s, ConversionCommand(13, kBob, 4, 200, 201)).status.code(),
              ErrorCode::kINSUFFICIENT_BALANCE);
    EXPECT_EQ(Run(*s, ConversionCommand(14, kAlice, 1, 100, 101)).status.code(),
              ErrorCode::kQUOTE_ALREADY_USED);
    clock_ += 120 * kSec;  // quote 5 (one minute) is past its expiry
    EXPECT_EQ(Run(*s, ConversionCommand(15, kAlice, 5, 102, 101)).status.code(),
              ErrorCode::kQUOTE_EXPIRED);
    EXPECT_TRUE(
        Run(*s, ConversionCommand(16, kAlice, 3, 100, 103)).status.ok());
    for (u128 id : quote_ids) {
      std::optional<fx::Quote> q = FindQuote(*s, id);
      ASSERT_TRUE(q.has_value()) << static_cast<int>(id);
      quotes[id] = *q;
    }
    EXPECT_EQ(quotes[1].state, fx::QuoteState::kUsed);
    EXPECT_EQ(quotes[3].state, fx::QuoteState::kUsed);
    EXPECT_EQ(quotes[4].state, fx::QuoteState::kOpen);
    hash = HashOf(*s);
    batches = s->stats().batches;
    ASSERT_GT(batches, 20u);
  }
  auto check = [&](Sequencer& s) {
    EXPECT_EQ(HashOf(s), hash);
    EXPECT_EQ(LiveQuotes(s), quote_ids.size());
    for (u128 id : quote_ids) {
      SCOPED_TRACE(static_cast<int>(id));
      std::optional<fx::Quote> q = FindQuote(s, id);
      ASSERT_TRUE(q.has_value());
      ExpectSameQuote(*q, quotes.at(id));
    }
  };
  {
    // From the journal alone (no snapshot was written); this run writes
    // one at shutdown.
    options.snapshot_at_shutdown = true;
    auto s = Open(options);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->recovery().snapshot_seq, 0u);
    EXPECT_EQ(s->recovery().batches_replayed, batches);
    check(*s);
  }
  {
    // From that snapshot.
    auto s = Open(options);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->recovery().snapshot_seq, batches);
    EXPECT_EQ(s->recovery().batches_replayed, 0u);
    check(*s);
  }
  Result<VerifyReport> report = VerifyDataDir(dir_.path());
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->batches, batches);
  EXPECT_EQ(report->state_hash, hash);
  EXPECT_EQ(report->snapshot_seq, batches);
}

// 7. An idempotent repeat of a quote answers the first quote's bytes and
// makes no second quote, also after a restart.
TEST_F(FxEngineTest, IdempotentQuoteRepeatAnswersTheSameBytes) {
  auto s = Open();
  ASSERT_NE(s, nullptr);
  PostBook(*s);
  CommandReply first = Run(
      *s, Keyed(kAlice, "req-1", "{sell EUR 100}",
                QuoteCommand(QuoteRequest(1, kAlice, "EUR", "USD", 10'000))));
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_FALSE(first.replayed);
  ASSERT_FALSE(first.payload.empty());
  EXPECT_TRUE(first.object_id == u128{1});
  EXPECT_EQ(LiveQuotes(*s), 1u);
  const fx::Quote q = QuoteOf(first);
  EXPECT_TRUE(q.id == u128{1});

  // The gateway retries later with a fresh quote id: the first answer.
  clock_ += 30 * kSec;
  auto repeat = [&](Sequencer& seq) {
    CommandReply again =
        Run(seq,
            Keyed(kAlice, "req-1", "{sell EUR 100}",
                  QuoteCommand(QuoteRequest(2, kAlice, "EUR", "USD", 10'000))));
    EXPECT_TRUE(again.status.ok()) << again.status.ToString();
    EXPECT_TRUE(again.replayed);
    EXPECT_EQ(again.payload, first.payload);
    EXPECT_TRUE(again.object_id == u128{1});
    EXPECT_EQ(again.batch_seq, first.batch_seq);
    EXPECT_EQ(again.first_timestamp, first.first_timestamp);
    EXPECT_EQ(LiveQuotes(seq), 1u);
    EXPECT_FALSE(FindQuote(seq, 2).has_value());
  };
  repeat(*s);
  // The same request id with another body is refused.
  CommandReply changed = Run(
      *s, Keyed(kAlice, "req-1", "{sell EUR 200}",
                QuoteCommand(QuoteRequest(3, kAlice, "EUR", "USD", 20'000))));
  EXPECT_EQ(changed.status.code(), ErrorCode::kREPEAT_REQ_INCONSISTENT);
  EXPECT_FALSE(FindQuote(*s, 3).has_value());
  // A body naming another principal than the envelope's is refused.
  CommandReply other =
      Run(*s, Keyed(kAlice, "req-2", "{sell EUR 100}",
                    QuoteCommand(QuoteRequest(4, kBob, "EUR", "USD", 10'000))));
  EXPECT_EQ(other.status.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_FALSE(FindQuote(*s, 4).has_value());
  EXPECT_EQ(LiveQuotes(*s), 1u);

  // After a restart (snapshot) the repeat still answers the same bytes.
  const Sha256Digest hash = HashOf(*s);
  s.reset();
  s = Open();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(HashOf(*s), hash);
  repeat(*s);
}

}  // namespace
}  // namespace meridian::engine
