// The auth fuzz entry: one input through the header and time parsers and
// the codecs, stopping the process (MERIDIAN_CHECK) if an invariant breaks.
// auth_fuzz.cc wraps it for libFuzzer (MERIDIAN_FUZZ=ON with clang);
// auth_fuzz_corpus_test runs it on a seed corpus and deterministic
// mutations in every test run.
//
//   meridian::auth::FuzzAuthOnce(data, size);  // returns if all is well
//
// Invariants checked:
// - ParseSignatureHeader: what it accepts formats back to a header that
//   parses to the same algorithm, version and signature bytes.
// - ParseRfc3339: what it accepts formats (milliseconds, UTC) to a text
//   that parses to the same time floored to the millisecond (or, in the
//   first partial millisecond of the int64 range, is refused).
// - Base64/base64url/hex decoders: what they accept re-encodes to the same
//   text (hex: in lower case), so each byte string has one spelling.
// - VerifyRequestSignature and VerifyWebhookSignature refuse the input as a
//   header (it was not signed with the test key) without crashing.
#ifndef MERIDIAN_API_AUTH_AUTH_FUZZ_H_
#define MERIDIAN_API_AUTH_AUTH_FUZZ_H_

#include <cstddef>
#include <cstdint>

namespace meridian::auth {

void FuzzAuthOnce(const uint8_t* data, size_t size);

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_AUTH_FUZZ_H_
