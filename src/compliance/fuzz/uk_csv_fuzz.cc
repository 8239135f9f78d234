#include <string_view>

#include "compliance/fuzz/lists_fuzz.h"

namespace meridian::compliance {

void FuzzUkCsvOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckParsed(ParseUkCsv(input), "UK");
}

}  // namespace meridian::compliance

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::compliance::FuzzUkCsvOnce(data, size);
  return 0;
}
#endif
