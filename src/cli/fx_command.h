// `meridian fx load-ecb FILE [--date D]`: reads the ECB's reference-rate
// history (fx/ecb.h) and posts one day's fixing to a running server's
// POST /v1/fx/rates with the operator's key.
//
//   meridian fx load-ecb ../shared/data/fx/eurofxref-hist.csv --date 2025-05-09
//
// The rates are posted as of the fixing (14:10 CET, written 13:10Z), so a
// past day is stale for quoting; --restamp posts them as of now instead
// (demos, tests) and says so in the source ("ECB 2025-05-09").
#ifndef MERIDIAN_CLI_FX_COMMAND_H_
#define MERIDIAN_CLI_FX_COMMAND_H_

#include <string>

#include "core/status.h"
#include "fx/ecb.h"

namespace meridian::cli {

struct FxLoadEcbOptions {
  std::string file;
  std::string date;  // YYYY-MM-DD: the newest fixing on or before; "" newest
  std::string target = "http://127.0.0.1:8080";
  std::string key_file;  // else MERIDIAN_OPERATOR_KEY
  bool restamp = false;
  bool json = false;
};

// The POST /v1/fx/rates body for one fixing.
std::string EcbRatesRequestBody(const fx::EcbFixing& fixing,
                                const std::string& as_of,
                                const std::string& source);

int RunFxLoadEcb(const FxLoadEcbOptions& options);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_FX_COMMAND_H_
