// The ledger's records: accounts, transfers and their result codes.
//
// Both records are fixed 128-byte layouts with no implicit padding (checked
// below), so they can be copied to and from journal commands and snapshots
// byte for byte and hashed deterministically. Amounts and totals are 128-bit
// counts of a currency's minor unit; a ledger is one currency (its ISO 4217
// numeric code).
//
//   Transfer t{};
//   t.id = id; t.debit_account_id = a; t.credit_account_id = b;
//   t.amount = 1000; t.ledger = 840; t.code = 1;
//   t.flags = kTransferPending; t.timeout_s = 60;
#ifndef MERIDIAN_LEDGER_TYPES_H_
#define MERIDIAN_LEDGER_TYPES_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "core/int128.h"

namespace meridian::ledger {

// Account flags.
inline constexpr uint16_t kAccountDebitsMustNotExceedCredits = 1 << 0;
inline constexpr uint16_t kAccountCreditsMustNotExceedDebits = 1 << 1;
// Keep every balance change so BalanceAsOf() can answer for any time.
inline constexpr uint16_t kAccountHistory = 1 << 2;
// Set by the engine (CloseAccount), never by a client.
inline constexpr uint16_t kAccountClosed = 1 << 3;
// Succeeds or fails together with the next account of the same command.
inline constexpr uint16_t kAccountLinked = 1 << 4;
inline constexpr uint16_t kAccountClientFlags =
    kAccountDebitsMustNotExceedCredits | kAccountCreditsMustNotExceedDebits |
    kAccountHistory | kAccountLinked;

struct Account {
  u128 id;
  u128 debits_pending;
  u128 debits_posted;
  u128 credits_pending;
  u128 credits_posted;
  // How far past its balance flag the account may go: with
  // kAccountDebitsMustNotExceedCredits, debits (posted + pending) may exceed
  // credits posted by at most `limit` (a participant's net debit cap).
  u128 limit;
  u128 user_data;      // the owner (principal id) or any reference
  uint64_t timestamp;  // creation, from the sequencer; 0 on input
  uint32_t ledger;     // ISO 4217 numeric code of the currency
  uint16_t code;       // what the account is for (wallet position, fees, …)
  uint16_t flags;
};
static_assert(sizeof(Account) == 128);
static_assert(std::has_unique_object_representations_v<Account>);

// Transfer flags.
inline constexpr uint16_t kTransferLinked = 1 << 0;
inline constexpr uint16_t kTransferPending = 1 << 1;
inline constexpr uint16_t kTransferPostPending = 1 << 2;
inline constexpr uint16_t kTransferVoidPending = 1 << 3;
inline constexpr uint16_t kTransferBalancingDebit = 1 << 4;
inline constexpr uint16_t kTransferBalancingCredit = 1 << 5;
inline constexpr uint16_t kTransferAllFlags =
    kTransferLinked | kTransferPending | kTransferPostPending |
    kTransferVoidPending | kTransferBalancingDebit | kTransferBalancingCredit;

// State of a pending transfer (0 for any other transfer).
enum class PendingState : uint8_t {
  kNone = 0,
  kPending = 1,
  kPosted = 2,
  kVoided = 3,
  kExpired = 4,
};

struct Transfer {
  u128 id;
  u128 debit_account_id;
  u128 credit_account_id;
  // For a post: 0 posts the full pending amount. For balancing transfers: the
  // most that may move; the stored transfer holds what actually moved.
  u128 amount;
  u128 pending_id;     // the hold a post or void resolves
  u128 user_data;      // the payment, conversion, … it belongs to
  uint64_t timestamp;  // from the sequencer; 0 on input
  uint32_t ledger;
  uint32_t timeout_s;  // pending only: expires after this much sequencer time
  uint16_t code;
  uint16_t flags;
  PendingState state;  // set by the engine; kNone on input
  uint8_t reserved[11];
};
static_assert(sizeof(Transfer) == 128);
static_assert(std::has_unique_object_representations_v<Transfer>);

// Balances of an account at one moment.
struct AccountBalance {
  uint64_t timestamp;
  u128 debits_pending;
  u128 debits_posted;
  u128 credits_pending;
  u128 credits_posted;
};

// Result of one account or transfer. Values are stable (they are journaled in
// replies and shown through the API): append, never renumber.
#define MERIDIAN_LEDGER_RESULTS(X)                        \
  X(OK, 0)                                                \
  X(LINKED_EVENT_FAILED, 1)                               \
  X(LINKED_EVENT_CHAIN_OPEN, 2)                           \
  X(TIMESTAMP_MUST_BE_ZERO, 3)                            \
  X(RESERVED_FIELD, 4)                                    \
  X(RESERVED_FLAG, 5)                                     \
  X(ID_MUST_NOT_BE_ZERO, 6)                               \
  X(FLAGS_ARE_MUTUALLY_EXCLUSIVE, 7)                      \
  X(LEDGER_MUST_NOT_BE_ZERO, 8)                           \
  X(CODE_MUST_NOT_BE_ZERO, 9)                             \
  X(EXISTS, 10)                                           \
  X(ID_EXISTS_WITH_DIFFERENT_FIELDS, 11)                  \
  X(LIMIT_REQUIRES_BALANCE_FLAG, 12)                      \
  X(DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO, 13)                \
  X(CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO, 14)               \
  X(ACCOUNTS_MUST_BE_DIFFERENT, 15)                       \
  X(PENDING_ID_MUST_BE_ZERO, 16)                          \
  X(PENDING_ID_MUST_NOT_BE_ZERO, 17)                      \
  X(PENDING_ID_MUST_BE_DIFFERENT, 18)                     \
  X(TIMEOUT_RESERVED_FOR_PENDING_TRANSFER, 19)            \
  X(AMOUNT_MUST_NOT_BE_ZERO, 20)                          \
  X(DEBIT_ACCOUNT_NOT_FOUND, 21)                          \
  X(CREDIT_ACCOUNT_NOT_FOUND, 22)                         \
  X(ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER, 23)               \
  X(LEDGER_MISMATCH, 24)                                  \
  X(DEBIT_ACCOUNT_CLOSED, 25)                             \
  X(CREDIT_ACCOUNT_CLOSED, 26)                            \
  X(PENDING_TRANSFER_NOT_FOUND, 27)                       \
  X(PENDING_TRANSFER_NOT_PENDING, 28)                     \
  X(PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID, 29)  \
  X(PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID, 30) \
  X(PENDING_TRANSFER_HAS_DIFFERENT_LEDGER, 31)            \
  X(PENDING_TRANSFER_HAS_DIFFERENT_CODE, 32)              \
  X(EXCEEDS_PENDING_TRANSFER_AMOUNT, 33)                  \
  X(PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT, 34)            \
  X(PENDING_TRANSFER_ALREADY_POSTED, 35)                  \
  X(PENDING_TRANSFER_ALREADY_VOIDED, 36)                  \
  X(PENDING_TRANSFER_EXPIRED, 37)                         \
  X(OVERFLOWS_DEBITS_PENDING, 38)                         \
  X(OVERFLOWS_CREDITS_PENDING, 39)                        \
  X(OVERFLOWS_DEBITS_POSTED, 40)                          \
  X(OVERFLOWS_CREDITS_POSTED, 41)                         \
  X(OVERFLOWS_TIMEOUT, 42)                                \
  X(EXCEEDS_CREDITS, 43)                                  \
  X(EXCEEDS_DEBITS, 44)                                   \
  X(ACCOUNT_NOT_FOUND, 45)                                \
  X(ACCOUNT_ALREADY_CLOSED, 46)                           \
  X(ACCOUNT_NOT_CLOSED, 47)                               \
  X(ACCOUNT_HAS_PENDING_TRANSFERS, 48)                    \
  X(HISTORY_NOT_ENABLED, 49)                              \
  X(TOO_MANY_ACCOUNTS, 50)                                \
  X(TOO_MANY_TRANSFERS, 51)

enum class LedgerResult : uint16_t {
#define MERIDIAN_LEDGER_RESULT_ENUM(name, value) k##name = value,
  MERIDIAN_LEDGER_RESULTS(MERIDIAN_LEDGER_RESULT_ENUM)
#undef MERIDIAN_LEDGER_RESULT_ENUM
};

// "EXCEEDS_CREDITS" for LedgerResult::kEXCEEDS_CREDITS.
std::string_view LedgerResultName(LedgerResult result);
std::optional<LedgerResult> LedgerResultFromName(std::string_view name);

}  // namespace meridian::ledger

#endif  // MERIDIAN_LEDGER_TYPES_H_
