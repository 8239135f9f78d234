// The wallet interconnect inside the engine (spec/network.md): the
// StateMachine members that move a network payment's money. NetworkBook
// (network/network_book.h) keeps the records; this file decides and posts.
//
// A payment of `amount` (merchant currency M) by a wallet (payer currency
// P) with hub fee `fee` and promotion discount `discount` posts one linked
// chain:
//   1. wallet position (P) -> hub FX liquidity (P): the FX sell amount
//   2. wallet position (P) -> hub FX fees (P): the FX fee, if any
//   3. source (M) -> acquirer payable (M): amount - discount - fee
//   4. source (M) -> hub network fees (M): fee, if any
//   5. funder (M) -> acquirer payable (M): discount, if any
// where the source is the hub's FX liquidity in M, or the wallet's
// position itself when P == M (then legs 1 and 2 are absent). The wallet's
// position may go below zero down to its net debit cap (the account's
// ledger limit): the ledger refuses the chain past it.
//
// A payment held for review (sanctions, risk REVIEW) posts the same chain
// as holds without a timeout; the case's decision posts or voids them
// (ApplyComplianceCommand) and OnNetworkCaseDecided finishes the payment.
// A CPM payment posts the chain as holds that lapse after the wallet's
// cpm_hold_s;
// the wallet's answer posts or voids them.
#include <algorithm>
#include <cstring>

#include "compliance/cases.h"
#include "engine/internal/engine_util.h"
#include "engine/state_machine.h"
#include "fx/fx_state.h"
#include "network/network_commands.h"

namespace meridian::engine {
namespace {

using internal::DeriveId;
using internal::FirstReason;
using network::Merchant;
using network::NetworkBook;
using network::Participant;
using network::ParticipantType;
using network::Payment;
using network::PaymentKind;
using network::PaymentStatus;
using network::Pricing;

Error Invalid(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

// The hub's fee: `bps` of the amount, half-even (the one rounding of the
// merchant's leg).
int64_t FeeOf(int64_t amount_minor, uint32_t bps) {
  std::optional<i128> v =
      fx::MulDiv(amount_minor, bps, 10'000, fx::Rounding::kHalfEven);
  MERIDIAN_CHECK(v.has_value());
  return static_cast<int64_t>(*v);
}

// floor(a * b / d) for the proportional shares of a refund.
int64_t Share(int64_t a, int64_t b, int64_t d) {
  if (d == 0) return 0;
  std::optional<i128> v = fx::MulDiv(a, b, d, fx::Rounding::kDown);
  MERIDIAN_CHECK(v.has_value());
  return static_cast<int64_t>(*v);
}

u128 WalletPosition(u128 wallet, Currency c) {
  return network::ParticipantAccountId(wallet, c,
                                       network::kAccountCodeWalletPosition);
}
u128 AcquirerPayable(u128 acquirer, Currency c) {
  return network::ParticipantAccountId(acquirer, c,
                                       network::kAccountCodeAcquirerPayable);
}
u128 FunderAccount(u128 funder, Currency c) {
  return network::ParticipantAccountId(funder, c,
                                       network::kAccountCodePromotionFunding);
}

ledger::Transfer Leg(u128 id, u128 debit, u128 credit, int64_t amount_minor,
                     Currency c, uint16_t code, u128 user_data) {
  ledger::Transfer t{};
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = static_cast<u128>(amount_minor);
  t.ledger = c.ledger();
  t.code = code;
  t.user_data = user_data;
  return t;
}

// Links a chain: every transfer but the last is linked to the next.
void LinkChain(std::vector<ledger::Transfer>& chain) {
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i + 1 < chain.size()) chain[i].flags |= ledger::kTransferLinked;
  }
}

// The payment's chain (see the top of this file), not yet linked.
std::vector<ledger::Transfer> PaymentChain(const Payment& p) {
  const Pricing& x = p.pricing;
  const Currency pc = x.payer_currency;
  const Currency mc = x.merchant_currency;
  const bool cross = pc != mc;
  const u128 wallet = WalletPosition(p.wallet, pc);
  std::vector<ledger::Transfer> chain;
  uint32_t n = 0;
  auto leg = [&](u128 debit, u128 credit, int64_t amount, Currency c,
                 uint16_t code) {
    const uint32_t i = n++;
    if (amount <= 0) return;
    chain.push_back(Leg(DeriveId("meridian/network/leg", p.id, i), debit,
                        credit, amount, c, code, p.id));
  };
  const int64_t buy = x.amount_minor - x.discount_minor;
  leg(wallet, fx::HubAccountId(pc, fx::HubAccount::kLiquidity),
      cross ? x.payer_minor - x.fx_fee_minor : 0, pc,
      network::kTransferCodePayment);
  leg(wallet, fx::HubAccountId(pc, fx::HubAccount::kFees),
      cross ? x.fx_fee_minor : 0, pc, fx::kTransferCodeFxFee);
  const u128 source =
      cross ? fx::HubAccountId(mc, fx::HubAccount::kLiquidity) : wallet;
  leg(source, AcquirerPayable(p.acquirer, mc), buy - x.merchant_fee_minor, mc,
      network::kTransferCodeMerchant);
  leg(source, network::NetworkFeeAccountId(mc), x.merchant_fee_minor, mc,
      network::kTransferCodeHubFee);
  leg(FunderAccount(x.funder, mc), AcquirerPayable(p.acquirer, mc),
      x.discount_minor, mc, network::kTransferCodeDiscount);
  return chain;
}

// Why the ledger refused a payment's chain: the wallet past its cap, or
// anything else.
Error ChainRefused(std::span<const ledger::EventResult> results,
                   std::span<const ledger::Transfer> chain, u128 wallet) {
  const ledger::LedgerResult why = FirstReason(results);
  for (const ledger::EventResult& r : results) {
    if (r.result != why) continue;
    if (why == ledger::LedgerResult::kEXCEEDS_CREDITS &&
        r.index < chain.size() && chain[r.index].debit_account_id == wallet) {
      return MakeError(ErrorCode::kNET_DEBIT_CAP_EXCEEDED, "",
                       "the payment would take the wallet's position past "
                       "its net debit cap; nothing moved. Pre-fund the "
                       "position or settle first");
    }
    break;
  }
  return MakeError(ErrorCode::kLEDGER_REJECTED, "",
                   "the ledger refused the payment: " +
                       std::string(ledger::LedgerResultName(why)));
}

// The inverse of a rate: payer units per merchant unit, for display.
fx::Decimal Inverse(fx::Decimal rate) {
  if (rate.scaled() == 0) return rate;
  std::optional<i128> v = fx::MulDiv(fx::Decimal::kScale, fx::Decimal::kScale,
                                     rate.scaled(), fx::Rounding::kHalfEven);
  return fx::Decimal::FromScaled(v.value_or(0));
}

std::string AsString(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// The payer's or taker's participant of a new payment: the caller, of the
// right type, with a request id it has not used, and room in the book.
Result<const Participant*> NewPaymentBy(const NetworkBook& book, u128 id,
                                        u128 principal, ParticipantType type,
                                        std::string_view request_id) {
  if (principal != 0 && principal != id) {
    return Invalid("command", "the payment's participant is not the caller");
  }
  const Participant* p = book.FindParticipant(id);
  if (p == nullptr || p->type != type) {
    return MakeError(ErrorCode::kACCESS_DENIED, "",
                     type == ParticipantType::kWallet
                         ? "only a wallet participant pays by MPM"
                         : "only an acquirer participant takes CPM payments");
  }
  if (book.PaymentByRequest(id, request_id) != nullptr) {
    return Invalid("paymentRequestId",
                   "this paymentRequestId belongs to another payment; use a "
                   "new one (or inquire that payment)");
  }
  MERIDIAN_RETURN_IF_ERROR(book.CheckNewPayment());
  return p;
}

// The merchant a scanned code names (its id, or its national code's key),
// paid in `currency` when the request names one.
Result<const Merchant*> CodeMerchant(const NetworkBook& book, u128 id,
                                     std::string_view national_key,
                                     std::optional<Currency> currency) {
  const Merchant* m = national_key.empty()
                          ? book.FindMerchant(id)
                          : book.MerchantByNationalKey(national_key);
  if (m == nullptr) {
    return MakeError(ErrorCode::kQR_MERCHANT_UNKNOWN, "codeValue",
                     "no merchant on the network has this code");
  }
  if (currency && *currency != m->currency) {
    return MakeError(
        ErrorCode::kCURRENCY_NOT_SUPPORTED, "paymentAmount.currency",
        "the merchant is paid in " + std::string(m->currency.code()));
  }
  return m;
}

// The amount to pay: a dynamic code's order's (which must be open), or the
// request's; above zero.
Result<int64_t> PayableAmount(const NetworkBook& book, const Merchant& m,
                              u128 order, int64_t amount_minor,
                              int64_t now_ns) {
  if (order != 0) {
    const network::Order* o = book.FindOrder(order);
    if (o == nullptr || o->merchant != m.id || o->paid_by != 0 ||
        now_ns >= o->expires_ns) {
      return MakeError(ErrorCode::kQR_EXPIRED, "codeValue",
                       "the order code expired or was paid; ask the merchant "
                       "for a new one");
    }
    if (amount_minor == 0) amount_minor = o->amount_minor;
    if (amount_minor != o->amount_minor) {
      return MakeError(ErrorCode::kINVALID_AMOUNT, "paymentAmount",
                       "the order is for another amount");
    }
  }
  if (amount_minor <= 0) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "paymentAmount",
                     "the amount is above zero");
  }
  return amount_minor;
}

}  // namespace

std::optional<int64_t> StateMachine::UsdMinor(Currency c, int64_t amount_minor,
                                              int64_t now_ns) const {
  static const Currency kUsd = *Currency::FromCode("USD");
  if (c == kUsd) return amount_minor;
  Result<fx::Decimal> mid = fx_.Mid(c, kUsd, now_ns, /*allow_stale=*/true);
  if (!mid.ok()) return std::nullopt;
  // minor(from) * mid * 10^(usd minor - from minor), half-even.
  i128 num = static_cast<i128>(amount_minor) * mid->scaled();
  i128 den = fx::Decimal::kScale;
  int shift = kUsd.minor_units() - c.minor_units();
  for (; shift > 0; --shift) num *= 10;
  for (; shift < 0; ++shift) den *= 10;
  std::optional<i128> v = fx::MulDiv(num, 1, den, fx::Rounding::kHalfEven);
  return !v || *v > INT64_MAX ? INT64_MAX : static_cast<int64_t>(*v);
}

Result<Pricing> StateMachine::PriceNetworkPayment(
    const Participant& wallet, const Merchant& merchant, int64_t amount_minor,
    u128 user, u128 fx_quote, u128 reservation, int64_t reservation_expires_ns,
    int64_t now_ns) {
  const Participant* acquirer = network_.FindParticipant(merchant.acquirer);
  MERIDIAN_CHECK(acquirer != nullptr);
  Pricing x;
  x.payer_currency = wallet.currency;
  x.merchant_currency = merchant.currency;
  x.amount_minor = amount_minor;
  x.merchant_fee_minor = FeeOf(amount_minor, acquirer->merchant_fee_bps);
  if (x.merchant_fee_minor >= amount_minor) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "paymentAmount",
                     "the amount does not cover the hub's fee; pay more");
  }
  // The best promotion, reserved until the payment commits it (or the
  // reservation lapses). The payer pays at least one minor unit after the
  // hub's fee.
  if (reservation != 0) {
    network::PaymentContext ctx;
    ctx.wallet = wallet.id;
    ctx.user = user;
    ctx.merchant_country = merchant.country;
    ctx.mcc = merchant.mcc;
    ctx.currency = merchant.currency;
    ctx.amount_minor = amount_minor;
    ctx.max_discount_minor = amount_minor - x.merchant_fee_minor - 1;
    ctx.now_ns = now_ns;
    Result<network::Offer> offer =
        promotions_.Reserve(ctx, reservation, reservation_expires_ns);
    if (offer.ok() && offer->discount_minor > 0) {
      x.discount_minor = offer->discount_minor;
      x.promotion = offer->promotion_id;
      x.funder = offer->funder;
    }
  }
  const int64_t buy = amount_minor - x.discount_minor;
  if (x.payer_currency == x.merchant_currency) {
    x.rate = fx::Decimal::FromUnits(1);
    x.payer_minor = buy;
    return x;
  }
  fx::QuoteRequest q;
  q.id = fx_quote != 0 ? fx_quote
                       : DeriveId("meridian/network/fx", reservation, 0);
  q.principal = wallet.id;
  q.sell = x.payer_currency;
  q.buy = x.merchant_currency;
  q.fixed_sell = false;
  q.amount_minor = buy;
  q.validity = fx::Validity::kMin1;
  Result<fx::Quote> quote =
      fx_quote != 0 ? fx_.CreateQuote(q, now_ns) : fx_.Price(q, now_ns);
  if (!quote.ok()) {
    if (x.promotion != 0) promotions_.Release(reservation);
    const Error& e = quote.error();
    // The FX book names its own fields; the payer's currency is the sell.
    std::string param = e.param == "sellCurrency"  ? "payerCurrency"
                        : e.param == "buyCurrency" ? "paymentAmount.currency"
                                                   : e.param;
    return MakeError(e.code, param, e.message);
  }
  x.fx_quote = fx_quote;
  x.rate = Inverse(quote->rate);
  x.fx_fee_minor = quote->fee_minor;
  x.payer_minor = quote->sell_minor + quote->fee_minor;
  return x;
}

void StateMachine::EmitPayment(EventType type, const Payment& p,
                               bool tell_wallet, bool tell_acquirer) {
  ApiOutput* out = output_ != nullptr ? &output_->api : nullptr;
  std::string payload;
  for (auto [side, tell] : {std::pair{p.wallet, tell_wallet},
                            std::pair{p.acquirer, tell_acquirer}}) {
    if (!tell || !api_.Subscribed(side, type)) continue;
    if (payload.empty()) payload = AsString(network::EncodePayment(p));
    api_.Emit(type, side, p.id, payload, batch_time_ns_, std::nullopt, out);
  }
}

void StateMachine::RecordPayment(Payment p) {
  if (output_ != nullptr) output_->payments.push_back(p);
  network_.PutPayment(std::move(p));
}

bool StateMachine::ResolveHolds(Payment& p, bool post, uint64_t ts) {
  std::vector<ledger::Transfer> resolve;
  for (size_t i = 0; i < p.transfers.size(); ++i) {
    const ledger::Transfer* held = ledger_.FindTransfer(p.transfers[i]);
    if (held == nullptr || held->state != ledger::PendingState::kPending) {
      return false;
    }
    ledger::Transfer t{};
    t.id = DeriveId(post ? "meridian/network/post" : "meridian/network/void",
                    p.id, static_cast<uint32_t>(i));
    t.pending_id = held->id;
    t.ledger = held->ledger;
    t.code = held->code;
    t.user_data = p.id;
    t.flags =
        post ? ledger::kTransferPostPending : ledger::kTransferVoidPending;
    resolve.push_back(t);
  }
  LinkChain(resolve);
  std::vector<ledger::EventResult> results;
  ledger_.CreateTransfers(resolve, ts, &results);
  return results.empty();
}

void StateMachine::FinishPayment(Payment& p, bool success, ErrorCode why,
                                 int64_t now_ns, bool tell_wallet,
                                 bool tell_acquirer) {
  const Pricing& x = p.pricing;
  if (success) {
    // A CPM payment's discount was reserved under its own id until the
    // wallet said yes; an MPM payment committed its own when it was made.
    if (p.kind == PaymentKind::kCpm && x.promotion != 0) {
      (void)promotions_.Commit(p.id, p.id, now_ns);
    }
    if (x.payer_currency != x.merchant_currency) {
      fx_.BookTrade(x.payer_currency, x.payer_minor - x.fx_fee_minor,
                    x.merchant_currency, x.amount_minor - x.discount_minor,
                    now_ns);
    }
    p.status = PaymentStatus::kSuccess;
  } else {
    p.status = PaymentStatus::kFail;
    p.fail_code = why;
    if (p.kind == PaymentKind::kCpm) {
      promotions_.Release(p.id);
    } else {
      (void)promotions_.Reverse(p.id, now_ns);
    }
    limits_.Reverse(p.id);
  }
  p.updated_ns = now_ns;
  p.hold_expires_ns = 0;
  EmitPayment(
      success ? EventType::kPaymentSucceeded : EventType::kPaymentFailed, p,
      tell_wallet, tell_acquirer);
  RecordPayment(p);
}

void StateMachine::ExpireNetwork(int64_t now_ns) {
  std::vector<u128> lapsed = network_.LapsedHolds(now_ns);
  if (lapsed.empty()) return;
  ledger_.ExpirePendingTransfers(next_timestamp_);
  for (u128 id : lapsed) {
    Payment p = *network_.FindPayment(id);
    // The ledger voided the holds as they lapsed (same deadline); any it
    // did not (a chain made at another stamp) are voided here.
    const uint64_t ts = next_timestamp_;
    if (ResolveHolds(p, /*post=*/false, ts)) {
      next_timestamp_ = ts + p.transfers.size();
    }
    FinishPayment(p, false, ErrorCode::kHOLD_EXPIRED, now_ns, true, true);
  }
}

void StateMachine::PrepareNetworkCaseDecision(const compliance::Case& c,
                                              bool release) {
  const Payment* p = network_.PaymentByCase(c.id);
  if (p == nullptr || !release) return;
  const Currency currencies[] = {p->pricing.payer_currency,
                                 p->pricing.merchant_currency};
  fx_.SyncCurrencies(currencies, ledger_,
                     static_cast<int64_t>(next_timestamp_));
}

void StateMachine::OnNetworkCaseDecided(const compliance::Case& c, bool release,
                                        int64_t now_ns) {
  const Payment* held = network_.PaymentByCase(c.id);
  if (held == nullptr || held->status != PaymentStatus::kHeld) return;
  Payment p = *held;
  FinishPayment(p, release,
                release ? ErrorCode::kSUCCESS : ErrorCode::kCOMPLIANCE_REJECTED,
                now_ns, /*tell_wallet=*/true, /*tell_acquirer=*/true);
}

uint64_t StateMachine::ApplyNetworkCommand(CommandType type,
                                           std::span<const uint8_t> body,
                                           u128 principal,
                                           CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  auto is_operator = [&](u128 who) {
    auto it = api_.principals().find(who);
    return it != api_.principals().end() &&
           it->second.kind == PrincipalKind::kOperator;
  };
  switch (type) {
    case CommandType::kCreateParticipant: {
      Result<network::CreateParticipant> c =
          network::DecodeCreateParticipant(body);
      if (!c.ok()) return fail(c.error());
      if (!is_operator(principal)) {
        return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                              "only the operator admits participants"));
      }
      Participant p = std::move(c->participant);
      p.created_ns = now;
      if (Status s = network_.CheckNewParticipant(p); !s.ok()) {
        return fail(s.error());
      }
      if (api_.principals().contains(p.id)) {
        return fail(Invalid("id", "a principal with this id exists"));
      }
      // Its accounts: a wallet's position (may go below zero down to the
      // cap), an acquirer's payable; and the hub's fee account there.
      std::vector<ledger::Account> accounts;
      ledger::Account a{};
      a.ledger = p.currency.ledger();
      a.user_data = p.id;
      if (p.type == ParticipantType::kWallet) {
        a.id = WalletPosition(p.id, p.currency);
        a.code = network::kAccountCodeWalletPosition;
        a.flags = ledger::kAccountDebitsMustNotExceedCredits;
        a.limit = static_cast<u128>(p.net_debit_cap_minor);
      } else {
        a.id = AcquirerPayable(p.id, p.currency);
        a.code = network::kAccountCodeAcquirerPayable;
      }
      accounts.push_back(a);
      // A funding account for promotions it pays for.
      a.id = FunderAccount(p.id, p.currency);
      a.code = network::kAccountCodePromotionFunding;
      a.flags = 0;
      a.limit = 0;
      accounts.push_back(a);
      if (ledger_.FindAccount(network::NetworkFeeAccountId(p.currency)) ==
          nullptr) {
        ledger::Account fee{};
        fee.id = network::NetworkFeeAccountId(p.currency);
        fee.ledger = p.currency.ledger();
        fee.code = network::kAccountCodeNetworkFees;
        accounts.push_back(fee);
      }
      Status s = api_.CreatePrincipal(
          {p.id, PrincipalKind::kParticipant, SignatureAlgorithm::kNone,
           p.name.substr(0, kMaxPrincipalNameBytes), ""},
          now, output_ != nullptr ? &output_->api : nullptr);
      if (!s.ok()) return fail(s.error());
      std::vector<ledger::EventResult> results;
      ledger_.CreateAccounts(accounts, ts, &results);
      MERIDIAN_CHECK(results.empty())
          << "participant account refused: "
          << ledger::LedgerResultName(results[0].result);
      ApiOutput* out = output_ != nullptr ? &output_->api : nullptr;
      s = api_.CreateApiKey({p.key_id, p.id, c->key_hash}, now, out);
      if (!s.ok()) return fail(s.error());
      if (!p.notify_url.empty() && p.endpoint_id != 0) {
        uint64_t mask = 0;
        for (EventType t :
             {EventType::kPaymentSucceeded, EventType::kPaymentFailed,
              EventType::kPaymentCancelled, EventType::kRefundSucceeded,
              EventType::kPaymentHeld}) {
          mask |= EventMaskBit(t);
        }
        s = api_.CreateWebhookEndpoint(
            {p.endpoint_id, p.id, mask, p.notify_url}, now, out);
        if (!s.ok()) return fail(s.error());
      } else {
        p.endpoint_id = 0;
      }
      reply->object_id = p.id;
      reply->payload = network::EncodeParticipant(p);
      network_.AddParticipant(std::move(p));
      return 1 + accounts.size();
    }
    case CommandType::kCreateMerchant: {
      Result<Merchant> m = network::DecodeMerchant(body);
      if (!m.ok()) return fail(m.error());
      const Participant* acquirer = network_.FindParticipant(m->acquirer);
      if (acquirer == nullptr || acquirer->type != ParticipantType::kAcquirer) {
        return fail(Invalid("acquirerId", "not an acquirer of the network"));
      }
      if (principal != 0 && principal != m->acquirer &&
          !is_operator(principal)) {
        return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                              "an acquirer registers only its own merchants"));
      }
      if (network_.FindMerchant(m->id) != nullptr) {
        return fail(Invalid("id", "a merchant with this id exists"));
      }
      if (Status s = network_.CheckNewMerchant(*m); !s.ok()) {
        return fail(s.error());
      }
      // The acquirer is paid in the merchant's currency.
      std::vector<ledger::Account> accounts;
      auto need = [&](u128 id, uint16_t code, u128 owner) {
        if (ledger_.FindAccount(id) != nullptr) return;
        ledger::Account a{};
        a.id = id;
        a.ledger = m->currency.ledger();
        a.code = code;
        a.user_data = owner;
        accounts.push_back(a);
      };
      need(AcquirerPayable(m->acquirer, m->currency),
           network::kAccountCodeAcquirerPayable, m->acquirer);
      need(network::NetworkFeeAccountId(m->currency),
           network::kAccountCodeNetworkFees, 0);
      if (!accounts.empty()) {
        std::vector<ledger::EventResult> results;
        ledger_.CreateAccounts(accounts, ts, &results);
        MERIDIAN_CHECK(results.empty());
      }
      m->created_ns = now;
      reply->object_id = m->id;
      reply->payload = network::EncodeMerchant(*m);
      network_.AddMerchant(std::move(*m));
      return 1 + accounts.size();
    }
    case CommandType::kCreateOrder: {
      // The record's expires field carries the validity on input.
      Result<network::Order> o = network::DecodeOrder(body);
      if (!o.ok()) return fail(o.error());
      const Merchant* m = network_.FindMerchant(o->merchant);
      if (m == nullptr || (principal != 0 && m->acquirer != principal &&
                           !is_operator(principal))) {
        return fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such merchant"));
      }
      if (o->currency != m->currency) {
        return fail(MakeError(
            ErrorCode::kCURRENCY_NOT_SUPPORTED, "amount.currency",
            "the merchant is paid in " + std::string(m->currency.code())));
      }
      if (o->amount_minor <= 0) {
        return fail(MakeError(ErrorCode::kINVALID_AMOUNT, "amount",
                              "an order's amount is above zero"));
      }
      if (o->expires_ns <= 0 ||
          o->expires_ns > network_.limits().max_order_validity_ns) {
        return fail(
            Invalid("expiresInSeconds", "an order lives 1 second to 24 hours"));
      }
      if (network_.FindOrder(o->id) != nullptr) {
        return fail(Invalid("id", "an order with this id exists"));
      }
      if (Status s = network_.CheckNewOrder(*o, now); !s.ok()) {
        return fail(s.error());
      }
      o->created_ns = now;
      o->expires_ns = now + o->expires_ns;
      o->paid_by = 0;
      reply->object_id = o->id;
      // The merchant follows: the answer shows the order's code.
      reply->payload = network::EncodeOrder(*o);
      ByteWriter w(&reply->payload);
      network::WriteMerchant(w, *m);
      network_.AddOrder(std::move(*o));
      return 1;
    }
    case CommandType::kCreateNetQuote: {
      Result<network::QuoteRequest> q = network::DecodeQuoteRequest(body);
      if (!q.ok()) return fail(q.error());
      if (principal != 0 && principal != q->wallet) {
        return fail(Invalid("command", "the quote's wallet is not the caller"));
      }
      const Participant* wallet = network_.FindParticipant(q->wallet);
      if (wallet == nullptr || wallet->type != ParticipantType::kWallet) {
        return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                              "only a wallet participant asks for quotes"));
      }
      if (q->payer_currency != wallet->currency) {
        return fail(Invalid(
            "payerCurrency",
            "the wallet pays in " + std::string(wallet->currency.code())));
      }
      Result<const Merchant*> m =
          CodeMerchant(network_, q->merchant, q->national_key, q->currency);
      if (!m.ok()) return fail(m.error());
      Result<int64_t> amount =
          PayableAmount(network_, **m, q->order, q->amount_minor, now);
      if (!amount.ok()) return fail(amount.error());
      if (Status s = network_.CheckNewQuote(); !s.ok()) return fail(s.error());
      const int64_t expires = now + network_.limits().quote_validity_ns;
      Result<Pricing> pricing = PriceNetworkPayment(
          *wallet, **m, *amount, q->user,
          DeriveId("meridian/network/fx", q->id, 0), q->id, expires, now);
      if (!pricing.ok()) return fail(pricing.error());
      network::NetQuote nq;
      nq.id = q->id;
      nq.wallet = wallet->id;
      nq.merchant = (*m)->id;
      nq.order = q->order;
      nq.pricing = *pricing;
      nq.created_ns = now;
      nq.expires_ns = expires;
      reply->object_id = nq.id;
      reply->payload = network::EncodeNetQuote(nq);
      network_.AddQuote(std::move(nq));
      return 1;
    }
    case CommandType::kPayMpm:
      return PayMpm(body, principal, reply);
    case CommandType::kPayCpm:
      return PayCpm(body, principal, reply);
    case CommandType::kResolveCpm:
      return ResolveCpm(body, principal, reply);
    case CommandType::kRefundPayment:
      return RefundPayment(body, principal, reply);
    case CommandType::kCancelPayment:
      return CancelPayment(body, principal, reply);
    case CommandType::kCloseWindow: {
      Result<u128> by = network::DecodeCloseWindow(body);
      if (!by.ok()) return fail(by.error());
      if ((principal != 0 && *by != principal) || !is_operator(*by)) {
        return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                              "only the operator closes clearing windows"));
      }
      const uint64_t closed = network_.CloseWindow(now);
      ByteWriter w(&reply->payload);
      w.U64(closed);
      return 1;
    }
    case CommandType::kNetworkTick:
      return 1;  // the batch's start did the work
    case CommandType::kCreatePromotion:
    case CommandType::kEndPromotion:
    case CommandType::kSetPayerLimits:
      return ApplyPromotionCommand(type, body, principal, reply);
    default:
      MERIDIAN_CHECK(false) << "not a network command";
      return 1;
  }
}

uint64_t StateMachine::ApplyPromotionCommand(CommandType type,
                                             std::span<const uint8_t> body,
                                             u128 principal,
                                             CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  auto who = api_.principals().find(principal);
  const bool by_operator = who != api_.principals().end() &&
                           who->second.kind == PrincipalKind::kOperator;
  if (type == CommandType::kSetPayerLimits) {
    Result<network::LimitConfig> config = network::DecodeLimitConfig(body);
    if (!config.ok()) return fail(config.error());
    if (!by_operator) {
      return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                            "only the operator sets payer limits"));
    }
    if (Status s = limits_.SetConfig(*config); !s.ok()) return fail(s.error());
    return 1;
  }
  if (type == CommandType::kEndPromotion) {
    Result<network::EndPromotion> end = network::DecodeEndPromotion(body);
    if (!end.ok()) return fail(end.error());
    if (principal != 0 && end->by != principal) {
      return fail(Invalid("command", "the request's author is not the caller"));
    }
    if (Status s = promotions_.End(end->id, end->by, by_operator, now);
        !s.ok()) {
      return fail(s.error());
    }
    reply->object_id = end->id;
    return 1;
  }
  MERIDIAN_CHECK(type == CommandType::kCreatePromotion);
  Result<network::PromotionSpec> spec = network::DecodePromotionSpec(body);
  if (!spec.ok()) return fail(spec.error());
  if (principal != 0 && spec->created_by != principal) {
    return fail(Invalid("command", "the promotion's author is not the caller"));
  }
  // The operator funds from the hub or names a participant; a wallet
  // runs campaigns it pays for itself.
  const Participant* creator = network_.FindParticipant(spec->created_by);
  if (!by_operator &&
      (creator == nullptr || creator->type != ParticipantType::kWallet ||
       spec->funder != spec->created_by)) {
    return fail(MakeError(ErrorCode::kACCESS_DENIED, "",
                          "the operator, or a wallet funding its own, runs "
                          "promotions"));
  }
  auto funder = api_.principals().find(spec->funder);
  if (funder == api_.principals().end()) {
    return fail(Invalid("funderId", "no such principal"));
  }
  if (Status s = promotions_.Create(*spec, now); !s.ok())
    return fail(s.error());
  // The funder pays discounts from its funding account in the currency.
  const u128 account = FunderAccount(spec->funder, spec->currency);
  uint64_t used = 1;
  if (ledger_.FindAccount(account) == nullptr) {
    ledger::Account a{};
    a.id = account;
    a.ledger = spec->currency.ledger();
    a.code = network::kAccountCodePromotionFunding;
    a.user_data = spec->funder;
    std::vector<ledger::EventResult> results;
    ledger_.CreateAccounts(std::span(&a, 1), ts + 1, &results);
    MERIDIAN_CHECK(results.empty());
    used = 2;
  }
  reply->object_id = spec->id;
  reply->payload = network::EncodePromotionSpec(*spec);
  return used;
}

uint64_t StateMachine::PayMpm(std::span<const uint8_t> body, u128 principal,
                              CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  Result<network::MpmPayment> req = network::DecodeMpmPayment(body);
  if (!req.ok()) return fail(req.error());
  const network::MpmPayment& r = *req;
  Result<const Participant*> payer = NewPaymentBy(
      network_, r.wallet, principal, ParticipantType::kWallet, r.request_id);
  if (!payer.ok()) return fail(payer.error());
  const Participant* wallet = *payer;
  Result<const Merchant*> found =
      CodeMerchant(network_, r.merchant, r.national_key, r.currency);
  if (!found.ok()) return fail(found.error());
  const Merchant* m = *found;
  Result<int64_t> payable =
      PayableAmount(network_, *m, r.order, r.amount_minor, now);
  if (!payable.ok()) return fail(payable.error());
  const int64_t amount = *payable;
  // The price: the quote's, or today's.
  Pricing pricing;
  const network::NetQuote* quote = nullptr;
  if (r.quote != 0) {
    quote = network_.FindQuote(r.quote);
    if (quote == nullptr || quote->wallet != r.wallet) {
      return fail(MakeError(ErrorCode::kNOT_FOUND, "quoteId", "no such quote"));
    }
    if (quote->used_by != 0) {
      return fail(MakeError(ErrorCode::kQUOTE_ALREADY_USED, "quoteId",
                            "the quote was used by another payment; quote "
                            "again"));
    }
    if (now >= quote->expires_ns) {
      return fail(MakeError(ErrorCode::kQUOTE_EXPIRED, "quoteId",
                            "the quote's 60 seconds have passed; quote again"));
    }
    if (quote->merchant != m->id || quote->order != r.order ||
        quote->pricing.amount_minor != amount) {
      return fail(Invalid("quoteId",
                          "the quote is for another merchant, order or "
                          "amount; quote this payment"));
    }
    pricing = quote->pricing;
  } else {
    Result<Pricing> p =
        PriceNetworkPayment(*wallet, *m, amount, r.payer.user, 0, r.id,
                            now + network_.limits().quote_validity_ns, now);
    if (!p.ok()) return fail(p.error());
    pricing = *p;
  }
  // From here a refusal gives back a discount priced for this payment (a
  // quote's stays with the quote until it lapses).
  const u128 reservation = quote != nullptr ? quote->id : r.id;
  auto refuse = [&](Error e) -> uint64_t {
    if (quote == nullptr && pricing.promotion != 0) {
      promotions_.Release(r.id);
    }
    return fail(std::move(e));
  };
  std::optional<int64_t> usd = UsdMinor(m->currency, amount, now);
  if (!usd) {
    return refuse(MakeError(ErrorCode::kRATE_UNAVAILABLE, "paymentAmount",
                            "no FX rate converts " +
                                std::string(m->currency.code()) +
                                " to USD for the payer's limits; the operator "
                                "posts one"));
  }
  network::LimitContext limit;
  limit.wallet = r.wallet;
  limit.user = r.payer.user;
  limit.tier = r.payer.kyc_tier;
  limit.payer_country = r.payer.country;
  limit.merchant_country = m->country;
  limit.mcc = m->mcc;
  limit.usd_minor = *usd;
  limit.now_ns = now;
  if (Status s = limits_.Check(limit); !s.ok()) return refuse(s.error());

  Payment p;
  p.id = r.id;
  p.kind = PaymentKind::kMpm;
  p.wallet = r.wallet;
  p.acquirer = m->acquirer;
  p.merchant = m->id;
  p.order = r.order;
  p.merchant_reference = m->reference;
  if (const network::Order* o = network_.FindOrder(r.order)) {
    p.order_reference = o->reference;
  }
  p.request_id = r.request_id;
  p.quote = r.quote;
  p.payer = r.payer;
  p.pricing = pricing;
  p.usd_minor = *usd;
  p.window = network_.open_window();
  p.created_ns = now;
  p.updated_ns = now;

  // Fraud risk, when the operator loaded rules.
  bool review = false;
  const risk::AssessmentRecord* assessed = nullptr;
  if (risk_.ready()) {
    risk::AssessRequest a;
    a.principal = r.wallet;
    a.id = DeriveId("meridian/network/risk", r.id, 0);
    a.attempt.payment_id = r.id;
    a.attempt.payer_id = r.payer.user;
    a.attempt.merchant_id = m->id;
    a.attempt.mcc = m->mcc;
    a.attempt.merchant_country = m->country;
    a.attempt.card_country = r.payer.country;
    a.attempt.amount_minor = amount;
    a.attempt.currency = m->currency;
    a.attempt.channel = risk::Channel::kWallet;
    Result<const risk::AssessmentRecord*> scored = risk_.Assess(a, *usd, now);
    if (scored.ok()) {
      assessed = *scored;
      p.risk_assessment = assessed->id;
      const risk::Decision d = assessed->assessment.decision;
      if (d == risk::Decision::kDecline) {
        std::string why = "the risk decision declined the payment";
        for (size_t i = 0; i < assessed->assessment.reasons.size(); ++i) {
          why += (i == 0 ? ": " : ", ") + assessed->assessment.reasons[i].code;
        }
        return refuse(MakeError(ErrorCode::kRISK_DECLINED, "", why));
      }
      review = d == risk::Decision::kReview;
    }
  }

  // A hold for review: sanctions (the gateway screened the payer) first.
  std::optional<compliance::CaseSpec> hold;
  if (!r.hold.empty()) {
    Result<compliance::HoldForReview> h =
        compliance::DecodeHoldForReview(r.hold, 0);
    if (!h.ok()) return refuse(h.error());
    hold = std::move(h->spec);
    hold->subject = r.wallet;
  } else if (review) {
    compliance::CaseSpec spec;
    spec.id = DeriveId("meridian/risk/case", assessed->id, 0);
    spec.subject = r.wallet;
    spec.kind = compliance::CaseKind::kRiskReview;
    spec.reason = "risk review of a network payment";
    for (size_t i = 0; i < assessed->assessment.reasons.size(); ++i) {
      spec.reason +=
          (i == 0 ? ": " : ", ") + assessed->assessment.reasons[i].code;
    }
    spec.reason = spec.reason.substr(0, compliance::kMaxReasonBytes);
    hold = std::move(spec);
  }
  if (hold) {
    if (hold->id == 0 || cases_.Find(hold->id) != nullptr) {
      return refuse(Invalid("id", "a new case id is needed"));
    }
    if (cases_.open_cases() >= options_.case_limits.max_open_cases) {
      return refuse(MakeError(ErrorCode::kRATE_LIMITED, "",
                              "too many open compliance cases"));
    }
  }

  std::vector<ledger::Transfer> chain = PaymentChain(p);
  for (ledger::Transfer& t : chain) {
    if (hold) t.flags |= ledger::kTransferPending;  // no timeout: the case
  }
  LinkChain(chain);
  const Currency currencies[] = {pricing.payer_currency,
                                 pricing.merchant_currency};
  if (!hold) fx_.SyncCurrencies(currencies, ledger_, now);
  std::vector<ledger::EventResult> results;
  ledger_.CreateTransfers(chain, ts, &results);
  if (!results.empty()) {
    refuse(ChainRefused(results, chain,
                        WalletPosition(r.wallet, wallet->currency)));
    return chain.size();
  }
  for (const ledger::Transfer& t : chain) p.transfers.push_back(t.id);
  // The money is moving (or held for it): the payer's room and the
  // discount are this payment's.
  limits_.Commit(limit, p.id);
  if (pricing.promotion != 0) {
    (void)promotions_.Commit(reservation, p.id, now);
  }
  if (quote != nullptr) {
    const u128 fx_quote = quote->pricing.fx_quote;
    network_.MarkQuoteUsed(quote->id, p.id);
    if (fx_quote != 0) {
      (void)fx_.ConsumeQuote(fx_quote, r.wallet, p.id, now);
    }
  }
  if (p.order != 0) network_.MarkOrderPaid(p.order, p.id);

  if (hold) {
    std::vector<u128> ids = p.transfers;
    Status s = cases_.Open(*hold, std::move(ids), now);
    MERIDIAN_CHECK(s.ok()) << s.error().ToString();  // checked above
    const compliance::Case& c = *cases_.Find(hold->id);
    if (assessed != nullptr &&
        hold->kind == compliance::CaseKind::kRiskReview) {
      risk_.AttachCase(assessed->id, c.id);
    }
    EmitCaseEvent(EventType::kComplianceCaseOpened, c);
    if (output_ != nullptr) output_->cases.push_back(c);
    p.status = PaymentStatus::kHeld;
    p.case_id = c.id;
    EmitPayment(EventType::kPaymentHeld, p, false, true);
    reply->object_id = p.id;
    reply->payload = network::EncodePayment(p);
    RecordPayment(std::move(p));
    return chain.size();
  }
  FinishPayment(p, true, ErrorCode::kSUCCESS, now, /*tell_wallet=*/false,
                /*tell_acquirer=*/true);
  reply->object_id = p.id;
  reply->payload = network::EncodePayment(p);
  return chain.size();
}

uint64_t StateMachine::PayCpm(std::span<const uint8_t> body, u128 principal,
                              CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  Result<network::CpmPayment> req = network::DecodeCpmPayment(body);
  if (!req.ok()) return fail(req.error());
  const network::CpmPayment& r = *req;
  Result<const Participant*> taker =
      NewPaymentBy(network_, r.acquirer, principal, ParticipantType::kAcquirer,
                   r.request_id);
  if (!taker.ok()) return fail(taker.error());
  const Merchant* m = network_.FindMerchant(r.merchant);
  if (m == nullptr || m->acquirer != r.acquirer) {
    return fail(MakeError(ErrorCode::kNOT_FOUND, "merchantId",
                          "no such merchant of this acquirer"));
  }
  const Participant* wallet = network_.WalletForCode(r.code_prefix);
  if (wallet == nullptr) {
    return fail(MakeError(ErrorCode::kCUSTOMER_CODE_UNKNOWN, "customerCode",
                          "no wallet of the network issues codes that start "
                          "like this one; check the scanned code"));
  }
  if (r.amount_minor <= 0) {
    return fail(MakeError(ErrorCode::kINVALID_AMOUNT, "paymentAmount",
                          "the amount is above zero"));
  }
  const int64_t hold_ns =
      static_cast<int64_t>(wallet->cpm_hold_s) * 1'000'000'000;
  // The wallet's user is not known until it answers: promotions count the
  // wallet's CPM payments as one user of its own.
  const u128 cpm_user = DeriveId("meridian/network/cpm-user", wallet->id, 0);
  // The merchant-category rules bind every payment; the tier and daily
  // limits are per user, which only the wallet knows here.
  std::optional<int64_t> usd = UsdMinor(m->currency, r.amount_minor, now);
  if (!usd) {
    return fail(MakeError(ErrorCode::kRATE_UNAVAILABLE, "paymentAmount",
                          "no FX rate converts " +
                              std::string(m->currency.code()) +
                              " to USD for the merchant's limits; the "
                              "operator posts one"));
  }
  const auto& mcc_rules = limits_.config().mcc_per_payment_usd_minor;
  if (auto rule = mcc_rules.find(m->mcc);
      rule != mcc_rules.end() && *usd > rule->second) {
    return fail(MakeError(ErrorCode::kLIMIT_EXCEEDED, "mcc",
                          "payments to merchant category " +
                              std::to_string(m->mcc) + " are limited to " +
                              std::to_string(rule->second) + " USD cents"));
  }
  // Fraud risk: the acquirer waits at the counter, so there is no review
  // hold here; a REVIEW is refused like a DECLINE.
  u128 assessment = 0;
  if (risk_.ready()) {
    risk::AssessRequest a;
    a.principal = r.acquirer;
    a.id = DeriveId("meridian/network/risk", r.id, 0);
    a.attempt.payment_id = r.id;
    a.attempt.payer_id = cpm_user;
    a.attempt.merchant_id = m->id;
    a.attempt.mcc = m->mcc;
    a.attempt.merchant_country = m->country;
    a.attempt.card_country = wallet->country;
    a.attempt.amount_minor = r.amount_minor;
    a.attempt.currency = m->currency;
    a.attempt.channel = risk::Channel::kWallet;
    Result<const risk::AssessmentRecord*> scored = risk_.Assess(a, *usd, now);
    if (scored.ok()) {
      assessment = (*scored)->id;
      const risk::Decision d = (*scored)->assessment.decision;
      if (d == risk::Decision::kDecline || d == risk::Decision::kReview) {
        std::string why = "the risk decision refused the payment";
        for (size_t i = 0; i < (*scored)->assessment.reasons.size(); ++i) {
          why += (i == 0 ? ": " : ", ") + (*scored)->assessment.reasons[i].code;
        }
        return fail(MakeError(ErrorCode::kRISK_DECLINED, "", why));
      }
    }
  }
  Result<Pricing> pricing = PriceNetworkPayment(
      *wallet, *m, r.amount_minor, cpm_user, 0, r.id, now + hold_ns, now);
  if (!pricing.ok()) return fail(pricing.error());

  Payment p;
  p.id = r.id;
  p.kind = PaymentKind::kCpm;
  p.risk_assessment = assessment;
  p.wallet = wallet->id;
  p.acquirer = r.acquirer;
  p.merchant = m->id;
  p.merchant_reference = m->reference;
  p.request_id = r.request_id;
  p.pricing = *pricing;
  p.usd_minor = usd.value_or(0);
  p.window = network_.open_window();
  p.created_ns = now;
  p.updated_ns = now;
  p.status = PaymentStatus::kProcessing;
  p.hold_expires_ns = now + hold_ns;

  std::vector<ledger::Transfer> chain = PaymentChain(p);
  for (ledger::Transfer& t : chain) {
    t.flags |= ledger::kTransferPending;
    t.timeout_s = static_cast<uint32_t>(hold_ns / 1'000'000'000);
  }
  LinkChain(chain);
  std::vector<ledger::EventResult> results;
  ledger_.CreateTransfers(chain, ts, &results);
  if (!results.empty()) {
    if (pricing->promotion != 0) promotions_.Release(r.id);
    reply->status = ChainRefused(results, chain,
                                 WalletPosition(wallet->id, wallet->currency));
    return chain.size();
  }
  for (const ledger::Transfer& t : chain) p.transfers.push_back(t.id);
  reply->object_id = p.id;
  reply->payload = network::EncodePayment(p);
  // The gateway calls the wallet: its authorize endpoint follows the record.
  ByteWriter w(&reply->payload);
  w.Bytes(wallet->authorize_url);
  RecordPayment(std::move(p));
  return chain.size();
}

uint64_t StateMachine::ResolveCpm(std::span<const uint8_t> body, u128 principal,
                                  CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  Result<network::ResolveCpm> v = network::DecodeResolveCpm(body);
  if (!v.ok()) return fail(v.error());
  if (principal != 0 && principal != v->by) {
    return fail(Invalid("command", "the answer's author is not the caller"));
  }
  const Payment* found = network_.FindPayment(v->payment);
  auto who = api_.principals().find(v->by);
  const bool by_operator = who != api_.principals().end() &&
                           who->second.kind == PrincipalKind::kOperator;
  if (found == nullptr || (found->wallet != v->by && !by_operator)) {
    return fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such payment"));
  }
  if (found->kind != PaymentKind::kCpm) {
    return fail(Invalid("id", "only a CPM payment waits for its wallet"));
  }
  if (found->status != PaymentStatus::kProcessing) {
    const bool same =
        (v->success && found->status == PaymentStatus::kSuccess) ||
        (!v->success && found->status == PaymentStatus::kFail);
    if (!same) {
      return fail(
          MakeError(ErrorCode::kPAYMENT_ALREADY_FINAL, "result",
                    "the payment is " +
                        std::string(network::PaymentStatusName(found->status)) +
                        " already; the answer changes nothing"));
    }
    reply->object_id = found->id;
    reply->payload = network::EncodePayment(*found);
    return 1;
  }
  Payment p = *found;
  const Currency currencies[] = {p.pricing.payer_currency,
                                 p.pricing.merchant_currency};
  if (v->success) fx_.SyncCurrencies(currencies, ledger_, now);
  const bool resolved = ResolveHolds(p, v->success, ts);
  // The acquirer hears of an answer it did not wait for; the wallet of
  // one it did not give.
  const bool tell_acquirer = v->source != network::ResolveSource::kAuthorize;
  const bool tell_wallet = v->source == network::ResolveSource::kInquiry;
  if (!resolved) {
    FinishPayment(p, false, ErrorCode::kHOLD_EXPIRED, now, true, true);
  } else {
    FinishPayment(
        p, v->success,
        v->success ? ErrorCode::kSUCCESS : ErrorCode::kWALLET_DECLINED, now,
        tell_wallet, tell_acquirer);
  }
  reply->object_id = p.id;
  reply->payload = network::EncodePayment(p);
  return std::max<size_t>(p.transfers.size(), 1);
}

uint64_t StateMachine::RefundPayment(std::span<const uint8_t> body,
                                     u128 principal, CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  Result<network::RefundRequest> req = network::DecodeRefundRequest(body);
  if (!req.ok()) return fail(req.error());
  const network::RefundRequest& r = *req;
  if (principal != 0 && principal != r.acquirer) {
    return fail(Invalid("command", "the refund's acquirer is not the caller"));
  }
  const Payment* found = network_.FindPayment(r.payment);
  if (found == nullptr || found->acquirer != r.acquirer) {
    return fail(MakeError(ErrorCode::kNOT_FOUND, "paymentId",
                          "no such payment of this acquirer"));
  }
  if (found->status != PaymentStatus::kSuccess) {
    return fail(
        MakeError(ErrorCode::kPAYMENT_NOT_REFUNDABLE, "paymentId",
                  "the payment is " +
                      std::string(network::PaymentStatusName(found->status)) +
                      "; only a successful payment is refunded"));
  }
  if (r.currency != found->pricing.merchant_currency) {
    return fail(
        MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, "refundAmount.currency",
                  "refunds are in the payment's currency, " +
                      std::string(found->pricing.merchant_currency.code())));
  }
  if (r.amount_minor <= 0) {
    return fail(MakeError(ErrorCode::kINVALID_AMOUNT, "refundAmount",
                          "the refund is above zero"));
  }
  const Pricing& x = found->pricing;
  const int64_t left = x.amount_minor - found->refunded_minor;
  if (r.amount_minor > left) {
    return fail(MakeError(
        ErrorCode::kREFUND_AMOUNT_EXCEEDED, "refundAmount",
        "the refunds would pass the amount paid: " + std::to_string(left) +
            " minor units of " + std::string(x.merchant_currency.code()) +
            " are left to refund"));
  }
  if (found->refunds >= network_.limits().max_refunds_per_payment) {
    return fail(MakeError(ErrorCode::kRATE_LIMITED, "paymentId",
                          "the payment has its most refunds"));
  }
  // Each refund goes back to who paid, in proportion; the last one takes
  // what rounding left, so the refunds add up to the payment exactly. The
  // hub keeps its fee; the payer's side is at the payment's own rate.
  Payment p = *found;
  const bool last = r.amount_minor == left;
  const int64_t discount_back =
      last ? x.discount_minor - p.refunded_discount_minor
           : Share(r.amount_minor, x.discount_minor, x.amount_minor);
  const int64_t merchant_back = r.amount_minor - discount_back;
  const bool cross = x.payer_currency != x.merchant_currency;
  int64_t payer_back = 0, fee_back = 0;
  if (cross) {
    payer_back = last ? x.payer_minor - p.refunded_payer_minor
                      : Share(r.amount_minor, x.payer_minor, x.amount_minor);
    fee_back = last ? x.fx_fee_minor - p.refunded_fx_fee_minor
                    : Share(r.amount_minor, x.fx_fee_minor, x.amount_minor);
  } else {
    payer_back = merchant_back;
  }
  const u128 payable = AcquirerPayable(p.acquirer, x.merchant_currency);
  const u128 wallet = WalletPosition(p.wallet, x.payer_currency);
  network::Refund f;
  f.id = r.id;
  f.payment = p.id;
  f.acquirer = r.acquirer;
  f.request_id = r.request_id;
  f.merchant_currency = x.merchant_currency;
  f.payer_currency = x.payer_currency;
  f.amount_minor = r.amount_minor;
  f.payer_minor = payer_back;
  f.discount_minor = discount_back;
  f.created_ns = now;
  std::vector<ledger::Transfer> chain;
  uint32_t n = 0;
  auto leg = [&](u128 debit, u128 credit, int64_t amount, Currency c) {
    const uint32_t i = n++;
    if (amount <= 0) return;
    chain.push_back(Leg(DeriveId("meridian/network/refund", f.id, i), debit,
                        credit, amount, c, network::kTransferCodeRefund, f.id));
  };
  leg(payable, FunderAccount(x.funder, x.merchant_currency), discount_back,
      x.merchant_currency);
  if (cross) {
    leg(payable,
        fx::HubAccountId(x.merchant_currency, fx::HubAccount::kLiquidity),
        merchant_back, x.merchant_currency);
    leg(fx::HubAccountId(x.payer_currency, fx::HubAccount::kLiquidity), wallet,
        payer_back - fee_back, x.payer_currency);
    leg(fx::HubAccountId(x.payer_currency, fx::HubAccount::kFees), wallet,
        fee_back, x.payer_currency);
  } else {
    leg(payable, wallet, merchant_back, x.merchant_currency);
  }
  LinkChain(chain);
  const Currency currencies[] = {x.payer_currency, x.merchant_currency};
  if (cross) fx_.SyncCurrencies(currencies, ledger_, now);
  std::vector<ledger::EventResult> results;
  ledger_.CreateTransfers(chain, ts, &results);
  if (!results.empty()) {
    reply->status = MakeError(
        ErrorCode::kLEDGER_REJECTED, "",
        "the ledger refused the refund: " +
            std::string(ledger::LedgerResultName(FirstReason(results))));
    return std::max<size_t>(chain.size(), 1);
  }
  if (cross) {
    fx_.BookTrade(x.merchant_currency, merchant_back, x.payer_currency,
                  payer_back - fee_back, now);
  }
  for (const ledger::Transfer& t : chain) f.transfers.push_back(t.id);
  p.refunded_minor += r.amount_minor;
  p.refunded_payer_minor += payer_back;
  p.refunded_discount_minor += discount_back;
  p.refunded_fx_fee_minor += fee_back;
  p.refunds += 1;
  p.updated_ns = now;
  // The wallet credits its user when it hears of the refund.
  ApiOutput* out = output_ != nullptr ? &output_->api : nullptr;
  if (api_.Subscribed(p.wallet, EventType::kRefundSucceeded)) {
    api_.Emit(EventType::kRefundSucceeded, p.wallet, f.id,
              AsString(network::EncodeRefund(f)), batch_time_ns_, std::nullopt,
              out);
  }
  reply->object_id = f.id;
  reply->payload = network::EncodeRefund(f);
  if (output_ != nullptr) output_->refunds.push_back(f);
  network_.AddRefund(std::move(f));
  RecordPayment(std::move(p));
  return std::max<size_t>(chain.size(), 1);
}

uint64_t StateMachine::CancelPayment(std::span<const uint8_t> body,
                                     u128 principal, CommandReply* reply) {
  const uint64_t ts = reply->first_timestamp;
  const int64_t now = static_cast<int64_t>(ts);
  auto fail = [&](Error e) -> uint64_t {
    reply->status = std::move(e);
    return 1;
  };
  Result<network::CancelPayment> c = network::DecodeCancelPayment(body);
  if (!c.ok()) return fail(c.error());
  if (principal != 0 && principal != c->by) {
    return fail(Invalid("command", "the cancel's author is not the caller"));
  }
  const Payment* found = network_.FindPayment(c->payment);
  if (found == nullptr ||
      (found->wallet != c->by && found->acquirer != c->by)) {
    return fail(MakeError(ErrorCode::kNOT_FOUND, "id", "no such payment"));
  }
  auto refuse = [&](std::string why) {
    return fail(
        MakeError(ErrorCode::kPAYMENT_NOT_CANCELLABLE, "id", std::move(why)));
  };
  if (found->status != PaymentStatus::kSuccess) {
    return refuse("the payment is " +
                  std::string(network::PaymentStatusName(found->status)) +
                  "; only a successful payment is cancelled");
  }
  if (found->window != network_.open_window()) {
    return refuse(
        "the payment's clearing window has closed (it is being "
        "settled); refund it instead");
  }
  if (found->refunds != 0) {
    return refuse("the payment has refunds; refund the rest instead");
  }
  if (now - found->created_ns > network_.limits().cancel_window_ns) {
    return refuse("the cancel window (24 hours) has passed; refund instead");
  }
  // Every leg reversed, amount for amount.
  Payment p = *found;
  std::vector<ledger::Transfer> chain;
  for (size_t i = 0; i < p.transfers.size(); ++i) {
    const ledger::Transfer* t = ledger_.FindTransfer(p.transfers[i]);
    MERIDIAN_CHECK(t != nullptr);
    // A hold that was later posted moved its whole amount: the same.
    chain.push_back(
        Leg(DeriveId("meridian/network/cancel", p.id, static_cast<uint32_t>(i)),
            t->credit_account_id, t->debit_account_id,
            static_cast<int64_t>(t->amount),
            *Currency::FromNumeric(static_cast<uint16_t>(t->ledger)),
            network::kTransferCodeCancel, p.id));
  }
  LinkChain(chain);
  const Pricing& x = p.pricing;
  const bool cross = x.payer_currency != x.merchant_currency;
  const Currency currencies[] = {x.payer_currency, x.merchant_currency};
  if (cross) fx_.SyncCurrencies(currencies, ledger_, now);
  std::vector<ledger::EventResult> results;
  ledger_.CreateTransfers(chain, ts, &results);
  if (!results.empty()) {
    reply->status = MakeError(
        ErrorCode::kLEDGER_REJECTED, "",
        "the ledger refused the reversal: " +
            std::string(ledger::LedgerResultName(FirstReason(results))));
    return std::max<size_t>(chain.size(), 1);
  }
  if (cross) {
    fx_.BookTrade(x.merchant_currency, x.amount_minor - x.discount_minor,
                  x.payer_currency, x.payer_minor - x.fx_fee_minor, now);
  }
  (void)promotions_.Reverse(p.id, now);
  limits_.Reverse(p.id);
  p.status = PaymentStatus::kCancelled;
  p.updated_ns = now;
  EmitPayment(EventType::kPaymentCancelled, p, true, true);
  reply->object_id = p.id;
  reply->payload = network::EncodePayment(p);
  RecordPayment(std::move(p));
  return std::max<size_t>(chain.size(), 1);
}

}  // namespace meridian::engine
