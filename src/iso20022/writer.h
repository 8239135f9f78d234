// ISO 20022 writers: the messages Meridian sends, as XML documents that
// validate against the official schemas (../shared/data/iso20022/xsd):
//
//   pacs.008.001.08  FI-to-FI customer credit transfer (payouts)
//   pacs.004.001.09  payment return (a payout that came back)
//   pacs.009.001.08  financial institution credit transfer (settlement
//                    instructions between the hub's settlement bank and a
//                    participant's bank)
//   camt.053.001.08  bank-to-customer statement (account statements)
//
//   MERIDIAN_ASSIGN_OR_RETURN(std::string xml, WritePacs008(transfer));
//   MERIDIAN_RETURN_IF_ERROR(
//       ValidateAgainstSchema(xml, xsd_dir + "/pacs.008.001.08.xsd"));
//
// Contract:
// - The output is a bare <Document> in the message's namespace, UTF-8 with
//   an XML declaration, indented by two spaces; one transaction (or one
//   statement) per message. A business application header (head.001) is
//   the transport's business.
// - Deterministic: the same struct gives the same bytes (no clock, no
//   randomness: created_ns and every id come from the caller).
// - Amounts are written with exactly the currency's ISO 4217 decimals
//   (JPY "1000", USD "10.00", KWD "1.000"); times as UTC with a +00:00
//   offset; dates as the UTC date of the given instant.
// - Nothing is cut or guessed: a field too long for the schema, text that
//   is not UTF-8, an id that is not printable ASCII, a missing required
//   field, a non-positive transfer amount or a statement whose balances do
//   not add up is refused with INVALID_PARAMETER / INVALID_AMOUNT /
//   AMOUNT_OVERFLOW naming the field ("debtor.address.town_name",
//   "entries[3].amount_minor").
#ifndef MERIDIAN_ISO20022_WRITER_H_
#define MERIDIAN_ISO20022_WRITER_H_

#include <string>

#include "core/int128.h"
#include "core/status.h"
#include "iso20022/messages.h"

namespace meridian::iso20022 {

Result<std::string> WritePacs008(const CustomerCreditTransfer& transfer);
Result<std::string> WritePacs004(const PaymentReturn& payment_return);
Result<std::string> WritePacs009(const FiCreditTransfer& transfer);
Result<std::string> WriteCamt053(const Statement& statement);

// A UETR (the schema's UUIDv4Identifier: lower-case hex 8-4-4-4-12 with
// version 4 and variant bits) made from a 128-bit id, for messages that
// need one: the id's bits with the six version/variant bits overwritten.
// Deterministic, so a replayed payout gets the same UETR; two ids that
// differ only in those six bits get the same UETR (Meridian's ids differ
// in their time and counter bits, which are kept).
std::string UetrFromId(u128 id);

}  // namespace meridian::iso20022

#endif  // MERIDIAN_ISO20022_WRITER_H_
