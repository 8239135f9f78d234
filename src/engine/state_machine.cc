#include "engine/state_machine.h"

#include <algorithm>
#include <cstring>

#include "core/bytes.h"
#include "engine/command.h"

namespace meridian::engine {
namespace {

// Snapshot body header: magic "MRSM", version, then the engine's counters,
// then the ledger's own section (ledger.cc documents it).
constexpr uint32_t kStateMagic = 0x4D53524D;
constexpr uint32_t kStateVersion = 1;

}  // namespace

StateMachine::StateMachine(StateMachineOptions options)
    : options_(options), ledger_(options.ledger_limits) {
  ledger_.Reserve(options.reserve_accounts, options.reserve_transfers);
}

void StateMachine::Apply(const journal::BatchHeader& header,
                         std::span<const std::span<const uint8_t>> commands,
                         std::vector<CommandReply>* replies) {
  MERIDIAN_CHECK(header.seq == applied_seq_ + 1)
      << "batch " << header.seq << " after " << applied_seq_;
  MERIDIAN_CHECK(header.first_command_index == next_command_index_);
  MERIDIAN_CHECK(header.command_count == commands.size());
  next_timestamp_ =
      std::max(next_timestamp_,
               static_cast<uint64_t>(std::max<int64_t>(header.time_ns, 1)));
  for (size_t i = 0; i < commands.size(); ++i) {
    CommandReply reply;
    reply.batch_seq = header.seq;
    reply.command_index = header.first_command_index + i;
    ApplyCommand(commands[i], &reply);
    if (replies != nullptr) replies->push_back(std::move(reply));
  }
  applied_seq_ = header.seq;
  next_command_index_ += commands.size();
  last_batch_time_ns_ = header.time_ns;
  if (options_.check_invariants_every_batch) ledger_.CheckInvariants();
}

void StateMachine::ApplyCommand(std::span<const uint8_t> bytes,
                                CommandReply* reply) {
  reply->first_timestamp = next_timestamp_;
  // Malformed bytes are refused deterministically (the gateway validates
  // first, so this only happens to a hand-crafted journal).
  Result<CommandView> view = ViewCommand(bytes);
  if (!view.ok()) {
    reply->status = view.status();
    ++next_timestamp_;
    return;
  }
  const CommandType type = view->type;
  const uint32_t count = view->count;
  const uint8_t* body = view->body.data();
  const uint64_t ts = next_timestamp_;
  // Holds whose time has come are voided before anything else happens.
  ledger_.ExpirePendingTransfers(ts);
  switch (type) {
    case CommandType::kCreateAccounts:
      accounts_scratch_.resize(count);
      std::memcpy(accounts_scratch_.data(), body,
                  count * sizeof(ledger::Account));
      ledger_.CreateAccounts(accounts_scratch_, ts, &reply->results);
      break;
    case CommandType::kCreateTransfers:
      transfers_scratch_.resize(count);
      std::memcpy(transfers_scratch_.data(), body,
                  count * sizeof(ledger::Transfer));
      ledger_.CreateTransfers(transfers_scratch_, ts, &reply->results);
      break;
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts: {
      bool close = type == CommandType::kCloseAccounts;
      for (uint32_t i = 0; i < count; ++i) {
        u128 id;
        std::memcpy(&id, body + i * sizeof(u128), sizeof id);
        ledger::LedgerResult r = close ? ledger_.CloseAccount(id, ts + i)
                                       : ledger_.ReopenAccount(id, ts + i);
        if (r != ledger::LedgerResult::kOK) reply->results.push_back({i, r});
      }
      break;
    }
  }
  next_timestamp_ = ts + count;
  events_applied_ += count;
}

std::vector<uint8_t> StateMachine::Serialize() const {
  std::vector<uint8_t> out;
  const ledger::LedgerStats stats = ledger_.stats();
  out.reserve(64 + stats.accounts * sizeof(ledger::Account) +
              stats.transfers * sizeof(ledger::Transfer));
  ByteWriter w(&out);
  w.U32(kStateMagic);
  w.U32(kStateVersion);
  w.U64(applied_seq_);
  w.U64(next_command_index_);
  w.I64(last_batch_time_ns_);
  w.U64(next_timestamp_);
  w.U64(events_applied_);
  ledger_.Serialize(&out);
  return out;
}

Sha256Digest StateMachine::StateHash() const {
  std::vector<uint8_t> bytes = Serialize();
  return Sha256(std::span<const uint8_t>(bytes));
}

Result<StateMachine> StateMachine::Deserialize(std::span<const uint8_t> bytes,
                                               StateMachineOptions options) {
  ByteReader r(bytes);
  uint32_t magic = 0, version = 0;
  StateMachine state(options);
  if (!r.U32(&magic) || magic != kStateMagic || !r.U32(&version) ||
      version != kStateVersion) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "engine state: bad magic or unsupported version");
  }
  if (!r.U64(&state.applied_seq_) || !r.U64(&state.next_command_index_) ||
      !r.I64(&state.last_batch_time_ns_) || !r.U64(&state.next_timestamp_) ||
      !r.U64(&state.events_applied_)) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "", "engine state: truncated");
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      state.ledger_, ledger::Ledger::Deserialize(&r, options.ledger_limits));
  state.ledger_.Reserve(options.reserve_accounts, options.reserve_transfers);
  if (r.remaining() != 0) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "engine state: trailing bytes");
  }
  return state;
}

}  // namespace meridian::engine
