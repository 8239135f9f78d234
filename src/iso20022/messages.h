// The plain structs the ISO 20022 writers take (writer.h): parties,
// agents, accounts and postal addresses as the pacs and camt messages
// carry them, and one struct per message. No XML here: fill the structs
// with amounts in minor units, a Currency, times as Unix ns, and the
// writer renders and checks them.
//
//   CustomerCreditTransfer ct;
//   ct.message_id = "MRDN-PO-0001";
//   ct.created_ns = batch_time_ns;
//   ct.end_to_end_id = "E2E-0001";
//   ct.amount_minor = 125000;  // EUR 1,250.00
//   ct.currency = *Currency::FromCode("EUR");
//   ct.debtor.name = "Acme GmbH";
//   ct.debtor.address = {.street_name = "Hauptstr.", .building_number = "1",
//                        .post_code = "10115", .town_name = "Berlin",
//                        .country = "DE"};
//   ...
//   MERIDIAN_ASSIGN_OR_RETURN(std::string xml, WritePacs008(ct));
//
// Field limits are the schemas' (Max35Text ids, Max140Text names, ...),
// counted in characters of UTF-8; the writer refuses what does not fit
// instead of cutting it. Identifiers (message, instruction, end-to-end,
// transaction ids) are printable ASCII. Country fields are ISO 3166
// alpha-2 shapes ("DE"); BICs and IBANs are checked for the schema's
// shape only — check IBAN digits and BIC countries with
// accounts/bank_details.h before building a message.
#ifndef MERIDIAN_ISO20022_MESSAGES_H_
#define MERIDIAN_ISO20022_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/currency.h"

namespace meridian::iso20022 {

// Schema limits the writers apply.
inline constexpr size_t kMaxIdChars = 35;     // Max35Text
inline constexpr size_t kMaxNameChars = 140;  // Max140Text
inline constexpr size_t kMaxRemittanceChars = 140;
inline constexpr size_t kMaxEntryInfoChars = 500;  // Max500Text
// Entries in one camt.053 the writer accepts (a day of a busy settlement
// account; split larger statements with pagination upstream).
inline constexpr size_t kMaxStatementEntries = 100'000;

enum class CreditDebit : uint8_t { kCredit, kDebit };  // CRDT, DBIT

// SettlementMethod1Code.
enum class SettlementMethod : uint8_t {
  kInstructedAgent,   // INDA: the instructed agent debits/credits accounts
  kInstructingAgent,  // INGA
  kCoverMethod,       // COVE
  kClearingSystem,    // CLRG
};

// ChargeBearerType1Code.
enum class ChargeBearer : uint8_t {
  kDebtor,                 // DEBT (OUR)
  kCreditor,               // CRED (BEN)
  kShared,                 // SHAR (SHA)
  kFollowingServiceLevel,  // SLEV (SEPA)
};

// PostalAddress24, structured (no AdrLine): what the travel rule and
// CBPR+'s structured-address rules want. Empty strings are left out; when
// any field is set, town_name and country are required.
struct PostalAddress {
  std::string department;            // Dept, <= 70
  std::string street_name;           // StrtNm, <= 70
  std::string building_number;       // BldgNb, <= 16
  std::string building_name;         // BldgNm, <= 35
  std::string post_code;             // PstCd, <= 16
  std::string town_name;             // TwnNm, <= 35
  std::string country_sub_division;  // CtrySubDvsn, <= 35
  std::string country;               // Ctry, ISO 3166 alpha-2

  bool empty() const {
    return department.empty() && street_name.empty() &&
           building_number.empty() && building_name.empty() &&
           post_code.empty() && town_name.empty() &&
           country_sub_division.empty() && country.empty();
  }
};

// PartyIdentification135: a debtor, creditor or ultimate party.
struct Party {
  std::string name;  // Nm, required, <= 140
  PostalAddress address;
  // Id: an organisation's LEI (20 characters) or other id (e.g. a company
  // registration number with scheme code "COID"), or a person's date and
  // place of birth and/or national id. At most one of organisation /
  // person is set.
  std::string lei;
  std::string organisation_id;           // OrgId/Othr/Id, <= 35
  std::string organisation_id_scheme;    // OrgId/Othr/SchmeNm/Cd, <= 4
  std::optional<int64_t> birth_date_ns;  // PrvtId/DtAndPlcOfBirth
  std::string birth_city;                // required with a birth date
  std::string birth_country;             // required with a birth date
  std::string person_id;             // PrvtId/Othr/Id (passport, national id)
  std::string person_id_scheme;      // PrvtId/Othr/SchmeNm/Cd (CCPT, NIDN ...)
  std::string country_of_residence;  // CtryOfRes
};

// BranchAndFinancialInstitutionIdentification6/FinInstnId: a bank, by BIC
// and/or clearing-system member id (ABA routing number "USABA", UK sort
// code "GBDSC" ...), optionally named. At least one of bic, member_id or
// name is required.
struct Agent {
  std::string bic;              // BICFI: 8 or 11 characters
  std::string clearing_system;  // ClrSysMmbId/ClrSysId/Cd, <= 5 ("USABA")
  std::string member_id;        // ClrSysMmbId/MmbId, <= 35
  std::string lei;              // LEI
  std::string name;             // Nm, <= 140
  PostalAddress address;

  bool empty() const {
    return bic.empty() && member_id.empty() && name.empty() && lei.empty();
  }
};

// CashAccount38/39 Id: an IBAN, or another id (a local account number,
// with an optional scheme code such as "BBAN"). Exactly one of iban and
// other when the account is given at all.
struct AccountId {
  std::string iban;          // IBAN: 2 letters, 2 digits, 1-30 letters/digits
  std::string other;         // Othr/Id, <= 34
  std::string other_scheme;  // Othr/SchmeNm/Cd, <= 4
  std::string name;          // Nm, <= 70 (optional)

  bool empty() const { return iban.empty() && other.empty(); }
};

// pacs.008.001.08: one customer credit transfer (a payout) per message.
struct CustomerCreditTransfer {
  // Group header.
  std::string message_id;  // MsgId, required
  int64_t created_ns = 0;  // CreDtTm
  SettlementMethod settlement_method = SettlementMethod::kInstructedAgent;
  AccountId settlement_account;  // SttlmAcct (optional)
  std::string clearing_system;   // SttlmInf/ClrSys/Cd with CLRG (<= 5)
  // The transaction.
  std::string instruction_id;  // InstrId (optional)
  std::string end_to_end_id;   // EndToEndId, required
  std::string transaction_id;  // TxId (optional)
  std::string uetr;            // UETR, UUIDv4 lower case (optional)
  int64_t amount_minor = 0;    // IntrBkSttlmAmt, > 0
  Currency currency;
  int64_t settlement_date_ns = 0;  // IntrBkSttlmDt: the UTC date of this
  // InstdAmt: what the debtor instructed, when it differs in currency or
  // amount from the settled amount (optional).
  std::optional<int64_t> instructed_amount_minor;
  Currency instructed_currency;
  ChargeBearer charge_bearer = ChargeBearer::kShared;
  Agent instructing_agent;  // InstgAgt (optional)
  Agent instructed_agent;   // InstdAgt (optional)
  Party ultimate_debtor;    // UltmtDbtr (optional: name set)
  Party debtor;             // Dbtr: name and, for the travel rule, address
  AccountId debtor_account;
  Agent debtor_agent;    // DbtrAgt, required
  Agent creditor_agent;  // CdtrAgt, required
  Party creditor;        // Cdtr
  AccountId creditor_account;
  Party ultimate_creditor;         // UltmtCdtr (optional)
  std::string purpose_code;        // Purp/Cd, ExternalPurpose1Code (<= 4)
  std::string remittance;          // RmtInf/Ustrd, <= 140
  std::string creditor_reference;  // RmtInf/Strd/CdtrRefInf/Ref, <= 35
};

// pacs.004.001.09: the return of one earlier pacs.008.
struct PaymentReturn {
  std::string message_id;
  int64_t created_ns = 0;
  SettlementMethod settlement_method = SettlementMethod::kInstructedAgent;
  std::string return_id;  // RtrId (optional)
  // The payment being returned.
  std::string original_message_id;  // OrgnlGrpInf/OrgnlMsgId, required
  std::string original_message_name = "pacs.008.001.08";
  std::optional<int64_t> original_created_ns;
  std::string original_instruction_id;
  std::string original_end_to_end_id;  // required
  std::string original_transaction_id;
  std::string original_uetr;
  std::optional<int64_t> original_amount_minor;  // OrgnlIntrBkSttlmAmt
  Currency original_currency;
  std::optional<int64_t> original_settlement_date_ns;
  // What goes back.
  int64_t returned_amount_minor = 0;  // RtrdIntrBkSttlmAmt, > 0
  Currency currency;
  int64_t settlement_date_ns = 0;
  std::optional<ChargeBearer> charge_bearer;
  Agent instructing_agent;
  Agent instructed_agent;
  // RtrChain (written when both names are set): the original debtor and
  // creditor.
  Party debtor;
  Party creditor;
  // RtrRsnInf: ExternalReturnReason1Code (AC01 wrong account, AC04 closed
  // account, AM05 duplicate, BE04 missing creditor address, MS03 not
  // specified, RR04 regulatory ...) or a proprietary reason.
  std::string reason_code;                   // Rsn/Cd (<= 4), or
  std::string reason_proprietary;            // Rsn/Prtry (<= 35)
  std::string reason_originator;             // Orgtr/Nm (optional)
  std::vector<std::string> additional_info;  // AddtlInf, each <= 105, <= 2
};

// pacs.009.001.08: one financial-institution credit transfer (a settlement
// instruction between the hub's settlement bank and a participant's bank).
struct FiCreditTransfer {
  std::string message_id;
  int64_t created_ns = 0;
  SettlementMethod settlement_method = SettlementMethod::kInstructedAgent;
  AccountId settlement_account;
  std::string clearing_system;
  std::string instruction_id;
  std::string end_to_end_id;  // required
  std::string transaction_id;
  std::string uetr;
  int64_t amount_minor = 0;  // > 0
  Currency currency;
  int64_t settlement_date_ns = 0;
  Agent instructing_agent;
  Agent instructed_agent;
  Agent debtor;  // Dbtr: the paying institution, required
  AccountId debtor_account;
  Agent debtor_agent;    // optional
  Agent creditor_agent;  // optional
  Agent creditor;        // Cdtr: the receiving institution, required
  AccountId creditor_account;
  std::string purpose_code;  // Purp/Cd (optional)
  std::string remittance;    // RmtInf/Ustrd (optional, <= 140)
};

// One booked entry of a camt.053 statement.
struct StatementEntry {
  int64_t amount_minor = 0;  // > 0, in the statement's currency
  CreditDebit credit_debit = CreditDebit::kCredit;
  bool reversal = false;  // RvslInd
  int64_t booking_date_ns = 0;
  std::optional<int64_t> value_date_ns;
  std::string entry_ref;             // NtryRef
  std::string account_servicer_ref;  // AcctSvcrRef (entry and transaction)
  // BkTxCd/Domn: domain, family, sub-family (e.g. PMNT/RCDT/XBCT). Empty
  // means PMNT/RCDT/OTHR for credits and PMNT/ICDT/OTHR for debits.
  std::string bank_tx_domain;
  std::string bank_tx_family;
  std::string bank_tx_subfamily;
  // TxDtls/Refs (written when any is set).
  std::string message_id;
  std::string instruction_id;
  std::string end_to_end_id;
  std::string transaction_id;
  std::string uetr;
  std::string remittance;       // TxDtls/RmtInf/Ustrd, <= 140
  std::string additional_info;  // AddtlNtryInf, <= 500
};

// camt.053.001.08: one account statement. opening + credits - debits must
// equal closing (the writer checks).
struct Statement {
  std::string message_id;
  int64_t created_ns = 0;
  std::string statement_id;      // Stmt/Id
  uint64_t sequence_number = 0;  // ElctrncSeqNb; 0 = left out
  int64_t from_ns = 0;           // FrToDt/FrDtTm
  int64_t to_ns = 0;             // FrToDt/ToDtTm, >= from_ns
  AccountId account;             // required
  Currency currency;             // Acct/Ccy and every amount's
  std::string owner_name;        // Acct/Ownr/Nm (optional)
  Agent servicer;                // Acct/Svcr (optional)
  // OPBD on the date of from_ns, CLBD on the date of to_ns; negative is a
  // debit balance.
  int64_t opening_balance_minor = 0;
  int64_t closing_balance_minor = 0;
  std::vector<StatementEntry> entries;
  std::string additional_info;  // AddtlStmtInf (optional)
};

}  // namespace meridian::iso20022

#endif  // MERIDIAN_ISO20022_MESSAGES_H_
