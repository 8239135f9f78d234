#include "accounts/bank_details.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meridian::accounts {
namespace {

// Examples from the SWIFT IBAN registry and bank publications, one or more
// per country: each passes mod 97 and its country's layout.
const char* const kGoodIbans[] = {
    "DE89370400440532013000",
    "GB29NWBK60161331926819",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
    "SA0380000000608010167519",
    "BR1800360305000010009795493C1",
    "BE68539007547034",
    "AT611904300234573201",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "PL61109010140000071219812874",
    "SE4550000000058398257466",
    "NO9386011117947",
    "DK5000400440116243",
    "FI2112345600000785",
    "IE29AIBK93115212345678",
    "PT50000201231234567890154",
    "LU280019400644750000",
    "CY17002001280000001200527600",
    "MT84MALT011000012345MTLCAST001S",
    "KW81CBKU0000000000001234560101",
    "BH67BMAG00001299123456",
    "QA58DOHB00001234567890ABCDEFG",
    "AE070331234567890123456",
    "TR330006100519786457841326",
    "IL620108000000099999999",
    "MU17BOMM0101101030300200000MUR",
    "SC18SSCB11010000000000001497USD",
    "LC55HEMM000100010012001200023015",
    "GI75NWBK000000007099453",
    "HU42117730161111101800000000",
    "RO49AAAA1B31007593840000",
    "BG80BNBG96611020345678",
    "HR1210010051863000160",
    "CZ6508000000192000145399",
    "SK3112000000198742637541",
    "SI56263300012039086",
    "EE382200221020145685",
    "LT121000011101001000",
    "LV80BANK0000435195001",
    "GR1601101250000000012300695",
    "XK051212012345678906",
    "UA213223130000026007233566001",
    "EG380019000500000000263180002",
    "CH2909000000250094239",
};

TEST(IbanTest, KnownGoodIbansValidate) {
  for (const char* iban : kGoodIbans) {
    EXPECT_TRUE(ValidateIban(iban).ok())
        << iban << ": " << ValidateIban(iban).ToString();
    EXPECT_EQ(IbanLength(std::string_view(iban).substr(0, 2)),
              std::string_view(iban).size())
        << iban;
  }
}

TEST(IbanTest, EveryRegistryLayoutAddsUpToItsLength) {
  int countries = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      const std::string country{a, b};
      const size_t length = IbanLength(country);
      if (length == 0) {
        EXPECT_EQ(IbanBbanFormat(country), "");
        continue;
      }
      ++countries;
      EXPECT_TRUE(IsBicCountry(country)) << country;
      size_t sum = 0, count = 0;
      for (char c : IbanBbanFormat(country)) {
        if (c >= '0' && c <= '9') {
          count = count * 10 + static_cast<size_t>(c - '0');
        } else if (c == '!') {
          sum += count;
          count = 0;
        } else {
          EXPECT_TRUE(c == 'n' || c == 'a' || c == 'c') << country;
        }
      }
      EXPECT_EQ(sum + 4, length) << country;
      EXPECT_LE(length, kMaxIbanLength);
      // A generated IBAN of all zeros (or A's where letters go) validates.
      std::string bban;
      size_t n = 0;
      for (char c : IbanBbanFormat(country)) {
        if (c >= '0' && c <= '9') {
          n = n * 10 + static_cast<size_t>(c - '0');
        } else if (c != '!') {
          bban.append(n, c == 'a' ? 'A' : '0');
          n = 0;
        }
      }
      const std::string iban = country + IbanCheckDigits(country, bban) + bban;
      EXPECT_TRUE(ValidateIban(iban).ok()) << ValidateIban(iban).ToString();
    }
  }
  EXPECT_EQ(countries, 89);
}

TEST(IbanTest, OneDigitChangedFails) {
  for (const char* good : kGoodIbans) {
    const std::string iban(good);
    for (size_t i = 4; i < iban.size(); ++i) {
      if (iban[i] < '0' || iban[i] > '9') continue;
      std::string bad = iban;
      bad[i] = bad[i] == '9' ? '0' : static_cast<char>(bad[i] + 1);
      const Status s = ValidateIban(bad);
      ASSERT_FALSE(s.ok()) << bad;
      EXPECT_EQ(s.code(), ErrorCode::kINVALID_PARAMETER);
      EXPECT_EQ(s.error().param, "iban");
      EXPECT_NE(s.error().message.find("check digits do not match"),
                std::string::npos)
          << s.ToString();
    }
  }
}

TEST(IbanTest, AdjacentTranspositionFails) {
  // Mod 97 catches every swap of two different adjacent digits. (A letter
  // counts as two digits, so a letter swapped with a digit can slip
  // through: RO49AAAA1B31... and RO49AAAAB131... both pass.)
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (const char* good : kGoodIbans) {
    const std::string iban(good);
    for (size_t i = 4; i + 1 < iban.size(); ++i) {
      if (iban[i] == iban[i + 1] || !digit(iban[i]) || !digit(iban[i + 1])) {
        continue;
      }
      std::string bad = iban;
      std::swap(bad[i], bad[i + 1]);
      EXPECT_FALSE(ValidateIban(bad).ok()) << bad;
    }
  }
  // Swapped check digits too.
  EXPECT_FALSE(ValidateIban("DE98370400440532013000").ok());
}

TEST(IbanTest, MessagesSayWhatIsWrong) {
  auto message = [](std::string_view iban) {
    const Status s = ValidateIban(iban);
    EXPECT_FALSE(s.ok()) << iban;
    return s.ok() ? std::string() : s.error().message;
  };
  EXPECT_NE(message("DE8937040044053201300")
                .find("a DE IBAN has 22 characters, this one has 21"),
            std::string::npos);
  EXPECT_NE(message("GB29NWBK6016133192681").find("22 characters"),
            std::string::npos);
  EXPECT_NE(
      message("DE89 3704 0044 0532 0130 00").find("a space at position 5"),
      std::string::npos);
  EXPECT_NE(message("de89370400440532013000").find("'d' at position 1"),
            std::string::npos);
  EXPECT_NE(message("US12345678901234567890")
                .find("US is not a country with "
                      "IBANs"),
            std::string::npos);
  EXPECT_NE(message("DEXX370400440532013000").find("check digits"),
            std::string::npos);
  // A letter where the German layout has digits.
  EXPECT_NE(message("DE89370400440532013A00")
                .find("character 20 of a DE IBAN must be a digit"),
            std::string::npos);
  // GB: positions 5-8 are the bank's letters.
  EXPECT_NE(message("GB29NW1K60161331926819").find("upper-case letter"),
            std::string::npos);
  EXPECT_NE(message("DE00370400440532013000").find("never occur"),
            std::string::npos);
  EXPECT_NE(message("").find("electronic form"), std::string::npos);
  EXPECT_NE(message(std::string(40, '1')).find("at most 34"),
            std::string::npos);
  EXPECT_NE(message("D\xC3\xA9").find("byte 0xC3"), std::string::npos);
}

TEST(IbanTest, NormalizeAndFormat) {
  EXPECT_EQ(*NormalizeIban("de89 3704 0044 0532 0130 00"),
            "DE89370400440532013000");
  EXPECT_EQ(*NormalizeIban("IBAN GB29 NWBK 6016 1331 9268 19"),
            "GB29NWBK60161331926819");
  EXPECT_EQ(*NormalizeIban("NL91-ABNA-0417-1643-00"), "NL91ABNA0417164300");
  EXPECT_FALSE(NormalizeIban("DE89 3704 0044 0532 0130 01").ok());
  EXPECT_FALSE(NormalizeIban(std::string(100, ' ')).ok());
  EXPECT_EQ(FormatIban("DE89370400440532013000"),
            "DE89 3704 0044 0532 0130 00");
  EXPECT_EQ(FormatIban("NO9386011117947"), "NO93 8601 1117 947");
  EXPECT_EQ(FormatIban(""), "");
}

TEST(IbanTest, MakeIbanComputesCheckDigits) {
  EXPECT_EQ(*MakeIban("DE", "37040044", "532013000"), "DE89370400440532013000");
  EXPECT_EQ(*MakeIban("GB", "NWBK601613", "31926819"),
            "GB29NWBK60161331926819");
  EXPECT_EQ(*MakeIban("NL", "ABNA", "417164300"), "NL91ABNA0417164300");
  EXPECT_EQ(*MakeIban("CH", "00762", "011623852957"), "CH9300762011623852957");
  EXPECT_EQ(*MakeIban("FR", "2004101005", "0500013M02606"),
            "FR1420041010050500013M02606");
  // Deterministic, and always valid.
  EXPECT_EQ(*MakeIban("LT", "10000", "1101001000"),
            *MakeIban("LT", "10000", "1101001000"));
  for (int account = 1; account < 2000; account += 7) {
    Result<std::string> iban =
        MakeIban("DE", "10010010", std::to_string(account));
    ASSERT_TRUE(iban.ok());
    EXPECT_TRUE(ValidateIban(*iban).ok()) << *iban;
  }
  EXPECT_EQ(MakeIban("US", "021000021", "1").error().param, "country");
  EXPECT_EQ(MakeIban("DE", "3704004A", "1").error().param, "bank_code");
  EXPECT_EQ(MakeIban("DE", "37040044", "12345678901").error().param,
            "account_number");
  EXPECT_EQ(MakeIban("DE", "37040044", "").error().param, "account_number");
  EXPECT_EQ(MakeIban("DE", "37040044", "12a").error().param, "account_number");
  EXPECT_EQ(MakeIban("DE", std::string(18, '1'), "1").error().param,
            "bank_code");
  EXPECT_EQ(IbanCheckDigits("DE", "370400440532013000"), "89");
  EXPECT_EQ(IbanCheckDigits("DE", "3704 0044"), "");
}

TEST(BicTest, ValidAndInvalid) {
  for (const char* bic : {"DEUTDEFF", "DEUTDEFF500", "NWBKGB2L", "BNPAFRPPXXX",
                          "CHASUS33", "ABNANL2A", "UBSWCHZH80A", "MARKDEF1100",
                          "RVNTGB2L", "TRPFGB2L", "BKTRUS33XXX", "RZBAXKPR"}) {
    EXPECT_TRUE(ValidateBic(bic).ok()) << bic << ValidateBic(bic).ToString();
  }
  struct Bad {
    const char* bic;
    const char* says;
  };
  for (const Bad& b : {
           Bad{"DEUTDEF", "8 or 11 characters, this one has 7"},
           Bad{"DEUTDEFF50", "8 or 11"},
           Bad{"DEU1DEFF", "'1' at position 4"},
           Bad{"DEUTQQFF", "'QQ' is not one"},
           Bad{"DEUTdeFF", "country"},
           Bad{"DEUTDEF-", "location"},
           Bad{"DEUTDEFF50 ", "branch"},
           Bad{"deutdeff", "'d' at position 1"},
       }) {
    const Status s = ValidateBic(b.bic);
    ASSERT_FALSE(s.ok()) << b.bic;
    EXPECT_EQ(s.error().param, "bic");
    EXPECT_NE(s.error().message.find(b.says), std::string::npos)
        << s.ToString();
  }
}

TEST(CountryTest, Iso3166) {
  EXPECT_TRUE(IsIso3166Country("DE"));
  EXPECT_TRUE(IsIso3166Country("US"));
  EXPECT_TRUE(IsIso3166Country("AX"));
  EXPECT_FALSE(IsIso3166Country("XK"));
  EXPECT_TRUE(IsBicCountry("XK"));
  EXPECT_FALSE(IsIso3166Country("UK"));
  EXPECT_FALSE(IsIso3166Country("de"));
  EXPECT_FALSE(IsIso3166Country("DEU"));
  EXPECT_FALSE(IsIso3166Country(""));
  int count = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b)
      count += IsIso3166Country(std::string{a, b});
  }
  EXPECT_EQ(count, 249);
}

TEST(AbaTest, ValidateAndMake) {
  for (const char* aba : {"021000021", "011000015", "026009593", "121000358",
                          "111000025", "322271627"}) {
    EXPECT_TRUE(ValidateAbaRoutingNumber(aba).ok())
        << aba << ValidateAbaRoutingNumber(aba).ToString();
  }
  EXPECT_NE(
      ValidateAbaRoutingNumber("021000022").error().message.find("check digit"),
      std::string::npos);
  EXPECT_NE(
      ValidateAbaRoutingNumber("012000021").error().message.find("check digit"),
      std::string::npos);  // transposed
  EXPECT_NE(ValidateAbaRoutingNumber("02100002")
                .error()
                .message.find("has 9 digits, this one has 8"),
            std::string::npos);
  EXPECT_NE(ValidateAbaRoutingNumber("02100002X")
                .error()
                .message.find("'X' at position 9"),
            std::string::npos);
  EXPECT_NE(ValidateAbaRoutingNumber("501000019")
                .error()
                .message.find("Federal Reserve range"),
            std::string::npos);
  EXPECT_EQ(ValidateAbaRoutingNumber("").error().param, "routing_number");

  EXPECT_EQ(*MakeAbaRoutingNumber("02100002"), "021000021");
  EXPECT_EQ(*MakeAbaRoutingNumber("01100001"), "011000015");
  for (int i = 0; i < 1000; ++i) {
    std::string prefix = std::to_string(21000000 + i * 37);
    prefix = std::string(8 - prefix.size(), '0') + prefix;
    Result<std::string> aba = MakeAbaRoutingNumber(prefix);
    ASSERT_TRUE(aba.ok()) << prefix;
    EXPECT_TRUE(aba->starts_with(prefix));
    EXPECT_TRUE(ValidateAbaRoutingNumber(*aba).ok());
  }
  EXPECT_FALSE(MakeAbaRoutingNumber("0210000").ok());
  EXPECT_FALSE(MakeAbaRoutingNumber("99000000").ok());
}

TEST(UkTest, SortCodeAndAccount) {
  EXPECT_EQ(*NormalizeSortCode("12-34-56"), "123456");
  EXPECT_EQ(*NormalizeSortCode("12 34 56"), "123456");
  EXPECT_EQ(*NormalizeSortCode("123456"), "123456");
  EXPECT_FALSE(NormalizeSortCode("12-34-5").ok());
  EXPECT_FALSE(NormalizeSortCode("12/34/56").ok());
  EXPECT_EQ(FormatSortCode("123456"), "12-34-56");
  EXPECT_EQ(FormatSortCode("12345"), "12345");
  EXPECT_TRUE(ValidateSortCode("601613").ok());
  EXPECT_EQ(ValidateSortCode("60161").error().param, "sort_code");
  EXPECT_TRUE(ValidateUkAccountNumber("31926819").ok());
  EXPECT_EQ(ValidateUkAccountNumber("3192681").error().param, "account_number");
  EXPECT_FALSE(ValidateUkAccountNumber("3192681A").ok());
}

TEST(LocalAccountTest, PerCountry) {
  EXPECT_TRUE(ValidateLocalAccount("US", "021000021", "123456789").ok());
  EXPECT_EQ(ValidateLocalAccount("US", "021000022", "123456789").error().param,
            "routing_number");
  EXPECT_EQ(ValidateLocalAccount("US", "021000021", "123").error().param,
            "account_number");
  EXPECT_TRUE(ValidateLocalAccount("GB", "601613", "31926819").ok());
  EXPECT_TRUE(ValidateLocalAccount("CA", "00112345", "1234567").ok());
  EXPECT_TRUE(ValidateLocalAccount("AU", "062000", "12345678").ok());
  EXPECT_TRUE(ValidateLocalAccount("NZ", "123456", "123456700").ok());
  EXPECT_TRUE(ValidateLocalAccount("JP", "0001001", "1234567").ok());
  EXPECT_TRUE(ValidateLocalAccount("IN", "SBIN0000300", "12345678901").ok());
  EXPECT_EQ(
      ValidateLocalAccount("IN", "SBIN1000300", "12345678901").error().param,
      "bank_code");
  EXPECT_TRUE(ValidateLocalAccount("SG", "7171001", "1234567890").ok());
  EXPECT_TRUE(ValidateLocalAccount("HK", "004123", "123456789").ok());
  EXPECT_TRUE(ValidateLocalAccount("MX", "", "032180000118359719").ok());
  EXPECT_TRUE(ValidateLocalAccount("MX", "032", "032180000118359719").ok());
  EXPECT_EQ(
      ValidateLocalAccount("MX", "002", "032180000118359719").error().param,
      "bank_code");
  EXPECT_NE(ValidateLocalAccount("MX", "", "032180000118359718")
                .error()
                .message.find("check digit"),
            std::string::npos);
  EXPECT_TRUE(
      ValidateLocalAccount("CN", "102100099996", "6222021234567890").ok());
  EXPECT_TRUE(ValidateLocalAccount("KE", "01", "1234567890").ok());
  EXPECT_FALSE(ValidateLocalAccount("KE", "", "1234567890").ok());
  EXPECT_FALSE(ValidateLocalAccount("KE", "01", "12-34").ok());
  EXPECT_NE(ValidateLocalAccount("DE", "37040044", "532013000")
                .error()
                .message.find("give the IBAN"),
            std::string::npos);
  EXPECT_EQ(ValidateLocalAccount("ZZ", "1", "1").error().param, "country");
}

}  // namespace
}  // namespace meridian::accounts
