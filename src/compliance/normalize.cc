#include "compliance/normalize.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/assert.h"

namespace meridian::compliance {
namespace {

// Cyrillic the way the lists romanise it (BGN/PCGN: Шойгу → Shoygu, not
// ISO 9's Šojgu → sojgu), then ICU's defaults for every other script.
constexpr char kTransliteratorId[] =
    "Russian-Latin/BGN; Any-Latin; Latin-ASCII; Lower";

const icu::Transliterator& Prototype() {
  static const icu::Transliterator* prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    icu::Transliterator* t = icu::Transliterator::createInstance(
        icu::UnicodeString(kTransliteratorId), UTRANS_FORWARD, parse_error,
        status);
    MERIDIAN_CHECK(U_SUCCESS(status) && t != nullptr)
        << "ICU transliterator " << kTransliteratorId << ": "
        << u_errorName(status);
    return t;
  }();
  return *prototype;
}

// One clone per thread: Transliterator::transliterate is not thread-safe.
icu::Transliterator& ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> clone(Prototype().clone());
  return *clone;
}

bool IsAbjadScript(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &status);
  return script == USCRIPT_ARABIC || script == USCRIPT_HEBREW ||
         script == USCRIPT_THAI || script == USCRIPT_SYRIAC ||
         script == USCRIPT_THAANA;
}

bool IsHangulSyllable(UChar32 c) { return c >= 0xAC00 && c <= 0xD7A3; }

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Raw words of the input with camel case and Hangul syllables split.
struct RawWord {
  std::string text;  // UTF-8, before transliteration
  bool ascii = true;
  bool abjad = false;
  bool hangul = false;  // one Hangul syllable
  bool cjk = false;     // Han, Hangul or kana: syllables, not particles
};

std::vector<RawWord> SplitRawWords(std::string_view in) {
  std::vector<RawWord> words;
  RawWord current;
  UChar32 previous = 0;
  auto flush = [&] {
    if (!current.text.empty()) words.push_back(std::move(current));
    current = RawWord();
    previous = 0;
  };
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(in.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(in.data(), i, n, c);
    if (c < 0) continue;  // invalid UTF-8: skip the byte
    if (u_isUWhiteSpace(c) || c == 0x3000) {
      flush();
      continue;
    }
    bool split = false;
    if (IsHangulSyllable(c) && IsHangulSyllable(previous)) split = true;
    // "AlisherUsmanov", "PolPot": a capital after a small letter.
    if (u_isupper(c) && u_islower(previous)) split = true;
    if (split) flush();
    current.text.append(in.substr(start, i - start));
    if (c >= 0x80) current.ascii = false;
    if (c >= 0x80 && IsAbjadScript(c)) current.abjad = true;
    if (IsHangulSyllable(c)) current.hangul = true;
    if (c >= 0x80) {
      UErrorCode status = U_ZERO_ERROR;
      UScriptCode script = uscript_getScript(c, &status);
      if (script == USCRIPT_HAN || script == USCRIPT_HANGUL ||
          script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) {
        current.cjk = true;
      }
    }
    previous = c;
  }
  flush();
  return words;
}

// ICU romanises Hangul close to the Revised Romanization (김 → "gim",
// 박 → "bag", 정 → "jeong"); Korean names on the lists are mostly in
// McCune-Reischauer or customary spellings ("Kim", "Pak", "Jong"). Bring
// the syllable nearer to those: g/b at the start are k/p, g/b/d at the end
// k/p/t, "eo" is "o", "eu" is "u", and the lone syllable 이 is "lee".
void CustomaryKorean(std::string* out) {
  std::string& s = *out;
  if (s.size() == 1 && s[0] == 'i') {
    s = "lee";
    return;
  }
  auto replace_all = [&](std::string_view from, std::string_view to) {
    for (size_t at = s.find(from); at != std::string::npos;
         at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  };
  replace_all("eo", "o");
  replace_all("eu", "u");
  if (!s.empty() && s[0] == 'g') s[0] = 'k';
  if (!s.empty() && s[0] == 'b') s[0] = 'p';
  if (s.size() > 1) {
    char& last = s.back();
    if (last == 'g' && s[s.size() - 2] != 'n') last = 'k';
    if (last == 'b') last = 'p';
    if (last == 'd') last = 't';
  }
}

std::string Transliterate(const RawWord& word) {
  if (word.ascii) {
    std::string out = word.text;
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(word.text);
  ThreadTransliterator().transliterate(text);
  std::string out;
  text.toUTF8String(out);
  if (word.hangul) CustomaryKorean(&out);
  return out;
}

// ASCII folding of one transliterated word into its tokens: apostrophes
// and any leftover non-ASCII marks vanish, "&" is "and", dotted or slashed
// single letters join, everything else separates. Commas are kept as ","
// tokens for the reordering step.
// Flags a token gets from its script (before NormalizeName adds the rest);
// kNoParticle keeps a Chinese "bin" or "de" from being taken for one.
constexpr uint8_t kNoParticle = 0x80;

void FoldWord(std::string_view word, uint8_t script_flags,
              std::vector<std::string>* out, std::vector<uint8_t>* flags) {
  // Pieces separated by '.' or '/': join when all are single letters.
  std::string cleaned;
  cleaned.reserve(word.size());
  for (size_t i = 0; i < word.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (c >= 0x80) continue;  // ʿ, ·, ˌ and such left by ICU
    if (c == '\'' || c == '`' || c == '"') {
      if (c == '"') cleaned.push_back(' ');
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    cleaned.push_back(static_cast<char>(c));
  }
  // Split on separators other than '.' and '/' first.
  std::vector<std::string> chunks;
  std::string chunk;
  auto push_chunk = [&] {
    if (!chunk.empty()) chunks.push_back(std::move(chunk));
    chunk.clear();
  };
  for (char c : cleaned) {
    if (IsAsciiAlnum(c) || c == '.' || c == '/') {
      chunk.push_back(c);
    } else if (c == '&') {
      push_chunk();
      chunks.push_back("and");
    } else if (c == ',') {
      push_chunk();
      chunks.push_back(",");
    } else {
      push_chunk();
    }
  }
  push_chunk();
  auto emit = [&](std::string token) {
    if (token.empty()) return;
    out->push_back(std::move(token));
    flags->push_back(script_flags);
  };
  for (const std::string& ch : chunks) {
    if (ch == ",") {
      emit(ch);
      continue;
    }
    // "a.b.c", "g.m.b.h", "a/s", "n.a." → joined.
    std::vector<std::string> pieces;
    std::string piece;
    for (char c : ch) {
      if (c == '.' || c == '/') {
        if (!piece.empty()) pieces.push_back(std::move(piece));
        piece.clear();
      } else {
        piece.push_back(c);
      }
    }
    if (!piece.empty()) pieces.push_back(std::move(piece));
    bool all_single = pieces.size() >= 2;
    for (const std::string& p : pieces) {
      if (p.size() != 1 || !(p[0] >= 'a' && p[0] <= 'z')) all_single = false;
    }
    if (all_single) {
      std::string joined;
      for (const std::string& p : pieces) joined += p;
      emit(std::move(joined));
    } else {
      for (std::string& p : pieces) emit(std::move(p));
    }
  }
}

struct LegalForm {
  const char* phrase;  // tokens separated by single spaces
  const char* form;    // the class
};

// Legal forms, longest phrase first within each class is not required:
// the stripper tries every phrase and keeps the longest match.
constexpr LegalForm kLegalForms[] = {
    {"llc", "llc"},
    {"limited liability company", "llc"},
    {"limited liability co", "llc"},
    {"ooo", "llc"},
    {"obshchestvo s ogranichennoy otvetstvennostyu", "llc"},
    {"tov", "llc"},
    {"srl", "llc"},
    {"societatea cu raspundere limitata", "llc"},
    {"sp z oo", "llc"},
    {"spzoo", "llc"},
    {"sro", "llc"},
    {"kft", "llc"},
    {"doo", "llc"},
    {"ltd", "ltd"},
    {"limited", "ltd"},
    {"pte", "ltd"},
    {"pty", "ltd"},
    {"pvt", "ltd"},
    {"private limited", "ltd"},
    {"ltda", "ltd"},
    {"plc", "plc"},
    {"public limited company", "plc"},
    {"inc", "inc"},
    {"incorporated", "inc"},
    {"corp", "corp"},
    {"corporation", "corp"},
    {"co", "co"},
    {"company", "co"},
    {"cie", "co"},
    {"jsc", "jsc"},
    {"ojsc", "jsc"},
    {"pjsc", "jsc"},
    {"cjsc", "jsc"},
    {"oao", "jsc"},
    {"zao", "jsc"},
    {"pao", "jsc"},
    {"ao", "jsc"},
    {"joint stock company", "jsc"},
    {"open joint stock company", "jsc"},
    {"closed joint stock company", "jsc"},
    {"public joint stock company", "jsc"},
    {"aktsionernoye obshchestvo", "jsc"},
    {"otkrytoye aktsionernoye obshchestvo", "jsc"},
    {"zakrytoye aktsionernoye obshchestvo", "jsc"},
    {"publichnoye aktsionernoye obshchestvo", "jsc"},
    {"ag", "ag"},
    {"aktiengesellschaft", "ag"},
    {"gmbh", "gmbh"},
    {"gesellschaft mit beschrankter haftung", "gmbh"},
    {"kg", "kg"},
    {"kgaa", "kg"},
    {"sa", "sa"},
    {"societe anonyme", "sa"},
    {"sociedad anonima", "sa"},
    {"sa de cv", "sa"},
    {"sab de cv", "sa"},
    {"s de rl", "sa"},
    {"s de rl de cv", "sa"},
    {"sas", "sas"},
    {"sarl", "sarl"},
    {"sl", "sl"},
    {"spa", "spa"},
    {"sal", "sal"},
    {"nv", "nv"},
    {"naamloze vennootschap", "nv"},
    {"bv", "bv"},
    {"besloten vennootschap", "bv"},
    {"ab", "ab"},
    {"aktiebolag", "ab"},
    {"as", "as"},
    {"asa", "as"},
    {"oy", "oy"},
    {"oyj", "oy"},
    {"se", "se"},
    {"lp", "lp"},
    {"limited partnership", "lp"},
    {"llp", "llp"},
    {"na", "na"},
    {"bhd", "bhd"},
    {"sdn bhd", "bhd"},
    {"fze", "fze"},
    {"fzco", "fze"},
    {"fzc", "fze"},
    {"fzllc", "fze"},
    {"wll", "wll"},
};

// Words before a name that say who, not which: "Mr. Recep Tayyip Erdoğan",
// "Präsident Barack Obama", "MV Hellenic Spirit".
constexpr std::string_view kTitles[] = {
    "mr",  "mrs",        "ms",        "miss",   "dr",     "prof",   "sir",
    "the", "president",  "prasident", "mv",     "mt",     "hrh",    "his",
    "her", "excellency", "h e",       "shaikh", "sheikh", "shaykh",
};

struct Particle {
  std::string_view spelling;
  std::string_view canonical;
};
constexpr Particle kParticles[] = {
    {"al", "al"},     {"el", "al"},      {"ul", "al"},   {"bin", "bin"},
    {"ibn", "bin"},   {"ben", "bin"},    {"bn", "bin"},  {"ebn", "bin"},
    {"bint", "bint"}, {"binti", "bint"}, {"de", "de"},   {"da", "de"},
    {"di", "de"},     {"du", "de"},      {"del", "del"}, {"della", "del"},
    {"dos", "de"},    {"das", "de"},     {"der", "der"}, {"den", "der"},
    {"van", "van"},   {"von", "van"},    {"la", "la"},   {"le", "la"},
    {"of", "of"},     {"the", "the"},    {"and", "and"}, {"und", "and"},
    {"et", "and"},
};

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// Splits "a b c" into tokens.
std::vector<std::string_view> PhraseTokens(std::string_view phrase) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= phrase.size()) {
    size_t end = phrase.find(' ', start);
    if (end == std::string_view::npos) end = phrase.size();
    out.push_back(phrase.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

struct PhraseTable {
  std::vector<std::pair<std::vector<std::string_view>, std::string_view>> legal;
  std::vector<std::vector<std::string_view>> titles;
};

const PhraseTable& Phrases() {
  static const PhraseTable table = [] {
    PhraseTable t;
    for (const LegalForm& f : kLegalForms) {
      t.legal.emplace_back(PhraseTokens(f.phrase), f.form);
    }
    for (std::string_view title : kTitles) {
      t.titles.push_back(PhraseTokens(title));
    }
    return t;
  }();
  return table;
}

// Length of the longest legal-form phrase ending at `end` (exclusive, when
// `at_end`) or starting at `begin`, 0 when none; `form` gets its class.
size_t MatchLegal(const std::vector<std::string>& tokens, size_t begin,
                  size_t end, bool at_end, std::string_view* form) {
  size_t best = 0;
  for (const auto& [phrase, cls] : Phrases().legal) {
    size_t len = phrase.size();
    if (len > end - begin || len <= best) continue;
    const size_t first = at_end ? end - len : begin;
    bool match = true;
    for (size_t k = 0; k < len && match; ++k) {
      match = tokens[first + k] == phrase[k];
    }
    if (match) {
      best = len;
      *form = cls;
    }
  }
  return best;
}

size_t MatchTitleAtStart(const std::vector<std::string>& tokens, size_t begin,
                         size_t end) {
  size_t best = 0;
  for (const auto& phrase : Phrases().titles) {
    size_t len = phrase.size();
    if (len > end - begin || len <= best) continue;
    bool match = true;
    for (size_t k = 0; k < len && match; ++k) {
      match = tokens[begin + k] == phrase[k];
    }
    if (match) best = len;
  }
  return best;
}

constexpr std::string_view kUnitWords[] = {
    "zero",    "one",     "two",       "three",    "four",
    "five",    "six",     "seven",     "eight",    "nine",
    "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::string_view kTensWords[] = {
    "",      "",      "twenty",  "thirty", "forty",
    "fifty", "sixty", "seventy", "eighty", "ninety"};

int UnitValue(std::string_view t) {
  for (int i = 0; i < 20; ++i) {
    if (kUnitWords[i] == t) return i;
  }
  if (t.size() == 1 && t[0] >= '0' && t[0] <= '9') return t[0] - '0';
  return -1;
}

int TensValue(std::string_view t) {
  for (int i = 2; i < 10; ++i) {
    if (kTensWords[i] == t) return i * 10;
  }
  return -1;
}

// "forty four", "forty 4", "twelve" → "44", "44", "12" (names of brigades,
// funds and vessels spell numbers either way).
void NumberWordsToDigits(std::vector<std::string>* tokens,
                         std::vector<uint8_t>* flags) {
  std::vector<std::string> out;
  std::vector<uint8_t> out_flags;
  for (size_t i = 0; i < tokens->size(); ++i) {
    const std::string& t = (*tokens)[i];
    int tens = TensValue(t);
    if (tens > 0) {
      int unit = i + 1 < tokens->size() ? UnitValue((*tokens)[i + 1]) : -1;
      if (unit >= 1 && unit <= 9) {
        out.push_back(std::to_string(tens + unit));
        ++i;
      } else {
        out.push_back(std::to_string(tens));
      }
      out_flags.push_back((*flags)[i]);
      continue;
    }
    int unit = UnitValue(t);
    out.push_back(unit >= 0 && !(t.size() == 1) ? std::to_string(unit) : t);
    out_flags.push_back((*flags)[i]);
  }
  *tokens = std::move(out);
  *flags = std::move(out_flags);
}

// Roman numerals of two letters or more ("II", "IV", "XIV"): the series of
// a fund or a vessel, compared as numbers. One letter stays an initial.
bool IsRomanNumeral(std::string_view t) {
  static constexpr std::string_view kNumerals[] = {
      "ii",   "iii", "iv", "vi",  "vii",  "viii",  "ix",  "xi", "xii",
      "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"};
  for (std::string_view n : kNumerals) {
    if (n == t) return true;
  }
  return false;
}

// Han character → its Sino-Korean reading (data/han_hangul.inc).
const std::unordered_map<UChar32, UChar32>& HanHangul() {
  static const std::unordered_map<UChar32, UChar32>* table = [] {
    static constexpr char kData[] =
#include "compliance/data/han_hangul.inc"
        ;
    auto* t = new std::unordered_map<UChar32, UChar32>();
    const int32_t n = static_cast<int32_t>(sizeof(kData) - 1);
    int32_t i = 0;
    while (i < n) {
      UChar32 han, hangul;
      U8_NEXT(kData, i, n, han);
      if (i >= n) break;
      U8_NEXT(kData, i, n, hangul);
      if (han >= 0 && hangul >= 0) (*t)[han] = hangul;
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::vector<NormalizedName> NormalizeNameVariants(std::string_view utf8_name) {
  std::vector<NormalizedName> variants;
  variants.push_back(NormalizeName(utf8_name));
  // The Korean reading, when the name has Han characters.
  std::string korean;
  bool han = false;
  const int32_t n = static_cast<int32_t>(utf8_name.size());
  int32_t i = 0;
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(utf8_name.data(), i, n, c);
    if (c >= 0x2E80) {
      auto it = HanHangul().find(c);
      if (it != HanHangul().end()) {
        han = true;
        char buf[4];
        int32_t len = 0;
        U8_APPEND_UNSAFE(buf, len, it->second);
        korean.append(buf, len);
        continue;
      }
    }
    korean.append(utf8_name.substr(start, i - start));
  }
  if (han) {
    NormalizedName reading = NormalizeName(korean);
    if (!reading.empty() && reading.tokens != variants[0].tokens) {
      variants.push_back(std::move(reading));
    }
  }
  return variants;
}

std::string NormalizedName::Key() const {
  std::string key;
  for (const std::string& t : tokens) {
    if (!key.empty()) key.push_back(' ');
    key += t;
  }
  return key;
}

std::string_view CanonicalParticle(std::string_view token) {
  for (const Particle& p : kParticles) {
    if (p.spelling == token) return p.canonical;
  }
  return {};
}

std::string PhoneticFold(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  auto is_vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    char next = i + 1 < token.size() ? token[i + 1] : '\0';
    char mapped = c;
    switch (c) {
      case 'c':
      case 'k':
      case 'q':
        mapped = 'k';
        break;
      case 'z':
        mapped = 's';
        break;
      case 'w':
        mapped = 'v';
        break;
      case 'j':
      case 'y':
      case 'e':
        mapped = 'i';
        break;
      case 'o':
        mapped = 'u';
        break;
      case 'p':
        if (next == 'h') {
          mapped = 'f';
          ++i;
        }
        break;
      case 'h':
        // kh, sh, th, gh, ch, dh: the h only softens the consonant.
        if (i > 0 && !is_vowel(token[i - 1]) && token[i - 1] != 'h') {
          continue;
        }
        break;
      default:
        break;
    }
    if (!out.empty() && out.back() == mapped) continue;
    out.push_back(mapped);
  }
  return out;
}

std::string ConsonantSkeleton(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    char mapped = c;
    switch (c) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
      case 'y':
      case 'w':
      case 'v':
        continue;
      case 'c':
      case 'q':
        mapped = 'k';
        break;
      case 'z':
        mapped = 's';
        break;
      default:
        break;
    }
    if (!out.empty() && out.back() == mapped) continue;
    out.push_back(mapped);
  }
  return out;
}

NormalizedName NormalizeName(std::string_view utf8_name) {
  std::vector<std::string> tokens;
  std::vector<uint8_t> flags;
  for (const RawWord& word : SplitRawWords(utf8_name)) {
    std::string latin = Transliterate(word);
    uint8_t script_flags = 0;
    if (word.abjad) script_flags |= kTokenAbjad;
    if (word.cjk) script_flags |= kNoParticle;
    FoldWord(latin, script_flags, &tokens, &flags);
  }

  // "LAST, First": one comma, a short personal name after it.
  size_t comma_count = 0, comma_at = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == ",") {
      ++comma_count;
      comma_at = i;
    }
  }
  if (comma_count == 1 && comma_at > 0 && comma_at + 1 < tokens.size() &&
      comma_at <= 4 && tokens.size() - comma_at - 1 <= 4) {
    bool legal = false;
    for (size_t i = comma_at + 1; i < tokens.size() && !legal; ++i) {
      std::string_view form;
      legal =
          MatchLegal(tokens, i, tokens.size(), /*at_end=*/false, &form) > 0 ||
          IsDigits(tokens[i]);
    }
    if (!legal) {
      std::vector<std::string> t;
      std::vector<uint8_t> f;
      for (size_t i = comma_at + 1; i < tokens.size(); ++i) {
        t.push_back(tokens[i]);
        f.push_back(flags[i]);
      }
      for (size_t i = 0; i < comma_at; ++i) {
        t.push_back(tokens[i]);
        f.push_back(flags[i]);
      }
      tokens = std::move(t);
      flags = std::move(f);
    }
  }
  {
    size_t w = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i] == ",") continue;
      if (w != i) tokens[w] = std::move(tokens[i]);
      flags[w] = flags[i];
      ++w;
    }
    tokens.resize(w);
    flags.resize(w);
  }

  NumberWordsToDigits(&tokens, &flags);

  // Titles in front, legal forms at either end; never everything.
  NormalizedName name;
  size_t begin = 0, end = tokens.size();
  bool changed = true;
  while (changed && begin < end) {
    changed = false;
    size_t n = MatchTitleAtStart(tokens, begin, end);
    if (n > 0 && n < end - begin) {
      begin += n;
      changed = true;
      continue;
    }
    std::string_view form;
    n = MatchLegal(tokens, begin, end, /*at_end=*/true, &form);
    if (n > 0 && n < end - begin) {
      end -= n;
      if (name.legal_form.empty()) name.legal_form = std::string(form);
      changed = true;
      continue;
    }
    n = MatchLegal(tokens, begin, end, /*at_end=*/false, &form);
    if (n > 0 && n < end - begin) {
      begin += n;
      if (name.legal_form.empty()) name.legal_form = std::string(form);
      changed = true;
      continue;
    }
    // "Goldman Sachs & Co." leaves a dangling "and".
    if (end - begin > 1 &&
        (tokens[end - 1] == "and" || tokens[end - 1] == "of")) {
      --end;
      changed = true;
    }
  }
  for (size_t i = begin; i < end; ++i) {
    uint8_t f = flags[i];
    std::string& t = tokens[i];
    // "I9or Sech1n": digits standing for letters in a word with letters.
    bool letters = false, digits = false;
    for (char c : t) (c >= '0' && c <= '9' ? digits : letters) = true;
    if (letters && digits) {
      static constexpr char kLeet[] = "oizeasbtbg";  // 0..9
      for (char& c : t) {
        if (c >= '0' && c <= '9') c = kLeet[c - '0'];
      }
    }
    const bool cjk = (f & kNoParticle) != 0;
    if (!cjk && !CanonicalParticle(t).empty()) f |= kTokenParticle;
    f &= static_cast<uint8_t>(~kNoParticle);
    if (t.size() == 1 && t[0] >= 'a' && t[0] <= 'z') f |= kTokenInitial;
    // A roman numeral follows a name ("Fund XI"); "Xi Jinping" starts with
    // a surname.
    if (IsDigits(t) || (!cjk && i > begin && IsRomanNumeral(t))) {
      f |= kTokenNumber;
    }
    name.tokens.push_back(t);
    name.flags.push_back(f);
  }
  return name;
}

}  // namespace meridian::compliance
