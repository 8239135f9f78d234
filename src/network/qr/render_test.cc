// QR images: zbarimg (Debian zbar-tools, which `make test` installs) reads
// every PNG back to the exact payload; the SVG's geometry; the limits.
#include "network/qr/render.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/testing/temp_dir.h"
#include "network/qr/emvco.h"

namespace meridian::network::qr {
namespace {

struct Scan {
  int exit_code = -1;
  std::string output;
};

// `zbarimg --raw -q [-Sbinary] FILE`: the decoded text (its stderr, which
// holds D-Bus noise in containers, is dropped).
//
// zbar guesses the character set of 8-bit-mode text: "Café" in UTF-8 comes
// back as "Caf矇" (read as Big5), while Chinese comes back right. -Sbinary
// prints the symbol's bytes as they are (and no newline), which is what a
// wallet gets from a scanner library that honours UTF-8.
Scan Zbarimg(const std::string& file, bool binary) {
  Scan scan;
  const std::string command = std::string("zbarimg --raw -q ") +
                              (binary ? "-Sbinary " : "") + "'" + file +
                              "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return scan;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    scan.output.append(buf.data(), n);
  }
  const int status = pclose(pipe);
  scan.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return scan;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string HubCodeWithName(std::string name) {
  HubCode c;
  c.merchant_id = "mer_01J9ZQ4S8W";
  c.order_id = "ord_7Q2";
  c.amount = *Amount::FromMinorUnits(*Currency::FromCode("THB"), 35000);
  c.mcc = "5812";
  c.currency = *Currency::FromCode("THB");
  c.country = Country("TH");
  c.name = std::move(name);
  c.city = "Bangkok";
  return *BuildHubCode(c);
}

void ExpectZbarReads(const std::string& payload, int module_px, int margin,
                     bool binary = false) {
  meridian::testing::TempDir dir;
  const std::string path = dir.path() + "/code.png";
  Result<std::string> png = RenderPng(payload, module_px, margin);
  ASSERT_TRUE(png.ok()) << png.error().ToString();
  WriteFile(path, *png);
  const Scan scan = Zbarimg(path, binary);
  // Fail, not skip: the tests' packages include zbar-tools.
  ASSERT_NE(scan.exit_code, 127)
      << "zbarimg is missing: install Debian zbar-tools (make deps)";
  EXPECT_EQ(scan.exit_code, 0) << scan.output;
  EXPECT_EQ(scan.output, binary ? payload : payload + "\n");
}

TEST(RenderPng, ZbarimgReadsAsciiPayloadsBack) {
  ExpectZbarReads(HubCodeWithName("Baan Somtam"), 4, 4);
  ExpectZbarReads(HubCodeWithName("Baan Somtam"), 1, 4);
  // A long real code (SGQR with several templates).
  ExpectZbarReads(
      "00020101021126810011SG.COM.NETS01231198500065G9912312359000211111687665"
      "000308687665019908B97B381427530008com.grab0132312d0578749b4d2e89009e362"
      "bc39d6f0201228460010com.myfave0128https://myfave.com/qr/ejwnr551800007"
      "SG.SGQR011219052700AB92020701.00010306408830040201050207060400000708201"
      "905275204000053037025802SG5902NA6009Singapore6304651B",
      3, 4);
}

// The symbol holds the payload's UTF-8 bytes (8-bit mode, no ECI header:
// libqrencode writes none), read back with -Sbinary.
TEST(RenderPng, ZbarimgReadsUtf8PayloadsBack) {
  ExpectZbarReads(HubCodeWithName("Café Zürich"), 4, 4, /*binary=*/true);
  ExpectZbarReads(HubCodeWithName("北京烤鸭店"), 4, 4, /*binary=*/true);
  ExpectZbarReads(HubCodeWithName("ร้านส้มตำ ป้าแดง"), 4, 4, /*binary=*/true);
  // Without -Sbinary zbar reads the Chinese right but not the Latin
  // letters (see Zbarimg): why hub codes should keep 59 in plain letters
  // where they can and put the local script in template 64.
  ExpectZbarReads(HubCodeWithName("北京烤鸭店"), 4, 4);
}

TEST(RenderPng, PngHeaderAndSize) {
  const std::string payload = HubCodeWithName("Baan Somtam");
  Result<std::string> png = RenderPng(payload, 5, 2);
  ASSERT_TRUE(png.ok());
  ASSERT_GT(png->size(), 24u);
  EXPECT_EQ(png->substr(0, 8), "\x89PNG\r\n\x1a\n");
  // IHDR width, big-endian: (modules + 2 margins) * 5 pixels.
  const auto byte = [&](size_t i) { return static_cast<uint8_t>((*png)[i]); };
  const uint32_t width =
      (byte(16) << 24) | (byte(17) << 16) | (byte(18) << 8) | byte(19);
  Result<std::string> svg = RenderSvg(payload, 1, 0);
  ASSERT_TRUE(svg.ok());
  const size_t at = svg->find("viewBox=\"0 0 ");
  ASSERT_NE(at, std::string::npos);
  const int modules = std::stoi(svg->substr(at + 13));
  EXPECT_EQ(width, static_cast<uint32_t>((modules + 4) * 5));
  EXPECT_EQ((modules - 17) % 4, 0) << modules;        // a QR version's size
  EXPECT_EQ(RenderPng(payload, 5, 2).value(), *png);  // deterministic
}

TEST(RenderSvg, Document) {
  const std::string payload = HubCodeWithName("Baan Somtam");
  Result<std::string> svg = RenderSvg(payload);
  ASSERT_TRUE(svg.ok()) << svg.error().ToString();
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg->ends_with("\"/></svg>\n"));
  const int modules = std::stoi(svg->substr(svg->find("viewBox=\"0 0 ") + 13));
  // Default: 8 pixels per module, 4 modules of margin each side.
  EXPECT_NE(svg->find("width=\"" + std::to_string(modules * 8) + "\""),
            std::string::npos);
  // The finder pattern's top row starts at the margin: 7 dark modules.
  EXPECT_NE(svg->find("d=\"M4 4h7v1h-7z"), std::string::npos) << *svg;
  EXPECT_EQ(RenderSvg(payload).value(), *svg);
}

TEST(Render, Limits) {
  const std::string payload = HubCodeWithName("Baan Somtam");
  EXPECT_EQ(RenderPng("", 4, 4).error().ToString(),
            "QR_MALFORMED (codeValue): a payload to draw must be 1 to 1024 "
            "characters long");
  EXPECT_EQ(RenderSvg(std::string(1025, 'A')).error().code,
            ErrorCode::kQR_MALFORMED);
  std::string too_many_bytes;
  for (int i = 0; i < 1000; ++i) too_many_bytes += "北";
  EXPECT_EQ(RenderSvg(too_many_bytes).error().ToString(),
            "QR_MALFORMED (codeValue): the payload is 3000 bytes; a QR symbol "
            "at level M holds at most 2331");
  EXPECT_EQ(RenderPng(payload, 0, 4).error().ToString(),
            "INVALID_PARAMETER (modulePx): the module size must be 1 to 32 "
            "pixels");
  EXPECT_EQ(RenderSvg(payload, 4, 17).error().ToString(),
            "INVALID_PARAMETER (margin): the margin must be 0 to 16 modules");
  std::string wide;
  for (int i = 0; i < 512; ++i) wide += "北";  // 1536 bytes: version 33
  Result<std::string> huge = RenderPng(wide, 32, 16);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().param, "modulePx");
  EXPECT_TRUE(huge.error().message.ends_with(
      " pixels wide; at most 4096: use smaller modules"))
      << huge.error().message;
}

}  // namespace
}  // namespace meridian::network::qr
