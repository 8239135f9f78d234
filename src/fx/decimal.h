// Fixed-point decimals for FX: rates, cross rates, spreads, conversions and
// forward prices, with no floating point anywhere.
//
// A Decimal is a signed 128-bit count of 10^-12 (twelve decimal places; the
// design asks for at least ten). A rate is a positive Decimal: units of the
// quote currency per one unit of the base currency ("USD per EUR 1.1252").
// Every function that loses digits names its rounding; conversions of
// amounts round once, at the final leg, to the currency's minor unit:
// what the customer receives rounds down, what the customer pays rounds up
// (spec/fx.md), so nobody gets a fraction more than the rate gives.
//
//   MERIDIAN_ASSIGN_OR_RETURN(Decimal usd, Decimal::ParseRate("1.1252"));
//   MERIDIAN_ASSIGN_OR_RETURN(Decimal jpy, Decimal::ParseRate("163.36"));
//   MERIDIAN_ASSIGN_OR_RETURN(Decimal usd_jpy,
//                             CrossRate(usd, jpy, Rounding::kHalfEven));
//   MERIDIAN_ASSIGN_OR_RETURN(Amount yen, ConvertSell(dollars, jpy_currency,
//                                                      usd_jpy));
//
// Limits (so that every intermediate fits 128 bits, checked): rates are at
// most kMaxRate (10^8 units per unit: the largest real ones, IDR or VND per
// EUR, are near 10^4.5); amounts are core::Amount's 18 digits; interest
// rates within ±10 (±1000 % a year); forwards at most 3,650 days.
#ifndef MERIDIAN_FX_DECIMAL_H_
#define MERIDIAN_FX_DECIMAL_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/amount.h"
#include "core/currency.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::fx {

enum class Rounding : uint8_t {
  kDown,      // towards negative infinity
  kUp,        // towards positive infinity
  kHalfEven,  // to nearest, ties to even (banker's): for mids and crosses
};

class Decimal {
 public:
  static constexpr int kDigits = 12;
  static constexpr i128 kScale = 1'000'000'000'000;
  static constexpr i128 kMaxRate = kScale * 100'000'000;  // 10^8
  static constexpr i128 kMaxInterest = kScale * 10;       // 1000 %

  constexpr Decimal() = default;
  static constexpr Decimal FromUnits(i128 units) {
    return Decimal(units * kScale);
  }
  static constexpr Decimal FromScaled(i128 scaled) { return Decimal(scaled); }

  // "1.1252", "0.000123", "163.36": digits, at most one '.', at most 12
  // decimals, no sign, no exponent, greater than zero and at most
  // kMaxRate. INVALID_PARAMETER naming `param` otherwise.
  static Result<Decimal> ParseRate(std::string_view text,
                                   std::string_view param = "rate");
  // An annual interest rate as a fraction ("0.04" is 4 %); may be negative
  // ("-0.005"); |value| <= kMaxInterest.
  static Result<Decimal> ParseInterest(std::string_view text,
                                       std::string_view param = "rate");

  i128 scaled() const { return scaled_; }
  bool is_positive() const { return scaled_ > 0; }
  // The shortest text Parse* reads back to this value ("1.1252", "145",
  // "-0.005").
  std::string ToString() const;

  friend auto operator<=>(const Decimal&, const Decimal&) = default;

 private:
  explicit constexpr Decimal(i128 scaled) : scaled_(scaled) {}
  i128 scaled_ = 0;
};

// floor, ceil or half-even of numerator / denominator (denominator > 0).
i128 DivideRounded(i128 numerator, i128 denominator, Rounding rounding);

// a x b / d (d > 0) with a 256-bit intermediate, rounded as asked; nullopt
// when the result does not fit 127 bits. For values (P&L, rebased rates)
// whose product may pass 128 bits even though the quotient does not.
std::optional<i128> MulDiv(i128 a, i128 b, i128 d, Rounding rounding);

// Units of `quote` per unit of `base`, from both against a common currency:
// (quote per common) / (base per common). E.g. USD per EUR 1.1252 and JPY
// per EUR 163.36 give JPY per USD 145.183078563811.
Result<Decimal> CrossRate(Decimal base_per_common, Decimal quote_per_common,
                          Rounding rounding);

// The customer's side of a mid: `mid` made worse for the customer by
// `spread_bps` (1 bp = 0.01 %), rounded down so the spread is never less
// than asked. 0 <= spread_bps <= 10,000.
Result<Decimal> ApplySpread(Decimal mid, uint32_t spread_bps);

// The customer sells `sell` and receives the buy currency at `rate` (units
// of the buy currency per unit of the sell currency). Rounded down to the
// buy currency's minor unit. AMOUNT_OVERFLOW past 18 digits.
Result<Amount> ConvertSell(Amount sell, Currency buy_currency, Decimal rate);
// The customer wants `buy` and pays in the sell currency at `rate` (units
// of the buy currency per unit of the sell currency). Rounded up to the
// sell currency's minor unit.
Result<Amount> ConvertBuy(Amount buy, Currency sell_currency, Decimal rate);

// The money-market day-count basis: 365 for GBP, HKD, SGD, AUD, NZD, ZAR,
// INR, MYR, THB, PLN, ILS and a few others; 360 otherwise.
int DayCountBasis(Currency currency);

// Interest-rate parity: the forward rate (quote per base) `days` days out,
// F = S x (1 + r_quote x d / B_quote) / (1 + r_base x d / B_base), rounded
// half-even. E.g. EURUSD 1.1000, USD 4 %, EUR 2 %, 90 days -> 1.105472636816.
Result<Decimal> ForwardRate(Decimal spot, Currency base, Currency quote,
                            Decimal base_interest, Decimal quote_interest,
                            uint32_t days);

}  // namespace meridian::fx

#endif  // MERIDIAN_FX_DECIMAL_H_
