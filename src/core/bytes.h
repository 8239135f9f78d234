// Little-endian byte writers and readers for the binary formats (journal
// records, commands, snapshots). Fixed-width, no varints: the formats favour
// simple, checkable layouts over a few saved bytes.
//
//   ByteWriter w(&buffer);
//   w.U64(seq); w.U128(id); w.Bytes(payload);
//
//   ByteReader r(buffer);
//   uint64_t seq; u128 id;
//   if (!r.U64(&seq) || !r.U128(&id)) return Corrupt(...);
//
// A reader never reads past its end: every getter returns false instead and
// the reader stays failed.
#ifndef MERIDIAN_CORE_BYTES_H_
#define MERIDIAN_CORE_BYTES_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/int128.h"

namespace meridian {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the binary formats are little-endian; add byte swaps to port");

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>* out) : out_(out) {}

  void U8(uint8_t v) { out_->push_back(v); }
  void U16(uint16_t v) { Raw(&v, sizeof v); }
  void U32(uint32_t v) { Raw(&v, sizeof v); }
  void U64(uint64_t v) { Raw(&v, sizeof v); }
  void I64(int64_t v) { Raw(&v, sizeof v); }
  void U128(u128 v) { Raw(&v, sizeof v); }
  void Raw(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    out_->insert(out_->end(), p, p + size);
  }
  // u32 length, then the bytes.
  void Bytes(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    Raw(s.data(), s.size());
  }
  size_t size() const { return out_->size(); }
  // Overwrites 4 bytes already written at `offset` (for length prefixes).
  void PatchU32(size_t offset, uint32_t v) {
    std::memcpy(out_->data() + offset, &v, sizeof v);
  }

 private:
  std::vector<uint8_t>* out_;
};

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  explicit ByteReader(std::span<const uint8_t> s)
      : ByteReader(s.data(), s.size()) {}

  bool U8(uint8_t* v) { return Raw(v, sizeof *v); }
  bool U16(uint16_t* v) { return Raw(v, sizeof *v); }
  bool U32(uint32_t* v) { return Raw(v, sizeof *v); }
  bool U64(uint64_t* v) { return Raw(v, sizeof *v); }
  bool I64(int64_t* v) { return Raw(v, sizeof *v); }
  bool U128(u128* v) { return Raw(v, sizeof *v); }
  bool Raw(void* out, size_t size) {
    if (failed_ || static_cast<size_t>(end_ - p_) < size) {
      failed_ = true;
      return false;
    }
    std::memcpy(out, p_, size);
    p_ += size;
    return true;
  }
  // A view into the reader's buffer, valid as long as the buffer is.
  bool Bytes(std::string_view* s, uint32_t max_size = UINT32_MAX) {
    uint32_t n = 0;
    if (!U32(&n) || n > max_size || static_cast<size_t>(end_ - p_) < n) {
      failed_ = true;
      return false;
    }
    *s = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  bool Skip(size_t size) {
    if (failed_ || static_cast<size_t>(end_ - p_) < size) {
      failed_ = true;
      return false;
    }
    p_ += size;
    return true;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const uint8_t* position() const { return p_; }
  bool failed() const { return failed_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
};

}  // namespace meridian

#endif  // MERIDIAN_CORE_BYTES_H_
