// IdMap: an open-addressing hash map from a non-zero 128-bit id to a 32-bit
// index, used by the ledger to find accounts and transfers.
//
// Why not std::unordered_map: the ledger's memory bar is 256 bytes per account
// and the hot path is two lookups per transfer. A node-based map costs ~64
// bytes and a cache miss per entry; this one costs 20 bytes per slot in two
// flat arrays (keys, values), and linear probing keeps a lookup in one or two
// cache lines (and huge pages keep it out of the TLB's way). The hash is fixed
// (no per-process seed), but nothing iterates the map: state hashes and
// snapshots walk the ledger's vectors instead.
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
    size_t i = Slot(key);
    while (true) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == 0) return kNotFound;
      i = (i + 1) & mask_;
    }
  }

  // The key must be absent.
  void Insert(u128 key, uint32_t value) {
    MERIDIAN_CHECK(key != 0);
    // Grow at 70 % load to keep probe chains short.
    if ((size_ + 1) * 10 > keys_.size() * 7) Rehash(keys_.size() * 2);
    size_t i = Slot(key);
    while (keys_[i] != 0) {
      MERIDIAN_DCHECK(keys_[i] != key);
      i = (i + 1) & mask_;
    }
    keys_[i] = key;
    values_[i] = value;
    ++size_;
  }

  // Removes the key if present. Backward-shift deletion keeps every probe
  // chain intact without tombstones.
  void Erase(u128 key) {
    size_t i = Slot(key);
    while (keys_[i] != key) {
      if (keys_[i] == 0) return;
      i = (i + 1) & mask_;
    }
    size_t hole = i;
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (keys_[j] == 0) break;
      size_t home = Slot(keys_[j]);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      bool home_in_range =
          hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_in_range) {
        keys_[hole] = keys_[j];
        values_[hole] = values_[j];
        hole = j;
      }
    }
    keys_[hole] = 0;
    --size_;
  }

  // Starts loading the key's slot into cache: the engine calls this a few
  // events ahead so the lookup itself does not wait on memory.
  void Prefetch(u128 key) const {
    size_t i = Slot(key);
    __builtin_prefetch(&keys_[i]);
    __builtin_prefetch(&values_[i]);
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const {
    return keys_.memory_bytes() + values_.memory_bytes();
  }
  void Reserve(size_t count) {
    size_t want = 16;
    while (want * 7 < count * 10) want *= 2;
    if (want > keys_.size()) Rehash(want);
  }

 private:
  size_t Slot(u128 key) const {
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
    HugeArray<u128> old_keys = std::move(keys_);
    HugeArray<uint32_t> old_values = std::move(values_);
    keys_ = HugeArray<u128>(capacity);
    values_ = HugeArray<uint32_t>(capacity);
    mask_ = capacity - 1;
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == 0) continue;
      size_t s = Slot(old_keys[i]);
      while (keys_[s] != 0) s = (s + 1) & mask_;
      keys_[s] = old_keys[i];
      values_[s] = old_values[i];
      ++size_;
    }
  }

  HugeArray<u128> keys_;
  HugeArray<uint32_t> values_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace meridian::ledger::internal

#endif  // MERIDIAN_LEDGER_INTERNAL_ID_MAP_H_
