#include "store/internal/format.h"

#include "core/bytes.h"

namespace meridian::store::internal {
namespace {

template <typename T>
void Append(T v, std::string* out) {
  // bytes.h asserts the host is little-endian, which the values' layout is.
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

ByteReader Reader(std::string_view bytes) {
  return ByteReader(reinterpret_cast<const uint8_t*>(bytes.data()),
                    bytes.size());
}

}  // namespace

uint64_t DecodeU64BigEndian(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

u128 DecodeU128BigEndian(const char* p) {
  u128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void EncodeObject(const ObjectRecord& object, std::string* out) {
  out->clear();
  out->reserve(kObjectHeaderBytes + object.body.size());
  Append(object.kind, out);
  Append(object.owner, out);
  Append(object.id, out);
  Append(object.created_ns, out);
  Append(static_cast<uint32_t>(object.body.size()), out);
  out->append(object.body);
}

bool DecodeObject(std::string_view bytes, ObjectRecord* out) {
  ByteReader r = Reader(bytes);
  std::string_view body;
  if (!r.U16(&out->kind) || !r.U128(&out->owner) || !r.U128(&out->id) ||
      !r.I64(&out->created_ns) || !r.Bytes(&body, kMaxObjectBodyBytes) ||
      r.remaining() != 0) {
    return false;
  }
  out->body.assign(body);
  return true;
}

void EncodeRequestValue(uint16_t kind, u128 object_id, std::string* out) {
  out->clear();
  Append(kind, out);
  Append(object_id, out);
}

bool DecodeRequestValue(std::string_view bytes, uint16_t* kind,
                        u128* object_id) {
  ByteReader r = Reader(bytes);
  return r.U16(kind) && r.U128(object_id) && r.remaining() == 0;
}

void EncodeU32(uint32_t v, std::string* out) {
  out->clear();
  Append(v, out);
}

void EncodeU64(uint64_t v, std::string* out) {
  out->clear();
  Append(v, out);
}

bool DecodeU32(std::string_view bytes, uint32_t* out) {
  ByteReader r = Reader(bytes);
  return r.U32(out) && r.remaining() == 0;
}

bool DecodeU64(std::string_view bytes, uint64_t* out) {
  ByteReader r = Reader(bytes);
  return r.U64(out) && r.remaining() == 0;
}

void EncodeCounts(const Counts& counts, std::string* out) {
  out->clear();
  Append(counts.transfers, out);
  Append(counts.accounts, out);
  Append(counts.objects, out);
}

bool DecodeCounts(std::string_view bytes, Counts* out) {
  ByteReader r = Reader(bytes);
  return r.U64(&out->transfers) && r.U64(&out->accounts) &&
         r.U64(&out->objects) && r.remaining() == 0;
}

}  // namespace meridian::store::internal
