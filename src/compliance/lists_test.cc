#include "compliance/lists.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/testing/temp_dir.h"

namespace meridian::compliance {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using V = std::vector<std::string>;

// ---- Helpers ----

std::string SanctionsDir() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/sanctions";
}

#define SKIP_WITHOUT_DATA()                                              \
  do {                                                                   \
    if (!fs::is_directory(SanctionsDir())) {                             \
      GTEST_SKIP() << "../shared/data/sanctions is not beside the repo"; \
    }                                                                    \
  } while (0)

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Lines back into text, the last one without a line break (the OFAC files
// end with their 0x1A byte).
std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  if (!text.empty()) text.pop_back();
  return text;
}

std::string JoinWarnings(const LoadedList& list) {
  std::string all;
  for (const std::string& w : list.warnings) all += w + "\n";
  return all;
}

std::vector<std::string> SplitOn(const std::string& s, char c) {
  std::vector<std::string> parts;
  std::istringstream in(s);
  for (std::string part; std::getline(in, part, c);) parts.push_back(part);
  return parts;
}

// 1-based line of byte `offset`.
size_t LineAt(const std::string& text, size_t offset) {
  return 1 + std::count(text.begin(), text.begin() + offset, '\n');
}

const ListEntry* Find(const LoadedList& list, std::string_view id) {
  for (const ListEntry& e : list.entries) {
    if (e.source_id == id) return &e;
  }
  return nullptr;
}

bool Has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool HasId(const ListEntry& e, std::string_view type, std::string_view number,
           std::string_view country) {
  for (const Identifier& id : e.identifiers) {
    if (id.type == type && id.number == number && id.country == country) {
      return true;
    }
  }
  return false;
}

// Independent counts, by scans simpler than the loaders.

// Distinct leading numbers ("12345,") of an OFAC file, one record a line.
std::set<std::string> LeadingIds(const std::string& path) {
  std::set<std::string> ids;
  for (const std::string& line : Lines(ReadText(path))) {
    const size_t comma = line.find(',');
    if (comma == 0 || comma == std::string::npos) continue;
    const std::string id = line.substr(0, comma);
    if (std::all_of(id.begin(), id.end(), ::isdigit)) ids.insert(id);
  }
  return ids;
}

size_t CountOf(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

void ExpectWellFormed(const LoadedList& list) {
  size_t aliases = 0, weak = 0;
  std::set<std::string> ids;
  for (const ListEntry& e : list.entries) {
    EXPECT_EQ(e.list, list.info.name);
    EXPECT_FALSE(e.source_id.empty());
    EXPECT_TRUE(ids.insert(e.source_id).second) << e.source_id;
    aliases += e.aliases.size();
    weak += e.weak_aliases.size();
    for (const std::string& c : e.countries) {
      EXPECT_TRUE(c.size() == 2 && isupper(c[0]) && isupper(c[1]))
          << e.source_id << " " << c;
    }
    for (const std::string& d : e.dates_of_birth) {
      EXPECT_TRUE(d.size() == 4 || d.size() == 7 || d.size() == 10)
          << e.source_id << " " << d;
    }
    for (const Identifier& id : e.identifiers) {
      EXPECT_FALSE(id.type.empty());
      EXPECT_FALSE(id.number.empty());
    }
  }
  EXPECT_EQ(list.info.entries, list.entries.size());
  EXPECT_EQ(list.info.aliases, aliases);
  EXPECT_EQ(list.info.weak_aliases, weak);
}

// ---- The real lists ----

TEST(RealListsTest, OfacSdn) {
  SKIP_WITHOUT_DATA();
  const std::string dir = SanctionsDir() + "/ofac";
  Result<LoadedList> list = LoadOfacSdn(dir);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  EXPECT_EQ(list->info.name, "OFAC-SDN");
  EXPECT_EQ(list->info.path, dir + "/sdn.csv");
  EXPECT_EQ(list->info.date, "");
  EXPECT_EQ(list->info.entries, 14965u);  // per the data README
  const std::set<std::string> ids = LeadingIds(dir + "/sdn.csv");
  EXPECT_EQ(list->info.entries, ids.size());
  for (const std::string& w : list->warnings) std::cout << "  " << w << "\n";

  // Aliases, independently: the distinct quoted names of alt.csv rows whose
  // entry is listed, other than the entry's own name.
  std::map<std::string, std::string> names;  // ent_num -> name
  for (const std::string& line : Lines(ReadText(dir + "/sdn.csv"))) {
    std::vector<std::string> quoted = SplitOn(line, '"');
    if (quoted.size() > 2) names[line.substr(0, line.find(','))] = quoted[1];
  }
  std::set<std::pair<std::string, std::string>> alt_names;
  for (const std::string& line : Lines(ReadText(dir + "/alt.csv"))) {
    std::vector<std::string> quoted = SplitOn(line, '"');
    const std::string ent = line.substr(0, line.find(','));
    if (quoted.size() > 4 && names.count(ent) && quoted[3] != names[ent]) {
      alt_names.emplace(ent, quoted[3]);
    }
  }
  EXPECT_EQ(list->info.aliases, alt_names.size());

  size_t individuals = 0, vessels = 0, aircraft = 0, entities = 0;
  for (const ListEntry& e : list->entries) {
    individuals += e.type == EntityType::kIndividual;
    vessels += e.type == EntityType::kVessel;
    aircraft += e.type == EntityType::kAircraft;
    entities += e.type == EntityType::kEntity;
  }
  EXPECT_EQ(individuals, CountOf(ReadText(dir + "/sdn.csv"), "\"individual\""));
  EXPECT_EQ(vessels, 851u);
  EXPECT_EQ(aircraft, 376u);
  EXPECT_EQ(individuals + vessels + aircraft + entities, 14965u);

  // An individual with aliases, dates of birth and passports.
  const ListEntry* wei = Find(*list, "6714");
  ASSERT_NE(wei, nullptr);
  EXPECT_EQ(wei->name, "WEI, Hsueh Kang");
  EXPECT_EQ(wei->type, EntityType::kIndividual);
  EXPECT_EQ(wei->programs, "SDNTK");
  EXPECT_EQ(wei->aliases.size(), 9u);
  EXPECT_TRUE(Has(wei->aliases, "WEI, Xuekang"));
  EXPECT_TRUE(Has(wei->aliases, "CHEEWINNITTIPANYA, Prasit"));
  EXPECT_EQ(wei->dates_of_birth, (V{"1952-06-29", "1952-05-29"}));
  EXPECT_TRUE(HasId(*wei, "Passport", "Q081061", "TH"));
  EXPECT_TRUE(HasId(*wei, "Passport", "E091929", "TH"));
  // A passport's country stays with the passport: it is not a nationality.
  EXPECT_TRUE(wei->countries.empty());

  // Countries from the place of birth, citizenship and address; a weak
  // alias from the remarks; the title column is not a remark.
  const ListEntry* faqih = Find(*list, "8808");
  ASSERT_NE(faqih, nullptr);
  EXPECT_EQ(faqih->name, "AL-FAQIH, Saad Rashed Mohammad");
  EXPECT_EQ(faqih->countries, (V{"IQ", "SA", "GB"}));
  EXPECT_EQ(faqih->weak_aliases, V{"ABU UTHMAN"});
  EXPECT_EQ(faqih->dates_of_birth, (V{"1957-02-01", "1957-01-31"}));
  EXPECT_TRUE(HasId(*faqih, "Passport", "760620", ""));

  // A vessel: IMO number, flag, former names (weak aliases in remarks).
  const ListEntry* ebano = Find(*list, "4243");
  ASSERT_NE(ebano, nullptr);
  EXPECT_EQ(ebano->type, EntityType::kVessel);
  EXPECT_TRUE(HasId(*ebano, "IMO", "7406784", ""));
  EXPECT_TRUE(Has(ebano->countries, "PA"));
  EXPECT_EQ(ebano->weak_aliases, (V{"ANA I", "SAND SWAN"}));
  const ListEntry* mar_azul = Find(*list, "4238");
  ASSERT_NE(mar_azul, nullptr);
  EXPECT_TRUE(HasId(*mar_azul, "Call Sign", "CL2192", ""));

  // Several programs; remarks continued from sdn_comments.csv, and what
  // the continuation says is read too.
  const ListEntry* sber = Find(*list, "17018");
  ASSERT_NE(sber, nullptr);
  EXPECT_EQ(sber->type, EntityType::kEntity);
  EXPECT_EQ(sber->programs, "UKRAINE-EO13662; RUSSIA-EO14024");
  EXPECT_THAT(sber->remarks,
              HasSubstr("Listing Date (EO 14024 Directive 3): 24 Feb 2022"));
  EXPECT_TRUE(HasId(*sber, "Tax ID No.", "7707083893", "RU"));
  EXPECT_TRUE(HasId(*sber, "SWIFT/BIC", "SABRRUMM", ""));
}

TEST(RealListsTest, OfacSdnWithoutTheOptionalCommentsFile) {
  SKIP_WITHOUT_DATA();
  testing::TempDir tmp;
  for (const char* f : {"sdn.csv", "alt.csv", "add.csv"}) {
    fs::copy_file(SanctionsDir() + "/ofac/" + f, tmp.path() + "/" + f);
  }
  Result<LoadedList> list = LoadOfacSdn(tmp.path());
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_EQ(list->info.entries, 14965u);
  const ListEntry* sber = Find(*list, "17018");
  ASSERT_NE(sber, nullptr);
  EXPECT_THAT(sber->remarks,
              ::testing::Not(HasSubstr("Directive 3): 24 Feb 2022")));
  EXPECT_FALSE(HasId(*sber, "Tax ID No.", "7707083893", "RU"));
}

TEST(RealListsTest, OfacConsolidated) {
  SKIP_WITHOUT_DATA();
  const std::string dir = SanctionsDir() + "/ofac_consolidated";
  Result<LoadedList> list = LoadOfacConsolidated(dir);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  for (const std::string& w : list->warnings) std::cout << "  " << w << "\n";
  EXPECT_EQ(list->info.name, "OFAC-CONS");
  EXPECT_EQ(list->info.entries, LeadingIds(dir + "/cons_prim.csv").size());
  const ListEntry* haniya = Find(*list, "9639");
  ASSERT_NE(haniya, nullptr);
  EXPECT_EQ(haniya->name, "HANIYA, Ismail Abdul Salah");
  EXPECT_EQ(haniya->programs, "NS-PLC");
  EXPECT_EQ(haniya->dates_of_birth, V{"1962"});
  EXPECT_TRUE(Has(haniya->aliases, "HANIYYA, Ismaeel"));
}

TEST(RealListsTest, Un) {
  SKIP_WITHOUT_DATA();
  const std::string path = SanctionsDir() + "/un/consolidated.xml";
  Result<LoadedList> list = LoadUnXml(path);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  for (const std::string& w : list->warnings) std::cout << "  " << w << "\n";
  EXPECT_EQ(list->info.name, "UN");
  EXPECT_EQ(list->info.path, path);
  EXPECT_EQ(list->info.date, "2026-02-27T00:00:09.554Z");
  size_t individuals = 0, entities = 0;
  for (const ListEntry& e : list->entries) {
    individuals += e.type == EntityType::kIndividual;
    entities += e.type == EntityType::kEntity;
  }
  EXPECT_EQ(individuals, 730u);  // per the data README
  EXPECT_EQ(entities, 273u);
  const std::string xml = ReadText(path);
  EXPECT_EQ(individuals, CountOf(xml, "<INDIVIDUAL>"));
  EXPECT_EQ(entities, CountOf(xml, "<ENTITY>"));
  EXPECT_EQ(list->info.entries, 1003u);

  const ListEntry* njabu = Find(*list, "CDi.021");
  ASSERT_NE(njabu, nullptr);
  EXPECT_EQ(njabu->name, "FLORIBERT NGABU NJABU");
  EXPECT_EQ(njabu->type, EntityType::kIndividual);
  EXPECT_EQ(njabu->programs, "DRC");
  EXPECT_EQ(njabu->aliases, (V{"Floribert Njabu Ngabu", "Floribert Ndjabu",
                               "Floribert Ngabu Ndjabu"}));
  EXPECT_EQ(njabu->dates_of_birth, V{"1971-05-23"});
  EXPECT_EQ(njabu->countries, V{"CD"});
  EXPECT_TRUE(HasId(*njabu, "Passport", "OB 0243318", "CD"));

  const ListEntry* adf = Find(*list, "CDe.001");
  ASSERT_NE(adf, nullptr);
  EXPECT_EQ(adf->name, "ADF");
  EXPECT_EQ(adf->type, EntityType::kEntity);
  EXPECT_EQ(adf->aliases.front(), "Allied Democratic Forces");
  EXPECT_TRUE(Has(adf->aliases, "ADF/NALU"));
  EXPECT_EQ(adf->countries, V{"CD"});
}

TEST(RealListsTest, Uk) {
  SKIP_WITHOUT_DATA();
  const std::string path = SanctionsDir() + "/uk/uk_sanctions_list.csv";
  Result<LoadedList> list = LoadUkCsv(path);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  for (const std::string& w : list->warnings) std::cout << "  " << w << "\n";
  EXPECT_EQ(list->info.name, "UK");
  EXPECT_EQ(list->info.entries, 5302u);  // per the data README
  // Independently: distinct ids at the start of a line ("AFG0001,").
  std::set<std::string> ids;
  for (const std::string& line : Lines(ReadText(path))) {
    if (line.size() > 8 && line[7] == ',' &&
        std::all_of(line.begin(), line.begin() + 3, ::isupper) &&
        std::all_of(line.begin() + 3, line.begin() + 7, ::isdigit)) {
      ids.insert(line.substr(0, 7));
    }
  }
  EXPECT_EQ(list->info.entries, ids.size());

  const ListEntry* afg = Find(*list, "AFG0001");
  ASSERT_NE(afg, nullptr);
  EXPECT_EQ(afg->name, "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE");
  EXPECT_EQ(afg->type, EntityType::kEntity);
  EXPECT_EQ(afg->programs, "Afghanistan");
  EXPECT_EQ(afg->remarks, "Designated 2012-06-29 (UN); Asset freeze");

  // One OFSI group, two designations spelt differently: each has the other
  // name as an alias.
  const ListEntry* bel = Find(*list, "BEL0005");
  const ListEntry* ghr = Find(*list, "GHR0055");
  ASSERT_NE(bel, nullptr);
  ASSERT_NE(ghr, nullptr);
  EXPECT_EQ(bel->name, "Karaev Yuri Khadzimuratovich");
  EXPECT_EQ(bel->aliases, V{"Karayev Yuri Khadzimuratovich"});
  EXPECT_EQ(ghr->aliases, V{"Karaev Yuri Khadzimuratovich"});
  EXPECT_EQ(bel->programs, "Belarus");
  EXPECT_EQ(ghr->programs, "Global Human Rights");

  size_t ships = 0;
  for (const ListEntry& e : list->entries)
    ships += e.type == EntityType::kVessel;
  EXPECT_EQ(ships, CountOf(ReadText(path), ",Ship,"));
}

TEST(RealListsTest, UsCsl) {
  SKIP_WITHOUT_DATA();
  const std::string path = SanctionsDir() + "/us_csl/csl.csv";
  Result<LoadedList> list = LoadUsCsl(path);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  for (const std::string& w : list->warnings) std::cout << "  " << w << "\n";
  EXPECT_EQ(list->info.name, "US-CSL");
  // This export has one record a line: the header, then the entries.
  EXPECT_EQ(list->info.entries, Lines(ReadText(path)).size() - 1);

  const ListEntry* akbari = Find(*list, "27271");
  ASSERT_NE(akbari, nullptr);
  EXPECT_EQ(akbari->name, "AKBARI, Mohammadreza Ali");
  EXPECT_EQ(akbari->type, EntityType::kIndividual);
  EXPECT_EQ(akbari->dates_of_birth, V{"1967-10-31"});
  EXPECT_EQ(akbari->aliases.size(), 3u);
  EXPECT_TRUE(HasId(*akbari, "Passport", "21795618", ""));
  EXPECT_EQ(akbari->programs.substr(0, 3), "SDN");

  const ListEntry* karnes = Find(*list, "12449");
  ASSERT_NE(karnes, nullptr);
  EXPECT_TRUE(HasId(*karnes, "Matricula Mercantil No", "1978075", "CO"));
  EXPECT_EQ(karnes->countries, V{"CO"});

  const ListEntry* vessel = Find(*list, "23156");
  ASSERT_NE(vessel, nullptr);
  EXPECT_EQ(vessel->type, EntityType::kVessel);
  EXPECT_TRUE(HasId(*vessel, "IMO", "8898831", ""));
}

TEST(RealListsTest, LoadSanctionsDirLoadsEveryList) {
  SKIP_WITHOUT_DATA();
  std::vector<std::string> progress;
  LoadReport report = LoadSanctionsDir(
      SanctionsDir(),
      [&](std::string_view line) { progress.emplace_back(line); });
  for (const std::string& line : progress) std::cout << line << "\n";
  EXPECT_TRUE(report.refused.empty());
  ASSERT_EQ(report.lists.size(), 5u);
  V names;
  for (const LoadedList& l : report.lists) names.push_back(l.info.name);
  EXPECT_EQ(names, (V{"OFAC-SDN", "OFAC-CONS", "UN", "UK", "US-CSL"}));
  ASSERT_FALSE(progress.empty());
  EXPECT_THAT(progress[0], HasSubstr("loading OFAC-SDN from "));
  EXPECT_THAT(progress[0], HasSubstr("/ofac/sdn.csv … 14,965 entries, "));
  size_t loading = 0;
  for (const std::string& line : progress) {
    loading += line.starts_with("loading ");
  }
  EXPECT_EQ(loading, 5u);
}

// ---- Small hand-written lists: every field's mapping ----

constexpr char kSdn[] =
    "100,\"DOE, John\",\"individual\",\"SDGT] [IRGC\",\"Doctor\",-0- ,-0- ,"
    "-0- ,-0- ,-0- ,-0- ,\"DOB 14 May 1970; alt. DOB circa 1968; POB "
    "Shiraz, Iran; nationality Iran; Passport A1234567 (Iran) issued 2001; "
    "National ID No. 987-65 (Iran); Gender Male; a.k.a. 'JD'.\"\r\n"
    "200,\"ACME TRADING, LLC\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- \r\n"
    "300,\"SEA STAR\",\"vessel\",\"DPRK\",-0- ,\"HMAB\",\"Tanker\",\"1000\","
    "\"900\",\"Korea, North\",\"OWNER CO\",\"Vessel Registration "
    "Identification IMO 1234567; f.k.a. 'OLD STAR'\"\r\n\x1A";
constexpr char kAlt[] =
    "100,1,\"aka\",\"DOE, Johnny\",-0- \r\n"
    "100,2,\"fka\",\"DOE,  J.\",-0- \r\n"
    "100,3,\"aka\",\"DOE, John\",-0- \r\n"
    "999,4,\"aka\",\"LEFT THE LIST\",-0- \r\n";
constexpr char kAdd[] =
    "200,10,\"1 Main St\",\"Havana\",\"Cuba\",-0- \r\n"
    "200,11,-0- ,\"Atlantis City\",\"Atlantis\",-0- \r\n"
    "100,12,-0- ,-0- ,-0- ,-0- \r\n";
constexpr char kComments[] = "200,\"Registration Number 55 (Cuba).\"\r\n";

TEST(OfacParseTest, MapsEveryColumn) {
  Result<LoadedList> list = ParseOfacSdn(kSdn, kAlt, kAdd, kComments);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  ASSERT_EQ(list->entries.size(), 3u);
  EXPECT_EQ(list->info.aliases, 2u);
  EXPECT_EQ(list->info.weak_aliases, 2u);

  const ListEntry& doe = list->entries[0];
  EXPECT_EQ(doe.list, "OFAC-SDN");
  EXPECT_EQ(doe.source_id, "100");
  EXPECT_EQ(doe.type, EntityType::kIndividual);
  EXPECT_EQ(doe.name, "DOE, John");
  EXPECT_EQ(doe.aliases, (V{"DOE, Johnny", "DOE, J."}));
  EXPECT_EQ(doe.weak_aliases, V{"JD"});
  EXPECT_EQ(doe.countries, V{"IR"});
  EXPECT_EQ(doe.dates_of_birth, (V{"1970-05-14", "1968"}));
  ASSERT_EQ(doe.identifiers.size(), 2u);
  EXPECT_TRUE(HasId(doe, "Passport", "A1234567", "IR"));
  EXPECT_TRUE(HasId(doe, "National ID No.", "987-65", "IR"));
  EXPECT_EQ(doe.programs, "SDGT; IRGC");
  EXPECT_THAT(doe.remarks, HasSubstr("Gender Male"));

  const ListEntry& acme = list->entries[1];
  EXPECT_EQ(acme.type, EntityType::kEntity);
  EXPECT_EQ(acme.name, "ACME TRADING, LLC");
  EXPECT_EQ(acme.countries, V{"CU"});  // Atlantis is left out
  EXPECT_EQ(acme.remarks, "Registration Number 55 (Cuba).");
  EXPECT_TRUE(HasId(acme, "Registration Number", "55", "CU"));

  const ListEntry& star = list->entries[2];
  EXPECT_EQ(star.type, EntityType::kVessel);
  EXPECT_EQ(star.countries, V{"KP"});  // the flag
  EXPECT_TRUE(HasId(star, "IMO", "1234567", ""));
  EXPECT_TRUE(HasId(star, "Call Sign", "HMAB", ""));
  EXPECT_EQ(star.weak_aliases, V{"OLD STAR"});

  const std::string warnings = JoinWarnings(*list);
  EXPECT_THAT(warnings, HasSubstr("alt.csv: 1 rows for entries not in "
                                  "sdn.csv, skipped"));
  EXPECT_THAT(warnings, HasSubstr("\"Atlantis\" ×1"));
}

TEST(OfacParseTest, AnEntryHasAtMost2000OfAnything) {
  const std::string sdn =
      "7,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
  std::string alt;
  for (int i = 0; i < 2001; ++i) {
    alt += "7," + std::to_string(i) + ",\"aka\",\"N" + std::to_string(i) +
           "\",-0- \r\n";
  }
  Result<LoadedList> list = ParseOfacSdn(sdn, alt, "", "");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message,
            "alt.csv line 2001: more than 2000 aliases for ent_num 7");
  std::string remarks;
  for (int i = 0; i < 2001; ++i) {
    remarks += "Passport P" + std::to_string(i) + "; ";
  }
  list =
      ParseOfacSdn("7,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"" +
                       remarks + "\"\r\n",
                   "", "", "");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message,
            "sdn.csv line 1: entry 7 has more than 2000 aliases, identifiers, "
            "dates or countries");
}

TEST(OfacParseTest, TheCommentsFileIsOptionalAndConsolidatedIsTheSame) {
  Result<LoadedList> list = ParseOfacSdn(kSdn, kAlt, kAdd, "");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_EQ(list->entries[1].remarks, "");
  Result<LoadedList> cons = ParseOfacConsolidated(kSdn, kAlt, kAdd, "");
  ASSERT_TRUE(cons.ok()) << cons.error().ToString();
  EXPECT_EQ(cons->info.name, "OFAC-CONS");
  EXPECT_EQ(cons->entries[0].list, "OFAC-CONS");
}

struct BadCase {
  std::string sdn, alt, add, comments, message;
};

TEST(OfacParseTest, DamagedFilesAreRefusedNamingFileAndLine) {
  const std::string row2 =
      "2,\"B\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
  const std::string good = std::string(kSdn);
  for (const BadCase& c : std::vector<BadCase>{
           {"1,\"A\",-0- ,-0- ,-0- ,-0- \r\n", "", "", "",
            "sdn.csv line 1: expected 12 fields, found 6"},
           {row2 + "1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- \r\n", "", "", "",
            "sdn.csv line 2: expected 12 fields, found 7"},
           {row2 + row2, "", "", "",
            "sdn.csv line 2: ent_num 2 again (first "
            "on line 1)"},
           {"x" + row2, "", "", "",
            "sdn.csv line 1: ent_num \"x2\" is not a "
            "number"},
           {"3,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n", "",
            "", "", "sdn.csv line 1: ent_num 3 has no name"},
           {good, "100,1,\"aka\",\"A\",-0- \r\n100,2,\"aka,\"B\",-0- \r\n", "",
            "", "alt.csv line 2: text after the closing quote of a field"},
           {good, "100,1,\"aka\",\"A\",-0- \r\n100,2,\"aka\",\"B,-0- \r\n", "",
            "",
            "alt.csv line 2: a quoted field starts here and is never "
            "closed"},
           {good, "", "200,10,\"x\",\"y\",\"Cuba\"\r\n", "",
            "add.csv line 1: expected 6 fields, found 5"},
           {good, "", "", "200,\"a\",\"b\"\r\n",
            "sdn_comments.csv line 1: expected 2 fields, found 3"},
           {row2 + "4,\"\xC3\x28\",-0- \r\n", "", "", "",
            "sdn.csv line 2: invalid UTF-8 (byte 0xC3)"},
           {row2 + row2.substr(0, 4), "", "", "",
            "sdn.csv line 2: a quoted field starts here and is never closed"},
           {row2 + row2.substr(0, 10), "", "", "",
            "sdn.csv line 2: the last line has no line break"},
           {"", "", "", "", "sdn.csv: no entries"},
       }) {
    Result<LoadedList> list = ParseOfacSdn(c.sdn, c.alt, c.add, c.comments);
    ASSERT_FALSE(list.ok()) << c.message;
    EXPECT_EQ(list.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_THAT(list.error().message, ::testing::StartsWith(c.message));
  }
  Result<LoadedList> big =
      ParseOfacSdn(std::string((64 << 20) + 1, 'x'), "", "", "");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kBODY_TOO_LARGE);
  EXPECT_THAT(big.error().message, HasSubstr("sdn.csv"));
}

constexpr char kUnXml[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-01-02T00:00:00Z">
 <INDIVIDUALS>
  <INDIVIDUAL>
   <DATAID>1</DATAID>
   <FIRST_NAME>JOHN</FIRST_NAME>
   <SECOND_NAME>QUINCY </SECOND_NAME>
   <THIRD_NAME>DOE</THIRD_NAME>
   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
   <REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>
   <COMMENTS1>Line one
      line two.</COMMENTS1>
   <NAME_ORIGINAL_SCRIPT>جون دو</NAME_ORIGINAL_SCRIPT>
   <NATIONALITY><VALUE>Iran (Islamic Republic of)</VALUE><VALUE>Atlantis</VALUE></NATIONALITY>
   <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Johnny Doe</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Abu John</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>J. Doe</ALIAS_NAME><DATE_OF_BIRTH>1969</DATE_OF_BIRTH><COUNTRY_OF_BIRTH>Libya</COUNTRY_OF_BIRTH></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ADDRESS><COUNTRY>Syrian Arab Republic</COUNTRY></INDIVIDUAL_ADDRESS>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1970-05-14</DATE></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1971</FROM_YEAR><TO_YEAR>1972</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>August 1961</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Kabul</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
   <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>X123</NUMBER><ISSUING_COUNTRY>Pakistan</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
   <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification
        Number</TYPE_OF_DOCUMENT><NUMBER>42</NUMBER><COUNTRY_OF_ISSUE>Egypt</COUNTRY_OF_ISSUE></INDIVIDUAL_DOCUMENT>
   <INDIVIDUAL_DOCUMENT/>
  </INDIVIDUAL>
 </INDIVIDUALS>
 <ENTITIES>
  <ENTITY>
   <DATAID>2</DATAID>
   <FIRST_NAME>ACME GROUP</FIRST_NAME>
   <REFERENCE_NUMBER>QDe.999</REFERENCE_NUMBER>
   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
   <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Acme Old</ALIAS_NAME></ENTITY_ALIAS>
   <ENTITY_ADDRESS><COUNTRY>Türkiye</COUNTRY></ENTITY_ADDRESS>
  </ENTITY>
 </ENTITIES>
</CONSOLIDATED_LIST>
)";

TEST(UnParseTest, MapsEveryElement) {
  Result<LoadedList> list = ParseUnXml(kUnXml);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  EXPECT_EQ(list->info.date, "2024-01-02T00:00:00Z");
  ASSERT_EQ(list->entries.size(), 2u);
  const ListEntry& doe = list->entries[0];
  EXPECT_EQ(doe.source_id, "QDi.999");
  EXPECT_EQ(doe.type, EntityType::kIndividual);
  EXPECT_EQ(doe.name, "JOHN QUINCY DOE");
  EXPECT_EQ(doe.aliases, (V{"جون دو", "Johnny Doe", "J. Doe"}));
  EXPECT_EQ(doe.weak_aliases, V{"Abu John"});
  EXPECT_EQ(doe.countries, (V{"IR", "LY", "SY", "AF"}));
  EXPECT_EQ(doe.dates_of_birth,
            (V{"1969", "1970-05-14", "1971", "1972", "1961-08"}));
  EXPECT_TRUE(HasId(doe, "Passport", "X123", "PK"));
  EXPECT_TRUE(HasId(doe, "National Identification Number", "42", "EG"));
  EXPECT_EQ(doe.identifiers.size(), 2u);
  EXPECT_EQ(doe.programs, "Al-Qaida");
  EXPECT_EQ(doe.remarks, "Line one line two.");
  const ListEntry& acme = list->entries[1];
  EXPECT_EQ(acme.type, EntityType::kEntity);
  EXPECT_EQ(acme.aliases, V{"Acme Old"});
  EXPECT_EQ(acme.countries, V{"TR"});
  EXPECT_THAT(JoinWarnings(*list), HasSubstr("Atlantis"));
}

TEST(UnParseTest, AnEntryHasAtMost2000OfAnything) {
  std::string xml =
      "<CONSOLIDATED_LIST>\n<ENTITIES>\n<ENTITY><REFERENCE_NUMBER>E.1"
      "</REFERENCE_NUMBER><FIRST_NAME>A</FIRST_NAME>\n";
  for (int i = 0; i < 3000; ++i) {
    xml += "<ENTITY_ALIAS><ALIAS_NAME>N" + std::to_string(i) +
           "</ALIAS_NAME></ENTITY_ALIAS>\n";
  }
  xml += "</ENTITY></ENTITIES></CONSOLIDATED_LIST>\n";
  Result<LoadedList> list = ParseUnXml(xml);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message,
            "consolidated.xml line 3: entry E.1 has more than 2000 aliases, "
            "identifiers, dates or countries");
}

TEST(UnParseTest, DamagedXmlIsRefusedNamingTheLine) {
  const std::string xml = kUnXml;
  struct Case {
    std::string xml, message;
  };
  const size_t cut = xml.find("<ENTITY_ALIAS>");
  std::string dup = xml;
  dup.replace(dup.find("QDe.999"), 7, "QDi.999");
  std::string nameless = xml;
  nameless.replace(nameless.find("<FIRST_NAME>ACME GROUP</FIRST_NAME>"),
                   std::string("<FIRST_NAME>ACME GROUP</FIRST_NAME>").size(),
                   "");
  for (const Case& c : std::vector<Case>{
           {xml.substr(0, cut + 5), "consolidated.xml line " +
                                        std::to_string(LineAt(xml, cut)) +
                                        ": not well-formed XML"},
           {"<?xml version=\"1.0\"?>\n<LIST>\n</LIST>\n",
            "consolidated.xml line 2: the root element is <LIST>"},
           {dup, "consolidated.xml line " +
                     std::to_string(LineAt(xml, xml.find("<ENTITY>"))) +
                     ": QDi.999 again (first on line " +
                     std::to_string(LineAt(xml, xml.find("<INDIVIDUAL>"))) +
                     ")"},
           {nameless, "consolidated.xml line " +
                          std::to_string(LineAt(xml, xml.find("<ENTITY>"))) +
                          ": QDe.999 has no name"},
           {"<CONSOLIDATED_LIST/>", "consolidated.xml: no entries"},
           {"<CONSOLIDATED_LIST>\n\xFF</CONSOLIDATED_LIST>",
            "consolidated.xml line 2: invalid UTF-8"},
           {"", "consolidated.xml line 1: not well-formed XML"},
       }) {
    Result<LoadedList> list = ParseUnXml(c.xml);
    ASSERT_FALSE(list.ok()) << c.message;
    EXPECT_EQ(list.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_THAT(list.error().message, ::testing::StartsWith(c.message));
  }
}

TEST(UkParseTest, MapsEveryColumnAndGroupsNames) {
  const std::string csv =
      "Last Updated,11/08/2025\r\n"
      "Unique ID,OFSI Group ID,Name,Regime Name,Type,Designation source,"
      "Date Designated,Sanctions Imposed\r\n"
      "RUS0001,100,Ivanov Ivan,Russia,Individual,UK,15-03-2022,"
      "\"Asset freeze, Travel Ban\"\r\n"
      "GHR0001,100,Ivanoff Ivan,Global Human Rights,Individual,UK,"
      "01-02-2021,Asset freeze\r\n"
      "DPR0001,\"\n            \",Sea Star,Democratic People's Republic of "
      "Korea,Ship,UN,03-10-2017,Prohibition of port entry\r\n"
      "BEL0001,101,\"\n   \",Belarus,Individual,UK,27-01-2025,Travel Ban\r\n";
  Result<LoadedList> list = ParseUkCsv(csv);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  EXPECT_EQ(list->info.date, "2025-08-11");
  ASSERT_EQ(list->entries.size(), 4u);
  const ListEntry& rus = list->entries[0];
  EXPECT_EQ(rus.source_id, "RUS0001");
  EXPECT_EQ(rus.type, EntityType::kIndividual);
  EXPECT_EQ(rus.name, "Ivanov Ivan");
  EXPECT_EQ(rus.aliases, V{"Ivanoff Ivan"});
  EXPECT_EQ(rus.programs, "Russia");
  EXPECT_EQ(rus.remarks,
            "Designated 2022-03-15 (UK); Asset freeze, Travel Ban");
  EXPECT_EQ(list->entries[1].aliases, V{"Ivanov Ivan"});
  EXPECT_EQ(list->entries[2].type, EntityType::kVessel);
  EXPECT_TRUE(list->entries[2].aliases.empty());
  EXPECT_EQ(list->entries[3].name, "");
  EXPECT_THAT(JoinWarnings(*list),
              HasSubstr("1 designations have no name, loaded without one: "
                        "BEL0001"));
}

TEST(UkParseTest, DamagedFilesAreRefusedNamingTheLine) {
  const std::string header =
      "Unique ID,OFSI Group ID,Name,Regime Name,Type,Designation source,"
      "Date Designated,Sanctions Imposed\r\n";
  const std::string row =
      "AFG0001,1,X,Afghanistan,Entity,UN,29-06-2012,Asset freeze\r\n";
  struct Case {
    std::string csv, message;
  };
  for (const Case& c : std::vector<Case>{
           {header + row + "AFG0002,2,Y,Afghanistan\r\n",
            "uk_sanctions_list.csv line 3: expected 8 fields, found 4"},
           {header + row + row,
            "uk_sanctions_list.csv line 3: AFG0001 again (first on line 2)"},
           {"Last Updated,01/01/2024\r\nName 6,Name 1,Name 2,DOB,Group ID\r\n",
            "uk_sanctions_list.csv line 2: this is OFSI's consolidated-list "
            "layout"},
           {"Unique ID,Name\r\n",
            "uk_sanctions_list.csv line 1: no \"Type\" "
            "column"},
           {header + row + "AFG0003,\"3,Z",
            "uk_sanctions_list.csv line 3: a "
            "quoted field starts here"},
           {header, "uk_sanctions_list.csv: no entries"},
           {"", "uk_sanctions_list.csv line 1: the file is empty"},
       }) {
    Result<LoadedList> list = ParseUkCsv(c.csv);
    ASSERT_FALSE(list.ok()) << c.message;
    EXPECT_EQ(list.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_THAT(list.error().message, ::testing::StartsWith(c.message));
  }
}

constexpr char kCslHeader[] =
    "source,entity_number,type,programs,name,title,addresses,"
    "federal_register_notice,start_date,end_date,standard_order,"
    "license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
    "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
    "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,"
    "places_of_birth,source_information_url,ids\n";

TEST(UsCslParseTest, MapsEveryColumn) {
  const std::string csv =
      std::string(kCslHeader) +
      "Specially Designated Nationals (SDN) - Treasury Department,5,"
      "Individual,SDGT; IRGC,\"DOE, John\",,\"Gaza City, Gaza, PS; Berlin, DE\""
      ",,,,,,,,,,,,,note,,\"DOE, Johnny; J. DOE\",DZ,1974; 1975,Syria,,,"
      "\"IR, A123, Passport; www.x.ir, Website; IMO 9, Vessel Registration "
      "Identification\"\n"
      "Denied Persons List (DPL) - Bureau of Industry and Security,,,,"
      " JANE ROE ,,\"1 Main St, Phoenix, AZ, 85043\",,,,,,,CALL1,,,,Iran,,,,,,"
      ",,,,\n"
      "Denied Persons List (DPL) - Bureau of Industry and Security,,,,"
      " JANE ROE ,,\"1 Main St, Phoenix, AZ, 85043\",,,,,,,,,,,,,,,,,,,,,\n";
  Result<LoadedList> list = ParseUsCsl(csv);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ExpectWellFormed(*list);
  ASSERT_EQ(list->entries.size(), 3u);
  const ListEntry& doe = list->entries[0];
  EXPECT_EQ(doe.source_id, "5");
  EXPECT_EQ(doe.type, EntityType::kIndividual);
  EXPECT_EQ(doe.programs, "SDN; SDGT; IRGC");
  EXPECT_EQ(doe.aliases, (V{"DOE, Johnny", "J. DOE"}));
  EXPECT_EQ(doe.countries, (V{"PS", "DE", "DZ", "SY"}));
  EXPECT_EQ(doe.dates_of_birth, (V{"1974", "1975"}));
  EXPECT_EQ(doe.identifiers.size(), 2u);
  EXPECT_TRUE(HasId(doe, "Passport", "A123", "IR"));
  EXPECT_TRUE(HasId(doe, "IMO", "9", ""));
  EXPECT_EQ(doe.remarks, "note");
  const ListEntry& roe = list->entries[1];
  EXPECT_EQ(roe.name, "JANE ROE");
  EXPECT_EQ(roe.type, EntityType::kUnknown);
  EXPECT_EQ(roe.programs, "DPL");
  EXPECT_EQ(roe.source_id.substr(0, 4), "DPL-");
  EXPECT_EQ(roe.source_id.size(), 12u);
  EXPECT_EQ(roe.countries, V{"IR"});  // the flag; 85043 is no country
  EXPECT_TRUE(HasId(roe, "Call Sign", "CALL1", ""));
  // The same source, name and address again: its own, numbered id.
  EXPECT_EQ(list->entries[2].source_id, roe.source_id + "-2");
  // And the id is the same on every load.
  EXPECT_EQ(ParseUsCsl(csv)->entries[1].source_id, roe.source_id);
}

TEST(UsCslParseTest, DamagedFilesAreRefusedNamingTheLine) {
  const std::string row =
      "Entity List (EL) - Bureau of Industry and Security,7,,,X,,,,,,,,,,,,,,"
      ",,,,,,,,,\n";
  struct Case {
    std::string csv, message;
  };
  for (const Case& c : std::vector<Case>{
           {kCslHeader + row + "a,b\n",
            "csl.csv line 3: expected 28 fields, "
            "found 2"},
           {kCslHeader + row + row, "csl.csv line 3: entity_number 7 again"},
           {"name,ids\n", "csl.csv line 1: no \"source\" column"},
           {kCslHeader + row + "\"EL,7", "csl.csv line 3: a quoted field"},
       }) {
    Result<LoadedList> list = ParseUsCsl(c.csv);
    ASSERT_FALSE(list.ok()) << c.message;
    EXPECT_THAT(list.error().message, ::testing::StartsWith(c.message));
  }
}

// ---- Damaged copies of the real files ----

TEST(DamagedRealFilesTest, TruncatedSdnIsRefusedNamingTheLine) {
  SKIP_WITHOUT_DATA();
  testing::TempDir tmp;
  for (const char* f : {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}) {
    fs::copy_file(SanctionsDir() + "/ofac/" + f, tmp.path() + "/" + f);
  }
  const std::string sdn = ReadText(tmp.path() + "/sdn.csv");
  // Cut in the middle of the file, inside a quoted name.
  const size_t cut = sdn.find(",\"", sdn.size() / 2) + 4;
  WriteText(tmp.path() + "/sdn.csv", sdn.substr(0, cut));
  Result<LoadedList> list = LoadOfacSdn(tmp.path());
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message,
            "sdn.csv line " + std::to_string(LineAt(sdn, cut)) +
                ": a quoted field starts here and is never closed");

  // Cut just after a comma: the last record is short.
  const size_t comma = sdn.find("-0- ,", sdn.size() / 3) + 5;
  WriteText(tmp.path() + "/sdn.csv", sdn.substr(0, comma));
  list = LoadOfacSdn(tmp.path());
  ASSERT_FALSE(list.ok());
  EXPECT_THAT(list.error().message,
              ::testing::StartsWith("sdn.csv line " +
                                    std::to_string(LineAt(sdn, comma))));
}

TEST(DamagedRealFilesTest, GarbledLinesAreRefusedNamingTheLine) {
  SKIP_WITHOUT_DATA();
  testing::TempDir tmp;
  for (const char* f : {"sdn.csv", "alt.csv", "add.csv"}) {
    fs::copy_file(SanctionsDir() + "/ofac/" + f, tmp.path() + "/" + f);
  }
  const std::string sdn = ReadText(tmp.path() + "/sdn.csv");
  std::vector<std::string> lines = Lines(sdn);
  ASSERT_GT(lines.size(), 1234u);

  // Line 1234 loses five of its twelve fields.
  std::vector<std::string> garbled = lines;
  garbled[1233] = "99999999,\"GARBLED\",-0- ,-0- ,-0- ,-0- ,-0- \r";
  WriteText(tmp.path() + "/sdn.csv", Join(garbled));
  Result<LoadedList> list = LoadOfacSdn(tmp.path());
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message,
            "sdn.csv line 1234: expected 12 fields, found 7");
  EXPECT_EQ(list.error().param, "sdn.csv");

  // A quote opened on line 2000 of alt.csv and never closed: the file was
  // cut there.
  WriteText(tmp.path() + "/sdn.csv", sdn);
  const std::string alt = ReadText(SanctionsDir() + "/ofac/alt.csv");
  std::vector<std::string> alt_lines = Lines(alt);
  alt_lines[1999] = "36,99999,\"aka\",\"UNCLOSED,-0- \r";
  alt_lines.resize(2000);
  WriteText(tmp.path() + "/alt.csv", Join(alt_lines));
  list = LoadOfacSdn(tmp.path());
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message,
            "alt.csv line 2000: a quoted field starts here and is never "
            "closed");

  // Garbage bytes on line 77 of add.csv.
  WriteText(tmp.path() + "/alt.csv", alt);
  std::vector<std::string> add_lines =
      Lines(ReadText(SanctionsDir() + "/ofac/add.csv"));
  add_lines[76] = "\x80\xFF\xFE garbage";
  WriteText(tmp.path() + "/add.csv", Join(add_lines));
  list = LoadOfacSdn(tmp.path());
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message.substr(0, 36),
            "add.csv line 77: invalid UTF-8 (byte");
}

TEST(DamagedRealFilesTest, TruncatedUnAndUkAreRefusedNamingTheLine) {
  SKIP_WITHOUT_DATA();
  testing::TempDir tmp;
  const std::string xml = ReadText(SanctionsDir() + "/un/consolidated.xml");
  const size_t cut = xml.size() / 2;
  WriteText(tmp.path() + "/consolidated.xml", xml.substr(0, cut));
  Result<LoadedList> un = LoadUnXml(tmp.path() + "/consolidated.xml");
  ASSERT_FALSE(un.ok());
  EXPECT_THAT(un.error().message,
              ::testing::StartsWith("consolidated.xml line " +
                                    std::to_string(LineAt(xml, cut)) +
                                    ": not well-formed XML"));

  const std::string csv =
      ReadText(SanctionsDir() + "/uk/uk_sanctions_list.csv");
  // Inside the quoted "Sanctions Imposed" of a row in the middle.
  const size_t quote = csv.find(",\"Asset", csv.size() / 2) + 3;
  WriteText(tmp.path() + "/uk.csv", csv.substr(0, quote));
  Result<LoadedList> uk = LoadUkCsv(tmp.path() + "/uk.csv");
  ASSERT_FALSE(uk.ok());
  EXPECT_EQ(uk.error().message,
            "uk_sanctions_list.csv line " + std::to_string(LineAt(csv, quote)) +
                ": a quoted field starts here and is never closed");
}

TEST(DamagedRealFilesTest, LoadSanctionsDirRefusesOnlyTheBadList) {
  SKIP_WITHOUT_DATA();
  testing::TempDir tmp;
  fs::copy(SanctionsDir(), tmp.path(), fs::copy_options::recursive);
  fs::permissions(tmp.path(), fs::perms::owner_all, fs::perm_options::add);
  for (const auto& entry : fs::recursive_directory_iterator(tmp.path())) {
    fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add);
  }
  const std::string un_path = tmp.path() + "/un/consolidated.xml";
  const std::string xml = ReadText(un_path);
  WriteText(un_path, xml.substr(0, xml.size() - 100));
  fs::remove_all(tmp.path() + "/us_csl");

  std::vector<std::string> progress;
  LoadReport report = LoadSanctionsDir(
      tmp.path(), [&](std::string_view line) { progress.emplace_back(line); });
  for (const std::string& line : progress) std::cout << line << "\n";
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].first, "UN");
  EXPECT_THAT(report.refused[0].second.message,
              HasSubstr("consolidated.xml line "));
  V names;
  for (const LoadedList& l : report.lists) names.push_back(l.info.name);
  EXPECT_EQ(names, (V{"OFAC-SDN", "OFAC-CONS", "UK"}));
  const std::string all = ::testing::PrintToString(progress);
  EXPECT_THAT(all, HasSubstr("refused UN from " + un_path + ": "));
  EXPECT_THAT(all,
              HasSubstr("no US-CSL list: " + tmp.path() + "/us_csl is absent"));
  EXPECT_THAT(all, HasSubstr("loading UK from "));

  progress.clear();
  report = LoadSanctionsDir(tmp.path() + "/nowhere", [&](std::string_view l) {
    progress.emplace_back(l);
  });
  EXPECT_TRUE(report.lists.empty());
  EXPECT_EQ(progress.size(), 1u);
}

TEST(LoadFileTest, MissingFilesAreIoErrors) {
  testing::TempDir tmp;
  Result<LoadedList> list = LoadOfacSdn(tmp.path());
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, ErrorCode::kIO_ERROR);
  EXPECT_THAT(list.error().message, HasSubstr(tmp.path() + "/sdn.csv"));
  Result<LoadedList> un = LoadUnXml(tmp.path() + "/none.xml");
  ASSERT_FALSE(un.ok());
  EXPECT_EQ(un.error().code, ErrorCode::kIO_ERROR);
}

}  // namespace
}  // namespace meridian::compliance
