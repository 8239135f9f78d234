// Runs a fuzz entry over deterministic mutants of a seed corpus, so that
// every `make test` checks what the libFuzzer target checks (without
// clang). Each mutant is a random seed with 1 to 3 rounds of `mutate`.
//
//   RunMutants(Seeds(), 0x6d6572696469616e, 5000, Mutate, [](auto& s) {
//     FuzzJsonOnce(reinterpret_cast<const uint8_t*>(s.data()), s.size());
//   });
#ifndef MERIDIAN_CORE_TESTING_FUZZ_CORPUS_H_
#define MERIDIAN_CORE_TESTING_FUZZ_CORPUS_H_

#include <random>
#include <string>
#include <vector>

namespace meridian::testing {

// `mutate(std::string, std::mt19937_64&) -> std::string`;
// `run(const std::string&)`.
template <typename Mutate, typename Run>
void RunMutants(const std::vector<std::string>& seeds, uint64_t rng_seed,
                int count, Mutate mutate, Run run) {
  std::mt19937_64 rng(rng_seed);
  for (int i = 0; i < count; ++i) {
    std::string input = seeds[rng() % seeds.size()];
    // Sometimes mutate a mutant, to get further from the seeds.
    for (int depth = 1 + static_cast<int>(rng() % 3); depth > 0; --depth) {
      input = mutate(std::move(input), rng);
    }
    run(input);
  }
}

}  // namespace meridian::testing

#endif  // MERIDIAN_CORE_TESTING_FUZZ_CORPUS_H_
