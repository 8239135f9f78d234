// AML transaction monitoring (spec/compliance_risk.md, "Transaction
// monitoring (AML)"): rules over the flows the engine sees, each firing an
// Alert that names its subject account and the accounts it relates.
//
// Monitor is a deterministic state machine the engine can own: it reads no
// clock, no randomness and no files; time comes from Flow::time_ns (the
// sequencer's stamp); it iterates only vectors and fixed rings (the hash map
// is used for lookups only, never iterated), and it uses no floating point
// (amounts are integer minor units; ratios are integer cross-multiplications).
// The same flows in the same order give the same alerts, byte for byte.
//
//   MonitorConfig config;                 // documented defaults below
//   Monitor monitor(config);
//   std::vector<Alert> alerts;
//   monitor.Observe({.from_account = 7, .to_account = 9,
//                    .amount_minor = 950'000, .currency = usd,
//                    .time_ns = batch_time_ns}, &alerts);
//   for (const Alert& a : alerts) OpenCase(a);   // engine integration: later
//
// Rules (RuleName() gives the stable text):
//   structuring     one sender, several amounts just under a reporting
//                   threshold within a window; or one payment split into
//                   several transfers to the same payee within a short window
//   fan_in          many distinct senders to one account within a window
//                   (all senders, or only senders that split their payments)
//   fan_out         one account to many distinct receivers (same two modes)
//   rapid_in_out    money received, then most of it sent on, within a window
//   round_trip      money returning to its origin through 2..6 hops of
//                   matching amounts within a window (bounded graph search)
//   layering        the same amount passing along a chain of >= N accounts
//                   (the open form of a round trip: bounded graph search)
//   corridor_change an account that always paid in some corridors (payee
//                   country, currency) suddenly paying in a new one
//   split_network   accounts linked by split payments (see SplitConfig)
//                   within a window: one alert per network, not per pair
//
// One alert per (rule, account) per window: an account named in an alert of a
// rule (as subject or related) is not the subject of another alert of the
// same rule until that rule's window has passed. So a hub that keeps
// receiving yields one fan-in alert per window, not one per payment. For the
// rules
// that follow a pattern as it grows (fan-in/out of split payments, round
// trips, layering, split networks), accounts that join a pattern whose alert
// is still open come as an update of that alert (Alert::update: same rule
// and subject, only the new accounts), the way new evidence joins an open
// case, instead of as a new alert; the classic counting modes never update.
//
// Bounded memory: at most `max_accounts` account states (the least recently
// active is forgotten first), each with fixed rings of recent edges
// (kEdgesPerDirection each way, coalesced per payee within the split window),
// of split payments and of near-threshold amounts; graph searches visit at
// most `path.max_visits` edges; an alert names at most kMaxRelated related
// accounts. ApproxBytes() bounds the total.
#ifndef MERIDIAN_COMPLIANCE_AML_MONITOR_H_
#define MERIDIAN_COMPLIANCE_AML_MONITOR_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bytes.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::compliance::aml {

inline constexpr int64_t kNsPerSecond = 1'000'000'000;
inline constexpr int64_t kNsPerHour = 3'600 * kNsPerSecond;
inline constexpr int64_t kNsPerDay = 24 * kNsPerHour;

// Countries (core/country.h); 0 is "unknown", which the corridor rule
// ignores.
using ::meridian::Country;
using ::meridian::CountryCode;

// One movement of money between two accounts, as the engine posts it.
struct Flow {
  u128 from_account = 0;
  u128 to_account = 0;
  int64_t amount_minor = 0;  // > 0, minor units of `currency`
  Currency currency;
  // The batch time. Flows come in non-decreasing time; an earlier time is
  // taken as the latest one seen (and counted in Stats::clamped).
  int64_t time_ns = 0;
  CountryCode from_country = 0;  // the payer's country, 0 when unknown
  CountryCode to_country = 0;    // the payee's country, 0 when unknown
};

// Never renumber: alerts are kept and counted by rule.
enum class Rule : uint8_t {
  kStructuring = 0,
  kFanIn = 1,
  kFanOut = 2,
  kRapidInOut = 3,
  kRoundTrip = 4,
  kLayering = 5,
  kCorridorChange = 6,
  kSplitNetwork = 7,
};
inline constexpr size_t kRuleCount = 8;
std::string_view RuleName(Rule rule);  // "structuring", "fan_in", …
std::optional<Rule> RuleFromName(std::string_view name);

inline constexpr size_t kMaxRelated = 16;
// Per account: recent edges each way, split payments each way, and
// near-threshold transfers sent.
inline constexpr size_t kEdgesPerDirection = 16;
inline constexpr size_t kSplitsPerAccount = 8;
inline constexpr size_t kNearThresholdPerAccount = 16;
inline constexpr size_t kCorridorsPerAccount = 8;
inline constexpr int kMaxHops = 6;

struct Alert {
  Rule rule = Rule::kStructuring;
  u128 account = 0;     // the subject
  int64_t time_ns = 0;  // the time of the flow that raised it
  // What the rule measured against its threshold: transfers, distinct
  // counterparties, out-share in percent, hops or accounts. Integer.
  int64_t score = 0;
  std::string reason;  // for people: "5 distinct senders within 30d (>= 4)"
  // The other accounts of the pattern, in the order the rule met them, at
  // most kMaxRelated, never the subject. In an update: only the new ones.
  std::vector<u128> related;
  // True when this adds accounts to the open alert of the same rule and
  // subject raised earlier in the window, rather than opening a new one.
  bool update = false;
};

// One line of text per alert, the form determinism tests compare:
// "fan_in 42 t=86400000000000 score=5 related=[7,9] 5 distinct senders …".
std::string FormatAlert(const Alert& alert);

// What counts as one payment split into several transfers: at least
// `min_transfers` from one sender to one payee, each no more than `window_ns`
// after the first. Feeds structuring, and the split modes of fan-in/out.
// Two same-day payments to one payee are ordinary; three start to look
// like one payment cut up.
struct SplitConfig {
  int64_t window_ns = kNsPerDay;
  int32_t min_transfers = 3;  // 2..1000
};

struct StructuringConfig {
  bool enabled = true;
  // Just under a threshold: amounts in [threshold * (100 - band_pct) / 100,
  // threshold), where threshold is `threshold_major` whole units of the
  // flow's currency (10,000.00 USD; 10,000 JPY: thresholds per currency are
  // policy the engine integration will supply).
  int64_t threshold_major = 10'000;
  int32_t band_pct = 10;      // 1..100
  int32_t min_transfers = 3;  // within window_ns, by one sender; 0: off
  int64_t window_ns = 7 * kNsPerDay;
  // Split form: one sender's transfers to one payee within the split window
  // reaching this count raise an alert (0: off; counted by SplitConfig's
  // window). A single split is weak evidence alone: off by default, the
  // fan-in/out split modes use it as their signal instead.
  int32_t min_split_transfers = 0;
};

// Fan-in (receiving side) and fan-out (sending side) share one shape.
struct FanConfig {
  bool enabled = true;
  int64_t window_ns = 7 * kNsPerDay;
  // Every distinct counterparty counts; 0: this mode is off. At most
  // kEdgesPerDirection (the ring of recent edges is what is counted).
  int32_t min_counterparties = 12;
  // Only counterparties that split their payments (SplitConfig) count, over
  // `split_window_ns`; 0: this mode is off. At most kSplitsPerAccount.
  int32_t min_split_counterparties = 3;
  int64_t split_window_ns = 30 * kNsPerDay;
};

struct RapidInOutConfig {
  bool enabled = true;
  // Money received within `window_ns` before an outgoing transfer, then
  // between min_out_pct and max_out_pct percent of it sent on (in the same
  // currency) since the first of those receipts.
  int64_t window_ns = kNsPerDay;
  int64_t min_in_major = 10'000;  // receipts below this do not count
  int32_t min_out_pct = 90;
  int32_t max_out_pct = 110;
  int32_t min_receipts = 1;  // distinct inbound edges in the window
};

// The bounded search that round_trip and layering share. Two transfers
// "carry the same money" when their amounts (of one transfer each, not of a
// coalesced split) are within `amount_tolerance_bp` basis points of the
// larger one, in the same currency.
struct PathConfig {
  int64_t window_ns = 30 * kNsPerDay;
  int32_t amount_tolerance_bp = 0;  // 0..5000
  // Each hop no earlier than the one before it (money must arrive before it
  // leaves). Off, a hop may precede the one before it within the window: an
  // account with funds can pass money on before it is refunded.
  bool time_ordered = true;
  int32_t max_visits = 512;  // edges looked at per search, 16..100,000
};

struct RoundTripConfig {
  bool enabled = true;
  int32_t max_hops = 6;  // 2..kMaxHops edges around the loop
};

struct LayeringConfig {
  bool enabled = true;
  int32_t min_accounts = 4;  // on the chain, 3..kMaxHops+1
};

// Accounts linked by split payments (either way) within `window_ns`, found
// by a bounded walk over each account's recent split marks from the payee of
// a new split: an alert when the network reaches `min_accounts` (2..17).
// Two payers each splitting into one shop is not yet a network: five.
struct SplitNetworkConfig {
  bool enabled = true;
  int64_t window_ns = 30 * kNsPerDay;
  int32_t min_accounts = 5;
};

struct CorridorChangeConfig {
  bool enabled = true;
  int64_t window_ns = 30 * kNsPerDay;
  // The account paid at least this many times, all in corridors it has used
  // for more than `window_ns`, ...
  int32_t min_history = 10;
  // ... then pays at least this many times in a corridor it first used
  // within the window, together at least min_amount_major.
  int32_t min_new_flows = 3;
  int64_t min_amount_major = 1'000;
};

struct MonitorConfig {
  // Off, Observe only counts the flow: how an operator pauses monitoring
  // without losing the windows gathered so far.
  bool enabled = true;
  // Account states held at once, 16..100,000,000; the least recently active
  // is forgotten first. About 3.7 KB each (ApproxBytesPerAccount): the
  // default bounds the monitor near 0.9 GB.
  uint64_t max_accounts = 250'000;
  SplitConfig split;
  StructuringConfig structuring;
  FanConfig fan_in;
  FanConfig fan_out;
  RapidInOutConfig rapid_in_out;
  PathConfig path;
  RoundTripConfig round_trip;
  LayeringConfig layering;
  CorridorChangeConfig corridor_change;
  SplitNetworkConfig split_network;

  // INVALID_PARAMETER naming the first field out of range.
  Status Validate() const;
};

// Sets one field by its name in MonitorConfig ("fan_in.window",
// "path.amount_tolerance_bp", "layering.enabled", …): integers as digits,
// durations as a number with s, m, h or d ("36h", "7d"), booleans as
// true/false. INVALID_PARAMETER names an unknown field or a bad value; the
// result is not validated (call Validate).
Status SetConfigField(MonitorConfig* config, std::string_view name,
                      std::string_view value);
// Every field SetConfigField knows, "name=value" in its syntax, in order.
std::vector<std::string> DescribeConfig(const MonitorConfig& config);

struct MonitorStats {
  uint64_t flows = 0;
  uint64_t ignored = 0;  // monitoring off, non-positive amount or from == to
  uint64_t clamped = 0;       // time earlier than the latest seen
  uint64_t accounts = 0;      // held now
  uint64_t evicted = 0;       // account states forgotten to stay in bounds
  uint64_t searches_cut = 0;  // graph searches that hit max_visits
  std::array<uint64_t, kRuleCount> alerts{};  // new alerts, not updates
  uint64_t updates = 0;
};

class Monitor {
 public:
  // The config must be valid (Validate); an invalid one stops the process.
  explicit Monitor(const MonitorConfig& config = {});
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;
  ~Monitor();

  // Takes one flow into the windows and appends any alerts it raises to
  // *alerts (which is not cleared).
  void Observe(const Flow& flow, std::vector<Alert>* alerts);

  const MonitorConfig& config() const { return config_; }
  const MonitorStats& stats() const { return stats_; }

  // The canonical encoding of the whole monitor (config, stats, clock and
  // every account state, least recently active first), for engine
  // snapshots: two monitors that saw the same flows encode to the same
  // bytes, and a decoded monitor raises exactly the alerts the original
  // would have. The format is documented at the top of monitor.cc.
  void Serialize(ByteWriter* w) const;
  // DATA_CORRUPTED for malformed bytes. With `config`, the state is taken
  // into that config instead of the encoded one: when it holds fewer
  // accounts, the least recently active are forgotten (counted as evicted).
  static Result<std::unique_ptr<Monitor>> Deserialize(
      ByteReader* r, const MonitorConfig* config = nullptr);
  // The same state under a new (valid) config: how an operator's change of
  // thresholds takes effect without losing the windows.
  static std::unique_ptr<Monitor> Reconfigure(const Monitor& monitor,
                                              const MonitorConfig& config);
  // An upper bound of the memory the state can reach: max_accounts states.
  static size_t ApproxBytesPerAccount();
  size_t ApproxBytes() const;

 private:
  struct AccountState;
  struct Edge;
  struct Search;

  uint32_t Touch(u128 account);
  AccountState* Find(u128 account);
  AccountState& State(uint32_t slot);
  void Link(uint32_t slot);
  void Unlink(uint32_t slot);

  void CheckStructuring(const Flow& f, uint32_t from, uint32_t pair_count,
                        std::vector<Alert>* out);
  void CheckFan(const Flow& f, uint32_t slot, bool inbound, bool split_now,
                std::vector<Alert>* out);
  void CheckRapidInOut(const Flow& f, uint32_t from, std::vector<Alert>* out);
  void CheckPaths(const Flow& f, std::vector<Alert>* out);
  void CheckCorridor(const Flow& f, uint32_t from, std::vector<Alert>* out);

  void CheckSplitNetwork(const Flow& f, std::vector<Alert>* out);

  // Without `grow`: raises the alert unless its subject was named by the
  // rule within `window_ns`. With `grow`: if any of its accounts was, the
  // ones not yet named come as an update of that open alert instead (none:
  // nothing). Marks the accounts it names. True if it emitted anything.
  bool Raise(Alert alert, int64_t window_ns, bool grow,
             std::vector<Alert>* out);

  MonitorConfig config_;
  MonitorStats stats_;
  int64_t now_ns_ = INT64_MIN;
  // Lookup only: never iterated, so its order cannot reach an alert.
  std::unordered_map<u128, uint32_t, U128Hash> index_;
  static constexpr uint32_t kChunk = 1024;  // account states per chunk
  std::vector<std::unique_ptr<AccountState[]>> chunks_;
  uint32_t slot_count_ = 0;
  struct Lru {
    uint32_t prev = UINT32_MAX;
    uint32_t next = UINT32_MAX;
  };
  std::vector<Lru> lru_;            // by slot
  uint32_t lru_head_ = UINT32_MAX;  // most recently active
  uint32_t lru_tail_ = UINT32_MAX;  // next to forget
};

}  // namespace meridian::compliance::aml

#endif  // MERIDIAN_COMPLIANCE_AML_MONITOR_H_
