// `meridian qr`: EMVCo merchant QR codes from the command line
// (network/qr/emvco.h, network/qr/render.h).
//
//   meridian qr decode PAYLOAD [--json]
//   meridian qr encode --merchant-id mer_01 --name "Baan Somtam"
//       --city Bangkok --country TH --currency THB --mcc 5812
//       [--amount 350.00 --order ord_1 [--reference INV-42]] [--postal 10110]
//   meridian qr render PAYLOAD FILE.png|FILE.svg [--module-px 8] [--margin 4]
//
// decode prints every data object with its EMVCo name, templates indented
// under their ID, then what the network reads from the code (hub merchant
// and order, or the national key). --json prints one object instead:
//   {"lengthUnit": "characters"|"bytes", "crc": "A3CF",
//    "fields": {"format", "initiation": "static"|"dynamic"|"other"|"absent",
//               "mcc", "currency", "amount": {"currency","value"}|null
//               (minor units, as the API), "country", "merchantName",
//               "merchantCity", "postalCode", "referenceLabel",
//               "hub": {"merchantId","orderId"}|null,
//               "nationalKey": {"gui","identifier"}|null},
//    "objects": [{"id", "name", "value", "children": [...]}]}
// ("children" only on templates). A refused payload prints its error
// (code, param, message; with --json {"error": {...}}) and exits 1.
//
// encode prints the hub's code (static, or dynamic with --amount and
// --order); render decodes the payload first and writes its image, PNG or
// SVG by the file's extension. Both exit 1 on a refusal.
#ifndef MERIDIAN_CLI_QR_COMMAND_H_
#define MERIDIAN_CLI_QR_COMMAND_H_

#include <string>

#include "network/qr/emvco.h"
#include "network/qr/render.h"

namespace CLI {
class App;
}

namespace meridian::cli {

struct QrOptions {
  // decode
  std::string payload;
  bool json = false;
  // encode
  std::string merchant_id, name, city, country, currency, mcc, amount, order_id,
      reference, postal_code;
  // render (payload above)
  std::string file;
  int module_px = network::qr::kDefaultModulePx;
  int margin_modules = network::qr::kDefaultMarginModules;

  // Set by AddQr: which subcommand a parse selected.
  CLI::App* decode = nullptr;
  CLI::App* encode = nullptr;
  CLI::App* render = nullptr;
};

// Adds `qr` and its subcommands to `app`, flags bound to *options.
CLI::App* AddQr(CLI::App* app, QrOptions* options);

int RunQr(const QrOptions& options);

// What `qr decode` prints (text or --json), without the trailing newline.
std::string QrDecodeText(const network::qr::Payload& payload);
std::string QrDecodeJson(const network::qr::Payload& payload);

}  // namespace meridian::cli

#endif  // MERIDIAN_CLI_QR_COMMAND_H_
