#include "api/json/json_writer.h"

#include <charconv>

#include "core/assert.h"

namespace meridian::json {
namespace {

// Bytes copied as they are: printable ASCII except the quote and backslash.
constexpr std::array<bool, 256> BuildPlainTable() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = true;
  table['"'] = false;
  table['\\'] = false;
  return table;
}
constexpr std::array<bool, 256> kPlain = BuildPlainTable();

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0
// if the bytes there are not one. Follows the Unicode well-formed byte
// sequences table, so overlong forms, surrogates and values above U+10FFFF
// are refused.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u;
  };
  auto cont = [](unsigned b, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return b >= lo && b <= hi;
  };
  const unsigned b0 = byte(i);
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(byte(i + 1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned hi = b0 == 0xED ? 0x9F : 0xBF;
    return cont(byte(i + 1), lo, hi) && cont(byte(i + 2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return cont(byte(i + 1), lo, hi) && cont(byte(i + 2)) && cont(byte(i + 3))
               ? 4
               : 0;
  }
  return 0;
}

void AppendEscapedControl(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
  out->append(escaped, sizeof escaped);
}

}  // namespace

void JsonWriter::AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run of plain bytes in one append.
    size_t run = i;
    while (run < s.size() && kPlain[static_cast<unsigned char>(s[run])]) ++run;
    out->append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;

    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      AppendEscapedControl(out, c);
      ++i;
    } else if (size_t n = Utf8SequenceLength(s, i); n > 0) {
      out->append(s.data() + i, n);
      i += n;
    } else {
      out->append(kReplacement);
      ++i;
    }
  }
  out->push_back('"');
}

void JsonWriter::BeforeValue() {
  if (depth_ == 0) {
    MERIDIAN_CHECK(!wrote_top_level_) << "JsonWriter: a second top-level value";
    wrote_top_level_ = true;
    return;
  }
  if (frames_[depth_ - 1] == Frame::kObject) {
    MERIDIAN_CHECK(after_key_)
        << "JsonWriter: a value in an object needs Key()";
    after_key_ = false;
    return;
  }
  if (!first_) out_->push_back(',');
  first_ = false;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  MERIDIAN_CHECK(depth_ > 0 && frames_[depth_ - 1] == Frame::kObject)
      << "JsonWriter: Key() outside an object";
  MERIDIAN_CHECK(!after_key_) << "JsonWriter: two keys in a row";
  if (!first_) out_->push_back(',');
  first_ = false;
  AppendQuoted(out_, key);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  MERIDIAN_CHECK(depth_ < kMaxDepth) << "JsonWriter: nested too deep";
  frames_[depth_++] = Frame::kObject;
  first_ = true;
  out_->push_back('{');
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  MERIDIAN_CHECK(depth_ > 0 && frames_[depth_ - 1] == Frame::kObject)
      << "JsonWriter: EndObject() without BeginObject()";
  MERIDIAN_CHECK(!after_key_) << "JsonWriter: EndObject() right after Key()";
  --depth_;
  // The object just closed is a value in its parent, so the parent's next
  // item needs a comma.
  first_ = false;
  out_->push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  MERIDIAN_CHECK(depth_ < kMaxDepth) << "JsonWriter: nested too deep";
  frames_[depth_++] = Frame::kArray;
  first_ = true;
  out_->push_back('[');
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  MERIDIAN_CHECK(depth_ > 0 && frames_[depth_ - 1] == Frame::kArray)
      << "JsonWriter: EndArray() without BeginArray()";
  --depth_;
  first_ = false;
  out_->push_back(']');
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendQuoted(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::U128(u128 value) {
  BeforeValue();
  // 39 digits at most; written backwards to avoid a temporary string.
  char buf[40];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  } while (value != 0);
  out_->push_back('"');
  out_->append(p, buf + sizeof buf);
  out_->push_back('"');
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
  return *this;
}

JsonWriter& JsonWriter::RawValue(std::string_view json) {
  MERIDIAN_CHECK(!json.empty()) << "JsonWriter: RawValue() of nothing";
  BeforeValue();
  out_->append(json);
  return *this;
}

}  // namespace meridian::json
