// NetworkBook: the wallet interconnect's records in the engine —
// participants (wallets and acquirers), merchants and their codes, orders
// behind dynamic codes, payment quotes, payments and refunds, and the
// clearing window payments fall into (spec/network.md).
//
// It is part of the deterministic state machine: it changes only through
// journaled commands (network_commands.h), takes time as the sequencer's
// stamp, iterates only ordered containers and is serialised into
// snapshots. It holds records and indexes; the engine (engine/
// network_engine.cc) moves the money in the ledger and the FX book and
// then records the outcome here.
//
//   NetworkBook book;
//   MERIDIAN_RETURN_IF_ERROR(book.AddParticipant(p));
//   const Participant* wallet = book.WalletForCode("28123456789012345678");
//   const Merchant* m = book.MerchantByNationalKey(key);
//
// Bounds (NetworkLimits): participants, merchants, live orders, live
// quotes and payments kept in the engine are capped; past a cap a new
// one is refused with RATE_LIMITED rather than anything being forgotten
// early. Final payments leave the engine `payment_retention_ns` after they
// were made (the read model keeps them).
#ifndef MERIDIAN_NETWORK_NETWORK_BOOK_H_
#define MERIDIAN_NETWORK_NETWORK_BOOK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/int128.h"
#include "core/status.h"
#include "fx/decimal.h"

namespace meridian::network {

// Ledger account codes of the network's accounts and transfer codes of
// its legs (fx/fx_state.h has 3, 5 and 31–33).
inline constexpr uint16_t kAccountCodeWalletPosition = 10;
inline constexpr uint16_t kAccountCodeAcquirerPayable = 11;
inline constexpr uint16_t kAccountCodeNetworkFees = 12;
inline constexpr uint16_t kAccountCodePromotionFunding = 13;
inline constexpr uint16_t kTransferCodePayment = 40;   // payer side
inline constexpr uint16_t kTransferCodeMerchant = 41;  // to the acquirer
inline constexpr uint16_t kTransferCodeHubFee = 42;
inline constexpr uint16_t kTransferCodeDiscount = 43;  // from a funder
inline constexpr uint16_t kTransferCodeRefund = 44;
inline constexpr uint16_t kTransferCodeCancel = 45;

// The hub's network fee account per currency: a fixed id ("MRNW" in the
// top bytes, then the ISO numeric code), like the FX accounts.
inline constexpr uint32_t kNetworkAccountTag = 0x4D524E57u;  // "MRNW"
u128 NetworkFeeAccountId(Currency currency);
// A participant's account in a currency (position for a wallet, payable
// for an acquirer, or its promotion funding account).
u128 ParticipantAccountId(u128 participant, Currency currency, uint16_t code);

enum class ParticipantType : uint8_t { kWallet = 1, kAcquirer = 2 };
std::string_view ParticipantTypeName(ParticipantType t);  // "WALLET", …
std::optional<ParticipantType> ParticipantTypeFromName(std::string_view name);

inline constexpr size_t kMaxNameBytes = 128;
inline constexpr size_t kMaxTimeZoneBytes = 64;
inline constexpr size_t kMaxUrlBytes = 2048;
inline constexpr size_t kMaxCodePrefixes = 16;
inline constexpr size_t kMinCodePrefixDigits = 2;
inline constexpr size_t kMaxCodePrefixDigits = 12;
inline constexpr size_t kMinCustomerCodeDigits = 16;
inline constexpr size_t kMaxCustomerCodeDigits = 24;
inline constexpr size_t kMaxReferenceBytes = 64;
inline constexpr size_t kMaxCityBytes = 64;
inline constexpr size_t kMaxPostalCodeBytes = 16;
inline constexpr size_t kMaxNationalKeyBytes = 512;
inline constexpr size_t kMaxRequestIdBytes = 64;
inline constexpr uint32_t kMaxFeeBps = 2'000;
inline constexpr uint32_t kMinCpmHoldS = 5;
inline constexpr uint32_t kMaxCpmHoldS = 3600;

struct Participant {
  u128 id = 0;  // also its principal: it calls the API with its own key
  ParticipantType type = ParticipantType::kWallet;
  std::string name;
  CountryCode country = 0;
  Currency currency;             // its users' (wallet) or merchants' (acquirer)
  Currency settlement_currency;  // what its net is paid in
  std::string time_zone;         // IANA, for its clearing cut-off
  // Wallets: how far the position may go below zero, in `currency`.
  int64_t net_debit_cap_minor = 0;
  std::string authorize_url;               // wallets: CPM authorisation calls
  std::string notify_url;                  // where its notifications go
  std::vector<std::string> code_prefixes;  // wallets: CPM routing
  uint32_t merchant_fee_bps = 0;           // acquirers: the hub's fee
  // Wallets: how long a CPM payment's holds wait for the wallet's answer.
  uint32_t cpm_hold_s = 120;
  u128 key_id = 0;       // its first API key (the secret is shown once)
  u128 endpoint_id = 0;  // the webhook endpoint of notify_url (0: none)
  int64_t created_ns = 0;
};

struct Merchant {
  u128 id = 0;
  u128 acquirer = 0;
  std::string reference;  // the acquirer's own id
  std::string name;
  uint16_t mcc = 0;
  CountryCode country = 0;
  std::string city;
  std::string postal_code;
  Currency currency;
  // A national payload already on the counter, and the key it is found by
  // (qr::NationalKey): both empty when none was registered.
  std::string national_qr;
  std::string national_key;
  int64_t created_ns = 0;
};

// A dynamic (per-order) code's order.
struct Order {
  u128 id = 0;
  u128 merchant = 0;
  Currency currency;  // the merchant's
  int64_t amount_minor = 0;
  std::string reference;
  int64_t created_ns = 0;
  int64_t expires_ns = 0;
  u128 paid_by = 0;  // the payment that paid it (0 while open)
};

// A wallet user as the wallet declares them. The id is hashed by the
// gateway (scoped to the wallet); the name is screened by the gateway and
// never enters the engine.
struct Payer {
  u128 user = 0;
  CountryCode country = 0;
  uint8_t kyc_tier = 0;  // 0..3
};

// What a payment costs, decided once (by a quote, or when paying without
// one).
struct Pricing {
  Currency payer_currency;
  Currency merchant_currency;
  int64_t amount_minor = 0;    // the merchant's price, merchant currency
  int64_t discount_minor = 0;  // paid by the promotion's funder
  u128 promotion = 0;          // 0: none
  u128 funder = 0;             // the promotion's funder
  u128 fx_quote = 0;           // 0 when no conversion is needed
  fx::Decimal rate;         // payer currency per merchant unit, spread included
  int64_t payer_minor = 0;  // the wallet pays: sell + FX fee
  int64_t fx_fee_minor = 0;        // part of payer_minor, payer currency
  int64_t merchant_fee_minor = 0;  // the hub's, merchant currency
};

struct NetQuote {
  u128 id = 0;
  u128 wallet = 0;
  u128 merchant = 0;
  u128 order = 0;  // 0: static code
  Pricing pricing;
  int64_t created_ns = 0;
  int64_t expires_ns = 0;
  u128 used_by = 0;  // the payment (0 while open)
};

enum class PaymentKind : uint8_t { kMpm = 1, kCpm = 2 };
std::string_view PaymentKindName(PaymentKind k);  // "MPM", "CPM"

enum class PaymentStatus : uint8_t {
  kProcessing = 1,  // CPM: waiting for the wallet
  kSuccess = 2,
  kFail = 3,
  kHeld = 4,  // a compliance case holds the money
  kCancelled = 5,
};
std::string_view PaymentStatusName(PaymentStatus s);  // "SUCCESS", …
inline bool IsFinal(PaymentStatus s) {
  return s == PaymentStatus::kSuccess || s == PaymentStatus::kFail ||
         s == PaymentStatus::kCancelled;
}

struct Payment {
  u128 id = 0;
  PaymentKind kind = PaymentKind::kMpm;
  u128 wallet = 0;
  u128 acquirer = 0;
  u128 merchant = 0;
  u128 order = 0;
  // The acquirer's own ids, so that its notification says which counter
  // and which order were paid.
  std::string merchant_reference;
  std::string order_reference;
  std::string request_id;  // the caller's paymentRequestId
  u128 quote = 0;          // the network quote used (0: none)
  Payer payer;
  Pricing pricing;
  int64_t usd_minor = 0;  // the amount in USD at mid, for limits and risk
  PaymentStatus status = PaymentStatus::kProcessing;
  ErrorCode fail_code = ErrorCode::kSUCCESS;  // why it failed
  u128 case_id = 0;                           // a HELD payment's case
  u128 risk_assessment = 0;
  uint64_t window = 0;  // the clearing window it belongs to
  int64_t created_ns = 0;
  int64_t updated_ns = 0;
  int64_t hold_expires_ns = 0;  // PROCESSING and HELD: when the holds lapse
  int64_t refunded_minor = 0;   // merchant currency
  int64_t refunded_payer_minor = 0;
  int64_t refunded_discount_minor = 0;
  int64_t refunded_fx_fee_minor = 0;
  uint32_t refunds = 0;
  std::vector<u128> transfers;  // the chain (holds while not final)
};

struct Refund {
  u128 id = 0;
  u128 payment = 0;
  u128 acquirer = 0;
  std::string request_id;
  Currency merchant_currency;
  Currency payer_currency;
  int64_t amount_minor = 0;    // merchant currency
  int64_t payer_minor = 0;     // back to the wallet, payer currency
  int64_t discount_minor = 0;  // back to the funder, merchant currency
  int64_t created_ns = 0;
  std::vector<u128> transfers;
};

struct NetworkLimits {
  uint64_t max_participants = 10'000;
  uint64_t max_merchants = 5'000'000;
  uint64_t max_live_orders = 2'000'000;
  uint64_t max_live_quotes = 2'000'000;
  uint64_t max_payments = 5'000'000;
  uint64_t max_refunds_per_payment = 100;
  int64_t payment_retention_ns = 35LL * 24 * 3600 * 1'000'000'000;
  int64_t quote_validity_ns = 60LL * 1'000'000'000;
  int64_t max_order_validity_ns = 24LL * 3600 * 1'000'000'000;
  // How long an answered order or used quote is remembered (QR_EXPIRED,
  // QUOTE_EXPIRED rather than NOT_FOUND).
  int64_t grace_ns = 3600LL * 1'000'000'000;
  int64_t cancel_window_ns = 24LL * 3600 * 1'000'000'000;
};

class NetworkBook {
 public:
  explicit NetworkBook(NetworkLimits limits = {}) : limits_(limits) {}
  const NetworkLimits& limits() const { return limits_; }

  // ------------------------------------------------------------ changes
  // INVALID_PARAMETER for a code prefix another wallet has, RATE_LIMITED
  // past the bound; the caller validated the fields.
  Status CheckNewParticipant(const Participant& p) const;
  void AddParticipant(Participant p);
  Status CheckNewMerchant(const Merchant& m) const;
  void AddMerchant(Merchant m);
  Status CheckNewOrder(const Order& o, int64_t now_ns) const;
  void AddOrder(Order o);
  void MarkOrderPaid(u128 order, u128 payment);
  Status CheckNewQuote() const;
  void AddQuote(NetQuote q);
  void MarkQuoteUsed(u128 quote, u128 payment);
  Status CheckNewPayment() const;
  void PutPayment(Payment p);  // adds or replaces
  void AddRefund(Refund r);
  // Closes the open clearing window: payments made from now on belong to
  // the next. Returns the closed window's number.
  uint64_t CloseWindow(int64_t now_ns);
  // Forgets orders and quotes past expiry plus the grace, and final
  // payments past the retention. Called before each batch.
  void Expire(int64_t now_ns);
  // PROCESSING payments whose holds lapse at or before `now_ns`.
  std::vector<u128> LapsedHolds(int64_t now_ns) const;

  // ------------------------------------------------------------ reads
  const Participant* FindParticipant(u128 id) const;
  const Merchant* FindMerchant(u128 id) const;
  const Merchant* MerchantByNationalKey(std::string_view key) const;
  const Merchant* MerchantByReference(u128 acquirer,
                                      std::string_view reference) const;
  const Order* FindOrder(u128 id) const;
  const NetQuote* FindQuote(u128 id) const;
  const Payment* FindPayment(u128 id) const;
  // By the caller's paymentRequestId (the wallet's for MPM, the
  // acquirer's for CPM).
  const Payment* PaymentByRequest(u128 caller,
                                  std::string_view request_id) const;
  // The payment a compliance case holds; nullptr for any other case.
  const Payment* PaymentByCase(u128 case_id) const;
  const Refund* FindRefund(u128 id) const;
  std::vector<const Refund*> RefundsOf(u128 payment) const;
  // The wallet whose registered prefix is the longest one `code` starts
  // with; nullptr when none.
  const Participant* WalletForCode(std::string_view code) const;
  uint64_t open_window() const { return open_window_; }
  int64_t open_window_since_ns() const { return open_window_since_ns_; }

  const std::map<u128, Participant>& participants() const {
    return participants_;
  }
  const std::map<u128, Merchant>& merchants() const { return merchants_; }
  const std::map<u128, Payment>& payments() const { return payments_; }

  void Serialize(ByteWriter* w) const;
  static Result<NetworkBook> Deserialize(ByteReader* r, NetworkLimits limits);

 private:
  static u128 RequestKey(u128 caller, std::string_view request_id);

  NetworkLimits limits_;
  std::map<u128, Participant> participants_;
  std::map<std::string, u128> prefixes_;  // code prefix -> wallet
  std::map<u128, Merchant> merchants_;
  std::map<std::string, u128, std::less<>> national_;  // key -> merchant
  std::map<std::pair<u128, std::string>, u128, std::less<>>
      references_;  // (acquirer, reference) -> merchant
  std::map<u128, Order> orders_;
  std::set<std::pair<int64_t, u128>> order_expiry_;  // (forget at, id)
  std::map<u128, NetQuote> quotes_;
  std::set<std::pair<int64_t, u128>> quote_expiry_;
  std::map<u128, Payment> payments_;
  std::map<u128, u128> payment_requests_;     // RequestKey -> payment
  std::set<std::pair<int64_t, u128>> holds_;  // (lapse at, payment)
  std::map<u128, u128> case_payments_;        // case -> payment
  std::map<u128, Refund> refunds_;
  std::multimap<u128, u128> refunds_by_payment_;
  uint64_t open_window_ = 1;
  int64_t open_window_since_ns_ = 0;
};

}  // namespace meridian::network

#endif  // MERIDIAN_NETWORK_NETWORK_BOOK_H_
