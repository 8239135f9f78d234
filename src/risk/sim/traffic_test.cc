#include "risk/sim/traffic.h"

#include <gtest/gtest.h>

namespace meridian::risk::sim {
namespace {

TEST(TrafficTest, SameSeedSameDay) {
  TrafficConfig c{.seed = 5, .payers = 300, .merchants = 40};
  TrafficSimulator a(c), b(c);
  std::vector<SimPayment> x = a.Day(1), y = b.Day(1);
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].attempt.payment_id, y[i].attempt.payment_id);
    EXPECT_EQ(x[i].attempt.time_ns, y[i].attempt.time_ns);
    EXPECT_EQ(x[i].fraud, y[i].fraud);
  }
  TrafficSimulator other({.seed = 6, .payers = 300, .merchants = 40});
  EXPECT_NE(other.Day(1)[0].attempt.payment_id, x[0].attempt.payment_id);
}

TEST(TrafficTest, SortedLabelledAndPlausible) {
  TrafficConfig c{.seed = 9, .payers = 1000, .merchants = 100};
  TrafficSimulator sim(c);
  std::vector<SimPayment> day = sim.Day(0);
  std::array<int64_t, kFraudKindCount> kinds{};
  int64_t genuine_declines = 0, genuine = 0, testing_declines = 0;
  for (size_t i = 0; i < day.size(); ++i) {
    const SimPayment& p = day[i];
    if (i > 0) {
      EXPECT_LE(day[i - 1].attempt.time_ns, p.attempt.time_ns);
    }
    EXPECT_GE(p.attempt.time_ns, c.start_ns);
    EXPECT_LT(p.attempt.time_ns, c.start_ns + kNsPerDay + kNsPerHour);
    EXPECT_GT(p.attempt.amount_reporting_minor, 0);
    EXPECT_EQ(p.fraud, p.kind != FraudKind::kNone);
    ++kinds[static_cast<size_t>(p.kind)];
    if (!p.fraud) {
      ++genuine;
      if (!p.issuer_approves) ++genuine_declines;
    }
    if (p.kind == FraudKind::kCardTesting) {
      EXPECT_LE(p.attempt.amount_reporting_minor, 600);
      if (!p.issuer_approves) ++testing_declines;
    }
  }
  EXPECT_GT(genuine, 1000);
  EXPECT_GE(kinds[1], 8 * c.card_testing_runs);
  EXPECT_GE(kinds[2], c.takeovers);
  EXPECT_GE(kinds[3], 3 * c.stolen_cards);
  EXPECT_LT(genuine_declines * 20, genuine);         // a few percent
  EXPECT_GT(testing_declines * 10, kinds[1] * 6);    // mostly declined
}

}  // namespace
}  // namespace meridian::risk::sim
