#include "network/network_commands.h"

#include <cstring>

namespace meridian::network {
namespace {

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   "malformed network command: " + std::string(what));
}

void Str(ByteWriter& w, std::string_view s) { w.Bytes(s); }
bool Str(ByteReader& r, std::string* s, uint32_t max) {
  std::string_view v;
  if (!r.Bytes(&v, max)) return false;
  s->assign(v);
  return true;
}

void Cur(ByteWriter& w, Currency c) { w.U16(c.numeric()); }
void OptCur(ByteWriter& w, std::optional<Currency> c) {
  w.U16(c ? c->numeric() : 0);
}
bool OptCur(ByteReader& r, std::optional<Currency>* c) {
  uint16_t n = 0;
  if (!r.U16(&n)) return false;
  if (n == 0) {
    c->reset();
    return true;
  }
  Result<Currency> v = Currency::FromNumeric(n);
  if (!v.ok()) return false;
  *c = *v;
  return true;
}

bool Cur(ByteReader& r, Currency* c) {
  uint16_t n = 0;
  if (!r.U16(&n)) return false;
  Result<Currency> v = Currency::FromNumeric(n);
  if (!v.ok()) return false;
  *c = *v;
  return true;
}

void Dec(ByteWriter& w, fx::Decimal d) {
  const u128 v = static_cast<u128>(d.scaled());
  w.U64(static_cast<uint64_t>(v));
  w.U64(static_cast<uint64_t>(v >> 64));
}
bool Dec(ByteReader& r, fx::Decimal* d) {
  uint64_t lo = 0, hi = 0;
  if (!r.U64(&lo) || !r.U64(&hi)) return false;
  *d = fx::Decimal::FromScaled(
      static_cast<i128>((static_cast<u128>(hi) << 64) | lo));
  return true;
}

void Ids(ByteWriter& w, const std::vector<u128>& ids) {
  w.U32(static_cast<uint32_t>(ids.size()));
  for (u128 id : ids) w.U128(id);
}
bool Ids(ByteReader& r, std::vector<u128>* ids, uint32_t max) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > max) return false;
  ids->resize(n);
  for (u128& id : *ids) {
    if (!r.U128(&id)) return false;
  }
  return true;
}

void WritePricing(ByteWriter& w, const Pricing& p) {
  Cur(w, p.payer_currency);
  Cur(w, p.merchant_currency);
  w.I64(p.amount_minor);
  w.I64(p.discount_minor);
  w.U128(p.promotion);
  w.U128(p.funder);
  w.U128(p.fx_quote);
  Dec(w, p.rate);
  w.I64(p.payer_minor);
  w.I64(p.fx_fee_minor);
  w.I64(p.merchant_fee_minor);
}
bool ReadPricing(ByteReader& r, Pricing* p) {
  return Cur(r, &p->payer_currency) && Cur(r, &p->merchant_currency) &&
         r.I64(&p->amount_minor) && r.I64(&p->discount_minor) &&
         r.U128(&p->promotion) && r.U128(&p->funder) && r.U128(&p->fx_quote) &&
         Dec(r, &p->rate) && r.I64(&p->payer_minor) &&
         r.I64(&p->fx_fee_minor) && r.I64(&p->merchant_fee_minor);
}

void WritePayer(ByteWriter& w, const Payer& p) {
  w.U128(p.user);
  w.U16(p.country);
  w.U8(p.kyc_tier);
}
bool ReadPayer(ByteReader& r, Payer* p) {
  return r.U128(&p->user) && r.U16(&p->country) && r.U8(&p->kyc_tier) &&
         p->kyc_tier <= 3;
}

// Decodes a whole body with `read`, refusing trailing bytes.
template <typename T, typename Fn>
Result<T> Whole(std::span<const uint8_t> bytes, std::string_view what,
                Fn read) {
  ByteReader r(bytes);
  std::optional<T> v = read(r);
  if (!v || r.failed() || r.remaining() != 0) return Malformed(what);
  return std::move(*v);
}

}  // namespace

// ---------------------------------------------------------------- records

void WriteParticipant(ByteWriter& w, const Participant& p) {
  w.U128(p.id);
  w.U8(static_cast<uint8_t>(p.type));
  Str(w, p.name);
  w.U16(p.country);
  Cur(w, p.currency);
  Cur(w, p.settlement_currency);
  Str(w, p.time_zone);
  w.I64(p.net_debit_cap_minor);
  Str(w, p.authorize_url);
  Str(w, p.notify_url);
  w.U32(static_cast<uint32_t>(p.code_prefixes.size()));
  for (const std::string& s : p.code_prefixes) Str(w, s);
  w.U32(p.merchant_fee_bps);
  w.U32(p.cpm_hold_s);
  w.U128(p.key_id);
  w.U128(p.endpoint_id);
  w.I64(p.created_ns);
}

std::optional<Participant> ReadParticipant(ByteReader& r) {
  Participant p;
  uint8_t type = 0;
  uint32_t n = 0;
  if (!r.U128(&p.id) || !r.U8(&type) || (type != 1 && type != 2) ||
      !Str(r, &p.name, kMaxNameBytes) || !r.U16(&p.country) ||
      !Cur(r, &p.currency) || !Cur(r, &p.settlement_currency) ||
      !Str(r, &p.time_zone, kMaxTimeZoneBytes) ||
      !r.I64(&p.net_debit_cap_minor) ||
      !Str(r, &p.authorize_url, kMaxUrlBytes) ||
      !Str(r, &p.notify_url, kMaxUrlBytes) || !r.U32(&n) ||
      n > kMaxCodePrefixes) {
    return std::nullopt;
  }
  p.type = static_cast<ParticipantType>(type);
  p.code_prefixes.resize(n);
  for (std::string& s : p.code_prefixes) {
    if (!Str(r, &s, kMaxCodePrefixDigits)) return std::nullopt;
  }
  if (!r.U32(&p.merchant_fee_bps) || !r.U32(&p.cpm_hold_s) ||
      p.cpm_hold_s < kMinCpmHoldS || p.cpm_hold_s > kMaxCpmHoldS ||
      !r.U128(&p.key_id) || !r.U128(&p.endpoint_id) || !r.I64(&p.created_ns)) {
    return std::nullopt;
  }
  return p;
}

void WriteMerchant(ByteWriter& w, const Merchant& m) {
  w.U128(m.id);
  w.U128(m.acquirer);
  Str(w, m.reference);
  Str(w, m.name);
  w.U16(m.mcc);
  w.U16(m.country);
  Str(w, m.city);
  Str(w, m.postal_code);
  Cur(w, m.currency);
  Str(w, m.national_qr);
  Str(w, m.national_key);
  w.I64(m.created_ns);
}

std::optional<Merchant> ReadMerchant(ByteReader& r) {
  Merchant m;
  if (!r.U128(&m.id) || !r.U128(&m.acquirer) ||
      !Str(r, &m.reference, kMaxReferenceBytes) ||
      !Str(r, &m.name, kMaxNameBytes) || !r.U16(&m.mcc) || !r.U16(&m.country) ||
      !Str(r, &m.city, kMaxCityBytes) ||
      !Str(r, &m.postal_code, kMaxPostalCodeBytes) || !Cur(r, &m.currency) ||
      !Str(r, &m.national_qr, kMaxNationalKeyBytes) ||
      !Str(r, &m.national_key, kMaxNationalKeyBytes) || !r.I64(&m.created_ns)) {
    return std::nullopt;
  }
  return m;
}

void WriteOrder(ByteWriter& w, const Order& o) {
  w.U128(o.id);
  w.U128(o.merchant);
  Cur(w, o.currency);
  w.I64(o.amount_minor);
  Str(w, o.reference);
  w.I64(o.created_ns);
  w.I64(o.expires_ns);
  w.U128(o.paid_by);
}

std::optional<Order> ReadOrder(ByteReader& r) {
  Order o;
  if (!r.U128(&o.id) || !r.U128(&o.merchant) || !Cur(r, &o.currency) ||
      !r.I64(&o.amount_minor) || !Str(r, &o.reference, kMaxReferenceBytes) ||
      !r.I64(&o.created_ns) || !r.I64(&o.expires_ns) || !r.U128(&o.paid_by)) {
    return std::nullopt;
  }
  return o;
}

void WriteNetQuote(ByteWriter& w, const NetQuote& q) {
  w.U128(q.id);
  w.U128(q.wallet);
  w.U128(q.merchant);
  w.U128(q.order);
  WritePricing(w, q.pricing);
  w.I64(q.created_ns);
  w.I64(q.expires_ns);
  w.U128(q.used_by);
}

std::optional<NetQuote> ReadNetQuote(ByteReader& r) {
  NetQuote q;
  if (!r.U128(&q.id) || !r.U128(&q.wallet) || !r.U128(&q.merchant) ||
      !r.U128(&q.order) || !ReadPricing(r, &q.pricing) ||
      !r.I64(&q.created_ns) || !r.I64(&q.expires_ns) || !r.U128(&q.used_by)) {
    return std::nullopt;
  }
  return q;
}

void WritePayment(ByteWriter& w, const Payment& p) {
  w.U128(p.id);
  w.U8(static_cast<uint8_t>(p.kind));
  w.U128(p.wallet);
  w.U128(p.acquirer);
  w.U128(p.merchant);
  w.U128(p.order);
  Str(w, p.merchant_reference);
  Str(w, p.order_reference);
  Str(w, p.request_id);
  w.U128(p.quote);
  WritePayer(w, p.payer);
  WritePricing(w, p.pricing);
  w.I64(p.usd_minor);
  w.U8(static_cast<uint8_t>(p.status));
  w.U16(static_cast<uint16_t>(p.fail_code));
  w.U128(p.case_id);
  w.U128(p.risk_assessment);
  w.U64(p.window);
  w.I64(p.created_ns);
  w.I64(p.updated_ns);
  w.I64(p.hold_expires_ns);
  w.I64(p.refunded_minor);
  w.I64(p.refunded_payer_minor);
  w.I64(p.refunded_discount_minor);
  w.I64(p.refunded_fx_fee_minor);
  w.U32(p.refunds);
  Ids(w, p.transfers);
}

std::optional<Payment> ReadPayment(ByteReader& r) {
  Payment p;
  uint8_t kind = 0, status = 0;
  uint16_t fail = 0;
  if (!r.U128(&p.id) || !r.U8(&kind) || (kind != 1 && kind != 2) ||
      !r.U128(&p.wallet) || !r.U128(&p.acquirer) || !r.U128(&p.merchant) ||
      !r.U128(&p.order) ||
      !Str(r, &p.merchant_reference, kMaxReferenceBytes) ||
      !Str(r, &p.order_reference, kMaxReferenceBytes) ||
      !Str(r, &p.request_id, kMaxRequestIdBytes) ||
      !r.U128(&p.quote) || !ReadPayer(r, &p.payer) ||
      !ReadPricing(r, &p.pricing) || !r.I64(&p.usd_minor) || !r.U8(&status) ||
      status < 1 || status > 5 || !r.U16(&fail) || fail >= kErrorCodeCount ||
      !r.U128(&p.case_id) || !r.U128(&p.risk_assessment) || !r.U64(&p.window) ||
      !r.I64(&p.created_ns) || !r.I64(&p.updated_ns) ||
      !r.I64(&p.hold_expires_ns) || !r.I64(&p.refunded_minor) ||
      !r.I64(&p.refunded_payer_minor) || !r.I64(&p.refunded_discount_minor) ||
      !r.I64(&p.refunded_fx_fee_minor) || !r.U32(&p.refunds) ||
      !Ids(r, &p.transfers, 16)) {
    return std::nullopt;
  }
  p.kind = static_cast<PaymentKind>(kind);
  p.status = static_cast<PaymentStatus>(status);
  p.fail_code = static_cast<ErrorCode>(fail);
  return p;
}

void WriteRefund(ByteWriter& w, const Refund& f) {
  w.U128(f.id);
  w.U128(f.payment);
  w.U128(f.acquirer);
  Str(w, f.request_id);
  Cur(w, f.merchant_currency);
  Cur(w, f.payer_currency);
  w.I64(f.amount_minor);
  w.I64(f.payer_minor);
  w.I64(f.discount_minor);
  w.I64(f.created_ns);
  Ids(w, f.transfers);
}

std::optional<Refund> ReadRefund(ByteReader& r) {
  Refund f;
  if (!r.U128(&f.id) || !r.U128(&f.payment) || !r.U128(&f.acquirer) ||
      !Str(r, &f.request_id, kMaxRequestIdBytes) ||
      !Cur(r, &f.merchant_currency) || !Cur(r, &f.payer_currency) ||
      !r.I64(&f.amount_minor) || !r.I64(&f.payer_minor) ||
      !r.I64(&f.discount_minor) || !r.I64(&f.created_ns) ||
      !Ids(r, &f.transfers, 16)) {
    return std::nullopt;
  }
  return f;
}

Result<Participant> DecodeParticipant(std::span<const uint8_t> bytes) {
  return Whole<Participant>(bytes, "participant", ReadParticipant);
}
Result<Merchant> DecodeMerchant(std::span<const uint8_t> bytes) {
  return Whole<Merchant>(bytes, "merchant", ReadMerchant);
}
Result<Order> DecodeOrder(std::span<const uint8_t> bytes) {
  return Whole<Order>(bytes, "order", ReadOrder);
}
Result<NetQuote> DecodeNetQuote(std::span<const uint8_t> bytes) {
  return Whole<NetQuote>(bytes, "quote", ReadNetQuote);
}
Result<Payment> DecodePayment(std::span<const uint8_t> bytes) {
  return Whole<Payment>(bytes, "payment", ReadPayment);
}
Result<Refund> DecodeRefund(std::span<const uint8_t> bytes) {
  return Whole<Refund>(bytes, "refund", ReadRefund);
}

// ---------------------------------------------------------------- commands

std::vector<uint8_t> EncodeCreateParticipant(const CreateParticipant& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  WriteParticipant(w, c.participant);
  w.Raw(c.key_hash.data(), c.key_hash.size());
  return out;
}

Result<CreateParticipant> DecodeCreateParticipant(
    std::span<const uint8_t> body) {
  return Whole<CreateParticipant>(
      body, "create participant",
      [](ByteReader& r) -> std::optional<CreateParticipant> {
        CreateParticipant c;
        std::optional<Participant> p = ReadParticipant(r);
        if (!p || !r.Raw(c.key_hash.data(), c.key_hash.size())) {
          return std::nullopt;
        }
        c.participant = std::move(*p);
        return c;
      });
}

std::vector<uint8_t> EncodeQuoteRequest(const QuoteRequest& q) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(q.id);
  w.U128(q.wallet);
  w.U128(q.merchant);
  Str(w, q.national_key);
  w.U128(q.order);
  OptCur(w, q.currency);
  w.I64(q.amount_minor);
  Cur(w, q.payer_currency);
  w.U128(q.user);
  return out;
}

Result<QuoteRequest> DecodeQuoteRequest(std::span<const uint8_t> body) {
  return Whole<QuoteRequest>(
      body, "quote request", [](ByteReader& r) -> std::optional<QuoteRequest> {
        QuoteRequest q;
        if (!r.U128(&q.id) || !r.U128(&q.wallet) || !r.U128(&q.merchant) ||
            !Str(r, &q.national_key, kMaxNationalKeyBytes) ||
            !r.U128(&q.order) || !OptCur(r, &q.currency) ||
            !r.I64(&q.amount_minor) || !Cur(r, &q.payer_currency) ||
            !r.U128(&q.user)) {
          return std::nullopt;
        }
        return q;
      });
}

std::vector<uint8_t> EncodeMpmPayment(const MpmPayment& p) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(p.id);
  w.U128(p.wallet);
  Str(w, p.request_id);
  w.U128(p.merchant);
  Str(w, p.national_key);
  w.U128(p.order);
  OptCur(w, p.currency);
  w.I64(p.amount_minor);
  w.U128(p.quote);
  WritePayer(w, p.payer);
  Str(w, std::string_view(reinterpret_cast<const char*>(p.hold.data()),
                          p.hold.size()));
  return out;
}

Result<MpmPayment> DecodeMpmPayment(std::span<const uint8_t> body) {
  return Whole<MpmPayment>(
      body, "MPM payment", [](ByteReader& r) -> std::optional<MpmPayment> {
        MpmPayment p;
        std::string_view hold;
        if (!r.U128(&p.id) || !r.U128(&p.wallet) ||
            !Str(r, &p.request_id, kMaxRequestIdBytes) ||
            !r.U128(&p.merchant) ||
            !Str(r, &p.national_key, kMaxNationalKeyBytes) ||
            !r.U128(&p.order) || !OptCur(r, &p.currency) ||
            !r.I64(&p.amount_minor) || !r.U128(&p.quote) ||
            !ReadPayer(r, &p.payer) || !r.Bytes(&hold, 64 << 10)) {
          return std::nullopt;
        }
        p.hold.assign(hold.begin(), hold.end());
        return p;
      });
}

std::vector<uint8_t> EncodeCpmPayment(const CpmPayment& p) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(p.id);
  w.U128(p.acquirer);
  Str(w, p.request_id);
  w.U128(p.merchant);
  w.I64(p.amount_minor);
  Str(w, p.code_prefix);
  return out;
}

Result<CpmPayment> DecodeCpmPayment(std::span<const uint8_t> body) {
  return Whole<CpmPayment>(
      body, "CPM payment", [](ByteReader& r) -> std::optional<CpmPayment> {
        CpmPayment p;
        if (!r.U128(&p.id) || !r.U128(&p.acquirer) ||
            !Str(r, &p.request_id, kMaxRequestIdBytes) ||
            !r.U128(&p.merchant) || !r.I64(&p.amount_minor) ||
            !Str(r, &p.code_prefix, kMaxCodePrefixDigits)) {
          return std::nullopt;
        }
        return p;
      });
}

std::vector<uint8_t> EncodeResolveCpm(const ResolveCpm& v) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(v.payment);
  w.U128(v.by);
  w.U8(v.success ? 1 : 2);
  w.U8(static_cast<uint8_t>(v.source));
  return out;
}

Result<ResolveCpm> DecodeResolveCpm(std::span<const uint8_t> body) {
  return Whole<ResolveCpm>(
      body, "resolve", [](ByteReader& r) -> std::optional<ResolveCpm> {
        ResolveCpm v;
        uint8_t result = 0, source = 0;
        if (!r.U128(&v.payment) || !r.U128(&v.by) || !r.U8(&result) ||
            (result != 1 && result != 2) || !r.U8(&source) || source < 1 ||
            source > 3) {
          return std::nullopt;
        }
        v.success = result == 1;
        v.source = static_cast<ResolveSource>(source);
        return v;
      });
}

std::vector<uint8_t> EncodeRefundRequest(const RefundRequest& v) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(v.id);
  w.U128(v.acquirer);
  Str(w, v.request_id);
  w.U128(v.payment);
  Cur(w, v.currency);
  w.I64(v.amount_minor);
  return out;
}

Result<RefundRequest> DecodeRefundRequest(std::span<const uint8_t> body) {
  return Whole<RefundRequest>(
      body, "refund", [](ByteReader& r) -> std::optional<RefundRequest> {
        RefundRequest v;
        if (!r.U128(&v.id) || !r.U128(&v.acquirer) ||
            !Str(r, &v.request_id, kMaxRequestIdBytes) || !r.U128(&v.payment) ||
            !Cur(r, &v.currency) || !r.I64(&v.amount_minor)) {
          return std::nullopt;
        }
        return v;
      });
}

std::vector<uint8_t> EncodeCancelPayment(const CancelPayment& c) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(c.payment);
  w.U128(c.by);
  return out;
}

Result<CancelPayment> DecodeCancelPayment(std::span<const uint8_t> body) {
  return Whole<CancelPayment>(
      body, "cancel", [](ByteReader& r) -> std::optional<CancelPayment> {
        CancelPayment c;
        if (!r.U128(&c.payment) || !r.U128(&c.by)) return std::nullopt;
        return c;
      });
}

std::vector<uint8_t> EncodeCloseWindow(u128 by) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.U128(by);
  return out;
}

Result<u128> DecodeCloseWindow(std::span<const uint8_t> body) {
  return Whole<u128>(body, "close window",
                     [](ByteReader& r) -> std::optional<u128> {
                       u128 by = 0;
                       if (!r.U128(&by)) return std::nullopt;
                       return by;
                     });
}

}  // namespace meridian::network
