// Runs the auth fuzz entry over a seed corpus and deterministic mutations of
// it, so every test run checks what the fuzzer checks (auth_fuzz.h).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "api/auth/auth_fuzz.h"
#include "core/testing/fuzz_corpus.h"

namespace meridian::auth {
namespace {

std::vector<std::string> Seeds() {
  return {
      "algorithm=HMAC-SHA256,keyVersion=1,"
      "signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "algorithm=ED25519, keyVersion=12, signature=" + std::string(86, 'A'),
      "keyVersion=1,signature=abc,algorithm=RSA256",
      "2026-11-24T12:00:00.123Z",
      "2026-02-28t23:59:59.123456789-07:30",
      "1677-09-21T00:12:43.145224192Z",
      "2262-04-11T23:47:16.854775807Z",
      "t=1795521600,v1=" + std::string(64, 'a') + ",v0=zz",
      "Zm9vYmFy",
      "Zm9vYg==",
      "DEADbeef",
      "",
  };
}

const char* const kTokens[] = {",", "=", " ", ":",  "-", "+", ".",   "Z",
                               "T", "0", "9", "==", "_", "/", "v1=", "t="};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 4) {
      case 0:
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng());
        break;
      case 1:
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 3);
        break;
      case 2:
        s.insert(pos, kTokens[rng() % std::size(kTokens)]);
        break;
      default:  // a digit somewhere: times and versions are mostly digits
        if (!s.empty()) s[pos % s.size()] = static_cast<char>('0' + rng() % 10);
        break;
    }
  }
  return s;
}

void RunOne(const std::string& input) {
  FuzzAuthOnce(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(AuthFuzzCorpusTest, Seeds) {
  for (const std::string& seed : Seeds()) RunOne(seed);
}

TEST(AuthFuzzCorpusTest, DeterministicMutations) {
  meridian::testing::RunMutants(Seeds(), 0x61757468, 5000, Mutate, RunOne);
}

}  // namespace
}  // namespace meridian::auth
