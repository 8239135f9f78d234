#include "api/json/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace meridian::json {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  JsonWriter::AppendQuoted(&out, s);
  return out;
}

// What simdjson reads back from a written string.
std::string ReadBack(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(json).get(e), simdjson::SUCCESS) << json;
  std::string_view s;
  EXPECT_EQ(e.get_string().get(s), simdjson::SUCCESS) << json;
  return std::string(s);
}

TEST(JsonWriterTest, WritesNestedValuesWithCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("result").BeginObject();
  w.Key("status").String("S").Key("code").String("SUCCESS");
  w.EndObject();
  w.Key("list").BeginArray().Int(1).Int(-2).BeginObject().EndObject();
  w.BeginArray().EndArray().Null().EndArray();
  w.Key("ok").Bool(true).Key("no").Bool(false);
  w.Key("raw").RawValue(R"({"a":[1,2]})");
  w.EndObject();
  EXPECT_TRUE(w.done());
  EXPECT_EQ(out, R"({"result":{"status":"S","code":"SUCCESS"},)"
                 R"("list":[1,-2,{},[],null],"ok":true,"no":false,)"
                 R"("raw":{"a":[1,2]}})");
}

TEST(JsonWriterTest, KeepsWhatTheStringHeldBefore) {
  std::string out = "prefix:";
  JsonWriter w(&out);
  w.BeginArray().EndArray();
  EXPECT_EQ(out, "prefix:[]");
}

TEST(JsonWriterTest, TopLevelScalar) {
  std::string out;
  JsonWriter w(&out);
  EXPECT_FALSE(w.done());
  w.String("x");
  EXPECT_TRUE(w.done());
  EXPECT_EQ(out, R"("x")");
}

TEST(JsonWriterTest, IntegersAtTheirLimits) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray()
      .Int(std::numeric_limits<int64_t>::min())
      .Int(std::numeric_limits<int64_t>::max())
      .Uint(0)
      .Uint(std::numeric_limits<uint64_t>::max())
      .U128(0)
      .U128(kU128Max)
      .EndArray();
  EXPECT_EQ(out,
            "[-9223372036854775808,9223372036854775807,0,"
            "18446744073709551615,\"0\","
            "\"340282366920938463463374607431768211455\"]");
}

TEST(JsonWriterTest, EscapesQuoteBackslashAndControlCharacters) {
  EXPECT_EQ(Quoted(R"(a"b\c/d)"), R"("a\"b\\c/d")");
  EXPECT_EQ(Quoted(std::string_view("\0\x01\n\r\t\x1f\x7f", 7)),
            "\"\\u0000\\u0001\\u000a\\u000d\\u0009\\u001f\x7f\"");
  EXPECT_EQ(Quoted(""), "\"\"");
}

TEST(JsonWriterTest, PassesValidUtf8Through) {
  // 2-, 3- and 4-byte sequences at the edges of their ranges.
  const std::string valid =
      "\xC2\x80\xDF\xBF"          // U+0080, U+07FF
      "\xE0\xA0\x80\xEF\xBF\xBF"  // U+0800, U+FFFF
      "\xED\x9F\xBF\xEE\x80\x80"  // U+D7FF, U+E000
      "\xF0\x90\x80\x80"          // U+10000
      "\xF4\x8F\xBF\xBF"          // U+10FFFF
      "\xE0\xB8\xBF";             // THAI CURRENCY SYMBOL BAHT
  EXPECT_EQ(Quoted(valid), "\"" + valid + "\"");
  EXPECT_EQ(ReadBack(Quoted(valid)), valid);
}

TEST(JsonWriterTest, ReplacesEachInvalidByteWithReplacementCharacter) {
  const std::string kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"\x80", kFffd},                                      // lone continuation
      {"a\xFFz", "a" + kFffd + "z"},                        // never valid
      {"\xC0\xAF", kFffd + kFffd},                          // overlong '/'
      {"\xC1\xBF", kFffd + kFffd},                          // overlong
      {"\xE0\x80\xAF", kFffd + kFffd + kFffd},              // overlong 3-byte
      {"\xED\xA0\x80", kFffd + kFffd + kFffd},              // surrogate U+D800
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // > U+10FFFF
      {"\xF5\x80\x80\x80", kFffd + kFffd + kFffd + kFffd},  // lead F5
      {"\xC3", kFffd},                     // truncated at the end
      {"\xE2\x82", kFffd + kFffd},         // truncated 3-byte
      {"\xE2\x82z", kFffd + kFffd + "z"},  // interrupted
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Quoted(c.in), "\"" + c.out + "\"")
        << testing::PrintToString(c.in);
    EXPECT_EQ(ReadBack(Quoted(c.in)), c.out);
  }
}

TEST(JsonWriterTest, AnyBytesGiveValidJsonThatReadsBackWhenUtf8) {
  std::mt19937_64 rng(20261124);
  simdjson::dom::parser parser;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(rng() % 24, '\0');
    for (char& c : bytes) {
      // Bias towards the interesting bytes.
      uint64_t r = rng();
      c = static_cast<char>(r % 4 == 0 ? 0x80 + (r >> 8) % 0x80 : r >> 8);
    }
    std::string out;
    JsonWriter w(&out);
    w.BeginObject().Key(bytes).String(bytes).EndObject();
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(out).get(e), simdjson::SUCCESS) << out;
    if (simdjson::validate_utf8(bytes.data(), bytes.size())) {
      std::string_view back;
      ASSERT_EQ(e.at_key(bytes).get_string().get(back), simdjson::SUCCESS);
      EXPECT_EQ(back, bytes);
    }
  }
}

TEST(JsonWriterDeathTest, MisuseStopsTheProcess) {
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().String("no key");
      },
      "needs Key");
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter w(&out);
        w.BeginArray().Key("k");
      },
      "outside an object");
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().EndArray();
      },
      "without BeginArray");
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter w(&out);
        w.BeginObject().Key("k").EndObject();
      },
      "right after Key");
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter w(&out);
        w.Int(1).Int(2);
      },
      "second top-level");
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter w(&out);
        for (int i = 0; i <= JsonWriter::kMaxDepth; ++i) w.BeginArray();
      },
      "too deep");
}

}  // namespace
}  // namespace meridian::json
