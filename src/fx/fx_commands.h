// FX command bodies and records: the bytes the journal keeps for FX
// requests and the records the engine answers with.
//
// The engine wraps each body in its command header (engine/command.h,
// types kSetFxRates … kSetInterestRates). Little-endian; a currency is its
// u16 ISO 4217 numeric code (0: "any" in a corridor); a decimal its signed
// i128 count of 10^-12; strings a u32 length then bytes (core/bytes.h):
//
//   rate update      u16 base | i64 as-of ns | str source (<=32) |
//                    u32 n (1..200) | n x (u16 currency | i128 rate)
//   pricing          i64 stale-after ns | u16 reporting |
//                    u32 n (<=256) x (u16 sell | u16 buy | u32 spread bps |
//                                     u32 fee bps) |
//                    4 x i32 tier bps | u32 n (<=16) x (i64 from minor |
//                    i32 bps) | 5 x i32 validity bps |
//                    u32 n (<=100,000) x (u128 principal | u8 tier)
//   interest update  i64 as-of ns | u32 n (1..200) x (u16 currency |
//                    i128 rate)
//   quote request    u128 id | u128 principal | u16 sell | u16 buy |
//                    u8 fixed sell | i64 amount minor | u8 validity
//   conversion req.  u128 id | u128 principal | u128 quote | u128 from |
//                    u128 to | u8 as operator
//   quote record     the request's fields, then i128 mid | i128 rate |
//                    u32 spread | u32 fee bps | 3 x i64 (sell, buy, fee) |
//                    i64 created | i64 expires | u8 state | u128 conversion
//   conversion rec.  u128 id, principal, quote, from, to | u16 sell | u16 buy
//                    | i128 mid | i128 rate | 3 x i64 (sell, buy, fee) |
//                    i64 created | 3 x u128 transfer ids
//
// Decoders refuse malformed bytes with INVALID_PARAMETER (param "command");
// they check shape and ranges, not meaning (FxState does that).
#ifndef MERIDIAN_FX_FX_COMMANDS_H_
#define MERIDIAN_FX_FX_COMMANDS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "fx/fx_state.h"

namespace meridian::fx {

std::vector<uint8_t> EncodeRateUpdate(const RateUpdate& u);
std::vector<uint8_t> EncodePricing(const PricingConfig& p);
std::vector<uint8_t> EncodeInterestUpdate(const InterestUpdate& u);
std::vector<uint8_t> EncodeQuoteRequest(const QuoteRequest& q);
std::vector<uint8_t> EncodeConversionRequest(const ConversionRequest& c);
std::vector<uint8_t> EncodeQuote(const Quote& q);
std::vector<uint8_t> EncodeConversion(const Conversion& c);

Result<RateUpdate> DecodeRateUpdate(std::span<const uint8_t> body);
Result<PricingConfig> DecodePricing(std::span<const uint8_t> body);
Result<InterestUpdate> DecodeInterestUpdate(std::span<const uint8_t> body);
Result<QuoteRequest> DecodeQuoteRequest(std::span<const uint8_t> body);
Result<ConversionRequest> DecodeConversionRequest(
    std::span<const uint8_t> body);
Result<Quote> DecodeQuote(std::span<const uint8_t> bytes);
Result<Conversion> DecodeConversion(std::span<const uint8_t> bytes);

// The pieces, for FxState's snapshot section.
void WritePricing(ByteWriter& w, const PricingConfig& p);
bool ReadPricing(ByteReader& r, PricingConfig* p);
void WriteQuote(ByteWriter& w, const Quote& q);
bool ReadQuote(ByteReader& r, Quote* q);
void WriteCurrency(ByteWriter& w, Currency c);
bool ReadCurrency(ByteReader& r, Currency* c);
void WriteI128(ByteWriter& w, i128 v);
bool ReadI128(ByteReader& r, i128* v);

}  // namespace meridian::fx

#endif  // MERIDIAN_FX_FX_COMMANDS_H_
