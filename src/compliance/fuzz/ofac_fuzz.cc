#include <string_view>

#include "compliance/fuzz/lists_fuzz.h"

namespace meridian::compliance {

void FuzzOfacOnce(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view files[4];
  for (int i = 0; i < 4; ++i) {
    const size_t cut = i == 3 ? std::string_view::npos : input.find('\f');
    files[i] = input.substr(0, cut);
    input = cut == std::string_view::npos ? std::string_view()
                                          : input.substr(cut + 1);
  }
  CheckParsed(ParseOfacSdn(files[0], files[1], files[2], files[3]), "OFAC-SDN");
  // The consolidated list takes the same layout under other file names.
  CheckParsed(ParseOfacConsolidated(files[0], files[1], files[2], files[3]),
              "OFAC-CONS");
}

}  // namespace meridian::compliance

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::compliance::FuzzOfacOnce(data, size);
  return 0;
}
#endif
