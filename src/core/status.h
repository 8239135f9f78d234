// Status and Result<T>: how Meridian reports failure without exceptions.
//
// Every failure carries a stable code from the one table below (the API, the
// docs and the tests all read it from here), the field at fault (`param`,
// empty when there is none) and a message that tells the caller what to do.
//
//   Result<Amount> ParseAmount(std::string_view text);
//
//   Result<Amount> amount = ParseAmount("12345");
//   if (!amount.ok()) return amount.error();
//   MERIDIAN_ASSIGN_OR_RETURN(Amount a, ParseAmount(text));
//   MERIDIAN_RETURN_IF_ERROR(journal.Append(batch));
#ifndef MERIDIAN_CORE_STATUS_H_
#define MERIDIAN_CORE_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/assert.h"

namespace meridian {

// The one table of stable error codes: X(CODE, http_status, outcome).
// outcome is the API result status: 'F' final failure, 'U' unknown.
// Never renumber or rename a code: clients match on the text.
#define MERIDIAN_ERROR_CODES(X)        \
  X(SUCCESS, 200, 'S')                 \
  X(INVALID_PARAMETER, 400, 'F')       \
  X(INVALID_AMOUNT, 400, 'F')          \
  X(CURRENCY_NOT_SUPPORTED, 400, 'F')  \
  X(INVALID_ID, 400, 'F')              \
  X(BODY_TOO_LARGE, 413, 'F')          \
  X(UNAUTHENTICATED, 401, 'F')         \
  X(ACCESS_DENIED, 403, 'F')           \
  X(NOT_FOUND, 404, 'F')               \
  X(REPEAT_REQ_INCONSISTENT, 409, 'F') \
  X(REQUEST_IN_FLIGHT, 409, 'U')       \
  X(INSUFFICIENT_BALANCE, 422, 'F')    \
  X(AMOUNT_OVERFLOW, 422, 'F')         \
  X(RATE_LIMITED, 429, 'U')            \
  X(QUEUE_FULL, 503, 'U')              \
  X(SHUTTING_DOWN, 503, 'U')           \
  X(IO_ERROR, 500, 'U')                \
  X(DATA_CORRUPTED, 500, 'U')          \
  X(INTERNAL_ERROR, 500, 'U')          \
  X(INVALID_JSON, 400, 'F')            \
  X(MISSING_PARAMETER, 400, 'F')       \
  X(UNKNOWN_PARAMETER, 400, 'F')       \
  X(METHOD_NOT_ALLOWED, 405, 'F')      \
  X(REQUEST_TIMEOUT, 408, 'U')         \
  X(UNSUPPORTED_MEDIA_TYPE, 415, 'F')  \
  X(HEADERS_TOO_LARGE, 431, 'F')       \
  X(TOO_MANY_CONNECTIONS, 503, 'U')    \
  X(INVALID_SIGNATURE, 401, 'F')       \
  X(REQUEST_TIME_EXPIRED, 401, 'F')    \
  X(IDEMPOTENCY_FULL, 503, 'U')        \
  X(LEDGER_REJECTED, 422, 'F')         \
  X(NOT_READY, 503, 'U')               \
  X(RATE_UNAVAILABLE, 422, 'F')        \
  X(RATE_STALE, 422, 'F')              \
  X(QUOTE_EXPIRED, 422, 'F')           \
  X(QUOTE_ALREADY_USED, 409, 'F')      \
  X(CASE_ALREADY_DECIDED, 409, 'F')    \
  X(HELD_FOR_REVIEW, 202, 'U')         \
  X(LIMIT_EXCEEDED, 422, 'F')          \
  X(OUTCOME_ALREADY_RECORDED, 409, 'F') \
  X(QR_MALFORMED, 400, 'F')             \
  X(QR_CRC_MISMATCH, 400, 'F')          \
  X(QR_FIELD_MISSING, 400, 'F')         \
  X(QR_FIELD_INVALID, 400, 'F')         \
  X(QR_CURRENCY_UNKNOWN, 400, 'F')      \
  X(QR_MERCHANT_UNKNOWN, 404, 'F')      \
  X(QR_EXPIRED, 422, 'F')               \
  X(CUSTOMER_CODE_UNKNOWN, 404, 'F')    \
  X(NET_DEBIT_CAP_EXCEEDED, 422, 'F')   \
  X(RISK_DECLINED, 422, 'F')            \
  X(PAYMENT_NOT_CANCELLABLE, 409, 'F')  \
  X(PAYMENT_NOT_REFUNDABLE, 409, 'F')   \
  X(REFUND_AMOUNT_EXCEEDED, 422, 'F')   \
  X(PAYMENT_ALREADY_FINAL, 409, 'F')    \
  X(WALLET_DECLINED, 422, 'F')          \
  X(HOLD_EXPIRED, 422, 'F')             \
  X(COMPLIANCE_REJECTED, 422, 'F')      \
  X(PAYMENT_PROCESSING, 202, 'U')

enum class ErrorCode : uint16_t {
#define MERIDIAN_ERROR_ENUM(name, http, outcome) k##name,
  MERIDIAN_ERROR_CODES(MERIDIAN_ERROR_ENUM)
#undef MERIDIAN_ERROR_ENUM
};

#define MERIDIAN_ERROR_COUNT(name, http, outcome) +1
inline constexpr size_t kErrorCodeCount =
    0 MERIDIAN_ERROR_CODES(MERIDIAN_ERROR_COUNT);
#undef MERIDIAN_ERROR_COUNT

// "INVALID_AMOUNT" for ErrorCode::kINVALID_AMOUNT.
std::string_view ErrorCodeName(ErrorCode code);
int ErrorCodeHttpStatus(ErrorCode code);
char ErrorCodeOutcome(ErrorCode code);
std::optional<ErrorCode> ErrorCodeFromName(std::string_view name);

struct Error {
  ErrorCode code = ErrorCode::kINTERNAL_ERROR;
  std::string param;    // the field at fault, or empty
  std::string message;  // what happened and what to do about it

  // "INVALID_AMOUNT (amount.value): the value must be ..."
  std::string ToString() const;
};

Error MakeError(ErrorCode code, std::string param, std::string message);

// Ok, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit
  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  const Error& error() const {
    MERIDIAN_CHECK(error_.has_value());
    return *error_;
  }
  ErrorCode code() const { return ok() ? ErrorCode::kSUCCESS : error_->code; }
  std::string ToString() const { return ok() ? "OK" : error_->ToString(); }

 private:
  std::optional<Error> error_;
};

// A value, or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : value_(std::move(error)) {}  // NOLINT: implicit
  Result(Status status) : value_(status.error()) {}  // NOLINT: must be !ok

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Error& error() const {
    MERIDIAN_CHECK(!ok());
    return std::get<Error>(value_);
  }
  Status status() const { return ok() ? Status() : Status(error()); }

  const T& value() const& {
    MERIDIAN_CHECK(ok()) << std::get<Error>(value_).ToString();
    return std::get<T>(value_);
  }
  T& value() & {
    MERIDIAN_CHECK(ok()) << std::get<Error>(value_).ToString();
    return std::get<T>(value_);
  }
  T&& value() && {
    MERIDIAN_CHECK(ok()) << std::get<Error>(value_).ToString();
    return std::get<T>(std::move(value_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Error> value_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace meridian

#define MERIDIAN_CONCAT_INNER(a, b) a##b
#define MERIDIAN_CONCAT(a, b) MERIDIAN_CONCAT_INNER(a, b)

#define MERIDIAN_RETURN_IF_ERROR(expr)                           \
  do {                                                           \
    ::meridian::Status _meridian_status =                        \
        ::meridian::internal::AsStatus(expr);                    \
    if (!_meridian_status.ok()) return _meridian_status.error(); \
  } while (0)

#define MERIDIAN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.error();                   \
  lhs = std::move(tmp).value()

#define MERIDIAN_ASSIGN_OR_RETURN(lhs, expr)                                   \
  MERIDIAN_ASSIGN_OR_RETURN_IMPL(MERIDIAN_CONCAT(_meridian_result_, __LINE__), \
                                 lhs, expr)

#endif  // MERIDIAN_CORE_STATUS_H_
