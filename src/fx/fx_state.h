// FxState: the engine's FX book — mid rates, pricing, interest rates, live
// quotes and the hub's position and P&L per currency.
//
// It is part of the deterministic state machine (engine/state_machine.h):
// it changes only through journaled commands (fx_commands.h), reads time
// only from the sequencer's stamp passed in as `now_ns`, iterates only
// ordered containers and is serialised into snapshots. A replay of the
// journal therefore reproduces every quote, its rate and its expiry.
//
//   FxState fx;
//   fx.SetRates({.base = eur, .as_of_ns = t, .source = "ECB",
//                .rates = {{usd, *Decimal::ParseRate("1.1252")}}}, now);
//   MERIDIAN_ASSIGN_OR_RETURN(Quote q, fx.CreateQuote(request, now));
//   // later, once:
//   MERIDIAN_ASSIGN_OR_RETURN(ConversionPlan plan,
//                             fx.PlanConversion(conversion, now, ledger));
//   ... apply plan.accounts and plan.transfers to the ledger, then
//   fx.CommitConversion(plan, now);
//
// Rates. Every currency's mid is held exactly as posted: units per one unit
// of the book's base. The mid of any pair is one half-even rounding of the
// exact quotient of two posted numbers, so it does not depend on which
// currency a reader asks to see the book against (GET /v1/fx/rates?base=).
// A posting against another base is carried onto the book's base through
// the book's rate of that base (one half-even rounding per rate).
//
// Quotes. Pricing is mid made worse for the customer by a spread (basis
// points) = corridor + principal tier + amount band + validity, clamped to
// 0..5,000; a fee in basis points of the sell amount (rounded up) is paid on
// top. Amounts round once: a fixed sell amount gives a buy amount rounded
// down; a fixed buy amount costs a sell amount rounded up. A quote lives
// until its expiry (sequencer time) and is kept 24 hours longer so that a
// late use answers QUOTE_EXPIRED rather than NOT_FOUND; it can be consumed
// exactly once.
//
// Conversions post one linked chain (spec/ledger.md "Conversions"):
//   1. customer sell account -> hub FX liquidity (sell currency): sell amount
//   2. customer sell account -> hub FX fees (sell currency): fee, if any
//   3. hub FX liquidity (buy currency) -> customer buy account: buy amount
// The hub's accounts are made the first time a currency needs them.
//
// The book: the position per currency is the liquidity account's balance
// (credits - debits). P&L in the reporting currency by average cost. A
// conversion is booked at its traded price: the currency the hub received
// is valued at the mid of the moment, and that value is also the cost of
// the currency it gave, so the spread shows at once as unrealised P&L. A
// leg that grows a position adds to its cost; a leg that shrinks it
// realises the difference between its traded value and the average cost. Money
// that reaches a liquidity account by any other transfer (the operator funding
// it) is booked at mid when next seen, so it adds cost but no P&L.
#ifndef MERIDIAN_FX_FX_STATE_H_
#define MERIDIAN_FX_FX_STATE_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/currency.h"
#include "core/int128.h"
#include "core/status.h"
#include "fx/decimal.h"
#include "ledger/ledger.h"

namespace meridian::fx {

// Account codes of the hub's FX accounts and transfer codes of the legs.
inline constexpr uint16_t kAccountCodeFxLiquidity = 3;
inline constexpr uint16_t kAccountCodeFxFees = 5;
inline constexpr uint16_t kTransferCodeFxSell = 31;
inline constexpr uint16_t kTransferCodeFxFee = 32;
inline constexpr uint16_t kTransferCodeFxBuy = 33;

enum class HubAccount : uint8_t { kLiquidity = 1, kFees = 2 };
// Fixed ids ("MRFX" in the top bytes, then the kind and the ISO numeric
// code), so every node and every replay names the same accounts.
inline constexpr uint32_t kHubAccountTag = 0x4D524658u;  // "MRFX"
u128 HubAccountId(Currency currency, HubAccount kind);
// True for every id of that scheme, of any kind and currency.
inline bool IsHubAccountId(u128 id) {
  return static_cast<uint32_t>(id >> 96) == kHubAccountTag;
}

enum class Validity : uint8_t {
  kMin1 = 0,
  kMin15 = 1,
  kMin30 = 2,
  kHr1 = 3,
  kHr24 = 4,
};
inline constexpr size_t kValidityCount = 5;
std::string_view ValidityName(Validity v);  // "MIN_1", …
std::optional<Validity> ValidityFromName(std::string_view name);
int64_t ValidityNs(Validity v);

enum class Tier : uint8_t {
  kStandard = 0,
  kSilver = 1,
  kGold = 2,
  kPlatinum = 3,
};
inline constexpr size_t kTierCount = 4;
std::string_view TierName(Tier t);  // "STANDARD", …
std::optional<Tier> TierFromName(std::string_view name);

// ---------------------------------------------------------------- inputs

inline constexpr size_t kMaxRatesPerUpdate = 200;
inline constexpr size_t kMaxSourceBytes = 32;

struct RateUpdate {
  Currency base;
  int64_t as_of_ns = 0;  // when the source fixed the rates (Unix ns)
  std::string source;    // "ECB", "operator", …
  std::vector<std::pair<Currency, Decimal>> rates;  // units per one base
};

inline constexpr size_t kMaxCorridors = 256;
inline constexpr size_t kMaxBands = 16;
inline constexpr size_t kMaxPrincipalTiers = 100'000;
inline constexpr uint32_t kMaxSpreadBps = 5'000;

struct CorridorRule {
  std::optional<Currency> sell;  // nullopt: any
  std::optional<Currency> buy;
  uint32_t spread_bps = 0;
  uint32_t fee_bps = 0;
};

struct AmountBand {
  int64_t from_minor = 0;  // in the reporting currency's minor units
  int32_t adjust_bps = 0;
};

struct PricingConfig {
  int64_t stale_after_ns = 96LL * 3600 * 1'000'000'000;
  Currency reporting;  // of sizes and P&L; USD unless set
  std::vector<CorridorRule> corridors;
  std::array<int32_t, kTierCount> tier_adjust_bps{};
  std::vector<AmountBand> bands;  // ascending from_minor
  std::array<int32_t, kValidityCount> validity_adjust_bps{};
  std::vector<std::pair<u128, Tier>> principal_tiers;  // ascending principal

  // 50 bp any corridor, larger quotes cheaper, longer quotes dearer.
  static PricingConfig Default();
  // INVALID_PARAMETER naming the field for out-of-range or unsorted parts.
  Status Validate() const;
};

struct InterestUpdate {
  int64_t as_of_ns = 0;
  std::vector<std::pair<Currency, Decimal>> rates;  // annual, as fractions
};

struct QuoteRequest {
  u128 id = 0;
  u128 principal = 0;
  Currency sell;
  Currency buy;
  bool fixed_sell = true;    // the amount is what is sold (else bought)
  int64_t amount_minor = 0;  // of sell if fixed_sell, of buy otherwise
  Validity validity = Validity::kMin1;
};

struct ConversionRequest {
  u128 id = 0;
  u128 principal = 0;
  u128 quote_id = 0;
  u128 from_account = 0;     // the customer's account in the sell currency
  u128 to_account = 0;       // the customer's account in the buy currency
  bool as_operator = false;  // the operator may use any accounts
};

// ---------------------------------------------------------------- records

struct RateEntry {
  Decimal rate;  // units per one unit of the book's base
  int64_t as_of_ns = 0;
  int64_t received_ns = 0;  // sequencer time of the update
  std::string source;
};

struct InterestEntry {
  Decimal rate;
  int64_t as_of_ns = 0;
};

enum class QuoteState : uint8_t { kOpen = 0, kUsed = 1 };

struct Quote {
  u128 id = 0;
  u128 principal = 0;
  Currency sell;
  Currency buy;
  bool fixed_sell = true;
  Validity validity = Validity::kMin1;
  Decimal mid;   // units of buy per unit of sell
  Decimal rate;  // the customer's: mid less the spread
  uint32_t spread_bps = 0;
  uint32_t fee_bps = 0;
  int64_t sell_minor = 0;
  int64_t buy_minor = 0;
  int64_t fee_minor = 0;  // in the sell currency, on top of sell_minor
  int64_t created_ns = 0;
  int64_t expires_ns = 0;
  QuoteState state = QuoteState::kOpen;
  u128 conversion_id = 0;  // when used (0 while open)
};

struct Conversion {
  u128 id = 0;
  u128 principal = 0;
  u128 quote_id = 0;
  u128 from_account = 0;
  u128 to_account = 0;
  Currency sell;
  Currency buy;
  Decimal mid;
  Decimal rate;
  int64_t sell_minor = 0;
  int64_t buy_minor = 0;
  int64_t fee_minor = 0;
  int64_t created_ns = 0;
  std::array<u128, 3> transfer_ids{};  // sell, fee (0 if none), buy
};

// What a conversion posts, decided before the ledger is touched.
struct ConversionPlan {
  Conversion conversion;
  std::vector<ledger::Account> accounts;    // hub accounts to create first
  std::vector<ledger::Transfer> transfers;  // one linked chain
};

// One row of GET /v1/fx/positions. Values in the reporting currency are
// in units of 10^-12 of one major unit ("pico"), rounded to minor units
// only when shown.
struct Position {
  Currency currency;
  i128 position_minor = 0;     // the liquidity account: credits - debits
  i128 fees_minor = 0;         // the fee account's balance
  std::optional<Decimal> mid;  // reporting per unit; nullopt without a rate
  i128 value_pico = 0;
  i128 cost_pico = 0;
  i128 realised_pico = 0;
  i128 unrealised_pico = 0;
};

struct Forward {
  Decimal spot;            // quote per base, mid
  Decimal forward;         // by interest-rate parity
  i128 points_scaled = 0;  // (forward - spot) x 10^4, at 10^-12
  Decimal base_interest;
  Decimal quote_interest;
  int base_basis = 360;
  int quote_basis = 360;
};

struct FxLimits {
  uint64_t max_live_quotes = 2'000'000;
  // How long past expiry a quote is remembered (QUOTE_EXPIRED, not
  // NOT_FOUND).
  int64_t expired_quote_grace_ns = 24LL * 3600 * 1'000'000'000;
};

// The hub accounts (liquidity and fees) that `currencies` still lack, to
// create before anything posts to them.
std::vector<ledger::Account> MissingHubAccounts(
    std::span<const Currency> currencies, const ledger::Ledger& ledger);

class FxState {
 public:
  explicit FxState(FxLimits limits = {});

  // ------------------------------------------------------------ commands
  Status SetRates(const RateUpdate& update, int64_t now_ns);
  Status SetPricing(PricingConfig config);
  Status SetInterestRates(const InterestUpdate& update);
  // Prices and remembers a quote.
  Result<Quote> CreateQuote(const QuoteRequest& request, int64_t now_ns);
  // The chain to post, or why not (nothing changes either way).
  Result<ConversionPlan> PlanConversion(const ConversionRequest& request,
                                        int64_t now_ns,
                                        const ledger::Ledger& ledger) const;
  // Books money that reached the plan's liquidity accounts by other
  // transfers; call before posting the plan.
  void SyncBook(const ConversionPlan& plan, const ledger::Ledger& ledger,
                int64_t now_ns);
  // After the ledger posted the plan: the quote is used, the book updated.
  void CommitConversion(const ConversionPlan& plan, int64_t now_ns);
  // The same two steps for a trade another product posts (a network
  // payment, its refund or cancel): sync the currencies' liquidity
  // accounts before posting, book the trade after. The hub received
  // `received_minor` of `received` and gave `given_minor` of `given`.
  void SyncCurrencies(std::span<const Currency> currencies,
                      const ledger::Ledger& ledger, int64_t now_ns);
  void BookTrade(Currency received, int64_t received_minor, Currency given,
                 int64_t given_minor, int64_t now_ns);
  // Forgets quotes past expiry plus the grace; called before each batch.
  void ExpireQuotes(int64_t now_ns);

  // ------------------------------------------------------------ library
  // Prices a quote without remembering it.
  Result<Quote> Price(const QuoteRequest& request, int64_t now_ns) const;
  // Marks a live quote of `principal` used by `user` (a payment, a
  // conversion) exactly once: NOT_FOUND, QUOTE_EXPIRED or
  // QUOTE_ALREADY_USED otherwise.
  Result<Quote> ConsumeQuote(u128 quote_id, u128 principal, u128 user,
                             int64_t now_ns);
  // Units of `to` per unit of `from` at mid. RATE_UNAVAILABLE without a
  // rate, RATE_STALE when one is older than the pricing's limit (unless
  // `allow_stale`).
  Result<Decimal> Mid(Currency from, Currency to, int64_t now_ns,
                      bool allow_stale = false) const;
  // Interest-rate parity from the table (INVALID_PARAMETER naming the
  // currency without an interest rate).
  Result<Forward> ForwardRate(Currency base, Currency quote, uint32_t days,
                              int64_t now_ns) const;
  std::vector<Position> Positions(const ledger::Ledger& ledger,
                                  int64_t now_ns) const;

  // ------------------------------------------------------------ reads
  std::optional<Currency> base() const { return base_; }
  const std::map<uint16_t, RateEntry>& rates() const { return rates_; }
  const std::map<uint16_t, InterestEntry>& interest() const {
    return interest_;
  }
  const PricingConfig& pricing() const { return pricing_; }
  const Quote* FindQuote(u128 id) const;
  size_t live_quotes() const { return quotes_.size(); }
  Tier TierOf(u128 principal) const;

  void Serialize(ByteWriter* w) const;
  static Result<FxState> Deserialize(ByteReader* r, FxLimits limits);

 private:
  // The posted rate of `c` against the base (1 for the base itself).
  Result<const RateEntry*> Entry(Currency c, int64_t now_ns,
                                 bool allow_stale) const;
  // Value of `minor` units of `c` in reporting pico-units at mid now;
  // nullopt without a rate.
  std::optional<i128> ValuePico(Currency c, i128 minor, int64_t now_ns) const;
  struct BookEntry {
    i128 position_minor = 0;  // as the book last saw the liquidity account
    i128 cost_pico = 0;
    i128 realised_pico = 0;
  };
  // Books a conversion leg: a signed change of a position worth
  // `value_pico` at mid.
  void BookLeg(uint16_t currency, i128 delta_minor, i128 value_pico);
  // The book entry of `c` once money that reached its liquidity account by
  // other transfers (its balance is now `actual_minor`) is booked.
  BookEntry Synced(Currency c, i128 actual_minor, int64_t now_ns) const;

  FxLimits limits_;
  std::optional<Currency> base_;
  std::map<uint16_t, RateEntry> rates_;  // by ISO numeric code
  std::map<uint16_t, InterestEntry> interest_;
  PricingConfig pricing_;
  std::map<u128, Quote> quotes_;
  std::set<std::pair<int64_t, u128>> quote_expiry_;  // (forget at, id)
  std::map<uint16_t, BookEntry> book_;
};

}  // namespace meridian::fx

#endif  // MERIDIAN_FX_FX_STATE_H_
