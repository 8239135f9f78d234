#include "fx/decimal.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace meridian::fx {
namespace {

Decimal Rate(std::string_view text) { return Decimal::ParseRate(text).value(); }
Currency Cur(std::string_view code) { return Currency::FromCode(code).value(); }

TEST(DecimalTest, ParsesAndPrintsOneSpellingPerValue) {
  for (std::string_view text :
       {"1.1252", "163.36", "0.000000000001", "18606.59", "100000000", "1"}) {
    Result<Decimal> d = Decimal::ParseRate(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.error().ToString();
    EXPECT_EQ(d->ToString(), text);
  }
  EXPECT_EQ(Rate("1.1252").scaled(), 1'125'200'000'000);
  for (std::string_view bad :
       {"", "0", "0.0", "-1", "+1", "1e5", "1.", ".5", "01.5", "1.2.3",
        "1.0000000000001", "100000000.000000000001", "1 ", "abc"}) {
    Result<Decimal> d = Decimal::ParseRate(bad, "rates[0].rate");
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().code, ErrorCode::kINVALID_PARAMETER) << bad;
    EXPECT_EQ(d.error().param, "rates[0].rate");
  }
  EXPECT_EQ(Decimal::ParseInterest("-0.005").value().ToString(), "-0.005");
  EXPECT_EQ(Decimal::ParseInterest("0").value().scaled(), 0);
  EXPECT_FALSE(Decimal::ParseInterest("-0").ok());
  EXPECT_FALSE(Decimal::ParseInterest("11").ok());
}

TEST(DecimalTest, DivideRoundedNamesItsRounding) {
  EXPECT_EQ(DivideRounded(7, 2, Rounding::kDown), 3);
  EXPECT_EQ(DivideRounded(7, 2, Rounding::kUp), 4);
  EXPECT_EQ(DivideRounded(7, 2, Rounding::kHalfEven), 4);
  EXPECT_EQ(DivideRounded(5, 2, Rounding::kHalfEven), 2);
  EXPECT_EQ(DivideRounded(-7, 2, Rounding::kDown), -4);
  EXPECT_EQ(DivideRounded(-7, 2, Rounding::kUp), -3);
  EXPECT_EQ(DivideRounded(-5, 2, Rounding::kHalfEven), -2);
  EXPECT_EQ(DivideRounded(8, 2, Rounding::kUp), 4);
}

// The ECB's fixing of 2025-05-09, read from the shared reference data.
std::map<std::string, std::string> EcbRates(const std::string& date) {
  std::ifstream in(std::string(MERIDIAN_SOURCE_ROOT) +
                   "/../shared/data/fx/eurofxref-hist.csv");
  std::map<std::string, std::string> out;
  if (!in) return out;
  std::string header, line;
  std::getline(in, header);
  while (std::getline(in, line)) {
    if (line.rfind(date, 0) != 0) continue;
    std::stringstream h(header), v(line);
    std::string name, value;
    while (std::getline(h, name, ',') && std::getline(v, value, ',')) {
      if (name != "Date" && value != "N/A" && !value.empty()) out[name] = value;
    }
  }
  return out;
}

TEST(DecimalTest, EcbCrossRateIsTheQuotientToTwelveDigits) {
  std::map<std::string, std::string> ecb = EcbRates("2025-05-09");
  if (ecb.empty()) GTEST_SKIP() << "../shared/data is not beside the repo";
  ASSERT_EQ(ecb["USD"], "1.1252");
  ASSERT_EQ(ecb["JPY"], "163.36");
  // JPY per USD = 163.36 / 1.1252 = 145.18307856381088... (exact fraction
  // 145.183078563810 + 2470/2813 ulp): half-even rounds up, down rounds down.
  Decimal usd = Rate(ecb["USD"]), jpy = Rate(ecb["JPY"]);
  EXPECT_EQ(CrossRate(usd, jpy, Rounding::kHalfEven)->ToString(),
            "145.183078563811");
  EXPECT_EQ(CrossRate(usd, jpy, Rounding::kDown)->ToString(),
            "145.18307856381");
  // Every currency of that day parses and crosses with every other.
  for (const auto& [a, ra] : ecb) {
    for (const auto& [b, rb] : ecb) {
      Result<Decimal> x = CrossRate(Rate(ra), Rate(rb), Rounding::kHalfEven);
      ASSERT_TRUE(x.ok()) << a << "/" << b;
      if (a == b) {
        EXPECT_EQ(x->ToString(), "1");
      }
    }
  }
}

TEST(DecimalTest, SpreadMakesTheRateWorseForTheCustomer) {
  EXPECT_EQ(ApplySpread(Rate("1.1252"), 50)->ToString(), "1.119574");
  EXPECT_EQ(ApplySpread(Rate("1.1252"), 0)->ToString(), "1.1252");
  EXPECT_EQ(ApplySpread(Rate("0.000000000003"), 5000)->ToString(),
            "0.000000000001");  // 1.5 ulp rounds down
  EXPECT_FALSE(ApplySpread(Rate("1"), 10'001).ok());
  EXPECT_FALSE(ApplySpread(Rate("1"), 10'000).ok());
}

// For random amounts and currency pairs (0-, 2- and 3-decimal), what the
// customer receives is the exact value rounded down, and what the customer
// pays is the exact value rounded up: never a minor unit in the customer's
// favour, never a whole minor unit against.
TEST(DecimalTest, ConversionsRoundOnceAgainstTheCustomer) {
  const std::vector<std::string> codes = {"USD", "JPY", "KWD", "BHD", "EUR",
                                          "KRW", "IDR", "THB", "CLF"};
  std::mt19937_64 rng(20261125);
  for (int i = 0; i < 20000; ++i) {
    Currency a = Cur(codes[rng() % codes.size()]);
    Currency b = Cur(codes[rng() % codes.size()]);
    // Rates from 10^-6 to 10^5, amounts up to 10^15 minor units.
    const i128 scaled =
        1'000'000 + static_cast<i128>(rng() % 100'000'000'000'000'000ull);
    Decimal rate = Decimal::FromScaled(scaled);
    const int64_t minor =
        static_cast<int64_t>(rng() % 1'000'000'000'000'000ull);
    const int shift = Decimal::kDigits + a.minor_units() - b.minor_units();
    i128 pow = 1;
    for (int k = 0; k < shift; ++k) pow *= 10;

    Amount sell = Amount::FromMinorUnits(a, minor).value();
    Result<Amount> got = ConvertSell(sell, b, rate);
    const i128 exact_times_pow = static_cast<i128>(minor) * scaled;
    if (!got.ok()) {
      // Refused only when the result really passes 18 digits.
      EXPECT_EQ(got.error().code, ErrorCode::kAMOUNT_OVERFLOW);
      EXPECT_GT(exact_times_pow / pow, Amount::kMaxMinorUnits);
    } else {
      EXPECT_EQ(got->currency(), b);
      const i128 r = got->minor_units();
      EXPECT_LE(r * pow, exact_times_pow);
      EXPECT_GT((r + 1) * pow, exact_times_pow);
    }

    Amount buy = Amount::FromMinorUnits(b, minor % 1'000'000'000'000).value();
    Result<Amount> pay = ConvertBuy(buy, a, rate);
    const i128 need = static_cast<i128>(buy.minor_units()) * pow;
    if (!pay.ok()) {
      EXPECT_EQ(pay.error().code, ErrorCode::kAMOUNT_OVERFLOW);
      EXPECT_GT(need / scaled, Amount::kMaxMinorUnits);
      continue;
    }
    const i128 p = pay->minor_units();
    EXPECT_GE(p * scaled, need);
    EXPECT_LT((p - 1) * scaled, need);
  }
  EXPECT_EQ(ConvertSell(Amount::FromMinorUnits(Cur("USD"), 10000).value(),
                        Cur("JPY"), Rate("145.183078563811"))
                ->minor_units(),
            14518);  // 100.00 USD -> 14,518 JPY (14,518.3 rounded down)
  EXPECT_EQ(ConvertBuy(Amount::FromMinorUnits(Cur("JPY"), 14519).value(),
                       Cur("USD"), Rate("145.183078563811"))
                ->minor_units(),
            10001);  // 14,519 JPY costs 100.01 USD (100.0048 rounded up)
  EXPECT_EQ(ConvertSell(Amount::FromMinorUnits(Cur("USD"), 1).value(),
                        Cur("USD"), Decimal::FromScaled(Decimal::kMaxRate))
                ->minor_units(),
            100'000'000);
  EXPECT_EQ(
      ConvertSell(
          Amount::FromMinorUnits(Cur("IDR"), 999'999'999'999'999'999).value(),
          Cur("USD"), Rate("100000000"))
          .error()
          .code,
      ErrorCode::kAMOUNT_OVERFLOW);
}

TEST(DecimalTest, ForwardByInterestRateParity) {
  // EURUSD 1.1000, USD 4 %, EUR 2 %, 90 days (both ACT/360):
  // 1.1 x (1 + 0.04 x 90/360) / (1 + 0.02 x 90/360) = 1.10547263681592...
  Result<Decimal> f = ForwardRate(Rate("1.1"), Cur("EUR"), Cur("USD"),
                                  Decimal::ParseInterest("0.02").value(),
                                  Decimal::ParseInterest("0.04").value(), 90);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  EXPECT_EQ(f->ToString(), "1.105472636816");
  // Equal rates and bases: the forward is the spot.
  EXPECT_EQ(ForwardRate(Rate("1.1"), Cur("EUR"), Cur("USD"),
                        Decimal::ParseInterest("0.03").value(),
                        Decimal::ParseInterest("0.03").value(), 180)
                ->ToString(),
            "1.1");
  // GBP counts 365 days a year, USD 360.
  EXPECT_EQ(DayCountBasis(Cur("GBP")), 365);
  EXPECT_EQ(DayCountBasis(Cur("USD")), 360);
  EXPECT_FALSE(ForwardRate(Rate("1.1"), Cur("EUR"), Cur("USD"),
                           Decimal::ParseInterest("0.02").value(),
                           Decimal::ParseInterest("0.04").value(), 0)
                   .ok());
}

TEST(DecimalTest, MulDivCarriesProductsPast128Bits) {
  const i128 e18 = 1'000'000'000'000'000'000;
  // 10^30 x 10^20 / 10^25 = 10^25: the product needs 167 bits.
  const i128 e30 = e18 * 1'000'000'000'000, e20 = e18 * 100;
  EXPECT_EQ(MulDiv(e30, e20, e18 * 10'000'000, Rounding::kDown),
            e18 * 10'000'000);
  // Rounding of a negative result: down is towards negative infinity.
  EXPECT_EQ(MulDiv(-7, 1, 2, Rounding::kDown), -4);
  EXPECT_EQ(MulDiv(-7, 1, 2, Rounding::kUp), -3);
  EXPECT_EQ(MulDiv(-7, 1, 2, Rounding::kHalfEven), -4);
  EXPECT_EQ(MulDiv(-5, 1, 2, Rounding::kHalfEven), -2);
  EXPECT_EQ(MulDiv(e30 * 3 + 1, e20, e20 * 2, Rounding::kHalfEven),
            (e30 * 3 + 1) / 2);  // x.5 rounds to the even x
  // The same answers on the 256-bit path as on the 128-bit one.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const i128 a =
        static_cast<i128>(rng() >> 1) * static_cast<i128>(rng() >> 20);
    const i128 b = static_cast<i128>(rng() >> 30) + 1;
    const i128 d = static_cast<i128>(rng() >> 2) + 1;
    for (Rounding r : {Rounding::kDown, Rounding::kUp, Rounding::kHalfEven}) {
      // (a x b x 4) / (d x 4) crosses 128 bits where a x b / d does not.
      std::optional<i128> small = MulDiv(a, b, d, r);
      std::optional<i128> big =
          MulDiv(a * 4, b * 1'000'000'000, d * 4'000'000'000, r);
      ASSERT_EQ(small, big) << i;
      ASSERT_EQ(MulDiv(-a, b, d, r).has_value(), true);
    }
  }
  // A quotient past 127 bits is refused, not wrapped.
  EXPECT_EQ(MulDiv(e30 * 100'000, e30, 1, Rounding::kDown), std::nullopt);
}

}  // namespace
}  // namespace meridian::fx
