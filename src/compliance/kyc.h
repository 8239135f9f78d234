// KYC policies: what a customer must provide in a country, which checks
// run, what each tier may do, when strong customer authentication applies
// and from which amount the travel rule does — read from data files, so a
// policy changes without code (spec/compliance_risk.md "KYC policies").
//
// One TOML file per country or group of countries (`countries = ["DE",
// "FR", …]`) plus `default.toml`; policies/kyc/ in the repository holds the
// shipped set and documents every key. The products call this library:
//
//   MERIDIAN_ASSIGN_OR_RETURN(KycPolicies p, LoadKycPolicies("policies/kyc"));
//   const KycPolicy& de = p.For("DE");
//   std::vector<std::string> missing =
//       de.Missing(CustomerType::kBusiness, tier, provided_fields, owners);
//   Status s = de.CheckLimits(tier, usage, amount);       // LIMIT_EXCEEDED
//   ScaDecision sca = de.Sca(amount, cumulative, fraud_rate_bp);
//
// Amounts are integer minor units of the policy's currency (the caller
// converts at mid first); nothing here reads a clock: usage comes in.
#ifndef MERIDIAN_COMPLIANCE_KYC_H_
#define MERIDIAN_COMPLIANCE_KYC_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/currency.h"
#include "core/status.h"

namespace meridian::compliance {

enum class CustomerType : uint8_t { kIndividual = 0, kBusiness = 1 };
std::string_view CustomerTypeName(CustomerType t);  // "INDIVIDUAL", …
std::optional<CustomerType> CustomerTypeFromName(std::string_view name);

struct CustomerRequirements {
  std::vector<std::string> fields;     // "name", "date_of_birth", …
  std::vector<std::string> documents;  // "identity_document", …
  std::vector<std::string> checks;     // "sanctions", "pep", …
  // Businesses: owners holding at least this share (percent) must be
  // named, identified and screened (FinCEN CDD: 25). 0: none.
  uint32_t owner_threshold_pct = 0;
};

struct Tier {
  std::string name;  // "SDD", "STANDARD", "CLASS_II", …
  CustomerType customer_type = CustomerType::kIndividual;
  // Fields (beyond none) a customer of this tier must have provided.
  std::vector<std::string> fields;
  // Limits in minor units of the policy's currency; 0 means no limit.
  int64_t single_limit_minor = 0;
  int64_t daily_limit_minor = 0;
  int64_t monthly_limit_minor = 0;
  int64_t yearly_limit_minor = 0;
  int64_t balance_limit_minor = 0;
};

// What the customer has done so far in the current day, month and year
// (counted by the engine) and holds now.
struct Usage {
  int64_t day_minor = 0;
  int64_t month_minor = 0;
  int64_t year_minor = 0;
  int64_t balance_minor = 0;
};

struct TraBand {
  uint32_t fraud_rate_bp = 0;  // the acquirer's fraud rate at most this
  int64_t max_amount_minor = 0;
};

struct ScaRules {
  bool applies = false;
  int64_t low_value_limit_minor = 0;        // remote payments under this …
  int64_t low_value_cumulative_minor = 0;   // … until this much since SCA
  uint32_t low_value_cumulative_count = 0;  // … or this many payments
  std::vector<TraBand> tra_bands;           // ascending fraud rate
};

enum class ScaExemption : uint8_t { kNone, kLowValue, kTransactionRisk };
std::string_view ScaExemptionName(ScaExemption e);

struct ScaDecision {
  bool required = false;
  ScaExemption exemption = ScaExemption::kNone;
  std::string reason;
};

struct KycPolicy {
  std::string name;                    // the file's stem: "eea", "us", …
  std::vector<std::string> countries;  // alpha-2; empty for the default
  Currency currency;                   // of every amount below
  std::map<CustomerType, CustomerRequirements> requirements;
  std::vector<Tier> tiers;
  ScaRules sca;
  int64_t travel_rule_threshold_minor = 0;  // 0: no travel rule

  const Tier* FindTier(std::string_view name) const;
  // What the customer still lacks for `tier`: fields and documents of the
  // customer type and the tier, and (businesses) owners at or above the
  // threshold without the owner fields. Empty: complete.
  std::vector<std::string> Missing(
      CustomerType type, const Tier& tier,
      const std::vector<std::string>& provided,
      const std::vector<std::pair<uint32_t, std::vector<std::string>>>&
          owners_pct_and_fields) const;
  // LIMIT_EXCEEDED naming the limit ("monthly_limit") when `amount_minor`
  // on top of `usage` passes one of the tier's limits.
  Status CheckLimits(const Tier& tier, const Usage& usage,
                     int64_t amount_minor) const;
  // Whether a remote card payment needs SCA, and under which exemption it
  // may go without.
  ScaDecision Sca(int64_t amount_minor, int64_t cumulative_since_sca_minor,
                  uint32_t count_since_sca, uint32_t fraud_rate_bp) const;
  bool TravelRuleApplies(int64_t amount_minor) const {
    return travel_rule_threshold_minor > 0 &&
           amount_minor >= travel_rule_threshold_minor;
  }
};

class KycPolicies {
 public:
  // The policy naming `country` (alpha-2), else the default.
  const KycPolicy& For(std::string_view country) const;
  const std::vector<KycPolicy>& all() const { return policies_; }

 private:
  friend Result<KycPolicies> ParseKycPolicies(
      const std::vector<std::pair<std::string, std::string>>& files);
  std::vector<KycPolicy> policies_;  // the default first
  std::map<std::string, size_t> by_country_;
};

// (file name, TOML text) pairs; one must be "default.toml". INVALID_PARAMETER
// naming the file and key for anything malformed, unknown or out of range,
// and for a country claimed by two files.
Result<KycPolicies> ParseKycPolicies(
    const std::vector<std::pair<std::string, std::string>>& files);
// Every *.toml in `dir`.
Result<KycPolicies> LoadKycPolicies(const std::string& dir);

}  // namespace meridian::compliance

#endif  // MERIDIAN_COMPLIANCE_KYC_H_
