#include "engine/verify.h"

#include <chrono>
#include <filesystem>
#include <optional>

#include "engine/state_machine.h"
#include "journal/journal.h"
#include "journal/snapshot_file.h"

namespace meridian::engine {

Result<VerifyReport> VerifyDataDir(const std::string& data_dir) {
  auto started = std::chrono::steady_clock::now();
  const std::string journal_dir = data_dir + "/journal";
  const std::string snapshot_dir = data_dir + "/snapshots";
  if (!std::filesystem::is_directory(journal_dir)) {
    return MakeError(ErrorCode::kNOT_FOUND, "data_dir",
                     journal_dir +
                         " does not exist: is this a Meridian data "
                         "directory?");
  }
  VerifyReport report;

  // The newest snapshot must be readable; an older one is only a fallback
  // for startup, so a damaged newest one is a finding here.
  std::optional<journal::Snapshot> snapshot;
  if (std::filesystem::is_directory(snapshot_dir)) {
    MERIDIAN_ASSIGN_OR_RETURN(std::vector<journal::SnapshotMeta> listed,
                              journal::ListSnapshots(snapshot_dir));
    MERIDIAN_ASSIGN_OR_RETURN(snapshot,
                              journal::LoadNewestSnapshot(snapshot_dir));
    // By file name too: a damaged header hides a file from the listing.
    std::optional<uint64_t> newest_named;
    for (const auto& entry :
         std::filesystem::directory_iterator(snapshot_dir)) {
      std::optional<uint64_t> seq = journal::ParseSnapshotFileName(
          entry.path().filename().string());
      if (seq && (!newest_named || *seq > *newest_named)) newest_named = seq;
    }
    std::optional<uint64_t> newest = newest_named;
    if (!listed.empty() && (!newest || listed.back().seq > *newest)) {
      newest = listed.back().seq;
    }
    if (newest && (!snapshot.has_value() || snapshot->meta.seq != *newest)) {
      return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                       "snapshot " + std::to_string(*newest) +
                           " is damaged (its checksum does not match)");
    }
  }

  StateMachine state;
  bool snapshot_matched = false;
  Status status = journal::VerifyJournal(
      journal_dir, [&](const journal::Batch& batch) -> Status {
        state.Apply(batch.header, batch.commands, nullptr);
        report.batches++;
        report.commands += batch.header.command_count;
        report.head_hash = journal::BatchHash(batch.header);
        if (snapshot.has_value() && batch.header.seq == snapshot->meta.seq) {
          if (report.head_hash != snapshot->meta.last_batch_hash) {
            return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                             "snapshot " + std::to_string(snapshot->meta.seq) +
                                 " names a different batch hash than the "
                                 "journal's batch " +
                                 std::to_string(batch.header.seq));
          }
          Sha256Digest hash = state.StateHash();
          if (hash != snapshot->meta.state_hash) {
            return MakeError(
                ErrorCode::kDATA_CORRUPTED, "",
                "the state replayed to batch " +
                    std::to_string(batch.header.seq) + " hashes to " +
                    DigestToHex(hash) + " but snapshot " +
                    std::to_string(snapshot->meta.seq) + " recorded " +
                    DigestToHex(snapshot->meta.state_hash));
          }
          snapshot_matched = true;
        }
        return Status::Ok();
      });
  MERIDIAN_RETURN_IF_ERROR(status);
  if (snapshot.has_value() && !snapshot_matched) {
    return MakeError(ErrorCode::kDATA_CORRUPTED, "",
                     "snapshot " + std::to_string(snapshot->meta.seq) +
                         " is ahead of the journal, which ends at batch " +
                         std::to_string(report.batches));
  }
  MERIDIAN_RETURN_IF_ERROR(state.ledger().VerifyInvariants());
  report.events = state.events_applied();
  report.accounts = state.ledger().account_count();
  report.transfers = state.ledger().transfer_count();
  report.state_hash = state.StateHash();
  report.snapshot_seq = snapshot.has_value() ? snapshot->meta.seq : 0;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return report;
}

}  // namespace meridian::engine
