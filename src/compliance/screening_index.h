// Screening a name against every loaded sanctions list without comparing
// it with every entry (spec/compliance_risk.md).
//
// ScreeningIndex::Build normalises and prepares every primary name and
// alias (matcher.h) once. Its vocabulary is every distinct word unit (token
// or joined neighbours) of those names, found by the unit's blocking keys
// (fold prefix and suffix by length, one-deletion neighbourhood, consonant
// skeleton); Build also records, for each vocabulary unit, the others it
// pairs with and how well. A screen
//   1. prepares the query and, for each of its word units, takes the
//      recorded partners when the lists spell it the same way, else looks
//      up the vocabulary units sharing a key and keeps those UnitSimilarity
//      says may pair (the test the scorer applies, so nothing the scorer
//      would pair is missed);
//   2. walks their postings, collecting for each listed name which of its
//      tokens and which query tokens could pair; a query word that cannot
//      bring a name to the threshold alone only marks the names it reaches,
//      and a name two such words reach (or one with initials) is kept;
//   3. scores in full only the names whose ScoreUpperBound (plus the most
//      the facts can add) reaches the threshold, from the unit pairs step 1
//      found (ScorePairs: only particles, initials and numbers are compared
//      again).
// So Screen returns exactly what scoring every name would return at that
// threshold (the matcher tests check it against a brute-force scan), while
// fully scoring a handful of names instead of tens of thousands. Change
// MatchParams before Build, never after.
//
// The cost of a screen is mostly cache misses, not arithmetic (the index
// is tens of megabytes and a screen visits a few thousand scattered
// places): hence the flat postings, a name's bound in one cache line, and
// prefetching of what step 1 and 2 will read, and the vocabulary in one
// flat store (a unit's spellings and deletion keys in one record, compared
// through UnitView) found by a hashed id table. Most of the tail left is
// real work: the short syllables of Han names (read in Mandarin and in
// Korean) pair with dozens of vocabulary units each. matcher_benchmark's
// BM_ScreenRealLists measures it (docs/benchmarks.md).
//
// Identifiers (passport, national id, IMO, registration number) are a hash
// lookup: an exact match scores 1.
//
// Weak aliases (ListEntry::weak_aliases: OFAC's remark a.k.a.s, UN aliases
// of low quality) are short or common names the lists themselves do not
// trust, so they are not in the vocabulary: a screen meets one only when
// the query normalises to exactly its tokens (NormalizedName::Key: case,
// punctuation, script, "LAST, First" order and legal forms aside), and
// then it is scored and judged like any name (facts included). A loose
// spelling of a weak alias finds nothing through it. Weak aliases of one
// token, without a word (particles, initials, numbers only), or of fewer
// than kMinWeakAliasLetters letters are left out: "JD", "Hamza" or "Ana I"
// alone would name too many. A hit through one says so
// (Hit::weak_alias, and a reason "weak alias").
//
// A built index is immutable; Screen may run on many threads at once.
// Screener holds the current index behind an atomic shared_ptr: Reload
// builds a new index while the old one keeps serving, then swaps, and
// forgets the cached results of the old one.
//
//   ScreeningIndex index = ScreeningIndex::Build(entries);
//   std::vector<Hit> hits = index.Screen({.name = "Vladimir Putin"}, 0.88, 10);
#ifndef MERIDIAN_COMPLIANCE_SCREENING_INDEX_H_
#define MERIDIAN_COMPLIANCE_SCREENING_INDEX_H_

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compliance/list_entry.h"
#include "compliance/matcher.h"

namespace meridian::compliance {

struct ScreenQuery {
  std::string name;
  std::optional<std::string> country;        // ISO 3166 alpha-2
  std::optional<std::string> date_of_birth;  // YYYY, YYYY-MM, YYYY-MM-DD
  std::optional<EntityType> type;  // when set, other types are skipped
  std::vector<Identifier> identifiers;
};

struct Hit {
  std::string list;
  std::string source_id;
  size_t entry = 0;           // index into the entries the index was built on
  std::string listed_name;    // the entry's primary name
  std::string matched_alias;  // the name that matched (may be the primary)
  bool weak_alias = false;    // matched_alias is one of the weak aliases
  double score = 0;
  std::string programs;
  std::vector<std::string> reasons;  // "name 0.93", "date of birth matches"
};

class ScreeningIndex {
 public:
  static ScreeningIndex Build(const std::vector<ListEntry>& entries);
  static ScreeningIndex Build(std::vector<ListEntry>&& entries);

  ScreeningIndex(ScreeningIndex&&) = default;
  ScreeningIndex& operator=(ScreeningIndex&&) = default;

  // Hits with score >= threshold, best first (ties: list, then source id),
  // at most max_hits, one per entry (its best-matching name).
  std::vector<Hit> Screen(const ScreenQuery& query, double threshold,
                          size_t max_hits) const;

  // The same answer by scoring every name: for tests and benchmarks.
  std::vector<Hit> ScreenBruteForce(const ScreenQuery& query, double threshold,
                                    size_t max_hits) const;

  size_t entry_count() const { return entries_.size(); }
  size_t name_count() const { return names_.size(); }
  size_t vocabulary_size() const { return sketches_.size(); }
  // Bytes of the vocabulary's flat store and id table (for the docs).
  size_t vocabulary_bytes() const;
  size_t weak_alias_count() const { return weak_names_.size(); }

  static constexpr size_t kMinWeakAliasLetters = 6;
  const std::vector<ListEntry>& entries() const { return entries_; }

  // How many names the last Screen on this thread scored in full (the
  // blocking's work), for benchmarks and tests.
  static size_t LastScoredCount();
  // And how many vocabulary units it compared, how many names it touched.
  static size_t LastComparedCount();
  static size_t LastTouchedCount();

  // A vocabulary unit a query unit pairs with, and their UnitSimilarity
  // (public for the work space of the .cc and for tests).
  struct Similar {
    uint32_t unit;
    float sim;
  };
  // For tests: the id of the vocabulary unit spelt like `unit` (same text,
  // abjad and joined bits), if any; and the vocabulary units `unit` pairs
  // with as a screen finds them for a word the lists do not spell (by its
  // blocking keys, from the flat store), sorted by id.
  std::optional<uint32_t> VocabularyIdOf(const NameUnit& unit) const;
  std::vector<Similar> SimilarUnits(const NameUnit& unit) const;

 private:
  ScreeningIndex() = default;
  void Index();

  struct Name {
    uint32_t entry;
    uint32_t alias;  // 0 = the primary name, i = aliases[i - 1]; of a weak
                     // name, i = weak_aliases[i]
    PreparedName prepared;
  };
  struct Posting {
    uint32_t name;
    uint32_t mask;  // the listed tokens the unit covers
  };
  struct VocabularyUnit {  // while building (the unit itself goes
                           // straight into the flat store)
    std::vector<Posting> postings;  // then in postings_
  };
  // What ScoreUpperBound needs of one name in one cache line: the token
  // weights of a name of up to kInlineWeights tokens sit beside the rest
  // (a screen reads thousands of these, each once).
  static constexpr size_t kInlineWeights = 8;
  struct alignas(64) NameBound {
    BoundSide side;  // token_weights: inline_weights or token_weights_
    float inline_weights[kInlineWeights];
  };
  static constexpr uint32_t kNotInVocabulary = UINT32_MAX;
  // A name at or above the threshold: its score with the facts, and the
  // name's own score (which ranks names of one entry that tie, and which
  // the hit's reason shows).
  struct Scored {
    uint32_t name;
    double score;  // 2: an identifier matched
    double name_score;
  };

  static std::vector<PreparedName> PrepareQuery(const ScreenQuery& query);
  static std::string VocabularyKey(const NameUnit& unit);
  // A hash of VocabularyKey(unit) without building it.
  static uint64_t VocabularyHash(std::string_view text, uint8_t flags);
  // The vocabulary unit spelt like `unit` (same text, abjad and joined
  // bits), or kNotInVocabulary.
  uint32_t FindVocabulary(const NameUnit& unit) const;
  // Vocabulary unit v as UnitSimilarity reads it, from the flat store.
  UnitView VocabularyView(uint32_t v) const;
  // The flat store's record of unit v: header, deletion keys, letters.
  struct FlatHeader {
    uint64_t skeleton_key;
    uint16_t text_length, fold_length, skeleton_length, deletion_key_count;
    uint8_t flags;
  };
  static constexpr size_t kHeaderWords = (sizeof(FlatHeader) + 7) / 8;
  // The vocabulary units UnitSimilarity pairs with `unit` (scratch is the
  // thread's work space, a Scratch of the .cc).
  void FindSimilar(const UnitView& unit, void* scratch,
                   std::vector<Similar>* similar) const;
  // ScorePrepared(query, names_[n].prepared) from the pairs step 1 found
  // (scratch holds them by vocabulary unit): only the units that are not
  // words are compared again.
  NameScore ScoreCandidate(const PreparedName& query, uint32_t n,
                           void* scratch) const;
  void ScreenVariant(const ScreenQuery& query, const PreparedName& prepared,
                     double threshold, std::vector<Scored>* scores) const;
  std::vector<Hit> Finish(const ScreenQuery& query,
                          const std::vector<Scored>& name_scores,
                          size_t max_hits) const;
  // The weak aliases the query spells exactly, scored (Scored::name as
  // above).
  void AddWeakAliasHits(const ScreenQuery& query,
                        const std::vector<PreparedName>& prepared,
                        double threshold, std::vector<Scored>* scores) const;
  void AddIdentifierHits(const ScreenQuery& query,
                         std::vector<Scored>* scores) const;
  bool TypeAllowed(const ScreenQuery& query, const ListEntry& entry) const;
  // A name by its id in Scored: names_, then weak_names_.
  const Name& NameOf(uint32_t id) const {
    return id < names_.size() ? names_[id] : weak_names_[id - names_.size()];
  }

  std::vector<ListEntry> entries_;
  std::vector<Name> names_;
  // Per name, what the score bound needs; token_weights_ holds the weights
  // of the names too long for NameBound::inline_weights.
  std::vector<NameBound> bounds_;
  std::vector<float> token_weights_;
  // Bit n: name n has an initial (read for every posting of a query's
  // commonest word, so kept apart and small).
  std::vector<uint64_t> has_initial_;
  std::vector<uint32_t> first_name_of_entry_;  // names_ index of primary
  // unit_vocabulary_[unit_offsets_[n] + j]: the vocabulary unit of unit j
  // of name n, kNotInVocabulary for a particle, initial or number.
  std::vector<uint32_t> unit_offsets_;
  std::vector<uint32_t> unit_vocabulary_;
  // Blocking key → vocabulary ids, in one flat array.
  // Open addressing over a power-of-two table of (key, begin, end).
  struct KeyTable {
    struct Slot {
      uint64_t key = 0;
      uint32_t begin = 0, end = 0;  // end == 0: empty
    };
    std::vector<Slot> slots;
    std::vector<uint32_t> ids;
    void Build(std::vector<std::pair<uint64_t, uint32_t>>* pairs);
    size_t Home(uint64_t key) const {
      return (key * 0x9E3779B97F4A7C15ull) >> 20 & (slots.size() - 1);
    }
    void PrefetchSlot(uint64_t key) const {
      if (!slots.empty()) __builtin_prefetch(&slots[Home(key)]);
    }
    // The ids under `key` as [begin, end) of ids (begin == end: none).
    std::pair<uint32_t, uint32_t> Find(uint64_t key) const {
      if (slots.empty()) return {0, 0};
      const size_t mask = slots.size() - 1;
      for (size_t i = Home(key);; i = (i + 1) & mask) {
        const Slot& slot = slots[i];
        if (slot.end == 0) return {0, 0};
        if (slot.key == key) return {slot.begin, slot.end};
      }
    }
    template <typename F>
    void ForEach(uint64_t key, F&& f) const {
      if (slots.empty()) return;
      const size_t mask = slots.size() - 1;
      for (size_t i = (key * 0x9E3779B97F4A7C15ull) >> 20 & mask;;
           i = (i + 1) & mask) {
        const Slot& slot = slots[i];
        if (slot.end == 0) return;
        if (slot.key == key) {
          for (uint32_t k = slot.begin; k < slot.end; ++k) f(ids[k]);
          return;
        }
      }
    }
  };

  // The vocabulary, flat: unit v's record is
  // vocabulary_flat_[vocabulary_offsets_[v] .. vocabulary_offsets_[v + 1])
  // (64-bit words: FlatHeader, the sorted deletion keys, then text, fold
  // and skeleton), so that FindSimilar fetches a candidate in one or two
  // cache lines with no pointer to follow.
  std::vector<uint64_t> vocabulary_flat_;
  std::vector<uint32_t> vocabulary_offsets_;
  // VocabularyKey → unit id: open addressing over a power-of-two table of
  // (high half of VocabularyHash, id + 1; 0 = empty), checked against the
  // flat record.
  std::vector<std::pair<uint32_t, uint32_t>> vocabulary_slots_;
  // postings_[posting_offsets_[v] .. posting_offsets_[v + 1]): the names
  // vocabulary unit v occurs in, in name order, flat so that a screen
  // reads them without touching vocabulary_.
  std::vector<uint32_t> posting_offsets_;
  std::vector<Posting> postings_;
  std::vector<UnitSketch> sketches_;  // vocabulary_[i].unit.sketch, flat
  // neighbors_[neighbor_offsets_[i] .. neighbor_offsets_[i + 1]): what
  // vocabulary unit i pairs with (UnitSimilarity >= pair_min), and how
  // well.
  std::vector<uint32_t> neighbor_offsets_;
  std::vector<Similar> neighbors_;
  // Fold keys of single words and of joined pairs (a joined query unit
  // looks only among single words); skeleton keys of every unit and of
  // the units written without vowels.
  KeyTable words_, joined_, skeleton_all_, skeleton_abjad_;
  std::unordered_map<std::string, std::vector<uint32_t>> identifiers_;
  // Weak aliases, by normalised key (their ids in Scored::name are
  // names_.size() + i).
  std::vector<Name> weak_names_;
  std::unordered_map<std::string, std::vector<uint32_t>> weak_keys_;
};

// The current index, reloadable while serving, with a small cache of recent
// screens (by normalised name and the query's facts).
class Screener {
 public:
  explicit Screener(double threshold = kDefaultThreshold, size_t max_hits = 20,
                    size_t cache_capacity = 4096);

  // Builds an index of `entries` and makes it current; screens running
  // meanwhile use the old one. Empties the cache.
  void Reload(std::vector<ListEntry> entries);
  void Reload(std::shared_ptr<const ScreeningIndex> index);

  std::shared_ptr<const ScreeningIndex> index() const {
    return index_.load(std::memory_order_acquire);
  }
  bool ready() const { return index() != nullptr; }

  // Hits at the screener's threshold; empty before the first Reload.
  std::vector<Hit> Screen(const ScreenQuery& query) const;

  uint64_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }
  size_t cache_hits() const { return cache_hits_.load(); }

 private:
  struct CacheEntry {
    std::string key;
    std::vector<Hit> hits;
  };

  double threshold_;
  size_t max_hits_;
  size_t cache_capacity_;
  std::atomic<std::shared_ptr<const ScreeningIndex>> index_;
  std::atomic<uint64_t> generation_{0};

  mutable std::mutex cache_mu_;
  mutable std::list<CacheEntry> lru_;  // most recent first
  mutable std::unordered_map<std::string, std::list<CacheEntry>::iterator>
      cache_;
  mutable uint64_t cache_generation_ = 0;
  mutable std::atomic<size_t> cache_hits_{0};
};

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_SCREENING_INDEX_H_
