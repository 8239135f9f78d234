// CanonicalJson: one fixed text for every JSON document, used to decide
// whether a retried request carries "the same body" (spec/api.md,
// Idempotency: byte-equal after canonical JSON).
//
//   MERIDIAN_ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(raw_body));
//   if (canonical != stored.canonical_body) return RepeatInconsistent();
//
// The canonical form:
// - no insignificant whitespace;
// - object members sorted by their unescaped keys, compared as UTF-8 bytes
//   (memcmp order, which is also code point order);
// - strings (keys too) decoded, then escaped the one way JsonWriter does:
//   \" and \\, \u00xx for bytes below 0x20, everything else as UTF-8, so
//   "\u0041", "A" and "\/" vs "/" come out the same;
// - numbers keep their literal text, except that an exponent is written with
//   a lower-case 'e' and without '+' ("1E+5" becomes "1e5"). Nothing else is
//   rewritten: "1.0", "1" and "1e0" stay three different bodies, because the
//   request readers treat them differently (an integer field refuses 1.0),
//   and two bodies that canonicalise equal must mean the same request;
// - true, false and null as they are; array order as it is.
// So two bodies that differ only in whitespace, key order or string escaping
// canonicalise equal, and any difference in a value keeps them apart.
//
// Contract: `raw` is any JSON value (RFC 8259) of at most kMaxBodyBytes,
// nested at most kMaxDepth deep, with at most kMaxObjectFields fields in an
// object and no key twice in one object (after unescaping). simdjson also
// refuses integers beyond 64 bits and numbers beyond the double range.
// Anything else is INVALID_JSON (BODY_TOO_LARGE for size). The result is valid
// JSON and a fixed point: CanonicalJson(CanonicalJson(x)) == CanonicalJson(x).
//
// Uses its own thread-local simdjson parsers, so it can be called while a
// JsonBody of the same thread is being read.
#ifndef MERIDIAN_API_JSON_CANONICAL_H_
#define MERIDIAN_API_JSON_CANONICAL_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::json {

Result<std::string> CanonicalJson(std::string_view raw);

}  // namespace meridian::json

#endif  // MERIDIAN_API_JSON_CANONICAL_H_
