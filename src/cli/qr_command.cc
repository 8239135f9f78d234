#include "cli/qr_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "api/json/json_writer.h"
#include "network/qr/render.h"

namespace meridian::cli {
namespace {

using network::qr::DataObject;
using network::qr::Payload;

int Fail(std::string_view command, const std::string& message) {
  std::fprintf(stderr, "meridian qr %.*s: %s\n",
               static_cast<int>(command.size()), command.data(),
               message.c_str());
  return 1;
}

std::string_view InitiationName(network::qr::Initiation i) {
  switch (i) {
    case network::qr::Initiation::kStatic:
      return "static";
    case network::qr::Initiation::kDynamic:
      return "dynamic";
    case network::qr::Initiation::kOther:
      return "other";
    case network::qr::Initiation::kAbsent:
      break;
  }
  return "absent";
}

void TextObjects(const std::vector<DataObject>& objects,
                 const std::string& parent, int indent, std::string* out) {
  for (const DataObject& o : objects) {
    const std::string path = parent.empty() ? o.id : parent + "." + o.id;
    out->append(static_cast<size_t>(indent), ' ');
    out->append(o.id + "  " + std::string(network::qr::ObjectName(path)));
    if (o.is_template) {
      out->append("\n");
      TextObjects(o.children, path, indent + 4, out);
    } else {
      out->append(": " + o.value + "\n");
    }
  }
}

void JsonObjects(const std::vector<DataObject>& objects,
                 const std::string& parent, json::JsonWriter* w) {
  w->BeginArray();
  for (const DataObject& o : objects) {
    const std::string path = parent.empty() ? o.id : parent + "." + o.id;
    w->BeginObject();
    w->Key("id").String(o.id);
    w->Key("name").String(network::qr::ObjectName(path));
    w->Key("value").String(o.value);
    if (o.is_template) {
      w->Key("children");
      JsonObjects(o.children, path, w);
    }
    w->EndObject();
  }
  w->EndArray();
}

int RunDecode(const QrOptions& o) {
  Result<Payload> p = network::qr::Decode(o.payload);
  if (!p.ok()) {
    if (!o.json) return Fail("decode", p.error().ToString());
    std::string body;
    json::JsonWriter w(&body);
    w.BeginObject().Key("error").BeginObject();
    w.Key("code").String(ErrorCodeName(p.error().code));
    w.Key("param").String(p.error().param);
    w.Key("message").String(p.error().message);
    w.EndObject().EndObject();
    std::printf("%s\n", body.c_str());
    return 1;
  }
  const std::string text = o.json ? QrDecodeJson(*p) : QrDecodeText(*p);
  std::printf("%s\n", text.c_str());
  return 0;
}

int RunEncode(const QrOptions& o) {
  network::qr::HubCode c;
  c.merchant_id = o.merchant_id;
  c.order_id = o.order_id;
  c.reference = o.reference;
  c.mcc = o.mcc;
  c.name = o.name;
  c.city = o.city;
  c.postal_code = o.postal_code;
  c.country = Country(o.country);
  Result<Currency> currency = Currency::FromCode(o.currency);
  if (!currency.ok()) {
    return Fail("encode", "--currency " + o.currency +
                              " is not an ISO 4217 code such as THB");
  }
  c.currency = *currency;
  if (!o.amount.empty()) {
    Result<Amount> amount = network::qr::ParseAmount(c.currency, o.amount);
    if (!amount.ok())
      return Fail("encode", "--amount: " + amount.error().message);
    c.amount = *amount;
  }
  Result<std::string> code = network::qr::BuildHubCode(c);
  if (!code.ok()) return Fail("encode", code.error().ToString());
  std::printf("%s\n", code->c_str());
  return 0;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

int RunRender(const QrOptions& o) {
  Result<Payload> p = network::qr::Decode(o.payload);
  if (!p.ok()) return Fail("render", p.error().ToString());
  const bool png = EndsWith(o.file, ".png");
  if (!png && !EndsWith(o.file, ".svg")) {
    return Fail("render", o.file + ": the file name must end in .png or .svg");
  }
  Result<std::string> image =
      png ? network::qr::RenderPng(o.payload, o.module_px, o.margin_modules)
          : network::qr::RenderSvg(o.payload, o.module_px, o.margin_modules);
  if (!image.ok()) return Fail("render", image.error().ToString());
  std::ofstream out(o.file, std::ios::binary | std::ios::trunc);
  out.write(image->data(), static_cast<std::streamsize>(image->size()));
  out.close();
  if (!out) return Fail("render", "cannot write " + o.file);
  std::printf("wrote %s (%zu bytes)\n", o.file.c_str(), image->size());
  return 0;
}

}  // namespace

std::string QrDecodeText(const Payload& p) {
  std::string out;
  TextObjects(p.objects, "", 0, &out);
  if (p.length_unit == network::qr::LengthUnit::kBytes) {
    out +=
        "note: the lengths count UTF-8 bytes, not characters as EMVCo "
        "says\n";
  }
  if (std::optional<network::qr::HubRef> hub = network::qr::HubReference(p)) {
    out += "hub code: merchant " + hub->merchant_id;
    out += hub->order_id.empty() ? ", static" : ", order " + hub->order_id;
    out += "\n";
  }
  if (std::optional<network::qr::MerchantKey> key =
          network::qr::NationalKey(p)) {
    out += "national key: " + key->gui + " " + key->identifier + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string QrDecodeJson(const Payload& p) {
  std::string body;
  json::JsonWriter w(&body);
  w.BeginObject();
  w.Key("lengthUnit")
      .String(p.length_unit == network::qr::LengthUnit::kBytes ? "bytes"
                                                               : "characters");
  w.Key("crc").String(p.crc);
  w.Key("fields").BeginObject();
  w.Key("format").String(p.format);
  w.Key("initiation").String(InitiationName(p.initiation));
  w.Key("mcc").String(p.mcc);
  w.Key("currency").String(p.currency.code());
  w.Key("amount");
  if (p.amount.has_value()) {
    w.BeginObject();
    w.Key("currency").String(p.amount->currency().code());
    w.Key("value").String(p.amount->value_string());
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("country").String(network::qr::CountryString(p.country));
  w.Key("merchantName").String(p.merchant_name);
  w.Key("merchantCity").String(p.merchant_city);
  w.Key("postalCode").String(p.postal_code);
  w.Key("referenceLabel").String(p.additional.reference_label);
  w.Key("hub");
  if (std::optional<network::qr::HubRef> hub = network::qr::HubReference(p)) {
    w.BeginObject();
    w.Key("merchantId").String(hub->merchant_id);
    w.Key("orderId").String(hub->order_id);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("nationalKey");
  if (std::optional<network::qr::MerchantKey> key =
          network::qr::NationalKey(p)) {
    w.BeginObject();
    w.Key("gui").String(key->gui);
    w.Key("identifier").String(key->identifier);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("objects");
  JsonObjects(p.objects, "", &w);
  w.EndObject();
  return body;
}

CLI::App* AddQr(CLI::App* app, QrOptions* o) {
  CLI::App* qr = app->add_subcommand("qr", "EMVCo merchant QR codes");
  qr->require_subcommand(1);
  o->decode = qr->add_subcommand(
      "decode",
      "Check a payload and print its data objects; exit 1 when "
      "it is refused");
  o->decode->add_option("PAYLOAD", o->payload, "the code's text")->required();
  o->decode->add_flag("--json", o->json, "print one JSON object");

  o->encode = qr->add_subcommand(
      "encode",
      "Print the hub's code for a merchant (static), or for one of "
      "its orders with --amount and --order (dynamic)");
  o->encode->add_option("--merchant-id", o->merchant_id, "mer_...")->required();
  o->encode->add_option("--name", o->name, "1 to 25 characters")->required();
  o->encode->add_option("--city", o->city, "1 to 15 characters")->required();
  o->encode->add_option("--country", o->country, "ISO 3166 alpha-2, e.g. TH")
      ->required();
  o->encode->add_option("--currency", o->currency, "ISO 4217, e.g. THB")
      ->required();
  o->encode->add_option("--mcc", o->mcc, "merchant category code, 4 digits")
      ->required();
  o->encode->add_option("--amount", o->amount,
                        "decimal in major units, e.g. 12.34 (dynamic)");
  o->encode->add_option("--order", o->order_id, "order id (dynamic)");
  o->encode->add_option("--reference", o->reference,
                        "62.05 reference label (dynamic; default the order)");
  o->encode->add_option("--postal", o->postal_code, "postal code");

  o->render = qr->add_subcommand(
      "render", "Write a payload's QR image, PNG or SVG by FILE's extension");
  o->render->add_option("PAYLOAD", o->payload, "the code's text")->required();
  o->render->add_option("FILE", o->file, "out.png or out.svg")->required();
  o->render->add_option("--module-px", o->module_px, "pixels per module")
      ->check(CLI::Range(1, network::qr::kMaxModulePx));
  o->render->add_option("--margin", o->margin_modules, "quiet zone, modules")
      ->check(CLI::Range(0, network::qr::kMaxMarginModules));
  return qr;
}

int RunQr(const QrOptions& options) {
  if (options.decode != nullptr && options.decode->parsed()) {
    return RunDecode(options);
  }
  if (options.encode != nullptr && options.encode->parsed()) {
    return RunEncode(options);
  }
  if (options.render != nullptr && options.render->parsed()) {
    return RunRender(options);
  }
  return 2;
}

}  // namespace meridian::cli
