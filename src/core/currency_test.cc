#include "core/currency.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace meridian {
namespace {

// ../shared/data beside the project root; see meridian_test in CMakeLists.txt.
std::string SharedDataPath(const std::string& relative) {
  const char* root = std::getenv("MERIDIAN_SOURCE_ROOT");
  std::string base = root != nullptr ? root : MERIDIAN_SOURCE_ROOT;
  return base + "/../shared/data/" + relative;
}

// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

struct CsvCurrency {
  int numeric = 0;
  std::string minor_unit;  // "0".."4", or "-" for ISO's N.A.
  std::string name;
};

TEST(CurrencyTest, TableMatchesIsoCsv) {
  std::string path = SharedDataPath("currencies/iso4217_codes-all.csv");
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "ISO 4217 list not found at " << path;

  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  ASSERT_EQ(Trim(line),
            "Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,"
            "WithdrawalDate");
  std::map<std::string, CsvCurrency> current;
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> f = SplitCsvLine(Trim(line));
    ASSERT_EQ(f.size(), 6u) << line;
    std::string code = Trim(f[2]);
    // Rows without a code are territories with no currency of their own.
    if (code.empty() || !Trim(f[5]).empty()) continue;
    CsvCurrency c{std::stoi(f[3]), Trim(f[4]), Trim(f[1])};
    auto [it, inserted] = current.emplace(code, c);
    if (!inserted) {  // one row per country: all must agree
      EXPECT_EQ(it->second.numeric, c.numeric) << code;
      EXPECT_EQ(it->second.minor_unit, c.minor_unit) << code;
    }
  }
  ASSERT_GT(rows, 400);
  ASSERT_GT(current.size(), 150u);

  for (const auto& [code, want] : current) {
    Result<Currency> c = Currency::FromCode(code);
    ASSERT_TRUE(c.ok()) << code
                        << " is current in the CSV but not in the table";
    EXPECT_EQ(c->code(), code);
    EXPECT_EQ(c->numeric(), want.numeric) << code;
    EXPECT_EQ(c->ledger(), static_cast<uint32_t>(want.numeric)) << code;
    EXPECT_EQ(c->name(), want.name) << code;
    if (want.minor_unit == "-") {
      EXPECT_FALSE(c->has_minor_units()) << code;
      EXPECT_EQ(c->minor_units(), 0) << code;
    } else {
      EXPECT_TRUE(c->has_minor_units()) << code;
      EXPECT_EQ(std::to_string(c->minor_units()), want.minor_unit) << code;
    }
    Result<Currency> by_number =
        Currency::FromNumeric(static_cast<uint16_t>(want.numeric));
    ASSERT_TRUE(by_number.ok()) << code;
    EXPECT_EQ(*by_number, *c);
  }
  // And nothing that the CSV does not list as current.
  EXPECT_EQ(Currency::All().size(), current.size());
  for (Currency c : Currency::All()) {
    EXPECT_TRUE(current.contains(std::string(c.code())))
        << c << " is in the table but not current in the CSV";
  }
}

Currency Must(std::string_view code) {
  return Currency::FromCode(code).value();
}

TEST(CurrencyTest, MinorUnits) {
  EXPECT_EQ(Must("USD").minor_units(), 2);
  EXPECT_EQ(Must("EUR").minor_units(), 2);
  EXPECT_EQ(Must("THB").minor_units(), 2);
  for (std::string_view code : {"JPY", "KRW"}) {
    EXPECT_EQ(Must(code).minor_units(), 0) << code;
    EXPECT_TRUE(Must(code).has_minor_units()) << code;
  }
  for (std::string_view code : {"BHD", "KWD", "JOD"}) {
    EXPECT_EQ(Must(code).minor_units(), 3) << code;
  }
  for (std::string_view code : {"CLF", "UYW"}) {
    EXPECT_EQ(Must(code).minor_units(), 4) << code;
  }
  for (std::string_view code : {"XAU", "XAG", "XDR", "XXX", "XTS", "XSU"}) {
    EXPECT_FALSE(Must(code).has_minor_units()) << code;
    EXPECT_EQ(Must(code).minor_units(), 0) << code;
  }
}

TEST(CurrencyTest, Attributes) {
  Currency usd = Must("USD");
  EXPECT_EQ(usd.code(), "USD");
  EXPECT_EQ(usd.numeric(), 840);
  EXPECT_EQ(usd.ledger(), 840u);
  EXPECT_EQ(usd.name(), "US Dollar");
  EXPECT_EQ(Must("ALL").numeric(), 8);  // "008" in ISO's list
  EXPECT_EQ(Must("VES").name(), "Bolívar Soberano");
  std::ostringstream os;
  os << usd;
  EXPECT_EQ(os.str(), "USD");
}

TEST(CurrencyTest, LookupByNumeric) {
  EXPECT_EQ(*Currency::FromNumeric(840), Must("USD"));
  EXPECT_EQ(*Currency::FromNumeric(978), Must("EUR"));
  EXPECT_EQ(*Currency::FromNumeric(392), Must("JPY"));
  EXPECT_EQ(*Currency::FromNumeric(8), Must("ALL"));
  EXPECT_EQ(*Currency::FromNumeric(532), Must("XCG"));
  for (uint16_t bad : {0, 1, 191 /* HRK, withdrawn */, 999 + 1, 65535}) {
    Result<Currency> c = Currency::FromNumeric(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::kCURRENCY_NOT_SUPPORTED);
    EXPECT_EQ(c.error().param, "currency");
    EXPECT_NE(c.error().message.find("such as 840"), std::string::npos);
  }
}

TEST(CurrencyTest, RefusesBadCodes) {
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "", "usd", "Usd", "US", "USDX", "US1", "U D", " USD", "ABC", "HRK",
           "XYZ", std::string_view("US\0", 3), "\xC3\x9CSD"}) {
    Result<Currency> c = Currency::FromCode(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::kCURRENCY_NOT_SUPPORTED) << bad;
    EXPECT_EQ(c.error().param, "currency");
    EXPECT_NE(
        c.error().message.find("use an ISO 4217 alphabetic code such as USD"),
        std::string::npos)
        << c.error().message;
  }
  // Well-formed codes are named back; malformed input is not echoed.
  EXPECT_NE(Currency::FromCode("HRK").error().message.find("HRK"),
            std::string::npos);
  EXPECT_EQ(Currency::FromCode("usd").error().message.find("usd"),
            std::string::npos);
}

TEST(CurrencyTest, AllIsSortedAndCompact) {
  std::span<const Currency> all = Currency::All();
  ASSERT_EQ(all.size(), Currency::kCount);
  std::set<uint16_t> numerics;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(all[i - 1], all[i]);
      EXPECT_LT(all[i - 1].code(), all[i].code());
    }
    EXPECT_EQ(*Currency::FromCode(all[i].code()), all[i]);
    numerics.insert(all[i].numeric());
  }
  EXPECT_EQ(numerics.size(), all.size());
  EXPECT_LE(sizeof(Currency), 4u);
  EXPECT_TRUE(std::is_trivially_copyable_v<Currency>);
}

TEST(CurrencyTest, DefaultIsNoCurrency) {
  Currency none;
  EXPECT_EQ(none.code(), "XXX");
  EXPECT_EQ(none, Must("XXX"));
  EXPECT_NE(none, Must("USD"));
  EXPECT_FALSE(none.has_minor_units());
}

}  // namespace
}  // namespace meridian
