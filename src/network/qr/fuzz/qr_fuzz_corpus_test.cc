// Runs the QR fuzz entry (qr_fuzz.h) over the payloads.tsv rows, a few
// built-in codes and deterministic mutants of them, so every test run
// checks what the fuzzer checks. Many mutants get their CRC fixed, or one
// value replaced through Decode/Encode, so they reach past the CRC into
// the field checks instead of all dying as QR_CRC_MISMATCH.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/fuzz_corpus.h"
#include "network/qr/emvco.h"
#include "network/qr/fuzz/qr_fuzz.h"

namespace meridian::network::qr {
namespace {

std::string WithCrc(std::string body) {
  body += "6304";
  char hex[5];
  std::snprintf(hex, sizeof hex, "%04X", Crc16(body));
  return body + hex;
}

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds = {
      // Built-in, so the test means something without ../shared/data.
      WithCrc("00020101021129370016A0000006770101110113006681070406520400005"
              "30376454031005802TH5914company_1_data6008Thailand"),
      WithCrc("00020101021138570010A00000072701390006970422011301234567890200"
              "208QRIBFTTA53037045405500005802VN62160812Test Payment"),
      WithCrc("00020101021102160004hoge0104abcd520441115303156540523.72550201"
              "560350057015"
              "5802CN5914BEST TRANSPORT6007BEIJING61071234567"
              "62950105123450205678900305098760405543210505abcde0605fghij0705"
              "klmno0805pqres0903tuv1004abcd5004ijkl64280002ZH0102北京0204最佳"
              "运输0304abcd65020080320016A011223344998877070812345678"),
      "",
  };
  HubCode c;
  c.merchant_id = "mer_01J9ZQ4S8W";
  c.mcc = "5812";
  c.currency = *Currency::FromCode("THB");
  c.country = Country("TH");
  c.name = "Café Zürich";
  c.city = "Bangkok";
  seeds.push_back(*BuildHubCode(c));
  c.order_id = "ord_1";
  c.amount = *Amount::FromMinorUnits(c.currency, 123456);
  c.alternate_language = AlternateLanguage{"TH", "ส้มตำ", "กรุงเทพฯ"};
  seeds.push_back(*BuildHubCode(c));
  // Every real payload, good and bad.
  std::ifstream in(std::string(MERIDIAN_SOURCE_ROOT) +
                   "/../shared/data/qr/payloads.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string col;
    for (int i = 0; i < 3 && std::getline(ss, col, '\t'); ++i) {
    }
    seeds.push_back(col);
  }
  return seeds;
}

const char* const kTokens[] = {"6304",
                               "0002",
                               "000201",
                               "010211",
                               "010212",
                               "2600",
                               "6200",
                               "6400",
                               "8000",
                               "5303764",
                               "5303999",
                               "5802TH",
                               "54",
                               "99",
                               "00",
                               "0",
                               ".",
                               "..",
                               "-",
                               "A000000727",
                               "COM.MERIDIANPAY",
                               "br.gov.bcb.pix",
                               "é",
                               "北京",
                               "👀",
                               "\xC3",
                               "\xFF",
                               "\x01",
                               "\x7F"};

// Values that probe the field checks when swapped into a data object.
const char* const kValues[] = {"",
                               "0",
                               "00",
                               "01",
                               "02",
                               "03",
                               "11",
                               "12",
                               "13",
                               "1X",
                               "4.22",
                               "4.225",
                               "-1",
                               "0.00",
                               "999.123",
                               "99.99",
                               "100",
                               "1234567890123",
                               "12345678901234",
                               "th",
                               "TH",
                               "T",
                               "764",
                               "999",
                               "7A4",
                               "北京",
                               "0006970422",
                               "0099",
                               "ABCD",
                               "abcd"};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  // One value swapped through Decode/Encode: past the structure and CRC.
  if (rng() % 4 == 0) {
    Result<Payload> p = Decode(s);
    if (p.ok() && p->objects.size() > 1) {
      Payload q = *p;
      DataObject* parent = &q.objects[rng() % (q.objects.size() - 1)];
      DataObject* o = parent;
      if (o->is_template && !o->children.empty() && rng() % 2 == 0) {
        o = &o->children[rng() % o->children.size()];
      }
      const std::string value = kValues[rng() % std::size(kValues)];
      // Encode's precondition: the parent template stays within 99.
      const auto units = [&](std::string_view v) {
        return q.length_unit == LengthUnit::kBytes
                   ? v.size()
                   : static_cast<size_t>(std::count_if(
                         v.begin(), v.end(),
                         [](char c) { return (c & 0xC0) != 0x80; }));
      };
      if (o == parent ||
          units(parent->value) - units(o->value) + units(value) <= 99) {
        o->is_template = false;
        o->children.clear();
        o->value = value;
        return Encode(q);
      }
    }
  }
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // a digit changed (a length, an ID, a value)
        if (!s.empty()) s[pos % s.size()] = static_cast<char>('0' + rng() % 10);
        break;
      case 1:  // delete a run
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 6);
        break;
      case 2:  // insert a token
        s.insert(pos, kTokens[rng() % std::size(kTokens)]);
        break;
      case 3:  // duplicate a slice
        if (!s.empty()) {
          const size_t from = rng() % s.size();
          s.insert(pos, s.substr(from, 1 + rng() % 24));
        }
        break;
      case 4:  // cut short
        s.resize(pos);
        break;
      default:  // a random byte
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng());
        break;
    }
  }
  // Half the time, a CRC that fits, so the checks after it run.
  if (rng() % 2 == 0 && s.size() >= 8 &&
      s.compare(s.size() - 8, 4, "6304") == 0) {
    s = WithCrc(s.substr(0, s.size() - 8));
  }
  return s;
}

void RunEntry(const std::string& input) {
  FuzzQrOnce(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(QrFuzzCorpusTest, Seeds) {
  for (const std::string& seed : Seeds()) RunEntry(seed);
}

TEST(QrFuzzCorpusTest, DeterministicMutations) {
  const std::vector<std::string> seeds = Seeds();
  meridian::testing::RunMutants(seeds, 0x6d6572696469616e, 100000, Mutate,
                                RunEntry);
}

// The mutants reach every outcome, so the fuzz entry sees decodable inputs
// and every kind of refusal.
TEST(QrFuzzCorpusTest, MutantsReachEveryOutcome) {
  std::map<ErrorCode, int> outcomes;
  meridian::testing::RunMutants(
      Seeds(), 0x7172, 5000, Mutate, [&](const std::string& input) {
        Result<Payload> p = Decode(input);
        ++outcomes[p.ok() ? ErrorCode::kSUCCESS : p.error().code];
      });
  for (ErrorCode code :
       {ErrorCode::kSUCCESS, ErrorCode::kQR_MALFORMED,
        ErrorCode::kQR_CRC_MISMATCH, ErrorCode::kQR_FIELD_MISSING,
        ErrorCode::kQR_FIELD_INVALID, ErrorCode::kQR_CURRENCY_UNKNOWN}) {
    EXPECT_GT(outcomes[code], 0) << ErrorCodeName(code);
  }
}

}  // namespace
}  // namespace meridian::network::qr
