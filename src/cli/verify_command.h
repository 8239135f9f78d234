// `meridian verify DATA_DIR`: prints what VerifyDataDir found.
#ifndef MERIDIAN_CLI_VERIFY_COMMAND_H_
#define MERIDIAN_CLI_VERIFY_COMMAND_H_

#include <string>

namespace meridian::cli {

// Returns the exit status: 0 only when everything fits.
int RunVerify(const std::string& data_dir, bool json);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_VERIFY_COMMAND_H_
