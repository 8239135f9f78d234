#include "cli/screen_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "api/json/json_writer.h"
#include "compliance/lists.h"
#include "compliance/screening_index.h"

namespace meridian::cli {
namespace {

using compliance::BinaryMetrics;
using compliance::EvalReport;
using compliance::Hit;
using compliance::ListEntry;
using compliance::ScreeningIndex;

std::string Fixed(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void MetricsJson(json::JsonWriter& w, const BinaryMetrics& m) {
  w.Key("threshold").RawValue(Fixed(m.threshold, 2));
  w.Key("recall").RawValue(Fixed(m.recall));
  w.Key("false_positive_rate").RawValue(Fixed(m.false_positive_rate));
  w.Key("accuracy").RawValue(Fixed(m.accuracy));
  w.Key("positives").Uint(m.positives);
  w.Key("negatives").Uint(m.negatives);
  w.Key("true_positives").Uint(m.true_positives);
  w.Key("false_positives").Uint(m.false_positives);
}

void PrintMetrics(const char* label, const BinaryMetrics& m) {
  std::printf(
      "  %-10s threshold %.2f  recall %.3f  false_positive_rate %.3f  "
      "accuracy %.3f  (TP %zu FN %zu FP %zu TN %zu)\n",
      label, m.threshold, m.recall, m.false_positive_rate, m.accuracy,
      m.true_positives, m.false_negatives, m.false_positives, m.true_negatives);
}

// The index for the list-based sets and for screening, or the error.
Result<std::shared_ptr<const ScreeningIndex>> BuildIndex(
    const std::string& lists_dir, bool quiet) {
  MERIDIAN_ASSIGN_OR_RETURN(std::vector<ListEntry> entries,
                            LoadEntriesForScreening(lists_dir));
  auto start = std::chrono::steady_clock::now();
  auto index = std::make_shared<const ScreeningIndex>(
      ScreeningIndex::Build(std::move(entries)));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!quiet) {
    std::fprintf(stderr,
                 "indexed %zu entries, %zu names (+%zu weak aliases), %zu "
                 "vocabulary units in %.2f s\n",
                 index->entry_count(), index->name_count(),
                 index->weak_alias_count(), index->vocabulary_size(), seconds);
  }
  return std::shared_ptr<const ScreeningIndex>(index);
}

int RunEval(const ScreenOptions& o) {
  Result<std::shared_ptr<const ScreeningIndex>> index =
      BuildIndex(o.lists_dir, o.json);
  std::string lists_note;
  if (!index.ok()) {
    lists_note = index.error().message;
    std::fprintf(stderr,
                 "lists from %s not loaded (%s): un_positives and "
                 "negatives_us skipped\n",
                 o.lists_dir.c_str(), lists_note.c_str());
  }
  Result<EvalReport> report = compliance::EvaluateAll(
      o.eval_dir, index.ok() ? index->get() : nullptr, o.threshold);
  if (!report.ok()) {
    std::fprintf(stderr, "meridian screen --eval: %s\n",
                 report.error().ToString().c_str());
    return 1;
  }
  if (o.json) {
    std::printf("%s\n", EvalReportJson(*report).c_str());
    return 0;
  }
  const auto& np = report->name_pairs;
  std::printf("name_pairs (%s/name_pairs.csv):\n", o.eval_dir.c_str());
  if (!np.present) {
    std::printf("  absent\n");
  } else {
    PrintMetrics("at", np.at_threshold);
    PrintMetrics("best", np.best);
    std::printf("  sweep:\n");
    for (const BinaryMetrics& m : np.sweep) {
      std::printf(
          "    %.2f  recall %.3f  false_positive_rate %.3f  accuracy %.3f\n",
          m.threshold, m.recall, m.false_positive_rate, m.accuracy);
    }
    if (o.verbose) {
      std::printf("  misjudged at %.2f:\n", o.threshold);
      for (const auto& p : np.pairs) {
        bool predicted = p.score >= o.threshold - 1e-9;
        if (predicted == p.is_match) continue;
        std::printf("    %s %.3f  %s | %s\n", p.is_match ? "FN" : "FP", p.score,
                    p.name1.c_str(), p.name2.c_str());
      }
    }
  }
  const auto& cs = report->cross_script_pairs;
  std::printf("cross_script_pairs:\n");
  if (!cs.present) {
    std::printf("  absent\n");
  } else {
    std::printf("  recall (score >= the file's minimum) %.3f (%zu of %zu)\n",
                cs.hit_rate, cs.hits, cs.total);
    for (const auto& c : cs.cases) {
      if (c.hit && !o.verbose) continue;
      std::printf("    %s %.3f (min %.2f)  %s | %s\n", c.hit ? "ok  " : "MISS",
                  c.score, c.min_score, c.query.c_str(), c.expected.c_str());
    }
  }
  auto print_list_set = [&](const char* name,
                            const compliance::ListQueryReport& r,
                            bool positives) {
    std::printf("%s:\n", name);
    if (!r.present) {
      std::printf("  absent%s%s\n", lists_note.empty() ? "" : ": ",
                  lists_note.c_str());
      return;
    }
    if (positives) {
      std::printf("  recall %.3f (%zu of %zu best hit on the UN list)\n",
                  r.rate, r.ok, r.total);
    } else {
      std::printf(
          "  clean %.3f, false_positive_rate %.3f (%zu of %zu hit "
          "nothing)\n",
          r.rate, 1.0 - r.rate, r.ok, r.total);
    }
    if (o.verbose) {
      for (const auto& c : r.cases) {
        if (c.ok) continue;
        std::printf("    %s -> %s %s %.3f\n", c.name.c_str(),
                    c.best_list.c_str(), c.best_name.c_str(), c.best_score);
      }
    }
  };
  print_list_set("un_positives", report->un_positives, true);
  print_list_set("negatives_us", report->negatives_us, false);
  return 0;
}

}  // namespace

Result<std::vector<ListEntry>> LoadEntriesForScreening(
    const std::string& lists_dir) {
  compliance::LoadReport report =
      compliance::LoadSanctionsDir(lists_dir, [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()),
                     line.data());
      });
  for (const auto& [name, error] : report.refused) {
    std::fprintf(stderr, "refused %s: %s\n", name.c_str(),
                 error.ToString().c_str());
  }
  if (report.lists.empty()) {
    return MakeError(ErrorCode::kIO_ERROR, "lists",
                     "no sanctions list loaded from " + lists_dir +
                         "; give the folder with --lists");
  }
  std::vector<ListEntry> entries;
  for (compliance::LoadedList& l : report.lists) {
    for (ListEntry& e : l.entries) entries.push_back(std::move(e));
  }
  return entries;
}

std::string EvalReportJson(const EvalReport& report) {
  std::string out;
  json::JsonWriter w(&out);
  w.BeginObject();
  w.Key("threshold").RawValue(Fixed(report.threshold, 2));

  const auto& np = report.name_pairs;
  w.Key("name_pairs").BeginObject();
  w.Key("present").Bool(np.present);
  if (np.present) {
    MetricsJson(w, np.at_threshold);
    w.Key("best").BeginObject();
    MetricsJson(w, np.best);
    w.EndObject();
    w.Key("sweep").BeginArray();
    for (const BinaryMetrics& m : np.sweep) {
      w.BeginObject();
      w.Key("threshold").RawValue(Fixed(m.threshold, 2));
      w.Key("recall").RawValue(Fixed(m.recall));
      w.Key("false_positive_rate").RawValue(Fixed(m.false_positive_rate));
      w.Key("accuracy").RawValue(Fixed(m.accuracy));
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();

  const auto& un = report.un_positives;
  w.Key("un_positives").BeginObject();
  w.Key("present").Bool(un.present);
  if (un.present) {
    w.Key("queries").Uint(un.total);
    w.Key("recall").RawValue(Fixed(un.rate));
  }
  w.EndObject();

  const auto& neg = report.negatives_us;
  w.Key("negatives_us").BeginObject();
  w.Key("present").Bool(neg.present);
  if (neg.present) {
    w.Key("queries").Uint(neg.total);
    w.Key("false_positive_rate").RawValue(Fixed(1.0 - neg.rate));
    w.Key("accuracy").RawValue(Fixed(neg.rate));
  }
  w.EndObject();

  const auto& cs = report.cross_script_pairs;
  w.Key("cross_script_pairs").BeginObject();
  w.Key("present").Bool(cs.present);
  if (cs.present) {
    w.Key("pairs").Uint(cs.total);
    w.Key("recall").RawValue(Fixed(cs.hit_rate));
  }
  w.EndObject();

  w.EndObject();
  return out;
}

int RunScreen(const ScreenOptions& o) {
  if (!o.eval_dir.empty()) return RunEval(o);
  if (o.name.empty()) {
    std::fprintf(stderr, "meridian screen: give a NAME or --eval DIR\n");
    return 2;
  }
  Result<std::shared_ptr<const ScreeningIndex>> index =
      BuildIndex(o.lists_dir, o.json);
  if (!index.ok()) {
    std::fprintf(stderr, "meridian screen: %s\n",
                 index.error().ToString().c_str());
    return 1;
  }
  compliance::ScreenQuery q;
  q.name = o.name;
  if (!o.country.empty()) q.country = o.country;
  if (!o.date_of_birth.empty()) q.date_of_birth = o.date_of_birth;
  auto start = std::chrono::steady_clock::now();
  std::vector<Hit> hits = (*index)->Screen(q, o.threshold, o.max_hits);
  double micros = std::chrono::duration<double, std::micro>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  if (o.json) {
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    w.Key("name").String(o.name);
    w.Key("threshold").RawValue(Fixed(o.threshold, 2));
    w.Key("hits").BeginArray();
    for (const Hit& h : hits) {
      w.BeginObject();
      w.Key("list").String(h.list);
      w.Key("entryId").String(h.source_id);
      w.Key("listedName").String(h.listed_name);
      w.Key("matchedAlias").String(h.matched_alias);
      w.Key("matchedAliasWeak").Bool(h.weak_alias);
      w.Key("score").RawValue(Fixed(h.score));
      w.Key("programs").String(h.programs);
      w.Key("reasons").BeginArray();
      for (const std::string& r : h.reasons) w.String(r);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", out.c_str());
    return 0;
  }
  std::printf("%zu hit%s for \"%s\" at threshold %.2f (%.0f us)\n", hits.size(),
              hits.size() == 1 ? "" : "s", o.name.c_str(), o.threshold, micros);
  for (const Hit& h : hits) {
    std::printf("  %.3f  %-9s %-12s %s", h.score, h.list.c_str(),
                h.source_id.c_str(), h.listed_name.c_str());
    if (h.matched_alias != h.listed_name) {
      std::printf("  (as %s\"%s\")", h.weak_alias ? "weak alias " : "",
                  h.matched_alias.c_str());
    }
    std::printf("\n");
    if (!h.programs.empty()) {
      std::printf("         programs: %s\n", h.programs.c_str());
    }
    std::string reasons;
    for (const std::string& r : h.reasons) {
      if (!reasons.empty()) reasons += ", ";
      reasons += r;
    }
    std::printf("         %s\n", reasons.c_str());
  }
  return 0;
}

}  // namespace meridian::cli
