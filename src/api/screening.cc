#include "api/screening.h"

#include <cstring>

#include "compliance/demo_list.h"
#include "compliance/lists.h"

namespace meridian::api {

Screening::Screening(ScreeningOptions options,
                     std::function<void(std::string_view)> log)
    : options_(std::move(options)),
      log_(std::move(log)),
      screener_(options_.threshold) {}

Result<std::unique_ptr<Screening>> Screening::Start(
    ScreeningOptions options, std::function<void(std::string_view)> log) {
  std::unique_ptr<Screening> s(
      new Screening(std::move(options), std::move(log)));
  MERIDIAN_RETURN_IF_ERROR(s->Reload());
  return s;
}

Status Screening::Reload() {
  std::lock_guard<std::mutex> one(reload_mu_);
  std::vector<compliance::ListEntry> entries;
  std::vector<LoadedListInfo> infos;
  if (options_.lists_dir.empty()) {
    entries = compliance::DemoListEntries();
    compliance::ListInfo info;
    info.name = "DEMO";
    info.path = "(built in)";
    info.entries = entries.size();
    for (const auto& e : entries) info.aliases += e.aliases.size();
    infos.push_back({info, ""});
    source_ = "the built-in demo list";
    log_(
        "sanctions: no lists folder configured; screening against the "
        "built-in demo list (" +
        std::to_string(entries.size()) +
        " entries). Point sanctions_dir at ../shared/data/sanctions for the "
        "real lists.");
  } else {
    source_ = options_.lists_dir;
    compliance::LoadReport report =
        compliance::LoadSanctionsDir(options_.lists_dir, log_);
    for (auto& [name, error] : report.refused) {
      compliance::ListInfo info;
      info.name = name;
      infos.push_back({info, error.ToString()});
      log_("sanctions: refused " + name + ": " + error.ToString());
    }
    for (compliance::LoadedList& l : report.lists) {
      infos.push_back({l.info, ""});
      for (compliance::ListEntry& e : l.entries)
        entries.push_back(std::move(e));
    }
    if (report.lists.empty()) {
      // Keep what serves now (if anything) rather than screen against
      // nothing.
      return MakeError(ErrorCode::kIO_ERROR, "sanctions_dir",
                       "no sanctions list loaded from " + options_.lists_dir +
                           "; fix the files or the path");
    }
  }
  const size_t n = entries.size();
  screener_.Reload(std::move(entries));
  {
    std::lock_guard<std::mutex> l(lists_mu_);
    lists_ = std::move(infos);
  }
  log_("sanctions: screening index ready: " + std::to_string(n) +
       " entries from " + source_);
  return Status::Ok();
}

std::vector<LoadedListInfo> Screening::lists() const {
  std::lock_guard<std::mutex> l(lists_mu_);
  return lists_;
}

size_t Screening::entries() const {
  std::shared_ptr<const compliance::ScreeningIndex> index = screener_.index();
  return index ? index->entry_count() : 0;
}

std::vector<compliance::Hit> Screening::Screen(
    const compliance::ScreenQuery& query) const {
  // The key: every field of the query, length-prefixed so that fields
  // cannot run into each other.
  Sha256Hasher h;
  auto field = [&h](std::string_view v) {
    const uint32_t n = static_cast<uint32_t>(v.size());
    h.Update(std::string_view(reinterpret_cast<const char*>(&n), sizeof n));
    h.Update(v);
  };
  field(query.name);
  field(query.country.value_or("\x01"));
  field(query.date_of_birth.value_or("\x01"));
  field(query.type ? std::string(1, static_cast<char>(*query.type)) : "\x01");
  for (const compliance::Identifier& id : query.identifiers) {
    field(id.type);
    field(id.number);
    field(id.country);
  }
  const Sha256Digest d = h.Finish();
  u128 key = 0;
  std::memcpy(&key, d.data(), sizeof key);
  const uint64_t generation = screener_.generation();
  CacheShard& shard = cache_[static_cast<size_t>(key) % kCacheShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.answers.find(key);
    if (it != shard.answers.end() && it->second.generation == generation) {
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second.hits;
    }
  }
  cache_misses_.fetch_add(1, std::memory_order_relaxed);
  std::vector<compliance::Hit> hits = screener_.Screen(query);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.answers.size() >= kCacheEntries / kCacheShards &&
      !shard.answers.contains(key)) {
    shard.answers.erase(shard.answers.begin());
  }
  shard.answers.insert_or_assign(key, CachedAnswer{generation, hits});
  return hits;
}

}  // namespace meridian::api
