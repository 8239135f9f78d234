#include "engine/api_state.h"

#include <gtest/gtest.h>

#include "engine/api_commands.h"
#include "engine/command.h"
#include "engine/state_machine.h"
#include "engine/testing/batches.h"

namespace meridian::engine {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

using Harness = testing::BatchHarness;

Sha256Digest Hash(std::string_view body) { return Sha256(body); }

std::vector<uint8_t> Keyed(u128 principal, std::string_view key,
                           std::string_view body,
                           const std::vector<uint8_t>& inner) {
  Envelope e;
  e.principal = principal;
  e.key_fingerprint = RequestKeyFingerprint(principal, "test", key);
  e.body_hash = Hash(body);
  e.request_key = std::string(key);
  return EncodeIdempotent(e, inner);
}

TEST(ApiStateTest, OneOperatorAndKeysNeedAPrincipal) {
  Harness h;
  PrincipalSpec op{1, PrincipalKind::kOperator, SignatureAlgorithm::kNone, "op",
                   ""};
  EXPECT_TRUE(h.Run(EncodeCreatePrincipal(op), kSecond).status.ok());
  op.id = 2;
  EXPECT_EQ(h.Run(EncodeCreatePrincipal(op), kSecond).status.code(),
            ErrorCode::kINVALID_PARAMETER);
  ApiKeySpec key{10, 99, Hash("sk_x")};
  EXPECT_EQ(h.Run(EncodeCreateApiKey(key), kSecond).status.code(),
            ErrorCode::kNOT_FOUND);
  key.principal = 1;
  CommandReply r = h.Run(EncodeCreateApiKey(key), kSecond);
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.object_id, u128{10});
  EXPECT_EQ(h.Run(EncodeRevokeApiKey({10, 2}), kSecond).status.code(),
            ErrorCode::kNOT_FOUND);  // not its key
  EXPECT_TRUE(h.Run(EncodeRevokeApiKey({10, 1}), kSecond).status.ok());
  EXPECT_TRUE(h.state().api().keys().at(10).revoked);
}

TEST(ApiStateTest, IdempotentRepeatsAnswerTheFirstReply) {
  Harness h;
  PrincipalSpec p{1, PrincipalKind::kParticipant, SignatureAlgorithm::kNone,
                  "w", ""};
  ASSERT_TRUE(h.Run(EncodeCreatePrincipal(p), kSecond).status.ok());
  WebhookEndpointSpec ep{50, 1, EventMaskBit(EventType::kWebhookTest),
                         "http://x"};
  CommandReply first =
      h.Run(Keyed(1, "req-1", "{a}", EncodeCreateWebhookEndpoint(ep)), kSecond);
  ASSERT_TRUE(first.status.ok());
  EXPECT_FALSE(first.replayed);
  // A second attempt with a fresh gateway-made id still gets the first one.
  ep.id = 51;
  CommandReply again = h.Run(
      Keyed(1, "req-1", "{a}", EncodeCreateWebhookEndpoint(ep)), 2 * kSecond);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.object_id, u128{50});
  EXPECT_EQ(again.batch_seq, first.batch_seq);
  EXPECT_EQ(again.first_timestamp, first.first_timestamp);
  EXPECT_EQ(h.state().api().endpoints().size(), 1u);
  // Same id, other body: refused, nothing changes.
  CommandReply changed = h.Run(
      Keyed(1, "req-1", "{b}", EncodeCreateWebhookEndpoint(ep)), 3 * kSecond);
  EXPECT_EQ(changed.status.code(), ErrorCode::kREPEAT_REQ_INCONSISTENT);
  EXPECT_EQ(h.state().api().endpoints().size(), 1u);
  // Failures are remembered too (they are final).
  CommandReply gone =
      h.Run(Keyed(1, "req-2", "{c}", EncodeDeleteWebhookEndpoint({77, 1})),
            kSecond * 4);
  EXPECT_EQ(gone.status.code(), ErrorCode::kNOT_FOUND);
  CommandReply gone_again =
      h.Run(Keyed(1, "req-2", "{c}", EncodeDeleteWebhookEndpoint({77, 1})),
            kSecond * 5);
  EXPECT_TRUE(gone_again.replayed);
  EXPECT_EQ(gone_again.status.ToString(), gone.status.ToString());
}

TEST(ApiStateTest, EntriesLeaveAfterTheRetentionAndSurviveSnapshots) {
  StateMachineOptions options;
  options.api_limits.idempotency_retention_ns = 10 * kSecond;
  options.api_limits.max_idempotency_entries = 2;
  Harness h(options);
  PrincipalSpec p{1, PrincipalKind::kParticipant, SignatureAlgorithm::kNone,
                  "w", ""};
  ASSERT_TRUE(h.Run(EncodeCreatePrincipal(p), kSecond).status.ok());
  auto revoke = EncodeRevokeApiKey({5, 1});
  h.Run(Keyed(1, "a", "{}", revoke), kSecond);
  h.Run(Keyed(1, "b", "{}", revoke), 2 * kSecond);
  EXPECT_EQ(h.Run(Keyed(1, "c", "{}", revoke), 3 * kSecond).status.code(),
            ErrorCode::kIDEMPOTENCY_FULL);
  std::vector<uint8_t> bytes = h.state().Serialize();
  Result<StateMachine> copy = StateMachine::Deserialize(bytes, options);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->StateHash(), h.state().StateHash());
  EXPECT_EQ(copy->api().idempotency_entries(), 2u);
  // 10 s after "a": it leaves, "c" fits, "a" is new again.
  EXPECT_TRUE(h.Run(Keyed(1, "c", "{}", revoke), 11 * kSecond).status.code() ==
              ErrorCode::kNOT_FOUND);
  EXPECT_EQ(h.state().api().idempotency_entries(), 2u);
  EXPECT_FALSE(h.Run(Keyed(1, "a", "{x}", revoke), 13 * kSecond).replayed);
}

TEST(ApiStateTest, EventsStayPendingUntilDeliveredOrOutOfAttempts) {
  StateMachineOptions options;
  options.api_limits.max_delivery_attempts = 2;
  Harness h(options);
  PrincipalSpec p{1, PrincipalKind::kParticipant, SignatureAlgorithm::kNone,
                  "w", ""};
  ASSERT_TRUE(h.Run(EncodeCreatePrincipal(p), kSecond).status.ok());
  ASSERT_TRUE(h.Run(EncodeCreateWebhookEndpoint(
                        {50, 1, EventMaskBit(EventType::kWebhookTest), "u1"}),
                    kSecond)
                  .status.ok());
  ASSERT_TRUE(h.Run(EncodeCreateWebhookEndpoint(
                        {51, 1, EventMaskBit(EventType::kWebhookTest), "u2"}),
                    kSecond)
                  .status.ok());
  BatchOutput out;
  CommandReply r = h.Run(EncodeSendTestEvent({50, 1}), 2 * kSecond, &out);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(out.api.events.size(), 1u);
  ASSERT_EQ(out.api.events[0].deliveries.size(), 1u);  // only endpoint 50
  u128 event = r.object_id;
  EXPECT_EQ(h.state().api().pending_events().size(), 1u);
  DeliveryResult fail{event, 50, false, 500, 9 * kSecond};
  h.Run(EncodeRecordDeliveries(std::span(&fail, 1)), 3 * kSecond, &out);
  EXPECT_EQ(h.state().api().pending_events().at(event).deliveries[0].attempts,
            1);
  EXPECT_EQ(out.api.events.size(), 1u);  // the new schedule
  h.Run(EncodeRecordDeliveries(std::span(&fail, 1)), 4 * kSecond, &out);
  EXPECT_TRUE(h.state().api().pending_events().empty());
  ASSERT_EQ(out.api.events_finished.size(), 1u);
  EXPECT_EQ(out.api.events_finished[0].deliveries[0].state,
            DeliveryState::kFailed);
  // A late duplicate report is ignored.
  EXPECT_TRUE(h.Run(EncodeRecordDeliveries(std::span(&fail, 1)), 5 * kSecond)
                  .status.ok());
}

}  // namespace
}  // namespace meridian::engine
