#include "risk/features.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/bytes.h"

namespace meridian::risk {
namespace {

constexpr std::string_view kFeatureNames[] = {
#define MERIDIAN_RISK_FEATURE_NAME(e, name) name,
    MERIDIAN_RISK_FEATURES(MERIDIAN_RISK_FEATURE_NAME)
#undef MERIDIAN_RISK_FEATURE_NAME
};
static_assert(std::size(kFeatureNames) == kFeatureCount);

constexpr uint32_t kMagic = 0x53465252;  // "RRFS"
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxCap = 10'000'000;

// A fixed ring of N time buckets of kWidthNs each. Bucket k holds the
// attempts whose time_ns / kWidthNs == idx (idx is kept, so a stale bucket
// is recognised and reset rather than cleared on a timer). N is one more
// than window / width, so an attempt is counted for at least the window.
struct Bucket {
  int32_t idx = -1;
  uint16_t count = 0;
  uint16_t declines = 0;
  int64_t amount = 0;
};

struct Sum {
  int64_t count = 0;
  int64_t declines = 0;
  int64_t amount = 0;
};

uint16_t SatAdd16(uint16_t a, int b) {
  int v = a + b;
  return static_cast<uint16_t>(std::min(v, 65535));
}
int64_t SatAdd64(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<int64_t>::max()
                 : std::numeric_limits<int64_t>::min();
  }
  return out;
}

template <int N, int64_t kWidthNs>
struct Ring {
  std::array<Bucket, N> b{};

  static int32_t Index(int64_t time_ns) {
    return static_cast<int32_t>(time_ns / kWidthNs);
  }
  void Add(int64_t time_ns, int64_t amount, bool declined) {
    int32_t idx = Index(time_ns);
    Bucket& x = b[static_cast<size_t>(idx) % N];
    if (x.idx != idx) x = Bucket{idx, 0, 0, 0};
    x.count = SatAdd16(x.count, 1);
    x.declines = SatAdd16(x.declines, declined ? 1 : 0);
    x.amount = SatAdd64(x.amount, amount);
  }
  Sum Total(int64_t now_ns) const {
    int32_t cur = Index(now_ns);
    Sum s;
    for (const Bucket& x : b) {
      if (x.idx >= 0 && x.idx <= cur && cur - x.idx < N) {
        s.count += x.count;
        s.declines += x.declines;
        s.amount = SatAdd64(s.amount, x.amount);
      }
    }
    return s;
  }
};

struct Windows {
  Ring<7, 10 * kNsPerSecond> m1;  // 1 minute
  Ring<13, 5 * kNsPerMinute> h1;  // 1 hour
  Ring<25, kNsPerHour> d1;        // 24 hours

  void Add(int64_t t, int64_t amount, bool declined) {
    m1.Add(t, amount, declined);
    h1.Add(t, amount, declined);
    d1.Add(t, amount, declined);
  }
};

// The last kDistinctRing distinct ids (fingerprints) seen, each with the
// time it was last seen; a new id replaces the one seen longest ago.
struct DistinctRing {
  std::array<uint64_t, kDistinctRing> id{};
  std::array<int64_t, kDistinctRing> seen{};
  uint8_t n = 0;

  void Add(uint64_t fp, int64_t t) {
    for (size_t i = 0; i < n; ++i) {
      if (id[i] == fp) {
        seen[i] = t;
        return;
      }
    }
    if (n < kDistinctRing) {
      id[n] = fp;
      seen[n] = t;
      ++n;
      return;
    }
    size_t oldest = 0;
    for (size_t i = 1; i < n; ++i) {
      if (seen[i] < seen[oldest]) oldest = i;
    }
    id[oldest] = fp;
    seen[oldest] = t;
  }
  // Distinct ids seen in (now - window, now], plus `current` when it is
  // not among them (0: none), at most kDistinctRing.
  int64_t Count(int64_t now, int64_t window, uint64_t current) const {
    int64_t c = 0;
    bool current_seen = current == 0;
    for (size_t i = 0; i < n; ++i) {
      if (seen[i] > now - window) {
        ++c;
        if (id[i] == current) current_seen = true;
      }
    }
    if (!current_seen) ++c;
    return std::min<int64_t>(c, kDistinctRing);
  }
};

// Up to K values, most recently used last.
template <typename T, size_t K>
struct RecentSet {
  std::array<T, K> v{};
  uint8_t n = 0;

  bool Contains(T x) const {
    for (size_t i = 0; i < n; ++i) {
      if (v[i] == x) return true;
    }
    return false;
  }
  void Use(T x) {
    size_t i = 0;
    while (i < n && v[i] != x) ++i;
    if (i == n) {
      if (n < K) {
        ++n;
      } else {
        i = 0;  // drop the least recently used
      }
    }
    for (; i + 1 < n; ++i) v[i] = v[i + 1];
    v[n - 1] = x;
  }
};

uint64_t Fingerprint(u128 id) {
  // Ids are well mixed already (time-ordered ids are mixed by the multiply);
  // a collision only merges two merchants in a distinct count.
  uint64_t x = static_cast<uint64_t>(id) ^
               (static_cast<uint64_t>(id >> 64) * 0x9E3779B97F4A7C15ull);
  return x == 0 ? 1 : x;
}

struct PayerState {
  Windows w;
  DistinctRing merchants;
  RecentSet<uint64_t, kKnownDevices> devices;     // approved devices
  RecentSet<uint16_t, kKnownCountries> countries;  // approved IP countries
  int64_t first_seen_ns = 0;
  uint32_t history = 0;  // attempts, saturating at 65,535
  uint32_t approved = 0;
  int64_t approved_sum = 0;  // reporting minor units, halved with `approved`
};

struct CardState {
  Windows w;
  DistinctRing merchants;
  DistinctRing payers;
};

struct DeviceState {
  Windows w;
  DistinctRing payers;
};

struct IpState {
  Windows w;
};

// A map from id to V holding at most `capacity` entries, evicting the least
// recently touched. Slots live in one vector linked in recency order; an
// open-addressing index (linear probing, backward-shift deletion) finds
// them with one probe in the common case. It is never iterated: order comes
// from the recency list only. (std::unordered_map cost a dependent cache
// miss per node; with 150,000 entities that was half of Compute().)
template <typename V>
class LruMap {
 public:
  static constexpr uint32_t kNil = 0xFFFFFFFFu;

  explicit LruMap(uint32_t capacity) : capacity_(capacity) { Rehash(4); }

  const V* Find(u128 key) const {
    uint32_t s = index_[Probe(key)].slot;
    return s == kNil ? nullptr : &slot(s).value;
  }

  // The entry for `key`, made the most recent; a new one (value-initialised)
  // replaces the least recent when full. *evicted counts replacements.
  V& Touch(u128 key, uint64_t* evicted) {
    size_t pos = Probe(key);
    uint32_t s = index_[pos].slot;
    if (s != kNil) {
      Unlink(s);
    } else {
      if (size_ < capacity_) {
        // Slots come in chunks that never move, so growing costs one chunk
        // allocation, not a copy of every slot (a 10 ms stall at 32,000).
        if (size_ % kChunk == 0) {
          chunks_.push_back(std::make_unique<Slot[]>(kChunk));
        }
        s = size_++;
      } else {
        s = oldest_;
        Unlink(s);
        Erase(slot(s).key);
        slot(s) = Slot{};
        ++*evicted;
      }
      slot(s).key = key;
      if ((size_ + 1) * 2 > index_.size()) {
        Rehash(bits_ + 1);
      }
      pos = Probe(key);
      index_[pos] = Entry{Lo(key), Hi(key), s};
    }
    PushNewest(s);
    return slot(s).value;
  }

  // Oldest first: the canonical order of Serialize().
  template <typename F>
  void ForEachOldestFirst(F f) const {
    for (uint32_t s = oldest_; s != kNil; s = slot(s).next) {
      f(slot(s).key, slot(s).value);
    }
  }

  size_t size() const { return size_; }
  uint32_t capacity() const { return capacity_; }
  size_t ApproxBytes() const {
    return chunks_.size() * kChunk * sizeof(Slot) +
           index_.capacity() * sizeof(Entry);
  }

 private:
  struct Slot {
    u128 key = 0;
    uint32_t prev = kNil;
    uint32_t next = kNil;
    V value{};
  };
  struct Entry {
    uint64_t lo = 0;
    uint64_t hi = 0;
    uint32_t slot = kNil;
  };

  static uint64_t Lo(u128 k) { return static_cast<uint64_t>(k); }
  static uint64_t Hi(u128 k) { return static_cast<uint64_t>(k >> 64); }
  size_t Home(uint64_t lo, uint64_t hi) const {
    uint64_t m = (lo ^ (hi * 0x9E3779B97F4A7C15ull)) * 0xD6E8FEB86659FD93ull;
    return static_cast<size_t>(m >> (64 - bits_));
  }
  // The position holding `key`, or the empty one where it would go.
  size_t Probe(u128 key) const {
    uint64_t lo = Lo(key), hi = Hi(key);
    size_t mask = index_.size() - 1;
    for (size_t i = Home(lo, hi);; i = (i + 1) & mask) {
      const Entry& e = index_[i];
      if (e.slot == kNil || (e.lo == lo && e.hi == hi)) return i;
    }
  }
  void Erase(u128 key) {
    size_t mask = index_.size() - 1;
    size_t i = Probe(key);
    if (index_[i].slot == kNil) return;
    // Backward shift: pull later entries of the run into the hole unless
    // their home lies cyclically in (hole, their position].
    for (size_t j = (i + 1) & mask; index_[j].slot != kNil;
         j = (j + 1) & mask) {
      size_t home = Home(index_[j].lo, index_[j].hi);
      bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!stays) {
        index_[i] = index_[j];
        i = j;
      }
    }
    index_[i] = Entry{};
  }
  void Rehash(int bits) {
    bits_ = bits;
    index_.assign(size_t{1} << bits, Entry{});
    for (uint32_t s = 0; s < size_; ++s) {
      index_[Probe(slot(s).key)] =
          Entry{Lo(slot(s).key), Hi(slot(s).key), s};
    }
  }

  void Unlink(uint32_t s) {
    Slot& x = slot(s);
    if (x.prev != kNil) slot(x.prev).next = x.next; else oldest_ = x.next;
    if (x.next != kNil) slot(x.next).prev = x.prev; else newest_ = x.prev;
    x.prev = x.next = kNil;
  }
  void PushNewest(uint32_t s) {
    slot(s).prev = newest_;
    slot(s).next = kNil;
    if (newest_ != kNil) slot(newest_).next = s; else oldest_ = s;
    newest_ = s;
  }

  uint32_t capacity_;
  static constexpr uint32_t kChunk = 256;
  Slot& slot(uint32_t s) { return chunks_[s / kChunk][s % kChunk]; }
  const Slot& slot(uint32_t s) const { return chunks_[s / kChunk][s % kChunk]; }

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t size_ = 0;
  std::vector<Entry> index_;  // a power of two, at most half full
  int bits_ = 0;
  uint32_t oldest_ = kNil;
  uint32_t newest_ = kNil;
};

// --- Serialization of the pieces, field by field (no struct padding). ---

template <int N, int64_t W>
void Put(ByteWriter& w, const Ring<N, W>& r) {
  for (const Bucket& b : r.b) {
    w.U32(static_cast<uint32_t>(b.idx));
    w.U16(b.count);
    w.U16(b.declines);
    w.I64(b.amount);
  }
}
template <int N, int64_t W>
bool Get(ByteReader& r, Ring<N, W>* ring) {
  for (Bucket& b : ring->b) {
    uint32_t idx;
    if (!r.U32(&idx) || !r.U16(&b.count) || !r.U16(&b.declines) ||
        !r.I64(&b.amount)) {
      return false;
    }
    b.idx = static_cast<int32_t>(idx);
    if (b.idx < -1) return false;
  }
  return true;
}
void Put(ByteWriter& w, const Windows& x) {
  Put(w, x.m1);
  Put(w, x.h1);
  Put(w, x.d1);
}
bool Get(ByteReader& r, Windows* x) {
  return Get(r, &x->m1) && Get(r, &x->h1) && Get(r, &x->d1);
}
void Put(ByteWriter& w, const DistinctRing& d) {
  w.U8(d.n);
  for (size_t i = 0; i < d.n; ++i) {
    w.U64(d.id[i]);
    w.I64(d.seen[i]);
  }
}
bool Get(ByteReader& r, DistinctRing* d) {
  if (!r.U8(&d->n) || d->n > kDistinctRing) return false;
  for (size_t i = 0; i < d->n; ++i) {
    if (!r.U64(&d->id[i]) || !r.I64(&d->seen[i])) return false;
  }
  return true;
}
template <size_t K>
void Put(ByteWriter& w, const RecentSet<uint64_t, K>& s) {
  w.U8(s.n);
  for (size_t i = 0; i < s.n; ++i) w.U64(s.v[i]);
}
template <size_t K>
bool Get(ByteReader& r, RecentSet<uint64_t, K>* s) {
  if (!r.U8(&s->n) || s->n > K) return false;
  for (size_t i = 0; i < s->n; ++i) {
    if (!r.U64(&s->v[i])) return false;
  }
  return true;
}
template <size_t K>
void Put(ByteWriter& w, const RecentSet<uint16_t, K>& s) {
  w.U8(s.n);
  for (size_t i = 0; i < s.n; ++i) w.U16(s.v[i]);
}
template <size_t K>
bool Get(ByteReader& r, RecentSet<uint16_t, K>* s) {
  if (!r.U8(&s->n) || s->n > K) return false;
  for (size_t i = 0; i < s->n; ++i) {
    if (!r.U16(&s->v[i])) return false;
  }
  return true;
}

void Put(ByteWriter& w, const PayerState& p) {
  Put(w, p.w);
  Put(w, p.merchants);
  Put(w, p.devices);
  Put(w, p.countries);
  w.I64(p.first_seen_ns);
  w.U32(p.history);
  w.U32(p.approved);
  w.I64(p.approved_sum);
}
bool Get(ByteReader& r, PayerState* p) {
  return Get(r, &p->w) && Get(r, &p->merchants) && Get(r, &p->devices) &&
         Get(r, &p->countries) && r.I64(&p->first_seen_ns) &&
         r.U32(&p->history) && r.U32(&p->approved) && r.I64(&p->approved_sum);
}
void Put(ByteWriter& w, const CardState& c) {
  Put(w, c.w);
  Put(w, c.merchants);
  Put(w, c.payers);
}
bool Get(ByteReader& r, CardState* c) {
  return Get(r, &c->w) && Get(r, &c->merchants) && Get(r, &c->payers);
}
void Put(ByteWriter& w, const DeviceState& d) {
  Put(w, d.w);
  Put(w, d.payers);
}
bool Get(ByteReader& r, DeviceState* d) {
  return Get(r, &d->w) && Get(r, &d->payers);
}
void Put(ByteWriter& w, const IpState& x) { Put(w, x.w); }
bool Get(ByteReader& r, IpState* x) { return Get(r, &x->w); }

template <typename V>
void PutMap(ByteWriter& w, const LruMap<V>& m) {
  w.U32(static_cast<uint32_t>(m.size()));
  m.ForEachOldestFirst([&](u128 key, const V& v) {
    w.U128(key);
    Put(w, v);
  });
}
template <typename V>
bool GetMap(ByteReader& r, LruMap<V>* m) {
  uint32_t n;
  if (!r.U32(&n) || n > m->capacity()) return false;
  uint64_t evicted = 0;
  for (uint32_t i = 0; i < n; ++i) {
    u128 key;
    if (!r.U128(&key) || key == 0 || m->Find(key) != nullptr) return false;
    if (!Get(r, &m->Touch(key, &evicted))) return false;
  }
  return true;
}

bool ValidConfig(const FeatureConfig& c) {
  for (uint32_t v : {c.max_payers, c.max_cards, c.max_devices, c.max_ips}) {
    if (v < 1 || v > kMaxCap) return false;
  }
  return true;
}

// Table of merchant category risk: the categories card networks and
// acquirers treat as high risk (quasi-cash, gambling, digital goods,
// telemarketing, money transfer, easily resold goods), 0..100.
struct MccRiskEntry {
  uint16_t mcc;
  uint8_t risk;
};
constexpr MccRiskEntry kMccRisk[] = {
    {4816, 40},  // computer network / information services
    {4829, 80},  // money transfer
    {5045, 40},  // computers and peripherals
    {5122, 50},  // drugs, proprietaries
    {5411, 5},   // grocery stores
    {5732, 50},  // electronics stores
    {5735, 40},  // record stores (digital)
    {5812, 5},   // restaurants
    {5814, 5},   // fast food
    {5815, 50},  // digital goods: media
    {5816, 70},  // digital goods: games
    {5817, 50},  // digital goods: applications
    {5818, 60},  // digital goods: large merchants
    {5912, 10},  // drug stores
    {5944, 60},  // jewellery, watches
    {5945, 30},  // toys, games
    {5962, 80},  // direct marketing: travel related
    {5966, 90},  // direct marketing: outbound telemarketing
    {5967, 90},  // direct marketing: inbound teleservices
    {5993, 40},  // cigar stores
    {5999, 30},  // miscellaneous retail
    {6010, 70},  // financial institutions: manual cash
    {6011, 70},  // ATM cash
    {6051, 90},  // quasi-cash (crypto, money orders)
    {6540, 80},  // stored value card purchase / load
    {7011, 15},  // hotels
    {7273, 60},  // dating services
    {7995, 90},  // betting, casino gambling
    {4111, 5},   // commuter transport
    {4121, 10},  // taxis
    {4511, 30},  // airlines
};

struct CountryRiskEntry {
  char code[3];
  uint8_t risk;
};
// A coarse, illustrative table (FATF grey/black list and card-fraud
// statistics as of 2024 inform it; it is not legal advice). Unknown: 0.
constexpr CountryRiskEntry kCountryRisk[] = {
    {"KP", 100}, {"IR", 100}, {"MM", 80}, {"NG", 60}, {"PH", 40},
    {"VN", 40},  {"RU", 70},  {"BY", 60}, {"VE", 50}, {"ID", 30},
    {"BR", 30},  {"MX", 30},  {"IN", 20}, {"TR", 30}, {"UA", 40},
    {"RO", 20},  {"PK", 40},  {"KE", 30}, {"ZA", 30}, {"AE", 20},
};

}  // namespace

std::string_view FeatureName(Feature f) {
  return kFeatureNames[static_cast<size_t>(f)];
}
std::string_view FeatureName(size_t index) {
  MERIDIAN_CHECK(index < kFeatureCount);
  return kFeatureNames[index];
}
std::optional<Feature> FeatureFromName(std::string_view name) {
  for (size_t i = 0; i < kFeatureCount; ++i) {
    if (kFeatureNames[i] == name) return static_cast<Feature>(i);
  }
  return std::nullopt;
}

int32_t MccRisk(uint16_t mcc) {
  for (const MccRiskEntry& e : kMccRisk) {
    if (e.mcc == mcc) return e.risk;
  }
  return 0;
}
int32_t CountryRisk(CountryCode country) {
  for (const CountryRiskEntry& e : kCountryRisk) {
    if (Country(std::string_view(e.code, 2)) == country) return e.risk;
  }
  return 0;
}

struct FeatureState::Impl {
  explicit Impl(const FeatureConfig& c)
      : config(c),
        payers(c.max_payers),
        cards(c.max_cards),
        devices(c.max_devices),
        ips(c.max_ips) {}

  FeatureConfig config;
  Stats stats;
  int64_t latest_ns = 0;
  LruMap<PayerState> payers;
  LruMap<CardState> cards;
  LruMap<DeviceState> devices;
  LruMap<IpState> ips;
};

FeatureState::FeatureState(FeatureConfig config) {
  MERIDIAN_CHECK(ValidConfig(config)) << "FeatureConfig caps are 1..10^7";
  impl_ = std::make_unique<Impl>(config);
}
FeatureState::~FeatureState() = default;
FeatureState::FeatureState(FeatureState&&) noexcept = default;
FeatureState& FeatureState::operator=(FeatureState&&) noexcept = default;

const FeatureState::Stats& FeatureState::stats() const { return impl_->stats; }
const FeatureConfig& FeatureState::config() const { return impl_->config; }
std::array<size_t, 4> FeatureState::sizes() const {
  return {impl_->payers.size(), impl_->cards.size(), impl_->devices.size(),
          impl_->ips.size()};
}

FeatureVector FeatureState::Compute(const PaymentAttempt& a) const {
  const Impl& s = *impl_;
  const int64_t now = std::max(std::max<int64_t>(a.time_ns, 0), s.latest_ns);
  const int64_t amount = std::max<int64_t>(a.amount_reporting_minor, 0);
  FeatureVector f;
  f[Feature::kAmountReporting] = amount;
  f[Feature::kChannel] = static_cast<int64_t>(a.channel);
  f[Feature::kMccRisk] = MccRisk(a.mcc);
  f[Feature::kMerchantCountryRisk] = CountryRisk(a.merchant_country);
  {
    int64_t minutes = now / kNsPerMinute + a.payer_utc_offset_min;
    int64_t day_minute = ((minutes % 1440) + 1440) % 1440;
    f[Feature::kHourLocal] = day_minute / 60;
  }
  const uint64_t merchant_fp = a.merchant_id ? Fingerprint(a.merchant_id) : 0;
  const uint64_t payer_fp = a.payer_id ? Fingerprint(a.payer_id) : 0;

  // Windows include the attempt itself (count + 1, amount + amount).
  auto windows = [&](const Windows* w, Feature c1m, Feature c1h, Feature c24h,
                     std::optional<Feature> a1h, std::optional<Feature> a24h,
                     std::optional<Feature> d1m, Feature d1h, Feature d24h) {
    Sum m1, h1, d1;
    if (w != nullptr) {
      m1 = w->m1.Total(now);
      h1 = w->h1.Total(now);
      d1 = w->d1.Total(now);
    }
    f[c1m] = m1.count + 1;
    f[c1h] = h1.count + 1;
    f[c24h] = d1.count + 1;
    if (a1h) f[*a1h] = SatAdd64(h1.amount, amount);
    if (a24h) f[*a24h] = SatAdd64(d1.amount, amount);
    if (d1m) f[*d1m] = m1.declines;
    f[d1h] = h1.declines;
    f[d24h] = d1.declines;
  };

  // Payer.
  const PayerState* p = a.payer_id ? s.payers.Find(a.payer_id) : nullptr;
  if (a.payer_id) {
    windows(p ? &p->w : nullptr, Feature::kPayerCount1m,
            Feature::kPayerCount1h, Feature::kPayerCount24h,
            Feature::kPayerAmount1h, Feature::kPayerAmount24h, std::nullopt,
            Feature::kPayerDeclines1h, Feature::kPayerDeclines24h);
    f[Feature::kPayerMerchants1h] =
        p ? p->merchants.Count(now, kNsPerHour, merchant_fp) : 1;
    f[Feature::kPayerMerchants24h] =
        p ? p->merchants.Count(now, kNsPerDay, merchant_fp) : 1;
  }
  if (p != nullptr) {
    f[Feature::kPayerHistory] = p->history;
    f[Feature::kPayerAgeHours] =
        std::min<int64_t>((now - p->first_seen_ns) / kNsPerHour, 1'000'000);
    if (p->approved > 0) {
      if (a.device_id) {
        f[Feature::kNewDevice] =
            p->devices.Contains(Fingerprint(a.device_id)) ? 0 : 1;
      }
      if (a.ip_country) {
        f[Feature::kNewIpCountry] = p->countries.Contains(a.ip_country) ? 0 : 1;
      }
      int64_t mean = p->approved_sum / p->approved;
      if (mean > 0) {
        // amount * 100 / mean without overflow: amounts are < 2^63 / 100
        // in practice; saturate otherwise.
        int64_t scaled;
        if (__builtin_mul_overflow(amount, 100, &scaled)) {
          f[Feature::kAmountToMeanPct] = 1'000'000;
        } else {
          f[Feature::kAmountToMeanPct] =
              std::min<int64_t>(scaled / mean, 1'000'000);
        }
      }
    }
  }

  // Card.
  if (a.card_token) {
    const CardState* c = s.cards.Find(a.card_token);
    windows(c ? &c->w : nullptr, Feature::kCardCount1m, Feature::kCardCount1h,
            Feature::kCardCount24h, Feature::kCardAmount1h,
            Feature::kCardAmount24h, Feature::kCardDeclines1m,
            Feature::kCardDeclines1h, Feature::kCardDeclines24h);
    f[Feature::kCardMerchants1h] =
        c ? c->merchants.Count(now, kNsPerHour, merchant_fp) : 1;
    f[Feature::kCardMerchants24h] =
        c ? c->merchants.Count(now, kNsPerDay, merchant_fp) : 1;
    f[Feature::kCardPayers24h] =
        c ? c->payers.Count(now, kNsPerDay, payer_fp) : (payer_fp ? 1 : 0);
    f[Feature::kHasCard] = 1;
  }

  // Device (no 1-minute count: the IP's covers bursts).
  if (a.device_id) {
    const DeviceState* d = s.devices.Find(a.device_id);
    Sum h1, d1;
    if (d) {
      h1 = d->w.h1.Total(now);
      d1 = d->w.d1.Total(now);
    }
    f[Feature::kDeviceCount1h] = h1.count + 1;
    f[Feature::kDeviceCount24h] = d1.count + 1;
    f[Feature::kDeviceDeclines1h] = h1.declines;
    f[Feature::kDeviceDeclines24h] = d1.declines;
    f[Feature::kDevicePayers24h] =
        d ? d->payers.Count(now, kNsPerDay, payer_fp) : (payer_fp ? 1 : 0);
    f[Feature::kHasDevice] = 1;
  }

  // IP address.
  if (a.ip_hash) {
    const IpState* ip = s.ips.Find(a.ip_hash);
    windows(ip ? &ip->w : nullptr, Feature::kIpCount1m, Feature::kIpCount1h,
            Feature::kIpCount24h, std::nullopt, std::nullopt, std::nullopt,
            Feature::kIpDeclines1h, Feature::kIpDeclines24h);
  }

  auto mismatch = [](CountryCode x, CountryCode y) -> int64_t {
    return x != 0 && y != 0 && x != y ? 1 : 0;
  };
  f[Feature::kIpCardCountryMismatch] = mismatch(a.ip_country, a.card_country);
  f[Feature::kIpMerchantCountryMismatch] =
      mismatch(a.ip_country, a.merchant_country);
  f[Feature::kCardMerchantCountryMismatch] =
      mismatch(a.card_country, a.merchant_country);
  return f;
}

void FeatureState::Record(const PaymentAttempt& a, Outcome outcome) {
  Impl& s = *impl_;
  int64_t t = std::max<int64_t>(a.time_ns, 0);
  if (t < s.latest_ns) {
    t = s.latest_ns;
    ++s.stats.clamped;
  }
  s.latest_ns = t;
  ++s.stats.recorded;
  const int64_t amount = std::max<int64_t>(a.amount_reporting_minor, 0);
  const bool declined = IsDecline(outcome);
  const uint64_t merchant_fp = a.merchant_id ? Fingerprint(a.merchant_id) : 0;
  const uint64_t payer_fp = a.payer_id ? Fingerprint(a.payer_id) : 0;

  if (a.payer_id) {
    PayerState& p = s.payers.Touch(a.payer_id, &s.stats.evicted);
    if (p.history == 0) p.first_seen_ns = t;
    p.w.Add(t, amount, declined);
    if (merchant_fp) p.merchants.Add(merchant_fp, t);
    p.history = std::min<uint32_t>(p.history + 1, 65535);
    if (outcome == Outcome::kApproved) {
      // Devices and countries become known only through approved payments,
      // so a fraudster's declined tries never make a device familiar.
      if (a.device_id) p.devices.Use(Fingerprint(a.device_id));
      if (a.ip_country) p.countries.Use(a.ip_country);
      // The running mean keeps the last ~1,000 payments' weight: halving
      // both sums keeps the mean and bounds them.
      if (p.approved >= 1000) {
        p.approved /= 2;
        p.approved_sum /= 2;
      }
      ++p.approved;
      p.approved_sum = SatAdd64(p.approved_sum, amount);
    }
  }
  if (a.card_token) {
    CardState& c = s.cards.Touch(a.card_token, &s.stats.evicted);
    c.w.Add(t, amount, declined);
    if (merchant_fp) c.merchants.Add(merchant_fp, t);
    if (payer_fp) c.payers.Add(payer_fp, t);
  }
  if (a.device_id) {
    DeviceState& d = s.devices.Touch(a.device_id, &s.stats.evicted);
    d.w.Add(t, amount, declined);
    if (payer_fp) d.payers.Add(payer_fp, t);
  }
  if (a.ip_hash) {
    IpState& ip = s.ips.Touch(a.ip_hash, &s.stats.evicted);
    ip.w.Add(t, amount, declined);
  }
}

std::vector<uint8_t> FeatureState::Serialize() const {
  const Impl& s = *impl_;
  std::vector<uint8_t> out;
  out.reserve(64 + s.payers.size() * 1100 + s.cards.size() * 1200 +
              s.devices.size() * 900 + s.ips.size() * 750);
  ByteWriter w(&out);
  w.U32(kMagic);
  w.U32(kVersion);
  w.U32(s.config.max_payers);
  w.U32(s.config.max_cards);
  w.U32(s.config.max_devices);
  w.U32(s.config.max_ips);
  w.U64(s.stats.recorded);
  w.U64(s.stats.evicted);
  w.U64(s.stats.clamped);
  w.I64(s.latest_ns);
  PutMap(w, s.payers);
  PutMap(w, s.cards);
  PutMap(w, s.devices);
  PutMap(w, s.ips);
  return out;
}

Result<FeatureState> FeatureState::Deserialize(std::span<const uint8_t> bytes) {
  auto corrupt = [](std::string what) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "risk.features",
                     "risk feature state: " + what);
  };
  ByteReader r(bytes);
  uint32_t magic, version;
  FeatureConfig c;
  if (!r.U32(&magic) || magic != kMagic) return corrupt("not a feature state");
  if (!r.U32(&version) || version != kVersion) {
    return corrupt("unknown version");
  }
  if (!r.U32(&c.max_payers) || !r.U32(&c.max_cards) ||
      !r.U32(&c.max_devices) || !r.U32(&c.max_ips) || !ValidConfig(c)) {
    return corrupt("bad config");
  }
  FeatureState state(c);
  Impl& s = *state.impl_;
  if (!r.U64(&s.stats.recorded) || !r.U64(&s.stats.evicted) ||
      !r.U64(&s.stats.clamped) || !r.I64(&s.latest_ns) || s.latest_ns < 0) {
    return corrupt("bad counters");
  }
  if (!GetMap(r, &s.payers)) return corrupt("bad payer table");
  if (!GetMap(r, &s.cards)) return corrupt("bad card table");
  if (!GetMap(r, &s.devices)) return corrupt("bad device table");
  if (!GetMap(r, &s.ips)) return corrupt("bad IP table");
  if (r.remaining() != 0) return corrupt("trailing bytes");
  return state;
}

size_t FeatureState::ApproxBytes() const {
  const Impl& s = *impl_;
  return sizeof(Impl) + s.payers.ApproxBytes() + s.cards.ApproxBytes() +
         s.devices.ApproxBytes() + s.ips.ApproxBytes();
}

}  // namespace meridian::risk
