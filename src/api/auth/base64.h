// Base64 (RFC 4648 section 4), base64url (section 5) and hex codecs for
// signatures, keys and secrets.
//
//   std::string sig = Base64UrlEncode(mac);          // no '=' padding
//   std::optional<std::string> mac = Base64UrlDecode(sig);
//   std::string text = Base64Encode(bytes);          // "...==" padded
//   std::string digest_hex = HexEncode(digest);      // lower case
//
// Contract: encoders take any bytes. Decoders are strict, so each byte
// string has exactly one accepted text (signatures compare as bytes, and
// there is no second spelling to worry about): nullopt for a character
// outside the alphabet, whitespace, a wrong length, padding where there
// must be none (base64url) or missing where it is required (base64), and
// non-zero unused bits in the last character. HexDecode accepts either case.
#ifndef MERIDIAN_API_AUTH_BASE64_H_
#define MERIDIAN_API_AUTH_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace meridian::auth {

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view text);

}  // namespace meridian::auth

#endif  // MERIDIAN_API_AUTH_BASE64_H_
