#include "network/qr/render.h"

#include <png.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "network/qr/emvco.h"

namespace meridian::network::qr {
namespace {

// The symbol: width x width modules, true for dark.
struct Matrix {
  int width = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const {
    return dark[static_cast<size_t>(y) * width + x];
  }
};

struct QrcodeDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

Result<Matrix> Symbol(std::string_view payload, int module_px,
                      int margin_modules) {
  const size_t chars = static_cast<size_t>(std::count_if(
      payload.begin(), payload.end(),
      [](char c) { return (static_cast<uint8_t>(c) & 0xC0) != 0x80; }));
  if (payload.empty() || chars > kMaxPayloadChars ||
      payload.size() > 4 * kMaxPayloadChars) {
    return MakeError(ErrorCode::kQR_MALFORMED, std::string(kCodeValueParam),
                     "a payload to draw must be 1 to " +
                         std::to_string(kMaxPayloadChars) + " characters long");
  }
  if (module_px < 1 || module_px > kMaxModulePx) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "modulePx",
                     "the module size must be 1 to " +
                         std::to_string(kMaxModulePx) + " pixels");
  }
  if (margin_modules < 0 || margin_modules > kMaxMarginModules) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "margin",
                     "the margin must be 0 to " +
                         std::to_string(kMaxMarginModules) + " modules");
  }
  std::unique_ptr<QRcode, QrcodeDeleter> code(QRcode_encodeData(
      static_cast<int>(payload.size()),
      reinterpret_cast<const unsigned char*>(payload.data()), 0, QR_ECLEVEL_M));
  if (code == nullptr && errno == ERANGE) {
    return MakeError(ErrorCode::kQR_MALFORMED, std::string(kCodeValueParam),
                     "the payload is " + std::to_string(payload.size()) +
                         " bytes; a QR symbol at level M holds at most 2331");
  }
  if (code == nullptr) {
    return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                     std::string("libqrencode could not encode the payload: ") +
                         std::strerror(errno));
  }
  const int side = (code->width + 2 * margin_modules) * module_px;
  if (side > kMaxImagePx) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "modulePx",
                     "the image would be " + std::to_string(side) +
                         " pixels wide; at most " +
                         std::to_string(kMaxImagePx) + ": use smaller modules");
  }
  Matrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(m.width) * m.width);
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
  return m;
}

}  // namespace

Result<std::string> RenderSvg(std::string_view payload, int module_px,
                              int margin_modules) {
  MERIDIAN_ASSIGN_OR_RETURN(Matrix m,
                            Symbol(payload, module_px, margin_modules));
  const int n = m.width + 2 * margin_modules;
  const std::string px = std::to_string(n * module_px);
  const std::string modules = std::to_string(n);
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px +
      "\" height=\"" + px + "\" viewBox=\"0 0 " + modules + " " + modules +
      "\" shape-rendering=\"crispEdges\"><rect width=\"" + modules +
      "\" height=\"" + modules + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One rectangle per horizontal run of dark modules.
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width;) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < m.width && m.at(x + run, y)) ++run;
      svg += "M" + std::to_string(x + margin_modules) + " " +
             std::to_string(y + margin_modules) + "h" + std::to_string(run) +
             "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>\n";
  return svg;
}

Result<std::string> RenderPng(std::string_view payload, int module_px,
                              int margin_modules) {
  MERIDIAN_ASSIGN_OR_RETURN(Matrix m,
                            Symbol(payload, module_px, margin_modules));
  const int side = (m.width + 2 * margin_modules) * module_px;
  std::vector<uint8_t> pixels(static_cast<size_t>(side) * side, 0xFF);
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (!m.at(x, y)) continue;
      for (int dy = 0; dy < module_px; ++dy) {
        uint8_t* row =
            pixels.data() +
            static_cast<size_t>((y + margin_modules) * module_px + dy) * side;
        std::fill_n(row + (x + margin_modules) * module_px, module_px, 0);
      }
    }
  }
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  // First call: the size; second: the bytes.
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0,
                                 nullptr)) {
    std::string message = image.message;
    png_image_free(&image);
    return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                     "libpng could not write the image: " + message);
  }
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), 0,
                                 nullptr)) {
    std::string message = image.message;
    png_image_free(&image);
    return MakeError(ErrorCode::kINTERNAL_ERROR, "",
                     "libpng could not write the image: " + message);
  }
  png_image_free(&image);
  png.resize(size);
  return png;
}

}  // namespace meridian::network::qr
