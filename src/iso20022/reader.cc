// The camt reader walks a pugixml DOM by local names (namespace prefixes
// dropped), building the path of every element it reads so that a refusal
// names the element ("Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt").
#include "iso20022/reader.h"

#include <algorithm>
#include <cstring>
#include <pugixml.hpp>

#include "iso20022/internal/text.h"

namespace meridian::iso20022 {
namespace {

constexpr size_t kMaxIdChars35 = 35;
constexpr size_t kMaxUetrChars = 36;
constexpr size_t kMaxStatusChars = 35;
constexpr size_t kMaxAccountIdChars = 34;
constexpr size_t kMaxUstrdChars = 140;
constexpr size_t kMaxInfoChars = 500;
constexpr size_t kMaxCreatedChars = 64;

Error At(const std::string& path, std::string_view what) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, path,
                   path + ": " + std::string(what));
}

std::string_view Local(pugi::xml_node n) {
  const std::string_view name = n.name();
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node First(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && Local(c) == local) return c;
  }
  return pugi::xml_node();
}

// Calls f(child, index from 1) for each element child named `local`;
// stops at the first error.
template <typename F>
Status ForEach(pugi::xml_node parent, std::string_view local, F f) {
  size_t index = 0;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || Local(c) != local) continue;
    MERIDIAN_RETURN_IF_ERROR(f(c, ++index));
  }
  return Status::Ok();
}

std::string Indexed(const std::string& path, std::string_view local,
                    size_t index) {
  return path + "/" + std::string(local) + "[" + std::to_string(index) + "]";
}

std::string Sub(const std::string& path, std::string_view local) {
  return path + "/" + std::string(local);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The element's text (its text and CDATA children joined), trimmed, as
// well-formed UTF-8 of at most max_chars characters.
Result<std::string> TextOf(pugi::xml_node n, const std::string& path,
                           size_t max_chars) {
  std::string text;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) {
      continue;
    }
    const char* v = c.value();
    const size_t len = std::strlen(v);
    // The limit in bytes is 4 per character; stop early on a huge text.
    if (text.size() + len > max_chars * 4 + 64) {
      return At(path, "longer than the " + std::to_string(max_chars) +
                          " characters the schema allows");
    }
    text.append(v, len);
  }
  size_t begin = 0, end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  text = text.substr(begin, end - begin);
  if (!internal::IsXmlUtf8(text)) {
    return At(path, "not well-formed UTF-8 text");
  }
  if (internal::CountChars(text) > max_chars) {
    return At(path, "longer than the " + std::to_string(max_chars) +
                        " characters the schema allows");
  }
  return text;
}

// The text of child `local` of `parent`, or "" when there is no such child.
Result<std::string> OptionalText(pugi::xml_node parent, const std::string& path,
                                 std::string_view local, size_t max_chars) {
  pugi::xml_node n = First(parent, local);
  if (!n) return std::string();
  return TextOf(n, Sub(path, local), max_chars);
}

Result<std::string> RequiredText(pugi::xml_node parent, const std::string& path,
                                 std::string_view local, size_t max_chars) {
  const std::string p = Sub(path, local);
  pugi::xml_node n = First(parent, local);
  if (!n) return At(p, "missing");
  MERIDIAN_ASSIGN_OR_RETURN(std::string text, TextOf(n, p, max_chars));
  if (text.empty()) return At(p, "empty");
  return text;
}

struct Money {
  int64_t amount_minor;
  Currency currency;
};

// <Amt Ccy="CHF">12.30</Amt>
Result<Money> ReadAmount(pugi::xml_node n, const std::string& path) {
  const std::string_view code = n.attribute("Ccy").value();
  if (code.empty()) return At(path, "the amount has no Ccy attribute");
  Result<Currency> currency = Currency::FromCode(code);
  if (!currency.ok()) {
    return At(path, "'" + std::string(code.substr(0, 8)) +
                        "' is not a current ISO 4217 currency");
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::string text, TextOf(n, path, 64));
  MERIDIAN_ASSIGN_OR_RETURN(int64_t minor,
                            internal::ParseAmount(text, *currency, path));
  return Money{minor, *currency};
}

Result<CreditDebit> ReadCreditDebit(pugi::xml_node n, const std::string& path) {
  MERIDIAN_ASSIGN_OR_RETURN(std::string text, TextOf(n, path, 8));
  const std::string_view code = text;  // (g++ 12 warns on string == "...")
  if (code == "CRDT") return CreditDebit::kCredit;
  if (code == "DBIT") return CreditDebit::kDebit;
  return At(path, "'" + text + "' is neither CRDT nor DBIT");
}

// DateAndDateTime2Choice (Dt or DtTm) -> "YYYY-MM-DD"; "" when absent.
Result<std::string> ReadDate(pugi::xml_node parent, const std::string& path,
                             std::string_view local) {
  pugi::xml_node n = First(parent, local);
  if (!n) return std::string();
  const std::string p = Sub(path, local);
  if (pugi::xml_node dt = First(n, "Dt")) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string text, TextOf(dt, Sub(p, "Dt"), 16));
    if (!internal::IsIsoDate(text)) {
      return At(Sub(p, "Dt"), "'" + text + "' is not a date (YYYY-MM-DD)");
    }
    return text;
  }
  if (pugi::xml_node dt = First(n, "DtTm")) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string text, TextOf(dt, Sub(p, "DtTm"), 40));
    std::string date = internal::DateOfDateTime(text);
    if (date.empty()) {
      return At(Sub(p, "DtTm"), "'" + text + "' is not an ISO 8601 date-time");
    }
    return date;
  }
  return At(p, "has neither Dt nor DtTm");
}

Status ReadReferences(pugi::xml_node refs, const std::string& path,
                      CashReferences* out) {
  struct Field {
    std::string_view local;
    std::string* target;
    size_t max_chars;
  };
  const Field fields[] = {
      {"MsgId", &out->message_id, kMaxIdChars35},
      {"AcctSvcrRef", &out->account_servicer_ref, kMaxIdChars35},
      {"PmtInfId", &out->payment_info_id, kMaxIdChars35},
      {"InstrId", &out->instruction_id, kMaxIdChars35},
      {"EndToEndId", &out->end_to_end_id, kMaxIdChars35},
      {"UETR", &out->uetr, kMaxUetrChars},
      {"TxId", &out->transaction_id, kMaxIdChars35},
  };
  for (const Field& f : fields) {
    MERIDIAN_ASSIGN_OR_RETURN(*f.target,
                              OptionalText(refs, path, f.local, f.max_chars));
  }
  return Status::Ok();
}

// RmtInf: Ustrd lines joined by "\n"; the first Strd/CdtrRefInf/Ref.
Status ReadRemittance(pugi::xml_node rmt, const std::string& path,
                      std::string* text, std::string* creditor_reference) {
  MERIDIAN_RETURN_IF_ERROR(
      ForEach(rmt, "Ustrd", [&](pugi::xml_node u, size_t i) -> Status {
        const std::string p = Indexed(path, "Ustrd", i);
        MERIDIAN_ASSIGN_OR_RETURN(std::string line,
                                  TextOf(u, p, kMaxUstrdChars));
        if (line.empty()) return Status::Ok();
        if (text->size() + line.size() + 1 > kMaxRemittanceBytes) {
          return At(p, "the remittance lines pass " +
                           std::to_string(kMaxRemittanceBytes) + " bytes");
        }
        if (!text->empty()) text->push_back('\n');
        text->append(line);
        return Status::Ok();
      }));
  return ForEach(rmt, "Strd", [&](pugi::xml_node s, size_t i) -> Status {
    if (!creditor_reference->empty()) return Status::Ok();
    pugi::xml_node info = First(s, "CdtrRefInf");
    if (!info) return Status::Ok();
    MERIDIAN_ASSIGN_OR_RETURN(
        *creditor_reference,
        OptionalText(info, Sub(Indexed(path, "Strd", i), "CdtrRefInf"), "Ref",
                     kMaxIdChars35));
    return Status::Ok();
  });
}

struct Budget {
  size_t entries = 0;
  size_t transactions = 0;
};

Result<CashTransaction> ReadTransaction(pugi::xml_node tx,
                                        const std::string& path) {
  CashTransaction out;
  if (pugi::xml_node refs = First(tx, "Refs")) {
    MERIDIAN_RETURN_IF_ERROR(
        ReadReferences(refs, Sub(path, "Refs"), &out.refs));
  }
  if (pugi::xml_node amt = First(tx, "Amt")) {
    MERIDIAN_ASSIGN_OR_RETURN(Money m, ReadAmount(amt, Sub(path, "Amt")));
    out.amount_minor = m.amount_minor;
    out.currency = m.currency;
  }
  if (pugi::xml_node ind = First(tx, "CdtDbtInd")) {
    MERIDIAN_ASSIGN_OR_RETURN(out.credit_debit,
                              ReadCreditDebit(ind, Sub(path, "CdtDbtInd")));
  }
  if (pugi::xml_node rmt = First(tx, "RmtInf")) {
    MERIDIAN_RETURN_IF_ERROR(ReadRemittance(
        rmt, Sub(path, "RmtInf"), &out.remittance, &out.creditor_reference));
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      out.additional_info, OptionalText(tx, path, "AddtlTxInf", kMaxInfoChars));
  return out;
}

Result<CashEntry> ReadEntry(pugi::xml_node n, const std::string& path,
                            Budget* budget) {
  CashEntry e;
  MERIDIAN_ASSIGN_OR_RETURN(e.entry_ref,
                            OptionalText(n, path, "NtryRef", kMaxIdChars35));
  pugi::xml_node amt = First(n, "Amt");
  if (!amt) return At(Sub(path, "Amt"), "missing: every entry has an amount");
  MERIDIAN_ASSIGN_OR_RETURN(Money m, ReadAmount(amt, Sub(path, "Amt")));
  e.amount_minor = m.amount_minor;
  e.currency = m.currency;
  pugi::xml_node ind = First(n, "CdtDbtInd");
  if (!ind) return At(Sub(path, "CdtDbtInd"), "missing");
  MERIDIAN_ASSIGN_OR_RETURN(e.credit_debit,
                            ReadCreditDebit(ind, Sub(path, "CdtDbtInd")));
  if (pugi::xml_node rvsl = First(n, "RvslInd")) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string text,
                              TextOf(rvsl, Sub(path, "RvslInd"), 8));
    if (text == "true" || text == "1") {
      e.reversal = true;
    } else if (text != "false" && text != "0") {
      return At(Sub(path, "RvslInd"), "'" + text + "' is not true or false");
    }
  }
  if (pugi::xml_node sts = First(n, "Sts")) {
    // .001.04 writes <Sts>BOOK</Sts>; .001.08 <Sts><Cd>BOOK</Cd></Sts>.
    pugi::xml_node code = First(sts, "Cd");
    std::string p = Sub(path, "Sts");
    if (!code) code = First(sts, "Prtry");
    if (code) p = Sub(p, Local(code));
    MERIDIAN_ASSIGN_OR_RETURN(e.status,
                              TextOf(code ? code : sts, p, kMaxStatusChars));
  }
  MERIDIAN_ASSIGN_OR_RETURN(e.booking_date, ReadDate(n, path, "BookgDt"));
  MERIDIAN_ASSIGN_OR_RETURN(e.value_date, ReadDate(n, path, "ValDt"));
  MERIDIAN_ASSIGN_OR_RETURN(
      e.account_servicer_ref,
      OptionalText(n, path, "AcctSvcrRef", kMaxIdChars35));
  MERIDIAN_RETURN_IF_ERROR(
      ForEach(n, "NtryDtls", [&](pugi::xml_node details, size_t i) -> Status {
        const std::string dp = Indexed(path, "NtryDtls", i);
        return ForEach(
            details, "TxDtls", [&](pugi::xml_node tx, size_t j) -> Status {
              const std::string tp = Indexed(dp, "TxDtls", j);
              if (++budget->transactions > kMaxCashTransactions) {
                return At(tp, "more than " +
                                  std::to_string(kMaxCashTransactions) +
                                  " transactions in one document");
              }
              MERIDIAN_ASSIGN_OR_RETURN(CashTransaction t,
                                        ReadTransaction(tx, tp));
              e.transactions.push_back(std::move(t));
              return Status::Ok();
            });
      }));
  MERIDIAN_ASSIGN_OR_RETURN(
      e.additional_info, OptionalText(n, path, "AddtlNtryInf", kMaxInfoChars));
  if (!e.transactions.empty()) {
    const CashTransaction& first = e.transactions.front();
    if (e.account_servicer_ref.empty()) {
      e.account_servicer_ref = first.refs.account_servicer_ref;
    }
    e.end_to_end_id = first.refs.end_to_end_id;
    e.instruction_id = first.refs.instruction_id;
    e.uetr = first.refs.uetr;
    e.remittance = first.remittance;
  }
  if (e.remittance.empty()) e.remittance = e.additional_info;
  return e;
}

Result<CashReport> ReadReport(pugi::xml_node n, const std::string& path,
                              Budget* budget) {
  CashReport r;
  MERIDIAN_ASSIGN_OR_RETURN(r.id, RequiredText(n, path, "Id", kMaxIdChars35));
  pugi::xml_node acct = First(n, "Acct");
  const std::string ap = Sub(path, "Acct");
  if (!acct) return At(ap, "missing: a report names its account");
  pugi::xml_node id = First(acct, "Id");
  const std::string ip = Sub(ap, "Id");
  if (!id) return At(ip, "missing");
  if (pugi::xml_node iban = First(id, "IBAN")) {
    MERIDIAN_ASSIGN_OR_RETURN(
        r.account_id, TextOf(iban, Sub(ip, "IBAN"), kMaxAccountIdChars));
    r.account_is_iban = true;
  } else if (pugi::xml_node othr = First(id, "Othr")) {
    MERIDIAN_ASSIGN_OR_RETURN(
        r.account_id,
        RequiredText(othr, Sub(ip, "Othr"), "Id", kMaxAccountIdChars));
  }
  if (r.account_id.empty()) {
    return At(ip, "has neither an IBAN nor Othr/Id");
  }
  if (pugi::xml_node ccy = First(acct, "Ccy")) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string code, TextOf(ccy, Sub(ap, "Ccy"), 8));
    Result<Currency> c = Currency::FromCode(code);
    if (!c.ok()) {
      return At(Sub(ap, "Ccy"),
                "'" + code + "' is not a current ISO 4217 currency");
    }
    r.currency = *c;
  }
  MERIDIAN_RETURN_IF_ERROR(
      ForEach(n, "Bal", [&](pugi::xml_node bal, size_t i) -> Status {
        const std::string bp = Indexed(path, "Bal", i);
        pugi::xml_node cd = First(First(First(bal, "Tp"), "CdOrPrtry"), "Cd");
        if (!cd) return Status::Ok();  // proprietary types: not ours
        MERIDIAN_ASSIGN_OR_RETURN(std::string code,
                                  TextOf(cd, Sub(bp, "Tp/CdOrPrtry/Cd"), 4));
        std::optional<CashBalance>* target = nullptr;
        if (code == "OPBD" || code == "PRCD") target = &r.opening_booked;
        if (code == "CLBD") target = &r.closing_booked;
        if (target == nullptr || target->has_value()) return Status::Ok();
        pugi::xml_node amt = First(bal, "Amt");
        if (!amt) return At(Sub(bp, "Amt"), "missing");
        MERIDIAN_ASSIGN_OR_RETURN(Money m, ReadAmount(amt, Sub(bp, "Amt")));
        pugi::xml_node ind = First(bal, "CdtDbtInd");
        if (!ind) return At(Sub(bp, "CdtDbtInd"), "missing");
        MERIDIAN_ASSIGN_OR_RETURN(CreditDebit cd_ind,
                                  ReadCreditDebit(ind, Sub(bp, "CdtDbtInd")));
        CashBalance b;
        b.amount_minor =
            cd_ind == CreditDebit::kDebit ? -m.amount_minor : m.amount_minor;
        b.currency = m.currency;
        MERIDIAN_ASSIGN_OR_RETURN(b.date, ReadDate(bal, bp, "Dt"));
        *target = b;
        if (!r.currency.has_value()) r.currency = m.currency;
        return Status::Ok();
      }));
  MERIDIAN_RETURN_IF_ERROR(
      ForEach(n, "Ntry", [&](pugi::xml_node ntry, size_t i) -> Status {
        const std::string np = Indexed(path, "Ntry", i);
        if (++budget->entries > kMaxCashEntries) {
          return At(np, "more than " + std::to_string(kMaxCashEntries) +
                            " entries in one document");
        }
        MERIDIAN_ASSIGN_OR_RETURN(CashEntry e, ReadEntry(ntry, np, budget));
        if (!r.currency.has_value()) r.currency = e.currency;
        r.entries.push_back(std::move(e));
        return Status::Ok();
      }));
  return r;
}

// "urn:iso:std:iso:20022:tech:xsd:camt.053.001.04" -> "camt.053.001.04",
// from the namespace declaration that binds the element's prefix.
std::string MessageName(pugi::xml_node element) {
  const std::string_view name = element.name();
  const size_t colon = name.rfind(':');
  const std::string attr = colon == std::string_view::npos
                               ? std::string("xmlns")
                               : "xmlns:" + std::string(name.substr(0, colon));
  for (pugi::xml_node n = element; n; n = n.parent()) {
    pugi::xml_attribute a = n.attribute(attr.c_str());
    if (!a) continue;
    std::string_view uri = a.value();
    const size_t last = uri.rfind(':');
    if (last != std::string_view::npos) uri.remove_prefix(last + 1);
    const bool ok =
        uri.starts_with("camt.") && uri.size() <= 35 &&
        std::all_of(uri.begin(), uri.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.';
        });
    return ok ? std::string(uri) : std::string();
  }
  return "";
}

}  // namespace

Result<CashDocument> ReadCashDocument(std::string_view xml) {
  if (xml.size() > kMaxCashDocumentBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "xml",
                     "xml: the document has " + std::to_string(xml.size()) +
                         " bytes, more than the " +
                         std::to_string(kMaxCashDocumentBytes) +
                         " a camt document may have; ask the bank for "
                         "pages");
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    const size_t offset =
        std::min(static_cast<size_t>(parsed.offset), xml.size());
    const size_t line = 1 + static_cast<size_t>(std::count(
                                xml.begin(), xml.begin() + offset, '\n'));
    return MakeError(ErrorCode::kINVALID_PARAMETER, "xml",
                     "xml: not well-formed XML (line " + std::to_string(line) +
                         "): " + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (!root) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "xml",
                     "xml: no root element");
  }
  // The Document is the root or a child or grandchild of an envelope.
  std::string path(Local(root));
  pugi::xml_node document;
  if (Local(root) == "Document") {
    document = root;
  } else if ((document = First(root, "Document"))) {
    path += "/Document";
  } else {
    for (pugi::xml_node c = root.first_child(); c && !document;
         c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      if ((document = First(c, "Document"))) {
        path += "/" + std::string(Local(c)) + "/Document";
      }
    }
  }
  if (!document) {
    return At(path,
              "no ISO 20022 Document element here (expected a "
              "camt.052, camt.053 or camt.054 message)");
  }
  CashDocument out;
  out.message_name = MessageName(document);
  pugi::xml_node message;
  for (pugi::xml_node c = document.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) {
      message = c;
      break;
    }
  }
  if (!message) return At(path, "the Document is empty");
  std::string_view report_tag;
  const std::string_view kind = Local(message);
  if (kind == "BkToCstmrStmt") {
    out.kind = CashMessageKind::kStatement;
    report_tag = "Stmt";
  } else if (kind == "BkToCstmrDbtCdtNtfctn") {
    out.kind = CashMessageKind::kNotification;
    report_tag = "Ntfctn";
  } else if (kind == "BkToCstmrAcctRpt") {
    out.kind = CashMessageKind::kReport;
    report_tag = "Rpt";
  } else {
    return At(Sub(path, kind.substr(0, 64)),
              "not a camt.052, camt.053 or camt.054 message (those start "
              "with BkToCstmrAcctRpt, BkToCstmrStmt or "
              "BkToCstmrDbtCdtNtfctn)");
  }
  path = Sub(path, kind);
  pugi::xml_node header = First(message, "GrpHdr");
  if (!header) return At(Sub(path, "GrpHdr"), "missing");
  MERIDIAN_ASSIGN_OR_RETURN(
      out.message_id,
      RequiredText(header, Sub(path, "GrpHdr"), "MsgId", kMaxIdChars35));
  MERIDIAN_ASSIGN_OR_RETURN(
      out.created,
      OptionalText(header, Sub(path, "GrpHdr"), "CreDtTm", kMaxCreatedChars));
  Budget budget;
  MERIDIAN_RETURN_IF_ERROR(
      ForEach(message, report_tag, [&](pugi::xml_node n, size_t i) -> Status {
        const std::string rp = Indexed(path, report_tag, i);
        if (i > kMaxCashReports) {
          return At(rp, "more than " + std::to_string(kMaxCashReports) +
                            " reports in one document");
        }
        MERIDIAN_ASSIGN_OR_RETURN(CashReport r, ReadReport(n, rp, &budget));
        out.reports.push_back(std::move(r));
        return Status::Ok();
      }));
  if (out.reports.empty()) {
    return At(Sub(path, report_tag),
              "missing: the message holds no " + std::string(report_tag));
  }
  return out;
}

}  // namespace meridian::iso20022
