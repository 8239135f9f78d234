#include "ledger/internal/id_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace meridian::ledger::internal {
namespace {

TEST(IdMapTest, MatchesStdMapUnderRandomInsertEraseFind) {
  IdMap map;
  std::map<u128, uint32_t> model;
  std::mt19937_64 rng(42);
  for (int step = 0; step < 200000; ++step) {
    // A small key space forces collisions, long probe chains and wrap-around.
    u128 key = (static_cast<u128>(rng() % 4) << 64) | (1 + rng() % 3000);
    switch (rng() % 3) {
      case 0:
        if (!model.contains(key)) {
          uint32_t v = static_cast<uint32_t>(rng());
          if (v == IdMap::kNotFound) v = 0;
          map.Insert(key, v);
          model[key] = v;
        }
        break;
      case 1:
        map.Erase(key);
        model.erase(key);
        break;
      default: {
        auto it = model.find(key);
        uint32_t want = it == model.end() ? IdMap::kNotFound : it->second;
        ASSERT_EQ(map.Find(key), want) << "step " << step;
      }
    }
    ASSERT_EQ(map.size(), model.size());
  }
  for (const auto& [key, value] : model) EXPECT_EQ(map.Find(key), value);
}

TEST(IdMapTest, MemoryPerEntryStaysSmall) {
  IdMap map;
  map.Reserve(1'000'000);
  for (uint32_t i = 1; i <= 1'000'000; ++i) map.Insert(i, i);
  // 32-byte slots at a load of 35 % (just after growing) to 70 %.
  EXPECT_LE(map.memory_bytes() / map.size(), 96u);
  EXPECT_EQ(map.Find(777777), 777777u);
}

}  // namespace
}  // namespace meridian::ledger::internal
