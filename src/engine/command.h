// Commands: what the gateway asks the engine to do, as journaled bytes.
//
// A command is the unit the journal stores and the Merkle tree proves. Its
// encoding is fixed little-endian:
//
//   offset 0  u16 type        (CommandType)
//   offset 2  u16 version     (1)
//   offset 4  u32 count       (events in the body, 1..kMaxEventsPerCommand)
//   offset 8  body:
//     kCreateAccounts   count x 128-byte ledger::Account  (layout:
//     ledger/types.h) kCreateTransfers  count x 128-byte ledger::Transfer
//     kCloseAccounts,
//     kReopenAccounts   count x 16-byte account id
//     API commands      one variable-length event (api_commands.h); an
//                       idempotency envelope holds a whole command
//
//   std::vector<uint8_t> bytes = EncodeCreateTransfers(transfers);
//   Result<DecodedCommand> command = DecodeCommand(bytes);
//
// Decoding validates shape only (type, version, count, length); the ledger
// decides whether each event is allowed.
#ifndef MERIDIAN_ENGINE_COMMAND_H_
#define MERIDIAN_ENGINE_COMMAND_H_

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "ledger/types.h"

namespace meridian::engine {

enum class CommandType : uint16_t {
  kCreateAccounts = 1,
  kCreateTransfers = 2,
  kCloseAccounts = 3,
  kReopenAccounts = 4,
  // The API's commands (api_commands.h documents their bodies): one
  // variable-length event each.
  kCreatePrincipal = 5,
  kCreateApiKey = 6,
  kRevokeApiKey = 7,
  kCreateWebhookEndpoint = 8,
  kDeleteWebhookEndpoint = 9,
  kSendTestEvent = 10,
  kRecordDeliveries = 11,
  // FX (fx/fx_commands.h documents their bodies).
  kSetFxRates = 12,
  kSetFxPricing = 13,
  kCreateFxQuote = 14,
  kCreateFxConversion = 15,
  kIdempotent = 16,
  kSetInterestRates = 17,
  // Compliance (compliance/cases.h documents their bodies).
  kHoldForReview = 18,
  kDecideCase = 19,
  kSetAmlConfig = 20,
  // Risk (risk/risk_book.h documents their bodies).
  kSetRiskRules = 21,
  kSetRiskModel = 22,
  kAssessPayment = 23,
  kReportRiskOutcome = 24,
  // Network (network/network_commands.h documents their bodies).
  kCreateParticipant = 25,
  kCreateMerchant = 26,
  kCreateOrder = 27,
  kCreateNetQuote = 28,
  kPayMpm = 29,
  kPayCpm = 30,
  kResolveCpm = 31,
  kRefundPayment = 32,
  kCancelPayment = 33,
  kCloseWindow = 34,
  kCreatePromotion = 35,
  kEndPromotion = 36,
  kSetPayerLimits = 37,
  kNetworkTick = 38,
};

// True for the variable-length API commands (count is always 1).
bool IsApiCommand(CommandType type);
// True for the FX commands among them.
bool IsFxCommand(CommandType type);
// True for the compliance commands among them.
bool IsComplianceCommand(CommandType type);
// True for the risk commands among them.
bool IsRiskCommand(CommandType type);
// True for the network commands among them.
bool IsNetworkCommand(CommandType type);
inline constexpr uint32_t kMaxApiCommandBodyBytes = 256 << 10;

inline constexpr uint16_t kCommandVersion = 1;
inline constexpr uint32_t kCommandHeaderBytes = 8;
// TigerBeetle's 8,190 per request leaves the journal record near 1 MiB; we
// allow the same order of magnitude.
inline constexpr uint32_t kMaxEventsPerCommand = 8190;
inline constexpr uint32_t kMaxCommandBytes =
    kCommandHeaderBytes + kMaxEventsPerCommand * sizeof(ledger::Transfer) +
    1024;  // room for an idempotency envelope around the largest command

// The header of a command of `count` events followed by a zeroed body for
// the caller to fill (the Encode* functions below, or a client building
// events in place).
std::vector<uint8_t> NewCommand(CommandType type, uint32_t count);
// The header and a copy of `body` for a variable-length API command.
std::vector<uint8_t> NewApiCommand(CommandType type,
                                   std::span<const uint8_t> body);

std::vector<uint8_t> EncodeCreateAccounts(
    std::span<const ledger::Account> accounts);
std::vector<uint8_t> EncodeCreateTransfers(
    std::span<const ledger::Transfer> transfers);
std::vector<uint8_t> EncodeCloseAccounts(std::span<const u128> ids);
std::vector<uint8_t> EncodeReopenAccounts(std::span<const u128> ids);

// A decoded command: the events copied out of the (unaligned) journal bytes.
struct DecodedCommand {
  CommandType type;
  std::vector<ledger::Account> accounts;
  std::vector<ledger::Transfer> transfers;
  std::vector<u128> ids;
  uint32_t count() const;
};

// A command's header fields and its body, without copying: the one parser
// every reader of command bytes goes through.
struct CommandView {
  CommandType type;
  uint32_t count;
  std::span<const uint8_t> body;  // count fixed-size events
};

// INVALID_PARAMETER (param "command") with what is wrong, for bytes that are
// not a well-formed command.
Result<CommandView> ViewCommand(std::span<const uint8_t> bytes);
Result<DecodedCommand> DecodeCommand(std::span<const uint8_t> bytes);
// The same checks without copying the events: what the gateway runs before
// it queues a command.
Status ValidateCommandShape(std::span<const uint8_t> bytes);

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_COMMAND_H_
