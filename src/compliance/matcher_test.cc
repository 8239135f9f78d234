#include "compliance/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "compliance/screening_index.h"
#include "compliance/testing/synthetic_names.h"

namespace meridian::compliance {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr double kT = kDefaultThreshold;

TEST(JaroWinklerTest, KnownValues) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_EQ(JaroWinkler("abc", "abc"), 1.0);
  EXPECT_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_EQ(JaroWinkler("", "abc"), 0.0);
}

TEST(EditDistanceTest, KnownValues) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ca", "ac"), 1u);  // a swap of neighbours is one
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("scholz", "schloz"), 1u);
}

TEST(ScoreNamesTest, SameNameDifferentForms) {
  EXPECT_EQ(ScoreNames("Vladimir Putin", "Vladimir Putin"), 1.0);
  EXPECT_EQ(ScoreNames("PUTIN, Vladimir", "Vladimir Putin"), 1.0);
  EXPECT_GE(ScoreNames("Владимир Путин", "Vladimir Putin"), 0.95);
  EXPECT_GE(ScoreNames("Vladimir Puttin", "Vladimir Putin"), kT);
  EXPECT_GE(ScoreNames("Bashar al-Asasd", "Bashar al-Assad"), kT);
  EXPECT_GE(ScoreNames("Bachar el-Assad", "Bashar al-Assad"), kT);
  EXPECT_GE(ScoreNames("محمد علي", "Mohamed Ali"), 0.9);
  EXPECT_GE(ScoreNames("김정은", "Kim Jong Un"), 0.9);
  EXPECT_GE(ScoreNames("金正恩", "Kim Jong Un"), 0.9);
  EXPECT_GE(ScoreNames("AlisherUsmanov", "Alisher Usmanov"), kT);
  EXPECT_GE(ScoreNames("Xi Jinping", "习近平"), kT);
  EXPECT_GE(ScoreNames("Deutsche Bank AG", "Deutsche Bank"), kT);
  EXPECT_GE(ScoreNames("OAO Gazprom", "Gazprom JSC"), kT);
  EXPECT_GE(ScoreNames("V. Putin", "Vladimir Putin"), kT);
}

TEST(ScoreNamesTest, DifferentPeople) {
  EXPECT_LT(ScoreNames("Ihab Makhlouf", "Rami Makhlouf"), kT);
  EXPECT_LT(ScoreNames("Roman Abramovich", "Boris Abramovich"), kT);
  EXPECT_LT(ScoreNames("Frank Richter", "Frederik Richter"), kT);
  EXPECT_LT(ScoreNames("KHAWLA BARZAN IBRAHIM HASAN AL-MASHHADANI",
                       "KHAWLA BARZAN IBRAHIM HASAN AL-TIKRITI"),
            kT);
  EXPECT_LT(ScoreNames("Barack Obama", "George Hussein Onyango Obama"), kT);
  EXPECT_LT(ScoreNames("N.N.", "Nursultan Nazarbayev"), kT);
  EXPECT_LT(ScoreNames("Daisy Ayala", "DAISY"), kT);  // one word of two
  EXPECT_LT(ScoreNames("Friedrich Hans", "Hans Friedrich"), kT);  // order
  EXPECT_LT(
      ScoreNames("Saudi Arabian Gas Company", "Saudi Arabian Oil Company"), kT);
  EXPECT_EQ(ScoreNames("", "Vladimir Putin"), 0.0);
}

TEST(ScoreNamesTest, ScoresStayInRange) {
  testing::SyntheticNames gen(7);
  for (int i = 0; i < 500; ++i) {
    std::string a = gen.Name(1, 5), b = gen.Perturb(a);
    double s = ScoreNames(a, b);
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 1.0);
    EXPECT_EQ(ScoreNames(a, a), 1.0) << a;
  }
}

TEST(FactsTest, DateOfBirthAndCountry) {
  ListEntry e;
  e.dates_of_birth = {"1952-10-07"};
  e.countries = {"RU"};
  EXPECT_NEAR(AdjustForFacts("1952-10-07", "", e).delta, 0.05, 1e-9);
  EXPECT_NEAR(AdjustForFacts("1952-01-01", "", e).delta, 0.02, 1e-9);
  EXPECT_NEAR(AdjustForFacts("1953", "", e).delta, 0.0, 1e-9);
  EXPECT_NEAR(AdjustForFacts("1970", "", e).delta, -0.10, 1e-9);
  EXPECT_NEAR(AdjustForFacts("", "ru", e).delta, 0.02, 1e-9);
  EXPECT_NEAR(AdjustForFacts("", "FR", e).delta, -0.03, 1e-9);
  EXPECT_NEAR(AdjustForFacts("1952-10-07", "RU", e).delta, kMaxFactBoost, 1e-9);
  ListEntry bare;
  EXPECT_EQ(AdjustForFacts("1952-10-07", "RU", bare).delta, 0.0);
}

// A small hand-made list.
std::vector<ListEntry> SmallList() {
  std::vector<ListEntry> entries;
  auto add = [&](std::string list, std::string id, EntityType type,
                 std::string name, std::vector<std::string> aliases) {
    ListEntry e;
    e.list = std::move(list);
    e.source_id = std::move(id);
    e.type = type;
    e.name = std::move(name);
    e.aliases = std::move(aliases);
    e.programs = "TEST";
    entries.push_back(std::move(e));
    return &entries.back();
  };
  add("OFAC-SDN", "35096", EntityType::kIndividual,
      "PUTIN, Vladimir Vladimirovich", {});
  entries.back().dates_of_birth = {"1952-10-07"};
  entries.back().countries = {"RU"};
  add("UN", "KPi.033", EntityType::kIndividual, "KIM JONG UN",
      {"Kim Jong-un", "김정은"});
  add("OFAC-SDN", "7218", EntityType::kIndividual, "AL-ASSAD, Bashar", {});
  add("UK", "RUS0253", EntityType::kEntity, "GAZPROM NEFT PJSC",
      {"PAO GAZPROM NEFT"});
  add("OFAC-SDN", "9001", EntityType::kVessel, "HELLENIC SPIRIT", {});
  entries.back().identifiers = {{"IMO", "9123456", ""}};
  add("UN", "QDi.001", EntityType::kIndividual, "USAMA BIN LADEN",
      {"Osama bin Laden", "أسامة بن لادن", "Shaykh Abu Abdallah"});
  add("UK", "X1", EntityType::kIndividual, "Vladimir Ivanov", {});
  add("OFAC-SDN", "7777", EntityType::kIndividual, "AL-FAQIH, Abdallah Yusuf",
      {});
  entries.back().weak_aliases = {"ABU UTHMAN AL-MASRI", "JD", "HAMZA"};
  // Filler so that blocking has something to skip.
  testing::SyntheticNames gen(11);
  for (const ListEntry& e : gen.Entries(300, 1)) entries.push_back(e);
  return entries;
}

class ScreeningIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = new ScreeningIndex(ScreeningIndex::Build(SmallList()));
  }
  static void TearDownTestSuite() { delete index_; }

  static std::vector<Hit> Screen(const std::string& name) {
    ScreenQuery q;
    q.name = name;
    return index_->Screen(q, kT, 10);
  }
  static std::string Top(const std::string& name) {
    std::vector<Hit> hits = Screen(name);
    return hits.empty() ? "" : hits[0].list + ":" + hits[0].source_id;
  }

  static ScreeningIndex* index_;
};
ScreeningIndex* ScreeningIndexTest::index_ = nullptr;

TEST_F(ScreeningIndexTest, FindsListedNameInEveryForm) {
  EXPECT_EQ(Top("PUTIN, Vladimir Vladimirovich"), "OFAC-SDN:35096");
  EXPECT_EQ(Top("Vladimir Vladimirovich Putin"), "OFAC-SDN:35096");  // order
  EXPECT_EQ(Top("Vladimir Putin"), "OFAC-SDN:35096");  // a word less
  EXPECT_EQ(Top("Vladimir Vladimirovich Puttin"), "OFAC-SDN:35096");  // typo
  EXPECT_EQ(Top("Владимир Владимирович Путин"), "OFAC-SDN:35096");
  EXPECT_EQ(Top("Kim Jong Un"), "UN:KPi.033");
  EXPECT_EQ(Top("김정은"), "UN:KPi.033");
  EXPECT_EQ(Top("金正恩"), "UN:KPi.033");
  EXPECT_EQ(Top("Bashar al-Asad"), "OFAC-SDN:7218");
  EXPECT_EQ(Top("Usama ibn Ladin"), "UN:QDi.001");
  EXPECT_EQ(Top("أسامة بن لادن"), "UN:QDi.001");
  EXPECT_EQ(Top("Gazprom Neft"), "UK:RUS0253");
}

// Weak aliases hit only when the query spells one exactly (after
// normalisation), and say so.
TEST_F(ScreeningIndexTest, WeakAliasHitsOnlyOnItsExactName) {
  EXPECT_EQ(index_->weak_alias_count(), 1u);  // "JD", "HAMZA": too little
  std::vector<Hit> hits = Screen("Abu Uthman al-Masri");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].list + ":" + hits[0].source_id, "OFAC-SDN:7777");
  EXPECT_EQ(hits[0].listed_name, "AL-FAQIH, Abdallah Yusuf");
  EXPECT_EQ(hits[0].matched_alias, "ABU UTHMAN AL-MASRI");
  EXPECT_TRUE(hits[0].weak_alias);
  EXPECT_EQ(hits[0].score, 1.0);
  EXPECT_THAT(hits[0].reasons, ElementsAre("name 1.000", "weak alias"));
  EXPECT_EQ(Top("ABU-UTHMAN AL MASRI"), "OFAC-SDN:7777");  // punctuation

  // Loose variants, which a strong alias would let through, do not.
  EXPECT_GE(ScoreNames("Abu Usman al-Masri", "ABU UTHMAN AL-MASRI"), kT);
  EXPECT_THAT(Screen("Abu Usman al-Masri"), IsEmpty());
  EXPECT_THAT(Screen("Abu Uthman al-Misri"), IsEmpty());
  EXPECT_THAT(Screen("Abu Uthman"), IsEmpty());
  EXPECT_THAT(Screen("Abu Uthman al-Masri Jr"), IsEmpty());
  EXPECT_THAT(Screen("JD"), IsEmpty());
  EXPECT_THAT(Screen("Hamza"), IsEmpty());

  // The entry's own name still screens as before, and is no weak hit.
  hits = Screen("Abdallah Yusuf al-Faqih");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].source_id, "7777");
  EXPECT_FALSE(hits[0].weak_alias);

  // And a type that is not the entry's keeps the weak alias out too.
  ScreenQuery q;
  q.name = "Abu Uthman al-Masri";
  q.type = EntityType::kVessel;
  EXPECT_THAT(index_->Screen(q, kT, 10), IsEmpty());
}

TEST_F(ScreeningIndexTest, HitCarriesWhatMatched) {
  std::vector<Hit> hits = Screen("Kim Jong-un");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].listed_name, "KIM JONG UN");
  EXPECT_EQ(hits[0].score, 1.0);
  EXPECT_EQ(hits[0].programs, "TEST");
  EXPECT_EQ(index_->entries()[hits[0].entry].source_id, "KPi.033");
  EXPECT_THAT(hits[0].reasons, ElementsAre("name 1.000"));
  hits = Screen("Abu Abdallah");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].listed_name, "USAMA BIN LADEN");
  EXPECT_EQ(hits[0].matched_alias, "Shaykh Abu Abdallah");
  // An alias that normalises like the primary name is the primary name.
  hits = Screen("PAO Gazprom Neft");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].matched_alias, "GAZPROM NEFT PJSC");
}

TEST_F(ScreeningIndexTest, NothingForOtherPeople) {
  EXPECT_THAT(Screen("Angela Merkel"), IsEmpty());
  EXPECT_THAT(Screen("Ivan Petrov"), IsEmpty());
  EXPECT_THAT(Screen("Vladimir"), IsEmpty());  // one word of three
  EXPECT_THAT(Screen(""), IsEmpty());
}

TEST_F(ScreeningIndexTest, HitsBestFirstAndCapped) {
  ScreenQuery q;
  q.name = "Vladimir Putin";
  std::vector<Hit> hits = index_->Screen(q, 0.2, 10);
  ASSERT_GE(hits.size(), 2u);
  for (size_t i = 1; i < hits.size(); ++i) {
    EXPECT_GE(hits[i - 1].score, hits[i].score);
  }
  EXPECT_EQ(hits[0].source_id, "35096");
  EXPECT_EQ(index_->Screen(q, 0.2, 1).size(), 1u);
}

TEST_F(ScreeningIndexTest, IdentifierMatchScoresOne) {
  ScreenQuery q;
  q.name = "Some Other Ship";
  q.identifiers = {{"IMO", "912-3456", ""}};
  std::vector<Hit> hits = index_->Screen(q, kT, 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].source_id, "9001");
  EXPECT_EQ(hits[0].score, 1.0);
  EXPECT_THAT(hits[0].reasons, ElementsAre("identifier matches"));
}

TEST_F(ScreeningIndexTest, FactsRaiseAndLowerAndTypeFilters) {
  ScreenQuery q;
  q.name = "Vladimir Vladimirovich Puttin";
  double plain = index_->Screen(q, 0.5, 1).at(0).score;
  q.date_of_birth = "1952-10-07";
  q.country = "RU";
  std::vector<Hit> hits = index_->Screen(q, 0.5, 1);
  EXPECT_NEAR(hits.at(0).score, std::min(1.0, plain + kMaxFactBoost), 1e-9);
  EXPECT_THAT(hits[0].reasons,
              ElementsAre(::testing::StartsWith("name "),
                          "date of birth matches", "country matches"));
  q.date_of_birth = "1990-01-01";
  q.country = "FR";
  EXPECT_NEAR(index_->Screen(q, 0.5, 1).at(0).score, plain - 0.13, 1e-9);

  ScreenQuery vessel;
  vessel.name = "Hellenic Spirit";
  EXPECT_EQ(index_->Screen(vessel, kT, 5).size(), 1u);
  vessel.type = EntityType::kIndividual;
  EXPECT_THAT(index_->Screen(vessel, kT, 5), IsEmpty());
}

// The blocking must never lose a hit: against a brute-force scan of every
// name, on thousands of synthetic entries and perturbed or random queries.
TEST(ScreeningIndexBlockingTest, SameHitsAsFullScan) {
  testing::SyntheticNames gen(2024);
  std::vector<ListEntry> entries = gen.Entries(3000, 2);
  // Some names in other scripts and with initials and particles.
  ListEntry extra;
  extra.list = "UN";
  extra.source_id = "X";
  extra.name = "محمد بن علي الحسن";
  extra.aliases = {"M. A. Hassan", "Мухаммад Али Хасан", "金正恩"};
  extra.weak_aliases = {"Abu Ali al-Hassani"};
  entries.push_back(extra);
  ScreeningIndex index = ScreeningIndex::Build(entries);

  std::vector<std::string> queries = {"Muhammad bin Ali al-Hassan",
                                      "M Hassan",
                                      "Kim Jong Un",
                                      "mhmd ly",
                                      "ABU ALI AL HASSANI",
                                      "Abu Ali al-Hasani"};
  for (int i = 0; i < 600; ++i) {
    const ListEntry& e = entries[gen.Pick(entries.size())];
    const std::string& base = e.aliases.empty() || i % 2 == 0
                                  ? e.name
                                  : e.aliases[gen.Pick(e.aliases.size())];
    queries.push_back(i % 5 == 4 ? gen.Name(1, 5) : gen.Perturb(base));
  }
  size_t with_hits = 0;
  for (double threshold : {0.80, kT}) {
    for (const std::string& name : queries) {
      ScreenQuery q;
      q.name = name;
      if (name.size() % 7 == 0) q.date_of_birth = "1970";  // some facts
      std::vector<Hit> fast = index.Screen(q, threshold, 1000);
      std::vector<Hit> full = index.ScreenBruteForce(q, threshold, 1000);
      ASSERT_EQ(fast.size(), full.size()) << name << " at " << threshold;
      for (size_t k = 0; k < fast.size(); ++k) {
        EXPECT_EQ(fast[k].entry, full[k].entry) << name;
        EXPECT_EQ(fast[k].score, full[k].score) << name;
        EXPECT_EQ(fast[k].matched_alias, full[k].matched_alias) << name;
        EXPECT_EQ(fast[k].weak_alias, full[k].weak_alias) << name;
      }
      if (!fast.empty()) ++with_hits;
    }
  }
  // The check means something only if many queries hit.
  EXPECT_GT(with_hits, queries.size() / 2);
}

// The index keeps its vocabulary flat and finds a query word's partners by
// probing its blocking keys: for random words, spelt as the lists spell
// them or not, what it finds must be exactly what comparing the word with
// every listed word unit (as prepared from the names, the way a scan
// does) finds, with the same similarity.
TEST(ScreeningIndexBlockingTest, FlatLookupEqualsScanOfPreparedUnits) {
  testing::SyntheticNames gen(77);
  std::vector<ListEntry> entries = gen.Entries(800, 2);
  ListEntry extra;
  extra.name = "محمد بن علي الحسن";
  extra.aliases = {"Мухаммад Али Хасан", "金正恩", "דוד לוי"};
  entries.push_back(extra);
  ScreeningIndex index = ScreeningIndex::Build(entries);
  // Every word unit of every listed name, as Build prepared them.
  std::vector<NameUnit> listed;
  for (const ListEntry& e : entries) {
    std::vector<std::string> raw = e.aliases;
    raw.push_back(e.name);
    for (const std::string& r : raw) {
      for (const NormalizedName& n : NormalizeNameVariants(r)) {
        for (NameUnit& u : PrepareName(n, e.type).units) {
          if (u.flags & (kTokenParticle | kTokenInitial | kTokenNumber)) {
            continue;
          }
          ASSERT_TRUE(index.VocabularyIdOf(u).has_value()) << u.text;
          listed.push_back(std::move(u));
        }
      }
    }
  }
  const double pair_min = CurrentMatchParams().pair_min;
  std::vector<std::string> queries = {"Mohamed Ali al-Hasan", "mhmd",
                                      "Jin Zhengen", "Kim Jong Un", "Dawid"};
  for (int i = 0; i < 150; ++i) {
    const ListEntry& e = entries[gen.Pick(entries.size())];
    queries.push_back(i % 3 == 2 ? gen.Name(1, 4) : gen.Perturb(e.name));
  }
  size_t unfamiliar = 0, found = 0;
  for (const std::string& q : queries) {
    for (const NormalizedName& n : NormalizeNameVariants(q)) {
      for (const NameUnit& u : PrepareName(n).units) {
        if (u.flags & (kTokenParticle | kTokenInitial | kTokenNumber)) continue;
        unfamiliar += !index.VocabularyIdOf(u).has_value();
        std::map<uint32_t, float> expected;
        for (const NameUnit& l : listed) {
          const double s = UnitSimilarity(u, l);
          // Same similarity from the flat store as from the units.
          EXPECT_EQ(s, UnitSimilarity(ViewOf(u), ViewOf(l)));
          if (s >= pair_min) {
            expected[*index.VocabularyIdOf(l)] = static_cast<float>(s);
          }
        }
        std::vector<ScreeningIndex::Similar> got = index.SimilarUnits(u);
        ASSERT_EQ(got.size(), expected.size()) << u.text;
        size_t k = 0;
        for (const auto& [id, sim] : expected) {
          EXPECT_EQ(got[k].unit, id) << u.text;
          EXPECT_EQ(got[k].sim, sim) << u.text;
          ++k;
        }
        found += got.size();
      }
    }
  }
  EXPECT_GT(unfamiliar, 50u);  // the lookup, not only the known lists
  EXPECT_GT(found, 1000u);
}

// The facts' delta without reasons is AdjustForFacts' delta.
TEST(FactsTest, DeltaWithoutReasonsIsTheSame) {
  testing::SyntheticNames gen(5);
  const char* dobs[] = {"", "1952", "1952-10-07", "1953-01-01", "1970-05",
                        "19", "1951-12-31"};
  const char* countries[] = {"", "RU", "ru", "FR", "x"};
  for (int i = 0; i < 500; ++i) {
    ListEntry e;
    for (size_t d = gen.Pick(3); d > 0; --d) {
      e.dates_of_birth.push_back(dobs[gen.Pick(std::size(dobs))]);
    }
    for (size_t c = gen.Pick(3); c > 0; --c) {
      e.countries.push_back(countries[gen.Pick(std::size(countries))]);
    }
    const std::string dob = dobs[gen.Pick(std::size(dobs))];
    const std::string country = countries[gen.Pick(std::size(countries))];
    EXPECT_EQ(FactAdjustmentDelta(dob, country, e),
              AdjustForFacts(dob, country, e).delta);
  }
}

TEST(ScreenerTest, ReloadSwapsIndexAndClearsCache) {
  Screener screener(kT, 10, 16);
  ScreenQuery q;
  q.name = "Vladimir Putin";
  EXPECT_FALSE(screener.ready());
  EXPECT_THAT(screener.Screen(q), IsEmpty());

  screener.Reload(SmallList());
  ASSERT_TRUE(screener.ready());
  EXPECT_EQ(screener.Screen(q).size(), 1u);
  EXPECT_EQ(screener.Screen(q).size(), 1u);
  EXPECT_EQ(screener.cache_hits(), 1u);
  q.name = "PUTIN, Vladimir";  // the same normalised name: cached
  EXPECT_EQ(screener.Screen(q).size(), 1u);
  EXPECT_EQ(screener.cache_hits(), 2u);

  // A reload without Putin: the cached answer must not survive it.
  std::vector<ListEntry> without = SmallList();
  without.erase(without.begin());
  uint64_t generation = screener.generation();
  screener.Reload(without);
  EXPECT_EQ(screener.generation(), generation + 1);
  EXPECT_THAT(screener.Screen(q), IsEmpty());
}

TEST(ScreenerTest, ScreensWhileReloading) {
  Screener screener(kT, 10, 64);
  screener.Reload(SmallList());
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      ScreenQuery q;
      q.name = "Kim Jong Un";
      while (!stop.load()) {
        std::vector<Hit> hits = screener.Screen(q);
        if (hits.empty() || hits[0].source_id != "KPi.033") ++wrong;
        ++done;
      }
    });
  }
  for (int i = 0; i < 5; ++i) screener.Reload(SmallList());
  while (done.load() < 100) std::this_thread::yield();
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace meridian::compliance
