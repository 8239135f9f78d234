// Test helper: drives a StateMachine one command per batch at the times a
// test chooses, the way the sequencer would stamp them.
//
//   BatchHarness h;
//   CommandReply r = h.Run(EncodeCreateAccounts(accounts), time_ns);
//   EXPECT_TRUE(r.results.empty());
#ifndef MERIDIAN_ENGINE_TESTING_BATCHES_H_
#define MERIDIAN_ENGINE_TESTING_BATCHES_H_

#include <span>
#include <utility>
#include <vector>

#include "engine/state_machine.h"

namespace meridian::engine::testing {

class BatchHarness {
 public:
  explicit BatchHarness(StateMachineOptions options = {}) : state_(options) {}
  explicit BatchHarness(StateMachine state) : state_(std::move(state)) {}

  // Applies `command` alone in the next batch, stamped `time_ns`.
  CommandReply Run(const std::vector<uint8_t>& command, int64_t time_ns,
                   BatchOutput* output = nullptr) {
    journal::BatchHeader h{};
    h.seq = state_.applied_seq() + 1;
    h.first_command_index = state_.next_command_index();
    h.command_count = 1;
    h.time_ns = time_ns;
    std::span<const uint8_t> span(command);
    std::vector<CommandReply> replies;
    state_.Apply(h, std::span(&span, 1), &replies, output);
    return replies.at(0);
  }

  StateMachine& state() { return state_; }

 private:
  StateMachine state_;
};

}  // namespace meridian::engine::testing

#endif  // MERIDIAN_ENGINE_TESTING_BATCHES_H_
