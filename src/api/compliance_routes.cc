// The compliance routes: the case queue and the operator's decisions
// (spec/compliance_risk.md "Cases"), screening and the lists, and the AML
// monitor's settings. A decision is a journaled command: RELEASE posts the
// held transfers, REJECT voids them (an AML alert holds nothing: the
// decision only closes it). A settings change is journaled too, so a replay
// monitors with the settings of its time.
#include <algorithm>
#include <cstdio>

#include "api/internal/service_impl.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "engine/command.h"

namespace meridian::api {

void ApiService::Impl::AddComplianceRoutes(http::Router& r) {
  using A = Access;
  Route(r, "GET", "/v1/compliance/cases", "GET /v1/compliance/cases",
        A::kOperator, Bind(&Impl::ListCases));
  Route(r, "GET", "/v1/compliance/cases/{id}", "GET /v1/compliance/cases/{id}",
        A::kAuthenticated, Bind(&Impl::GetCase));
  Route(r, "POST", "/v1/compliance/cases/{id}/decision",
        "POST /v1/compliance/cases/{id}/decision", A::kOperator,
        Bind(&Impl::DecideCase));
  Route(r, "POST", "/v1/compliance/screen", "POST /v1/compliance/screen",
        A::kAuthenticated, Bind(&Impl::ScreenName));
  Route(r, "GET", "/v1/compliance/lists", "GET /v1/compliance/lists",
        A::kOperator, Bind(&Impl::ListLists));
  Route(r, "POST", "/v1/compliance/lists/reload",
        "POST /v1/compliance/lists/reload", A::kOperator,
        Bind(&Impl::ReloadLists));
  Route(r, "GET", "/v1/compliance/aml/config", "GET /v1/compliance/aml/config",
        A::kOperator, Bind(&Impl::GetAmlConfig));
  Route(r, "PUT", "/v1/compliance/aml/config", "PUT /v1/compliance/aml/config",
        A::kOperator, Bind(&Impl::PutAmlConfig));
}

// {"role"?, "name", "type"?, "country"?, "dateOfBirth"?}: a party to screen.
Result<ScreenedParty> ParseScreenedParty(json::ObjectReader& r,
                                         bool with_role) {
  ScreenedParty p;
  if (with_role) {
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view role, r.String("role", 32));
    p.party.role = std::string(role);
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::string_view name,
                            r.String("name", compliance::kMaxPartyFieldBytes));
  p.party.name = std::string(name);
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> type,
                            r.OptionalString("type", 16));
  if (type) {
    if (*type == "PERSON") {
      p.type = compliance::EntityType::kIndividual;
    } else if (*type == "ORGANIZATION") {
      p.type = compliance::EntityType::kEntity;
    } else {
      return MakeError(ErrorCode::kINVALID_PARAMETER, r.FieldPath("type"),
                       "PERSON or ORGANIZATION");
    }
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> country,
                            r.OptionalString("country", 2, 2));
  if (country) {
    if (!std::isupper(static_cast<unsigned char>((*country)[0])) ||
        !std::isupper(static_cast<unsigned char>((*country)[1]))) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, r.FieldPath("country"),
                       "an ISO 3166 alpha-2 code such as DE");
    }
    p.party.country = std::string(*country);
  }
  MERIDIAN_ASSIGN_OR_RETURN(std::optional<std::string_view> dob,
                            r.OptionalString("dateOfBirth", 10, 4));
  if (dob) {
    const bool ok =
        (dob->size() == 4 || dob->size() == 7 || dob->size() == 10) &&
        std::all_of(dob->begin(), dob->end(), [](char ch) {
          return (ch >= '0' && ch <= '9') || ch == '-';
        });
    if (!ok) {
      return MakeError(ErrorCode::kINVALID_PARAMETER,
                       r.FieldPath("dateOfBirth"),
                       "YYYY, YYYY-MM or YYYY-MM-DD");
    }
    p.party.date_of_birth = std::string(*dob);
  }
  MERIDIAN_RETURN_IF_ERROR(r.Finish());
  return p;
}

namespace {

compliance::ScreenQuery QueryOf(const ScreenedParty& p) {
  compliance::ScreenQuery q;
  q.name = p.party.name;
  if (!p.party.country.empty()) q.country = p.party.country;
  if (!p.party.date_of_birth.empty()) q.date_of_birth = p.party.date_of_birth;
  q.type = p.type;
  return q;
}

void WriteHit(json::JsonWriter& w, const compliance::Hit& h) {
  w.BeginObject();
  w.Key("list").String(h.list);
  w.Key("entryId").String(h.source_id);
  w.Key("listedName").String(h.listed_name);
  w.Key("matchedAlias").String(h.matched_alias);
  char score[16];
  std::snprintf(score, sizeof score, "%.4f", h.score);
  w.Key("score").RawValue(score);
  w.Key("programs").String(h.programs);
  w.Key("reasons").BeginArray();
  for (const std::string& r : h.reasons) w.String(r);
  w.EndArray();
  w.EndObject();
}

}  // namespace

void ApiService::Impl::ScreenName(Ctx& c) {
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  json::ObjectReader root = body->root();
  Result<ScreenedParty> party = ParseScreenedParty(root, false);
  if (!party.ok()) return c.Fail(party.error());
  std::vector<compliance::Hit> hits = screening_->Screen(QueryOf(*party));
  std::string out;
  json::JsonWriter w(&out);
  w.BeginObject();
  WriteResult(w, Status::Ok());
  char threshold[16];
  std::snprintf(threshold, sizeof threshold, "%.4f", screening_->threshold());
  w.Key("threshold").RawValue(threshold);
  w.Key("hits").BeginArray();
  for (const compliance::Hit& h : hits) WriteHit(w, h);
  w.EndArray();
  w.EndObject();
  c.Send(JsonResponse(200, std::move(out)));
}

void ApiService::Impl::ListLists(Ctx& c) {
  std::string out;
  json::JsonWriter w(&out);
  w.BeginObject();
  WriteResult(w, Status::Ok());
  w.Key("source").String(screening_->source());
  w.Key("entries").Uint(screening_->entries());
  w.Key("generation").Uint(screening_->generation());
  w.Key("lists").BeginArray();
  for (const LoadedListInfo& l : screening_->lists()) {
    w.BeginObject();
    w.Key("name").String(l.info.name);
    w.Key("path").String(l.info.path);
    w.Key("date").String(l.info.date);
    w.Key("entries").Uint(l.info.entries);
    w.Key("aliases").Uint(l.info.aliases);
    if (!l.refused.empty()) w.Key("refused").String(l.refused);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  c.Send(JsonResponse(200, std::move(out)));
}

void ApiService::Impl::ReloadLists(Ctx& c) {
  if (reloading_.exchange(true)) {
    return c.Fail(MakeError(ErrorCode::kREQUEST_IN_FLIGHT, "",
                            "a reload is running; the current lists serve "
                            "until it finishes"));
  }
  if (reload_thread_.joinable()) reload_thread_.join();  // the last one
  // Loading takes seconds: not on an I/O thread. The old index serves
  // every screen until the new one is swapped in.
  reload_thread_ = std::thread([this, responder = c.responder] {
    Status s = screening_->Reload();
    reloading_.store(false);
    if (!s.ok()) {
      std::move(*responder).Send(ErrorResponse(s.error()));
      return;
    }
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("entries").Uint(screening_->entries());
    w.Key("generation").Uint(screening_->generation());
    w.EndObject();
    std::move(*responder).Send(JsonResponse(200, std::move(out)));
  });
}

std::optional<std::vector<uint8_t>> ApiService::Impl::HoldIfListed(
    const Ctx& c, const std::vector<ScreenedParty>& parties,
    std::span<const ledger::Transfer> transfers, u128* case_id) {
  compliance::CaseSpec spec;
  for (const ScreenedParty& p : parties) {
    spec.parties.push_back(p.party);
    for (const compliance::Hit& h : screening_->Screen(QueryOf(p))) {
      if (spec.hits.size() == compliance::kMaxCaseHits) break;
      if (spec.hits.empty()) {
        char score[16];
        std::snprintf(score, sizeof score, "%.2f", h.score);
        spec.reason = p.party.role + " \"" + p.party.name + "\" matched " +
                      h.list + " " + h.source_id + " \"" + h.listed_name +
                      "\" at " + score;
      }
      spec.hits.push_back(
          {h.list, h.source_id.substr(0, 64),
           h.listed_name.substr(0, compliance::kMaxPartyFieldBytes),
           static_cast<uint16_t>(std::clamp(h.score, 0.0, 1.0) * 10'000 +
                                 0.5)});
    }
  }
  if (spec.hits.empty()) return std::nullopt;
  spec.id = ids_.Next();
  spec.subject = c.caller.principal;
  spec.kind = compliance::CaseKind::kSanctionsHit;
  *case_id = spec.id;
  return engine::NewApiCommand(
      engine::CommandType::kHoldForReview,
      compliance::EncodeHoldForReview(
          spec, {reinterpret_cast<const uint8_t*>(transfers.data()),
                 transfers.size_bytes()}));
}

void ApiService::Impl::ListCases(Ctx& c) {
  std::optional<compliance::CaseStatus> status;
  if (std::optional<std::string> s = c.request->QueryParam("status")) {
    status = compliance::CaseStatusFromName(*s);
    if (!status) {
      return c.Fail(MakeError(ErrorCode::kINVALID_PARAMETER, "status",
                              "OPEN, RELEASED or REJECTED"));
    }
  }
  std::optional<compliance::CaseKind> kind;
  if (std::optional<std::string> k = c.request->QueryParam("kind")) {
    kind = compliance::CaseKindFromName(*k);
    if (!kind) {
      return c.Fail(MakeError(ErrorCode::kINVALID_PARAMETER, "kind",
                              "SANCTIONS_HIT, AML_ALERT or RISK_REVIEW"));
    }
  }
  Result<ListArgs> args = ParseListArgs(*c.request, IdKind::kCase);
  if (!args.ok()) return c.Fail(args.error());
  ReadEngine(c, [status, kind, args = *args](const StateMachine& s) {
    const auto& all = s.cases().cases();
    // Newest first: case ids are time-ordered.
    auto it =
        args.starting_after ? all.lower_bound(*args.starting_after) : all.end();
    std::string out;
    json::JsonWriter w(&out);
    w.BeginObject();
    WriteResult(w, Status::Ok());
    w.Key("data").BeginArray();
    uint32_t n = 0;
    bool more = false;
    while (it != all.begin()) {
      --it;
      if (status && it->second.status != *status) continue;
      if (kind && it->second.kind != *kind) continue;
      if (n == args.limit) {
        more = true;
        break;
      }
      WriteCase(w, it->second);
      ++n;
    }
    w.EndArray();
    w.Key("hasMore").Bool(more);
    w.Key("openCases").Uint(s.cases().open_cases());
    w.EndObject();
    return JsonResponse(200, std::move(out));
  });
}

void ApiService::Impl::GetCase(Ctx& c) {
  Result<u128> id = ParseId(IdKind::kCase, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  ReadEngine(c, [id = *id, caller = c.caller](const StateMachine& s) {
    const compliance::Case* found = s.cases().Find(id);
    // The subject sees its own case; anyone else's looks missing.
    if (found == nullptr ||
        (!caller.is_operator() && found->subject != caller.principal)) {
      return ErrorResponse(
          MakeError(ErrorCode::kNOT_FOUND, "id", "no such case"));
    }
    return OkWith(200, "case",
                  [&](json::JsonWriter& w) { WriteCase(w, *found); });
  });
}

void ApiService::Impl::DecideCase(Ctx& c) {
  Result<u128> id = ParseId(IdKind::kCase, c.params->Get("id").value(), "id");
  if (!id.ok()) return c.Fail(id.error());
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<compliance::CaseDecision> {
    json::ObjectReader root = body->root();
    compliance::CaseDecision d;
    d.case_id = *id;
    d.decided_by = c.caller.principal;
    MERIDIAN_ASSIGN_OR_RETURN(std::string_view decision,
                              root.String("decision", 8));
    std::optional<compliance::Decision> dec =
        compliance::DecisionFromName(decision);
    if (!dec) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "decision",
                       "RELEASE (post the held money) or REJECT (return it)");
    }
    d.decision = *dec;
    MERIDIAN_ASSIGN_OR_RETURN(d.note,
                              root.String("note", compliance::kMaxNoteBytes));
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return d;
  };
  Result<compliance::CaseDecision> d = parse();
  if (!d.ok()) return c.Fail(d.error());
  Submit(c,
         engine::NewApiCommand(engine::CommandType::kDecideCase,
                               compliance::EncodeCaseDecision(*d)),
         *key, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           Result<compliance::Case> decided =
               compliance::DecodeCase(reply.payload);
           if (!decided.ok()) return ErrorResponse(decided.error());
           return OkWith(200, "case",
                         [&](json::JsonWriter& w) { WriteCase(w, *decided); });
         });
}

namespace {

// "name=value" lines as [{"name", "value"}].
void WriteAmlSettings(json::JsonWriter& w,
                      const std::vector<std::string>& lines) {
  w.Key("settings").BeginArray();
  for (const std::string& line : lines) {
    const size_t eq = line.find('=');
    w.BeginObject();
    w.Key("name").String(std::string_view(line).substr(0, eq));
    w.Key("value").String(std::string_view(line).substr(eq + 1));
    w.EndObject();
  }
  w.EndArray();
}

void WriteAmlConfig(json::JsonWriter& w, const StateMachine& s) {
  const compliance::aml::Monitor& m = s.aml();
  w.BeginObject();
  WriteAmlSettings(w, compliance::aml::DescribeConfig(m.config()));
  const compliance::aml::MonitorStats& st = m.stats();
  w.Key("stats").BeginObject();
  w.Key("flows").Uint(st.flows);
  w.Key("ignored").Uint(st.ignored);
  w.Key("accounts").Uint(st.accounts);
  w.Key("evicted").Uint(st.evicted);
  w.Key("searchesCut").Uint(st.searches_cut);
  w.Key("alerts").BeginObject();
  for (size_t i = 0; i < compliance::aml::kRuleCount; ++i) {
    w.Key(compliance::aml::RuleName(static_cast<compliance::aml::Rule>(i)))
        .Uint(st.alerts[i]);
  }
  w.EndObject();
  w.Key("updates").Uint(st.updates);
  w.Key("alertsDropped").Uint(s.aml_alerts_dropped());
  w.EndObject();
  w.EndObject();
}

}  // namespace

void ApiService::Impl::GetAmlConfig(Ctx& c) {
  ReadEngine(c, [](const StateMachine& s) {
    return OkWith(200, "amlConfig",
                  [&](json::JsonWriter& w) { WriteAmlConfig(w, s); });
  });
}

// {"settings": [{"name": "fan_in.window", "value": "7d"}, …]}: the settings
// to change, by the names GET shows; the others keep their values.
void ApiService::Impl::PutAmlConfig(Ctx& c) {
  Result<std::optional<std::string_view>> key = IdempotencyKey(c);
  if (!key.ok()) return c.Fail(key.error());
  Result<json::JsonBody> body = json::JsonBody::Parse(c.request->body);
  if (!body.ok()) return c.Fail(body.error());
  auto parse = [&]() -> Result<compliance::AmlConfigChange> {
    json::ObjectReader root = body->root();
    compliance::AmlConfigChange change;
    change.set_by = c.caller.principal;
    MERIDIAN_ASSIGN_OR_RETURN(
        json::ArrayReader items,
        root.Array("settings", compliance::kMaxAmlSettings));
    if (items.size() == 0) {
      return MakeError(ErrorCode::kINVALID_PARAMETER, "settings",
                       "name at least one setting to change");
    }
    for (size_t i = 0; i < items.size(); ++i) {
      MERIDIAN_ASSIGN_OR_RETURN(json::ObjectReader item, items.Object(i));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view name, item.String("name", 64));
      MERIDIAN_ASSIGN_OR_RETURN(std::string_view value,
                                item.String("value", 32));
      MERIDIAN_RETURN_IF_ERROR(item.Finish());
      change.settings.push_back(std::string(name) + "=" + std::string(value));
    }
    MERIDIAN_RETURN_IF_ERROR(root.Finish());
    return change;
  };
  Result<compliance::AmlConfigChange> change = parse();
  if (!change.ok()) return c.Fail(change.error());
  Submit(c,
         engine::NewApiCommand(engine::CommandType::kSetAmlConfig,
                               compliance::EncodeAmlConfigChange(*change)),
         *key, [](const CommandReply& reply) {
           if (!reply.status.ok()) return RenderStatusOnly(reply);
           // The engine answers with every setting as it now is, one
           // "name=value" per line.
           std::vector<std::string> lines;
           std::string_view all(
               reinterpret_cast<const char*>(reply.payload.data()),
               reply.payload.size());
           while (!all.empty()) {
             const size_t nl = all.find('\n');
             lines.emplace_back(all.substr(0, nl));
             all = nl == std::string_view::npos ? "" : all.substr(nl + 1);
           }
           return OkWith(200, "amlConfig", [&](json::JsonWriter& w) {
             w.BeginObject();
             WriteAmlSettings(w, lines);
             w.EndObject();
           });
         });
}

}  // namespace meridian::api
