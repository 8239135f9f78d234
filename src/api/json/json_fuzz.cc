#include "api/json/json_fuzz.h"

#include <simdjson.h>

#include <string>
#include <string_view>

#include "api/json/canonical.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "api/json/json_writer.h"
#include "core/assert.h"

namespace meridian::json {
namespace {

// Exercises the getters on whatever fields the input happens to have; any
// answer is fine, as long as nothing crashes.
void ReadFields(ObjectReader reader, int depth) {
  static constexpr std::string_view kKeys[] = {"a",  "b",      "c",
                                               "id", "amount", "items"};
  for (std::string_view key : kKeys) {
    (void)reader.Has(key);
    (void)reader.OptionalString(key, 16);
    (void)reader.OptionalInt64(key, -1000, 1000);
    (void)reader.OptionalUint64(key, 0, UINT64_MAX);
    (void)reader.OptionalBool(key);
  }
  (void)ParseOptionalAmountField(reader, "amount");
  (void)ParseOptionalIdField(reader, "id", IdKind::kPayment);
  if (depth < 4) {
    if (auto object = reader.OptionalObject("a"); object.ok() && *object) {
      ReadFields(**object, depth + 1);
    }
    if (auto array = reader.OptionalArray("items", 8); array.ok() && *array) {
      for (size_t i = 0; i < (*array)->size(); ++i) {
        (void)(*array)->String(i, 8);
        (void)(*array)->Int64(i, 0, 10);
        if (auto item = (*array)->Object(i); item.ok()) {
          ReadFields(*item, depth + 1);
        }
      }
    }
  }
  Status finish = reader.Finish();
  if (!finish.ok()) {
    MERIDIAN_CHECK(finish.code() == ErrorCode::kUNKNOWN_PARAMETER);
  }
}

void CheckWriterRoundTrip(std::string_view bytes) {
  if (bytes == "k") return;  // the two keys below would collide
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key(bytes).String(bytes).Key("k").String(bytes).EndObject();
  MERIDIAN_CHECK(w.done());
  Result<std::string> canonical = CanonicalJson(out);
  MERIDIAN_CHECK(canonical.ok())
      << canonical.error().ToString() << " for " << out;
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) return;
  Result<JsonBody> body = JsonBody::Parse(out);
  MERIDIAN_CHECK(body.ok()) << body.error().ToString();
  ObjectReader r = body->root();
  Result<std::string_view> back = r.String("k", kMaxBodyBytes, 0);
  MERIDIAN_CHECK(back.ok() && *back == bytes);
  Result<std::string_view> by_key = r.String(bytes, kMaxBodyBytes, 0);
  MERIDIAN_CHECK(by_key.ok() && *by_key == bytes);
  MERIDIAN_CHECK(r.Finish().ok());
}

}  // namespace

void FuzzJsonOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  Result<std::string> canonical = CanonicalJson(input);
  if (canonical.ok()) {
    Result<std::string> again = CanonicalJson(*canonical);
    MERIDIAN_CHECK(again.ok()) << again.error().ToString();
    MERIDIAN_CHECK(*again == *canonical) << *canonical << " vs " << *again;
  }

  const bool is_object =
      canonical.ok() && !canonical->empty() && (*canonical)[0] == '{';
  {
    Result<JsonBody> body = JsonBody::Parse(input);
    MERIDIAN_CHECK(body.ok() == is_object)
        << (body.ok() ? "reader accepted what canonical refused"
                      : body.error().ToString());
    if (body.ok()) ReadFields(body->root(), 0);
  }
  if (is_object) {
    Result<JsonBody> body = JsonBody::Parse(*canonical);
    MERIDIAN_CHECK(body.ok()) << body.error().ToString();
  }

  // Writer checks on a bounded prefix: the escaping is per byte.
  CheckWriterRoundTrip(input.substr(0, 4096));
}

}  // namespace meridian::json

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::json::FuzzJsonOnce(data, size);
  return 0;
}
#endif
