// The one CSV tokenizer every CSV sanctions list goes through (RFC 4180):
// fields separated by commas, records by CRLF or LF; a field in double
// quotes may hold commas, line breaks and doubled quotes ("" for ").
//
//   CsvReader reader(text);
//   std::vector<std::string> fields;
//   while (true) {
//     MERIDIAN_ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
//     if (!more) break;
//     ... reader.record_line() is the line the record starts on ...
//   }
//
// Strict where leniency would hide a damaged file, since a list is used
// whole or not at all: a quote that is never closed, text after a closing
// quote, a quote inside an unquoted field, a carriage return not followed
// by a line feed, and a last record without its line break (the mark of a
// file cut short) are errors. Errors are INVALID_PARAMETER with a message
// "line N: ..." naming the line the faulty field starts on; callers put
// the file's name in front.
//
// Tolerated: a UTF-8 byte-order mark at the start, a DOS end-of-file byte
// (0x1A) at the very end (OFAC's files carry one), and empty lines between
// records (skipped: no list has a one-column record).
//
// The reader checks structure only; CheckText (text.h) checks the bytes.
#ifndef MERIDIAN_COMPLIANCE_INTERNAL_CSV_H_
#define MERIDIAN_COMPLIANCE_INTERNAL_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace meridian::compliance::internal {

struct CsvLimits {
  size_t max_records = 2'000'000;
  size_t max_fields = 256;             // per record
  size_t max_field_bytes = 64 * 1024;  // after unquoting
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text, CsvLimits limits = {});

  // Reads the next record into `fields` (replacing what was there): true,
  // or false at the end of the text, or an Error (and then every later
  // call returns false).
  Result<bool> Next(std::vector<std::string>* fields);

  // The 1-based line the last record read starts on.
  size_t record_line() const { return record_line_; }
  // Records read so far.
  size_t records() const { return records_; }

 private:
  Error Fail(size_t line, std::string message);

  std::string_view text_;
  CsvLimits limits_;
  size_t pos_ = 0;
  size_t line_ = 1;  // the line `pos_` is on
  size_t record_line_ = 0;
  size_t records_ = 0;
  bool failed_ = false;
};

// Writes one record the way CsvReader reads it back: every field quoted,
// CRLF at the end. For tests and the fuzz round trip.
std::string CsvRecord(const std::vector<std::string>& fields);

}  // namespace meridian::compliance::internal

#endif  // MERIDIAN_COMPLIANCE_INTERNAL_CSV_H_
