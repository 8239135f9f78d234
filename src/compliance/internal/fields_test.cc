#include "compliance/internal/fields.h"

#include <gtest/gtest.h>

#include "compliance/internal/countries.h"
#include "compliance/internal/text.h"

namespace meridian::compliance::internal {
namespace {

std::vector<std::string> Dates(std::string_view text) {
  std::vector<std::string> out;
  EXPECT_TRUE(ParseDates(text, &out)) << text;
  return out;
}

using V = std::vector<std::string>;

TEST(ParseDatesTest, OfacForms) {
  EXPECT_EQ(Dates("14 May 1970"), V{"1970-05-14"});
  EXPECT_EQ(Dates("01 Feb 1957"), V{"1957-02-01"});
  EXPECT_EQ(Dates("Dec 1970"), V{"1970-12"});
  EXPECT_EQ(Dates("1970"), V{"1970"});
  EXPECT_EQ(Dates("1970."), V{"1970"});
  EXPECT_EQ(Dates("circa 1955"), V{"1955"});
  EXPECT_EQ(Dates("circa 01 Jul 1960"), V{"1960-07-01"});
  EXPECT_EQ(Dates("1970 to 1972"), (V{"1970", "1971", "1972"}));
  EXPECT_EQ(Dates("01 Jan 1973 to 31 Dec 1973"), V{"1973"});
  EXPECT_EQ(Dates("21 Mar 1965 to 20 Mar 1966"), (V{"1965", "1966"}));
  EXPECT_EQ(Dates("Mar 1965 to Mar 1965"), V{"1965-03"});
  EXPECT_EQ(Dates("circa 1955-1958"), (V{"1955", "1956", "1957", "1958"}));
  EXPECT_EQ(Dates("1900 to 1950"), (V{"1900", "1950"}));  // too wide
}

TEST(ParseDatesTest, UnAndUkForms) {
  EXPECT_EQ(Dates("1970-05-14"), V{"1970-05-14"});
  EXPECT_EQ(Dates("1970-05-00"), V{"1970-05"});
  EXPECT_EQ(Dates("1970-00-00"), V{"1970"});
  EXPECT_EQ(Dates("1970-05"), V{"1970-05"});
  EXPECT_EQ(Dates("August 1961 "), V{"1961-08"});
  EXPECT_EQ(Dates("Nov. 1973"), V{"1973-11"});
  EXPECT_EQ(Dates("Sept 1973"), V{"1973-09"});
  EXPECT_EQ(Dates("14/05/1970"), V{"1970-05-14"});
  EXPECT_EQ(Dates("4/5/1970"), V{"1970-05-04"});
  EXPECT_EQ(Dates("00/05/1970"), V{"1970-05"});
  EXPECT_EQ(Dates("00/00/1970"), V{"1970"});
  EXPECT_EQ(Dates("29-06-2012"), V{"2012-06-29"});
}

TEST(ParseDatesTest, ImpossiblePartsLosePrecisionNotTheDate) {
  EXPECT_EQ(Dates("31 Sep 1960"), V{"1960-09"});
  EXPECT_EQ(Dates("29 Feb 1961"), V{"1961-02"});
  EXPECT_EQ(Dates("29 Feb 1960"), V{"1960-02-29"});
  EXPECT_EQ(Dates("1960-13-01"), V{"1960"});
}

TEST(ParseDatesTest, WhatItDoesNotRead) {
  std::vector<std::string> out;
  for (std::string_view text :
       {"", "unknown", "24/06/1402 (Hijri Calendar)", "30-35 years old",
        "Between Aug. and Sep. 1977", "14 Foo 1970", "1500", "19700",
        "1972 to 1970", "12/1970", "1970-5-1"}) {
    EXPECT_FALSE(ParseDates(text, &out)) << text;
  }
  EXPECT_TRUE(out.empty());
}

TEST(IdentifierTest, OfacRemarkForms) {
  std::optional<Identifier> id = ParseIdentifier("Passport Q081061 (Thailand)");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "Passport");
  EXPECT_EQ(id->number, "Q081061");
  EXPECT_EQ(id->country, "TH");

  id =
      ParseIdentifier("Passport 456682 issued 06 Nov 1990 expires 13 Sep 1995");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->number, "456682");
  EXPECT_EQ(id->country, "");

  id = ParseIdentifier("Vessel Registration Identification IMO 9187629");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "IMO");
  EXPECT_EQ(id->number, "9187629");

  id = ParseIdentifier("Registration Number HRA 738077 (Stuttgart) (Germany)");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->number, "HRA 738077");
  EXPECT_EQ(id->country, "DE");

  id = ParseIdentifier("National ID No. 216040 (Yemen)");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "National ID No.");
  EXPECT_EQ(id->country, "YE");

  id = ParseIdentifier("Passport Booklet: A5199819 (Pakistan)");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "Passport Booklet");
  EXPECT_EQ(id->number, "A5199819");

  id = ParseIdentifier("Digital Currency Address - XBT 12QtD5BFwRsdNs");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "Digital Currency Address - XBT");
  EXPECT_EQ(id->number, "12QtD5BFwRsdNs");

  for (std::string_view not_an_id :
       {"Website www.example.com", "Gender Male", "Passport", "Passports 1",
        "Linked To: X", "Email Address a@b.c", "Passport (Iran)"}) {
    EXPECT_FALSE(ParseIdentifier(not_an_id)) << not_an_id;
  }
}

TEST(IdentifierTest, CslLabelForms) {
  std::optional<Identifier> id =
      MakeIdentifier("Vessel Registration Identification", "IMO 8898831");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "IMO");
  EXPECT_EQ(id->number, "8898831");
  id = MakeIdentifier("Digital Currency Address - ETH", "0xabc");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, "Digital Currency Address - ETH");
  EXPECT_FALSE(MakeIdentifier("Website", "www.example.com"));
}

TEST(CountryCodeTest, TheListsSpellings) {
  EXPECT_EQ(CountryCode("Korea, North"), "KP");
  EXPECT_EQ(CountryCode("Democratic People's Republic of Korea"), "KP");
  EXPECT_EQ(CountryCode("Iran (Islamic Republic of)"), "IR");
  EXPECT_EQ(CountryCode("  russian   federation. "), "RU");
  EXPECT_EQ(CountryCode("the Philippines"), "PH");
  EXPECT_EQ(CountryCode("The Gambia"), "GM");
  EXPECT_EQ(CountryCode("Region: Gaza"), "PS");
  EXPECT_EQ(CountryCode("U.K."), "GB");
  EXPECT_EQ(CountryCode("T\xC3\x9CRKIYE"), "");  // case folding is ASCII-only
  EXPECT_EQ(CountryCode("t\xC3\xBCrkiye"), "TR");
  EXPECT_EQ(CountryCode("Region: Crimea"), "");
  EXPECT_EQ(CountryCode("USSR"), "");
  EXPECT_EQ(CountryCode("undetermined"), "");
  EXPECT_EQ(CountryCode(""), "");
}

TEST(NotesTest, RemembersWhatItLeftOut) {
  Notes notes;
  std::vector<std::string> countries, dates;
  notes.AddCountry("Iran", &countries);
  notes.AddCountry("Atlantis", &countries);
  notes.AddCountry("Atlantis", &countries);
  notes.AddCountry("iran", &countries);
  notes.AddDates("1402 AH", &dates);
  notes.AddDates("1970", &dates);
  EXPECT_EQ(countries, V{"IR"});
  EXPECT_EQ(dates, V{"1970"});
  const std::vector<std::string> lines = notes.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"Atlantis\" ×2"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("1 dates of birth not understood"), std::string::npos)
      << lines[1];
}

TEST(CheckTextTest, RefusesBytesThatAreNotText) {
  EXPECT_TRUE(CheckText("plain\r\nt\xC3\xBCrkiye\t\xE2\x80\xA6\n\x1A").ok());
  struct Case {
    std::string text, message;
  };
  for (const Case& c : std::vector<Case>{
           {"ok\nbad \xFF\n", "line 2: invalid UTF-8 (byte 0xFF)"},
           {"a\n\nb\x01", "line 3: control character 0x01"},
           {std::string("a\0b", 3), "line 1: control character 0x00"},
           {"\xC0\xAF", "line 1: invalid UTF-8 (byte 0xC0)"},  // overlong
           {"\xED\xA0\x80", "line 1: invalid UTF-8"},          // surrogate
           {"cut \xE2\x80", "line 1: invalid UTF-8"},
           {"\x1A\x1A", "line 1: control character 0x1A"},
       }) {
    Status s = CheckText(c.text);
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.error().message.substr(0, c.message.size()), c.message);
  }
}

TEST(TextTest, Helpers) {
  EXPECT_EQ(CollapseSpace("  National Identification\n    Number "),
            "National Identification Number");
  EXPECT_EQ(SplitTrimmed("a; b;; c ;", ";"),
            (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(14965), "14,965");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(LineOfOffset("a\nb\nc", 0), 1u);
  EXPECT_EQ(LineOfOffset("a\nb\nc", 2), 2u);
  EXPECT_EQ(LineOfOffset("a\nb\nc", 99), 3u);
}

}  // namespace
}  // namespace meridian::compliance::internal
