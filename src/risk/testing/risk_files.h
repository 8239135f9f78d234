// Test and benchmark helpers: the shipped rules and model, read from the
// source tree (MERIDIAN_SOURCE_ROOT), and a tiny model trained in-process.
#ifndef MERIDIAN_RISK_TESTING_RISK_FILES_H_
#define MERIDIAN_RISK_TESTING_RISK_FILES_H_

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace meridian::risk::testing {

inline std::string SourcePath(const std::string& relative) {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/" + relative;
}

// The file's bytes; empty when it cannot be read.
inline std::string ReadSource(const std::string& relative) {
  std::ifstream in(SourcePath(relative), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::vector<uint8_t> ReadSourceBytes(const std::string& relative) {
  std::string s = ReadSource(relative);
  return std::vector<uint8_t>(s.begin(), s.end());
}

inline std::string DefaultRulesText() {
  return ReadSource("policies/risk/rules.toml");
}
inline std::vector<uint8_t> ShippedModel() {
  return ReadSourceBytes("models/risk/model.json");
}

}  // namespace meridian::risk::testing

#endif  // MERIDIAN_RISK_TESTING_RISK_FILES_H_
