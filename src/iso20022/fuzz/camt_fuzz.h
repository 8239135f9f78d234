// The fuzz entry of the camt reader (reader.h): feeds one input to
// ReadCashDocument and stops the process (MERIDIAN_CHECK) if an invariant
// breaks. camt_fuzz.cc wraps it for libFuzzer (MERIDIAN_FUZZ=ON with
// clang); camt_fuzz_corpus_test runs it on the samples and deterministic
// mutants of them in every test run.
//
//   meridian::iso20022::FuzzCamtOnce(data, size);  // returns if all is well
//
// Invariants checked:
// - Nothing crashes, whatever the bytes.
// - A refusal is INVALID_PARAMETER or BODY_TOO_LARGE, names the element
//   path (or "xml") in `param` and starts its message with it.
// - A document that reads is consistent (CheckCashDocument): at least one
//   report, none over the limits; every account id, id and reference is
//   non-empty where required, within its schema length and well-formed
//   UTF-8; amounts are 0..kMaxAmountMinor (balances within +-) in a real
//   currency; dates are real YYYY-MM-DD days or empty; a report with
//   entries or balances has a currency.
// - Reading the same bytes twice gives the same result.
#ifndef MERIDIAN_ISO20022_FUZZ_CAMT_FUZZ_H_
#define MERIDIAN_ISO20022_FUZZ_CAMT_FUZZ_H_

#include <cstddef>
#include <cstdint>

#include "iso20022/reader.h"

namespace meridian::iso20022 {

void FuzzCamtOnce(const uint8_t* data, size_t size);

// The checks of a successful read (see the file comment).
void CheckCashDocument(const CashDocument& doc);

}  // namespace meridian::iso20022

#endif  // MERIDIAN_ISO20022_FUZZ_CAMT_FUZZ_H_
