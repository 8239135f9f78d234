// JsonWriter: a small streaming JSON writer that appends to a std::string.
//
// Every response body of the API is written with it, so it is built to be
// fast (no allocation beyond growing the output string, no virtual calls)
// and to always produce valid JSON, whatever bytes it is handed.
//
//   std::string body;
//   JsonWriter w(&body);
//   w.BeginObject();
//   w.Key("result").BeginObject();
//   w.Key("status").String("S");
//   w.Key("code").String("SUCCESS");
//   w.EndObject();
//   w.Key("amount").BeginObject();
//   w.Key("currency").String("THB").Key("value").String("35000");
//   w.EndObject();
//   w.Key("ids").BeginArray().Int(1).Int(2).EndArray();
//   w.EndObject();
//   // body == R"({"result":{...},"amount":{...},"ids":[1,2]})"
//
// Contract:
// - Commas and colons are written for you; there is no whitespace.
// - Strings are escaped one fixed way: `"` as \", `\` as \\, every byte below
//   0x20 as \u00xx (lower-case hex); everything else is copied, except that
//   each byte that is not part of a valid UTF-8 sequence (overlong forms,
//   surrogates and code points above U+10FFFF are invalid) is replaced by
//   U+FFFD, so the output is always valid UTF-8 JSON. The same rule serves
//   keys. canonical.h relies on this being the only escaping.
// - Misuse is a bug in the caller and stops the process (MERIDIAN_CHECK): a
//   value where a key is due, a key outside an object, an End that does not
//   match its Begin, a second top-level value, or nesting deeper than
//   kMaxDepth.
// - RawValue trusts its argument to be exactly one valid JSON value; it is
//   for pieces this writer (or CanonicalJson) produced earlier.
#ifndef MERIDIAN_API_JSON_JSON_WRITER_H_
#define MERIDIAN_API_JSON_JSON_WRITER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/int128.h"

namespace meridian::json {

class JsonWriter {
 public:
  // Deeper nesting is a programming error; request bodies are limited to
  // far less (json_reader.h), and responses are written by our own code.
  static constexpr int kMaxDepth = 64;

  // Appends to *out, which must outlive the writer. Existing content is kept
  // and not inspected.
  explicit JsonWriter(std::string* out) : out_(out) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  // As a decimal string ("340282366920938463463374607431768211455"):
  // JavaScript clients lose precision on numbers above 2^53.
  JsonWriter& U128(u128 value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // `json` must be one complete, valid JSON value; it is copied as is.
  JsonWriter& RawValue(std::string_view json);

  // True once one complete top-level value has been written.
  bool done() const { return depth_ == 0 && wrote_top_level_; }

  // Appends `s` as a quoted JSON string with the escaping described above.
  // Exposed for writers that build JSON by hand (e.g. log lines).
  static void AppendQuoted(std::string* out, std::string_view s);

 private:
  enum class Frame : uint8_t { kObject, kArray };

  // Writes the separator a value needs here and checks that a value is
  // allowed here.
  void BeforeValue();

  std::string* out_;
  std::array<Frame, kMaxDepth> frames_{};
  int depth_ = 0;
  // In the innermost container: nothing has been written yet (no comma).
  bool first_ = true;
  // In an object: Key() was called and its value is due.
  bool after_key_ = false;
  bool wrote_top_level_ = false;
};

}  // namespace meridian::json

#endif  // MERIDIAN_API_JSON_JSON_WRITER_H_
