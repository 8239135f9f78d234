#include "core/amount.h"

#include <ostream>

namespace meridian {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// The caller has checked: 1..18 digits, nothing else.
int64_t DigitsToInt(std::string_view digits) {
  int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool InRange(int64_t minor_units) {
  return minor_units >= -Amount::kMaxMinorUnits &&
         minor_units <= Amount::kMaxMinorUnits;
}

Error ValueError(std::string message) {
  return MakeError(ErrorCode::kINVALID_AMOUNT, "amount.value",
                   std::move(message));
}

Error DecimalError(std::string message) {
  return MakeError(ErrorCode::kINVALID_AMOUNT, "amount", std::move(message));
}

Error Overflow() {
  return MakeError(ErrorCode::kAMOUNT_OVERFLOW, "amount.value",
                   "the result is beyond the largest amount, " +
                       std::to_string(Amount::kMaxMinorUnits) + " minor units");
}

// "12345" and "123.45 USD" (or "12345 JPY"): what a correct value looks like
// in this currency, for error messages.
std::string MinorUnitsExample(Currency currency) {
  Amount example = Amount::FromMinorUnits(currency, 12345).value();
  return "\"12345\" for " + example.ToDecimalString() + " " +
         std::string(currency.code());
}

std::string DecimalExample(Currency currency) {
  return Amount::FromMinorUnits(currency, 12345).value().ToDecimalString();
}

}  // namespace

Result<Amount> Amount::FromMinorUnits(Currency currency, int64_t minor_units) {
  if (!InRange(minor_units)) return Overflow();
  return Amount(currency, minor_units);
}

Result<Amount> Amount::Parse(Currency currency, std::string_view value) {
  if (value.empty()) {
    return ValueError(
        "amount.value must not be empty: send the amount in "
        "minor units, e.g. " +
        MinorUnitsExample(currency));
  }
  if (value.size() > kMaxDigits) {
    return ValueError("amount.value must have at most " +
                      std::to_string(kMaxDigits) + " digits");
  }
  if (value[0] == '-' || value[0] == '+') {
    return ValueError(
        "amount.value must not have a sign: send a non-negative count of "
        "minor units, e.g. " +
        MinorUnitsExample(currency));
  }
  if (value.find_first_of(".,") != std::string_view::npos) {
    return ValueError(
        "amount.value is a whole number of minor units, without a decimal "
        "point: send " +
        MinorUnitsExample(currency));
  }
  if (!AllDigits(value)) {
    return ValueError("amount.value must contain only the digits 0-9");
  }
  if (value.size() > 1 && value[0] == '0') {
    return ValueError("amount.value must not have leading zeros");
  }
  return Amount(currency, DigitsToInt(value));
}

Result<Amount> Amount::FromDecimalString(Currency currency,
                                         std::string_view text) {
  const size_t scale = static_cast<size_t>(currency.minor_units());
  if (text.empty()) {
    return DecimalError("amount must not be empty: send e.g. " +
                        DecimalExample(currency));
  }
  // Sign, digits and a decimal point.
  if (text.size() > kMaxDigits + 2) {
    return DecimalError("amount must have at most " +
                        std::to_string(kMaxDigits) + " digits");
  }
  const bool negative = text[0] == '-';
  std::string_view unsigned_text = negative ? text.substr(1) : text;
  size_t point = unsigned_text.find('.');
  std::string_view integer = unsigned_text.substr(0, point);
  std::string_view fraction = point == std::string_view::npos
                                  ? std::string_view()
                                  : unsigned_text.substr(point + 1);
  if (!AllDigits(integer) || !AllDigits(fraction)) {
    return DecimalError(
        "amount must be digits with an optional leading '-' and one decimal "
        "point, e.g. " +
        DecimalExample(currency));
  }
  if (integer.empty()) {
    return DecimalError(
        "amount must start with a digit, after an optional '-': send e.g. " +
        DecimalExample(currency));
  }
  if (scale == 0 && point != std::string_view::npos) {
    return DecimalError(std::string(currency.code()) +
                        " amounts have no decimal places: send a whole "
                        "number, e.g. " +
                        DecimalExample(currency));
  }
  if (scale > 0 &&
      (point == std::string_view::npos || fraction.size() != scale)) {
    return DecimalError(std::string(currency.code()) +
                        " amounts need exactly " + std::to_string(scale) +
                        " decimal places, e.g. " + DecimalExample(currency));
  }
  if (integer.size() > 1 && integer[0] == '0') {
    return DecimalError("amount must not have leading zeros");
  }
  if (integer.size() + fraction.size() > kMaxDigits) {
    return DecimalError("amount must have at most " +
                        std::to_string(kMaxDigits) + " digits");
  }
  int64_t magnitude = DigitsToInt(integer);
  for (char c : fraction) magnitude = magnitude * 10 + (c - '0');
  if (negative && magnitude == 0) {
    return DecimalError("zero has no sign: send " +
                        Amount(currency, 0).ToDecimalString());
  }
  return Amount(currency, negative ? -magnitude : magnitude);
}

std::string Amount::value_string() const {
  return std::to_string(minor_units_);
}

std::string Amount::ToDecimalString() const {
  const size_t scale = static_cast<size_t>(currency_.minor_units());
  // |minor_units_| <= kMaxMinorUnits, so negating cannot overflow.
  std::string digits =
      std::to_string(is_negative() ? -minor_units_ : minor_units_);
  if (scale > 0) {
    if (digits.size() <= scale)
      digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, 1, '.');
  }
  return is_negative() ? "-" + digits : digits;
}

Result<Amount> Amount::Add(Amount other) const {
  if (other.currency_ != currency_) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "currency",
                     "cannot add " + std::string(other.currency_.code()) +
                         " to " + std::string(currency_.code()) +
                         ": convert to one currency first");
  }
  int64_t sum = 0;
  if (__builtin_add_overflow(minor_units_, other.minor_units_, &sum) ||
      !InRange(sum)) {
    return Overflow();
  }
  return Amount(currency_, sum);
}

Result<Amount> Amount::Sub(Amount other) const {
  if (other.currency_ != currency_) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "currency",
                     "cannot subtract " + std::string(other.currency_.code()) +
                         " from " + std::string(currency_.code()) +
                         ": convert to one currency first");
  }
  int64_t difference = 0;
  if (__builtin_sub_overflow(minor_units_, other.minor_units_, &difference) ||
      !InRange(difference)) {
    return Overflow();
  }
  return Amount(currency_, difference);
}

Result<Amount> Amount::MultiplyBy(int64_t factor) const {
  int64_t product = 0;
  if (__builtin_mul_overflow(minor_units_, factor, &product) ||
      !InRange(product)) {
    return Overflow();
  }
  return Amount(currency_, product);
}

std::strong_ordering operator<=>(Amount a, Amount b) {
  MERIDIAN_CHECK(a.currency_ == b.currency_)
      << "comparing " << a << " with " << b
      << ": amounts in different currencies have no order";
  return a.minor_units_ <=> b.minor_units_;
}

std::ostream& operator<<(std::ostream& os, Amount amount) {
  return os << amount.ToDecimalString() << ' ' << amount.currency();
}

}  // namespace meridian
