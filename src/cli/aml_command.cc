#include "cli/aml_command.h"

#include <cstdio>
#include <fstream>

#include "api/json/json_writer.h"

namespace meridian::cli {
namespace {

using compliance::aml::FormatRatio;

int Fail(const std::string& message) {
  std::fprintf(stderr, "meridian aml eval: %s\n", message.c_str());
  return 1;
}

}  // namespace

std::string AmlEvalJson(const compliance::aml::EvalReport& r) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  w.Key("sample").String(r.sample);
  w.Key("accounts").Int(r.accounts);
  w.Key("laundering_accounts").Int(r.laundering_accounts);
  w.Key("flows").Int(r.flows);
  w.Key("alerts").Int(r.alerts);
  w.Key("updates").Int(r.updates);
  w.Key("alerts_per_1000_accounts")
      .RawValue(FormatRatio(r.alerts * 1000, r.accounts, 2));
  w.Key("alerted_accounts").Int(r.alerted_accounts);
  w.Key("alerted_laundering_accounts").Int(r.alerted_laundering);
  w.Key("recall").RawValue(
      FormatRatio(r.alerted_laundering, r.laundering_accounts, 4));
  w.Key("recall_without_updates")
      .RawValue(FormatRatio(r.alerted_laundering_without_updates,
                            r.laundering_accounts, 4));
  w.Key("precision")
      .RawValue(FormatRatio(r.alerted_laundering, r.alerted_accounts, 4));
  w.Key("subject_accounts").Int(r.subject_accounts);
  w.Key("subject_laundering_accounts").Int(r.subject_laundering);
  w.Key("subject_recall")
      .RawValue(FormatRatio(r.subject_laundering, r.laundering_accounts, 4));
  w.Key("rules").BeginObject();
  for (size_t k = 0; k < compliance::aml::kRuleCount; ++k) {
    const compliance::aml::RuleFigures& f = r.rules[k];
    w.Key(compliance::aml::RuleName(static_cast<compliance::aml::Rule>(k)))
        .BeginObject();
    w.Key("alerts").Int(f.alerts);
    w.Key("updates").Int(f.updates);
    w.Key("alerted_accounts").Int(f.accounts);
    w.Key("laundering_accounts").Int(f.laundering);
    w.Key("precision").RawValue(FormatRatio(f.laundering, f.accounts, 4));
    w.Key("subject_precision").RawValue(FormatRatio(f.subjects, f.alerts, 4));
    w.Key("only_this_rule").Int(f.only_here);
    w.EndObject();
  }
  w.EndObject();
  w.Key("monitor").BeginObject();
  w.Key("accounts_held").Int(static_cast<int64_t>(r.stats.accounts));
  w.Key("evicted").Int(static_cast<int64_t>(r.stats.evicted));
  w.Key("ignored_flows").Int(static_cast<int64_t>(r.stats.ignored));
  w.Key("searches_cut").Int(static_cast<int64_t>(r.stats.searches_cut));
  w.EndObject();
  w.Key("config").BeginArray();
  for (const std::string& c : r.config) w.String(c);
  w.EndArray();
  w.EndObject();
  return body;
}

int RunAmlEval(const AmlEvalOptions& options) {
  compliance::aml::MonitorConfig config = options.defaults
                                              ? compliance::aml::MonitorConfig()
                                              : compliance::aml::AmlsimConfig();
  for (const std::string& s : options.set) {
    size_t eq = s.find('=');
    if (eq == std::string::npos) {
      return Fail("--set takes NAME=VALUE, not \"" + s + "\"");
    }
    Status st = compliance::aml::SetConfigField(&config, s.substr(0, eq),
                                                s.substr(eq + 1));
    if (!st.ok()) return Fail(st.error().message);
  }
  if (Status st = config.Validate(); !st.ok()) {
    return Fail(st.error().message);
  }
  if (options.show_config) {
    for (const std::string& line : compliance::aml::DescribeConfig(config)) {
      std::printf("%s\n", line.c_str());
    }
    return 0;
  }
  Result<compliance::aml::AmlsimSample> sample =
      compliance::aml::ReadAmlsimSample(options.dir, options.sample);
  if (!sample.ok()) return Fail(sample.error().message);
  std::vector<compliance::aml::Alert> alerts;
  Result<compliance::aml::EvalReport> report =
      compliance::aml::EvaluateAmlsim(*sample, config, &alerts);
  if (!report.ok()) return Fail(report.error().message);
  if (!options.alerts_file.empty()) {
    std::ofstream out(options.alerts_file, std::ios::binary);
    for (const compliance::aml::Alert& a : alerts) {
      out << compliance::aml::FormatAlert(a) << '\n';
    }
    if (!out.good()) return Fail("cannot write " + options.alerts_file);
  }
  if (options.json) {
    std::printf("%s\n", AmlEvalJson(*report).c_str());
  } else {
    std::fputs(compliance::aml::FormatEvalText(*report).c_str(), stdout);
  }
  return 0;
}

}  // namespace meridian::cli
