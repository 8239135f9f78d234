// AuthCache: the gateway's copy of the engine's principals and API keys,
// so that authenticating a request never waits for the engine.
//
// Filled from the engine's state at start and kept current from each
// batch's output, which the sequencer hands over before the batch's replies
// go out: a key is usable as soon as its creation is answered, and unusable
// as soon as its revocation is.
//
// Thread-safety: any thread; readers share a lock, updates take it alone.
#ifndef MERIDIAN_API_AUTH_CACHE_H_
#define MERIDIAN_API_AUTH_CACHE_H_

#include <cstring>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "api/auth/api_key.h"
#include "core/hash.h"
#include "engine/api_state.h"

namespace meridian::api {

struct Caller {
  u128 principal;
  engine::PrincipalKind kind = engine::PrincipalKind::kParticipant;
  engine::SignatureAlgorithm signature = engine::SignatureAlgorithm::kNone;
  std::string public_key;
  u128 key_id;
  bool is_operator() const { return kind == engine::PrincipalKind::kOperator; }
};

class AuthCache {
 public:
  void Update(const engine::ApiOutput& out) {
    if (out.principals.empty() && out.keys.empty()) return;
    std::unique_lock lock(mu_);
    for (const engine::Principal& p : out.principals) principals_[p.id] = p;
    for (const engine::ApiKey& k : out.keys) AddKey(k);
  }
  void Load(const engine::ApiState& state) {
    std::unique_lock lock(mu_);
    for (const auto& [id, p] : state.principals()) principals_[id] = p;
    for (const auto& [id, k] : state.keys()) AddKey(k);
  }

  // The caller for a bearer secret; nullopt for an unknown or revoked key.
  std::optional<Caller> Authenticate(std::string_view secret) const {
    Sha256Digest h = auth::HashApiKey(secret);
    u128 fp;
    std::memcpy(&fp, h.data(), sizeof fp);
    std::shared_lock lock(mu_);
    auto it = keys_.find(fp);
    if (it == keys_.end() || it->second.revoked) return std::nullopt;
    // The map is keyed by half the hash; compare all of it.
    if (!auth::ConstantTimeEqual(it->second.secret_hash, h))
      return std::nullopt;
    auto p = principals_.find(it->second.principal);
    if (p == principals_.end()) return std::nullopt;
    return Caller{p->second.id, p->second.kind, p->second.signature,
                  p->second.public_key, it->second.id};
  }

  std::optional<engine::Principal> FindPrincipal(u128 id) const {
    std::shared_lock lock(mu_);
    auto it = principals_.find(id);
    if (it == principals_.end()) return std::nullopt;
    return it->second;
  }

 private:
  void AddKey(const engine::ApiKey& k) {
    u128 fp;
    std::memcpy(&fp, k.secret_hash.data(), sizeof fp);
    keys_[fp] = k;
  }

  mutable std::shared_mutex mu_;
  std::unordered_map<u128, engine::ApiKey, U128Hash> keys_;  // GUARDED_BY(mu_)
  std::unordered_map<u128, engine::Principal, U128Hash>
      principals_;  // GUARDED_BY(mu_)
};

}  // namespace meridian::api

#endif  // MERIDIAN_API_AUTH_CACHE_H_
