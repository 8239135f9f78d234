// A fresh directory per test, removed when the test ends.
#ifndef MERIDIAN_ENGINE_TESTING_TEMP_DIR_H_
#define MERIDIAN_ENGINE_TESTING_TEMP_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace meridian::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info != nullptr ? std::string(info->test_suite_name()) +
                                             "." + info->name()
                                       : "meridian";
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("meridian-" + name + "-" + std::to_string(getpid()) + "-" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace meridian::testing

#endif  // MERIDIAN_ENGINE_TESTING_TEMP_DIR_H_
