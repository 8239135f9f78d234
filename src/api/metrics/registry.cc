#include "api/metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "core/assert.h"

namespace meridian::metrics {
namespace {

Error Invalid(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsValidName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameBytes &&
         IsNameStart(name[0]) &&
         std::all_of(name.begin(), name.end(), IsNameChar);
}

// Cuts at most kMaxLabelValueBytes, never inside a UTF-8 sequence.
std::string_view CutLabelValue(std::string_view value) {
  if (value.size() <= kMaxLabelValueBytes) return value;
  size_t end = kMaxLabelValueBytes;
  while (end > 0 && (static_cast<uint8_t>(value[end]) & 0xC0) == 0x80) --end;
  return value.substr(0, end);
}

// `{a="x",b="y"` without the closing brace, so a histogram can add `le`;
// empty when there are no labels.
void AppendLabels(const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string* out) {
  for (size_t i = 0; i < names.size(); ++i) {
    out->append(i == 0 ? "{" : ",");
    out->append(names[i]);
    out->append("=\"");
    out->append(EscapeLabelValue(values[i]));
    out->append("\"");
  }
}

void AppendSample(const std::string& name, std::string_view suffix,
                  const std::string& labels, std::string_view extra_label,
                  std::string_view value, std::string* out) {
  out->append(name);
  out->append(suffix);
  if (!labels.empty() || !extra_label.empty()) {
    out->append(labels.empty() ? "{" : labels);
    if (!labels.empty() && !extra_label.empty()) out->append(",");
    out->append(extra_label);
    out->append("}");
  }
  out->append(" ");
  out->append(value);
  out->append("\n");
}

std::string FormatU64(uint64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string_view TypeName(int type) {
  static constexpr std::string_view kNames[] = {"counter", "gauge",
                                                "histogram"};
  return kNames[type];
}

// The samples of one child, by type.
void RenderChild(const std::string& name, const std::string& labels,
                 const Counter& c, std::string* out) {
  AppendSample(name, "", labels, "", FormatU64(c.value()), out);
}
void RenderChild(const std::string& name, const std::string& labels,
                 const Gauge& g, std::string* out) {
  AppendSample(name, "", labels, "", FormatDouble(g.value()), out);
}
void RenderChild(const std::string& name, const std::string& labels,
                 const Histogram& h, std::string* out) {
  Histogram::Snapshot s = h.snapshot();
  std::span<const double> bounds = h.bounds();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    std::string le = "le=\"";
    le += i < bounds.size() ? FormatDouble(bounds[i]) : "+Inf";
    le += "\"";
    AppendSample(name, "_bucket", labels, le, FormatU64(s.cumulative[i]), out);
  }
  AppendSample(name, "_sum", labels, "", FormatDouble(s.sum), out);
  AppendSample(name, "_count", labels, "", FormatU64(s.cumulative.back()), out);
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Shortest round-trip digits either way; fixed notation where it reads
  // well (0.0005, 1073741824), an exponent beyond (1e-05, 1e+21).
  char buffer[64];
  std::to_chars_result scientific = std::to_chars(
      buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(scientific.ptr - buffer));
  std::string_view exponent = text.substr(text.find('e') + 1);
  if (exponent.front() == '+') exponent.remove_prefix(1);
  int exp = 0;
  std::from_chars(exponent.data(), exponent.data() + exponent.size(), exp);
  if (value != 0 && (exp < -4 || exp >= 21)) return std::string(text);
  std::to_chars_result fixed = std::to_chars(buffer, buffer + sizeof buffer,
                                             value, std::chars_format::fixed);
  return std::string(buffer, fixed.ptr);
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;  // would poison the sum for good
  // The first bound >= value: buckets are `le`, upper bounds inclusive.
  size_t i = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) -
      bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = total;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

template <typename T>
T& Family<T>::WithLabels(std::span<const std::string_view> values) {
  MERIDIAN_CHECK(values.size() == label_names_.size())
      << "metric with labels " << label_names_.size() << " given "
      << values.size() << " label values";
  std::string_view cut[kMaxLabelNames];
  for (size_t i = 0; i < values.size(); ++i) cut[i] = CutLabelValue(values[i]);
  std::span<const std::string_view> key(cut, values.size());
  {
    std::shared_lock lock(mu_);
    if (auto it = children_.find(key); it != children_.end()) {
      return *it->second;
    }
  }
  std::unique_lock lock(mu_);
  if (auto it = children_.find(key); it != children_.end()) return *it->second;
  std::vector<std::string> owned;
  if (children_.size() >= max_children_) {
    owned.assign(values.size(), std::string(kOverflowLabelValue));
    if (auto it = children_.find(owned); it != children_.end()) {
      return *it->second;
    }
  } else {
    owned.assign(key.begin(), key.end());
  }
  auto [it, inserted] = children_.emplace(std::move(owned), make_());
  return *it->second;
}

template <typename T>
void Family<T>::RenderSamples(const std::string& name, std::string* out) const {
  std::shared_lock lock(mu_);
  std::string labels;
  for (const auto& [values, child] : children_) {
    labels.clear();
    AppendLabels(label_names_, values, &labels);
    RenderChild(name, labels, *child, out);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Status Registry::Add(std::string name, std::string help, Type type,
                     const std::vector<std::string>& label_names,
                     std::unique_ptr<internal::FamilyBase> family,
                     std::function<double()> callback) {
  if (!IsValidName(name)) {
    return Invalid("name", "metric name \"" + name +
                               "\" must match [a-zA-Z_][a-zA-Z0-9_]* and be "
                               "at most " +
                               std::to_string(kMaxNameBytes) + " bytes");
  }
  if (type == Type::kCounter &&
      (name.size() <= 6 || !name.ends_with("_total"))) {
    return Invalid("name", "counter name \"" + name + "\" must end in _total");
  }
  if (help.empty() || help.size() > kMaxHelpBytes) {
    return Invalid("help", "metric " + name + " needs help text of 1 to " +
                               std::to_string(kMaxHelpBytes) + " bytes");
  }
  if (label_names.size() > kMaxLabelNames) {
    return Invalid("label_names", "metric " + name + " has more than " +
                                      std::to_string(kMaxLabelNames) +
                                      " labels");
  }
  for (size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!IsValidName(label) || label.starts_with("__") ||
        (type == Type::kHistogram && label == "le")) {
      return Invalid("label_names",
                     "label name \"" + label + "\" of metric " + name +
                         " must match [a-zA-Z_][a-zA-Z0-9_]*, not start "
                         "with __, and not be le on a histogram");
    }
    if (std::find(label_names.begin(), label_names.begin() + i, label) !=
        label_names.begin() + i) {
      return Invalid("label_names", "label name \"" + label + "\" of metric " +
                                        name + " appears twice");
    }
  }
  std::vector<std::string> series = {name};
  if (type == Type::kHistogram) {
    series = {name, name + "_bucket", name + "_sum", name + "_count"};
  }
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxMetrics) {
    return Invalid("name", "the registry is full (" +
                               std::to_string(kMaxMetrics) + " metrics)");
  }
  for (const std::string& s : series) {
    if (series_names_.contains(s)) {
      return Invalid("name", "metric " + name + " would expose " + s +
                                 ", which another metric already does");
    }
  }
  series_names_.insert(series.begin(), series.end());
  entries_.emplace(std::move(name), Entry{.type = type,
                                          .help = std::move(help),
                                          .family = std::move(family),
                                          .callback = std::move(callback)});
  return Status::Ok();
}

Result<Counter*> Registry::AddCounter(std::string name, std::string help) {
  MERIDIAN_ASSIGN_OR_RETURN(
      CounterFamily * family,
      AddCounterFamily(std::move(name), std::move(help), {}, 1));
  return &family->WithLabels({});
}

Result<CounterFamily*> Registry::AddCounterFamily(
    std::string name, std::string help, std::vector<std::string> label_names,
    size_t max_children) {
  auto family = std::make_unique<CounterFamily>(
      label_names, max_children, [] { return std::make_unique<Counter>(); });
  CounterFamily* result = family.get();
  MERIDIAN_RETURN_IF_ERROR(Add(std::move(name), std::move(help), Type::kCounter,
                               label_names, std::move(family), nullptr));
  return result;
}

Result<Gauge*> Registry::AddGauge(std::string name, std::string help) {
  MERIDIAN_ASSIGN_OR_RETURN(
      GaugeFamily * family,
      AddGaugeFamily(std::move(name), std::move(help), {}, 1));
  return &family->WithLabels({});
}

Result<GaugeFamily*> Registry::AddGaugeFamily(
    std::string name, std::string help, std::vector<std::string> label_names,
    size_t max_children) {
  auto family = std::make_unique<GaugeFamily>(
      label_names, max_children, [] { return std::make_unique<Gauge>(); });
  GaugeFamily* result = family.get();
  MERIDIAN_RETURN_IF_ERROR(Add(std::move(name), std::move(help), Type::kGauge,
                               label_names, std::move(family), nullptr));
  return result;
}

Status Registry::AddGaugeCallback(std::string name, std::string help,
                                  std::function<double()> read) {
  if (!read) return Invalid("read", "a callback gauge needs a callback");
  return Add(std::move(name), std::move(help), Type::kGauge, {}, nullptr,
             std::move(read));
}

Result<Histogram*> Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<double> bounds_seconds) {
  MERIDIAN_ASSIGN_OR_RETURN(
      HistogramFamily * family,
      AddHistogramFamily(std::move(name), std::move(help), {},
                         std::move(bounds_seconds), 1));
  return &family->WithLabels({});
}

Result<HistogramFamily*> Registry::AddHistogramFamily(
    std::string name, std::string help, std::vector<std::string> label_names,
    std::vector<double> bounds_seconds, size_t max_children) {
  if (bounds_seconds.empty() || bounds_seconds.size() > kMaxBuckets) {
    return Invalid("bounds", "histogram " + name + " needs 1 to " +
                                 std::to_string(kMaxBuckets) +
                                 " bucket bounds");
  }
  for (size_t i = 0; i < bounds_seconds.size(); ++i) {
    if (!std::isfinite(bounds_seconds[i]) ||
        (i > 0 && bounds_seconds[i] <= bounds_seconds[i - 1])) {
      return Invalid("bounds", "histogram " + name +
                                   " bucket bounds must be finite and strictly "
                                   "increasing (+Inf is implied)");
    }
  }
  auto family = std::make_unique<HistogramFamily>(
      label_names, max_children, [bounds = std::move(bounds_seconds)] {
        return std::make_unique<Histogram>(bounds);
      });
  HistogramFamily* result = family.get();
  MERIDIAN_RETURN_IF_ERROR(Add(std::move(name), std::move(help),
                               Type::kHistogram, label_names, std::move(family),
                               nullptr));
  return result;
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, entry] : entries_) {
    out += "# HELP ";
    out += name;
    out += " ";
    out += EscapeHelp(entry.help);
    out += "\n# TYPE ";
    out += name;
    out += " ";
    out += TypeName(static_cast<int>(entry.type));
    out += "\n";
    if (entry.callback) {
      AppendSample(name, "", "", "", FormatDouble(entry.callback()), &out);
    } else {
      entry.family->RenderSamples(name, &out);
    }
  }
  return out;
}

}  // namespace meridian::metrics
