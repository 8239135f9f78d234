#include "risk/rules.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>

namespace meridian::risk {
namespace {

constexpr std::string_view kDecisionNames[] = {"APPROVE", "CHALLENGE",
                                               "REVIEW", "DECLINE"};

Error Bad(std::string param, std::string message) {
  return MakeError(ErrorCode::kINVALID_PARAMETER, std::move(param),
                   std::move(message));
}

Status OnlyKeys(const toml::table& t, const std::string& where,
                std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : t) {
    if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
      return Bad(where.empty() ? std::string(k.str())
                               : where + "." + std::string(k.str()),
                 "unknown key; see policies/risk/README.md");
    }
  }
  return Status::Ok();
}

bool IsName(std::string_view s, bool upper) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || c == '_' ||
              (upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z'));
    if (!ok) return false;
  }
  return true;
}

Result<int64_t> IntIn(const toml::table& t, std::string_view key,
                      const std::string& where, int64_t min, int64_t max,
                      int64_t absent) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return absent;
  std::optional<int64_t> v = n->value_exact<int64_t>();
  if (!v || *v < min || *v > max) {
    return Bad(where.empty() ? std::string(key)
                             : where + "." + std::string(key),
               "an integer from " + std::to_string(min) + " to " +
                   std::to_string(max));
  }
  return *v;
}

Result<std::string> Str(const toml::table& t, std::string_view key,
                        const std::string& where, bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) return Bad(where + "." + std::string(key), "required");
    return std::string();
  }
  std::optional<std::string> s = n->value_exact<std::string>();
  if (!s) return Bad(where + "." + std::string(key), "a string");
  return *s;
}

// "card_declines_1h >= 3".
Result<Condition> ParseCondition(std::string_view text,
                                 const std::string& where) {
  auto skip = [&](size_t i) {
    while (i < text.size() && text[i] == ' ') ++i;
    return i;
  };
  size_t i = skip(0);
  size_t start = i;
  while (i < text.size() && text[i] != ' ' && text[i] != '<' &&
         text[i] != '>' && text[i] != '=' && text[i] != '!') {
    ++i;
  }
  std::string_view name = text.substr(start, i - start);
  std::optional<Feature> feature = FeatureFromName(name);
  if (!feature) {
    return Bad(where, "unknown feature \"" + std::string(name) +
                          "\" (features.h lists the names)");
  }
  i = skip(i);
  Op op;
  std::string_view rest = text.substr(i);
  size_t op_len = 2;
  if (rest.starts_with("<=")) op = Op::kLe;
  else if (rest.starts_with(">=")) op = Op::kGe;
  else if (rest.starts_with("==")) op = Op::kEq;
  else if (rest.starts_with("!=")) op = Op::kNe;
  else if (rest.starts_with("<")) op = Op::kLt, op_len = 1;
  else if (rest.starts_with(">")) op = Op::kGt, op_len = 1;
  else {
    return Bad(where, "expected one of < <= > >= == != after \"" +
                          std::string(name) + "\"");
  }
  i = skip(i + op_len);
  size_t end = text.size();
  while (end > i && text[end - 1] == ' ') --end;
  std::string_view number = text.substr(i, end - i);
  int64_t value = 0;
  auto [p, ec] =
      std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() ||
      p != number.data() + number.size()) {
    return Bad(where, "expected an integer after the operator, not \"" +
                          std::string(number) + "\"");
  }
  return Condition{*feature, op, value};
}

Result<Thresholds> ParseThresholds(const toml::node* n,
                                   const std::string& where) {
  const toml::table* t = n ? n->as_table() : nullptr;
  if (t == nullptr) return Bad(where, "a table {challenge, review, decline}");
  MERIDIAN_RETURN_IF_ERROR(
      OnlyKeys(*t, where, {"challenge", "review", "decline"}));
  Thresholds th;
  for (auto [key, field] :
       {std::pair{"challenge", &th.challenge}, {"review", &th.review},
        {"decline", &th.decline}}) {
    if (t->get(key) == nullptr) {
      return Bad(where + "." + key, "required (10001 means never)");
    }
    MERIDIAN_ASSIGN_OR_RETURN(int64_t v,
                              IntIn(*t, key, where, 0, kMaxScore + 1, 0));
    *field = static_cast<int32_t>(v);
  }
  if (!(th.challenge <= th.review && th.review <= th.decline)) {
    return Bad(where, "challenge <= review <= decline");
  }
  return th;
}

Result<Rule> ParseRule(const toml::node& n, const std::string& list,
                       size_t index) {
  std::string where = list + "[" + std::to_string(index) + "]";
  const toml::table* t = n.as_table();
  if (t == nullptr) return Bad(where, "a table");
  Rule rule;
  MERIDIAN_ASSIGN_OR_RETURN(rule.name, Str(*t, "name", where, true));
  if (!IsName(rule.name, false)) {
    return Bad(where + ".name", "1..64 of [a-z0-9_]");
  }
  where = list + "[" + rule.name + "]";
  MERIDIAN_RETURN_IF_ERROR(
      OnlyKeys(*t, where, {"name", "reason", "when", "points", "decision"}));
  MERIDIAN_ASSIGN_OR_RETURN(rule.reason, Str(*t, "reason", where, true));
  if (!IsName(rule.reason, true)) {
    return Bad(where + ".reason", "a reason code: 1..64 of [A-Z0-9_]");
  }
  const toml::array* when = t->get_as<toml::array>("when");
  if (when == nullptr || when->empty()) {
    return Bad(where + ".when", "a non-empty list of conditions such as "
                                "\"card_declines_1h >= 3\"");
  }
  if (when->size() > kMaxConditions) {
    return Bad(where + ".when",
               "at most " + std::to_string(kMaxConditions) + " conditions");
  }
  for (size_t i = 0; i < when->size(); ++i) {
    std::string cw = where + ".when[" + std::to_string(i) + "]";
    std::optional<std::string> text = (*when)[i].value_exact<std::string>();
    if (!text) return Bad(cw, "a string such as \"card_declines_1h >= 3\"");
    MERIDIAN_ASSIGN_OR_RETURN(Condition c, ParseCondition(*text, cw));
    rule.all_of.push_back(c);
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      int64_t points, IntIn(*t, "points", where, -kMaxScore, kMaxScore, 0));
  rule.points = static_cast<int32_t>(points);
  if (t->get("decision") != nullptr) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string d,
                              Str(*t, "decision", where, true));
    rule.decision = DecisionFromName(d);
    if (!rule.decision) {
      return Bad(where + ".decision",
                 "one of APPROVE, CHALLENGE, REVIEW, DECLINE");
    }
  }
  if (t->get("points") == nullptr && !rule.decision) {
    return Bad(where, "needs points, a decision, or both");
  }
  return rule;
}

Status ParseRules(const toml::table& t, std::string_view key,
                  const std::string& where, std::vector<Rule>* out,
                  size_t* total) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Status::Ok();
  const toml::array* a = n->as_array();
  std::string list = where.empty() ? std::string(key)
                                   : where + "." + std::string(key);
  if (a == nullptr) return Bad(list, "an array of tables ([[" + list + "]])");
  for (size_t i = 0; i < a->size(); ++i) {
    if (++*total > kMaxRules) {
      return Bad(list, "more than " + std::to_string(kMaxRules) +
                           " rules in all");
    }
    MERIDIAN_ASSIGN_OR_RETURN(Rule r, ParseRule((*a)[i], list, i));
    for (const Rule& other : *out) {
      if (other.name == r.name) {
        return Bad(list + "[" + r.name + "].name", "duplicate rule name");
      }
    }
    out->push_back(std::move(r));
  }
  return Status::Ok();
}

// Severity, then |points|, then order: the sort of RuleResult::hits.
bool MoreDecisive(const Rule* a, size_t ai, const Rule* b, size_t bi) {
  int sa = a->decision && *a->decision != Decision::kApprove
               ? static_cast<int>(*a->decision)
               : 0;
  int sb = b->decision && *b->decision != Decision::kApprove
               ? static_cast<int>(*b->decision)
               : 0;
  if (sa != sb) return sa > sb;
  int32_t pa = a->points < 0 ? -a->points : a->points;
  int32_t pb = b->points < 0 ? -b->points : b->points;
  if (pa != pb) return pa > pb;
  return ai < bi;
}

}  // namespace

std::string_view DecisionName(Decision d) {
  return kDecisionNames[static_cast<size_t>(d)];
}
std::optional<Decision> DecisionFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kDecisionNames); ++i) {
    if (kDecisionNames[i] == name) return static_cast<Decision>(i);
  }
  return std::nullopt;
}

bool Condition::Holds(const FeatureVector& f) const {
  int64_t x = f[feature];
  switch (op) {
    case Op::kLt: return x < value;
    case Op::kLe: return x <= value;
    case Op::kGt: return x > value;
    case Op::kGe: return x >= value;
    case Op::kEq: return x == value;
    case Op::kNe: return x != value;
  }
  return false;
}

bool Rule::Matches(const FeatureVector& f) const {
  for (const Condition& c : all_of) {
    if (!c.Holds(f)) return false;
  }
  return true;
}

Decision Thresholds::ForScore(int32_t score) const {
  if (score >= decline) return Decision::kDecline;
  if (score >= review) return Decision::kReview;
  if (score >= challenge) return Decision::kChallenge;
  return Decision::kApprove;
}

Result<RiskRules> RiskRules::Parse(std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    return Bad("rules", "larger than 1 MiB");
  }
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return Bad("rules", "TOML line " + std::to_string(e.source().begin.line) +
                            ": " + std::string(e.description()));
  }
  MERIDIAN_RETURN_IF_ERROR(OnlyKeys(root, "",
                                    {"version", "model_weight_pct",
                                     "thresholds", "rules", "industries",
                                     "regions", "merchants"}));
  MERIDIAN_ASSIGN_OR_RETURN(int64_t version,
                            IntIn(root, "version", "", 1, 1, 0));
  if (version != 1) return Bad("version", "required: version = 1");
  RiskRules out;
  out.text_ = std::string(text);
  MERIDIAN_ASSIGN_OR_RETURN(int64_t weight,
                            IntIn(root, "model_weight_pct", "", 0, 100, 100));
  out.model_weight_pct_ = static_cast<int32_t>(weight);
  MERIDIAN_ASSIGN_OR_RETURN(out.thresholds_,
                            ParseThresholds(root.get("thresholds"),
                                            "thresholds"));
  size_t total = 0;
  MERIDIAN_RETURN_IF_ERROR(ParseRules(root, "rules", "", &out.rules_, &total));

  for (auto [key, list] : {std::pair{"industries", &out.industries_},
                           {"regions", &out.regions_}}) {
    const toml::node* n = root.get(key);
    if (n == nullptr) continue;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      return Bad(key, std::string("an array of tables ([[") + key + "]])");
    }
    if (a->size() > kMaxOverrides) {
      return Bad(key, "at most " + std::to_string(kMaxOverrides));
    }
    for (size_t i = 0; i < a->size(); ++i) {
      std::string where = std::string(key) + "[" + std::to_string(i) + "]";
      const toml::table* t = (*a)[i].as_table();
      if (t == nullptr) return Bad(where, "a table");
      Override o;
      MERIDIAN_ASSIGN_OR_RETURN(o.name, Str(*t, "name", where, true));
      if (o.name.empty() || o.name.size() > 64) {
        return Bad(where + ".name", "1..64 characters");
      }
      where = std::string(key) + "[" + o.name + "]";
      MERIDIAN_RETURN_IF_ERROR(
          OnlyKeys(*t, where, {"name", "thresholds", "rules", "disable"}));
      if (t->get("thresholds") != nullptr) {
        MERIDIAN_ASSIGN_OR_RETURN(
            o.thresholds,
            ParseThresholds(t->get("thresholds"), where + ".thresholds"));
      }
      MERIDIAN_RETURN_IF_ERROR(ParseRules(*t, "rules", where, &o.rules,
                                          &total));
      for (const Rule& r : o.rules) {
        for (const Rule& d : out.rules_) {
          if (d.name == r.name) {
            return Bad(where + ".rules[" + r.name + "].name",
                       "a default rule has this name; disable it and name "
                       "the replacement differently");
          }
        }
      }
      if (const toml::node* dn = t->get("disable")) {
        const toml::array* da = dn->as_array();
        if (da == nullptr) return Bad(where + ".disable", "a list of names");
        for (size_t j = 0; j < da->size(); ++j) {
          std::optional<std::string> s = (*da)[j].value_exact<std::string>();
          std::string dw = where + ".disable[" + std::to_string(j) + "]";
          if (!s) return Bad(dw, "a rule name");
          auto it = std::find_if(out.rules_.begin(), out.rules_.end(),
                                 [&](const Rule& r) { return r.name == *s; });
          if (it == out.rules_.end()) {
            return Bad(dw, "no default rule is named \"" + *s + "\"");
          }
          o.disable.push_back(*s);
          o.disabled.push_back(
              static_cast<uint16_t>(it - out.rules_.begin()));
        }
      }
      for (const Override& other : *list) {
        if (other.name == o.name) return Bad(where, "duplicate name");
      }
      list->push_back(std::move(o));
    }
    std::sort(list->begin(), list->end(),
              [](const Override& a, const Override& b) {
                return a.name < b.name;
              });
  }

  if (const toml::node* n = root.get("merchants")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) return Bad("merchants", "an array of tables");
    if (a->size() > kMaxMerchants) {
      return Bad("merchants", "at most " + std::to_string(kMaxMerchants));
    }
    for (size_t i = 0; i < a->size(); ++i) {
      std::string where = "merchants[" + std::to_string(i) + "]";
      const toml::table* t = (*a)[i].as_table();
      if (t == nullptr) return Bad(where, "a table");
      MERIDIAN_RETURN_IF_ERROR(OnlyKeys(*t, where, {"id", "thresholds"}));
      MERIDIAN_ASSIGN_OR_RETURN(std::string id_text,
                                Str(*t, "id", where, true));
      std::optional<u128> id = ParseU128(id_text);
      if (!id || *id == 0) {
        return Bad(where + ".id", "the merchant id as a decimal string");
      }
      where = "merchants[" + id_text + "]";
      MERIDIAN_ASSIGN_OR_RETURN(
          Thresholds th,
          ParseThresholds(t->get("thresholds"), where + ".thresholds"));
      out.merchants_.emplace_back(*id, th);
    }
    std::sort(out.merchants_.begin(), out.merchants_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < out.merchants_.size(); ++i) {
      if (out.merchants_[i].first == out.merchants_[i - 1].first) {
        return Bad("merchants[" + U128ToString(out.merchants_[i].first) + "]",
                   "duplicate merchant id");
      }
    }
  }
  return out;
}

const Override* RiskRules::FindOverride(const std::vector<Override>& list,
                                        std::string_view name) const {
  if (name.empty()) return nullptr;
  auto it = std::lower_bound(
      list.begin(), list.end(), name,
      [](const Override& o, std::string_view n) { return o.name < n; });
  return it != list.end() && it->name == name ? &*it : nullptr;
}

RuleResult RiskRules::Evaluate(const FeatureVector& f,
                               std::string_view industry,
                               std::string_view region,
                               u128 merchant_id) const {
  RuleResult r;
  const Override* ind = FindOverride(industries_, industry);
  const Override* reg = FindOverride(regions_, region);
  r.thresholds = thresholds_;
  if (reg && reg->thresholds) r.thresholds = *reg->thresholds;
  if (ind && ind->thresholds) r.thresholds = *ind->thresholds;
  if (merchant_id != 0 && !merchants_.empty()) {
    auto it = std::lower_bound(
        merchants_.begin(), merchants_.end(), merchant_id,
        [](const auto& m, u128 id) { return m.first < id; });
    if (it != merchants_.end() && it->first == merchant_id) {
      r.thresholds = it->second;
    }
  }

  std::array<size_t, kMaxRuleHits> order{};
  size_t seq = 0;
  auto apply = [&](const Rule& rule) {
    size_t my_order = seq++;
    if (!rule.Matches(f)) return;
    ++r.matched;
    r.points += rule.points;
    if (rule.decision) {
      if (*rule.decision == Decision::kApprove) {
        r.allow = true;
      } else if (!r.forced || *rule.decision > *r.forced) {
        r.forced = rule.decision;
      }
    }
    // Insert into the fixed, sorted list of hits.
    size_t pos = r.hit_count;
    while (pos > 0 &&
           MoreDecisive(&rule, my_order, r.hits[pos - 1], order[pos - 1])) {
      --pos;
    }
    if (pos >= kMaxRuleHits) return;
    size_t last = std::min(r.hit_count, kMaxRuleHits - 1);
    for (size_t i = last; i > pos; --i) {
      r.hits[i] = r.hits[i - 1];
      order[i] = order[i - 1];
    }
    r.hits[pos] = &rule;
    order[pos] = my_order;
    r.hit_count = std::min(r.hit_count + 1, kMaxRuleHits);
  };
  auto disabled = [](const Override* o, size_t i) {
    return o && std::find(o->disabled.begin(), o->disabled.end(), i) !=
                    o->disabled.end();
  };
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (disabled(ind, i) || disabled(reg, i)) {
      ++seq;
      continue;
    }
    apply(rules_[i]);
  }
  if (ind) {
    for (const Rule& rule : ind->rules) apply(rule);
  }
  if (reg) {
    for (const Rule& rule : reg->rules) apply(rule);
  }
  return r;
}

}  // namespace meridian::risk
