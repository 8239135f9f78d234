#include "api/json/canonical.h"

#include <simdjson.h>

#include <algorithm>
#include <vector>

#include "api/json/json_reader.h"
#include "api/json/json_writer.h"

namespace meridian::json {
namespace {

namespace ondemand = simdjson::ondemand;

struct CanonicalParsers {
  // simdjson's DOM parser checks the whole document (syntax, numbers,
  // UTF-8) up front; the On Demand parser then gives us each number's
  // literal text, which the DOM does not keep.
  simdjson::dom::parser validator{kMaxBodyBytes};
  ondemand::parser walker{kMaxBodyBytes};
  std::string padded;  // the input plus SIMDJSON_PADDING, reused
};

CanonicalParsers& ThisThreadParsers() {
  thread_local CanonicalParsers parsers;
  return parsers;
}

Error InvalidJson(std::string message) {
  return MakeError(ErrorCode::kINVALID_JSON, "", std::move(message));
}

Error FromSimdjson(simdjson::error_code error) {
  return InvalidJson("the body is not valid JSON (" +
                     std::string(simdjson::error_message(error)) + ")");
}

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// `token` is a number simdjson's DOM parser accepted, possibly followed by
// whitespace (On Demand's raw tokens run up to the next token).
void AppendNumber(std::string* out, std::string_view token) {
  while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (c == 'E') c = 'e';
    if (c == '+') continue;  // only ever right after the exponent marker
    out->push_back(c);
  }
}

struct Member {
  std::string_view key;  // unescaped, in the parser's string buffer
  size_t begin;          // of the value's canonical text in `values`
  size_t end;
};

Status AppendValue(ondemand::value value, size_t depth, std::string* out);

Status AppendObject(ondemand::object object, size_t depth, std::string* out) {
  // Values are canonicalised into one buffer in document order, then copied
  // out in key order.
  std::string values;
  std::vector<Member> members;
  for (auto field_result : object) {
    ondemand::field field;
    if (auto error = std::move(field_result).get(field)) {
      return FromSimdjson(error);
    }
    if (members.size() == kMaxObjectFields) {
      return InvalidJson("an object may have at most " +
                         std::to_string(kMaxObjectFields) + " fields");
    }
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return FromSimdjson(error);
    const size_t begin = values.size();
    MERIDIAN_RETURN_IF_ERROR(AppendValue(field.value(), depth + 1, &values));
    members.push_back(Member{key, begin, values.size()});
  }
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.key < b.key; });
  auto same_key = [](const Member& a, const Member& b) {
    return a.key == b.key;
  };
  if (std::adjacent_find(members.begin(), members.end(), same_key) !=
      members.end()) {
    return InvalidJson(
        "a field appears more than once in one object; send each field once");
  }
  out->push_back('{');
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out->push_back(',');
    JsonWriter::AppendQuoted(out, members[i].key);
    out->push_back(':');
    out->append(values, members[i].begin, members[i].end - members[i].begin);
  }
  out->push_back('}');
  return Status::Ok();
}

Status AppendArray(ondemand::array array, size_t depth, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (auto item : array) {
    ondemand::value value;
    if (auto error = std::move(item).get(value)) return FromSimdjson(error);
    if (!first) out->push_back(',');
    first = false;
    MERIDIAN_RETURN_IF_ERROR(AppendValue(value, depth + 1, out));
  }
  out->push_back(']');
  return Status::Ok();
}

Status AppendScalar(ondemand::value& value, ondemand::json_type type,
                    std::string* out) {
  switch (type) {
    case ondemand::json_type::number: {
      AppendNumber(out, value.raw_json_token());
      return Status::Ok();
    }
    case ondemand::json_type::string: {
      std::string_view s;
      if (auto error = value.get_string().get(s)) return FromSimdjson(error);
      JsonWriter::AppendQuoted(out, s);
      return Status::Ok();
    }
    case ondemand::json_type::boolean: {
      bool b = false;
      if (auto error = value.get_bool().get(b)) return FromSimdjson(error);
      out->append(b ? "true" : "false");
      return Status::Ok();
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      if (auto error = value.is_null().get(is_null)) {
        return FromSimdjson(error);
      }
      if (!is_null) return FromSimdjson(simdjson::INCORRECT_TYPE);
      out->append("null");
      return Status::Ok();
    }
    default:
      return FromSimdjson(simdjson::INCORRECT_TYPE);
  }
}

Status AppendValue(ondemand::value value, size_t depth, std::string* out) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return FromSimdjson(error);
  if (type != ondemand::json_type::object &&
      type != ondemand::json_type::array) {
    return AppendScalar(value, type, out);
  }
  if (depth > kMaxDepth) {
    return InvalidJson("objects and arrays are nested more than " +
                       std::to_string(kMaxDepth) + " levels deep");
  }
  if (type == ondemand::json_type::array) {
    ondemand::array array;
    if (auto error = value.get_array().get(array)) return FromSimdjson(error);
    return AppendArray(array, depth, out);
  }
  ondemand::object object;
  if (auto error = value.get_object().get(object)) return FromSimdjson(error);
  return AppendObject(object, depth, out);
}

}  // namespace

Result<std::string> CanonicalJson(std::string_view raw) {
  if (raw.size() > kMaxBodyBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "",
                     "the body is " + std::to_string(raw.size()) +
                         " bytes; the limit is " +
                         std::to_string(kMaxBodyBytes));
  }
  CanonicalParsers& parsers = ThisThreadParsers();
  parsers.padded.assign(raw);
  parsers.padded.resize(raw.size() + simdjson::SIMDJSON_PADDING);

  simdjson::dom::element root;
  simdjson::error_code error =
      parsers.validator.parse(parsers.padded.data(), raw.size(), false)
          .get(root);
  if (error == simdjson::EMPTY) return InvalidJson("the body is empty");
  if (error) return FromSimdjson(error);

  std::string out;
  out.reserve(raw.size());
  // A document that is a single scalar is the scalar's text between
  // whitespace, so the DOM has all we need. (On Demand also mishandles some
  // scalar documents followed by whitespace in this simdjson version.)
  switch (root.type()) {
    case simdjson::dom::element_type::OBJECT:
    case simdjson::dom::element_type::ARRAY:
      break;
    case simdjson::dom::element_type::STRING:
      JsonWriter::AppendQuoted(&out, root.get_string().value_unsafe());
      return out;
    case simdjson::dom::element_type::BOOL:
      out += root.get_bool().value_unsafe() ? "true" : "false";
      return out;
    case simdjson::dom::element_type::NULL_VALUE:
      out += "null";
      return out;
    default: {  // a number
      std::string_view token = raw;
      while (!token.empty() && IsJsonSpace(token.front())) {
        token.remove_prefix(1);
      }
      AppendNumber(&out, token);
      return out;
    }
  }

  ondemand::document doc;
  error = parsers.walker
              .iterate(parsers.padded.data(), raw.size(), parsers.padded.size())
              .get(doc);
  if (error) return FromSimdjson(error);
  ondemand::value value;
  if (auto e = doc.get_value().get(value)) return FromSimdjson(e);
  MERIDIAN_RETURN_IF_ERROR(AppendValue(value, 1, &out));
  return out;
}

}  // namespace meridian::json
