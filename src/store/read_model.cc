#include "store/read_model.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <map>
#include <utility>

#include "store/internal/format.h"

namespace meridian::store {
namespace {

using internal::Key;

rocksdb::Slice ToSlice(const Key& key) { return {key.data(), key.size()}; }
rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
std::string_view ToView(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

Error FromRocks(const rocksdb::Status& s, const std::string& path,
                std::string_view operation) {
  ErrorCode code =
      s.IsCorruption() ? ErrorCode::kDATA_CORRUPTED : ErrorCode::kIO_ERROR;
  return MakeError(code, "",
                   "read model " + path + ": " + std::string(operation) +
                       " failed: " + s.ToString());
}

// A value that does not decode: the database is damaged or was written by
// something else; it is derived data, so the remedy is a rebuild.
Error Corrupt(const std::string& path, std::string_view what) {
  return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                   "read model " + path + ": " + std::string(what) +
                       "; delete it (ReadModel::Destroy) and rebuild it from "
                       "the journal");
}

// A point lookup of one record: nullopt when absent, DATA_CORRUPTED when
// its value does not decode (`decode(bytes, &record)` says whether it did).
template <typename T, typename Decode>
Result<std::optional<T>> Lookup(rocksdb::DB* db, const std::string& path,
                                const Key& key, std::string_view what,
                                Decode decode) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), db->DefaultColumnFamily(),
                              ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<T>();
  if (!s.ok()) return FromRocks(s, path, std::string(what) + " lookup");
  T record;
  if (!decode(ToView(value), &record)) {
    return Corrupt(path, "undecodable " + std::string(what));
  }
  return std::optional<T>(std::move(record));
}

Status CheckLimit(uint32_t limit) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, "limit",
        "limit must be between 1 and " + std::to_string(kMaxPageLimit));
  }
  return Status::Ok();
}

Error UnknownStartingAfter(std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, "startingAfter",
                   "startingAfter must name " + std::string(what) +
                       " returned by this query; start again without it");
}

Status CheckBatches(std::span<const IndexBatch> batches) {
  for (size_t i = 0; i < batches.size(); ++i) {
    const IndexBatch& b = batches[i];
    if (b.batch_seq == 0 ||
        (i > 0 && b.batch_seq <= batches[i - 1].batch_seq)) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "batches",
                       "batch_seq must be positive and strictly increasing; "
                       "got " +
                           std::to_string(b.batch_seq) + " at position " +
                           std::to_string(i));
    }
    for (const ObjectRecord& o : b.objects) {
      if (o.body.size() > kMaxObjectBodyBytes) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, "objects.body",
                         "object body of " + std::to_string(o.body.size()) +
                             " bytes in batch " + std::to_string(b.batch_seq) +
                             " is over the limit of " +
                             std::to_string(kMaxObjectBodyBytes));
      }
    }
    for (const RequestRecord& r : b.requests) {
      if (r.request_key.size() > kMaxRequestKeyBytes) {
        return MakeError(
            ErrorCode::kINVALID_PARAMETER, "requests.request_key",
            "request key of " + std::to_string(r.request_key.size()) +
                " bytes in batch " + std::to_string(b.batch_seq) +
                " is over the limit of " + std::to_string(kMaxRequestKeyBytes));
      }
    }
  }
  return Status::Ok();
}

// Reads rows of one bounded range in the query's order into a page: at most
// `limit`, plus one more to know whether there are more.
template <typename T, typename Decode>
Result<Page<T>> ReadPage(rocksdb::DB* db, rocksdb::ReadOptions options,
                         const Key& lower, const Key& upper, bool backward,
                         uint32_t limit, const std::string& path,
                         Decode decode) {
  rocksdb::Slice lower_slice = ToSlice(lower);
  rocksdb::Slice upper_slice = ToSlice(upper);
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
  Page<T> page;
  page.data.reserve(limit);
  backward ? it->SeekToLast() : it->SeekToFirst();
  for (; it->Valid(); backward ? it->Prev() : it->Next()) {
    if (page.data.size() == limit) {
      page.has_more = true;
      break;
    }
    T value;
    if (!decode(ToView(it->key()), ToView(it->value()), &value)) {
      return Corrupt(path, "undecodable value under a key of prefix '" +
                               std::string(1, it->key()[0]) + "'");
    }
    page.data.push_back(std::move(value));
  }
  if (!it->status().ok()) return FromRocks(it->status(), path, "scan");
  return page;
}

// Memtable insert hints. Most of a write's keys land right next to the
// previous key with the same prefix: an account's history grows at its end
// (timestamps increase), and time-ordered ids make transfers, accounts and
// an owner's objects grow at one end of their ranges. A hint per prefix lets
// the skiplist insert start from the last insert position instead of
// searching from the top.
class InsertHintPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "meridian.InsertHintPrefix.1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), PrefixSize(key));
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return PrefixSize(key) > 0;
  }

 private:
  static size_t PrefixSize(const rocksdb::Slice& key) {
    if (key.empty()) return 0;
    switch (key[0]) {
      case internal::kAccountTransferPrefix:  // the account
        return key.size() == internal::kAccountTransferKeyBytes ? 17 : 0;
      case internal::kOwnerObjectPrefix:  // kind and owner
        return key.size() == internal::kOwnerObjectKeyBytes ? 19 : 0;
      case internal::kTransferPrefix:
      case internal::kAccountPrefix:
      case internal::kAccountByTimePrefix:
        return 1;
      default:
        return 0;
    }
  }
};

}  // namespace

size_t ApproximateBytes(const IndexBatch& batch) {
  size_t bytes = sizeof batch +
                 batch.accounts.size() * sizeof(ledger::Account) +
                 batch.transfers.size() * sizeof(ledger::Transfer);
  for (const ObjectRecord& o : batch.objects) bytes += sizeof o + o.body.size();
  for (const RequestRecord& r : batch.requests) {
    bytes += sizeof r + r.request_key.size();
  }
  return bytes;
}

ReadModel::ReadModel(std::string path, std::unique_ptr<rocksdb::DB> db)
    : path_(std::move(path)), db_(std::move(db)) {}

ReadModel::~ReadModel() = default;

Result<std::unique_ptr<ReadModel>> ReadModel::Open(ReadModelOptions options) {
  if (options.path.empty()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "path",
                     "the read model needs a directory");
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  // Unsynced WAL: a process crash loses nothing, a machine crash may lose
  // the last writes, and recovery stops at the first damaged record so
  // what remains is a prefix of whole WriteBatches (watermark included).
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.write_buffer_size = options.write_buffer_bytes;
  db_options.max_background_jobs = 2;
  db_options.max_open_files = 1024;
  db_options.keep_log_file_num = 4;
  db_options.max_log_file_size = 16 << 20;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Point lookups (GetTransfer, the object owner check on write) mostly
  // miss in all but one level; a bloom filter answers those misses.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Halves the CPU of a write of 1,000 transfers (store_benchmark).
  db_options.memtable_insert_with_hint_prefix_extractor =
      std::make_shared<InsertHintPrefix>();

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, &raw);
  if (!s.ok()) return FromRocks(s, options.path, "open");
  std::unique_ptr<ReadModel> model(
      new ReadModel(options.path, std::unique_ptr<rocksdb::DB>(raw)));
  MERIDIAN_RETURN_IF_ERROR(model->LoadMeta());
  return model;
}

Status ReadModel::LoadMeta() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(),
                               ToSlice(internal::kFormatVersionKey), &value);
  if (s.IsNotFound()) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    if (!it->status().ok()) return FromRocks(it->status(), path_, "scan");
    if (it->Valid()) {
      return Corrupt(path_,
                     "the database holds data but no format version: it is "
                     "not a Meridian read model");
    }
    rocksdb::WriteBatch batch;
    internal::EncodeU32(internal::kFormatVersion, &value);
    batch.Put(ToSlice(internal::kFormatVersionKey), value);
    internal::EncodeU64(0, &value);
    batch.Put(ToSlice(internal::kWatermarkKey), value);
    internal::EncodeCounts({}, &value);
    batch.Put(ToSlice(internal::kCountsKey), value);
    s = db_->Write(rocksdb::WriteOptions(), &batch);
    if (!s.ok()) return FromRocks(s, path_, "initial write");
    return Status::Ok();
  }
  if (!s.ok()) return FromRocks(s, path_, "read of the format version");
  uint32_t version = 0;
  if (!internal::DecodeU32(value, &version)) {
    return Corrupt(path_, "undecodable format version");
  }
  if (version != internal::kFormatVersion) {
    return MakeError(
        ErrorCode::kDATA_CORRUPTED, "",
        "read model " + path_ + " has format version " +
            std::to_string(version) + " but this build reads version " +
            std::to_string(internal::kFormatVersion) +
            "; delete it (ReadModel::Destroy) and rebuild it from the "
            "journal");
  }
  uint64_t watermark = 0;
  s = db_->Get(rocksdb::ReadOptions(), ToSlice(internal::kWatermarkKey),
               &value);
  if (!s.ok()) return FromRocks(s, path_, "read of the watermark");
  if (!internal::DecodeU64(value, &watermark)) {
    return Corrupt(path_, "undecodable watermark");
  }
  internal::Counts counts;
  s = db_->Get(rocksdb::ReadOptions(), ToSlice(internal::kCountsKey), &value);
  if (!s.ok()) return FromRocks(s, path_, "read of the counts");
  if (!internal::DecodeCounts(value, &counts)) {
    return Corrupt(path_, "undecodable counts");
  }
  watermark_.store(watermark, std::memory_order_release);
  std::lock_guard lock(stats_mu_);
  stats_ = {.watermark = watermark,
            .transfers = counts.transfers,
            .accounts = counts.accounts,
            .objects = counts.objects};
  return Status::Ok();
}

Status ReadModel::Destroy(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Ok();
  rocksdb::Status s = rocksdb::DestroyDB(path, rocksdb::Options());
  if (!s.ok()) return FromRocks(s, path, "destroy");
  return Status::Ok();
}

ReadModel::Stats ReadModel::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

Status ReadModel::Write(std::span<const IndexBatch> batches) {
  MERIDIAN_RETURN_IF_ERROR(CheckBatches(batches));
  std::lock_guard write_lock(write_mu_);
  const uint64_t old_watermark = watermark_.load(std::memory_order_relaxed);
  uint64_t watermark = old_watermark;
  internal::Counts counts;
  {
    std::lock_guard lock(stats_mu_);
    counts = {stats_.transfers, stats_.accounts, stats_.objects};
  }
  // Sized up front: growing a WriteBatch of half a megabyte by doubling
  // showed up as a tenth of a write's CPU.
  size_t reserve = 64;
  for (const IndexBatch& b : batches) {
    reserve += b.accounts.size() * 2 * (internal::kRecordBytes + 32) +
               b.transfers.size() * 3 * (internal::kRecordBytes + 40);
  }
  rocksdb::WriteBatch batch(reserve);
  std::string value;
  // Owners of the objects put earlier in this WriteBatch, which a Get on
  // the database cannot see yet.
  std::map<std::pair<uint16_t, u128>, u128> owners;
  for (const IndexBatch& b : batches) {
    if (b.batch_seq <= watermark) continue;  // re-delivered
    watermark = b.batch_seq;
    for (const ledger::Account& a : b.accounts) {
      std::string_view bytes = internal::RecordBytes(a);
      batch.Put(ToSlice(internal::AccountKey(a.id)), ToSlice(bytes));
      batch.Put(ToSlice(internal::AccountByTimeKey(a.timestamp)),
                ToSlice(bytes));
      ++counts.accounts;
    }
    for (const ledger::Transfer& t : b.transfers) {
      std::string_view bytes = internal::RecordBytes(t);
      batch.Put(ToSlice(internal::TransferKey(t.id)), ToSlice(bytes));
      batch.Put(ToSlice(internal::AccountTransferKey(t.debit_account_id,
                                                     t.timestamp)),
                ToSlice(bytes));
      batch.Put(ToSlice(internal::AccountTransferKey(t.credit_account_id,
                                                     t.timestamp)),
                ToSlice(bytes));
      ++counts.transfers;
    }
    for (const ObjectRecord& o : b.objects) {
      // A replacement may (in principle) move an object to another owner;
      // its old owner's index entry must go, so look the old record up.
      std::optional<u128> old_owner;
      if (auto found = owners.find({o.kind, o.id}); found != owners.end()) {
        old_owner = found->second;
      } else {
        rocksdb::PinnableSlice old;
        rocksdb::Status s =
            db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                     ToSlice(internal::ObjectKey(o.kind, o.id)), &old);
        if (s.ok()) {
          ObjectRecord old_record;
          if (!internal::DecodeObject(ToView(old), &old_record)) {
            return Corrupt(path_, "undecodable object");
          }
          old_owner = old_record.owner;
        } else if (!s.IsNotFound()) {
          return FromRocks(s, path_, "object lookup");
        }
      }
      if (!old_owner.has_value()) {
        ++counts.objects;
      } else if (*old_owner != o.owner) {
        batch.Delete(
            ToSlice(internal::OwnerObjectKey(o.kind, *old_owner, o.id)));
      }
      owners[{o.kind, o.id}] = o.owner;
      internal::EncodeObject(o, &value);
      batch.Put(ToSlice(internal::ObjectKey(o.kind, o.id)), value);
      batch.Put(ToSlice(internal::OwnerObjectKey(o.kind, o.owner, o.id)),
                value);
    }
    for (const RequestRecord& r : b.requests) {
      internal::EncodeRequestValue(r.kind, r.object_id, &value);
      batch.Put(ToSlice(internal::RequestKey(r.principal, r.request_key)),
                value);
    }
  }
  if (watermark == old_watermark) return Status::Ok();  // all re-delivered
  internal::EncodeU64(watermark, &value);
  batch.Put(ToSlice(internal::kWatermarkKey), value);
  internal::EncodeCounts(counts, &value);
  batch.Put(ToSlice(internal::kCountsKey), value);
  rocksdb::WriteOptions options;
  options.sync = false;  // derived data: rebuilt from the journal if lost
  rocksdb::Status s = db_->Write(options, &batch);
  if (!s.ok()) return FromRocks(s, path_, "write");
  watermark_.store(watermark, std::memory_order_release);
  std::lock_guard lock(stats_mu_);
  stats_ = {.watermark = watermark,
            .transfers = counts.transfers,
            .accounts = counts.accounts,
            .objects = counts.objects};
  return Status::Ok();
}

Result<std::optional<ledger::Transfer>> ReadModel::GetTransfer(u128 id) const {
  return Lookup<ledger::Transfer>(db_.get(), path_, internal::TransferKey(id),
                                  "transfer",
                                  [](std::string_view v, ledger::Transfer* t) {
                                    return internal::DecodeRecord(v, t);
                                  });
}

Result<std::optional<ledger::Account>> ReadModel::GetAccount(u128 id) const {
  return Lookup<ledger::Account>(db_.get(), path_, internal::AccountKey(id),
                                 "account",
                                 [](std::string_view v, ledger::Account* a) {
                                   return internal::DecodeRecord(v, a);
                                 });
}

Result<Page<ledger::Transfer>> ReadModel::TransfersByAccount(
    const TransferQuery& query) const {
  MERIDIAN_RETURN_IF_ERROR(CheckLimit(query.limit));
  if (query.from_timestamp > query.to_timestamp) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "fromTimestamp",
                     "fromTimestamp must not be after toTimestamp");
  }
  uint64_t from = query.from_timestamp;
  uint64_t to = query.to_timestamp;
  // The cursor lookup and the scan read one snapshot, so a write between
  // them cannot shift the page.
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  if (query.starting_after.has_value()) {
    rocksdb::PinnableSlice value;
    rocksdb::Status s =
        db_->Get(options, db_->DefaultColumnFamily(),
                 ToSlice(internal::TransferKey(*query.starting_after)), &value);
    if (s.IsNotFound()) return UnknownStartingAfter("a transfer");
    if (!s.ok()) return FromRocks(s, path_, "transfer lookup");
    ledger::Transfer cursor;
    if (!internal::DecodeRecord(ToView(value), &cursor)) {
      return Corrupt(path_, "undecodable transfer");
    }
    if (cursor.debit_account_id != query.account_id &&
        cursor.credit_account_id != query.account_id) {
      return UnknownStartingAfter("a transfer of this account");
    }
    if (query.newest_first) {
      if (cursor.timestamp == 0) return Page<ledger::Transfer>();
      to = std::min(to, cursor.timestamp - 1);
    } else {
      if (cursor.timestamp == UINT64_MAX) return Page<ledger::Transfer>();
      from = std::max(from, cursor.timestamp + 1);
    }
    if (from > to) return Page<ledger::Transfer>();
  }
  // [from, to] inclusive: the exclusive upper bound is the key of `to`
  // followed by one more byte, which sorts after it and before `to + 1`.
  Key lower = internal::AccountTransferKey(query.account_id, from);
  Key upper = internal::AccountTransferKey(query.account_id, to).Byte('\0');
  const u128 account_id = query.account_id;
  return ReadPage<ledger::Transfer>(
      db_.get(), options, lower, upper, /*backward=*/query.newest_first,
      query.limit, path_,
      [account_id](std::string_view key, std::string_view value,
                   ledger::Transfer* out) {
        return internal::DecodeRecord(value, out) &&
               key.size() == internal::kAccountTransferKeyBytes &&
               internal::AccountTransferKeyTimestamp(key) == out->timestamp &&
               (out->debit_account_id == account_id ||
                out->credit_account_id == account_id);
      });
}

Result<Page<ledger::Account>> ReadModel::ListAccounts(
    std::optional<u128> starting_after, uint32_t limit) const {
  MERIDIAN_RETURN_IF_ERROR(CheckLimit(limit));
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  Key lower(internal::kAccountByTimePrefix);
  Key upper(static_cast<char>(internal::kAccountByTimePrefix + 1));
  if (starting_after.has_value()) {
    rocksdb::PinnableSlice value;
    rocksdb::Status s =
        db_->Get(options, db_->DefaultColumnFamily(),
                 ToSlice(internal::AccountKey(*starting_after)), &value);
    if (s.IsNotFound()) return UnknownStartingAfter("an account");
    if (!s.ok()) return FromRocks(s, path_, "account lookup");
    ledger::Account cursor;
    if (!internal::DecodeRecord(ToView(value), &cursor)) {
      return Corrupt(path_, "undecodable account");
    }
    // Right after the cursor's own key: older accounts only.
    lower = internal::AccountByTimeKey(cursor.timestamp).Byte('\0');
  }
  return ReadPage<ledger::Account>(
      db_.get(), options, lower, upper, /*backward=*/false, limit, path_,
      [](std::string_view key, std::string_view value, ledger::Account* out) {
        return internal::DecodeRecord(value, out) &&
               key.size() == internal::kAccountByTimeKeyBytes &&
               internal::AccountByTimeKeyTimestamp(key) == out->timestamp;
      });
}

Result<std::optional<ObjectRecord>> ReadModel::GetObject(uint16_t kind,
                                                         u128 id) const {
  return Lookup<ObjectRecord>(
      db_.get(), path_, internal::ObjectKey(kind, id), "object",
      [&](std::string_view v, ObjectRecord* o) {
        return internal::DecodeObject(v, o) && o->kind == kind && o->id == id;
      });
}

Result<Page<ObjectRecord>> ReadModel::ListObjects(
    uint16_t kind, u128 owner, std::optional<u128> starting_after,
    uint32_t limit) const {
  MERIDIAN_RETURN_IF_ERROR(CheckLimit(limit));
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  // Ids are complemented in keys: the largest (newest) id comes first.
  Key lower = internal::OwnerObjectKey(kind, owner, kU128Max);
  Key upper = internal::OwnerObjectKey(kind, owner, 0).Byte('\0');
  if (starting_after.has_value()) {
    Key cursor = internal::OwnerObjectKey(kind, owner, *starting_after);
    rocksdb::PinnableSlice value;
    rocksdb::Status s =
        db_->Get(options, db_->DefaultColumnFamily(), ToSlice(cursor), &value);
    if (s.IsNotFound()) return UnknownStartingAfter("an object of this owner");
    if (!s.ok()) return FromRocks(s, path_, "object lookup");
    lower = cursor.Byte('\0');  // right after the cursor: older objects
  }
  return ReadPage<ObjectRecord>(
      db_.get(), options, lower, upper, /*backward=*/false, limit, path_,
      [kind, owner](std::string_view key, std::string_view value,
                    ObjectRecord* out) {
        return key.size() == internal::kOwnerObjectKeyBytes &&
               internal::DecodeObject(value, out) && out->kind == kind &&
               out->owner == owner &&
               internal::OwnerObjectKeyId(key) == out->id;
      });
}

Result<std::optional<RequestRecord>> ReadModel::FindRequest(
    u128 principal, std::string_view request_key) const {
  // Nothing longer was ever stored (Write refuses it).
  if (request_key.size() > kMaxRequestKeyBytes) {
    return std::optional<RequestRecord>();
  }
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
               ToSlice(internal::RequestKey(principal, request_key)), &value);
  if (s.IsNotFound()) return std::optional<RequestRecord>();
  if (!s.ok()) return FromRocks(s, path_, "request lookup");
  RequestRecord record{.principal = principal,
                       .request_key = std::string(request_key)};
  if (!internal::DecodeRequestValue(ToView(value), &record.kind,
                                    &record.object_id)) {
    return Corrupt(path_, "undecodable request record");
  }
  return std::optional<RequestRecord>(std::move(record));
}

}  // namespace meridian::store
