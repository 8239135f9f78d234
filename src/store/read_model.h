// ReadModel: the RocksDB read model that holds history and search once they
// leave the engine's memory: accounts and transfers as created, every
// account's transfers by time, principal-scoped API objects, and client
// request ids. Records are kept as the engine created them: live balances,
// the closed flag and a pending transfer's later state belong to the engine
// (a post or void is a transfer of its own here).
//
// The Indexer (store/indexer.h) fills it, as its BatchSink, from the
// engine's per-batch output (IndexBatch). It is derived data: it can be deleted
// (Destroy) and rebuilt by replaying the journal, so writes are not fsynced. It
// is still always consistent: each Write is one atomic RocksDB WriteBatch that
// also advances the watermark, so after any crash the store holds exactly the
// batches up to its watermark, and re-delivering batches from there is harmless
// (batches at or below the watermark are skipped).
//
//   MERIDIAN_ASSIGN_OR_RETURN(std::unique_ptr<ReadModel> model,
//                             ReadModel::Open({.path = data_dir + "/store"}));
//   // replay the journal from model->watermark() + 1 into the indexer ...
//   MERIDIAN_ASSIGN_OR_RETURN(
//       Page<ledger::Transfer> page,
//       model->TransfersByAccount({.account_id = a, .limit = 50}));
//   // next page: .starting_after = page.data.back().id
//
// Paging: results come in the query's order (newest first unless asked
// otherwise); `starting_after` continues right after that item in that
// order; has_more is exact (one row more than the page is read). An
// unknown starting_after is INVALID_PARAMETER with param "startingAfter".
// No query scans: each is a point lookup or one range scan bounded by
// RocksDB iterate bounds to the rows it returns (+1).
//
// The on-disk key layout is documented in store/internal/format.h.
//
// Errors: RocksDB failures become IO_ERROR, or DATA_CORRUPTED when RocksDB
// reports corruption or a stored value does not decode; messages name the
// database path.
//
// Threads: every query and watermark()/stats() may be called from any
// number of threads, also while a Write runs (a query sees a write entirely
// or not at all). Writes are serialized internally; there is meant to be one
// writer (the indexer).
#ifndef MERIDIAN_STORE_READ_MODEL_H_
#define MERIDIAN_STORE_READ_MODEL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/int128.h"
#include "core/status.h"
#include "ledger/types.h"
#include "store/index_batch.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace meridian::store {

inline constexpr uint32_t kMaxPageLimit = 100;

struct ReadModelOptions {
  std::string path{};
  uint64_t block_cache_bytes = 64 << 20;
  // RocksDB memtable size: how much is indexed before a flush to disk.
  uint64_t write_buffer_bytes = 64 << 20;
};

template <typename T>
struct Page {
  std::vector<T> data{};
  bool has_more = false;  // exact: another page follows
};

// One account's transfers, debit and credit side, by timestamp.
struct TransferQuery {
  u128 account_id = 0;
  uint64_t from_timestamp = 0;           // inclusive
  uint64_t to_timestamp = UINT64_MAX;    // inclusive
  std::optional<u128> starting_after{};  // a transfer id: continue after it
  uint32_t limit = 20;                   // 1..kMaxPageLimit
  bool newest_first = true;
};

class ReadModel : public BatchSink {
 public:
  struct Stats {
    uint64_t watermark = 0;
    uint64_t transfers = 0;
    uint64_t accounts = 0;
    uint64_t objects = 0;  // distinct (kind, id)
  };

  // Creates the database when `path` holds none. Refuses (DATA_CORRUPTED)
  // a database of another format version or one that is not a read model.
  static Result<std::unique_ptr<ReadModel>> Open(ReadModelOptions options);
  // Deletes the database at `path` (which must not be open). OK when there
  // is none.
  static Status Destroy(const std::string& path);

  ReadModel(const ReadModel&) = delete;
  ReadModel& operator=(const ReadModel&) = delete;
  ~ReadModel() override;

  // The last batch_seq written; 0 when empty.
  uint64_t watermark() const override {
    return watermark_.load(std::memory_order_acquire);
  }
  Stats stats() const;

  // Writes `batches` (in strictly increasing batch_seq) as one atomic
  // WriteBatch. Batches at or below the watermark are skipped, so a batch
  // re-delivered after a restart is harmless. INVALID_PARAMETER (and
  // nothing written) when the batches are out of order or a record is past
  // the limits of store/index_batch.h.
  Status Write(std::span<const IndexBatch> batches) override;

  Result<std::optional<ledger::Transfer>> GetTransfer(u128 id) const;
  Result<std::optional<ledger::Account>> GetAccount(u128 id) const;
  Result<Page<ledger::Transfer>> TransfersByAccount(
      const TransferQuery& query) const;
  // Newest (latest created) first.
  Result<Page<ledger::Account>> ListAccounts(std::optional<u128> starting_after,
                                             uint32_t limit) const;
  Result<std::optional<ObjectRecord>> GetObject(uint16_t kind, u128 id) const;
  // The owner's objects of one kind, newest (largest id) first.
  Result<Page<ObjectRecord>> ListObjects(uint16_t kind, u128 owner,
                                         std::optional<u128> starting_after,
                                         uint32_t limit) const;
  Result<std::optional<RequestRecord>> FindRequest(
      u128 principal, std::string_view request_key) const;

 private:
  ReadModel(std::string path, std::unique_ptr<rocksdb::DB> db);

  Status LoadMeta();

  const std::string path_;
  const std::unique_ptr<rocksdb::DB> db_;

  // Serializes writers: the watermark check and the write must not
  // interleave with another writer's.
  std::mutex write_mu_;
  std::atomic<uint64_t> watermark_{0};  // written under write_mu_
  mutable std::mutex stats_mu_;
  Stats stats_;  // GUARDED_BY(stats_mu_)
};

}  // namespace meridian::store

#endif  // MERIDIAN_STORE_READ_MODEL_H_
