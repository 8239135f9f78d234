#include "core/id.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <random>

namespace meridian {
namespace {

struct KindInfo {
  IdKind kind;
  std::string_view prefix;
  std::string_view noun;  // for error messages: "a transfer id"
};

constexpr std::array kKinds = {
    KindInfo{IdKind::kAccount, "acct", "an account"},
    KindInfo{IdKind::kTransfer, "tr", "a transfer"},
    KindInfo{IdKind::kPayment, "pay", "a payment"},
    KindInfo{IdKind::kQuote, "qt", "a quote"},
    KindInfo{IdKind::kConversion, "conv", "a conversion"},
    KindInfo{IdKind::kRefund, "rfd", "a refund"},
    KindInfo{IdKind::kParticipant, "ptc", "a participant"},
    KindInfo{IdKind::kMerchant, "mer", "a merchant"},
    KindInfo{IdKind::kCustomer, "cus", "a customer"},
    KindInfo{IdKind::kPayout, "po", "a payout"},
    KindInfo{IdKind::kEvent, "evt", "an event"},
    KindInfo{IdKind::kKey, "key", "a key"},
    KindInfo{IdKind::kCase, "case", "a case"},
    KindInfo{IdKind::kWindow, "win", "a window"},
    KindInfo{IdKind::kCommand, "cmd", "a command"},
    KindInfo{IdKind::kPrincipal, "prn", "a principal"},
    KindInfo{IdKind::kWebhookEndpoint, "we", "a webhook endpoint"},
    KindInfo{IdKind::kRiskAssessment, "rsk", "a risk assessment"},
    KindInfo{IdKind::kOrder, "ord", "an order"},
    KindInfo{IdKind::kPromotion, "prm", "a promotion"},
};

// kKinds[k - 1] describes kind k; IdPrefix relies on it.
constexpr bool KindsAreInOrder() {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (static_cast<size_t>(kKinds[i].kind) != i + 1) return false;
    if (kKinds[i].prefix.empty() || kKinds[i].prefix.size() > 4) return false;
  }
  return true;
}
static_assert(KindsAreInOrder());

const KindInfo& Kind(IdKind kind) {
  size_t index = static_cast<size_t>(kind) - 1;
  // An IdKind outside the enum is a bug (or a corrupt record that should
  // have been refused when it was read), never input.
  MERIDIAN_CHECK(index < kKinds.size()) << "IdKind " << static_cast<int>(kind);
  return kKinds[index];
}

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static_assert(kCrockford.size() == 32);

// Character -> 5-bit value, or -1. Upper and lower case both decode; I, L, O
// and U do not: Crockford lets readers map I/L to 1 and O to 0, but an id is
// copied, not read aloud, and one id should have one spelling.
constexpr std::array<int8_t, 256> BuildDecodeTable() {
  std::array<int8_t, 256> table{};
  for (int8_t& v : table) v = -1;
  for (size_t i = 0; i < kCrockford.size(); ++i) {
    char c = kCrockford[i];
    table[static_cast<uint8_t>(c)] = static_cast<int8_t>(i);
    if (c >= 'A' && c <= 'Z') {
      table[static_cast<uint8_t>(c - 'A' + 'a')] = static_cast<int8_t>(i);
    }
  }
  return table;
}
constexpr std::array<int8_t, 256> kDecode = BuildDecodeTable();

constexpr u128 kEntropyMask = (static_cast<u128>(1) << kIdEntropyBits) - 1;

Error InvalidId(std::string_view param, std::string message) {
  return MakeError(ErrorCode::kINVALID_ID, std::string(param),
                   std::move(message));
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

IdGenerator::RandomSource SeededRandom() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  return [engine = std::mt19937_64(seed)]() mutable { return engine(); };
}

}  // namespace

std::string_view IdPrefix(IdKind kind) { return Kind(kind).prefix; }

std::optional<IdKind> IdKindFromPrefix(std::string_view prefix) {
  for (const KindInfo& k : kKinds) {
    if (k.prefix == prefix) return k.kind;
  }
  return std::nullopt;
}

std::string FormatId(IdKind kind, u128 id) {
  std::string_view prefix = IdPrefix(kind);
  std::string out;
  out.reserve(prefix.size() + 1 + kIdBase32Chars);
  out.append(prefix);
  out.push_back('_');
  for (size_t i = 0; i < kIdBase32Chars; ++i) {
    int shift = static_cast<int>(5 * (kIdBase32Chars - 1 - i));  // 125 .. 0
    out.push_back(kCrockford[static_cast<size_t>((id >> shift) & 31)]);
  }
  return out;
}

Result<u128> ParseId(IdKind expected, std::string_view text,
                     std::string_view param) {
  const KindInfo& want = Kind(expected);
  const std::string what = std::string(want.noun) + " id";
  const std::string shape = std::string(want.prefix) + "_ followed by " +
                            std::to_string(kIdBase32Chars) + " characters";
  const size_t body_start = want.prefix.size() + 1;
  if (text.size() <= want.prefix.size() ||
      text.substr(0, want.prefix.size()) != want.prefix ||
      text[want.prefix.size()] != '_') {
    // Name the kind that was sent when it is one of ours: the usual mistake
    // is a valid id in the wrong field.
    std::optional<IdKind> sent =
        IdKindFromPrefix(text.substr(0, text.find('_')));
    if (sent.has_value()) {
      return InvalidId(param, "expected " + what + " (" + shape + "), got " +
                                  std::string(Kind(*sent).noun) + " id");
    }
    return InvalidId(param, "expected " + what + ": " + shape);
  }
  std::string_view body = text.substr(body_start);
  if (body.size() != kIdBase32Chars) {
    return InvalidId(
        param, what + " is " + shape + "; got " + std::to_string(body.size()));
  }
  u128 id = 0;
  for (char c : body) {
    int8_t v = kDecode[static_cast<uint8_t>(c)];
    if (v < 0) {
      return InvalidId(param, what + " is " + shape +
                                  " from 0-9 and A-Z except I, L, O and U");
    }
    id = (id << 5) | static_cast<u128>(v);
  }
  // 26 characters hold 130 bits: the first may only use the low 3.
  if (kDecode[static_cast<uint8_t>(body[0])] > 7) {
    return InvalidId(param, what +
                                " is out of range: the first character "
                                "after " +
                                std::string(want.prefix) + "_ must be 0-7");
  }
  return id;
}

u128 DeterministicId(int64_t time_ns, uint64_t counter) {
  // The sequencer's clock never precedes 1970, and the engine's counters
  // come from its own state: either limit broken is a bug, not input.
  MERIDIAN_CHECK(time_ns >= 0) << "time_ns " << time_ns;
  MERIDIAN_CHECK(counter <= kDeterministicIdMaxCounter)
      << "counter " << counter;
  const u128 ms = static_cast<u128>(time_ns / 1'000'000);
  const u128 sub_ms_ns = static_cast<u128>(time_ns % 1'000'000);
  static_assert(999'999 < (1 << (kIdEntropyBits - kDeterministicIdCounterBits)),
                "sub-millisecond nanoseconds must fit above the counter");
  return (ms << kIdEntropyBits) | (sub_ms_ns << kDeterministicIdCounterBits) |
         counter;
}

IdGenerator::IdGenerator() : IdGenerator(SystemNowMs, SeededRandom()) {}

IdGenerator::IdGenerator(Clock now_ms, RandomSource random)
    : now_ms_(std::move(now_ms)), random_(std::move(random)) {
  MERIDIAN_CHECK(now_ms_ != nullptr && random_ != nullptr);
}

u128 IdGenerator::FreshEntropy() {
  u128 high = random_();
  u128 low = random_();
  return ((high << 64) | low) & kEntropyMask;
}

u128 IdGenerator::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  // A clock before 1970 is broken; treat it as 1970 and let monotonicity
  // carry on from there rather than mint ids with a wrapped time field.
  int64_t now_ms = std::max<int64_t>(now_ms_(), 0);
  if (now_ms > last_ms_) {
    last_ms_ = now_ms;
    last_entropy_ = FreshEntropy();
  } else if (last_entropy_ < kEntropyMask) {
    ++last_entropy_;  // same millisecond, or the clock stepped back
  } else {
    ++last_ms_;  // 2^80 ids in one millisecond: borrow the next one
    last_entropy_ = FreshEntropy();
  }
  MERIDIAN_CHECK(last_ms_ <= kIdMaxTimeMs) << "clock at " << last_ms_ << " ms";
  return (static_cast<u128>(last_ms_) << kIdEntropyBits) | last_entropy_;
}

}  // namespace meridian
