#include <string>
#include <string_view>
#include <vector>

#include "compliance/fuzz/lists_fuzz.h"
#include "compliance/internal/countries.h"
#include "compliance/internal/csv.h"
#include "compliance/internal/fields.h"
#include "compliance/internal/text.h"
#include "core/assert.h"

namespace meridian::compliance {

void FuzzCsvOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)internal::CheckText(input);
  internal::CsvLimits limits;
  limits.max_field_bytes = 4096;
  internal::CsvReader reader(input, limits);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  size_t last_line = 0;
  while (true) {
    Result<bool> more = reader.Next(&fields);
    if (!more.ok()) {
      MERIDIAN_CHECK(more.error().message.starts_with("line "));
      return;
    }
    if (!*more) break;
    MERIDIAN_CHECK(!fields.empty());
    MERIDIAN_CHECK(reader.record_line() > last_line);
    last_line = reader.record_line();
    records.push_back(fields);
    // The value readers see every field, as the list parsers would.
    for (const std::string& f : fields) {
      std::vector<std::string> dates;
      if (internal::ParseDates(f, &dates)) {
        MERIDIAN_CHECK(!dates.empty());
      }
      for (const std::string& d : dates) MERIDIAN_CHECK(IsNormalisedDate(d));
      if (auto id = internal::ParseIdentifier(f)) {
        MERIDIAN_CHECK(!id->type.empty() && !id->number.empty());
      }
      std::string_view code = internal::CountryCode(f);
      MERIDIAN_CHECK(code.empty() || internal::LooksLikeCountryCode(code));
    }
  }
  // What was read, written out, reads back the same.
  std::string again;
  for (const auto& r : records) again += internal::CsvRecord(r);
  internal::CsvReader back(again, limits);
  for (const auto& r : records) {
    Result<bool> more = back.Next(&fields);
    MERIDIAN_CHECK(more.ok() && *more) << again;
    MERIDIAN_CHECK(fields == r);
  }
  Result<bool> end = back.Next(&fields);
  MERIDIAN_CHECK(end.ok() && !*end);
}

}  // namespace meridian::compliance

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::compliance::FuzzCsvOnce(data, size);
  return 0;
}
#endif
