// Small helpers the engine's files share (state_machine.cc,
// network_engine.cc). Not a public header.
#ifndef MERIDIAN_ENGINE_INTERNAL_ENGINE_UTIL_H_
#define MERIDIAN_ENGINE_INTERNAL_ENGINE_UTIL_H_

#include <cstring>
#include <span>
#include <string_view>

#include "core/hash.h"
#include "core/int128.h"
#include "ledger/ledger.h"

namespace meridian::engine::internal {

// The first result that is not LINKED_EVENT_FAILED: why a chain failed.
inline ledger::LedgerResult FirstReason(
    std::span<const ledger::EventResult> r) {
  for (const ledger::EventResult& e : r) {
    if (e.result != ledger::LedgerResult::kLINKED_EVENT_FAILED) return e.result;
  }
  return r.empty() ? ledger::LedgerResult::kOK : r[0].result;
}

// An id the engine derives (for transfers, cases, records it makes): the
// first 16 bytes of SHA-256(domain | id | n); never 0. Deterministic, so a
// replay names the same objects.
inline u128 DeriveId(std::string_view domain, u128 id, uint32_t n) {
  Sha256Hasher h;
  h.Update(domain);
  h.Update(std::string_view(reinterpret_cast<const char*>(&id), sizeof id));
  h.Update(std::string_view(reinterpret_cast<const char*>(&n), sizeof n));
  Sha256Digest d = h.Finish();
  u128 out = 0;
  std::memcpy(&out, d.data(), sizeof out);
  return out == 0 ? 1 : out;
}

}  // namespace meridian::engine::internal

#endif  // MERIDIAN_ENGINE_INTERNAL_ENGINE_UTIL_H_
