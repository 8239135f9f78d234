#include "cli/serve.h"

#include <signal.h>
#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace meridian::cli {
namespace {

Status ParseListen(std::string_view text, api::ServiceOptions* out) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "listen",
                     "HOST:PORT, e.g. 127.0.0.1:8080");
  }
  std::string port(text.substr(colon + 1));
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "listen",
                     "the port is 0 to 65535");
  }
  out->listen_host = std::string(text.substr(0, colon));
  out->listen_port = static_cast<uint16_t>(p);
  return Status::Ok();
}

Result<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return MakeError(ErrorCode::kIO_ERROR, "operator-key-file",
                     "cannot read " + path);
  }
  std::string key;
  std::getline(in, key);
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  if (key.size() < 16) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "operator-key-file",
                     "an operator key is at least 16 characters");
  }
  return key;
}

template <typename T>
Status TomlInt(const toml::table& t, std::string_view key, T min, T max,
               T* out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  std::optional<int64_t> v = n->value<int64_t>();
  if (!v || *v < static_cast<int64_t>(min) || *v > static_cast<int64_t>(max)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(key),
                     "an integer from " + std::to_string(min) + " to " +
                         std::to_string(max));
  }
  *out = static_cast<T>(*v);
  return Status::Ok();
}

}  // namespace

Result<api::ServiceOptions> ResolveServeOptions(const ServeFlags& flags) {
  api::ServiceOptions o;
  bool sanctions_set = false;
  if (!flags.config_path.empty()) {
    toml::table t;
    // toml++ reports syntax errors by exception (its default build): they
    // stop here, at the boundary, as a Status.
    try {
      t = toml::parse_file(flags.config_path);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << flags.config_path << ":" << e.source().begin.line << ": "
          << e.description();
      return MakeError(ErrorCode::kINVALID_PARAMETER, "config", msg.str());
    }
    for (const auto& [k, v] : t) {
      static const char* kKnown[] = {
          "data_dir",           "listen",           "io_threads",
          "max_body_bytes",     "max_header_bytes", "max_connections",
          "request_timeout_ms", "idle_timeout_ms",  "snapshot_every_batches",
          "access_log",         "webhooks",         "sanctions_dir",
          "screening_threshold", "sandbox"};
      bool known = false;
      for (const char* name : kKnown) known |= k.str() == name;
      if (!known) {
        return MakeError(ErrorCode::kUNKNOWN_PARAMETER, std::string(k.str()),
                         "not a meridian.toml key; see README");
      }
    }
    if (auto v = t["data_dir"].value<std::string>()) o.data_dir = *v;
    if (auto v = t["listen"].value<std::string>()) {
      MERIDIAN_RETURN_IF_ERROR(ParseListen(*v, &o));
    }
    MERIDIAN_RETURN_IF_ERROR(TomlInt(t, "io_threads", 1, 64, &o.io_threads));
    MERIDIAN_RETURN_IF_ERROR(TomlInt<uint64_t>(t, "max_body_bytes", 1024,
                                               64 << 20, &o.max_body_bytes));
    MERIDIAN_RETURN_IF_ERROR(TomlInt<uint32_t>(t, "max_header_bytes", 1024,
                                               1 << 20, &o.max_header_bytes));
    MERIDIAN_RETURN_IF_ERROR(TomlInt<uint32_t>(t, "max_connections", 1,
                                               1'000'000, &o.max_connections));
    MERIDIAN_RETURN_IF_ERROR(TomlInt<uint32_t>(
        t, "request_timeout_ms", 100, 3'600'000, &o.request_timeout_ms));
    MERIDIAN_RETURN_IF_ERROR(TomlInt<uint32_t>(t, "idle_timeout_ms", 100,
                                               3'600'000, &o.idle_timeout_ms));
    MERIDIAN_RETURN_IF_ERROR(TomlInt<uint64_t>(
        t, "snapshot_every_batches", 0, 1ull << 40, &o.snapshot_every_batches));
    if (auto v = t["access_log"].value<bool>()) o.access_log = *v;
    if (auto v = t["sandbox"].value<bool>()) o.sandbox = *v;
    if (auto v = t["sanctions_dir"].value<std::string>()) {
      o.screening.lists_dir = *v == "none" ? "" : *v;
      sanctions_set = true;
    }
    if (const toml::node* n = t.get("screening_threshold")) {
      std::optional<double> v = n->value<double>();
      if (!v || *v < 0.5 || *v > 1.0) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, "screening_threshold",
                         "a score from 0.5 to 1.0 (hits at or above it hold "
                         "the money)");
      }
      o.screening.threshold = *v;
    }
    if (const toml::table* w = t["webhooks"].as_table()) {
      if (const toml::array* a = (*w)["retry_schedule_ms"].as_array()) {
        o.webhooks.retry_schedule_ms.clear();
        for (const toml::node& n : *a) {
          std::optional<int64_t> ms = n.value<int64_t>();
          if (!ms || *ms < 0) {
            return MakeError(ErrorCode::kINVALID_PARAMETER,
                             "webhooks.retry_schedule_ms",
                             "a list of waits in milliseconds, >= 0");
          }
          o.webhooks.retry_schedule_ms.push_back(*ms);
        }
        if (o.webhooks.retry_schedule_ms.empty() ||
            o.webhooks.retry_schedule_ms.size() > 32) {
          return MakeError(ErrorCode::kINVALID_PARAMETER,
                           "webhooks.retry_schedule_ms", "1 to 32 entries");
        }
      }
      MERIDIAN_RETURN_IF_ERROR(TomlInt<uint32_t>(*w, "timeout_ms", 100, 60'000,
                                                 &o.webhooks.timeout_ms));
    }
  }
  if (const char* key = std::getenv("MERIDIAN_OPERATOR_KEY");
      key != nullptr && *key != '\0') {
    o.operator_key = key;
  }
  if (flags.data_dir) o.data_dir = *flags.data_dir;
  if (flags.listen) MERIDIAN_RETURN_IF_ERROR(ParseListen(*flags.listen, &o));
  if (flags.io_threads) o.io_threads = *flags.io_threads;
  if (flags.operator_key_file) {
    MERIDIAN_ASSIGN_OR_RETURN(o.operator_key,
                              ReadKeyFile(*flags.operator_key_file));
  }
  if (flags.no_sync) o.sync = false;
  if (flags.access_log) o.access_log = true;
  if (flags.sandbox) o.sandbox = true;
  if (flags.sanctions_dir) {
    o.screening.lists_dir =
        *flags.sanctions_dir == "none" ? "" : *flags.sanctions_dir;
    sanctions_set = true;
  }
  // The real lists when the reference data sits beside the repository
  // (make run), the demo list otherwise; the server says which.
  if (!sanctions_set && std::filesystem::exists("../shared/data/sanctions")) {
    o.screening.lists_dir = "../shared/data/sanctions";
  }
  return o;
}

int RunServe(const ServeFlags& flags) {
  Result<api::ServiceOptions> options = ResolveServeOptions(flags);
  if (!options.ok()) {
    std::fprintf(stderr, "meridian serve: %s\n",
                 options.error().ToString().c_str());
    return 2;
  }
  // Signals are taken by sigwait below, so every thread started from here
  // inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Result<std::unique_ptr<api::ApiService>> service =
      api::ApiService::Start(*options);
  if (!service.ok()) {
    std::fprintf(stderr, "meridian serve: %s\n",
                 service.error().ToString().c_str());
    return 1;
  }
  if (const auto& key = (*service)->first_operator_key()) {
    std::printf(
        "operator key (shown once; Meridian keeps only its hash):\n  %s\n",
        key->c_str());
  }
  std::printf("meridian: listening on http://%s:%u (data in %s%s)\n",
              options->listen_host.c_str(), (*service)->port(),
              options->data_dir.c_str(),
              options->sync ? "" : ", NOT durable: --no-sync");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::printf("meridian: stopping (signal %d): draining and snapshotting\n",
              sig);
  std::fflush(stdout);
  (*service)->Stop();
  std::printf("meridian: stopped\n");
  return 0;
}

}  // namespace meridian::cli
