#include "engine/command_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace meridian::engine {
namespace {

CommandQueue::Item Item(size_t bytes) {
  return {std::vector<uint8_t>(bytes, 1), nullptr, nullptr};
}

TEST(CommandQueueTest, BoundedByCountAndBytes) {
  CommandQueue queue({.max_commands = 3, .max_bytes = 100});
  EXPECT_TRUE(queue.TryPush(Item(40)).ok());
  EXPECT_TRUE(queue.TryPush(Item(40)).ok());
  EXPECT_EQ(queue.TryPush(Item(40)).code(), ErrorCode::kQUEUE_FULL);  // bytes
  EXPECT_TRUE(queue.TryPush(Item(10)).ok());
  EXPECT_EQ(queue.TryPush(Item(1)).code(), ErrorCode::kQUEUE_FULL);  // count
  std::vector<CommandQueue::Item> batch;
  ASSERT_TRUE(queue.PopBatch(2, 1 << 20, &batch));
  EXPECT_EQ(batch.size(), 2u);
  ASSERT_TRUE(queue.PopBatch(10, 1 << 20, &batch));
  EXPECT_EQ(batch.size(), 1u);
}

TEST(CommandQueueTest, BatchBytesBoundKeepsAtLeastOne) {
  CommandQueue queue({});
  ASSERT_TRUE(queue.TryPush(Item(500)).ok());
  ASSERT_TRUE(queue.TryPush(Item(500)).ok());
  std::vector<CommandQueue::Item> batch;
  ASSERT_TRUE(queue.PopBatch(10, 100, &batch));
  EXPECT_EQ(batch.size(), 1u);  // bigger than the bound, taken alone
}

TEST(CommandQueueTest, ReadsTravelAloneAndInOrder) {
  CommandQueue queue({});
  ASSERT_TRUE(queue.TryPush(Item(1)).ok());
  ASSERT_TRUE(queue.TryPush({{}, nullptr, [] {}}).ok());
  ASSERT_TRUE(queue.TryPush(Item(1)).ok());
  std::vector<CommandQueue::Item> batch;
  ASSERT_TRUE(queue.PopBatch(10, 1 << 20, &batch));
  EXPECT_EQ(batch.size(), 1u);
  EXPECT_FALSE(batch[0].read);
  ASSERT_TRUE(queue.PopBatch(10, 1 << 20, &batch));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch[0].read);
  ASSERT_TRUE(queue.PopBatch(10, 1 << 20, &batch));
  EXPECT_FALSE(batch[0].read);
}

TEST(CommandQueueTest, CloseDrainsThenStopsAndRefusesProducers) {
  CommandQueue queue({.max_commands = 1, .max_bytes = 100});
  ASSERT_TRUE(queue.TryPush(Item(1)).ok());
  // A blocked producer is released by Close with SHUTTING_DOWN.
  Status blocked;
  std::thread producer([&] { blocked = queue.Push(Item(1)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  queue.Close();
  producer.join();
  EXPECT_EQ(blocked.code(), ErrorCode::kSHUTTING_DOWN);
  EXPECT_EQ(queue.TryPush(Item(1)).code(), ErrorCode::kSHUTTING_DOWN);
  std::vector<CommandQueue::Item> batch;
  EXPECT_TRUE(queue.PopBatch(10, 1 << 20, &batch));
  EXPECT_FALSE(queue.PopBatch(10, 1 << 20, &batch));
}

}  // namespace
}  // namespace meridian::engine
