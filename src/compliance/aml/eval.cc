#include "compliance/aml/eval.h"

#include <algorithm>

namespace meridian::compliance::aml {
namespace {

// Sorted, unique.
void Normalise(std::vector<u128>* ids) {
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
}

}  // namespace

int64_t EvalReport::recall_bp() const {
  return laundering_accounts == 0
             ? 0
             : alerted_laundering * 10'000 / laundering_accounts;
}

int64_t EvalReport::alerts_per_1000_centi() const {
  return accounts == 0 ? 0 : alerts * 100'000 / accounts;
}

MonitorConfig AmlsimConfig() {
  MonitorConfig c;
  // AMLSim moves laundering money as bursts of 2 to 6 transfers between one
  // pair in one step; no background pair ever pays twice in a step, so two
  // already mark a split here (on real flows two same-day payments are
  // ordinary: the default is three).
  c.split.min_transfers = 2;
  // Its fan-in typology sends one member's burst every 37 steps, and its
  // cycles' hops land anywhere in the 149 steps: a network needs a window of
  // several periods to be seen whole. 120 steps (days) found as much as 150
  // (1150 labelled accounts both), 60 found the same accounts with 22 more
  // alerts.
  c.split_network.window_ns = 120 * kNsPerDay;
  // Every network of two or more: 1150 laundering accounts at 374 alerts;
  // from three, 950 at 222 (measured with the other rules on).
  c.split_network.min_accounts = 2;
  // Cycles: AMLSim's hops are not in time order around the loop (a member
  // pays on before it is paid), so the search may not demand it; exact
  // amounts (every hop carries the same per-transfer amount); a tolerance
  // of 100 bp added 4 loops and 3 accounts that are not laundering.
  c.path.time_ordered = false;
  c.path.window_ns = 120 * kNsPerDay;
  c.path.amount_tolerance_bp = 0;
  // Layering finds the open chains of the same cycles, but each of those is
  // a split network already: 72 more alerts for 12 more accounts. Off here.
  c.layering.enabled = false;
  // Fan-in/out: the counting modes alert AMLSim's high-degree hubs (162
  // alerts, 15 % of the accounts they name laundering); the split modes
  // name nothing the split network does not. Off here.
  c.fan_in.enabled = false;
  c.fan_out.enabled = false;
  // Structuring (no amounts near a 10,000.00 threshold: AMLSim's are 2.51 to
  // 599.91), rapid in-and-out (no receipts of 10,000.00) and corridor change
  // (no countries) stay at their defaults and never fire on this sample.
  return c;
}

Result<EvalReport> EvaluateAmlsim(const AmlsimSample& sample,
                                  const MonitorConfig& config,
                                  std::vector<Alert>* alerts_out) {
  MERIDIAN_RETURN_IF_ERROR(config.Validate());
  EvalReport r;
  r.sample = sample.name;
  r.config = DescribeConfig(config);
  r.accounts = static_cast<int64_t>(sample.accounts.size());

  // Labels, looked up by binary search; the monitor never sees them.
  std::vector<std::pair<u128, bool>> labels;
  labels.reserve(sample.accounts.size());
  for (const AmlsimAccount& a : sample.accounts) {
    labels.emplace_back(a.id, a.laundering);
    if (a.laundering) ++r.laundering_accounts;
  }
  std::sort(labels.begin(), labels.end());
  auto laundering = [&](u128 id) {
    auto it = std::lower_bound(labels.begin(), labels.end(),
                               std::pair<u128, bool>(id, false));
    return it != labels.end() && it->first == id && it->second;
  };

  // Time order, file order within a step (a stable sort: AMLSim writes
  // steps in order already, so this only guards other files).
  std::vector<uint32_t> order(sample.transactions.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return sample.transactions[a].step < sample.transactions[b].step;
  });

  Monitor monitor(config);
  std::vector<Alert> alerts;
  for (uint32_t i : order) {
    monitor.Observe(ToFlow(sample.transactions[i]), &alerts);
  }
  r.flows = static_cast<int64_t>(sample.transactions.size());
  r.stats = monitor.stats();

  std::vector<u128> all, subjects, without_updates;
  std::array<std::vector<u128>, kRuleCount> by_rule;
  for (const Alert& a : alerts) {
    const size_t k = static_cast<size_t>(a.rule);
    if (a.update) {
      ++r.updates;
      ++r.rules[k].updates;
    } else {
      ++r.alerts;
      ++r.rules[k].alerts;
      if (laundering(a.account)) ++r.rules[k].subjects;
      subjects.push_back(a.account);
    }
    by_rule[k].push_back(a.account);
    for (u128 id : a.related) by_rule[k].push_back(id);
    if (!a.update) {
      without_updates.push_back(a.account);
      without_updates.insert(without_updates.end(), a.related.begin(),
                             a.related.end());
    }
  }
  Normalise(&without_updates);
  for (u128 id : without_updates) {
    if (laundering(id)) ++r.alerted_laundering_without_updates;
  }
  for (size_t k = 0; k < kRuleCount; ++k) {
    Normalise(&by_rule[k]);
    all.insert(all.end(), by_rule[k].begin(), by_rule[k].end());
    r.rules[k].accounts = static_cast<int64_t>(by_rule[k].size());
    for (u128 id : by_rule[k]) {
      if (laundering(id)) ++r.rules[k].laundering;
    }
  }
  Normalise(&all);
  Normalise(&subjects);
  r.alerted_accounts = static_cast<int64_t>(all.size());
  r.subject_accounts = static_cast<int64_t>(subjects.size());
  for (u128 id : all) {
    if (!laundering(id)) continue;
    ++r.alerted_laundering;
    size_t named_by = 0, last = 0;
    for (size_t k = 0; k < kRuleCount; ++k) {
      if (std::binary_search(by_rule[k].begin(), by_rule[k].end(), id)) {
        ++named_by;
        last = k;
      }
    }
    if (named_by == 1) ++r.rules[last].only_here;
  }
  for (u128 id : subjects) {
    if (laundering(id)) ++r.subject_laundering;
  }
  if (alerts_out != nullptr) {
    alerts_out->insert(alerts_out->end(), alerts.begin(), alerts.end());
  }
  return r;
}

std::string FormatRatio(int64_t num, int64_t den, int decimals) {
  if (den == 0) return "0";
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const bool negative = (num < 0) != (den < 0) && num != 0;
  i128 n = num < 0 ? -static_cast<i128>(num) : num;
  i128 d = den < 0 ? -static_cast<i128>(den) : den;
  i128 scaled = (n * scale * 2 + d) / (2 * d);  // half up
  std::string whole = I128ToString(scaled / scale);
  std::string s = negative ? "-" + whole : whole;
  if (decimals > 0) {
    std::string frac = I128ToString(scaled % scale);
    s += "." + std::string(decimals - frac.size(), '0') + frac;
  }
  return s;
}

std::string FormatEvalText(const EvalReport& r) {
  std::string s;
  s += "AMLSim sample " + r.sample + ": " + std::to_string(r.accounts) +
       " accounts, " + std::to_string(r.laundering_accounts) +
       " labelled laundering, " + std::to_string(r.flows) + " flows\n";
  s += "recall " + FormatRatio(r.alerted_laundering, r.laundering_accounts, 4) +
       ": " + std::to_string(r.alerted_laundering) + " of " +
       std::to_string(r.laundering_accounts) +
       " laundering accounts named by an alert (" +
       FormatRatio(r.alerted_laundering_without_updates, r.laundering_accounts,
                   4) +
       " without updates)\n";
  s += "alerts " + std::to_string(r.alerts) + ", " +
       FormatRatio(r.alerts * 1000, r.accounts, 2) +
       " per 1,000 accounts (and " + std::to_string(r.updates) +
       " updates adding accounts to open alerts); " +
       std::to_string(r.alerted_accounts) + " accounts named, precision " +
       FormatRatio(r.alerted_laundering, r.alerted_accounts, 4) + "\n";
  s += "subjects " + std::to_string(r.subject_accounts) + ", " +
       std::to_string(r.subject_laundering) +
       " laundering (subject-only recall " +
       FormatRatio(r.subject_laundering, r.laundering_accounts, 4) + ")\n";
  s += "rule             alerts updates  named  laundering  precision  "
       "subject_prec  only_here\n";
  for (size_t k = 0; k < kRuleCount; ++k) {
    const RuleFigures& f = r.rules[k];
    std::string name(RuleName(static_cast<Rule>(k)));
    auto pad = [](std::string v, size_t w) {
      return v.size() >= w ? v : std::string(w - v.size(), ' ') + v;
    };
    s += name + std::string(16 - std::min<size_t>(16, name.size()), ' ') +
         pad(std::to_string(f.alerts), 7) + pad(std::to_string(f.updates), 8) +
         pad(std::to_string(f.accounts), 7) +
         pad(std::to_string(f.laundering), 12) +
         pad(FormatRatio(f.laundering, f.accounts, 4), 11) +
         pad(FormatRatio(f.subjects, f.alerts, 4), 14) +
         pad(std::to_string(f.only_here), 11) + "\n";
  }
  s += "monitor: " + std::to_string(r.stats.accounts) + " accounts held, " +
       std::to_string(r.stats.evicted) + " evicted, " +
       std::to_string(r.stats.ignored) + " flows ignored, " +
       std::to_string(r.stats.searches_cut) + " searches cut\n";
  return s;
}

}  // namespace meridian::compliance::aml
