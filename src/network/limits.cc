// Snapshot section (LimitBook::Serialize; little-endian):
//   u32 version (1)
//   config, as the "set network limits" command body (limits.h)
//   u64 n counters x (i64 day | u128 wallet | u128 user | u16 payer country |
//       u16 merchant country | i64 usd minor), in that key order
//   u64 n payment records x (u128 payment | i64 day | u128 wallet |
//       u128 user | u16 payer country | u16 merchant country |
//       i64 usd minor), in payment id order
// The (day, payment) index is rebuilt on load.
#include "network/limits.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/amount.h"
#include "core/assert.h"
#include "core/currency.h"
#include "network/promotions.h"  // UtcDay

namespace meridian::network {
namespace {

constexpr uint32_t kSectionVersion = 1;
constexpr uint64_t kMaxSerializedItems = 100'000'000;

Error Malformed(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "command",
                   "malformed network limits command: " + std::string(what));
}

Error Corrupted(std::string_view what) {
  return MakeError(
      ErrorCode::kDATA_CORRUPTED, "",
      "engine state: network limits section: " + std::string(what));
}

// "1500.00 USD".
std::string Usd(int64_t minor) {
  static const Currency kUsd = *Currency::FromCode("USD");
  return Amount::FromMinorUnits(kUsd, minor)->ToDecimalString() + " USD";
}

std::string CountryText(CountryCode c) {
  return std::string{static_cast<char>(c >> 8), static_cast<char>(c & 0xFF)};
}

// "from KR to TH", "from KR", "to TH", "in all corridors".
std::string CorridorText(Corridor c) {
  if (c.first != 0 && c.second != 0) {
    return "from " + CountryText(c.first) + " to " + CountryText(c.second);
  }
  if (c.first != 0) return "from " + CountryText(c.first);
  if (c.second != 0) return "to " + CountryText(c.second);
  return "in all corridors";
}

bool IsCountryOrAny(CountryCode c) {
  if (c == 0) return true;
  const int hi = c >> 8;
  const int lo = c & 0xFF;
  return hi >= 'A' && hi <= 'Z' && lo >= 'A' && lo <= 'Z';
}

bool InRange(int64_t limit) { return limit >= 0 && limit <= kMaxLimitUsdMinor; }

void WriteConfig(ByteWriter& w, const LimitConfig& c) {
  for (const TierLimits& t : c.tiers) {
    w.I64(t.per_payment_usd_minor);
    w.I64(t.per_day_usd_minor);
  }
  w.U32(static_cast<uint32_t>(c.mcc_per_payment_usd_minor.size()));
  for (const auto& [mcc, limit] : c.mcc_per_payment_usd_minor) {
    w.U16(mcc);
    w.I64(limit);
  }
  w.U32(static_cast<uint32_t>(c.corridor_per_day_usd_minor.size()));
  for (const auto& [corridor, limit] : c.corridor_per_day_usd_minor) {
    w.U16(corridor.first);
    w.U16(corridor.second);
    w.I64(limit);
  }
}

// Shape only: counts and strictly increasing keys (so that the encoding of
// a config is unique).
bool ReadConfig(ByteReader& r, LimitConfig* c) {
  for (TierLimits& t : c->tiers) {
    if (!r.I64(&t.per_payment_usd_minor) || !r.I64(&t.per_day_usd_minor)) {
      return false;
    }
  }
  uint32_t n = 0;
  if (!r.U32(&n) || n > kMaxMccLimits) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t mcc = 0;
    int64_t limit = 0;
    if (!r.U16(&mcc) || !r.I64(&limit)) return false;
    if (!c->mcc_per_payment_usd_minor.empty() &&
        c->mcc_per_payment_usd_minor.rbegin()->first >= mcc) {
      return false;
    }
    c->mcc_per_payment_usd_minor.emplace(mcc, limit);
  }
  if (!r.U32(&n) || n > kMaxCorridorLimits) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Corridor k;
    int64_t limit = 0;
    if (!r.U16(&k.first) || !r.U16(&k.second) || !r.I64(&limit)) return false;
    if (!c->corridor_per_day_usd_minor.empty() &&
        c->corridor_per_day_usd_minor.rbegin()->first >= k) {
      return false;
    }
    c->corridor_per_day_usd_minor.emplace(k, limit);
  }
  return true;
}

bool Matches(Corridor rule, CountryCode payer, CountryCode merchant) {
  return (rule.first == 0 || rule.first == payer) &&
         (rule.second == 0 || rule.second == merchant);
}

}  // namespace

LimitConfig LimitConfig::Defaults() {
  LimitConfig c;
  c.tiers[0] = {100'00, 200'00};
  c.tiers[1] = {1'000'00, 2'000'00};
  c.tiers[2] = {5'000'00, 10'000'00};
  c.tiers[3] = {20'000'00, 50'000'00};
  c.mcc_per_payment_usd_minor[7995] = 0;  // gambling
  c.mcc_per_payment_usd_minor[6051] = 0;  // quasi-cash
  return c;
}

Status ValidateLimitConfig(const LimitConfig& config) {
  for (size_t t = 0; t < config.tiers.size(); ++t) {
    const std::string name = "tiers[" + std::to_string(t) + "]";
    if (!InRange(config.tiers[t].per_payment_usd_minor)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, name + ".perPayment",
                       "a limit is 0 (nothing allowed) to 10^14 USD cents");
    }
    if (!InRange(config.tiers[t].per_day_usd_minor)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, name + ".perDay",
                       "a limit is 0 (nothing allowed) to 10^14 USD cents");
    }
  }
  if (config.mcc_per_payment_usd_minor.size() > kMaxMccLimits) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "mccLimits",
                     "set at most 1000 merchant category limits");
  }
  for (const auto& [mcc, limit] : config.mcc_per_payment_usd_minor) {
    if (mcc > 9999) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "mccLimits",
                       "a merchant category code has 4 digits (5812)");
    }
    if (!InRange(limit)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "mccLimits",
                       "a limit is 0 (nothing allowed) to 10^14 USD cents");
    }
  }
  if (config.corridor_per_day_usd_minor.size() > kMaxCorridorLimits) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "corridorLimits",
                     "set at most 1000 corridor limits");
  }
  for (const auto& [corridor, limit] : config.corridor_per_day_usd_minor) {
    if (!IsCountryOrAny(corridor.first) || !IsCountryOrAny(corridor.second)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "corridorLimits",
                       "a corridor's countries are ISO 3166 alpha-2 codes in "
                       "upper case, or absent for any country");
    }
    if (!InRange(limit)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "corridorLimits",
                       "a limit is 0 (nothing allowed) to 10^14 USD cents");
    }
  }
  return Status::Ok();
}

Status LimitBook::SetConfig(const LimitConfig& config) {
  MERIDIAN_RETURN_IF_ERROR(ValidateLimitConfig(config));
  config_ = config;
  return Status::Ok();
}

int64_t LimitBook::UsedTodayIn(u128 wallet, u128 user, Corridor rule,
                               int64_t now_ns) const {
  const int64_t day = UtcDay(now_ns);
  i128 sum = 0;  // saturated below; counters are at most 10^18 each
  for (auto it = counters_.lower_bound({day, wallet, user, 0, 0});
       it != counters_.end() && std::get<0>(it->first) == day &&
       std::get<1>(it->first) == wallet && std::get<2>(it->first) == user;
       ++it) {
    if (Matches(rule, std::get<3>(it->first), std::get<4>(it->first))) {
      sum += it->second;
    }
  }
  return static_cast<int64_t>(
      std::min<i128>(sum, std::numeric_limits<int64_t>::max()));
}

size_t LimitBook::CorridorsToday(u128 wallet, u128 user, int64_t now_ns) const {
  const int64_t day = UtcDay(now_ns);
  size_t n = 0;
  for (auto it = counters_.lower_bound({day, wallet, user, 0, 0});
       it != counters_.end() && std::get<0>(it->first) == day &&
       std::get<1>(it->first) == wallet && std::get<2>(it->first) == user;
       ++it) {
    ++n;
  }
  return n;
}

int64_t LimitBook::UsedToday(u128 wallet, u128 user, int64_t now_ns) const {
  return UsedTodayIn(wallet, user, {0, 0}, now_ns);
}

Status LimitBook::Check(const LimitContext& ctx) const {
  if (ctx.tier > kMaxKycTier) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "payer.kycTier",
                     "declare the user's KYC tier: 0 (unverified) to 3");
  }
  if (ctx.usd_minor < 0 || ctx.usd_minor > Amount::kMaxMinorUnits) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "paymentAmount",
                     "the payment's USD amount must be 0 to 10^18 cents; "
                     "check the conversion");
  }
  const std::string paid = "the payment of " + Usd(ctx.usd_minor);
  const std::string tier = "KYC tier " + std::to_string(ctx.tier);
  const TierLimits& t = config_.tiers[ctx.tier];
  // A limit of 0 allows nothing, not even a payment that converted to 0
  // cents.
  auto over = [&](int64_t limit, int64_t room) {
    return limit == 0 || ctx.usd_minor > room;
  };
  if (over(t.per_payment_usd_minor, t.per_payment_usd_minor)) {
    return MakeError(ErrorCode::kLIMIT_EXCEEDED, "payer.kycTier",
                     paid + " is over the per-payment limit of " +
                         Usd(t.per_payment_usd_minor) + " for " + tier +
                         "; pay at most " + Usd(t.per_payment_usd_minor) +
                         " at once, or the wallet verifies the user for a "
                         "higher tier");
  }
  auto mcc = config_.mcc_per_payment_usd_minor.find(ctx.mcc);
  if (mcc != config_.mcc_per_payment_usd_minor.end() &&
      over(mcc->second, mcc->second)) {
    const std::string category = "merchant category " + std::to_string(ctx.mcc);
    if (mcc->second == 0) {
      return MakeError(
          ErrorCode::kLIMIT_EXCEEDED, "mcc",
          "payments to " + category + " are not allowed through the network");
    }
    return MakeError(ErrorCode::kLIMIT_EXCEEDED, "mcc",
                     paid + " is over the per-payment limit of " +
                         Usd(mcc->second) + " for " + category +
                         "; pay at most " + Usd(mcc->second) + " at once");
  }
  // Room left under a daily limit, never negative (a limit lowered today).
  auto daily = [&](int64_t limit, int64_t used, const std::string& what,
                   const std::string& param, const std::string& also) {
    if (!over(limit, limit - used)) return Status::Ok();
    const int64_t left = std::max<int64_t>(limit - used, 0);
    return Status(MakeError(ErrorCode::kLIMIT_EXCEEDED, param,
                            paid + " is over the daily limit of " + Usd(limit) +
                                " for " + what + ": " + Usd(used) +
                                " paid today (UTC), " + Usd(left) +
                                " left; pay at most " + Usd(left) +
                                ", wait for the next UTC day" + also));
  };
  MERIDIAN_RETURN_IF_ERROR(daily(
      t.per_day_usd_minor, UsedToday(ctx.wallet, ctx.user, ctx.now_ns), tier,
      "payer.kycTier", ", or the wallet verifies the user for a higher tier"));
  const CountryCode p = ctx.payer_country;
  const CountryCode m = ctx.merchant_country;
  // Most specific first; when a country is 0 some of the four coincide.
  const std::array<Corridor, 4> rules = {Corridor{p, m}, Corridor{p, 0},
                                         Corridor{0, m}, Corridor{0, 0}};
  for (size_t i = 0; i < rules.size(); ++i) {
    const Corridor rule = rules[i];
    if (std::find(rules.begin(), rules.begin() + i, rule) !=
        rules.begin() + i) {
      continue;
    }
    auto it = config_.corridor_per_day_usd_minor.find(rule);
    if (it == config_.corridor_per_day_usd_minor.end()) continue;
    const std::string what = "payments " + CorridorText(rule);
    if (it->second == 0) {
      return MakeError(ErrorCode::kLIMIT_EXCEEDED, "corridor",
                       what + " are not allowed through the network");
    }
    MERIDIAN_RETURN_IF_ERROR(
        daily(it->second, UsedTodayIn(ctx.wallet, ctx.user, rule, ctx.now_ns),
              what, "corridor", ""));
  }
  const CounterKey key{UtcDay(ctx.now_ns), ctx.wallet, ctx.user, p, m};
  if (!counters_.contains(key) &&
      CorridorsToday(ctx.wallet, ctx.user, ctx.now_ns) >=
          kMaxCorridorsPerUserPerDay) {
    return MakeError(ErrorCode::kLIMIT_EXCEEDED, "corridor",
                     "the user has paid in 64 corridors (payer and merchant "
                     "country) today (UTC); pay in one of them or wait for "
                     "the next UTC day");
  }
  if (payments_.size() >= bounds_.max_payments ||
      (counters_.size() >= bounds_.max_counters && !counters_.contains(key))) {
    return MakeError(ErrorCode::kRATE_LIMITED, "",
                     "the network's limit counters are full for today; retry "
                     "later");
  }
  return Status::Ok();
}

void LimitBook::Commit(const LimitContext& ctx, u128 payment_id) {
  if (payment_id == 0 || payments_.contains(payment_id)) return;
  MERIDIAN_CHECK(ctx.usd_minor >= 0 && ctx.usd_minor <= Amount::kMaxMinorUnits)
      << ctx.usd_minor;
  const CounterKey key{UtcDay(ctx.now_ns), ctx.wallet, ctx.user,
                       ctx.payer_country, ctx.merchant_country};
  int64_t& n = counters_[key];
  MERIDIAN_CHECK(!__builtin_add_overflow(n, ctx.usd_minor, &n));
  payments_.emplace(payment_id, PaymentRecord{key, ctx.usd_minor});
  payment_days_.emplace(std::get<0>(key), payment_id);
}

void LimitBook::Reverse(u128 payment_id) {
  auto it = payments_.find(payment_id);
  if (it == payments_.end()) return;
  const PaymentRecord r = it->second;
  payment_days_.erase({std::get<0>(r.key), payment_id});
  payments_.erase(it);
  auto c = counters_.find(r.key);
  if (c == counters_.end()) return;
  c->second -= r.usd_minor;
  MERIDIAN_CHECK(c->second >= 0) << "limit counter below zero";
  if (c->second == 0) counters_.erase(c);
}

void LimitBook::Expire(int64_t now_ns) {
  const int64_t today = UtcDay(now_ns);
  counters_.erase(counters_.begin(),
                  counters_.lower_bound({today, u128{0}, u128{0}, 0, 0}));
  while (!payment_days_.empty() && payment_days_.begin()->first < today) {
    payments_.erase(payment_days_.begin()->second);
    payment_days_.erase(payment_days_.begin());
  }
}

void LimitBook::Serialize(ByteWriter* w) const {
  w->U32(kSectionVersion);
  WriteConfig(*w, config_);
  w->U64(counters_.size());
  for (const auto& [k, usd] : counters_) {
    w->I64(std::get<0>(k));
    w->U128(std::get<1>(k));
    w->U128(std::get<2>(k));
    w->U16(std::get<3>(k));
    w->U16(std::get<4>(k));
    w->I64(usd);
  }
  w->U64(payments_.size());
  for (const auto& [id, r] : payments_) {
    w->U128(id);
    w->I64(std::get<0>(r.key));
    w->U128(std::get<1>(r.key));
    w->U128(std::get<2>(r.key));
    w->U16(std::get<3>(r.key));
    w->U16(std::get<4>(r.key));
    w->I64(r.usd_minor);
  }
}

Result<LimitBook> LimitBook::Deserialize(ByteReader* r,
                                         LimitBookBounds bounds) {
  LimitBook book(bounds);
  uint32_t version = 0;
  if (!r->U32(&version) || version != kSectionVersion) {
    return Corrupted("header");
  }
  LimitConfig config;
  if (!ReadConfig(*r, &config) || !ValidateLimitConfig(config).ok()) {
    return Corrupted("config");
  }
  book.config_ = std::move(config);
  auto read_key = [&](CounterKey* k) {
    return r->I64(&std::get<0>(*k)) && r->U128(&std::get<1>(*k)) &&
           r->U128(&std::get<2>(*k)) && r->U16(&std::get<3>(*k)) &&
           r->U16(&std::get<4>(*k));
  };
  uint64_t n = 0;
  if (!r->U64(&n) || n > kMaxSerializedItems) return Corrupted("counters");
  for (uint64_t i = 0; i < n; ++i) {
    CounterKey k;
    int64_t usd = 0;
    if (!read_key(&k) || !r->I64(&usd) || usd < 0 ||
        usd > Amount::kMaxMinorUnits ||
        (!book.counters_.empty() && book.counters_.rbegin()->first >= k)) {
      return Corrupted("counter");
    }
    book.counters_.emplace_hint(book.counters_.end(), k, usd);
  }
  if (!r->U64(&n) || n > kMaxSerializedItems) return Corrupted("payments");
  std::map<CounterKey, i128> recorded;
  for (uint64_t i = 0; i < n; ++i) {
    u128 id = 0;
    PaymentRecord rec;
    if (!r->U128(&id) || !read_key(&rec.key) || !r->I64(&rec.usd_minor) ||
        id == 0 || rec.usd_minor < 0 ||
        rec.usd_minor > Amount::kMaxMinorUnits ||
        (!book.payments_.empty() && book.payments_.rbegin()->first >= id)) {
      return Corrupted("payment record");
    }
    // Reverse takes a record's amount back from its counter: it must be
    // there (a counter of a past day may be gone, its records with it).
    i128& sum = recorded[rec.key];
    sum += rec.usd_minor;
    auto c = book.counters_.find(rec.key);
    if (c != book.counters_.end() && sum > c->second) {
      return Corrupted("payment records beyond their counter");
    }
    book.payment_days_.emplace(std::get<0>(rec.key), id);
    book.payments_.emplace_hint(book.payments_.end(), id, rec);
  }
  return book;
}

std::vector<uint8_t> EncodeLimitConfig(const LimitConfig& config) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  WriteConfig(w, config);
  return out;
}

Result<LimitConfig> DecodeLimitConfig(std::span<const uint8_t> body) {
  ByteReader r(body);
  LimitConfig c;
  if (!ReadConfig(r, &c)) return Malformed("set network limits");
  if (r.remaining() != 0)
    return Malformed("set network limits: trailing bytes");
  return c;
}

}  // namespace meridian::network
