#include "network/qr/fuzz/qr_fuzz.h"

#include <string>
#include <string_view>

#include "core/assert.h"
#include "network/qr/emvco.h"

namespace meridian::network::qr {

void FuzzQrOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<Payload> payload = Decode(input);
  if (!payload.ok()) {
    const Error& e = payload.error();
    MERIDIAN_CHECK(e.code == ErrorCode::kQR_MALFORMED ||
                   e.code == ErrorCode::kQR_CRC_MISMATCH ||
                   e.code == ErrorCode::kQR_FIELD_MISSING ||
                   e.code == ErrorCode::kQR_FIELD_INVALID ||
                   e.code == ErrorCode::kQR_CURRENCY_UNKNOWN)
        << e.ToString();
    MERIDIAN_CHECK(e.param == kCodeValueParam && !e.message.empty())
        << e.ToString();
    return;
  }
  const Payload& p = *payload;
  MERIDIAN_CHECK(!p.objects.empty() && p.objects.back().id == "63");
  MERIDIAN_CHECK(!p.merchant_accounts.empty());
  MERIDIAN_CHECK(p.country != 0);
  MERIDIAN_CHECK(!p.amount.has_value() ||
                 (p.amount->currency() == p.currency &&
                  !p.amount->is_negative() && !p.amount->is_zero()));
  // Encode writes the objects back as they were read.
  const std::string again = Encode(p);
  std::string expected(input);
  for (size_t i = expected.size() - 4; i < expected.size(); ++i) {
    if (expected[i] >= 'a' && expected[i] <= 'f') expected[i] -= 'a' - 'A';
  }
  MERIDIAN_CHECK(again == expected) << input << " -> " << again;
  Result<Payload> back = Decode(again);
  MERIDIAN_CHECK(back.ok()) << back.error().ToString() << " " << again;
  MERIDIAN_CHECK(*back == p) << again;
  MERIDIAN_CHECK(HubReference(*back) == HubReference(p));
  MERIDIAN_CHECK(NationalKey(*back) == NationalKey(p));
}

}  // namespace meridian::network::qr

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::network::qr::FuzzQrOnce(data, size);
  return 0;
}
#endif
