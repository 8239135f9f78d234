#include "compliance/matcher.h"

#include <emmintrin.h>

#include <algorithm>
#include <cstring>

namespace meridian::compliance {
namespace {

MatchParams g_params;

uint64_t HashKey(char tag, std::string_view s) {
  // FNV-1a over the tag and up to three letters: cheap and collision-free
  // enough for blocking (a collision only adds a candidate).
  uint64_t h = 1469598103934665603ull;
  h = (h ^ static_cast<unsigned char>(tag)) * 1099511628211ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

constexpr uint8_t kNotWord = kTokenParticle | kTokenInitial | kTokenNumber;

bool IsWord(uint8_t flags) { return (flags & kNotWord) == 0; }

float TokenWeight(std::string_view text, uint8_t flags, const MatchParams& p) {
  if (flags & kTokenParticle) return static_cast<float>(p.particle_weight);
  if (flags & kTokenInitial) return static_cast<float>(p.initial_weight);
  if (flags & kTokenNumber) return static_cast<float>(p.number_weight);
  return static_cast<float>(std::clamp<size_t>(text.size(), 2, 8));
}

void CountLetters(std::string_view s, std::array<uint8_t, 32>* counts) {
  counts->fill(0);
  for (char c : s) {
    size_t i = c >= 'a' && c <= 'z' ? static_cast<size_t>(c - 'a')
                                    : 26 + static_cast<unsigned char>(c) % 6;
    if ((*counts)[i] < 255) ++(*counts)[i];
  }
}

// Σ min(a[i], b[i]): at least as many as the letters two words can match.
size_t CommonLetters(const std::array<uint8_t, 32>& a,
                     const std::array<uint8_t, 32>& b) {
  const __m128i zero = _mm_setzero_si128();
  __m128i lo =
      _mm_min_epu8(_mm_load_si128(reinterpret_cast<const __m128i*>(a.data())),
                   _mm_load_si128(reinterpret_cast<const __m128i*>(b.data())));
  __m128i hi = _mm_min_epu8(
      _mm_load_si128(reinterpret_cast<const __m128i*>(a.data() + 16)),
      _mm_load_si128(reinterpret_cast<const __m128i*>(b.data() + 16)));
  __m128i sum = _mm_add_epi64(_mm_sad_epu8(lo, zero), _mm_sad_epu8(hi, zero));
  return static_cast<size_t>(_mm_cvtsi128_si64(sum)) +
         static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum)));
}

size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < 4 && n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// The most (1 − w) × JaroWinkler + w × EditSimilarity can be for two words
// of these lengths with `common` letters in common: Jaro counts at most
// `common` matches, and every letter of the longer word beyond them costs
// an edit.
double SimilarityBound(size_t la, size_t lb, size_t common, size_t prefix,
                       double w) {
  if (la == 0 || lb == 0) return 1.0;
  if (la > 64 || lb > 64) return 1.0;  // the exact functions truncate
  const double m = static_cast<double>(std::min({common, la, lb}));
  const double jaro = m == 0 ? 0.0 : (m / la + m / lb + 1.0) / 3.0;
  const double jw = jaro + prefix * 0.1 * (1.0 - jaro);
  const double longer = static_cast<double>(std::max(la, lb));
  const double es = 1.0 - (longer - m) / longer;
  return (1 - w) * jw + w * es;
}

void FillUnit(NameUnit* u) {
  u->fold = PhoneticFold(u->text);
  UnitSketch& k = u->sketch;
  k.flags = u->flags;
  CountLetters(u->text, &k.text_letters);
  CountLetters(u->fold, &k.fold_letters);
  k.text_length = static_cast<uint8_t>(std::min<size_t>(u->text.size(), 255));
  k.fold_length = static_cast<uint8_t>(std::min<size_t>(u->fold.size(), 255));
  for (size_t i = 0; i < 4; ++i) {
    k.text_prefix[i] = i < u->text.size() ? u->text[i] : '\0';
    k.fold_prefix[i] = i < u->fold.size() ? u->fold[i] : '\0';
  }
  u->skeleton = ConsonantSkeleton(u->text);
  for (size_t k = 0; k < kBlockKeyKinds; ++k) {
    u->keys[k] = BlockKey(k, u->fold, u->fold.size());
  }
  u->deletion_keys = DeletionKeys(u->fold);
  u->skeleton_key = SkeletonKey(u->skeleton);
  k.has_skeleton = !u->skeleton.empty();
}

}  // namespace

MatchParams& MutableMatchParams() { return g_params; }
const MatchParams& CurrentMatchParams() { return g_params; }

namespace {

std::string_view BlockPart(size_t kind, std::string_view fold) {
  if (fold.size() <= 3) return fold;
  return kind == 0 ? fold.substr(0, 3) : fold.substr(fold.size() - 3);
}

bool SharesDeletionKey(const uint64_t* a, size_t a_size, const uint64_t* b,
                       size_t b_size) {
  size_t i = 0, j = 0;
  while (i < a_size && j < b_size) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

}  // namespace

uint64_t BlockKey(size_t kind, std::string_view fold, size_t length) {
  std::string_view part = BlockPart(kind, fold);
  char key[5] = {static_cast<char>('0' + kind),
                 static_cast<char>(std::min<size_t>(length, 200)), 0, 0, 0};
  std::memcpy(key + 2, part.data(), part.size());
  return HashKey('b', std::string_view(key, 2 + part.size()));
}

std::vector<uint64_t> DeletionKeys(std::string_view fold) {
  std::vector<uint64_t> keys;
  keys.reserve(fold.size() + 1);
  keys.push_back(HashKey('d', fold));
  std::string variant;
  // Deleting from a word of one or two letters leaves too little to tell.
  for (size_t i = 0; fold.size() >= 3 && i < fold.size(); ++i) {
    if (i > 0 && fold[i] == fold[i - 1]) continue;  // same variant
    variant.assign(fold.substr(0, i));
    variant.append(fold.substr(i + 1));
    keys.push_back(HashKey('d', variant));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}
uint64_t SkeletonKey(std::string_view skeleton) {
  return HashKey('k', skeleton);
}

PreparedName PrepareName(const NormalizedName& name, EntityType type) {
  const MatchParams& p = g_params;
  PreparedName out;
  out.legal_form = name.legal_form;
  out.organization = !name.legal_form.empty() || type == EntityType::kEntity;
  size_t n = std::min(name.tokens.size(), PreparedName::kMaxTokens);
  out.token_count = n;
  out.units.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    NameUnit u;
    u.text = name.tokens[i];
    u.flags = name.flags[i];
    u.mask = 1u << i;
    u.weight = TokenWeight(u.text, u.flags, p);
    if (u.flags & kTokenParticle) u.particle = CanonicalParticle(u.text);
    if (u.particle.empty()) u.flags &= ~kTokenParticle;
    FillUnit(&u);
    out.weight += u.weight;
    if (u.flags & kTokenParticle) {
      out.particle_weight += u.weight;
      out.has_particle = true;
    }
    if (u.flags & kTokenInitial) out.has_initial = true;
    out.units.push_back(std::move(u));
  }
  // Joined neighbours: "alisher usmanov" as "alisherusmanov".
  for (size_t i = 0; i + 1 < n; ++i) {
    const NameUnit& a = out.units[i];
    const NameUnit& b = out.units[i + 1];
    if ((a.flags | b.flags) & (kTokenInitial | kTokenNumber)) continue;
    NameUnit u;
    u.text = a.text + b.text;
    u.flags = static_cast<uint8_t>(((a.flags | b.flags) & kTokenAbjad) |
                                   kTokenJoined);
    u.mask = a.mask | b.mask;
    u.weight = a.weight + b.weight;
    FillUnit(&u);
    out.units.push_back(std::move(u));
  }
  return out;
}

PreparedName PrepareName(std::string_view utf8_name, EntityType type) {
  return PrepareName(NormalizeName(utf8_name), type);
}

double JaroWinkler(std::string_view a, std::string_view b) {
  const size_t la = a.size(), lb = b.size();
  if (la == 0 && lb == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  if (a == b) return 1.0;
  constexpr size_t kMax = 64;
  if (la > kMax || lb > kMax) {
    a = a.substr(0, kMax);
    b = b.substr(0, kMax);
    return JaroWinkler(a, b);
  }
  bool a_used[kMax] = {};
  bool b_used[kMax] = {};
  const size_t longer = std::max(la, lb);
  const size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!b_used[j] && a[i] == b[j]) {
        a_used[i] = b_used[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < la; ++i) {
    if (!a_used[i]) continue;
    while (!b_used[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  constexpr size_t kMax = 64;
  a = a.substr(0, kMax);
  b = b.substr(0, kMax);
  const size_t la = a.size(), lb = b.size();
  if (la == 0) return lb;
  if (lb == 0) return la;
  // Three rows suffice for the swap rule.
  size_t rows[3][kMax + 1];
  size_t* prev2 = rows[0];
  size_t* prev = rows[1];
  size_t* cur = rows[2];
  for (size_t j = 0; j <= lb; ++j) prev[j] = j;
  for (size_t i = 1; i <= la; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
    }
    size_t* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb];
}

namespace {

double EditSimilarity(std::string_view a, std::string_view b) {
  size_t longer = std::max(a.size(), b.size());
  if (longer == 0) return 1.0;
  return 1.0 - static_cast<double>(EditDistance(a, b)) / longer;
}

}  // namespace

namespace {

size_t SketchPrefix(const std::array<char, 4>& a, const std::array<char, 4>& b,
                    size_t la, size_t lb) {
  size_t n = 0;
  const size_t most = std::min({la, lb, size_t{4}});
  while (n < most && a[n] == b[n]) ++n;
  return n;
}

}  // namespace

bool SketchMayPair(const UnitSketch& a, const UnitSketch& b) {
  const MatchParams& p = g_params;
  const uint8_t either = a.flags | b.flags;
  if (a.flags & b.flags & kTokenJoined) return false;
  if ((either & kTokenAbjad) && a.has_skeleton && b.has_skeleton) return true;
  const double needed =
      (either & kTokenJoined) ? std::max(p.pair_min, p.joined_min) : p.pair_min;
  const double w = p.edit_weight;
  const double text_bound = SimilarityBound(
      a.text_length, b.text_length,
      CommonLetters(a.text_letters, b.text_letters),
      SketchPrefix(a.text_prefix, b.text_prefix, a.text_length, b.text_length),
      w);
  if (text_bound >= needed) return true;
  const double fold_bound =
      p.fold_factor *
      SimilarityBound(a.fold_length, b.fold_length,
                      CommonLetters(a.fold_letters, b.fold_letters),
                      SketchPrefix(a.fold_prefix, b.fold_prefix, a.fold_length,
                                   b.fold_length),
                      w);
  return fold_bound >= needed;
}

UnitView ViewOf(const NameUnit& unit) {
  UnitView v;
  v.text = unit.text;
  v.fold = unit.fold;
  v.skeleton = unit.skeleton;
  v.particle = unit.particle;
  v.sketch = &unit.sketch;
  v.deletion_keys = unit.deletion_keys.data();
  v.deletion_key_count = unit.deletion_keys.size();
  v.skeleton_key = unit.skeleton_key;
  v.flags = unit.flags;
  return v;
}

double UnitSimilarity(const NameUnit& a, const NameUnit& b) {
  return UnitSimilarity(ViewOf(a), ViewOf(b));
}

double UnitSimilarity(const UnitView& a, const UnitView& b) {
  const MatchParams& p = g_params;
  const uint8_t either = a.flags | b.flags;
  if (either & kTokenNumber) {
    return (a.flags & b.flags & kTokenNumber) && a.text == b.text ? 1.0 : 0.0;
  }
  if (!a.particle.empty() || !b.particle.empty()) {
    return a.particle == b.particle ? 1.0 : 0.0;
  }
  if (either & kTokenInitial) {
    if (either & kTokenJoined) return 0.0;
    if (a.flags & b.flags & kTokenInitial) return a.text == b.text ? 1.0 : 0.0;
    return a.text[0] == b.text[0] ? p.initial_sim : 0.0;
  }
  if (a.flags & b.flags & kTokenJoined) return 0.0;
  const bool abjad = (either & kTokenAbjad) != 0;
  const size_t la = a.fold.size(), lb = b.fold.size();
  const bool near_length = la <= lb + kMaxLengthGap && lb <= la + kMaxLengthGap;
  bool keyed = false;
  if (near_length) {
    // A joined pair meets a word only one edit away, not by prefix.
    for (size_t k = 0; k < kBlockKeyKinds && !keyed && !(either & kTokenJoined);
         ++k) {
      keyed = BlockPart(k, a.fold) == BlockPart(k, b.fold);
    }
    keyed = keyed || (la <= lb + 1 && lb <= la + 1 &&
                      SharesDeletionKey(a.deletion_keys, a.deletion_key_count,
                                        b.deletion_keys, b.deletion_key_count));
  }
  keyed = keyed || (abjad && !a.skeleton.empty() && !b.skeleton.empty() &&
                    a.skeleton_key == b.skeleton_key);
  if (!keyed) return 0.0;
  if (a.text == b.text) return 1.0;
  const double w = p.edit_weight;
  const double needed =
      (either & kTokenJoined) ? std::max(p.pair_min, p.joined_min) : p.pair_min;
  const bool skeletons = abjad && !a.skeleton.empty() && !b.skeleton.empty();
  // Upper bounds first: most candidates of a screen stop here.
  const double text_bound = SimilarityBound(
      a.text.size(), b.text.size(),
      CommonLetters(a.sketch->text_letters, b.sketch->text_letters),
      CommonPrefix(a.text, b.text), w);
  const double fold_bound =
      p.fold_factor * SimilarityBound(a.fold.size(), b.fold.size(),
                                      CommonLetters(a.sketch->fold_letters,
                                                    b.sketch->fold_letters),
                                      CommonPrefix(a.fold, b.fold), w);
  if (!skeletons && std::max(text_bound, fold_bound) < needed) return 0.0;
  // Jaro-Winkler first: the edit part adds at most w.
  double s = 0;
  if (text_bound >= needed) {
    const double jw = (1 - w) * JaroWinkler(a.text, b.text);
    if (jw + w >= needed) s = jw + w * EditSimilarity(a.text, b.text);
  }
  if (fold_bound > s && fold_bound >= needed) {
    const double jw = (1 - w) * JaroWinkler(a.fold, b.fold);
    if (p.fold_factor * (jw + w) > s && p.fold_factor * (jw + w) >= needed) {
      s = std::max(s,
                   p.fold_factor * (jw + w * EditSimilarity(a.fold, b.fold)));
    }
  }
  if (skeletons) {
    s = std::max(s, p.skeleton_factor * JaroWinkler(a.skeleton, b.skeleton));
  } else if (!a.fold.empty() && !b.fold.empty() && a.fold[0] != b.fold[0] &&
             !(IsVowel(a.fold[0]) && IsVowel(b.fold[0]))) {
    s *= p.first_sound_penalty;
  }
  if ((either & kTokenJoined) && s < p.joined_min) return 0.0;
  return s;
}

NameScore ScorePrepared(const PreparedName& query, const PreparedName& listed) {
  const MatchParams& p = g_params;
  if (query.token_count == 0 || listed.token_count == 0) return NameScore{};
  UnitPair pairs_local[256];
  std::vector<UnitPair> pairs_heap;
  UnitPair* pairs = pairs_local;
  size_t count = 0;
  const size_t nq = query.units.size(), nl = listed.units.size();
  if (nq * nl > 256) {
    pairs_heap.resize(nq * nl);
    pairs = pairs_heap.data();
  }
  for (size_t i = 0; i < nq; ++i) {
    for (size_t j = 0; j < nl; ++j) {
      double s = UnitSimilarity(query.units[i], listed.units[j]);
      if (s >= p.pair_min) {
        pairs[count++] =
            UnitPair{static_cast<float>(s), static_cast<uint16_t>(i),
                     static_cast<uint16_t>(j)};
      }
    }
  }
  return ScorePairs(query, listed, pairs, count);
}

NameScore ScorePairs(const PreparedName& query, const PreparedName& listed,
                     UnitPair* pairs, size_t count) {
  const MatchParams& p = g_params;
  NameScore result;
  if (query.token_count == 0 || listed.token_count == 0) return result;
  using Pair = UnitPair;
  std::sort(pairs, pairs + count, [&](const Pair& x, const Pair& y) {
    if (x.sim != y.sim) return x.sim > y.sim;
    // Equal similarity: the pair that covers more weight first.
    float wx = query.units[x.q].weight + listed.units[x.l].weight;
    float wy = query.units[y.q].weight + listed.units[y.l].weight;
    if (wx != wy) return wx > wy;
    if (x.q != y.q) return x.q < y.q;
    return x.l < y.l;
  });
  uint32_t used_q = 0, used_l = 0;
  double weighted = 0, matched_q = 0, matched_l = 0;
  bool word_paired = false;
  // Word pairs by (first query token, first listed token) for the order.
  std::pair<int, int> order_local[PreparedName::kMaxTokens];
  size_t order_count = 0;
  for (size_t k = 0; k < count; ++k) {
    const NameUnit& uq = query.units[pairs[k].q];
    const NameUnit& ul = listed.units[pairs[k].l];
    if ((uq.mask & used_q) || (ul.mask & used_l)) continue;
    used_q |= uq.mask;
    used_l |= ul.mask;
    weighted += pairs[k].sim * (uq.weight + ul.weight);
    matched_q += uq.weight;
    matched_l += ul.weight;
    if (IsWord(uq.flags) && IsWord(ul.flags)) {
      word_paired = true;
      order_local[order_count++] = {__builtin_ctz(uq.mask),
                                    __builtin_ctz(ul.mask)};
    }
  }
  if (!word_paired) return result;
  const double mean = weighted / (matched_q + matched_l);
  result.query_coverage = std::min(1.0, matched_q / query.weight);
  result.listed_coverage = std::min(1.0, matched_l / listed.weight);
  const double uq = 1.0 - result.query_coverage;
  const double ul = 1.0 - result.listed_coverage;
  const double extra = query.organization || listed.organization
                           ? p.extra_organization
                           : (uq > ul ? p.extra_query : p.extra);
  double score =
      mean - p.substitution * std::min(uq, ul) - extra * std::max(uq, ul);
  if (order_count == 1) {
    uint32_t word_q = 0, word_l = 0;
    for (size_t i = 0; i < query.token_count; ++i) {
      if (IsWord(query.units[i].flags)) word_q |= query.units[i].mask;
    }
    for (size_t i = 0; i < listed.token_count; ++i) {
      if (IsWord(listed.units[i].flags)) word_l |= listed.units[i].mask;
    }
    if ((word_q & ~used_q) || (word_l & ~used_l)) score -= p.single_word;
  }
  if (order_count > 1) {
    std::sort(order_local, order_local + order_count);
    size_t inversions = 0;
    for (size_t i = 0; i < order_count; ++i) {
      for (size_t j = i + 1; j < order_count; ++j) {
        if (order_local[i].second > order_local[j].second) ++inversions;
      }
    }
    score -= p.order * static_cast<double>(inversions) /
             static_cast<double>(order_count * (order_count - 1) / 2);
  }
  if (!query.legal_form.empty() && !listed.legal_form.empty() &&
      query.legal_form != listed.legal_form) {
    score -= p.legal_form_mismatch;
  }
  result.score = std::clamp(score, 0.0, 1.0);
  return result;
}

double ScoreNames(std::string_view query, std::string_view listed,
                  EntityType type) {
  double best = 0;
  for (const NormalizedName& q : NormalizeNameVariants(query)) {
    PreparedName pq = PrepareName(q, type);
    for (const NormalizedName& l : NormalizeNameVariants(listed)) {
      best = std::max(best, ScorePrepared(pq, PrepareName(l, type)).score);
    }
  }
  return best;
}

BoundSide MakeBoundSide(const PreparedName& name,
                        std::vector<float>* weights_storage) {
  weights_storage->clear();
  BoundSide side;
  for (size_t i = 0; i < name.token_count; ++i) {
    const NameUnit& u = name.units[i];
    weights_storage->push_back(u.weight);
    if (IsWord(u.flags)) {
      side.word_mask |= u.mask;
    } else {
      side.nonword_weight += u.weight;
    }
    if ((u.flags & kTokenInitial) && side.initials < 255) ++side.initials;
  }
  side.token_weights = weights_storage->data();
  side.weight = static_cast<float>(name.weight);
  side.has_initial = name.has_initial;
  return side;
}

namespace {

double MaskWeight(const BoundSide& side, uint32_t mask) {
  double w = 0;
  for (uint32_t m = mask & side.word_mask; m != 0; m &= m - 1) {
    w += side.token_weights[__builtin_ctz(m)];
  }
  return w;
}

}  // namespace

double ScoreUpperBound(const BoundSide& query, uint32_t query_mask,
                       const BoundSide& listed, uint32_t listed_mask) {
  const MatchParams& p = g_params;
  if (query.weight <= 0 || listed.weight <= 0) return 0;
  // Particles and initials pair without the index seeing them, and each
  // initial of the other name may take one more word (of at most 8
  // letters' weight).
  auto matched = [](const BoundSide& side, uint32_t mask,
                    const BoundSide& other) {
    const double hit = MaskWeight(side, mask);
    const double unhit = MaskWeight(side, side.word_mask & ~mask);
    return hit + side.nonword_weight + std::min(unhit, 8.0 * other.initials);
  };
  const double mq = matched(query, query_mask, listed);
  const double ml = matched(listed, listed_mask, query);
  const double uq = 1.0 - std::min(1.0, mq / query.weight);
  const double ul = 1.0 - std::min(1.0, ml / listed.weight);
  double bound = 1.0 - p.substitution * std::min(uq, ul) -
                 std::min({p.extra, p.extra_query, p.extra_organization}) *
                     std::max(uq, ul);
  // At most one word pair (a pair takes a query and a listed token of its
  // own) with a word surely left over (unless an initial of the other name
  // can take it): the single-word penalty applies.
  const int pairs_possible =
      std::min(__builtin_popcount(query.word_mask & query_mask),
               __builtin_popcount(listed.word_mask & listed_mask));
  const bool query_left =
      __builtin_popcount(query.word_mask & ~query_mask) > listed.initials;
  const bool listed_left =
      __builtin_popcount(listed.word_mask & ~listed_mask) > query.initials;
  if (pairs_possible <= 1 && (query_left || listed_left)) {
    bound -= p.single_word;
  }
  return bound;
}

double ScoreUpperBound(const PreparedName& query, uint32_t query_mask,
                       const PreparedName& listed, uint32_t listed_mask) {
  if (query.token_count == 0 || listed.token_count == 0) return 0;
  std::vector<float> qw, lw;
  BoundSide q = MakeBoundSide(query, &qw);
  BoundSide l = MakeBoundSide(listed, &lw);
  return ScoreUpperBound(q, query_mask, l, listed_mask);
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

namespace {

// AdjustForFacts, its reasons only when `reasons` is not null.
double FactDelta(const std::string& query_dob, const std::string& query_country,
                 const ListEntry& entry, std::vector<std::string>* reasons) {
  auto say = [&](const char* reason) {
    if (reasons) reasons->push_back(reason);
  };
  double plus = 0, minus = 0;
  if (query_dob.size() >= 4 && !entry.dates_of_birth.empty()) {
    bool exact = false, same_year = false, near_year = false;
    int qy = std::atoi(query_dob.substr(0, 4).c_str());
    for (const std::string& d : entry.dates_of_birth) {
      if (d.size() < 4) continue;
      int ey = std::atoi(d.substr(0, 4).c_str());
      if (d.size() >= 10 && query_dob.size() >= 10 &&
          d.substr(0, 10) == query_dob.substr(0, 10)) {
        exact = true;
      }
      if (ey == qy) same_year = true;
      if (ey - qy <= 1 && qy - ey <= 1) near_year = true;
    }
    if (exact) {
      plus += 0.05;
      say("date of birth matches");
    } else if (same_year) {
      plus += 0.02;
      say("year of birth matches");
    } else if (!near_year) {
      minus += 0.10;
      say("date of birth differs");
    }
  }
  if (!query_country.empty() && !entry.countries.empty()) {
    std::string q = Lower(query_country);
    bool found = false;
    for (const std::string& c : entry.countries) found |= Lower(c) == q;
    if (found) {
      plus += 0.02;
      say("country matches");
    } else {
      minus += 0.03;
      say("country differs");
    }
  }
  return std::min(plus, kMaxFactBoost) - minus;
}

}  // namespace

FactAdjustment AdjustForFacts(const std::string& query_dob,
                              const std::string& query_country,
                              const ListEntry& entry) {
  FactAdjustment out;
  out.delta = FactDelta(query_dob, query_country, entry, &out.reasons);
  return out;
}

double FactAdjustmentDelta(const std::string& query_dob,
                           const std::string& query_country,
                           const ListEntry& entry) {
  return FactDelta(query_dob, query_country, entry, nullptr);
}

std::string NormalizeIdentifier(std::string_view number) {
  std::string out;
  for (char c : number) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

}  // namespace meridian::compliance
