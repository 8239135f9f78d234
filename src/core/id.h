// Ids: 128-bit, time-ordered, with a typed text form ("acct_01J9ZQ...").
//
// Layout (ULID-like, so that ids sort by creation time):
//   bits 127..80  Unix time in milliseconds (48 bits: until the year 10889)
//   bits  79..0   entropy, or a counter
// Text: "<prefix>_" then the 128 bits as 26 characters of Crockford base32
// (0-9, A-Z without I, L, O, U), most significant first. The prefix says what
// the id names, so a payment id sent where a transfer id belongs is refused
// instead of looked up; the text sorts like the number.
//
//   IdGenerator ids;                       // gateway: wall clock + random
//   u128 id = ids.Next();
//   std::string text = FormatId(IdKind::kTransfer, id);  // "tr_01J9ZQ..."
//   MERIDIAN_ASSIGN_OR_RETURN(
//       u128 parsed, ParseId(IdKind::kTransfer, text, "transfer_id"));
//
//   // engine: derived from the sequencer's time stamp, so replay gives the
//   // same ids.
//   u128 event_id = DeterministicId(command.time_ns, sequence);
//
// Ids are unique, not secret: the entropy comes from a seeded PRNG and a
// client that knows one id can guess its neighbours. Never use an id as a
// credential.
#ifndef MERIDIAN_CORE_ID_H_
#define MERIDIAN_CORE_ID_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/int128.h"
#include "core/status.h"

namespace meridian {

// What an id names. The numbers may be stored in binary formats: append new
// kinds, never renumber.
enum class IdKind : uint8_t {
  kAccount = 1,           // acct
  kTransfer = 2,          // tr
  kPayment = 3,           // pay
  kQuote = 4,             // qt
  kConversion = 5,        // conv
  kRefund = 6,            // rfd
  kParticipant = 7,       // ptc
  kMerchant = 8,          // mer
  kCustomer = 9,          // cus
  kPayout = 10,           // po
  kEvent = 11,            // evt
  kKey = 12,              // key
  kCase = 13,             // case
  kWindow = 14,           // win
  kCommand = 15,          // cmd
  kPrincipal = 16,        // prn
  kWebhookEndpoint = 17,  // we
  kRiskAssessment = 18,   // rsk
  kOrder = 19,            // ord
  kPromotion = 20,        // prm
};

// 26 base32 characters hold 130 bits; the first carries only the top 3.
inline constexpr size_t kIdBase32Chars = 26;
inline constexpr int kIdTimeBits = 48;
inline constexpr int kIdEntropyBits = 80;
inline constexpr int64_t kIdMaxTimeMs = (int64_t{1} << kIdTimeBits) - 1;

// "acct" for kAccount (no underscore).
std::string_view IdPrefix(IdKind kind);
// kAccount for "acct"; nullopt for anything else.
std::optional<IdKind> IdKindFromPrefix(std::string_view prefix);

// "acct_01J9ZQ3V6Q0000000000000000": upper-case base32.
std::string FormatId(IdKind kind, u128 id);

// The inverse of FormatId. The prefix must be exactly IdPrefix(expected) and
// lower case; the base32 part is case-insensitive. Anything else is
// INVALID_ID with `param` (the request field the text came from).
Result<u128> ParseId(IdKind expected, std::string_view text,
                     std::string_view param);

// The creation time an id carries, in Unix milliseconds.
inline int64_t IdTimeMs(u128 id) {
  return static_cast<int64_t>(id >> kIdEntropyBits);
}

// The engine's ids: no clock and no randomness, so replaying the journal
// derives the same ids. The time field is time_ns in milliseconds; the 80
// low bits hold the rest of time_ns (sub-millisecond nanoseconds, 20 bits)
// above `counter` (60 bits). Distinct (time_ns, counter) pairs therefore give
// distinct ids, ordered by time_ns, then counter. time_ns must be >= 0 and
// counter <= kDeterministicIdMaxCounter (2^60 - 1: a million ids a second
// for 36,000 years); both are invariants, checked.
inline constexpr int kDeterministicIdCounterBits = 60;
inline constexpr uint64_t kDeterministicIdMaxCounter =
    (uint64_t{1} << kDeterministicIdCounterBits) - 1;
u128 DeterministicId(int64_t time_ns, uint64_t counter);

// The gateway's ids: the wall clock's millisecond and 80 random bits, drawn
// afresh in each new millisecond and incremented by one within it (ULID's
// monotonic mode), so that ids from one generator strictly increase even
// when many share a millisecond. If the clock steps back, the generator stays
// on the last millisecond it used; if the 80 bits run out within one
// millisecond, it moves on to the next one. Thread-safe.
class IdGenerator {
 public:
  // Unix time in milliseconds.
  using Clock = std::function<int64_t()>;
  // 64 uniformly random bits per call.
  using RandomSource = std::function<uint64_t()>;

  // The system clock, and a std::mt19937_64 seeded from std::random_device.
  IdGenerator();
  IdGenerator(Clock now_ms, RandomSource random);
  IdGenerator(const IdGenerator&) = delete;
  IdGenerator& operator=(const IdGenerator&) = delete;

  u128 Next();

 private:
  u128 FreshEntropy();  // requires mu_

  std::mutex mu_;
  Clock now_ms_;
  RandomSource random_;    // guarded by mu_
  int64_t last_ms_ = -1;   // guarded by mu_
  u128 last_entropy_ = 0;  // guarded by mu_
};

}  // namespace meridian

#endif  // MERIDIAN_CORE_ID_H_
