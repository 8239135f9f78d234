#include "compliance/aml/amlsim.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace meridian::compliance::aml {
namespace {

constexpr int64_t kMaxValueMinor = 100'000'000'000'000'000;  // 10^17 cents
constexpr int64_t kMaxStep = 1'000'000;

Error BadLine(std::string_view file, size_t line, std::string message) {
  return MakeError(
      ErrorCode::kINVALID_PARAMETER, "file",
      std::string(file) + " line " + std::to_string(line) + ": " + message);
}

// Splits on commas into at most `max` fields (one more means "too many").
size_t Split(std::string_view line, std::string_view* fields, size_t max) {
  size_t n = 0, start = 0;
  while (n <= max) {
    size_t comma = line.find(',', start);
    if (n < max) {
      fields[n] = line.substr(start, comma == std::string_view::npos
                                         ? std::string_view::npos
                                         : comma - start);
    }
    ++n;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return n;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseId(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19 || s[0] == '-' || s[0] == '+') return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "163.3" -> 16330, "2.51" -> 251, "5" -> 500. No sign, at most two places.
bool ParseCents(std::string_view s, int64_t* out) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 15) return false;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) {
    return false;
  }
  int64_t v = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  for (size_t i = 0; i < 2; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v >= kMaxValueMinor) return false;
  *out = v;
  return true;
}

// Calls fn(line_no, line) for every non-empty line after the header, which
// must be `header`. Stops at the first error fn returns.
template <typename Fn>
Status ForEachLine(std::string_view text, std::string_view file,
                   std::string_view header, size_t max_lines, Fn fn) {
  if (text.size() > kAmlsimMaxFileBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "file",
                     std::string(file) + " is larger than 512 MiB");
  }
  size_t line_no = 0, pos = 0;
  bool seen_header = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos
                                                       : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!seen_header) {
      if (line != header) {
        return BadLine(file, line_no,
                       "the header is \"" + std::string(header) + "\"");
      }
      seen_header = true;
      continue;
    }
    if (line_no > max_lines + 1) {
      return BadLine(file, line_no,
                     "more than " + std::to_string(max_lines) + " lines");
    }
    MERIDIAN_RETURN_IF_ERROR(fn(line_no, line));
  }
  if (!seen_header) {
    return BadLine(file, line_no + 1, "the file is empty");
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return MakeError(ErrorCode::kIO_ERROR, "file",
                     "cannot read " + path + ": " + ec.message());
  }
  if (size > kAmlsimMaxFileBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "file",
                     path + " is larger than 512 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return MakeError(ErrorCode::kIO_ERROR, "file", "cannot read " + path);
  }
  return text;
}

}  // namespace

Result<std::vector<AmlsimAccount>> ParseAmlsimNodes(std::string_view text,
                                                    std::string_view file) {
  std::vector<AmlsimAccount> out;
  std::vector<size_t> lines;  // of each account, for the duplicate check
  Status s = ForEachLine(
      text, file, "nodeid,isFraud,init_balance,fraudStep", kAmlsimMaxAccounts,
      [&](size_t line_no, std::string_view line) -> Status {
        std::string_view f[4];
        if (Split(line, f, 4) != 4) {
          return BadLine(file, line_no, "expected 4 fields");
        }
        AmlsimAccount a;
        if (!ParseId(f[0], &a.id)) {
          return BadLine(file, line_no, "nodeid is a non-negative integer");
        }
        if (f[1] != "0" && f[1] != "1") {
          return BadLine(file, line_no, "isFraud is 0 or 1");
        }
        a.laundering = f[1] == "1";
        if (!ParseCents(f[2], &a.init_balance_minor)) {
          return BadLine(file, line_no,
                         "init_balance is a decimal with at most two "
                         "places");
        }
        if (!ParseInt(f[3], &a.fraud_step) || a.fraud_step < -1 ||
            a.fraud_step > kMaxStep) {
          return BadLine(file, line_no, "fraudStep is -1 or a step");
        }
        out.push_back(a);
        lines.push_back(line_no);
        return Status::Ok();
      });
  if (!s.ok()) return s.error();
  // Unique ids, found in one sorted pass; the error names the later line.
  std::vector<std::pair<uint64_t, size_t>> ids;
  ids.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) ids.emplace_back(out[i].id, i);
  std::sort(ids.begin(), ids.end());
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i].first == ids[i - 1].first) {
      return BadLine(
          file, lines[std::max(ids[i].second, ids[i - 1].second)],
          "nodeid " + std::to_string(ids[i].first) + " is already on line " +
              std::to_string(
                  lines[std::min(ids[i].second, ids[i - 1].second)]));
    }
  }
  return out;
}

Result<std::vector<AmlsimTransaction>> ParseAmlsimTransactions(
    std::string_view text, std::string_view file,
    const std::vector<uint64_t>* known) {
  std::vector<AmlsimTransaction> out;
  Status s = ForEachLine(
      text, file, "sourceNodeId,targetNodeId,value,time",
      kAmlsimMaxTransactions,
      [&](size_t line_no, std::string_view line) -> Status {
        std::string_view f[4];
        if (Split(line, f, 4) != 4) {
          return BadLine(file, line_no, "expected 4 fields");
        }
        AmlsimTransaction tx;
        if (!ParseId(f[0], &tx.from) || !ParseId(f[1], &tx.to)) {
          return BadLine(file, line_no,
                         "sourceNodeId and targetNodeId are non-negative "
                         "integers");
        }
        if (!ParseCents(f[2], &tx.amount_minor)) {
          return BadLine(file, line_no,
                         "value is a decimal with at most two places");
        }
        if (!ParseInt(f[3], &tx.step) || tx.step < 0 || tx.step > kMaxStep) {
          return BadLine(file, line_no, "time is a step from 0 to 1000000");
        }
        if (known != nullptr) {
          for (uint64_t id : {tx.from, tx.to}) {
            if (!std::binary_search(known->begin(), known->end(), id)) {
              return BadLine(
                  file, line_no,
                  "node " + std::to_string(id) + " is not in the nodes file");
            }
          }
        }
        out.push_back(tx);
        return Status::Ok();
      });
  if (!s.ok()) return s.error();
  return out;
}

Result<AmlsimSample> ReadAmlsimSample(const std::string& dir,
                                      const std::string& name) {
  namespace fs = std::filesystem;
  AmlsimSample sample;
  sample.name = name;
  if (sample.name.empty()) {
    // The one NAME_nodes.csv in DIR, found in name order.
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string file = entry.path().filename().string();
      constexpr std::string_view kSuffix = "_nodes.csv";
      if (file.size() > kSuffix.size() && file.ends_with(kSuffix)) {
        found.push_back(file.substr(0, file.size() - kSuffix.size()));
      }
    }
    if (ec) {
      return MakeError(ErrorCode::kIO_ERROR, "dir",
                       "cannot list " + dir + ": " + ec.message());
    }
    std::sort(found.begin(), found.end());
    if (found.size() != 1) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "dir",
                       dir + " holds " + std::to_string(found.size()) +
                           " AMLSim samples (NAME_nodes.csv); name one");
    }
    sample.name = found[0];
  }
  const std::string nodes_file = sample.name + "_nodes.csv";
  const std::string tx_file = sample.name + "_transactions.csv";
  MERIDIAN_ASSIGN_OR_RETURN(std::string nodes_text,
                            ReadFile((fs::path(dir) / nodes_file).string()));
  MERIDIAN_ASSIGN_OR_RETURN(sample.accounts,
                            ParseAmlsimNodes(nodes_text, nodes_file));
  std::vector<uint64_t> ids;
  ids.reserve(sample.accounts.size());
  for (const AmlsimAccount& a : sample.accounts) ids.push_back(a.id);
  std::sort(ids.begin(), ids.end());
  MERIDIAN_ASSIGN_OR_RETURN(std::string tx_text,
                            ReadFile((fs::path(dir) / tx_file).string()));
  MERIDIAN_ASSIGN_OR_RETURN(sample.transactions,
                            ParseAmlsimTransactions(tx_text, tx_file, &ids));
  return sample;
}

Flow ToFlow(const AmlsimTransaction& tx) {
  static const Currency kUsd = *Currency::FromCode("USD");
  return Flow{.from_account = tx.from,
              .to_account = tx.to,
              .amount_minor = tx.amount_minor,
              .currency = kUsd,
              .time_ns = tx.step * kAmlsimStepNs};
}

}  // namespace meridian::compliance::aml
