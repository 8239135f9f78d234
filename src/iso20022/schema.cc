#include "iso20022/schema.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace meridian::iso20022 {
namespace {

struct CompiledSchema {
  xmlSchemaPtr schema = nullptr;
  ~CompiledSchema() {
    if (schema != nullptr) xmlSchemaFree(schema);
  }
};

// The first few errors libxml2 reports, as "line N: message".
struct ErrorList {
  std::vector<std::string> lines;
  size_t total = 0;

  void Add(int line, const char* message) {
    ++total;
    if (lines.size() >= kMaxReportedErrors) return;
    std::string text = message != nullptr ? message : "unknown error";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.pop_back();
    }
    lines.push_back("line " + std::to_string(line) + ": " + text);
  }
  std::string Join() const {
    std::string out;
    for (const std::string& l : lines) {
      if (!out.empty()) out += "; ";
      out += l;
    }
    if (total > lines.size()) {
      out += "; and " + std::to_string(total - lines.size()) + " more";
    }
    return out;
  }
};

void CollectError(void* user, xmlErrorPtr error) {
  if (error == nullptr) return;
  static_cast<ErrorList*>(user)->Add(error->line, error->message);
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    // Schemas and messages never reach the network (xs:import of a URL,
    // a DOCTYPE's system id): the loader refuses anything but local files.
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
  });
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::mutex cache_mu;
// One compilation at a time: two threads compiling the same schema left
// the loser's libxml2 structures behind (LeakSanitizer saw them), and a
// schema compiles once per process anyway.
std::mutex compile_mu;
std::map<std::string, std::shared_ptr<const CompiledSchema>>& Cache() {
  static auto* cache =
      new std::map<std::string, std::shared_ptr<const CompiledSchema>>();
  return *cache;
}

Result<std::shared_ptr<const CompiledSchema>> LoadSchema(
    const std::string& xsd_path) {
  std::lock_guard<std::mutex> compiling(compile_mu);
  {
    std::lock_guard<std::mutex> lock(cache_mu);
    auto it = Cache().find(xsd_path);
    if (it != Cache().end()) return it->second;
  }
  if (!std::ifstream(xsd_path).good()) {
    return MakeError(ErrorCode::kIO_ERROR, "xsd_path",
                     "cannot read the schema file " + xsd_path);
  }
  ErrorList errors;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd_path.c_str());
  if (parser == nullptr) {
    return MakeError(ErrorCode::kINTERNAL_ERROR, "xsd_path",
                     "libxml2 could not start a schema parser");
  }
  xmlSchemaSetParserStructuredErrors(parser, CollectError, &errors);
  auto compiled = std::make_shared<CompiledSchema>();
  compiled->schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (compiled->schema == nullptr) {
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, "xsd_path",
        BaseName(xsd_path) + " is not a usable XML schema: " + errors.Join());
  }
  std::lock_guard<std::mutex> lock(cache_mu);
  auto it = Cache().find(xsd_path);
  if (it != Cache().end()) return it->second;  // another thread won
  if (Cache().size() < kMaxCachedSchemas) Cache().emplace(xsd_path, compiled);
  return std::shared_ptr<const CompiledSchema>(compiled);
}

}  // namespace

Status ValidateAgainstSchema(std::string_view xml,
                             const std::string& xsd_path) {
  InitLibxml();
  if (xml.size() > kMaxValidatedBytes) {
    return MakeError(ErrorCode::kBODY_TOO_LARGE, "xml",
                     "the document has " + std::to_string(xml.size()) +
                         " bytes; at most " +
                         std::to_string(kMaxValidatedBytes) + " are validated");
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::shared_ptr<const CompiledSchema> compiled,
                            LoadSchema(xsd_path));
  const std::string schema_name = BaseName(xsd_path);

  xmlParserCtxtPtr parser = xmlNewParserCtxt();
  if (parser == nullptr) {
    return MakeError(ErrorCode::kINTERNAL_ERROR, "xml",
                     "libxml2 could not start a parser");
  }
  xmlDocPtr doc = xmlCtxtReadMemory(
      parser, xml.data(), static_cast<int>(xml.size()), "message.xml", nullptr,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) {
    ErrorList errors;
    xmlErrorPtr e = xmlCtxtGetLastError(parser);
    errors.Add(e != nullptr ? e->line : 0,
               e != nullptr ? e->message : "the document is empty");
    xmlFreeParserCtxt(parser);
    return MakeError(ErrorCode::kINVALID_PARAMETER, "xml",
                     "the message is not well-formed XML, so it cannot "
                     "validate against " +
                         schema_name + ": " + errors.Join());
  }
  xmlFreeParserCtxt(parser);

  ErrorList errors;
  xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(compiled->schema);
  if (validator == nullptr) {
    xmlFreeDoc(doc);
    return MakeError(ErrorCode::kINTERNAL_ERROR, "xml",
                     "libxml2 could not start a schema validator");
  }
  xmlSchemaSetValidStructuredErrors(validator, CollectError, &errors);
  const int result = xmlSchemaValidateDoc(validator, doc);
  xmlSchemaFreeValidCtxt(validator);
  xmlFreeDoc(doc);
  if (result == 0) return Status::Ok();
  if (errors.total == 0) errors.Add(0, "libxml2 could not validate it");
  return MakeError(ErrorCode::kINVALID_PARAMETER, "xml",
                   "the message does not validate against " + schema_name +
                       ": " + errors.Join());
}

}  // namespace meridian::iso20022
