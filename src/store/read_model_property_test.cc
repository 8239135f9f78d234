// Property test: random batches (accounts, transfers, objects created and
// replaced, requests), written in random groupings with re-deliveries below
// the watermark and reopens in between, against an in-memory model that
// computes every query's answer the slow, obvious way. Each seed is
// deterministic; a failure names it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "core/testing/temp_dir.h"
#include "store/read_model.h"
#include "store/testing/records.h"

namespace meridian::store {
namespace {

using testing::MakeAccount;
using testing::MakeTransfer;
using testing::SameRecord;

// The same answers, from ordered maps.
struct Model {
  uint64_t watermark = 0;
  std::map<u128, ledger::Transfer> transfers;
  std::map<u128, std::map<uint64_t, ledger::Transfer>> by_account;
  std::map<u128, ledger::Account> accounts;
  std::map<uint64_t, ledger::Account> accounts_by_time;
  std::map<std::pair<uint16_t, u128>, ObjectRecord> objects;
  std::map<std::pair<u128, std::string>, RequestRecord> requests;

  void Apply(const IndexBatch& b) {
    if (b.batch_seq <= watermark) return;
    watermark = b.batch_seq;
    for (const auto& a : b.accounts) {
      accounts[a.id] = a;
      accounts_by_time[a.timestamp] = a;
    }
    for (const auto& t : b.transfers) {
      transfers[t.id] = t;
      by_account[t.debit_account_id][t.timestamp] = t;
      by_account[t.credit_account_id][t.timestamp] = t;
    }
    for (const auto& o : b.objects) objects[{o.kind, o.id}] = o;
    for (const auto& r : b.requests) requests[{r.principal, r.request_key}] = r;
  }

  // nullopt: the cursor is unknown (INVALID_PARAMETER expected).
  std::optional<Page<ledger::Transfer>> TransfersByAccount(
      const TransferQuery& q) const {
    uint64_t from = q.from_timestamp, to = q.to_timestamp;
    if (q.starting_after.has_value()) {
      auto it = transfers.find(*q.starting_after);
      if (it == transfers.end() ||
          (it->second.debit_account_id != q.account_id &&
           it->second.credit_account_id != q.account_id)) {
        return std::nullopt;
      }
      uint64_t ts = it->second.timestamp;
      if (q.newest_first) {
        if (ts == 0) return Page<ledger::Transfer>();
        to = std::min(to, ts - 1);
      } else {
        from = std::max(from, ts + 1);
      }
    }
    std::vector<ledger::Transfer> all;
    if (auto it = by_account.find(q.account_id); it != by_account.end()) {
      for (const auto& [ts, t] : it->second) {
        if (ts >= from && ts <= to) all.push_back(t);
      }
    }
    if (q.newest_first) std::reverse(all.begin(), all.end());
    return Cut(std::move(all), q.limit);
  }

  std::optional<Page<ledger::Account>> ListAccounts(std::optional<u128> after,
                                                    uint32_t limit) const {
    uint64_t below = UINT64_MAX;
    bool bounded = false;
    if (after.has_value()) {
      auto it = accounts.find(*after);
      if (it == accounts.end()) return std::nullopt;
      below = it->second.timestamp;
      bounded = true;
    }
    std::vector<ledger::Account> all;
    for (auto it = accounts_by_time.rbegin(); it != accounts_by_time.rend();
         ++it) {
      if (bounded && it->first >= below) continue;
      all.push_back(it->second);
    }
    return Cut(std::move(all), limit);
  }

  std::optional<Page<ObjectRecord>> ListObjects(uint16_t kind, u128 owner,
                                                std::optional<u128> after,
                                                uint32_t limit) const {
    if (after.has_value()) {
      auto it = objects.find({kind, *after});
      if (it == objects.end() || it->second.owner != owner) return std::nullopt;
    }
    std::vector<ObjectRecord> all;
    for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
      const ObjectRecord& o = it->second;
      if (o.kind != kind || o.owner != owner) continue;
      if (after.has_value() && o.id >= *after) continue;
      all.push_back(o);
    }
    return Cut(std::move(all), limit);
  }

  template <typename T>
  static Page<T> Cut(std::vector<T> all, uint32_t limit) {
    Page<T> page;
    page.has_more = all.size() > limit;
    if (page.has_more) all.resize(limit);
    page.data = std::move(all);
    return page;
  }
};

template <typename T>
bool SamePage(const Page<T>& a, const Page<T>& b) {
  if (a.has_more != b.has_more || a.data.size() != b.data.size()) return false;
  for (size_t i = 0; i < a.data.size(); ++i) {
    if constexpr (std::is_same_v<T, ObjectRecord>) {
      if (!(a.data[i] == b.data[i])) return false;
    } else {
      if (!SameRecord(a.data[i], b.data[i])) return false;
    }
  }
  return true;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool Chance(int percent) {
    return Below(100) < static_cast<uint64_t>(percent);
  }
  u128 Random128() { return (static_cast<u128>(rng_()) << 64) | rng_(); }

  template <typename Map>
  auto Pick(const Map& map) {
    auto it = map.begin();
    std::advance(it, Below(map.size()));
    return it->first;
  }

  std::string Bytes(size_t max) {
    std::string s(Below(max + 1), '\0');
    for (char& c : s) c = static_cast<char>(Below(256));
    return s;
  }

  IndexBatch Batch(uint64_t seq, const Model& model) {
    IndexBatch b{.batch_seq = seq, .batch_time_ns = static_cast<int64_t>(seq)};
    for (uint64_t i = Below(4); i > 0; --i) {
      ledger::Account a = MakeAccount(Random128(), ++timestamp_);
      b.accounts.push_back(a);
      new_accounts_.push_back(a.id);
    }
    std::vector<u128> accounts = new_accounts_;
    for (uint64_t i = Below(40); i > 0 && accounts.size() >= 2; --i) {
      u128 debit = accounts[Below(accounts.size())];
      u128 credit = accounts[Below(accounts.size())];
      if (debit == credit) continue;
      b.transfers.push_back(MakeTransfer(Random128(), debit, credit,
                                         ++timestamp_, 1 + Below(1000)));
    }
    for (uint64_t i = Below(6); i > 0; --i) {
      uint16_t kind = static_cast<uint16_t>(1 + Below(2));
      if (!model.objects.empty() && Chance(30)) {
        // Replace one: a new body, sometimes another owner.
        ObjectRecord o = model.objects.at(Pick(model.objects));
        o.body = Bytes(64);
        if (Chance(25)) o.owner = Owner();
        b.objects.push_back(o);
      } else {
        next_object_id_ += 1 + Below(1000);
        b.objects.push_back({.kind = kind,
                             .owner = Owner(),
                             .id = next_object_id_,
                             .created_ns = static_cast<int64_t>(seq),
                             .body = Bytes(200)});
      }
    }
    for (uint64_t i = Below(4); i > 0; --i) {
      b.requests.push_back({.principal = Owner(),
                            .request_key = Bytes(kMaxRequestKeyBytes),
                            .kind = 3,
                            .object_id = Random128()});
    }
    return b;
  }

  u128 Owner() {
    static constexpr u128 kOwners[] = {1, 2, 3, kU128Max};
    return kOwners[Below(std::size(kOwners))];
  }

 private:
  std::mt19937_64 rng_;
  uint64_t timestamp_ = 0;
  u128 next_object_id_ = u128{1} << 90;
  // Accounts known to exist (the generator's own view, ahead of the
  // model's while a round is being built).
  std::vector<u128> new_accounts_ = {kU128Max, 1};
};

class PropertyTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(PropertyTest, MatchesTheInMemoryModel) {
  const uint64_t seed = GetParam();
  ::meridian::testing::TempDir dir;
  const std::string path = dir.path() + "/store";
  auto open = [&] {
    auto opened =
        ReadModel::Open({.path = path, .write_buffer_bytes = 1 << 20});
    EXPECT_TRUE(opened.ok()) << opened.error().ToString();
    return std::move(opened).value();
  };
  std::unique_ptr<ReadModel> store = open();
  Model model;
  Generator gen(seed);
  uint64_t seq = 0;

  auto check_transfers = [&](const TransferQuery& q) {
    auto want = model.TransfersByAccount(q);
    auto got = store->TransfersByAccount(q);
    if (!want.has_value()) {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.error().param, "startingAfter");
      return;
    }
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    ASSERT_TRUE(SamePage(*got, *want))
        << "got " << got->data.size() << " more " << got->has_more << " want "
        << want->data.size() << " more " << want->has_more;
  };

  for (int round = 0; round < 150; ++round) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " +
                 std::to_string(round));
    std::vector<IndexBatch> batches;
    if (seq > 0 && gen.Chance(20)) {
      // Re-deliveries with other contents: must not land. (A scratch
      // generator, so the real one's accounts stay the real ones.)
      Generator scratch(seed * 1000 + round);
      for (uint64_t s = 1 + gen.Below(seq); s <= seq; ++s) {
        batches.push_back(scratch.Batch(s, model));
      }
    }
    for (uint64_t n = 1 + gen.Below(4); n > 0; --n) {
      seq += 1 + gen.Below(2);  // sometimes a gap
      batches.push_back(gen.Batch(seq, model));
    }
    Status s = store->Write(batches);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (const IndexBatch& b : batches) model.Apply(b);
    ASSERT_EQ(store->watermark(), model.watermark);
    ReadModel::Stats stats = store->stats();
    ASSERT_EQ(stats.transfers, model.transfers.size());
    ASSERT_EQ(stats.accounts, model.accounts.size());
    ASSERT_EQ(stats.objects, model.objects.size());

    if (gen.Chance(10)) {
      store.reset();
      store = open();
    }

    for (int q = 0; q < 10; ++q) {
      // Transfers of an account, with a random range, order and cursor.
      TransferQuery query;
      query.account_id = model.by_account.empty() || gen.Chance(5)
                             ? gen.Random128()
                             : gen.Pick(model.by_account);
      if (gen.Chance(50)) {
        uint64_t a = gen.Below(model.transfers.size() * 2 + 10);
        uint64_t b = gen.Below(model.transfers.size() * 2 + 10);
        query.from_timestamp = std::min(a, b);
        query.to_timestamp = std::max(a, b);
      }
      query.limit = static_cast<uint32_t>(
          gen.Chance(50) ? 1 + gen.Below(5) : 1 + gen.Below(kMaxPageLimit));
      query.newest_first = gen.Chance(50);
      int cursor = static_cast<int>(gen.Below(10));
      auto own = model.by_account.find(query.account_id);
      if (cursor < 5 && own != model.by_account.end()) {
        auto it = own->second.begin();
        std::advance(it, gen.Below(own->second.size()));
        query.starting_after = it->second.id;
      } else if (cursor == 5 && !model.transfers.empty()) {
        query.starting_after = gen.Pick(model.transfers);  // maybe not its own
      } else if (cursor == 6) {
        query.starting_after = gen.Random128();
      }
      check_transfers(query);

      // Point lookups.
      if (!model.transfers.empty()) {
        u128 id = gen.Pick(model.transfers);
        auto got = store->GetTransfer(id);
        ASSERT_TRUE(got.ok() && got->has_value());
        ASSERT_TRUE(SameRecord(**got, model.transfers.at(id)));
      }
      ASSERT_FALSE(store->GetTransfer(gen.Random128())->has_value());
      if (!model.accounts.empty()) {
        u128 id = gen.Pick(model.accounts);
        auto got = store->GetAccount(id);
        ASSERT_TRUE(got.ok() && got->has_value());
        ASSERT_TRUE(SameRecord(**got, model.accounts.at(id)));
      }
      if (!model.objects.empty()) {
        auto key = gen.Pick(model.objects);
        auto got = store->GetObject(key.first, key.second);
        ASSERT_TRUE(got.ok() && got->has_value());
        ASSERT_EQ(**got, model.objects.at(key));
      }
      if (!model.requests.empty()) {
        auto key = gen.Pick(model.requests);
        auto got = store->FindRequest(key.first, key.second);
        ASSERT_TRUE(got.ok() && got->has_value());
        ASSERT_EQ(**got, model.requests.at(key));
      }

      // Lists.
      uint32_t limit = static_cast<uint32_t>(1 + gen.Below(8));
      std::optional<u128> after;
      if (!model.accounts.empty() && gen.Chance(60)) {
        after = gen.Pick(model.accounts);
      } else if (gen.Chance(10)) {
        after = gen.Random128();
      }
      auto want_accounts = model.ListAccounts(after, limit);
      auto got_accounts = store->ListAccounts(after, limit);
      if (!want_accounts.has_value()) {
        ASSERT_EQ(got_accounts.error().param, "startingAfter");
      } else {
        ASSERT_TRUE(got_accounts.ok());
        ASSERT_TRUE(SamePage(*got_accounts, *want_accounts));
      }
      uint16_t kind = static_cast<uint16_t>(1 + gen.Below(2));
      u128 owner = gen.Owner();
      after.reset();
      if (!model.objects.empty() && gen.Chance(60)) {
        after = gen.Pick(model.objects).second;  // any owner, maybe any kind
      }
      auto want_objects = model.ListObjects(kind, owner, after, limit);
      auto got_objects = store->ListObjects(kind, owner, after, limit);
      if (!want_objects.has_value()) {
        ASSERT_EQ(got_objects.error().param, "startingAfter");
      } else {
        ASSERT_TRUE(got_objects.ok());
        ASSERT_TRUE(SamePage(*got_objects, *want_objects));
      }
    }
  }

  // Finally, every account's whole history, page by page, both orders.
  for (const auto& [account, history] : model.by_account) {
    for (bool newest_first : {true, false}) {
      std::vector<ledger::Transfer> seen;
      std::optional<u128> cursor;
      while (true) {
        TransferQuery q{.account_id = account,
                        .starting_after = cursor,
                        .limit = 13,
                        .newest_first = newest_first};
        auto page = store->TransfersByAccount(q);
        ASSERT_TRUE(page.ok());
        seen.insert(seen.end(), page->data.begin(), page->data.end());
        if (!page->has_more) break;
        cursor = page->data.back().id;
      }
      std::vector<ledger::Transfer> want;
      for (const auto& entry : history) want.push_back(entry.second);
      if (newest_first) std::reverse(want.begin(), want.end());
      ASSERT_EQ(seen.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_TRUE(SameRecord(seen[i], want[i])) << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, PropertyTest, ::testing::Values(1, 2, 3, 4, 5));

}  // namespace
}  // namespace meridian::store
