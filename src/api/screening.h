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

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "compliance/list_entry.h"
#include "compliance/screening_index.h"
#include "core/hash.h"
#include "core/int128.h"
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

  // Hits at or above the threshold... as Screener::Screen; answers for a
  // query seen since the lists last changed come from a bounded cache
  // (payers pay again and again: a tourist's name is screened once per
  // list generation, not once per coffee).
  std::vector<compliance::Hit> Screen(
      const compliance::ScreenQuery& query) const;

  uint64_t cache_hits() const { return cache_hits_.load(); }
  uint64_t cache_misses() const { return cache_misses_.load(); }
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

  // The cache: 64 shards of at most kCacheEntries / 64 answers each, keyed
  // by a hash of the whole query and valid for one list generation. A full
  // shard drops an arbitrary entry (no recency list: a lookup is one hash
  // probe under the shard's lock).
  static constexpr size_t kCacheShards = 64;
  static constexpr size_t kCacheEntries = 1 << 20;
  struct CachedAnswer {
    uint64_t generation = 0;
    std::vector<compliance::Hit> hits;
  };
  struct CacheShard {
    std::mutex mu;
    std::unordered_map<u128, CachedAnswer, U128Hash> answers;  // GUARDED_BY(mu)
  };
  mutable std::array<CacheShard, kCacheShards> cache_;
  mutable std::atomic<uint64_t> cache_hits_{0};
  mutable std::atomic<uint64_t> cache_misses_{0};
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_SCREENING_H_
