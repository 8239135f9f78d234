#include "api/auth/signature.h"

#include <optional>

#include "api/auth/base64.h"
#include "api/auth/crypto.h"
#include "api/auth/time_format.h"

namespace meridian::auth {
namespace {

constexpr std::string_view kClientIdHeader = "Client-Id";
constexpr std::string_view kRequestTimeHeader = "Request-Time";
constexpr std::string_view kSignatureHeader = "Signature";
constexpr size_t kMaxMethodLength = 16;
constexpr size_t kMaxPathLength = 8192;

Error Invalid(std::string_view header, std::string message) {
  return MakeError(ErrorCode::kINVALID_SIGNATURE, std::string(header),
                   std::move(message));
}

size_t SignatureLength(SigningKey::Algorithm algorithm) {
  return algorithm == SigningKey::kEd25519 ? kEd25519SignatureBytes
                                           : kHmacSha256Bytes;
}

std::optional<SigningKey::Algorithm> AlgorithmFromName(std::string_view name) {
  if (name == "HMAC-SHA256") return SigningKey::kHmacSha256;
  if (name == "ED25519") return SigningKey::kEd25519;
  return std::nullopt;
}

// Request-line pieces: an upper-case method token and a target of visible
// ASCII, so that the signed text cannot be made ambiguous with spaces or
// newlines.
Status CheckRequestLine(std::string_view method, std::string_view path) {
  if (method.empty() || method.size() > kMaxMethodLength) {
    return Invalid("", "the HTTP method must be 1 to 16 upper-case letters");
  }
  for (char c : method) {
    if (c < 'A' || c > 'Z') {
      return Invalid("", "the HTTP method must be upper-case letters");
    }
  }
  if (path.empty() || path.front() != '/' || path.size() > kMaxPathLength) {
    return Invalid("", "the request path must start with '/' and be at most " +
                           std::to_string(kMaxPathLength) + " bytes");
  }
  for (char c : path) {
    if (c <= 0x20 || c >= 0x7F) {
      return Invalid("", "the request path must be visible ASCII");
    }
  }
  return Status::Ok();
}

Status CheckClientId(std::string_view client_id) {
  if (client_id.empty()) {
    return Invalid(kClientIdHeader,
                   "a signed request needs a Client-Id header");
  }
  if (client_id.size() > kMaxClientIdLength) {
    return Invalid(kClientIdHeader, "Client-Id must be at most " +
                                        std::to_string(kMaxClientIdLength) +
                                        " characters");
  }
  for (char c : client_id) {
    if (c <= 0x20 || c >= 0x7F) {
      return Invalid(kClientIdHeader,
                     "Client-Id must be visible ASCII without spaces");
    }
  }
  return Status::Ok();
}

Result<int64_t> CheckRequestTime(std::string_view request_time) {
  if (request_time.empty()) {
    return Invalid(kRequestTimeHeader,
                   "a signed request needs a Request-Time header (RFC 3339, "
                   "such as 2026-11-24T12:00:00.123Z)");
  }
  Result<int64_t> time = ParseRfc3339(request_time, kRequestTimeHeader);
  if (!time.ok()) {
    return Invalid(
        kRequestTimeHeader,
        "Request-Time is not an RFC 3339 time: " + time.error().message);
  }
  return time;
}

// Parses a keyVersion: 1..kMaxKeyVersion, digits only, no leading zero.
std::optional<int> ParseKeyVersion(std::string_view text) {
  if (text.empty() || text.size() > 6 || text.front() == '0') {
    return std::nullopt;
  }
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string_view AlgorithmName(SigningKey::Algorithm algorithm) {
  return algorithm == SigningKey::kEd25519 ? "ED25519" : "HMAC-SHA256";
}

std::string SignedContent(std::string_view method, std::string_view path,
                          std::string_view client_id,
                          std::string_view request_time,
                          std::string_view body) {
  std::string out;
  out.reserve(method.size() + path.size() + client_id.size() +
              request_time.size() + body.size() + 4);
  out.append(method);
  out.push_back(' ');
  out.append(path);
  out.push_back('\n');
  out.append(client_id);
  out.push_back('.');
  out.append(request_time);
  out.push_back('.');
  out.append(body);
  return out;
}

Result<SignatureHeader> ParseSignatureHeader(std::string_view value) {
  if (value.empty()) {
    return Invalid(kSignatureHeader,
                   "a signed request needs a Signature header: "
                   "algorithm=HMAC-SHA256|ED25519,keyVersion=1,signature=...");
  }
  if (value.size() > kMaxSignatureHeaderLength) {
    return Invalid(kSignatureHeader,
                   "the Signature header is longer than " +
                       std::to_string(kMaxSignatureHeaderLength) + " bytes");
  }
  std::optional<std::string_view> algorithm, key_version, signature;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view part = TrimSpaces(value.substr(start, end - start));
    start = end + 1;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return Invalid(kSignatureHeader,
                     "the Signature header must be name=value pairs separated "
                     "by commas: algorithm=...,keyVersion=...,signature=...");
    }
    std::string_view name = part.substr(0, eq);
    std::optional<std::string_view>* target = nullptr;
    if (name == "algorithm") target = &algorithm;
    if (name == "keyVersion") target = &key_version;
    if (name == "signature") target = &signature;
    if (target == nullptr) {
      return Invalid(kSignatureHeader,
                     "the Signature header has an unknown parameter; use only "
                     "algorithm, keyVersion and signature");
    }
    if (target->has_value()) {
      return Invalid(kSignatureHeader,
                     "the Signature header names a parameter twice");
    }
    *target = part.substr(eq + 1);
  }
  if (!algorithm || !key_version || !signature) {
    return Invalid(kSignatureHeader,
                   "the Signature header needs algorithm, keyVersion and "
                   "signature");
  }
  SignatureHeader header;
  std::optional<SigningKey::Algorithm> parsed_algorithm =
      AlgorithmFromName(*algorithm);
  if (!parsed_algorithm) {
    return Invalid(kSignatureHeader,
                   "unknown signature algorithm; use HMAC-SHA256 or ED25519");
  }
  header.algorithm = *parsed_algorithm;
  std::optional<int> version = ParseKeyVersion(*key_version);
  if (!version) {
    return Invalid(kSignatureHeader,
                   "keyVersion must be a whole number from 1 to " +
                       std::to_string(kMaxKeyVersion));
  }
  header.key_version = *version;
  std::optional<std::string> bytes = Base64UrlDecode(*signature);
  if (!bytes) {
    return Invalid(kSignatureHeader,
                   "the signature must be base64url (RFC 4648 section 5: "
                   "'-' and '_', no '=' padding)");
  }
  if (bytes->size() != SignatureLength(header.algorithm)) {
    return Invalid(kSignatureHeader,
                   "a " + std::string(AlgorithmName(header.algorithm)) +
                       " signature is " +
                       std::to_string(SignatureLength(header.algorithm)) +
                       " bytes; this one is " + std::to_string(bytes->size()));
  }
  header.signature = std::move(*bytes);
  return header;
}

std::string FormatSignatureHeader(const SignatureHeader& header) {
  return "algorithm=" + std::string(AlgorithmName(header.algorithm)) +
         ",keyVersion=" + std::to_string(header.key_version) +
         ",signature=" + Base64UrlEncode(header.signature);
}

Result<std::string> SignRequest(std::string_view method, std::string_view path,
                                std::string_view client_id,
                                std::string_view request_time,
                                std::string_view body, const SigningKey& key) {
  // Refuse to sign what the server would refuse to verify.
  auto as_parameter_error = [](const Error& e) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, e.param, e.message);
  };
  if (Status s = CheckRequestLine(method, path); !s.ok()) {
    return as_parameter_error(s.error());
  }
  if (Status s = CheckClientId(client_id); !s.ok()) {
    return as_parameter_error(s.error());
  }
  if (Result<int64_t> t = CheckRequestTime(request_time); !t.ok()) {
    return as_parameter_error(t.error());
  }
  if (key.version < 1 || key.version > kMaxKeyVersion) {
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, "keyVersion",
        "the key version must be from 1 to " + std::to_string(kMaxKeyVersion));
  }
  const std::string content =
      SignedContent(method, path, client_id, request_time, body);
  SignatureHeader header;
  header.algorithm = key.algorithm;
  header.key_version = key.version;
  if (key.algorithm == SigningKey::kHmacSha256) {
    header.signature = HmacSha256(key.key_bytes, content);
  } else {
    MERIDIAN_ASSIGN_OR_RETURN(header.signature,
                              Ed25519Sign(key.key_bytes, content));
  }
  return FormatSignatureHeader(header);
}

Status VerifyRequestSignature(std::string_view method, std::string_view path,
                              std::string_view client_id,
                              std::string_view request_time_header,
                              std::string_view signature_header,
                              std::string_view raw_body,
                              const SigningKey& verify_key, int64_t now_ns,
                              int64_t window_ns) {
  MERIDIAN_RETURN_IF_ERROR(CheckRequestLine(method, path));
  MERIDIAN_RETURN_IF_ERROR(CheckClientId(client_id));
  MERIDIAN_ASSIGN_OR_RETURN(int64_t request_ns,
                            CheckRequestTime(request_time_header));
  MERIDIAN_ASSIGN_OR_RETURN(SignatureHeader header,
                            ParseSignatureHeader(signature_header));
  if (header.algorithm != verify_key.algorithm) {
    return Invalid(kSignatureHeader,
                   "this client signs with " +
                       std::string(AlgorithmName(verify_key.algorithm)) +
                       ", not " + std::string(AlgorithmName(header.algorithm)));
  }
  if (header.key_version != verify_key.version) {
    return Invalid(kSignatureHeader,
                   "keyVersion " + std::to_string(header.key_version) +
                       " is not this client's current key (version " +
                       std::to_string(verify_key.version) + ")");
  }

  const std::string content =
      SignedContent(method, path, client_id, request_time_header, raw_body);
  bool match = false;
  if (verify_key.algorithm == SigningKey::kHmacSha256) {
    match = ConstantTimeEqual(HmacSha256(verify_key.key_bytes, content),
                              header.signature);
  } else {
    match = Ed25519Verify(verify_key.key_bytes, content, header.signature);
  }
  if (!match) {
    return Invalid(kSignatureHeader,
                   "the signature does not match the request; sign "
                   "\"<METHOD> <path>\\n<Client-Id>.<Request-Time>.<body>\" "
                   "over the exact bytes sent");
  }

  // Differences of int64 times can overflow; saturate instead.
  int64_t age = 0;
  if (__builtin_sub_overflow(now_ns, request_ns, &age)) {
    age = now_ns > request_ns ? INT64_MAX : INT64_MIN;
  }
  if (age > window_ns || age < -window_ns) {
    return MakeError(ErrorCode::kREQUEST_TIME_EXPIRED,
                     std::string(kRequestTimeHeader),
                     "Request-Time is more than " +
                         std::to_string(window_ns / 1'000'000'000) +
                         " seconds from the server's time; send the current "
                         "UTC time and check your clock");
  }
  return Status::Ok();
}

}  // namespace meridian::auth
