// `meridian qr decode | encode | render` as a user runs them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/testing/run_meridian.h"

namespace {

using meridian::cli::testing::CommandRun;
using meridian::cli::testing::RunMeridian;

// VietQR, dynamic, with 38.01 nested (payloads.tsv).
constexpr char kVietQr[] =
    "00020101021238570010A00000072701390006970422011301234567890200208QRIBFTTA"
    "53037045405500005802VN62160812Test Payment630495B6";

std::string Encode(const std::string& extra = "") {
  CommandRun run = RunMeridian(
      "qr encode --merchant-id mer_01J9 --name 'Café Zürich' --city Bangkok "
      "--country TH --currency THB --mcc 5812 --postal 10110" +
      extra);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_FALSE(run.output.empty());
  if (!run.output.empty()) run.output.pop_back();  // the newline
  return run.output;
}

TEST(QrCommand, DecodeText) {
  CommandRun run = RunMeridian(std::string("qr decode '") + kVietQr + "'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output,
            "00  Payload Format Indicator: 01\n"
            "01  Point of Initiation Method: 12\n"
            "38  Merchant Account Information\n"
            "    00  Globally Unique Identifier: A000000727\n"
            "    01  Payment Network Specific\n"
            "        00  Payment Network Specific: 970422\n"
            "        01  Payment Network Specific: 0123456789020\n"
            "        02  Payment Network Specific: QRIBFTTA\n"
            "53  Transaction Currency: 704\n"
            "54  Transaction Amount: 50000\n"
            "58  Country Code: VN\n"
            "62  Additional Data Field Template\n"
            "    08  Purpose of Transaction: Test Payment\n"
            "63  CRC: 95B6\n"
            "national key: A000000727 "
            "01390006970422011301234567890200208QRIBFTTA\n");
}

TEST(QrCommand, DecodeJson) {
  CommandRun run =
      RunMeridian(std::string("qr decode --json '") + kVietQr + "'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.output.starts_with(
      "{\"lengthUnit\":\"characters\",\"crc\":\"95B6\",\"fields\":{\"format\":"
      "\"01\",\"initiation\":\"dynamic\",\"mcc\":\"\",\"currency\":\"VND\","
      "\"amount\":{\"currency\":\"VND\",\"value\":\"50000\"},\"country\":"
      "\"VN\",\"merchantName\":\"\",\"merchantCity\":\"\",\"postalCode\":\"\","
      "\"referenceLabel\":\"\",\"hub\":null,\"nationalKey\":{\"gui\":"
      "\"A000000727\",\"identifier\":"))
      << run.output;
  EXPECT_NE(run.output.find(
                "{\"id\":\"38\",\"name\":\"Merchant Account Information\","
                "\"value\":\"0010A0000007270139000697042201130123456789020020"
                "8QRIBFTTA\",\"children\":[{\"id\":\"00\",\"name\":\"Globally "
                "Unique Identifier\",\"value\":\"A000000727\"},"),
            std::string::npos)
      << run.output;
  EXPECT_TRUE(run.output.ends_with(
      "{\"id\":\"63\",\"name\":\"CRC\",\"value\":\"95B6\"}]}\n"))
      << run.output;
}

TEST(QrCommand, DecodeRefusalExitsOne) {
  std::string bad = kVietQr;
  bad.replace(bad.size() - 4, 4, "0000");
  CommandRun run = RunMeridian("qr decode '" + bad + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(
      run.output,
      "meridian qr decode: QR_CRC_MISMATCH (codeValue): the CRC (63) does "
      "not match the payload: expected 95B6, found 0000; the code was "
      "altered or misread: scan it again\n");
  run = RunMeridian("qr decode --json '" + bad + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output,
            "{\"error\":{\"code\":\"QR_CRC_MISMATCH\",\"param\":\"codeValue\","
            "\"message\":\"the CRC (63) does not match the payload: expected "
            "95B6, found 0000; the code was altered or misread: scan it "
            "again\"}}\n");
}

TEST(QrCommand, EncodeThenDecode) {
  const std::string code = Encode();
  EXPECT_EQ(code,
            "00020101021126310015COM.MERIDIANPAY0108mer_01J952045812530376458"
            "02TH5911Café Zürich6007Bangkok610510110"
            "6304" +
                code.substr(code.size() - 4));
  CommandRun run = RunMeridian("qr decode '" + code + "'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("59  Merchant Name: Café Zürich\n"),
            std::string::npos);
  EXPECT_TRUE(run.output.ends_with("hub code: merchant mer_01J9, static\n"))
      << run.output;

  const std::string order =
      Encode(" --amount 350.5 --order ord_7 --reference INV-42");
  run = RunMeridian("qr decode --json '" + order + "'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* part :
       {"\"initiation\":\"dynamic\"",
        "\"amount\":{\"currency\":\"THB\",\"value\":\"35050\"}",
        "\"referenceLabel\":\"INV-42\"",
        "\"hub\":{\"merchantId\":\"mer_01J9\",\"orderId\":\"ord_7\"}",
        "{\"id\":\"54\",\"name\":\"Transaction "
        "Amount\",\"value\":\"350.50\"}"}) {
    EXPECT_NE(run.output.find(part), std::string::npos) << part << "\n"
                                                        << run.output;
  }
}

TEST(QrCommand, EncodeRefusals) {
  CommandRun run = RunMeridian(
      "qr encode --merchant-id mer_1 --name N --city C --country TH "
      "--currency THB --mcc 5812 --amount 1.234 --order o1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output,
            "meridian qr encode: --amount: the amount (54) \"1.234\" has 3 "
            "decimals but THB has 2; it cannot be paid exactly: ask for a "
            "corrected code\n");
  run = RunMeridian(
      "qr encode --merchant-id mer_1 --name N --city C --country TH "
      "--currency THB --mcc 5812 --amount 1.00");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.output,
            "meridian qr encode: INVALID_PARAMETER (amount): a static code "
            "carries no amount; give an order id for a dynamic code\n");
  run = RunMeridian(
      "qr encode --merchant-id mer_1 --name N --city C --country TH "
      "--currency ZZZ --mcc 5812");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("--currency ZZZ is not an ISO 4217 code"),
            std::string::npos)
      << run.output;
}

TEST(QrCommand, RenderPngAndSvg) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("qr_command_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string png = (dir / "code.png").string();
  const std::string svg = (dir / "code.SVG").string();
  const std::string code = Encode(" --amount 12.34 --order ord_9");

  CommandRun run = RunMeridian("qr render '" + code + "' " + png);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(run.output.starts_with("wrote " + png + " (")) << run.output;
  // zbarimg (zbar-tools) reads the image back; -Sbinary keeps UTF-8 bytes.
  FILE* pipe =
      popen(("zbarimg --raw -q -Sbinary " + png + " 2>/dev/null").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string scanned;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    scanned.append(buf.data(), n);
  const int status = pclose(pipe);
  ASSERT_NE(WEXITSTATUS(status), 127)
      << "zbarimg is missing: install zbar-tools";
  EXPECT_EQ(scanned, code);

  run = RunMeridian("qr render --module-px 2 --margin 2 '" + code + "' " + svg);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_GT(std::filesystem::file_size(svg), 500u);

  run = RunMeridian("qr render '" + code + "' " + (dir / "code.gif").string());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("the file name must end in .png or .svg"),
            std::string::npos);
  run = RunMeridian("qr render 000201 " + png);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("QR_FIELD_MISSING"), std::string::npos)
      << run.output;
  std::filesystem::remove_all(dir);
}

}  // namespace
