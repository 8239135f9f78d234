#include "compliance/internal/countries.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "core/ascii.h"

namespace meridian::compliance::internal {
namespace {

// Keys are lower case, single-spaced, without "the " in front.
constexpr std::pair<std::string_view, std::string_view> kNames[] = {
    {"afghanistan", "AF"},
    {"albania", "AL"},
    {"algeria", "DZ"},
    {"angola", "AO"},
    {"antigua and barbuda", "AG"},
    {"argentina", "AR"},
    {"armenia", "AM"},
    {"aruba", "AW"},
    {"australia", "AU"},
    {"austria", "AT"},
    {"azerbaijan", "AZ"},
    {"bahamas", "BS"},
    {"bahamas, the", "BS"},
    {"bahrain", "BH"},
    {"bangladesh", "BD"},
    {"barbados", "BB"},
    {"belarus", "BY"},
    {"belgium", "BE"},
    {"belize", "BZ"},
    {"benin", "BJ"},
    {"bermuda", "BM"},
    {"bolivia", "BO"},
    {"bosnia", "BA"},
    {"bosnia and herzegovina", "BA"},
    {"bosnia-herzegovina", "BA"},
    {"brazil", "BR"},
    {"british virgin islands", "VG"},
    {"brunei", "BN"},
    {"bulgaria", "BG"},
    {"burkina faso", "BF"},
    {"burma", "MM"},
    {"cabo verde", "CV"},
    {"cambodia", "KH"},
    {"cameroon", "CM"},
    {"canada", "CA"},
    {"cayman islands", "KY"},
    {"central african republic", "CF"},
    {"chad", "TD"},
    {"chile", "CL"},
    {"china", "CN"},
    {"china, hong kong special administrative region", "HK"},
    {"colombia", "CO"},
    {"comoros", "KM"},
    {"comoros islands", "KM"},
    {"congo", "CG"},
    {"congo, democratic republic of the", "CD"},
    {"congo, republic of the", "CG"},
    {"cook islands", "CK"},
    {"costa rica", "CR"},
    {"cote d ivoire", "CI"},
    {"cote d'ivoire", "CI"},
    {"croatia", "HR"},
    {"cuba", "CU"},
    {"cyprus", "CY"},
    {"czech republic", "CZ"},
    {"czechia", "CZ"},
    {"democratic people's republic of korea", "KP"},
    {"democratic republic of the congo", "CD"},
    {"denmark", "DK"},
    {"djibouti", "DJ"},
    {"dominica", "DM"},
    {"dominican republic", "DO"},
    {"dprk", "KP"},
    {"drc", "CD"},
    {"ecuador", "EC"},
    {"egypt", "EG"},
    {"el salvador", "SV"},
    {"equatorial guinea", "GQ"},
    {"eritrea", "ER"},
    {"estonia", "EE"},
    {"ethiopia", "ET"},
    {"finland", "FI"},
    {"france", "FR"},
    {"gabon", "GA"},
    {"gambia", "GM"},
    {"gaza", "PS"},
    {"gaza strip", "PS"},
    {"georgia", "GE"},
    {"germany", "DE"},
    {"ghana", "GH"},
    {"gibraltar", "GI"},
    {"greece", "GR"},
    {"guatemala", "GT"},
    {"guernsey", "GG"},
    {"guinea", "GN"},
    {"guinea-bissau", "GW"},
    {"guyana", "GY"},
    {"haiti", "HT"},
    {"honduras", "HN"},
    {"hong kong", "HK"},
    {"hungary", "HU"},
    {"india", "IN"},
    {"indonesia", "ID"},
    {"iran", "IR"},
    {"iran (islamic republic of)", "IR"},
    {"iraq", "IQ"},
    {"ireland", "IE"},
    {"isle of man", "IM"},
    {"israel", "IL"},
    {"italy", "IT"},
    {"ivory coast", "CI"},
    {"jamaica", "JM"},
    {"japan", "JP"},
    {"jersey", "JE"},
    {"jordan", "JO"},
    {"kazakhstan", "KZ"},
    {"kenya", "KE"},
    {"kiribati", "KI"},
    {"korea, north", "KP"},
    {"korea, south", "KR"},
    {"kosovo", "XK"},
    {"kuwait", "KW"},
    {"kyrgyzstan", "KG"},
    {"lao people's democratic republic", "LA"},
    {"laos", "LA"},
    {"latvia", "LV"},
    {"lebanon", "LB"},
    {"liberia", "LR"},
    {"libya", "LY"},
    {"liechtenstein", "LI"},
    {"lithuania", "LT"},
    {"luxembourg", "LU"},
    {"macao", "MO"},
    {"macau", "MO"},
    {"macedonia", "MK"},
    {"malaysia", "MY"},
    {"maldives", "MV"},
    {"mali", "ML"},
    {"malta", "MT"},
    {"man, isle of", "IM"},
    {"marshall islands", "MH"},
    {"mauritania", "MR"},
    {"mexico", "MX"},
    {"moldova", "MD"},
    {"monaco", "MC"},
    {"mongolia", "MN"},
    {"montenegro", "ME"},
    {"morocco", "MA"},
    {"mozambique", "MZ"},
    {"myanmar", "MM"},
    {"namibia", "NA"},
    {"netherlands", "NL"},
    {"new zealand", "NZ"},
    {"nicaragua", "NI"},
    {"niger", "NE"},
    {"nigeria", "NG"},
    {"north korea", "KP"},
    {"north macedonia", "MK"},
    {"north macedonia, the republic of", "MK"},
    {"norway", "NO"},
    {"oman", "OM"},
    {"pakistan", "PK"},
    {"palau", "PW"},
    {"palestine", "PS"},
    {"palestinian", "PS"},
    {"palestinian authority", "PS"},
    {"palestinian territories", "PS"},
    {"panama", "PA"},
    {"paraguay", "PY"},
    {"peru", "PE"},
    {"philippines", "PH"},
    {"poland", "PL"},
    {"portugal", "PT"},
    {"qatar", "QA"},
    {"republic of korea", "KR"},
    {"republic of moldova", "MD"},
    {"republic of serbia", "RS"},
    {"romania", "RO"},
    {"russia", "RU"},
    {"russian federation", "RU"},
    {"rwanda", "RW"},
    {"saint kitts and nevis", "KN"},
    {"saint vincent and the grenadines", "VC"},
    {"samoa", "WS"},
    {"san marino", "SM"},
    {"sao tome and principe", "ST"},
    {"saudi arabia", "SA"},
    {"senegal", "SN"},
    {"serbia", "RS"},
    {"seychelles", "SC"},
    {"sierra leone", "SL"},
    {"singapore", "SG"},
    {"slovakia", "SK"},
    {"slovenia", "SI"},
    {"somalia", "SO"},
    {"south africa", "ZA"},
    {"south korea", "KR"},
    {"south sudan", "SS"},
    {"spain", "ES"},
    {"sri lanka", "LK"},
    {"st kitts and nevis", "KN"},
    {"st. kitts & nevis", "KN"},
    {"st. kitts and nevis", "KN"},
    {"st. vincent and the grenadines", "VC"},
    {"state of palestine", "PS"},
    {"sudan", "SD"},
    {"sweden", "SE"},
    {"switzerland", "CH"},
    {"syria", "SY"},
    {"syrian arab republic", "SY"},
    {"taiwan", "TW"},
    {"tajikistan", "TJ"},
    {"tanzania", "TZ"},
    {"thailand", "TH"},
    {"togo", "TG"},
    {"trinidad and tobago", "TT"},
    {"tunisia", "TN"},
    {"turkey", "TR"},
    {"turkmenistan", "TM"},
    {"tuvalu", "TV"},
    {"t\xC3\xBCrkiye", "TR"},  // Türkiye, the UN's spelling since 2022
    {"u.k", "GB"},             // "U.K." without its last full stop
    {"uae", "AE"},
    {"uganda", "UG"},
    {"uk", "GB"},
    {"ukraine", "UA"},
    {"united arab emirates", "AE"},
    {"united kingdom", "GB"},
    {"united kingdom of great britain and northern ireland", "GB"},
    {"united republic of tanzania", "TZ"},
    {"united states", "US"},
    {"united states of america", "US"},
    {"uruguay", "UY"},
    {"usa", "US"},
    {"uzbekistan", "UZ"},
    {"vanuatu", "VU"},
    {"venezuela", "VE"},
    {"viet nam", "VN"},
    {"vietnam", "VN"},
    {"virgin islands, british", "VG"},
    {"west bank", "PS"},
    {"western sahara", "EH"},
    {"yemen", "YE"},
    {"zambia", "ZM"},
    {"zimbabwe", "ZW"},
};

constexpr bool Sorted() {
  for (size_t i = 1; i < std::size(kNames); ++i) {
    if (!(kNames[i - 1].first < kNames[i].first)) return false;
  }
  return true;
}
static_assert(Sorted(), "keep kNames sorted (and each name once)");

std::string Key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  bool space = false;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !key.empty();
      continue;
    }
    if (space) key.push_back(' ');
    space = false;
    key.push_back(AsciiToLower(c));
  }
  if (!key.empty() && key.back() == '.') key.pop_back();
  for (std::string_view prefix : {"region: ", "the "}) {
    if (std::string_view(key).starts_with(prefix)) key.erase(0, prefix.size());
  }
  return key;
}

}  // namespace

std::string_view CountryCode(std::string_view name) {
  if (name.size() > 64) return {};
  const std::string key = Key(name);
  const auto* it = std::lower_bound(
      std::begin(kNames), std::end(kNames), key,
      [](const auto& entry, const std::string& k) { return entry.first < k; });
  if (it == std::end(kNames) || it->first != key) return {};
  return it->second;
}

bool LooksLikeCountryCode(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' &&
         code[1] >= 'A' && code[1] <= 'Z';
}

}  // namespace meridian::compliance::internal
