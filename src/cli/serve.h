// `meridian serve`: the HTTP API over a data directory, until SIGINT or
// SIGTERM, then a graceful stop (stop accepting, drain, snapshot).
#ifndef MERIDIAN_CLI_SERVE_H_
#define MERIDIAN_CLI_SERVE_H_

#include <optional>
#include <string>

#include "api/service.h"
#include "core/status.h"

namespace meridian::cli {

struct ServeFlags {
  std::string config_path;  // --config meridian.toml ("" = none)
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;  // "host:port"
  std::optional<std::string> operator_key_file;
  std::optional<int> io_threads;
  bool no_sync = false;
  bool access_log = false;
  bool sandbox = false;
  // Sanctions lists folder; "none" for the built-in demo list. Default:
  // ../shared/data/sanctions when it exists there, else the demo list.
  std::optional<std::string> sanctions_dir;
};

// Options from (lowest to highest precedence) the defaults, the TOML file,
// the environment (MERIDIAN_OPERATOR_KEY) and the flags. INVALID_PARAMETER
// names the key or flag at fault.
Result<api::ServiceOptions> ResolveServeOptions(const ServeFlags& flags);

int RunServe(const ServeFlags& flags);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_SERVE_H_
