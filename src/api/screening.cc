#include "api/screening.h"

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

}  // namespace meridian::api
