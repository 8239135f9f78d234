// Snapshot format of a Monitor (Serialize/Deserialize; little-endian,
// strings are u32 length + bytes):
//
//   u32 n config fields x (str name | i64 value)      booleans 0/1
//   u64 flows | ignored | clamped | evicted | searches_cut
//   kRuleCount x u64 alerts | u64 updates
//   i64 now_ns
//   u32 n accounts x account, least recently active first
//   account = u128 id
//             | 2 x (u8 n x edge)   out, in; oldest first
//             | 3 x (u8 n x mark)   split_out, split_in, near; oldest first
//             | u8 n x corridor
//             | kRuleCount x i64 named_ns | kRuleCount x u128 open_subject
//   edge     = u128 peer | i64 amount | i64 total | i64 first_ns |
//              i64 last_ns | u32 count | u16 currency (ISO numeric) |
//              u8 uniform
//   mark     = u128 peer | i64 time_ns
//   corridor = u16 country | u16 currency | u32 flows | i64 first_ns |
//              i64 last_ns | i64 amount
//
// Accounts are written in LRU order, not slot order, so the bytes depend on
// what the monitor saw and not on which slots it happened to reuse.
#include "compliance/aml/monitor.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/assert.h"

namespace meridian::compliance::aml {
namespace {

constexpr int64_t kNever = INT64_MIN;

// A fixed ring: push overwrites the oldest; at(0) is the newest.
template <typename T, size_t N>
class Ring {
 public:
  void Push(const T& item) {
    items_[head_] = item;
    head_ = (head_ + 1) % N;
    if (size_ < N) ++size_;
  }
  size_t size() const { return size_; }
  const T& at(size_t i) const { return items_[(head_ + N - 1 - i) % N]; }
  T& at(size_t i) { return items_[(head_ + N - 1 - i) % N]; }
  void Clear() { head_ = size_ = 0; }

 private:
  std::array<T, N> items_{};
  uint32_t head_ = 0;
  uint32_t size_ = 0;
};

struct Mark {
  u128 peer = 0;
  int64_t time_ns = 0;
};

struct Corridor {
  CountryCode country = 0;
  Currency currency;
  uint32_t flows = 0;  // saturating
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  int64_t amount = 0;  // saturating sum, minor units
};

// 10^minor_units of the currency: whole units to minor units.
int64_t MinorPerMajor(Currency c) {
  int64_t m = 1;
  for (int i = 0; i < c.minor_units(); ++i) m *= 10;
  return m;
}

int64_t MajorToMinor(int64_t major, Currency c) {
  i128 v = static_cast<i128>(major) * MinorPerMajor(c);
  return v > INT64_MAX ? INT64_MAX : static_cast<int64_t>(v);
}

// |a - b| <= tolerance_bp / 10,000 of the larger, without overflow.
bool SameMoney(int64_t a, int64_t b, int32_t tolerance_bp) {
  i128 diff = static_cast<i128>(a) - b;
  if (diff < 0) diff = -diff;
  return diff * 10'000 <= static_cast<i128>(tolerance_bp) * std::max(a, b);
}

std::string Days(int64_t ns) {
  if (ns % kNsPerDay == 0) return std::to_string(ns / kNsPerDay) + "d";
  if (ns % kNsPerHour == 0) return std::to_string(ns / kNsPerHour) + "h";
  return std::to_string(ns / kNsPerSecond) + "s";
}

Alert NewAlert(Rule rule, u128 account, int64_t time_ns) {
  Alert a;
  a.rule = rule;
  a.account = account;
  a.time_ns = time_ns;
  return a;
}

// Appends `id` to `ids` unless present or full (kMaxRelated) or `skip`.
void AddRelated(std::vector<u128>* ids, u128 id, u128 skip) {
  if (id == skip || ids->size() >= kMaxRelated) return;
  if (std::find(ids->begin(), ids->end(), id) != ids->end()) return;
  ids->push_back(id);
}

}  // namespace

struct Monitor::Edge {
  u128 peer = 0;
  int64_t amount = 0;  // the first transfer's
  int64_t total = 0;   // all coalesced transfers (saturating)
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  uint32_t count = 0;
  Currency currency;
  bool uniform = true;  // every coalesced transfer had `amount`
};

struct Monitor::AccountState {
  u128 id = 0;
  Ring<Edge, kEdgesPerDirection> out;
  Ring<Edge, kEdgesPerDirection> in;
  Ring<Mark, kSplitsPerAccount> split_out;
  Ring<Mark, kSplitsPerAccount> split_in;
  Ring<Mark, kNearThresholdPerAccount> near;
  std::array<Corridor, kCorridorsPerAccount> corridors{};
  uint32_t corridor_count = 0;
  // When the account was last named in an alert of each rule, and the
  // subject of that alert.
  std::array<int64_t, kRuleCount> named_ns;
  std::array<u128, kRuleCount> open_subject;

  void Reset(u128 account) {
    id = account;
    out.Clear();
    in.Clear();
    split_out.Clear();
    split_in.Clear();
    near.Clear();
    corridor_count = 0;
    named_ns.fill(kNever);
    open_subject.fill(0);
  }
};

std::string_view RuleName(Rule rule) {
  switch (rule) {
    case Rule::kStructuring:
      return "structuring";
    case Rule::kFanIn:
      return "fan_in";
    case Rule::kFanOut:
      return "fan_out";
    case Rule::kRapidInOut:
      return "rapid_in_out";
    case Rule::kRoundTrip:
      return "round_trip";
    case Rule::kLayering:
      return "layering";
    case Rule::kCorridorChange:
      return "corridor_change";
    case Rule::kSplitNetwork:
      return "split_network";
  }
  return "unknown";
}

std::optional<Rule> RuleFromName(std::string_view name) {
  for (size_t i = 0; i < kRuleCount; ++i) {
    Rule r = static_cast<Rule>(i);
    if (RuleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string FormatAlert(const Alert& a) {
  std::string s(RuleName(a.rule));
  s += a.update ? " update " : " ";
  s += U128ToString(a.account);
  s += " t=" + std::to_string(a.time_ns);
  s += " score=" + std::to_string(a.score);
  s += " related=[";
  for (size_t i = 0; i < a.related.size(); ++i) {
    if (i > 0) s += ',';
    s += U128ToString(a.related[i]);
  }
  s += "] ";
  s += a.reason;
  return s;
}

// ---------------------------------------------------------------------------
// Config: validation and fields by name.

namespace {

enum class Kind { kBool, kInt32, kInt64, kUint64, kDuration };
struct Field {
  std::string_view name;
  Kind kind;
  void* ptr;
};

std::vector<Field> Fields(MonitorConfig* c) {
  return {
      {"enabled", Kind::kBool, &c->enabled},
      {"max_accounts", Kind::kUint64, &c->max_accounts},
      {"split.window", Kind::kDuration, &c->split.window_ns},
      {"split.min_transfers", Kind::kInt32, &c->split.min_transfers},
      {"structuring.enabled", Kind::kBool, &c->structuring.enabled},
      {"structuring.threshold_major", Kind::kInt64,
       &c->structuring.threshold_major},
      {"structuring.band_pct", Kind::kInt32, &c->structuring.band_pct},
      {"structuring.min_transfers", Kind::kInt32,
       &c->structuring.min_transfers},
      {"structuring.window", Kind::kDuration, &c->structuring.window_ns},
      {"structuring.min_split_transfers", Kind::kInt32,
       &c->structuring.min_split_transfers},
      {"fan_in.enabled", Kind::kBool, &c->fan_in.enabled},
      {"fan_in.window", Kind::kDuration, &c->fan_in.window_ns},
      {"fan_in.min_counterparties", Kind::kInt32,
       &c->fan_in.min_counterparties},
      {"fan_in.min_split_counterparties", Kind::kInt32,
       &c->fan_in.min_split_counterparties},
      {"fan_in.split_window", Kind::kDuration, &c->fan_in.split_window_ns},
      {"fan_out.enabled", Kind::kBool, &c->fan_out.enabled},
      {"fan_out.window", Kind::kDuration, &c->fan_out.window_ns},
      {"fan_out.min_counterparties", Kind::kInt32,
       &c->fan_out.min_counterparties},
      {"fan_out.min_split_counterparties", Kind::kInt32,
       &c->fan_out.min_split_counterparties},
      {"fan_out.split_window", Kind::kDuration, &c->fan_out.split_window_ns},
      {"rapid_in_out.enabled", Kind::kBool, &c->rapid_in_out.enabled},
      {"rapid_in_out.window", Kind::kDuration, &c->rapid_in_out.window_ns},
      {"rapid_in_out.min_in_major", Kind::kInt64,
       &c->rapid_in_out.min_in_major},
      {"rapid_in_out.min_out_pct", Kind::kInt32, &c->rapid_in_out.min_out_pct},
      {"rapid_in_out.max_out_pct", Kind::kInt32, &c->rapid_in_out.max_out_pct},
      {"rapid_in_out.min_receipts", Kind::kInt32,
       &c->rapid_in_out.min_receipts},
      {"path.window", Kind::kDuration, &c->path.window_ns},
      {"path.amount_tolerance_bp", Kind::kInt32, &c->path.amount_tolerance_bp},
      {"path.time_ordered", Kind::kBool, &c->path.time_ordered},
      {"path.max_visits", Kind::kInt32, &c->path.max_visits},
      {"round_trip.enabled", Kind::kBool, &c->round_trip.enabled},
      {"round_trip.max_hops", Kind::kInt32, &c->round_trip.max_hops},
      {"layering.enabled", Kind::kBool, &c->layering.enabled},
      {"layering.min_accounts", Kind::kInt32, &c->layering.min_accounts},
      {"corridor_change.enabled", Kind::kBool, &c->corridor_change.enabled},
      {"corridor_change.window", Kind::kDuration,
       &c->corridor_change.window_ns},
      {"corridor_change.min_history", Kind::kInt32,
       &c->corridor_change.min_history},
      {"corridor_change.min_new_flows", Kind::kInt32,
       &c->corridor_change.min_new_flows},
      {"corridor_change.min_amount_major", Kind::kInt64,
       &c->corridor_change.min_amount_major},
      {"split_network.enabled", Kind::kBool, &c->split_network.enabled},
      {"split_network.window", Kind::kDuration, &c->split_network.window_ns},
      {"split_network.min_accounts", Kind::kInt32,
       &c->split_network.min_accounts},
  };
}

// A field's value as one integer (booleans 0 or 1).
int64_t GetField(const Field& f) {
  switch (f.kind) {
    case Kind::kBool:
      return *static_cast<bool*>(f.ptr) ? 1 : 0;
    case Kind::kInt32:
      return *static_cast<int32_t*>(f.ptr);
    case Kind::kInt64:
    case Kind::kDuration:
      return *static_cast<int64_t*>(f.ptr);
    case Kind::kUint64:
      return static_cast<int64_t>(*static_cast<uint64_t*>(f.ptr));
  }
  return 0;
}

// Stores `v` in the field; false when it does not fit the field's type.
bool SetField(const Field& f, int64_t v) {
  switch (f.kind) {
    case Kind::kBool:
      *static_cast<bool*>(f.ptr) = v != 0;
      return true;
    case Kind::kInt32:
      if (v < INT32_MIN || v > INT32_MAX) return false;
      *static_cast<int32_t*>(f.ptr) = static_cast<int32_t>(v);
      return true;
    case Kind::kInt64:
    case Kind::kDuration:
      *static_cast<int64_t*>(f.ptr) = v;
      return true;
    case Kind::kUint64:
      *static_cast<uint64_t*>(f.ptr) = static_cast<uint64_t>(v);
      return true;
  }
  return false;
}

Error BadField(std::string_view name, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(name),
                   std::move(message));
}

Status InRange(std::string_view name, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    return BadField(name, std::string(name) + " must be in " +
                              std::to_string(lo) + ".." + std::to_string(hi) +
                              ", not " + std::to_string(v));
  }
  return Status::Ok();
}

}  // namespace

Status MonitorConfig::Validate() const {
  constexpr int64_t kMaxWindow = 3'660 * kNsPerDay;  // ten years
  constexpr int64_t kMaxMajor = 1'000'000'000'000;
  MERIDIAN_RETURN_IF_ERROR(
      InRange("max_accounts",
              static_cast<int64_t>(std::min<uint64_t>(max_accounts, INT64_MAX)),
              16, 100'000'000));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("split.window", split.window_ns, 1, kMaxWindow));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("split.min_transfers", split.min_transfers, 2, 1000));
  MERIDIAN_RETURN_IF_ERROR(InRange("structuring.threshold_major",
                                   structuring.threshold_major, 1, kMaxMajor));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("structuring.band_pct", structuring.band_pct, 1, 100));
  MERIDIAN_RETURN_IF_ERROR(InRange("structuring.min_transfers",
                                   structuring.min_transfers, 0,
                                   kNearThresholdPerAccount));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("structuring.window", structuring.window_ns, 1, kMaxWindow));
  MERIDIAN_RETURN_IF_ERROR(InRange("structuring.min_split_transfers",
                                   structuring.min_split_transfers, 0, 1000));
  for (auto [prefix, fan] :
       {std::pair{"fan_in", &fan_in}, std::pair{"fan_out", &fan_out}}) {
    std::string p(prefix);
    MERIDIAN_RETURN_IF_ERROR(
        InRange(p + ".window", fan->window_ns, 1, kMaxWindow));
    MERIDIAN_RETURN_IF_ERROR(InRange(p + ".min_counterparties",
                                     fan->min_counterparties, 0,
                                     kEdgesPerDirection));
    MERIDIAN_RETURN_IF_ERROR(InRange(p + ".min_split_counterparties",
                                     fan->min_split_counterparties, 0,
                                     kSplitsPerAccount));
    MERIDIAN_RETURN_IF_ERROR(
        InRange(p + ".split_window", fan->split_window_ns, 1, kMaxWindow));
  }
  MERIDIAN_RETURN_IF_ERROR(
      InRange("rapid_in_out.window", rapid_in_out.window_ns, 1, kMaxWindow));
  MERIDIAN_RETURN_IF_ERROR(InRange("rapid_in_out.min_in_major",
                                   rapid_in_out.min_in_major, 0, kMaxMajor));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("rapid_in_out.min_out_pct", rapid_in_out.min_out_pct, 1, 1000));
  MERIDIAN_RETURN_IF_ERROR(InRange("rapid_in_out.max_out_pct",
                                   rapid_in_out.max_out_pct,
                                   rapid_in_out.min_out_pct, 1000));
  MERIDIAN_RETURN_IF_ERROR(InRange("rapid_in_out.min_receipts",
                                   rapid_in_out.min_receipts, 1,
                                   kEdgesPerDirection));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("path.window", path.window_ns, 1, kMaxWindow));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("path.amount_tolerance_bp", path.amount_tolerance_bp, 0, 5000));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("path.max_visits", path.max_visits, 16, 100'000));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("round_trip.max_hops", round_trip.max_hops, 2, kMaxHops));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("layering.min_accounts", layering.min_accounts, 3, kMaxHops + 1));
  MERIDIAN_RETURN_IF_ERROR(
      InRange("split_network.window", split_network.window_ns, 1, kMaxWindow));
  MERIDIAN_RETURN_IF_ERROR(InRange("split_network.min_accounts",
                                   split_network.min_accounts, 2,
                                   kMaxRelated + 1));
  MERIDIAN_RETURN_IF_ERROR(InRange("corridor_change.window",
                                   corridor_change.window_ns, 1, kMaxWindow));
  MERIDIAN_RETURN_IF_ERROR(InRange("corridor_change.min_history",
                                   corridor_change.min_history, 1, 1'000'000));
  MERIDIAN_RETURN_IF_ERROR(InRange("corridor_change.min_new_flows",
                                   corridor_change.min_new_flows, 1,
                                   1'000'000));
  MERIDIAN_RETURN_IF_ERROR(InRange("corridor_change.min_amount_major",
                                   corridor_change.min_amount_major, 0,
                                   kMaxMajor));
  return Status::Ok();
}

Status SetConfigField(MonitorConfig* config, std::string_view name,
                      std::string_view value) {
  for (const Field& f : Fields(config)) {
    if (f.name != name) continue;
    if (f.kind == Kind::kBool) {
      if (value != "true" && value != "false") {
        return BadField(name, std::string(name) + " is true or false");
      }
      *static_cast<bool*>(f.ptr) = value == "true";
      return Status::Ok();
    }
    int64_t unit = 1;
    std::string_view digits = value;
    if (f.kind == Kind::kDuration && !digits.empty()) {
      switch (digits.back()) {
        case 's':
          unit = kNsPerSecond;
          break;
        case 'm':
          unit = 60 * kNsPerSecond;
          break;
        case 'h':
          unit = kNsPerHour;
          break;
        case 'd':
          unit = kNsPerDay;
          break;
        default:
          return BadField(name, std::string(name) +
                                    " is a duration: a number with s, m, "
                                    "h or d (\"7d\")");
      }
      digits.remove_suffix(1);
    }
    int64_t v = 0;
    auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() ||
        end != digits.data() + digits.size() || v < 0 || v > INT64_MAX / unit) {
      return BadField(name, std::string(name) +
                                ": not a non-negative "
                                "integer: \"" +
                                std::string(value) + "\"");
    }
    v *= unit;
    if (!SetField(f, v)) return BadField(name, "too large");
    return Status::Ok();
  }
  return BadField(name,
                  "no monitor setting is called \"" + std::string(name) + "\"");
}

std::vector<std::string> DescribeConfig(const MonitorConfig& config) {
  MonitorConfig copy = config;
  std::vector<std::string> out;
  for (const Field& f : Fields(&copy)) {
    const int64_t raw = GetField(f);
    std::string v = f.kind == Kind::kBool       ? (raw != 0 ? "true" : "false")
                    : f.kind == Kind::kDuration ? Days(raw)
                    : f.kind == Kind::kUint64
                        ? std::to_string(static_cast<uint64_t>(raw))
                        : std::to_string(raw);
    out.push_back(std::string(f.name) + "=" + v);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Account states: a slot vector, a lookup map and an LRU list.

Monitor::Monitor(const MonitorConfig& config) : config_(config) {
  Status valid = config_.Validate();
  MERIDIAN_CHECK(valid.ok()) << valid.ToString();
}

Monitor::~Monitor() = default;

size_t Monitor::ApproxBytesPerAccount() {
  // The state, plus a hash node (key, value, next pointer, cached hash) and
  // a bucket pointer.
  return sizeof(AccountState) + sizeof(Lru) + 48 + sizeof(void*);
}

size_t Monitor::ApproxBytes() const {
  return sizeof(*this) + config_.max_accounts * ApproxBytesPerAccount();
}

// The LRU links live in their own compact vector: moving an account to the
// front touches its two neighbours, and 8 bytes each stay in cache where
// their 3-4 KiB states would not.
void Monitor::Unlink(uint32_t slot) {
  Lru& s = lru_[slot];
  if (s.prev != UINT32_MAX) {
    lru_[s.prev].next = s.next;
  } else {
    lru_head_ = s.next;
  }
  if (s.next != UINT32_MAX) {
    lru_[s.next].prev = s.prev;
  } else {
    lru_tail_ = s.prev;
  }
  s.prev = s.next = UINT32_MAX;
}

void Monitor::Link(uint32_t slot) {
  Lru& s = lru_[slot];
  s.prev = UINT32_MAX;
  s.next = lru_head_;
  if (lru_head_ != UINT32_MAX) lru_[lru_head_].prev = slot;
  lru_head_ = slot;
  if (lru_tail_ == UINT32_MAX) lru_tail_ = slot;
}

uint32_t Monitor::Touch(u128 account) {
  auto it = index_.find(account);
  if (it != index_.end()) {
    if (lru_head_ != it->second) {
      Unlink(it->second);
      Link(it->second);
    }
    return it->second;
  }
  uint32_t slot;
  if (slot_count_ < config_.max_accounts) {
    // States live in fixed chunks: growing never moves (copies) the ones
    // already there, and a chunk is only allocated when it is needed.
    slot = slot_count_++;
    if (slot / kChunk == chunks_.size()) {
      chunks_.push_back(std::make_unique<AccountState[]>(kChunk));
    }
    lru_.emplace_back();
  } else {
    // Forget the least recently active account: its windows have gone
    // quiet the longest, so it is the state least likely to matter.
    slot = lru_tail_;
    Unlink(slot);
    index_.erase(State(slot).id);
    ++stats_.evicted;
  }
  State(slot).Reset(account);
  index_.emplace(account, slot);
  Link(slot);
  stats_.accounts = index_.size();
  return slot;
}

Monitor::AccountState& Monitor::State(uint32_t slot) {
  return chunks_[slot / kChunk][slot % kChunk];
}

Monitor::AccountState* Monitor::Find(u128 account) {
  auto it = index_.find(account);
  return it == index_.end() ? nullptr : &State(it->second);
}

// ---------------------------------------------------------------------------
// Alerts.

bool Monitor::Raise(Alert alert, int64_t window_ns, bool grow,
                    std::vector<Alert>* out) {
  const size_t r = static_cast<size_t>(alert.rule);
  const int64_t t = alert.time_ns;
  auto named_recently = [&](const AccountState* s) {
    return s != nullptr && s->named_ns[r] != kNever &&
           t - s->named_ns[r] < window_ns;
  };
  // Counting rules: one alert per subject per window, whatever else it
  // names (a sender named by one hub's fan-in does not silence another's).
  if (!grow && named_recently(Find(alert.account))) return false;
  // The open alert this pattern belongs to, if any: the first of its
  // accounts (subject first) that an alert of this rule named in the window.
  const AccountState* open = nullptr;
  if (const AccountState* s = Find(alert.account); named_recently(s)) {
    open = s;
  }
  for (size_t i = 0; grow && open == nullptr && i < alert.related.size(); ++i) {
    const AccountState* s = Find(alert.related[i]);
    if (named_recently(s)) open = s;
  }
  if (open != nullptr) {
    const u128 subject = open->open_subject[r];
    std::vector<u128> fresh;
    if (!named_recently(Find(alert.account))) {
      AddRelated(&fresh, alert.account, subject);
    }
    for (u128 id : alert.related) {
      if (!named_recently(Find(id))) AddRelated(&fresh, id, subject);
    }
    if (fresh.empty()) return false;
    alert.account = subject;
    alert.related = std::move(fresh);
    alert.update = true;
  }
  for (u128 id : alert.related) {
    if (AccountState* s = Find(id)) {
      s->named_ns[r] = t;
      s->open_subject[r] = alert.account;
    }
  }
  if (AccountState* s = Find(alert.account); s != nullptr && !alert.update) {
    s->named_ns[r] = t;
    s->open_subject[r] = alert.account;
  }
  if (!alert.update) ++stats_.alerts[r];
  if (alert.update) ++stats_.updates;
  out->push_back(std::move(alert));
  return true;
}

// ---------------------------------------------------------------------------
// Observe.

void Monitor::Observe(const Flow& flow, std::vector<Alert>* alerts) {
  ++stats_.flows;
  if (!config_.enabled || flow.amount_minor <= 0 ||
      flow.from_account == flow.to_account) {
    ++stats_.ignored;
    return;
  }
  Flow f = flow;
  if (f.time_ns < now_ns_) {
    f.time_ns = now_ns_;
    ++stats_.clamped;
  }
  now_ns_ = f.time_ns;
  const int64_t t = f.time_ns;

  // Touch the payee first: the payer, touched last, is then the most recent
  // and cannot be the one forgotten to make room (max_accounts >= 16).
  uint32_t to = Touch(f.to_account);
  uint32_t from = Touch(f.from_account);

  // Coalesce transfers to the same payee within the split window into one
  // edge: a split payment takes one ring slot, not ten, and its count is
  // what the split signal reads.
  auto add_edge = [&](Ring<Edge, kEdgesPerDirection>* ring, u128 peer) {
    for (size_t i = 0; i < ring->size(); ++i) {
      Edge& e = ring->at(i);
      if (t - e.first_ns > config_.split.window_ns) break;  // older on
      if (e.peer == peer && e.currency == f.currency) {
        e.total = static_cast<int64_t>(std::min<i128>(
            static_cast<i128>(e.total) + f.amount_minor, INT64_MAX));
        e.uniform = e.uniform && e.amount == f.amount_minor;
        e.last_ns = t;
        if (e.count < UINT32_MAX) ++e.count;
        return e.count;
      }
    }
    ring->Push(Edge{.peer = peer,
                    .amount = f.amount_minor,
                    .total = f.amount_minor,
                    .first_ns = t,
                    .last_ns = t,
                    .count = 1,
                    .currency = f.currency,
                    .uniform = true});
    return uint32_t{1};
  };
  uint32_t count = add_edge(&State(from).out, f.to_account);
  add_edge(&State(to).in, f.from_account);
  // The split signal fires once, when the count reaches the minimum.
  const bool split_now =
      count == static_cast<uint32_t>(config_.split.min_transfers);
  if (split_now) {
    State(from).split_out.Push(Mark{f.to_account, t});
    State(to).split_in.Push(Mark{f.from_account, t});
  }

  if (config_.structuring.enabled) {
    CheckStructuring(f, from, count, alerts);
  }
  if (config_.fan_in.enabled) CheckFan(f, to, true, split_now, alerts);
  if (config_.fan_out.enabled) CheckFan(f, from, false, split_now, alerts);
  if (config_.rapid_in_out.enabled) CheckRapidInOut(f, from, alerts);
  if (config_.round_trip.enabled || config_.layering.enabled) {
    CheckPaths(f, alerts);
  }
  if (config_.corridor_change.enabled) CheckCorridor(f, from, alerts);
  if (config_.split_network.enabled && split_now) {
    CheckSplitNetwork(f, alerts);
  }
}

void Monitor::CheckStructuring(const Flow& f, uint32_t from, uint32_t count,
                               std::vector<Alert>* out) {
  const StructuringConfig& c = config_.structuring;
  const int64_t t = f.time_ns;
  AccountState& a = State(from);
  const int64_t threshold = MajorToMinor(c.threshold_major, f.currency);
  const int64_t low = static_cast<int64_t>(static_cast<i128>(threshold) *
                                           (100 - c.band_pct) / 100);
  if (c.min_transfers > 0 && f.amount_minor >= low &&
      f.amount_minor < threshold) {
    a.near.Push(Mark{f.to_account, t});
    int64_t n = 0;
    Alert alert = NewAlert(Rule::kStructuring, f.from_account, t);
    for (size_t i = 0; i < a.near.size(); ++i) {
      const Mark& m = a.near.at(i);
      if (t - m.time_ns >= c.window_ns) break;
      ++n;
      AddRelated(&alert.related, m.peer, f.from_account);
    }
    if (n >= c.min_transfers) {
      alert.score = n;
      alert.reason = std::to_string(n) + " transfers in [" +
                     std::to_string(low) + ", " + std::to_string(threshold) +
                     ") minor units within " + Days(c.window_ns) +
                     " (>= " + std::to_string(c.min_transfers) + ")";
      if (Raise(std::move(alert), c.window_ns, false, out)) return;
    }
  }
  if (c.min_split_transfers > 0 &&
      count == static_cast<uint32_t>(c.min_split_transfers)) {
    Alert alert{.rule = Rule::kStructuring,
                .account = f.from_account,
                .time_ns = t,
                .score = count,
                .reason = std::to_string(count) +
                          " transfers to one payee within " +
                          Days(config_.split.window_ns) +
                          " (>= " + std::to_string(c.min_split_transfers) + ")",
                .related = {f.to_account}};
    Raise(std::move(alert), c.window_ns, false, out);
  }
}

void Monitor::CheckFan(const Flow& f, uint32_t slot, bool inbound,
                       bool split_now, std::vector<Alert>* out) {
  const FanConfig& c = inbound ? config_.fan_in : config_.fan_out;
  const Rule rule = inbound ? Rule::kFanIn : Rule::kFanOut;
  const int64_t t = f.time_ns;
  const AccountState& s = State(slot);
  const u128 subject = s.id;
  const char* who = inbound ? "senders" : "receivers";
  if (c.min_split_counterparties > 0 && split_now) {
    const auto& marks = inbound ? s.split_in : s.split_out;
    Alert alert = NewAlert(rule, subject, t);
    for (size_t i = 0; i < marks.size(); ++i) {
      const Mark& m = marks.at(i);
      if (t - m.time_ns >= c.split_window_ns) break;
      AddRelated(&alert.related, m.peer, subject);
    }
    const int64_t n = static_cast<int64_t>(alert.related.size());
    if (n >= c.min_split_counterparties) {
      alert.score = n;
      alert.reason = std::to_string(n) + " distinct " + who +
                     " of split payments within " + Days(c.split_window_ns) +
                     " (>= " + std::to_string(c.min_split_counterparties) + ")";
      if (Raise(std::move(alert), c.split_window_ns, true, out)) return;
    }
  }
  if (c.min_counterparties > 0) {
    const auto& edges = inbound ? s.in : s.out;
    Alert alert = NewAlert(rule, subject, t);
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges.at(i);
      if (t - e.last_ns >= c.window_ns) continue;  // coalesced: not sorted
      AddRelated(&alert.related, e.peer, subject);
    }
    const int64_t n = static_cast<int64_t>(alert.related.size());
    if (n >= c.min_counterparties) {
      alert.score = n;
      alert.reason = std::to_string(n) + " distinct " + who + " within " +
                     Days(c.window_ns) +
                     " (>= " + std::to_string(c.min_counterparties) + ")";
      Raise(std::move(alert), c.window_ns, false, out);
    }
  }
}

void Monitor::CheckRapidInOut(const Flow& f, uint32_t from,
                              std::vector<Alert>* out) {
  const RapidInOutConfig& c = config_.rapid_in_out;
  const int64_t t = f.time_ns;
  const AccountState& a = State(from);
  i128 in_sum = 0;
  int64_t receipts = 0;
  int64_t first_in = t;
  Alert alert = NewAlert(Rule::kRapidInOut, a.id, t);
  for (size_t i = 0; i < a.in.size(); ++i) {
    const Edge& e = a.in.at(i);
    if (t - e.last_ns >= c.window_ns || e.currency != f.currency) continue;
    in_sum += e.total;
    ++receipts;
    first_in = std::min(first_in, e.first_ns);
    AddRelated(&alert.related, e.peer, a.id);
  }
  if (receipts < c.min_receipts || in_sum <= 0 ||
      in_sum < MajorToMinor(c.min_in_major, f.currency)) {
    return;
  }
  // Sent since the first of those receipts (an edge coalesced across that
  // moment counts whole: at most one split window early).
  i128 out_sum = 0;
  for (size_t i = 0; i < a.out.size(); ++i) {
    const Edge& e = a.out.at(i);
    if (e.last_ns < first_in || e.currency != f.currency) continue;
    out_sum += e.total;
    AddRelated(&alert.related, e.peer, a.id);
  }
  if (out_sum * 100 < in_sum * c.min_out_pct ||
      out_sum * 100 > in_sum * c.max_out_pct) {
    return;
  }
  alert.score = static_cast<int64_t>(out_sum * 100 / in_sum);
  alert.reason = "sent on " + std::to_string(alert.score) + "% of " +
                 I128ToString(in_sum) + " minor units received within " +
                 Days(c.window_ns) + " (" + std::to_string(c.min_out_pct) +
                 "%.." + std::to_string(c.max_out_pct) + "%)";
  Raise(std::move(alert), c.window_ns, false, out);
}

// ---------------------------------------------------------------------------
// Round trips and layering: a bounded depth-first search over the rings of
// recent edges, following only transfers that carry the same money as the
// flow being observed.

struct Monitor::Search {
  Monitor* m;
  int64_t amount;
  Currency currency;
  int64_t now;
  int64_t oldest;  // edges last touched before this are out of the window
  int32_t budget;
  bool cut = false;

  bool Matches(const Edge& e) {
    if (--budget < 0) {
      cut = true;
      return false;
    }
    if (e.currency != currency || e.last_ns < oldest) return false;
    const int32_t tol = m->config_.path.amount_tolerance_bp;
    return (e.uniform && SameMoney(e.amount, amount, tol)) ||
           SameMoney(e.total, amount, tol);
  }
  static bool OnPath(const std::vector<u128>& path, u128 id) {
    return std::find(path.begin(), path.end(), id) != path.end();
  }

  // A path from the last account of *path to `target` in at most
  // `hops_left` out-edges, each (time-ordered) no earlier than `after_ns`.
  bool FindLoop(std::vector<u128>* path, u128 target, int hops_left,
                int64_t after_ns) {
    const AccountState* s = m->Find(path->back());
    if (s == nullptr) return false;
    for (size_t i = 0; i < s->out.size() && !cut; ++i) {
      const Edge& e = s->out.at(i);
      if (!Matches(e)) continue;
      if (m->config_.path.time_ordered && e.last_ns < after_ns) continue;
      if (e.peer == target) return true;
      if (hops_left <= 1 || OnPath(*path, e.peer)) continue;
      path->push_back(e.peer);
      if (FindLoop(path, target, hops_left - 1, e.first_ns)) return true;
      path->pop_back();
    }
    return false;
  }

  // The longest chain of matching edges from the last account of *path,
  // backward (in-edges, each no later than `bound_ns` when time-ordered) or
  // forward (out-edges, each no earlier). `avoid` holds accounts already on
  // the chain. Writes the best extension (excluding the start) to *best.
  void Longest(std::vector<u128>* path, bool backward, int hops_left,
               int64_t bound_ns, const std::vector<u128>& avoid,
               std::vector<u128>* best) {
    if (path->size() - 1 > best->size()) {
      best->assign(path->begin() + 1, path->end());
    }
    if (hops_left <= 0 || cut) return;
    const AccountState* s = m->Find(path->back());
    if (s == nullptr) return;
    const auto& ring = backward ? s->in : s->out;
    for (size_t i = 0; i < ring.size() && !cut; ++i) {
      const Edge& e = ring.at(i);
      if (!Matches(e)) continue;
      if (m->config_.path.time_ordered &&
          (backward ? e.first_ns > bound_ns : e.last_ns < bound_ns)) {
        continue;
      }
      if (OnPath(*path, e.peer) || OnPath(avoid, e.peer)) continue;
      path->push_back(e.peer);
      Longest(path, backward, hops_left - 1, backward ? e.last_ns : e.first_ns,
              avoid, best);
      path->pop_back();
    }
  }
};

void Monitor::CheckPaths(const Flow& f, std::vector<Alert>* out) {
  const PathConfig& c = config_.path;
  const int64_t t = f.time_ns;
  Search search{.m = this,
                .amount = f.amount_minor,
                .currency = f.currency,
                .now = t,
                .oldest = t - c.window_ns + 1,
                .budget = c.max_visits};
  const std::string tolerance =
      c.amount_tolerance_bp == 0
          ? std::string("the same amount")
          : "amounts within " + std::to_string(c.amount_tolerance_bp) + " bp";

  if (config_.round_trip.enabled) {
    // The flow a -> b closes a loop if money of this amount went from b
    // back to a.
    std::vector<u128> path = {f.from_account, f.to_account};
    bool found =
        search.FindLoop(&path, f.from_account, config_.round_trip.max_hops - 1,
                        t - c.window_ns);
    if (search.cut) ++stats_.searches_cut;
    if (found) {
      Alert alert = NewAlert(Rule::kRoundTrip, f.from_account, t);
      alert.score = static_cast<int64_t>(path.size());
      for (size_t i = 1; i < path.size(); ++i) {
        AddRelated(&alert.related, path[i], f.from_account);
      }
      alert.reason = "money back to its origin in " +
                     std::to_string(path.size()) + " hops of " + tolerance +
                     " within " + Days(c.window_ns);
      Raise(std::move(alert), c.window_ns, true, out);
      return;  // a closed loop is not also reported as a chain
    }
  }
  if (!config_.layering.enabled) return;
  search.budget = c.max_visits;
  search.cut = false;
  // Back from the payer, then on from the payee, avoiding the accounts the
  // first half used.
  std::vector<u128> back, fwd;
  std::vector<u128> path = {f.from_account};
  std::vector<u128> avoid = {f.to_account};
  search.Longest(&path, /*backward=*/true, kMaxHops - 1, t, avoid, &back);
  avoid = back;
  avoid.push_back(f.from_account);
  path = {f.to_account};
  const int hops_left = kMaxHops - 1 - static_cast<int>(back.size());
  search.Longest(&path, /*backward=*/false, hops_left, t, avoid, &fwd);
  if (search.cut) ++stats_.searches_cut;
  const int64_t accounts = static_cast<int64_t>(back.size() + fwd.size() + 2);
  if (accounts < config_.layering.min_accounts) return;
  // The subject is the account that both received and passed the money on
  // in this flow's step of the chain.
  const u128 subject = back.empty() ? f.to_account : f.from_account;
  Alert alert = NewAlert(Rule::kLayering, subject, t);
  alert.score = accounts;
  for (auto it = back.rbegin(); it != back.rend(); ++it) {
    AddRelated(&alert.related, *it, subject);
  }
  AddRelated(&alert.related, f.from_account, subject);
  AddRelated(&alert.related, f.to_account, subject);
  for (u128 id : fwd) AddRelated(&alert.related, id, subject);
  alert.reason = std::to_string(accounts) + " accounts passing on " +
                 tolerance + " within " + Days(c.window_ns);
  Raise(std::move(alert), c.window_ns, true, out);
}

void Monitor::CheckCorridor(const Flow& f, uint32_t from,
                            std::vector<Alert>* out) {
  if (f.to_country == 0) return;
  const CorridorChangeConfig& c = config_.corridor_change;
  const int64_t t = f.time_ns;
  AccountState& a = State(from);
  Corridor* used = nullptr;
  for (uint32_t i = 0; i < a.corridor_count; ++i) {
    Corridor& k = a.corridors[i];
    if (k.country == f.to_country && k.currency == f.currency) used = &k;
  }
  if (used == nullptr) {
    if (a.corridor_count < kCorridorsPerAccount) {
      used = &a.corridors[a.corridor_count++];
    } else {
      // Full: forget the corridor used least recently (the first of them).
      used = &a.corridors[0];
      for (uint32_t i = 1; i < a.corridor_count; ++i) {
        if (a.corridors[i].last_ns < used->last_ns) used = &a.corridors[i];
      }
    }
    *used = Corridor{
        .country = f.to_country, .currency = f.currency, .first_ns = t};
  }
  used->last_ns = t;
  if (used->flows < UINT32_MAX) ++used->flows;
  used->amount = static_cast<int64_t>(std::min<i128>(
      static_cast<i128>(used->amount) + f.amount_minor, INT64_MAX));
  if (t - used->first_ns >= c.window_ns) return;  // not a new corridor
  int64_t history = 0;
  for (uint32_t i = 0; i < a.corridor_count; ++i) {
    const Corridor& k = a.corridors[i];
    if (t - k.first_ns >= c.window_ns) history += k.flows;
  }
  if (history < c.min_history ||
      used->flows < static_cast<uint32_t>(c.min_new_flows) ||
      used->amount < MajorToMinor(c.min_amount_major, f.currency)) {
    return;
  }
  char country[3] = {static_cast<char>(f.to_country >> 8),
                     static_cast<char>(f.to_country & 0xff), 0};
  Alert alert{.rule = Rule::kCorridorChange,
              .account = a.id,
              .time_ns = t,
              .score = used->flows,
              .reason = std::to_string(used->flows) + " payments to " +
                        country + " in " + std::string(f.currency.code()) +
                        " within " + Days(c.window_ns) + " after " +
                        std::to_string(history) +
                        " in the account's usual corridors",
              .related = {f.to_account}};
  Raise(std::move(alert), c.window_ns, false, out);
}

void Monitor::CheckSplitNetwork(const Flow& f, std::vector<Alert>* out) {
  const SplitNetworkConfig& c = config_.split_network;
  const int64_t t = f.time_ns;
  // Breadth first from the payee over split marks both ways, in ring order
  // (newest first): at most kMaxRelated + 1 accounts, each with at most
  // 2 * kSplitsPerAccount marks, so the walk is bounded by construction.
  std::vector<u128> network = {f.to_account};
  for (size_t i = 0; i < network.size(); ++i) {
    const AccountState* s = Find(network[i]);
    if (s == nullptr) continue;
    for (const auto* marks : {&s->split_in, &s->split_out}) {
      for (size_t j = 0; j < marks->size(); ++j) {
        const Mark& m = marks->at(j);
        if (t - m.time_ns >= c.window_ns) break;
        if (network.size() > kMaxRelated) break;
        if (std::find(network.begin(), network.end(), m.peer) ==
            network.end()) {
          network.push_back(m.peer);
        }
      }
    }
  }
  const int64_t n = static_cast<int64_t>(network.size());
  if (n < c.min_accounts) return;
  Alert alert = NewAlert(Rule::kSplitNetwork, f.to_account, t);
  alert.score = n;
  alert.related.assign(network.begin() + 1, network.end());
  alert.reason =
      std::to_string(n) + (n > static_cast<int64_t>(kMaxRelated) ? "+" : "") +
      " accounts linked by split payments within " + Days(c.window_ns) +
      " (>= " + std::to_string(c.min_accounts) + ")";
  Raise(std::move(alert), c.window_ns, true, out);
}

// ---------------------------------------------------------------------------
// Snapshots (format at the top of this file).

namespace {

template <typename T, size_t N, typename Write>
void WriteRing(ByteWriter* w, const Ring<T, N>& ring, Write write) {
  w->U8(static_cast<uint8_t>(ring.size()));
  for (size_t i = ring.size(); i-- > 0;) write(ring.at(i));
}

template <typename T, size_t N, typename Read>
bool ReadRing(ByteReader* r, Ring<T, N>* ring, Read read) {
  uint8_t n = 0;
  if (!r->U8(&n) || n > N) return false;
  for (uint8_t i = 0; i < n; ++i) {
    T item{};
    if (!read(&item)) return false;
    ring->Push(item);
  }
  return true;
}

void WriteMark(ByteWriter* w, const Mark& m) {
  w->U128(m.peer);
  w->I64(m.time_ns);
}

bool ReadMark(ByteReader* r, Mark* m) {
  return r->U128(&m->peer) && r->I64(&m->time_ns);
}

bool ReadCurrency(ByteReader* r, Currency* c) {
  uint16_t numeric = 0;
  if (!r->U16(&numeric)) return false;
  Result<Currency> cur = Currency::FromNumeric(numeric);
  if (!cur.ok()) return false;
  *c = *cur;
  return true;
}

Status Corrupted(std::string_view what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                   "AML monitor state: " + std::string(what));
}

}  // namespace

void Monitor::Serialize(ByteWriter* w) const {
  MonitorConfig config = config_;
  std::vector<Field> fields = Fields(&config);
  w->U32(static_cast<uint32_t>(fields.size()));
  for (const Field& f : fields) {
    w->Bytes(f.name);
    w->I64(GetField(f));
  }
  w->U64(stats_.flows);
  w->U64(stats_.ignored);
  w->U64(stats_.clamped);
  w->U64(stats_.evicted);
  w->U64(stats_.searches_cut);
  for (uint64_t n : stats_.alerts) w->U64(n);
  w->U64(stats_.updates);
  w->I64(now_ns_);
  w->U32(static_cast<uint32_t>(index_.size()));
  for (uint32_t slot = lru_tail_; slot != UINT32_MAX; slot = lru_[slot].prev) {
    const AccountState& a = chunks_[slot / kChunk][slot % kChunk];
    w->U128(a.id);
    for (const auto* ring : {&a.out, &a.in}) {
      WriteRing(w, *ring, [w](const Edge& e) {
        w->U128(e.peer);
        w->I64(e.amount);
        w->I64(e.total);
        w->I64(e.first_ns);
        w->I64(e.last_ns);
        w->U32(e.count);
        w->U16(e.currency.numeric());
        w->U8(e.uniform ? 1 : 0);
      });
    }
    auto mark = [w](const Mark& m) { WriteMark(w, m); };
    WriteRing(w, a.split_out, mark);
    WriteRing(w, a.split_in, mark);
    WriteRing(w, a.near, mark);
    w->U8(static_cast<uint8_t>(a.corridor_count));
    for (uint32_t i = 0; i < a.corridor_count; ++i) {
      const Corridor& c = a.corridors[i];
      w->U16(c.country);
      w->U16(c.currency.numeric());
      w->U32(c.flows);
      w->I64(c.first_ns);
      w->I64(c.last_ns);
      w->I64(c.amount);
    }
    for (int64_t t : a.named_ns) w->I64(t);
    for (u128 s : a.open_subject) w->U128(s);
  }
}

Result<std::unique_ptr<Monitor>> Monitor::Deserialize(
    ByteReader* r, const MonitorConfig* config) {
  MonitorConfig encoded;
  std::vector<Field> fields = Fields(&encoded);
  uint32_t n_fields = 0;
  if (!r->U32(&n_fields) || n_fields != fields.size()) {
    return Corrupted("config fields");
  }
  for (const Field& f : fields) {
    std::string_view name;
    int64_t v = 0;
    if (!r->Bytes(&name, 128) || name != f.name || !r->I64(&v)) {
      return Corrupted("config field " + std::string(f.name));
    }
    if (!SetField(f, v)) return Corrupted(f.name);
  }
  if (!encoded.Validate().ok()) return Corrupted("invalid config");
  const MonitorConfig& use = config != nullptr ? *config : encoded;
  if (!use.Validate().ok()) return Corrupted("invalid config");
  auto m = std::make_unique<Monitor>(use);
  MonitorStats& st = m->stats_;
  bool ok = r->U64(&st.flows) && r->U64(&st.ignored) && r->U64(&st.clamped) &&
            r->U64(&st.evicted) && r->U64(&st.searches_cut);
  for (uint64_t& n : st.alerts) ok = ok && r->U64(&n);
  ok = ok && r->U64(&st.updates) && r->I64(&m->now_ns_);
  uint32_t n_accounts = 0;
  if (!ok || !r->U32(&n_accounts) ||
      n_accounts > encoded.max_accounts) {
    return Corrupted("header");
  }
  for (uint32_t k = 0; k < n_accounts; ++k) {
    u128 id = 0;
    if (!r->U128(&id) || m->Find(id) != nullptr) {
      return Corrupted("account " + std::to_string(k));
    }
    // Oldest first: each Touch makes the account the most recent, so the
    // LRU order comes back as it was, and a smaller max_accounts forgets
    // the oldest as it goes.
    AccountState& a = m->State(m->Touch(id));
    auto edge = [r](Edge* e) {
      uint8_t uniform = 0;
      bool ok = r->U128(&e->peer) && r->I64(&e->amount) &&
                r->I64(&e->total) && r->I64(&e->first_ns) &&
                r->I64(&e->last_ns) && r->U32(&e->count) &&
                ReadCurrency(r, &e->currency) && r->U8(&uniform) &&
                uniform <= 1;
      e->uniform = uniform == 1;
      return ok;
    };
    auto mark = [r](Mark* mk) { return ReadMark(r, mk); };
    uint8_t n_corridors = 0;
    ok = ReadRing(r, &a.out, edge) && ReadRing(r, &a.in, edge) &&
         ReadRing(r, &a.split_out, mark) && ReadRing(r, &a.split_in, mark) &&
         ReadRing(r, &a.near, mark) && r->U8(&n_corridors) &&
         n_corridors <= kCorridorsPerAccount;
    for (uint8_t i = 0; ok && i < n_corridors; ++i) {
      Corridor& c = a.corridors[i];
      ok = r->U16(&c.country) && ReadCurrency(r, &c.currency) &&
           r->U32(&c.flows) && r->I64(&c.first_ns) && r->I64(&c.last_ns) &&
           r->I64(&c.amount);
    }
    a.corridor_count = n_corridors;
    for (int64_t& t : a.named_ns) ok = ok && r->I64(&t);
    for (u128& s : a.open_subject) ok = ok && r->U128(&s);
    if (!ok) return Corrupted("account " + std::to_string(k));
  }
  // Restoring is not activity: the counters are the encoded ones, plus the
  // accounts a smaller config had no room for (Touch counted them).
  st.accounts = m->index_.size();
  return m;
}

std::unique_ptr<Monitor> Monitor::Reconfigure(const Monitor& monitor,
                                              const MonitorConfig& config) {
  std::vector<uint8_t> bytes;
  ByteWriter w(&bytes);
  monitor.Serialize(&w);
  ByteReader r(bytes);
  Result<std::unique_ptr<Monitor>> m = Deserialize(&r, &config);
  MERIDIAN_CHECK(m.ok()) << m.status().ToString();
  return std::move(*m);
}

}  // namespace meridian::compliance::aml
