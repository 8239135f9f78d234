// Render: the JSON the API answers with, in one place, so that a first
// answer and its idempotent repeat come out byte for byte the same (both
// are rendered from the engine's reply, never from gateway state).
//
//   std::string body;
//   json::JsonWriter w(&body);
//   w.BeginObject();
//   WriteResult(w, Status::Ok());
//   w.Key("account"); WriteAccount(w, account);
//   w.EndObject();
#ifndef MERIDIAN_API_RENDER_H_
#define MERIDIAN_API_RENDER_H_

#include <string>

#include "api/http/request.h"
#include "api/json/json_writer.h"
#include "compliance/cases.h"
#include "core/status.h"
#include "engine/api_state.h"
#include "fx/fx_state.h"
#include "network/network_book.h"
#include "network/promotions.h"
#include "ledger/types.h"

namespace meridian::api {

// "result": {"status":"S|F|U","code":...,"message":...,"param"?}
void WriteResult(json::JsonWriter& w, const Status& status);
void WriteResult(json::JsonWriter& w, ErrorCode code, std::string_view param,
                 std::string_view message);
// A whole error answer: status from the code table, body {"result":{...}}.
http::Response ErrorResponse(const Error& error);
http::Response JsonResponse(int status, std::string body);

std::string Rfc3339(int64_t unix_ns);
void WriteAccount(json::JsonWriter& w, const ledger::Account& a);
void WriteTransfer(json::JsonWriter& w, const ledger::Transfer& t);
void WritePrincipal(json::JsonWriter& w, const engine::Principal& p);
void WriteEndpoint(json::JsonWriter& w, const engine::WebhookEndpoint& e);
// The webhook body: {"id","type","createdAt","data":{...}}.
std::string EventBody(const engine::Event& e);
// The API's view of an event: the body's fields plus its deliveries.
void WriteEventWithDeliveries(json::JsonWriter& w, const engine::Event& e);

// {"currency": "USD", "value": "-1234"}: a signed amount of minor units.
void WriteMinorAmount(json::JsonWriter& w, std::string_view key,
                      Currency currency, i128 minor);
// A quote as of `now_ns` (its status: OPEN, USED or EXPIRED).
void WriteFxQuote(json::JsonWriter& w, const fx::Quote& q, int64_t now_ns);
void WriteFxConversion(json::JsonWriter& w, const fx::Conversion& c);
void WriteCase(json::JsonWriter& w, const compliance::Case& c);
// The wallet interconnect's records (network_render.cc).
void WriteNetworkParticipant(json::JsonWriter& w, const network::Participant& p);
void WriteNetworkMerchant(json::JsonWriter& w, const network::Merchant& m,
                          std::string_view code_value);
void WriteNetworkOrder(json::JsonWriter& w, const network::Order& o,
                       std::string_view code_value);
void WriteNetworkQuote(json::JsonWriter& w, const network::NetQuote& q);
void WriteNetworkPayment(json::JsonWriter& w, const network::Payment& p);
void WriteNetworkRefund(json::JsonWriter& w, const network::Refund& f);
void WriteNetworkPromotion(json::JsonWriter& w, const network::Promotion& p,
                           int64_t now_ns);

std::string_view AccountFlagName(uint16_t bit);
std::string_view TransferFlagName(uint16_t bit);
std::string_view PendingStateName(ledger::PendingState s);

}  // namespace meridian::api

#endif  // MERIDIAN_API_RENDER_H_
