// StateMachine: the deterministic heart of the engine.
//
// It applies journal batches to the in-memory domain state (today the
// ledger) and produces one reply per command. Given the same batches it
// produces the same state, bit for bit: it reads no clock (time is the
// batch's sequencer stamp), no randomness, no network, no disk, and iterates
// nothing in hash order. Replaying the journal from the start, or from a
// snapshot, therefore reproduces every balance; StateHash() proves it.
//
//   StateMachine state;
//   std::vector<CommandReply> replies;
//   state.Apply(batch.header, batch.commands, &replies);
//   Sha256Digest h = state.StateHash();
//
// Time: every event gets a unique timestamp. The first event of a batch is
// stamped max(batch time, previous event + 1) and each later event one
// nanosecond after the one before, so timestamps identify events and never
// go backwards, even if the sequencer's clock does.
#ifndef MERIDIAN_ENGINE_STATE_MACHINE_H_
#define MERIDIAN_ENGINE_STATE_MACHINE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "compliance/aml/monitor.h"
#include "compliance/cases.h"
#include "core/hash.h"
#include "core/status.h"
#include "engine/api_state.h"
#include "engine/command.h"
#include "fx/fx_state.h"
#include "journal/journal.h"
#include "ledger/ledger.h"
#include "network/limits.h"
#include "network/network_book.h"
#include "network/promotions.h"
#include "risk/risk_book.h"

namespace meridian::engine {

// The engine's answer to one command.
struct CommandReply {
  // Not ok when the command never reached the ledger: malformed bytes
  // (INVALID_PARAMETER), or refused before the journal (QUEUE_FULL,
  // SHUTTING_DOWN; then batch_seq is 0).
  Status status;
  uint64_t batch_seq = 0;
  uint64_t command_index = 0;
  uint64_t first_timestamp = 0;  // event i was stamped first_timestamp + i
  // Only the events that did not succeed, in index order.
  std::vector<ledger::EventResult> results;
  // The object an API command created (principal, key, endpoint, event).
  u128 object_id = 0;
  // The record the command made, when its answer needs more than an id:
  // an FX quote or conversion (encoded as fx/fx_commands.h says).
  std::vector<uint8_t> payload;
  // An idempotent repeat: every field above is the first reply's.
  bool replayed = false;
};

// What a batch changed, for the layers that follow the engine: the read
// model's indexer, the webhook worker, the gateway's key cache. Filled only
// when Apply is given one.
struct BatchOutput {
  uint64_t batch_seq = 0;
  int64_t batch_time_ns = 0;
  std::vector<ledger::Account> accounts;    // created, as stored
  std::vector<ledger::Transfer> transfers;  // created, as stored
  ApiOutput api;
  std::vector<fx::Conversion> conversions;  // made
  std::vector<compliance::Case> cases;      // opened or decided
  std::vector<network::Payment> payments;   // made or changed (last state)
  std::vector<network::Refund> refunds;     // made
  void Clear() {
    cases.clear();
    payments.clear();
    refunds.clear();
    accounts.clear();
    transfers.clear();
    api.Clear();
    conversions.clear();
  }
};

struct StateMachineOptions {
  ledger::LedgerLimits ledger_limits;
  // Run Ledger::CheckInvariants() after every batch: O(accounts), for tests.
  bool check_invariants_every_batch = false;
  // Capacity planning: room for this many accounts and transfers up front,
  // so the id indexes never rehash (a pause of the engine thread) below it.
  uint64_t reserve_accounts = 0;
  uint64_t reserve_transfers = 0;
  ApiLimits api_limits;
  fx::FxLimits fx_limits;
  compliance::CaseLimits case_limits;
  network::NetworkLimits network_limits;
};

class StateMachine {
 public:
  explicit StateMachine(StateMachineOptions options = {});

  // Applies one batch. CHECKs that batches arrive in sequence. Appends one
  // reply per command to *replies (if given).
  // Fills *output (if given, after clearing it) with the batch's effects.
  void Apply(const journal::BatchHeader& header,
             std::span<const std::span<const uint8_t>> commands,
             std::vector<CommandReply>* replies, BatchOutput* output = nullptr);

  const ledger::Ledger& ledger() const { return ledger_; }
  const ApiState& api() const { return api_; }
  const fx::FxState& fx() const { return fx_; }
  const compliance::CaseBook& cases() const { return cases_; }
  // The transaction monitor: every posted transfer between two accounts
  // that are not the hub's own (FX liquidity and fees) is a flow it sees;
  // each new alert opens an AML_ALERT case (compliance/cases.h).
  const compliance::aml::Monitor& aml() const { return *aml_; }
  // Alerts that found the case book full (CaseLimits): counted, never
  // allowed to fail the payment that raised them.
  uint64_t aml_alerts_dropped() const { return aml_alerts_dropped_; }
  // Fraud risk: the scorer, recent assessments, merchants' figures.
  const risk::RiskBook& risk() const { return risk_; }
  // The wallet interconnect: participants, merchants, payments.
  const network::NetworkBook& network() const { return network_; }
  const network::PromotionBook& promotions() const { return promotions_; }
  const network::LimitBook& payer_limits() const { return limits_; }
  uint64_t applied_seq() const { return applied_seq_; }
  uint64_t next_command_index() const { return next_command_index_; }
  int64_t last_batch_time_ns() const { return last_batch_time_ns_; }
  uint64_t events_applied() const { return events_applied_; }

  // The canonical encoding of the whole state: the snapshot body.
  std::vector<uint8_t> Serialize() const;
  static Result<StateMachine> Deserialize(std::span<const uint8_t> bytes,
                                          StateMachineOptions options = {});
  // SHA-256 of Serialize().
  Sha256Digest StateHash() const;

 private:
  // `principal` is the caller for commands inside an idempotency envelope
  // (0 otherwise): the owner of events the command emits.
  void ApplyCommand(std::span<const uint8_t> bytes, u128 principal,
                    CommandReply* reply);
  void ApplyIdempotent(std::span<const uint8_t> body, CommandReply* reply);
  void ApplyApiCommand(CommandType type, std::span<const uint8_t> body,
                       u128 principal, CommandReply* reply);
  // Returns how many event timestamps the command used (at least 1).
  uint64_t ApplyFxCommand(CommandType type, std::span<const uint8_t> body,
                          u128 principal, CommandReply* reply);
  uint64_t ApplyComplianceCommand(CommandType type,
                                  std::span<const uint8_t> body, u128 principal,
                                  CommandReply* reply);
  uint64_t ApplyRiskCommand(CommandType type, std::span<const uint8_t> body,
                            u128 principal, CommandReply* reply);
  void OpenRiskReviewCase(const risk::AssessmentRecord& r, int64_t now_ns);
  // The wallet interconnect (network_engine.cc).
  uint64_t ApplyNetworkCommand(CommandType type, std::span<const uint8_t> body,
                               u128 principal, CommandReply* reply);
  uint64_t PayMpm(std::span<const uint8_t> body, u128 principal,
                  CommandReply* reply);
  uint64_t PayCpm(std::span<const uint8_t> body, u128 principal,
                  CommandReply* reply);
  uint64_t ResolveCpm(std::span<const uint8_t> body, u128 principal,
                      CommandReply* reply);
  uint64_t RefundPayment(std::span<const uint8_t> body, u128 principal,
                         CommandReply* reply);
  uint64_t CancelPayment(std::span<const uint8_t> body, u128 principal,
                         CommandReply* reply);
  uint64_t ApplyPromotionCommand(CommandType type,
                                 std::span<const uint8_t> body, u128 principal,
                                 CommandReply* reply);
  // What paying `amount_minor` to `merchant` costs the wallet now; with
  // `fx_quote` set the FX quote is remembered under that id (a network
  // quote), else priced only.
  Result<network::Pricing> PriceNetworkPayment(
      const network::Participant& wallet, const network::Merchant& merchant,
      int64_t amount_minor, u128 user, u128 fx_quote, u128 reservation,
      int64_t reservation_expires_ns, int64_t now_ns);
  // The amount in US dollar minor units at mid (stale rates allowed);
  // nullopt without a rate.
  std::optional<int64_t> UsdMinor(Currency c, int64_t amount_minor,
                                  int64_t now_ns) const;
  // CPM holds that lapsed: the payment fails and both sides hear of it.
  void ExpireNetwork(int64_t now_ns);
  // A case that holds a network payment was decided: before the ledger
  // resolves the holds (Prepare), and after.
  void PrepareNetworkCaseDecision(const compliance::Case& c, bool release);
  void OnNetworkCaseDecided(const compliance::Case& c, bool release,
                            int64_t now_ns);
  // Posts or voids a payment's holds; false when the ledger refused.
  bool ResolveHolds(network::Payment& p, bool post, uint64_t ts);
  // The payment settles in the books after its chain posted: FX book,
  // promotion, status; emits `type` to the sides asked.
  void FinishPayment(network::Payment& p, bool success, ErrorCode why,
                     int64_t now_ns, bool tell_wallet, bool tell_acquirer);
  void EmitPayment(EventType type, const network::Payment& p,
                   bool tell_wallet, bool tell_acquirer);
  void RecordPayment(network::Payment p);
  // Emits `type` with the case record to its subject, if subscribed.
  void EmitCaseEvent(EventType type, const compliance::Case& c);
  void EmitLedgerEvents(u128 principal, size_t accounts_before,
                        size_t transfers_before);
  // Feeds the transfers created since `transfers_before` to the monitor
  // and turns its alerts into cases.
  void MonitorFlows(size_t transfers_before);
  void OpenAmlCase(const compliance::aml::Alert& alert,
                   const ledger::Transfer& cause, uint32_t n);

  StateMachineOptions options_;
  ledger::Ledger ledger_;
  ApiState api_;
  fx::FxState fx_;
  compliance::CaseBook cases_;
  std::unique_ptr<compliance::aml::Monitor> aml_;
  uint64_t aml_alerts_dropped_ = 0;
  risk::RiskBook risk_;
  network::NetworkBook network_;
  network::PromotionBook promotions_;
  network::LimitBook limits_;
  std::vector<compliance::aml::Alert> alerts_scratch_;
  // The batch being applied.
  int64_t batch_time_ns_ = 0;
  BatchOutput* output_ = nullptr;
  uint64_t applied_seq_ = 0;
  uint64_t next_command_index_ = 0;
  int64_t last_batch_time_ns_ = 0;
  uint64_t next_timestamp_ = 1;
  uint64_t events_applied_ = 0;

  // Scratch reused across commands: commands are copied out of the journal
  // buffer (which is not 16-byte aligned) into these.
  std::vector<ledger::Account> accounts_scratch_;
  std::vector<ledger::Transfer> transfers_scratch_;
};

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_STATE_MACHINE_H_
