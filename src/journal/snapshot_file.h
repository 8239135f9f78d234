// Snapshot files: the engine's state as of a journal batch, written durably,
// with a CRC over every byte; plus the durable-file-write primitive they use.
//
//   SnapshotMeta meta{.seq = journal->next_seq() - 1, ...};
//   MERIDIAN_RETURN_IF_ERROR(WriteSnapshot(data_dir + "/snapshots", meta,
//                                          engine_state_bytes));
//   // On start:
//   MERIDIAN_ASSIGN_OR_RETURN(std::optional<Snapshot> snapshot,
//                             LoadNewestSnapshot(data_dir + "/snapshots"));
//   ReplayStart start = snapshot ? ReplayStartAfter(snapshot->meta)
//                                : ReplayStart{};
//
// File DIR/snapshot-<seq as 20 digits>.bin; the body is opaque here (the
// engine's encoding). All integers little-endian.
//
//   offset  size  field
//        0     8  magic "MRDNSNAP" (4d 52 44 4e 53 4e 41 50)
//        8     4  format version, 1
//       12     4  header size in bytes, 160
//       16     8  seq: the last batch whose effects are in the state (0: none)
//       24     8  next_command_index
//       32     4  next_position.segment
//       36     4  reserved, zero
//       40     8  next_position.offset
//       48     8  time_ns of batch `seq` (signed)
//       56     8  body_bytes
//       64    32  last_batch_hash: BatchHash of batch `seq`
//       96    32  state_hash: the engine's hash of its state
//      128    28  reserved, zero
//      156     4  header CRC32C of bytes [0, 156)
//      160        body, body_bytes bytes
//      160 + body_bytes
//              4  CRC32C of every byte before it (header and body)
//
// The header has its own CRC so that ListSnapshots can trust a header
// without reading the body. Limit: body_bytes <= kMaxSnapshotBodyBytes.
#ifndef MERIDIAN_JOURNAL_SNAPSHOT_FILE_H_
#define MERIDIAN_JOURNAL_SNAPSHOT_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "core/status.h"
#include "journal/journal.h"

namespace meridian::journal {

inline constexpr uint64_t kMaxSnapshotBodyBytes = 16ull << 30;  // 16 GiB
inline constexpr size_t kSnapshotsKept = 2;

// Writes `bytes` to path + ".tmp", fsyncs it, renames it to `path` and fsyncs
// the directory: after a crash `path` holds the old content or all of the new
// one. IO_ERROR naming the file and the failing call; the .tmp is removed on
// failure. A new file gets `mode` (0600 for secrets).
Status WriteFileDurably(const std::string& path, std::span<const uint8_t> bytes,
                        mode_t mode = 0644);

struct SnapshotMeta {
  uint64_t seq = 0;                 // last batch applied to the state
  uint64_t next_command_index = 0;  // global index of the next command
  Position next_position;           // Journal::end_position() after `seq`
  Sha256Digest last_batch_hash{};   // BatchHash of batch `seq`; zero if 0
  Sha256Digest state_hash{};        // the engine's hash of the state
  int64_t time_ns = 0;              // sequencer time of batch `seq`

  friend bool operator==(const SnapshotMeta&, const SnapshotMeta&) = default;
};

struct Snapshot {
  SnapshotMeta meta;
  std::vector<uint8_t> body;
};

// "snapshot-00000000000000001000.bin" for seq 1000.
std::string SnapshotFileName(uint64_t seq);
// The seq a snapshot file name stands for; nullopt for any other name.
std::optional<uint64_t> ParseSnapshotFileName(std::string_view name);

// Writes DIR/snapshot-<seq>.bin durably (creating DIR if needed), then
// deletes all but the kSnapshotsKept newest (highest seq) snapshots and any
// leftover snapshot .tmp files. CHECKs body.size() <= kMaxSnapshotBodyBytes.
Status WriteSnapshot(const std::string& dir, const SnapshotMeta& meta,
                     std::span<const uint8_t> body);

// The newest snapshot whose CRCs check out, or nullopt when there is none
// (or DIR does not exist). A snapshot that fails its checks is skipped with
// a warning on stderr and the next older one is tried. IO_ERROR when a file
// cannot be read at all.
Result<std::optional<Snapshot>> LoadNewestSnapshot(const std::string& dir);

// The metadata of every snapshot in DIR, oldest first, from the headers
// only (header CRC checked, body CRC not: use LoadNewestSnapshot for that);
// files with bad headers are skipped with a warning. Empty when DIR does
// not exist.
Result<std::vector<SnapshotMeta>> ListSnapshots(const std::string& dir);

// Where journal replay continues after a snapshot.
ReplayStart ReplayStartAfter(const SnapshotMeta& meta);

}  // namespace meridian::journal

#endif  // MERIDIAN_JOURNAL_SNAPSHOT_FILE_H_
