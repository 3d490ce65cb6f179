#include "service/security/partner_permission.hpp"

#include <algorithm>
#include <set>

#include "base/ids.hpp"
#include "service/json/json.hpp"

namespace fedflow::security {

namespace bj = boost::json;

namespace {

bool IsReader(const std::string& module) { return module == "Reader" || module == "reader"; }

const PartyTask* PartAt(const TaskSpec& task, const std::string& party_id) {
  for (const auto& pt : task.parties()) {
    if (pt.party_id() == party_id && pt.need_run()) return &pt;
  }
  return nullptr;
}

/// The table a reader's parameters name: `table: {namespace, name}` (FATE 1.x) or top-level
/// `namespace` and `name` (FATE-Flow 2.x reader).
std::string TableOfParameters(const std::string& module, const std::string& parameters_json) {
  auto parsed = json::Parse(parameters_json, "parameters");
  if (!parsed.ok() || !parsed->is_object()) return "";
  const bj::object& o = parsed->as_object();
  const bj::object* holder = nullptr;
  if (const bj::value* t = o.if_contains("table"); t && t->is_object()) {
    holder = &t->as_object();
  } else if (IsReader(module)) {
    holder = &o;
  }
  if (!holder) return "";
  const bj::value* ns = holder->if_contains("namespace");
  const bj::value* name = holder->if_contains("name");
  if (!ns || !name || !ns->is_string() || !name->is_string()) return "";
  return std::string(ns->as_string()) + "." + std::string(name->as_string());
}

bool Granted(const std::vector<orm::PermissionRow>& grants, const PartyRef& initiator, const char* kind,
             const std::string& value) {
  return std::any_of(grants.begin(), grants.end(), [&](const orm::PermissionRow& g) {
    return g.party_id == initiator.party_id() && (g.role == "*" || g.role == initiator.role()) && g.kind == kind &&
           (g.value == "*" || g.value == value);
  });
}

std::string JoinList(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

}  // namespace

std::vector<std::string> ComponentsRunAt(const JobSpec& spec, const std::string& party_id) {
  std::set<std::string> out;
  for (const auto& t : spec.tasks()) {
    if (PartAt(t, party_id)) out.insert(t.module());
  }
  return {out.begin(), out.end()};
}

std::vector<std::string> TablesReadBy(const JobSpec& spec, const TaskSpec& task, const std::string& party_id) {
  std::set<std::string> out;
  const PartyTask* pt = PartAt(task, party_id);
  if (!pt) return {};
  std::string table = TableOfParameters(task.module(), pt->parameters_json());
  if (!table.empty()) out.insert(table);
  // A 2.x DAG's data_warehouse inputs are not tied to a party: every party of the task is
  // assumed to read them (the strict reading).
  if (spec.format() == "fate-2.x-dag") out.insert(task.table_inputs().begin(), task.table_inputs().end());
  return {out.begin(), out.end()};
}

std::vector<std::string> TablesReadAt(const JobSpec& spec, const std::string& party_id) {
  std::set<std::string> out;
  for (const auto& t : spec.tasks()) {
    for (auto& table : TablesReadBy(spec, t, party_id)) out.insert(std::move(table));
  }
  return {out.begin(), out.end()};
}

Status CheckPartnerPermission(const JobSpec& spec, const std::string& self_party_id,
                              const std::vector<orm::PermissionRow>& grants) {
  const PartyRef& initiator = spec.initiator();
  if (initiator.party_id() == self_party_id) return Status::OK();
  std::vector<std::string> missing_components;
  for (const auto& module : ComponentsRunAt(spec, self_party_id)) {
    if (!IsReader(module) && !Granted(grants, initiator, kComponentGrant, module)) missing_components.push_back(module);
  }
  std::vector<std::string> missing_tables;
  for (const auto& table : TablesReadAt(spec, self_party_id)) {
    if (!Granted(grants, initiator, kDatasetGrant, table)) missing_tables.push_back(table);
  }
  if (missing_components.empty() && missing_tables.empty()) return Status::OK();
  std::string what;
  std::string fix = "fedflow permission grant --party-id " + initiator.party_id() + " --role " + initiator.role();
  if (!missing_components.empty()) {
    what += "component(s) " + JoinList(missing_components);
    fix += " --component " + JoinList(missing_components, ",");
  }
  if (!missing_tables.empty()) {
    what += std::string(what.empty() ? "" : " and ") + "table(s) " + JoinList(missing_tables);
    fix += " --dataset " + JoinList(missing_tables, ",");
  }
  return Status(StatusCode::kPermissionDenied,
                "party " + self_party_id + " has not granted party " + initiator.party_id() + " (" + initiator.role() +
                    ") " + what + "; an operator of party " + self_party_id + " can run: " + fix)
      .set_api_code(ApiCode::kNoPermission);
}

StatusOr<std::vector<orm::PermissionRow>> GrantRows(const std::string& party_id, const std::string& role,
                                                    const std::vector<std::string>& components,
                                                    const std::vector<std::string>& datasets, std::int64_t now_ms) {
  if (party_id.empty()) return InvalidArgumentError("missing 'party_id': the partner the grant is for");
  if (!IsSafeIdentifier(party_id, 64)) return InvalidArgumentError("'party_id' must be letters, digits, _ . -");
  static const std::set<std::string> kRoles{"*", "guest", "host", "arbiter", "local"};
  if (!kRoles.count(role)) return InvalidArgumentError("'role' must be guest, host, arbiter, local or * (got '" + role + "')");
  if (components.empty() && datasets.empty()) {
    return InvalidArgumentError("nothing to grant: give 'component' (names or *) and/or 'dataset' (namespace.name or *)");
  }
  std::vector<orm::PermissionRow> rows;
  for (const auto& c : components) {
    if (c != "*" && !IsSafeIdentifier(c, 128)) {
      return InvalidArgumentError("'component' item '" + c + "' is not a module name (letters, digits, _ . -) or *");
    }
    rows.push_back(orm::PermissionRow{party_id, role, kComponentGrant, c, now_ms});
  }
  for (const auto& d : datasets) {
    auto dot = d.find('.');
    bool valid = d == "*" || (dot != std::string::npos && dot > 0 && dot + 1 < d.size() && IsSafeIdentifier(d, 255));
    if (!valid) return InvalidArgumentError("'dataset' item '" + d + "' must be namespace.name or *");
    rows.push_back(orm::PermissionRow{party_id, role, kDatasetGrant, d, now_ms});
  }
  return rows;
}

}  // namespace fedflow::security
