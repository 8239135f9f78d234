#include "network/limits.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "network/promotions.h"  // UtcDay, kNsPerDay

namespace meridian::network {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kHour = 3'600 * kSecond;
constexpr int64_t kDay0 = 20'833 * kNsPerDay;  // 2027-01-15 00:00 UTC
constexpr int64_t kT0 = kDay0 + 12 * kHour;
constexpr u128 kWallet = 0xA;
constexpr u128 kUser = 0x77;

// A KR user of tier 1 paying a Thai restaurant.
LimitContext Ctx(int64_t usd_minor, int64_t now_ns = kT0) {
  LimitContext c;
  c.wallet = kWallet;
  c.user = kUser;
  c.tier = 1;
  c.payer_country = Country("KR");
  c.merchant_country = Country("TH");
  c.mcc = 5812;
  c.usd_minor = usd_minor;
  c.now_ns = now_ns;
  return c;
}

std::vector<uint8_t> Bytes(const LimitBook& book) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  book.Serialize(&w);
  return out;
}

LimitBook Restored(const LimitBook& book) {
  std::vector<uint8_t> bytes = Bytes(book);
  ByteReader r(bytes);
  Result<LimitBook> back = LimitBook::Deserialize(&r);
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(r.remaining(), 0u);
  return std::move(back).value();
}

// Commits when Check allows; returns Check's answer.
Status Pay(LimitBook& book, const LimitContext& c, u128 payment_id) {
  Status s = book.Check(c);
  if (s.ok()) book.Commit(c, payment_id);
  return s;
}

TEST(LimitConfigTest, Defaults) {
  LimitConfig d = LimitConfig::Defaults();
  EXPECT_EQ(d.tiers[0].per_payment_usd_minor, 10'000);
  EXPECT_EQ(d.tiers[0].per_day_usd_minor, 20'000);
  EXPECT_EQ(d.tiers[1].per_payment_usd_minor, 100'000);
  EXPECT_EQ(d.tiers[1].per_day_usd_minor, 200'000);
  EXPECT_EQ(d.tiers[2].per_payment_usd_minor, 500'000);
  EXPECT_EQ(d.tiers[2].per_day_usd_minor, 1'000'000);
  EXPECT_EQ(d.tiers[3].per_payment_usd_minor, 2'000'000);
  EXPECT_EQ(d.tiers[3].per_day_usd_minor, 5'000'000);
  EXPECT_EQ(d.mcc_per_payment_usd_minor,
            (std::map<uint16_t, int64_t>{{6051, 0}, {7995, 0}}));
  EXPECT_TRUE(d.corridor_per_day_usd_minor.empty());
  EXPECT_TRUE(ValidateLimitConfig(d).ok());
  EXPECT_EQ(LimitBook().config(), d);
}

TEST(LimitConfigTest, ValidationNamesTheField) {
  struct Case {
    std::function<void(LimitConfig&)> change;
    std::string param;
  };
  const std::vector<Case> cases = {
      {[](LimitConfig& c) { c.tiers[2].per_payment_usd_minor = -1; },
       "tiers[2].perPayment"},
      {[](LimitConfig& c) {
         c.tiers[0].per_payment_usd_minor = kMaxLimitUsdMinor + 1;
       },
       "tiers[0].perPayment"},
      {[](LimitConfig& c) { c.tiers[3].per_day_usd_minor = -5; },
       "tiers[3].perDay"},
      {[](LimitConfig& c) { c.mcc_per_payment_usd_minor[10'000] = 5; },
       "mccLimits"},
      {[](LimitConfig& c) { c.mcc_per_payment_usd_minor[5812] = -1; },
       "mccLimits"},
      {[](LimitConfig& c) {
         for (uint16_t m = 0; m <= kMaxMccLimits; ++m) {
           c.mcc_per_payment_usd_minor[m] = 1;
         }
       },
       "mccLimits"},
      {[](LimitConfig& c) {
         c.corridor_per_day_usd_minor[{Country("kr"), 0}] = 5;
       },
       "corridorLimits"},
      {[](LimitConfig& c) {
         c.corridor_per_day_usd_minor[{0, Country("T1")}] = 5;
       },
       "corridorLimits"},
      {[](LimitConfig& c) {
         c.corridor_per_day_usd_minor[{Country("KR"), Country("TH")}] =
             kMaxLimitUsdMinor + 1;
       },
       "corridorLimits"},
      {[](LimitConfig& c) {
         for (int i = 0; i <= static_cast<int>(kMaxCorridorLimits); ++i) {
           c.corridor_per_day_usd_minor[{
               static_cast<CountryCode>(('A' + i / 26 % 26) << 8 |
                                        ('A' + i % 26)),
               static_cast<CountryCode>(i < 676 ? 0 : Country("TH"))}] = 1;
         }
       },
       "corridorLimits"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    LimitConfig c = LimitConfig::Defaults();
    cases[i].change(c);
    Status v = ValidateLimitConfig(c);
    ASSERT_FALSE(v.ok()) << i;
    EXPECT_EQ(v.code(), ErrorCode::kINVALID_PARAMETER) << i;
    EXPECT_EQ(v.error().param, cases[i].param) << i;
    LimitBook book;
    EXPECT_FALSE(book.SetConfig(c).ok()) << i;
    EXPECT_EQ(book.config(), LimitConfig::Defaults()) << i;  // unchanged
  }
  LimitConfig edge = LimitConfig::Defaults();
  edge.tiers[0] = {0, 0};
  edge.tiers[3] = {kMaxLimitUsdMinor, kMaxLimitUsdMinor};
  edge.mcc_per_payment_usd_minor[9999] = 0;
  edge.corridor_per_day_usd_minor[{0, 0}] = 1;
  EXPECT_TRUE(ValidateLimitConfig(edge).ok());
}

TEST(LimitConfigTest, CodecRoundTripsAndRefusesMalformedBytes) {
  LimitConfig c = LimitConfig::Defaults();
  c.mcc_per_payment_usd_minor[5944] = 50'000;
  c.corridor_per_day_usd_minor[{Country("KR"), Country("TH")}] = 300'000;
  c.corridor_per_day_usd_minor[{0, Country("TH")}] = 400'000;
  std::vector<uint8_t> body = EncodeLimitConfig(c);
  EXPECT_EQ(body.size(), 64 + 4 + 3 * 10 + 4 + 2 * 12);
  Result<LimitConfig> back = DecodeLimitConfig(body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
  for (size_t n = 0; n < body.size(); ++n) {
    Result<LimitConfig> cut =
        DecodeLimitConfig(std::span<const uint8_t>(body.data(), n));
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().param, "command");
  }
  body.push_back(1);
  EXPECT_EQ(DecodeLimitConfig(body).error().param, "command");
  body.pop_back();
  // Keys out of order: the encoding of a config is unique.
  std::vector<uint8_t> swapped = body;
  std::swap_ranges(swapped.begin() + 68, swapped.begin() + 78,
                   swapped.begin() + 78);
  EXPECT_EQ(DecodeLimitConfig(swapped).error().param, "command");
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2'000; ++i) {
    std::vector<uint8_t> junk = body;
    junk[rng() % junk.size()] = rng() & 0xFF;
    junk.resize(rng() % (junk.size() + 4));
    (void)DecodeLimitConfig(junk);
  }
}

// ---------------------------------------------------------------------------
// Each limit, with its exact message

TEST(LimitCheckTest, TierPerPayment) {
  LimitBook book;
  EXPECT_TRUE(book.Check(Ctx(100'000)).ok());
  Status s = book.Check(Ctx(150'000));
  EXPECT_EQ(s.ToString(),
            "LIMIT_EXCEEDED (payer.kycTier): the payment of 1500.00 USD is "
            "over the per-payment limit of 1000.00 USD for KYC tier 1; pay "
            "at most 1000.00 USD at once, or the wallet verifies the user for "
            "a higher tier");
  LimitContext c = Ctx(150'000);
  c.tier = 2;
  EXPECT_TRUE(book.Check(c).ok());
  c.tier = 0;
  c.usd_minor = 10'001;
  EXPECT_EQ(book.Check(c).error().param, "payer.kycTier");
}

TEST(LimitCheckTest, TierPerDayAcrossCorridorsAndTiers) {
  LimitBook book;
  ASSERT_TRUE(Pay(book, Ctx(90'000), 1).ok());
  LimitContext sg = Ctx(90'000);
  sg.merchant_country = Country("SG");
  sg.mcc = 5411;
  ASSERT_TRUE(Pay(book, sg, 2).ok());
  EXPECT_EQ(book.UsedToday(kWallet, kUser, kT0), 180'000);
  Status s = book.Check(Ctx(30'000));
  EXPECT_EQ(s.ToString(),
            "LIMIT_EXCEEDED (payer.kycTier): the payment of 300.00 USD is "
            "over the daily limit of 2000.00 USD for KYC tier 1: 1800.00 USD "
            "paid today (UTC), 200.00 USD left; pay at most 200.00 USD, wait "
            "for the next UTC day, or the wallet verifies the user for a "
            "higher tier");
  EXPECT_TRUE(book.Check(Ctx(20'000)).ok());  // exactly the room left
  // The declared tier sets the limit; what was paid counts whatever tier.
  LimitContext t2 = Ctx(30'000);
  t2.tier = 2;
  EXPECT_TRUE(book.Check(t2).ok());
  LimitContext t0 = Ctx(100);
  t0.tier = 0;
  Status zero = book.Check(t0);
  EXPECT_EQ(zero.error().param, "payer.kycTier");
  EXPECT_NE(zero.error().message.find("0.00 USD left"), std::string::npos);
  // Another user, or the same user id at another wallet, has its own day.
  LimitContext other = Ctx(100'000);
  other.user = kUser + 1;
  EXPECT_TRUE(Pay(book, other, 3).ok());
  other.user = kUser;
  other.wallet = kWallet + 1;
  EXPECT_TRUE(Pay(book, other, 4).ok());
  EXPECT_EQ(book.UsedToday(kWallet, kUser, kT0), 180'000);
}

TEST(LimitCheckTest, MerchantCategory) {
  LimitBook book;
  LimitContext c = Ctx(100);
  c.mcc = 7995;
  EXPECT_EQ(book.Check(c).ToString(),
            "LIMIT_EXCEEDED (mcc): payments to merchant category 7995 are not "
            "allowed through the network");
  c.mcc = 6051;
  EXPECT_EQ(book.Check(c).error().param, "mcc");
  // Blocked means blocked: even a payment that converts to 0 cents.
  c.usd_minor = 0;
  EXPECT_EQ(book.Check(c).error().param, "mcc");
  LimitConfig cfg = LimitConfig::Defaults();
  cfg.mcc_per_payment_usd_minor[5944] = 50'000;  // jewellery
  ASSERT_TRUE(book.SetConfig(cfg).ok());
  c = Ctx(60'000);
  c.mcc = 5944;
  EXPECT_EQ(book.Check(c).ToString(),
            "LIMIT_EXCEEDED (mcc): the payment of 600.00 USD is over the "
            "per-payment limit of 500.00 USD for merchant category 5944; pay "
            "at most 500.00 USD at once");
  c.usd_minor = 50'000;
  EXPECT_TRUE(book.Check(c).ok());
  // The tier's per-payment limit is checked first.
  c.usd_minor = 150'000;
  EXPECT_EQ(book.Check(c).error().param, "payer.kycTier");
}

TEST(LimitCheckTest, CorridorsMostSpecificFirst) {
  LimitBook book;
  LimitConfig cfg = LimitConfig::Defaults();
  const CountryCode kr = Country("KR");
  const CountryCode th = Country("TH");
  cfg.corridor_per_day_usd_minor[{kr, th}] = 50'000;
  cfg.corridor_per_day_usd_minor[{kr, 0}] = 80'000;
  cfg.corridor_per_day_usd_minor[{0, th}] = 120'000;
  cfg.corridor_per_day_usd_minor[{0, 0}] = 150'000;
  ASSERT_TRUE(book.SetConfig(cfg).ok());

  ASSERT_TRUE(Pay(book, Ctx(40'000), 1).ok());  // KR -> TH
  EXPECT_EQ(book.Check(Ctx(20'000)).ToString(),
            "LIMIT_EXCEEDED (corridor): the payment of 200.00 USD is over the "
            "daily limit of 500.00 USD for payments from KR to TH: 400.00 USD "
            "paid today (UTC), 100.00 USD left; pay at most 100.00 USD, wait "
            "for the next UTC day");
  LimitContext sg = Ctx(50'000);  // KR -> SG: only (KR, any) and (any, any)
  sg.merchant_country = Country("SG");
  EXPECT_EQ(book.Check(sg).ToString(),
            "LIMIT_EXCEEDED (corridor): the payment of 500.00 USD is over the "
            "daily limit of 800.00 USD for payments from KR: 400.00 USD paid "
            "today (UTC), 400.00 USD left; pay at most 400.00 USD, wait for "
            "the next UTC day");
  sg.usd_minor = 40'000;
  ASSERT_TRUE(Pay(book, sg, 2).ok());
  EXPECT_EQ(book.UsedTodayIn(kWallet, kUser, {kr, 0}, kT0), 80'000);
  EXPECT_EQ(book.UsedTodayIn(kWallet, kUser, {kr, th}, kT0), 40'000);
  EXPECT_EQ(book.UsedTodayIn(kWallet, kUser, {0, Country("SG")}, kT0), 40'000);
  // A JP payer in TH (same user id: the wallet's user travels): (any, TH).
  LimitContext jp = Ctx(90'000);
  jp.payer_country = Country("JP");
  EXPECT_EQ(book.Check(jp).ToString(),
            "LIMIT_EXCEEDED (corridor): the payment of 900.00 USD is over the "
            "daily limit of 1200.00 USD for payments to TH: 400.00 USD paid "
            "today (UTC), 800.00 USD left; pay at most 800.00 USD, wait for "
            "the next UTC day");
  // ... and (any, any) once everything adds up.
  jp.merchant_country = Country("MY");
  jp.usd_minor = 80'000;
  EXPECT_EQ(book.Check(jp).ToString(),
            "LIMIT_EXCEEDED (corridor): the payment of 800.00 USD is over the "
            "daily limit of 1500.00 USD for payments in all corridors: 800.00 "
            "USD paid today (UTC), 700.00 USD left; pay at most 700.00 USD, "
            "wait for the next UTC day");
  // A blocked corridor.
  cfg.corridor_per_day_usd_minor[{kr, Country("KP")}] = 0;
  ASSERT_TRUE(book.SetConfig(cfg).ok());
  LimitContext kp = Ctx(1);
  kp.merchant_country = Country("KP");
  EXPECT_EQ(book.Check(kp).ToString(),
            "LIMIT_EXCEEDED (corridor): payments from KR to KP are not allowed "
            "through the network");
}

TEST(LimitCheckTest, UnknownCountriesMatchOnlyAnyRules) {
  LimitBook book;
  LimitConfig cfg = LimitConfig::Defaults();
  cfg.corridor_per_day_usd_minor[{0, 0}] = 1'000;
  cfg.corridor_per_day_usd_minor[{Country("KR"), 0}] = 500;
  ASSERT_TRUE(book.SetConfig(cfg).ok());
  LimitContext c = Ctx(900);
  c.payer_country = 0;
  c.merchant_country = 0;
  EXPECT_TRUE(Pay(book, c, 1).ok());
  EXPECT_EQ(book.Check(c).error().param, "corridor");
  EXPECT_NE(book.Check(c).error().message.find("in all corridors"),
            std::string::npos);
}

TEST(LimitCheckTest, AtMost64CorridorsPerUserPerDay) {
  LimitBook book;
  for (int i = 0; i < 64; ++i) {
    LimitContext c = Ctx(1);
    c.merchant_country =
        static_cast<CountryCode>(('A' + i / 26) << 8 | ('A' + i % 26));
    ASSERT_TRUE(Pay(book, c, 1 + i).ok()) << i;
  }
  EXPECT_EQ(book.CorridorsToday(kWallet, kUser, kT0), 64u);
  LimitContext c = Ctx(1);
  c.merchant_country = Country("ZZ");
  EXPECT_EQ(book.Check(c).ToString(),
            "LIMIT_EXCEEDED (corridor): the user has paid in 64 corridors "
            "(payer and merchant country) today (UTC); pay in one of them or "
            "wait for the next UTC day");
  c.merchant_country = Country("AA");  // one already used
  EXPECT_TRUE(book.Check(c).ok());
  EXPECT_TRUE(book.Check(Ctx(1, kT0 + kNsPerDay)).ok());
}

TEST(LimitCheckTest, ARuleAddedTodayCountsWhatWasPaidToday) {
  LimitBook book;
  ASSERT_TRUE(Pay(book, Ctx(90'000), 1).ok());
  LimitConfig cfg = LimitConfig::Defaults();
  cfg.corridor_per_day_usd_minor[{Country("KR"), Country("TH")}] = 100'000;
  ASSERT_TRUE(book.SetConfig(cfg).ok());
  EXPECT_EQ(book.Check(Ctx(20'000)).error().param, "corridor");
  EXPECT_TRUE(book.Check(Ctx(10'000)).ok());
}

TEST(LimitCheckTest, BadInput) {
  LimitBook book;
  LimitContext c = Ctx(100);
  c.tier = 4;
  EXPECT_EQ(book.Check(c).ToString(),
            "INVALID_PARAMETER (payer.kycTier): declare the user's KYC tier: "
            "0 (unverified) to 3");
  c = Ctx(-1);
  EXPECT_EQ(book.Check(c).code(), ErrorCode::kINVALID_AMOUNT);
}

// ---------------------------------------------------------------------------
// Reversal, days, bounds

TEST(LimitBookTest, ReverseGivesTheRoomBack) {
  LimitBook book;
  ASSERT_TRUE(Pay(book, Ctx(100'000), 1).ok());
  ASSERT_TRUE(Pay(book, Ctx(100'000), 2).ok());
  EXPECT_FALSE(book.Check(Ctx(1)).ok());
  book.Reverse(2);
  EXPECT_EQ(book.UsedToday(kWallet, kUser, kT0), 100'000);
  EXPECT_TRUE(book.Check(Ctx(100'000)).ok());
  book.Reverse(2);       // twice: ignored
  book.Reverse(12'345);  // unknown: ignored
  EXPECT_EQ(book.UsedToday(kWallet, kUser, kT0), 100'000);
  book.Commit(Ctx(50'000), 1);  // an id already counted: ignored
  book.Commit(Ctx(50'000), 0);  // id 0: ignored
  EXPECT_EQ(book.UsedToday(kWallet, kUser, kT0), 100'000);
  book.Reverse(1);
  EXPECT_EQ(book.UsedToday(kWallet, kUser, kT0), 0);
  EXPECT_EQ(book.counters(), 0u);
  EXPECT_EQ(book.payments(), 0u);
}

TEST(LimitBookTest, DayRollover) {
  LimitBook book;
  const int64_t late = kDay0 + kNsPerDay - kSecond;
  const int64_t next = kDay0 + kNsPerDay;
  ASSERT_TRUE(Pay(book, Ctx(100'000, late), 1).ok());
  ASSERT_TRUE(Pay(book, Ctx(100'000, late), 2).ok());
  EXPECT_FALSE(book.Check(Ctx(1, late)).ok());
  // Midnight UTC: a new day, with or without Expire.
  EXPECT_TRUE(book.Check(Ctx(100'000, next)).ok());
  EXPECT_EQ(book.UsedToday(kWallet, kUser, next), 0);
  ASSERT_TRUE(Pay(book, Ctx(100'000, next), 3).ok());
  // Before Expire a cancel of yesterday's payment still finds it (and
  // changes only yesterday).
  book.Reverse(1);
  EXPECT_EQ(book.UsedToday(kWallet, kUser, late), 100'000);
  EXPECT_EQ(book.UsedToday(kWallet, kUser, next), 100'000);
  book.Expire(next);
  EXPECT_EQ(book.counters(), 1u);
  EXPECT_EQ(book.payments(), 1u);
  book.Reverse(2);  // yesterday's, dropped: ignored
  EXPECT_EQ(book.UsedToday(kWallet, kUser, next), 100'000);
  EXPECT_EQ(book.UsedToday(kWallet, kUser, late), 0);
}

TEST(LimitBookTest, FullCountersRefuseRatherThanForget) {
  LimitBook book({.max_counters = 2, .max_payments = 3});
  LimitContext a = Ctx(1'000);
  ASSERT_TRUE(Pay(book, a, 1).ok());
  LimitContext b = Ctx(1'000);
  b.user = 2;
  ASSERT_TRUE(Pay(book, b, 2).ok());
  LimitContext c = Ctx(1'000);
  c.user = 3;
  Status full = book.Check(c);
  EXPECT_EQ(full.ToString(),
            "RATE_LIMITED: the network's limit counters are full for today; "
            "retry later");
  // An existing counter still takes payments, until the records are full.
  ASSERT_TRUE(Pay(book, a, 3).ok());
  EXPECT_EQ(book.Check(a).code(), ErrorCode::kRATE_LIMITED);
  book.Expire(kT0 + kNsPerDay);
  EXPECT_TRUE(book.Check(c).ok());
}

// ---------------------------------------------------------------------------
// Snapshots and a random walk against a model

TEST(LimitSnapshotTest, CanonicalAndRestorable) {
  LimitConfig cfg = LimitConfig::Defaults();
  cfg.corridor_per_day_usd_minor[{Country("KR"), 0}] = 150'000;
  LimitBook a;
  LimitBook b;
  ASSERT_TRUE(a.SetConfig(cfg).ok());
  ASSERT_TRUE(b.SetConfig(cfg).ok());
  LimitContext x = Ctx(10'000);
  LimitContext y = Ctx(20'000);
  y.user = 9;
  a.Commit(x, 1);
  a.Commit(y, 2);
  b.Commit(y, 2);
  b.Commit(Ctx(5'000), 3);
  b.Commit(x, 1);
  b.Reverse(3);
  EXPECT_EQ(Bytes(a), Bytes(b));
  LimitBook c = Restored(a);
  EXPECT_EQ(Bytes(c), Bytes(a));
  EXPECT_EQ(c.config(), cfg);
  c.Reverse(1);
  a.Reverse(1);
  EXPECT_EQ(Bytes(c), Bytes(a));

  std::vector<uint8_t> bytes = Bytes(a);
  for (size_t n = 0; n < bytes.size(); ++n) {
    ByteReader r(bytes.data(), n);
    Result<LimitBook> cut = LimitBook::Deserialize(&r);
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().code, ErrorCode::kDATA_CORRUPTED);
  }
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2'000; ++i) {
    std::vector<uint8_t> junk = bytes;
    junk[rng() % junk.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    ByteReader r(junk);
    Result<LimitBook> maybe = LimitBook::Deserialize(&r);
    if (maybe.ok()) {  // carries on without tripping a CHECK
      for (u128 id = 0; id < 4; ++id) maybe->Reverse(id);
      (void)maybe->Check(Ctx(10'000));
      maybe->Expire(kT0 + 2 * kNsPerDay);
    }
  }
}

TEST(LimitPropertyTest, RandomPaymentsNeverPassALimit) {
  std::mt19937_64 rng(17);
  LimitBook book;
  LimitConfig cfg = LimitConfig::Defaults();
  cfg.corridor_per_day_usd_minor[{Country("KR"), Country("TH")}] = 300'000;
  cfg.corridor_per_day_usd_minor[{0, Country("SG")}] = 250'000;
  cfg.mcc_per_payment_usd_minor[5944] = 40'000;
  ASSERT_TRUE(book.SetConfig(cfg).ok());
  const std::vector<CountryCode> payers = {Country("KR"), Country("JP")};
  const std::vector<CountryCode> merchants = {Country("TH"), Country("SG"),
                                              Country("MY")};
  const std::vector<uint16_t> mccs = {5812, 5944, 7995};
  struct Paid {
    LimitContext ctx;
  };
  std::map<u128, Paid> paid;  // the model: live payments
  int64_t now = kT0;
  u128 next = 1;
  int ok = 0;
  int refused = 0;
  for (int step = 0; step < 20'000; ++step) {
    const uint64_t op = rng() % 100;
    if (op < 70) {
      LimitContext c;
      c.wallet = 1 + rng() % 2;
      c.user = 1 + rng() % 10;
      c.tier = static_cast<uint8_t>(rng() % 4);
      c.payer_country = payers[rng() % payers.size()];
      c.merchant_country = merchants[rng() % merchants.size()];
      c.mcc = mccs[rng() % mccs.size()];
      c.usd_minor = static_cast<int64_t>(rng() % 150'000);
      c.now_ns = now;
      Status s = book.Check(c);
      if (!s.ok()) {
        ASSERT_EQ(s.code(), ErrorCode::kLIMIT_EXCEEDED) << s.ToString();
        ++refused;
        continue;
      }
      ++ok;
      book.Commit(c, next);
      paid[next++] = {c};
    } else if (op < 85 && !paid.empty()) {
      auto it = paid.begin();
      std::advance(it, rng() % paid.size());
      book.Reverse(it->first);
      paid.erase(it);
    } else if (op < 100) {
      now += static_cast<int64_t>(rng() % 3) * kHour;
      book.Expire(now);
    }
    // The model: today's totals per (wallet, user) and corridor, from the
    // live payments of today.
    std::map<std::pair<u128, u128>, int64_t> day;
    std::map<std::pair<u128, u128>, int64_t> kr_th;
    std::map<std::pair<u128, u128>, int64_t> to_sg;
    for (const auto& [id, p] : paid) {
      if (UtcDay(p.ctx.now_ns) != UtcDay(now)) continue;
      const auto key = std::make_pair(p.ctx.wallet, p.ctx.user);
      day[key] += p.ctx.usd_minor;
      if (p.ctx.payer_country == Country("KR") &&
          p.ctx.merchant_country == Country("TH")) {
        kr_th[key] += p.ctx.usd_minor;
      }
      if (p.ctx.merchant_country == Country("SG"))
        to_sg[key] += p.ctx.usd_minor;
      EXPECT_LE(p.ctx.usd_minor, cfg.tiers[p.ctx.tier].per_payment_usd_minor);
      EXPECT_NE(p.ctx.mcc, 7995);
      if (p.ctx.mcc == 5944) {
        EXPECT_LE(p.ctx.usd_minor, 40'000);
      }
    }
    for (u128 w = 1; w <= 2; ++w) {
      for (u128 u = 1; u <= 10; ++u) {
        const auto key = std::make_pair(w, u);
        ASSERT_EQ(book.UsedToday(w, u, now), day[key]) << step;
        ASSERT_EQ(book.UsedTodayIn(w, u, {Country("KR"), Country("TH")}, now),
                  kr_th[key]);
        ASSERT_LE(kr_th[key], 300'000);
        ASSERT_LE(to_sg[key], 250'000);
        ASSERT_LE(day[key], cfg.tiers[3].per_day_usd_minor);
      }
    }
    // Forget the model's past days as the book does.
    if (op >= 85) {
      for (auto it = paid.begin(); it != paid.end();) {
        it = UtcDay(it->second.ctx.now_ns) < UtcDay(now) ? paid.erase(it)
                                                         : std::next(it);
      }
      EXPECT_EQ(book.payments(), paid.size());
    }
    if (step % 5'000 == 4'999) {
      LimitBook copy = Restored(book);
      ASSERT_EQ(Bytes(copy), Bytes(book));
      book = std::move(copy);
    }
  }
  EXPECT_GT(ok, 2'000);
  EXPECT_GT(refused, 2'000);
}

}  // namespace
}  // namespace meridian::network
