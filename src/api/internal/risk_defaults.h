// The shipped risk rules (policies/risk/rules.toml) and model
// (models/risk/model.json), compiled in. The server journals them as the
// engine's first rules and model when it starts on a journal that has none,
// so the journal, not the binary, holds what every decision was made with.
#ifndef MERIDIAN_API_INTERNAL_RISK_DEFAULTS_H_
#define MERIDIAN_API_INTERNAL_RISK_DEFAULTS_H_

#include <string_view>

namespace meridian::api::internal {

std::string_view DefaultRiskRules();
std::string_view DefaultRiskModel();

}  // namespace meridian::api::internal

#endif  // MERIDIAN_API_INTERNAL_RISK_DEFAULTS_H_
