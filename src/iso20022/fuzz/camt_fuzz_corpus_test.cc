// Runs the camt reader's fuzz entry over the ISO 20022 samples (and a
// statement of our own writer) and deterministic mutants of them, so every
// test run checks what the fuzzer checks (camt_fuzz.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/fuzz_corpus.h"
#include "iso20022/fuzz/camt_fuzz.h"
#include "iso20022/writer.h"

namespace meridian::iso20022 {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string WrittenStatement() {
  Statement s;
  s.message_id = "FUZZ-1";
  s.statement_id = "S-1";
  s.from_ns = 0;
  s.to_ns = 86'399'000'000'000;
  s.account = {.iban = "DE89370400440532013000"};
  s.currency = *Currency::FromCode("KWD");
  int64_t balance = 0;
  for (int i = 0; i < 4; ++i) {
    StatementEntry e;
    e.amount_minor = 1000 + i;
    e.credit_debit = i == 2 ? CreditDebit::kDebit : CreditDebit::kCredit;
    e.end_to_end_id = "E2E-" + std::to_string(i);
    e.remittance = "Rechnung Nr. " + std::to_string(i) + " — ü";
    e.uetr = UetrFromId(static_cast<u128>(i + 1));
    balance += i == 2 ? -e.amount_minor : e.amount_minor;
    s.entries.push_back(e);
  }
  s.closing_balance_minor = balance;
  return *WriteCamt053(s);
}

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds;
  const std::filesystem::path dir =
      std::string(MERIDIAN_SOURCE_ROOT) + "/../shared/data/iso20022/samples";
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().filename().string().find("camt") != std::string::npos) {
      files.push_back(f.path());
    }
  }
  std::sort(files.begin(), files.end());  // directory order is not stable
  for (const auto& f : files) seeds.push_back(ReadFile(f));
  EXPECT_GE(seeds.size(), 7u);
  seeds.push_back(WrittenStatement());
  seeds.push_back("");
  return seeds;
}

const char* const kTokens[] = {"<Ntry>",
                               "</Ntry>",
                               "<Amt Ccy=\"EUR\">",
                               "<Amt Ccy=\"JPY\">",
                               "</Amt>",
                               "<Amt>",
                               "CRDT",
                               "DBIT",
                               "<CdtDbtInd>",
                               "1000.00",
                               "0.001",
                               "-1",
                               ".",
                               "99999999999999999999",
                               "<Dt>",
                               "2026-02-30",
                               "<DtTm>",
                               "T25:00:00",
                               "<TxDtls>",
                               "<NtryDtls>",
                               "<Refs>",
                               "<EndToEndId>",
                               "<Ustrd>",
                               "<Stmt>",
                               "<Ntfctn>",
                               "<Rpt>",
                               "<Acct>",
                               "<Id>",
                               "<IBAN>",
                               "<Othr>",
                               "<Ccy>",
                               "<Bal>",
                               "OPBD",
                               "CLBD",
                               "<Document>",
                               "</Document>",
                               "camt:",
                               "xmlns=\"x\"",
                               "&amp;",
                               "&#x0;",
                               "&#xD800;",
                               "&unknown;",
                               "<![CDATA[",
                               "]]>",
                               "<!--",
                               "-->",
                               "<?pi x?>",
                               "<!DOCTYPE d [<!ENTITY e \"ee\">]>",
                               "\xC3",
                               "\xFF",
                               "\xEF\xBB\xBF",
                               "<",
                               ">",
                               "\"",
                               "/"};

// Key places in a large sample (so mutants reach the fields the reader
// uses, not only the card data it skips).
const char* const kAnchors[] = {"<Amt",    "CdtDbtInd", "<Ntry>", "<TxDtls>",
                                "<Refs>",  "BookgDt",   "<Acct>", "<Bal>",
                                "<Ustrd>", "Ccy=",      "GrpHdr", "Document"};

// Element values that keep the XML well formed but test the reader's
// value checks.
const char* const kValues[] = {"",
                               "0",
                               "1000.00",
                               "1000.001",
                               "12.3.4",
                               "-5",
                               "1e3",
                               " 7 ",
                               "CRDT",
                               "DBIT",
                               "crdt",
                               "true",
                               "false",
                               "yes",
                               "2026-01-01",
                               "2026-02-30",
                               "2026-01-01T10:00:00+00:00",
                               "2026-01-01T10:00:00+0000",
                               "BOOK",
                               "XXX",
                               "EUR",
                               "JPY",
                               "XYZ",
                               "999999999999999999",
                               "9999999999999999999",
                               "0.00001",
                               "a&amp;b",
                               "&#xD;",
                               "\xC3\xA9",
                               "\xC3",
                               "\xFF",
                               "0123456789012345678901234567890123456789"};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  if (!s.empty() && rng() % 2 == 0) {
    // Replace one element's text near an anchor with a value token.
    const char* anchor = kAnchors[rng() % std::size(kAnchors)];
    size_t at = s.find(anchor, rng() % s.size());
    if (at == std::string::npos) at = s.find(anchor);
    if (at != std::string::npos) {
      const size_t open = s.find('>', at);
      const size_t close = open == std::string::npos ? open : s.find('<', open);
      if (close != std::string::npos) {
        s.replace(open + 1, close - open - 1,
                  kValues[rng() % std::size(kValues)]);
        return s;
      }
    }
  }
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    if (rng() % 2 == 0 && !s.empty()) {
      // Near an anchor.
      const char* anchor = kAnchors[rng() % std::size(kAnchors)];
      size_t at = s.find(anchor, rng() % s.size());
      if (at == std::string::npos) at = s.find(anchor);
      if (at != std::string::npos) pos = std::min(s.size(), at + rng() % 24);
    }
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (!s.empty()) s[pos % s.size()] = static_cast<char>(rng());
        break;
      case 1:  // delete a run
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 16);
        break;
      case 2:  // insert a token
        s.insert(pos, kTokens[rng() % std::size(kTokens)]);
        break;
      case 3:  // duplicate a slice (repeats elements)
        if (!s.empty()) {
          const size_t from = rng() % s.size();
          s.insert(pos, s.substr(from, 1 + rng() % 256));
        }
        break;
      case 4:  // cut the document short (now and then)
        if (rng() % 4 == 0) s.resize(pos);
        break;
      default:  // insert a random byte
        s.insert(pos, 1, static_cast<char>(rng()));
        break;
    }
  }
  return s;
}

void RunEntry(const std::string& input) {
  FuzzCamtOnce(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(CamtFuzzCorpusTest, SeedsRead) {
  const std::vector<std::string> seeds = Seeds();
  for (size_t i = 0; i + 1 < seeds.size(); ++i) {
    const Result<CashDocument> doc = ReadCashDocument(seeds[i]);
    ASSERT_TRUE(doc.ok()) << doc.error().ToString();
    CheckCashDocument(*doc);
  }
  for (const std::string& seed : seeds) RunEntry(seed);
}

TEST(CamtFuzzCorpusTest, DeterministicMutations) {
  size_t read = 0, refused = 0;
  meridian::testing::RunMutants(
      Seeds(), 0x69736f3230303232, 20000, Mutate,
      [&](const std::string& input) {
        RunEntry(input);
        (ReadCashDocument(input).ok() ? read : refused)++;
      });
  // Both sides are exercised: mutants that still read (and pass
  // CheckCashDocument) and mutants refused with a path.
  EXPECT_GT(read, 3000u);
  EXPECT_GT(refused, 2000u);
  std::cout << read << " mutants read, " << refused << " refused\n";
}

}  // namespace
}  // namespace meridian::iso20022
