// The EMVCo codec against the real payloads of ../shared/data/qr/
// payloads.tsv (checked with an independent reading of each row), EMVCo's
// sample with Chinese in template 64, the hub's own codes, national keys,
// and the exact errors.
#include "network/qr/emvco.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace meridian::network::qr {
namespace {

// EMVCo MPM specification sample (also the CN rows of payloads.tsv):
// template 64 holds Chinese, so the CRC checks out only over UTF-8 bytes.
constexpr char kEmvcoSample[] =
    "00020101021102160004hoge0104abcd520441115303156540523.7255020256035005802"
    "CN5914BEST TRANSPORT6007BEIJING6107123456762950105123450205678900305098760"
    "405543210505abcde0605fghij0705klmno0805pqres0903tuv1004abcd5004ijkl642800"
    "02ZH0102北京0204最佳运输0304abcd65020080320016A01122334499887707081234567"
    "86304C659";

// ---------------------------------------------------------------------------
// An independent reading for the checks: the top-level data objects of a
// payload, walking code points (or bytes), no templates, no validation.

std::u32string ToCodePoints(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string ToUtf8(std::u32string_view s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

std::map<std::string, std::string> TopLevel(const std::string& payload,
                                            bool bytes) {
  std::map<std::string, std::string> out;
  if (bytes) {
    for (size_t i = 0; i + 4 <= payload.size();) {
      const size_t n = std::stoul(payload.substr(i + 2, 2));
      out[payload.substr(i, 2)] = payload.substr(i + 4, n);
      i += 4 + n;
    }
    return out;
  }
  const std::u32string s = ToCodePoints(payload);
  for (size_t i = 0; i + 4 <= s.size();) {
    const size_t n = std::stoul(ToUtf8(s.substr(i + 2, 2)));
    out[ToUtf8(s.substr(i, 2))] = ToUtf8(s.substr(i + 4, n));
    i += 4 + n;
  }
  return out;
}

// "4.22" at 2 decimals -> 422, without the decoder's code.
int64_t MinorUnits(const std::string& text, int decimals) {
  const size_t dot = text.find('.');
  std::string digits = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  fraction.resize(static_cast<size_t>(decimals), '0');
  return std::stoll(digits + fraction);
}

// body + "6304" + its CRC.
std::string WithCrc(std::string body) {
  body += "6304";
  char hex[5];
  std::snprintf(hex, sizeof hex, "%04X", Crc16(body));
  return body + hex;
}

// ---------------------------------------------------------------------------
// payloads.tsv

struct Row {
  int line = 0;
  std::string country, scheme, payload, source, check;
};

std::string DataPath() {
  return std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/qr/payloads.tsv";
}

std::vector<Row> LoadRows() {
  std::vector<Row> rows;
  std::ifstream in(DataPath());
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() != 5) {
      ADD_FAILURE() << "line " << number << " has " << cols.size()
                    << " columns";
      continue;
    }
    rows.push_back({number, cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

#define REQUIRE_QR_DATA()                   \
  if (!std::filesystem::exists(DataPath())) \
  GTEST_SKIP() << DataPath() << " is not beside the repo"

bool Marked(const Row& r, std::string_view validity, std::string_view tlv) {
  return r.check.starts_with(validity) &&
         r.check.find(tlv) != std::string::npos;
}

// The one row marked valid that Decode refuses on purpose: dongri's
// generic sample has "999.123" JPY, which no one can pay exactly (JPY has
// no minor unit). Refusing beats rounding money.
bool IsJpyThreeDecimals(const Row& r) {
  return r.payload.find("5407999.123") != std::string::npos;
}

void CheckAgainstIndependentReading(const Row& r, const Payload& p,
                                    bool bytes) {
  const auto top = TopLevel(r.payload, bytes);
  ASSERT_TRUE(top.count("58")) << r.line;
  EXPECT_EQ(CountryString(p.country), top.at("58"));
  if (r.country != "??") {
    EXPECT_EQ(CountryString(p.country), r.country);
  }
  ASSERT_TRUE(top.count("53"));
  EXPECT_EQ(p.currency.numeric(), std::stoi(top.at("53")));
  EXPECT_EQ(p.merchant_name, top.count("59") ? top.at("59") : "");
  EXPECT_EQ(p.merchant_city, top.count("60") ? top.at("60") : "");
  EXPECT_EQ(p.mcc, top.count("52") ? top.at("52") : "");
  if (top.count("54")) {
    ASSERT_TRUE(p.amount.has_value());
    EXPECT_EQ(p.amount->currency(), p.currency);
    EXPECT_EQ(p.amount->minor_units(),
              MinorUnits(top.at("54"), p.currency.minor_units()));
  } else {
    EXPECT_FALSE(p.amount.has_value());
  }
  EXPECT_EQ(p.objects.size(), top.size());
  std::string crc = top.at("63");
  for (char& c : crc) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(p.crc, crc);
  // What Decode read, Encode writes back (the CRC upper case).
  std::string expected = r.payload;
  for (size_t i = expected.size() - 4; i < expected.size(); ++i) {
    expected[i] = static_cast<char>(std::toupper(expected[i]));
  }
  EXPECT_EQ(Encode(p), expected);
}

TEST(PayloadsTsv, EveryValidRowDecodes) {
  REQUIRE_QR_DATA();
  int decoded = 0;
  for (const Row& r : LoadRows()) {
    if (!Marked(r, "valid", "tlv-ok")) continue;
    SCOPED_TRACE("line " + std::to_string(r.line) + " " + r.scheme + ": " +
                 r.payload);
    Result<Payload> p = Decode(r.payload);
    if (IsJpyThreeDecimals(r)) {
      ASSERT_FALSE(p.ok());
      EXPECT_EQ(p.error().ToString(),
                "QR_FIELD_INVALID (codeValue): the amount (54) \"999.123\" "
                "has 3 decimals but JPY has 0; it cannot be paid exactly: "
                "ask for a corrected code");
      continue;
    }
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    EXPECT_EQ(p->length_unit, LengthUnit::kCharacters);
    CheckAgainstIndependentReading(r, *p, false);
    ++decoded;
  }
  EXPECT_EQ(decoded, 49);  // and the JPY row: 50 marked valid tlv-ok
}

// vietqr-ts counts 62.08's bytes ("Thanh toán hóa đơn" is 18 characters,
// 22 bytes): the spec says to accept it.
TEST(PayloadsTsv, ByteCountedRowDecodesCountingBytes) {
  REQUIRE_QR_DATA();
  int rows = 0;
  for (const Row& r : LoadRows()) {
    if (!Marked(r, "valid", "tlv-BAD")) continue;
    SCOPED_TRACE("line " + std::to_string(r.line) + ": " + r.payload);
    Result<Payload> p = Decode(r.payload);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    EXPECT_EQ(p->length_unit, LengthUnit::kBytes);
    CheckAgainstIndependentReading(r, *p, true);
    EXPECT_EQ(p->additional.purpose, "Thanh toán hóa đơn");
    ++rows;
  }
  EXPECT_EQ(rows, 1);
}

TEST(PayloadsTsv, EveryInvalidRowIsRefusedWithItsCode) {
  REQUIRE_QR_DATA();
  int malformed = 0, crc = 0;
  for (const Row& r : LoadRows()) {
    if (r.check.starts_with("valid")) continue;
    SCOPED_TRACE("line " + std::to_string(r.line) + " " + r.check + ": " +
                 r.payload);
    Result<Payload> p = Decode(r.payload);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().param, "codeValue");
    if (r.check.find("tlv-BAD") != std::string::npos) {
      // Not a sequence of data objects: the CRC cannot even be found.
      EXPECT_EQ(p.error().code, ErrorCode::kQR_MALFORMED)
          << p.error().ToString();
      ++malformed;
      continue;
    }
    EXPECT_EQ(p.error().code, ErrorCode::kQR_CRC_MISMATCH)
        << p.error().ToString();
    // The file's own CRC computation agrees with the message.
    const size_t calc = r.check.find("calc=");
    if (calc != std::string::npos) {
      EXPECT_NE(p.error().message.find(
                    "expected " + r.check.substr(calc + 5, 4) + ", found " +
                    r.payload.substr(r.payload.size() - 4)),
                std::string::npos)
          << p.error().message;
    }
    ++crc;
  }
  EXPECT_EQ(malformed, 4);
  EXPECT_EQ(crc, 7);  // six wrong CRCs and QRIS's placeholder "M2B3"
}

// ---------------------------------------------------------------------------
// CRC and EMVCo's sample.

TEST(Crc16, CheckValue) {
  EXPECT_EQ(Crc16("123456789"), 0x29B1);  // CRC-16/CCITT-FALSE's check
  EXPECT_EQ(Crc16(""), 0xFFFF);
}

TEST(EmvcoSample, ChecksOutOnlyOverUtf8Bytes) {
  const std::string sample = kEmvcoSample;
  const std::string covered = sample.substr(0, sample.size() - 4);
  EXPECT_EQ(Crc16(covered), 0xC659);
  // The same text counted another way does not give C659: one byte per
  // character (a code-point-truncating implementation) or UTF-16LE.
  std::string one_byte, utf16;
  for (char32_t cp : ToCodePoints(covered)) {
    one_byte += static_cast<char>(cp & 0xFF);
    utf16 += static_cast<char>(cp & 0xFF);
    utf16 += static_cast<char>(cp >> 8);
  }
  EXPECT_NE(Crc16(one_byte), 0xC659);
  EXPECT_NE(Crc16(utf16), 0xC659);
}

TEST(EmvcoSample, DecodesEveryField) {
  Result<Payload> r = Decode(kEmvcoSample);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  const Payload& p = *r;
  EXPECT_EQ(p.format, "01");
  EXPECT_EQ(p.initiation, Initiation::kStatic);
  ASSERT_EQ(p.merchant_accounts.size(), 1u);
  EXPECT_EQ(p.merchant_accounts[0].id, "02");  // Visa: a primitive
  EXPECT_EQ(p.merchant_accounts[0].gui, "");
  EXPECT_EQ(p.Find("02")->value, "0004hoge0104abcd");
  EXPECT_FALSE(p.Find("02")->is_template);
  EXPECT_EQ(p.mcc, "4111");
  EXPECT_EQ(p.currency.code(), "CNY");
  EXPECT_EQ(p.amount->minor_units(), 2372);
  EXPECT_EQ(p.tip, TipIndicator::kFixedFee);
  EXPECT_EQ(p.fixed_fee->minor_units(), 50000);  // "500" CNY
  EXPECT_FALSE(p.percentage_fee_bp.has_value());
  EXPECT_EQ(CountryString(p.country), "CN");
  EXPECT_EQ(p.merchant_name, "BEST TRANSPORT");
  EXPECT_EQ(p.merchant_city, "BEIJING");
  EXPECT_EQ(p.postal_code, "1234567");
  EXPECT_EQ(p.additional,
            (AdditionalData{"12345", "67890", "09876", "54321", "abcde",
                            "fghij", "klmno", "pqres", "tuv"}));
  // Sub-IDs 10 and 50 of 62 are kept as they are.
  EXPECT_EQ(p.Find("62")->Find("10")->value, "abcd");
  EXPECT_EQ(p.Find("62")->Find("50")->value, "ijkl");
  ASSERT_TRUE(p.alternate_language.has_value());
  EXPECT_EQ(*p.alternate_language,
            (AlternateLanguage{"ZH", "北京", "最佳运输"}));
  EXPECT_EQ(p.Find("64")->Find("03")->value, "abcd");
  EXPECT_EQ(p.Find("65")->value, "00");  // RFU: primitive
  const DataObject* unreserved = p.Find("80");
  ASSERT_NE(unreserved, nullptr);
  EXPECT_TRUE(unreserved->is_template);
  EXPECT_EQ(unreserved->Find("00")->value, "A011223344998877");
  EXPECT_EQ(unreserved->Find("07")->value, "12345678");
  EXPECT_EQ(p.crc, "C659");
  EXPECT_EQ(p.length_unit, LengthUnit::kCharacters);
  EXPECT_EQ(Encode(p), kEmvcoSample);
  EXPECT_FALSE(NationalKey(p).has_value());  // no template 26..51
  EXPECT_FALSE(HubReference(p).has_value());
}

TEST(EmvcoSample, PercentageFee) {
  // The second CN row: 55 = 01 with 56 and 57 present as well (kept).
  Result<Payload> p = Decode(WithCrc(
      "00020101021102160004hoge0104abcd520441115303156540523.72550201560350057"
      "01558"
      "02CN5914BEST TRANSPORT6007BEIJING"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->tip, TipIndicator::kPrompt);
  EXPECT_EQ(p->percentage_fee_bp, 500);  // "5" %
}

// ---------------------------------------------------------------------------
// Lengths in bytes, CRC case.

TEST(Decode, LengthsInBytesRoundTrip) {
  Payload p = *Decode(kEmvcoSample);
  p.length_unit = LengthUnit::kBytes;
  const std::string bytes = Encode(p);
  EXPECT_NE(bytes, kEmvcoSample);
  EXPECT_NE(bytes.find("0106北京"), std::string::npos);
  Result<Payload> back = Decode(bytes);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->length_unit, LengthUnit::kBytes);
  EXPECT_EQ(back->alternate_language->name, "北京");
  EXPECT_EQ(Encode(*back), bytes);
  back->length_unit = LengthUnit::kCharacters;
  EXPECT_EQ(Encode(*back), kEmvcoSample);
}

TEST(Decode, CrcComparedCaseInsensitivelyStoredUpperCase) {
  std::string lower = kEmvcoSample;
  lower.replace(lower.size() - 4, 4, "c659");
  Result<Payload> p = Decode(lower);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->crc, "C659");
  EXPECT_EQ(p->objects.back().value, "C659");
  EXPECT_EQ(Encode(*p), kEmvcoSample);
}

// ---------------------------------------------------------------------------
// Hub codes.

Currency Cur(std::string_view code) { return *Currency::FromCode(code); }

HubCode StaticHub() {
  HubCode c;
  c.merchant_id = "mer_01J9ZQ4S8W";
  c.mcc = "5812";
  c.currency = Cur("THB");
  c.country = Country("TH");
  c.name = "Café Zürich";
  c.city = "Bangkok";
  c.postal_code = "10110";
  return c;
}

HubCode DynamicHub() {
  HubCode c = StaticHub();
  c.name = "ร้านส้มตำ ป้าแดง";  // Thai with combining marks: 16 code points
  c.order_id = "ord_7Q2";
  c.amount = *Amount::FromMinorUnits(Cur("THB"), 35000);
  c.reference = "INV-2024-0042";
  c.alternate_language = AlternateLanguage{"TH", "ส้มตำ", "กรุงเทพฯ"};
  return c;
}

TEST(HubCode, StaticGolden) {
  Result<std::string> code = BuildHubCode(StaticHub());
  ASSERT_TRUE(code.ok()) << code.error().ToString();
  EXPECT_EQ(*code,
            "00020101021126370015COM.MERIDIANPAY0114mer_01J9ZQ4S8W52045812530"
            "37645802TH5911Café Zürich6007Bangkok610510110630495C1");
}

TEST(HubCode, EncodeDecodeIdentity) {
  for (const HubCode& c : {StaticHub(), DynamicHub()}) {
    Result<std::string> code = BuildHubCode(c);
    ASSERT_TRUE(code.ok()) << code.error().ToString();
    SCOPED_TRACE(*code);
    Result<Payload> p = Decode(*code);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    EXPECT_EQ(Encode(*p), *code);
    EXPECT_EQ(p->length_unit, LengthUnit::kCharacters);
    EXPECT_EQ(p->merchant_name, c.name);
    EXPECT_EQ(p->merchant_city, c.city);
    EXPECT_EQ(p->postal_code, c.postal_code);
    EXPECT_EQ(p->mcc, c.mcc);
    EXPECT_EQ(p->currency, c.currency);
    EXPECT_EQ(p->country, c.country);
    EXPECT_EQ(p->amount, c.amount);
    EXPECT_EQ(p->alternate_language, c.alternate_language);
    ASSERT_EQ(p->merchant_accounts.size(), 1u);
    EXPECT_EQ(p->merchant_accounts[0],
              (MerchantAccount{"26", "COM.MERIDIANPAY"}));
    EXPECT_EQ(HubReference(*p), (HubRef{c.merchant_id, c.order_id}));
    EXPECT_FALSE(NationalKey(*p).has_value());
    if (c.order_id.empty()) {
      EXPECT_EQ(p->initiation, Initiation::kStatic);
      EXPECT_EQ(p->Find("62"), nullptr);
    } else {
      EXPECT_EQ(p->initiation, Initiation::kDynamic);
      EXPECT_EQ(p->Find("54")->value, "350.00");
      EXPECT_EQ(p->additional.reference_label, c.reference);
    }
  }
}

TEST(HubCode, DynamicReferenceDefaultsToOrderId) {
  HubCode c = DynamicHub();
  c.reference.clear();
  c.amount = *Amount::FromMinorUnits(Cur("THB"), 1);
  Result<Payload> p = Decode(*BuildHubCode(c));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->additional.reference_label, "ord_7Q2");
  EXPECT_EQ(p->Find("54")->value, "0.01");
}

TEST(HubCode, ZeroDecimalCurrency) {
  HubCode c = DynamicHub();
  c.currency = Cur("JPY");
  c.country = Country("JP");
  c.amount = *Amount::FromMinorUnits(Cur("JPY"), 1200);
  Result<Payload> p = Decode(*BuildHubCode(c));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Find("54")->value, "1200");
  EXPECT_EQ(p->Find("53")->value, "392");
}

TEST(HubCode, HubGuiMatchesAnyCaseAndAnyTemplate) {
  Result<Payload> p = Decode(WithCrc(
      "00020101021127430015com.meridianpay0111mer_abc01230205ord_15303764"
      "5802TH"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(HubReference(*p), (HubRef{"mer_abc0123", "ord_1"}));
}

TEST(HubCode, Refusals) {
  struct Case {
    void (*edit)(HubCode*);
    std::string expected;
  };
  const Case cases[] = {
      {[](HubCode* c) { c->merchant_id = ""; },
       "INVALID_PARAMETER (merchantId): the merchant id must be 1 to 32 "
       "letters, digits, '_', '-' or '.'"},
      {[](HubCode* c) { c->merchant_id = "mer 1"; },
       "INVALID_PARAMETER (merchantId): the merchant id must be 1 to 32 "
       "letters, digits, '_', '-' or '.'"},
      {[](HubCode* c) { c->amount.reset(); },
       "MISSING_PARAMETER (amount): an order's (dynamic) code needs an "
       "amount"},
      {[](HubCode* c) { c->order_id.clear(); },
       "INVALID_PARAMETER (amount): a static code carries no amount; give an "
       "order id for a dynamic code"},
      {[](HubCode* c) { c->amount = *Amount::FromMinorUnits(Cur("USD"), 5); },
       "INVALID_PARAMETER (currency): the amount is in USD but the "
       "merchant's currency is THB"},
      {[](HubCode* c) { c->amount = Amount::Zero(Cur("THB")); },
       "INVALID_AMOUNT (amount): the amount must be above zero and at most "
       "13 characters as a decimal (0.00)"},
      {[](HubCode* c) {
         c->amount = *Amount::FromMinorUnits(Cur("THB"), 100'000'000'000'000);
       },
       "INVALID_AMOUNT (amount): the amount must be above zero and at most "
       "13 characters as a decimal (1000000000000.00)"},
      {[](HubCode* c) { c->mcc = "581"; },
       "INVALID_PARAMETER (mcc): the merchant category code must be 4 digits "
       "(ISO 18245), like 5812"},
      {[](HubCode* c) { c->country = Country("th"); },
       "INVALID_PARAMETER (country): the country must be two upper-case "
       "letters (ISO 3166-1 alpha-2)"},
      {[](HubCode* c) { c->currency = Currency(); },
       "INVALID_PARAMETER (currency): the merchant's currency is not set"},
      {[](HubCode* c) { c->name = "A Very Long Restaurant Name Ltd"; },
       "INVALID_PARAMETER (name): the merchant name must be 1 to 25 "
       "characters long; it is 31"},
      {[](HubCode* c) { c->name = "Tab\there"; },
       "INVALID_PARAMETER (name): the merchant name must be UTF-8 text "
       "without control characters"},
      {[](HubCode* c) { c->city = "\xC3"; },
       "INVALID_PARAMETER (city): the merchant city must be UTF-8 text "
       "without control characters"},
      {[](HubCode* c) { c->postal_code = "12345678901"; },
       "INVALID_PARAMETER (postalCode): the postal code must be 1 to 10 "
       "characters long; it is 11"},
      {[](HubCode* c) { c->reference = std::string(26, 'r'); },
       "INVALID_PARAMETER (reference): the reference must be 1 to 25 "
       "characters long; it is 26"},
      {[](HubCode* c) { c->alternate_language->language = "THA"; },
       "INVALID_PARAMETER (alternateLanguage): the alternate language must "
       "be two letters (ISO 639-1), like ZH"},
  };
  for (const Case& k : cases) {
    HubCode c = DynamicHub();
    k.edit(&c);
    Result<std::string> code = BuildHubCode(c);
    ASSERT_FALSE(code.ok()) << k.expected;
    EXPECT_EQ(code.error().ToString(), k.expected);
  }
  HubCode c = StaticHub();
  c.reference = "x";
  EXPECT_EQ(BuildHubCode(c).error().ToString(),
            "INVALID_PARAMETER (reference): a static code carries no "
            "reference; give an order id for a dynamic code");
}

// ---------------------------------------------------------------------------
// National keys.

MerchantKey Key(const std::string& code) {
  Result<Payload> p = Decode(code);
  EXPECT_TRUE(p.ok()) << p.error().ToString() << "\n" << code;
  if (!p.ok()) return {};
  std::optional<MerchantKey> key = NationalKey(*p);
  EXPECT_TRUE(key.has_value()) << code;
  return key.value_or(MerchantKey{});
}

TEST(NationalKey, PromptPay) {
  EXPECT_EQ(
      Key("00020101021229370016A000000677010111011300668107040605204000053037"
          "6454031005802TH5914company_1_data6008Thailand63048B76"),
      (MerchantKey{"A000000677010111",
                   "0113006681070406"
                   "0"}));
  // Bill payment: the biller id names the merchant, the references do not.
  const std::string biller =
      "00020101021230570016A000000677010112011501075536000315102061234560304"
      "INV153037645802TH";
  const std::string other_bill =
      "00020101021230590016A000000677010112011501075536000315102071234567030"
      "5INV2253037645802TH";
  EXPECT_EQ(Key(WithCrc(biller)), Key(WithCrc(other_bill)));
  EXPECT_EQ(Key(WithCrc(biller)).identifier, "0115010755360003151");
}

TEST(NationalKey, PayNowStaticAndDynamicAgree) {
  const std::string fixed =
      "00020101021226400009SG.PAYNOW010120213200002150HWCF030105204000053037025"
      "4031005802SG5914company_1_data6009Singapore62170113INV/TEST/"
      "0001630416C8";
  const std::string editable = WithCrc(
      "00020101021226520009SG.PAYNOW010120213200002150HWCF03011040820301231"
      "5204000053037025802SG5914company_1_data6009Singapore");
  EXPECT_EQ(Key(fixed), (MerchantKey{"SG.PAYNOW",
                                     "0101202132000021"
                                     "50HWCF"}));
  EXPECT_EQ(Key(editable), Key(fixed));
}

TEST(NationalKey, VietQrNestedStaticAndDynamicAgree) {
  const std::string static_code =
      "00020101021138570010A00000072701390006970422011301234567890200208QRIBF"
      "TTA53037045802VN6304A3CF";
  const std::string dynamic_code =
      "00020101021238570010A00000072701390006970422011301234567890200208QRIBF"
      "TTA53037045405500005802VN62160812Test Payment630495B6";
  const MerchantKey key = Key(static_code);
  EXPECT_EQ(key.gui, "A000000727");
  EXPECT_EQ(key.identifier,
            "0139000697042201130123456789020"
            "0208QRIBFTTA");
  EXPECT_EQ(Key(dynamic_code), key);
  // 38.01 is read as a template: 00 bank BIN, 01 account.
  Result<Payload> p = Decode(static_code);
  const DataObject* beneficiary = p->Find("38")->Find("01");
  ASSERT_TRUE(beneficiary->is_template);
  EXPECT_EQ(beneficiary->Find("00")->value, "970422");
  // A 38.01 that does not parse (vietqr-ts writes the account's length
  // one short) stays a plain value, and is the key as it is.
  const std::string broken =
      "00020101021138570010A00000072701270006970403011200110123456780208QRIB"
      "FTTA53037045802VN6304F4E5";
  p = Decode(broken);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_FALSE(p->Find("38")->Find("01")->is_template);
  EXPECT_EQ(Key(broken).identifier,
            "0127000697040301120011012345678"
            "0208QRIBFTTA");
  EXPECT_EQ(Encode(*p), broken);
}

TEST(NationalKey, PixGuiIgnoresCaseAndDescription) {
  const std::string upper = WithCrc(
      "00020126580014BR.GOV.BCB.PIX0136123e4567-e12b-12d1-a456-42665544000052"
      "04000053039865802BR5913Fulano de Tal6008BRASILIA");
  const std::string lower_with_text = WithCrc(
      "00020126710014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-42665544000002"
      "09Pedido 4252040000530398654045.005802BR5913Fulano de Tal6008BRASILIA");
  EXPECT_EQ(Key(upper).gui, "BR.GOV.BCB.PIX");
  EXPECT_EQ(Key(upper).identifier, "0136123e4567-e12b-12d1-a456-426655440000");
  EXPECT_EQ(Key(lower_with_text), Key(upper));
}

TEST(NationalKey, OtherSchemes) {
  // DuitNow (payload format 02).
  EXPECT_EQ(
      Key("00020201021126410014A0000006150001010650166402091234567895204999"
          "953034585802MY5909QRCSDNBHD6005BANGI6304184A"),
      (MerchantKey{"A0000006150001",
                   "0106501664"
                   "0209123456789"}));
  // QRIS: the first template (GO-JEK here) names the merchant; the CRC of
  // the README sample is a placeholder, so it is recomputed.
  const std::string qris =
      "00020101021126610014COM.GO-JEK.WWW01189360091234285490450210G6285936550"
      "303UMI51440014ID.CO.QRIS.WWW0215ID10253801632580303UMI5204504553033605"
      "802ID5910Misterdevs6007JAKARTA61051234562070703A01";
  EXPECT_EQ(Key(WithCrc(qris)), (MerchantKey{"COM.GO-JEK.WWW",
                                             "0118936009123428549045"
                                             "0210G628593655"
                                             "0303UMI"}));
  // KHQR: the Bakong account is the GUI itself.
  EXPECT_EQ(
      Key("00020101021129180014jonhsmith@nbcq52041A2B53031165802KH5910Jonh "
          "Smith6010Phnom Penh6304F7FD"),
      (MerchantKey{"JONHSMITH@NBCQ", ""}));
  // QR Ph.
  EXPECT_EQ(
      Key("00020101021228530011ph.ppmi.p2m0111SRCPPHM2XXX0312MRCHNT-4H3TZ050300"
          "05204519953036085406100.005802PH5925SOCMED DIGITAL MARKETING 6010Mak"
          "atiCity62650010ph.starpay0315SOCMED DIGITAL 0509OR#1Z1CSC0708TodayPa"
          "y0803***88290012ph.ppmi.qrph0109OR#1Z1CSC63040275"),
      (MerchantKey{"PH.PPMI.P2M", "0111SRCPPHM2XXX0312MRCHNT-4H3TZ0503000"}));
  // HK FPS.
  EXPECT_EQ(
      Key("00020101021126400012hk.com.hkicl01030040313+852-8765432152040000"
          "530334454041.235802HK5902NA6002HK6304C246"),
      (MerchantKey{"HK.COM.HKICL",
                   "0103004"
                   "0313+852-87654321"}));
}

TEST(NationalKey, SkipsTheHubTemplate) {
  Result<Payload> p =
      Decode(WithCrc("00020101021126300015COM.MERIDIANPAY0107mer_0012937"
                     "0016A00000067701"
                     "0111011300668107040605303764"
                     "5802TH"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(HubReference(*p), (HubRef{"mer_001", ""}));
  EXPECT_EQ(NationalKey(*p),
            (MerchantKey{"A000000677010111", "01130066810704060"}));
}

// ---------------------------------------------------------------------------
// Amounts.

TEST(ParseAmount, ExactOrRefused) {
  const Currency thb = Cur("THB"), jpy = Cur("JPY"), bhd = Cur("BHD");
  EXPECT_EQ(ParseAmount(thb, "4.22")->minor_units(), 422);
  EXPECT_EQ(ParseAmount(thb, "4.2")->minor_units(), 420);
  EXPECT_EQ(ParseAmount(thb, "4")->minor_units(), 400);
  EXPECT_EQ(ParseAmount(thb, "0.01")->minor_units(), 1);
  EXPECT_EQ(ParseAmount(thb, "007")->minor_units(), 700);
  EXPECT_EQ(ParseAmount(jpy, "1200")->minor_units(), 1200);
  EXPECT_EQ(ParseAmount(bhd, "1.005")->minor_units(), 1005);
  EXPECT_EQ(ParseAmount(thb, "9999999999.99")->minor_units(), 999'999'999'999);
  const std::pair<Currency, std::string_view> refused[] = {
      {thb, ""},      {thb, "-1.00"},
      {thb, "+1"},    {thb, "1,00"},
      {thb, ".5"},    {thb, "5."},
      {thb, "1.2.3"}, {thb, "abc"},
      {thb, " 1"},    {thb, "0"},
      {thb, "0.00"},  {thb, "4.225"},
      {jpy, "100.0"}, {thb, "99999999999.99"},
      {thb, "１"}};
  for (const auto& [currency, text] : refused) {
    Result<Amount> a = ParseAmount(currency, text);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_EQ(a.error().code, ErrorCode::kQR_FIELD_INVALID) << text;
  }
  EXPECT_EQ(ParseAmount(thb, "-1.00").error().message,
            "the amount (54) \"-1.00\" is not a decimal number like 4.22 "
            "(digits, at most one '.', no sign)");
  EXPECT_EQ(ParseAmount(thb, "0.00").error().message,
            "the amount (54) \"0.00\" is zero; it must be above zero");
  EXPECT_EQ(ParseAmount(thb, "").error().message,
            "the amount (54) is empty; it must be a decimal number like 4.22");
  EXPECT_EQ(ParseAmount(thb, "99999999999.99").error().message,
            "the amount (54) \"99999999999.99\" is longer than 13 characters");
}

// ---------------------------------------------------------------------------
// Errors: stable code, param and message.

// A valid small code to break: PromptPay with name and city.
constexpr char kBase[] =
    "00020101021129370016A000000677010111011300668107040605204000053037645403"
    "1005802TH5914company_1_data6008Thailand";

std::string ErrorOf(std::string_view code) {
  Result<Payload> p = Decode(code);
  return p.ok() ? "OK" : p.error().ToString();
}

TEST(DecodeErrors, Golden) {
  ASSERT_EQ(ErrorOf(WithCrc(kBase)), "OK");
  const std::pair<std::string, std::string> cases[] = {
      // QR_MALFORMED: structure, with the object and the offset.
      {"",
       "QR_MALFORMED (codeValue): the payload is empty; scan the "
       "merchant's code again"},
      {"000201010211293",
       "QR_MALFORMED (codeValue): offset 12: 3 characters "
       "left where a data object's ID and length (4 "
       "digits) are due; the code is cut short or altered: "
       "scan it again"},
      {"0002010102112937",
       "QR_MALFORMED (codeValue): data object 29 at offset "
       "12: its length 37 runs past the end of the payload "
       "(0 characters left); the code is cut short or "
       "altered: scan it again"},
      {"000201A10211",
       "QR_MALFORMED (codeValue): offset 6: the data object ID "
       "\"A1\" is not two digits; the code is altered or not an "
       "EMVCo code: scan it again"},
      {"000201010X11",
       "QR_MALFORMED (codeValue): data object 01 at offset 6: the "
       "length \"0X\" is not two digits; the code is altered: scan "
       "it again"},
      {WithCrc("000201010211010212"),
       "QR_MALFORMED (codeValue): data object 01 at offset 12 appears a second "
       "time; each ID may appear once"},
      {WithCrc("0002010102112912"
               "0002AA0002BB"),
       "QR_MALFORMED (codeValue): data object 29.00 at offset 22 appears a "
       "second time inside 29; each ID may appear once"},
      {WithCrc("0002010102112904"
               "0099"),
       "QR_MALFORMED (codeValue): data object 29.00 at offset 16: its length "
       "99 runs past the end of template 29 (0 characters left); the code is "
       "cut short or altered: scan it again"},
      {WithCrc(kBase) + "6500",
       "QR_MALFORMED (codeValue): data object 63 (CRC) is not the last data "
       "object; it must end the payload"},
      {std::string(kBase) + "6303ABC",
       "QR_MALFORMED (codeValue): data object 63 (CRC) at offset 111 is 3 "
       "long; it must be 4 hex digits"},
      {WithCrc(std::string(kBase).substr(6) + "000201"),
       "QR_MALFORMED (codeValue): the payload format indicator (00) is not the "
       "first data object; it must start the payload"},
      {std::string(kBase) + "\x01"
                            "6304ABCD",
       "QR_MALFORMED (codeValue): offset 111: the payload holds a control "
       "character; EMVCo codes hold none: scan it again"},
      {std::string(kBase) + "\xC3\x28",
       "QR_MALFORMED (codeValue): byte 111 of the payload is not UTF-8; the "
       "code is damaged or was read in another encoding: scan it again"},
      {std::string(1025, '0'),
       "QR_MALFORMED (codeValue): the payload is 1025 characters long; "
       "Meridian reads at most 1024"},
      {std::string(4097, '0'),
       "QR_MALFORMED (codeValue): the payload is 4097 bytes long; Meridian "
       "reads at most 1024 characters"},
      // QR_CRC_MISMATCH: expected and found.
      {std::string(kBase) + "6304ABCD",
       "QR_CRC_MISMATCH (codeValue): the CRC (63) does not match the payload: "
       "expected 83FA, found ABCD; the code was altered or misread: scan it "
       "again"},
      {std::string(kBase) + "6304M2B3",
       "QR_CRC_MISMATCH (codeValue): the CRC (63) does not match the payload: "
       "expected 83FA, found M2B3; the code was altered or misread: scan it "
       "again"},
      // QR_FIELD_MISSING: names the object.
      {"000201",
       "QR_FIELD_MISSING (codeValue): the payload has no CRC (63); it is not a "
       "complete EMVCo code: scan it again"},
      {WithCrc(std::string(kBase).substr(6)),
       "QR_FIELD_MISSING (codeValue): the payload has no payload format "
       "indicator (00); it is not an EMVCo merchant code"},
      {WithCrc("000201010211520400005303764"
               "5802TH"),
       "QR_FIELD_MISSING (codeValue): the payload has no merchant account "
       "information (02 to 51); it names no one to pay"},
      {WithCrc("00020101021129170113006681070406053037645802TH"),
       "QR_FIELD_MISSING (codeValue): merchant account template 29 has no "
       "globally unique identifier (29.00)"},
      {WithCrc("00020101021129370016A00000067701011101130066810704060"
               "5802TH"),
       "QR_FIELD_MISSING (codeValue): the payload has no transaction currency "
       "(53)"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"),
       "QR_FIELD_MISSING (codeValue): the payload has no country code (58)"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "55020258"
               "02TH"),
       "QR_FIELD_MISSING (codeValue): the tip indicator (55) is 02 but the "
       "fixed convenience fee (56) is absent"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "55020358"
               "02TH"),
       "QR_FIELD_MISSING (codeValue): the tip indicator (55) is 03 but the "
       "percentage convenience fee (57) is absent"},
      // QR_FIELD_INVALID: names the object and the value.
      {WithCrc("000203010211"),
       "QR_FIELD_INVALID (codeValue): the payload format indicator (00) is "
       "\"03\"; Meridian reads formats 01 and 02"},
      {WithCrc("00020101021X" + std::string(kBase).substr(12)),
       "QR_FIELD_INVALID (codeValue): the point of initiation (01) is \"1X\"; "
       "it must be 11 (static) or 12 (dynamic)"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605203581"
               "53037645802TH"),
       "QR_FIELD_INVALID (codeValue): the merchant category code (52) \"581\" "
       "is not 4 characters"},
      {WithCrc("00020101021129370016A0000006770101110113006681070406053037A4"
               "5802TH"),
       "QR_FIELD_INVALID (codeValue): the transaction currency (53) \"7A4\" is "
       "not a 3-digit ISO 4217 numeric code"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "54054.2255802TH"),
       "QR_FIELD_INVALID (codeValue): the amount (54) \"4.225\" has 3 "
       "decimals but THB has 2; it cannot be paid exactly: ask for a "
       "corrected code"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "5402-15802TH"),
       "QR_FIELD_INVALID (codeValue): the amount (54) \"-1\" is not a decimal "
       "number like 4.22 (digits, at most one '.', no sign)"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "55020458"
               "02TH"),
       "QR_FIELD_INVALID (codeValue): the tip or convenience indicator (55) is "
       "\"04\"; it must be 01, 02 or 03"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "5602x15802TH"),
       "QR_FIELD_INVALID (codeValue): the fixed convenience fee (56) \"x1\" is "
       "not a decimal number like 4.22 (digits, at most one '.', no sign)"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "5703100"
               "5802TH"),
       "QR_FIELD_INVALID (codeValue): the percentage convenience fee (57) "
       "\"100\" is not between 00.01 and 99.99"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "57050.125"
               "5802TH"),
       "QR_FIELD_INVALID (codeValue): the percentage convenience fee (57) "
       "\"0.125\" has 3 decimals but a percentage has 2; it cannot be paid "
       "exactly: ask for a corrected code"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303764"
               "5802th"),
       "QR_FIELD_INVALID (codeValue): the country code (58) \"th\" is not two "
       "upper-case letters (ISO 3166-1 alpha-2)"},
      // QR_CURRENCY_UNKNOWN.
      {WithCrc("00020101021129370016A000000677010111011300668107040605303001"
               "5802TH"),
       "QR_CURRENCY_UNKNOWN (codeValue): the transaction currency (53) 001 is "
       "not an ISO 4217 numeric code Meridian knows"},
      {WithCrc("00020101021129370016A000000677010111011300668107040605303999"
               "5802TH"),
       "QR_CURRENCY_UNKNOWN (codeValue): the transaction currency (53) 999 is "
       "XXX, ISO's code for no currency; the code cannot be paid"},
  };
  for (const auto& [code, expected] : cases) {
    EXPECT_EQ(ErrorOf(code), expected) << code;
  }
}

TEST(DecodeErrors, OffsetsCountCharacters) {
  // "Café" before the fault: the offset counts é once.
  const std::string code = WithCrc(
                               "000201010211290800041234"
                               "5303764"
                               "5802TH"
                               "5904Café") +
                           "X";
  EXPECT_EQ(ErrorOf(code),
            "QR_MALFORMED (codeValue): offset 53: 1 characters left where a "
            "data object's ID and length (4 digits) are due; the code is cut "
            "short or altered: scan it again");
}

TEST(Decode, OptionalObjectsOfPersonalCodes) {
  // PromptPay P2P: no 52, 59, 60, no 01 either.
  Result<Payload> p = Decode(
      WithCrc("00020129370016A000000677010111011300668107040605802TH5303764"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->initiation, Initiation::kAbsent);
  EXPECT_EQ(p->mcc, "");
  EXPECT_EQ(p->merchant_name, "");
  EXPECT_EQ(p->merchant_city, "");
  // An empty template 62 is kept (vietqr-ts writes "6200").
  p = Decode(WithCrc(
      "00020129370016A000000677010111011300668107040605802TH53037646200"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_TRUE(p->Find("62")->is_template);
  EXPECT_TRUE(p->Find("62")->children.empty());
}

TEST(ObjectName, Paths) {
  EXPECT_EQ(ObjectName("00"), "Payload Format Indicator");
  EXPECT_EQ(ObjectName("04"), "Merchant Account Information (Mastercard)");
  EXPECT_EQ(ObjectName("29"), "Merchant Account Information");
  EXPECT_EQ(ObjectName("29.00"), "Globally Unique Identifier");
  EXPECT_EQ(ObjectName("29.01"), "Payment Network Specific");
  EXPECT_EQ(ObjectName("38.01.00"), "Payment Network Specific");
  EXPECT_EQ(ObjectName("59"), "Merchant Name");
  EXPECT_EQ(ObjectName("62.05"), "Reference Label");
  EXPECT_EQ(ObjectName("62.50"), "Payment System Specific Template");
  EXPECT_EQ(ObjectName("64.01"), "Merchant Name - Alternate Language");
  EXPECT_EQ(ObjectName("80.07"), "Context Specific Data");
  EXPECT_EQ(ObjectName("63"), "CRC");
  EXPECT_EQ(ObjectName("x"), "Data Object");
}

}  // namespace
}  // namespace meridian::network::qr
