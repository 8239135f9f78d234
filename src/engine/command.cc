#include "engine/command.h"

#include <cstring>
#include <string>

#include "core/bytes.h"

namespace meridian::engine {
namespace {

size_t EventBytes(CommandType type) {
  switch (type) {
    case CommandType::kCreateAccounts:
      return sizeof(ledger::Account);
    case CommandType::kCreateTransfers:
      return sizeof(ledger::Transfer);
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts:
      return sizeof(u128);
    default:
      return 0;
  }
}

Error Malformed(std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   std::move(message));
}

std::vector<uint8_t> Encode(CommandType type, uint32_t count, const void* body,
                            size_t body_bytes) {
  std::vector<uint8_t> out = NewCommand(type, count);
  MERIDIAN_CHECK(out.size() == kCommandHeaderBytes + body_bytes);
  std::memcpy(out.data() + kCommandHeaderBytes, body, body_bytes);
  return out;
}

}  // namespace

bool IsApiCommand(CommandType type) {
  switch (type) {
    case CommandType::kCreatePrincipal:
    case CommandType::kCreateApiKey:
    case CommandType::kRevokeApiKey:
    case CommandType::kCreateWebhookEndpoint:
    case CommandType::kDeleteWebhookEndpoint:
    case CommandType::kSendTestEvent:
    case CommandType::kRecordDeliveries:
    case CommandType::kIdempotent:
      return true;
    default:
      return IsFxCommand(type) || IsComplianceCommand(type) ||
             IsRiskCommand(type) || IsNetworkCommand(type);
  }
}

bool IsComplianceCommand(CommandType type) {
  return type == CommandType::kHoldForReview ||
         type == CommandType::kDecideCase ||
         type == CommandType::kSetAmlConfig;
}

bool IsRiskCommand(CommandType type) {
  return type == CommandType::kSetRiskRules ||
         type == CommandType::kSetRiskModel ||
         type == CommandType::kAssessPayment ||
         type == CommandType::kReportRiskOutcome;
}

bool IsNetworkCommand(CommandType type) {
  const auto t = static_cast<uint16_t>(type);
  return t >= static_cast<uint16_t>(CommandType::kCreateParticipant) &&
         t <= static_cast<uint16_t>(CommandType::kNetworkTick);
}

bool IsFxCommand(CommandType type) {
  switch (type) {
    case CommandType::kSetFxRates:
    case CommandType::kSetFxPricing:
    case CommandType::kCreateFxQuote:
    case CommandType::kCreateFxConversion:
    case CommandType::kSetInterestRates:
      return true;
    default:
      return false;
  }
}

std::vector<uint8_t> NewApiCommand(CommandType type,
                                   std::span<const uint8_t> body) {
  MERIDIAN_CHECK(IsApiCommand(type));
  std::vector<uint8_t> out;
  out.reserve(kCommandHeaderBytes + body.size());
  ByteWriter w(&out);
  w.U16(static_cast<uint16_t>(type));
  w.U16(kCommandVersion);
  w.U32(1);
  w.Raw(body.data(), body.size());
  return out;
}

std::vector<uint8_t> NewCommand(CommandType type, uint32_t count) {
  MERIDIAN_CHECK(count >= 1 && count <= kMaxEventsPerCommand) << count;
  std::vector<uint8_t> out;
  out.reserve(kCommandHeaderBytes + count * EventBytes(type));
  ByteWriter w(&out);
  w.U16(static_cast<uint16_t>(type));
  w.U16(kCommandVersion);
  w.U32(count);
  out.resize(kCommandHeaderBytes + count * EventBytes(type));
  return out;
}

std::vector<uint8_t> EncodeCreateAccounts(
    std::span<const ledger::Account> accounts) {
  return Encode(CommandType::kCreateAccounts,
                static_cast<uint32_t>(accounts.size()), accounts.data(),
                accounts.size_bytes());
}

std::vector<uint8_t> EncodeCreateTransfers(
    std::span<const ledger::Transfer> transfers) {
  return Encode(CommandType::kCreateTransfers,
                static_cast<uint32_t>(transfers.size()), transfers.data(),
                transfers.size_bytes());
}

std::vector<uint8_t> EncodeCloseAccounts(std::span<const u128> ids) {
  return Encode(CommandType::kCloseAccounts, static_cast<uint32_t>(ids.size()),
                ids.data(), ids.size_bytes());
}

std::vector<uint8_t> EncodeReopenAccounts(std::span<const u128> ids) {
  return Encode(CommandType::kReopenAccounts, static_cast<uint32_t>(ids.size()),
                ids.data(), ids.size_bytes());
}

uint32_t DecodedCommand::count() const {
  switch (type) {
    case CommandType::kCreateAccounts:
      return static_cast<uint32_t>(accounts.size());
    case CommandType::kCreateTransfers:
      return static_cast<uint32_t>(transfers.size());
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts:
      return static_cast<uint32_t>(ids.size());
    default:
      return 1;
  }
}

Result<CommandView> ViewCommand(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  uint16_t type = 0, version = 0;
  uint32_t count = 0;
  if (!r.U16(&type) || !r.U16(&version) || !r.U32(&count)) {
    return Malformed("a command starts with an 8-byte header");
  }
  if (IsApiCommand(static_cast<CommandType>(type))) {
    if (version != kCommandVersion) {
      return Malformed("unsupported command version " +
                       std::to_string(version));
    }
    if (count != 1) return Malformed("an API command carries one event");
    const uint32_t limit =
        static_cast<CommandType>(type) == CommandType::kIdempotent
            ? kMaxCommandBytes
            : kMaxApiCommandBodyBytes;
    if (r.remaining() == 0 || r.remaining() > limit) {
      return Malformed("an API command body is 1 to " + std::to_string(limit) +
                       " bytes");
    }
    return CommandView{static_cast<CommandType>(type), count,
                       bytes.subspan(kCommandHeaderBytes)};
  }
  size_t event_bytes = EventBytes(static_cast<CommandType>(type));
  if (event_bytes == 0) {
    return Malformed("unknown command type " + std::to_string(type));
  }
  if (version != kCommandVersion) {
    return Malformed("unsupported command version " + std::to_string(version));
  }
  if (count == 0 || count > kMaxEventsPerCommand) {
    return Malformed("a command carries 1 to " +
                     std::to_string(kMaxEventsPerCommand) + " events, not " +
                     std::to_string(count));
  }
  if (r.remaining() != count * event_bytes) {
    return Malformed("the body length does not match the event count");
  }
  return CommandView{static_cast<CommandType>(type), count,
                     bytes.subspan(kCommandHeaderBytes)};
}

Status ValidateCommandShape(std::span<const uint8_t> bytes) {
  return ViewCommand(bytes).status();
}

Result<DecodedCommand> DecodeCommand(std::span<const uint8_t> bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(CommandView view, ViewCommand(bytes));
  DecodedCommand out;
  out.type = view.type;
  switch (view.type) {
    case CommandType::kCreateAccounts:
      out.accounts.resize(view.count);
      std::memcpy(out.accounts.data(), view.body.data(), view.body.size());
      break;
    case CommandType::kCreateTransfers:
      out.transfers.resize(view.count);
      std::memcpy(out.transfers.data(), view.body.data(), view.body.size());
      break;
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts:
      out.ids.resize(view.count);
      std::memcpy(out.ids.data(), view.body.data(), view.body.size());
      break;
    default:  // API commands: api_commands.h decodes their bodies
      break;
  }
  return out;
}

}  // namespace meridian::engine
