// Runs the `meridian` binary the way a user would, for the CLI's tests:
// MERIDIAN_BINARY is its path (a compile definition of each test).
//
//   CommandRun r = RunMeridian("verify " + dir);
//   EXPECT_EQ(r.exit_code, 0) << r.output;
#ifndef MERIDIAN_CLI_TESTING_RUN_MERIDIAN_H_
#define MERIDIAN_CLI_TESTING_RUN_MERIDIAN_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace meridian::cli::testing {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `env` is prepended to the command line ("NAME=value ").
inline CommandRun RunMeridian(const std::string& args,
                              const std::string& env = "") {
  const std::string command =
      env + std::string(MERIDIAN_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  CommandRun run;
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    run.output.append(buf.data(), n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace meridian::cli::testing

#endif  // MERIDIAN_CLI_TESTING_RUN_MERIDIAN_H_
