// `meridian fx load-ecb` against a real server on a loopback port.
#include "cli/fx_command.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "api/service.h"
#include "cli/testing/run_meridian.h"
#include "core/testing/temp_dir.h"

namespace meridian::cli {

using meridian::cli::testing::CommandRun;
using meridian::cli::testing::RunMeridian;
namespace {

constexpr char kKey[] = "sk_test_fx_operator_key_0123456789";

CommandRun Meridian(const std::string& args) {
  return RunMeridian(args, std::string("MERIDIAN_OPERATOR_KEY=") + kKey + " ");
}

class FxCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api::ServiceOptions o;
    o.data_dir = dir_.path() + "/data";
    o.listen_port = 0;
    o.sync = false;
    o.operator_key = kKey;
    Result<std::unique_ptr<api::ApiService>> s = api::ApiService::Start(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    service_ = std::move(s).value();
    target_ = "http://127.0.0.1:" + std::to_string(service_->port());
    // A small history in the ECB's format: newest first, N/A gaps, a
    // currency gone from ISO 4217, the trailing comma.
    csv_ = dir_.path() + "/hist.csv";
    std::ofstream(csv_) << "Date,USD,JPY,CYP,THB,\n"
                           "2025-05-09,1.1252,163.36,N/A,37.132,\n"
                           "2025-05-08,1.1297,163.45,N/A,N/A,\n";
  }
  void TearDown() override {
    if (service_) service_->Stop();
  }

  meridian::testing::TempDir dir_;
  std::unique_ptr<api::ApiService> service_;
  std::string target_;
  std::string csv_;
};

TEST_F(FxCommandTest, PostsTheFixingOfTheDayAsked) {
  // A Saturday means Friday's fixing.
  CommandRun r = Meridian("fx load-ecb " + csv_ +
                          " --date 2025-05-10 --target " + target_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("posted 3 EUR rates of 2025-05-09"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("skipped columns no longer in ISO 4217: CYP"),
            std::string::npos)
      << r.output;
  // Running it again is the same request (the same answer, nothing twice).
  r = Meridian("fx load-ecb " + csv_ + " --date 2025-05-09 --json --target " +
               target_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"updated\":3"), std::string::npos) << r.output;
  // An older day than the book holds is refused by the server, and said so.
  r = Meridian("fx load-ecb " + csv_ + " --date 2025-05-08 --target " +
               target_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("newer USD rate"), std::string::npos) << r.output;
  // --restamp posts a day as of now.
  r = Meridian("fx load-ecb " + csv_ + " --restamp --target " + target_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("source \"ECB 2025-05-09\""), std::string::npos)
      << r.output;
}

TEST_F(FxCommandTest, SaysWhatIsWrong) {
  CommandRun r = Meridian("fx load-ecb /no/such/file.csv --target " + target_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("/no/such/file.csv"), std::string::npos) << r.output;
  r = Meridian("fx load-ecb " + csv_ + " --date 1999-01-01 --target " +
               target_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("no fixing on or before 1999-01-01"),
            std::string::npos)
      << r.output;
  r = Meridian("fx load-ecb " + csv_ + " --target http://127.0.0.1:1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("is meridian serve running there"), std::string::npos)
      << r.output;
}

TEST(EcbRatesRequestBodyTest, IsWhatTheApiTakes) {
  fx::EcbFixing f;
  f.date = "2025-05-09";
  f.rates = {{*Currency::FromCode("USD"), *fx::Decimal::ParseRate("1.1252")}};
  EXPECT_EQ(EcbRatesRequestBody(f, "2025-05-09T13:10:00Z", "ECB"),
            R"({"base":"EUR","asOf":"2025-05-09T13:10:00Z","source":"ECB",)"
            R"("rates":[{"currency":"USD","rate":"1.1252"}]})");
}

}  // namespace
}  // namespace meridian::cli
