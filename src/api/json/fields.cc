#include "api/json/fields.h"

#include <string>

namespace meridian::json {
namespace {

// Core errors name a generic param ("currency", "amount.value"); requests
// need the full path of the field.
Error WithParam(Error error, std::string param) {
  error.param = std::move(param);
  return error;
}

Result<Currency> ParseCurrency(ObjectReader& amount) {
  const std::string param = amount.FieldPath("currency");
  // No tight length limit here: a wrong code of any length deserves the
  // currency message rather than a generic one (the body size bounds it).
  auto text = amount.String("currency", kMaxBodyBytes, 0);
  if (!text.ok()) {
    if (text.error().code != ErrorCode::kINVALID_PARAMETER) return text.error();
    return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, param,
                     "must be an ISO 4217 alphabetic code as a string, such "
                     "as \"USD\"");
  }
  Result<Currency> currency = Currency::FromCode(*text);
  if (!currency.ok()) return WithParam(currency.error(), param);
  return currency;
}

}  // namespace

Result<Amount> ParseAmountObject(ObjectReader& amount) {
  MERIDIAN_ASSIGN_OR_RETURN(Currency currency, ParseCurrency(amount));
  const std::string param = amount.FieldPath("value");
  auto value = amount.String("value", kMaxBodyBytes, 0);
  if (!value.ok()) {
    if (value.error().code != ErrorCode::kINVALID_PARAMETER) {
      return value.error();
    }
    return MakeError(ErrorCode::kINVALID_AMOUNT, param,
                     "must be a string of minor units, such as \"35000\" for "
                     "350.00 THB; " +
                         value.error().message);
  }
  Result<Amount> parsed = Amount::Parse(currency, *value);
  if (!parsed.ok()) return WithParam(parsed.error(), param);
  MERIDIAN_RETURN_IF_ERROR(amount.Finish());
  return parsed;
}

Result<Amount> ParseAmountField(ObjectReader& reader, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(ObjectReader amount, reader.Object(key));
  return ParseAmountObject(amount);
}

Result<std::optional<Amount>> ParseOptionalAmountField(ObjectReader& reader,
                                                       std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<ObjectReader> amount,
                            reader.OptionalObject(key));
  if (!amount) return std::optional<Amount>();
  MERIDIAN_ASSIGN_OR_RETURN(Amount parsed, ParseAmountObject(*amount));
  return std::optional<Amount>(parsed);
}

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string_view> ParseRequestIdField(ObjectReader& reader,
                                             std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view id,
                            reader.String(key, kMaxRequestIdLength));
  if (!ValidRequestId(id)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, reader.FieldPath(key),
                     "a request id is 1 to 64 characters of A-Z, a-z, 0-9, "
                     "'_' and '-'; a UUID works");
  }
  return id;
}

Result<u128> ParseIdField(ObjectReader& reader, std::string_view key,
                          IdKind kind) {
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<u128> id,
                            ParseOptionalIdField(reader, key, kind));
  if (id) return *id;
  // Present but null: refused like any required field sent without a value.
  if (reader.Has(key)) {
    return MakeError(ErrorCode::kINVALID_ID, reader.FieldPath(key),
                     "must be a " + std::string(IdPrefix(kind)) +
                         "_ id as a string, not null");
  }
  return MakeError(
      ErrorCode::kMISSING_PARAMETER, reader.FieldPath(key),
      "this field is required: send a " + std::string(IdPrefix(kind)) + "_ id");
}

Result<std::optional<u128>> ParseOptionalIdField(ObjectReader& reader,
                                                 std::string_view key,
                                                 IdKind kind) {
  // ParseId explains wrong lengths better than a string limit would; the
  // body size bounds the text.
  auto text = reader.OptionalString(key, kMaxBodyBytes, 0);
  if (!text.ok()) {
    return MakeError(ErrorCode::kINVALID_ID, text.error().param,
                     "must be a " + std::string(IdPrefix(kind)) +
                         "_ id as a string; " + text.error().message);
  }
  if (!*text) return std::optional<u128>();
  MERIDIAN_ASSIGN_OR_RETURN(u128 id,
                            ParseId(kind, **text, reader.FieldPath(key)));
  return std::optional<u128>(id);
}

}  // namespace meridian::json
