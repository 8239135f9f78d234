// Bank details: the formats a payer or a bank checks before money moves —
// IBANs, BICs, US ABA routing numbers, UK sort codes and account numbers,
// and a small set of local account formats for countries without IBANs.
// The accounts product uses them to issue local receiving details (EUR
// IBAN, GBP sort code + account, USD ABA + account) and to validate the
// bank details of beneficiaries before a payout.
//
//   MERIDIAN_RETURN_IF_ERROR(ValidateIban("DE89370400440532013000"));
//   FormatIban("DE89370400440532013000");  // "DE89 3704 0044 0532 0130 00"
//   MERIDIAN_ASSIGN_OR_RETURN(std::string iban,
//       MakeIban("DE", "37040044", "532013000"));  // "DE89370400440532013000"
//   MERIDIAN_RETURN_IF_ERROR(ValidateBic("DEUTDEFF500"));
//   MERIDIAN_RETURN_IF_ERROR(ValidateAbaRoutingNumber("021000021"));
//   MERIDIAN_ASSIGN_OR_RETURN(std::string aba,
//   MakeAbaRoutingNumber("02100002"));
//
// Contract: every function is pure (no clock, no I/O, no allocation beyond
// its result) and deterministic, so the engine may call it. Validators take
// the electronic form (upper case, no spaces) and return INVALID_PARAMETER
// with `param` naming the field ("iban", "bic", "routing_number",
// "sort_code", "account_number", "bank_code", "country") and a message that
// says exactly what is wrong: the length a country's IBAN has, the position
// and character that may not be there, or that the check digits do not
// match (a mistyped or swapped character). Normalize* functions accept what
// people type (spaces, dashes, lower case) and return the electronic form.
//
// What is checked: IBANs against the SWIFT IBAN registry (country, length,
// the BBAN's letter/digit layout) and ISO 7064 mod 97-10. National check
// digits inside a BBAN (France's RIB key, Spain's, Italy's CIN, Belgium's
// ...) are not: an IBAN that passes here can still name an account that
// does not exist. UK account numbers are checked for shape only: modulus
// checking against the Vocalink tables (which change several times a year)
// is left out. Nothing here says whether an account exists or is open.
#ifndef MERIDIAN_ACCOUNTS_BANK_DETAILS_H_
#define MERIDIAN_ACCOUNTS_BANK_DETAILS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::accounts {

// The longest IBAN any country has (ISO 13616: 34).
inline constexpr size_t kMaxIbanLength = 34;
// The longest input a Normalize* function looks at (an IBAN printed with a
// space every 4 characters is 42); anything longer is refused unread.
inline constexpr size_t kMaxBankDetailInput = 64;

// --- ISO 3166 -------------------------------------------------------------

// True for the 249 officially assigned ISO 3166-1 alpha-2 codes ("DE", "US";
// upper case only). XK (Kosovo, a user-assigned code that SWIFT and the EU
// use) is not among them; IsBicCountry accepts it.
bool IsIso3166Country(std::string_view alpha2);

// --- IBAN -----------------------------------------------------------------

// The length of an IBAN of `country` ("DE" -> 22), or 0 when the country is
// not in the SWIFT IBAN registry (IBANs of French overseas territories,
// Åland, the Channel Islands and the Isle of Man carry FR, FI and GB).
size_t IbanLength(std::string_view country);

// The country's BBAN layout as the registry writes it ("8!n10!n" for DE:
// n digits, a upper-case letters, c letters or digits), or "" when the
// country has no IBAN.
std::string_view IbanBbanFormat(std::string_view country);

// Checks an IBAN in electronic form: two upper-case letters of a registry
// country, two check digits, the country's BBAN layout and length, and
// mod 97 == 1.
Status ValidateIban(std::string_view iban);

// What a person typed ("de89 3704 0044 0532 0130 00", "DE89-3704-...")
// -> the validated electronic form "DE89370400440532013000". Spaces, tabs
// and dashes are dropped and letters upper-cased; anything else is kept and
// refused by ValidateIban.
Result<std::string> NormalizeIban(std::string_view input);

// "DE89370400440532013000" -> "DE89 3704 0044 0532 0130 00": groups of four
// from the left, the paper form. Formats any text; validate first.
std::string FormatIban(std::string_view iban);

// Builds the IBAN of an account: BBAN = bank_code followed by
// account_number left-padded with zeros to fill the country's BBAN length,
// then the check digits computed (ISO 7064 mod 97-10). bank_code is the
// national bank identifier with the branch code where the country has one
// (GB: "NWBK" + sort code "601613"; DE: the 8-digit Bankleitzahl). The
// result is checked like ValidateIban, so a bank code or account number
// that breaks the country's layout is refused (param "bank_code" or
// "account_number"). National check digits inside the BBAN are the
// caller's (see the file comment). Deterministic: same inputs, same IBAN.
Result<std::string> MakeIban(std::string_view country,
                             std::string_view bank_code,
                             std::string_view account_number);

// The two check digits ("89") that make `country` + digits + `bban` pass
// mod 97, for a BBAN of letters and digits (not checked against the
// country's layout). "" when bban has another character or is longer than
// kMaxIbanLength - 4.
std::string IbanCheckDigits(std::string_view country, std::string_view bban);

// --- BIC (ISO 9362) ---------------------------------------------------------

// True for an ISO 3166 country or XK.
bool IsBicCountry(std::string_view alpha2);

// 8 or 11 characters: 4 letters (institution), 2 letters that are a country
// (IsBicCountry), 2 letters or digits (location), and optionally 3 letters
// or digits (branch; "XXX" is the head office). Upper case only.
Status ValidateBic(std::string_view bic);

// --- US ABA routing numbers -------------------------------------------------

// 9 digits whose first two are a Federal Reserve range (00-12, 21-32,
// 61-72, 80) and whose weighted sum (weights 3, 7, 1 repeated) is a
// multiple of 10.
Status ValidateAbaRoutingNumber(std::string_view routing_number);

// The routing number whose first 8 digits are `prefix` and whose 9th is the
// check digit that makes it valid. The prefix must start with a Federal
// Reserve range (see above).
Result<std::string> MakeAbaRoutingNumber(std::string_view prefix);

// --- UK sort codes and account numbers --------------------------------------

// "12-34-56", "12 34 56" or "123456" -> "123456".
Result<std::string> NormalizeSortCode(std::string_view input);
// "123456" -> "12-34-56" (any text that is not 6 digits comes back as is).
std::string FormatSortCode(std::string_view sort_code);
// 6 digits (electronic form).
Status ValidateSortCode(std::string_view sort_code);
// 8 digits. Shape only: no Vocalink modulus check (see the file comment).
Status ValidateUkAccountNumber(std::string_view account_number);

// --- Local account numbers
// ----------------------------------------------------

// The bank code and account number of a domestic account in a country
// without IBANs, in electronic form (digits and letters only):
//   US  ABA routing number (ValidateAbaRoutingNumber) + 4-17 digits
//   GB  sort code (6 digits) + 8 digits (also valid: GB has IBANs too)
//   CA  institution (3 digits) + transit (5 digits) as 8 digits + 7-12 digits
//   AU  BSB (6 digits) + 5-9 digits
//   NZ  bank (2) + branch (4) as 6 digits + account 7 digits + suffix 2-3
//   JP  bank (4) + branch (3) as 7 digits + 7 digits
//   IN  IFSC (4 letters, 0, 6 letters or digits) + 9-18 digits
//   SG  bank (4) + branch (3) as 7 digits + 6-12 digits
//   HK  bank (3) + branch (3) as 6 digits + 6-12 digits
//   MX  CLABE (18 digits with its check digit) as the account number and
//       its first 3 digits (the bank) as the bank code, or an empty one
//   CN  CNAPS bank code (12 digits) + 8-30 digits
// Any other country that is not an IBAN country: a bank code of 1-11 and
// an account number of 1-34 letters or digits. An IBAN country is refused
// with "use the IBAN", except GB.
Status ValidateLocalAccount(std::string_view country,
                            std::string_view bank_code,
                            std::string_view account_number);

}  // namespace meridian::accounts

#endif  // MERIDIAN_ACCOUNTS_BANK_DETAILS_H_
