#include "compliance/screening_index.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <iterator>
#include <tuple>
#include <unordered_set>

namespace meridian::compliance {
namespace {

constexpr uint8_t kNotWord = kTokenParticle | kTokenInitial | kTokenNumber;
bool IsWord(uint8_t flags) { return (flags & kNotWord) == 0; }

// Per-thread work space of Screen, sized to the largest index seen.
struct Scratch {
  struct NameSlot {
    uint32_t stamp, query_mask, listed_mask;
  };
  std::vector<NameSlot> names;
  std::vector<uint32_t> touched;
  std::vector<uint32_t> vocab_stamp;
  // per query unit
  std::vector<std::vector<ScreeningIndex::Similar>> similar;
  // The query units each vocabulary unit pairs with, for scoring: a list
  // through pair_links from pair_heads[v].head, valid when its stamp is
  // pair_generation.
  struct PairLink {
    uint16_t query_unit;
    float sim;
    int32_t next;
  };
  struct PairHead {
    uint32_t stamp = 0;
    int32_t head = -1;
  };
  std::vector<PairHead> pair_heads;  // by vocabulary unit
  std::vector<PairLink> pair_links;
  std::vector<uint32_t> candidates;      // of FindSimilar
  std::vector<UnitPair> pairs;           // of the candidate being scored
  std::vector<uint16_t> query_nonwords;  // particles, initials, numbers
  std::vector<uint16_t> marked;          // the query words that mark
  std::vector<uint32_t> passing;  // names whose bound reaches the threshold
  std::vector<uint8_t> reach;  // per name: which marked query words reach it
  uint32_t name_generation = 0;
  uint32_t vocab_generation = 0;
  uint32_t pair_generation = 0;
  size_t last_scored = 0;
  size_t last_compared = 0;  // vocabulary units compared with the query
  size_t last_touched = 0;   // names with any pairing unit

  void Prepare(size_t names, size_t vocabulary) {
    if (this->names.size() < names) {
      this->names.assign(names, NameSlot{0, 0, 0});
      name_generation = 0;
    }
    if (vocab_stamp.size() < vocabulary) {
      vocab_stamp.assign(vocabulary, 0);
      vocab_generation = 0;
      pair_heads.assign(vocabulary, PairHead{});
      pair_generation = 0;
    }
    if (++name_generation == 0) {
      for (NameSlot& slot : this->names) slot.stamp = 0;
      name_generation = 1;
    }
    touched.clear();
  }
  uint32_t NextPairGeneration() {
    if (++pair_generation == 0) {
      for (PairHead& h : pair_heads) h.stamp = 0;
      pair_generation = 1;
    }
    pair_links.clear();
    return pair_generation;
  }
  uint32_t NextVocabGeneration() {
    if (++vocab_generation == 0) {
      std::fill(vocab_stamp.begin(), vocab_stamp.end(), 0);
      vocab_generation = 1;
    }
    return vocab_generation;
  }
};

// Asks for the cache lines of [p, p + bytes) without waiting for them.
void Prefetch(const void* p, size_t bytes) {
  const char* c = static_cast<const char*>(p);
  for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(c + at);
  __builtin_prefetch(c + bytes - 1);
}

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// A weak alias is screened only when it says enough: two tokens or more,
// one a word, and kMinWeakAliasLetters letters in all.
bool WeakAliasScreenable(const NormalizedName& name) {
  if (name.tokens.size() < 2) return false;
  size_t letters = 0;
  bool word = false;
  for (size_t t = 0; t < name.tokens.size(); ++t) {
    letters += name.tokens[t].size();
    word = word || IsWord(name.flags[t]);
  }
  return word && letters >= ScreeningIndex::kMinWeakAliasLetters;
}

std::string FactsKey(const ScreenQuery& q) {
  std::string key;
  key += '|';
  key += q.country.value_or("");
  key += '|';
  key += q.date_of_birth.value_or("");
  key += '|';
  key += q.type ? std::to_string(static_cast<int>(*q.type)) : "";
  for (const Identifier& id : q.identifiers) {
    key += '|';
    key += NormalizeIdentifier(id.number);
  }
  return key;
}

}  // namespace

size_t ScreeningIndex::LastScoredCount() { return ThreadScratch().last_scored; }
size_t ScreeningIndex::LastComparedCount() {
  return ThreadScratch().last_compared;
}
size_t ScreeningIndex::LastTouchedCount() {
  return ThreadScratch().last_touched;
}

ScreeningIndex ScreeningIndex::Build(const std::vector<ListEntry>& entries) {
  return Build(std::vector<ListEntry>(entries));
}

ScreeningIndex ScreeningIndex::Build(std::vector<ListEntry>&& entries) {
  ScreeningIndex index;
  index.entries_ = std::move(entries);
  index.Index();
  return index;
}

void ScreeningIndex::KeyTable::Build(
    std::vector<std::pair<uint64_t, uint32_t>>* pairs) {
  std::sort(pairs->begin(), pairs->end());
  pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
  ids.reserve(pairs->size());
  size_t distinct = 0;
  for (size_t i = 0; i < pairs->size(); ++i) {
    if (i == 0 || (*pairs)[i].first != (*pairs)[i - 1].first) ++distinct;
  }
  size_t size = 16;
  while (size < 2 * distinct) size *= 2;
  slots.assign(size, Slot{});
  const size_t mask = size - 1;
  for (size_t i = 0; i < pairs->size();) {
    size_t j = i;
    const uint64_t key = (*pairs)[i].first;
    const uint32_t begin = static_cast<uint32_t>(ids.size());
    while (j < pairs->size() && (*pairs)[j].first == key) {
      ids.push_back((*pairs)[j].second);
      ++j;
    }
    size_t at = (key * 0x9E3779B97F4A7C15ull) >> 20 & mask;
    while (slots[at].end != 0) at = (at + 1) & mask;
    slots[at] = Slot{key, begin, static_cast<uint32_t>(ids.size())};
    i = j;
  }
  pairs->clear();
  pairs->shrink_to_fit();
}

void ScreeningIndex::Index() {
  std::unordered_map<std::string, uint32_t> vocabulary_ids;
  std::vector<VocabularyUnit> vocabulary;  // while building
  // A new vocabulary unit goes straight into the flat store (no copy of
  // the NameUnit is kept).
  auto AppendVocabulary = [&](const NameUnit& u) {
    sketches_.push_back(u.sketch);
    vocabulary_offsets_.push_back(
        static_cast<uint32_t>(vocabulary_flat_.size()));
    FlatHeader header{};
    header.skeleton_key = u.skeleton_key;
    header.text_length = static_cast<uint16_t>(u.text.size());
    header.fold_length = static_cast<uint16_t>(u.fold.size());
    header.skeleton_length = static_cast<uint16_t>(u.skeleton.size());
    header.deletion_key_count = static_cast<uint16_t>(u.deletion_keys.size());
    header.flags = u.flags;
    const size_t letters = u.text.size() + u.fold.size() + u.skeleton.size();
    const size_t at = vocabulary_flat_.size();
    vocabulary_flat_.resize(at + kHeaderWords + u.deletion_keys.size() +
                            (letters + 7) / 8);
    uint64_t* record = vocabulary_flat_.data() + at;
    std::memcpy(record, &header, sizeof header);
    std::copy(u.deletion_keys.begin(), u.deletion_keys.end(),
              record + kHeaderWords);
    char* chars =
        reinterpret_cast<char*>(record + kHeaderWords + u.deletion_keys.size());
    std::memcpy(chars, u.text.data(), u.text.size());
    std::memcpy(chars + u.text.size(), u.fold.data(), u.fold.size());
    std::memcpy(chars + u.text.size() + u.fold.size(), u.skeleton.data(),
                u.skeleton.size());
  };
  std::vector<std::pair<uint64_t, uint32_t>> word_keys, joined_keys,
      skeleton_all, skeleton_abjad;
  first_name_of_entry_.reserve(entries_.size());
  for (size_t e = 0; e < entries_.size(); ++e) {
    const ListEntry& entry = entries_[e];
    first_name_of_entry_.push_back(static_cast<uint32_t>(names_.size()));
    std::unordered_set<std::string> seen;
    for (size_t a = 0; a <= entry.aliases.size(); ++a) {
      const std::string& raw = a == 0 ? entry.name : entry.aliases[a - 1];
      for (const NormalizedName& normalized : NormalizeNameVariants(raw)) {
        if (normalized.empty()) continue;
        if (!seen.insert(normalized.Key() + "|" + normalized.legal_form)
                 .second) {
          continue;
        }
        Name name{static_cast<uint32_t>(e), static_cast<uint32_t>(a),
                  PrepareName(normalized, entry.type)};
        const uint32_t name_id = static_cast<uint32_t>(names_.size());
        unit_offsets_.push_back(static_cast<uint32_t>(unit_vocabulary_.size()));
        for (const NameUnit& unit : name.prepared.units) {
          if (!IsWord(unit.flags)) {
            unit_vocabulary_.push_back(kNotInVocabulary);
            continue;
          }
          std::string id_key = VocabularyKey(unit);
          auto [it, inserted] = vocabulary_ids.emplace(
              std::move(id_key), static_cast<uint32_t>(vocabulary.size()));
          if (inserted) {
            vocabulary.emplace_back();
            AppendVocabulary(unit);
            const uint32_t id = it->second;
            const bool joined = (unit.flags & kTokenJoined) != 0;
            auto& keys = joined ? joined_keys : word_keys;
            if (!joined) {
              for (uint64_t key : unit.keys) keys.emplace_back(key, id);
            }
            for (uint64_t key : unit.deletion_keys) keys.emplace_back(key, id);
            if (!unit.skeleton.empty()) {
              skeleton_all.emplace_back(unit.skeleton_key, id);
              if (unit.flags & kTokenAbjad) {
                skeleton_abjad.emplace_back(unit.skeleton_key, id);
              }
            }
          }
          unit_vocabulary_.push_back(it->second);
          std::vector<Posting>& postings = vocabulary[it->second].postings;
          if (postings.empty() || postings.back().name != name_id) {
            postings.push_back(Posting{name_id, unit.mask});
          } else {
            postings.back().mask |= unit.mask;
          }
        }
        names_.push_back(std::move(name));
      }
    }
    for (size_t w = 0; w < entry.weak_aliases.size(); ++w) {
      for (const NormalizedName& normalized :
           NormalizeNameVariants(entry.weak_aliases[w])) {
        if (!WeakAliasScreenable(normalized)) continue;
        // Spelt like one of the entry's names: that one already screens.
        if (!seen.insert(normalized.Key() + "|" + normalized.legal_form)
                 .second) {
          continue;
        }
        weak_keys_[normalized.Key()].push_back(
            static_cast<uint32_t>(weak_names_.size()));
        weak_names_.push_back(Name{static_cast<uint32_t>(e),
                                   static_cast<uint32_t>(w),
                                   PrepareName(normalized, entry.type)});
      }
    }
    for (const Identifier& id : entry.identifiers) {
      std::string number = NormalizeIdentifier(id.number);
      if (number.size() < 5) continue;
      std::vector<uint32_t>& list = identifiers_[number];
      if (list.empty() || list.back() != e)
        list.push_back(static_cast<uint32_t>(e));
    }
  }
  // The bounds' token weights, once bounds_ and token_weights_ no longer
  // move.
  std::vector<float> weights;
  std::vector<uint32_t> offsets(names_.size(), UINT32_MAX);
  bounds_.resize(names_.size());
  has_initial_.assign((names_.size() + 63) / 64, 0);
  for (size_t n = 0; n < names_.size(); ++n) {
    NameBound& bound = bounds_[n];
    bound.side = MakeBoundSide(names_[n].prepared, &weights);
    if (weights.size() <= kInlineWeights) {
      std::copy(weights.begin(), weights.end(), bound.inline_weights);
    } else {
      offsets[n] = static_cast<uint32_t>(token_weights_.size());
      token_weights_.insert(token_weights_.end(), weights.begin(),
                            weights.end());
    }
    if (bound.side.has_initial) has_initial_[n / 64] |= uint64_t{1} << (n % 64);
  }
  for (size_t n = 0; n < names_.size(); ++n) {
    bounds_[n].side.token_weights = offsets[n] == UINT32_MAX
                                        ? bounds_[n].inline_weights
                                        : token_weights_.data() + offsets[n];
  }
  posting_offsets_.reserve(vocabulary.size() + 1);
  for (VocabularyUnit& v : vocabulary) {
    posting_offsets_.push_back(static_cast<uint32_t>(postings_.size()));
    postings_.insert(postings_.end(), v.postings.begin(), v.postings.end());
    v.postings = {};
  }
  posting_offsets_.push_back(static_cast<uint32_t>(postings_.size()));
  vocabulary_offsets_.push_back(static_cast<uint32_t>(vocabulary_flat_.size()));
  vocabulary_flat_.shrink_to_fit();
  vocabulary_offsets_.shrink_to_fit();
  sketches_.shrink_to_fit();
  {
    size_t size = 16;
    while (size < 2 * vocabulary.size()) size *= 2;
    vocabulary_slots_.assign(size, {0, 0});
    for (uint32_t v = 0; v < vocabulary.size(); ++v) {
      const UnitView view = VocabularyView(v);
      const uint64_t h = VocabularyHash(view.text, view.flags);
      size_t at = h & (size - 1);
      while (vocabulary_slots_[at].second != 0) at = (at + 1) & (size - 1);
      vocabulary_slots_[at] = {static_cast<uint32_t>(h >> 32), v + 1};
    }
  }
  const size_t vocabulary_count = vocabulary.size();
  vocabulary = {};
  vocabulary_ids = {};
  words_.Build(&word_keys);
  joined_.Build(&joined_keys);
  skeleton_all_.Build(&skeleton_all);
  skeleton_abjad_.Build(&skeleton_abjad);

  // What each vocabulary unit pairs with, so that a screen looks up only
  // the query words the lists do not spell.
  Scratch scratch;
  scratch.Prepare(names_.size(), vocabulary_count);
  std::vector<Similar> similar;
  neighbor_offsets_.reserve(vocabulary_count + 1);
  neighbor_offsets_.push_back(0);
  for (uint32_t v = 0; v < vocabulary_count; ++v) {
    similar.clear();
    FindSimilar(VocabularyView(v), &scratch, &similar);
    neighbors_.insert(neighbors_.end(), similar.begin(), similar.end());
    neighbor_offsets_.push_back(static_cast<uint32_t>(neighbors_.size()));
  }
}

bool ScreeningIndex::TypeAllowed(const ScreenQuery& query,
                                 const ListEntry& entry) const {
  return !query.type || *query.type == EntityType::kUnknown ||
         entry.type == EntityType::kUnknown || entry.type == *query.type;
}

void ScreeningIndex::AddIdentifierHits(const ScreenQuery& query,
                                       std::vector<Scored>* scores) const {
  for (const Identifier& id : query.identifiers) {
    std::string number = NormalizeIdentifier(id.number);
    if (number.size() < 5) continue;
    auto it = identifiers_.find(number);
    if (it == identifiers_.end()) continue;
    for (uint32_t e : it->second) {
      // Scored as the entry's primary name, marked by a score of 2 until
      // Finish turns it into 1 with the reason.
      scores->push_back(Scored{first_name_of_entry_[e], 2.0, 0.0});
    }
  }
}

void ScreeningIndex::AddWeakAliasHits(const ScreenQuery& query,
                                      const std::vector<PreparedName>& prepared,
                                      double threshold,
                                      std::vector<Scored>* scores) const {
  if (weak_keys_.empty()) return;
  const bool has_facts = query.country || query.date_of_birth;
  std::string key;
  for (const PreparedName& variant : prepared) {
    // The variant's tokens as NormalizedName::Key joins them.
    key.clear();
    for (size_t t = 0; t < variant.token_count; ++t) {
      if (t > 0) key.push_back(' ');
      key += variant.units[t].text;
    }
    auto it = weak_keys_.find(key);
    if (it == weak_keys_.end()) continue;
    for (uint32_t w : it->second) {
      const Name& name = weak_names_[w];
      const ListEntry& entry = entries_[name.entry];
      if (!TypeAllowed(query, entry)) continue;
      const double name_score = ScorePrepared(variant, name.prepared).score;
      if (name_score <= 0) continue;
      double s = name_score;
      if (has_facts) {
        s += FactAdjustmentDelta(query.date_of_birth.value_or(""),
                                 query.country.value_or(""), entry);
      }
      if (s >= threshold) {
        scores->push_back(Scored{static_cast<uint32_t>(names_.size() + w),
                                 std::min(1.0, s), name_score});
      }
    }
  }
}

std::vector<PreparedName> ScreeningIndex::PrepareQuery(
    const ScreenQuery& query) {
  std::vector<PreparedName> prepared;
  for (const NormalizedName& n : NormalizeNameVariants(query.name)) {
    prepared.push_back(
        PrepareName(n, query.type.value_or(EntityType::kUnknown)));
  }
  return prepared;
}

std::vector<Hit> ScreeningIndex::Screen(const ScreenQuery& query,
                                        double threshold,
                                        size_t max_hits) const {
  std::vector<PreparedName> prepared = PrepareQuery(query);
  std::vector<Scored> scores;
  size_t scored = 0, compared = 0, touched = 0;
  for (const PreparedName& variant : prepared) {
    ScreenVariant(query, variant, threshold, &scores);
    scored += ThreadScratch().last_scored;
    compared += ThreadScratch().last_compared;
    touched += ThreadScratch().last_touched;
  }
  ThreadScratch().last_scored = scored;
  ThreadScratch().last_compared = compared;
  ThreadScratch().last_touched = touched;
  AddWeakAliasHits(query, prepared, threshold, &scores);
  AddIdentifierHits(query, &scores);
  return Finish(query, scores, max_hits);
}

uint64_t ScreeningIndex::VocabularyHash(std::string_view text,
                                       uint8_t flags) {
  uint64_t h = 1469598103934665603ull;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  h = (h ^ (flags & (kTokenAbjad | kTokenJoined))) * 1099511628211ull;
  return h ^ (h >> 29);
}

uint32_t ScreeningIndex::FindVocabulary(const NameUnit& unit) const {
  if (vocabulary_slots_.empty()) return kNotInVocabulary;
  const uint64_t h = VocabularyHash(unit.text, unit.flags);
  const uint32_t high = static_cast<uint32_t>(h >> 32);
  const size_t mask = vocabulary_slots_.size() - 1;
  constexpr uint8_t kKind = kTokenAbjad | kTokenJoined;
  for (size_t at = h & mask;; at = (at + 1) & mask) {
    const auto [slot_high, id1] = vocabulary_slots_[at];
    if (id1 == 0) return kNotInVocabulary;
    if (slot_high != high) continue;
    const UnitView v = VocabularyView(id1 - 1);
    if (v.text == unit.text && (v.flags & kKind) == (unit.flags & kKind)) {
      return id1 - 1;
    }
  }
}

UnitView ScreeningIndex::VocabularyView(uint32_t v) const {
  const uint64_t* record = vocabulary_flat_.data() + vocabulary_offsets_[v];
  FlatHeader header;
  std::memcpy(&header, record, sizeof header);
  UnitView view;
  view.deletion_keys = record + kHeaderWords;
  view.deletion_key_count = header.deletion_key_count;
  const char* chars = reinterpret_cast<const char*>(record + kHeaderWords +
                                                    header.deletion_key_count);
  view.text = std::string_view(chars, header.text_length);
  view.fold = std::string_view(chars + header.text_length, header.fold_length);
  view.skeleton = std::string_view(
      chars + header.text_length + header.fold_length, header.skeleton_length);
  view.sketch = &sketches_[v];
  view.skeleton_key = header.skeleton_key;
  view.flags = header.flags;
  return view;
}

std::optional<uint32_t> ScreeningIndex::VocabularyIdOf(
    const NameUnit& unit) const {
  const uint32_t id = FindVocabulary(unit);
  if (id == kNotInVocabulary) return std::nullopt;
  return id;
}

std::vector<ScreeningIndex::Similar> ScreeningIndex::SimilarUnits(
    const NameUnit& unit) const {
  Scratch scratch;
  scratch.Prepare(names_.size(), sketches_.size());
  std::vector<Similar> similar;
  FindSimilar(ViewOf(unit), &scratch, &similar);
  std::sort(similar.begin(), similar.end(),
            [](const Similar& a, const Similar& b) { return a.unit < b.unit; });
  return similar;
}

size_t ScreeningIndex::vocabulary_bytes() const {
  return vocabulary_flat_.size() * sizeof(uint64_t) +
         vocabulary_offsets_.size() * sizeof(uint32_t) +
         vocabulary_slots_.size() * sizeof(vocabulary_slots_[0]) +
         sketches_.size() * sizeof(UnitSketch);
}

std::string ScreeningIndex::VocabularyKey(const NameUnit& unit) {
  // One vocabulary unit per text and kind: a joined pair and a word spelt
  // the same pair differently.
  std::string key = unit.text;
  if (unit.flags & kTokenAbjad) key.push_back('\x01');
  if (unit.flags & kTokenJoined) key.push_back('\x02');
  return key;
}

void ScreeningIndex::FindSimilar(const UnitView& unit, void* scratch_ptr,
                                 std::vector<Similar>* similar) const {
  Scratch& scratch = *static_cast<Scratch*>(scratch_ptr);
  const MatchParams& params = CurrentMatchParams();
  const uint32_t vocab_stamp = scratch.NextVocabGeneration();
  // The candidates are scattered over megabytes of sketches and units, so
  // a screen of an unfamiliar word used to wait on one cache miss after
  // another. They are collected first, their sketches fetched while the
  // keys are still being looked up, then tested in the same order (the
  // order of `similar` is the order the walk and the hits see).
  std::vector<uint32_t>& candidates = scratch.candidates;
  candidates.clear();
  auto collect = [&](uint32_t v) {
    if (scratch.vocab_stamp[v] == vocab_stamp) return;
    scratch.vocab_stamp[v] = vocab_stamp;
    candidates.push_back(v);
    Prefetch(&sketches_[v], sizeof(UnitSketch));
  };
  // Prefix and suffix keys only between single words (matcher.h). The
  // probes are listed first and their slots fetched together, then their
  // id ranges, so that a word's twenty-odd probes wait on memory about
  // once rather than one after another; candidates keep the order of the
  // probes.
  struct Probe {
    const KeyTable* table;
    uint64_t key;
    uint32_t begin, end;
  };
  Probe probes[64];
  size_t probe_count = 0;
  auto flush = [&] {
    for (size_t i = 0; i < probe_count; ++i) {
      Probe& probe = probes[i];
      std::tie(probe.begin, probe.end) = probe.table->Find(probe.key);
      if (probe.begin < probe.end) {
        Prefetch(probe.table->ids.data() + probe.begin,
                 (probe.end - probe.begin) * sizeof(uint32_t));
      }
    }
    for (size_t i = 0; i < probe_count; ++i) {
      const Probe& probe = probes[i];
      for (uint32_t k = probe.begin; k < probe.end; ++k) {
        collect(probe.table->ids[k]);
      }
    }
    probe_count = 0;
  };
  auto add = [&](const KeyTable& table, uint64_t key) {
    if (probe_count == std::size(probes)) flush();  // a very long word
    probes[probe_count++] = Probe{&table, key, 0, 0};
    table.PrefetchSlot(key);
  };
  auto lookup = [&](const KeyTable& table, bool prefix_suffix) {
    const size_t length = unit.fold.size();
    for (size_t k = 0; k < kBlockKeyKinds && prefix_suffix; ++k) {
      for (size_t l = length > kMaxLengthGap ? length - kMaxLengthGap : 0;
           l <= length + kMaxLengthGap; ++l) {
        add(table, BlockKey(k, unit.fold, l));
      }
    }
    for (size_t i = 0; i < unit.deletion_key_count; ++i) {
      add(table, unit.deletion_keys[i]);
    }
  };
  const bool joined = (unit.flags & kTokenJoined) != 0;
  lookup(words_, !joined);
  if (!joined) lookup(joined_, false);
  if (!unit.skeleton.empty()) {
    add((unit.flags & kTokenAbjad) ? skeleton_all_ : skeleton_abjad_,
        unit.skeleton_key);
  }
  flush();
  scratch.last_compared += candidates.size();
  // The cheap test, fetching the units of those that pass.
  size_t kept = 0;
  for (uint32_t v : candidates) {
    if (!SketchMayPair(*unit.sketch, sketches_[v])) continue;
    candidates[kept++] = v;
    Prefetch(vocabulary_flat_.data() + vocabulary_offsets_[v],
             (vocabulary_offsets_[v + 1] - vocabulary_offsets_[v]) *
                 sizeof(uint64_t));
  }
  candidates.resize(kept);
  for (uint32_t v : candidates) {
    const double sim = UnitSimilarity(unit, VocabularyView(v));
    if (sim < params.pair_min) continue;
    similar->push_back(Similar{v, static_cast<float>(sim)});
  }
}

void ScreeningIndex::ScreenVariant(const ScreenQuery& query,
                                   const PreparedName& prepared,
                                   double threshold,
                                   std::vector<Scored>* out) const {
  const MatchParams& params = CurrentMatchParams();
  Scratch& scratch = ThreadScratch();
  scratch.Prepare(names_.size(), sketches_.size());
  scratch.last_scored = 0;
  scratch.last_compared = 0;
  const uint32_t stamp = scratch.name_generation;

  const bool has_facts = query.country || query.date_of_birth;
  const double slack = has_facts ? kMaxFactBoost : 0.0;

  // 1. For each word unit of the query, the vocabulary units it may pair
  //    with, and how many names those carry.
  const size_t unit_count = prepared.units.size();
  if (scratch.similar.size() < unit_count) scratch.similar.resize(unit_count);
  std::vector<size_t> postings_of(unit_count, 0);
  size_t query_words = 0;
  for (size_t u = 0; u < unit_count; ++u) {
    const NameUnit& unit = prepared.units[u];
    std::vector<Similar>& similar = scratch.similar[u];
    similar.clear();
    if (!IsWord(unit.flags)) continue;
    if (!(unit.flags & kTokenJoined)) ++query_words;
    // A unit spelt like a vocabulary unit of the same kind pairs with what
    // Build found for that one; others are looked up.
    const uint32_t id = FindVocabulary(unit);
    if (id != kNotInVocabulary) {
      similar.assign(neighbors_.begin() + neighbor_offsets_[id],
                     neighbors_.begin() + neighbor_offsets_[id + 1]);
    } else {
      FindSimilar(ViewOf(unit), &scratch, &similar);
    }
    // What the counts below and the pair lists read, one miss each.
    for (const Similar& v : similar) {
      __builtin_prefetch(&posting_offsets_[v.unit]);
      __builtin_prefetch(&scratch.pair_heads[v.unit]);
    }
  }
  for (size_t u = 0; u < unit_count; ++u) {
    for (const Similar& v : scratch.similar[u]) {
      postings_of[u] += posting_offsets_[v.unit + 1] - posting_offsets_[v.unit];
    }
  }
  // The same, by vocabulary unit, for scoring.
  const uint32_t pair_stamp = scratch.NextPairGeneration();
  scratch.query_nonwords.clear();
  for (size_t u = 0; u < unit_count; ++u) {
    if (!IsWord(prepared.units[u].flags)) {
      scratch.query_nonwords.push_back(static_cast<uint16_t>(u));
    }
    for (const Similar& v : scratch.similar[u]) {
      Scratch::PairHead& head = scratch.pair_heads[v.unit];
      if (head.stamp != pair_stamp) head = Scratch::PairHead{pair_stamp, -1};
      scratch.pair_links.push_back(
          Scratch::PairLink{static_cast<uint16_t>(u), v.sim, head.head});
      head.head = static_cast<int32_t>(scratch.pair_links.size() - 1);
    }
  }

  // 2. Which names those units reach, and which of their tokens. When the
  //    query has two words or more, a name reached by one word alone (and
  //    without initials, which may take the query's other words) pays the
  //    single-word penalty (matcher.h) and the extra-words one for the
  //    query's words left over, so ScoreUpperBound keeps it under
  //    1 - single_word - min(extra…) × (share of the query left over).
  //    When that plus the facts' slack stays under the threshold, such a
  //    name need not be looked at: the word is "marked". Marked words
  //    (the kMarked commonest when there are more) first mark the names
  //    they reach, one bit per word in a byte per name, then add only
  //    names two marked words reach, or names with initials; joined units
  //    and unmarked words add what they reach and walk first, so that
  //    every name touched gets all its query tokens. A Chinese or Japanese
  //    name of four or six common syllables used to touch thousands of
  //    names through one syllable each.
  constexpr size_t kMarked = 8;
  std::vector<float> query_weights;
  const BoundSide query_side = MakeBoundSide(prepared, &query_weights);
  std::vector<uint16_t>& marked = scratch.marked;
  marked.clear();
  if (query_words >= 2 && query_side.weight > 0) {
    const double least_extra =
        std::min({params.extra, params.extra_query, params.extra_organization});
    for (size_t u = 0; u < unit_count; ++u) {
      const NameUnit& unit = prepared.units[u];
      if (!IsWord(unit.flags) || (unit.flags & kTokenJoined)) continue;
      // As ScoreUpperBound counts the query's matched weight for a name
      // only this word reaches; 1e-9 keeps rounding on the safe side.
      const double matched =
          static_cast<double>(
              query_side.token_weights[std::countr_zero(unit.mask)]) +
          query_side.nonword_weight;
      const double left = 1.0 - std::min(1.0, matched / query_side.weight);
      const double most = 1.0 - params.single_word - least_extra * left;
      if (most + slack + 1e-9 < threshold) {
        marked.push_back(static_cast<uint16_t>(u));
      }
    }
    std::stable_sort(marked.begin(), marked.end(), [&](uint16_t a, uint16_t b) {
      return postings_of[a] > postings_of[b];
    });
    if (marked.size() > kMarked) marked.resize(kMarked);
    std::sort(marked.begin(), marked.end());
  }
  const size_t marked_count = marked.size();
  std::vector<uint8_t>& reach = scratch.reach;
  if (marked_count > 0) {
    if (reach.size() < names_.size()) reach.resize(names_.size());
    std::fill(reach.begin(), reach.begin() + names_.size(), 0);
    for (size_t i = 0; i < marked_count; ++i) {
      const uint8_t bit = static_cast<uint8_t>(1u << i);
      for (const Similar& v : scratch.similar[marked[i]]) {
        const Posting* end = postings_.data() + posting_offsets_[v.unit + 1];
        for (const Posting* p = postings_.data() + posting_offsets_[v.unit];
             p < end; ++p) {
          reach[p->name] |= bit;
        }
      }
    }
  }
  auto walk = [&](size_t u, bool marked_word) {
    const uint32_t mask = prepared.units[u].mask;
    // Name slots are fetched a few postings ahead, and the bound of a
    // name when it is first touched: step 3 reads it.
    constexpr size_t kAhead = 8;
    for (const Similar& v : scratch.similar[u]) {
      const Posting* begin = postings_.data() + posting_offsets_[v.unit];
      const Posting* end = postings_.data() + posting_offsets_[v.unit + 1];
      for (const Posting* p = begin; p < end; ++p) {
        if (p + kAhead < end) {
          __builtin_prefetch(&scratch.names[p[kAhead].name]);
        }
        Scratch::NameSlot& slot = scratch.names[p->name];
        if (slot.stamp != stamp) {
          // An initial of the name may take the query's other words.
          if (marked_word && std::popcount(reach[p->name]) < 2 &&
              !(has_initial_[p->name / 64] >> (p->name % 64) & 1)) {
            continue;
          }
          slot = Scratch::NameSlot{stamp, 0, 0};
          scratch.touched.push_back(p->name);
          __builtin_prefetch(&bounds_[p->name]);
        }
        slot.query_mask |= mask;
        slot.listed_mask |= p->mask;
      }
    }
  };
  auto is_marked = [&](size_t u) {
    return std::find(marked.begin(), marked.end(), u) != marked.end();
  };
  for (size_t u = 0; u < unit_count; ++u) {
    if (!is_marked(u)) walk(u, false);
  }
  for (size_t i = 0; i < marked_count; ++i) walk(marked[i], true);

  // 3. Score in full only what can reach the threshold.
  std::vector<Scored>& scores = *out;
  //    The bounds first (fetched during the walk), then the names that
  //    pass, each fetched a few names ahead of its scoring: its units,
  //    their vocabulary ids and its entry are scattered over the index.
  scratch.last_touched = scratch.touched.size();
  std::vector<uint32_t>& passing = scratch.passing;
  passing.clear();
  for (uint32_t n : scratch.touched) {
    const Scratch::NameSlot& slot = scratch.names[n];
    if (ScoreUpperBound(query_side, slot.query_mask, bounds_[n].side,
                        slot.listed_mask) +
            slack <
        threshold) {
      continue;
    }
    passing.push_back(n);
    __builtin_prefetch(&names_[n]);
  }
  constexpr size_t kScoreAhead = 4;
  auto fetch = [&](uint32_t n) {
    const Name& name = names_[n];
    const std::vector<NameUnit>& units = name.prepared.units;
    Prefetch(units.data(),
             std::min<size_t>(units.size() * sizeof(NameUnit), 1024));
    __builtin_prefetch(&unit_vocabulary_[unit_offsets_[n]]);
    Prefetch(&entries_[name.entry], sizeof(ListEntry));
  };
  for (size_t i = 0; i < passing.size() && i < kScoreAhead; ++i) {
    fetch(passing[i]);
  }
  for (size_t i = 0; i < passing.size(); ++i) {
    if (i + kScoreAhead < passing.size()) fetch(passing[i + kScoreAhead]);
    const uint32_t n = passing[i];
    const Name& name = names_[n];
    if (!TypeAllowed(query, entries_[name.entry])) continue;
    ++scratch.last_scored;
    const double name_score = ScoreCandidate(prepared, n, &scratch).score;
    double s = name_score;
    if (s <= 0) continue;
    if (has_facts) {
      s += FactAdjustmentDelta(query.date_of_birth.value_or(""),
                                 query.country.value_or(""), entries_[name.entry]);
    }
    if (s >= threshold)
      scores.push_back(Scored{n, std::min(1.0, s), name_score});
  }
}

NameScore ScreeningIndex::ScoreCandidate(const PreparedName& query, uint32_t n,
                                         void* scratch_ptr) const {
  Scratch& scratch = *static_cast<Scratch*>(scratch_ptr);
  const MatchParams& params = CurrentMatchParams();
  const PreparedName& listed = names_[n].prepared;
  const uint32_t* vocabulary = unit_vocabulary_.data() + unit_offsets_[n];
  std::vector<UnitPair>& pairs = scratch.pairs;
  pairs.clear();
  auto compare = [&](size_t q, size_t l) {
    const double s = UnitSimilarity(query.units[q], listed.units[l]);
    if (s >= params.pair_min) {
      pairs.push_back(UnitPair{static_cast<float>(s), static_cast<uint16_t>(q),
                               static_cast<uint16_t>(l)});
    }
  };
  for (size_t l = 0; l < listed.units.size(); ++l) {
    const uint32_t v = vocabulary[l];
    if (v == kNotInVocabulary) {
      for (size_t q = 0; q < query.units.size(); ++q) compare(q, l);
      continue;
    }
    // Word with word: step 1 found every pair (FindSimilar misses none the
    // scorer would make), with the similarity it computed.
    if (scratch.pair_heads[v].stamp == scratch.pair_generation) {
      for (int32_t k = scratch.pair_heads[v].head; k >= 0;
           k = scratch.pair_links[k].next) {
        const Scratch::PairLink& link = scratch.pair_links[k];
        pairs.push_back(
            UnitPair{link.sim, link.query_unit, static_cast<uint16_t>(l)});
      }
    }
    for (uint16_t q : scratch.query_nonwords) compare(q, l);
  }
  return ScorePairs(query, listed, pairs.data(), pairs.size());
}

std::vector<Hit> ScreeningIndex::ScreenBruteForce(const ScreenQuery& query,
                                                  double threshold,
                                                  size_t max_hits) const {
  std::vector<PreparedName> prepared = PrepareQuery(query);
  const bool has_facts = query.country || query.date_of_birth;
  std::vector<Scored> scores;
  for (uint32_t n = 0; n < names_.size(); ++n) {
    const Name& name = names_[n];
    if (!TypeAllowed(query, entries_[name.entry])) continue;
    double s = 0;
    for (const PreparedName& variant : prepared) {
      s = std::max(s, ScorePrepared(variant, name.prepared).score);
    }
    const double name_score = s;
    if (s <= 0) continue;
    if (has_facts) {
      s += FactAdjustmentDelta(query.date_of_birth.value_or(""),
                                 query.country.value_or(""), entries_[name.entry]);
    }
    if (s >= threshold) {
      scores.push_back(Scored{n, std::min(1.0, s), name_score});
    }
  }
  AddWeakAliasHits(query, prepared, threshold, &scores);
  AddIdentifierHits(query, &scores);
  return Finish(query, scores, max_hits);
}

std::vector<Hit> ScreeningIndex::Finish(const ScreenQuery& query,
                                        const std::vector<Scored>& name_scores,
                                        size_t max_hits) const {
  // The best name of each entry. Scores capped at 1 and names of equal
  // score tie often (an entry's primary name and its aliases): the name
  // that itself scores higher, then the entry's first name, so the hit
  // shows the name that matched best whatever order the screen found
  // them in. A name scored under several variants keeps its best.
  std::unordered_map<uint32_t, Scored> best;
  for (const Scored& scored : name_scores) {
    const uint32_t e = NameOf(scored.name).entry;
    auto [it, inserted] = best.emplace(e, scored);
    const Scored& kept = it->second;
    if (!inserted &&
        (scored.score > kept.score || (scored.score == kept.score &&
                                       (scored.name_score > kept.name_score ||
                                        (scored.name_score == kept.name_score &&
                                         scored.name < kept.name))))) {
      it->second = scored;
    }
  }
  std::vector<Hit> hits;
  hits.reserve(best.size());
  for (const auto& [e, ns] : best) {
    const ListEntry& entry = entries_[e];
    const Name& name = NameOf(ns.name);
    Hit hit;
    hit.list = entry.list;
    hit.source_id = entry.source_id;
    hit.entry = e;
    hit.listed_name = entry.name;
    hit.weak_alias = ns.name >= names_.size();
    hit.matched_alias = hit.weak_alias    ? entry.weak_aliases[name.alias]
                        : name.alias == 0 ? entry.name
                                          : entry.aliases[name.alias - 1];
    hit.programs = entry.programs;
    if (ns.score > 1.0) {
      hit.score = 1.0;
      hit.reasons.push_back("identifier matches");
    } else {
      hit.score = ns.score;
      char buf[32];
      std::snprintf(buf, sizeof buf, "name %.3f", ns.name_score);
      hit.reasons.push_back(buf);
      if (hit.weak_alias) hit.reasons.push_back("weak alias");
      if (query.country || query.date_of_birth) {
        FactAdjustment facts =
            AdjustForFacts(query.date_of_birth.value_or(""),
                           query.country.value_or(""), entry);
        for (std::string& r : facts.reasons) {
          hit.reasons.push_back(std::move(r));
        }
      }
    }
    hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.list != b.list) return a.list < b.list;
    if (a.source_id != b.source_id) return a.source_id < b.source_id;
    return a.entry < b.entry;
  });
  if (hits.size() > max_hits) hits.resize(max_hits);
  return hits;
}

Screener::Screener(double threshold, size_t max_hits, size_t cache_capacity)
    : threshold_(threshold),
      max_hits_(max_hits),
      cache_capacity_(cache_capacity) {}

void Screener::Reload(std::vector<ListEntry> entries) {
  Reload(std::make_shared<const ScreeningIndex>(
      ScreeningIndex::Build(std::move(entries))));
}

void Screener::Reload(std::shared_ptr<const ScreeningIndex> index) {
  index_.store(std::move(index), std::memory_order_release);
  uint64_t generation = generation_.fetch_add(1, std::memory_order_acq_rel) + 1;
  std::lock_guard<std::mutex> lock(cache_mu_);
  lru_.clear();
  cache_.clear();
  cache_generation_ = generation;
}

std::vector<Hit> Screener::Screen(const ScreenQuery& query) const {
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  std::shared_ptr<const ScreeningIndex> index = this->index();
  if (!index) return {};
  std::string key = NormalizeName(query.name).Key() + FactsKey(query);
  if (cache_capacity_ > 0) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (cache_generation_ == generation) {
      auto it = cache_.find(key);
      if (it != cache_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        cache_hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second->hits;
      }
    }
  }
  std::vector<Hit> hits = index->Screen(query, threshold_, max_hits_);
  if (cache_capacity_ > 0) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (cache_generation_ == generation && !cache_.count(key)) {
      lru_.push_front(CacheEntry{key, hits});
      cache_[key] = lru_.begin();
      if (lru_.size() > cache_capacity_) {
        cache_.erase(lru_.back().key);
        lru_.pop_back();
      }
    }
  }
  return hits;
}

}  // namespace meridian::compliance
