// Amount: a signed whole number of a currency's minor units.
//
// Money is never a float. The API sends amounts as strings of minor units
// ("35000" THB is 350.00 THB), which Parse validates; ToDecimalString is for
// people. Every amount's magnitude is at most kMaxMinorUnits (18 nines), so
// every amount prints as a value Parse accepts and no arithmetic on two
// amounts can overflow int64 on the way to being checked.
//
//   MERIDIAN_ASSIGN_OR_RETURN(Currency thb, Currency::FromCode("THB"));
//   MERIDIAN_ASSIGN_OR_RETURN(Amount a, Amount::Parse(thb, "35000"));
//   a.ToDecimalString();                       // "350.00"
//   MERIDIAN_ASSIGN_OR_RETURN(Amount b, a.Add(fee));  // same currency only
//
// Currencies without a minor unit (XAU, XDR: ISO "N.A.") count whole units.
//
// == compares currency and value, so amounts in different currencies are
// never equal. <, <=, >, >= (and <=>) are only defined between amounts of the
// same currency: comparing USD with EUR is a bug in the caller, and it stops
// the process (MERIDIAN_CHECK) rather than pick an answer that could move
// money. Check currency() first when the currencies come from input.
#ifndef MERIDIAN_CORE_AMOUNT_H_
#define MERIDIAN_CORE_AMOUNT_H_

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/currency.h"
#include "core/status.h"

namespace meridian {

class Amount {
 public:
  // 999'999'999'999'999'999: the largest 18-digit value.
  static constexpr int64_t kMaxMinorUnits = 999'999'999'999'999'999;
  static constexpr int kMaxDigits = 18;

  // Zero in XXX ("no currency"), so that an unset amount matches nothing.
  constexpr Amount() = default;
  static Amount Zero(Currency currency) { return Amount(currency, 0); }
  // AMOUNT_OVERFLOW (param "amount.value") if |minor_units| > kMaxMinorUnits.
  static Result<Amount> FromMinorUnits(Currency currency, int64_t minor_units);

  // The API's amount.value: a count of minor units as a string of 1 to 18
  // digits, no sign, no decimal point, no leading zeros except "0". Anything
  // else is INVALID_AMOUNT with param "amount.value".
  static Result<Amount> Parse(Currency currency, std::string_view value);

  // A decimal with exactly the currency's number of decimal places: "350.00"
  // for USD, "1200" for JPY, "-1.005" for BHD. A leading '-' is allowed; the
  // text must be exactly what ToDecimalString would print (so no "+", no
  // leading zeros, no "-0.00"). Anything else is INVALID_AMOUNT with param
  // "amount".
  static Result<Amount> FromDecimalString(Currency currency,
                                          std::string_view text);

  // Minor units as the API sends them ("35000"); negative amounts (balances)
  // get a leading '-', which Parse refuses.
  std::string value_string() const;
  // "350.00", "-1.005", "1200".
  std::string ToDecimalString() const;

  int64_t minor_units() const { return minor_units_; }
  Currency currency() const { return currency_; }
  bool is_negative() const { return minor_units_ < 0; }
  bool is_zero() const { return minor_units_ == 0; }

  // Checked arithmetic. A different currency is INVALID_PARAMETER with param
  // "currency"; a result beyond kMaxMinorUnits is AMOUNT_OVERFLOW with param
  // "amount.value".
  Result<Amount> Add(Amount other) const;
  Result<Amount> Sub(Amount other) const;
  Result<Amount> MultiplyBy(int64_t factor) const;

  friend bool operator==(Amount, Amount) = default;
  // Same currency only: see the file comment.
  friend std::strong_ordering operator<=>(Amount a, Amount b);

 private:
  constexpr Amount(Currency currency, int64_t minor_units)
      : minor_units_(minor_units), currency_(currency) {}

  int64_t minor_units_ = 0;
  Currency currency_;
};

// "350.00 USD".
std::ostream& operator<<(std::ostream& os, Amount amount);

}  // namespace meridian

#endif  // MERIDIAN_CORE_AMOUNT_H_
