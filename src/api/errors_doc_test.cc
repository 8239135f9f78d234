// docs/errors.md must list exactly the codes of the one table in the code,
// with the same HTTP status and outcome.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/status.h"
#include "ledger/types.h"

namespace meridian {
namespace {

std::vector<std::vector<std::string>> TableRows(const std::string& section) {
  std::ifstream in(std::string(MERIDIAN_SOURCE_ROOT) + "/docs/errors.md");
  EXPECT_TRUE(in) << "docs/errors.md is missing";
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## " + section;
    if (!in_section || line.empty() || line[0] != '|') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      size_t a = cell.find_first_not_of(' '), b = cell.find_last_not_of(' ');
      cells.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
    }
    if (cells.empty() || cells[0] == "code" || cells[0] == "result" ||
        cells[0].rfind("---", 0) == 0) {
      continue;
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST(ErrorsDocTest, AnswerCodesMatchTheTable) {
  std::map<std::string, std::pair<int, char>> documented;
  for (const auto& row : TableRows("Answer codes")) {
    ASSERT_GE(row.size(), 4u);
    EXPECT_FALSE(row[3].empty()) << row[0] << " has no explanation";
    EXPECT_TRUE(
        documented.emplace(row[0], std::make_pair(std::stoi(row[1]), row[2][0]))
            .second)
        << row[0] << " twice";
  }
  for (size_t i = 0; i < kErrorCodeCount; ++i) {
    auto code = static_cast<ErrorCode>(i);
    std::string name(ErrorCodeName(code));
    auto it = documented.find(name);
    ASSERT_NE(it, documented.end()) << name << " is not in docs/errors.md";
    EXPECT_EQ(it->second.first, ErrorCodeHttpStatus(code)) << name;
    EXPECT_EQ(it->second.second, ErrorCodeOutcome(code)) << name;
    documented.erase(it);
  }
  for (const auto& [name, _] : documented) {
    ADD_FAILURE() << name << " is in docs/errors.md but not in the code";
  }
}

TEST(ErrorsDocTest, LedgerResultsMatchTheTable) {
  std::set<std::string> documented;
  for (const auto& row : TableRows("Ledger results")) documented.insert(row[0]);
  size_t n = 0;
#define MERIDIAN_COUNT(name, value) \
  ++n;                              \
  EXPECT_TRUE(documented.erase(#name)) << #name " is not in docs/errors.md";
  MERIDIAN_LEDGER_RESULTS(MERIDIAN_COUNT)
#undef MERIDIAN_COUNT
  EXPECT_GT(n, 50u);
  for (const std::string& name : documented) {
    ADD_FAILURE() << name << " is in docs/errors.md but not in the code";
  }
}

}  // namespace
}  // namespace meridian
