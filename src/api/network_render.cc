// JSON of the wallet interconnect's records (spec/network.md): what the
// network routes answer and what network webhook events carry.
#include <cstdio>

#include "api/render.h"
#include "core/id.h"
#include "network/promotions.h"

namespace meridian::api {
namespace {

std::string CountryText(CountryCode c) {
  if (c == 0) return "";
  return std::string{static_cast<char>(c >> 8), static_cast<char>(c & 0xFF)};
}

void WriteIdIf(json::JsonWriter& w, std::string_view key, IdKind kind,
               u128 id) {
  if (id != 0) w.Key(key).String(FormatId(kind, id));
}

}  // namespace

void WriteNetworkParticipant(json::JsonWriter& w,
                             const network::Participant& p) {
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kParticipant, p.id));
  w.Key("type").String(network::ParticipantTypeName(p.type));
  w.Key("name").String(p.name);
  w.Key("country").String(CountryText(p.country));
  w.Key("currency").String(p.currency.code());
  w.Key("settlementCurrency").String(p.settlement_currency.code());
  w.Key("timeZone").String(p.time_zone);
  const bool wallet = p.type == network::ParticipantType::kWallet;
  // Its ledger accounts: a wallet's position (below zero down to the cap)
  // or an acquirer's payable, and the account it funds promotions from.
  w.Key("accounts").BeginObject();
  w.Key(wallet ? "positionAccountId" : "payableAccountId")
      .String(FormatId(IdKind::kAccount,
                       network::ParticipantAccountId(
                           p.id, p.currency,
                           wallet ? network::kAccountCodeWalletPosition
                                  : network::kAccountCodeAcquirerPayable)));
  w.Key("fundingAccountId")
      .String(FormatId(
          IdKind::kAccount,
          network::ParticipantAccountId(
              p.id, p.currency, network::kAccountCodePromotionFunding)));
  w.EndObject();
  if (wallet) {
    WriteMinorAmount(w, "netDebitCap", p.currency, p.net_debit_cap_minor);
    w.Key("codePrefixes").BeginArray();
    for (const std::string& s : p.code_prefixes) w.String(s);
    w.EndArray();
    w.Key("cpmHoldSeconds").Int(p.cpm_hold_s);
  } else {
    w.Key("fees").BeginObject();
    w.Key("merchantFeeBps").Int(p.merchant_fee_bps);
    w.EndObject();
  }
  w.Key("endpoints").BeginObject();
  if (!p.authorize_url.empty()) w.Key("authorize").String(p.authorize_url);
  if (!p.notify_url.empty()) w.Key("notify").String(p.notify_url);
  w.EndObject();
  WriteIdIf(w, "webhookEndpointId", IdKind::kWebhookEndpoint, p.endpoint_id);
  w.Key("createdAt").String(Rfc3339(p.created_ns));
  w.EndObject();
}

void WriteNetworkMerchant(json::JsonWriter& w, const network::Merchant& m,
                          std::string_view code_value) {
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kMerchant, m.id));
  w.Key("acquirerId").String(FormatId(IdKind::kParticipant, m.acquirer));
  w.Key("reference").String(m.reference);
  w.Key("name").String(m.name);
  char mcc[8];
  std::snprintf(mcc, sizeof mcc, "%04u", m.mcc);
  w.Key("mcc").String(mcc);
  w.Key("country").String(CountryText(m.country));
  w.Key("city").String(m.city);
  if (!m.postal_code.empty()) w.Key("postalCode").String(m.postal_code);
  w.Key("currency").String(m.currency.code());
  w.Key("codeValue").String(code_value);
  if (!m.national_qr.empty()) w.Key("nationalQr").String(m.national_qr);
  w.Key("createdAt").String(Rfc3339(m.created_ns));
  w.EndObject();
}

void WriteNetworkOrder(json::JsonWriter& w, const network::Order& o,
                       std::string_view code_value) {
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kOrder, o.id));
  w.Key("merchantId").String(FormatId(IdKind::kMerchant, o.merchant));
  w.Key("reference").String(o.reference);
  w.Key("codeValue").String(code_value);
  w.Key("status").String(o.paid_by != 0 ? "PAID" : "OPEN");
  WriteIdIf(w, "paymentId", IdKind::kPayment, o.paid_by);
  w.Key("createdAt").String(Rfc3339(o.created_ns));
  w.Key("expiresAt").String(Rfc3339(o.expires_ns));
  w.EndObject();
}

namespace {

void WritePricingFields(json::JsonWriter& w, const network::Pricing& x) {
  WriteMinorAmount(w, "paymentAmount", x.merchant_currency, x.amount_minor);
  WriteMinorAmount(w, "payerAmount", x.payer_currency, x.payer_minor);
  // Payer currency per one unit of the merchant's, spread included.
  w.Key("rate").String(x.rate.ToString());
  w.Key("fees").BeginObject();
  WriteMinorAmount(w, "hubFee", x.merchant_currency, x.merchant_fee_minor);
  WriteMinorAmount(w, "fxFee", x.payer_currency, x.fx_fee_minor);
  w.EndObject();
  w.Key("promotions").BeginArray();
  if (x.promotion != 0) {
    w.BeginObject();
    w.Key("promotionId").String(FormatId(IdKind::kPromotion, x.promotion));
    WriteMinorAmount(w, "discount", x.merchant_currency, x.discount_minor);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

void WriteNetworkQuote(json::JsonWriter& w, const network::NetQuote& q) {
  w.BeginObject();
  w.Key("quoteId").String(FormatId(IdKind::kQuote, q.id));
  w.Key("merchantId").String(FormatId(IdKind::kMerchant, q.merchant));
  WriteIdIf(w, "orderId", IdKind::kOrder, q.order);
  WritePricingFields(w, q.pricing);
  w.Key("createdAt").String(Rfc3339(q.created_ns));
  w.Key("expiresAt").String(Rfc3339(q.expires_ns));
  w.EndObject();
}

void WriteNetworkPayment(json::JsonWriter& w, const network::Payment& p) {
  w.BeginObject();
  w.Key("paymentId").String(FormatId(IdKind::kPayment, p.id));
  w.Key("paymentRequestId").String(p.request_id);
  w.Key("kind").String(network::PaymentKindName(p.kind));
  w.Key("paymentStatus").String(network::PaymentStatusName(p.status));
  if (p.status == network::PaymentStatus::kFail) {
    w.Key("failCode").String(ErrorCodeName(p.fail_code));
  }
  w.Key("walletId").String(FormatId(IdKind::kParticipant, p.wallet));
  w.Key("acquirerId").String(FormatId(IdKind::kParticipant, p.acquirer));
  w.Key("merchantId").String(FormatId(IdKind::kMerchant, p.merchant));
  w.Key("merchantReference").String(p.merchant_reference);
  WriteIdIf(w, "orderId", IdKind::kOrder, p.order);
  if (!p.order_reference.empty()) {
    w.Key("orderReference").String(p.order_reference);
  }
  WriteIdIf(w, "quoteId", IdKind::kQuote, p.quote);
  WritePricingFields(w, p.pricing);
  WriteMinorAmount(w, "refundedAmount", p.pricing.merchant_currency,
                   p.refunded_minor);
  WriteIdIf(w, "caseId", IdKind::kCase, p.case_id);
  WriteIdIf(w, "riskAssessmentId", IdKind::kRiskAssessment, p.risk_assessment);
  w.Key("windowId").String(FormatId(IdKind::kWindow, p.window));
  w.Key("createdAt").String(Rfc3339(p.created_ns));
  w.Key("updatedAt").String(Rfc3339(p.updated_ns));
  if (p.hold_expires_ns != 0) {
    w.Key("holdExpiresAt").String(Rfc3339(p.hold_expires_ns));
  }
  w.Key("transferIds").BeginArray();
  for (u128 t : p.transfers) w.String(FormatId(IdKind::kTransfer, t));
  w.EndArray();
  w.EndObject();
}

void WriteNetworkRefund(json::JsonWriter& w, const network::Refund& f) {
  w.BeginObject();
  w.Key("refundId").String(FormatId(IdKind::kRefund, f.id));
  w.Key("refundRequestId").String(f.request_id);
  w.Key("paymentId").String(FormatId(IdKind::kPayment, f.payment));
  w.Key("acquirerId").String(FormatId(IdKind::kParticipant, f.acquirer));
  WriteMinorAmount(w, "refundAmount", f.merchant_currency, f.amount_minor);
  WriteMinorAmount(w, "payerAmount", f.payer_currency, f.payer_minor);
  if (f.discount_minor != 0) {
    WriteMinorAmount(w, "discountReturned", f.merchant_currency,
                     f.discount_minor);
  }
  w.Key("createdAt").String(Rfc3339(f.created_ns));
  w.Key("transferIds").BeginArray();
  for (u128 t : f.transfers) w.String(FormatId(IdKind::kTransfer, t));
  w.EndArray();
  w.EndObject();
}

}  // namespace meridian::api

namespace meridian::api {

void WriteNetworkPromotion(json::JsonWriter& w, const network::Promotion& p,
                           int64_t now_ns) {
  const network::PromotionSpec& s = p.spec;
  w.BeginObject();
  w.Key("id").String(FormatId(IdKind::kPromotion, s.id));
  w.Key("name").String(s.name);
  w.Key("state").String(network::PromotionStateName(p.state(now_ns)));
  w.Key("createdBy").String(FormatId(IdKind::kPrincipal, s.created_by));
  w.Key("funderId").String(FormatId(IdKind::kPrincipal, s.funder));
  w.Key("currency").String(s.currency.code());
  w.Key("eligibleWallets").BeginArray();
  for (u128 id : s.wallets) w.String(FormatId(IdKind::kParticipant, id));
  w.EndArray();
  w.Key("merchantCountries").BeginArray();
  for (CountryCode c : s.merchant_countries) w.String(CountryText(c));
  w.EndArray();
  w.Key("mccs").BeginArray();
  for (uint16_t m : s.mccs) {
    char mcc[8];
    std::snprintf(mcc, sizeof mcc, "%04u", m);
    w.String(mcc);
  }
  w.EndArray();
  WriteMinorAmount(w, "minAmount", s.currency, s.min_amount_minor);
  w.Key("discount").BeginObject();
  w.Key("type").String(network::DiscountTypeName(s.discount_type));
  if (s.discount_type == network::DiscountType::kPercent) {
    w.Key("percentBps").Int(s.percent_bps);
    if (s.cap_minor > 0) WriteMinorAmount(w, "cap", s.currency, s.cap_minor);
  } else {
    WriteMinorAmount(w, "amount", s.currency, s.fixed_minor);
  }
  w.EndObject();
  WriteMinorAmount(w, "budget", s.currency, s.budget_minor);
  WriteMinorAmount(w, "budgetSpent", s.currency, p.budget_spent_minor);
  WriteMinorAmount(w, "budgetReserved", s.currency, p.budget_reserved_minor);
  WriteMinorAmount(w, "budgetLeft", s.currency, p.budget_left_minor());
  w.Key("uses").Int(static_cast<int64_t>(p.uses));
  w.Key("perUserPerDay").Int(s.per_user_per_day);
  if (s.starts_ns != 0) w.Key("startsAt").String(Rfc3339(s.starts_ns));
  w.Key("endsAt").String(Rfc3339(p.end_ns()));
  w.EndObject();
}

}  // namespace meridian::api
