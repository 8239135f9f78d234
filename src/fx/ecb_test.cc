#include "fx/ecb.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace meridian::fx {
namespace {

TEST(EcbTest, ReadsTheRealHistory) {
  const std::string path = std::string(MERIDIAN_SOURCE_ROOT) +
                           "/../shared/data/fx/eurofxref-hist.csv";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << "../shared/data is not beside the repo";
  }
  Result<EcbHistory> h = ReadEcbHistory(path);
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_GT(h->fixings.size(), 6000u);
  // A Saturday answers Friday's fixing.
  const EcbFixing* f = h->OnOrBefore("2025-05-10");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->date, "2025-05-09");
  std::map<std::string, std::string> rates;
  for (const auto& [c, r] : f->rates)
    rates[std::string(c.code())] = r.ToString();
  EXPECT_EQ(rates["USD"], "1.1252");
  EXPECT_EQ(rates["JPY"], "163.36");
  EXPECT_EQ(rates["IDR"], "18606.59");
  EXPECT_EQ(rates.count("CYP"), 0u);  // gone from ISO 4217: skipped
  EXPECT_NE(std::find(h->skipped_currencies.begin(),
                      h->skipped_currencies.end(), "CYP"),
            h->skipped_currencies.end());
  EXPECT_EQ(h->OnOrBefore("1998-12-31"), nullptr);
  EXPECT_EQ(h->fixings.back().date, "1999-01-04");
}

TEST(EcbTest, ABadLineRefusesTheFileAndNamesTheLine) {
  const std::string header = "Date,USD,JPY,CYP,\n";
  ASSERT_TRUE(ParseEcbHistory(header + "2025-05-09,1.1252,163.36,N/A,\n"
                                       "2025-05-08,1.13,N/A,N/A,\n")
                  .ok());
  struct Case {
    std::string text, needle;
  };
  for (const Case& c : std::vector<Case>{
           {header + "2025-05-09,1.1252,163.36,\n", "line 2: expected 4"},
           {header + "2025-5-09,1.1252,163.36,N/A,\n", "line 2: a date"},
           {header + "2025-05-09,1.1252,-1,N/A,\n", "line 2: column 3"},
           {header + "2025-05-08,1,1,N/A,\n2025-05-09,1,1,N/A,\n",
            "line 3: dates go"},
           {"When,USD\n", "line 1: the header"},
           {"", "the file is empty"},
       }) {
    Result<EcbHistory> h = ParseEcbHistory(c.text);
    ASSERT_FALSE(h.ok()) << c.text;
    EXPECT_EQ(h.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_NE(h.error().message.find(c.needle), std::string::npos)
        << h.error().message;
  }
}

// Every prefix and single-byte change of a valid file either parses or is
// refused with a message: never a crash (a cheap stand-in for the fuzzer).
TEST(EcbTest, MutationsNeverCrash) {
  const std::string good =
      "Date,USD,JPY,CYP,\r\n2025-05-09,1.1252,163.36,N/A,\r\n"
      "2025-05-08,1.13,N/A,0.5,\r\n";
  for (size_t i = 0; i <= good.size(); ++i) {
    (void)ParseEcbHistory(good.substr(0, i));
    for (char c : std::string(",.-N/A0\n\r x")) {
      std::string m = good;
      if (i < m.size()) m[i] = c;
      Result<EcbHistory> h = ParseEcbHistory(m);
      if (!h.ok()) {
        EXPECT_FALSE(h.error().message.empty());
      }
    }
  }
}

}  // namespace
}  // namespace meridian::fx
