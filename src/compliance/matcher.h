// Name scoring for sanctions screening (spec/compliance_risk.md): how much
// a screened name looks like a listed one, from 0 to 1.
//
// Both names are normalised (normalize.h; every variant, best taken) into
// tokens. Each token is also a "unit", and so is each pair of neighbouring
// tokens joined ("alisher usmanov" ~ "alisherusmanov", "xi jin ping" ~ "xi
// jinping"); a joined unit pairs only with a single word. Two word units
// may pair when
//   - they pass the blocking gate (below: the index finds exactly these
//     candidates, so a screen sees every pair a full scan would);
//   - and their similarity reaches pair_min (joined_min for a joined
//     unit): the best of 0.8 × Jaro-Winkler + 0.2 × (1 − edits / length)
//     on the spellings, the same on the phonetic folds (× fold_factor),
//     and for the vowelless scripts Jaro-Winkler on the consonant
//     skeletons (× skeleton_factor); times first_sound_penalty when the
//     folds start with different consonants ("Frank" / "Frederik").
// Initials pair with words of the same first letter (initial_sim),
// particles with particles of the same kind ("bin" = "ibn"), numbers only
// with the same number.
//
// The pairing is greedy, best similarity first, each token used once. With
// weights (a word weighs its length between 2 and 8 letters, a particle
// 0.5, an initial or number 1), the score is
//   mean pair similarity (weighted)
//   − substitution × min(unpaired share of query, of listed)
//   − extra × max(both) (extra_query when the query has more left over,
//     extra_organization for companies)
//   − order when paired words come in another order ("Friedrich Hans")
//   − single_word when only one word pairs and a word is left over
//   − legal_form_mismatch when both are companies of different forms
// so a name whose every token finds a partner scores its mean similarity,
// a name with words on one side only ("Abdul Ghani Turk" / "Abdul Ghani
// Baradar Abdul Ahmad Turk") loses a little, and a name with a word
// replaced on both sides ("... al-Mashhadani" / "... al-Tikriti") loses a
// lot. A pairing of initials and particles alone scores 0 ("N.N.").
//
// The constants are tuned on ../shared/data/sanctions/eval (see eval.h and
// `meridian screen --eval`); kDefaultThreshold 0.90 has name_pairs.csv
// accuracy 0.864 at 10 % false positives (the sweep's best, 0.89, is 0.867
// at 11 %; 0.90 was kept because it leaves 99.3 % of negatives_us clean
// against the real lists, 0.89 fewer).
//
//   double s = ScoreNames("PUTIN, Vladimir", "Vladimir Vladimirovich Putin");
#ifndef MERIDIAN_COMPLIANCE_MATCHER_H_
#define MERIDIAN_COMPLIANCE_MATCHER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compliance/list_entry.h"
#include "compliance/normalize.h"

namespace meridian::compliance {

inline constexpr double kDefaultThreshold = 0.90;

struct MatchParams {
  double pair_min = 0.75;
  double joined_min = 0.92;  // a joined pair pairs only with one word
  double initial_sim = 0.90;
  double fold_factor = 1.0;
  // Word similarity = (1 − edit_weight) × Jaro-Winkler + edit_weight ×
  // (1 − edits / longer length): Jaro-Winkler alone forgives a changed
  // ending ("Lukashenko" / "Lukashevich") as much as one typo.
  double edit_weight = 0.2;
  double skeleton_factor = 0.95;
  double first_sound_penalty = 0.95;
  double substitution = 0.9;
  double extra = 0.10;        // words the listed name has beyond the query
  double extra_query = 0.25;  // words the query has beyond the listed name
  double extra_organization = 0.20;  // a word more makes another company
  double order = 0.15;  // paired words in another order ("Hans Friedrich")
  // Only one word pairs and some word is left over: "Daisy Ayala" against
  // a listed alias "DAISY" is not enough.
  double single_word = 0.15;
  double legal_form_mismatch = 0.10;
  double particle_weight = 0.5;
  double initial_weight = 1.0;
  double number_weight = 1.0;
};

// The parameters every Score uses (a test or the evaluation may change
// them before building an index; not thread-safe to change while scoring).
MatchParams& MutableMatchParams();
const MatchParams& CurrentMatchParams();

// Blocking: two words may pair only when
//   - their folds are within one edit of each other in the sense that
//     deleting at most one letter from each makes them equal (every single
//     substitution, insertion, deletion or swap of neighbours: "Schloz" /
//     "Scholz", "Tom" / "Tim"), compared by the hashes of those deletions;
//   - or (not for a joined pair) their folds differ in length by at most
//     kMaxLengthGap and share their first three or last three letters
//     ("Lukashnko" / "Lukashenko");
//   - or, when either is from a vowelless script, their consonant
//     skeletons are equal ("mhmd" / "mohamed", "dwd" / "david").
// The index finds exactly these candidates with the same keys, so a screen
// sees every pair a full scan would.
inline constexpr size_t kBlockKeyKinds = 2;  // fold prefix, fold suffix
inline constexpr size_t kMaxLengthGap = 1;
uint64_t BlockKey(size_t kind, std::string_view fold, size_t length);
uint64_t SkeletonKey(std::string_view skeleton);
// The hashes of `fold` and, for folds of three letters or more, of every
// string one deletion away, sorted.
std::vector<uint64_t> DeletionKeys(std::string_view fold);

// What a cheap upper bound of UnitSimilarity needs, in one flat block: how
// many of each letter text and fold have (digits share six slots), their
// lengths and first letters. Most candidates of a screen stop there.
struct UnitSketch {
  alignas(16) std::array<uint8_t, 32> text_letters{};
  alignas(16) std::array<uint8_t, 32> fold_letters{};
  uint8_t text_length = 0, fold_length = 0;
  std::array<char, 4> text_prefix{}, fold_prefix{};
  uint8_t flags = 0;
  bool has_skeleton = false;
};

// One token or a joined pair of neighbouring words, ready for comparison.
struct NameUnit {
  std::string text;      // lower-case ASCII
  std::string fold;      // PhoneticFold(text)
  std::string skeleton;  // ConsonantSkeleton(text)
  UnitSketch sketch;
  uint8_t flags = 0;  // kToken* of normalize.h (abjad if any part is)
  uint32_t mask = 0;  // which tokens of the name (bit i: token i)
  float weight = 0;
  // Blocking keys of the fold (BlockKey, DeletionKeys), and of the
  // skeleton.
  std::array<uint64_t, kBlockKeyKinds> keys{};
  std::vector<uint64_t> deletion_keys;
  uint64_t skeleton_key = 0;
  std::string_view particle;  // canonical particle, or empty
};

// A name prepared for scoring: its units (tokens first, then joined pairs)
// and totals. Names longer than kMaxTokens keep their first kMaxTokens.
struct PreparedName {
  static constexpr size_t kMaxTokens = 24;
  std::vector<NameUnit> units;
  size_t token_count = 0;
  double weight = 0;           // of the tokens
  double particle_weight = 0;  // of the particles among them
  bool has_initial = false;
  bool has_particle = false;
  bool organization = false;  // a legal form, or said so by the caller
  std::string legal_form;
};

// `type` kEntity (or a legal form in the name) marks an organisation.
PreparedName PrepareName(const NormalizedName& name,
                         EntityType type = EntityType::kUnknown);
PreparedName PrepareName(std::string_view utf8_name,
                         EntityType type = EntityType::kUnknown);

// Similarity of two units as the pairing sees it; 0 (or any value below
// pair_min) when they may not pair.
double UnitSimilarity(const NameUnit& a, const NameUnit& b);

// What UnitSimilarity reads of a unit, as views: the index keeps its
// vocabulary in one flat block of these (text, fold, skeleton and
// deletion keys side by side) so that comparing a query word with a
// vocabulary unit touches one or two cache lines instead of a NameUnit
// and the heap blocks it points to. UnitSimilarity of two views is the
// same computation, bit for bit, as of the units they view.
struct UnitView {
  std::string_view text, fold, skeleton;
  std::string_view particle;
  const UnitSketch* sketch = nullptr;
  const uint64_t* deletion_keys = nullptr;
  size_t deletion_key_count = 0;
  uint64_t skeleton_key = 0;
  uint8_t flags = 0;
};
UnitView ViewOf(const NameUnit& unit);
double UnitSimilarity(const UnitView& a, const UnitView& b);

// False only when UnitSimilarity of the units these sketches describe is
// surely below pair_min (joined_min for a joined unit).
bool SketchMayPair(const UnitSketch& a, const UnitSketch& b);

// Classic Jaro-Winkler (prefix scale 0.1, prefix at most 4).
double JaroWinkler(std::string_view a, std::string_view b);
// Optimal string alignment distance (Levenshtein plus adjacent swaps).
size_t EditDistance(std::string_view a, std::string_view b);

struct NameScore {
  double score = 0;
  double query_coverage = 0;   // paired share of the query's weight
  double listed_coverage = 0;  // paired share of the listed name's weight
};

NameScore ScorePrepared(const PreparedName& query, const PreparedName& listed);

// A unit pair that may pair: query unit q, listed unit l, their
// UnitSimilarity (as float, the precision the pairing keeps).
struct UnitPair {
  float sim;
  uint16_t q, l;
};
// ScorePrepared from its pairs found elsewhere: `pairs` must hold every
// (query unit, listed unit) with UnitSimilarity(query.units[q],
// listed.units[l]) >= pair_min, each once, in any order (it is sorted in
// place). The index knows most of them from its blocking and so scores a
// candidate without comparing its words again; the result is the same.
NameScore ScorePairs(const PreparedName& query, const PreparedName& listed,
                     UnitPair* pairs, size_t count);
// The best score over the names' variants (NormalizeNameVariants).
double ScoreNames(std::string_view query, std::string_view listed,
                  EntityType type = EntityType::kUnknown);

// The highest score a listed name can reach when only the query tokens in
// `query_mask` and the listed tokens in `listed_mask` can pair (each with
// similarity at most 1): what the index uses to skip names.
double ScoreUpperBound(const PreparedName& query, uint32_t query_mask,
                       const PreparedName& listed, uint32_t listed_mask);

// What ScoreUpperBound needs of one name, flat (the index keeps one per
// listed name so that the bound touches no strings).
struct BoundSide {
  const float* token_weights = nullptr;  // token_count of them
  uint32_t word_mask = 0;                // tokens that are words
  float weight = 0;
  float nonword_weight = 0;  // particles, initials, numbers
  bool has_initial = false;
  uint8_t initials = 0;  // how many (each may take one word of the other)
};
BoundSide MakeBoundSide(const PreparedName& name,
                        std::vector<float>* weights_storage);
double ScoreUpperBound(const BoundSide& query, uint32_t query_mask,
                       const BoundSide& listed, uint32_t listed_mask);

// Facts beside the name. Dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD";
// countries ISO 3166 alpha-2 (any case).
struct FactAdjustment {
  double delta = 0;
  std::vector<std::string> reasons;
};
inline constexpr double kMaxFactBoost = 0.05;
// Same date of birth +0.05, same year +0.02, years two or more apart
// −0.10; a country among the entry's +0.02, none of the entry's −0.03.
// Nothing when either side lacks the fact.
FactAdjustment AdjustForFacts(const std::string& query_dob,
                              const std::string& query_country,
                              const ListEntry& entry);
// AdjustForFacts(…).delta without the reasons (no allocation: the index
// asks it of every name it scores).
double FactAdjustmentDelta(const std::string& query_dob,
                           const std::string& query_country,
                           const ListEntry& entry);

// Identifiers compare as upper-case letters and digits only: "AB 123-456"
// = "ab123456". Numbers shorter than 5 never match.
std::string NormalizeIdentifier(std::string_view number);

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_MATCHER_H_
