// Synthetic sanctions entries and queries for the matcher's randomized
// tests and its benchmark: names built from syllables of several naming
// traditions, with aliases (reordered, respelled, shortened) and queries
// that are listed names with typos, missing or extra words, or names that
// are on no list. Deterministic for a seed.
#ifndef MERIDIAN_COMPLIANCE_TESTING_SYNTHETIC_NAMES_H_
#define MERIDIAN_COMPLIANCE_TESTING_SYNTHETIC_NAMES_H_

#include <random>
#include <string>
#include <vector>

#include "compliance/list_entry.h"

namespace meridian::compliance::testing {

class SyntheticNames {
 public:
  explicit SyntheticNames(uint64_t seed) : rng_(seed) {}

  std::string Word() {
    static const char* const kSyllables[] = {
        "ab",  "al",  "an",  "ar",  "ba",  "be",  "bo",  "da",  "de",
        "di",  "el",  "fa",  "fe",  "ga",  "go",  "ha",  "he",  "hu",
        "ib",  "ja",  "jo",  "ka",  "ke",  "ki",  "ko",  "la",  "le",
        "li",  "lo",  "ma",  "me",  "mi",  "mo",  "mu",  "na",  "ne",
        "ni",  "no",  "om",  "or",  "pa",  "pe",  "ra",  "re",  "ri",
        "ro",  "ru",  "sa",  "se",  "si",  "so",  "su",  "ta",  "te",
        "ti",  "to",  "tu",  "va",  "ve",  "vi",  "ya",  "yo",  "za",
        "ze",  "zi",  "mad", "ham", "sul", "kov", "ova", "ich", "vic",
        "son", "sen", "man", "berg", "stein", "ski", "escu", "ez",
        "ali", "med", "hassan", "rah", "din", "ullah", "jin", "jong"};
    const size_t n = sizeof(kSyllables) / sizeof(kSyllables[0]);
    std::uniform_int_distribution<int> count(2, 4);
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    std::string w;
    int c = count(rng_);
    for (int i = 0; i < c; ++i) w += kSyllables[pick(rng_)];
    return w;
  }

  std::string Name(int min_words = 2, int max_words = 4) {
    std::uniform_int_distribution<int> words(min_words, max_words);
    std::string name;
    int n = words(rng_);
    for (int i = 0; i < n; ++i) {
      if (!name.empty()) name += ' ';
      name += Word();
    }
    return Upper(name);
  }

  // A listed name changed the way screened names differ from listings.
  std::string Perturb(const std::string& name) {
    std::vector<std::string> words = Split(name);
    std::uniform_int_distribution<int> kind(0, 5);
    switch (kind(rng_)) {
      case 0:  // a typo
        Typo(&words[Pick(words.size())]);
        break;
      case 1:  // "LAST, First"
        if (words.size() >= 2) {
          std::string last = words.back();
          words.pop_back();
          words.insert(words.begin(), last + ",");
        }
        break;
      case 2:  // a word less
        if (words.size() >= 3) words.erase(words.begin() + Pick(words.size()));
        break;
      case 3:  // a word more
        words.insert(words.begin() + Pick(words.size() + 1), Upper(Word()));
        break;
      case 4:  // two typos
        Typo(&words[Pick(words.size())]);
        Typo(&words[Pick(words.size())]);
        break;
      default:  // lower case, as typed
        for (std::string& w : words) {
          for (char& c : w) c = static_cast<char>(std::tolower(c));
        }
        break;
    }
    std::string out;
    for (const std::string& w : words) {
      if (!out.empty()) out += ' ';
      out += w;
    }
    return out;
  }

  // `count` entries with about `aliases` aliases each.
  std::vector<ListEntry> Entries(size_t count, int aliases) {
    std::vector<ListEntry> entries;
    entries.reserve(count);
    std::uniform_int_distribution<int> alias_count(0, 2 * aliases);
    for (size_t i = 0; i < count; ++i) {
      ListEntry e;
      e.list = i % 3 == 0 ? "UN" : (i % 3 == 1 ? "OFAC-SDN" : "UK");
      e.source_id = e.list + "-" + std::to_string(i);
      e.type = i % 5 == 0 ? EntityType::kEntity : EntityType::kIndividual;
      e.name = Name();
      if (e.type == EntityType::kEntity) e.name += " LLC";
      int a = alias_count(rng_);
      for (int k = 0; k < a; ++k) {
        e.aliases.push_back(k % 2 == 0 ? Perturb(e.name) : Name(1, 3));
      }
      entries.push_back(std::move(e));
    }
    return entries;
  }

  size_t Pick(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

 private:
  static std::string Upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(c));
    return s;
  }
  static std::vector<std::string> Split(const std::string& s) {
    std::vector<std::string> out;
    std::string w;
    for (char c : s) {
      if (c == ' ') {
        if (!w.empty()) out.push_back(w);
        w.clear();
      } else {
        w.push_back(c);
      }
    }
    if (!w.empty()) out.push_back(w);
    return out;
  }
  void Typo(std::string* w) {
    if (w->size() < 3) return;
    size_t at = Pick(w->size() - 1);
    switch (Pick(3)) {
      case 0:
        std::swap((*w)[at], (*w)[at + 1]);
        break;
      case 1:
        w->erase(at, 1);
        break;
      default:
        (*w)[at] = static_cast<char>('A' + Pick(26));
        break;
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace meridian::compliance::testing

#endif  // MERIDIAN_COMPLIANCE_TESTING_SYNTHETIC_NAMES_H_
