// ISO 20022 cash-report reader: a bank's camt.053 statement, camt.054
// debit/credit notification or camt.052 intraday report, read into one
// neutral struct for settlement reconciliation (match the bank's entries to
// a window's instructions by amount, currency and reference).
//
//   MERIDIAN_ASSIGN_OR_RETURN(CashDocument doc, ReadCashDocument(xml));
//   for (const CashReport& report : doc.reports)
//     for (const CashEntry& e : report.entries)
//       Match(e.amount_minor, e.currency, e.end_to_end_id, ...);
//
// What it reads: the three messages share their shape — a group header,
// then one or more Stmt / Ntfctn / Rpt, each with an account (Acct), its
// balances (Bal) and entries (Ntry) with transaction details
// (NtryDtls/TxDtls). Elements are found by local name, whatever their
// namespace prefix or version, so camt.05x.001.02 to .001.08 and later
// read alike (tested on .001.04 and .001.08). The Document may be the root
// or sit inside an envelope (<Envelope><AppHdr/><Document/></Envelope>,
// as CBPR+ sends it). What reconciliation does not need (charges,
// interest, card data, parties, availability ...) is skipped unread.
//
// Contract:
// - Input is at most kMaxCashDocumentBytes (else BODY_TOO_LARGE) of XML in
//   any encoding the declaration names; DTDs are not processed and no
//   entity other than XML's five and character references is expanded, and
//   nothing is fetched.
// - Anything that is not such a message, and any value reconciliation uses
//   that is malformed — an amount that is not a decimal, has more decimals
//   than its currency, or no known ISO 4217 currency; a CdtDbtInd other
//   than CRDT/DBIT; a date that is not a date; a reference longer than the
//   schema allows; text that is not UTF-8 — is INVALID_PARAMETER whose
//   param is the element's path ("Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/
//   Amt") and whose message starts with that path. Nothing is guessed.
// - Bounded: at most kMaxCashEntries entries and kMaxCashTransactions
//   transaction details in all; more is INVALID_PARAMETER.
// - Pure: no clock, no I/O; same bytes, same result.
#ifndef MERIDIAN_ISO20022_READER_H_
#define MERIDIAN_ISO20022_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/currency.h"
#include "core/status.h"
#include "iso20022/messages.h"

namespace meridian::iso20022 {

inline constexpr size_t kMaxCashDocumentBytes = 64u << 20;
inline constexpr size_t kMaxCashEntries = 1'000'000;
inline constexpr size_t kMaxCashTransactions = 1'000'000;
inline constexpr size_t kMaxCashReports = 10'000;
// Remittance text kept per transaction or entry (lines joined by "\n").
inline constexpr size_t kMaxRemittanceBytes = 4096;

enum class CashMessageKind : uint8_t {
  kReport,        // camt.052 BkToCstmrAcctRpt / Rpt
  kStatement,     // camt.053 BkToCstmrStmt / Stmt
  kNotification,  // camt.054 BkToCstmrDbtCdtNtfctn / Ntfctn
};

// The references a bank echoes for one transaction (TxDtls/Refs). Empty
// when absent.
struct CashReferences {
  std::string message_id;            // MsgId
  std::string account_servicer_ref;  // AcctSvcrRef
  std::string payment_info_id;       // PmtInfId
  std::string instruction_id;        // InstrId
  std::string end_to_end_id;         // EndToEndId
  std::string uetr;                  // UETR
  std::string transaction_id;        // TxId
};

// One NtryDtls/TxDtls.
struct CashTransaction {
  CashReferences refs;
  // TxDtls/Amt and its CdtDbtInd when the bank gives them (a batch entry's
  // parts); else unset.
  std::optional<int64_t> amount_minor;
  Currency currency;
  std::optional<CreditDebit> credit_debit;
  // RmtInf/Ustrd lines joined by "\n", and RmtInf/Strd/CdtrRefInf/Ref.
  std::string remittance;
  std::string creditor_reference;
  std::string additional_info;  // AddtlTxInf
};

// One Ntry. The flat reference fields are the entry's own where it has
// them (AcctSvcrRef), else its first transaction's: what reconciliation
// matches on when an entry books one payment.
struct CashEntry {
  int64_t amount_minor = 0;  // >= 0; the direction is credit_debit
  Currency currency;
  CreditDebit credit_debit = CreditDebit::kCredit;
  bool reversal = false;     // RvslInd
  std::string status;        // BOOK, PDNG, INFO ... (Sts or Sts/Cd)
  std::string booking_date;  // "YYYY-MM-DD" (date part of a DtTm), or ""
  std::string value_date;    // "YYYY-MM-DD", or ""
  std::string entry_ref;     // NtryRef
  std::string account_servicer_ref;
  std::string end_to_end_id;
  std::string instruction_id;
  std::string uetr;
  // The first transaction's remittance, else AddtlNtryInf.
  std::string remittance;
  std::string additional_info;  // AddtlNtryInf
  std::vector<CashTransaction> transactions;
};

// OPBD/PRCD (opening) and CLBD (closing) booked balances.
struct CashBalance {
  int64_t amount_minor = 0;  // signed: a DBIT balance is negative
  Currency currency;
  std::string date;  // "YYYY-MM-DD", or "" when only a date-time is odd
};

// One Stmt, Ntfctn or Rpt.
struct CashReport {
  std::string id;          // Stmt/Id
  std::string account_id;  // Acct/Id/IBAN or Acct/Id/Othr/Id
  bool account_is_iban = false;
  // Acct/Ccy, else the currency of the first balance or entry; unset when
  // the report has none of them.
  std::optional<Currency> currency;
  std::optional<CashBalance> opening_booked;
  std::optional<CashBalance> closing_booked;
  std::vector<CashEntry> entries;
};

struct CashDocument {
  CashMessageKind kind = CashMessageKind::kStatement;
  // "camt.053.001.04", from the Document's namespace; "" when it has no
  // camt namespace.
  std::string message_name;
  std::string message_id;  // GrpHdr/MsgId
  std::string created;     // GrpHdr/CreDtTm as written
  std::vector<CashReport> reports;
};

Result<CashDocument> ReadCashDocument(std::string_view xml);

}  // namespace meridian::iso20022

#endif  // MERIDIAN_ISO20022_READER_H_
