#include "iso20022/reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace meridian::iso20022 {
namespace {

std::string SamplesDir() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/iso20022/samples";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Currency C(std::string_view code) { return *Currency::FromCode(code); }

TEST(ReaderTest, EverySampleImports) {
  struct Expect {
    const char* file;
    CashMessageKind kind;
    const char* message_name;
    const char* account;
    size_t entries;
    int64_t first_amount;
    const char* currency;
  };
  const Expect expected[] = {
      {"postfinance_camt.053.001.04_statement.xml", CashMessageKind::kStatement,
       "camt.053.001.04", "CH2909000000250094239", 5, 450, "CHF"},
      {"postfinance_camt.054.001.04_credit.xml", CashMessageKind::kNotification,
       "camt.054.001.04", "CH2909000000250094239", 1, 150000, "CHF"},
      {"camt054_credit_notification_sample.xml", CashMessageKind::kNotification,
       "camt.054.001.08", "K41287530", 1, 184375000, "MXN"},
      {"cbprplus2026_camt.054.max.xml", CashMessageKind::kNotification,
       "camt.054.001.08", "EXId", 1, 100000, "EUR"},
      {"cbprplus2026_camt.054.min.xml", CashMessageKind::kNotification,
       "camt.054.001.08", "GB57TUVW67890178901234", 1, 100000, "EUR"},
      {"cbprplus2026_camt.052.max.xml", CashMessageKind::kReport,
       "camt.052.001.08", "EXId", 1, 100000, "EUR"},
      {"cbprplus2026_camt.052.min.xml", CashMessageKind::kReport,
       "camt.052.001.08", "GB78789A45678956789012", 0, 0, ""},
  };
  size_t seen = 0;
  for (const auto& file : std::filesystem::directory_iterator(SamplesDir())) {
    const std::string name = file.path().filename().string();
    if (name.find("camt") == std::string::npos) continue;
    ++seen;
    SCOPED_TRACE(name);
    Result<CashDocument> doc = ReadCashDocument(ReadFile(file.path()));
    ASSERT_TRUE(doc.ok()) << doc.error().ToString();
    const Expect* e = nullptr;
    for (const Expect& x : expected) {
      if (name == x.file) e = &x;
    }
    ASSERT_NE(e, nullptr) << "a new camt sample: add it to this table";
    EXPECT_EQ(doc->kind, e->kind);
    EXPECT_EQ(doc->message_name, e->message_name);
    ASSERT_EQ(doc->reports.size(), 1u);
    const CashReport& r = doc->reports[0];
    EXPECT_EQ(r.account_id, e->account);
    ASSERT_EQ(r.entries.size(), e->entries);
    if (e->entries > 0) {
      EXPECT_EQ(r.entries[0].amount_minor, e->first_amount);
      EXPECT_EQ(r.entries[0].currency, C(e->currency));
      EXPECT_EQ(r.currency, C(e->currency));
    }
  }
  EXPECT_EQ(seen, std::size(expected));
}

TEST(ReaderTest, PostFinanceStatementInDetail) {
  Result<CashDocument> doc = ReadCashDocument(
      ReadFile(SamplesDir() + "/postfinance_camt.053.001.04_statement.xml"));
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(doc->message_id, "20201124375204229003967");
  EXPECT_EQ(doc->created, "2020-11-25T02:02:16");
  const CashReport& r = doc->reports[0];
  EXPECT_EQ(r.id, "20201124375204229003973");
  EXPECT_TRUE(r.account_is_iban);
  EXPECT_EQ(r.currency, C("CHF"));  // no Acct/Ccy: from the balances
  ASSERT_TRUE(r.opening_booked && r.closing_booked);
  EXPECT_EQ(r.opening_booked->amount_minor, 21199319);
  EXPECT_EQ(r.opening_booked->date, "2020-11-24");
  EXPECT_EQ(r.closing_booked->amount_minor, 21511221);
  // (The sample's entries add up to its forward-available balance FWAV,
  // 216649.21, not to CLBD: the reader reports what the bank wrote.)
  int64_t balance = r.opening_booked->amount_minor;
  for (const CashEntry& e : r.entries) {
    balance += e.credit_debit == CreditDebit::kCredit ? e.amount_minor
                                                      : -e.amount_minor;
  }
  EXPECT_EQ(balance, 21664921);
  const CashEntry& e0 = r.entries[0];
  EXPECT_EQ(e0.entry_ref, "41100000000872849");
  EXPECT_EQ(e0.status, "BOOK");
  EXPECT_EQ(e0.booking_date, "2020-11-24");
  EXPECT_EQ(e0.value_date, "2020-11-24");
  EXPECT_EQ(e0.account_servicer_ref, "0758103031480900");
  EXPECT_NE(e0.remittance.find("ZAHLUNGSEMPFÄNGERS"), std::string::npos);
  ASSERT_EQ(e0.transactions.size(), 1u);
  EXPECT_EQ(e0.transactions[0].amount_minor, 450);
  EXPECT_EQ(r.entries[1].credit_debit, CreditDebit::kDebit);
  EXPECT_EQ(r.entries[1].amount_minor, 7770);
  EXPECT_EQ(r.entries[3].value_date, "2020-11-25");
}

TEST(ReaderTest, NotificationReferences) {
  Result<CashDocument> doc = ReadCashDocument(
      ReadFile(SamplesDir() + "/camt054_credit_notification_sample.xml"));
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  const CashEntry& e = doc->reports[0].entries[0];
  EXPECT_EQ(e.entry_ref, "NTRY20260413-87");
  EXPECT_EQ(e.end_to_end_id, "E2E-20260413-3194");
  EXPECT_EQ(e.instruction_id, "INSTRID-20260413-5528");
  EXPECT_EQ(e.uetr, "3e7b91d4-af28-4c53-b6e1-92d4a7c83f52");
  EXPECT_EQ(e.status, "BOOK");
  EXPECT_EQ(e.booking_date, "");

  doc = ReadCashDocument(
      ReadFile(SamplesDir() + "/cbprplus2026_camt.054.max.xml"));
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  const CashEntry& m = doc->reports[0].entries[0];
  EXPECT_EQ(m.booking_date, "2026-01-01");  // from BookgDt/DtTm
  EXPECT_TRUE(m.reversal);
  EXPECT_EQ(m.end_to_end_id, "EXEndToEndId");
  EXPECT_EQ(m.account_servicer_ref, "EXAcctSvcrRef");
  ASSERT_EQ(m.transactions.size(), 1u);
  EXPECT_EQ(m.transactions[0].refs.transaction_id, "EXTxId");
  EXPECT_EQ(m.transactions[0].remittance, "EXUstrd");
  EXPECT_EQ(m.remittance, "EXUstrd");
}

constexpr char kStatement[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <c:BkToCstmrStmt>
  <c:GrpHdr><c:MsgId>M1</c:MsgId></c:GrpHdr>
  <c:Stmt><c:Id>S1</c:Id>
   <c:Acct><c:Id><c:Othr><c:Id>ACC-1</c:Id></c:Othr></c:Id><c:Ccy>JPY</c:Ccy></c:Acct>
   <c:Ntry><c:Amt Ccy="JPY">5000</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd>
    <c:Sts><c:Cd>BOOK</c:Cd></c:Sts><c:BookgDt><c:Dt>2026-02-03</c:Dt></c:BookgDt>
    <c:NtryDtls><c:TxDtls><c:Refs><c:EndToEndId>A</c:EndToEndId></c:Refs>
     <c:Amt Ccy="JPY">2000</c:Amt><c:RmtInf><c:Ustrd>one</c:Ustrd><c:Ustrd>two</c:Ustrd>
     <c:Strd><c:CdtrRefInf><c:Ref>RF18</c:Ref></c:CdtrRefInf></c:Strd></c:RmtInf></c:TxDtls>
     <c:TxDtls><c:Refs><c:EndToEndId>B</c:EndToEndId></c:Refs><c:Amt Ccy="JPY">3000</c:Amt></c:TxDtls>
    </c:NtryDtls></c:Ntry>
  </c:Stmt>
  <c:Stmt><c:Id>S2</c:Id><c:Acct><c:Id><c:IBAN>DE89370400440532013000</c:IBAN></c:Id></c:Acct>
   <c:Ntry><c:Amt Ccy="KWD">1.5</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd></c:Ntry></c:Stmt>
 </c:BkToCstmrStmt>
</c:Document>
)";

TEST(ReaderTest, PrefixedMultiStatementBatchEntry) {
  Result<CashDocument> doc = ReadCashDocument(kStatement);
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(doc->message_name, "camt.053.001.08");
  ASSERT_EQ(doc->reports.size(), 2u);
  const CashEntry& e = doc->reports[0].entries[0];
  EXPECT_EQ(e.amount_minor, 5000);
  EXPECT_EQ(e.credit_debit, CreditDebit::kDebit);
  ASSERT_EQ(e.transactions.size(), 2u);
  EXPECT_EQ(e.end_to_end_id, "A");
  EXPECT_EQ(e.transactions[1].refs.end_to_end_id, "B");
  EXPECT_EQ(e.transactions[1].amount_minor, 3000);
  EXPECT_EQ(e.transactions[0].remittance, "one\ntwo");
  EXPECT_EQ(e.transactions[0].creditor_reference, "RF18");
  EXPECT_EQ(doc->reports[1].account_id, "DE89370400440532013000");
  EXPECT_EQ(doc->reports[1].entries[0].amount_minor, 1500);
  EXPECT_EQ(doc->reports[1].currency, C("KWD"));
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(ReaderTest, GarbageIsRefusedWithThePath) {
  struct Bad {
    std::string xml;
    std::string param;
    const char* says;
  };
  const std::string s = kStatement;
  const std::string ntry = "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]";
  const Bad bad[] = {
      {"", "xml", "not well-formed"},
      {"<a><b></a>", "xml", "line 1"},
      {"not xml at all", "xml", "not well-formed"},
      {"<Envelope><Hdr/></Envelope>", "Envelope", "no ISO 20022 Document"},
      {"<Document><FIToFICstmrCdtTrf/></Document>",
       "Document/FIToFICstmrCdtTrf", "not a camt"},
      {"<Document/>", "Document", "empty"},
      {Replace(s, "5000</c:Amt>", "50.5</c:Amt>"), (ntry + "/Amt"),
       "more decimals than JPY allows"},
      {Replace(s, "5000</c:Amt>", "-5000</c:Amt>"), (ntry + "/Amt"),
       "not an amount"},
      {Replace(s, "5000</c:Amt>", "1e3</c:Amt>"), (ntry + "/Amt"),
       "not an amount"},
      {Replace(s, "Ccy=\"JPY\">5000", "Ccy=\"XYZ\">5000"), (ntry + "/Amt"),
       "not a current ISO 4217 currency"},
      {Replace(s, "<c:Amt Ccy=\"JPY\">5000", "<c:Amt>5000"), (ntry + "/Amt"),
       "no Ccy"},
      {Replace(s, "<c:CdtDbtInd>DBIT", "<c:CdtDbtInd>DEBIT"),
       (ntry + "/CdtDbtInd"), "neither CRDT nor DBIT"},
      {Replace(s, "2026-02-03", "2026-02-30"), (ntry + "/BookgDt/Dt"),
       "not a date"},
      {Replace(s, "<c:EndToEndId>A<",
               "<c:EndToEndId>" + std::string(36, 'A') + "<"),
       (ntry + "/NtryDtls[1]/TxDtls[1]/Refs/EndToEndId"), "35 characters"},
      {Replace(s, "<c:Ustrd>one<", "<c:Ustrd>\xC3\x28<"),
       (ntry + "/NtryDtls[1]/TxDtls[1]/RmtInf/Ustrd[1]"), "UTF-8"},
      {Replace(s, "<c:Id>ACC-1</c:Id>", ""),
       "Document/BkToCstmrStmt/Stmt[1]/Acct/Id/Othr/Id", "missing"},
      {Replace(s, "<c:Ccy>JPY</c:Ccy>", "<c:Ccy>yen</c:Ccy>"),
       "Document/BkToCstmrStmt/Stmt[1]/Acct/Ccy", "ISO 4217"},
      {Replace(s, "<c:MsgId>M1</c:MsgId>", ""),
       "Document/BkToCstmrStmt/GrpHdr/MsgId", "missing"},
      {Replace(s, "<c:Amt Ccy=\"KWD\">1.5</c:Amt>", ""),
       "Document/BkToCstmrStmt/Stmt[2]/Ntry[1]/Amt", "missing"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.xml.substr(0, 80));
    Result<CashDocument> doc = ReadCashDocument(b.xml);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_EQ(doc.error().param, b.param) << doc.error().ToString();
    EXPECT_TRUE(doc.error().message.starts_with(doc.error().param))
        << doc.error().message;
    EXPECT_NE(doc.error().message.find(b.says), std::string::npos)
        << doc.error().ToString();
  }
}

TEST(ReaderTest, EnvelopesAndEntitiesAndLimits) {
  // An envelope one level deeper, and a DOCTYPE whose entity is not
  // expanded (no billion laughs, no external files).
  const std::string wrapped =
      "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b SYSTEM \"file:///etc/"
      "passwd\">]><DataPDU><Body>" +
      std::string(kStatement).substr(std::string(kStatement).find("<c:Doc")) +
      "</Body></DataPDU>";
  Result<CashDocument> doc = ReadCashDocument(wrapped);
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(doc->reports.size(), 2u);
  doc = ReadCashDocument(
      Replace(kStatement, "<c:Ustrd>one<", "<c:Ustrd>&b;&a;<"));
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(doc->reports[0].entries[0].transactions[0].remittance,
            "&b;&a;\ntwo");

  std::string huge(kMaxCashDocumentBytes + 1, ' ');
  EXPECT_EQ(ReadCashDocument(huge).error().code, ErrorCode::kBODY_TOO_LARGE);
}

}  // namespace
}  // namespace meridian::iso20022
