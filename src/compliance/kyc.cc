#include "compliance/kyc.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/amount.h"

namespace meridian::compliance {
namespace {

constexpr size_t kMaxPolicyFiles = 256;
constexpr size_t kMaxPolicyBytes = 1 << 20;

// Reads one policy file; every error names the file and the key.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Error Bad(std::string_view key, std::string message) const {
    return MakeError(ErrorCode::kINVALID_PARAMETER,
                     file_ + (key.empty() ? "" : ":" + std::string(key)),
                     std::move(message));
  }

  // Refuses keys this reader does not know: a misspelt limit must not be a
  // silently missing one.
  Status OnlyKeys(const toml::table& t, std::string_view where,
                  std::initializer_list<std::string_view> known) const {
    for (const auto& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
        return Bad(std::string(where) + (where.empty() ? "" : ".") +
                       std::string(k.str()),
                   "unknown key; see policies/kyc/README.md");
      }
    }
    return Status::Ok();
  }

  Result<std::vector<std::string>> Strings(const toml::table& t,
                                           std::string_view key,
                                           std::string_view where) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    const toml::array* a = n->as_array();
    if (a == nullptr) return Bad(Path(where, key), "a list of strings");
    for (const toml::node& item : *a) {
      std::optional<std::string> s = item.value<std::string>();
      if (!s || s->empty() || s->size() > 64) {
        return Bad(Path(where, key), "a list of short strings");
      }
      out.push_back(*s);
    }
    return out;
  }

  // A decimal amount string ("150.00") in `currency`, as minor units; 0
  // when absent.
  Result<int64_t> Money(const toml::table& t, std::string_view key,
                        std::string_view where, Currency currency) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return int64_t{0};
    std::optional<std::string> s = n->value<std::string>();
    if (!s) {
      return Bad(Path(where, key),
                 "an amount as a string, e.g. \"150.00\" (no floats)");
    }
    Result<Amount> a = Amount::FromDecimalString(currency, *s);
    if (!a.ok() || a->minor_units() < 0) {
      return Bad(Path(where, key), "an amount in " +
                                       std::string(currency.code()) +
                                       " such as \"150.00\"");
    }
    return a->minor_units();
  }

  Result<int64_t> Int(const toml::table& t, std::string_view key,
                      std::string_view where, int64_t min, int64_t max) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return int64_t{0};
    std::optional<int64_t> v = n->value<int64_t>();
    if (!v || *v < min || *v > max) {
      return Bad(Path(where, key), "an integer from " + std::to_string(min) +
                                       " to " + std::to_string(max));
    }
    return *v;
  }

  static std::string Path(std::string_view where, std::string_view key) {
    return where.empty() ? std::string(key)
                         : std::string(where) + "." + std::string(key);
  }

 private:
  std::string file_;
};

Result<KycPolicy> ParsePolicy(const std::string& file,
                              const std::string& text) {
  Reader r(file);
  if (text.size() > kMaxPolicyBytes) return r.Bad("", "larger than 1 MiB");
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return r.Bad("", "line " + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
  }
  MERIDIAN_RETURN_IF_ERROR(
      r.OnlyKeys(root, "",
                 {"countries", "currency", "travel_rule_threshold",
                  "individual", "business", "tiers", "sca"}));
  KycPolicy p;
  p.name = std::filesystem::path(file).stem().string();
  MERIDIAN_ASSIGN_OR_RETURN(p.countries, r.Strings(root, "countries", ""));
  for (const std::string& c : p.countries) {
    if (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) ||
        !std::isupper(static_cast<unsigned char>(c[1]))) {
      return r.Bad("countries", "ISO 3166 alpha-2 codes such as \"DE\"");
    }
  }
  if (p.name == "default" && !p.countries.empty()) {
    return r.Bad("countries", "the default policy names no countries");
  }
  if (p.name != "default" && p.countries.empty()) {
    return r.Bad("countries", "name the countries this policy covers");
  }
  std::optional<std::string> cur = root["currency"].value<std::string>();
  Result<Currency> currency =
      cur ? Currency::FromCode(*cur)
          : Result<Currency>(MakeError(ErrorCode::kMISSING_PARAMETER, "", ""));
  if (!currency.ok()) {
    return r.Bad("currency", "the ISO 4217 code the amounts are in");
  }
  p.currency = *currency;
  MERIDIAN_ASSIGN_OR_RETURN(
      p.travel_rule_threshold_minor,
      r.Money(root, "travel_rule_threshold", "", p.currency));

  for (CustomerType type :
       {CustomerType::kIndividual, CustomerType::kBusiness}) {
    const std::string where =
        type == CustomerType::kIndividual ? "individual" : "business";
    const toml::table* t = root[where].as_table();
    if (t == nullptr) {
      return r.Bad(where, "a [" + where + "] table of requirements");
    }
    MERIDIAN_RETURN_IF_ERROR(r.OnlyKeys(
        *t, where, {"fields", "documents", "checks", "owner_threshold_pct"}));
    CustomerRequirements req;
    MERIDIAN_ASSIGN_OR_RETURN(req.fields, r.Strings(*t, "fields", where));
    MERIDIAN_ASSIGN_OR_RETURN(req.documents, r.Strings(*t, "documents", where));
    MERIDIAN_ASSIGN_OR_RETURN(req.checks, r.Strings(*t, "checks", where));
    MERIDIAN_ASSIGN_OR_RETURN(int64_t pct,
                              r.Int(*t, "owner_threshold_pct", where, 0, 100));
    if (type == CustomerType::kIndividual && pct != 0) {
      return r.Bad(where + ".owner_threshold_pct",
                   "only businesses have owners");
    }
    req.owner_threshold_pct = static_cast<uint32_t>(pct);
    p.requirements[type] = std::move(req);
  }

  const toml::array* tiers = root["tiers"].as_array();
  if (tiers == nullptr || tiers->empty()) {
    return r.Bad("tiers", "at least one [[tiers]] entry");
  }
  for (size_t i = 0; i < tiers->size(); ++i) {
    const std::string where = "tiers[" + std::to_string(i) + "]";
    const toml::table* t = (*tiers)[i].as_table();
    if (t == nullptr) return r.Bad(where, "a table");
    MERIDIAN_RETURN_IF_ERROR(r.OnlyKeys(
        *t, where,
        {"name", "customer_type", "fields", "single_limit", "daily_limit",
         "monthly_limit", "yearly_limit", "balance_limit"}));
    Tier tier;
    std::optional<std::string> name = (*t)["name"].value<std::string>();
    if (!name || name->empty() || name->size() > 32) {
      return r.Bad(where + ".name", "a short tier name such as \"SDD\"");
    }
    tier.name = *name;
    for (const Tier& other : p.tiers) {
      if (other.name == tier.name) return r.Bad(where + ".name", "used twice");
    }
    std::optional<std::string> type =
        (*t)["customer_type"].value<std::string>();
    std::optional<CustomerType> ct =
        type ? CustomerTypeFromName(*type) : std::nullopt;
    if (!ct) return r.Bad(where + ".customer_type", "INDIVIDUAL or BUSINESS");
    tier.customer_type = *ct;
    MERIDIAN_ASSIGN_OR_RETURN(tier.fields, r.Strings(*t, "fields", where));
    MERIDIAN_ASSIGN_OR_RETURN(tier.single_limit_minor,
                              r.Money(*t, "single_limit", where, p.currency));
    MERIDIAN_ASSIGN_OR_RETURN(tier.daily_limit_minor,
                              r.Money(*t, "daily_limit", where, p.currency));
    MERIDIAN_ASSIGN_OR_RETURN(tier.monthly_limit_minor,
                              r.Money(*t, "monthly_limit", where, p.currency));
    MERIDIAN_ASSIGN_OR_RETURN(tier.yearly_limit_minor,
                              r.Money(*t, "yearly_limit", where, p.currency));
    MERIDIAN_ASSIGN_OR_RETURN(tier.balance_limit_minor,
                              r.Money(*t, "balance_limit", where, p.currency));
    p.tiers.push_back(std::move(tier));
  }

  if (const toml::table* sca = root["sca"].as_table()) {
    MERIDIAN_RETURN_IF_ERROR(
        r.OnlyKeys(*sca, "sca",
                   {"applies", "low_value_limit", "low_value_cumulative",
                    "low_value_cumulative_count", "tra"}));
    p.sca.applies = (*sca)["applies"].value_or(false);
    MERIDIAN_ASSIGN_OR_RETURN(
        p.sca.low_value_limit_minor,
        r.Money(*sca, "low_value_limit", "sca", p.currency));
    MERIDIAN_ASSIGN_OR_RETURN(
        p.sca.low_value_cumulative_minor,
        r.Money(*sca, "low_value_cumulative", "sca", p.currency));
    MERIDIAN_ASSIGN_OR_RETURN(
        int64_t count,
        r.Int(*sca, "low_value_cumulative_count", "sca", 0, 100));
    p.sca.low_value_cumulative_count = static_cast<uint32_t>(count);
    if (const toml::array* tra = (*sca)["tra"].as_array()) {
      for (size_t i = 0; i < tra->size(); ++i) {
        const std::string where = "sca.tra[" + std::to_string(i) + "]";
        const toml::table* band = (*tra)[i].as_table();
        if (band == nullptr) return r.Bad(where, "{fraud_rate_bp, max_amount}");
        MERIDIAN_RETURN_IF_ERROR(
            r.OnlyKeys(*band, where, {"fraud_rate_bp", "max_amount"}));
        TraBand b;
        MERIDIAN_ASSIGN_OR_RETURN(
            int64_t rate, r.Int(*band, "fraud_rate_bp", where, 0, 10'000));
        b.fraud_rate_bp = static_cast<uint32_t>(rate);
        MERIDIAN_ASSIGN_OR_RETURN(
            b.max_amount_minor,
            r.Money(*band, "max_amount", where, p.currency));
        if (!p.sca.tra_bands.empty() &&
            b.fraud_rate_bp <= p.sca.tra_bands.back().fraud_rate_bp) {
          return r.Bad(where, "bands ascending by fraud_rate_bp");
        }
        p.sca.tra_bands.push_back(b);
      }
    }
  }
  return p;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string_view CustomerTypeName(CustomerType t) {
  return t == CustomerType::kIndividual ? "INDIVIDUAL" : "BUSINESS";
}

std::optional<CustomerType> CustomerTypeFromName(std::string_view name) {
  if (name == "INDIVIDUAL") return CustomerType::kIndividual;
  if (name == "BUSINESS") return CustomerType::kBusiness;
  return std::nullopt;
}

std::string_view ScaExemptionName(ScaExemption e) {
  switch (e) {
    case ScaExemption::kNone:
      return "NONE";
    case ScaExemption::kLowValue:
      return "LOW_VALUE";
    case ScaExemption::kTransactionRisk:
      return "TRANSACTION_RISK_ANALYSIS";
  }
  return "NONE";
}

const Tier* KycPolicy::FindTier(std::string_view name) const {
  for (const Tier& t : tiers) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string> KycPolicy::Missing(
    CustomerType type, const Tier& tier,
    const std::vector<std::string>& provided,
    const std::vector<std::pair<uint32_t, std::vector<std::string>>>& owners)
    const {
  std::vector<std::string> missing;
  const CustomerRequirements& req = requirements.at(type);
  // A tier may ask for less than the full requirements (simplified due
  // diligence): then only its own fields count.
  const std::vector<std::string>& fields =
      tier.fields.empty() ? req.fields : tier.fields;
  for (const std::string& f : fields) {
    if (!Has(provided, f)) missing.push_back(f);
  }
  if (tier.fields.empty()) {
    for (const std::string& d : req.documents) {
      if (!Has(provided, d)) missing.push_back(d);
    }
  }
  if (type == CustomerType::kBusiness && req.owner_threshold_pct > 0) {
    for (size_t i = 0; i < owners.size(); ++i) {
      if (owners[i].first < req.owner_threshold_pct) continue;
      for (const char* f : {"name", "date_of_birth", "nationality"}) {
        if (!Has(owners[i].second, f)) {
          missing.push_back("owners[" + std::to_string(i) + "]." + f);
        }
      }
    }
  }
  return missing;
}

Status KycPolicy::CheckLimits(const Tier& tier, const Usage& usage,
                              int64_t amount_minor) const {
  auto over = [&](int64_t limit, int64_t used, const char* name) -> Status {
    if (limit == 0 || used + amount_minor <= limit) return Status::Ok();
    Amount l = *Amount::FromMinorUnits(currency, limit);
    return MakeError(ErrorCode::kLIMIT_EXCEEDED, name,
                     "over the " + tier.name + " tier's " + name + " of " +
                         l.ToDecimalString() + " " +
                         std::string(currency.code()) +
                         "; a higher tier needs more due diligence");
  };
  MERIDIAN_RETURN_IF_ERROR(over(tier.single_limit_minor, 0, "single_limit"));
  MERIDIAN_RETURN_IF_ERROR(
      over(tier.daily_limit_minor, usage.day_minor, "daily_limit"));
  MERIDIAN_RETURN_IF_ERROR(
      over(tier.monthly_limit_minor, usage.month_minor, "monthly_limit"));
  MERIDIAN_RETURN_IF_ERROR(
      over(tier.yearly_limit_minor, usage.year_minor, "yearly_limit"));
  MERIDIAN_RETURN_IF_ERROR(
      over(tier.balance_limit_minor, usage.balance_minor, "balance_limit"));
  return Status::Ok();
}

ScaDecision KycPolicy::Sca(int64_t amount_minor,
                           int64_t cumulative_since_sca_minor,
                           uint32_t count_since_sca,
                           uint32_t fraud_rate_bp) const {
  ScaDecision d;
  if (!sca.applies) {
    d.reason = "no strong customer authentication rule in " + name;
    return d;
  }
  // Low value (PSD2 RTS art. 16): under the limit while both cumulative
  // counters stay under theirs.
  if (sca.low_value_limit_minor > 0 &&
      amount_minor < sca.low_value_limit_minor &&
      (sca.low_value_cumulative_minor == 0 ||
       cumulative_since_sca_minor + amount_minor <=
           sca.low_value_cumulative_minor) &&
      (sca.low_value_cumulative_count == 0 ||
       count_since_sca + 1 <= sca.low_value_cumulative_count)) {
    d.exemption = ScaExemption::kLowValue;
    d.reason = "low-value exemption";
    return d;
  }
  // Transaction-risk analysis (art. 18): the acquirer's fraud rate decides
  // the largest exempt amount.
  for (const TraBand& b : sca.tra_bands) {
    if (fraud_rate_bp <= b.fraud_rate_bp &&
        amount_minor <= b.max_amount_minor) {
      d.exemption = ScaExemption::kTransactionRisk;
      d.reason = "transaction-risk analysis: fraud rate within " +
                 std::to_string(b.fraud_rate_bp) + " bp";
      return d;
    }
  }
  d.required = true;
  d.reason = "strong customer authentication required";
  return d;
}

const KycPolicy& KycPolicies::For(std::string_view country) const {
  auto it = by_country_.find(std::string(country));
  return policies_[it == by_country_.end() ? 0 : it->second];
}

Result<KycPolicies> ParseKycPolicies(
    const std::vector<std::pair<std::string, std::string>>& files) {
  KycPolicies out;
  std::vector<std::pair<std::string, std::string>> sorted = files;
  // The default first, then by name: the same files give the same policies
  // whatever order the directory lists them in.
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    const bool da = a.first == "default.toml", db = b.first == "default.toml";
    return da != db ? da : a.first < b.first;
  });
  if (sorted.empty() || sorted[0].first != "default.toml") {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "default.toml",
                     "a default policy (default.toml) is needed");
  }
  if (sorted.size() > kMaxPolicyFiles) {
    return MakeError(ErrorCode::kINVALID_PARAMETER, "",
                     "at most 256 policy files");
  }
  for (const auto& [file, text] : sorted) {
    MERIDIAN_ASSIGN_OR_RETURN(KycPolicy p, ParsePolicy(file, text));
    for (const std::string& c : p.countries) {
      if (out.by_country_.contains(c)) {
        return MakeError(ErrorCode::kINVALID_PARAMETER, file + ":countries",
                         c + " is covered by " +
                             out.policies_[out.by_country_[c]].name +
                             " already");
      }
      out.by_country_[c] = out.policies_.size();
    }
    out.policies_.push_back(std::move(p));
  }
  return out;
}

Result<KycPolicies> LoadKycPolicies(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".toml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) {
      return MakeError(ErrorCode::kIO_ERROR, e.path().string(), "unreadable");
    }
    files.emplace_back(e.path().filename().string(), ss.str());
  }
  if (ec) {
    return MakeError(ErrorCode::kIO_ERROR, dir,
                     "cannot list the policy folder: " + ec.message());
  }
  return ParseKycPolicies(files);
}

}  // namespace meridian::compliance
