#include "iso20022/writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "core/testing/temp_dir.h"
#include "iso20022/reader.h"
#include "iso20022/schema.h"

namespace meridian::iso20022 {
namespace {

constexpr int64_t kNow = 1'767'261'600'000'000'000;  // 2026-01-01T10:00Z
constexpr int64_t kDay = 86'400'000'000'000;

std::string Xsd(const std::string& name) {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/iso20022/xsd/" +
         name;
}

Currency C(std::string_view code) { return *Currency::FromCode(code); }

void ExpectValid(const std::string& xml, const std::string& xsd) {
  const Status s = ValidateAgainstSchema(xml, Xsd(xsd));
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << xml;
}

// The text of the first element at an XPath-like path of local names.
std::string TextAt(const std::string& xml, const char* xpath) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str()));
  return doc.select_node(xpath).node().text().get();
}

Party Debtor() {
  Party p;
  p.name = "Acme Trading GmbH";
  p.address = {.street_name = "Hauptstraße",
               .building_number = "12a",
               .post_code = "10115",
               .town_name = "Berlin",
               .country = "DE"};
  p.lei = "529900T8BM49AURSDO55";
  p.country_of_residence = "DE";
  return p;
}

Party Creditor() {
  Party p;
  p.name = "Shenzhen Widgets Co., Ltd.";
  p.address = {.street_name = "Nanshan Road",
               .building_number = "8",
               .post_code = "518000",
               .town_name = "Shenzhen",
               .country_sub_division = "Guangdong",
               .country = "CN"};
  return p;
}

CustomerCreditTransfer Transfer(std::string_view currency, int64_t amount) {
  CustomerCreditTransfer t;
  t.message_id = "MRDN-PO-000001";
  t.created_ns = kNow;
  t.instruction_id = "INSTR-000001";
  t.end_to_end_id = "E2E-000001";
  t.transaction_id = "TX-000001";
  t.uetr = UetrFromId((static_cast<u128>(0x0192'3456'789a'bcde) << 64) |
                      0x0123'4567'89ab'cdefULL);
  t.amount_minor = amount;
  t.currency = C(currency);
  t.settlement_date_ns = kNow;
  t.charge_bearer = ChargeBearer::kShared;
  t.instructing_agent = {.bic = "MRDNGB2LXXX"};
  t.instructed_agent = {.bic = "ICBKCNBJSZN"};
  t.debtor = Debtor();
  t.debtor_account = {.iban = "DE89370400440532013000"};
  t.debtor_agent = {.bic = "COBADEFFXXX"};
  t.creditor_agent = {.bic = "ICBKCNBJSZN", .name = "ICBC Shenzhen"};
  t.creditor = Creditor();
  t.creditor_account = {.other = "6222021234567890", .other_scheme = "BBAN"};
  t.purpose_code = "GDDS";
  t.remittance = "Invoice 2025-118, order 7781";
  return t;
}

TEST(WriterTest, Pacs008ValidatesInManyCurrencies) {
  struct Case {
    const char* currency;
    int64_t amount;
    const char* text;
  };
  for (const Case& c :
       {Case{"EUR", 125000, "1250.00"}, Case{"USD", 1, "0.01"},
        Case{"JPY", 125000, "125000"}, Case{"KRW", 99, "99"},
        Case{"KWD", 1250, "1.250"}, Case{"BHD", 1234567, "1234.567"},
        Case{"GBP", 999999999999999999, "9999999999999999.99"},
        Case{"CLF", 12345, "1.2345"}}) {
    SCOPED_TRACE(c.currency);
    Result<std::string> xml = WritePacs008(Transfer(c.currency, c.amount));
    ASSERT_TRUE(xml.ok()) << xml.error().ToString();
    ExpectValid(*xml, "pacs.008.001.08.xsd");
    EXPECT_NE(xml->find(std::string("<IntrBkSttlmAmt Ccy=\"") + c.currency +
                        "\">" + c.text + "</IntrBkSttlmAmt>"),
              std::string::npos)
        << *xml;
  }
}

TEST(WriterTest, Pacs008Layout) {
  CustomerCreditTransfer t = Transfer("EUR", 125000);
  t.instructed_amount_minor = 130000;
  t.instructed_currency = C("USD");
  t.creditor_reference = "RF18539007547034";
  t.ultimate_debtor.name = "Acme Holding AG";
  t.settlement_method = SettlementMethod::kClearingSystem;
  t.clearing_system = "TGT";
  Result<std::string> xml = WritePacs008(t);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "pacs.008.001.08.xsd");
  EXPECT_TRUE(xml->starts_with(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
      "xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">"))
      << *xml;
  EXPECT_EQ(TextAt(*xml, "//GrpHdr/CreDtTm"), "2026-01-01T10:00:00+00:00");
  EXPECT_EQ(TextAt(*xml, "//GrpHdr/SttlmInf/SttlmMtd"), "CLRG");
  EXPECT_EQ(TextAt(*xml, "//CdtTrfTxInf/IntrBkSttlmDt"), "2026-01-01");
  EXPECT_EQ(TextAt(*xml, "//CdtTrfTxInf/ChrgBr"), "SHAR");
  EXPECT_EQ(TextAt(*xml, "//PmtId/UETR"),
            "01923456-789a-4cde-8123-456789abcdef");
  EXPECT_EQ(TextAt(*xml, "//Dbtr/PstlAdr/TwnNm"), "Berlin");
  EXPECT_EQ(TextAt(*xml, "//Dbtr/PstlAdr/StrtNm"), "Hauptstraße");
  EXPECT_EQ(TextAt(*xml, "//Dbtr/Id/OrgId/LEI"), "529900T8BM49AURSDO55");
  EXPECT_EQ(TextAt(*xml, "//DbtrAcct/Id/IBAN"), "DE89370400440532013000");
  EXPECT_EQ(TextAt(*xml, "//CdtrAcct/Id/Othr/Id"), "6222021234567890");
  EXPECT_EQ(TextAt(*xml, "//Purp/Cd"), "GDDS");
  EXPECT_EQ(TextAt(*xml, "//RmtInf/Ustrd"), "Invoice 2025-118, order 7781");
  EXPECT_EQ(TextAt(*xml, "//RmtInf/Strd/CdtrRefInf/Ref"), "RF18539007547034");
  EXPECT_EQ(TextAt(*xml, "//InstdAmt"), "1300.00");
  // Deterministic: the same struct gives the same bytes.
  EXPECT_EQ(*xml, *WritePacs008(t));
}

TEST(WriterTest, NonAsciiNamesAreEscapedAndKept) {
  const std::vector<std::string> names = {
      "Müller & Söhne <Import/Export> \"Ltd\" 'GmbH'",
      "東京商事株式会社",
      "Ελληνικά Εμπορικά Α.Ε.",
      "شركة التجارة العربية",
      "Łódź Żółć Spółka z o.o. — ľščť",
      "Emoji \xF0\x9F\x98\x80 Trading",
      "]]> &amp; &#x41; <!-- not a comment -->",
  };
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    CustomerCreditTransfer t = Transfer("EUR", 100);
    t.debtor.name = name;
    t.creditor.address.town_name = "Zürich";
    t.remittance = name;
    Result<std::string> xml = WritePacs008(t);
    ASSERT_TRUE(xml.ok()) << xml.error().ToString();
    ExpectValid(*xml, "pacs.008.001.08.xsd");
    EXPECT_EQ(TextAt(*xml, "//Dbtr/Nm"), name);
    EXPECT_EQ(TextAt(*xml, "//RmtInf/Ustrd"), name);
  }
}

TEST(WriterTest, MaximumLengthsFitAndOneMoreIsRefused) {
  CustomerCreditTransfer t = Transfer("EUR", 100);
  t.message_id = std::string(35, 'M');
  t.end_to_end_id = "E2E/" + std::string(31, '9');
  t.instruction_id = std::string(35, 'I');
  t.transaction_id = std::string(35, 'T');
  std::string name;
  for (int i = 0; i < 140; ++i) name += "é";  // 140 characters, 280 bytes
  t.debtor.name = name;
  t.creditor.name = std::string(140, 'C');
  t.remittance = std::string(140, 'R');
  t.debtor.address.street_name = std::string(70, 'S');
  t.debtor.address.town_name = std::string(35, 'T');
  t.debtor.address.post_code = std::string(16, '1');
  t.creditor_account = {.other = std::string(34, '7')};
  Result<std::string> xml = WritePacs008(t);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "pacs.008.001.08.xsd");

  struct Over {
    void (*apply)(CustomerCreditTransfer&);
    const char* param;
  };
  for (const Over& o : {
           Over{[](auto& m) { m.message_id = std::string(36, 'M'); },
                "message_id"},
           Over{[](auto& m) { m.end_to_end_id = std::string(36, 'E'); },
                "end_to_end_id"},
           Over{[](auto& m) { m.debtor.name = std::string(141, 'D'); },
                "debtor.name"},
           Over{[](auto& m) { m.remittance = std::string(141, 'R'); },
                "remittance"},
           Over{[](auto& m) {
                  m.debtor.address.town_name = std::string(36, 'T');
                },
                "debtor.address.town_name"},
           Over{
               [](auto& m) { m.creditor_account.other = std::string(35, '7'); },
               "creditor_account.other"},
       }) {
    CustomerCreditTransfer bad = Transfer("EUR", 100);
    o.apply(bad);
    Result<std::string> r = WritePacs008(bad);
    ASSERT_FALSE(r.ok()) << o.param;
    EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
    EXPECT_EQ(r.error().param, o.param);
  }
}

TEST(WriterTest, Pacs008RefusesWhatTheSchemaWouldNot) {
  struct Bad {
    void (*apply)(CustomerCreditTransfer&);
    const char* param;
    ErrorCode code;
  };
  for (const Bad& b : {
           Bad{[](auto& m) { m.amount_minor = 0; }, "amount_minor",
               ErrorCode::kINVALID_AMOUNT},
           Bad{[](auto& m) { m.amount_minor = -5; }, "amount_minor",
               ErrorCode::kINVALID_AMOUNT},
           Bad{[](auto& m) { m.amount_minor = INT64_MAX; }, "amount_minor",
               ErrorCode::kINVALID_AMOUNT},
           Bad{[](auto& m) { m.currency = Currency(); }, "amount_minor",
               ErrorCode::kCURRENCY_NOT_SUPPORTED},
           Bad{[](auto& m) { m.end_to_end_id = ""; }, "end_to_end_id",
               ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.end_to_end_id = "e2e\xC3\xA9"; },
               "end_to_end_id", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.uetr = "01923456-789A-4CDE-8123-456789ABCDEF"; },
               "uetr", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor_agent = {}; }, "debtor_agent",
               ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor_agent.bic = "COBADEF"; },
               "debtor_agent.bic", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor.name = ""; }, "debtor.name",
               ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor.name = "bad\xFF"; }, "debtor.name",
               ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor.address.town_name = ""; },
               "debtor.address.town_name", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor.address.country = "Germany"; },
               "debtor.address.country", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor.lei = "529900T8BM49AURSDO5X"; },
               "debtor.lei", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor_account.iban = "DE89 3704"; },
               "debtor_account.iban", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor_account.other = "123"; },
               "debtor_account", ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.purpose_code = "goods"; }, "purpose_code",
               ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.clearing_system = "TGT"; }, "clearing_system",
               ErrorCode::kINVALID_PARAMETER},
           Bad{[](auto& m) { m.debtor.birth_date_ns = 0; }, "debtor",
               ErrorCode::kINVALID_PARAMETER},
       }) {
    CustomerCreditTransfer t = Transfer("EUR", 100);
    b.apply(t);
    Result<std::string> r = WritePacs008(t);
    ASSERT_FALSE(r.ok()) << b.param;
    EXPECT_EQ(r.error().param, b.param) << r.error().ToString();
    EXPECT_EQ(r.error().code, b.code) << r.error().ToString();
  }
}

TEST(WriterTest, Pacs008PersonWithBirthDetailsAndAgentsByClearingCode) {
  CustomerCreditTransfer t = Transfer("USD", 250000);
  t.debtor = Party{};
  t.debtor.name = "Jane Q. Public";
  t.debtor.address = {.street_name = "Main St",
                      .building_number = "1",
                      .post_code = "10001",
                      .town_name = "New York",
                      .country_sub_division = "NY",
                      .country = "US"};
  t.debtor.birth_date_ns = -86'400'000'000'000LL * 3650;  // 1960-01-04
  t.debtor.birth_city = "Boston";
  t.debtor.birth_country = "US";
  t.debtor.person_id = "X1234567";
  t.debtor.person_id_scheme = "CCPT";
  t.debtor_account = {.other = "000123456789"};
  t.debtor_agent = {.bic = "",
                    .clearing_system = "USABA",
                    .member_id = "021000021",
                    .name = "JPMorgan Chase Bank"};
  t.creditor_agent = {.clearing_system = "GBDSC", .member_id = "601613"};
  t.creditor.address.country = "GB";
  t.creditor_account = {.iban = "GB29NWBK60161331926819"};
  Result<std::string> xml = WritePacs008(t);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "pacs.008.001.08.xsd");
  EXPECT_EQ(TextAt(*xml, "//Dbtr/Id/PrvtId/DtAndPlcOfBirth/BirthDt"),
            "1960-01-04");
  EXPECT_EQ(TextAt(*xml, "//DbtrAgt/FinInstnId/ClrSysMmbId/MmbId"),
            "021000021");
}

PaymentReturn Return(std::string_view currency, int64_t amount) {
  PaymentReturn r;
  r.message_id = "MRDN-RT-000001";
  r.created_ns = kNow + 3 * kDay;
  r.return_id = "RTR-000001";
  r.original_message_id = "MRDN-PO-000001";
  r.original_created_ns = kNow;
  r.original_instruction_id = "INSTR-000001";
  r.original_end_to_end_id = "E2E-000001";
  r.original_transaction_id = "TX-000001";
  r.original_uetr = UetrFromId(42);
  r.original_amount_minor = amount;
  r.original_currency = C(currency);
  r.original_settlement_date_ns = kNow;
  r.returned_amount_minor = amount;
  r.currency = C(currency);
  r.settlement_date_ns = kNow + 3 * kDay;
  r.charge_bearer = ChargeBearer::kShared;
  r.instructing_agent = {.bic = "ICBKCNBJSZN"};
  r.instructed_agent = {.bic = "MRDNGB2L"};
  r.debtor = Debtor();
  r.creditor = Creditor();
  r.reason_code = "AC04";
  r.reason_originator = "ICBC Shenzhen";
  r.additional_info = {"Account closed on 2025-12-31"};
  return r;
}

TEST(WriterTest, Pacs004Validates) {
  for (const char* ccy : {"EUR", "JPY", "KWD", "BHD", "USD"}) {
    SCOPED_TRACE(ccy);
    Result<std::string> xml = WritePacs004(Return(ccy, 987654));
    ASSERT_TRUE(xml.ok()) << xml.error().ToString();
    ExpectValid(*xml, "pacs.004.001.09.xsd");
    EXPECT_EQ(TextAt(*xml, "//OrgnlGrpInf/OrgnlMsgId"), "MRDN-PO-000001");
    EXPECT_EQ(TextAt(*xml, "//OrgnlGrpInf/OrgnlMsgNmId"), "pacs.008.001.08");
    EXPECT_EQ(TextAt(*xml, "//TxInf/OrgnlEndToEndId"), "E2E-000001");
    EXPECT_EQ(TextAt(*xml, "//TxInf/OrgnlUETR"), UetrFromId(42));
    EXPECT_EQ(TextAt(*xml, "//RtrRsnInf/Rsn/Cd"), "AC04");
  }
  // Minimal: no chain, a proprietary reason.
  PaymentReturn r = Return("EUR", 100);
  r.debtor = {};
  r.creditor = {};
  r.original_amount_minor.reset();
  r.charge_bearer.reset();
  r.reason_code = "";
  r.reason_proprietary = "Beneficiary declined";
  r.additional_info.clear();
  Result<std::string> xml = WritePacs004(r);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "pacs.004.001.09.xsd");

  r.reason_proprietary = "";
  EXPECT_EQ(WritePacs004(r).error().param, "reason_code");
  r = Return("EUR", 100);
  r.original_end_to_end_id = "";
  EXPECT_EQ(WritePacs004(r).error().param, "original_end_to_end_id");
  r = Return("EUR", 100);
  r.creditor.name = "";
  EXPECT_EQ(WritePacs004(r).error().param, "creditor.name");
  r = Return("EUR", 100);
  r.reason_code = "AC4x";
  EXPECT_EQ(WritePacs004(r).error().param, "reason_code");
}

FiCreditTransfer Settlement(std::string_view currency, int64_t amount) {
  FiCreditTransfer t;
  t.message_id = "MRDN-WIN-000042-001";
  t.created_ns = kNow;
  t.instruction_id = "WIN42-PTC7";
  t.end_to_end_id = "WIN42-PTC7";
  t.uetr = UetrFromId(7);
  t.amount_minor = amount;
  t.currency = C(currency);
  t.settlement_date_ns = kNow;
  t.instructing_agent = {.bic = "MRDNGB2L"};
  t.instructed_agent = {.bic = "BARCGB22XXX"};
  t.debtor = {.bic = "MRDNGB2L", .name = "Meridian Hub Settlement"};
  t.debtor_account = {.iban = "GB29NWBK60161331926819"};
  t.creditor = {.bic = "DEUTDEFF", .lei = "7LTWFZYICNSX8D621K86"};
  t.creditor_account = {.other = "PTC7-SETTLEMENT", .name = "Participant 7"};
  t.purpose_code = "INTC";
  t.remittance = "Net settlement window 42 (2026-01-01)";
  return t;
}

TEST(WriterTest, Pacs009Validates) {
  for (const char* ccy : {"EUR", "USD", "JPY", "KWD", "BHD", "THB", "IDR"}) {
    SCOPED_TRACE(ccy);
    Result<std::string> xml = WritePacs009(Settlement(ccy, 123456789));
    ASSERT_TRUE(xml.ok()) << xml.error().ToString();
    ExpectValid(*xml, "pacs.009.001.08.xsd");
  }
  FiCreditTransfer t = Settlement("EUR", 1);
  t.debtor_agent = {.bic = "NWBKGB2L"};
  t.creditor_agent = {.clearing_system = "DEBLZ", .member_id = "50070010"};
  t.settlement_method = SettlementMethod::kClearingSystem;
  t.clearing_system = "TGT";
  t.settlement_account = {.iban = "DE89370400440532013000"};
  Result<std::string> xml = WritePacs009(t);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "pacs.009.001.08.xsd");
  EXPECT_EQ(TextAt(*xml, "//CdtTrfTxInf/IntrBkSttlmAmt"), "0.01");

  t = Settlement("EUR", 1);
  t.creditor = {};
  EXPECT_EQ(WritePacs009(t).error().param, "creditor");
  t = Settlement("EUR", 0);
  EXPECT_EQ(WritePacs009(t).error().code, ErrorCode::kINVALID_AMOUNT);
}

Statement MakeStatement(std::string_view currency, size_t entries) {
  Statement s;
  s.message_id = "MRDN-STMT-0001";
  s.created_ns = kNow + kDay;
  s.statement_id = "STMT-2026-01-01-" + std::string(currency);
  s.sequence_number = 17;
  s.from_ns = kNow - 10 * 3'600'000'000'000;  // 2026-01-01T00:00Z
  s.to_ns = s.from_ns + kDay - 1'000'000'000;
  s.account = {.iban = "GB29NWBK60161331926819", .name = "Settlement"};
  s.currency = C(currency);
  s.owner_name = "Meridian Payments Ltd — Zürich branch";
  s.servicer = {.bic = "NWBKGB2L"};
  s.opening_balance_minor = -5000;
  int64_t balance = s.opening_balance_minor;
  for (size_t i = 0; i < entries; ++i) {
    StatementEntry e;
    e.amount_minor = 1000 + static_cast<int64_t>(i) * 37;
    e.credit_debit = i % 3 == 2 ? CreditDebit::kDebit : CreditDebit::kCredit;
    e.reversal = i == 4;
    e.booking_date_ns = s.from_ns + static_cast<int64_t>(i) * 60'000'000'000;
    if (i % 2 == 0) e.value_date_ns = e.booking_date_ns + kDay;
    e.entry_ref = "NTRY-" + std::to_string(i);
    e.account_servicer_ref = "ASR-" + std::to_string(i);
    if (i % 4 == 1) {
      e.bank_tx_domain = "PMNT";
      e.bank_tx_family = "RCDT";
      e.bank_tx_subfamily = "XBCT";
    }
    e.end_to_end_id = "E2E-" + std::to_string(i);
    if (i % 2 == 1) e.instruction_id = "INSTR-" + std::to_string(i);
    if (i % 5 == 0) e.uetr = UetrFromId(i + 1);
    if (i % 3 != 0) e.remittance = "Payment ünd Rechnung #" + std::to_string(i);
    if (i % 7 == 0) e.additional_info = "Sammelgutschrift & <Fees>";
    balance += e.credit_debit == CreditDebit::kCredit ? e.amount_minor
                                                      : -e.amount_minor;
    s.entries.push_back(e);
  }
  s.closing_balance_minor = balance;
  s.additional_info = "Generated by Meridian";
  return s;
}

TEST(WriterTest, Camt053ValidatesInManyCurrencies) {
  for (const char* ccy : {"EUR", "GBP", "USD", "JPY", "KWD", "BHD", "CHF"}) {
    SCOPED_TRACE(ccy);
    const Statement s = MakeStatement(ccy, 25);
    Result<std::string> xml = WriteCamt053(s);
    ASSERT_TRUE(xml.ok()) << xml.error().ToString();
    ExpectValid(*xml, "camt.053.001.08.xsd");
    // Read back through the camt reader: the same entries.
    Result<CashDocument> doc = ReadCashDocument(*xml);
    ASSERT_TRUE(doc.ok()) << doc.error().ToString();
    EXPECT_EQ(doc->message_name, "camt.053.001.08");
    ASSERT_EQ(doc->reports.size(), 1u);
    const CashReport& r = doc->reports[0];
    EXPECT_EQ(r.account_id, "GB29NWBK60161331926819");
    EXPECT_TRUE(r.account_is_iban);
    EXPECT_EQ(r.currency, C(ccy));
    ASSERT_TRUE(r.opening_booked.has_value());
    EXPECT_EQ(r.opening_booked->amount_minor, -5000);
    EXPECT_EQ(r.opening_booked->date, "2026-01-01");
    EXPECT_EQ(r.closing_booked->amount_minor, s.closing_balance_minor);
    ASSERT_EQ(r.entries.size(), s.entries.size());
    for (size_t i = 0; i < s.entries.size(); ++i) {
      const StatementEntry& w = s.entries[i];
      const CashEntry& e = r.entries[i];
      EXPECT_EQ(e.amount_minor, w.amount_minor);
      EXPECT_EQ(e.currency, C(ccy));
      EXPECT_EQ(e.credit_debit, w.credit_debit);
      EXPECT_EQ(e.reversal, w.reversal);
      EXPECT_EQ(e.status, "BOOK");
      EXPECT_EQ(e.entry_ref, w.entry_ref);
      EXPECT_EQ(e.account_servicer_ref, w.account_servicer_ref);
      EXPECT_EQ(e.end_to_end_id, w.end_to_end_id);
      EXPECT_EQ(e.instruction_id, w.instruction_id);
      EXPECT_EQ(e.uetr, w.uetr);
      EXPECT_EQ(e.remittance,
                w.remittance.empty() ? w.additional_info : w.remittance);
      EXPECT_EQ(e.booking_date, "2026-01-01");
      EXPECT_EQ(e.value_date, w.value_date_ns ? "2026-01-02" : "");
    }
  }
}

TEST(WriterTest, Camt053EdgeCases) {
  // No entries: opening == closing.
  Statement s = MakeStatement("EUR", 0);
  s.opening_balance_minor = s.closing_balance_minor = 0;
  Result<std::string> xml = WriteCamt053(s);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "camt.053.001.08.xsd");
  // Other account id, no owner, no servicer.
  s = MakeStatement("JPY", 3);
  s.account = {.other = "HUB-JPY-001", .other_scheme = "BBAN"};
  s.owner_name.clear();
  s.servicer = {};
  xml = WriteCamt053(s);
  ASSERT_TRUE(xml.ok()) << xml.error().ToString();
  ExpectValid(*xml, "camt.053.001.08.xsd");

  s = MakeStatement("EUR", 5);
  s.closing_balance_minor += 1;
  Result<std::string> bad = WriteCamt053(s);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kINVALID_AMOUNT);
  EXPECT_EQ(bad.error().param, "closing_balance_minor");
  EXPECT_NE(bad.error().message.find("do not add up"), std::string::npos);

  s = MakeStatement("EUR", 5);
  s.entries[3].amount_minor = 0;
  EXPECT_EQ(WriteCamt053(s).error().param, "entries[3].amount_minor");
  s = MakeStatement("EUR", 5);
  s.entries[2].end_to_end_id = std::string(36, 'x');
  EXPECT_EQ(WriteCamt053(s).error().param, "entries[2].end_to_end_id");
  s = MakeStatement("EUR", 5);
  s.entries[1].bank_tx_subfamily = "";
  EXPECT_EQ(WriteCamt053(s).error().param, "entries[1].bank_tx_subfamily");
  s = MakeStatement("EUR", 5);
  s.account = {};
  EXPECT_EQ(WriteCamt053(s).error().param, "account");
  s = MakeStatement("EUR", 2);
  s.opening_balance_minor = 999'999'999'999'999'999;
  s.entries[0].credit_debit = CreditDebit::kCredit;
  EXPECT_EQ(WriteCamt053(s).error().code, ErrorCode::kAMOUNT_OVERFLOW);
}

TEST(WriterTest, UetrFromIdIsAVersion4Uuid) {
  EXPECT_EQ(UetrFromId(0), "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(UetrFromId(~static_cast<u128>(0)),
            "ffffffff-ffff-4fff-bfff-ffffffffffff");
  EXPECT_EQ(UetrFromId(12345), UetrFromId(12345));
  EXPECT_NE(UetrFromId(12345), UetrFromId(12346));
}

// The same documents through the command-line validator, as an operator
// would check them. `make test` installs libxml2-utils, so a missing
// xmllint is a failure, not a skip.
TEST(WriterTest, XmllintAgrees) {
  ASSERT_EQ(std::system("xmllint --version > /dev/null 2>&1"), 0)
      << "xmllint is missing: apt-get install libxml2-utils (make deps)";
  meridian::testing::TempDir dir;
  struct Doc {
    std::string name;
    Result<std::string> xml;
    std::string xsd;
  };
  CustomerCreditTransfer t = Transfer("KWD", 1250);
  t.debtor.name = "Müller & Söhne <Import> 東京";
  const Doc docs[] = {
      {"pacs008.xml", WritePacs008(t), "pacs.008.001.08.xsd"},
      {"pacs004.xml", WritePacs004(Return("JPY", 5000)), "pacs.004.001.09.xsd"},
      {"pacs009.xml", WritePacs009(Settlement("BHD", 1234567)),
       "pacs.009.001.08.xsd"},
      {"camt053.xml", WriteCamt053(MakeStatement("EUR", 12)),
       "camt.053.001.08.xsd"},
  };
  for (const Doc& d : docs) {
    ASSERT_TRUE(d.xml.ok()) << d.name;
    const std::string file = dir.path() + "/" + d.name;
    std::ofstream(file, std::ios::binary) << *d.xml;
    const std::string command =
        "xmllint --noout --schema '" + Xsd(d.xsd) + "' '" + file + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buf[512];
    while (fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
    const int rc = pclose(pipe);
    EXPECT_EQ(rc, 0) << d.name << ": " << output;
    EXPECT_NE(output.find("validates"), std::string::npos) << output;
  }
}

}  // namespace
}  // namespace meridian::iso20022
