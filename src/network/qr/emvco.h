// EMVCo merchant-presented QR payloads (spec/network.md, "EMVCo QR"): the
// decoder every scanned code goes through, the encoder of the hub's own
// codes, and the two lookups the network needs from a code: the hub's
// merchant and order (HubReference) and a national scheme's merchant
// (NationalKey: PromptPay, PayNow, DuitNow, QRIS, VietQR, KHQR, Pix, ...).
//
//   MERIDIAN_ASSIGN_OR_RETURN(Payload p, Decode(code_value));
//   if (std::optional<HubRef> hub = HubReference(p)) {
//     ... hub->merchant_id, hub->order_id ...
//   } else if (std::optional<MerchantKey> key = NationalKey(p)) {
//     ... look key up in the registered merchants' national codes ...
//   }
//
//   HubCode c{.merchant_id = "mer_01J...", .mcc = "5812", .currency = thb,
//             .country = Country("TH"), .name = "Baan Somtam",
//             .city = "Bangkok"};
//   MERIDIAN_ASSIGN_OR_RETURN(std::string code_value, BuildHubCode(c));
//
// The format. A payload is a sequence of data objects, each a 2-digit ID, a
// 2-digit length and that many characters of value:
//
//   00 02 01                    payload format indicator ("01"; DuitNow "02")
//   01 02 11|12                 point of initiation: static / dynamic
//   02..25                      card networks' merchant ids (primitive)
//   26..51 LL 00 LL <GUI> ...   merchant account templates: sub-ID 00 is the
//                               scheme's globally unique identifier
//   52 04 MCC   53 03 ISO 4217 numeric   54 amount ("4.22", major units)
//   55 tip indicator   56 fixed fee   57 percentage fee   58 country
//   59 name   60 city   61 postal code   62 additional data template
//   64 alternate-language template   65..79 reserved   80..99 templates
//   63 04 CRC                   last: CRC-16/CCITT-FALSE (poly 0x1021, init
//                               0xFFFF) of the UTF-8 bytes of everything
//                               before it plus "6304", as 4 upper-case hex
//
// Templates (26..51, 62, 64, 80..99) hold data objects of the same form;
// VietQR's (GUI A000000727) sub-ID 01 is a template in its turn when it
// parses as one (real codes have it broken: then it is a plain value), the
// only third level this decoder knows (kMaxDepth).
//
// Rules Decode applies, where real codes (../shared/data/qr/payloads.tsv)
// differ from the letter of EMVCo:
// - Lengths count characters (Unicode code points), as EMVCo says. A
//   payload that does not decode that way and holds non-ASCII text is read
//   once more counting UTF-8 bytes (some generators do, e.g. vietqr-ts with
//   Vietnamese text in 62); if that decodes it is accepted with
//   `length_unit` kBytes, else the character reading's error is returned.
//   ASCII payloads read the same either way. The CRC always covers the
//   UTF-8 bytes.
// - The CRC is compared case-insensitively; Decode stores it upper case.
// - Mandatory: 00 (first), at least one merchant account (02..51), 53, 58,
//   63 (last); a template 26..51 must carry sub-ID 00. EMVCo also makes 52,
//   59 and 60 mandatory, but PromptPay and VietQR account codes and
//   personal (P2P) codes omit them, so here they are optional and empty
//   when absent. The MCC is kept as written when present (4 characters:
//   KHQR test codes carry "-100"); BuildHubCode writes 4 digits.
// - The amount (54), fixed fee (56) and percentage fee (57) are decimals in
//   major units ("4.22"). They are converted exactly: more decimals than the
//   currency has ("999.123" JPY), a sign, a missing digit, zero or more than
//   13 characters is QR_FIELD_INVALID. Nothing is rounded.
// - The point of initiation (01) may be absent; two digits other than 11
//   and 12 are Initiation::kOther (a KHQR code has 13).
// - Every ID appears at most once per level; other IDs than the ones above
//   (RFU, unknown sub-IDs) are kept as they are.
//
// Errors (param is always "codeValue"; messages name the data object, as
// "62.05" for sub-ID 05 of 62, and the offset in characters):
//   QR_MALFORMED         not a sequence of data objects, too long (more
//                        than kMaxPayloadChars), not UTF-8, control
//                        characters, a duplicate ID, 00 not first, 63 not
//                        last or not 4 long
//   QR_CRC_MISMATCH      63 is not the payload's CRC (or not 4 hex digits)
//   QR_FIELD_MISSING     a mandatory object is absent
//   QR_FIELD_INVALID     a value its format forbids
//   QR_CURRENCY_UNKNOWN  53 is not an ISO 4217 numeric code in the table,
//                        or is 999 (XXX: no currency)
//
// Encode writes `Payload::objects` (computing every length in the payload's
// unit and the CRC), so for every x Decode accepts, Encode(Decode(x)) is x
// with its CRC in upper case (x itself for the codes BuildHubCode makes)
// and Decode(Encode(Decode(x))) == Decode(x); the fuzz entry checks both.
// The typed fields are what Decode read from the objects; Encode ignores
// them.
//
// Pure functions: no clock, no I/O; safe from any thread.
#ifndef MERIDIAN_NETWORK_QR_EMVCO_H_
#define MERIDIAN_NETWORK_QR_EMVCO_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/amount.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/status.h"

namespace meridian::network::qr {

// The longest payload Decode reads and the renderers draw, in characters.
// EMVCo's maximum is 512, but real generators go past it (a Pix test code
// in payloads.tsv has 513), so the limit is twice that: it bounds the work,
// conformance is not its business. The hub's own codes stay far below 512.
inline constexpr size_t kMaxPayloadChars = 1024;
// Top level, template, template inside a template (VietQR 38.01).
inline constexpr int kMaxDepth = 3;
// The `param` of every error in this file.
inline constexpr std::string_view kCodeValueParam = "codeValue";

// The hub's own merchant account template.
inline constexpr std::string_view kHubTemplateId = "26";
inline constexpr std::string_view kHubGui = "COM.MERIDIANPAY";

enum class LengthUnit : uint8_t { kCharacters, kBytes };

// Data object 01.
enum class Initiation : uint8_t {
  kAbsent,   // no 01
  kStatic,   // "11": the same code for every payment
  kDynamic,  // "12": one order, usually with an amount
  kOther,    // another two digits, reserved by EMVCo (a KHQR test code in
             // payloads.tsv has "13"); the value stays in `objects`
};

// Data object 55.
enum class TipIndicator : uint8_t {
  kNone = 0,           // no 55
  kPrompt = 1,         // "01": the payer is asked for a tip
  kFixedFee = 2,       // "02": 56 holds a fixed convenience fee
  kPercentageFee = 3,  // "03": 57 holds a percentage fee
};

// One data object as read. A template's `value` is its raw text and
// `children` its data objects; Encode writes a template from its children.
struct DataObject {
  std::string id;     // two digits
  std::string value;  // the characters between the length and the next ID
  bool is_template = false;
  std::vector<DataObject> children;

  // The child with this ID, or nullptr.
  const DataObject* Find(std::string_view child_id) const;

  friend bool operator==(const DataObject&, const DataObject&) = default;
};

// A merchant account object (02..51).
struct MerchantAccount {
  std::string id;   // "02".."51"
  std::string gui;  // sub-ID 00 as written (26..51); empty for 02..25
  friend bool operator==(const MerchantAccount&,
                         const MerchantAccount&) = default;
};

// Template 62; empty strings for absent sub-objects. Other sub-IDs stay in
// Payload::objects.
struct AdditionalData {
  std::string bill_number;            // 01
  std::string mobile_number;          // 02
  std::string store_label;            // 03
  std::string loyalty_number;         // 04
  std::string reference_label;        // 05
  std::string customer_label;         // 06
  std::string terminal_label;         // 07
  std::string purpose;                // 08
  std::string consumer_data_request;  // 09
  friend bool operator==(const AdditionalData&,
                         const AdditionalData&) = default;
};

// Template 64.
struct AlternateLanguage {
  std::string language;  // 00, e.g. "ZH"
  std::string name;      // 01
  std::string city;      // 02, may be empty
  friend bool operator==(const AlternateLanguage&,
                         const AlternateLanguage&) = default;
};

struct Payload {
  std::string format;  // 00: "01" or "02"
  Initiation initiation = Initiation::kAbsent;
  std::vector<MerchantAccount> merchant_accounts;  // in payload order
  std::string mcc;                                 // 52, empty when absent
  Currency currency;                               // 53
  std::optional<Amount> amount;                    // 54
  TipIndicator tip = TipIndicator::kNone;          // 55
  std::optional<Amount> fixed_fee;                 // 56
  std::optional<int> percentage_fee_bp;  // 57 in hundredths of a percent
  CountryCode country = 0;               // 58
  std::string merchant_name;             // 59, empty when absent
  std::string merchant_city;             // 60, empty when absent
  std::string postal_code;               // 61, empty when absent
  AdditionalData additional;             // 62
  std::optional<AlternateLanguage> alternate_language;  // 64
  std::string crc;  // 63, 4 upper-case hex digits
  LengthUnit length_unit = LengthUnit::kCharacters;
  // Every top-level data object in payload order, 63 included.
  std::vector<DataObject> objects;

  // The top-level object with this ID, or nullptr.
  const DataObject* Find(std::string_view id) const;

  friend bool operator==(const Payload&, const Payload&) = default;
};

// Reads and checks a payload (the rules and errors in the file comment).
Result<Payload> Decode(std::string_view code_value);

// Writes payload.objects in order (any 63 among them is left out) in
// payload.length_unit, then 63 with the CRC. The objects must be
// encodable, as Decode's always are: IDs of two digits, no value longer
// than 99 units; anything else is a bug in the caller (MERIDIAN_CHECK).
std::string Encode(const Payload& payload);

// The hub's own code for a merchant (static) or one of its orders
// (dynamic). Field limits follow EMVCo's.
struct HubCode {
  std::string merchant_id;       // 26.01: 1..32 of [A-Za-z0-9_.-]
  std::string order_id;          // 26.02; empty: a static code (01 = 11)
  std::optional<Amount> amount;  // 54: dynamic codes only, required there
  std::string reference;         // 62.05 of a dynamic code; default order_id
  std::string mcc;               // 52: 4 digits
  Currency currency;             // 53
  CountryCode country = 0;       // 58: two upper-case letters
  std::string name;              // 59: 1..25 characters
  std::string city;              // 60: 1..15 characters
  std::string postal_code;       // 61: optional, up to 10 characters
  std::optional<AlternateLanguage> alternate_language;  // 64: optional
};

// The payload of `code` (point of initiation 11 without an order, 12 with
// one). Names may hold any letters (UTF-8, no control characters);
// lengths count characters. A field outside its limits is
// INVALID_PARAMETER (or INVALID_AMOUNT for the amount) with the API's
// field name as param: merchantId, orderId, reference, mcc, currency,
// country, name, city, postalCode, alternateLanguage. The result always
// decodes, and Encode(*Decode(result)) == result.
Result<std::string> BuildHubCode(const HubCode& code);

struct HubRef {
  std::string merchant_id;
  std::string order_id;  // empty for a static code
  friend bool operator==(const HubRef&, const HubRef&) = default;
};

// The merchant (and order) of a hub code: the first template 26..51 whose
// GUI is kHubGui (any case) with a non-empty 01. nullopt for other codes.
std::optional<HubRef> HubReference(const Payload& payload);

// How the network indexes a merchant's national code.
struct MerchantKey {
  std::string gui;  // the template's sub-ID 00, upper case
  // The template's other sub-objects that name the merchant, sorted by ID
  // and written as data objects (lengths in characters, nested templates
  // likewise): "01130066810704060" for a PromptPay phone. Sub-objects that
  // vary per order are left out, so the static and dynamic codes of one
  // merchant give the same key: Pix (br.gov.bcb.pix) 02 description,
  // PayNow (SG.PAYNOW) 03 editable flag and 04 expiry, PromptPay bill
  // payment (A000000677010112) 02 and 03 references.
  std::string identifier;
  friend auto operator<=>(const MerchantKey&, const MerchantKey&) = default;
};

// The key of the first merchant account template (26..51) that is not the
// hub's; nullopt when there is none (a code with only card network ids
// 02..25, or a hub code).
std::optional<MerchantKey> NationalKey(const Payload& payload);

// An EMVCo amount ("4.22", major units) as minor units of `currency`:
// digits with at most one '.', at least one digit before it and no more
// digits after it than the currency's minor units, above zero, at most 13
// characters. Anything else is QR_FIELD_INVALID (param codeValue).
Result<Amount> ParseAmount(Currency currency, std::string_view text);

// CRC-16/CCITT-FALSE of `bytes` ("123456789" -> 0x29B1).
uint16_t Crc16(std::string_view bytes);

// EMVCo's name of a data object by its path of IDs ("59", "62.05",
// "38.01.00"): "Merchant Name", "Reference Label", ... Never empty.
std::string_view ObjectName(std::string_view path);

// "TH" for Country("TH"); "" for 0.
std::string CountryString(CountryCode country);

}  // namespace meridian::network::qr

#endif  // MERIDIAN_NETWORK_QR_EMVCO_H_
