// Ledger: the double-entry state machine where all of Meridian's money lives.
//
// Deterministic and single-threaded: the engine applies events in journal
// order with timestamps from the sequencer, and nothing here reads a clock,
// randomness or the disk, so replaying the journal reproduces every balance
// bit for bit. Every transfer moves the same amount onto one account's debits
// and another's credits in the same ledger, so per ledger
//   sum(credits_posted) == sum(debits_posted), and likewise for pending,
// at every event boundary (CheckInvariants() proves it; it is never assumed).
//
//   Ledger ledger(LedgerLimits{});
//   std::vector<EventResult> results;
//   ledger.CreateAccounts(accounts, /*first_timestamp=*/ts, &results);
//   ledger.CreateTransfers(transfers, ts + accounts.size(), &results);
//   // results holds only the events that did not succeed (index, code).
//
// Contract:
// - Each event i of a call is stamped first_timestamp + i; timestamps must
//   strictly increase across calls (CHECKed).
// - Events flagged kTransferLinked (kAccountLinked) form a chain with the next
// event: all
//   succeed or none does. The failing event reports its own code; the rest of
//   its chain report LINKED_EVENT_FAILED; a chain still open at the end of the
//   call reports LINKED_EVENT_CHAIN_OPEN.
// - A failed event changes nothing. An event whose id exists with identical
//   fields answers EXISTS (and changes nothing).
// - Pending transfers expire by sequencer time: ExpirePendingTransfers(now)
//   voids every hold whose timeout has passed; the engine calls it before
//   each command.
#ifndef MERIDIAN_LEDGER_LEDGER_H_
#define MERIDIAN_LEDGER_LEDGER_H_

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"
#include "core/status.h"
#include "ledger/internal/chunked_vector.h"
#include "ledger/internal/id_map.h"
#include "ledger/types.h"

namespace meridian::ledger {

struct LedgerLimits {
  // The engine holds every account and transfer in memory (~200 B each with
  // its index), so these bound its memory: 100 M of each is ~19 GiB, within
  // a 24 GiB machine. Past them, creates answer TOO_MANY_ACCOUNTS /
  // TOO_MANY_TRANSFERS instead of the process running out of memory.
  // (Finished transfers moving to the read model lifts the second.)
  uint32_t max_accounts = 100'000'000;
  uint32_t max_transfers = 100'000'000;
  // An account with kAccountHistory keeps at most this many balance entries;
  // older entries are dropped (and BalanceAsOf before them answers
  // HISTORY_NOT_ENABLED).
  uint32_t max_history_per_account = 1'000'000;
};

// One event that did not succeed: its index in the call and why.
struct EventResult {
  uint32_t index;
  LedgerResult result;
};

// Counters the engine exposes as metrics and the benchmark prints.
struct LedgerStats {
  uint64_t accounts = 0;
  uint64_t transfers = 0;
  uint64_t pending_open = 0;
  uint64_t expired = 0;
  uint64_t memory_bytes = 0;
  // Accounts' share of memory: the records in use plus the whole id index.
  // (Records are allocated in 2 MiB chunks; the unused tail of the last
  // chunk is a fixed cost, not a per-account one, and is left out.)
  uint64_t account_memory_bytes = 0;
};

class Ledger {
 public:
  explicit Ledger(LedgerLimits limits = {});

  // Appends one EventResult to *results for every event that failed.
  void CreateAccounts(std::span<const Account> accounts,
                      uint64_t first_timestamp,
                      std::vector<EventResult>* results);
  void CreateTransfers(std::span<const Transfer> transfers,
                       uint64_t first_timestamp,
                       std::vector<EventResult>* results);
  // Closing refuses new transfers on the account; it needs no open holds.
  LedgerResult CloseAccount(u128 account_id, uint64_t timestamp);
  LedgerResult ReopenAccount(u128 account_id, uint64_t timestamp);

  // Voids every pending transfer whose timeout ended at or before `now`.
  // Returns how many expired. Appends their ids to *expired_ids if given.
  uint64_t ExpirePendingTransfers(uint64_t now,
                                  std::vector<u128>* expired_ids = nullptr);

  const Account* FindAccount(u128 id) const;
  const Transfer* FindTransfer(u128 id) const;
  // Balances as they were just after the last event at or before
  // `timestamp`. Accounts without kAccountHistory answer HISTORY_NOT_ENABLED.
  LedgerResult BalanceAsOf(u128 account_id, uint64_t timestamp,
                           AccountBalance* out) const;

  // Every account and transfer, in creation order.
  size_t account_count() const { return accounts_.size(); }
  size_t transfer_count() const { return transfers_.size(); }
  const Account& account_at(size_t index) const { return accounts_[index]; }
  const Transfer& transfer_at(size_t index) const { return transfers_[index]; }
  uint64_t last_timestamp() const { return last_timestamp_; }
  LedgerStats stats() const;

  // Full O(accounts + transfers) check of the ledger's invariants: per
  // ledger, credits equal debits (posted and pending); no account past its
  // flag plus limit; the open holds add up to the accounts' pending totals.
  // Returns the first violation as DATA_CORRUPTED (for `meridian verify`).
  Status VerifyInvariants() const;
  // The same, CHECK-failing: a broken invariant stops the process.
  void CheckInvariants() const;

  // Canonical encoding of the whole state (also the snapshot body); the
  // state hash is SHA-256 over it.
  void Serialize(std::vector<uint8_t>* out) const;
  static Result<Ledger> Deserialize(ByteReader* reader, LedgerLimits limits);
  Sha256Digest StateHash() const;

  void Reserve(size_t accounts, size_t transfers);

 private:
  // Undo log for linked chains: everything an event changed, to be reverted
  // in reverse order if a later event of its chain fails.
  struct Undo {
    enum class Kind : uint8_t {
      kAccountTotals,
      kAccountInsert,
      kTransferInsert,
      kPendingState,
      kExpiryInsert,
      kExpiryErase,
      kHistoryPush,
      kRequestedAmount,
    };
    Kind kind;
    uint32_t index;       // account or transfer index
    uint64_t key = 0;     // expiry time, for expiry entries
    u128 values[4] = {};  // previous totals, for kAccountTotals
  };

  LedgerResult CreateAccount(const Account& input, uint64_t timestamp);
  LedgerResult SetClosed(u128 account_id, uint64_t timestamp, bool closed);
  LedgerResult CreateTransfer(const Transfer& input, uint64_t timestamp);
  LedgerResult PostOrVoid(const Transfer& input, uint64_t timestamp);
  // Appends a transfer that passed every check (stamping it) and records
  // its undo entries and history; returns its index.
  uint32_t Store(Transfer t, u128 requested_amount, uint64_t timestamp,
                 uint32_t dr_index, uint32_t cr_index);
  LedgerResult CheckExisting(const Transfer& input, const Transfer& stored,
                             uint32_t stored_index) const;
  template <typename Event, typename ApplyFn>
  void ApplyChained(std::span<const Event> events, uint16_t linked_flag,
                    uint64_t first_timestamp, std::vector<EventResult>* results,
                    ApplyFn apply);

  // Mutations that record undo entries while a chain is open.
  void SaveTotals(uint32_t account_index);
  void PushHistory(uint32_t account_index, uint64_t timestamp);
  void SetPendingState(uint32_t transfer_index, PendingState state);
  void ExpiryInsert(uint64_t expires_at, uint32_t transfer_index);
  void ExpiryErase(uint64_t expires_at, uint32_t transfer_index);
  void Rollback(size_t undo_mark);

  static uint64_t ExpiresAt(const Transfer& t) {
    return t.timestamp + static_cast<uint64_t>(t.timeout_s) * 1'000'000'000ull;
  }

  LedgerLimits limits_;
  // 512 KiB chunks: small ledgers stay small (the per-account memory bar);
  // transfers, which grow without end, take 2 MiB huge-page chunks.
  internal::ChunkedVector<Account, 14> accounts_;
  internal::ChunkedVector<Transfer> transfers_;
  internal::IdMap account_index_;
  internal::IdMap transfer_index_;
  // Open holds with a timeout, ordered by (expiry time, transfer index): the
  // order is total, so expiry is deterministic.
  std::set<std::pair<uint64_t, uint32_t>> expiry_;
  // Balance history of kAccountHistory accounts, by account index.
  std::map<uint32_t, std::vector<AccountBalance>> history_;
  // What the client asked for, where it differs from what moved (balancing
  // transfers, posts of the full amount): needed to answer EXISTS exactly.
  std::map<uint32_t, u128> requested_amount_;
  uint64_t last_timestamp_ = 0;
  uint64_t pending_open_ = 0;
  uint64_t expired_total_ = 0;

  bool chain_open_ = false;
  std::vector<Undo> undo_;
};

}  // namespace meridian::ledger

#endif  // MERIDIAN_LEDGER_LEDGER_H_
