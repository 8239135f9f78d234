#include "network/promotions.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/amount.h"

namespace meridian::network {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kHour = 3'600 * kSecond;
// 2027-01-15 00:00:00 UTC, a day boundary; kT0 is noon that day.
constexpr int64_t kDay0 = 20'833 * kNsPerDay;
constexpr int64_t kT0 = kDay0 + 12 * kHour;
constexpr u128 kOperator = 1;
constexpr u128 kWalletA = 0xA;
constexpr u128 kWalletB = 0xB;
constexpr u128 kFunder = 0xF0;

Currency Thb() { return *Currency::FromCode("THB"); }
Currency Sgd() { return *Currency::FromCode("SGD"); }

// 10 % off THB payments, no cap, a 1,000.00 THB budget, for a month.
PromotionSpec Spec(u128 id) {
  PromotionSpec s;
  s.id = id;
  s.created_by = kOperator;
  s.funder = kFunder;
  s.name = "Songkran 10%";
  s.currency = Thb();
  s.discount_type = DiscountType::kPercent;
  s.percent_bps = 1'000;
  s.budget_minor = 100'000;
  s.starts_ns = kT0 - kHour;
  s.ends_ns = kT0 + 30 * kNsPerDay;
  return s;
}

PaymentContext Ctx(u128 user, int64_t amount_minor, int64_t now_ns = kT0) {
  PaymentContext c;
  c.wallet = kWalletA;
  c.user = user;
  c.merchant_country = Country("TH");
  c.mcc = 5812;
  c.currency = Thb();
  c.amount_minor = amount_minor;
  c.max_discount_minor = amount_minor - 1;
  c.now_ns = now_ns;
  return c;
}

std::vector<uint8_t> Bytes(const PromotionBook& book) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  book.Serialize(&w);
  return out;
}

PromotionBook Restored(const PromotionBook& book) {
  std::vector<uint8_t> bytes = Bytes(book);
  ByteReader r(bytes);
  Result<PromotionBook> back = PromotionBook::Deserialize(&r);
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(r.remaining(), 0u);
  return std::move(back).value();
}

// ---------------------------------------------------------------------------
// The discount rule

TEST(PromotionDiscountTest, PercentFloorsThenCaps) {
  PromotionSpec s = Spec(1);
  EXPECT_EQ(DiscountFor(s, 35'000), 3'500);
  EXPECT_EQ(DiscountFor(s, 9), 0);  // floor(0.9)
  EXPECT_EQ(DiscountFor(s, 19), 1);
  s.percent_bps = 333;
  EXPECT_EQ(DiscountFor(s, 10'000), 333);
  EXPECT_EQ(DiscountFor(s, 10'001), 333);  // 333.0333 floored
  s.cap_minor = 200;
  EXPECT_EQ(DiscountFor(s, 10'000), 200);
  s.percent_bps = 10'000;
  s.cap_minor = 0;
  EXPECT_EQ(DiscountFor(s, 4'242), 4'242);  // 100 %: the whole amount
  // No overflow on the largest amounts.
  EXPECT_EQ(DiscountFor(s, Amount::kMaxMinorUnits), Amount::kMaxMinorUnits);
  EXPECT_EQ(DiscountFor(s, 0), 0);
  EXPECT_EQ(DiscountFor(s, -5), 0);
}

TEST(PromotionDiscountTest, FixedIsAtMostTheAmount) {
  PromotionSpec s = Spec(1);
  s.discount_type = DiscountType::kFixed;
  s.percent_bps = 0;
  s.fixed_minor = 5'000;
  EXPECT_EQ(DiscountFor(s, 35'000), 5'000);
  EXPECT_EQ(DiscountFor(s, 3'000), 3'000);
}

TEST(PromotionDiscountTest, CallerMaximumAndBudgetLeftCapTheOffer) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.discount_type = DiscountType::kFixed;
  s.percent_bps = 0;
  s.fixed_minor = 100;
  s.budget_minor = 250;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  PaymentContext c = Ctx(7, 1'000);
  c.max_discount_minor = 60;
  EXPECT_EQ(book.Best(c)->discount_minor, 60);
  c.max_discount_minor = 0;
  EXPECT_FALSE(book.Best(c).has_value());
  c.max_discount_minor = 999;
  ASSERT_EQ(book.Apply(c, 100)->discount_minor, 100);
  ASSERT_EQ(book.Apply(c, 101)->discount_minor, 100);
  // Only 50 left: the last discount is partial.
  EXPECT_EQ(book.Best(c)->discount_minor, 50);
}

// ---------------------------------------------------------------------------
// Validation

struct Case {
  std::string what;
  std::function<void(PromotionSpec&)> change;
  std::string param;
};

TEST(PromotionValidationTest, EveryFieldNamesItself) {
  auto percent_to_fixed = [](PromotionSpec& s) {
    s.discount_type = DiscountType::kFixed;
    s.percent_bps = 0;
    s.fixed_minor = 500;
  };
  const std::vector<Case> cases = {
      {"id 0", [](PromotionSpec& s) { s.id = 0; }, "id"},
      {"no creator", [](PromotionSpec& s) { s.created_by = 0; }, "createdBy"},
      {"no funder", [](PromotionSpec& s) { s.funder = 0; }, "funder"},
      {"empty name", [](PromotionSpec& s) { s.name = ""; }, "name"},
      {"65 bytes", [](PromotionSpec& s) { s.name = std::string(65, 'x'); },
       "name"},
      {"control", [](PromotionSpec& s) { s.name = "a\nb"; }, "name"},
      {"DEL", [](PromotionSpec& s) { s.name = "a\x7f"; }, "name"},
      {"bad UTF-8", [](PromotionSpec& s) { s.name = "caf\xe9"; }, "name"},
      {"truncated UTF-8", [](PromotionSpec& s) { s.name = "\xe0\xb8"; },
       "name"},
      {"overlong", [](PromotionSpec& s) { s.name = "\xc0\xaf"; }, "name"},
      {"surrogate", [](PromotionSpec& s) { s.name = "\xed\xa0\x80"; }, "name"},
      {"C1 control", [](PromotionSpec& s) { s.name = "\xc2\x85"; }, "name"},
      {"no currency", [](PromotionSpec& s) { s.currency = Currency(); },
       "currency"},
      {"257 wallets",
       [](PromotionSpec& s) {
         for (u128 w = 1; w <= 257; ++w) s.wallets.push_back(w);
       },
       "eligibleWallets"},
      {"wallet 0",
       [](PromotionSpec& s) {
         s.wallets = {kWalletA, 0};
       },
       "eligibleWallets"},
      {"wallet twice",
       [](PromotionSpec& s) {
         s.wallets = {kWalletA, kWalletB, kWalletA};
       },
       "eligibleWallets"},
      {"country lower case",
       [](PromotionSpec& s) { s.merchant_countries = {Country("th")}; },
       "merchantCountries"},
      {"country 0", [](PromotionSpec& s) { s.merchant_countries = {0}; },
       "merchantCountries"},
      {"country twice",
       [](PromotionSpec& s) {
         s.merchant_countries = {Country("TH"), Country("TH")};
       },
       "merchantCountries"},
      {"257 countries",
       [](PromotionSpec& s) {
         for (int i = 0; i < 257; ++i) {
           s.merchant_countries.push_back(
               static_cast<CountryCode>(('A' + i / 26) << 8 | ('A' + i % 26)));
         }
       },
       "merchantCountries"},
      {"mcc 10000",
       [](PromotionSpec& s) {
         s.mccs = {5812, 10'000};
       },
       "mccs"},
      {"mcc twice",
       [](PromotionSpec& s) {
         s.mccs = {5812, 5812};
       },
       "mccs"},
      {"257 mccs",
       [](PromotionSpec& s) {
         for (uint16_t m = 0; m < 257; ++m) s.mccs.push_back(m);
       },
       "mccs"},
      {"negative minimum", [](PromotionSpec& s) { s.min_amount_minor = -1; },
       "minAmount"},
      {"huge minimum",
       [](PromotionSpec& s) {
         s.min_amount_minor = Amount::kMaxMinorUnits + 1;
       },
       "minAmount"},
      {"0 bps", [](PromotionSpec& s) { s.percent_bps = 0; },
       "discount.percentBps"},
      {"10001 bps", [](PromotionSpec& s) { s.percent_bps = 10'001; },
       "discount.percentBps"},
      {"negative cap", [](PromotionSpec& s) { s.cap_minor = -1; },
       "discount.cap"},
      {"percent with an amount", [](PromotionSpec& s) { s.fixed_minor = 5; },
       "discount.amount"},
      {"fixed 0",
       [&](PromotionSpec& s) {
         percent_to_fixed(s);
         s.fixed_minor = 0;
       },
       "discount.amount"},
      {"fixed negative",
       [&](PromotionSpec& s) {
         percent_to_fixed(s);
         s.fixed_minor = -3;
       },
       "discount.amount"},
      {"fixed with bps",
       [&](PromotionSpec& s) {
         percent_to_fixed(s);
         s.percent_bps = 100;
       },
       "discount.percentBps"},
      {"fixed with cap",
       [&](PromotionSpec& s) {
         percent_to_fixed(s);
         s.cap_minor = 100;
       },
       "discount.cap"},
      {"unknown type",
       [](PromotionSpec& s) { s.discount_type = static_cast<DiscountType>(3); },
       "discount.type"},
      {"budget 0", [](PromotionSpec& s) { s.budget_minor = 0; }, "budget"},
      {"budget negative", [](PromotionSpec& s) { s.budget_minor = -10; },
       "budget"},
      {"budget huge",
       [](PromotionSpec& s) { s.budget_minor = Amount::kMaxMinorUnits + 1; },
       "budget"},
      {"1001 a day", [](PromotionSpec& s) { s.per_user_per_day = 1'001; },
       "perUserPerDay"},
      {"start before 1970", [](PromotionSpec& s) { s.starts_ns = -1; },
       "startsAt"},
      {"end at start", [](PromotionSpec& s) { s.ends_ns = s.starts_ns; },
       "endsAt"},
      {"end before start",
       [](PromotionSpec& s) { s.ends_ns = s.starts_ns - 1; }, "endsAt"},
      {"end passed",
       [](PromotionSpec& s) {
         s.starts_ns = kT0 - 2 * kHour;
         s.ends_ns = kT0;
       },
       "endsAt"},
      {"end too far",
       [](PromotionSpec& s) { s.ends_ns = kT0 + kMaxPromotionHorizonNs + 1; },
       "endsAt"},
  };
  for (const Case& c : cases) {
    PromotionSpec s = Spec(1);
    c.change(s);
    Status v = ValidatePromotionSpec(s, kT0);
    ASSERT_FALSE(v.ok()) << c.what;
    EXPECT_EQ(v.code(), ErrorCode::kINVALID_PARAMETER) << c.what;
    EXPECT_EQ(v.error().param, c.param) << c.what;
    EXPECT_FALSE(v.error().message.empty()) << c.what;
    PromotionBook book;
    EXPECT_EQ(book.Create(s, kT0).code(), ErrorCode::kINVALID_PARAMETER)
        << c.what;
    EXPECT_EQ(book.live(kT0), 0u) << c.what;
  }
}

TEST(PromotionValidationTest, EdgesThatAreAllowed) {
  std::vector<std::function<void(PromotionSpec&)>> ok = {
      [](PromotionSpec& s) { s.name = std::string(64, 'x'); },
      [](PromotionSpec& s) { s.name = "ลด 10% สงกรานต์"; },  // Thai
      [](PromotionSpec& s) { s.name = "\xf0\x9f\x8e\x89 party"; },
      [](PromotionSpec& s) { s.percent_bps = 1; },
      [](PromotionSpec& s) { s.percent_bps = 10'000; },
      [](PromotionSpec& s) { s.cap_minor = 1; },
      [](PromotionSpec& s) { s.per_user_per_day = 1'000; },
      [](PromotionSpec& s) {
        for (u128 w = 1; w <= 256; ++w) s.wallets.push_back(w);
      },
      [](PromotionSpec& s) {
        s.mccs = {0, 9999};
      },
      [](PromotionSpec& s) { s.starts_ns = kT0 + kNsPerDay; },  // scheduled
      [](PromotionSpec& s) { s.ends_ns = kT0 + kMaxPromotionHorizonNs; },
      [](PromotionSpec& s) { s.ends_ns = kT0 + 1; },
  };
  for (size_t i = 0; i < ok.size(); ++i) {
    PromotionSpec s = Spec(1);
    ok[i](s);
    EXPECT_TRUE(ValidatePromotionSpec(s, kT0).ok())
        << i << ": " << ValidatePromotionSpec(s, kT0).ToString();
  }
}

TEST(PromotionValidationTest, GoldenMessages) {
  PromotionSpec s = Spec(1);
  s.percent_bps = 0;
  EXPECT_EQ(ValidatePromotionSpec(s, kT0).ToString(),
            "INVALID_PARAMETER (discount.percentBps): a percent discount is 1 "
            "to 10000 basis points (100 = 1 %)");
  s = Spec(1);
  s.budget_minor = 0;
  EXPECT_EQ(ValidatePromotionSpec(s, kT0).ToString(),
            "INVALID_PARAMETER (budget): the budget is a positive amount in "
            "minor units of the promotion's currency");
  s = Spec(1);
  s.ends_ns = kT0 - 1;
  EXPECT_EQ(ValidatePromotionSpec(s, kT0).ToString(),
            "INVALID_PARAMETER (endsAt): the end has passed; choose an end in "
            "the future");
}

TEST(PromotionValidationTest, ListsAreStoredSortedAndIdsAreUnique) {
  PromotionBook book;
  PromotionSpec s = Spec(5);
  s.wallets = {kWalletB, kWalletA};
  s.merchant_countries = {Country("TH"), Country("SG")};
  s.mccs = {5812, 5411};
  ASSERT_TRUE(book.Create(s, kT0).ok());
  const Promotion* p = book.Find(5);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->spec.wallets, (std::vector<u128>{kWalletA, kWalletB}));
  EXPECT_EQ(p->spec.merchant_countries,
            (std::vector<CountryCode>{Country("SG"), Country("TH")}));
  EXPECT_EQ(p->spec.mccs, (std::vector<uint16_t>{5411, 5812}));
  Status again = book.Create(Spec(5), kT0);
  EXPECT_EQ(again.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(again.error().param, "id");
}

TEST(PromotionBoundsTest, LiveAndPerBucketLimits) {
  PromotionBook book;
  // 1,000 for every wallet in THB fill that bucket...
  for (u128 id = 1; id <= kMaxPromotionsPerBucket; ++id) {
    ASSERT_TRUE(book.Create(Spec(id), kT0).ok()) << U128ToString(id);
  }
  Status full = book.Create(Spec(5'000), kT0);
  EXPECT_EQ(full.code(), ErrorCode::kRATE_LIMITED);
  EXPECT_EQ(full.error().param, "eligibleWallets");
  // ... but not SGD, nor a wallet's own bucket.
  PromotionSpec sgd = Spec(5'001);
  sgd.currency = Sgd();
  EXPECT_TRUE(book.Create(sgd, kT0).ok());
  PromotionSpec own = Spec(5'002);
  own.wallets = {kWalletA};
  EXPECT_TRUE(book.Create(own, kT0).ok());
  // Ending one makes room.
  ASSERT_TRUE(book.End(1, kOperator, false, kT0).ok());
  EXPECT_TRUE(book.Create(Spec(5'000), kT0).ok());
}

TEST(PromotionBoundsTest, AtMostTenThousandLive) {
  PromotionBook book;
  u128 id = 1;
  // Spread over wallets so the per-bucket bound does not bite first.
  for (; id <= kMaxLivePromotions; ++id) {
    PromotionSpec s = Spec(id);
    s.wallets = {static_cast<u128>(100 + id % 20)};
    ASSERT_TRUE(book.Create(s, kT0).ok());
  }
  PromotionSpec s = Spec(id);
  s.wallets = {kWalletA};
  Status full = book.Create(s, kT0);
  EXPECT_EQ(full.code(), ErrorCode::kRATE_LIMITED);
  EXPECT_EQ(full.error().message,
            "10000 promotions are live; end some before creating more");
  // Once they have ended they are no longer live (only kept).
  const int64_t later = kT0 + 30 * kNsPerDay;
  s.starts_ns = later;
  s.ends_ns = later + kNsPerDay;
  EXPECT_TRUE(book.Create(s, later).ok());
  EXPECT_EQ(book.live(later), 1u);
  EXPECT_EQ(book.promotions().size(), kMaxLivePromotions + 1);
}

// ---------------------------------------------------------------------------
// Eligibility and the best offer

TEST(PromotionBestTest, EveryConditionMatters) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.wallets = {kWalletA};
  s.merchant_countries = {Country("TH")};
  s.mccs = {5812};
  s.min_amount_minor = 10'000;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  EXPECT_EQ(book.Best(Ctx(7, 20'000))->discount_minor, 2'000);

  PaymentContext c = Ctx(7, 20'000);
  c.currency = Sgd();
  EXPECT_FALSE(book.Best(c).has_value()) << "currency";
  c = Ctx(7, 20'000);
  c.wallet = kWalletB;
  EXPECT_FALSE(book.Best(c).has_value()) << "wallet";
  c = Ctx(7, 20'000);
  c.merchant_country = Country("SG");
  EXPECT_FALSE(book.Best(c).has_value()) << "country";
  c = Ctx(7, 20'000);
  c.mcc = 5411;
  EXPECT_FALSE(book.Best(c).has_value()) << "mcc";
  EXPECT_FALSE(book.Best(Ctx(7, 9'999)).has_value()) << "minimum";
  EXPECT_TRUE(book.Best(Ctx(7, 10'000)).has_value()) << "minimum itself";
  EXPECT_FALSE(book.Best(Ctx(7, 20'000, s.starts_ns - 1)).has_value())
      << "before the start";
  EXPECT_TRUE(book.Best(Ctx(7, 20'000, s.starts_ns)).has_value())
      << "at the start";
  EXPECT_FALSE(book.Best(Ctx(7, 20'000, s.ends_ns)).has_value())
      << "at the end";
  EXPECT_TRUE(book.Best(Ctx(7, 20'000, s.ends_ns - 1)).has_value());
  EXPECT_EQ(book.Find(1)->state(s.starts_ns - 1), PromotionState::kScheduled);
  EXPECT_EQ(book.Find(1)->state(kT0), PromotionState::kActive);
  EXPECT_EQ(book.Find(1)->state(s.ends_ns), PromotionState::kEnded);
}

TEST(PromotionBestTest, LargestDiscountWinsTiesGoToTheLowestId) {
  PromotionBook book;
  PromotionSpec ten = Spec(20);  // 10 %
  PromotionSpec fixed = Spec(10);
  fixed.discount_type = DiscountType::kFixed;
  fixed.percent_bps = 0;
  fixed.fixed_minor = 1'500;
  fixed.wallets = {kWalletA};
  ASSERT_TRUE(book.Create(ten, kT0).ok());
  ASSERT_TRUE(book.Create(fixed, kT0).ok());
  // 10 % of 10,000 = 1,000 < 1,500.
  EXPECT_EQ(*book.Best(Ctx(7, 10'000)), (Offer{10, 1'500, kFunder}));
  // 10 % of 20,000 = 2,000 > 1,500.
  EXPECT_EQ(*book.Best(Ctx(7, 20'000)), (Offer{20, 2'000, kFunder}));
  // 15,000: both 1,500; id 10 wins.
  EXPECT_EQ(book.Best(Ctx(7, 15'000))->promotion_id, 10u);
  PromotionSpec twin = Spec(5);  // another 10 % with a lower id
  twin.funder = 0xF5;
  ASSERT_TRUE(book.Create(twin, kT0).ok());
  EXPECT_EQ(*book.Best(Ctx(7, 20'000)), (Offer{5, 2'000, 0xF5}));
  // The fixed one only for wallet A.
  PaymentContext b = Ctx(7, 10'000);
  b.wallet = kWalletB;
  EXPECT_EQ(book.Best(b)->promotion_id, 5u);
}

TEST(PromotionBestTest, AZeroDiscountIsNoOffer) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(Spec(1), kT0).ok());
  EXPECT_FALSE(book.Best(Ctx(7, 9)).has_value());  // 10 % of 9 floors to 0
  Result<Offer> o = book.Apply(Ctx(7, 9), 100);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, Offer{});
  EXPECT_EQ(book.Find(1)->uses, 0u);
  EXPECT_EQ(book.FindPayment(100), nullptr);
}

// ---------------------------------------------------------------------------
// Reservations

TEST(PromotionReserveTest, ReserveCommitReleaseExpire) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(Spec(1), kT0).ok());
  const int64_t expires = kT0 + 60 * kSecond;
  Result<Offer> o = book.Reserve(Ctx(7, 35'000), 900, expires);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, (Offer{1, 3'500, kFunder}));
  const Promotion* p = book.Find(1);
  EXPECT_EQ(p->budget_reserved_minor, 3'500);
  EXPECT_EQ(p->budget_spent_minor, 0);
  EXPECT_EQ(p->reserved_uses, 1u);
  EXPECT_EQ(p->budget_left_minor(), 96'500);
  ASSERT_NE(book.FindReservation(900), nullptr);

  ASSERT_TRUE(book.Commit(900, 5'000, kT0 + 30 * kSecond).ok());
  EXPECT_EQ(p->budget_reserved_minor, 0);
  EXPECT_EQ(p->budget_spent_minor, 3'500);
  EXPECT_EQ(p->uses, 1u);
  EXPECT_EQ(p->reserved_uses, 0u);
  EXPECT_EQ(book.FindReservation(900), nullptr);
  ASSERT_NE(book.FindPayment(5'000), nullptr);
  EXPECT_EQ(book.FindPayment(5'000)->discount_minor, 3'500);

  // Release gives it back.
  ASSERT_TRUE(book.Reserve(Ctx(8, 10'000), 901, expires).ok());
  EXPECT_EQ(p->budget_reserved_minor, 1'000);
  book.Release(901);
  book.Release(901);  // unknown: ignored
  EXPECT_EQ(p->budget_reserved_minor, 0);

  // Expiry: at expires_ns the reservation is gone.
  ASSERT_TRUE(book.Reserve(Ctx(9, 10'000), 902, expires).ok());
  book.Expire(expires - 1);
  EXPECT_NE(book.FindReservation(902), nullptr);
  Status late = book.Commit(902, 5'001, expires);
  EXPECT_EQ(late.code(), ErrorCode::kQUOTE_EXPIRED);
  EXPECT_EQ(late.error().param, "quoteId");
  book.Expire(expires);
  EXPECT_EQ(book.FindReservation(902), nullptr);
  EXPECT_EQ(p->budget_reserved_minor, 0);
  EXPECT_EQ(book.Commit(902, 5'001, expires).code(), ErrorCode::kNOT_FOUND);
}

TEST(PromotionReserveTest, NothingEligibleIsAnEmptyOfferNotAnError) {
  PromotionBook book;
  Result<Offer> o = book.Reserve(Ctx(7, 35'000), 900, kT0 + 60 * kSecond);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, Offer{});
  EXPECT_EQ(book.reservations(), 0u);
  // The quote id is not taken.
  EXPECT_EQ(book.Commit(900, 1, kT0).code(), ErrorCode::kNOT_FOUND);
}

TEST(PromotionReserveTest, BadIds) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(Spec(1), kT0).ok());
  const int64_t expires = kT0 + 60 * kSecond;
  EXPECT_EQ(book.Reserve(Ctx(7, 100), 0, expires).status().error().param,
            "quoteId");
  ASSERT_TRUE(book.Reserve(Ctx(7, 100), 900, expires).ok());
  EXPECT_EQ(book.Reserve(Ctx(7, 100), 900, expires).status().error().param,
            "quoteId");
  EXPECT_EQ(book.Reserve(Ctx(7, 100), 901, kT0).status().error().param,
            "expiresAt");
  EXPECT_EQ(book.Reserve(Ctx(7, 100), 901, kT0 + kMaxReservationNs + 1)
                .status()
                .error()
                .param,
            "expiresAt");
  ASSERT_TRUE(book.Apply(Ctx(7, 100), 5'000).ok());
  EXPECT_EQ(book.Commit(900, 5'000, kT0).error().param, "paymentId");
  EXPECT_EQ(book.Commit(900, 0, kT0).error().param, "paymentId");
  EXPECT_EQ(book.Apply(Ctx(7, 100), 5'000).status().error().param, "paymentId");
  EXPECT_EQ(book.Apply(Ctx(7, 100), 0).status().error().param, "paymentId");
  // The failed commit left the reservation as it was.
  EXPECT_NE(book.FindReservation(900), nullptr);
}

TEST(PromotionReserveTest, OneUsersUnpaidQuotesCannotLockTheBudget) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(Spec(1), kT0).ok());
  const int64_t expires = kT0 + 60 * kSecond;
  for (u128 q = 1; q <= kMaxOpenReservationsPerUser; ++q) {
    EXPECT_EQ(book.Reserve(Ctx(7, 10'000), q, expires)->discount_minor, 1'000);
  }
  EXPECT_EQ(*book.Reserve(Ctx(7, 10'000), 10, expires), Offer{});
  EXPECT_EQ(book.Reserve(Ctx(8, 10'000), 11, expires)->discount_minor, 1'000);
  // Paying without a quote is not affected.
  EXPECT_EQ(book.Apply(Ctx(7, 10'000), 100)->discount_minor, 1'000);
  // A quote closing (paid, released or expired) makes room.
  ASSERT_TRUE(book.Commit(1, 101, kT0).ok());
  EXPECT_EQ(book.Reserve(Ctx(7, 10'000), 12, expires)->discount_minor, 1'000);
  book.Release(2);
  EXPECT_EQ(book.Reserve(Ctx(7, 10'000), 13, expires)->discount_minor, 1'000);
  EXPECT_EQ(*book.Reserve(Ctx(7, 10'000), 14, expires), Offer{});
  // The count survives a snapshot.
  PromotionBook copy = Restored(book);
  EXPECT_EQ(*copy.Reserve(Ctx(7, 10'000), 14, expires), Offer{});
  copy.Expire(expires);
  EXPECT_EQ(
      copy.Reserve(Ctx(7, 10'000), 15, expires + 60 * kSecond)->discount_minor,
      1'000);
}

TEST(PromotionReserveTest, AReservationIsAPromiseEvenAfterEnd) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(Spec(1), kT0).ok());
  ASSERT_TRUE(book.Reserve(Ctx(7, 10'000), 900, kT0 + 60 * kSecond).ok());
  ASSERT_TRUE(book.End(1, kOperator, false, kT0 + kSecond).ok());
  EXPECT_FALSE(book.Best(Ctx(8, 10'000, kT0 + 2 * kSecond)).has_value());
  EXPECT_TRUE(book.Commit(900, 5'000, kT0 + 3 * kSecond).ok());
  EXPECT_EQ(book.Find(1)->budget_spent_minor, 1'000);
  EXPECT_EQ(book.Find(1)->state(kT0 + 3 * kSecond), PromotionState::kEnded);
}

// ---------------------------------------------------------------------------
// Budget and per-user limits

TEST(PromotionBudgetTest, BudgetReachesExactlyZero) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.budget_minor = 10'007;  // not a multiple of any discount below
  ASSERT_TRUE(book.Create(s, kT0).ok());
  int64_t given = 0;
  int n = 0;
  for (u128 pay = 1; pay <= 100; ++pay) {
    // Quotes and direct payments, alternating, with uneven amounts.
    PaymentContext c = Ctx(pay, 3'000 + 37 * static_cast<int64_t>(pay));
    Result<Offer> o = (pay % 2 == 0) ? book.Apply(c, pay)
                                     : book.Reserve(c, pay, kT0 + kSecond);
    ASSERT_TRUE(o.ok());
    if (pay % 2 == 1 && o->discount_minor > 0) {
      ASSERT_TRUE(book.Commit(pay, pay, kT0).ok());
    }
    given += o->discount_minor;
    n += o->discount_minor > 0;
  }
  const Promotion* p = book.Find(1);
  EXPECT_EQ(given, 10'007);
  EXPECT_EQ(p->budget_spent_minor, 10'007);
  EXPECT_EQ(p->budget_left_minor(), 0);
  EXPECT_EQ(p->uses, static_cast<uint64_t>(n));
  EXPECT_FALSE(book.Best(Ctx(999, 50'000)).has_value());
  // A cancel gives room back; the next payment can use it.
  EXPECT_EQ(book.Reverse(2, kT0), 3'074 / 10);
  EXPECT_EQ(book.Best(Ctx(999, 50'000))->discount_minor, 307);
}

TEST(PromotionBudgetTest, ReservationsCountAgainstTheBudget) {
  // Concurrent quotes cannot promise more than the budget.
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.budget_minor = 2'500;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  const int64_t expires = kT0 + 60 * kSecond;
  EXPECT_EQ(book.Reserve(Ctx(1, 10'000), 1, expires)->discount_minor, 1'000);
  EXPECT_EQ(book.Reserve(Ctx(2, 10'000), 2, expires)->discount_minor, 1'000);
  EXPECT_EQ(book.Reserve(Ctx(3, 10'000), 3, expires)->discount_minor, 500);
  EXPECT_EQ(book.Reserve(Ctx(4, 10'000), 4, expires)->discount_minor, 0);
  book.Expire(expires);
  EXPECT_EQ(book.Find(1)->budget_left_minor(), 2'500);
}

TEST(PromotionBudgetTest, PerUserPerDayAcrossMidnight) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.per_user_per_day = 2;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  PromotionSpec other = Spec(2);  // smaller, unlimited
  other.percent_bps = 500;
  ASSERT_TRUE(book.Create(other, kT0).ok());

  const int64_t late = kDay0 + kNsPerDay - kSecond;  // 23:59:59
  const int64_t expires = late + 60 * kSecond;       // after midnight
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, kT0), 1)->promotion_id, 1u);
  // The reserved use counts: the third payment of the day gets the other.
  EXPECT_EQ(book.Reserve(Ctx(7, 10'000, late), 900, expires)->promotion_id, 1u);
  EXPECT_EQ(book.UsesToday(1, 7, late), 2u);
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, late), 2)->promotion_id, 2u);
  // Another user is not affected.
  EXPECT_EQ(book.Best(Ctx(8, 10'000, late))->promotion_id, 1u);
  // A release gives the use back.
  book.Release(900);
  EXPECT_EQ(book.UsesToday(1, 7, late), 1u);
  ASSERT_TRUE(book.Reserve(Ctx(7, 10'000, late), 901, expires).ok());

  // After midnight the day is new, with or without Expire; the quote made
  // before midnight still commits and counts on yesterday.
  const int64_t next = kDay0 + kNsPerDay + kSecond;
  EXPECT_EQ(book.UsesToday(1, 7, next), 0u);
  ASSERT_TRUE(book.Commit(901, 3, next).ok());
  EXPECT_EQ(book.FindPayment(3)->day, UtcDay(late));
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, next), 4)->promotion_id, 1u);
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, next), 5)->promotion_id, 1u);
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, next), 6)->promotion_id, 2u);
  book.Expire(next);
  EXPECT_EQ(book.use_counters(), 1u);  // yesterday's dropped
  EXPECT_EQ(book.UsesToday(1, 7, next), 2u);
  // Reversing today's payment gives today's use back; yesterday's is gone.
  EXPECT_EQ(book.Reverse(4, next), 1'000);
  EXPECT_EQ(book.UsesToday(1, 7, next), 1u);
  EXPECT_EQ(book.Reverse(3, next), 1'000);  // budget back, no use to give
  EXPECT_EQ(book.UsesToday(1, 7, next), 1u);
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, next), 7)->promotion_id, 1u);
  EXPECT_EQ(book.Apply(Ctx(7, 10'000, next), 8)->promotion_id, 2u);
}

TEST(PromotionBudgetTest, ReverseGivesBackOnceAndOnlyKnownPayments) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(Spec(1), kT0).ok());
  ASSERT_EQ(book.Apply(Ctx(7, 10'000), 1)->discount_minor, 1'000);
  EXPECT_EQ(book.Reverse(1, kT0), 1'000);
  EXPECT_EQ(book.Reverse(1, kT0), 0);
  EXPECT_EQ(book.Reverse(12345, kT0), 0);
  EXPECT_EQ(book.Find(1)->budget_spent_minor, 0);
  EXPECT_EQ(book.Find(1)->uses, 0u);
}

// ---------------------------------------------------------------------------
// End and Expire

TEST(PromotionEndTest, CreatorOrOperatorOnly) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.created_by = kWalletA;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  Status other = book.End(1, kWalletB, false, kT0);
  EXPECT_EQ(other.code(), ErrorCode::kNOT_FOUND);
  EXPECT_EQ(other.error().param, "id");
  EXPECT_EQ(book.End(2, kWalletA, false, kT0).code(), ErrorCode::kNOT_FOUND);
  EXPECT_EQ(book.live(kT0), 1u);
  EXPECT_TRUE(book.End(1, kWalletA, false, kT0).ok());
  EXPECT_EQ(book.live(kT0), 0u);
  EXPECT_EQ(book.Find(1)->ended_ns, kT0);
  EXPECT_EQ(book.Find(1)->end_ns(), kT0);
  EXPECT_TRUE(book.End(1, kWalletA, false, kT0 + 5).ok());  // no change
  EXPECT_EQ(book.Find(1)->ended_ns, kT0);

  PromotionSpec t = Spec(2);
  t.created_by = kWalletA;
  ASSERT_TRUE(book.Create(t, kT0).ok());
  EXPECT_TRUE(book.End(2, kOperator, true, kT0).ok());
  EXPECT_FALSE(book.Best(Ctx(7, 10'000)).has_value());
}

TEST(PromotionEndTest, EndingAScheduledPromotionMeansItNeverRuns) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.starts_ns = kT0 + kNsPerDay;
  s.ends_ns = kT0 + 2 * kNsPerDay;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  ASSERT_TRUE(book.End(1, kOperator, false, kT0).ok());
  EXPECT_EQ(book.Find(1)->state(kT0 + kNsPerDay + 1), PromotionState::kEnded);
  EXPECT_FALSE(book.Best(Ctx(7, 10'000, kT0 + kNsPerDay + 1)).has_value());
}

TEST(PromotionExpireTest, EndedPromotionsAreForgottenAfterRetention) {
  PromotionBook book;
  PromotionSpec s = Spec(1);
  s.ends_ns = kT0 + kNsPerDay;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  ASSERT_TRUE(book.Create(Spec(2), kT0).ok());
  ASSERT_TRUE(book.Apply(Ctx(7, 10'000), 1).ok());  // id 1 wins the tie
  EXPECT_EQ(book.FindPayment(1)->promotion_id, 1u);

  EXPECT_EQ(book.live(s.ends_ns - 1), 2u);
  EXPECT_EQ(book.live(s.ends_ns), 1u);
  EXPECT_TRUE(book.Expire(s.ends_ns).empty());
  EXPECT_EQ(book.live(s.ends_ns), 1u);
  // Payments are kept for cancels until the retention passes.
  EXPECT_TRUE(book.Expire(kT0 + kPromotionRetentionNs - 1).empty());
  EXPECT_NE(book.FindPayment(1), nullptr);
  EXPECT_TRUE(book.Expire(kT0 + kPromotionRetentionNs).empty());
  EXPECT_EQ(book.FindPayment(1), nullptr);
  EXPECT_EQ(book.Reverse(1, kT0 + kPromotionRetentionNs), 0);

  const int64_t forget = s.ends_ns + kPromotionRetentionNs + kMaxReservationNs;
  EXPECT_TRUE(book.Expire(forget - 1).empty());
  ASSERT_NE(book.Find(1), nullptr);
  std::vector<Promotion> gone = book.Expire(forget);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].spec.id, 1u);
  EXPECT_EQ(gone[0].budget_spent_minor, 1'000);
  EXPECT_EQ(gone[0].uses, 1u);
  EXPECT_EQ(book.Find(1), nullptr);
  EXPECT_NE(book.Find(2), nullptr);
  EXPECT_EQ(book.promotions().size(), 1u);
}

TEST(PromotionBoundsTest, FullBookkeepingMeansNoDiscountNotAFailure) {
  PromotionBook book({.max_open_discounts = 2, .max_use_counters = 1});
  PromotionSpec s = Spec(1);
  s.per_user_per_day = 5;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  ASSERT_TRUE(book.Create(Spec(2), kT0).ok());
  // User 7 takes the only counter; user 8 cannot be counted on promotion 1
  // and gets promotion 2 (no per-user limit) instead.
  EXPECT_EQ(book.Apply(Ctx(7, 10'000), 1)->promotion_id, 1u);
  EXPECT_EQ(book.Apply(Ctx(8, 10'000), 2)->promotion_id, 2u);
  // Two records: no room for a third.
  Result<Offer> none = book.Apply(Ctx(9, 10'000), 3);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, Offer{});
  EXPECT_EQ(book.capacity_misses(), 1u);
  EXPECT_FALSE(book.Best(Ctx(9, 10'000)).has_value());
  EXPECT_EQ(*book.Reserve(Ctx(9, 10'000), 900, kT0 + kSecond), Offer{});
  EXPECT_EQ(book.capacity_misses(), 2u);
  book.Reverse(2, kT0);
  EXPECT_EQ(book.Apply(Ctx(9, 10'000), 3)->promotion_id, 2u);
}

// ---------------------------------------------------------------------------
// Codecs and snapshots

PromotionSpec FullSpec() {
  PromotionSpec s = Spec(0x1234'5678'9ABC'DEF0ull);
  s.id = (s.id << 64) | 0x77;
  s.name = "ลด 10%";
  s.wallets = {kWalletA, kWalletB};
  s.merchant_countries = {Country("TH"), Country("SG")};
  s.mccs = {5812, 5411, 7011};
  s.min_amount_minor = 5'000;
  s.cap_minor = 2'000;
  s.per_user_per_day = 3;
  return s;
}

TEST(PromotionCodecTest, SpecRoundTripsAndRefusesMalformedBytes) {
  const PromotionSpec s = FullSpec();
  std::vector<uint8_t> body = EncodePromotionSpec(s);
  Result<PromotionSpec> back = DecodePromotionSpec(body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(EncodePromotionSpec(*back), body);
  for (size_t n = 0; n < body.size(); ++n) {
    Result<PromotionSpec> cut =
        DecodePromotionSpec(std::span<const uint8_t>(body.data(), n));
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_EQ(cut.error().param, "command");
  }
  std::vector<uint8_t> longer = body;
  longer.push_back(0);
  EXPECT_EQ(DecodePromotionSpec(longer).error().param, "command");
  // The discount type byte sits 49 bytes before the end.
  std::vector<uint8_t> bad_type = body;
  ASSERT_EQ(bad_type[body.size() - 49], 1);
  bad_type[body.size() - 49] = 3;
  EXPECT_FALSE(DecodePromotionSpec(bad_type).ok());
  // The currency (after 3 ids and the name).
  std::vector<uint8_t> bad_currency = body;
  const size_t at = 48 + 4 + s.name.size();
  bad_currency[at] = 0xFF;
  bad_currency[at + 1] = 0xFF;
  EXPECT_FALSE(DecodePromotionSpec(bad_currency).ok());
  // Random bytes never crash the decoder.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2'000; ++i) {
    std::vector<uint8_t> junk = body;
    for (int k = 0; k < 4; ++k) junk[rng() % junk.size()] = rng() & 0xFF;
    junk.resize(rng() % (junk.size() + 8));
    (void)DecodePromotionSpec(junk);
  }
}

TEST(PromotionCodecTest, EndRoundTrips) {
  EndPromotion e{0xABCDEF, 0x42, true};
  std::vector<uint8_t> body = EncodeEndPromotion(e);
  EXPECT_EQ(body.size(), 33u);
  Result<EndPromotion> back = DecodeEndPromotion(body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->by, e.by);
  EXPECT_TRUE(back->by_operator);
  body[32] = 2;
  EXPECT_EQ(DecodeEndPromotion(body).error().param, "command");
  body.pop_back();
  EXPECT_EQ(DecodeEndPromotion(body).error().param, "command");
}

TEST(PromotionSnapshotTest, CanonicalWhateverTheHistory) {
  // Two books reach the same state by different routes.
  PromotionBook a;
  PromotionBook b;
  ASSERT_TRUE(a.Create(Spec(1), kT0).ok());
  ASSERT_TRUE(a.Create(FullSpec(), kT0).ok());
  PromotionSpec reordered = FullSpec();
  std::reverse(reordered.wallets.begin(), reordered.wallets.end());
  std::reverse(reordered.mccs.begin(), reordered.mccs.end());
  ASSERT_TRUE(b.Create(reordered, kT0).ok());
  ASSERT_TRUE(b.Create(Spec(1), kT0).ok());
  ASSERT_TRUE(a.Reserve(Ctx(7, 10'000), 900, kT0 + kSecond).ok());
  ASSERT_TRUE(a.Reserve(Ctx(8, 20'000), 901, kT0 + kSecond).ok());
  ASSERT_TRUE(b.Reserve(Ctx(8, 20'000), 901, kT0 + kSecond).ok());
  ASSERT_TRUE(b.Apply(Ctx(9, 30'000), 77).ok());  // undone below
  ASSERT_TRUE(b.Reserve(Ctx(7, 10'000), 900, kT0 + kSecond).ok());
  b.Reverse(77, kT0);
  EXPECT_EQ(Bytes(a), Bytes(b));
}

TEST(PromotionSnapshotTest, NoTraceOfWhenTheBookLastSwept) {
  PromotionBook a;
  PromotionSpec s = Spec(1);
  s.ends_ns = kT0 + kHour;
  ASSERT_TRUE(a.Create(s, kT0).ok());
  ASSERT_TRUE(a.Create(Spec(2), kT0).ok());
  PromotionBook b = Restored(a);
  a.Expire(kT0 + 2 * kHour);  // moves 1 out of the live index; b did not
  EXPECT_EQ(Bytes(a), Bytes(b));
  PromotionBook c = Restored(a);
  EXPECT_EQ(c.live(kT0 + 2 * kHour), 1u);
  EXPECT_EQ(
      c.Expire(s.ends_ns + kPromotionRetentionNs + kMaxReservationNs).size(),
      1u);
  EXPECT_EQ(
      b.Expire(s.ends_ns + kPromotionRetentionNs + kMaxReservationNs).size(),
      1u);
  EXPECT_EQ(Bytes(b), Bytes(c));
}

TEST(PromotionSnapshotTest, TruncatedOrDamagedSectionsAreRefused) {
  PromotionBook book;
  ASSERT_TRUE(book.Create(FullSpec(), kT0).ok());
  PromotionSpec s = Spec(1);
  s.per_user_per_day = 2;
  ASSERT_TRUE(book.Create(s, kT0).ok());
  ASSERT_TRUE(book.Reserve(Ctx(7, 10'000), 900, kT0 + kSecond).ok());
  ASSERT_TRUE(book.Apply(Ctx(8, 10'000), 5).ok());
  std::vector<uint8_t> bytes = Bytes(book);
  for (size_t n = 0; n < bytes.size(); ++n) {
    ByteReader r(bytes.data(), n);
    Result<PromotionBook> cut = PromotionBook::Deserialize(&r);
    ASSERT_FALSE(cut.ok()) << n;
    EXPECT_EQ(cut.error().code, ErrorCode::kDATA_CORRUPTED);
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3'000; ++i) {
    std::vector<uint8_t> junk = bytes;
    junk[rng() % junk.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    ByteReader r(junk);
    Result<PromotionBook> maybe = PromotionBook::Deserialize(&r);
    if (maybe.ok()) {
      // Whatever loads satisfies the budget invariant (CheckBudget ran) and
      // carries on without tripping a CHECK.
      for (const auto& [id, p] : maybe->promotions()) {
        EXPECT_LE(p.budget_spent_minor + p.budget_reserved_minor,
                  p.spec.budget_minor);
      }
      PromotionBook& b = *maybe;
      (void)b.Apply(Ctx(7, 10'000), 6);
      b.Reverse(5, kT0);
      b.Reverse(6, kT0);
      b.Release(900);
      (void)b.Reserve(Ctx(7, 10'000), 901, kT0 + kSecond);
      b.Expire(kT0 + 400 * kNsPerDay);
    }
  }
}

// ---------------------------------------------------------------------------
// Property test: random operations against a simple model.

struct ModelPromotion {
  int64_t spent = 0;
  int64_t reserved = 0;
  uint64_t uses = 0;
};

struct ModelHold {
  u128 promotion = 0;
  int64_t discount = 0;
  int64_t expires = 0;  // reservations: expiry; payments: commit time
  u128 user = 0;        // reservations
};

class PromotionModel {
 public:
  std::map<u128, ModelPromotion> promotions;
  std::map<u128, ModelHold> reservations;
  std::map<u128, ModelHold> payments;  // discount > 0 only

  // What Expire(now) does, and the promotions it must forget.
  void Expire(int64_t now, const std::vector<Promotion>& forgotten) {
    for (auto it = reservations.begin(); it != reservations.end();) {
      if (it->second.expires <= now) {
        promotions[it->second.promotion].reserved -= it->second.discount;
        it = reservations.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = payments.begin(); it != payments.end();) {
      if (it->second.expires + kPromotionRetentionNs <= now) {
        it = payments.erase(it);
      } else {
        ++it;
      }
    }
    for (const Promotion& p : forgotten) {
      auto it = promotions.find(p.spec.id);
      ASSERT_NE(it, promotions.end());
      EXPECT_EQ(p.budget_spent_minor, it->second.spent);
      EXPECT_EQ(it->second.reserved, 0);
      EXPECT_LE(p.end_ns() + kPromotionRetentionNs + kMaxReservationNs, now);
      promotions.erase(it);
    }
  }
};

// The reference best offer, from the book's public figures only.
std::optional<Offer> ReferenceBest(const PromotionBook& book,
                                   const PaymentContext& c) {
  std::optional<Offer> best;
  for (const auto& [id, p] : book.promotions()) {
    const PromotionSpec& s = p.spec;
    auto in = [](const auto& list, auto v) {
      return list.empty() ||
             std::find(list.begin(), list.end(), v) != list.end();
    };
    if (c.now_ns < s.starts_ns || c.now_ns >= p.end_ns()) continue;
    if (s.currency != c.currency || c.amount_minor < s.min_amount_minor) {
      continue;
    }
    if (!in(s.wallets, c.wallet) ||
        !in(s.merchant_countries, c.merchant_country) || !in(s.mccs, c.mcc)) {
      continue;
    }
    if (s.per_user_per_day != 0 &&
        book.UsesToday(id, c.user, c.now_ns) >= s.per_user_per_day) {
      continue;
    }
    int64_t d = 0;
    if (s.discount_type == DiscountType::kPercent) {
      d = static_cast<int64_t>(static_cast<i128>(c.amount_minor) *
                               s.percent_bps / 10'000);
      if (s.cap_minor > 0 && d > s.cap_minor) d = s.cap_minor;
    } else {
      d = std::min(s.fixed_minor, c.amount_minor);
    }
    d = std::min({d, c.max_discount_minor, p.budget_left_minor()});
    if (d <= 0) continue;
    if (!best || d > best->discount_minor) best = Offer{id, d, s.funder};
  }
  return best;
}

void ExpectMatchesModel(const PromotionBook& book, const PromotionModel& m) {
  for (const auto& [id, mp] : m.promotions) {
    const Promotion* p = book.Find(id);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->budget_spent_minor, mp.spent) << U128ToString(id);
    EXPECT_EQ(p->budget_reserved_minor, mp.reserved) << U128ToString(id);
    EXPECT_EQ(p->uses, mp.uses) << U128ToString(id);
    EXPECT_GE(p->budget_left_minor(), 0);
  }
  EXPECT_EQ(book.reservations(), m.reservations.size());
  EXPECT_EQ(book.payment_records(), m.payments.size());
}

class PromotionPropertyTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(PromotionPropertyTest, RandomOperationsKeepTheArithmetic) {
  std::mt19937_64 rng(GetParam());
  auto pick = [&](uint64_t n) { return rng() % n; };
  PromotionBook book;
  PromotionModel model;
  int64_t now = kT0;
  u128 next_id = 1;
  std::vector<u128> quotes;
  std::vector<u128> paid;
  const std::vector<CountryCode> countries = {Country("TH"), Country("SG"),
                                              Country("MY")};
  const std::vector<uint16_t> mccs = {5812, 5411, 7011};
  const std::vector<u128> wallets = {kWalletA, kWalletB, 0xC};

  auto random_spec = [&](u128 id) {
    PromotionSpec s = Spec(id);
    s.currency = pick(4) == 0 ? Sgd() : Thb();
    if (pick(2)) {
      s.discount_type = DiscountType::kFixed;
      s.percent_bps = 0;
      s.fixed_minor = 50 + static_cast<int64_t>(pick(2'000));
    } else {
      s.percent_bps = 1 + static_cast<uint32_t>(pick(3'000));
      s.cap_minor = pick(2) ? 0 : 100 + static_cast<int64_t>(pick(3'000));
    }
    s.budget_minor = 1 + static_cast<int64_t>(pick(40'000));
    s.per_user_per_day = static_cast<uint32_t>(pick(4));
    if (pick(3) == 0) s.wallets = {wallets[pick(3)]};
    if (pick(3) == 0) s.merchant_countries = {countries[pick(3)]};
    if (pick(3) == 0) s.mccs = {mccs[pick(3)]};
    s.min_amount_minor = pick(3) == 0 ? static_cast<int64_t>(pick(5'000)) : 0;
    s.starts_ns = now - kHour + static_cast<int64_t>(pick(4)) * kHour;
    s.ends_ns = s.starts_ns + (1 + static_cast<int64_t>(pick(72))) * kHour;
    return s;
  };
  auto random_ctx = [&]() {
    PaymentContext c;
    c.wallet = wallets[pick(3)];
    c.user = 1 + pick(30);
    c.merchant_country = countries[pick(3)];
    c.mcc = mccs[pick(3)];
    c.currency = pick(4) == 0 ? Sgd() : Thb();
    c.amount_minor = 1 + static_cast<int64_t>(pick(60'000));
    c.max_discount_minor =
        pick(5) == 0 ? static_cast<int64_t>(pick(500)) : c.amount_minor - 1;
    c.now_ns = now;
    return c;
  };
  auto check_offer = [&](const PaymentContext& c, const Offer& o,
                         const std::optional<Offer>& expected) {
    if (!expected) {
      EXPECT_EQ(o, Offer{});
      return;
    }
    EXPECT_EQ(o.discount_minor, expected->discount_minor);
    // Ties: the lowest id among the equals (ReferenceBest keeps the first
    // in id order).
    EXPECT_EQ(o.promotion_id, expected->promotion_id);
    EXPECT_LE(o.discount_minor, c.max_discount_minor);
    EXPECT_LE(o.discount_minor,
              DiscountFor(book.Find(o.promotion_id)->spec, c.amount_minor));
  };

  for (int step = 0; step < 3'000; ++step) {
    const uint64_t op = pick(100);
    if (op < 6) {
      PromotionSpec s = random_spec(next_id++);
      if (book.Create(s, now).ok()) model.promotions[s.id] = {};
    } else if (op < 8 && !model.promotions.empty()) {
      auto it = model.promotions.begin();
      std::advance(it, pick(model.promotions.size()));
      EXPECT_TRUE(book.End(it->first, kOperator, true, now).ok());
    } else if (op < 35) {
      PaymentContext c = random_ctx();
      std::optional<Offer> expected = ReferenceBest(book, c);
      size_t open = 0;
      for (const auto& [id, h] : model.reservations) open += h.user == c.user;
      if (open >= kMaxOpenReservationsPerUser) expected.reset();
      const u128 q = next_id++;
      const int64_t expires =
          now + (1 + static_cast<int64_t>(pick(120))) * kSecond;
      Result<Offer> o = book.Reserve(c, q, expires);
      ASSERT_TRUE(o.ok());
      check_offer(c, *o, expected);
      if (o->discount_minor > 0) {
        model.promotions[o->promotion_id].reserved += o->discount_minor;
        model.reservations[q] = {o->promotion_id, o->discount_minor, expires,
                                 c.user};
        quotes.push_back(q);
      }
    } else if (op < 55 && !quotes.empty()) {
      const u128 q = quotes[pick(quotes.size())];
      const u128 pay = next_id++;
      Status s = book.Commit(q, pay, now);
      auto it = model.reservations.find(q);
      if (it == model.reservations.end()) {
        EXPECT_EQ(s.code(), ErrorCode::kNOT_FOUND);
      } else if (now >= it->second.expires) {
        EXPECT_EQ(s.code(), ErrorCode::kQUOTE_EXPIRED);
      } else {
        ASSERT_TRUE(s.ok()) << s.ToString();
        ModelPromotion& mp = model.promotions[it->second.promotion];
        mp.reserved -= it->second.discount;
        mp.spent += it->second.discount;
        ++mp.uses;
        model.payments[pay] = {it->second.promotion, it->second.discount, now};
        model.reservations.erase(it);
        paid.push_back(pay);
      }
    } else if (op < 62 && !quotes.empty()) {
      const u128 q = quotes[pick(quotes.size())];
      book.Release(q);
      auto it = model.reservations.find(q);
      if (it != model.reservations.end()) {
        model.promotions[it->second.promotion].reserved -= it->second.discount;
        model.reservations.erase(it);
      }
    } else if (op < 82) {
      PaymentContext c = random_ctx();
      std::optional<Offer> expected = ReferenceBest(book, c);
      const u128 pay = next_id++;
      Result<Offer> o = book.Apply(c, pay);
      ASSERT_TRUE(o.ok());
      check_offer(c, *o, expected);
      if (o->discount_minor > 0) {
        ModelPromotion& mp = model.promotions[o->promotion_id];
        mp.spent += o->discount_minor;
        ++mp.uses;
        model.payments[pay] = {o->promotion_id, o->discount_minor, now};
        paid.push_back(pay);
      }
    } else if (op < 88 && !paid.empty()) {
      const u128 pay = paid[pick(paid.size())];
      const int64_t back = book.Reverse(pay, now);
      auto it = model.payments.find(pay);
      if (it == model.payments.end()) {
        EXPECT_EQ(back, 0);
      } else {
        EXPECT_EQ(back, it->second.discount);
        ModelPromotion& mp = model.promotions[it->second.promotion];
        mp.spent -= it->second.discount;
        --mp.uses;
        model.payments.erase(it);
      }
    } else if (op < 97) {
      now += static_cast<int64_t>(pick(3)) * 20 * kSecond +
             (pick(20) == 0 ? 5 * kHour : 0) +
             (pick(100) == 0 ? 3 * kNsPerDay : 0);
      model.Expire(now, book.Expire(now));
    } else {
      // Snapshot round trip: same bytes, and the restored book carries on
      // exactly like the original (checked below by running both).
      PromotionBook copy = Restored(book);
      EXPECT_EQ(Bytes(copy), Bytes(book));
      EXPECT_EQ(copy.live(now), book.live(now));
      PaymentContext c = random_ctx();
      EXPECT_EQ(copy.Best(c), book.Best(c));
      Result<Offer> x = copy.Apply(c, next_id);
      Result<Offer> y = book.Apply(c, next_id);
      ASSERT_TRUE(x.ok() && y.ok());
      EXPECT_EQ(*x, *y);
      std::vector<Promotion> forgotten = copy.Expire(now + kHour);
      EXPECT_EQ(book.Expire(now + kHour).size(), forgotten.size());
      EXPECT_EQ(Bytes(copy), Bytes(book));
      // Continue with the copy (the original goes away), so any state that
      // did not survive the round trip shows up later.
      book = std::move(copy);
      now += kHour;
      if (y->discount_minor > 0) {
        ModelPromotion& mp = model.promotions[y->promotion_id];
        mp.spent += y->discount_minor;
        ++mp.uses;
        model.payments[next_id] = {y->promotion_id, y->discount_minor,
                                   now - kHour};
        paid.push_back(next_id);
      }
      ++next_id;
      model.Expire(now, forgotten);
    }
    if (::testing::Test::HasFailure()) {
      FAIL() << "step " << step << " op " << op;
    }
    ExpectMatchesModel(book, model);
    for (const auto& [id, p] : book.promotions()) {
      ASSERT_LE(p.budget_spent_minor + p.budget_reserved_minor,
                p.spec.budget_minor);
      if (p.spec.per_user_per_day != 0) {
        for (u128 user = 1; user <= 30; ++user) {
          ASSERT_LE(book.UsesToday(id, user, now), p.spec.per_user_per_day);
        }
      }
    }
  }
  EXPECT_GT(model.promotions.size(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, PromotionPropertyTest,
                         ::testing::Values(1, 2, 3, 42, 1'234));

TEST(PromotionPropertyTest, DemandBeyondTheBudgetEndsAtExactlyZero) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 20; ++round) {
    PromotionBook book;
    PromotionSpec s = Spec(1);
    s.budget_minor = 1 + static_cast<int64_t>(rng() % 100'000);
    if (rng() % 2) {
      s.discount_type = DiscountType::kFixed;
      s.percent_bps = 0;
      s.fixed_minor = 1 + static_cast<int64_t>(rng() % 3'000);
    } else {
      s.percent_bps = 1 + static_cast<uint32_t>(rng() % 10'000);
    }
    ASSERT_TRUE(book.Create(s, kT0).ok());
    int64_t now = kT0;
    u128 id = 1;
    std::vector<u128> open;
    // Quotes (some released or expired), direct payments and commits, until
    // nothing is left. Every payment is large enough to get a discount.
    for (int i = 0; i < 100'000 && book.Find(1)->budget_left_minor() +
                                           book.Find(1)->budget_reserved_minor >
                                       0;
         ++i) {
      PaymentContext c = Ctx(1 + rng() % 1'000, 20'000 + rng() % 50'000, now);
      switch (rng() % 4) {
        case 0:
          ASSERT_TRUE(book.Apply(c, id++).ok());
          break;
        case 1:
          if (book.Reserve(c, id, now + 60 * kSecond)->discount_minor > 0) {
            open.push_back(id);
          }
          ++id;
          break;
        case 2:
          if (!open.empty()) {
            (void)book.Commit(open.back(), id++, now);
            open.pop_back();
          }
          break;
        case 3:
          now += 30 * kSecond;
          book.Expire(now);
          break;
      }
    }
    const Promotion* p = book.Find(1);
    EXPECT_EQ(p->budget_left_minor(), 0);
    EXPECT_EQ(p->budget_reserved_minor, 0);
    EXPECT_EQ(p->budget_spent_minor, s.budget_minor);
  }
}

}  // namespace
}  // namespace meridian::network
