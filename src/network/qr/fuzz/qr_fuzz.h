// The fuzz entry of the EMVCo QR decoder: feeds one input to Decode and
// stops the process (MERIDIAN_CHECK) if an invariant breaks. qr_fuzz.cc
// wraps it for libFuzzer (MERIDIAN_FUZZ=ON with clang);
// qr_fuzz_corpus_test runs it on the payloads.tsv rows, built-in seeds and
// deterministic mutants in every test run.
//
//   meridian::network::qr::FuzzQrOnce(data, size);  // returns if all is well
//
// Invariants checked:
// - Nothing crashes, whatever the bytes.
// - A refusal carries one of the QR_* codes, param "codeValue" and a
//   message.
// - A payload that decodes re-encodes to itself (the CRC upper case), and
//   that decodes to the same Payload; HubReference and NationalKey answer
//   the same for both.
#ifndef MERIDIAN_NETWORK_QR_FUZZ_QR_FUZZ_H_
#define MERIDIAN_NETWORK_QR_FUZZ_QR_FUZZ_H_

#include <cstddef>
#include <cstdint>

namespace meridian::network::qr {

void FuzzQrOnce(const uint8_t* data, size_t size);

}  // namespace meridian::network::qr

#endif  // MERIDIAN_NETWORK_QR_FUZZ_QR_FUZZ_H_
