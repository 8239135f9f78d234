// JsonBody and ObjectReader: how request handlers read a JSON body.
//
// The body is parsed once with simdjson (this thread's parser), then read
// field by field through typed getters that name the field at fault in every
// error ("transfers[3].amount.value"). Finish() refuses any field the
// handler never read, as Stripe does, so a misspelt optional field is an
// error instead of being silently ignored.
//
//   MERIDIAN_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(raw));
//   ObjectReader r = body.root();
//   MERIDIAN_ASSIGN_OR_RETURN(std::string_view request_id,
//                             r.String("paymentRequestId", 64));
//   MERIDIAN_ASSIGN_OR_RETURN(Amount amount, ParseAmountField(r, "amount"));
//   MERIDIAN_ASSIGN_OR_RETURN(std::optional<bool> capture,
//                             r.OptionalBool("autoCapture"));
//   MERIDIAN_ASSIGN_OR_RETURN(ArrayReader items, r.Array("transfers", 100));
//   for (size_t i = 0; i < items.size(); ++i) {
//     MERIDIAN_ASSIGN_OR_RETURN(ObjectReader t, items.Object(i));
//     ...
//   }
//   MERIDIAN_RETURN_IF_ERROR(r.Finish());  // UNKNOWN_PARAMETER if any left
//
// Contract:
// - Parse accepts one JSON object of at most kMaxBodyBytes, nested at most
//   kMaxDepth deep, with at most kMaxObjectFields fields in any object and
//   no key twice in one object (anywhere in the document). Anything else is
//   INVALID_JSON (BODY_TOO_LARGE for size), with param naming the place
//   where there is one. simdjson checks the syntax and the UTF-8, and
//   refuses integers beyond 64 bits and numbers beyond the double range.
// - Getters: a required field that is absent is MISSING_PARAMETER; a field of
//   the wrong JSON type or outside its limits is INVALID_PARAMETER. For
//   Optional* getters an absent field and an explicit null both give
//   nullopt; for the required ones null is INVALID_PARAMETER (the field was
//   sent, with no value).
// - Strings are UTF-8 (simdjson validated them); limits count bytes.
//   Integers must be JSON integers (no fraction, no exponent) within the
//   given range.
// - A getter marks its field read, whether or not it succeeds. Finish() on
//   the root reader fails with UNKNOWN_PARAMETER naming the first unread
//   field of the root and of every object the handler opened (through
//   Object(), OptionalObject() or an ArrayReader); fields inside objects
//   that were never opened are covered by their parent field being unread.
//   Finish() on a nested reader checks that object only.
// - Readers are cheap handles into their JsonBody: they must not outlive it
//   and, because the document lives in this thread's simdjson parser, must
//   be used on the thread that parsed it before it parses another body
//   (both are checked). Use CanonicalJson freely meanwhile: it has its own
//   parser.
#ifndef MERIDIAN_API_JSON_JSON_READER_H_
#define MERIDIAN_API_JSON_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::json {

// Request bodies larger than this are refused before parsing.
inline constexpr size_t kMaxBodyBytes = size_t{1} << 20;
// Objects and arrays nested deeper than this are refused; no request of the
// API needs more than a handful of levels.
inline constexpr size_t kMaxDepth = 32;
// Fields of one object; lookups are linear scans, which this keeps cheap.
inline constexpr size_t kMaxObjectFields = 512;

namespace internal {
struct BodyState;
}  // namespace internal

class ArrayReader;

class ObjectReader {
 public:
  // Required string of min_bytes..max_bytes bytes.
  Result<std::string_view> String(std::string_view key, size_t max_bytes,
                                  size_t min_bytes = 1);
  Result<std::optional<std::string_view>> OptionalString(std::string_view key,
                                                         size_t max_bytes,
                                                         size_t min_bytes = 1);
  // A JSON integer in [min, max].
  Result<int64_t> Int64(std::string_view key, int64_t min, int64_t max);
  Result<std::optional<int64_t>> OptionalInt64(std::string_view key,
                                               int64_t min, int64_t max);
  Result<uint64_t> Uint64(std::string_view key, uint64_t min, uint64_t max);
  Result<std::optional<uint64_t>> OptionalUint64(std::string_view key,
                                                 uint64_t min, uint64_t max);
  Result<bool> Bool(std::string_view key);
  Result<std::optional<bool>> OptionalBool(std::string_view key);
  Result<ObjectReader> Object(std::string_view key);
  Result<std::optional<ObjectReader>> OptionalObject(std::string_view key);
  // An array of at most max_items items (an empty array is allowed).
  Result<ArrayReader> Array(std::string_view key, size_t max_items);
  Result<std::optional<ArrayReader>> OptionalArray(std::string_view key,
                                                   size_t max_items);

  // Whether the field is present (null counts as present). Does not mark it
  // read: use it to choose between alternative fields.
  bool Has(std::string_view key) const;

  // See the file comment.
  Status Finish() const;

  // Where this object is in the body: "" for the root, "amount",
  // "transfers[3]".
  const std::string& path() const;
  // The param for one of this object's fields: "transfers[3].amount".
  std::string FieldPath(std::string_view key) const;

 private:
  friend class JsonBody;
  friend class ArrayReader;
  ObjectReader(internal::BodyState* state, uint32_t object)
      : state_(state), object_(object) {}

  internal::BodyState* state_;
  uint32_t object_;  // index into state_->objects
};

class ArrayReader {
 public:
  size_t size() const { return size_; }

  // Item i must be < size() (checked: that is the caller's loop bound).
  Result<ObjectReader> Object(size_t i);
  Result<std::string_view> String(size_t i, size_t max_bytes,
                                  size_t min_bytes = 1);
  Result<int64_t> Int64(size_t i, int64_t min, int64_t max);
  Result<uint64_t> Uint64(size_t i, uint64_t min, uint64_t max);
  Result<bool> Bool(size_t i);

  const std::string& path() const;
  // "transfers[3]".
  std::string ItemPath(size_t i) const;

 private:
  friend class ObjectReader;
  ArrayReader(internal::BodyState* state, uint32_t array, uint32_t first,
              uint32_t size)
      : state_(state), array_(array), first_(first), size_(size) {}

  internal::BodyState* state_;
  uint32_t array_;  // index into state_->arrays
  uint32_t first_;  // index of item 0 in state_->items
  uint32_t size_;
};

// A parsed request body. Move-only; readers point into it.
class JsonBody {
 public:
  static Result<JsonBody> Parse(std::string_view body);

  JsonBody(JsonBody&&) noexcept;
  JsonBody& operator=(JsonBody&&) noexcept;
  ~JsonBody();

  ObjectReader root() const { return ObjectReader(state_.get(), 0); }

 private:
  explicit JsonBody(std::unique_ptr<internal::BodyState> state);

  std::unique_ptr<internal::BodyState> state_;
};

}  // namespace meridian::json

#endif  // MERIDIAN_API_JSON_JSON_READER_H_
