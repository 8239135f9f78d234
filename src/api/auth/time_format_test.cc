#include "api/auth/time_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace meridian::auth {
namespace {

constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kMs = 1'000'000;

TEST(TimeFormatTest, Formats) {
  EXPECT_EQ(FormatRfc3339(1795521600 * kS + 123 * kMs),
            "2026-11-24T12:00:00.123Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  // Rounded towards the past, also before 1970.
  EXPECT_EQ(FormatRfc3339(999'999), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(-kS), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(FormatRfc3339(1709164800 * kS), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(std::numeric_limits<int64_t>::min()),
            "1677-09-21T00:12:43.145Z");
  EXPECT_EQ(FormatRfc3339(std::numeric_limits<int64_t>::max()),
            "2262-04-11T23:47:16.854Z");
}

TEST(TimeFormatTest, ParsesRfc3339Examples) {
  // RFC 3339 section 5.8.
  EXPECT_EQ(ParseRfc3339("1985-04-12T23:20:50.52Z").value(),
            482196050 * kS + 520 * kMs);
  EXPECT_EQ(ParseRfc3339("1996-12-19T16:39:57-08:00").value(), 851042397 * kS);
  EXPECT_EQ(ParseRfc3339("1937-01-01T12:00:27.87+00:20").value(),
            -1041337173 * kS + 870 * kMs);
  EXPECT_FALSE(ParseRfc3339("1990-12-31T23:59:60Z").ok());  // leap second
}

TEST(TimeFormatTest, ParsesVariants) {
  const int64_t noon = 1795521600 * kS;
  EXPECT_EQ(ParseRfc3339("2026-11-24T12:00:00Z").value(), noon);
  EXPECT_EQ(ParseRfc3339("2026-11-24t12:00:00z").value(), noon);
  EXPECT_EQ(ParseRfc3339("2026-11-24T19:00:00+07:00").value(), noon);
  EXPECT_EQ(ParseRfc3339("2026-11-24T06:30:00-05:30").value(), noon);
  EXPECT_EQ(ParseRfc3339("2026-11-24T12:00:00-00:00").value(), noon);
  EXPECT_EQ(ParseRfc3339("2026-11-25T11:59:00+23:59").value(), noon);
  EXPECT_EQ(ParseRfc3339("2026-11-24T12:00:00.1Z").value(), noon + 100 * kMs);
  EXPECT_EQ(ParseRfc3339("2026-11-24T12:00:00.000000001Z").value(), noon + 1);
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z").value(), 1709164800 * kS);
  EXPECT_EQ(ParseRfc3339("1969-12-31T23:59:59.999999999Z").value(), -1);
  EXPECT_EQ(ParseRfc3339("1677-09-21T00:12:43.145224192Z").value(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseRfc3339("2262-04-11T23:47:16.854775807Z").value(),
            std::numeric_limits<int64_t>::max());
}

TEST(TimeFormatTest, EarliestMillisecondFloorsOutOfRange) {
  EXPECT_FALSE(
      ParseRfc3339(FormatRfc3339(std::numeric_limits<int64_t>::min())).ok());
}

TEST(TimeFormatTest, RoundTripsAtMillisecondPrecision) {
  for (int64_t ns : {int64_t{0}, int64_t{1795521600123000000},
                     int64_t{-1041337173130000000}, int64_t{86399999000000}}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(ns)).value(), ns);
  }
}

TEST(TimeFormatTest, RefusesWithParamAndExample) {
  const char* bad[] = {
      "",
      "2026-11-24",
      "2026-11-24 12:00:00Z",   // space instead of T
      "2026-11-24T12:00:00",    // no offset
      "2026-11-24T12:00Z",      // no seconds
      "2026-11-24T12:00:00.Z",  // empty fraction
      "2026-11-24T12:00:00.1234567890Z",
      "2026-11-24T24:00:00Z",
      "2026-11-24T12:60:00Z",
      "2026-02-29T12:00:00Z",  // not a leap year
      "2026-13-01T12:00:00Z",
      "2026-00-01T12:00:00Z",
      "2026-11-31T12:00:00Z",
      "2026-11-24T12:00:00+24:00",
      "2026-11-24T12:00:00+07:60",
      "2026-11-24T12:00:00+0700",
      "2026-11-24T12:00:00Z ",
      "+2026-11-24T12:00:00Z",
      "1600-01-01T00:00:00Z",  // before int64 nanoseconds
      "2263-01-01T00:00:00Z",  // after
      "1677-09-21T00:12:43.145224191Z",
      "２０２６-11-24T12:00:00Z",
  };
  for (const char* text : bad) {
    Result<int64_t> r = ParseRfc3339(text, "Request-Time");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_EQ(r.error().param, "Request-Time");
    EXPECT_NE(r.error().message.find("2026-11-24T12:00:00.123Z"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace meridian::auth
