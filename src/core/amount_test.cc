#include "core/amount.h"

#include <gtest/gtest.h>

#include <sstream>

namespace meridian {
namespace {

Currency Cur(std::string_view code) { return Currency::FromCode(code).value(); }

Amount Make(std::string_view code, int64_t minor_units) {
  return Amount::FromMinorUnits(Cur(code), minor_units).value();
}

void ExpectInvalid(const Result<Amount>& r, std::string_view param,
                   std::string_view message_part) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kINVALID_AMOUNT);
  EXPECT_EQ(r.error().param, param);
  EXPECT_NE(r.error().message.find(message_part), std::string::npos)
      << r.error().message;
}

TEST(AmountTest, ParsesMinorUnits) {
  Amount a = Amount::Parse(Cur("THB"), "35000").value();
  EXPECT_EQ(a.minor_units(), 35000);
  EXPECT_EQ(a.currency(), Cur("THB"));
  EXPECT_EQ(a.value_string(), "35000");
  EXPECT_EQ(a.ToDecimalString(), "350.00");
  EXPECT_FALSE(a.is_negative());
  EXPECT_EQ(Amount::Parse(Cur("USD"), "0")->minor_units(), 0);
  EXPECT_TRUE(Amount::Parse(Cur("USD"), "0")->is_zero());
  EXPECT_EQ(Amount::Parse(Cur("USD"), "999999999999999999")->minor_units(),
            Amount::kMaxMinorUnits);
}

TEST(AmountTest, ParseRefusesEachMalformedValue) {
  Currency usd = Cur("USD");
  ExpectInvalid(Amount::Parse(usd, ""), "amount.value", "must not be empty");
  ExpectInvalid(Amount::Parse(usd, "-5"), "amount.value", "sign");
  ExpectInvalid(Amount::Parse(usd, "+5"), "amount.value", "sign");
  ExpectInvalid(Amount::Parse(usd, "350.00"), "amount.value",
                "\"12345\" for 123.45 USD");
  ExpectInvalid(Amount::Parse(usd, "1,000"), "amount.value", "decimal point");
  ExpectInvalid(Amount::Parse(usd, "12a"), "amount.value", "only the digits");
  ExpectInvalid(Amount::Parse(usd, " 12"), "amount.value", "only the digits");
  ExpectInvalid(Amount::Parse(usd, "1e5"), "amount.value", "only the digits");
  ExpectInvalid(Amount::Parse(usd, "0012"), "amount.value", "leading zeros");
  ExpectInvalid(Amount::Parse(usd, "00"), "amount.value", "leading zeros");
  ExpectInvalid(Amount::Parse(usd, "1000000000000000000"), "amount.value",
                "at most 18 digits");
  ExpectInvalid(Amount::Parse(usd, std::string(100000, '9')), "amount.value",
                "at most 18 digits");
  ExpectInvalid(Amount::Parse(usd, std::string_view("1\0", 2)), "amount.value",
                "only the digits");
  // The example speaks the currency's scale.
  ExpectInvalid(Amount::Parse(Cur("JPY"), "1.5"), "amount.value",
                "\"12345\" for 12345 JPY");
}

TEST(AmountTest, DecimalStrings) {
  EXPECT_EQ(Make("USD", 35000).ToDecimalString(), "350.00");
  EXPECT_EQ(Make("USD", 5).ToDecimalString(), "0.05");
  EXPECT_EQ(Make("USD", -5).ToDecimalString(), "-0.05");
  EXPECT_EQ(Make("USD", 0).ToDecimalString(), "0.00");
  EXPECT_EQ(Make("BHD", -1005).ToDecimalString(), "-1.005");
  EXPECT_EQ(Make("JPY", 1200).ToDecimalString(), "1200");
  EXPECT_EQ(Make("CLF", 12345).ToDecimalString(), "1.2345");
  EXPECT_EQ(Make("XAU", 7).ToDecimalString(), "7");
  EXPECT_EQ(Make("USD", Amount::kMaxMinorUnits).ToDecimalString(),
            "9999999999999999.99");
  EXPECT_EQ(Make("USD", -Amount::kMaxMinorUnits).ToDecimalString(),
            "-9999999999999999.99");
  EXPECT_EQ(Make("BHD", -1005).value_string(), "-1005");
  std::ostringstream os;
  os << Make("THB", 35000);
  EXPECT_EQ(os.str(), "350.00 THB");
}

TEST(AmountTest, FromDecimalStringRoundTrips) {
  struct Case {
    std::string_view code;
    std::string_view text;
    int64_t minor_units;
  };
  for (const Case& c :
       {Case{"USD", "350.00", 35000}, Case{"USD", "0.05", 5},
        Case{"USD", "-0.05", -5}, Case{"USD", "0.00", 0},
        Case{"BHD", "-1.005", -1005}, Case{"JPY", "1200", 1200},
        Case{"JPY", "0", 0}, Case{"CLF", "1.2345", 12345}, Case{"XAU", "7", 7},
        Case{"USD", "9999999999999999.99", Amount::kMaxMinorUnits}}) {
    Result<Amount> a = Amount::FromDecimalString(Cur(c.code), c.text);
    ASSERT_TRUE(a.ok()) << c.text << ": " << a.error().ToString();
    EXPECT_EQ(a->minor_units(), c.minor_units) << c.text;
    EXPECT_EQ(a->ToDecimalString(), c.text);
  }
}

TEST(AmountTest, FromDecimalStringNeedsTheCurrencyScale) {
  Currency usd = Cur("USD");
  ExpectInvalid(Amount::FromDecimalString(usd, "1.5"), "amount",
                "USD amounts need exactly 2 decimal places, e.g. 123.45");
  ExpectInvalid(Amount::FromDecimalString(usd, "1.500"), "amount",
                "exactly 2 decimal places");
  ExpectInvalid(Amount::FromDecimalString(usd, "350"), "amount",
                "exactly 2 decimal places");
  ExpectInvalid(Amount::FromDecimalString(usd, "350."), "amount",
                "exactly 2 decimal places");
  ExpectInvalid(Amount::FromDecimalString(Cur("JPY"), "100.5"), "amount",
                "JPY amounts have no decimal places");
  ExpectInvalid(Amount::FromDecimalString(Cur("JPY"), "100."), "amount",
                "no decimal places");
  ExpectInvalid(Amount::FromDecimalString(Cur("BHD"), "1.00"), "amount",
                "exactly 3 decimal places, e.g. 12.345");
}

TEST(AmountTest, FromDecimalStringRefusesNonCanonicalText) {
  Currency usd = Cur("USD");
  ExpectInvalid(Amount::FromDecimalString(usd, ""), "amount", "empty");
  ExpectInvalid(Amount::FromDecimalString(usd, "-"), "amount",
                "start with a digit");
  ExpectInvalid(Amount::FromDecimalString(usd, ".50"), "amount",
                "start with a digit");
  ExpectInvalid(Amount::FromDecimalString(usd, "+1.00"), "amount", "digits");
  ExpectInvalid(Amount::FromDecimalString(usd, "1,000.00"), "amount", "digits");
  ExpectInvalid(Amount::FromDecimalString(usd, "1.0.0"), "amount", "digits");
  ExpectInvalid(Amount::FromDecimalString(usd, "--1.00"), "amount", "digits");
  ExpectInvalid(Amount::FromDecimalString(usd, "01.00"), "amount",
                "leading zeros");
  ExpectInvalid(Amount::FromDecimalString(usd, "-0.00"), "amount",
                "zero has no sign");
  ExpectInvalid(Amount::FromDecimalString(usd, "10000000000000000.00"),
                "amount", "at most 18 digits");
  ExpectInvalid(Amount::FromDecimalString(usd, std::string(1000, '1')),
                "amount", "at most 18 digits");
}

TEST(AmountTest, CheckedArithmetic) {
  Amount a = Make("USD", 1000);
  Amount b = Make("USD", 250);
  EXPECT_EQ(*a.Add(b), Make("USD", 1250));
  EXPECT_EQ(*a.Sub(b), Make("USD", 750));
  EXPECT_EQ(*b.Sub(a), Make("USD", -750));
  EXPECT_TRUE(b.Sub(a)->is_negative());
  EXPECT_EQ(*a.MultiplyBy(3), Make("USD", 3000));
  EXPECT_EQ(*a.MultiplyBy(-1), Make("USD", -1000));
  EXPECT_EQ(*a.MultiplyBy(0), Amount::Zero(Cur("USD")));

  Amount max = Make("USD", Amount::kMaxMinorUnits);
  Amount min = Make("USD", -Amount::kMaxMinorUnits);
  EXPECT_EQ(*max.Add(Make("USD", 0)), max);
  EXPECT_EQ(*max.Add(min), Make("USD", 0));
  for (const Result<Amount>& r :
       {max.Add(Make("USD", 1)), min.Sub(Make("USD", 1)), max.Sub(min),
        max.MultiplyBy(2), a.MultiplyBy(INT64_MAX), a.MultiplyBy(INT64_MIN),
        Make("USD", -1).MultiplyBy(INT64_MIN)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kAMOUNT_OVERFLOW);
    EXPECT_EQ(r.error().param, "amount.value");
  }
  EXPECT_EQ(Amount::FromMinorUnits(Cur("USD"), Amount::kMaxMinorUnits + 1)
                .error()
                .code,
            ErrorCode::kAMOUNT_OVERFLOW);
  EXPECT_EQ(Amount::FromMinorUnits(Cur("USD"), INT64_MIN).error().code,
            ErrorCode::kAMOUNT_OVERFLOW);
}

TEST(AmountTest, ArithmeticNeedsOneCurrency) {
  Amount usd = Make("USD", 100);
  Amount eur = Make("EUR", 100);
  for (const Result<Amount>& r : {usd.Add(eur), usd.Sub(eur)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_EQ(r.error().param, "currency");
  }
  EXPECT_EQ(usd.Add(eur).error().message,
            "cannot add EUR to USD: convert to one currency first");
}

TEST(AmountTest, Comparison) {
  EXPECT_LT(Make("USD", 1), Make("USD", 2));
  EXPECT_GT(Make("USD", 0), Make("USD", -2));
  EXPECT_LE(Make("USD", 2), Make("USD", 2));
  EXPECT_EQ(Make("USD", 2), Make("USD", 2));
  // == compares the currency too, and never aborts.
  EXPECT_NE(Make("USD", 2), Make("EUR", 2));
  EXPECT_NE(Amount(), Amount::Zero(Cur("USD")));
  EXPECT_EQ(Amount().currency().code(), "XXX");
}

TEST(AmountDeathTest, OrderingAcrossCurrenciesIsABug) {
  EXPECT_DEATH((void)(Make("USD", 1) < Make("EUR", 2)),
               "0.01 USD with 0.02 EUR.*different currencies");
}

}  // namespace
}  // namespace meridian
