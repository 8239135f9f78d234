// Currency: one of the current ISO 4217 currencies, as a 2-byte value.
//
// The table of currencies is compiled in (currency.cc) so that lookups never
// allocate, never fail at start-up and never depend on a file being present.
// It lists every code ISO 4217 publishes as current, including the funds,
// precious-metal and testing codes (XAU, XDR, XTS, XXX, ...): which of them a
// deployment accepts for payments is policy, decided above this layer.
//
//   Result<Currency> usd = Currency::FromCode("USD");
//   usd->minor_units();   // 2: amounts are counted in cents
//   usd->numeric();       // 840
//   usd->ledger();        // 840: each currency is its own ledger
//   Currency::FromCode("usd");  // CURRENCY_NOT_SUPPORTED: codes are upper case
//
// A Currency is an index into the table, so it is only meaningful inside one
// build: persist code() or numeric(), never the raw bytes. Currencies compare
// (==, <=>) in the order of their alphabetic codes.
//
// A default-constructed Currency is XXX, ISO's code for "no currency". No
// money is ever in XXX, so a field that was never set fails every
// same-currency check instead of passing as some real currency.
#ifndef MERIDIAN_CORE_CURRENCY_H_
#define MERIDIAN_CORE_CURRENCY_H_

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/status.h"

namespace meridian {

class Currency {
 public:
  // Number of currencies in the table (the current ISO 4217 list).
  static constexpr size_t kCount = 178;

  // XXX: see the file comment.
  constexpr Currency() : index_(kXxxIndex) {}

  // `alpha3` must be a current ISO 4217 alphabetic code in upper case
  // ("USD"). Anything else is CURRENCY_NOT_SUPPORTED with param "currency".
  static Result<Currency> FromCode(std::string_view alpha3);
  // `numeric` must be a current ISO 4217 numeric code (840 for USD).
  // Anything else is CURRENCY_NOT_SUPPORTED with param "currency".
  static Result<Currency> FromNumeric(uint16_t numeric);

  // Every currency in the table, sorted by alphabetic code.
  static std::span<const Currency> All();

  // "USD".
  std::string_view code() const;
  // 840 for USD; 1..999.
  uint16_t numeric() const;
  // Decimal places of the minor unit: 2 for USD, 0 for JPY, 3 for BHD. 0 for
  // currencies without a minor unit (ISO "N.A.": XAU, XDR, ...), which
  // has_minor_units() tells apart from the currencies whose scale is 0.
  int minor_units() const;
  bool has_minor_units() const;
  // ISO's English name ("US Dollar"), UTF-8.
  std::string_view name() const;
  // The ledger that holds this currency's accounts: the numeric code.
  uint32_t ledger() const { return numeric(); }

  friend constexpr bool operator==(Currency, Currency) = default;
  friend constexpr std::strong_ordering operator<=>(Currency,
                                                    Currency) = default;

 private:
  friend struct CurrencyTable;

  // Position of XXX in the sorted table; currency.cc checks it at compile
  // time.
  static constexpr uint16_t kXxxIndex = 173;

  constexpr explicit Currency(uint16_t index) : index_(index) {}

  uint16_t index_;
};

static_assert(sizeof(Currency) <= 4);
static_assert(std::is_trivially_copyable_v<Currency>);

// Writes the alphabetic code ("USD").
std::ostream& operator<<(std::ostream& os, Currency currency);

}  // namespace meridian

#endif  // MERIDIAN_CORE_CURRENCY_H_
