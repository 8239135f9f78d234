#include "compliance/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace meridian::compliance {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

std::vector<std::string> Tokens(std::string_view name) {
  return NormalizeName(name).tokens;
}

// Every variant's tokens (NormalizeNameVariants).
std::vector<std::vector<std::string>> Variants(std::string_view name) {
  std::vector<std::vector<std::string>> out;
  for (const NormalizedName& n : NormalizeNameVariants(name)) {
    out.push_back(n.tokens);
  }
  return out;
}

TEST(NormalizeTest, LatinCaseAccentsAndPunctuation) {
  EXPECT_THAT(Tokens("Recep Tayyip ERDOĞAN"),
              ElementsAre("recep", "tayyip", "erdogan"));
  EXPECT_THAT(Tokens("Société Générale"), ElementsAre("societe", "generale"));
  EXPECT_THAT(Tokens("Margarita-Simonyan"),
              ElementsAre("margarita", "simonyan"));
  EXPECT_THAT(Tokens("Al-Qa'ida"), ElementsAre("al", "qaida"));
  EXPECT_THAT(Tokens("  Kim   Jong-un "), ElementsAre("kim", "jong", "un"));
  EXPECT_THAT(Tokens("I9or Sech1n"), ElementsAre("igor", "sechin"));
  EXPECT_THAT(Tokens("AlisherUsmanov"), ElementsAre("alisher", "usmanov"));
  EXPECT_THAT(Tokens("Brigade Forty-Four"), ElementsAre("brigade", "44"));
}

TEST(NormalizeTest, Cyrillic) {
  EXPECT_THAT(Tokens("Владимир Путин"), ElementsAre("vladimir", "putin"));
  EXPECT_THAT(Tokens("Шойгу Сергей Кужугетович"),
              ElementsAre("shoygu", "sergey", "kuzhugetovich"));
  EXPECT_THAT(Tokens("Дмитрий Медведев"), ElementsAre("dmitriy", "medvedev"));
}

TEST(NormalizeTest, ArabicAndHebrewAreVowellessAndFlagged) {
  NormalizedName n = NormalizeName("محمد علي");
  EXPECT_THAT(n.tokens, ElementsAre("mhmd", "ly"));
  EXPECT_THAT(n.flags, ElementsAre(kTokenAbjad, kTokenAbjad));
  EXPECT_THAT(Tokens("משה"), ElementsAre("msh"));
  // What the matcher compares them by.
  EXPECT_EQ(ConsonantSkeleton("mhmd"), ConsonantSkeleton("mohamed"));
  EXPECT_EQ(ConsonantSkeleton("mhmd"), ConsonantSkeleton("muhammad"));
  EXPECT_EQ(ConsonantSkeleton("dwd"), ConsonantSkeleton("david"));
}

TEST(NormalizeTest, ChineseReadsAsPinyinAndAsKorean) {
  EXPECT_THAT(Tokens("习近平"), ElementsAre("xi", "jin", "ping"));
  EXPECT_THAT(Tokens("王伟"), ElementsAre("wang", "wei"));
  // Korean names written in Hanja also read the Korean way.
  EXPECT_THAT(Variants("金正恩"),
              ElementsAre(ElementsAre("jin", "zheng", "en"),
                          ElementsAre("kim", "jong", "un")));
}

TEST(NormalizeTest, KoreanOneTokenPerSyllableInCustomarySpelling) {
  EXPECT_THAT(Tokens("김정은"), ElementsAre("kim", "jong", "un"));
  EXPECT_THAT(Tokens("이민호"), ElementsAre("lee", "min", "ho"));
  EXPECT_THAT(Tokens("박지성"), ElementsAre("pak", "ji", "song"));
}

TEST(NormalizeTest, ThaiGreekGeorgian) {
  EXPECT_THAT(Tokens("สมชาย"), ElementsAre("smchay"));
  EXPECT_THAT(Tokens("Αλέξανδρος"), ElementsAre("alexandros"));
  EXPECT_THAT(Tokens("ბარაკ ობამა"), ElementsAre("barak", "obama"));
}

TEST(NormalizeTest, LastCommaFirstIsReordered) {
  EXPECT_EQ(Tokens("PUTIN, Vladimir"), Tokens("Vladimir Putin"));
  EXPECT_EQ(Tokens("PUTIN, Vladimir Vladimirovich"),
            Tokens("Vladimir Vladimirovich Putin"));
  EXPECT_THAT(Tokens("AL-ASSAD, Bashar"), ElementsAre("bashar", "al", "assad"));
  // A comma before a legal form is not a name order.
  EXPECT_THAT(Tokens("Apple, Inc."), ElementsAre("apple"));
  EXPECT_THAT(Tokens("Nantahala Capital Offshore Fund, Ltd."),
              ElementsAre("nantahala", "capital", "offshore", "fund"));
}

TEST(NormalizeTest, LegalFormsDroppedAndRemembered) {
  struct Case {
    const char* name;
    std::vector<std::string> tokens;
    const char* form;
  };
  const Case cases[] = {
      {"Deutsche Bank AG", {"deutsche", "bank"}, "ag"},
      {"Siemens Aktiengesellschaft", {"siemens"}, "ag"},
      {"Volkswagen Bank G.m.b.H.", {"volkswagen", "bank"}, "gmbh"},
      {"Goldman Sachs & Co. L.L.C.", {"goldman", "sachs"}, "llc"},
      {"CRISTALORD LIMITED", {"cristalord"}, "ltd"},
      {"Trafigura Group Pte. Ltd.", {"trafigura", "group"}, "ltd"},
      {"OAO Gazprom", {"gazprom"}, "jsc"},
      {"Gazprom PJSC", {"gazprom"}, "jsc"},
      {"TACTICAL MISSILES CORPORATION JOINT STOCK COMPANY",
       {"tactical", "missiles"},
       "jsc"},
      {"Grupo Industrial Saltillo, S.A. de C.V.",
       {"grupo", "industrial", "saltillo"},
       "sa"},
      {"ООО \"Ромашка\"", {"romashka"}, "llc"},
      {"LIMITED LIABILITY COMPANY ISKUSSTVO KRASOTY",
       {"iskusstvo", "krasoty"},
       "llc"},
      {"Mendez Norge A/S", {"mendez", "norge"}, "as"},
      {"A.B.C. Company", {"abc"}, "co"},
      {"SARL Atlas", {"atlas"}, "sarl"},
  };
  for (const Case& c : cases) {
    NormalizedName n = NormalizeName(c.name);
    EXPECT_EQ(n.tokens, c.tokens) << c.name;
    EXPECT_EQ(n.legal_form, c.form) << c.name;
  }
  // Never everything: a name that is only a legal form keeps it.
  EXPECT_THAT(Tokens("Limited"), ElementsAre("limited"));
}

TEST(NormalizeTest, TitlesDroppedParticlesKept) {
  EXPECT_THAT(Tokens("Mr. Recep Tayyip Erdoğan"),
              ElementsAre("recep", "tayyip", "erdogan"));
  EXPECT_THAT(Tokens("Präsident Barack Obama"), ElementsAre("barack", "obama"));
  EXPECT_THAT(Tokens("MV Hellenic Spirit"), ElementsAre("hellenic", "spirit"));
  NormalizedName n = NormalizeName("Usama bin Laden");
  EXPECT_THAT(n.tokens, ElementsAre("usama", "bin", "laden"));
  EXPECT_THAT(n.flags, ElementsAre(0, kTokenParticle, 0));
  EXPECT_EQ(CanonicalParticle("ibn"), "bin");
  EXPECT_EQ(CanonicalParticle("el"), "al");
  EXPECT_EQ(CanonicalParticle("usama"), "");
  // A Chinese syllable is no particle, and "Xi" no roman numeral.
  EXPECT_THAT(NormalizeName("彬 麦").flags, Contains(0));
  EXPECT_THAT(NormalizeName("Xi Jinping").flags, ElementsAre(0, 0));
  EXPECT_THAT(NormalizeName("Bain Capital Fund XI").flags.back(), kTokenNumber);
}

TEST(NormalizeTest, PhoneticFold) {
  EXPECT_EQ(PhoneticFold("mohammed"), "muhamid");
  EXPECT_EQ(PhoneticFold("selenskyj"), PhoneticFold("zelenskyy"));
  EXPECT_EQ(PhoneticFold("philip"), "filip");
  EXPECT_EQ(PhoneticFold("khaled"), "kalid");
}

TEST(NormalizeTest, SafeFromManyThreads) {
  const std::vector<std::string> names = {
      "Владимир Путин", "محمد علي", "金正恩",
      "김정은",         "สมชาย",    "Société Générale S.A."};
  std::vector<std::string> expected;
  for (const std::string& n : names) expected.push_back(NormalizeName(n).Key());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        size_t k = static_cast<size_t>(i + t) % names.size();
        if (NormalizeName(names[k]).Key() != expected[k]) ++mismatches[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

TEST(NormalizeTest, InvalidUtf8AndEmpty) {
  EXPECT_TRUE(NormalizeName("").empty());
  EXPECT_TRUE(NormalizeName(" ,.-'").empty());
  EXPECT_THAT(Tokens("john\xff\xfe smith"), ElementsAre("john", "smith"));
}

}  // namespace
}  // namespace meridian::compliance
