// Runs every list fuzz entry over a seed corpus and deterministic mutants
// of it, so every test run checks what the fuzzers check (lists_fuzz.h).
// The seeds are made up in each list's layout; none is real list data.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "compliance/fuzz/lists_fuzz.h"
#include "core/testing/fuzz_corpus.h"

namespace meridian::compliance {
namespace {

constexpr char kSdnRow[] =
    "100,\"DOE, John\",\"individual\",\"SDGT] [IRGC\",-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- ,\"DOB 14 May 1970; alt. DOB 1968 to 1970; POB Shiraz, "
    "Iran; nationality Iran; Passport A1 (Iran) issued 2001; a.k.a. 'JD'.\""
    "\r\n";
constexpr char kVesselRow[] =
    "300,\"SEA STAR\",\"vessel\",\"DPRK\",-0- ,\"HMAB\",\"Tanker\",\"1\",\"2\","
    "\"Korea, North\",-0- ,\"Vessel Registration Identification IMO 1234567; "
    "f.k.a. 'OLD'\"\r\n";
constexpr char kAltRows[] =
    "100,1,\"aka\",\"DOE, Johnny\",-0- \r\n300,2,\"fka\",\"STAR\",-0- \r\n";
constexpr char kAddRows[] =
    "100,10,\"1 Main St\",\"Tehran\",\"Iran\",-0- \r\n"
    "300,11,-0- ,-0- ,\"Region: Crimea\",-0- \r\n";
constexpr char kCommentRows[] = "100,\"; National ID No. 5 (Iran).\"\r\n";

std::vector<std::string> OfacSeeds() {
  const std::string ff = "\f";
  return {
      std::string(kSdnRow) + kVesselRow + "\x1A" + ff + kAltRows + ff +
          kAddRows + ff + kCommentRows,
      std::string(kSdnRow) + ff + kAltRows + ff + ff,
      std::string(kVesselRow) + ff + ff + kAddRows,
      std::string(kSdnRow) + kSdnRow,  // the same ent_num twice
      "",
  };
}

std::vector<std::string> UnSeeds() {
  return {
      R"(<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-01-02T00:00:00Z"><INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>JOHN</FIRST_NAME>
<SECOND_NAME>DOE</SECOND_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
<REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER><COMMENTS1>x</COMMENTS1>
<NAME_ORIGINAL_SCRIPT>جون</NAME_ORIGINAL_SCRIPT>
<NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Abu J</ALIAS_NAME>
<DATE_OF_BIRTH>1970</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ADDRESS><COUNTRY>Syrian Arab Republic</COUNTRY></INDIVIDUAL_ADDRESS>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE>
<FROM_YEAR>1960</FROM_YEAR><TO_YEAR>1962</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DATE_OF_BIRTH><NOTE>August 1961</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT>
<NUMBER>X1</NUMBER><ISSUING_COUNTRY>Iraq</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY><DATAID>2</DATAID>
<FIRST_NAME>ACME</FIRST_NAME><REFERENCE_NUMBER>QDe.1</REFERENCE_NUMBER>
<ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>A &amp; B</ALIAS_NAME>
</ENTITY_ALIAS><ENTITY_ADDRESS><COUNTRY>Türkiye</COUNTRY></ENTITY_ADDRESS>
</ENTITY></ENTITIES></CONSOLIDATED_LIST>
)",
      "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A"
      "</FIRST_NAME><DATAID>7</DATAID></INDIVIDUAL></INDIVIDUALS>"
      "</CONSOLIDATED_LIST>",
      "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><CONSOLIDATED_LIST "
      "dateGenerated=\"&a;\"><ENTITIES><ENTITY><FIRST_NAME><![CDATA[B&C]]>"
      "</FIRST_NAME><DATAID>8</DATAID></ENTITY></ENTITIES>"
      "</CONSOLIDATED_LIST>",
      "",
  };
}

std::vector<std::string> UkSeeds() {
  const std::string header =
      "Unique ID,OFSI Group ID,Name,Regime Name,Type,Designation source,"
      "Date Designated,Sanctions Imposed\r\n";
  return {
      "Last Updated,11/08/2025\r\n" + header +
          "RUS0001,100,Ivanov Ivan,Russia,Individual,UK,15-03-2022,"
          "\"Asset freeze, Travel Ban\"\r\n"
          "GHR0001,100,Ivanoff Ivan,Global Human Rights,Individual,UK,"
          "01-02-2021,Asset freeze\r\n"
          "DPR0001,\"\n     \",Sea Star,Korea,Ship,UN,03-10-2017,"
          "Prohibition of port entry\r\n",
      header + "AFG0001,1,X,Afghanistan,Entity,UN,29-06-2012,Asset freeze\r\n",
      "Name 6,Name 1,Group ID\r\nDOE,John,1\r\n",
  };
}

std::vector<std::string> CslSeeds() {
  const std::string header =
      "source,entity_number,type,programs,name,title,addresses,"
      "federal_register_notice,start_date,end_date,standard_order,"
      "license_requirement,license_policy,call_sign,vessel_type,"
      "gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,"
      "remarks,source_list_url,alt_names,citizenships,dates_of_birth,"
      "nationalities,places_of_birth,source_information_url,ids\n";
  return {
      header +
          "Specially Designated Nationals (SDN) - Treasury Department,5,"
          "Individual,SDGT,\"DOE, John\",,\"Gaza, PS; Berlin, DE\",,,,,,,,,,,"
          ",,note,,\"DOE, J; JD\",DZ,1974; 1975-01-02,Syria,,,\"IR, A1, "
          "Passport; IMO 9, Vessel Registration Identification\"\n"
          "Denied Persons List (DPL) - Bureau,,,, ROE ,,\"1 Main, AZ, 85043\","
          ",,,,,,C1,,,,Iran,,,,,,,,,,\n",
      header,
  };
}

std::vector<std::string> CsvSeeds() {
  std::vector<std::string> seeds = {
      "a,b,c\r\n1,\"x, y\",\"q\"\"uote\"\r\n",
      "\"multi\nline\",2\n\n3,4\n\x1A",
      "\xEF\xBB\xBF"
      "DOB 14 May 1970,Passport A1 (Iran),Korea, North\n",
      "1970 to 1972,00/05/1970,Nov. 1973,circa 1955-1958\n",
      "\"never closed\n",
  };
  for (const auto& s : OfacSeeds()) seeds.push_back(s);
  return seeds;
}

const char* const kTokens[] = {",",
                               "\"",
                               "\"\"",
                               "\r\n",
                               "\n",
                               "\r",
                               "-0- ",
                               "\f",
                               "\x1A",
                               "; ",
                               "DOB ",
                               " to ",
                               "Passport ",
                               "(Iran)",
                               "a.k.a. '",
                               "'",
                               "<",
                               ">",
                               "</",
                               "/>",
                               "&amp;",
                               "&#x0;",
                               "<![CDATA[",
                               "]]>",
                               "<INDIVIDUAL>",
                               "</INDIVIDUAL>",
                               "<ENTITY>",
                               "<ALIAS_NAME>",
                               "<VALUE>",
                               "1970",
                               "-00",
                               "/00/",
                               "\xC3",
                               "\xFF",
                               "100,",
                               "Region: ",
                               "Group ID",
                               "Unique ID",
                               "Name 6"};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng());
        break;
      case 1:  // delete a run
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 8);
        break;
      case 2:  // insert a format token
        s.insert(pos, kTokens[rng() % std::size(kTokens)]);
        break;
      case 3:  // duplicate a slice (repeats rows, ids, elements)
        if (!s.empty()) {
          const size_t from = rng() % s.size();
          s.insert(pos, s.substr(from, 1 + rng() % 64));
        }
        break;
      case 4:  // cut the file short
        s.resize(pos);
        break;
      default:  // insert a random byte
        s.insert(pos, 1, static_cast<char>(rng()));
        break;
    }
  }
  return s;
}

template <typename Entry>
auto Runner(Entry entry) {
  return [entry](const std::string& input) {
    entry(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  };
}

struct Target {
  const char* name;
  std::vector<std::string> (*seeds)();
  void (*entry)(const uint8_t*, size_t);
};

const Target kTargets[] = {
    {"csv", CsvSeeds, FuzzCsvOnce},      {"ofac", OfacSeeds, FuzzOfacOnce},
    {"un_xml", UnSeeds, FuzzUnXmlOnce},  {"uk_csv", UkSeeds, FuzzUkCsvOnce},
    {"us_csl", CslSeeds, FuzzUsCslOnce},
};

TEST(ListsFuzzCorpusTest, SeedsLoad) {
  // The seeds themselves are good lists (but for the few meant to be bad),
  // so mutants start from inputs that reach deep into the parsers.
  EXPECT_TRUE(ParseUnXml(UnSeeds()[0]).ok());
  EXPECT_TRUE(ParseUkCsv(UkSeeds()[0]).ok());
  EXPECT_TRUE(ParseUsCsl(CslSeeds()[0]).ok());
  for (const Target& t : kTargets) {
    for (const std::string& seed : t.seeds()) Runner(t.entry)(seed);
  }
}

TEST(ListsFuzzCorpusTest, DeterministicMutations) {
  uint64_t rng_seed = 0x6d6572696469616e;
  for (const Target& t : kTargets) {
    SCOPED_TRACE(t.name);
    meridian::testing::RunMutants(t.seeds(), rng_seed++, 10000, Mutate,
                                  Runner(t.entry));
  }
}

}  // namespace
}  // namespace meridian::compliance
