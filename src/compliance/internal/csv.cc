#include "compliance/internal/csv.h"

namespace meridian::compliance::internal {

CsvReader::CsvReader(std::string_view text, CsvLimits limits)
    : text_(text), limits_(limits) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  if (text_.ends_with('\x1A')) text_.remove_suffix(1);
}

Error CsvReader::Fail(size_t line, std::string message) {
  failed_ = true;
  return MakeError(ErrorCode::kINVALID_PARAMETER, "",
                   "line " + std::to_string(line) + ": " + message);
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  if (failed_) return false;
  // Empty lines between records carry nothing.
  while (pos_ < text_.size()) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (text_.substr(pos_, 2) == "\r\n") {
      pos_ += 2;
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= text_.size()) return false;
  if (records_ >= limits_.max_records) {
    return Fail(
        line_, "more than " + std::to_string(limits_.max_records) + " records");
  }
  record_line_ = line_;
  ++records_;
  const size_t n = text_.size();
  while (true) {
    if (fields->size() >= limits_.max_fields) {
      return Fail(line_, "more than " + std::to_string(limits_.max_fields) +
                             " fields in a record");
    }
    std::string& field = fields->emplace_back();
    const size_t field_line = line_;
    if (pos_ < n && text_[pos_] == '"') {
      ++pos_;
      while (true) {
        const size_t quote = text_.find('"', pos_);
        if (quote == std::string_view::npos) {
          return Fail(field_line,
                      "a quoted field starts here and is never closed");
        }
        std::string_view chunk = text_.substr(pos_, quote - pos_);
        for (char c : chunk) line_ += c == '\n';
        if (field.size() + chunk.size() > limits_.max_field_bytes) {
          return Fail(field_line, "a field is longer than " +
                                      std::to_string(limits_.max_field_bytes) +
                                      " bytes");
        }
        field.append(chunk);
        pos_ = quote + 1;
        if (pos_ < n && text_[pos_] == '"') {  // "" stands for "
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' &&
          text_.substr(pos_, 2) != "\r\n") {
        return Fail(line_, text_[pos_] == '\r'
                               ? "a carriage return without a line feed"
                               : "text after the closing quote of a field");
      }
    } else {
      // A loop, not find_first_of: that calls memchr once a byte.
      size_t stop = pos_;
      while (stop < n && text_[stop] != ',' && text_[stop] != '\n' &&
             text_[stop] != '\r' && text_[stop] != '"') {
        ++stop;
      }
      if (stop - pos_ > limits_.max_field_bytes) {
        return Fail(field_line, "a field is longer than " +
                                    std::to_string(limits_.max_field_bytes) +
                                    " bytes");
      }
      field.assign(text_.substr(pos_, stop - pos_));
      pos_ = stop;
      if (pos_ < n && text_[pos_] == '"') {
        return Fail(line_,
                    "a quote inside an unquoted field (quote the whole "
                    "field and double the quote)");
      }
      if (pos_ < n && text_[pos_] == '\r' && text_.substr(pos_, 2) != "\r\n") {
        return Fail(line_, "a carriage return without a line feed");
      }
    }
    if (pos_ >= n) {
      return Fail(line_,
                  "the last line has no line break: the file looks cut "
                  "short");
    }
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of the record: \n or \r\n.
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
    return true;
  }
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : fields[i]) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

}  // namespace meridian::compliance::internal
