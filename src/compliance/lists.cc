#include "compliance/lists.h"

#include <chrono>
#include <filesystem>

#include "compliance/internal/text.h"

namespace meridian::compliance {
namespace {

struct Source {
  std::string_view name;
  std::string_view folder;
  std::string_view file;  // the main file, for the progress line
  bool takes_folder;      // OFAC's loaders take the folder
  Result<LoadedList> (*load)(const std::string&);
};

constexpr Source kSources[] = {
    {"OFAC-SDN", "ofac", "sdn.csv", true, &LoadOfacSdn},
    {"OFAC-CONS", "ofac_consolidated", "cons_prim.csv", true,
     &LoadOfacConsolidated},
    {"UN", "un", "consolidated.xml", false, &LoadUnXml},
    {"UK", "uk", "uk_sanctions_list.csv", false, &LoadUkCsv},
    {"US-CSL", "us_csl", "csl.csv", false, &LoadUsCsl},
};

}  // namespace

LoadReport LoadSanctionsDir(
    const std::string& dir,
    const std::function<void(std::string_view)>& progress) {
  using internal::WithThousands;
  LoadReport report;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    progress("no sanctions lists: " + dir + " is not a folder");
    return report;
  }
  for (const Source& source : kSources) {
    const std::string folder = dir + "/" + std::string(source.folder);
    const std::string file = folder + "/" + std::string(source.file);
    if (!std::filesystem::is_directory(folder, ec)) {
      progress("no " + std::string(source.name) + " list: " + folder +
               " is absent");
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    Result<LoadedList> list = source.load(source.takes_folder ? folder : file);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (!list.ok()) {
      progress("refused " + std::string(source.name) + " from " + file + ": " +
               list.error().ToString());
      report.refused.emplace_back(std::string(source.name), list.error());
      continue;
    }
    const ListInfo& info = list->info;
    std::string line = "loading " + info.name + " from " + file + " … " +
                       WithThousands(info.entries) + " entries, " +
                       WithThousands(info.aliases) + " aliases";
    if (info.weak_aliases > 0) {
      line += " (+" + WithThousands(info.weak_aliases) + " weak)";
    }
    if (!info.date.empty()) line += ", dated " + info.date;
    line += " in " + std::to_string(ms) + " ms";
    progress(line);
    for (const std::string& warning : list->warnings) {
      progress("  " + info.name + ": " + warning);
    }
    report.lists.push_back(std::move(*list));
  }
  return report;
}

}  // namespace meridian::compliance
