// The gateway's sanctions screening: the lists loaded at start, reloaded
// by the operator while the old index keeps serving, and one call the
// routes use to screen the parties of a payment.
//
// Screening happens in the gateway, never in the engine (DESIGN.md: the
// engine reads no disk or network; the lists are files): the engine only
// sees its outcome — the payment as usual, or held with a case that names
// the hits.
//
//   MERIDIAN_ASSIGN_OR_RETURN(auto s, Screening::Start(options, log));
//   std::vector<compliance::Hit> hits = s->Screen({.name = "Viktor Bout"});
#ifndef MERIDIAN_API_SCREENING_H_
#define MERIDIAN_API_SCREENING_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compliance/list_entry.h"
#include "compliance/screening_index.h"
#include "core/status.h"

namespace meridian::api {

struct ScreeningOptions {
  // A folder laid out like ../shared/data/sanctions; "" uses the small
  // built-in demo list (compliance/demo_list.h).
  std::string lists_dir;
  // Hits at or above this hold the money (spec/compliance_risk.md).
  double threshold = compliance::kDefaultThreshold;
};

struct LoadedListInfo {
  compliance::ListInfo info;
  std::string refused;  // why the list was refused at the last load, or ""
};

class Screening {
 public:
  // Loads the lists (progress lines to `log`) and builds the first index.
  // A list that fails is refused and named; the others serve.
  static Result<std::unique_ptr<Screening>> Start(
      ScreeningOptions options, std::function<void(std::string_view)> log);

  std::vector<compliance::Hit> Screen(
      const compliance::ScreenQuery& query) const {
    return screener_.Screen(query);
  }
  // Reloads from the same folder; screens go on against the old index until
  // the new one is ready. Not concurrent with itself (serialised).
  Status Reload();

  double threshold() const { return options_.threshold; }
  const std::string& source() const { return source_; }  // for logs
  std::vector<LoadedListInfo> lists() const;
  uint64_t generation() const { return screener_.generation(); }
  size_t entries() const;

 private:
  explicit Screening(ScreeningOptions options,
                     std::function<void(std::string_view)> log);

  ScreeningOptions options_;
  std::function<void(std::string_view)> log_;
  std::string source_;
  compliance::Screener screener_;
  std::mutex reload_mu_;  // one reload at a time
  mutable std::mutex lists_mu_;
  std::vector<LoadedListInfo> lists_;  // GUARDED_BY(lists_mu_)
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_SCREENING_H_
