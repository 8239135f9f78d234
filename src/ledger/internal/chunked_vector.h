// ChunkedVector: an append-mostly array in fixed-size chunks.
//
// The ledger's record stores grow to hundreds of MiB. A std::vector doubles
// by copying everything into fresh memory, which stalls the single engine
// thread for tens of milliseconds (and faults in every new page) just when
// the system is busiest. Chunks never move: growth costs one chunk
// allocation, and references stay valid.
//
//   ChunkedVector<Transfer> v;
//   v.push_back(t);
//   const Transfer& first = v[0];
#ifndef MERIDIAN_LEDGER_INTERNAL_CHUNKED_VECTOR_H_
#define MERIDIAN_LEDGER_INTERNAL_CHUNKED_VECTOR_H_

#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/assert.h"
#include "ledger/internal/huge_array.h"

namespace meridian::ledger::internal {

template <typename T, size_t kChunkShift = 14>
class ChunkedVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  static constexpr size_t kChunkSize = size_t{1} << kChunkShift;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](size_t i) {
    MERIDIAN_DCHECK(i < size_);
    return chunks_[i >> kChunkShift][i & (kChunkSize - 1)];
  }
  const T& operator[](size_t i) const {
    MERIDIAN_DCHECK(i < size_);
    return chunks_[i >> kChunkShift][i & (kChunkSize - 1)];
  }
  T& back() { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    if ((size_ >> kChunkShift) == chunks_.size()) {
      chunks_.emplace_back(kChunkSize);
    }
    chunks_[size_ >> kChunkShift][size_ & (kChunkSize - 1)] = value;
    ++size_;
  }
  void pop_back() {
    MERIDIAN_CHECK(size_ > 0);
    --size_;
  }
  // Grows (values uninitialised: the caller fills them) or shrinks.
  void resize_for_overwrite(size_t n) {
    while (chunks_.size() * kChunkSize < n) {
      chunks_.emplace_back(kChunkSize);
    }
    size_ = n;
  }
  void reserve(size_t n) {
    chunks_.reserve((n + kChunkSize - 1) >> kChunkShift);
  }
  size_t memory_bytes() const {
    return chunks_.size() * kChunkSize * sizeof(T);
  }

  // Calls fn(const T* data, size_t count) for each run of contiguous
  // elements, in order: how serialization copies whole chunks at once.
  template <typename Fn>
  void ForEachRun(Fn fn) const {
    for (size_t c = 0; c * kChunkSize < size_; ++c) {
      size_t n = std::min(kChunkSize, size_ - c * kChunkSize);
      fn(chunks_[c].data(), n);
    }
  }
  template <typename Fn>
  void ForEachMutableRun(Fn fn) {
    for (size_t c = 0; c * kChunkSize < size_; ++c) {
      size_t n = std::min(kChunkSize, size_ - c * kChunkSize);
      fn(chunks_[c].data(), n);
    }
  }

 private:
  // Each chunk its own (huge-page) mapping: growth never copies.
  std::vector<HugeArray<T>> chunks_;
  size_t size_ = 0;
};

}  // namespace meridian::ledger::internal

#endif  // MERIDIAN_LEDGER_INTERNAL_CHUNKED_VECTOR_H_
