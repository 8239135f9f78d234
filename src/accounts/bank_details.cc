#include "accounts/bank_details.h"

#include <algorithm>
#include <array>
#include <string>

namespace meridian::accounts {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsUpperAlnum(char c) { return IsDigit(c) || IsUpper(c); }

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsDigit);
}
bool AllUpperAlnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsUpperAlnum);
}

// A character as a message shows it: printable ASCII in quotes, anything
// else as its byte value (input may be any bytes).
std::string Shown(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b > 0x20 && b < 0x7f) return std::string("'") + c + "'";
  if (b == ' ') return "a space";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 15];
}

Error Invalid(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

// --- ISO 3166-1 alpha-2 ------------------------------------------------------

// The officially assigned codes (ISO 3166 Maintenance Agency, as of 2024;
// the last change was SZ for Eswatini's new name, same code), sorted.
constexpr std::array<std::string_view, 249> kIso3166 = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
    "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
    "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
    "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
    "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
    "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
    "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
    "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
    "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
    "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
    "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
    "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

// --- The IBAN registry -----------------------------------------------------

struct IbanCountry {
  std::string_view country;
  uint8_t length;         // of the whole IBAN
  std::string_view bban;  // layout: runs of "<count>!<n|a|c>"
};

// Source: the SWIFT IBAN Registry (ISO 13616), "IBAN structure" and "BBAN
// structure" of every country in it: release 93 (February 2023) for all
// but the last three, which later releases added (Honduras, Oman and Yemen,
// 2024). Only registry countries: a territory that uses another country's
// IBANs (French overseas departments, Åland, Jersey ...) is not listed, and
// neither are the "experimental" IBANs some banks publish for other
// countries. Sorted by country. bank_details_test checks that each layout
// adds up to the length.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24, "4!n4!n12!c"},
    {"AE", 23, "3!n16!n"},
    {"AL", 28, "8!n16!c"},
    {"AT", 20, "5!n11!n"},
    {"AZ", 28, "4!a20!c"},
    {"BA", 20, "3!n3!n8!n2!n"},
    {"BE", 16, "3!n7!n2!n"},
    {"BG", 22, "4!a4!n2!n8!c"},
    {"BH", 22, "4!a14!c"},
    {"BI", 27, "5!n5!n11!n2!n"},
    {"BR", 29, "8!n5!n10!n1!a1!c"},
    {"BY", 28, "4!c4!n16!c"},
    {"CH", 21, "5!n12!c"},
    {"CR", 22, "4!n14!n"},
    {"CY", 28, "3!n5!n16!c"},
    {"CZ", 24, "4!n6!n10!n"},
    {"DE", 22, "8!n10!n"},
    {"DJ", 27, "5!n5!n11!n2!n"},
    {"DK", 18, "4!n9!n1!n"},
    {"DO", 28, "4!c20!n"},
    {"EE", 20, "2!n2!n11!n1!n"},
    {"EG", 29, "4!n4!n17!n"},
    {"ES", 24, "4!n4!n1!n1!n10!n"},
    {"FI", 18, "3!n11!n"},
    {"FK", 18, "2!a12!n"},
    {"FO", 18, "4!n9!n1!n"},
    {"FR", 27, "5!n5!n11!c2!n"},
    {"GB", 22, "4!a6!n8!n"},
    {"GE", 22, "2!a16!n"},
    {"GI", 23, "4!a15!c"},
    {"GL", 18, "4!n9!n1!n"},
    {"GR", 27, "3!n4!n16!c"},
    {"GT", 28, "4!c20!c"},
    {"HN", 28, "4!a20!n"},
    {"HR", 21, "7!n10!n"},
    {"HU", 28, "3!n4!n1!n15!n1!n"},
    {"IE", 22, "4!a6!n8!n"},
    {"IL", 23, "3!n3!n13!n"},
    {"IQ", 23, "4!a3!n12!n"},
    {"IS", 26, "4!n2!n6!n10!n"},
    {"IT", 27, "1!a5!n5!n12!c"},
    {"JO", 30, "4!a4!n18!c"},
    {"KW", 30, "4!a22!c"},
    {"KZ", 20, "3!n13!c"},
    {"LB", 28, "4!n20!c"},
    {"LC", 32, "4!a24!c"},
    {"LI", 21, "5!n12!c"},
    {"LT", 20, "5!n11!n"},
    {"LU", 20, "3!n13!c"},
    {"LV", 21, "4!a13!c"},
    {"LY", 25, "3!n3!n15!n"},
    {"MC", 27, "5!n5!n11!c2!n"},
    {"MD", 24, "2!c18!c"},
    {"ME", 22, "3!n13!n2!n"},
    {"MK", 19, "3!n10!c2!n"},
    {"MN", 20, "4!n12!n"},
    {"MR", 27, "5!n5!n11!n2!n"},
    {"MT", 31, "4!a5!n18!c"},
    {"MU", 30, "4!a2!n2!n12!n3!n3!a"},
    {"NI", 28, "4!a20!n"},
    {"NL", 18, "4!a10!n"},
    {"NO", 15, "4!n6!n1!n"},
    {"OM", 23, "3!n16!c"},
    {"PK", 24, "4!a16!c"},
    {"PL", 28, "8!n16!n"},
    {"PS", 29, "4!a21!c"},
    {"PT", 25, "4!n4!n11!n2!n"},
    {"QA", 29, "4!a21!c"},
    {"RO", 24, "4!a16!c"},
    {"RS", 22, "3!n13!n2!n"},
    {"RU", 33, "9!n5!n15!c"},
    {"SA", 24, "2!n18!c"},
    {"SC", 31, "4!a2!n2!n16!n3!a"},
    {"SD", 18, "2!n12!n"},
    {"SE", 24, "3!n16!n1!n"},
    {"SI", 19, "5!n8!n2!n"},
    {"SK", 24, "4!n6!n10!n"},
    {"SM", 27, "1!a5!n5!n12!c"},
    {"SO", 23, "4!n3!n12!n"},
    {"ST", 25, "4!n4!n11!n2!n"},
    {"SV", 28, "4!a20!n"},
    {"TL", 23, "3!n14!n2!n"},
    {"TN", 24, "2!n3!n13!n2!n"},
    {"TR", 26, "5!n1!n16!c"},
    {"UA", 29, "6!n19!c"},
    {"VA", 22, "3!n15!n"},
    {"VG", 24, "4!a16!n"},
    {"XK", 20, "4!n10!n2!n"},
    {"YE", 30, "4!a4!n18!c"},
};

const IbanCountry* FindIbanCountry(std::string_view country) {
  const auto* end = std::end(kIbanCountries);
  const auto* it =
      std::lower_bound(std::begin(kIbanCountries), end, country,
                       [](const IbanCountry& c, std::string_view key) {
                         return c.country < key;
                       });
  return it != end && it->country == country ? it : nullptr;
}

// The class ('n', 'a' or 'c') the layout gives position `index` of the
// BBAN, or 0 past its end.
char BbanClassAt(std::string_view layout, size_t index) {
  size_t pos = 0;
  size_t start = 0;
  while (pos < layout.size()) {
    size_t count = 0;
    while (pos < layout.size() && IsDigit(layout[pos])) {
      count = count * 10 + static_cast<size_t>(layout[pos] - '0');
      ++pos;
    }
    // "!" then the class letter.
    if (pos + 1 >= layout.size()) return 0;
    const char cls = layout[pos + 1];
    pos += 2;
    if (index < start + count) return cls;
    start += count;
  }
  return 0;
}

bool FitsClass(char c, char cls) {
  switch (cls) {
    case 'n':
      return IsDigit(c);
    case 'a':
      return IsUpper(c);
    case 'c':
      return IsUpperAlnum(c);
    default:
      return false;
  }
}

std::string_view ClassName(char cls) {
  switch (cls) {
    case 'n':
      return "a digit";
    case 'a':
      return "an upper-case letter";
    default:
      return "a letter or digit";
  }
}

// ISO 7064 mod 97-10 of the IBAN rearranged (characters 5.. then 1-4),
// letters as 10..35. `text` holds only upper-case letters and digits.
int Mod97(std::string_view head4, std::string_view rest) {
  int remainder = 0;
  auto feed = [&remainder](std::string_view part) {
    for (char c : part) {
      if (IsDigit(c)) {
        remainder = (remainder * 10 + (c - '0')) % 97;
      } else {
        remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
      }
    }
  };
  feed(rest);
  feed(head4);
  return remainder;
}

bool OnlySeparators(char c) { return c == ' ' || c == '\t' || c == '-'; }

char AsciiUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

Status CheckDigits(std::string_view param, std::string_view value,
                   size_t min_length, size_t max_length,
                   std::string_view what) {
  if (value.empty()) {
    return Invalid(std::string(param), "give the " + std::string(what));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (!IsDigit(value[i])) {
      return Invalid(std::string(param),
                     "the " + std::string(what) + " has only digits; " +
                         Shown(value[i]) + " at position " +
                         std::to_string(i + 1) + " is not one");
    }
  }
  if (value.size() < min_length || value.size() > max_length) {
    const std::string want =
        min_length == max_length
            ? std::to_string(min_length)
            : std::to_string(min_length) + " to " + std::to_string(max_length);
    return Invalid(std::string(param), "the " + std::string(what) + " has " +
                                           want + " digits, this one has " +
                                           std::to_string(value.size()));
  }
  return Status::Ok();
}

}  // namespace

bool IsIso3166Country(std::string_view alpha2) {
  return alpha2.size() == 2 &&
         std::binary_search(kIso3166.begin(), kIso3166.end(), alpha2);
}

bool IsBicCountry(std::string_view alpha2) {
  return alpha2 == "XK" || IsIso3166Country(alpha2);
}

size_t IbanLength(std::string_view country) {
  const IbanCountry* c = FindIbanCountry(country);
  return c == nullptr ? 0 : c->length;
}

std::string_view IbanBbanFormat(std::string_view country) {
  const IbanCountry* c = FindIbanCountry(country);
  return c == nullptr ? std::string_view() : c->bban;
}

Status ValidateIban(std::string_view iban) {
  if (iban.empty()) {
    return Invalid("iban",
                   "give the IBAN in electronic form, e.g. "
                   "DE89370400440532013000");
  }
  if (iban.size() > kMaxIbanLength) {
    return Invalid("iban", "an IBAN has at most 34 characters, this one has " +
                               std::to_string(iban.size()));
  }
  for (size_t i = 0; i < iban.size(); ++i) {
    if (!IsUpperAlnum(iban[i])) {
      return Invalid("iban",
                     "an IBAN has only upper-case letters A-Z and digits 0-9 "
                     "(no spaces: use NormalizeIban for typed input); " +
                         Shown(iban[i]) + " at position " +
                         std::to_string(i + 1) + " is neither");
    }
  }
  if (iban.size() < 4 || !IsUpper(iban[0]) || !IsUpper(iban[1])) {
    return Invalid("iban",
                   "an IBAN starts with two letters (the country), two check "
                   "digits and the account part; '" +
                       std::string(iban) + "' does not");
  }
  const std::string_view country = iban.substr(0, 2);
  const IbanCountry* spec = FindIbanCountry(country);
  if (spec == nullptr) {
    return Invalid("iban", std::string(country) +
                               " is not a country with IBANs (SWIFT IBAN "
                               "registry); for other countries give the "
                               "local bank code and account number");
  }
  if (!IsDigit(iban[2]) || !IsDigit(iban[3])) {
    return Invalid("iban",
                   "characters 3 and 4 of an IBAN are the check "
                   "digits; '" +
                       std::string(iban.substr(2, 2)) + "' are not two digits");
  }
  if (iban.size() != spec->length) {
    return Invalid("iban", "a " + std::string(country) + " IBAN has " +
                               std::to_string(spec->length) +
                               " characters, this one has " +
                               std::to_string(iban.size()));
  }
  const std::string_view bban = iban.substr(4);
  for (size_t i = 0; i < bban.size(); ++i) {
    const char cls = BbanClassAt(spec->bban, i);
    if (!FitsClass(bban[i], cls)) {
      return Invalid("iban", "character " + std::to_string(i + 5) + " of a " +
                                 std::string(country) + " IBAN must be " +
                                 std::string(ClassName(cls)) + " (layout " +
                                 std::string(spec->bban) + "), not " +
                                 Shown(bban[i]));
    }
  }
  if (iban.substr(2, 2) == "00" || iban.substr(2, 2) == "01" ||
      iban.substr(2, 2) == "99") {
    return Invalid("iban", "check digits " + std::string(iban.substr(2, 2)) +
                               " never occur in an IBAN (they run from 02 "
                               "to 98): the IBAN is mistyped");
  }
  if (Mod97(iban.substr(0, 4), bban) != 1) {
    return Invalid("iban",
                   "the check digits do not match the rest of the IBAN: a "
                   "character is mistyped or two are swapped");
  }
  return Status::Ok();
}

Result<std::string> NormalizeIban(std::string_view input) {
  if (input.size() > kMaxBankDetailInput) {
    return Invalid("iban",
                   "an IBAN has at most 34 characters (42 with "
                   "spaces); this input has " +
                       std::to_string(input.size()));
  }
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    if (OnlySeparators(c)) continue;
    out.push_back(AsciiUpper(c));
  }
  // The paper form may start with "IBAN ".
  if (out.starts_with("IBAN") && out.size() > 4 && IsUpper(out[4]) &&
      input.find_first_of(" \t") != std::string_view::npos) {
    out.erase(0, 4);
  }
  MERIDIAN_RETURN_IF_ERROR(ValidateIban(out));
  return out;
}

std::string FormatIban(std::string_view iban) {
  std::string out;
  out.reserve(iban.size() + iban.size() / 4);
  for (size_t i = 0; i < iban.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(iban[i]);
  }
  return out;
}

std::string IbanCheckDigits(std::string_view country, std::string_view bban) {
  if (country.size() != 2 || !IsUpper(country[0]) || !IsUpper(country[1]) ||
      bban.size() > kMaxIbanLength - 4 || !AllUpperAlnum(bban)) {
    return "";
  }
  const std::string head = std::string(country) + "00";
  const int check = 98 - Mod97(head, bban);
  return std::string{static_cast<char>('0' + check / 10),
                     static_cast<char>('0' + check % 10)};
}

Result<std::string> MakeIban(std::string_view country,
                             std::string_view bank_code,
                             std::string_view account_number) {
  const IbanCountry* spec = FindIbanCountry(country);
  if (spec == nullptr) {
    return Invalid("country", "'" + std::string(country.substr(0, 8)) +
                                  "' is not a country with IBANs (SWIFT "
                                  "IBAN registry; two upper-case letters)");
  }
  const size_t bban_length = spec->length - 4u;
  if (bank_code.size() >= bban_length) {
    return Invalid("bank_code",
                   "a " + std::string(country) + " account part (BBAN) has " +
                       std::to_string(bban_length) +
                       " characters, so the bank code must be shorter; this "
                       "one has " +
                       std::to_string(bank_code.size()));
  }
  if (account_number.empty() ||
      account_number.size() > bban_length - bank_code.size()) {
    return Invalid("account_number",
                   "a " + std::string(country) + " IBAN has room for " +
                       std::to_string(bban_length - bank_code.size()) +
                       " characters of account number after a " +
                       std::to_string(bank_code.size()) +
                       "-character bank code; this one has " +
                       std::to_string(account_number.size()));
  }
  std::string bban(bank_code);
  bban.append(bban_length - bank_code.size() - account_number.size(), '0');
  bban.append(account_number);
  for (size_t i = 0; i < bban.size(); ++i) {
    const char cls = BbanClassAt(spec->bban, i);
    if (FitsClass(bban[i], cls)) continue;
    const bool in_bank = i < bank_code.size();
    return Invalid(in_bank ? "bank_code" : "account_number",
                   "position " + std::to_string(i + 1) + " of a " +
                       std::string(country) + " account part (layout " +
                       std::string(spec->bban) + ") must be " +
                       std::string(ClassName(cls)) + ", not " + Shown(bban[i]));
  }
  std::string iban =
      std::string(country) + IbanCheckDigits(country, bban) + bban;
  MERIDIAN_CHECK(ValidateIban(iban).ok()) << iban;
  return iban;
}

Status ValidateBic(std::string_view bic) {
  if (bic.size() != 8 && bic.size() != 11) {
    return Invalid("bic", "a BIC has 8 or 11 characters, this one has " +
                              std::to_string(bic.size()));
  }
  for (size_t i = 0; i < 4; ++i) {
    if (!IsUpper(bic[i])) {
      return Invalid("bic",
                     "characters 1-4 of a BIC are upper-case letters "
                     "(the institution); " +
                         Shown(bic[i]) + " at position " +
                         std::to_string(i + 1) + " is not one");
    }
  }
  if (!IsUpper(bic[4]) || !IsUpper(bic[5]) || !IsBicCountry(bic.substr(4, 2))) {
    return Invalid("bic",
                   "characters 5-6 of a BIC are an ISO 3166 country "
                   "code; '" +
                       std::string(bic.substr(4, 2)) + "' is not one");
  }
  for (size_t i = 6; i < bic.size(); ++i) {
    if (!IsUpperAlnum(bic[i])) {
      return Invalid("bic", std::string(i < 8 ? "characters 7-8 (location)"
                                              : "characters 9-11 (branch)") +
                                " of a BIC are upper-case letters or digits; " +
                                Shown(bic[i]) + " at position " +
                                std::to_string(i + 1) + " is neither");
    }
  }
  return Status::Ok();
}

namespace {

bool IsFedRange(int two_digits) {
  return (two_digits >= 0 && two_digits <= 12) ||
         (two_digits >= 21 && two_digits <= 32) ||
         (two_digits >= 61 && two_digits <= 72) || two_digits == 80;
}

// The weighted sum of the first `n` digits, weights 3, 7, 1 repeated.
int AbaWeightedSum(std::string_view digits, size_t n) {
  static constexpr int kWeights[3] = {3, 7, 1};
  int sum = 0;
  for (size_t i = 0; i < n; ++i) sum += (digits[i] - '0') * kWeights[i % 3];
  return sum;
}

Status CheckFedRange(std::string_view param, std::string_view digits) {
  const int prefix = (digits[0] - '0') * 10 + (digits[1] - '0');
  if (!IsFedRange(prefix)) {
    return Invalid(std::string(param),
                   "an ABA routing number starts with 00-12, 21-32, 61-72 or "
                   "80 (a Federal Reserve range), not " +
                       std::string(digits.substr(0, 2)));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateAbaRoutingNumber(std::string_view routing_number) {
  MERIDIAN_RETURN_IF_ERROR(CheckDigits("routing_number", routing_number, 9, 9,
                                       "ABA routing number"));
  MERIDIAN_RETURN_IF_ERROR(CheckFedRange("routing_number", routing_number));
  if (AbaWeightedSum(routing_number, 9) % 10 != 0) {
    return Invalid("routing_number",
                   "the check digit (the 9th) does not match the first 8: "
                   "the routing number is mistyped");
  }
  return Status::Ok();
}

Result<std::string> MakeAbaRoutingNumber(std::string_view prefix) {
  MERIDIAN_RETURN_IF_ERROR(
      CheckDigits("routing_number", prefix, 8, 8, "routing number prefix"));
  MERIDIAN_RETURN_IF_ERROR(CheckFedRange("routing_number", prefix));
  // The 9th digit has weight 1: it completes the sum to a multiple of 10.
  const int check = (10 - AbaWeightedSum(prefix, 8) % 10) % 10;
  std::string out(prefix);
  out.push_back(static_cast<char>('0' + check));
  MERIDIAN_CHECK(ValidateAbaRoutingNumber(out).ok()) << out;
  return out;
}

Result<std::string> NormalizeSortCode(std::string_view input) {
  if (input.size() > kMaxBankDetailInput) {
    return Invalid("sort_code", "a sort code has 6 digits (12-34-56)");
  }
  std::string out;
  for (char c : input) {
    if (OnlySeparators(c)) continue;
    out.push_back(c);
  }
  MERIDIAN_RETURN_IF_ERROR(ValidateSortCode(out));
  return out;
}

std::string FormatSortCode(std::string_view sort_code) {
  if (sort_code.size() != 6 || !AllDigits(sort_code)) {
    return std::string(sort_code);
  }
  return std::string(sort_code.substr(0, 2)) + "-" +
         std::string(sort_code.substr(2, 2)) + "-" +
         std::string(sort_code.substr(4, 2));
}

Status ValidateSortCode(std::string_view sort_code) {
  return CheckDigits("sort_code", sort_code, 6, 6, "sort code");
}

Status ValidateUkAccountNumber(std::string_view account_number) {
  return CheckDigits("account_number", account_number, 8, 8,
                     "UK account number");
}

namespace {

// CLABE (Mexico): 18 digits, the last a check digit over the first 17 with
// weights 3, 7, 1 repeated, each product taken mod 10.
Status ValidateClabe(std::string_view clabe) {
  MERIDIAN_RETURN_IF_ERROR(
      CheckDigits("account_number", clabe, 18, 18, "CLABE"));
  static constexpr int kWeights[3] = {3, 7, 1};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    sum += ((clabe[i] - '0') * kWeights[i % 3]) % 10;
  }
  if ((10 - sum % 10) % 10 != clabe[17] - '0') {
    return Invalid("account_number",
                   "the CLABE's check digit (the 18th) does not match the "
                   "first 17: it is mistyped");
  }
  return Status::Ok();
}

Status CheckAlnum(std::string_view param, std::string_view value,
                  size_t max_length, std::string_view what) {
  if (value.empty() || value.size() > max_length) {
    return Invalid(
        std::string(param),
        "the " + std::string(what) + " has 1 to " + std::to_string(max_length) +
            " letters or digits, this one has " + std::to_string(value.size()));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (!IsUpperAlnum(value[i])) {
      return Invalid(std::string(param),
                     "the " + std::string(what) +
                         " has only upper-case letters and digits; " +
                         Shown(value[i]) + " at position " +
                         std::to_string(i + 1) + " is neither");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateLocalAccount(std::string_view country,
                            std::string_view bank_code,
                            std::string_view account_number) {
  if (!IsIso3166Country(country) && country != "XK") {
    return Invalid("country", "'" + std::string(country.substr(0, 8)) +
                                  "' is not an ISO 3166 country code (two "
                                  "upper-case letters)");
  }
  if (country == "US") {
    MERIDIAN_RETURN_IF_ERROR(ValidateAbaRoutingNumber(bank_code));
    return CheckDigits("account_number", account_number, 4, 17,
                       "US account number");
  }
  if (country == "GB") {
    MERIDIAN_RETURN_IF_ERROR(ValidateSortCode(bank_code));
    return ValidateUkAccountNumber(account_number);
  }
  if (IbanLength(country) != 0) {
    return Invalid("country", std::string(country) +
                                  " uses IBANs: give the IBAN (and BIC) "
                                  "instead of a local account number");
  }
  if (country == "CA") {
    MERIDIAN_RETURN_IF_ERROR(CheckDigits(
        "bank_code", bank_code, 8, 8,
        "Canadian bank code (institution 3 digits + transit 5 digits)"));
    return CheckDigits("account_number", account_number, 7, 12,
                       "Canadian account number");
  }
  if (country == "AU") {
    MERIDIAN_RETURN_IF_ERROR(CheckDigits("bank_code", bank_code, 6, 6, "BSB"));
    return CheckDigits("account_number", account_number, 5, 9,
                       "Australian account number");
  }
  if (country == "NZ") {
    MERIDIAN_RETURN_IF_ERROR(CheckDigits("bank_code", bank_code, 6, 6,
                                         "NZ bank and branch (2 + 4 digits)"));
    return CheckDigits("account_number", account_number, 9, 10,
                       "NZ account number with its suffix");
  }
  if (country == "JP") {
    MERIDIAN_RETURN_IF_ERROR(
        CheckDigits("bank_code", bank_code, 7, 7,
                    "Japanese bank and branch code (4 + 3 digits)"));
    return CheckDigits("account_number", account_number, 7, 7,
                       "Japanese account number");
  }
  if (country == "IN") {
    // IFSC: 4 letters (the bank), a zero, 6 letters or digits (the branch).
    bool ok = bank_code.size() == 11 && bank_code[4] == '0';
    for (size_t i = 0; ok && i < 11; ++i) {
      ok = i < 4 ? IsUpper(bank_code[i]) : IsUpperAlnum(bank_code[i]);
    }
    if (!ok) {
      return Invalid("bank_code",
                     "an IFSC has 11 characters: 4 upper-case letters, a 0 "
                     "and 6 letters or digits (e.g. SBIN0000300)");
    }
    return CheckDigits("account_number", account_number, 9, 18,
                       "Indian account number");
  }
  if (country == "SG") {
    MERIDIAN_RETURN_IF_ERROR(
        CheckDigits("bank_code", bank_code, 7, 7,
                    "Singapore bank and branch code (4 + 3 digits)"));
    return CheckDigits("account_number", account_number, 6, 12,
                       "Singapore account number");
  }
  if (country == "HK") {
    MERIDIAN_RETURN_IF_ERROR(
        CheckDigits("bank_code", bank_code, 6, 6,
                    "Hong Kong bank and branch code (3 + 3 digits)"));
    return CheckDigits("account_number", account_number, 6, 12,
                       "Hong Kong account number");
  }
  if (country == "MX") {
    MERIDIAN_RETURN_IF_ERROR(ValidateClabe(account_number));
    if (!bank_code.empty() && bank_code != account_number.substr(0, 3)) {
      return Invalid("bank_code",
                     "the bank code of a CLABE is its first 3 digits (" +
                         std::string(account_number.substr(0, 3)) +
                         "); leave it empty or give those");
    }
    return Status::Ok();
  }
  if (country == "CN") {
    MERIDIAN_RETURN_IF_ERROR(
        CheckDigits("bank_code", bank_code, 12, 12, "CNAPS bank code"));
    return CheckDigits("account_number", account_number, 8, 30,
                       "Chinese account number");
  }
  MERIDIAN_RETURN_IF_ERROR(CheckAlnum("bank_code", bank_code, 11, "bank code"));
  return CheckAlnum("account_number", account_number, 34, "account number");
}

}  // namespace meridian::accounts
