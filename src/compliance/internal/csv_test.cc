#include "compliance/internal/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meridian::compliance::internal {
namespace {

using Records = std::vector<std::vector<std::string>>;

// Every record, or the error's message.
Result<Records> ReadAll(std::string_view text, CsvLimits limits = {}) {
  CsvReader reader(text, limits);
  Records out;
  std::vector<std::string> fields;
  while (true) {
    MERIDIAN_ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) return out;
    out.push_back(fields);
  }
}

std::string ErrorOf(std::string_view text, CsvLimits limits = {}) {
  Result<Records> r = ReadAll(text, limits);
  if (r.ok()) return "(accepted)";
  EXPECT_EQ(r.error().code, ErrorCode::kINVALID_PARAMETER);
  return r.error().message;
}

TEST(CsvReaderTest, PlainFieldsAndLineEndings) {
  Result<Records> r = ReadAll("a,b,c\nd,,f\r\n,,\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (Records{{"a", "b", "c"}, {"d", "", "f"}, {"", "", ""}}));
}

TEST(CsvReaderTest, QuotedFields) {
  Result<Records> r = ReadAll(
      "1,\"DOE, John\",\"say \"\"hi\"\"\",\"\"\r\n"
      "2,\"two\nlines, and\r\na CRLF\",-0- \r\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0],
            (std::vector<std::string>{"1", "DOE, John", "say \"hi\"", ""}));
  EXPECT_EQ((*r)[1], (std::vector<std::string>{"2", "two\nlines, and\r\na CRLF",
                                               "-0- "}));
}

TEST(CsvReaderTest, RecordLinesCountLinesInsideQuotes) {
  CsvReader reader("a\n\"b\nc\nd\"\n\ne\n");
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.Next(&f));
  EXPECT_EQ(reader.record_line(), 1u);
  ASSERT_TRUE(*reader.Next(&f));
  EXPECT_EQ(reader.record_line(), 2u);
  EXPECT_EQ(f[0], "b\nc\nd");
  ASSERT_TRUE(*reader.Next(&f));  // the empty line 5 is skipped
  EXPECT_EQ(reader.record_line(), 6u);
  EXPECT_EQ(f[0], "e");
  EXPECT_FALSE(*reader.Next(&f));
  EXPECT_EQ(reader.records(), 3u);
}

TEST(CsvReaderTest, ByteOrderMarkAndDosEndOfFile) {
  Result<Records> r = ReadAll("\xEF\xBB\xBFid,name\r\n1,x\r\n\x1A");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (Records{{"id", "name"}, {"1", "x"}}));
  EXPECT_TRUE(ReadAll("").ok());
  EXPECT_TRUE(ReadAll("\x1A").ok());
}

TEST(CsvReaderTest, MalformedTextIsRefusedNamingTheLine) {
  // A quote opened on line 2 and never closed: the file was cut.
  EXPECT_EQ(ErrorOf("a,b\n1,\"cut here\nand more"),
            "line 2: a quoted field starts here and is never closed");
  EXPECT_EQ(ErrorOf("a,b\n1,2\n3,4"),
            "line 3: the last line has no line break: the file looks cut "
            "short");
  EXPECT_EQ(ErrorOf("a,b\n1,\"x\"y\n"),
            "line 2: text after the closing quote of a field");
  EXPECT_EQ(ErrorOf("a\n\"x\ny\" z\n"),
            "line 3: text after the closing quote of a field");
  EXPECT_NE(ErrorOf("a,b\n1,x\"y\n")
                .find("line 2: a quote inside an "
                      "unquoted field"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("a,b\r1,2\n"),
            "line 1: a carriage return without a line feed");
  EXPECT_EQ(ErrorOf("a,\"b\"\r1,2\n"),
            "line 1: a carriage return without a line feed");
}

TEST(CsvReaderTest, Limits) {
  CsvLimits small;
  small.max_records = 2;
  small.max_fields = 3;
  small.max_field_bytes = 5;
  EXPECT_TRUE(ReadAll("a,b,c\n12345,\"12345\"\n", small).ok());
  EXPECT_EQ(ErrorOf("a,b,c\nd\ne\n", small), "line 3: more than 2 records");
  EXPECT_EQ(ErrorOf("a,b,c,d\n", small),
            "line 1: more than 3 fields in a record");
  EXPECT_EQ(ErrorOf("123456\n", small),
            "line 1: a field is longer than 5 bytes");
  EXPECT_EQ(ErrorOf("\"12\"\"345\"\n", small),
            "line 1: a field is longer than 5 bytes");
}

TEST(CsvReaderTest, AfterAnErrorTheReaderStaysAtTheEnd) {
  CsvReader reader("\"open\n");
  std::vector<std::string> f;
  EXPECT_FALSE(reader.Next(&f).ok());
  Result<bool> again = reader.Next(&f);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST(CsvReaderTest, CsvRecordReadsBack) {
  const std::vector<std::string> fields = {"plain", "a,b", "q\"uote",
                                           "two\r\nlines", ""};
  Result<Records> r = ReadAll(CsvRecord(fields) + CsvRecord({"x"}));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (Records{fields, {"x"}}));
}

}  // namespace
}  // namespace meridian::compliance::internal
