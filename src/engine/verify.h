// VerifyDataDir: the independent check behind `meridian verify DATA_DIR`.
//
// Replays the whole journal from its first record into a fresh state
// machine, checking every record's checksums, the hash chain and every Merkle
// root (journal::VerifyJournal), the ledger's invariants, and that the state
// at the newest snapshot's batch hashes to what the snapshot recorded. It
// never writes: it is safe on a copy, a backup, or (read-only) a live
// directory's files.
//
//   Result<VerifyReport> report = VerifyDataDir("/var/lib/meridian");
//   if (!report.ok()) { print(report.error().message); exit(1); }
//
// The first thing that does not fit is the error (DATA_CORRUPTED, naming the
// segment and offset, the batch, or the snapshot).
#ifndef MERIDIAN_ENGINE_VERIFY_H_
#define MERIDIAN_ENGINE_VERIFY_H_

#include <cstdint>
#include <string>

#include "core/hash.h"
#include "core/status.h"

namespace meridian::engine {

struct VerifyReport {
  uint64_t batches = 0;
  uint64_t commands = 0;
  uint64_t events = 0;
  uint64_t accounts = 0;
  uint64_t transfers = 0;
  Sha256Digest head_hash{};   // BatchHash of the last batch
  Sha256Digest state_hash{};  // of the fully replayed state
  uint64_t snapshot_seq = 0;  // 0: no snapshot to compare
  double seconds = 0;         // statistics only
};

Result<VerifyReport> VerifyDataDir(const std::string& data_dir);

}  // namespace meridian::engine

#endif  // MERIDIAN_ENGINE_VERIFY_H_
