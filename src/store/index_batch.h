// IndexBatch: what one engine batch leaves behind for the read model.
//
// The engine fills one IndexBatch per journal batch it applies (the records
// it created, exactly as it stored them) and hands it to the Indexer
// (store/indexer.h), which writes it into a BatchSink: the ReadModel
// (store/read_model.h).
// This header has no RocksDB in it so that the engine can build batches
// without depending on the store's implementation.
//
//   IndexBatch batch{.batch_seq = seq, .batch_time_ns = time_ns};
//   batch.transfers.push_back(stored_transfer);
//   batch.objects.push_back({.kind = uint16_t(IdKind::kEvent), .owner = p,
//                            .id = event_id, .created_ns = time_ns,
//                            .body = std::move(rendered)});
//   MERIDIAN_RETURN_IF_ERROR(indexer.Enqueue(std::move(batch)));
//
// Plain values: no thread-safety of their own.
#ifndef MERIDIAN_STORE_INDEX_BATCH_H_
#define MERIDIAN_STORE_INDEX_BATCH_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/int128.h"
#include "core/status.h"
#include "ledger/types.h"

namespace meridian::store {

// Limits on what a batch may carry. The engine produces the batches, so a
// record past these is a bug on its side; ReadModel::Write refuses the whole
// write with INVALID_PARAMETER rather than store a truncated record.
inline constexpr size_t kMaxRequestKeyBytes = 128;
inline constexpr size_t kMaxObjectBodyBytes = 1 << 20;  // 1 MiB

// A principal-scoped API object (webhook endpoint, event, later payments...).
// An object is created once and may be replaced later by a record with the
// same (kind, id): the newest write wins.
struct ObjectRecord {
  uint16_t kind = 0;  // core IdKind value, as a number
  u128 owner = 0;     // the principal it belongs to
  u128 id = 0;        // time-ordered: newest = largest
  int64_t created_ns = 0;
  std::string body{};  // opaque; the API layer renders it

  bool operator==(const ObjectRecord&) const = default;
};

// A client's request id, resolved: (principal, request_key) -> the object
// the first request with that key created.
struct RequestRecord {
  u128 principal = 0;
  std::string request_key{};  // at most kMaxRequestKeyBytes
  uint16_t kind = 0;
  u128 object_id = 0;

  bool operator==(const RequestRecord&) const = default;
};

struct IndexBatch {
  uint64_t batch_seq = 0;  // the journal batch: > 0, increasing
  int64_t batch_time_ns = 0;
  // Created in this batch, as stored (the creation record: later balance
  // changes and flag changes stay in the engine).
  std::vector<ledger::Account> accounts{};
  // Created in this batch, as stored: timestamp set, unique and increasing.
  std::vector<ledger::Transfer> transfers{};
  std::vector<ObjectRecord> objects{};  // created or replaced in this batch
  std::vector<RequestRecord> requests{};
};

// Roughly what a batch holds in memory, for the indexer's queue bound.
size_t ApproximateBytes(const IndexBatch& batch);

// Where the Indexer writes batches: the ReadModel, or a fake in tests.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // The last batch_seq written; 0 when none.
  virtual uint64_t watermark() const = 0;
  // All of `batches` (strictly increasing batch_seq) or none; batches at or
  // below the watermark are skipped.
  virtual Status Write(std::span<const IndexBatch> batches) = 0;
};

}  // namespace meridian::store

#endif  // MERIDIAN_STORE_INDEX_BATCH_H_
