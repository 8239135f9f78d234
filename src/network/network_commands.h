// Network command bodies and records: the bytes the journal keeps for the
// wallet interconnect's requests, and the records the engine answers with
// (reply payloads, webhook event payloads, snapshot records).
//
// The engine wraps each body in its command header (engine/command.h,
// types kCreateParticipant … kCloseWindow). Little-endian; strings a u32
// length then bytes; a currency its u16 ISO numeric code; a country its
// packed u16; a decimal its i128 at 10^-12 (two u64, low first):
//
//   participant   u128 id | u8 type | str name | u16 country | u16 currency
//                 | u16 settlement currency | str time zone | i64 cap |
//                 str authorize url | str notify url | u32 n (<=16) x str
//                 prefix | u32 fee bps | u32 CPM hold s | u128 key id |
//                 u128 endpoint id |
//                 i64 created
//   create participant  participant | 32-byte SHA-256 of the API key
//   merchant      u128 id | u128 acquirer | str reference | str name |
//                 u16 mcc | u16 country | str city | str postal code |
//                 u16 currency | str national qr | str national key |
//                 i64 created
//   order         u128 id | u128 merchant | u16 currency | i64 amount | str
//   reference |
//                 i64 created | i64 expires | u128 paid by
//   pricing       u16 payer cur | u16 merchant cur | i64 amount |
//                 i64 discount | u128 promotion | u128 funder | u128 fx
//                 quote | decimal rate | i64 payer | i64 fx fee | i64 fee
//   quote         u128 id | u128 wallet | u128 merchant | u128 order |
//                 pricing | i64 created | i64 expires | u128 used by
//   payment       u128 id | u8 kind | u128 wallet | u128 acquirer | u128
//                 merchant | u128 order | str merchant reference | str
//                 order reference | str request id | u128 quote |
//                 u128 user | u16 country | u8 tier | pricing | i64 usd |
//                 u8 status | u16 fail code | u128 case | u128 risk |
//                 u64 window | i64 created | i64 updated | i64 hold
//                 expires | 4 x i64 refunded (amount, payer, discount, fx
//                 fee) | u32 refunds | u32 n x u128 transfers
//   refund        u128 id | u128 payment | u128 acquirer | str request id |
//                 u16 merchant cur | u16 payer cur | 3 x i64 (amount, payer,
//                 discount) | i64 created | u32 n x u128 transfers
//
//   quote request u128 id | u128 wallet | u128 merchant | str national key
//                 | u128 order | u16 currency (0: the order's) | i64 amount
//                 | u16 payer currency | u128 user
//   MPM payment   u128 id | u128 wallet | str request id | u128 merchant |
//                 str national key | u128 order | u16 currency (0: the
//                 order's) | i64 amount | u128 quote | payer | str hold
//                 (a compliance hold-for-review body without transfers,
//                 empty when screening passed)
//   CPM payment   u128 id | u128 acquirer | str request id | u128 merchant
//                 | i64 amount | str code prefix (the code's first 12
//                 digits: the engine routes by it; the rest never enters
//                 the journal)
//   resolve       u128 payment | u128 by | u8 result (1 S, 2 F) | u8 source
//   refund req.   u128 id | u128 acquirer | str request id | u128 payment |
//                 u16 currency | i64 amount
//   cancel        u128 payment | u128 by
//   close window  u128 by
//   tick          u8 0 (any command gives a batch; this one only that,
//                 so that lapsed holds are seen on an idle hub)
//
// Decoders refuse malformed bytes with INVALID_PARAMETER (param
// "command"); they check shape and bounds, the engine checks meaning.
#ifndef MERIDIAN_NETWORK_NETWORK_COMMANDS_H_
#define MERIDIAN_NETWORK_NETWORK_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"
#include "core/status.h"
#include "network/network_book.h"

namespace meridian::network {

struct CreateParticipant {
  Participant participant;
  Sha256Digest key_hash{};
};

// A merchant is named by its id (the hub's code) or by the key of its
// national code (qr::NationalKey: "GUI|identifier"); the engine looks the
// key up.
struct QuoteRequest {
  u128 id = 0;
  u128 wallet = 0;
  u128 merchant = 0;
  std::string national_key;
  u128 order = 0;
  std::optional<Currency> currency;  // of the amount; nullopt: the order's
  int64_t amount_minor = 0;
  Currency payer_currency;
  u128 user = 0;  // 0: not known yet (per-user promotion limits then skip)
};

struct MpmPayment {
  u128 id = 0;
  u128 wallet = 0;
  std::string request_id;
  u128 merchant = 0;
  std::string national_key;
  u128 order = 0;
  std::optional<Currency> currency;  // of the amount; nullopt: the order's
  int64_t amount_minor = 0;
  u128 quote = 0;
  Payer payer;
  // A compliance hold-for-review body (compliance/cases.h) without
  // transfers: the payer matched a list; the engine holds the payment.
  std::vector<uint8_t> hold;
};

struct CpmPayment {
  u128 id = 0;
  u128 acquirer = 0;
  std::string request_id;
  u128 merchant = 0;
  int64_t amount_minor = 0;
  std::string code_prefix;
};

enum class ResolveSource : uint8_t {
  kAuthorize = 1,  // the wallet answered the hub's authorize call
  kConfirm = 2,    // the wallet confirmed later through the API
  kInquiry = 3,    // the hub's inquiry got the answer
};

struct ResolveCpm {
  u128 payment = 0;
  u128 by = 0;
  bool success = false;
  ResolveSource source = ResolveSource::kAuthorize;
};

struct RefundRequest {
  u128 id = 0;
  u128 acquirer = 0;
  std::string request_id;
  u128 payment = 0;
  Currency currency;  // must be the payment's merchant currency
  int64_t amount_minor = 0;
};

struct CancelPayment {
  u128 payment = 0;
  u128 by = 0;
};

// Records.
void WriteParticipant(ByteWriter& w, const Participant& p);
std::optional<Participant> ReadParticipant(ByteReader& r);
void WriteMerchant(ByteWriter& w, const Merchant& m);
std::optional<Merchant> ReadMerchant(ByteReader& r);
void WriteOrder(ByteWriter& w, const Order& o);
std::optional<Order> ReadOrder(ByteReader& r);
void WriteNetQuote(ByteWriter& w, const NetQuote& q);
std::optional<NetQuote> ReadNetQuote(ByteReader& r);
void WritePayment(ByteWriter& w, const Payment& p);
std::optional<Payment> ReadPayment(ByteReader& r);
void WriteRefund(ByteWriter& w, const Refund& f);
std::optional<Refund> ReadRefund(ByteReader& r);

// A whole record as bytes (reply payloads, event payloads) and back.
template <typename T, void (*WriteFn)(ByteWriter&, const T&)>
std::vector<uint8_t> EncodeRecord(const T& v) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  WriteFn(w, v);
  return out;
}
inline std::vector<uint8_t> EncodeParticipant(const Participant& p) {
  return EncodeRecord<Participant, WriteParticipant>(p);
}
inline std::vector<uint8_t> EncodeMerchant(const Merchant& m) {
  return EncodeRecord<Merchant, WriteMerchant>(m);
}
inline std::vector<uint8_t> EncodeOrder(const Order& o) {
  return EncodeRecord<Order, WriteOrder>(o);
}
inline std::vector<uint8_t> EncodeNetQuote(const NetQuote& q) {
  return EncodeRecord<NetQuote, WriteNetQuote>(q);
}
inline std::vector<uint8_t> EncodePayment(const Payment& p) {
  return EncodeRecord<Payment, WritePayment>(p);
}
inline std::vector<uint8_t> EncodeRefund(const Refund& f) {
  return EncodeRecord<Refund, WriteRefund>(f);
}
Result<Participant> DecodeParticipant(std::span<const uint8_t> bytes);
Result<Merchant> DecodeMerchant(std::span<const uint8_t> bytes);
Result<Order> DecodeOrder(std::span<const uint8_t> bytes);
Result<NetQuote> DecodeNetQuote(std::span<const uint8_t> bytes);
Result<Payment> DecodePayment(std::span<const uint8_t> bytes);
Result<Refund> DecodeRefund(std::span<const uint8_t> bytes);

// Command bodies.
std::vector<uint8_t> EncodeCreateParticipant(const CreateParticipant& c);
Result<CreateParticipant> DecodeCreateParticipant(
    std::span<const uint8_t> body);
std::vector<uint8_t> EncodeQuoteRequest(const QuoteRequest& q);
Result<QuoteRequest> DecodeQuoteRequest(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeMpmPayment(const MpmPayment& p);
Result<MpmPayment> DecodeMpmPayment(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeCpmPayment(const CpmPayment& p);
Result<CpmPayment> DecodeCpmPayment(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeResolveCpm(const ResolveCpm& r);
Result<ResolveCpm> DecodeResolveCpm(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeRefundRequest(const RefundRequest& r);
Result<RefundRequest> DecodeRefundRequest(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeCancelPayment(const CancelPayment& c);
Result<CancelPayment> DecodeCancelPayment(std::span<const uint8_t> body);
std::vector<uint8_t> EncodeCloseWindow(u128 by);
inline std::vector<uint8_t> EncodeTick() { return {0}; }
Result<u128> DecodeCloseWindow(std::span<const uint8_t> body);

}  // namespace meridian::network

#endif  // MERIDIAN_NETWORK_NETWORK_COMMANDS_H_
