#include "engine/command.h"

#include <cstring>
#include <string>

#include "core/bytes.h"

namespace meridian::engine {
namespace {

std::vector<uint8_t> Encode(CommandType type, uint32_t count, const void* body,
                            size_t body_bytes) {
  MERIDIAN_CHECK(count >= 1 && count <= kMaxEventsPerCommand) << count;
  std::vector<uint8_t> out;
  out.reserve(kCommandHeaderBytes + body_bytes);
  ByteWriter w(&out);
  w.U16(static_cast<uint16_t>(type));
  w.U16(kCommandVersion);
  w.U32(count);
  w.Raw(body, body_bytes);
  return out;
}

size_t EventBytes(CommandType type) {
  switch (type) {
    case CommandType::kCreateAccounts:
      return sizeof(ledger::Account);
    case CommandType::kCreateTransfers:
      return sizeof(ledger::Transfer);
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts:
      return sizeof(u128);
  }
  return 0;
}

Error Malformed(std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   std::move(message));
}

}  // namespace

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
  }
  return 0;
}

Status ValidateCommandShape(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  uint16_t type = 0, version = 0;
  uint32_t count = 0;
  if (!r.U16(&type) || !r.U16(&version) || !r.U32(&count)) {
    return Malformed("a command starts with an 8-byte header");
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
  return Status::Ok();
}

Result<DecodedCommand> DecodeCommand(std::span<const uint8_t> bytes) {
  MERIDIAN_RETURN_IF_ERROR(ValidateCommandShape(bytes));
  DecodedCommand out;
  uint16_t type = 0;
  uint32_t count = 0;
  std::memcpy(&type, bytes.data(), 2);
  std::memcpy(&count, bytes.data() + 4, 4);
  out.type = static_cast<CommandType>(type);
  const uint8_t* body = bytes.data() + kCommandHeaderBytes;
  switch (out.type) {
    case CommandType::kCreateAccounts:
      out.accounts.resize(count);
      std::memcpy(out.accounts.data(), body, count * sizeof(ledger::Account));
      break;
    case CommandType::kCreateTransfers:
      out.transfers.resize(count);
      std::memcpy(out.transfers.data(), body, count * sizeof(ledger::Transfer));
      break;
    case CommandType::kCloseAccounts:
    case CommandType::kReopenAccounts:
      out.ids.resize(count);
      std::memcpy(out.ids.data(), body, count * sizeof(u128));
      break;
  }
  return out;
}

}  // namespace meridian::engine
