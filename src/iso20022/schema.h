// XSD validation of ISO 20022 messages with libxml2's xmlSchema, in
// process: the check that a message Meridian writes (or a bank sends) is
// what the official schema says.
//
//   MERIDIAN_RETURN_IF_ERROR(ValidateAgainstSchema(
//       xml, xsd_dir + "/pacs.008.001.08.xsd"));
//
// Contract:
// - `xml` is one document whose root the schema declares (a bare
//   <Document>, not an envelope); at most kMaxValidatedBytes.
// - Ok when it validates. Otherwise INVALID_PARAMETER, param "xml", whose
//   message names the schema file and lists the first kMaxReportedErrors
//   errors with their line numbers ("line 12: Element 'Nm': [facet
//   'maxLength'] ..."), parse errors included.
// - The schema file is read and compiled once per path and kept for the
//   life of the process (at most kMaxCachedSchemas paths; past that a
//   schema is compiled for the one call). A schema that cannot be read is
//   IO_ERROR (param "xsd_path"); one that does not compile is
//   INVALID_PARAMETER (param "xsd_path").
// - Thread-safe: any number of threads may validate at once, against the
//   same schema or different ones. No network access: DTDs are not
//   loaded, entities are not expanded, and nothing is fetched.
// Not for the deterministic engine: this reads files.
#ifndef MERIDIAN_ISO20022_SCHEMA_H_
#define MERIDIAN_ISO20022_SCHEMA_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::iso20022 {

inline constexpr size_t kMaxValidatedBytes = 64u << 20;
inline constexpr size_t kMaxReportedErrors = 5;
inline constexpr size_t kMaxCachedSchemas = 64;

Status ValidateAgainstSchema(std::string_view xml, const std::string& xsd_path);

}  // namespace meridian::iso20022

#endif  // MERIDIAN_ISO20022_SCHEMA_H_
