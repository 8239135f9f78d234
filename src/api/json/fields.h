// Parsers for the API's domain fields (amounts, ids, client request ids) on
// top of ObjectReader, so every handler refuses bad input with the same
// codes, params and messages.
//
//   MERIDIAN_ASSIGN_OR_RETURN(Amount amount, ParseAmountField(r, "amount"));
//   MERIDIAN_ASSIGN_OR_RETURN(std::string_view request_id,
//                             ParseRequestIdField(r, "paymentRequestId"));
//   MERIDIAN_ASSIGN_OR_RETURN(
//       u128 account, ParseIdField(r, "accountId", IdKind::kAccount));
//
// Contract (spec/api.md "Amounts, ids, time"):
// - An amount is an object with exactly the fields "currency" and "value".
//   The currency must be a current ISO 4217 alphabetic code in upper case,
//   else CURRENCY_NOT_SUPPORTED with param "<field>.currency". The value must
//   be a string of 1 to 18 decimal digits with no sign, fraction or leading
//   zero (except "0"), else INVALID_AMOUNT with param "<field>.value" (also
//   when it is not a string: `35000` instead of `"35000"` is the usual
//   mistake). A missing part is MISSING_PARAMETER; any other field in the
//   object is UNKNOWN_PARAMETER.
// - A client request id is 1 to 64 characters of [A-Za-z0-9_-], else
//   INVALID_PARAMETER.
// - Ids carry their type prefix (core/id.h); anything else is INVALID_ID.
// Params are full paths, e.g. "transfers[3].amount.value".
#ifndef MERIDIAN_API_JSON_FIELDS_H_
#define MERIDIAN_API_JSON_FIELDS_H_

#include <optional>
#include <string_view>

#include "api/json/json_reader.h"
#include "core/amount.h"
#include "core/id.h"
#include "core/int128.h"
#include "core/status.h"

namespace meridian::json {

inline constexpr size_t kMaxRequestIdLength = 64;

Result<Amount> ParseAmountField(ObjectReader& reader, std::string_view key);
Result<std::optional<Amount>> ParseOptionalAmountField(ObjectReader& reader,
                                                       std::string_view key);
// The amount object itself (e.g. an array item); it is Finish()ed.
Result<Amount> ParseAmountObject(ObjectReader& amount);

// 1 to 64 characters of [A-Za-z0-9_-].
bool ValidRequestId(std::string_view id);
Result<std::string_view> ParseRequestIdField(ObjectReader& reader,
                                             std::string_view key);

Result<u128> ParseIdField(ObjectReader& reader, std::string_view key,
                          IdKind kind);
Result<std::optional<u128>> ParseOptionalIdField(ObjectReader& reader,
                                                 std::string_view key,
                                                 IdKind kind);

}  // namespace meridian::json

#endif  // MERIDIAN_API_JSON_FIELDS_H_
