// Runs the JSON fuzz entry over a seed corpus and deterministic mutations of
// it, so every test run checks what the fuzzer checks (json_fuzz.h).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "api/json/json_fuzz.h"
#include "core/testing/fuzz_corpus.h"

namespace meridian::json {
namespace {

std::vector<std::string> Seeds() {
  return {
      R"({"paymentRequestId":"r1","amount":{"currency":"THB","value":"35000"}})",
      R"({"a":{"a":{"b":[1,2,{"c":null}]}},"items":["x",1,{"a":true}]})",
      R"({"amount":{"currency":"usd","value":"01"},"id":"pay_0000"})",
      R"({"id":"pay_01J9ZQ3V6Q0000000000000000","b":-9223372036854775808})",
      R"({"c":18446744073709551615,"a":1.5e-7,"b":"\u00e9\ud83d\ude00\n"})",
      R"({"a":1,"a":2})",
      R"([1,2,3])",
      R"("just a string")",
      "  {  }  ",
      "{\"k\":\"\xC3\xA9\xE2\x82\xAC\"}",
      "{\"bad\":\"\xC0\xAF\"}",
      R"({"items":[{"amount":{"currency":"JPY","value":"0"}},[],{}]})",
      std::string(40, '[') + std::string(40, ']'),
      "",
  };
}

const char* const kTokens[] = {"{",          "}",    "[",    "]",    ",",
                               ":",          "\"",   "\\",   "\\u",  "1",
                               "-0",         "1e5",  "true", "null", "\"a\"",
                               "\"amount\"", "\xC3", "\x80", " "};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:  // flip a byte
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng());
        break;
      case 1:  // delete a run
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 4);
        break;
      case 2:  // insert a JSON-ish token
        s.insert(pos, kTokens[rng() % std::size(kTokens)]);
        break;
      case 3:  // duplicate a slice
        if (!s.empty()) {
          size_t from = rng() % s.size();
          s.insert(pos, s.substr(from, 1 + rng() % 8));
        }
        break;
      default:  // insert a random byte
        s.insert(pos, 1, static_cast<char>(rng()));
        break;
    }
  }
  return s;
}

void RunOne(const std::string& input) {
  FuzzJsonOnce(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(JsonFuzzCorpusTest, Seeds) {
  for (const std::string& seed : Seeds()) RunOne(seed);
}

TEST(JsonFuzzCorpusTest, DeterministicMutations) {
  meridian::testing::RunMutants(Seeds(), 0x6d6572696469616e, 5000, Mutate,
                                RunOne);
}

}  // namespace
}  // namespace meridian::json
