#include "fx/fx_commands.h"

namespace meridian::fx {
namespace {

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   "malformed FX command: " + std::string(what));
}

bool ReadOptionalCurrency(ByteReader& r, std::optional<Currency>* c) {
  uint16_t numeric = 0;
  if (!r.U16(&numeric)) return false;
  if (numeric == 0) {
    c->reset();
    return true;
  }
  Result<Currency> cur = Currency::FromNumeric(numeric);
  if (!cur.ok()) return false;
  *c = *cur;
  return true;
}

bool ReadDecimal(ByteReader& r, Decimal* d) {
  i128 v = 0;
  if (!ReadI128(r, &v)) return false;
  *d = Decimal::FromScaled(v);
  return true;
}

bool ReadRates(ByteReader& r,
               std::vector<std::pair<Currency, Decimal>>* rates) {
  uint32_t n = 0;
  if (!r.U32(&n) || n == 0 || n > kMaxRatesPerUpdate) return false;
  rates->resize(n);
  for (auto& [c, d] : *rates) {
    if (!ReadCurrency(r, &c) || !ReadDecimal(r, &d)) return false;
  }
  return true;
}

void WriteRates(ByteWriter& w,
                const std::vector<std::pair<Currency, Decimal>>& rates) {
  w.U32(static_cast<uint32_t>(rates.size()));
  for (const auto& [c, d] : rates) {
    WriteCurrency(w, c);
    WriteI128(w, d.scaled());
  }
}

template <typename T, typename Fn>
Result<T> DecodeWhole(std::span<const uint8_t> body, std::string_view what,
                      Fn read) {
  ByteReader r(body);
  T out{};
  if (!read(r, &out) || r.remaining() != 0) return Malformed(what);
  return out;
}

template <typename Fn>
std::vector<uint8_t> EncodeWith(Fn write) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  write(w);
  return out;
}

bool ReadConversion(ByteReader& r, Conversion* c) {
  if (!r.U128(&c->id) || !r.U128(&c->principal) || !r.U128(&c->quote_id) ||
      !r.U128(&c->from_account) || !r.U128(&c->to_account) ||
      !ReadCurrency(r, &c->sell) || !ReadCurrency(r, &c->buy) ||
      !ReadDecimal(r, &c->mid) || !ReadDecimal(r, &c->rate) ||
      !r.I64(&c->sell_minor) || !r.I64(&c->buy_minor) ||
      !r.I64(&c->fee_minor) || !r.I64(&c->created_ns)) {
    return false;
  }
  for (u128& t : c->transfer_ids) {
    if (!r.U128(&t)) return false;
  }
  return true;
}

}  // namespace

void WriteCurrency(ByteWriter& w, Currency c) { w.U16(c.numeric()); }

bool ReadCurrency(ByteReader& r, Currency* c) {
  uint16_t numeric = 0;
  if (!r.U16(&numeric)) return false;
  Result<Currency> cur = Currency::FromNumeric(numeric);
  if (!cur.ok()) return false;
  *c = *cur;
  return true;
}

void WriteI128(ByteWriter& w, i128 v) { w.U128(static_cast<u128>(v)); }

bool ReadI128(ByteReader& r, i128* v) {
  u128 u = 0;
  if (!r.U128(&u)) return false;
  *v = static_cast<i128>(u);
  return true;
}

void WritePricing(ByteWriter& w, const PricingConfig& p) {
  w.I64(p.stale_after_ns);
  WriteCurrency(w, p.reporting);
  w.U32(static_cast<uint32_t>(p.corridors.size()));
  for (const CorridorRule& c : p.corridors) {
    w.U16(c.sell ? c.sell->numeric() : 0);
    w.U16(c.buy ? c.buy->numeric() : 0);
    w.U32(c.spread_bps);
    w.U32(c.fee_bps);
  }
  for (int32_t v : p.tier_adjust_bps) w.U32(static_cast<uint32_t>(v));
  w.U32(static_cast<uint32_t>(p.bands.size()));
  for (const AmountBand& b : p.bands) {
    w.I64(b.from_minor);
    w.U32(static_cast<uint32_t>(b.adjust_bps));
  }
  for (int32_t v : p.validity_adjust_bps) w.U32(static_cast<uint32_t>(v));
  w.U32(static_cast<uint32_t>(p.principal_tiers.size()));
  for (const auto& [principal, tier] : p.principal_tiers) {
    w.U128(principal);
    w.U8(static_cast<uint8_t>(tier));
  }
}

bool ReadPricing(ByteReader& r, PricingConfig* p) {
  uint32_t n = 0;
  if (!r.I64(&p->stale_after_ns) || !ReadCurrency(r, &p->reporting) ||
      !r.U32(&n) || n > kMaxCorridors) {
    return false;
  }
  p->corridors.resize(n);
  for (CorridorRule& c : p->corridors) {
    if (!ReadOptionalCurrency(r, &c.sell) || !ReadOptionalCurrency(r, &c.buy) ||
        !r.U32(&c.spread_bps) || !r.U32(&c.fee_bps)) {
      return false;
    }
  }
  auto read_i32 = [&](int32_t* v) {
    uint32_t u = 0;
    if (!r.U32(&u)) return false;
    *v = static_cast<int32_t>(u);
    return true;
  };
  for (int32_t& v : p->tier_adjust_bps) {
    if (!read_i32(&v)) return false;
  }
  if (!r.U32(&n) || n > kMaxBands) return false;
  p->bands.resize(n);
  for (AmountBand& b : p->bands) {
    if (!r.I64(&b.from_minor) || !read_i32(&b.adjust_bps)) return false;
  }
  for (int32_t& v : p->validity_adjust_bps) {
    if (!read_i32(&v)) return false;
  }
  if (!r.U32(&n) || n > kMaxPrincipalTiers) return false;
  p->principal_tiers.resize(n);
  for (auto& [principal, tier] : p->principal_tiers) {
    uint8_t t = 0;
    if (!r.U128(&principal) || !r.U8(&t) || t >= kTierCount) return false;
    tier = static_cast<Tier>(t);
  }
  return true;
}

void WriteQuote(ByteWriter& w, const Quote& q) {
  w.U128(q.id);
  w.U128(q.principal);
  WriteCurrency(w, q.sell);
  WriteCurrency(w, q.buy);
  w.U8(q.fixed_sell ? 1 : 0);
  w.U8(static_cast<uint8_t>(q.validity));
  WriteI128(w, q.mid.scaled());
  WriteI128(w, q.rate.scaled());
  w.U32(q.spread_bps);
  w.U32(q.fee_bps);
  w.I64(q.sell_minor);
  w.I64(q.buy_minor);
  w.I64(q.fee_minor);
  w.I64(q.created_ns);
  w.I64(q.expires_ns);
  w.U8(static_cast<uint8_t>(q.state));
  w.U128(q.conversion_id);
}

bool ReadQuote(ByteReader& r, Quote* q) {
  uint8_t fixed = 0, validity = 0, state = 0;
  if (!r.U128(&q->id) || !r.U128(&q->principal) || !ReadCurrency(r, &q->sell) ||
      !ReadCurrency(r, &q->buy) || !r.U8(&fixed) || fixed > 1 ||
      !r.U8(&validity) || validity >= kValidityCount ||
      !ReadDecimal(r, &q->mid) || !ReadDecimal(r, &q->rate) ||
      !r.U32(&q->spread_bps) || !r.U32(&q->fee_bps) || !r.I64(&q->sell_minor) ||
      !r.I64(&q->buy_minor) || !r.I64(&q->fee_minor) ||
      !r.I64(&q->created_ns) || !r.I64(&q->expires_ns) || !r.U8(&state) ||
      state > 1 || !r.U128(&q->conversion_id)) {
    return false;
  }
  q->fixed_sell = fixed == 1;
  q->validity = static_cast<Validity>(validity);
  q->state = static_cast<QuoteState>(state);
  return true;
}

std::vector<uint8_t> EncodeRateUpdate(const RateUpdate& u) {
  return EncodeWith([&](ByteWriter& w) {
    WriteCurrency(w, u.base);
    w.I64(u.as_of_ns);
    w.Bytes(u.source);
    WriteRates(w, u.rates);
  });
}

std::vector<uint8_t> EncodePricing(const PricingConfig& p) {
  return EncodeWith([&](ByteWriter& w) { WritePricing(w, p); });
}

std::vector<uint8_t> EncodeInterestUpdate(const InterestUpdate& u) {
  return EncodeWith([&](ByteWriter& w) {
    w.I64(u.as_of_ns);
    WriteRates(w, u.rates);
  });
}

std::vector<uint8_t> EncodeQuoteRequest(const QuoteRequest& q) {
  return EncodeWith([&](ByteWriter& w) {
    w.U128(q.id);
    w.U128(q.principal);
    WriteCurrency(w, q.sell);
    WriteCurrency(w, q.buy);
    w.U8(q.fixed_sell ? 1 : 0);
    w.I64(q.amount_minor);
    w.U8(static_cast<uint8_t>(q.validity));
  });
}

std::vector<uint8_t> EncodeConversionRequest(const ConversionRequest& c) {
  return EncodeWith([&](ByteWriter& w) {
    w.U128(c.id);
    w.U128(c.principal);
    w.U128(c.quote_id);
    w.U128(c.from_account);
    w.U128(c.to_account);
    w.U8(c.as_operator ? 1 : 0);
  });
}

std::vector<uint8_t> EncodeQuote(const Quote& q) {
  return EncodeWith([&](ByteWriter& w) { WriteQuote(w, q); });
}

std::vector<uint8_t> EncodeConversion(const Conversion& c) {
  return EncodeWith([&](ByteWriter& w) {
    w.U128(c.id);
    w.U128(c.principal);
    w.U128(c.quote_id);
    w.U128(c.from_account);
    w.U128(c.to_account);
    WriteCurrency(w, c.sell);
    WriteCurrency(w, c.buy);
    WriteI128(w, c.mid.scaled());
    WriteI128(w, c.rate.scaled());
    w.I64(c.sell_minor);
    w.I64(c.buy_minor);
    w.I64(c.fee_minor);
    w.I64(c.created_ns);
    for (u128 t : c.transfer_ids) w.U128(t);
  });
}

Result<RateUpdate> DecodeRateUpdate(std::span<const uint8_t> body) {
  return DecodeWhole<RateUpdate>(
      body, "rate update", [](ByteReader& r, RateUpdate* u) {
        std::string_view source;
        if (!ReadCurrency(r, &u->base) || !r.I64(&u->as_of_ns) ||
            !r.Bytes(&source, kMaxSourceBytes)) {
          return false;
        }
        u->source = std::string(source);
        return ReadRates(r, &u->rates);
      });
}

Result<PricingConfig> DecodePricing(std::span<const uint8_t> body) {
  return DecodeWhole<PricingConfig>(
      body, "pricing",
      [](ByteReader& r, PricingConfig* p) { return ReadPricing(r, p); });
}

Result<InterestUpdate> DecodeInterestUpdate(std::span<const uint8_t> body) {
  return DecodeWhole<InterestUpdate>(
      body, "interest update", [](ByteReader& r, InterestUpdate* u) {
        return r.I64(&u->as_of_ns) && ReadRates(r, &u->rates);
      });
}

Result<QuoteRequest> DecodeQuoteRequest(std::span<const uint8_t> body) {
  return DecodeWhole<QuoteRequest>(
      body, "quote request", [](ByteReader& r, QuoteRequest* q) {
        uint8_t fixed = 0, validity = 0;
        if (!r.U128(&q->id) || !r.U128(&q->principal) ||
            !ReadCurrency(r, &q->sell) || !ReadCurrency(r, &q->buy) ||
            !r.U8(&fixed) || fixed > 1 || !r.I64(&q->amount_minor) ||
            !r.U8(&validity) || validity >= kValidityCount) {
          return false;
        }
        q->fixed_sell = fixed == 1;
        q->validity = static_cast<Validity>(validity);
        return true;
      });
}

Result<ConversionRequest> DecodeConversionRequest(
    std::span<const uint8_t> body) {
  return DecodeWhole<ConversionRequest>(
      body, "conversion request", [](ByteReader& r, ConversionRequest* c) {
        uint8_t op = 0;
        if (!r.U128(&c->id) || !r.U128(&c->principal) ||
            !r.U128(&c->quote_id) || !r.U128(&c->from_account) ||
            !r.U128(&c->to_account) || !r.U8(&op) || op > 1) {
          return false;
        }
        c->as_operator = op == 1;
        return true;
      });
}

Result<Quote> DecodeQuote(std::span<const uint8_t> bytes) {
  return DecodeWhole<Quote>(
      bytes, "quote", [](ByteReader& r, Quote* q) { return ReadQuote(r, q); });
}

Result<Conversion> DecodeConversion(std::span<const uint8_t> bytes) {
  return DecodeWhole<Conversion>(bytes, "conversion", ReadConversion);
}

}  // namespace meridian::fx
