// HugeArray: a fixed-size, zero-initialised array in its own anonymous
// mapping, backed by transparent huge pages where the kernel allows.
//
// The ledger's indexes and record chunks are hundreds of MiB touched at
// random. With 4 KiB pages nearly every lookup is a TLB miss as well as a
// cache miss (twice as expensive under virtualisation), and first touch
// faults in one page per 4 KiB. 2 MiB pages cut both by 512. Anonymous
// mappings also come zeroed from the kernel, so no memset pass is needed;
// large arrays are populated when allocated (see below).
//
//   HugeArray<u128> keys(1 << 20);   // all zero
//   keys[7] = id;
#ifndef MERIDIAN_LEDGER_INTERNAL_HUGE_ARRAY_H_
#define MERIDIAN_LEDGER_INTERNAL_HUGE_ARRAY_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "core/assert.h"

namespace meridian::ledger::internal {

template <typename T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  HugeArray() = default;
  explicit HugeArray(size_t count) : size_(count) {
    if (count == 0) return;
    constexpr size_t kHugePage = size_t{2} << 20;
    bytes_ = count * sizeof(T);
    const bool huge = bytes_ >= kHugePage;
    // A huge page needs a 2 MiB-aligned start: map a little more, trim.
    size_t mapped = huge ? bytes_ + kHugePage : bytes_;
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    MERIDIAN_CHECK(p != MAP_FAILED)
        << "out of memory for " << bytes_ << " bytes";
    auto* start = static_cast<char*>(p);
    if (huge) {
      auto addr = reinterpret_cast<uintptr_t>(start);
      char* aligned = start + ((kHugePage - addr % kHugePage) % kHugePage);
      if (aligned > start) munmap(start, static_cast<size_t>(aligned - start));
      char* end = start + mapped;
      char* used_end = aligned + bytes_;
      if (end > used_end) munmap(used_end, static_cast<size_t>(end - used_end));
      start = aligned;
      // Advice only: without THP the mapping still works with small pages.
      madvise(start, bytes_, MADV_HUGEPAGE);
      // Fault it all in now: finding and zeroing huge pages (and compacting
      // memory for them) can stall for milliseconds, which belongs at
      // allocation (start-up, a reserve, a rehash), not on the first
      // transfers that happen to touch each page. Advice again: older
      // kernels refuse it and the pages fault in on first touch instead.
      madvise(start, bytes_, MADV_POPULATE_WRITE);
    }
    data_ = reinterpret_cast<T*>(start);
  }
  ~HugeArray() { Release(); }
  HugeArray(HugeArray&& other) noexcept { *this = std::move(other); }
  HugeArray& operator=(HugeArray&& other) noexcept {
    if (this != &other) {
      Release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
  }
  HugeArray(const HugeArray&) = delete;
  HugeArray& operator=(const HugeArray&) = delete;

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t memory_bytes() const { return bytes_; }

 private:
  void Release() {
    if (data_ != nullptr) munmap(data_, bytes_);
    data_ = nullptr;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
};

}  // namespace meridian::ledger::internal

#endif  // MERIDIAN_LEDGER_INTERNAL_HUGE_ARRAY_H_
