// QR code images of a payload: SVG for the web console and the API's
// `qr.svg`, PNG for `qr.png` and `meridian qr render`. The symbol comes from
// libqrencode (error correction level M, 8-bit byte mode, so UTF-8 payloads
// keep their bytes; the smallest version that fits); the PNG is written by
// libpng's simplified API (8-bit grey).
//
//   MERIDIAN_ASSIGN_OR_RETURN(std::string svg, RenderSvg(code_value));
//   MERIDIAN_ASSIGN_OR_RETURN(std::string png, RenderPng(code_value, 8, 4));
//
// Contract: the payload is any text of 1 to kMaxPayloadChars characters
// (its EMVCo validity is the caller's business: see emvco.h); anything else
// is QR_MALFORMED with param codeValue, as is a payload longer than one
// symbol holds (2331 bytes at level M). module_px is 1..kMaxModulePx,
// margin_modules 0..kMaxMarginModules (4, the quiet zone the QR standard
// asks for, is the default), and the image is at most kMaxImagePx wide;
// anything else is INVALID_PARAMETER. Dark modules are black on white.
// Deterministic: the same arguments give the same bytes. Thread-safe.
#ifndef MERIDIAN_NETWORK_QR_RENDER_H_
#define MERIDIAN_NETWORK_QR_RENDER_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace meridian::network::qr {

inline constexpr int kMaxModulePx = 32;
inline constexpr int kMaxMarginModules = 16;
inline constexpr int kMaxImagePx = 4096;
inline constexpr int kDefaultModulePx = 8;
inline constexpr int kDefaultMarginModules = 4;

// An SVG document whose viewBox counts modules; width and height are the
// modules times module_px.
Result<std::string> RenderSvg(std::string_view payload,
                              int module_px = kDefaultModulePx,
                              int margin_modules = kDefaultMarginModules);

// A PNG file's bytes.
Result<std::string> RenderPng(std::string_view payload,
                              int module_px = kDefaultModulePx,
                              int margin_modules = kDefaultMarginModules);

}  // namespace meridian::network::qr

#endif  // MERIDIAN_NETWORK_QR_RENDER_H_
