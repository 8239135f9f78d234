#include "store/read_model.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/testing/temp_dir.h"
#include "store/internal/format.h"
#include "store/testing/records.h"

namespace meridian::store {
namespace {

using ::meridian::testing::TempDir;
using testing::MakeAccount;
using testing::MakeObject;
using testing::MakeTransfer;
using testing::SameRecord;

constexpr uint16_t kEndpoint = 20;
constexpr uint16_t kEvent = 11;

class ReadModelTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    model_.reset();
    auto opened = ReadModel::Open({.path = path()});
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    model_ = std::move(opened).value();
  }

  std::string path() const { return dir_.path() + "/store"; }

  void WriteOne(IndexBatch batch) {
    Status s = model_->Write({&batch, 1});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::vector<u128> Ids(const std::vector<ledger::Transfer>& transfers) {
    std::vector<u128> ids;
    for (const auto& t : transfers) ids.push_back(t.id);
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<ReadModel> model_;
};

TEST_F(ReadModelTest, EmptyModel) {
  EXPECT_EQ(model_->watermark(), 0u);
  ReadModel::Stats stats = model_->stats();
  EXPECT_EQ(stats.transfers + stats.accounts + stats.objects, 0u);
  EXPECT_FALSE(model_->GetTransfer(1)->has_value());
  EXPECT_FALSE(model_->GetAccount(1)->has_value());
  EXPECT_FALSE(model_->GetObject(kEvent, 1)->has_value());
  EXPECT_FALSE(model_->FindRequest(1, "key")->has_value());
  auto page = model_->TransfersByAccount({.account_id = 1});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->data.empty());
  EXPECT_FALSE(page->has_more);
  EXPECT_TRUE(model_->ListAccounts(std::nullopt, 10)->data.empty());
  EXPECT_TRUE(model_->ListObjects(kEvent, 1, std::nullopt, 10)->data.empty());
}

TEST_F(ReadModelTest, RecordsRoundTripByteForByte) {
  IndexBatch batch{.batch_seq = 1, .batch_time_ns = 5};
  ledger::Account a = MakeAccount(10, 1);
  a.flags = ledger::kAccountHistory;
  a.limit = kU128Max;
  batch.accounts = {a, MakeAccount(11, 2)};
  ledger::Transfer t = MakeTransfer(100, 10, 11, 3, kU128Max - 1);
  t.flags = ledger::kTransferPending;
  t.state = ledger::PendingState::kPending;
  t.timeout_s = 60;
  batch.transfers = {t};
  WriteOne(batch);

  auto got_a = model_->GetAccount(10);
  ASSERT_TRUE(got_a.ok() && got_a->has_value());
  EXPECT_TRUE(SameRecord(**got_a, a));
  auto got_t = model_->GetTransfer(100);
  ASSERT_TRUE(got_t.ok() && got_t->has_value());
  EXPECT_TRUE(SameRecord(**got_t, t));
  EXPECT_EQ(model_->watermark(), 1u);
  ReadModel::Stats stats = model_->stats();
  EXPECT_EQ(stats.watermark, 1u);
  EXPECT_EQ(stats.accounts, 2u);
  EXPECT_EQ(stats.transfers, 1u);
}

TEST_F(ReadModelTest, TransfersByAccountSeesBothSides) {
  IndexBatch batch{.batch_seq = 1};
  batch.transfers = {MakeTransfer(1, 10, 11, 100), MakeTransfer(2, 12, 10, 101),
                     MakeTransfer(3, 11, 12, 102)};
  WriteOne(batch);
  auto page = model_->TransfersByAccount({.account_id = 10});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{2, 1}));  // newest first
  EXPECT_FALSE(page->has_more);
  page = model_->TransfersByAccount({.account_id = 10, .newest_first = false});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{1, 2}));
  page = model_->TransfersByAccount({.account_id = 12});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{3, 2}));
  EXPECT_TRUE(SameRecord(page->data[0], batch.transfers[2]));
}

// Pages through 3,000 transfers of one account (mixed with others') in both
// orders and several page sizes: every transfer exactly once, in order, and
// has_more true on every page but the last, including when the count is a
// multiple of the page size.
TEST_F(ReadModelTest, PagesThroughThousandsInBothOrders) {
  constexpr int kTransfers = 3000;
  std::vector<u128> expected;  // oldest first
  uint64_t timestamp = 1000;
  for (int b = 0; b < 30; ++b) {
    IndexBatch batch{.batch_seq = static_cast<uint64_t>(b + 1)};
    for (int i = 0; i < kTransfers / 30; ++i) {
      u128 id = (u128{1} << 64) + static_cast<u128>(timestamp);
      bool debit = i % 2 == 0;
      batch.transfers.push_back(MakeTransfer(
          id, debit ? 7 : 8 + i % 5, debit ? 9 + i % 3 : 7, timestamp++));
      expected.push_back(id);
      // Someone else's transfer in between, which must not show up.
      batch.transfers.push_back(
          MakeTransfer(id + (u128{1} << 100), 20, 21, timestamp++));
    }
    WriteOne(batch);
  }
  for (bool newest_first : {true, false}) {
    for (uint32_t limit : {1u, 7u, 100u}) {
      if (limit == 1 && !newest_first) continue;  // 3,000 pages: once is enough
      std::vector<u128> seen;
      std::optional<u128> cursor;
      int pages = 0;
      while (true) {
        auto page = model_->TransfersByAccount({.account_id = 7,
                                                .starting_after = cursor,
                                                .limit = limit,
                                                .newest_first = newest_first});
        ASSERT_TRUE(page.ok()) << page.error().ToString();
        ++pages;
        for (const auto& t : page->data) seen.push_back(t.id);
        size_t left = expected.size() - seen.size();
        ASSERT_EQ(page->has_more, left > 0) << "page " << pages;
        if (!page->has_more) break;
        ASSERT_EQ(page->data.size(), limit);
        cursor = page->data.back().id;
      }
      std::vector<u128> want = expected;
      if (newest_first) std::reverse(want.begin(), want.end());
      EXPECT_EQ(seen, want) << "limit " << limit;
      EXPECT_EQ(pages, (kTransfers + limit - 1) / limit);
    }
  }
}

TEST_F(ReadModelTest, TimeRangesAreInclusive) {
  IndexBatch batch{.batch_seq = 1};
  for (uint64_t ts = 10; ts < 20; ++ts) {
    batch.transfers.push_back(MakeTransfer(ts, 1, 2, ts));
  }
  WriteOne(batch);
  auto page = model_->TransfersByAccount(
      {.account_id = 1, .from_timestamp = 12, .to_timestamp = 15});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{15, 14, 13, 12}));
  page = model_->TransfersByAccount({.account_id = 1,
                                     .from_timestamp = 12,
                                     .to_timestamp = 15,
                                     .limit = 3,
                                     .newest_first = false});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{12, 13, 14}));
  EXPECT_TRUE(page->has_more);
  page = model_->TransfersByAccount({.account_id = 1,
                                     .from_timestamp = 12,
                                     .to_timestamp = 15,
                                     .starting_after = 14,
                                     .limit = 3,
                                     .newest_first = false});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{15}));
  EXPECT_FALSE(page->has_more);
  // A cursor outside the range still continues after itself, within it.
  page = model_->TransfersByAccount({.account_id = 1,
                                     .from_timestamp = 12,
                                     .to_timestamp = 15,
                                     .starting_after = 19});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{15, 14, 13, 12}));
  page = model_->TransfersByAccount({.account_id = 1,
                                     .from_timestamp = 12,
                                     .to_timestamp = 15,
                                     .starting_after = 11});
  EXPECT_TRUE(page->data.empty());
  EXPECT_FALSE(page->has_more);
  // The ends of the number range.
  page = model_->TransfersByAccount(
      {.account_id = 1, .from_timestamp = 0, .to_timestamp = 10});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{10}));
  page = model_->TransfersByAccount(
      {.account_id = 1, .from_timestamp = 19, .to_timestamp = UINT64_MAX});
  EXPECT_EQ(Ids(page->data), (std::vector<u128>{19}));
  page = model_->TransfersByAccount(
      {.account_id = 1, .from_timestamp = 20, .to_timestamp = UINT64_MAX});
  EXPECT_TRUE(page->data.empty());

  auto bad = model_->TransfersByAccount(
      {.account_id = 1, .from_timestamp = 16, .to_timestamp = 15});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(bad.error().param, "fromTimestamp");
}

TEST_F(ReadModelTest, UnknownCursorAndBadLimitAreRefused) {
  IndexBatch batch{.batch_seq = 1};
  batch.accounts = {MakeAccount(1, 1)};
  batch.transfers = {MakeTransfer(5, 1, 2, 10), MakeTransfer(6, 3, 4, 11)};
  batch.objects = {MakeObject(kEvent, 9, 100, "x")};
  WriteOne(batch);
  auto expect_cursor_error = [](const auto& result) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_EQ(result.error().param, "startingAfter");
  };
  expect_cursor_error(
      model_->TransfersByAccount({.account_id = 1, .starting_after = 404}));
  // A transfer that exists but is not this account's.
  expect_cursor_error(
      model_->TransfersByAccount({.account_id = 1, .starting_after = 6}));
  expect_cursor_error(model_->ListAccounts(u128{2}, 10));
  expect_cursor_error(model_->ListObjects(kEvent, 9, u128{101}, 10));
  // An object of another owner or kind.
  expect_cursor_error(model_->ListObjects(kEvent, 8, u128{100}, 10));
  expect_cursor_error(model_->ListObjects(kEndpoint, 9, u128{100}, 10));

  for (uint32_t limit : {0u, kMaxPageLimit + 1}) {
    auto page = model_->TransfersByAccount({.account_id = 1, .limit = limit});
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().param, "limit");
    EXPECT_EQ(model_->ListAccounts(std::nullopt, limit).error().param, "limit");
    EXPECT_EQ(model_->ListObjects(kEvent, 9, std::nullopt, limit).error().param,
              "limit");
  }
  EXPECT_TRUE(
      model_->TransfersByAccount({.account_id = 1, .limit = kMaxPageLimit})
          .ok());
}

TEST_F(ReadModelTest, ListAccountsNewestFirst) {
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    IndexBatch batch{.batch_seq = seq};
    // Ids deliberately not in creation order: the list follows timestamps.
    for (uint64_t i = 0; i < 5; ++i) {
      uint64_t ts = seq * 10 + i;
      batch.accounts.push_back(MakeAccount(1000 - ts, ts));
    }
    WriteOne(batch);
  }
  std::vector<uint64_t> seen;
  std::optional<u128> cursor;
  while (true) {
    auto page = model_->ListAccounts(cursor, 3);
    ASSERT_TRUE(page.ok());
    for (const auto& a : page->data) seen.push_back(a.timestamp);
    if (!page->has_more) break;
    cursor = page->data.back().id;
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(seen.front(), 54u);
  EXPECT_EQ(model_->stats().accounts, 25u);
}

TEST_F(ReadModelTest, ObjectsByOwnerNewestFirstAndReplaced) {
  IndexBatch batch{.batch_seq = 1};
  for (u128 id = 1; id <= 10; ++id) {
    batch.objects.push_back(MakeObject(kEvent, id % 2, id, "event"));
  }
  batch.objects.push_back(MakeObject(kEndpoint, 1, 50, "endpoint"));
  WriteOne(batch);

  auto page = model_->ListObjects(kEvent, 1, std::nullopt, 3);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->data.size(), 3u);
  EXPECT_EQ(page->data[0].id, 9u);
  EXPECT_EQ(page->data[2].id, 5u);
  EXPECT_TRUE(page->has_more);
  page = model_->ListObjects(kEvent, 1, page->data.back().id, 3);
  ASSERT_EQ(page->data.size(), 2u);
  EXPECT_EQ(page->data[1].id, 1u);
  EXPECT_FALSE(page->has_more);
  page = model_->ListObjects(kEndpoint, 1, std::nullopt, 10);
  ASSERT_EQ(page->data.size(), 1u);
  EXPECT_EQ(page->data[0], MakeObject(kEndpoint, 1, 50, "endpoint"));
  EXPECT_EQ(model_->stats().objects, 11u);

  // Replaced: same owner (new body), and moved to another owner.
  IndexBatch replace{.batch_seq = 2};
  replace.objects = {MakeObject(kEvent, 1, 9, "delivered"),
                     MakeObject(kEvent, 0, 7, "moved"),
                     MakeObject(kEvent, 1, 9, "delivered twice")};
  WriteOne(replace);
  auto object = model_->GetObject(kEvent, 9);
  ASSERT_TRUE(object.ok() && object->has_value());
  EXPECT_EQ((*object)->body, "delivered twice");
  page = model_->ListObjects(kEvent, 1, std::nullopt, 10);
  ASSERT_EQ(page->data.size(), 4u);  // 9, 5, 3, 1
  EXPECT_EQ(page->data[0].body, "delivered twice");
  page = model_->ListObjects(kEvent, 0, std::nullopt, 10);
  ASSERT_EQ(page->data.size(), 6u);  // 10, 8, 7, 6, 4, 2
  EXPECT_EQ(page->data[2].id, 7u);
  EXPECT_EQ(page->data[2].body, "moved");
  EXPECT_EQ(model_->stats().objects, 11u);  // replacements are not new
}

TEST_F(ReadModelTest, RequestsAreFound) {
  std::string long_key(kMaxRequestKeyBytes, 'k');
  IndexBatch batch{.batch_seq = 1};
  batch.requests = {
      {.principal = 1, .request_key = "a", .kind = kEvent, .object_id = 10},
      {.principal = 2, .request_key = "a", .kind = kEvent, .object_id = 20},
      {.principal = 1, .request_key = long_key, .kind = 3, .object_id = 30},
      {.principal = 1, .request_key = "", .kind = 3, .object_id = 40}};
  WriteOne(batch);
  for (const RequestRecord& r : batch.requests) {
    auto found = model_->FindRequest(r.principal, r.request_key);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ(**found, r);
  }
  EXPECT_FALSE(model_->FindRequest(1, "b")->has_value());
  EXPECT_FALSE(model_->FindRequest(3, "a")->has_value());
  EXPECT_FALSE(model_->FindRequest(1, long_key + "k")->has_value());
}

TEST_F(ReadModelTest, OversizeRecordsRefuseTheWholeWrite) {
  IndexBatch ok{.batch_seq = 1};
  ok.transfers = {MakeTransfer(1, 1, 2, 1)};
  IndexBatch bad_key{.batch_seq = 2};
  bad_key.requests = {{.principal = 1,
                       .request_key = std::string(kMaxRequestKeyBytes + 1, 'k'),
                       .kind = 1,
                       .object_id = 1}};
  std::vector<IndexBatch> batches = {ok, bad_key};
  Status s = model_->Write(batches);
  EXPECT_EQ(s.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(model_->watermark(), 0u);
  EXPECT_FALSE(model_->GetTransfer(1)->has_value());

  IndexBatch bad_body{.batch_seq = 2};
  bad_body.objects = {
      MakeObject(kEvent, 1, 1, std::string(kMaxObjectBodyBytes + 1, 'b'))};
  batches = {ok, bad_body};
  EXPECT_EQ(model_->Write(batches).code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(model_->watermark(), 0u);

  bad_body.objects[0].body.pop_back();  // exactly at the limit
  batches = {ok, bad_body};
  EXPECT_TRUE(model_->Write(batches).ok());
  EXPECT_EQ(model_->GetObject(kEvent, 1)->value().body.size(),
            kMaxObjectBodyBytes);
}

TEST_F(ReadModelTest, OutOfOrderBatchesAreRefused) {
  std::vector<IndexBatch> batches(2);
  batches[0].batch_seq = 3;
  batches[1].batch_seq = 3;
  EXPECT_EQ(model_->Write(batches).code(), ErrorCode::kINVALID_PARAMETER);
  batches[1].batch_seq = 2;
  EXPECT_EQ(model_->Write(batches).code(), ErrorCode::kINVALID_PARAMETER);
  batches = {IndexBatch{.batch_seq = 0}};
  EXPECT_EQ(model_->Write(batches).code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_TRUE(model_->Write({}).ok());
  EXPECT_EQ(model_->watermark(), 0u);
}

TEST_F(ReadModelTest, RewritesAtOrBelowTheWatermarkAreSkipped) {
  std::vector<IndexBatch> batches;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    IndexBatch b{.batch_seq = seq};
    b.transfers = {MakeTransfer(seq, 1, 2, seq)};
    b.objects = {MakeObject(kEvent, 1, seq, "first")};
    batches.push_back(b);
  }
  ASSERT_TRUE(model_->Write(batches).ok());
  EXPECT_EQ(model_->watermark(), 3u);

  // Re-delivered 2 and 3 (with different contents, which must not land),
  // then the new 4: one Write.
  std::vector<IndexBatch> again;
  for (uint64_t seq = 2; seq <= 4; ++seq) {
    IndexBatch b{.batch_seq = seq};
    b.transfers = {MakeTransfer(seq, 1, 2, seq, /*amount=*/999)};
    b.objects = {MakeObject(kEvent, 1, seq, "second")};
    again.push_back(b);
  }
  ASSERT_TRUE(model_->Write(again).ok());
  EXPECT_EQ(model_->watermark(), 4u);
  EXPECT_EQ(model_->GetTransfer(2)->value().amount, 100u);
  EXPECT_EQ(model_->GetTransfer(4)->value().amount, 999u);
  EXPECT_EQ(model_->GetObject(kEvent, 3)->value().body, "first");
  EXPECT_EQ(model_->GetObject(kEvent, 4)->value().body, "second");
  ReadModel::Stats stats = model_->stats();
  EXPECT_EQ(stats.transfers, 4u);
  EXPECT_EQ(stats.objects, 4u);
  EXPECT_EQ(model_->TransfersByAccount({.account_id = 1})->data.size(), 4u);

  // Everything already there: nothing happens.
  ASSERT_TRUE(model_->Write(again).ok());
  EXPECT_EQ(model_->stats().transfers, 4u);
}

TEST_F(ReadModelTest, ReopenKeepsDataWatermarkAndCounts) {
  IndexBatch batch{.batch_seq = 42};
  batch.accounts = {MakeAccount(1, 1), MakeAccount(2, 2)};
  batch.transfers = {MakeTransfer(3, 1, 2, 3)};
  batch.objects = {MakeObject(kEvent, 1, 4, "e")};
  batch.requests = {
      {.principal = 1, .request_key = "r", .kind = kEvent, .object_id = 4}};
  WriteOne(batch);
  Reopen();
  EXPECT_EQ(model_->watermark(), 42u);
  ReadModel::Stats stats = model_->stats();
  EXPECT_EQ(stats.watermark, 42u);
  EXPECT_EQ(stats.accounts, 2u);
  EXPECT_EQ(stats.transfers, 1u);
  EXPECT_EQ(stats.objects, 1u);
  EXPECT_TRUE(SameRecord(model_->GetTransfer(3)->value(), batch.transfers[0]));
  EXPECT_EQ(model_->ListAccounts(std::nullopt, 10)->data.size(), 2u);
  EXPECT_EQ(model_->FindRequest(1, "r")->value().object_id, 4u);
  EXPECT_EQ(model_->TransfersByAccount({.account_id = 2})->data.size(), 1u);
}

TEST_F(ReadModelTest, DestroyDeletesTheDatabase) {
  IndexBatch batch{.batch_seq = 1};
  batch.transfers = {MakeTransfer(3, 1, 2, 3)};
  WriteOne(batch);
  // Not while it is open.
  EXPECT_FALSE(ReadModel::Destroy(path()).ok());
  model_.reset();
  Status s = ReadModel::Destroy(path());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(ReadModel::Destroy(path()).ok());  // nothing there: fine
  EXPECT_TRUE(ReadModel::Destroy(dir_.path() + "/never").ok());
  Reopen();
  EXPECT_EQ(model_->watermark(), 0u);
  EXPECT_FALSE(model_->GetTransfer(3)->has_value());
}

// Writes `key` = `value` into a closed read model with RocksDB directly.
void PutRaw(const std::string& path, std::string_view key,
            std::string_view value) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), rocksdb::Slice(key),
                      rocksdb::Slice(value))
                  .ok());
}

TEST_F(ReadModelTest, OtherFormatVersionIsRefused) {
  model_.reset();
  std::string version;
  internal::EncodeU32(internal::kFormatVersion + 1, &version);
  PutRaw(path(), internal::kFormatVersionKey, version);
  auto opened = ReadModel::Open({.path = path()});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
  EXPECT_NE(opened.error().message.find("format version 2"), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find("rebuild"), std::string::npos);
}

TEST_F(ReadModelTest, ForeignDatabaseIsRefused) {
  model_.reset();
  std::string other = dir_.path() + "/other";
  PutRaw(other, "hello", "world");
  auto opened = ReadModel::Open({.path = other});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kDATA_CORRUPTED);
  EXPECT_NE(opened.error().message.find("not a Meridian read model"),
            std::string::npos);
}

TEST_F(ReadModelTest, UndecodableValuesAreDataCorrupted) {
  IndexBatch batch{.batch_seq = 1};
  batch.transfers = {MakeTransfer(3, 1, 2, 3)};
  WriteOne(batch);
  model_.reset();
  PutRaw(path(), internal::TransferKey(3).view(), "short");
  PutRaw(path(), internal::AccountTransferKey(1, 3).view(), "short");
  Reopen();
  auto got = model_->GetTransfer(3);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDATA_CORRUPTED);
  auto page = model_->TransfersByAccount({.account_id = 1});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kDATA_CORRUPTED);
  EXPECT_NE(page.error().message.find(path()), std::string::npos);
}

TEST_F(ReadModelTest, OpenOnAFileIsAnIoError) {
  model_.reset();
  std::string file = dir_.path() + "/file";
  std::filesystem::create_directories(dir_.path());
  { std::ofstream(file) << "not a directory"; }
  auto opened = ReadModel::Open({.path = file});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kIO_ERROR);
  EXPECT_EQ(ReadModel::Open({.path = ""}).error().code,
            ErrorCode::kINVALID_PARAMETER);
}

}  // namespace
}  // namespace meridian::store
