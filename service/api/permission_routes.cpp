#include "service/api/permission_routes.hpp"

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"
#include "service/security/partner_permission.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',' || c == ';') {
      auto b = item.find_first_not_of(' ');
      auto e = item.find_last_not_of(' ');
      if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
      item.clear();
    } else {
      item.push_back(c);
    }
  }
  return out;
}

/// `component`: "a,b", "*" or ["a", "b"].
StatusOr<std::vector<std::string>> Components(const bj::object& args) {
  const bj::value* v = args.if_contains("component");
  if (!v || v->is_null()) return std::vector<std::string>{};
  if (v->is_string()) return SplitList(std::string(v->as_string()));
  std::vector<std::string> out;
  if (v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) return InvalidArgumentError("'component' items must be module names");
      out.emplace_back(item.as_string());
    }
    return out;
  }
  return InvalidArgumentError("'component' must be \"a,b\", \"*\" or a list of module names");
}

/// `dataset`: "ns.name,ns.name2", "*", ["ns.name"] or FATE's [{"namespace", "name"}].
StatusOr<std::vector<std::string>> Datasets(const bj::object& args) {
  const bj::value* v = args.if_contains("dataset");
  if (!v || v->is_null()) return std::vector<std::string>{};
  if (v->is_string()) return SplitList(std::string(v->as_string()));
  std::vector<std::string> out;
  if (!v->is_array()) return InvalidArgumentError("'dataset' must be \"namespace.name,...\", \"*\" or a list");
  for (const auto& item : v->as_array()) {
    if (item.is_string()) {
      out.emplace_back(item.as_string());
    } else if (item.is_object() && item.as_object().contains("namespace") && item.as_object().contains("name") &&
               item.as_object().at("namespace").is_string() && item.as_object().at("name").is_string()) {
      out.push_back(std::string(item.as_object().at("namespace").as_string()) + "." +
                    std::string(item.as_object().at("name").as_string()));
    } else {
      return InvalidArgumentError("'dataset' items must be \"namespace.name\" or {\"namespace\", \"name\"}");
    }
  }
  return out;
}

StatusOr<std::vector<orm::PermissionRow>> RowsOf(const HttpRequest& req, const Clock& clock) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object args, Args(req));
  if (!args.contains("party_id") && args.contains("app_id")) {
    return InvalidArgumentError("fedflow's permission routes grant partners ('party_id'); client apps are listed in "
                                "security.client_apps of the server config");
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::string party_id, RequireString(args, "party_id"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string role, OptionalString(args, "role"));
  FEDFLOW_ASSIGN_OR_RETURN(auto components, Components(args));
  FEDFLOW_ASSIGN_OR_RETURN(auto datasets, Datasets(args));
  return security::GrantRows(party_id, role.empty() ? "*" : role, components, datasets, clock.NowMs());
}

bj::object View(const std::vector<orm::PermissionRow>& rows, bool enforced) {
  bj::array grants;
  bj::array components;
  bj::array datasets;
  for (const auto& r : rows) {
    grants.push_back(bj::object{{"party_id", r.party_id}, {"role", r.role}, {"type", r.kind}, {"value", r.value},
                                {"create_time", r.created_ms}});
    (r.kind == security::kComponentGrant ? components : datasets).emplace_back(r.value);
  }
  return bj::object{{"enforced", enforced},
                    {"grants", std::move(grants)},
                    {"component", std::move(components)},
                    {"dataset", std::move(datasets)}};
}

void Audit(const HttpRequest& req, const std::string& action, const std::vector<orm::PermissionRow>& rows,
           const std::string& outcome) {
  std::string what;
  for (const auto& r : rows) what += (what.empty() ? "" : ",") + r.party_id + "/" + r.role + "/" + r.kind + ":" + r.value;
  log::Get("audit")->info("action={} by={} grants=\"{}\" outcome={}", action, Caller(req), what, outcome);
}

}  // namespace

void RegisterPermissionRoutes(http::Router& router, orm::PermissionRepository& permissions, const Clock& clock,
                              bool enforced) {
  const std::string params =
      "party_id (required), role (guest|host|arbiter|local|*, default *), component (\"a,b\" | \"*\" | list), "
      "dataset (\"namespace.name,...\" | \"*\" | list of strings or {namespace, name})";
  auto grant = [&permissions, &clock](const HttpRequest& req) -> HttpResponse {
    auto rows = RowsOf(req, clock);
    if (!rows.ok()) return JsonError(rows.status());
    auto added = permissions.Grant(*rows);
    Audit(req, "permission.grant", *rows, added.ok() ? "ok" : "error");
    if (!added.ok()) return JsonError(added.status());
    return JsonOk(bj::object{{"granted", *added}, {"already_granted", rows->size() - *added}});
  };
  auto revoke = [&permissions, &clock](const HttpRequest& req) -> HttpResponse {
    auto rows = RowsOf(req, clock);
    if (!rows.ok()) return JsonError(rows.status());
    auto removed = permissions.Revoke(*rows);
    Audit(req, "permission.delete", *rows, removed.ok() ? std::to_string(*removed) + " removed" : "error");
    if (!removed.ok()) return JsonError(removed.status());
    if (*removed == 0) return JsonError(NotFoundError("no such grant: see /v2/permission/query"));
    return JsonOk(bj::object{{"deleted", *removed}});
  };
  auto query = WithArgs([&permissions, enforced](const HttpRequest& req, const bj::object& args) -> HttpResponse {
    auto party = OptionalString(args, "party_id");
    if (!party.ok()) return JsonError(party.status());
    if (!party->empty() && !IsSafeIdentifier(*party, 64)) {
      return JsonError(InvalidArgumentError("'party_id' must be letters, digits, _ . -"));
    }
    auto rows = permissions.List(*party);
    if (!rows.ok()) return JsonError(rows.status());
    return JsonOk(View(*rows, enforced));
  });
  for (const std::string prefix : {"/v2/permission", "/v2/permission/resource"}) {
    const bool alias = prefix != "/v2/permission";
    const std::string note = alias ? " (FATE-Flow 2.x resource permission path)" : "";
    router.Add("POST", prefix + "/grant",
               {"application", "Grant a partner components and/or tables it may use in jobs it creates here" + note + ".",
                params},
               grant);
    router.Add("POST", prefix + "/delete", {"application", "Revoke grants of a partner" + note + ".", params}, revoke);
    router.Add("GET", prefix + "/query",
               {"application", "The grants (all, or of one partner) and whether they are enforced" + note + ".",
                "party_id"},
               query);
  }
}

}  // namespace fedflow::api
