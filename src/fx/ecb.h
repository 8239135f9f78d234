// Reader of the ECB's euro reference-rate history (eurofxref-hist.csv):
// a header `Date,USD,JPY,…`, then one line a business day, newest first,
// `2025-05-09,1.1252,163.36,N/A,…` in units per 1 EUR, `N/A` where there
// is no fixing, often a trailing comma.
//
//   MERIDIAN_ASSIGN_OR_RETURN(EcbHistory h, ReadEcbHistory(path));
//   const EcbFixing* f = h.OnOrBefore("2025-05-10");  // the 2025-05-09 one
//
// Columns of currencies that are no longer ISO 4217 (CYP, EEK, ROL, …) are
// skipped and named in `skipped_currencies`. A malformed line refuses the
// whole file with INVALID_PARAMETER naming its line number: a rate file is
// used whole or not at all.
#ifndef MERIDIAN_FX_ECB_H_
#define MERIDIAN_FX_ECB_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/currency.h"
#include "core/status.h"
#include "fx/decimal.h"

namespace meridian::fx {

struct EcbFixing {
  std::string date;                                 // YYYY-MM-DD
  std::vector<std::pair<Currency, Decimal>> rates;  // units per 1 EUR
};

struct EcbHistory {
  std::vector<EcbFixing> fixings;  // newest first, as in the file
  std::vector<std::string> skipped_currencies;
  // The newest fixing on or before `date` (YYYY-MM-DD); nullptr if none.
  const EcbFixing* OnOrBefore(std::string_view date) const;
};

// At most 64 MiB of text and 100,000 lines.
Result<EcbHistory> ParseEcbHistory(std::string_view text);
Result<EcbHistory> ReadEcbHistory(const std::string& path);

}  // namespace meridian::fx

#endif  // MERIDIAN_FX_ECB_H_
