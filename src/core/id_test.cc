#include "core/id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace meridian {
namespace {

constexpr IdKind kAllKinds[] = {
    IdKind::kAccount,     IdKind::kTransfer,       IdKind::kPayment,
    IdKind::kQuote,       IdKind::kConversion,     IdKind::kRefund,
    IdKind::kParticipant, IdKind::kMerchant,       IdKind::kCustomer,
    IdKind::kPayout,      IdKind::kEvent,          IdKind::kKey,
    IdKind::kCase,        IdKind::kWindow,         IdKind::kCommand,
    IdKind::kPrincipal,   IdKind::kWebhookEndpoint, IdKind::kRiskAssessment};

u128 Make(uint64_t high, uint64_t low) {
  return (static_cast<u128>(high) << 64) | low;
}

void ExpectInvalid(const Result<u128>& r, std::string_view message_part) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kINVALID_ID);
  EXPECT_EQ(r.error().param, "transfer_id");
  EXPECT_NE(r.error().message.find(message_part), std::string::npos)
      << r.error().message;
}

TEST(IdTest, Prefixes) {
  EXPECT_EQ(IdPrefix(IdKind::kAccount), "acct");
  EXPECT_EQ(IdPrefix(IdKind::kTransfer), "tr");
  EXPECT_EQ(IdPrefix(IdKind::kPayment), "pay");
  EXPECT_EQ(IdPrefix(IdKind::kQuote), "qt");
  EXPECT_EQ(IdPrefix(IdKind::kConversion), "conv");
  EXPECT_EQ(IdPrefix(IdKind::kRefund), "rfd");
  EXPECT_EQ(IdPrefix(IdKind::kParticipant), "ptc");
  EXPECT_EQ(IdPrefix(IdKind::kMerchant), "mer");
  EXPECT_EQ(IdPrefix(IdKind::kCustomer), "cus");
  EXPECT_EQ(IdPrefix(IdKind::kPayout), "po");
  EXPECT_EQ(IdPrefix(IdKind::kEvent), "evt");
  EXPECT_EQ(IdPrefix(IdKind::kKey), "key");
  EXPECT_EQ(IdPrefix(IdKind::kCase), "case");
  EXPECT_EQ(IdPrefix(IdKind::kWindow), "win");
  EXPECT_EQ(IdPrefix(IdKind::kCommand), "cmd");
  for (IdKind kind : kAllKinds) {
    EXPECT_EQ(IdKindFromPrefix(IdPrefix(kind)), kind);
  }
  EXPECT_EQ(IdKindFromPrefix("ACCT"), std::nullopt);
  EXPECT_EQ(IdKindFromPrefix(""), std::nullopt);
}

TEST(IdTest, KnownEncodings) {
  EXPECT_EQ(FormatId(IdKind::kAccount, 0), "acct_00000000000000000000000000");
  EXPECT_EQ(FormatId(IdKind::kTransfer, kU128Max),
            "tr_7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  EXPECT_EQ(FormatId(IdKind::kPayment, 1), "pay_00000000000000000000000001");
  EXPECT_EQ(FormatId(IdKind::kPayment, 32), "pay_00000000000000000000000010");
  // The ULID spec's example: time 1469918176385 ms.
  u128 ulid = static_cast<u128>(1469918176385) << 80;
  EXPECT_EQ(FormatId(IdKind::kEvent, ulid), "evt_01ARYZ6S410000000000000000");
  EXPECT_EQ(IdTimeMs(ulid), 1469918176385);
}

TEST(IdTest, RoundTrips) {
  std::vector<u128> ids = {0,
                           1,
                           kU128Max,
                           Make(0x0123456789ABCDEFull, 0xFEDCBA9876543210ull),
                           Make(UINT64_MAX, 0),
                           DeterministicId(1'700'000'000'123'456'789, 42)};
  IdGenerator gen;
  for (int i = 0; i < 100; ++i) ids.push_back(gen.Next());
  for (IdKind kind : kAllKinds) {
    for (u128 id : ids) {
      std::string text = FormatId(kind, id);
      EXPECT_EQ(text.size(), IdPrefix(kind).size() + 1 + kIdBase32Chars);
      Result<u128> parsed = ParseId(kind, text, "id");
      ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error().ToString();
      EXPECT_TRUE(*parsed == id) << text;
    }
  }
}

TEST(IdTest, ParsingIsCaseInsensitiveInTheBase32Part) {
  u128 id = Make(0x0123456789ABCDEFull, 0xFEDCBA9876543210ull);
  std::string text = FormatId(IdKind::kTransfer, id);
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  ASSERT_NE(lower, text);
  EXPECT_TRUE(*ParseId(IdKind::kTransfer, lower, "transfer_id") == id);
}

TEST(IdTest, TextSortsLikeTheNumber) {
  std::vector<u128> ids;
  for (uint64_t i = 0; i < 64; ++i) {
    ids.push_back(Make(i * 0x9E3779B97F4A7C15ull, ~i * 0xC2B2AE3D27D4EB4Full));
  }
  std::sort(ids.begin(), ids.end());
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(FormatId(IdKind::kEvent, ids[i - 1]),
              FormatId(IdKind::kEvent, ids[i]));
  }
}

TEST(IdTest, ParseRefusesMalformedText) {
  const std::string good = FormatId(IdKind::kTransfer, 12345);
  ASSERT_TRUE(ParseId(IdKind::kTransfer, good, "transfer_id").ok());
  auto parse = [](std::string_view text) {
    return ParseId(IdKind::kTransfer, text, "transfer_id");
  };
  ExpectInvalid(parse(""), "expected a transfer id: tr_ followed by 26");
  ExpectInvalid(parse("tr"), "expected a transfer id");
  ExpectInvalid(parse("TR_" + good.substr(3)), "expected a transfer id");
  ExpectInvalid(parse("trx" + good.substr(2)), "expected a transfer id");
  ExpectInvalid(parse(good.substr(3)), "expected a transfer id");
  ExpectInvalid(parse(FormatId(IdKind::kPayment, 12345)),
                "expected a transfer id (tr_ followed by 26 characters), got "
                "a payment id");
  ExpectInvalid(parse("tr_"), "got 0");
  ExpectInvalid(parse(good.substr(0, good.size() - 1)), "got 25");
  ExpectInvalid(parse(good + "0"), "got 27");
  ExpectInvalid(parse(good + std::string(100000, '0')), "got 100026");
  for (char bad :
       {'I', 'L', 'O', 'U', 'i', 'l', 'o', 'u', '-', '_', ' ', '\0', '\xff'}) {
    std::string text = good;
    text[10] = bad;
    ExpectInvalid(parse(text), "except I, L, O and U");
  }
  // 26 characters hold 130 bits: a first character above 7 overflows.
  ExpectInvalid(parse("tr_80000000000000000000000000"), "out of range");
  ExpectInvalid(parse("tr_Z0000000000000000000000000"), "out of range");
  EXPECT_TRUE(*parse("tr_7ZZZZZZZZZZZZZZZZZZZZZZZZZ") == kU128Max);
}

TEST(IdTest, DeterministicIds) {
  const int64_t t = 1'700'000'000'123'456'789;  // ns
  EXPECT_TRUE(DeterministicId(t, 7) == DeterministicId(t, 7));
  EXPECT_EQ(IdTimeMs(DeterministicId(t, 7)), 1'700'000'000'123);
  EXPECT_LT(DeterministicId(t, 7), DeterministicId(t, 8));
  const uint64_t max = kDeterministicIdMaxCounter;
  EXPECT_LT(DeterministicId(t, max), DeterministicId(t + 1, 0));
  EXPECT_LT(DeterministicId(t, max), DeterministicId(t + 1'000'000, 0));
  EXPECT_LT(DeterministicId(t - 1, max), DeterministicId(t, 0));
  EXPECT_TRUE(DeterministicId(0, 0) == 0);
  EXPECT_EQ(IdTimeMs(DeterministicId(INT64_MAX, max)), INT64_MAX / 1'000'000);
  // The millisecond boundary: 999'999 ns into one ms sorts before the next.
  const int64_t ms_start = 1'700'000'000'123'000'000;
  EXPECT_LT(DeterministicId(ms_start - 1, max), DeterministicId(ms_start, 0));
  EXPECT_EQ(IdTimeMs(DeterministicId(ms_start - 1, max)), 1'700'000'000'122);
  // Sub-millisecond nanoseconds and the counter never collide.
  std::set<u128> seen;
  for (int64_t ns = 0; ns < 3; ++ns) {
    for (uint64_t counter = 0; counter < 3; ++counter) {
      EXPECT_TRUE(seen.insert(DeterministicId(t + ns, counter)).second);
    }
  }
}

TEST(IdDeathTest, DeterministicIdLimitsAreInvariants) {
  EXPECT_DEATH((void)DeterministicId(-1, 0), "time_ns >= 0");
  EXPECT_DEATH((void)DeterministicId(0, kDeterministicIdMaxCounter + 1),
               "counter <= kDeterministicIdMaxCounter");
}

// `threads` threads each take `per_thread` ids from one generator.
std::vector<std::vector<u128>> GenerateConcurrently(IdGenerator& gen,
                                                    int threads,
                                                    int per_thread) {
  std::vector<std::vector<u128>> out(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      out[t].reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) out[t].push_back(gen.Next());
    });
  }
  for (std::thread& worker : workers) worker.join();
  return out;
}

TEST(IdGeneratorTest, UsesTheClockAndFreshEntropyEachMillisecond) {
  int64_t now_ms = 1'700'000'000'000;
  uint64_t draws = 0;
  IdGenerator gen([&] { return now_ms; }, [&] { return ++draws; });
  u128 a = gen.Next();
  EXPECT_EQ(IdTimeMs(a), now_ms);
  EXPECT_TRUE((a & ((u128{1} << 80) - 1)) == ((u128{1} << 64) | 2));
  u128 b = gen.Next();  // same millisecond: +1, no new draw
  EXPECT_TRUE(b == a + 1);
  EXPECT_EQ(draws, 2u);
  now_ms += 1;
  u128 c = gen.Next();
  EXPECT_EQ(IdTimeMs(c), now_ms);
  EXPECT_EQ(draws, 4u);
  // The clock steps back: stay on the last millisecond and keep counting.
  now_ms -= 500;
  u128 d = gen.Next();
  EXPECT_EQ(IdTimeMs(d), now_ms + 500);
  EXPECT_TRUE(d == c + 1);
}

TEST(IdGeneratorTest, BorrowsTheNextMillisecondWhenEntropyRunsOut) {
  const int64_t now_ms = 1'700'000'000'000;
  IdGenerator gen([&] { return now_ms; }, [] { return UINT64_MAX; });
  u128 a = gen.Next();
  EXPECT_TRUE((a & ((u128{1} << 80) - 1)) == ((u128{1} << 80) - 1));
  u128 b = gen.Next();
  EXPECT_LT(a, b);
  EXPECT_EQ(IdTimeMs(b), now_ms + 1);
}

TEST(IdGeneratorTest, WallClockIdsCarryTheCurrentTime) {
  IdGenerator gen;
  int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  u128 id = gen.Next();
  int64_t after = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  EXPECT_GE(IdTimeMs(id), before);
  EXPECT_LE(IdTimeMs(id), after);
  // Two generators draw different entropy.
  IdGenerator other;
  EXPECT_FALSE(gen.Next() == other.Next());
}

// Several threads share one generator whose clock stands still: every id is
// in one millisecond, so uniqueness and order rest on the increment alone.
TEST(IdGeneratorTest, MonotonicAndUniqueUnderConcurrency) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  std::atomic<int64_t> now_ms{1'700'000'000'000};
  IdGenerator gen([&] { return now_ms.load(); },
                  [] {
                    static std::atomic<uint64_t> seed{0x243F6A8885A308D3ull};
                    return seed.fetch_add(0x9E3779B97F4A7C15ull);
                  });
  std::vector<std::vector<u128>> per_thread =
      GenerateConcurrently(gen, kThreads, kPerThread);

  std::vector<u128> all;
  for (const std::vector<u128>& ids : per_thread) {
    for (size_t i = 1; i < ids.size(); ++i) {
      ASSERT_LT(ids[i - 1], ids[i]) << "not monotonic at " << i;
    }
    all.insert(all.end(), ids.begin(), ids.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.size(), size_t{kThreads} * kPerThread);
  // One draw, then increments: the ids are consecutive numbers.
  EXPECT_TRUE(all.back() - all.front() == all.size() - 1);
  EXPECT_EQ(IdTimeMs(all.front()), now_ms.load());
}

TEST(IdGeneratorTest, UniqueAcrossMillisecondsUnderConcurrency) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  IdGenerator gen;  // the real clock and entropy
  std::vector<std::vector<u128>> per_thread =
      GenerateConcurrently(gen, kThreads, kPerThread);
  std::vector<u128> all;
  for (const std::vector<u128>& ids : per_thread) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    all.insert(all.end(), ids.begin(), ids.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

}  // namespace
}  // namespace meridian
