// The compliance routes: the case queue and the operator's decisions
// (spec/compliance_risk.md "Cases"). A decision is a journaled command:
// RELEASE posts the held transfers, REJECT voids them.
#include "api/internal/service_impl.h"
#include "api/json/fields.h"
#include "api/json/json_reader.h"
#include "engine/command.h"

namespace meridian::api {

void ApiService::Impl::AddComplianceRoutes(http::Router& r) {
  using A = Access;
  auto bind = [this](void (Impl::*m)(Ctx&)) {
    return [this, m](Ctx& c) { (this->*m)(c); };
  };
  Route(r, "GET", "/v1/compliance/cases", "GET /v1/compliance/cases",
        A::kOperator, bind(&Impl::ListCases));
  Route(r, "GET", "/v1/compliance/cases/{id}", "GET /v1/compliance/cases/{id}",
        A::kAuthenticated, bind(&Impl::GetCase));
  Route(r, "POST", "/v1/compliance/cases/{id}/decision",
        "POST /v1/compliance/cases/{id}/decision", A::kOperator,
        bind(&Impl::DecideCase));
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
  Result<ListArgs> args = ParseListArgs(*c.request, IdKind::kCase);
  if (!args.ok()) return c.Fail(args.error());
  ReadEngine(c, [status, args = *args](const StateMachine& s) {
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

}  // namespace meridian::api
