#include "core/currency.h"

#include <algorithm>
#include <array>
#include <ostream>
#include <string>

namespace meridian {
namespace {

// ISO "N.A.": the currency has no minor unit (XAU, XDR, ...).
constexpr int8_t kNoMinorUnits = -1;

struct CurrencyInfo {
  std::string_view code;
  uint16_t numeric;
  int8_t minor_units;  // kNoMinorUnits, or 0..4
  std::string_view name;
};

// The current ISO 4217 currencies, sorted by alphabetic code. Generated from
// ISO's list (a code used by several countries appears once) and checked
// against it by currency_test.cc; edit by hand when ISO publishes an
// amendment, keeping the order.
constexpr std::array<CurrencyInfo, Currency::kCount> kTable = {{
    {"AED", 784, 2, "UAE Dirham"},
    {"AFN", 971, 2, "Afghani"},
    {"ALL", 8, 2, "Lek"},
    {"AMD", 51, 2, "Armenian Dram"},
    {"AOA", 973, 2, "Kwanza"},
    {"ARS", 32, 2, "Argentine Peso"},
    {"AUD", 36, 2, "Australian Dollar"},
    {"AWG", 533, 2, "Aruban Florin"},
    {"AZN", 944, 2, "Azerbaijan Manat"},
    {"BAM", 977, 2, "Convertible Mark"},
    {"BBD", 52, 2, "Barbados Dollar"},
    {"BDT", 50, 2, "Taka"},
    {"BHD", 48, 3, "Bahraini Dinar"},
    {"BIF", 108, 0, "Burundi Franc"},
    {"BMD", 60, 2, "Bermudian Dollar"},
    {"BND", 96, 2, "Brunei Dollar"},
    {"BOB", 68, 2, "Boliviano"},
    {"BOV", 984, 2, "Mvdol"},
    {"BRL", 986, 2, "Brazilian Real"},
    {"BSD", 44, 2, "Bahamian Dollar"},
    {"BTN", 64, 2, "Ngultrum"},
    {"BWP", 72, 2, "Pula"},
    {"BYN", 933, 2, "Belarusian Ruble"},
    {"BZD", 84, 2, "Belize Dollar"},
    {"CAD", 124, 2, "Canadian Dollar"},
    {"CDF", 976, 2, "Congolese Franc"},
    {"CHE", 947, 2, "WIR Euro"},
    {"CHF", 756, 2, "Swiss Franc"},
    {"CHW", 948, 2, "WIR Franc"},
    {"CLF", 990, 4, "Unidad de Fomento"},
    {"CLP", 152, 0, "Chilean Peso"},
    {"CNY", 156, 2, "Yuan Renminbi"},
    {"COP", 170, 2, "Colombian Peso"},
    {"COU", 970, 2, "Unidad de Valor Real"},
    {"CRC", 188, 2, "Costa Rican Colon"},
    {"CUP", 192, 2, "Cuban Peso"},
    {"CVE", 132, 2, "Cabo Verde Escudo"},
    {"CZK", 203, 2, "Czech Koruna"},
    {"DJF", 262, 0, "Djibouti Franc"},
    {"DKK", 208, 2, "Danish Krone"},
    {"DOP", 214, 2, "Dominican Peso"},
    {"DZD", 12, 2, "Algerian Dinar"},
    {"EGP", 818, 2, "Egyptian Pound"},
    {"ERN", 232, 2, "Nakfa"},
    {"ETB", 230, 2, "Ethiopian Birr"},
    {"EUR", 978, 2, "Euro"},
    {"FJD", 242, 2, "Fiji Dollar"},
    {"FKP", 238, 2, "Falkland Islands Pound"},
    {"GBP", 826, 2, "Pound Sterling"},
    {"GEL", 981, 2, "Lari"},
    {"GHS", 936, 2, "Ghana Cedi"},
    {"GIP", 292, 2, "Gibraltar Pound"},
    {"GMD", 270, 2, "Dalasi"},
    {"GNF", 324, 0, "Guinean Franc"},
    {"GTQ", 320, 2, "Quetzal"},
    {"GYD", 328, 2, "Guyana Dollar"},
    {"HKD", 344, 2, "Hong Kong Dollar"},
    {"HNL", 340, 2, "Lempira"},
    {"HTG", 332, 2, "Gourde"},
    {"HUF", 348, 2, "Forint"},
    {"IDR", 360, 2, "Rupiah"},
    {"ILS", 376, 2, "New Israeli Sheqel"},
    {"INR", 356, 2, "Indian Rupee"},
    {"IQD", 368, 3, "Iraqi Dinar"},
    {"IRR", 364, 2, "Iranian Rial"},
    {"ISK", 352, 0, "Iceland Krona"},
    {"JMD", 388, 2, "Jamaican Dollar"},
    {"JOD", 400, 3, "Jordanian Dinar"},
    {"JPY", 392, 0, "Yen"},
    {"KES", 404, 2, "Kenyan Shilling"},
    {"KGS", 417, 2, "Som"},
    {"KHR", 116, 2, "Riel"},
    {"KMF", 174, 0, "Comorian Franc"},
    {"KPW", 408, 2, "North Korean Won"},
    {"KRW", 410, 0, "Won"},
    {"KWD", 414, 3, "Kuwaiti Dinar"},
    {"KYD", 136, 2, "Cayman Islands Dollar"},
    {"KZT", 398, 2, "Tenge"},
    {"LAK", 418, 2, "Lao Kip"},
    {"LBP", 422, 2, "Lebanese Pound"},
    {"LKR", 144, 2, "Sri Lanka Rupee"},
    {"LRD", 430, 2, "Liberian Dollar"},
    {"LSL", 426, 2, "Loti"},
    {"LYD", 434, 3, "Libyan Dinar"},
    {"MAD", 504, 2, "Moroccan Dirham"},
    {"MDL", 498, 2, "Moldovan Leu"},
    {"MGA", 969, 2, "Malagasy Ariary"},
    {"MKD", 807, 2, "Denar"},
    {"MMK", 104, 2, "Kyat"},
    {"MNT", 496, 2, "Tugrik"},
    {"MOP", 446, 2, "Pataca"},
    {"MRU", 929, 2, "Ouguiya"},
    {"MUR", 480, 2, "Mauritius Rupee"},
    {"MVR", 462, 2, "Rufiyaa"},
    {"MWK", 454, 2, "Malawi Kwacha"},
    {"MXN", 484, 2, "Mexican Peso"},
    {"MXV", 979, 2, "Mexican Unidad de Inversion (UDI)"},
    {"MYR", 458, 2, "Malaysian Ringgit"},
    {"MZN", 943, 2, "Mozambique Metical"},
    {"NAD", 516, 2, "Namibia Dollar"},
    {"NGN", 566, 2, "Naira"},
    {"NIO", 558, 2, "Cordoba Oro"},
    {"NOK", 578, 2, "Norwegian Krone"},
    {"NPR", 524, 2, "Nepalese Rupee"},
    {"NZD", 554, 2, "New Zealand Dollar"},
    {"OMR", 512, 3, "Rial Omani"},
    {"PAB", 590, 2, "Balboa"},
    {"PEN", 604, 2, "Sol"},
    {"PGK", 598, 2, "Kina"},
    {"PHP", 608, 2, "Philippine Peso"},
    {"PKR", 586, 2, "Pakistan Rupee"},
    {"PLN", 985, 2, "Zloty"},
    {"PYG", 600, 0, "Guarani"},
    {"QAR", 634, 2, "Qatari Rial"},
    {"RON", 946, 2, "Romanian Leu"},
    {"RSD", 941, 2, "Serbian Dinar"},
    {"RUB", 643, 2, "Russian Ruble"},
    {"RWF", 646, 0, "Rwanda Franc"},
    {"SAR", 682, 2, "Saudi Riyal"},
    {"SBD", 90, 2, "Solomon Islands Dollar"},
    {"SCR", 690, 2, "Seychelles Rupee"},
    {"SDG", 938, 2, "Sudanese Pound"},
    {"SEK", 752, 2, "Swedish Krona"},
    {"SGD", 702, 2, "Singapore Dollar"},
    {"SHP", 654, 2, "Saint Helena Pound"},
    {"SLE", 925, 2, "Leone"},
    {"SOS", 706, 2, "Somali Shilling"},
    {"SRD", 968, 2, "Surinam Dollar"},
    {"SSP", 728, 2, "South Sudanese Pound"},
    {"STN", 930, 2, "Dobra"},
    {"SVC", 222, 2, "El Salvador Colon"},
    {"SYP", 760, 2, "Syrian Pound"},
    {"SZL", 748, 2, "Lilangeni"},
    {"THB", 764, 2, "Baht"},
    {"TJS", 972, 2, "Somoni"},
    {"TMT", 934, 2, "Turkmenistan New Manat"},
    {"TND", 788, 3, "Tunisian Dinar"},
    {"TOP", 776, 2, "Pa’anga"},
    {"TRY", 949, 2, "Turkish Lira"},
    {"TTD", 780, 2, "Trinidad and Tobago Dollar"},
    {"TWD", 901, 2, "New Taiwan Dollar"},
    {"TZS", 834, 2, "Tanzanian Shilling"},
    {"UAH", 980, 2, "Hryvnia"},
    {"UGX", 800, 0, "Uganda Shilling"},
    {"USD", 840, 2, "US Dollar"},
    {"USN", 997, 2, "US Dollar (Next day)"},
    {"UYI", 940, 0, "Uruguay Peso en Unidades Indexadas (UI)"},
    {"UYU", 858, 2, "Peso Uruguayo"},
    {"UYW", 927, 4, "Unidad Previsional"},
    {"UZS", 860, 2, "Uzbekistan Sum"},
    {"VED", 926, 2, "Bolívar Soberano"},
    {"VES", 928, 2, "Bolívar Soberano"},
    {"VND", 704, 0, "Dong"},
    {"VUV", 548, 0, "Vatu"},
    {"WST", 882, 2, "Tala"},
    {"XAD", 396, 2, "Arab Accounting Dinar"},
    {"XAF", 950, 0, "CFA Franc BEAC"},
    {"XAG", 961, kNoMinorUnits, "Silver"},
    {"XAU", 959, kNoMinorUnits, "Gold"},
    {"XBA", 955, kNoMinorUnits,
     "Bond Markets Unit European Composite Unit (EURCO)"},
    {"XBB", 956, kNoMinorUnits,
     "Bond Markets Unit European Monetary Unit (E.M.U.-6)"},
    {"XBC", 957, kNoMinorUnits,
     "Bond Markets Unit European Unit of Account 9 (E.U.A.-9)"},
    {"XBD", 958, kNoMinorUnits,
     "Bond Markets Unit European Unit of Account 17 (E.U.A.-17)"},
    {"XCD", 951, 2, "East Caribbean Dollar"},
    {"XCG", 532, 2, "Caribbean Guilder"},
    {"XDR", 960, kNoMinorUnits, "SDR (Special Drawing Right)"},
    {"XOF", 952, 0, "CFA Franc BCEAO"},
    {"XPD", 964, kNoMinorUnits, "Palladium"},
    {"XPF", 953, 0, "CFP Franc"},
    {"XPT", 962, kNoMinorUnits, "Platinum"},
    {"XSU", 994, kNoMinorUnits, "Sucre"},
    {"XTS", 963, kNoMinorUnits,
     "Codes specifically reserved for testing purposes"},
    {"XUA", 965, kNoMinorUnits, "ADB Unit of Account"},
    {"XXX", 999, kNoMinorUnits,
     "The codes assigned for transactions where no currency is involved"},
    {"YER", 886, 2, "Yemeni Rial"},
    {"ZAR", 710, 2, "Rand"},
    {"ZMW", 967, 2, "Zambian Kwacha"},
    {"ZWG", 924, 2, "Zimbabwe Gold"},
}};

constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

constexpr bool TableIsWellFormed() {
  for (size_t i = 0; i < kTable.size(); ++i) {
    const CurrencyInfo& c = kTable[i];
    if (c.code.size() != 3) return false;
    if (!IsUpper(c.code[0]) || !IsUpper(c.code[1]) || !IsUpper(c.code[2])) {
      return false;
    }
    if (c.numeric < 1 || c.numeric > 999) return false;
    if (c.minor_units < kNoMinorUnits || c.minor_units > 4) return false;
    if (c.name.empty()) return false;
    if (i > 0 && !(kTable[i - 1].code < c.code)) return false;  // sorted
  }
  return true;
}
static_assert(TableIsWellFormed(), "codes must be sorted, unique, A-Z");

// numeric code -> table index + 1 (0: no current currency has that number).
// uint8_t is enough while the table has fewer than 255 entries.
static_assert(Currency::kCount < 255);
constexpr std::array<uint8_t, 1000> BuildNumericIndex() {
  std::array<uint8_t, 1000> index{};
  for (size_t i = 0; i < kTable.size(); ++i) {
    index[kTable[i].numeric] = static_cast<uint8_t>(i + 1);
  }
  return index;
}
constexpr std::array<uint8_t, 1000> kNumericIndex = BuildNumericIndex();

constexpr bool NumericCodesAreUnique() {
  for (size_t i = 0; i < kTable.size(); ++i) {
    if (kNumericIndex[kTable[i].numeric] != i + 1) return false;
  }
  return true;
}
static_assert(NumericCodesAreUnique());

const CurrencyInfo& Info(uint16_t index) {
  // Only this file makes Currency values, always from a table index.
  MERIDIAN_CHECK(index < kTable.size()) << "currency index " << index;
  return kTable[index];
}

Error NotSupported(std::string message) {
  return MakeError(ErrorCode::kCURRENCY_NOT_SUPPORTED, "currency",
                   std::move(message));
}

}  // namespace

// The one place that turns a table index into a Currency.
struct CurrencyTable {
  static constexpr Currency At(size_t index) {
    return Currency(static_cast<uint16_t>(index));
  }
  static constexpr std::array<Currency, Currency::kCount> BuildAll() {
    std::array<Currency, Currency::kCount> all{};
    for (size_t i = 0; i < all.size(); ++i) all[i] = At(i);
    return all;
  }
  static constexpr uint16_t kXxxIndex = Currency::kXxxIndex;
};

static_assert(kTable[CurrencyTable::kXxxIndex].code == "XXX",
              "update Currency::kXxxIndex after editing the table");

namespace {
constexpr std::array<Currency, Currency::kCount> kAll =
    CurrencyTable::BuildAll();
}  // namespace

Result<Currency> Currency::FromCode(std::string_view alpha3) {
  // Only echo the input back when it is three capital letters: anything else
  // may be arbitrarily long or hold bytes that do not belong in a message.
  if (alpha3.size() != 3 || !IsUpper(alpha3[0]) || !IsUpper(alpha3[1]) ||
      !IsUpper(alpha3[2])) {
    return NotSupported(
        "currency must be three upper-case letters: use an ISO 4217 "
        "alphabetic code such as USD");
  }
  auto it = std::lower_bound(kTable.begin(), kTable.end(), alpha3,
                             [](const CurrencyInfo& c, std::string_view code) {
                               return c.code < code;
                             });
  if (it == kTable.end() || it->code != alpha3) {
    return NotSupported("currency " + std::string(alpha3) +
                        " is not a current ISO 4217 currency: use an ISO 4217 "
                        "alphabetic code such as USD");
  }
  return kAll[static_cast<size_t>(it - kTable.begin())];
}

Result<Currency> Currency::FromNumeric(uint16_t numeric) {
  if (numeric >= kNumericIndex.size() || kNumericIndex[numeric] == 0) {
    return NotSupported("currency number " + std::to_string(numeric) +
                        " is not a current ISO 4217 currency: use an ISO 4217 "
                        "numeric code such as 840 (USD)");
  }
  return kAll[kNumericIndex[numeric] - 1];
}

std::span<const Currency> Currency::All() { return kAll; }

std::string_view Currency::code() const { return Info(index_).code; }
uint16_t Currency::numeric() const { return Info(index_).numeric; }
int Currency::minor_units() const {
  return has_minor_units() ? Info(index_).minor_units : 0;
}
bool Currency::has_minor_units() const {
  return Info(index_).minor_units != kNoMinorUnits;
}
std::string_view Currency::name() const { return Info(index_).name; }

std::ostream& operator<<(std::ostream& os, Currency currency) {
  return os << currency.code();
}

}  // namespace meridian
