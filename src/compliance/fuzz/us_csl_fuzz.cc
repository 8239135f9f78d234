#include <string_view>

#include "compliance/fuzz/lists_fuzz.h"

namespace meridian::compliance {

void FuzzUsCslOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckParsed(ParseUsCsl(input), "US-CSL");
}

}  // namespace meridian::compliance

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::compliance::FuzzUsCslOnce(data, size);
  return 0;
}
#endif
