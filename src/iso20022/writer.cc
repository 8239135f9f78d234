// The writers build a pugixml document in the schema's element order
// (each function below follows one complex type of the XSD, named in its
// comment) and check each value as it goes; the first bad field ends the
// write with its error.
#include "iso20022/writer.h"

#include <pugixml.hpp>
#include <sstream>
#include <string_view>

#include "iso20022/internal/text.h"

namespace meridian::iso20022 {
namespace {

using internal::CheckCode;
using internal::CheckId;
using internal::CheckText;

constexpr std::string_view kNamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:";

Error Invalid(const std::string& param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, param, std::move(message));
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperAlnum(char c) { return IsUpper(c) || IsDigit(c); }

// [A-Z]{2}
Status CheckCountry(const std::string& param, std::string_view country,
                    bool required) {
  if (country.empty() && !required) return Status::Ok();
  if (country.size() != 2 || !IsUpper(country[0]) || !IsUpper(country[1])) {
    return Invalid(param,
                   "an ISO 3166 alpha-2 country code (two upper-case "
                   "letters), not '" +
                       std::string(country.substr(0, 8)) + "'");
  }
  return Status::Ok();
}

// BICFIDec2014Identifier: [A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?
Status CheckBic(const std::string& param, std::string_view bic) {
  bool ok = bic.size() == 8 || bic.size() == 11;
  for (size_t i = 0; ok && i < bic.size(); ++i) {
    ok = (i == 4 || i == 5) ? IsUpper(bic[i]) : IsUpperAlnum(bic[i]);
  }
  if (!ok) {
    return Invalid(param,
                   "a BIC of 8 or 11 upper-case letters and digits "
                   "(bank 4, country 2, location 2, branch 3), not '" +
                       std::string(bic.substr(0, 16)) + "'");
  }
  return Status::Ok();
}

// LEIIdentifier: [A-Z0-9]{18}[0-9]{2}
Status CheckLei(const std::string& param, std::string_view lei) {
  bool ok = lei.size() == 20;
  for (size_t i = 0; ok && i < 20; ++i) {
    ok = i < 18 ? IsUpperAlnum(lei[i]) : IsDigit(lei[i]);
  }
  if (!ok) {
    return Invalid(param,
                   "an LEI of 20 characters (18 letters or digits, "
                   "then 2 digits)");
  }
  return Status::Ok();
}

// IBAN2007Identifier: [A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}
Status CheckIbanShape(const std::string& param, std::string_view iban) {
  bool ok = iban.size() >= 5 && iban.size() <= 34 && IsUpper(iban[0]) &&
            IsUpper(iban[1]) && IsDigit(iban[2]) && IsDigit(iban[3]);
  for (size_t i = 4; ok && i < iban.size(); ++i) {
    ok = IsUpperAlnum(iban[i]) || (iban[i] >= 'a' && iban[i] <= 'z');
  }
  if (!ok) {
    return Invalid(param,
                   "an IBAN in electronic form (country, 2 check "
                   "digits, up to 30 letters or digits; no spaces)");
  }
  return Status::Ok();
}

// UUIDv4Identifier: [a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-
// [a-f0-9]{12}
Status CheckUetr(const std::string& param, std::string_view uetr) {
  bool ok = uetr.size() == 36;
  for (size_t i = 0; ok && i < 36; ++i) {
    const char c = uetr[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ok = c == '-';
    } else if (i == 14) {
      ok = c == '4';
    } else if (i == 19) {
      ok = c == '8' || c == '9' || c == 'a' || c == 'b';
    } else {
      ok = IsDigit(c) || (c >= 'a' && c <= 'f');
    }
  }
  if (!ok) {
    return Invalid(param,
                   "a UETR is a lower-case UUID version 4 "
                   "(xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx); see "
                   "UetrFromId");
  }
  return Status::Ok();
}

Status CheckPositive(const std::string& param, int64_t amount_minor) {
  if (amount_minor <= 0) {
    return MakeError(
        ErrorCode::kINVALID_AMOUNT, param,
        "the amount must be positive, not " + std::to_string(amount_minor));
  }
  return Status::Ok();
}

std::string_view SettlementMethodCode(SettlementMethod m) {
  switch (m) {
    case SettlementMethod::kInstructedAgent:
      return "INDA";
    case SettlementMethod::kInstructingAgent:
      return "INGA";
    case SettlementMethod::kCoverMethod:
      return "COVE";
    case SettlementMethod::kClearingSystem:
      return "CLRG";
  }
  return "INDA";
}

std::string_view ChargeBearerCode(ChargeBearer c) {
  switch (c) {
    case ChargeBearer::kDebtor:
      return "DEBT";
    case ChargeBearer::kCreditor:
      return "CRED";
    case ChargeBearer::kShared:
      return "SHAR";
    case ChargeBearer::kFollowingServiceLevel:
      return "SLEV";
  }
  return "SHAR";
}

// Appends children in order; the strings are copied into the document.
class Node {
 public:
  explicit Node(pugi::xml_node node) : node_(node) {}

  Node Child(std::string_view name) {
    return Node(node_.append_child(std::string(name).c_str()));
  }
  void Text(std::string_view name, std::string_view value) {
    Child(name).node_.text().set(std::string(value).c_str());
  }
  void TextIf(std::string_view name, std::string_view value) {
    if (!value.empty()) Text(name, value);
  }
  // <name Ccy="EUR">12.34</name>
  Status Amount(std::string_view name, int64_t amount_minor, Currency currency,
                const std::string& param) {
    MERIDIAN_ASSIGN_OR_RETURN(
        std::string text,
        internal::FormatAmount(amount_minor, currency, param));
    pugi::xml_node n = node_.append_child(std::string(name).c_str());
    n.append_attribute("Ccy").set_value(std::string(currency.code()).c_str());
    n.text().set(text.c_str());
    return Status::Ok();
  }

 private:
  pugi::xml_node node_;
};

struct Document {
  pugi::xml_document doc;
  Node root{pugi::xml_node()};

  explicit Document(std::string_view message_name)
      : root([&] {
          pugi::xml_node decl = doc.append_child(pugi::node_declaration);
          decl.append_attribute("version").set_value("1.0");
          decl.append_attribute("encoding").set_value("UTF-8");
          pugi::xml_node d = doc.append_child("Document");
          d.append_attribute("xmlns").set_value(
              (std::string(kNamespacePrefix) + std::string(message_name))
                  .c_str());
          return d;
        }()) {}

  std::string Save() const {
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
    return out.str();
  }
};

// PostalAddress24 (structured only).
Status WriteAddress(Node parent, const PostalAddress& a,
                    const std::string& param) {
  if (a.empty()) return Status::Ok();
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".department", a.department, 70, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".street_name", a.street_name, 70, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".building_number", a.building_number, 16, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".building_name", a.building_name, 35, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".post_code", a.post_code, 16, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".town_name", a.town_name, 35, true));
  MERIDIAN_RETURN_IF_ERROR(CheckText(param + ".country_sub_division",
                                     a.country_sub_division, 35, false));
  MERIDIAN_RETURN_IF_ERROR(CheckCountry(param + ".country", a.country, true));
  Node n = parent.Child("PstlAdr");
  n.TextIf("Dept", a.department);
  n.TextIf("StrtNm", a.street_name);
  n.TextIf("BldgNb", a.building_number);
  n.TextIf("BldgNm", a.building_name);
  n.TextIf("PstCd", a.post_code);
  n.Text("TwnNm", a.town_name);
  n.TextIf("CtrySubDvsn", a.country_sub_division);
  n.Text("Ctry", a.country);
  return Status::Ok();
}

// PartyIdentification135.
Status WriteParty(Node parent, std::string_view tag, const Party& p,
                  const std::string& param) {
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".name", p.name, kMaxNameChars, true));
  const bool org = !p.lei.empty() || !p.organisation_id.empty();
  const bool person = p.birth_date_ns.has_value() || !p.person_id.empty();
  if (org && person) {
    return Invalid(param,
                   "a party is an organisation (LEI, organisation id) "
                   "or a person (birth, person id), not both");
  }
  if (!p.lei.empty()) MERIDIAN_RETURN_IF_ERROR(CheckLei(param + ".lei", p.lei));
  MERIDIAN_RETURN_IF_ERROR(CheckId(param + ".organisation_id",
                                   p.organisation_id, kMaxIdChars, false));
  MERIDIAN_RETURN_IF_ERROR(CheckCode(param + ".organisation_id_scheme",
                                     p.organisation_id_scheme, 4, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckId(param + ".person_id", p.person_id, kMaxIdChars, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckCode(param + ".person_id_scheme", p.person_id_scheme, 4, false));
  if (p.birth_date_ns.has_value()) {
    MERIDIAN_RETURN_IF_ERROR(
        CheckText(param + ".birth_city", p.birth_city, 35, true));
    MERIDIAN_RETURN_IF_ERROR(
        CheckCountry(param + ".birth_country", p.birth_country, true));
  }
  MERIDIAN_RETURN_IF_ERROR(CheckCountry(param + ".country_of_residence",
                                        p.country_of_residence, false));
  Node n = parent.Child(tag);
  n.Text("Nm", p.name);
  MERIDIAN_RETURN_IF_ERROR(WriteAddress(n, p.address, param + ".address"));
  if (org) {
    Node o = n.Child("Id").Child("OrgId");
    o.TextIf("LEI", p.lei);
    if (!p.organisation_id.empty()) {
      Node othr = o.Child("Othr");
      othr.Text("Id", p.organisation_id);
      if (!p.organisation_id_scheme.empty()) {
        othr.Child("SchmeNm").Text("Cd", p.organisation_id_scheme);
      }
    }
  } else if (person) {
    Node prvt = n.Child("Id").Child("PrvtId");
    if (p.birth_date_ns.has_value()) {
      Node birth = prvt.Child("DtAndPlcOfBirth");
      birth.Text("BirthDt", internal::FormatDate(*p.birth_date_ns));
      birth.Text("CityOfBirth", p.birth_city);
      birth.Text("CtryOfBirth", p.birth_country);
    }
    if (!p.person_id.empty()) {
      Node othr = prvt.Child("Othr");
      othr.Text("Id", p.person_id);
      if (!p.person_id_scheme.empty()) {
        othr.Child("SchmeNm").Text("Cd", p.person_id_scheme);
      }
    }
  }
  n.TextIf("CtryOfRes", p.country_of_residence);
  return Status::Ok();
}

// BranchAndFinancialInstitutionIdentification6.
Status WriteAgent(Node parent, std::string_view tag, const Agent& a,
                  const std::string& param) {
  if (a.empty()) {
    return Invalid(param,
                   "identify the bank: a BIC, a clearing-system "
                   "member id or a name");
  }
  if (!a.bic.empty()) MERIDIAN_RETURN_IF_ERROR(CheckBic(param + ".bic", a.bic));
  MERIDIAN_RETURN_IF_ERROR(
      CheckCode(param + ".clearing_system", a.clearing_system, 5, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckId(param + ".member_id", a.member_id, kMaxIdChars, false));
  if (!a.clearing_system.empty() && a.member_id.empty()) {
    return Invalid(param + ".member_id",
                   "a clearing system needs the bank's member id in it");
  }
  if (!a.lei.empty()) MERIDIAN_RETURN_IF_ERROR(CheckLei(param + ".lei", a.lei));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText(param + ".name", a.name, kMaxNameChars, false));
  Node fi = parent.Child(tag).Child("FinInstnId");
  fi.TextIf("BICFI", a.bic);
  if (!a.member_id.empty()) {
    Node m = fi.Child("ClrSysMmbId");
    if (!a.clearing_system.empty()) {
      m.Child("ClrSysId").Text("Cd", a.clearing_system);
    }
    m.Text("MmbId", a.member_id);
  }
  fi.TextIf("LEI", a.lei);
  fi.TextIf("Nm", a.name);
  return WriteAddress(fi, a.address, param + ".address");
}

// CashAccount38/39 (Id and Nm; Ccy where the caller passes one).
Status WriteAccountId(Node account, const AccountId& a,
                      const std::string& param) {
  if (a.iban.empty() == a.other.empty()) {
    return Invalid(param,
                   "give the account's IBAN or its other id (one of "
                   "the two)");
  }
  Node id = account.Child("Id");
  if (!a.iban.empty()) {
    MERIDIAN_RETURN_IF_ERROR(CheckIbanShape(param + ".iban", a.iban));
    id.Text("IBAN", a.iban);
  } else {
    MERIDIAN_RETURN_IF_ERROR(CheckId(param + ".other", a.other, 34, true));
    MERIDIAN_RETURN_IF_ERROR(
        CheckCode(param + ".other_scheme", a.other_scheme, 4, false));
    Node othr = id.Child("Othr");
    othr.Text("Id", a.other);
    if (!a.other_scheme.empty()) {
      othr.Child("SchmeNm").Text("Cd", a.other_scheme);
    }
  }
  return Status::Ok();
}

Status WriteAccount(Node parent, std::string_view tag, const AccountId& a,
                    const std::string& param) {
  if (a.empty() && a.name.empty()) return Status::Ok();
  MERIDIAN_RETURN_IF_ERROR(CheckText(param + ".name", a.name, 70, false));
  Node account = parent.Child(tag);
  MERIDIAN_RETURN_IF_ERROR(WriteAccountId(account, a, param));
  account.TextIf("Nm", a.name);
  return Status::Ok();
}

// GroupHeader93/90: MsgId, CreDtTm, NbOfTxs, SttlmInf.
Status WriteGroupHeader(Node root, std::string_view message_id,
                        int64_t created_ns, SettlementMethod method,
                        const AccountId& settlement_account,
                        std::string_view clearing_system) {
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("message_id", message_id, kMaxIdChars, true));
  MERIDIAN_RETURN_IF_ERROR(
      CheckCode("clearing_system", clearing_system, 3, false));
  if (!clearing_system.empty() && method != SettlementMethod::kClearingSystem) {
    return Invalid("clearing_system",
                   "a clearing system goes with the CLRG settlement method");
  }
  Node h = root.Child("GrpHdr");
  h.Text("MsgId", message_id);
  h.Text("CreDtTm", internal::FormatDateTime(created_ns));
  h.Text("NbOfTxs", "1");
  Node s = h.Child("SttlmInf");
  s.Text("SttlmMtd", SettlementMethodCode(method));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAccount(s, "SttlmAcct", settlement_account, "settlement_account"));
  if (!clearing_system.empty()) s.Child("ClrSys").Text("Cd", clearing_system);
  return Status::Ok();
}

// PaymentIdentification7.
Status WritePaymentId(Node tx, std::string_view instruction_id,
                      std::string_view end_to_end_id,
                      std::string_view transaction_id, std::string_view uetr) {
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("instruction_id", instruction_id, kMaxIdChars, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("end_to_end_id", end_to_end_id, kMaxIdChars, true));
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("transaction_id", transaction_id, kMaxIdChars, false));
  if (!uetr.empty()) MERIDIAN_RETURN_IF_ERROR(CheckUetr("uetr", uetr));
  Node id = tx.Child("PmtId");
  id.TextIf("InstrId", instruction_id);
  id.Text("EndToEndId", end_to_end_id);
  id.TextIf("TxId", transaction_id);
  id.TextIf("UETR", uetr);
  return Status::Ok();
}

Status WriteOptionalAgent(Node parent, std::string_view tag, const Agent& a,
                          const std::string& param) {
  return a.empty() && a.address.empty() ? Status::Ok()
                                        : WriteAgent(parent, tag, a, param);
}

}  // namespace

Result<std::string> WritePacs008(const CustomerCreditTransfer& m) {
  Document d("pacs.008.001.08");
  Node root = d.root.Child("FIToFICstmrCdtTrf");
  MERIDIAN_RETURN_IF_ERROR(
      WriteGroupHeader(root, m.message_id, m.created_ns, m.settlement_method,
                       m.settlement_account, m.clearing_system));
  // CreditTransferTransaction39.
  Node tx = root.Child("CdtTrfTxInf");
  MERIDIAN_RETURN_IF_ERROR(WritePaymentId(tx, m.instruction_id, m.end_to_end_id,
                                          m.transaction_id, m.uetr));
  MERIDIAN_RETURN_IF_ERROR(CheckPositive("amount_minor", m.amount_minor));
  MERIDIAN_RETURN_IF_ERROR(
      tx.Amount("IntrBkSttlmAmt", m.amount_minor, m.currency, "amount_minor"));
  tx.Text("IntrBkSttlmDt", internal::FormatDate(m.settlement_date_ns));
  if (m.instructed_amount_minor.has_value()) {
    MERIDIAN_RETURN_IF_ERROR(
        CheckPositive("instructed_amount_minor", *m.instructed_amount_minor));
    MERIDIAN_RETURN_IF_ERROR(tx.Amount("InstdAmt", *m.instructed_amount_minor,
                                       m.instructed_currency,
                                       "instructed_amount_minor"));
  }
  tx.Text("ChrgBr", ChargeBearerCode(m.charge_bearer));
  MERIDIAN_RETURN_IF_ERROR(WriteOptionalAgent(
      tx, "InstgAgt", m.instructing_agent, "instructing_agent"));
  MERIDIAN_RETURN_IF_ERROR(WriteOptionalAgent(
      tx, "InstdAgt", m.instructed_agent, "instructed_agent"));
  if (!m.ultimate_debtor.name.empty()) {
    MERIDIAN_RETURN_IF_ERROR(
        WriteParty(tx, "UltmtDbtr", m.ultimate_debtor, "ultimate_debtor"));
  }
  MERIDIAN_RETURN_IF_ERROR(WriteParty(tx, "Dbtr", m.debtor, "debtor"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAccount(tx, "DbtrAcct", m.debtor_account, "debtor_account"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAgent(tx, "DbtrAgt", m.debtor_agent, "debtor_agent"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAgent(tx, "CdtrAgt", m.creditor_agent, "creditor_agent"));
  MERIDIAN_RETURN_IF_ERROR(WriteParty(tx, "Cdtr", m.creditor, "creditor"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAccount(tx, "CdtrAcct", m.creditor_account, "creditor_account"));
  if (!m.ultimate_creditor.name.empty()) {
    MERIDIAN_RETURN_IF_ERROR(
        WriteParty(tx, "UltmtCdtr", m.ultimate_creditor, "ultimate_creditor"));
  }
  MERIDIAN_RETURN_IF_ERROR(CheckCode("purpose_code", m.purpose_code, 4, false));
  if (!m.purpose_code.empty()) tx.Child("Purp").Text("Cd", m.purpose_code);
  MERIDIAN_RETURN_IF_ERROR(
      CheckText("remittance", m.remittance, kMaxRemittanceChars, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("creditor_reference", m.creditor_reference, kMaxIdChars, false));
  if (!m.remittance.empty() || !m.creditor_reference.empty()) {
    Node rmt = tx.Child("RmtInf");
    rmt.TextIf("Ustrd", m.remittance);
    if (!m.creditor_reference.empty()) {
      rmt.Child("Strd").Child("CdtrRefInf").Text("Ref", m.creditor_reference);
    }
  }
  return d.Save();
}

Result<std::string> WritePacs004(const PaymentReturn& m) {
  Document d("pacs.004.001.09");
  Node root = d.root.Child("PmtRtr");
  MERIDIAN_RETURN_IF_ERROR(WriteGroupHeader(
      root, m.message_id, m.created_ns, m.settlement_method, AccountId{}, ""));
  // PaymentTransaction112.
  Node tx = root.Child("TxInf");
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("return_id", m.return_id, kMaxIdChars, false));
  tx.TextIf("RtrId", m.return_id);
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("original_message_id", m.original_message_id, kMaxIdChars, true));
  MERIDIAN_RETURN_IF_ERROR(CheckId("original_message_name",
                                   m.original_message_name, kMaxIdChars, true));
  Node group = tx.Child("OrgnlGrpInf");
  group.Text("OrgnlMsgId", m.original_message_id);
  group.Text("OrgnlMsgNmId", m.original_message_name);
  if (m.original_created_ns.has_value()) {
    group.Text("OrgnlCreDtTm",
               internal::FormatDateTime(*m.original_created_ns));
  }
  MERIDIAN_RETURN_IF_ERROR(CheckId("original_instruction_id",
                                   m.original_instruction_id, kMaxIdChars,
                                   false));
  MERIDIAN_RETURN_IF_ERROR(CheckId(
      "original_end_to_end_id", m.original_end_to_end_id, kMaxIdChars, true));
  MERIDIAN_RETURN_IF_ERROR(CheckId("original_transaction_id",
                                   m.original_transaction_id, kMaxIdChars,
                                   false));
  if (!m.original_uetr.empty()) {
    MERIDIAN_RETURN_IF_ERROR(CheckUetr("original_uetr", m.original_uetr));
  }
  tx.TextIf("OrgnlInstrId", m.original_instruction_id);
  tx.Text("OrgnlEndToEndId", m.original_end_to_end_id);
  tx.TextIf("OrgnlTxId", m.original_transaction_id);
  tx.TextIf("OrgnlUETR", m.original_uetr);
  if (m.original_amount_minor.has_value()) {
    MERIDIAN_RETURN_IF_ERROR(
        CheckPositive("original_amount_minor", *m.original_amount_minor));
    MERIDIAN_RETURN_IF_ERROR(
        tx.Amount("OrgnlIntrBkSttlmAmt", *m.original_amount_minor,
                  m.original_currency, "original_amount_minor"));
  }
  if (m.original_settlement_date_ns.has_value()) {
    tx.Text("OrgnlIntrBkSttlmDt",
            internal::FormatDate(*m.original_settlement_date_ns));
  }
  MERIDIAN_RETURN_IF_ERROR(
      CheckPositive("returned_amount_minor", m.returned_amount_minor));
  MERIDIAN_RETURN_IF_ERROR(tx.Amount("RtrdIntrBkSttlmAmt",
                                     m.returned_amount_minor, m.currency,
                                     "returned_amount_minor"));
  tx.Text("IntrBkSttlmDt", internal::FormatDate(m.settlement_date_ns));
  if (m.charge_bearer.has_value()) {
    tx.Text("ChrgBr", ChargeBearerCode(*m.charge_bearer));
  }
  MERIDIAN_RETURN_IF_ERROR(WriteOptionalAgent(
      tx, "InstgAgt", m.instructing_agent, "instructing_agent"));
  MERIDIAN_RETURN_IF_ERROR(WriteOptionalAgent(
      tx, "InstdAgt", m.instructed_agent, "instructed_agent"));
  if (!m.debtor.name.empty() || !m.creditor.name.empty()) {
    // TransactionParties7: Dbtr and Cdtr are both required.
    Node chain = tx.Child("RtrChain");
    MERIDIAN_RETURN_IF_ERROR(
        WriteParty(chain.Child("Dbtr"), "Pty", m.debtor, "debtor"));
    MERIDIAN_RETURN_IF_ERROR(
        WriteParty(chain.Child("Cdtr"), "Pty", m.creditor, "creditor"));
  }
  // PaymentReturnReason6.
  if (m.reason_code.empty() == m.reason_proprietary.empty()) {
    return Invalid("reason_code",
                   "give the return reason: an ISO code "
                   "(AC04, AM05, MS03 ...) or a proprietary "
                   "one, not both");
  }
  MERIDIAN_RETURN_IF_ERROR(CheckCode("reason_code", m.reason_code, 4, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText("reason_proprietary", m.reason_proprietary, 35, false));
  MERIDIAN_RETURN_IF_ERROR(CheckText("reason_originator", m.reason_originator,
                                     kMaxNameChars, false));
  if (m.additional_info.size() > 2) {
    return Invalid("additional_info",
                   "at most 2 lines of additional "
                   "return information");
  }
  Node reason = tx.Child("RtrRsnInf");
  if (!m.reason_originator.empty()) {
    reason.Child("Orgtr").Text("Nm", m.reason_originator);
  }
  Node rsn = reason.Child("Rsn");
  if (!m.reason_code.empty()) {
    rsn.Text("Cd", m.reason_code);
  } else {
    rsn.Text("Prtry", m.reason_proprietary);
  }
  for (size_t i = 0; i < m.additional_info.size(); ++i) {
    MERIDIAN_RETURN_IF_ERROR(
        CheckText("additional_info[" + std::to_string(i) + "]",
                  m.additional_info[i], 105, true));
    reason.Text("AddtlInf", m.additional_info[i]);
  }
  return d.Save();
}

Result<std::string> WritePacs009(const FiCreditTransfer& m) {
  Document d("pacs.009.001.08");
  Node root = d.root.Child("FICdtTrf");
  MERIDIAN_RETURN_IF_ERROR(
      WriteGroupHeader(root, m.message_id, m.created_ns, m.settlement_method,
                       m.settlement_account, m.clearing_system));
  // CreditTransferTransaction36.
  Node tx = root.Child("CdtTrfTxInf");
  MERIDIAN_RETURN_IF_ERROR(WritePaymentId(tx, m.instruction_id, m.end_to_end_id,
                                          m.transaction_id, m.uetr));
  MERIDIAN_RETURN_IF_ERROR(CheckPositive("amount_minor", m.amount_minor));
  MERIDIAN_RETURN_IF_ERROR(
      tx.Amount("IntrBkSttlmAmt", m.amount_minor, m.currency, "amount_minor"));
  tx.Text("IntrBkSttlmDt", internal::FormatDate(m.settlement_date_ns));
  MERIDIAN_RETURN_IF_ERROR(WriteOptionalAgent(
      tx, "InstgAgt", m.instructing_agent, "instructing_agent"));
  MERIDIAN_RETURN_IF_ERROR(WriteOptionalAgent(
      tx, "InstdAgt", m.instructed_agent, "instructed_agent"));
  MERIDIAN_RETURN_IF_ERROR(WriteAgent(tx, "Dbtr", m.debtor, "debtor"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAccount(tx, "DbtrAcct", m.debtor_account, "debtor_account"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteOptionalAgent(tx, "DbtrAgt", m.debtor_agent, "debtor_agent"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteOptionalAgent(tx, "CdtrAgt", m.creditor_agent, "creditor_agent"));
  MERIDIAN_RETURN_IF_ERROR(WriteAgent(tx, "Cdtr", m.creditor, "creditor"));
  MERIDIAN_RETURN_IF_ERROR(
      WriteAccount(tx, "CdtrAcct", m.creditor_account, "creditor_account"));
  MERIDIAN_RETURN_IF_ERROR(CheckCode("purpose_code", m.purpose_code, 4, false));
  if (!m.purpose_code.empty()) tx.Child("Purp").Text("Cd", m.purpose_code);
  MERIDIAN_RETURN_IF_ERROR(
      CheckText("remittance", m.remittance, kMaxRemittanceChars, false));
  if (!m.remittance.empty()) tx.Child("RmtInf").Text("Ustrd", m.remittance);
  return d.Save();
}

Result<std::string> WriteCamt053(const Statement& m) {
  if (m.entries.size() > kMaxStatementEntries) {
    return Invalid("entries", "at most " +
                                  std::to_string(kMaxStatementEntries) +
                                  " entries in one statement; split it");
  }
  if (m.to_ns < m.from_ns) {
    return Invalid("to_ns", "the statement period ends before it starts");
  }
  // The balances must add up: opening + credits - debits == closing.
  i128 running = m.opening_balance_minor;
  for (size_t i = 0; i < m.entries.size(); ++i) {
    const StatementEntry& e = m.entries[i];
    const std::string param = "entries[" + std::to_string(i) + "].amount_minor";
    MERIDIAN_RETURN_IF_ERROR(CheckPositive(param, e.amount_minor));
    running += e.credit_debit == CreditDebit::kCredit ? i128{e.amount_minor}
                                                      : -i128{e.amount_minor};
    if (running > internal::kMaxAmountMinor ||
        running < -internal::kMaxAmountMinor) {
      return MakeError(ErrorCode::kAMOUNT_OVERFLOW, param,
                       "the running balance passes 18 digits, more than an "
                       "ISO 20022 amount holds");
    }
  }
  if (running != m.closing_balance_minor) {
    return MakeError(ErrorCode::kINVALID_AMOUNT, "closing_balance_minor",
                     "opening balance + credits - debits is " +
                         I128ToString(running) + ", not the closing balance " +
                         std::to_string(m.closing_balance_minor) +
                         ": the entries do not add up");
  }

  Document d("camt.053.001.08");
  Node root = d.root.Child("BkToCstmrStmt");
  // GroupHeader81.
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("message_id", m.message_id, kMaxIdChars, true));
  Node h = root.Child("GrpHdr");
  h.Text("MsgId", m.message_id);
  h.Text("CreDtTm", internal::FormatDateTime(m.created_ns));
  // AccountStatement9.
  Node st = root.Child("Stmt");
  MERIDIAN_RETURN_IF_ERROR(
      CheckId("statement_id", m.statement_id, kMaxIdChars, true));
  st.Text("Id", m.statement_id);
  if (m.sequence_number != 0) {
    st.Text("ElctrncSeqNb", std::to_string(m.sequence_number));
  }
  st.Text("CreDtTm", internal::FormatDateTime(m.created_ns));
  Node period = st.Child("FrToDt");
  period.Text("FrDtTm", internal::FormatDateTime(m.from_ns));
  period.Text("ToDtTm", internal::FormatDateTime(m.to_ns));
  // CashAccount39.
  if (m.account.empty()) {
    return Invalid("account",
                   "give the statement's account (IBAN or other "
                   "id)");
  }
  MERIDIAN_RETURN_IF_ERROR(
      CheckText("account.name", m.account.name, 70, false));
  MERIDIAN_RETURN_IF_ERROR(
      CheckText("owner_name", m.owner_name, kMaxNameChars, false));
  Node acct = st.Child("Acct");
  MERIDIAN_RETURN_IF_ERROR(WriteAccountId(acct, m.account, "account"));
  MERIDIAN_RETURN_IF_ERROR(
      internal::FormatAmount(0, m.currency, "currency").status());
  acct.Text("Ccy", m.currency.code());
  acct.TextIf("Nm", m.account.name);
  if (!m.owner_name.empty()) acct.Child("Ownr").Text("Nm", m.owner_name);
  MERIDIAN_RETURN_IF_ERROR(
      WriteOptionalAgent(acct, "Svcr", m.servicer, "servicer"));
  // CashBalance8 x 2.
  struct BalanceRow {
    const char* code;
    int64_t amount;
    int64_t date_ns;
    const char* param;
  };
  for (const BalanceRow& b : {BalanceRow{"OPBD", m.opening_balance_minor,
                                         m.from_ns, "opening_balance_minor"},
                              BalanceRow{"CLBD", m.closing_balance_minor,
                                         m.to_ns, "closing_balance_minor"}}) {
    if (b.amount < -internal::kMaxAmountMinor) {
      return MakeError(ErrorCode::kINVALID_AMOUNT, b.param,
                       "ISO 20022 amounts have at most 18 digits");
    }
    Node bal = st.Child("Bal");
    bal.Child("Tp").Child("CdOrPrtry").Text("Cd", b.code);
    MERIDIAN_RETURN_IF_ERROR(bal.Amount(
        "Amt", b.amount < 0 ? -b.amount : b.amount, m.currency, b.param));
    bal.Text("CdtDbtInd", b.amount < 0 ? "DBIT" : "CRDT");
    bal.Child("Dt").Text("Dt", internal::FormatDate(b.date_ns));
  }
  // ReportEntry10 each.
  for (size_t i = 0; i < m.entries.size(); ++i) {
    const StatementEntry& e = m.entries[i];
    const std::string p = "entries[" + std::to_string(i) + "]";
    const bool credit = e.credit_debit == CreditDebit::kCredit;
    MERIDIAN_RETURN_IF_ERROR(
        CheckId(p + ".entry_ref", e.entry_ref, kMaxIdChars, false));
    MERIDIAN_RETURN_IF_ERROR(CheckId(p + ".account_servicer_ref",
                                     e.account_servicer_ref, kMaxIdChars,
                                     false));
    const bool default_code = e.bank_tx_domain.empty() &&
                              e.bank_tx_family.empty() &&
                              e.bank_tx_subfamily.empty();
    MERIDIAN_RETURN_IF_ERROR(
        CheckCode(p + ".bank_tx_domain", e.bank_tx_domain, 4, !default_code));
    MERIDIAN_RETURN_IF_ERROR(
        CheckCode(p + ".bank_tx_family", e.bank_tx_family, 4, !default_code));
    MERIDIAN_RETURN_IF_ERROR(CheckCode(p + ".bank_tx_subfamily",
                                       e.bank_tx_subfamily, 4, !default_code));
    MERIDIAN_RETURN_IF_ERROR(
        CheckId(p + ".message_id", e.message_id, kMaxIdChars, false));
    MERIDIAN_RETURN_IF_ERROR(
        CheckId(p + ".instruction_id", e.instruction_id, kMaxIdChars, false));
    MERIDIAN_RETURN_IF_ERROR(
        CheckId(p + ".end_to_end_id", e.end_to_end_id, kMaxIdChars, false));
    MERIDIAN_RETURN_IF_ERROR(
        CheckId(p + ".transaction_id", e.transaction_id, kMaxIdChars, false));
    if (!e.uetr.empty())
      MERIDIAN_RETURN_IF_ERROR(CheckUetr(p + ".uetr", e.uetr));
    MERIDIAN_RETURN_IF_ERROR(
        CheckText(p + ".remittance", e.remittance, kMaxRemittanceChars, false));
    MERIDIAN_RETURN_IF_ERROR(CheckText(
        p + ".additional_info", e.additional_info, kMaxEntryInfoChars, false));
    Node n = st.Child("Ntry");
    n.TextIf("NtryRef", e.entry_ref);
    MERIDIAN_RETURN_IF_ERROR(
        n.Amount("Amt", e.amount_minor, m.currency, p + ".amount_minor"));
    n.Text("CdtDbtInd", credit ? "CRDT" : "DBIT");
    if (e.reversal) n.Text("RvslInd", "true");
    n.Child("Sts").Text("Cd", "BOOK");
    n.Child("BookgDt").Text("Dt", internal::FormatDate(e.booking_date_ns));
    if (e.value_date_ns.has_value()) {
      n.Child("ValDt").Text("Dt", internal::FormatDate(*e.value_date_ns));
    }
    n.TextIf("AcctSvcrRef", e.account_servicer_ref);
    Node domain = n.Child("BkTxCd").Child("Domn");
    domain.Text("Cd", default_code ? "PMNT" : e.bank_tx_domain);
    Node family = domain.Child("Fmly");
    family.Text("Cd", default_code ? (credit ? "RCDT" : "ICDT")
                                   : std::string_view(e.bank_tx_family));
    family.Text("SubFmlyCd", default_code ? "OTHR" : e.bank_tx_subfamily);
    const bool refs = !e.message_id.empty() ||
                      !e.account_servicer_ref.empty() ||
                      !e.instruction_id.empty() || !e.end_to_end_id.empty() ||
                      !e.uetr.empty() || !e.transaction_id.empty();
    if (refs || !e.remittance.empty()) {
      // EntryTransaction10: the one transaction behind the entry.
      Node tx = n.Child("NtryDtls").Child("TxDtls");
      if (refs) {
        Node r = tx.Child("Refs");
        r.TextIf("MsgId", e.message_id);
        r.TextIf("AcctSvcrRef", e.account_servicer_ref);
        r.TextIf("InstrId", e.instruction_id);
        r.TextIf("EndToEndId", e.end_to_end_id);
        r.TextIf("UETR", e.uetr);
        r.TextIf("TxId", e.transaction_id);
      }
      MERIDIAN_RETURN_IF_ERROR(
          tx.Amount("Amt", e.amount_minor, m.currency, p + ".amount_minor"));
      tx.Text("CdtDbtInd", credit ? "CRDT" : "DBIT");
      if (!e.remittance.empty()) tx.Child("RmtInf").Text("Ustrd", e.remittance);
    }
    n.TextIf("AddtlNtryInf", e.additional_info);
  }
  MERIDIAN_RETURN_IF_ERROR(CheckText("additional_info", m.additional_info,
                                     kMaxEntryInfoChars, false));
  st.TextIf("AddtlStmtInf", m.additional_info);
  return d.Save();
}

std::string UetrFromId(u128 id) {
  // Version 4 in bits 76..79 (the 13th hex digit), variant 10 in bits
  // 62..63 (the 17th).
  id = (id & ~(static_cast<u128>(0xF) << 76)) | (static_cast<u128>(4) << 76);
  id = (id & ~(static_cast<u128>(0x3) << 62)) | (static_cast<u128>(2) << 62);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(kHex[static_cast<int>((id >> (124 - 4 * i)) & 0xF)]);
  }
  return out;
}

}  // namespace meridian::iso20022
