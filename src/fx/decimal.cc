#include "fx/decimal.h"

#include <algorithm>
#include <array>
#include <utility>

namespace meridian::fx {
namespace {

Error Invalid(std::string_view param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(param),
                   std::move(message));
}

Error Overflow(std::string message) {
  return MakeError(ErrorCode::kAMOUNT_OVERFLOW, "amount.value",
                   std::move(message));
}

i128 Pow10(int n) {
  MERIDIAN_CHECK(n >= 0 && n <= 38) << n;
  i128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

bool Mul(i128 a, i128 b, i128* out) {
  return !__builtin_mul_overflow(a, b, out);
}

// Digits with at most one '.', at most kDigits decimals; the scaled value.
Result<i128> ParseUnsigned(std::string_view text, std::string_view param) {
  if (text.empty() || text.size() > 40) {
    return Invalid(param, "a decimal such as 1.1252");
  }
  i128 value = 0;
  int decimals = -1;  // -1: no '.' yet
  bool digit_seen = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (decimals >= 0 || !digit_seen || i + 1 == text.size()) {
        return Invalid(param, "a decimal such as 1.1252 (digits, one '.')");
      }
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') {
      return Invalid(param,
                     "a decimal such as 1.1252: digits and one '.', "
                     "no sign, exponent or spaces");
    }
    if (decimals >= 0 && ++decimals > Decimal::kDigits) {
      return Invalid(param, "at most 12 decimal places");
    }
    if (value > (Decimal::kMaxRate * 1000) / 10) {
      return Invalid(param, "too large");
    }
    value = value * 10 + (c - '0');
    digit_seen = true;
  }
  // Leading zeros are refused so that each value has one spelling.
  if (text.size() > 1 && text[0] == '0' && text[1] != '.') {
    return Invalid(param, "no leading zeros");
  }
  return value * Pow10(Decimal::kDigits - std::max(decimals, 0));
}

}  // namespace

Result<Decimal> Decimal::ParseRate(std::string_view text,
                                   std::string_view param) {
  MERIDIAN_ASSIGN_OR_RETURN(i128 scaled, ParseUnsigned(text, param));
  if (scaled <= 0) return Invalid(param, "a rate is greater than zero");
  if (scaled > kMaxRate) {
    return Invalid(param, "a rate is at most 100000000 units per unit");
  }
  return Decimal(scaled);
}

Result<Decimal> Decimal::ParseInterest(std::string_view text,
                                       std::string_view param) {
  const bool negative = !text.empty() && text[0] == '-';
  MERIDIAN_ASSIGN_OR_RETURN(
      i128 scaled, ParseUnsigned(negative ? text.substr(1) : text, param));
  if (scaled > kMaxInterest) {
    return Invalid(param,
                   "an annual rate as a fraction (0.04 for 4 %), "
                   "between -10 and 10");
  }
  if (negative && scaled == 0) return Invalid(param, "write 0, not -0");
  return Decimal(negative ? -scaled : scaled);
}

std::string Decimal::ToString() const {
  const bool negative = scaled_ < 0;
  u128 magnitude =
      negative ? static_cast<u128>(-scaled_) : static_cast<u128>(scaled_);
  std::string units = U128ToString(magnitude / static_cast<u128>(kScale));
  std::string frac = U128ToString(magnitude % static_cast<u128>(kScale));
  frac.insert(0, kDigits - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = negative ? "-" : "";
  out += units;
  if (!frac.empty()) out += "." + frac;
  return out;
}

i128 DivideRounded(i128 numerator, i128 denominator, Rounding rounding) {
  MERIDIAN_CHECK(denominator > 0);
  i128 q = numerator / denominator;
  i128 r = numerator % denominator;
  if (r == 0) return q;
  // C++ truncates toward zero; make q the floor.
  if (r < 0) {
    q -= 1;
    r += denominator;
  }
  switch (rounding) {
    case Rounding::kDown:
      return q;
    case Rounding::kUp:
      return q + 1;
    case Rounding::kHalfEven: {
      const i128 twice = 2 * r;  // r < denominator <= 2^126: no overflow
      if (twice > denominator) return q + 1;
      if (twice < denominator) return q;
      return (q % 2 == 0) ? q : q + 1;
    }
  }
  return q;
}

namespace {

// 256-bit unsigned as (hi, lo).
struct U256 {
  u128 hi = 0, lo = 0;
};

U256 Mul128(u128 a, u128 b) {
  const u128 mask = ~uint64_t{0};
  u128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  u128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  U256 r;
  r.lo = (p00 & mask) | (mid << 64);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return r;
}

// n / d for d > 0: quotient (nullopt when it passes 128 bits) and remainder.
std::optional<std::pair<u128, u128>> Div256(U256 n, u128 d) {
  if (n.hi >= d) return std::nullopt;
  u128 rem = n.hi, q = 0;
  for (int i = 127; i >= 0; --i) {
    const bool carry = (rem >> 127) != 0;
    rem = (rem << 1) | ((n.lo >> i) & 1);
    q <<= 1;
    if (carry || rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  return std::make_pair(q, rem);
}

u128 Magnitude(i128 v) {
  return v < 0 ? static_cast<u128>(0) - static_cast<u128>(v)
               : static_cast<u128>(v);
}

}  // namespace

std::optional<i128> MulDiv(i128 a, i128 b, i128 d, Rounding rounding) {
  MERIDIAN_CHECK(d > 0);
  // Most products fit 128 bits: one division then.
  if (i128 product; !__builtin_mul_overflow(a, b, &product)) {
    return DivideRounded(product, d, rounding);
  }
  const bool negative = (a < 0) != (b < 0) && a != 0 && b != 0;
  std::optional<std::pair<u128, u128>> qr =
      Div256(Mul128(Magnitude(a), Magnitude(b)), static_cast<u128>(d));
  if (!qr) return std::nullopt;
  auto [q, r] = *qr;
  const u128 ud = static_cast<u128>(d);
  // Round the magnitude; for a negative result, "down" is away from zero.
  bool up = false;
  if (r != 0) {
    switch (rounding) {
      case Rounding::kDown:
        up = negative;
        break;
      case Rounding::kUp:
        up = !negative;
        break;
      case Rounding::kHalfEven: {
        const u128 other = ud - r;  // distance to the next multiple
        up = r > other || (r == other && (q & 1) != 0);
        break;
      }
    }
  }
  if (up) ++q;
  constexpr u128 kMax = ~static_cast<u128>(0) >> 1;
  if (q > kMax) return std::nullopt;
  return negative ? -static_cast<i128>(q) : static_cast<i128>(q);
}

Result<Decimal> CrossRate(Decimal base_per_common, Decimal quote_per_common,
                          Rounding rounding) {
  if (!base_per_common.is_positive() || !quote_per_common.is_positive()) {
    return Invalid("rate", "rates are greater than zero");
  }
  // quote <= 1e20 and kScale = 1e12: the product is below 2^127.
  i128 scaled = DivideRounded(quote_per_common.scaled() * Decimal::kScale,
                              base_per_common.scaled(), rounding);
  if (scaled <= 0 || scaled > Decimal::kMaxRate) {
    return Invalid("rate", "the cross rate is outside 0 to 100000000");
  }
  return Decimal::FromScaled(scaled);
}

Result<Decimal> ApplySpread(Decimal mid, uint32_t spread_bps) {
  if (spread_bps > 10'000) {
    return Invalid("spreadBps", "a spread is 0 to 10000 basis points");
  }
  i128 scaled = DivideRounded(mid.scaled() * (10'000 - spread_bps), 10'000,
                              Rounding::kDown);
  if (scaled <= 0) return Invalid("spreadBps", "the spread leaves no rate");
  return Decimal::FromScaled(scaled);
}

Result<Amount> ConvertSell(Amount sell, Currency buy_currency, Decimal rate) {
  if (sell.is_negative()) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "amount.value",
                     "convert a positive amount");
  }
  if (!rate.is_positive() || rate.scaled() > Decimal::kMaxRate) {
    return Invalid("rate", "a rate is greater than zero");
  }
  // buy_minor = sell_minor / 10^eA * rate * 10^eB
  //           = sell_minor * scaled / 10^(12 + eA - eB), rounded down.
  i128 product;
  MERIDIAN_CHECK(Mul(sell.minor_units(), rate.scaled(), &product));
  const int shift = Decimal::kDigits + sell.currency().minor_units() -
                    buy_currency.minor_units();
  MERIDIAN_CHECK(shift >= 0);
  i128 buy = DivideRounded(product, Pow10(shift), Rounding::kDown);
  if (buy > Amount::kMaxMinorUnits) {
    return Overflow("the converted amount passes 18 digits");
  }
  return Amount::FromMinorUnits(buy_currency, static_cast<int64_t>(buy));
}

Result<Amount> ConvertBuy(Amount buy, Currency sell_currency, Decimal rate) {
  if (buy.is_negative()) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "amount.value",
                     "convert a positive amount");
  }
  if (!rate.is_positive() || rate.scaled() > Decimal::kMaxRate) {
    return Invalid("rate", "a rate is greater than zero");
  }
  // sell_minor = buy_minor * 10^(12 + eA - eB) / scaled, rounded up.
  const int shift = Decimal::kDigits + sell_currency.minor_units() -
                    buy.currency().minor_units();
  MERIDIAN_CHECK(shift >= 0);
  i128 numerator;
  MERIDIAN_CHECK(Mul(buy.minor_units(), Pow10(shift), &numerator));
  i128 sell = DivideRounded(numerator, rate.scaled(), Rounding::kUp);
  if (sell > Amount::kMaxMinorUnits) {
    return Overflow("the amount to pay passes 18 digits");
  }
  return Amount::FromMinorUnits(sell_currency, static_cast<int64_t>(sell));
}

int DayCountBasis(Currency currency) {
  // Money-market convention (ACT/365 fixed); everything else ACT/360.
  static constexpr std::array<std::string_view, 17> k365 = {
      "GBP", "HKD", "SGD", "AUD", "NZD", "ZAR", "CAD", "JPY", "INR",
      "MYR", "THB", "PLN", "ILS", "KRW", "TWD", "PHP", "BHD"};
  for (std::string_view code : k365) {
    if (currency.code() == code) return 365;
  }
  return 360;
}

Result<Decimal> ForwardRate(Decimal spot, Currency base, Currency quote,
                            Decimal base_interest, Decimal quote_interest,
                            uint32_t days) {
  if (!spot.is_positive() || spot.scaled() > Decimal::kMaxRate) {
    return Invalid("spot", "a rate is greater than zero");
  }
  if (days == 0 || days > 3650) {
    return Invalid("days", "a forward is 1 to 3650 days out");
  }
  if (std::max(std::abs(static_cast<int64_t>(base_interest.scaled() /
                                             Decimal::kScale)),
               std::abs(static_cast<int64_t>(quote_interest.scaled() /
                                             Decimal::kScale))) > 10) {
    return Invalid("rate", "interest rates are between -10 and 10");
  }
  const i128 bq = DayCountBasis(quote), bb = DayCountBasis(base);
  // F = S * (Bq*1e12 + rq*d) * Bb / (Bq * (Bb*1e12 + rb*d)). The ratio is
  // carried to 18 digits, then applied to S and rounded half-even to 12.
  const i128 growth_quote =
      bq * Decimal::kScale + quote_interest.scaled() * days;
  const i128 growth_base = bb * Decimal::kScale + base_interest.scaled() * days;
  if (growth_quote <= 0 || growth_base <= 0) {
    return Invalid("rate", "an interest rate below -100 % over the period");
  }
  constexpr i128 kRatioScale = 1'000'000'000'000'000'000;  // 1e18
  i128 numerator, denominator;
  MERIDIAN_CHECK(Mul(growth_quote * bb, kRatioScale, &numerator));
  MERIDIAN_CHECK(Mul(bq, growth_base, &denominator));
  const i128 ratio = DivideRounded(numerator, denominator, Rounding::kHalfEven);
  i128 product;
  if (!Mul(spot.scaled(), ratio, &product)) {
    return Invalid("rate", "the forward rate is out of range");
  }
  i128 scaled = DivideRounded(product, kRatioScale, Rounding::kHalfEven);
  if (scaled <= 0 || scaled > Decimal::kMaxRate) {
    return Invalid("rate", "the forward rate is out of range");
  }
  return Decimal::FromScaled(scaled);
}

}  // namespace meridian::fx
