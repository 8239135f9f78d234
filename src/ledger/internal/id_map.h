// IdMap: an open-addressing hash map from a non-zero 128-bit id to a 32-bit
// index, used by the ledger to find accounts and transfers.
//
// Why not std::unordered_map: the ledger's memory bar is 256 bytes per account
// and the hot path is two lookups per transfer. A node-based map costs ~64
// bytes and a cache miss per entry; this one costs 32 bytes per slot (key and
// value side by side, so a lookup or insert touches one cache line, not
// two), and linear probing keeps a lookup in one cache line (and huge pages
// keep it out of the TLB's way). The hash is fixed (no per-process seed), but
// nothing iterates the map: state hashes and snapshots walk the ledger's
// vectors instead.
//
//   IdMap map;
//   map.Insert(id, 7);
//   uint32_t index = map.Find(id);   // IdMap::kNotFound when absent
//   map.Erase(id);                   // backward-shift delete, no tombstones
#ifndef MERIDIAN_LEDGER_INTERNAL_ID_MAP_H_
#define MERIDIAN_LEDGER_INTERNAL_ID_MAP_H_

#include <cstdint>

#include "core/assert.h"
#include "core/int128.h"
#include "ledger/internal/huge_array.h"

namespace meridian::ledger::internal {

class IdMap {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  IdMap() { Rehash(16); }

  uint32_t Find(u128 key) const {
    MERIDIAN_DCHECK(key != 0);
    size_t i = Home(key);
    while (true) {
      if (slots_[i].key == key) return slots_[i].value;
      if (slots_[i].key == 0) return kNotFound;
      i = (i + 1) & mask_;
    }
  }

  // The key must be absent.
  void Insert(u128 key, uint32_t value) {
    MERIDIAN_CHECK(key != 0);
    // Grow at 70 % load to keep probe chains short.
    if ((size_ + 1) * 10 > slots_.size() * 7) Rehash(slots_.size() * 2);
    size_t i = Home(key);
    while (slots_[i].key != 0) {
      MERIDIAN_DCHECK(slots_[i].key != key);
      i = (i + 1) & mask_;
    }
    slots_[i].key = key;
    slots_[i].value = value;
    ++size_;
  }

  // Removes the key if present. Backward-shift deletion keeps every probe
  // chain intact without tombstones.
  void Erase(u128 key) {
    size_t i = Home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == 0) return;
      i = (i + 1) & mask_;
    }
    size_t hole = i;
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (slots_[j].key == 0) break;
      size_t home = Home(slots_[j].key);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      bool home_in_range =
          hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_in_range) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Entry{};
    --size_;
  }

  // Starts loading the key's slot into cache: the engine calls this a few
  // events ahead so the lookup itself does not wait on memory.
  void Prefetch(u128 key) const {
    __builtin_prefetch(&slots_[Home(key)], /*rw=*/1);
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.memory_bytes(); }
  void Reserve(size_t count) {
    size_t want = 16;
    while (want * 7 < count * 10) want *= 2;
    if (want > slots_.size()) Rehash(want);
  }

 private:
  struct Entry {
    u128 key;  // 0: empty
    uint32_t value;
    uint32_t unused[3];
  };
  static_assert(sizeof(Entry) == 32);

  size_t Home(u128 key) const {
    uint64_t lo = static_cast<uint64_t>(key);
    uint64_t hi = static_cast<uint64_t>(key >> 64);
    // murmur3 fmix64 over both halves: ids may be sequential in tests and
    // time-ordered in production, so the low bits alone are not enough.
    uint64_t h = lo ^ (hi * 0x9E3779B97F4A7C15ull);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return static_cast<size_t>(h) & mask_;
  }

  void Rehash(size_t capacity) {
    HugeArray<Entry> old = std::move(slots_);
    slots_ = HugeArray<Entry>(capacity);
    mask_ = capacity - 1;
    size_ = 0;
    for (size_t i = 0; i < old.size(); ++i) {
      if (old[i].key == 0) continue;
      size_t s = Home(old[i].key);
      while (slots_[s].key != 0) s = (s + 1) & mask_;
      slots_[s] = old[i];
      ++size_;
    }
  }

  HugeArray<Entry> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace meridian::ledger::internal

#endif  // MERIDIAN_LEDGER_INTERNAL_ID_MAP_H_
