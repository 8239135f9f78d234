#include "cli/serve.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/testing/temp_dir.h"

namespace meridian::cli {
namespace {

class ServeOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("MERIDIAN_OPERATOR_KEY"); }
  std::string Config(const std::string& text) {
    std::string path = dir_.path() + "/meridian.toml";
    std::ofstream(path) << text;
    return path;
  }
  meridian::testing::TempDir dir_;
};

TEST_F(ServeOptionsTest, FileThenEnvironmentThenFlags) {
  ServeFlags flags;
  flags.config_path = Config(
      "data_dir = \"/srv/m\"\nlisten = \"0.0.0.0:9000\"\nio_threads = 3\n"
      "[webhooks]\nretry_schedule_ms = [0, 1000]\ntimeout_ms = 700\n");
  Result<api::ServiceOptions> o = ResolveServeOptions(flags);
  ASSERT_TRUE(o.ok()) << o.error().ToString();
  EXPECT_EQ(o->data_dir, "/srv/m");
  EXPECT_EQ(o->listen_host, "0.0.0.0");
  EXPECT_EQ(o->listen_port, 9000);
  EXPECT_EQ(o->io_threads, 3);
  EXPECT_EQ(o->webhooks.retry_schedule_ms, (std::vector<int64_t>{0, 1000}));
  EXPECT_EQ(o->webhooks.timeout_ms, 700u);
  EXPECT_FALSE(o->operator_key.has_value());

  setenv("MERIDIAN_OPERATOR_KEY", "sk_from_the_environment_1234", 1);
  flags.listen = "127.0.0.1:0";
  flags.data_dir = "/tmp/x";
  o = ResolveServeOptions(flags);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->operator_key, "sk_from_the_environment_1234");
  EXPECT_EQ(o->listen_port, 0);
  EXPECT_EQ(o->data_dir, "/tmp/x");
  unsetenv("MERIDIAN_OPERATOR_KEY");
}

TEST_F(ServeOptionsTest, MistakesNameTheKey) {
  struct Case {
    std::string toml;
    ErrorCode code;
    std::string param;
  };
  for (const Case& c : std::vector<Case>{
           {"colour = 1\n", ErrorCode::kUNKNOWN_PARAMETER, "colour"},
           {"io_threads = 0\n", ErrorCode::kINVALID_PARAMETER, "io_threads"},
           {"listen = \"nohost\"\n", ErrorCode::kINVALID_PARAMETER, "listen"},
           {"listen = \"h:99999\"\n", ErrorCode::kINVALID_PARAMETER, "listen"},
           {"[webhooks]\nretry_schedule_ms = [-1]\n",
            ErrorCode::kINVALID_PARAMETER, "webhooks.retry_schedule_ms"},
           {"data_dir = \n", ErrorCode::kINVALID_PARAMETER, "config"},
       }) {
    ServeFlags flags;
    flags.config_path = Config(c.toml);
    Result<api::ServiceOptions> o = ResolveServeOptions(flags);
    ASSERT_FALSE(o.ok()) << c.toml;
    EXPECT_EQ(o.error().code, c.code) << c.toml;
    EXPECT_EQ(o.error().param, c.param) << c.toml;
  }
  ServeFlags flags;
  flags.operator_key_file = dir_.path() + "/missing";
  EXPECT_EQ(ResolveServeOptions(flags).error().code, ErrorCode::kIO_ERROR);
}

}  // namespace
}  // namespace meridian::cli
