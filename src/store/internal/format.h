// The read model's on-disk format: every key and value the ReadModel writes
// to RocksDB. Bump kFormatVersion whenever anything below changes; Open
// refuses a database written with another version (the read model is
// rebuilt from the journal rather than migrated).
//
// One key space (the default column family); the first byte of a key says
// what it holds. Numbers in keys are big-endian, so RocksDB's bytewise order
// is numeric order and a range of ids or timestamps is a range of keys.
// Values use the little-endian layouts of core/bytes.h and ledger/types.h.
//
//   key                                    value
//   'M' "format"                           u32 kFormatVersion
//   'M' "watermark"                        u64 last batch_seq written
//   'M' "counts"                           u64 transfers, u64 accounts,
//                                          u64 objects (distinct kind+id)
//   'A' account_id:16                      Account, the 128-byte record
//   'a' ~timestamp:8                       Account, the same 128 bytes
//   'T' transfer_id:16                     Transfer, the 128-byte record
//   'x' account_id:16 timestamp:8          Transfer, the same 128 bytes: one
//                                          key for the debit account and one
//                                          for the credit account
//   'O' kind:2 object_id:16                object value (below)
//   'o' kind:2 owner:16 ~object_id:16      object value, the same bytes
//   'R' principal:16 request_key:0..128    u16 kind, u128 object_id
//
// ~v is the bitwise complement (UINT64_MAX - v, kU128Max - v), so that the
// account and object lists, which only run newest first, are forward scans:
// a backward step in RocksDB's memtable is a fresh skiplist search (no back
// links), and the newest entries are the ones in the memtable. An account's
// history is read both ways and keeps plain timestamps: with complemented
// ones, each new entry lands in front of the last one in its account, which
// defeats the memtable's insert hint when accounts are many and short (the
// write of 1,000 transfers took 1.8 times the CPU), while a newest-first
// page costs about twice as much with plain ones (store_benchmark). The
// indexer keeping up with the engine matters more.
//
//   object value: u16 kind, u128 owner, u128 id, i64 created_ns,
//                 u32 body length, body bytes
//
// Why the indexes hold whole records instead of ids: the records they index
// are written once and never change here (the read model keeps accounts and
// transfers as created; objects are rewritten under both keys on replace),
// so a copy costs only disk, and it turns a page of history into one bounded
// range scan instead of a scan plus a point lookup per row.
//
// Ledger timestamps are unique across accounts and transfers (the ledger
// stamps every event with its own strictly increasing value), so
// 'a' timestamp and 'x' account timestamp identify one record each.
#ifndef MERIDIAN_STORE_INTERNAL_FORMAT_H_
#define MERIDIAN_STORE_INTERNAL_FORMAT_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/int128.h"
#include "store/index_batch.h"

namespace meridian::store::internal {

inline constexpr uint32_t kFormatVersion = 1;

inline constexpr char kMetaPrefix = 'M';
inline constexpr char kAccountPrefix = 'A';
inline constexpr char kAccountByTimePrefix = 'a';
inline constexpr char kTransferPrefix = 'T';
inline constexpr char kAccountTransferPrefix = 'x';
inline constexpr char kObjectPrefix = 'O';
inline constexpr char kOwnerObjectPrefix = 'o';
inline constexpr char kRequestPrefix = 'R';

inline constexpr std::string_view kFormatVersionKey = "Mformat";
inline constexpr std::string_view kWatermarkKey = "Mwatermark";
inline constexpr std::string_view kCountsKey = "Mcounts";

inline constexpr size_t kRecordBytes = 128;
inline constexpr size_t kMaxKeyBytes = 1 + 16 + kMaxRequestKeyBytes;
inline constexpr size_t kAccountTransferKeyBytes = 1 + 16 + 8;
inline constexpr size_t kAccountByTimeKeyBytes = 1 + 8;
inline constexpr size_t kOwnerObjectKeyBytes = 1 + 2 + 16 + 16;
// Fixed part of an object value, before the body.
inline constexpr size_t kObjectHeaderBytes = 2 + 16 + 16 + 8 + 4;

// A key built in place: keys are short and built per record on the write
// path, so they live on the stack rather than in a std::string.
class Key {
 public:
  Key() = default;
  explicit Key(char prefix) { Byte(prefix); }

  Key& Byte(char b) {
    bytes_[size_++] = b;
    return *this;
  }
  Key& U16(uint16_t v) { return BigEndian(v, 2); }
  Key& U64(uint64_t v) { return BigEndian(v, 8); }
  Key& U128(u128 v) { return BigEndian(v, 16); }
  // The caller keeps the total within kMaxKeyBytes (request keys are checked
  // before they get here).
  Key& Bytes(std::string_view s) {
    std::memcpy(bytes_ + size_, s.data(), s.size());
    size_ += s.size();
    return *this;
  }

  std::string_view view() const { return {bytes_, size_}; }
  const char* data() const { return bytes_; }
  size_t size() const { return size_; }

 private:
  Key& BigEndian(u128 v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
      bytes_[size_ + i] = static_cast<char>(static_cast<uint8_t>(v));
      v >>= 8;
    }
    size_ += bytes;
    return *this;
  }

  char bytes_[kMaxKeyBytes];
  size_t size_ = 0;
};

inline Key AccountKey(u128 id) { return Key(kAccountPrefix).U128(id); }
inline Key AccountByTimeKey(uint64_t timestamp) {
  return Key(kAccountByTimePrefix).U64(~timestamp);
}
inline Key TransferKey(u128 id) { return Key(kTransferPrefix).U128(id); }
inline Key AccountTransferKey(u128 account_id, uint64_t timestamp) {
  return Key(kAccountTransferPrefix).U128(account_id).U64(timestamp);
}
inline Key ObjectKey(uint16_t kind, u128 id) {
  return Key(kObjectPrefix).U16(kind).U128(id);
}
inline Key OwnerObjectKey(uint16_t kind, u128 owner, u128 id) {
  return Key(kOwnerObjectPrefix).U16(kind).U128(owner).U128(~id);
}
inline Key RequestKey(u128 principal, std::string_view request_key) {
  return Key(kRequestPrefix).U128(principal).Bytes(request_key);
}

uint64_t DecodeU64BigEndian(const char* p);
u128 DecodeU128BigEndian(const char* p);
// The timestamp or id in a key of each index.
inline uint64_t AccountTransferKeyTimestamp(std::string_view key) {
  return DecodeU64BigEndian(key.data() + 17);
}
inline uint64_t AccountByTimeKeyTimestamp(std::string_view key) {
  return ~DecodeU64BigEndian(key.data() + 1);
}
inline u128 OwnerObjectKeyId(std::string_view key) {
  return ~DecodeU128BigEndian(key.data() + 19);
}

// The record's own bytes, which are its value on disk.
template <typename Record>
std::string_view RecordBytes(const Record& record) {
  static_assert(sizeof(Record) == kRecordBytes);
  return {reinterpret_cast<const char*>(&record), sizeof record};
}
// False unless `bytes` is exactly one record.
template <typename Record>
bool DecodeRecord(std::string_view bytes, Record* out) {
  static_assert(sizeof(Record) == kRecordBytes);
  if (bytes.size() != sizeof(Record)) return false;
  std::memcpy(static_cast<void*>(out), bytes.data(), sizeof(Record));
  return true;
}

void EncodeObject(const ObjectRecord& object, std::string* out);
// False on a malformed value (short, long, or a body past the limit).
bool DecodeObject(std::string_view bytes, ObjectRecord* out);

void EncodeRequestValue(uint16_t kind, u128 object_id, std::string* out);
bool DecodeRequestValue(std::string_view bytes, uint16_t* kind,
                        u128* object_id);

void EncodeU32(uint32_t v, std::string* out);
void EncodeU64(uint64_t v, std::string* out);
bool DecodeU32(std::string_view bytes, uint32_t* out);
bool DecodeU64(std::string_view bytes, uint64_t* out);

struct Counts {
  uint64_t transfers = 0;
  uint64_t accounts = 0;
  uint64_t objects = 0;
};
void EncodeCounts(const Counts& counts, std::string* out);
bool DecodeCounts(std::string_view bytes, Counts* out);

}  // namespace meridian::store::internal

#endif  // MERIDIAN_STORE_INTERNAL_FORMAT_H_
