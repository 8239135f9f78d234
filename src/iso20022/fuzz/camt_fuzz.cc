#include "iso20022/fuzz/camt_fuzz.h"

#include <string_view>

#include "core/assert.h"
#include "iso20022/internal/text.h"

namespace meridian::iso20022 {
namespace {

void CheckText(std::string_view text, size_t max_chars, bool required) {
  MERIDIAN_CHECK(!required || !text.empty());
  MERIDIAN_CHECK(internal::IsXmlUtf8(text)) << text;
  MERIDIAN_CHECK(internal::CountChars(text) <= max_chars) << text;
}

void CheckDate(std::string_view date) {
  MERIDIAN_CHECK(date.empty() || internal::IsIsoDate(date)) << date;
}

void CheckAmount(int64_t amount_minor, Currency currency) {
  MERIDIAN_CHECK(amount_minor >= 0 && amount_minor <= internal::kMaxAmountMinor)
      << amount_minor;
  MERIDIAN_CHECK(currency != Currency());
}

void CheckRefs(const CashReferences& r) {
  for (std::string_view s :
       {std::string_view(r.message_id),
        std::string_view(r.account_servicer_ref),
        std::string_view(r.payment_info_id), std::string_view(r.instruction_id),
        std::string_view(r.end_to_end_id),
        std::string_view(r.transaction_id)}) {
    CheckText(s, 35, false);
  }
  CheckText(r.uetr, 36, false);
}

bool SameDocument(const CashDocument& a, const CashDocument& b) {
  if (a.reports.size() != b.reports.size() || a.message_id != b.message_id ||
      a.message_name != b.message_name) {
    return false;
  }
  for (size_t i = 0; i < a.reports.size(); ++i) {
    const CashReport& x = a.reports[i];
    const CashReport& y = b.reports[i];
    if (x.account_id != y.account_id || x.entries.size() != y.entries.size()) {
      return false;
    }
    for (size_t j = 0; j < x.entries.size(); ++j) {
      if (x.entries[j].amount_minor != y.entries[j].amount_minor ||
          x.entries[j].end_to_end_id != y.entries[j].end_to_end_id ||
          x.entries[j].remittance != y.entries[j].remittance) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

void CheckCashDocument(const CashDocument& doc) {
  MERIDIAN_CHECK(!doc.reports.empty());
  MERIDIAN_CHECK(doc.reports.size() <= kMaxCashReports);
  CheckText(doc.message_id, 35, true);
  CheckText(doc.message_name, 35, false);
  CheckText(doc.created, 64, false);
  size_t entries = 0, transactions = 0;
  for (const CashReport& r : doc.reports) {
    CheckText(r.id, 35, true);
    CheckText(r.account_id, 34, true);
    for (const std::optional<CashBalance>* b :
         {&r.opening_booked, &r.closing_booked}) {
      if (!b->has_value()) continue;
      const int64_t v = (*b)->amount_minor;
      CheckAmount(v < 0 ? -v : v, (*b)->currency);
      CheckDate((*b)->date);
      MERIDIAN_CHECK(r.currency.has_value());
    }
    MERIDIAN_CHECK(r.entries.empty() || r.currency.has_value());
    for (const CashEntry& e : r.entries) {
      ++entries;
      CheckAmount(e.amount_minor, e.currency);
      CheckDate(e.booking_date);
      CheckDate(e.value_date);
      CheckText(e.status, 35, false);
      CheckText(e.entry_ref, 35, false);
      CheckText(e.account_servicer_ref, 35, false);
      CheckText(e.end_to_end_id, 35, false);
      CheckText(e.instruction_id, 35, false);
      CheckText(e.uetr, 36, false);
      CheckText(e.additional_info, 500, false);
      MERIDIAN_CHECK(internal::IsXmlUtf8(e.remittance));
      MERIDIAN_CHECK(e.remittance.size() <= kMaxRemittanceBytes ||
                     e.remittance == e.additional_info);
      for (const CashTransaction& t : e.transactions) {
        ++transactions;
        CheckRefs(t.refs);
        if (t.amount_minor.has_value())
          CheckAmount(*t.amount_minor, t.currency);
        MERIDIAN_CHECK(internal::IsXmlUtf8(t.remittance));
        MERIDIAN_CHECK(t.remittance.size() <= kMaxRemittanceBytes);
        CheckText(t.creditor_reference, 35, false);
        CheckText(t.additional_info, 500, false);
      }
      if (!e.transactions.empty()) {
        MERIDIAN_CHECK(e.end_to_end_id ==
                       e.transactions.front().refs.end_to_end_id);
      }
    }
  }
  MERIDIAN_CHECK(entries <= kMaxCashEntries);
  MERIDIAN_CHECK(transactions <= kMaxCashTransactions);
}

void FuzzCamtOnce(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Result<CashDocument> doc = ReadCashDocument(input);
  if (!doc.ok()) {
    const Error& e = doc.error();
    MERIDIAN_CHECK(e.code == ErrorCode::kINVALID_PARAMETER ||
                   e.code == ErrorCode::kBODY_TOO_LARGE)
        << e.ToString();
    MERIDIAN_CHECK(!e.param.empty() && e.message.starts_with(e.param))
        << e.ToString();
    MERIDIAN_CHECK(internal::IsXmlUtf8(e.param) || e.param == "xml")
        << e.ToString();
    return;
  }
  CheckCashDocument(*doc);
  const Result<CashDocument> again = ReadCashDocument(input);
  MERIDIAN_CHECK(again.ok() && SameDocument(*doc, *again));
}

}  // namespace meridian::iso20022

#ifdef MERIDIAN_LIBFUZZER_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::iso20022::FuzzCamtOnce(data, size);
  return 0;
}
#endif
