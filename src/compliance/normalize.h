// Name normalisation for sanctions screening (spec/compliance_risk.md):
// any script to lower-case ASCII tokens that the matcher compares.
//
// What NormalizeName does, in order:
//  1. Splits camel case ("AlisherUsmanov") and Hangul syllables (a Korean
//     name is written without spaces; its Latin form is one token per
//     syllable: 김정은 → "gim jeong eun").
//  2. Transliterates each word with ICU: "Russian-Latin/BGN; Any-Latin;
//     Latin-ASCII; Lower" (BGN/PCGN for Cyrillic, as the lists romanise
//     Russian names; ICU's defaults for Arabic, Hebrew, Han, Thai, Greek,
//     Georgian, kana…). Words written in a script that leaves out vowels
//     (Arabic, Hebrew, Thai) are flagged kAbjad: the matcher compares their
//     consonant skeletons too ("mhmd" ~ "mohamed").
//  3. Folds punctuation: apostrophes vanish ("Qa'ida" → "qaida"), "&" is
//     "and", dotted or slashed single letters join ("A.B.C." → "abc", "A/S"
//     → "as"), every other mark separates words.
//  4. Reorders "LAST, First" to "First LAST" when the part after the only
//     comma is a short personal name (not a legal form: "Apple, Inc.").
//  5. Drops leading titles ("mr", "dr", "president") and "the", and legal
//     forms at either end ("ltd", "limited", "gmbh", "sa de cv", "ooo",
//     "joint stock company", …), remembering the last one's class in
//     `legal_form` ("llc", "jsc", "ag", …).
//  6. Marks particles ("al", "el", "bin", "ibn", "de", "van", "of", "and";
//     never in Chinese or Korean, where "bin" and "de" are syllables): they
//     stay, weigh little, and match each other across spellings (bin =
//     ibn = ben). Measured on the eval sets, dropping them instead, or
//     weighting them anywhere from 0.01 to 1, changes nothing on
//     name_pairs, cross_script_pairs and (with the lists) un_positives,
//     and one query in 1,000 of negatives_us; they are kept because a
//     joined "al" + "assad" still meets a listed "alassad".
//
// A name that is nothing but a legal form or titles keeps its tokens.
//
// Thread safety: NormalizeName may be called from any thread; each thread
// clones the (expensive, not thread-safe) ICU transliterator once.
//
//   NormalizedName n = NormalizeName("PUTIN, Vladimir Vladimirovich");
//   // n.tokens == {"vladimir", "vladimirovich", "putin"}
#ifndef MERIDIAN_COMPLIANCE_NORMALIZE_H_
#define MERIDIAN_COMPLIANCE_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::compliance {

// Bits of NormalizedName::flags.
inline constexpr uint8_t kTokenAbjad = 1;     // from Arabic, Hebrew, Thai
inline constexpr uint8_t kTokenParticle = 2;  // al, bin, de, van, of, …
inline constexpr uint8_t kTokenInitial = 4;   // one letter
inline constexpr uint8_t kTokenNumber = 8;    // digits only
inline constexpr uint8_t kTokenJoined = 16;   // two words joined (matcher)

struct NormalizedName {
  std::vector<std::string> tokens;  // lower-case ASCII letters and digits
  std::vector<uint8_t> flags;       // one per token
  std::string legal_form;           // "llc", "jsc", "ag", … or ""

  // The tokens joined by single spaces: the cache key of a screen.
  std::string Key() const;
  bool empty() const { return tokens.empty(); }
};

NormalizedName NormalizeName(std::string_view utf8_name);

// NormalizeName, and for a name with Han characters also its Sino-Korean
// reading (金正恩 → 김정은 → "kim jong un"): ICU reads Han as Mandarin
// ("jin zheng en"), but Korean names listed in Hanja are romanised from the
// Korean reading. The matcher takes the better of the variants.
std::vector<NormalizedName> NormalizeNameVariants(std::string_view utf8_name);

// The canonical particle ("bin" for "ibn", "ben", "bn"; "al" for "el",
// "ul") or "" when `token` is not a particle.
std::string_view CanonicalParticle(std::string_view token);

// A looser spelling for comparison: repeated letters once, c/k/q → k,
// z → s, w → v, j/y/e/i → i, o/u → u, ph → f, h after a consonant dropped.
// "Mohammed" → "muhamid", "Muhammad" → "muhamad", "Selenskyj" → "silinski".
std::string PhoneticFold(std::string_view token);

// The consonants of `token` (c/k/q as k, z as s), without vowels, y, w, v
// and repeated letters: what an unvocalised Arabic or Hebrew spelling
// keeps. "mohamed", "muhammad" and Arabic "mhmd" are all "mhmd"; "david"
// and Hebrew "dwd" are "d".
std::string ConsonantSkeleton(std::string_view token);

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_NORMALIZE_H_
