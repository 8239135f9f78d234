// The JSON fuzz entry: one input through JsonBody, ObjectReader, the field
// parsers, CanonicalJson and JsonWriter, stopping the process
// (MERIDIAN_CHECK) if any invariant breaks. json_fuzz.cc wraps it for
// libFuzzer (MERIDIAN_FUZZ=ON with clang); json_fuzz_corpus_test runs it on
// a seed corpus and deterministic mutations in every test run.
//
//   meridian::json::FuzzJsonOnce(data, size);  // returns if all is well
//
// Invariants checked:
// - CanonicalJson is a fixed point: canonical(canonical(x)) == canonical(x),
//   and its output parses.
// - JsonBody::Parse accepts x exactly when CanonicalJson accepts it and x is
//   an object; then it also accepts canonical(x).
// - JsonWriter output always parses, and a valid UTF-8 string written with
//   it reads back byte for byte.
#ifndef MERIDIAN_API_JSON_JSON_FUZZ_H_
#define MERIDIAN_API_JSON_JSON_FUZZ_H_

#include <cstddef>
#include <cstdint>

namespace meridian::json {

void FuzzJsonOnce(const uint8_t* data, size_t size);

}  // namespace meridian::json

#endif  // MERIDIAN_API_JSON_JSON_FUZZ_H_
