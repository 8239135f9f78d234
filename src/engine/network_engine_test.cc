// The wallet interconnect inside the engine: the payment chain and its
// amounts, quotes, the net debit cap, refunds, cancels, holds for review,
// CPM holds resolved or lapsed, and the network book in snapshots.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "compliance/cases.h"
#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/state_machine.h"
#include "engine/testing/batches.h"
#include "fx/fx_commands.h"
#include "network/limits.h"
#include "network/network_commands.h"
#include "network/promotions.h"

namespace meridian::engine {
namespace {

using network::Payment;
using network::PaymentStatus;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = 1'800'000'000 * kSecond;
constexpr u128 kOperator = 0x0FE;
constexpr u128 kWallet = 0x3A11E7;  // KRW
constexpr u128 kAcquirer = 0xAC0;   // THB
constexpr u128 kMerchant = 0x3E2C;
constexpr u128 kFunder = 0x0FFF;

Currency C(const char* code) { return *Currency::FromCode(code); }

std::vector<uint8_t> As(u128 principal, const std::vector<uint8_t>& inner) {
  Envelope e;
  e.principal = principal;
  return EncodeIdempotent(e, inner);
}

i128 Balance(const StateMachine& s, u128 account) {
  const ledger::Account* a = s.ledger().FindAccount(account);
  if (a == nullptr) return 0;
  return static_cast<i128>(a->credits_posted) -
         static_cast<i128>(a->debits_posted);
}

i128 Pending(const StateMachine& s, u128 account) {
  const ledger::Account* a = s.ledger().FindAccount(account);
  if (a == nullptr) return 0;
  return static_cast<i128>(a->credits_pending) -
         static_cast<i128>(a->debits_pending);
}

u128 WalletAccount() {
  return network::ParticipantAccountId(kWallet, C("KRW"),
                                       network::kAccountCodeWalletPosition);
}
u128 AcquirerAccount() {
  return network::ParticipantAccountId(kAcquirer, C("THB"),
                                       network::kAccountCodeAcquirerPayable);
}

class NetworkEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        Run(EncodeCreatePrincipal({kOperator, PrincipalKind::kOperator,
                                   SignatureAlgorithm::kNone, "operator", ""}))
            .status.ok());
    fx::RateUpdate u;
    u.base = C("EUR");
    u.as_of_ns = t_;
    u.source = "test";
    u.rates = {{C("USD"), *fx::Decimal::ParseRate("1.08")},
               {C("KRW"), *fx::Decimal::ParseRate("1450")},
               {C("THB"), *fx::Decimal::ParseRate("38")}};
    ASSERT_TRUE(Run(As(kOperator, NewApiCommand(CommandType::kSetFxRates,
                                                fx::EncodeRateUpdate(u))))
                    .status.ok());
    network::CreateParticipant w;
    w.participant.id = kWallet;
    w.participant.type = network::ParticipantType::kWallet;
    w.participant.name = "Seoul Pay";
    w.participant.country = Country("KR");
    w.participant.currency = C("KRW");
    w.participant.settlement_currency = C("USD");
    w.participant.time_zone = "Asia/Seoul";
    w.participant.net_debit_cap_minor = 1'000'000;  // KRW 1,000,000
    w.participant.code_prefixes = {"28", "2899"};
    w.participant.authorize_url = "http://127.0.0.1:1/authorize";
    w.participant.key_id = 0x4B1;
    ASSERT_TRUE(
        Run(As(kOperator, NewApiCommand(CommandType::kCreateParticipant,
                                        network::EncodeCreateParticipant(w))))
            .status.ok());
    network::CreateParticipant a;
    a.participant.id = kAcquirer;
    a.participant.type = network::ParticipantType::kAcquirer;
    a.participant.name = "Bangkok Acquiring";
    a.participant.country = Country("TH");
    a.participant.currency = C("THB");
    a.participant.settlement_currency = C("THB");
    a.participant.time_zone = "Asia/Bangkok";
    a.participant.merchant_fee_bps = 100;
    a.participant.key_id = 0x4B2;
    ASSERT_TRUE(
        Run(As(kOperator, NewApiCommand(CommandType::kCreateParticipant,
                                        network::EncodeCreateParticipant(a))))
            .status.ok());
    network::Merchant m;
    m.id = kMerchant;
    m.acquirer = kAcquirer;
    m.reference = "shop-1";
    m.name = "Khao Soi House";
    m.mcc = 5812;
    m.country = Country("TH");
    m.city = "Chiang Mai";
    m.currency = C("THB");
    ASSERT_TRUE(Run(As(kAcquirer, NewApiCommand(CommandType::kCreateMerchant,
                                                network::EncodeMerchant(m))))
                    .status.ok());
  }

  CommandReply Run(const std::vector<uint8_t>& command,
                   int64_t gap_ns = kSecond) {
    return h_.Run(command, t_ += gap_ns);
  }
  StateMachine& state() { return h_.state(); }

  network::MpmPayment Mpm(u128 id, int64_t amount_minor) {
    network::MpmPayment p;
    p.id = id;
    p.wallet = kWallet;
    p.request_id = "req-" + std::to_string(static_cast<uint64_t>(id));
    p.merchant = kMerchant;
    p.currency = C("THB");
    p.amount_minor = amount_minor;
    p.payer = {0x05E2, Country("KR"), 2};
    return p;
  }

  CommandReply Pay(const network::MpmPayment& p) {
    return Run(As(kWallet, NewApiCommand(CommandType::kPayMpm,
                                         network::EncodeMpmPayment(p))));
  }

  Payment Record(const CommandReply& r) {
    Result<Payment> p = network::DecodePayment(r.payload);
    EXPECT_TRUE(p.ok()) << r.status.ToString();
    return p.ok() ? *p : Payment{};
  }

  CommandReply Refund(u128 id, u128 payment, int64_t amount_minor) {
    network::RefundRequest r{
        id,      kAcquirer, "rf-" + std::to_string(static_cast<uint64_t>(id)),
        payment, C("THB"),  amount_minor};
    return Run(As(kAcquirer, NewApiCommand(CommandType::kRefundPayment,
                                           network::EncodeRefundRequest(r))));
  }

  int64_t t_ = kT0;
  testing::BatchHarness h_;
};

TEST_F(NetworkEngineTest, MpmPaymentPostsTheChainAndTheAmountsAddUp) {
  CommandReply r = Pay(Mpm(0x100, 35'000));  // THB 350.00
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  Payment p = Record(r);
  EXPECT_EQ(p.status, PaymentStatus::kSuccess);
  EXPECT_EQ(p.pricing.merchant_fee_minor, 350);  // 1 % of 350.00
  // The wallet paid the FX sell amount and fee; the acquirer got the
  // amount less the hub's fee; the hub's fee account the fee.
  EXPECT_EQ(Balance(state(), WalletAccount()), -p.pricing.payer_minor);
  EXPECT_EQ(Balance(state(), AcquirerAccount()), 35'000 - 350);
  EXPECT_EQ(Balance(state(), network::NetworkFeeAccountId(C("THB"))), 350);
  // KRW per THB at mid is 1450/38 = 38.16; with the spread the payer pays
  // a little more than 350 x 38.16 = 13,355 KRW.
  EXPECT_GT(p.pricing.payer_minor, 13'355);
  EXPECT_LT(p.pricing.payer_minor, 13'355 * 102 / 100);
  // sell, FX fee (when the pricing has one), merchant, hub fee
  EXPECT_EQ(p.transfers.size(), p.pricing.fx_fee_minor > 0 ? 4u : 3u);
  state().ledger().CheckInvariants();
}

TEST_F(NetworkEngineTest, AQuoteHoldsThePriceAndIsUsedOnce) {
  network::QuoteRequest q;
  q.id = 0x900;
  q.wallet = kWallet;
  q.merchant = kMerchant;
  q.currency = C("THB");
  q.amount_minor = 10'000;
  q.payer_currency = C("KRW");
  CommandReply qr =
      Run(As(kWallet, NewApiCommand(CommandType::kCreateNetQuote,
                                    network::EncodeQuoteRequest(q))));
  ASSERT_TRUE(qr.status.ok()) << qr.status.ToString();
  Result<network::NetQuote> quote = network::DecodeNetQuote(qr.payload);
  ASSERT_TRUE(quote.ok());
  network::MpmPayment p = Mpm(0x101, 10'000);
  p.quote = 0x900;
  Payment paid = Record(Pay(p));
  EXPECT_EQ(paid.pricing.payer_minor, quote->pricing.payer_minor);
  network::MpmPayment again = Mpm(0x102, 10'000);
  again.quote = 0x900;
  EXPECT_EQ(Pay(again).status.code(), ErrorCode::kQUOTE_ALREADY_USED);
  // A quote lives 60 seconds.
  q.id = 0x901;
  ASSERT_TRUE(Run(As(kWallet, NewApiCommand(CommandType::kCreateNetQuote,
                                            network::EncodeQuoteRequest(q))))
                  .status.ok());
  network::MpmPayment late = Mpm(0x103, 10'000);
  late.quote = 0x901;
  EXPECT_EQ(Run(As(kWallet, NewApiCommand(CommandType::kPayMpm,
                                          network::EncodeMpmPayment(late))),
                61 * kSecond)
                .status.code(),
            ErrorCode::kQUOTE_EXPIRED);
}

TEST_F(NetworkEngineTest, AWalletAtItsNetDebitCapIsRefusedAndNothingMoves) {
  // KRW 1,000,000 of cap is about THB 26,000.
  ASSERT_TRUE(Pay(Mpm(0x110, 2'000'000)).status.ok());  // THB 20,000
  const i128 before = Balance(state(), WalletAccount());
  const size_t transfers = state().ledger().transfer_count();
  CommandReply r = Pay(Mpm(0x111, 1'000'000));  // THB 10,000 more
  EXPECT_EQ(r.status.code(), ErrorCode::kNET_DEBIT_CAP_EXCEEDED);
  EXPECT_EQ(Balance(state(), WalletAccount()), before);
  EXPECT_EQ(state().ledger().transfer_count(), transfers);
  EXPECT_EQ(state().network().FindPayment(0x111), nullptr);
}

TEST_F(NetworkEngineTest, PartialRefundsAddUpAndAnOverRefundIsRefused) {
  Payment p = Record(Pay(Mpm(0x120, 35'000)));
  ASSERT_TRUE(Refund(0x500, p.id, 10'000).status.ok());
  ASSERT_TRUE(Refund(0x501, p.id, 15'000).status.ok());
  CommandReply over = Refund(0x502, p.id, 10'001);
  EXPECT_EQ(over.status.code(), ErrorCode::kREFUND_AMOUNT_EXCEEDED);
  EXPECT_NE(over.status.error().message.find("10000"), std::string::npos)
      << over.status.error().message;
  // The last refund takes what rounding left: the payer gets back exactly
  // what it paid; the acquirer is left owing the hub's fee.
  ASSERT_TRUE(Refund(0x503, p.id, 10'000).status.ok());
  EXPECT_EQ(Balance(state(), WalletAccount()), 0);
  EXPECT_EQ(Balance(state(), AcquirerAccount()), -350);
  const Payment* after = state().network().FindPayment(p.id);
  EXPECT_EQ(after->refunded_minor, 35'000);
  EXPECT_EQ(after->refunded_payer_minor, p.pricing.payer_minor);
  EXPECT_EQ(Refund(0x504, p.id, 1).status.code(),
            ErrorCode::kREFUND_AMOUNT_EXCEEDED);
}

TEST_F(NetworkEngineTest, CancelReversesEveryLegUntilTheWindowCloses) {
  Payment p = Record(Pay(Mpm(0x130, 35'000)));
  CommandReply c = Run(As(
      kWallet, NewApiCommand(CommandType::kCancelPayment,
                             network::EncodeCancelPayment({p.id, kWallet}))));
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_EQ(Record(c).status, PaymentStatus::kCancelled);
  EXPECT_EQ(Balance(state(), WalletAccount()), 0);
  EXPECT_EQ(Balance(state(), AcquirerAccount()), 0);
  EXPECT_EQ(Balance(state(), network::NetworkFeeAccountId(C("THB"))), 0);

  Payment q = Record(Pay(Mpm(0x131, 35'000)));
  ASSERT_TRUE(
      Run(As(kOperator, NewApiCommand(CommandType::kCloseWindow,
                                      network::EncodeCloseWindow(kOperator))))
          .status.ok());
  CommandReply late =
      Run(As(kAcquirer,
             NewApiCommand(CommandType::kCancelPayment,
                           network::EncodeCancelPayment({q.id, kAcquirer}))));
  EXPECT_EQ(late.status.code(), ErrorCode::kPAYMENT_NOT_CANCELLABLE);
}

TEST_F(NetworkEngineTest, AHeldPaymentCompletesOnReleaseAndFailsOnReject) {
  for (bool release : {true, false}) {
    const u128 id = release ? 0x140 : 0x141;
    const u128 case_id = release ? 0xCA5E1 : 0xCA5E2;
    compliance::CaseSpec spec;
    spec.id = case_id;
    spec.kind = compliance::CaseKind::kSanctionsHit;
    spec.reason = "payer matched";
    spec.parties = {{"PAYER", "Viktor Bout", "RU", ""}};
    spec.hits = {{"OFAC-SDN", "9293", "BOUT, Viktor", 9300}};
    network::MpmPayment m = Mpm(id, 35'000);
    m.hold = compliance::EncodeHoldForReview(spec, {});
    const i128 before = Balance(state(), WalletAccount());
    Payment held = Record(Pay(m));
    ASSERT_EQ(held.status, PaymentStatus::kHeld);
    EXPECT_EQ(held.case_id, case_id);
    EXPECT_EQ(Balance(state(), WalletAccount()), before);  // only pending
    EXPECT_LT(Pending(state(), WalletAccount()), 0);
    CommandReply d = Run(As(
        kOperator, NewApiCommand(CommandType::kDecideCase,
                                 compliance::EncodeCaseDecision(
                                     {case_id, kOperator,
                                      release ? compliance::Decision::kRelease
                                              : compliance::Decision::kReject,
                                      "reviewed"}))));
    ASSERT_TRUE(d.status.ok()) << d.status.ToString();
    const Payment* after = state().network().FindPayment(id);
    EXPECT_EQ(after->status,
              release ? PaymentStatus::kSuccess : PaymentStatus::kFail);
    EXPECT_EQ(Balance(state(), WalletAccount()),
              release ? before - held.pricing.payer_minor : before);
    EXPECT_EQ(Pending(state(), WalletAccount()), 0);
  }
}

TEST_F(NetworkEngineTest, CpmHoldsArePostedVoidedOrLapse) {
  auto cpm = [&](u128 id) {
    network::CpmPayment p{id,
                          kAcquirer,
                          "cpm-" + std::to_string(static_cast<uint64_t>(id)),
                          kMerchant,
                          20'000,
                          "289912345678"};
    return Run(As(kAcquirer, NewApiCommand(CommandType::kPayCpm,
                                           network::EncodeCpmPayment(p))));
  };
  auto resolve = [&](u128 id, bool ok, int64_t gap = kSecond) {
    return Run(
        As(kWallet, NewApiCommand(CommandType::kResolveCpm,
                                  network::EncodeResolveCpm(
                                      {id, kWallet, ok,
                                       network::ResolveSource::kConfirm}))),
        gap);
  };
  CommandReply r = cpm(0x150);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ByteReader br(r.payload);
  std::optional<Payment> p = network::ReadPayment(br);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->status, PaymentStatus::kProcessing);
  EXPECT_EQ(p->wallet, kWallet);  // the longest prefix, 2899
  std::string_view url;
  ASSERT_TRUE(br.Bytes(&url));
  EXPECT_EQ(url, "http://127.0.0.1:1/authorize");
  EXPECT_EQ(Record(resolve(0x150, true)).status, PaymentStatus::kSuccess);
  // A late, different answer changes nothing.
  EXPECT_EQ(resolve(0x150, false).status.code(),
            ErrorCode::kPAYMENT_ALREADY_FINAL);

  ASSERT_TRUE(cpm(0x151).status.ok());
  Payment declined = Record(resolve(0x151, false));
  EXPECT_EQ(declined.status, PaymentStatus::kFail);
  EXPECT_EQ(declined.fail_code, ErrorCode::kWALLET_DECLINED);

  const i128 before = Balance(state(), WalletAccount());
  ASSERT_TRUE(cpm(0x152).status.ok());
  // Nobody answers: at the next batch past the hold the payment fails.
  BatchOutput out;
  h_.Run(As(kOperator, NewApiCommand(CommandType::kCloseWindow,
                                     network::EncodeCloseWindow(kOperator))),
         t_ += 121 * kSecond, &out);
  const Payment* lapsed = state().network().FindPayment(0x152);
  EXPECT_EQ(lapsed->status, PaymentStatus::kFail);
  EXPECT_EQ(lapsed->fail_code, ErrorCode::kHOLD_EXPIRED);
  EXPECT_EQ(Balance(state(), WalletAccount()), before);
  EXPECT_EQ(Pending(state(), WalletAccount()), 0);
  ASSERT_EQ(out.payments.size(), 1u);
  EXPECT_EQ(resolve(0x152, true).status.code(),
            ErrorCode::kPAYMENT_ALREADY_FINAL);

  // A code no wallet issues.
  network::CpmPayment unknown{0x153,     kAcquirer, "cpm-x",
                              kMerchant, 100,       "771234567890"};
  EXPECT_EQ(
      Run(As(kAcquirer, NewApiCommand(CommandType::kPayCpm,
                                      network::EncodeCpmPayment(unknown))))
          .status.code(),
      ErrorCode::kCUSTOMER_CODE_UNKNOWN);
}

TEST_F(NetworkEngineTest, TheNetworkBookSurvivesASnapshot) {
  Payment p = Record(Pay(Mpm(0x160, 35'000)));
  ASSERT_TRUE(Refund(0x600, p.id, 1'000).status.ok());
  std::vector<uint8_t> bytes = state().Serialize();
  Result<StateMachine> restored = StateMachine::Deserialize(bytes);
  ASSERT_TRUE(restored.ok()) << restored.error().ToString();
  EXPECT_EQ(restored->Serialize(), bytes);
  const Payment* again = restored->network().FindPayment(p.id);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->refunded_minor, 1'000);
  EXPECT_NE(restored->network().PaymentByRequest(kWallet, p.request_id),
            nullptr);
}

TEST_F(NetworkEngineTest,
       APromotionDiscountsFromItsFunderAndItsBudgetStopsAtZero) {
  network::PromotionSpec spec;
  spec.id = 0x9900;
  spec.created_by = kOperator;
  spec.funder = kOperator;
  spec.name = "Songkran";
  spec.currency = C("THB");
  spec.discount_type = network::DiscountType::kPercent;
  spec.percent_bps = 1'000;  // 10 %
  spec.cap_minor = 5'000;
  spec.budget_minor = 12'000;
  spec.starts_ns = 0;
  spec.ends_ns = t_ + 3600 * kSecond;
  ASSERT_TRUE(
      Run(As(kOperator, NewApiCommand(CommandType::kCreatePromotion,
                                      network::EncodePromotionSpec(spec))))
          .status.ok());
  const u128 funder = network::ParticipantAccountId(
      kOperator, C("THB"), network::kAccountCodePromotionFunding);
  // 10 % of 350.00 is 35.00; the acquirer still gets the full price less
  // the fee, and the funder paid the discount.
  Payment p = Record(Pay(Mpm(0x170, 35'000)));
  EXPECT_EQ(p.pricing.discount_minor, 3'500);
  EXPECT_EQ(p.pricing.promotion, spec.id);
  EXPECT_EQ(Balance(state(), AcquirerAccount()), 35'000 - 350);
  EXPECT_EQ(Balance(state(), funder), -3'500);
  // Capped at 50.00, then what is left of the budget (35.00), then none.
  EXPECT_EQ(Record(Pay(Mpm(0x171, 100'000))).pricing.discount_minor, 5'000);
  EXPECT_EQ(Record(Pay(Mpm(0x172, 100'000))).pricing.discount_minor, 3'500);
  EXPECT_EQ(Record(Pay(Mpm(0x173, 100'000))).pricing.discount_minor, 0);
  EXPECT_EQ(state().promotions().Find(spec.id)->budget_left_minor(), 0);
  // A full refund gives the funder its discount back, the payer the rest.
  ASSERT_TRUE(Refund(0x700, p.id, 35'000).status.ok());
  EXPECT_EQ(Balance(state(), funder), -5'000 - 3'500);
  // A cancel gives the budget back.
  Payment q = Record(Pay(Mpm(0x174, 1'000)));
  EXPECT_EQ(q.pricing.discount_minor, 0);
}

TEST_F(NetworkEngineTest, PayerLimitsRefuseAndNothingMoves) {
  network::LimitConfig config = network::LimitConfig::Defaults();
  config.tiers[2].per_payment_usd_minor = 10'000;  // USD 100
  ASSERT_TRUE(
      Run(As(kOperator, NewApiCommand(CommandType::kSetPayerLimits,
                                      network::EncodeLimitConfig(config))))
          .status.ok());
  // THB 5,000 is about USD 142.
  const size_t transfers = state().ledger().transfer_count();
  CommandReply r = Pay(Mpm(0x180, 500'000));
  EXPECT_EQ(r.status.code(), ErrorCode::kLIMIT_EXCEEDED) << r.status.ToString();
  EXPECT_EQ(state().ledger().transfer_count(), transfers);
  EXPECT_TRUE(Pay(Mpm(0x181, 300'000)).status.ok());  // about USD 85
  // A wallet cannot set limits.
  EXPECT_EQ(Run(As(kWallet, NewApiCommand(CommandType::kSetPayerLimits,
                                          network::EncodeLimitConfig(config))))
                .status.code(),
            ErrorCode::kACCESS_DENIED);
}

// Random network traffic: every command's outcome, the ledger's
// invariants, the payments' own arithmetic, and a replay from a snapshot
// taken halfway giving the same state.
TEST_F(NetworkEngineTest, RandomTrafficKeepsTheBooksAndReplaysExactly) {
  std::mt19937_64 rng(0x6E6574);
  std::vector<std::vector<uint8_t>> commands;
  std::vector<u128> paid;
  std::vector<uint8_t> halfway;
  std::vector<std::pair<std::vector<uint8_t>, int64_t>> after_half;
  StateMachine* s = &state();
  uint64_t next_id = 0x10000;
  for (int i = 0; i < 600; ++i) {
    std::vector<uint8_t> cmd;
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 5 || paid.empty()) {
      network::MpmPayment m = Mpm(next_id++, 100 + rng() % 20'000);
      cmd = As(kWallet, NewApiCommand(CommandType::kPayMpm,
                                      network::EncodeMpmPayment(m)));
    } else if (kind < 7) {
      network::CpmPayment c{next_id++,
                            kAcquirer,
                            "cpm-" + std::to_string(next_id),
                            kMerchant,
                            static_cast<int64_t>(100 + rng() % 50'000),
                            "289912345678"};
      cmd = As(kAcquirer, NewApiCommand(CommandType::kPayCpm,
                                        network::EncodeCpmPayment(c)));
    } else if (kind < 8) {
      const u128 target = paid[rng() % paid.size()];
      cmd = As(kWallet, NewApiCommand(CommandType::kResolveCpm,
                                      network::EncodeResolveCpm(
                                          {target, kWallet, rng() % 2 == 0,
                                           network::ResolveSource::kConfirm})));
    } else if (kind < 9) {
      const u128 target = paid[rng() % paid.size()];
      network::RefundRequest r{
          next_id++, kAcquirer, "rf-" + std::to_string(next_id),
          target,    C("THB"),  static_cast<int64_t>(1 + rng() % 20'000)};
      cmd = As(kAcquirer, NewApiCommand(CommandType::kRefundPayment,
                                        network::EncodeRefundRequest(r)));
    } else {
      const u128 target = paid[rng() % paid.size()];
      cmd = As(kWallet,
               NewApiCommand(CommandType::kCancelPayment,
                             network::EncodeCancelPayment({target, kWallet})));
    }
    const int64_t gap = static_cast<int64_t>(rng() % 5) * kSecond + 1;
    CommandReply r = Run(cmd, gap);
    if (i == 300) halfway = s->Serialize();
    if (i > 300) after_half.emplace_back(cmd, t_);
    if (r.status.ok() && r.object_id != 0 &&
        s->network().FindPayment(r.object_id) != nullptr) {
      paid.push_back(r.object_id);
    }
  }
  s->ledger().CheckInvariants();
  // Every payment's arithmetic: refunds never above the price; a
  // successful payment's legs move exactly its amounts.
  int successes = 0;
  for (const auto& [id, p] : s->network().payments()) {
    EXPECT_LE(p.refunded_minor, p.pricing.amount_minor);
    EXPECT_LE(p.refunded_payer_minor, p.pricing.payer_minor);
    if (p.status == PaymentStatus::kSuccess) ++successes;
  }
  EXPECT_GT(successes, 150);
  // The wallet's position is exactly what the network book says it paid,
  // less what came back.
  i128 owed = 0;
  for (const auto& [id, p] : s->network().payments()) {
    if (p.status == PaymentStatus::kSuccess) {
      owed += p.pricing.payer_minor - p.refunded_payer_minor;
    }
  }
  EXPECT_EQ(Balance(*s, WalletAccount()), -owed);
  // Replay from the halfway snapshot.
  Result<StateMachine> restored = StateMachine::Deserialize(halfway);
  ASSERT_TRUE(restored.ok()) << restored.error().ToString();
  testing::BatchHarness replay(std::move(*restored));
  for (const auto& [cmd, time] : after_half) replay.Run(cmd, time);
  EXPECT_EQ(replay.state().StateHash(), s->StateHash());
}

TEST_F(NetworkEngineTest, OnlyTheOperatorAdmitsParticipants) {
  network::CreateParticipant w;
  w.participant.id = 0x777;
  w.participant.type = network::ParticipantType::kWallet;
  w.participant.name = "Rogue";
  w.participant.currency = C("KRW");
  w.participant.settlement_currency = C("KRW");
  CommandReply r =
      Run(As(kWallet, NewApiCommand(CommandType::kCreateParticipant,
                                    network::EncodeCreateParticipant(w))));
  EXPECT_EQ(r.status.code(), ErrorCode::kACCESS_DENIED);
  // A prefix another wallet routes is refused.
  w.participant.code_prefixes = {"28"};
  r = Run(As(kOperator, NewApiCommand(CommandType::kCreateParticipant,
                                      network::EncodeCreateParticipant(w))));
  EXPECT_EQ(r.status.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(r.status.error().param, "codePrefixes[0]");
}

}  // namespace
}  // namespace meridian::engine
