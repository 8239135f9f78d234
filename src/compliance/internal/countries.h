// Country names as the lists write them -> ISO 3166-1 alpha-2: the one
// table every loader uses.
//
// It holds the names that occur in the lists we load (OFAC's address
// countries and remarks, the UN's nationalities, addresses and document
// countries, CSL vessel flags), in each list's spelling ("Korea, North",
// "Democratic People's Republic of Korea", "Iran (Islamic Republic of)").
// A name not in the table is kept out of ListEntry::countries rather than
// guessed, and the loader reports it, so that a new spelling shows up in
// the load's warnings and gets added here.
//
// Deliberately absent: names of countries that no longer exist or are
// not one country (USSR, former Soviet Union, ex-Yugoslavia, Serbia and
// Montenegro, Netherlands Antilles), regions (Crimea, Kafia Kingi, the
// Commonwealth of Independent States), and "undetermined".
// West Bank, Gaza and "Palestinian" map to PS, which ISO 3166 defines as
// covering both; Kosovo maps to XK, the code the EU, the UK and the IMF
// use while ISO 3166 has none.
#ifndef MERIDIAN_COMPLIANCE_INTERNAL_COUNTRIES_H_
#define MERIDIAN_COMPLIANCE_INTERNAL_COUNTRIES_H_

#include <string_view>

namespace meridian::compliance::internal {

// "Korea, North" -> "KP"; "" if the name is not in the table. Case,
// surrounding white space, a trailing full stop, a leading "the " and
// OFAC's "Region: " prefix do not matter.
std::string_view CountryCode(std::string_view name);

// Two ASCII capital letters: the shape of an alpha-2 code as the US CSL
// writes them. (Not checked against the ISO list, which changes.)
bool LooksLikeCountryCode(std::string_view code);

}  // namespace meridian::compliance::internal

#endif  // MERIDIAN_COMPLIANCE_INTERNAL_COUNTRIES_H_
