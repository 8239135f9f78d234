#include "api/json/json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "core/assert.h"

namespace meridian::json {
namespace internal {

struct FieldRecord {
  std::string_view key;  // in the parser's string buffer
  simdjson::dom::element value;
  bool read = false;
};

struct ObjectRecord {
  std::string path;
  uint32_t first_field = 0;  // index into BodyState::fields
  uint32_t field_count = 0;
};

struct ArrayRecord {
  std::string path;
};

struct ThreadParser;

struct BodyState {
  // The document lives in owner->parser and is replaced by its next parse.
  const ThreadParser* owner = nullptr;
  uint64_t generation = 0;
  std::vector<FieldRecord> fields;
  // objects[0] is the root; the rest in the order the handler opened them.
  std::vector<ObjectRecord> objects;
  std::vector<ArrayRecord> arrays;
  std::vector<simdjson::dom::element> items;
};

struct ThreadParser {
  simdjson::dom::parser parser{kMaxBodyBytes};
  uint64_t generation = 0;
  // Reused by the duplicate-key check so parsing does not allocate per
  // object.
  std::vector<std::string_view> keys;
};

}  // namespace internal

namespace {

using internal::BodyState;
using internal::FieldRecord;
using internal::ObjectRecord;
using internal::ThreadParser;
using simdjson::dom::element;
using simdjson::dom::element_type;

ThreadParser& ThisThreadParser() {
  thread_local ThreadParser parser;
  return parser;
}

void CheckUsable(const BodyState* state) {
  const ThreadParser& parser = ThisThreadParser();
  MERIDIAN_CHECK(state != nullptr) << "reader of a moved-from JsonBody";
  MERIDIAN_CHECK(state->owner == &parser)
      << "a JsonBody read on another thread than the one that parsed it";
  MERIDIAN_CHECK(state->generation == parser.generation)
      << "a JsonBody read after this thread parsed another body";
}

std::string JoinPath(std::string_view base, std::string_view key) {
  std::string path;
  path.reserve(base.size() + 1 + key.size());
  path.append(base);
  if (!base.empty()) path.push_back('.');
  path.append(key);
  return path;
}

std::string IndexPath(std::string_view base, size_t i) {
  std::string path(base);
  path.push_back('[');
  path.append(std::to_string(i));
  path.push_back(']');
  return path;
}

// The element's object or array, whose type the caller has checked.
simdjson::dom::object ObjectOf(element e) {
  simdjson::dom::object object;
  simdjson::error_code error = e.get_object().get(object);
  MERIDIAN_CHECK(error == simdjson::SUCCESS);
  return object;
}

simdjson::dom::array ArrayOf(element e) {
  simdjson::dom::array array;
  simdjson::error_code error = e.get_array().get(array);
  MERIDIAN_CHECK(error == simdjson::SUCCESS);
  return array;
}

// A place in the document during the parse-time walk, as a chain on the
// stack, rendered into a param only when there is an error.
struct WalkPlace {
  const WalkPlace* parent = nullptr;
  std::string_view key;  // a field of an object...
  size_t index = 0;      // ...or, when key is empty and is_item, an item
  bool is_item = false;

  std::string Render() const {
    if (parent == nullptr) return "";
    std::string base = parent->Render();
    return is_item ? IndexPath(base, index) : JoinPath(base, key);
  }
};

Error InvalidJson(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_JSON, std::move(param),
                   std::move(message));
}

// Checks what simdjson does not: depth, object sizes and duplicate keys.
Status Walk(element e, const WalkPlace& place, size_t depth,
            std::vector<std::string_view>* keys) {
  const element_type type = e.type();
  if (type != element_type::OBJECT && type != element_type::ARRAY) {
    return Status::Ok();
  }
  if (depth > kMaxDepth) {
    return InvalidJson(place.Render(),
                       "objects and arrays are nested more than " +
                           std::to_string(kMaxDepth) +
                           " levels deep here; flatten the request");
  }
  if (type == element_type::ARRAY) {
    size_t i = 0;
    for (element item : ArrayOf(e)) {
      WalkPlace child{&place, {}, i++, true};
      MERIDIAN_RETURN_IF_ERROR(Walk(item, child, depth + 1, keys));
    }
    return Status::Ok();
  }

  simdjson::dom::object object = ObjectOf(e);
  keys->clear();
  for (simdjson::dom::key_value_pair field : object) {
    if (keys->size() == kMaxObjectFields) {
      return InvalidJson(place.Render(), "an object may have at most " +
                                             std::to_string(kMaxObjectFields) +
                                             " fields");
    }
    keys->push_back(field.key);
  }
  std::sort(keys->begin(), keys->end());
  auto duplicate = std::adjacent_find(keys->begin(), keys->end());
  if (duplicate != keys->end()) {
    WalkPlace field{&place, *duplicate, 0, false};
    return InvalidJson(field.Render(),
                       "this field appears more than once in its object; send "
                       "each field once");
  }
  for (simdjson::dom::key_value_pair field : object) {
    WalkPlace child{&place, field.key, 0, false};
    MERIDIAN_RETURN_IF_ERROR(Walk(field.value, child, depth + 1, keys));
  }
  return Status::Ok();
}

uint32_t OpenObject(BodyState* state, simdjson::dom::object object,
                    std::string path) {
  ObjectRecord record;
  record.path = std::move(path);
  record.first_field = static_cast<uint32_t>(state->fields.size());
  for (simdjson::dom::key_value_pair field : object) {
    state->fields.push_back(FieldRecord{field.key, field.value, false});
  }
  record.field_count =
      static_cast<uint32_t>(state->fields.size()) - record.first_field;
  state->objects.push_back(std::move(record));
  return static_cast<uint32_t>(state->objects.size() - 1);
}

// "a string", for "must be a number, not a string".
std::string_view TypeName(element e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

Error WrongType(std::string path, std::string_view want, element got) {
  return MakeError(
      ErrorCode::kINVALID_PARAMETER, std::move(path),
      "must be " + std::string(want) + ", not " + std::string(TypeName(got)));
}

Error Missing(std::string path, std::string_view want) {
  return MakeError(ErrorCode::kMISSING_PARAMETER, std::move(path),
                   "this field is required: send " + std::string(want));
}

Result<std::string_view> AsString(element e, std::string path, size_t max_bytes,
                                  size_t min_bytes) {
  if (!e.is_string()) return WrongType(std::move(path), "a string", e);
  std::string_view s = e.get_string().value_unsafe();
  if (s.size() < min_bytes) {
    std::string message =
        min_bytes == 1
            ? "must not be empty"
            : "must be at least " + std::to_string(min_bytes) + " bytes long";
    return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(path),
                     std::move(message));
  }
  if (s.size() > max_bytes) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(path),
                     "must be at most " + std::to_string(max_bytes) +
                         " bytes long; this one is " +
                         std::to_string(s.size()));
  }
  return s;
}

template <typename Int>
Error OutOfRange(std::string path, Int min, Int max) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(path),
                   "must be a whole number from " + std::to_string(min) +
                       " to " + std::to_string(max));
}

Result<int64_t> AsInt64(element e, std::string path, int64_t min, int64_t max) {
  MERIDIAN_CHECK(min <= max);
  switch (e.type()) {
    case element_type::INT64: {
      int64_t v = e.get_int64().value_unsafe();
      if (v < min || v > max) return OutOfRange(std::move(path), min, max);
      return v;
    }
    case element_type::UINT64:  // above INT64_MAX
    case element_type::DOUBLE:  // a fraction, an exponent or a huge value
      return OutOfRange(std::move(path), min, max);
    default:
      return WrongType(std::move(path), "a whole number", e);
  }
}

Result<uint64_t> AsUint64(element e, std::string path, uint64_t min,
                          uint64_t max) {
  MERIDIAN_CHECK(min <= max);
  uint64_t v = 0;
  switch (e.type()) {
    case element_type::INT64: {
      int64_t s = e.get_int64().value_unsafe();
      if (s < 0) return OutOfRange(std::move(path), min, max);
      v = static_cast<uint64_t>(s);
      break;
    }
    case element_type::UINT64:
      v = e.get_uint64().value_unsafe();
      break;
    case element_type::DOUBLE:
      return OutOfRange(std::move(path), min, max);
    default:
      return WrongType(std::move(path), "a whole number", e);
  }
  if (v < min || v > max) return OutOfRange(std::move(path), min, max);
  return v;
}

Result<bool> AsBool(element e, std::string path) {
  if (!e.is_bool()) return WrongType(std::move(path), "true or false", e);
  return e.get_bool().value_unsafe();
}

}  // namespace

// ---- ObjectReader ----------------------------------------------------------

namespace {

// The field, marked read; nullopt when absent.
std::optional<element> TakeField(BodyState* state, uint32_t object,
                                 std::string_view key) {
  CheckUsable(state);
  const ObjectRecord& record = state->objects[object];
  for (uint32_t i = 0; i < record.field_count; ++i) {
    FieldRecord& field = state->fields[record.first_field + i];
    if (field.key == key) {
      field.read = true;
      return field.value;
    }
  }
  return std::nullopt;
}

}  // namespace

const std::string& ObjectReader::path() const {
  return state_->objects[object_].path;
}

std::string ObjectReader::FieldPath(std::string_view key) const {
  return JoinPath(path(), key);
}

bool ObjectReader::Has(std::string_view key) const {
  CheckUsable(state_);
  const ObjectRecord& record = state_->objects[object_];
  for (uint32_t i = 0; i < record.field_count; ++i) {
    if (state_->fields[record.first_field + i].key == key) return true;
  }
  return false;
}

Result<std::string_view> ObjectReader::String(std::string_view key,
                                              size_t max_bytes,
                                              size_t min_bytes) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e) return Missing(FieldPath(key), "a string");
  return AsString(*e, FieldPath(key), max_bytes, min_bytes);
}

Result<std::optional<std::string_view>> ObjectReader::OptionalString(
    std::string_view key, size_t max_bytes, size_t min_bytes) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e || e->is_null()) return std::optional<std::string_view>();
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view s,
                            AsString(*e, FieldPath(key), max_bytes, min_bytes));
  return std::optional<std::string_view>(s);
}

Result<int64_t> ObjectReader::Int64(std::string_view key, int64_t min,
                                    int64_t max) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e) return Missing(FieldPath(key), "a whole number");
  return AsInt64(*e, FieldPath(key), min, max);
}

Result<std::optional<int64_t>> ObjectReader::OptionalInt64(std::string_view key,
                                                           int64_t min,
                                                           int64_t max) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e || e->is_null()) return std::optional<int64_t>();
  MERIDIAN_ASSIGN_OR_RETURN(int64_t v, AsInt64(*e, FieldPath(key), min, max));
  return std::optional<int64_t>(v);
}

Result<uint64_t> ObjectReader::Uint64(std::string_view key, uint64_t min,
                                      uint64_t max) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e) return Missing(FieldPath(key), "a whole number");
  return AsUint64(*e, FieldPath(key), min, max);
}

Result<std::optional<uint64_t>> ObjectReader::OptionalUint64(
    std::string_view key, uint64_t min, uint64_t max) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e || e->is_null()) return std::optional<uint64_t>();
  MERIDIAN_ASSIGN_OR_RETURN(uint64_t v, AsUint64(*e, FieldPath(key), min, max));
  return std::optional<uint64_t>(v);
}

Result<bool> ObjectReader::Bool(std::string_view key) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e) return Missing(FieldPath(key), "true or false");
  return AsBool(*e, FieldPath(key));
}

Result<std::optional<bool>> ObjectReader::OptionalBool(std::string_view key) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e || e->is_null()) return std::optional<bool>();
  MERIDIAN_ASSIGN_OR_RETURN(bool v, AsBool(*e, FieldPath(key)));
  return std::optional<bool>(v);
}

Result<ObjectReader> ObjectReader::Object(std::string_view key) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e) return Missing(FieldPath(key), "an object");
  if (!e->is_object()) return WrongType(FieldPath(key), "an object", *e);
  uint32_t index = OpenObject(state_, ObjectOf(*e), FieldPath(key));
  return ObjectReader(state_, index);
}

Result<std::optional<ObjectReader>> ObjectReader::OptionalObject(
    std::string_view key) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e || e->is_null()) return std::optional<ObjectReader>();
  if (!e->is_object()) return WrongType(FieldPath(key), "an object", *e);
  uint32_t index = OpenObject(state_, ObjectOf(*e), FieldPath(key));
  return std::optional<ObjectReader>(ObjectReader(state_, index));
}

namespace {

struct OpenedArray {
  uint32_t array;
  uint32_t first;
  uint32_t size;
};

Result<OpenedArray> OpenArray(BodyState* state, element e, std::string path,
                              size_t max_items) {
  if (!e.is_array()) return WrongType(std::move(path), "an array", e);
  simdjson::dom::array array = ArrayOf(e);
  // size() saturates at 0xFFFFFF, far above any max_items we use.
  const size_t size = array.size();
  if (size > max_items) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(path),
                     "may have at most " + std::to_string(max_items) +
                         " items; this one has " + std::to_string(size) +
                         ". Split the request");
  }
  const auto first = static_cast<uint32_t>(state->items.size());
  for (element item : array) state->items.push_back(item);
  state->arrays.push_back(internal::ArrayRecord{std::move(path)});
  return OpenedArray{static_cast<uint32_t>(state->arrays.size() - 1), first,
                     static_cast<uint32_t>(size)};
}

}  // namespace

Result<ArrayReader> ObjectReader::Array(std::string_view key,
                                        size_t max_items) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e) return Missing(FieldPath(key), "an array");
  MERIDIAN_ASSIGN_OR_RETURN(OpenedArray a,
                            OpenArray(state_, *e, FieldPath(key), max_items));
  return ArrayReader(state_, a.array, a.first, a.size);
}

Result<std::optional<ArrayReader>> ObjectReader::OptionalArray(
    std::string_view key, size_t max_items) {
  std::optional<element> e = TakeField(state_, object_, key);
  if (!e || e->is_null()) return std::optional<ArrayReader>();
  MERIDIAN_ASSIGN_OR_RETURN(OpenedArray a,
                            OpenArray(state_, *e, FieldPath(key), max_items));
  return std::optional<ArrayReader>(
      ArrayReader(state_, a.array, a.first, a.size));
}

Status ObjectReader::Finish() const {
  CheckUsable(state_);
  // The root answers for every object the handler opened; a nested reader
  // for itself only.
  const size_t begin = object_;
  const size_t end = object_ == 0 ? state_->objects.size() : object_ + 1;
  for (size_t o = begin; o < end; ++o) {
    const ObjectRecord& record = state_->objects[o];
    for (uint32_t i = 0; i < record.field_count; ++i) {
      const FieldRecord& field = state_->fields[record.first_field + i];
      if (field.read) continue;
      return MakeError(ErrorCode::kUNKNOWN_PARAMETER,
                       JoinPath(record.path, field.key),
                       "this request has no such field; remove it, or check "
                       "its spelling (field names are camelCase and "
                       "case-sensitive)");
    }
  }
  return Status::Ok();
}

// ---- ArrayReader -----------------------------------------------------------

namespace {

element Item(BodyState* state, uint32_t first, uint32_t size, size_t i) {
  CheckUsable(state);
  MERIDIAN_CHECK(i < size) << "ArrayReader item " << i << " of " << size;
  return state->items[first + i];
}

}  // namespace

const std::string& ArrayReader::path() const {
  return state_->arrays[array_].path;
}

std::string ArrayReader::ItemPath(size_t i) const {
  return IndexPath(path(), i);
}

Result<ObjectReader> ArrayReader::Object(size_t i) {
  element e = Item(state_, first_, size_, i);
  if (!e.is_object()) return WrongType(ItemPath(i), "an object", e);
  uint32_t index = OpenObject(state_, ObjectOf(e), ItemPath(i));
  return ObjectReader(state_, index);
}

Result<std::string_view> ArrayReader::String(size_t i, size_t max_bytes,
                                             size_t min_bytes) {
  return AsString(Item(state_, first_, size_, i), ItemPath(i), max_bytes,
                  min_bytes);
}

Result<int64_t> ArrayReader::Int64(size_t i, int64_t min, int64_t max) {
  return AsInt64(Item(state_, first_, size_, i), ItemPath(i), min, max);
}

Result<uint64_t> ArrayReader::Uint64(size_t i, uint64_t min, uint64_t max) {
  return AsUint64(Item(state_, first_, size_, i), ItemPath(i), min, max);
}

Result<bool> ArrayReader::Bool(size_t i) {
  return AsBool(Item(state_, first_, size_, i), ItemPath(i));
}

// ---- JsonBody --------------------------------------------------------------

JsonBody::JsonBody(std::unique_ptr<internal::BodyState> state)
    : state_(std::move(state)) {}
JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;
JsonBody::~JsonBody() = default;

Result<JsonBody> JsonBody::Parse(std::string_view body) {
  if (body.size() > kMaxBodyBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "",
                     "the body is " + std::to_string(body.size()) +
                         " bytes; the limit is " +
                         std::to_string(kMaxBodyBytes));
  }
  ThreadParser& thread = ThisThreadParser();
  // Any body parsed before on this thread is gone from here on: its readers
  // will fail CheckUsable.
  ++thread.generation;
  simdjson::dom::element root;
  simdjson::error_code error =
      thread.parser.parse(body.data(), body.size()).get(root);
  if (error == simdjson::EMPTY) {
    return InvalidJson("", "the body is empty; send a JSON object");
  }
  if (error != simdjson::SUCCESS) {
    return InvalidJson("", "the body is not valid JSON (" +
                               std::string(simdjson::error_message(error)) +
                               "); send one JSON object, encoded in UTF-8");
  }
  if (!root.is_object()) {
    return InvalidJson("", "the body must be a JSON object ({...}), not " +
                               std::string(TypeName(root)));
  }
  MERIDIAN_RETURN_IF_ERROR(Walk(root, WalkPlace{}, 1, &thread.keys));

  auto state = std::make_unique<BodyState>();
  state->owner = &thread;
  state->generation = thread.generation;
  OpenObject(state.get(), ObjectOf(root), "");
  return JsonBody(std::move(state));
}

}  // namespace meridian::json
