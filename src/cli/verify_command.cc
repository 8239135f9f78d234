#include "cli/verify_command.h"

#include <cstdio>

#include "engine/verify.h"

namespace meridian::cli {

int RunVerify(const std::string& data_dir, bool json) {
  Result<engine::VerifyReport> r = engine::VerifyDataDir(data_dir);
  if (!r.ok()) {
    if (json) {
      std::printf("{\"ok\":false,\"code\":\"%s\",\"message\":\"%s\"}\n",
                  std::string(ErrorCodeName(r.error().code)).c_str(),
                  r.error().message.c_str());
    } else {
      std::printf("FAILED: %s\n", r.error().message.c_str());
    }
    return 1;
  }
  const engine::VerifyReport& v = *r;
  if (json) {
    std::printf(
        "{\"ok\":true,\"batches\":%llu,\"commands\":%llu,\"events\":%llu,"
        "\"accounts\":%llu,\"transfers\":%llu,\"head_hash\":\"%s\","
        "\"state_hash\":\"%s\",\"snapshot_seq\":%llu,\"seconds\":%.3f}\n",
        static_cast<unsigned long long>(v.batches),
        static_cast<unsigned long long>(v.commands),
        static_cast<unsigned long long>(v.events),
        static_cast<unsigned long long>(v.accounts),
        static_cast<unsigned long long>(v.transfers),
        DigestToHex(v.head_hash).c_str(), DigestToHex(v.state_hash).c_str(),
        static_cast<unsigned long long>(v.snapshot_seq), v.seconds);
    return 0;
  }
  std::printf(
      "OK: %llu batches, %llu commands, %llu events replayed in %.2f s\n",
      static_cast<unsigned long long>(v.batches),
      static_cast<unsigned long long>(v.commands),
      static_cast<unsigned long long>(v.events), v.seconds);
  std::printf("  checksums, hash chain and Merkle roots: every record fits\n");
  std::printf("  ledger invariants: hold (%llu accounts, %llu transfers)\n",
              static_cast<unsigned long long>(v.accounts),
              static_cast<unsigned long long>(v.transfers));
  if (v.snapshot_seq != 0) {
    std::printf("  snapshot at batch %llu: state hash matches the replay\n",
                static_cast<unsigned long long>(v.snapshot_seq));
  } else {
    std::printf("  no snapshot to compare\n");
  }
  std::printf("  head batch hash %s\n  state hash      %s\n",
              DigestToHex(v.head_hash).c_str(),
              DigestToHex(v.state_hash).c_str());
  return 0;
}

}  // namespace meridian::cli
