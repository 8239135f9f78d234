#include "iso20022/internal/text.h"

#include <gtest/gtest.h>

namespace meridian::iso20022::internal {
namespace {

Currency C(std::string_view code) { return *Currency::FromCode(code); }

TEST(TextTest, FormatAmountUsesTheCurrencysDecimals) {
  EXPECT_EQ(*FormatAmount(123456, C("USD"), "a"), "1234.56");
  EXPECT_EQ(*FormatAmount(5, C("EUR"), "a"), "0.05");
  EXPECT_EQ(*FormatAmount(0, C("EUR"), "a"), "0.00");
  EXPECT_EQ(*FormatAmount(1000, C("JPY"), "a"), "1000");
  EXPECT_EQ(*FormatAmount(1, C("KWD"), "a"), "0.001");
  EXPECT_EQ(*FormatAmount(1234567, C("BHD"), "a"), "1234.567");
  EXPECT_EQ(*FormatAmount(kMaxAmountMinor, C("USD"), "a"),
            "9999999999999999.99");
  EXPECT_EQ(FormatAmount(kMaxAmountMinor + 1, C("USD"), "a").error().code,
            ErrorCode::kINVALID_AMOUNT);
  EXPECT_EQ(FormatAmount(-1, C("USD"), "amt").error().param, "amt");
  EXPECT_EQ(FormatAmount(1, Currency(), "a").error().code,
            ErrorCode::kCURRENCY_NOT_SUPPORTED);
}

TEST(TextTest, ParseAmount) {
  EXPECT_EQ(*ParseAmount("1234.56", C("USD"), "p"), 123456);
  EXPECT_EQ(*ParseAmount("1234.5", C("USD"), "p"), 123450);
  EXPECT_EQ(*ParseAmount("1234", C("USD"), "p"), 123400);
  EXPECT_EQ(*ParseAmount("1234.", C("USD"), "p"), 123400);
  EXPECT_EQ(*ParseAmount(".5", C("USD"), "p"), 50);
  EXPECT_EQ(*ParseAmount("12.34000", C("USD"), "p"), 1234);
  EXPECT_EQ(*ParseAmount("1843750", C("MXN"), "p"), 184375000);
  EXPECT_EQ(*ParseAmount("1000", C("JPY"), "p"), 1000);
  EXPECT_EQ(*ParseAmount("1000.0", C("JPY"), "p"), 1000);
  EXPECT_EQ(*ParseAmount("0.001", C("KWD"), "p"), 1);
  EXPECT_EQ(*ParseAmount("9999999999999999.99", C("USD"), "p"),
            kMaxAmountMinor);
  for (const char* bad :
       {"", ".", "1.2.3", "-1", "+1", "1e5", "12.345", "1 000", "0x10",
        "10000000000000000.00", "99999999999999999999999"}) {
    Result<int64_t> r = ParseAmount(bad, C("USD"), "Stmt/Ntry[1]/Amt");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().param, "Stmt/Ntry[1]/Amt");
    EXPECT_TRUE(r.error().message.starts_with("Stmt/Ntry[1]/Amt: "))
        << r.error().message;
  }
  EXPECT_NE(ParseAmount("1.5", C("JPY"), "p")
                .error()
                .message.find("more decimals than JPY allows (0)"),
            std::string::npos);
}

TEST(TextTest, DatesAndTimes) {
  EXPECT_EQ(FormatDateTime(0), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(FormatDateTime(1'767'261'600'000'000'000),
            "2026-01-01T10:00:00+00:00");
  EXPECT_EQ(FormatDateTime(1'767'261'600'123'456'789),
            "2026-01-01T10:00:00.123+00:00");
  EXPECT_EQ(FormatDateTime(-1'000'000'000), "1969-12-31T23:59:59+00:00");
  EXPECT_EQ(FormatDate(1'767'261'600'000'000'000), "2026-01-01");
  EXPECT_EQ(FormatDate(951'782'400'000'000'000), "2000-02-29");
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-13-01"));
  EXPECT_FALSE(IsIsoDate("2023-1-01"));
  EXPECT_FALSE(IsIsoDate("20230101"));
  EXPECT_EQ(DateOfDateTime("2026-01-01T10:00:00+00:00"), "2026-01-01");
  EXPECT_EQ(DateOfDateTime("2019-04-24T21:28:58"), "2019-04-24");
  EXPECT_EQ(DateOfDateTime("2019-04-24T21:28:58.123Z"), "2019-04-24");
  EXPECT_EQ(DateOfDateTime("2019-04-24T21:28:58-05:00"), "2019-04-24");
  EXPECT_EQ(DateOfDateTime("2019-04-24"), "");
  EXPECT_EQ(DateOfDateTime("2019-04-24T25:00:00"), "");
  EXPECT_EQ(DateOfDateTime("2019-04-24T21:28:58+0500"), "");
  EXPECT_EQ(DateOfDateTime("2019-04-24T21:28:58."), "");
}

TEST(TextTest, Utf8AndFieldChecks) {
  EXPECT_TRUE(IsXmlUtf8("Zürich 東京 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsXmlUtf8("\xC3"));          // cut short
  EXPECT_FALSE(IsXmlUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsXmlUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsXmlUtf8("\xEF\xBF\xBF"));  // U+FFFF
  EXPECT_FALSE(IsXmlUtf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsXmlUtf8("\x01"));
  EXPECT_EQ(CountChars("Zürich"), 6u);

  EXPECT_TRUE(CheckText("n", std::string(140, 'x'), 140, true).ok());
  EXPECT_FALSE(CheckText("n", std::string(141, 'x'), 140, true).ok());
  // 140 characters of two bytes each fit.
  std::string umlauts;
  for (int i = 0; i < 140; ++i) umlauts += "ü";
  EXPECT_TRUE(CheckText("n", umlauts, 140, true).ok());
  EXPECT_FALSE(CheckText("n", umlauts + "ü", 140, true).ok());
  EXPECT_FALSE(CheckText("n", "", 140, true).ok());
  EXPECT_TRUE(CheckText("n", "", 140, false).ok());
  EXPECT_FALSE(CheckText("n", "two\nlines", 140, true).ok());
  EXPECT_EQ(CheckText("debtor.name", "\xFF", 140, true).error().param,
            "debtor.name");

  EXPECT_TRUE(CheckId("id", std::string(35, '9'), 35, true).ok());
  EXPECT_FALSE(CheckId("id", std::string(36, '9'), 35, true).ok());
  EXPECT_FALSE(CheckId("id", " lead", 35, true).ok());
  EXPECT_FALSE(CheckId("id", "caf\xC3\xA9", 35, true).ok());
  EXPECT_TRUE(CheckCode("c", "AC04", 4, true).ok());
  EXPECT_FALSE(CheckCode("c", "ac04", 4, true).ok());
  EXPECT_FALSE(CheckCode("c", "AC045", 4, true).ok());
}

}  // namespace
}  // namespace meridian::iso20022::internal
