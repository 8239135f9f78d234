// Test helpers for the store: ledger records and batches with just the
// fields the read model looks at.
#ifndef MERIDIAN_STORE_TESTING_RECORDS_H_
#define MERIDIAN_STORE_TESTING_RECORDS_H_

#include <cstring>
#include <string>
#include <utility>

#include "core/int128.h"
#include "ledger/types.h"
#include "store/index_batch.h"

namespace meridian::store::testing {

inline ledger::Account MakeAccount(u128 id, uint64_t timestamp) {
  ledger::Account a{};
  a.id = id;
  a.user_data = id * 7;
  a.timestamp = timestamp;
  a.ledger = 840;
  a.code = 1;
  return a;
}

inline ledger::Transfer MakeTransfer(u128 id, u128 debit, u128 credit,
                                     uint64_t timestamp, u128 amount = 100) {
  ledger::Transfer t{};
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.timestamp = timestamp;
  t.ledger = 840;
  t.code = 1;
  return t;
}

inline ObjectRecord MakeObject(uint16_t kind, u128 owner, u128 id,
                               std::string body) {
  return {.kind = kind,
          .owner = owner,
          .id = id,
          .created_ns = static_cast<int64_t>(id) * 1000,
          .body = std::move(body)};
}

// Byte equality: the records are fixed layouts without padding.
template <typename Record>
bool SameRecord(const Record& a, const Record& b) {
  return std::memcmp(&a, &b, sizeof(Record)) == 0;
}

}  // namespace meridian::store::testing

#endif  // MERIDIAN_STORE_TESTING_RECORDS_H_
