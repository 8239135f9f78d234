#include "network/qr/emvco.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <map>
#include <span>
#include <utility>

#include "core/ascii.h"

namespace meridian::network::qr {
namespace {

constexpr std::string_view kVietQrGui = "A000000727";
constexpr size_t kMaxAmountChars = 13;     // EMVCo: 54 and 56 are ans ..13
constexpr size_t kMaxPercentChars = 5;     // "99.99"
constexpr size_t kMaxHubIdChars = 32;      // merchant and order ids
constexpr size_t kMaxNameChars = 25;       // EMVCo 59
constexpr size_t kMaxCityChars = 15;       // EMVCo 60
constexpr size_t kMaxPostalChars = 10;     // EMVCo 61
constexpr size_t kMaxReferenceChars = 25;  // EMVCo 62 sub-objects

Error QrError(ErrorCode code, std::string message) {
  return MakeError(code, std::string(kCodeValueParam), std::move(message));
}
Error Malformed(std::string message) {
  return QrError(ErrorCode::kQR_MALFORMED, std::move(message));
}
Error Missing(std::string message) {
  return QrError(ErrorCode::kQR_FIELD_MISSING, std::move(message));
}
Error Invalid(std::string message) {
  return QrError(ErrorCode::kQR_FIELD_INVALID, std::move(message));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsContinuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }
bool IsControl(char c) {
  const auto b = static_cast<uint8_t>(c);
  return b < 0x20 || b == 0x7F;
}
bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<uint8_t>(c) < 0x80; });
}
bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Code points in valid UTF-8 text.
size_t CountChars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

size_t Units(std::string_view s, LengthUnit unit) {
  return unit == LengthUnit::kBytes ? s.size() : CountChars(s);
}

std::string_view UnitName(LengthUnit unit) {
  return unit == LengthUnit::kBytes ? "bytes" : "characters";
}

// Byte offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or npos.
size_t InvalidUtf8At(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (s.size() - i < n) return i;
    for (size_t k = 1; k < n; ++k) {
      const auto d = static_cast<uint8_t>(s[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n;
  }
  return std::string_view::npos;
}

// Valid UTF-8 without control characters: what names and labels may hold.
bool IsText(std::string_view s) {
  return InvalidUtf8At(s) == std::string_view::npos &&
         std::none_of(s.begin(), s.end(), IsControl);
}

int IdNumber(std::string_view id) { return (id[0] - '0') * 10 + (id[1] - '0'); }
bool IsMerchantTemplateId(std::string_view id) {
  const int n = IdNumber(id);
  return n >= 26 && n <= 51;
}
bool IsMerchantAccountId(std::string_view id) {
  const int n = IdNumber(id);
  return n >= 2 && n <= 51;
}
bool IsTopLevelTemplateId(std::string_view id) {
  const int n = IdNumber(id);
  return (n >= 26 && n <= 51) || n == 62 || n == 64 || n >= 80;
}

std::string Path(std::string_view parent, std::string_view id) {
  return parent.empty() ? std::string(id)
                        : std::string(parent) + "." + std::string(id);
}

const DataObject* FindIn(const std::vector<DataObject>& objects,
                         std::string_view id) {
  for (const DataObject& o : objects) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Structure: data objects and templates.

// A text whose positions count `unit`s (characters or bytes).
class UnitText {
 public:
  UnitText(std::string_view text, LengthUnit unit) : text_(text), unit_(unit) {
    if (unit_ == LengthUnit::kBytes) return;
    starts_.reserve(text.size() + 1);
    for (size_t i = 0; i < text.size(); ++i) {
      if (!IsContinuation(text[i])) starts_.push_back(static_cast<uint32_t>(i));
    }
    starts_.push_back(static_cast<uint32_t>(text.size()));
  }
  size_t size() const {
    return unit_ == LengthUnit::kBytes ? text_.size() : starts_.size() - 1;
  }
  size_t ByteAt(size_t pos) const {
    return unit_ == LengthUnit::kBytes ? pos : starts_[pos];
  }
  // Whether position `pos` holds a one-byte digit.
  bool DigitAt(size_t pos) const {
    const size_t b = ByteAt(pos);
    return ByteAt(pos + 1) == b + 1 && IsDigit(text_[b]);
  }
  // Whether a byte position falls between two characters.
  bool OnBoundary(size_t pos) const {
    return unit_ == LengthUnit::kCharacters || pos == text_.size() ||
           !IsContinuation(text_[pos]);
  }
  std::string_view Slice(size_t from, size_t to) const {
    return text_.substr(ByteAt(from), ByteAt(to) - ByteAt(from));
  }

 private:
  std::string_view text_;
  LengthUnit unit_;
  std::vector<uint32_t> starts_;  // characters: byte offset of each, then end
};

// A data object with where it was found, in units and bytes from the start
// of the payload.
struct Walked {
  DataObject object;
  size_t unit_pos = 0;
  size_t value_units = 0;  // position of the value
  size_t value_bytes = 0;
  size_t byte_pos = 0;
};

class TreeReader {
 public:
  explicit TreeReader(LengthUnit unit) : unit_(unit) {}

  // The data objects of `text`, which starts at (base_units, base_bytes)
  // of the payload, inside the object at `parent` ("" for the top level).
  Status ReadLevel(std::string_view text, size_t base_units, size_t base_bytes,
                   const std::string& parent, std::vector<Walked>* out) const {
    const UnitText t(text, unit_);
    std::bitset<100> seen;
    size_t pos = 0;
    while (pos < t.size()) {
      const size_t at = base_units + pos;
      const std::string where = parent.empty() ? "" : " inside " + parent;
      if (t.size() - pos < 4) {
        return Malformed(
            "offset " + std::to_string(at) + where + ": " +
            std::to_string(t.size() - pos) + " " +
            std::string(UnitName(unit_)) +
            " left where a data object's ID and length (4 digits) are due; "
            "the code is cut short or altered: scan it again");
      }
      if (!t.DigitAt(pos) || !t.DigitAt(pos + 1)) {
        return Malformed("offset " + std::to_string(at) + where +
                         ": the data object ID \"" +
                         std::string(t.Slice(pos, pos + 2)) +
                         "\" is not two digits; the code is altered or not "
                         "an EMVCo code: scan it again");
      }
      const std::string id(t.Slice(pos, pos + 2));
      const std::string path = Path(parent, id);
      if (!t.DigitAt(pos + 2) || !t.DigitAt(pos + 3)) {
        return Malformed("data object " + path + " at offset " +
                         std::to_string(at) + ": the length \"" +
                         std::string(t.Slice(pos + 2, pos + 4)) +
                         "\" is not two digits; the code is altered: scan "
                         "it again");
      }
      const size_t length =
          static_cast<size_t>(IdNumber(t.Slice(pos + 2, pos + 4)));
      const size_t left = t.size() - pos - 4;
      if (length > left) {
        return Malformed("data object " + path + " at offset " +
                         std::to_string(at) + ": its length " +
                         std::to_string(length) + " runs past the end of " +
                         (parent.empty() ? std::string("the payload")
                                         : "template " + parent) +
                         " (" + std::to_string(left) + " " +
                         std::string(UnitName(unit_)) +
                         " left); the code is cut short or altered: scan it "
                         "again");
      }
      if (!t.OnBoundary(t.ByteAt(pos + 4 + length))) {
        return Malformed("data object " + path + " at offset " +
                         std::to_string(at) + ": its length " +
                         std::to_string(length) + " ends inside a character");
      }
      const size_t n = static_cast<size_t>(IdNumber(id));
      if (seen[n]) {
        return Malformed("data object " + path + " at offset " +
                         std::to_string(at) + " appears a second time" + where +
                         "; each ID may appear once");
      }
      seen[n] = true;
      Walked w;
      w.object.id = id;
      w.object.value = std::string(t.Slice(pos + 4, pos + 4 + length));
      w.unit_pos = at;
      w.value_units = at + 4;
      w.byte_pos = base_bytes + t.ByteAt(pos);
      w.value_bytes = base_bytes + t.ByteAt(pos + 4);
      out->push_back(std::move(w));
      pos += 4 + length;
    }
    return Status::Ok();
  }

  // The whole tree of a payload.
  Status ReadPayload(std::string_view payload, std::vector<Walked>* top) const {
    MERIDIAN_RETURN_IF_ERROR(ReadLevel(payload, 0, 0, "", top));
    for (Walked& w : *top) {
      if (!IsTopLevelTemplateId(w.object.id)) continue;
      MERIDIAN_RETURN_IF_ERROR(ReadTemplate(&w, w.object.id, 2));
    }
    return Status::Ok();
  }

 private:
  // Reads w's value as data objects at `depth` (the top level is 1).
  Status ReadTemplate(Walked* w, const std::string& path, int depth) const {
    MERIDIAN_CHECK(depth <= kMaxDepth);
    std::vector<Walked> kids;
    MERIDIAN_RETURN_IF_ERROR(ReadLevel(w->object.value, w->value_units,
                                       w->value_bytes, path, &kids));
    // VietQR: 38.01 (beneficiary organisation) holds 00 bank BIN and 01
    // account or card number, when it parses: vietqr-ts writes some with
    // the account's length one short, which stay a plain value.
    if (depth == 2 && IsMerchantTemplateId(path)) {
      const Walked* gui = nullptr;
      for (const Walked& k : kids) {
        if (k.object.id == "00") gui = &k;
      }
      if (gui != nullptr &&
          AsciiEqualsIgnoreCase(gui->object.value, kVietQrGui)) {
        for (Walked& k : kids) {
          if (k.object.id != "01") continue;
          Walked nested = k;
          if (ReadTemplate(&nested, path + ".01", depth + 1).ok()) {
            k = std::move(nested);
          }
        }
      }
    }
    w->object.is_template = true;
    w->object.children.reserve(kids.size());
    for (Walked& k : kids) w->object.children.push_back(std::move(k.object));
    return Status::Ok();
  }

  LengthUnit unit_;
};

// ---------------------------------------------------------------------------
// Values.

// `text` as a count of 10^-max_decimals: digits with at most one '.', a
// digit on each side of it, no more than max_decimals after it, above zero,
// at most max_chars. `label` names the object ("the amount (54)"),
// `decimals_owner` says whose decimals ("THB", "a percentage").
Result<int64_t> ParseDecimal(std::string_view text, int max_decimals,
                             size_t max_chars, std::string_view label,
                             std::string_view decimals_owner) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) {
    return Invalid(std::string(label) +
                   " is empty; it must be a decimal number like 4.22");
  }
  if (CountChars(text) > max_chars) {
    return Invalid(std::string(label) + " " + quoted + " is longer than " +
                   std::to_string(max_chars) + " characters");
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (!AllDigits(whole) ||
      (dot != std::string_view::npos && !AllDigits(fraction))) {
    return Invalid(std::string(label) + " " + quoted +
                   " is not a decimal number like 4.22 (digits, at most one "
                   "'.', no sign)");
  }
  if (fraction.size() > static_cast<size_t>(max_decimals)) {
    return Invalid(std::string(label) + " " + quoted + " has " +
                   std::to_string(fraction.size()) + " decimals but " +
                   std::string(decimals_owner) + " has " +
                   std::to_string(max_decimals) +
                   "; it cannot be paid exactly: ask for a corrected code");
  }
  int64_t value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  for (char c : fraction) value = value * 10 + (c - '0');
  for (size_t i = fraction.size(); i < static_cast<size_t>(max_decimals); ++i) {
    value *= 10;
  }
  if (value == 0) {
    return Invalid(std::string(label) + " " + quoted +
                   " is zero; it must be above zero");
  }
  return value;
}

Result<Amount> ParseMoney(Currency currency, std::string_view text,
                          std::string_view label) {
  MERIDIAN_ASSIGN_OR_RETURN(
      int64_t minor, ParseDecimal(text, currency.minor_units(), kMaxAmountChars,
                                  label, currency.code()));
  Result<Amount> amount = Amount::FromMinorUnits(currency, minor);
  if (!amount.ok()) {
    return Invalid(std::string(label) + " \"" + std::string(text) +
                   "\" is too large");
  }
  return amount;
}

std::string TwoDigits(size_t n) {
  MERIDIAN_CHECK(n <= 99) << n;
  return std::string{static_cast<char>('0' + n / 10),
                     static_cast<char>('0' + n % 10)};
}

void AppendObjects(const std::vector<DataObject>& objects, LengthUnit unit,
                   bool top_level, std::string* out);

std::string EncodeValue(const DataObject& o, LengthUnit unit) {
  if (!o.is_template) return o.value;
  std::string value;
  AppendObjects(o.children, unit, false, &value);
  return value;
}

void AppendObjects(const std::vector<DataObject>& objects, LengthUnit unit,
                   bool top_level, std::string* out) {
  for (const DataObject& o : objects) {
    if (top_level && o.id == "63") continue;
    MERIDIAN_CHECK(o.id.size() == 2 && AllDigits(o.id)) << o.id;
    const std::string value = EncodeValue(o, unit);
    const size_t length = Units(value, unit);
    MERIDIAN_CHECK(length <= 99)
        << "data object " << o.id << " is " << length << " long";
    out->append(o.id);
    out->append(TwoDigits(length));
    out->append(value);
  }
}

std::string Hex4(uint16_t v) {
  constexpr char kHex[] = "0123456789ABCDEF";
  return {kHex[v >> 12], kHex[(v >> 8) & 0xF], kHex[(v >> 4) & 0xF],
          kHex[v & 0xF]};
}

bool IsHex4(std::string_view s) {
  return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) {
           return IsDigit(c) || (c >= 'A' && c <= 'F') ||
                  (c >= 'a' && c <= 'f');
         });
}

// The checks and typed fields after the structure is known.
Status FillFields(std::string_view code, std::vector<Walked>* top, Payload* p) {
  // 63: present, last, 4 long, the CRC.
  if (std::none_of(top->begin(), top->end(),
                   [](const Walked& w) { return w.object.id == "63"; })) {
    return Missing(
        "the payload has no CRC (63); it is not a complete EMVCo code: scan "
        "it again");
  }
  Walked& crc = top->back();
  if (crc.object.id != "63") {
    return Malformed(
        "data object 63 (CRC) is not the last data object; "
        "it must end the payload");
  }
  if (Units(crc.object.value, p->length_unit) != 4) {
    return Malformed("data object 63 (CRC) at offset " +
                     std::to_string(crc.unit_pos) + " is " +
                     std::to_string(Units(crc.object.value, p->length_unit)) +
                     " long; it must be 4 hex digits");
  }
  const std::string expected = Hex4(Crc16(code.substr(0, crc.byte_pos + 4)));
  if (!IsHex4(crc.object.value) ||
      !AsciiEqualsIgnoreCase(crc.object.value, expected)) {
    return QrError(ErrorCode::kQR_CRC_MISMATCH,
                   "the CRC (63) does not match the payload: expected " +
                       expected + ", found " + crc.object.value +
                       "; the code was altered or misread: scan it again");
  }
  crc.object.value = Upper(crc.object.value);
  p->crc = crc.object.value;

  std::vector<DataObject> objects;
  objects.reserve(top->size());
  for (Walked& w : *top) objects.push_back(std::move(w.object));
  p->objects = std::move(objects);
  const auto find = [p](std::string_view id) { return p->Find(id); };

  // 00 first.
  if (p->objects.front().id != "00") {
    if (find("00") == nullptr) {
      return Missing(
          "the payload has no payload format indicator (00); it "
          "is not an EMVCo merchant code");
    }
    return Malformed(
        "the payload format indicator (00) is not the first "
        "data object; it must start the payload");
  }
  p->format = p->objects.front().value;
  if (p->format != "01" && p->format != "02") {
    return Invalid("the payload format indicator (00) is \"" + p->format +
                   "\"; Meridian reads formats 01 and 02");
  }

  if (const DataObject* o = find("01")) {
    if (o->value == "11") {
      p->initiation = Initiation::kStatic;
    } else if (o->value == "12") {
      p->initiation = Initiation::kDynamic;
    } else if (o->value.size() == 2 && AllDigits(o->value)) {
      p->initiation = Initiation::kOther;
    } else {
      return Invalid("the point of initiation (01) is \"" + o->value +
                     "\"; it must be 11 (static) or 12 (dynamic)");
    }
  }

  for (const DataObject& o : p->objects) {
    if (!IsMerchantAccountId(o.id)) continue;
    MerchantAccount account{.id = o.id, .gui = ""};
    if (o.is_template) {
      const DataObject* gui = o.Find("00");
      if (gui == nullptr || gui->value.empty()) {
        return Missing("merchant account template " + o.id +
                       " has no globally unique identifier (" + o.id + ".00)");
      }
      account.gui = gui->value;
    }
    p->merchant_accounts.push_back(std::move(account));
  }
  if (p->merchant_accounts.empty()) {
    return Missing(
        "the payload has no merchant account information (02 to "
        "51); it names no one to pay");
  }

  if (const DataObject* o = find("52")) {
    if (CountChars(o->value) != 4) {
      return Invalid("the merchant category code (52) \"" + o->value +
                     "\" is not 4 characters");
    }
    p->mcc = o->value;
  }

  const DataObject* currency = find("53");
  if (currency == nullptr) {
    return Missing("the payload has no transaction currency (53)");
  }
  if (currency->value.size() != 3 || !AllDigits(currency->value)) {
    return Invalid("the transaction currency (53) \"" + currency->value +
                   "\" is not a 3-digit ISO 4217 numeric code");
  }
  Result<Currency> c =
      Currency::FromNumeric(static_cast<uint16_t>(std::stoi(currency->value)));
  if (!c.ok()) {
    return QrError(ErrorCode::kQR_CURRENCY_UNKNOWN,
                   "the transaction currency (53) " + currency->value +
                       " is not an ISO 4217 numeric code Meridian knows");
  }
  if (*c == Currency()) {
    return QrError(ErrorCode::kQR_CURRENCY_UNKNOWN,
                   "the transaction currency (53) 999 is XXX, ISO's code for "
                   "no currency; the code cannot be paid");
  }
  p->currency = *c;

  if (const DataObject* o = find("54")) {
    MERIDIAN_ASSIGN_OR_RETURN(
        p->amount, ParseMoney(p->currency, o->value, "the amount (54)"));
  }

  if (const DataObject* o = find("55")) {
    if (o->value == "01") {
      p->tip = TipIndicator::kPrompt;
    } else if (o->value == "02") {
      p->tip = TipIndicator::kFixedFee;
    } else if (o->value == "03") {
      p->tip = TipIndicator::kPercentageFee;
    } else {
      return Invalid("the tip or convenience indicator (55) is \"" + o->value +
                     "\"; it must be 01, 02 or 03");
    }
  }
  if (p->tip == TipIndicator::kFixedFee && find("56") == nullptr) {
    return Missing(
        "the tip indicator (55) is 02 but the fixed convenience "
        "fee (56) is absent");
  }
  if (p->tip == TipIndicator::kPercentageFee && find("57") == nullptr) {
    return Missing(
        "the tip indicator (55) is 03 but the percentage "
        "convenience fee (57) is absent");
  }
  if (const DataObject* o = find("56")) {
    MERIDIAN_ASSIGN_OR_RETURN(
        p->fixed_fee,
        ParseMoney(p->currency, o->value, "the fixed convenience fee (56)"));
  }
  if (const DataObject* o = find("57")) {
    MERIDIAN_ASSIGN_OR_RETURN(
        int64_t bp,
        ParseDecimal(o->value, 2, kMaxPercentChars,
                     "the percentage convenience fee (57)", "a percentage"));
    if (bp >= 10'000) {
      return Invalid("the percentage convenience fee (57) \"" + o->value +
                     "\" is not between 00.01 and 99.99");
    }
    p->percentage_fee_bp = static_cast<int>(bp);
  }

  const DataObject* country = find("58");
  if (country == nullptr) {
    return Missing("the payload has no country code (58)");
  }
  if (country->value.size() != 2 || !IsUpper(country->value[0]) ||
      !IsUpper(country->value[1])) {
    return Invalid("the country code (58) \"" + country->value +
                   "\" is not two upper-case letters (ISO 3166-1 alpha-2)");
  }
  p->country = Country(country->value);

  if (const DataObject* o = find("59")) p->merchant_name = o->value;
  if (const DataObject* o = find("60")) p->merchant_city = o->value;
  if (const DataObject* o = find("61")) p->postal_code = o->value;

  if (const DataObject* o = find("62")) {
    std::string* fields[] = {
        &p->additional.bill_number,          &p->additional.mobile_number,
        &p->additional.store_label,          &p->additional.loyalty_number,
        &p->additional.reference_label,      &p->additional.customer_label,
        &p->additional.terminal_label,       &p->additional.purpose,
        &p->additional.consumer_data_request};
    for (const DataObject& sub : o->children) {
      const int n = IdNumber(sub.id);
      if (n >= 1 && n <= 9) *fields[n - 1] = sub.value;
    }
  }

  if (const DataObject* o = find("64")) {
    AlternateLanguage alt;
    if (const DataObject* s = o->Find("00")) alt.language = s->value;
    if (const DataObject* s = o->Find("01")) alt.name = s->value;
    if (const DataObject* s = o->Find("02")) alt.city = s->value;
    p->alternate_language = std::move(alt);
  }
  return Status::Ok();
}

// The payload read with lengths in `unit`.
Result<Payload> DecodeAs(std::string_view code, LengthUnit unit) {
  Payload p;
  p.length_unit = unit;
  std::vector<Walked> top;
  MERIDIAN_RETURN_IF_ERROR(TreeReader(unit).ReadPayload(code, &top));
  MERIDIAN_RETURN_IF_ERROR(FillFields(code, &top, &p));
  return p;
}

// Sub-objects of a national template that change from order to order.
bool VariesPerOrder(std::string_view gui_upper, std::string_view id) {
  if (gui_upper == "BR.GOV.BCB.PIX") return id == "02";
  if (gui_upper == "SG.PAYNOW") return id == "03" || id == "04";
  if (gui_upper == "A000000677010112") return id == "02" || id == "03";
  return false;
}

// Sorted by ID, lengths in characters, nested templates likewise.
std::string Canonical(const std::vector<DataObject>& objects) {
  std::map<std::string_view, const DataObject*> sorted;
  for (const DataObject& o : objects) sorted.emplace(o.id, &o);
  std::string out;
  for (const auto& [id, o] : sorted) {
    const std::string value =
        o->is_template ? Canonical(o->children) : o->value;
    out.append(id);
    out.append(TwoDigits(CountChars(value)));
    out.append(value);
  }
  return out;
}

Status CheckLength(std::string_view value, size_t min_chars, size_t max_chars,
                   std::string_view param, std::string_view what) {
  if (!IsText(value)) {
    return MakeError(
        ErrorCode::kINVALID_PARAMETER, std::string(param),
        std::string(what) + " must be UTF-8 text without control characters");
  }
  const size_t n = CountChars(value);
  if (n < min_chars || n > max_chars) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(param),
                     std::string(what) + " must be " +
                         std::to_string(min_chars) + " to " +
                         std::to_string(max_chars) +
                         " characters long; it is " + std::to_string(n));
  }
  return Status::Ok();
}

Status CheckHubId(std::string_view value, std::string_view param,
                  std::string_view what) {
  const bool ok = !value.empty() && value.size() <= kMaxHubIdChars &&
                  std::all_of(value.begin(), value.end(), [](char c) {
                    return IsDigit(c) || IsUpper(c) || (c >= 'a' && c <= 'z') ||
                           c == '_' || c == '-' || c == '.';
                  });
  if (ok) return Status::Ok();
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::string(param),
                   std::string(what) + " must be 1 to " +
                       std::to_string(kMaxHubIdChars) +
                       " letters, digits, '_', '-' or '.'");
}

DataObject Primitive(std::string_view id, std::string value) {
  DataObject o;
  o.id = std::string(id);
  o.value = std::move(value);
  return o;
}

DataObject Template(std::string_view id, std::vector<DataObject> children) {
  DataObject o;
  o.id = std::string(id);
  o.is_template = true;
  o.children = std::move(children);
  o.value = EncodeValue(o, LengthUnit::kCharacters);
  return o;
}

struct NameEntry {
  int first, last;
  std::string_view name;
};

constexpr NameEntry kTopNames[] = {
    {0, 0, "Payload Format Indicator"},
    {1, 1, "Point of Initiation Method"},
    {2, 3, "Merchant Account Information (Visa)"},
    {4, 5, "Merchant Account Information (Mastercard)"},
    {6, 8, "Merchant Account Information (EMVCo)"},
    {9, 10, "Merchant Account Information (Discover)"},
    {11, 12, "Merchant Account Information (Amex)"},
    {13, 14, "Merchant Account Information (JCB)"},
    {15, 16, "Merchant Account Information (UnionPay)"},
    {17, 25, "Merchant Account Information (EMVCo)"},
    {26, 51, "Merchant Account Information"},
    {52, 52, "Merchant Category Code"},
    {53, 53, "Transaction Currency"},
    {54, 54, "Transaction Amount"},
    {55, 55, "Tip or Convenience Indicator"},
    {56, 56, "Value of Convenience Fee Fixed"},
    {57, 57, "Value of Convenience Fee Percentage"},
    {58, 58, "Country Code"},
    {59, 59, "Merchant Name"},
    {60, 60, "Merchant City"},
    {61, 61, "Postal Code"},
    {62, 62, "Additional Data Field Template"},
    {63, 63, "CRC"},
    {64, 64, "Merchant Information - Language Template"},
    {65, 79, "RFU for EMVCo"},
    {80, 99, "Unreserved Template"},
};

constexpr NameEntry kAdditionalNames[] = {
    {1, 1, "Bill Number"},
    {2, 2, "Mobile Number"},
    {3, 3, "Store Label"},
    {4, 4, "Loyalty Number"},
    {5, 5, "Reference Label"},
    {6, 6, "Customer Label"},
    {7, 7, "Terminal Label"},
    {8, 8, "Purpose of Transaction"},
    {9, 9, "Additional Consumer Data Request"},
    {10, 10, "Merchant Tax ID"},
    {11, 11, "Merchant Channel"},
    {12, 49, "RFU for EMVCo"},
    {50, 99, "Payment System Specific Template"},
};

constexpr NameEntry kLanguageNames[] = {
    {0, 0, "Language Preference"},
    {1, 1, "Merchant Name - Alternate Language"},
    {2, 2, "Merchant City - Alternate Language"},
    {3, 99, "RFU for EMVCo"},
};

std::string_view Lookup(std::span<const NameEntry> table, int n,
                        std::string_view fallback) {
  for (const NameEntry& e : table) {
    if (n >= e.first && n <= e.last) return e.name;
  }
  return fallback;
}

}  // namespace

const DataObject* DataObject::Find(std::string_view child_id) const {
  return FindIn(children, child_id);
}

const DataObject* Payload::Find(std::string_view id) const {
  return FindIn(objects, id);
}

uint16_t Crc16(std::string_view bytes) {
  static constexpr std::array<uint16_t, 256> kTable = [] {
    std::array<uint16_t, 256> t{};
    for (int i = 0; i < 256; ++i) {
      uint16_t c = static_cast<uint16_t>(i << 8);
      for (int k = 0; k < 8; ++k) {
        c = (c & 0x8000) ? static_cast<uint16_t>((c << 1) ^ 0x1021)
                         : static_cast<uint16_t>(c << 1);
      }
      t[i] = c;
    }
    return t;
  }();
  uint16_t crc = 0xFFFF;
  for (char ch : bytes) {
    crc = static_cast<uint16_t>(
        (crc << 8) ^ kTable[((crc >> 8) ^ static_cast<uint8_t>(ch)) & 0xFF]);
  }
  return crc;
}

Result<Payload> Decode(std::string_view code) {
  if (code.empty()) {
    return Malformed("the payload is empty; scan the merchant's code again");
  }
  // Four bytes per character at most: longer is too long whatever it holds.
  if (code.size() > 4 * kMaxPayloadChars) {
    return Malformed("the payload is " + std::to_string(code.size()) +
                     " bytes long; Meridian reads at most " +
                     std::to_string(kMaxPayloadChars) + " characters");
  }
  const size_t bad = InvalidUtf8At(code);
  if (bad != std::string_view::npos) {
    return Malformed("byte " + std::to_string(bad) +
                     " of the payload is not UTF-8; the code is damaged or "
                     "was read in another encoding: scan it again");
  }
  const size_t chars = CountChars(code);
  if (chars > kMaxPayloadChars) {
    return Malformed("the payload is " + std::to_string(chars) +
                     " characters long; Meridian reads at most " +
                     std::to_string(kMaxPayloadChars));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (!IsControl(code[i])) continue;
    return Malformed("offset " + std::to_string(CountChars(code.substr(0, i))) +
                     ": the payload holds a control character; EMVCo codes "
                     "hold none: scan it again");
  }

  // Characters, as EMVCo says; else bytes, as some generators write.
  Result<Payload> by_chars = DecodeAs(code, LengthUnit::kCharacters);
  if (by_chars.ok() || IsAscii(code)) return by_chars;
  Result<Payload> by_bytes = DecodeAs(code, LengthUnit::kBytes);
  return by_bytes.ok() ? by_bytes : by_chars;
}

std::string Encode(const Payload& payload) {
  std::string out;
  AppendObjects(payload.objects, payload.length_unit, true, &out);
  out.append("6304");
  out.append(Hex4(Crc16(out)));
  return out;
}

Result<Amount> ParseAmount(Currency currency, std::string_view text) {
  return ParseMoney(currency, text, "the amount (54)");
}

Result<std::string> BuildHubCode(const HubCode& c) {
  MERIDIAN_RETURN_IF_ERROR(
      CheckHubId(c.merchant_id, "merchantId", "the merchant id"));
  const bool dynamic = !c.order_id.empty();
  if (dynamic) {
    MERIDIAN_RETURN_IF_ERROR(CheckHubId(c.order_id, "orderId", "the order id"));
  }
  if (dynamic && !c.amount.has_value()) {
    return MakeError(ErrorCode::kMISSING_PARAMETER, "amount",
                     "an order's (dynamic) code needs an amount");
  }
  if (!dynamic && c.amount.has_value()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "amount",
                     "a static code carries no amount; give an order id for "
                     "a dynamic code");
  }
  if (!dynamic && !c.reference.empty()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "reference",
                     "a static code carries no reference; give an order id "
                     "for a dynamic code");
  }
  if (c.currency == Currency()) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "currency",
                     "the merchant's currency is not set");
  }
  std::string amount_text;
  if (c.amount.has_value()) {
    if (c.amount->currency() != c.currency) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "currency",
                       "the amount is in " +
                           std::string(c.amount->currency().code()) +
                           " but the merchant's currency is " +
                           std::string(c.currency.code()));
    }
    amount_text = c.amount->ToDecimalString();
    if (c.amount->minor_units() <= 0 || amount_text.size() > kMaxAmountChars) {
      return MakeError(ErrorCode::kINVALID_AMOUNT, "amount",
                       "the amount must be above zero and at most " +
                           std::to_string(kMaxAmountChars) +
                           " characters as a decimal (" + amount_text + ")");
    }
  }
  const std::string reference = c.reference.empty() ? c.order_id : c.reference;
  if (dynamic) {
    MERIDIAN_RETURN_IF_ERROR(CheckLength(reference, 1, kMaxReferenceChars,
                                         "reference", "the reference"));
  }
  if (c.mcc.size() != 4 || !AllDigits(c.mcc)) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "mcc",
                     "the merchant category code must be 4 digits (ISO "
                     "18245), like 5812");
  }
  const std::string country = CountryString(c.country);
  if (country.size() != 2 || !IsUpper(country[0]) || !IsUpper(country[1])) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "country",
                     "the country must be two upper-case letters (ISO "
                     "3166-1 alpha-2)");
  }
  MERIDIAN_RETURN_IF_ERROR(
      CheckLength(c.name, 1, kMaxNameChars, "name", "the merchant name"));
  MERIDIAN_RETURN_IF_ERROR(
      CheckLength(c.city, 1, kMaxCityChars, "city", "the merchant city"));
  if (!c.postal_code.empty()) {
    MERIDIAN_RETURN_IF_ERROR(CheckLength(c.postal_code, 1, kMaxPostalChars,
                                         "postalCode", "the postal code"));
  }
  if (c.alternate_language.has_value()) {
    const AlternateLanguage& alt = *c.alternate_language;
    if (alt.language.size() != 2 ||
        !std::all_of(alt.language.begin(), alt.language.end(), [](char ch) {
          return IsUpper(ch) || (ch >= 'a' && ch <= 'z');
        })) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "alternateLanguage",
                       "the alternate language must be two letters (ISO "
                       "639-1), like ZH");
    }
    MERIDIAN_RETURN_IF_ERROR(CheckLength(alt.name, 1, kMaxNameChars,
                                         "alternateLanguage",
                                         "the alternate-language name"));
    if (!alt.city.empty()) {
      MERIDIAN_RETURN_IF_ERROR(CheckLength(alt.city, 1, kMaxCityChars,
                                           "alternateLanguage",
                                           "the alternate-language city"));
    }
  }

  Payload p;
  p.objects.push_back(Primitive("00", "01"));
  p.objects.push_back(Primitive("01", dynamic ? "12" : "11"));
  std::vector<DataObject> hub = {Primitive("00", std::string(kHubGui)),
                                 Primitive("01", c.merchant_id)};
  if (dynamic) hub.push_back(Primitive("02", c.order_id));
  p.objects.push_back(Template(kHubTemplateId, std::move(hub)));
  p.objects.push_back(Primitive("52", c.mcc));
  std::string numeric = std::to_string(c.currency.numeric());
  numeric.insert(0, 3 - numeric.size(), '0');
  p.objects.push_back(Primitive("53", numeric));
  if (dynamic) p.objects.push_back(Primitive("54", amount_text));
  p.objects.push_back(Primitive("58", country));
  p.objects.push_back(Primitive("59", c.name));
  p.objects.push_back(Primitive("60", c.city));
  if (!c.postal_code.empty()) {
    p.objects.push_back(Primitive("61", c.postal_code));
  }
  if (dynamic) {
    p.objects.push_back(Template("62", {Primitive("05", reference)}));
  }
  if (c.alternate_language.has_value()) {
    const AlternateLanguage& alt = *c.alternate_language;
    std::vector<DataObject> lang = {Primitive("00", Upper(alt.language)),
                                    Primitive("01", alt.name)};
    if (!alt.city.empty()) lang.push_back(Primitive("02", alt.city));
    p.objects.push_back(Template("64", std::move(lang)));
  }
  std::string code = Encode(p);
  // The contract: what we build, we read back, and it writes the same.
  Result<Payload> back = Decode(code);
  MERIDIAN_CHECK(back.ok()) << back.error().ToString() << " " << code;
  MERIDIAN_CHECK(Encode(*back) == code) << code;
  return code;
}

std::optional<HubRef> HubReference(const Payload& payload) {
  for (const DataObject& o : payload.objects) {
    if (!o.is_template || !IsMerchantTemplateId(o.id)) continue;
    const DataObject* gui = o.Find("00");
    if (gui == nullptr || !AsciiEqualsIgnoreCase(gui->value, kHubGui)) {
      continue;
    }
    const DataObject* merchant = o.Find("01");
    if (merchant == nullptr || merchant->value.empty()) continue;
    const DataObject* order = o.Find("02");
    return HubRef{.merchant_id = merchant->value,
                  .order_id = order != nullptr ? order->value : ""};
  }
  return std::nullopt;
}

std::optional<MerchantKey> NationalKey(const Payload& payload) {
  for (const DataObject& o : payload.objects) {
    if (!o.is_template || !IsMerchantTemplateId(o.id)) continue;
    const DataObject* gui = o.Find("00");
    if (gui == nullptr || AsciiEqualsIgnoreCase(gui->value, kHubGui)) continue;
    MerchantKey key{.gui = Upper(gui->value), .identifier = ""};
    std::vector<DataObject> kept;
    for (const DataObject& sub : o.children) {
      if (sub.id == "00" || VariesPerOrder(key.gui, sub.id)) continue;
      kept.push_back(sub);
    }
    key.identifier = Canonical(kept);
    return key;
  }
  return std::nullopt;
}

std::string_view ObjectName(std::string_view path) {
  constexpr std::string_view kUnknown = "Data Object";
  if (path.size() < 2 || !IsDigit(path[0]) || !IsDigit(path[1])) {
    return kUnknown;
  }
  const int top = IdNumber(path);
  if (path.size() == 2) return Lookup(kTopNames, top, kUnknown);
  if (path.size() != 5 || path[2] != '.' || !IsDigit(path[3]) ||
      !IsDigit(path[4])) {
    return "Payment Network Specific";
  }
  const int sub = IdNumber(path.substr(3));
  if (top == 62) return Lookup(kAdditionalNames, sub, kUnknown);
  if (top == 64) return Lookup(kLanguageNames, sub, kUnknown);
  if ((top >= 26 && top <= 51) || top >= 80) {
    return sub == 0 ? "Globally Unique Identifier"
                    : (top >= 80 ? "Context Specific Data"
                                 : "Payment Network Specific");
  }
  return kUnknown;
}

std::string CountryString(CountryCode country) {
  if (country == 0) return "";
  return {static_cast<char>(country >> 8), static_cast<char>(country & 0xFF)};
}

}  // namespace meridian::network::qr
