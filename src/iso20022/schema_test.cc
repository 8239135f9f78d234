#include "iso20022/schema.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/testing/temp_dir.h"
#include "iso20022/writer.h"

namespace meridian::iso20022 {
namespace {

std::string Data(const std::string& rest) {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/iso20022/" + rest;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

FiCreditTransfer Transfer(int i) {
  FiCreditTransfer t;
  t.message_id = "MSG-" + std::to_string(i);
  t.created_ns = 1'767'261'600'000'000'000 + i;
  t.end_to_end_id = "E2E-" + std::to_string(i);
  t.amount_minor = 100 + i;
  t.currency = *Currency::FromCode(i % 2 == 0 ? "EUR" : "JPY");
  t.debtor = {.bic = "MRDNGB2L"};
  t.creditor = {.bic = "DEUTDEFF"};
  return t;
}

TEST(SchemaTest, BankSamplesValidate) {
  EXPECT_TRUE(
      ValidateAgainstSchema(
          ReadFile(Data("samples/postfinance_camt.053.001.04_statement.xml")),
          Data("xsd/camt.053.001.04.xsd"))
          .ok());
  EXPECT_TRUE(
      ValidateAgainstSchema(
          ReadFile(Data("samples/postfinance_camt.054.001.04_credit.xml")),
          Data("xsd/camt.054.001.04.xsd"))
          .ok());
}

TEST(SchemaTest, ErrorsNameLinesAndTheSchema) {
  std::string xml = *WritePacs009(Transfer(1));
  // An element the schema does not allow, and a bad amount.
  xml.replace(xml.find("<NbOfTxs>"), 9, "<Bogus>x</Bogus><NbOfTxs>");
  xml.replace(xml.find(">101<"), 5, ">1.0.1<");
  const Status s = ValidateAgainstSchema(xml, Data("xsd/pacs.009.001.08.xsd"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(s.error().param, "xml");
  EXPECT_NE(s.error().message.find("pacs.009.001.08.xsd"), std::string::npos);
  EXPECT_NE(s.error().message.find("line 7: "), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("Bogus"), std::string::npos)
      << s.error().message;

  // Against the wrong schema.
  const Status wrong = ValidateAgainstSchema(*WritePacs009(Transfer(1)),
                                             Data("xsd/pacs.008.001.08.xsd"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("line 2"), std::string::npos)
      << wrong.error().message;

  const Status broken = ValidateAgainstSchema("<Document>\n<a></b>",
                                              Data("xsd/pacs.009.001.08.xsd"));
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("not well-formed"), std::string::npos);
  EXPECT_NE(broken.error().message.find("line 2"), std::string::npos)
      << broken.error().message;
  EXPECT_FALSE(ValidateAgainstSchema("", Data("xsd/pacs.009.001.08.xsd")).ok());
}

TEST(SchemaTest, SchemaFileProblems) {
  const Status missing =
      ValidateAgainstSchema("<a/>", Data("xsd/no-such-schema.xsd"));
  EXPECT_EQ(missing.code(), ErrorCode::kIO_ERROR);
  EXPECT_EQ(missing.error().param, "xsd_path");
  meridian::testing::TempDir dir;
  const std::string bad = dir.path() + "/bad.xsd";
  std::ofstream(bad) << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/"
                        "XMLSchema\"><xs:element name=\"a\" type=\"Nope\"/>"
                        "</xs:schema>";
  const Status s = ValidateAgainstSchema("<a/>", bad);
  EXPECT_EQ(s.code(), ErrorCode::kINVALID_PARAMETER);
  EXPECT_EQ(s.error().param, "xsd_path");
}

TEST(SchemaTest, ManyThreadsShareCompiledSchemas) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 25; ++i) {
        const std::string xml = *WritePacs009(Transfer(t * 100 + i));
        if (!ValidateAgainstSchema(xml, Data("xsd/pacs.009.001.08.xsd")).ok()) {
          ++failures;
        }
        std::string broken = xml;
        broken.replace(broken.find("<MsgId>"), 7, "<Msg>");
        if (ValidateAgainstSchema(broken, Data("xsd/pacs.009.001.08.xsd"))
                .ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace meridian::iso20022
