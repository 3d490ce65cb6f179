#include "service/dsl/fate_dsl.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "base/ids.hpp"
#include "service/dsl/job_graph.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {
namespace {

namespace bj = boost::json;
using json::GetArray;
using json::GetInt;
using json::GetObject;
using json::GetString;

/// A component as written in the DSL, before references are resolved.
struct Component {
  std::string name;
  std::string module;
  std::string provider;
  std::vector<InputRef> inputs;
  std::set<std::string> out_data, out_model, out_cache;
  std::vector<std::string> out_data_order, out_model_order;
};

/// One party of the job, with its index inside its role list (FATE addresses parties by index).
struct Party {
  std::string role;
  std::string party_id;
  int index = 0;
};

Status CheckKeys(const bj::object& o, const std::string& path, std::initializer_list<const char*> known) {
  for (const auto& kv : o) {
    bool ok = false;
    for (const char* k : known) ok = ok || kv.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return InvalidArgumentError(path + ": unknown key '" + std::string(kv.key()) + "' (expected " + list + ")");
    }
  }
  return Status::OK();
}

StatusOr<std::vector<std::string>> StringList(const bj::value& v, const std::string& path) {
  if (!v.is_array()) return InvalidArgumentError("'" + path + "' must be a list of strings, got " + json::KindName(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const bj::value& item = v.as_array()[i];
    if (!item.is_string()) {
      return InvalidArgumentError("'" + path + "[" + std::to_string(i) + "]' must be a string, got " +
                                  json::KindName(item));
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

StatusOr<Component> ParseComponent(const std::string& name, const bj::value& v) {
  const std::string path = "dsl.components." + name;
  if (!IsTaskName(name)) {
    return InvalidArgumentError("component name '" + name.substr(0, 100) + "' must be 1-100 letters, digits, _ or -");
  }
  if (!v.is_object()) return InvalidArgumentError("'" + path + "' must be an object, got " + json::KindName(v));
  const bj::object& o = v.as_object();
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(o, path, {"module", "input", "output", "provider", "need_deploy", "CodePath"}));
  Component c;
  c.name = name;
  FEDFLOW_ASSIGN_OR_RETURN(c.module, GetString(o, "module", path + ".module"));
  if (c.module.empty()) return InvalidArgumentError("'" + path + ".module' is empty");
  FEDFLOW_ASSIGN_OR_RETURN(c.provider, GetString(o, "provider", path + ".provider", std::string()));

  FEDFLOW_ASSIGN_OR_RETURN(bj::object output, GetObject(o, "output", path + ".output", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(output, path + ".output", {"data", "model", "cache"}));
  for (const char* kind : {"data", "model", "cache"}) {
    if (const bj::value* list = output.if_contains(kind)) {
      FEDFLOW_ASSIGN_OR_RETURN(auto names, StringList(*list, path + ".output." + kind));
      for (const auto& n : names) {
        if (!IsArtifactName(n)) {
          return InvalidArgumentError("'" + path + ".output." + kind + "' entry '" + n.substr(0, 100) +
                                      "' must be 1-100 letters, digits, _ . - (not starting with '.', no '..')");
        }
        if (std::string(kind) == "data") {
          if (c.out_data.insert(n).second) c.out_data_order.push_back(n);
        } else if (std::string(kind) == "model") {
          if (c.out_model.insert(n).second) c.out_model_order.push_back(n);
        } else {
          c.out_cache.insert(n);
        }
      }
    }
  }

  FEDFLOW_ASSIGN_OR_RETURN(bj::object input, GetObject(o, "input", path + ".input", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(input, path + ".input", {"data", "model", "isometric_model", "cache"}));
  auto add_refs = [&](const std::string& kind, const std::string& key, const bj::value& list,
                      const std::string& where) -> Status {
    FEDFLOW_ASSIGN_OR_RETURN(auto refs, StringList(list, where));
    for (const auto& ref : refs) {
      if (ref.rfind("args.", 0) == 0) {
        return InvalidArgumentError("'" + where + "' uses '" + ref +
                                    "': DSL v1 'args' inputs are not supported; read data with a Reader component");
      }
      auto dot = ref.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == ref.size()) {
        return InvalidArgumentError("'" + where + "' entry '" + ref + "' must look like '<component>.<output>'");
      }
      InputRef r;
      r.set_kind(kind);
      r.set_key(key);
      r.set_producer(ref.substr(0, dot));
      r.set_output(ref.substr(dot + 1));
      if (!IsArtifactName(key) || !IsArtifactName(r.output())) {
        return InvalidArgumentError("'" + where + "' entry '" + ref.substr(0, 100) +
                                    "': input keys and output names must be 1-100 letters, digits, _ . - (not starting "
                                    "with '.', no '..')");
      }
      c.inputs.push_back(r);
    }
    return Status::OK();
  };
  if (const bj::value* data = input.if_contains("data")) {
    if (!data->is_object()) {
      return InvalidArgumentError("'" + path + ".input.data' must be an object of lists, got " + json::KindName(*data));
    }
    for (const auto& kv : data->as_object()) {
      FEDFLOW_RETURN_IF_ERROR(add_refs("data", std::string(kv.key()), kv.value(),
                                       path + ".input.data." + std::string(kv.key())));
    }
  }
  for (const char* kind : {"model", "isometric_model", "cache"}) {
    if (const bj::value* list = input.if_contains(kind)) {
      FEDFLOW_RETURN_IF_ERROR(add_refs(kind, kind, *list, path + ".input." + kind));
    }
  }
  return c;
}

/// Job parameters from one object (common or a role entry), on top of `base`.
Status ReadJobParameters(const bj::object& o, const std::string& path, JobParameters* p) {
  auto read_int = [&](const char* key, auto setter, std::int64_t min, std::int64_t max, std::int64_t scale) -> Status {
    if (!o.contains(key)) return Status::OK();
    FEDFLOW_ASSIGN_OR_RETURN(std::int64_t v, GetInt(o, key, path + "." + key));
    if (v < min || v > max) {
      return InvalidArgumentError("'" + path + "." + key + "' must be between " + std::to_string(min) + " and " +
                                  std::to_string(max) + ", got " + std::to_string(v));
    }
    setter(v * scale);
    return Status::OK();
  };
  FEDFLOW_RETURN_IF_ERROR(read_int("task_cores", [&](std::int64_t v) { p->set_task_cores(static_cast<int>(v)); }, 0,
                                   100000, 1));
  FEDFLOW_RETURN_IF_ERROR(read_int(
      "task_parallelism", [&](std::int64_t v) { p->set_task_parallelism(static_cast<int>(v)); }, 1, 10000, 1));
  FEDFLOW_RETURN_IF_ERROR(read_int("task_memory", [&](std::int64_t v) { p->set_memory_mb(v); }, 0, 1 << 30, 1));
  FEDFLOW_RETURN_IF_ERROR(read_int("auto_retries", [&](std::int64_t v) { p->set_auto_retries(static_cast<int>(v)); },
                                   0, 100, 1));
  FEDFLOW_RETURN_IF_ERROR(read_int("auto_retry_delay", [&](std::int64_t v) { p->set_retry_backoff_ms(v); }, 0,
                                   86400, 1000));
  FEDFLOW_RETURN_IF_ERROR(read_int("timeout", [&](std::int64_t v) { p->set_timeout_ms(v); }, 0, 31536000, 1000));
  FEDFLOW_RETURN_IF_ERROR(read_int("task_timeout", [&](std::int64_t v) { p->set_task_timeout_ms(v); }, 0, 31536000,
                                   1000));
  FEDFLOW_RETURN_IF_ERROR(read_int("priority", [&](std::int64_t v) { p->set_priority(static_cast<int>(v)); }, -1000000,
                                   1000000, 1));
  FEDFLOW_RETURN_IF_ERROR(read_int(
      "computing_partitions", [&](std::int64_t v) { p->set_computing_partitions(static_cast<int>(v)); }, 1, 100000, 1));
  if (o.contains("job_type")) {
    FEDFLOW_ASSIGN_OR_RETURN(std::string t, GetString(o, "job_type", path + ".job_type"));
    if (t != "train" && t != "predict") {
      return InvalidArgumentError("'" + path + ".job_type' must be train or predict, got '" + t + "'");
    }
    p->set_job_type(t);
  }
  if (o.contains("model_id")) {
    FEDFLOW_ASSIGN_OR_RETURN(std::string v, GetString(o, "model_id", path + ".model_id"));
    p->set_model_id(v);
  }
  if (o.contains("model_version")) {
    FEDFLOW_ASSIGN_OR_RETURN(std::string v, json::ScalarToString(o.at("model_version"), path + ".model_version"));
    p->set_model_version(v);
  }
  return Status::OK();
}

/// Does the FATE index spec ("0", "all", "0|2") of a role-scoped entry cover `index`?
StatusOr<bool> IndexSpecCovers(const std::string& spec, int index, int role_size, const std::string& path) {
  if (spec == "all") return true;
  bool covers = false;
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t bar = spec.find('|', start);
    std::string part = spec.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 6) {
      return InvalidArgumentError("'" + path + "': '" + spec + "' must be a party index like 0, 0|1 or all");
    }
    int i = std::stoi(part);
    if (i >= role_size) {
      return InvalidArgumentError("'" + path + "': index " + part + " is out of range: the role has " +
                                  std::to_string(role_size) + " part" + (role_size == 1 ? "y" : "ies"));
    }
    covers = covers || i == index;
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return covers;
}

/// Walks `section.role.<role>.<index spec>` entries, calling fn(entry object, path) for every entry
/// that covers `party` ("all" first, then multi-index, then the exact index: specific wins).
Status ForRoleEntries(const bj::object& role_section, const std::string& path, const Party& party,
                      const std::map<std::string, std::vector<std::string>>& roles,
                      const std::function<Status(const bj::object&, const std::string&)>& fn) {
  const bj::value* by_role = role_section.if_contains(party.role);
  if (!by_role) return Status::OK();
  if (!by_role->is_object()) return InvalidArgumentError("'" + path + "." + party.role + "' must be an object");
  int role_size = static_cast<int>(roles.at(party.role).size());
  std::vector<std::pair<int, std::pair<const bj::object*, std::string>>> hits;
  for (const auto& kv : by_role->as_object()) {
    std::string spec(kv.key());
    std::string entry_path = path + "." + party.role + "." + spec;
    FEDFLOW_ASSIGN_OR_RETURN(bool covers, IndexSpecCovers(spec, party.index, role_size, entry_path));
    if (!kv.value().is_object()) return InvalidArgumentError("'" + entry_path + "' must be an object");
    if (!covers) continue;
    int rank = spec == "all" ? 0 : (spec.find('|') != std::string::npos ? 1 : 2);
    hits.push_back({rank, {&kv.value().as_object(), entry_path}});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& h : hits) FEDFLOW_RETURN_IF_ERROR(fn(*h.second.first, h.second.second));
  return Status::OK();
}

}  // namespace

StatusOr<JobSpec> ParseFateDsl(const bj::value& dsl_v, const bj::value& conf_v, const PlanContext& ctx) {
  if (!dsl_v.is_object()) return InvalidArgumentError("dsl must be a JSON object, got " + std::string(json::KindName(dsl_v)));
  if (!conf_v.is_object()) {
    return InvalidArgumentError("runtime_conf must be a JSON object, got " + std::string(json::KindName(conf_v)));
  }
  const bj::object& dsl = dsl_v.as_object();
  const bj::object& conf = conf_v.as_object();

  // --- runtime conf: version, parties ---
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t dsl_version, GetInt(conf, "dsl_version", "runtime_conf.dsl_version", 2));
  if (dsl_version != 2 || conf.contains("role_parameters") || conf.contains("algorithm_parameters")) {
    return InvalidArgumentError(
        "runtime_conf uses the dsl_version 1 layout (role_parameters/algorithm_parameters); FATE 1.7+ and fedflow "
        "need dsl_version 2: put parameters under component_parameters.common / component_parameters.role");
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object initiator, GetObject(conf, "initiator", "runtime_conf.initiator", false));
  FEDFLOW_ASSIGN_OR_RETURN(std::string init_role, GetString(initiator, "role", "runtime_conf.initiator.role"));
  const bj::value* init_pid_v = initiator.if_contains("party_id");
  if (!init_pid_v) return InvalidArgumentError("missing required field 'runtime_conf.initiator.party_id'");
  FEDFLOW_ASSIGN_OR_RETURN(std::string init_pid, json::ScalarToString(*init_pid_v, "runtime_conf.initiator.party_id"));

  FEDFLOW_ASSIGN_OR_RETURN(bj::object role_obj, GetObject(conf, "role", "runtime_conf.role", false));
  if (role_obj.empty()) return InvalidArgumentError("'runtime_conf.role' lists no roles: add e.g. {\"guest\": [9999]}");
  std::map<std::string, std::vector<std::string>> roles;
  std::vector<Party> parties;
  for (const auto& kv : role_obj) {
    std::string role(kv.key());
    std::string path = "runtime_conf.role." + role;
    if (!IsKnownRole(role)) {
      return InvalidArgumentError("'" + path + "': unknown role '" + role + "' (use guest, host, arbiter or local)");
    }
    if (!kv.value().is_array() || kv.value().as_array().empty()) {
      return InvalidArgumentError("'" + path + "' must be a non-empty list of party ids");
    }
    std::vector<std::string>& ids = roles[role];
    for (std::size_t i = 0; i < kv.value().as_array().size(); ++i) {
      std::string item_path = path + "[" + std::to_string(i) + "]";
      FEDFLOW_ASSIGN_OR_RETURN(std::string id, json::ScalarToString(kv.value().as_array()[i], item_path));
      if (!IsSafeIdentifier(id, 64)) {
        return InvalidArgumentError("'" + item_path + "': party id '" + id + "' must be letters, digits, _ . -");
      }
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
        return InvalidArgumentError("'" + path + "' lists party " + id + " twice");
      }
      if (ctx.check_party) FEDFLOW_RETURN_IF_ERROR(ctx.check_party(id).WithContext(item_path));
      ids.push_back(id);
      parties.push_back(Party{role, id, static_cast<int>(i)});
    }
  }
  if (!roles.count(init_role) ||
      std::find(roles[init_role].begin(), roles[init_role].end(), init_pid) == roles[init_role].end()) {
    return InvalidArgumentError("runtime_conf.initiator " + init_role + ":" + init_pid +
                                " is not one of the parties in runtime_conf.role");
  }

  // --- job parameters ---
  JobSpec spec;
  spec.set_format("fate-1.x-dsl");
  spec.set_dsl_json(json::Dump(dsl_v));
  spec.set_conf_json(json::Dump(conf_v));
  spec.mutable_initiator()->set_role(init_role);
  spec.mutable_initiator()->set_party_id(init_pid);
  for (const auto& p : parties) {
    PartyRef* r = spec.add_parties();
    r->set_role(p.role);
    r->set_party_id(p.party_id);
  }
  *spec.mutable_params() = ctx.defaults;
  if (spec.params().job_type().empty()) spec.mutable_params()->set_job_type("train");
  FEDFLOW_ASSIGN_OR_RETURN(bj::object job_params, GetObject(conf, "job_parameters", "runtime_conf.job_parameters", true));
  for (const auto& kv : job_params) {
    if (kv.key() != "common" && kv.key() != "role") {
      return InvalidArgumentError("'runtime_conf.job_parameters." + std::string(kv.key()) +
                                  "': dsl_version 2 puts job parameters under job_parameters.common (or .role)");
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object common_params,
                           GetObject(job_params, "common", "runtime_conf.job_parameters.common", true));
  FEDFLOW_RETURN_IF_ERROR(ReadJobParameters(common_params, "runtime_conf.job_parameters.common", spec.mutable_params()));
  FEDFLOW_ASSIGN_OR_RETURN(bj::object role_params, GetObject(job_params, "role", "runtime_conf.job_parameters.role", true));
  for (const auto& kv : role_params) {
    if (!roles.count(std::string(kv.key()))) {
      return InvalidArgumentError("'runtime_conf.job_parameters.role." + std::string(kv.key()) +
                                  "': role is not in runtime_conf.role");
    }
  }

  // --- DSL components ---
  FEDFLOW_ASSIGN_OR_RETURN(bj::object components, GetObject(dsl, "components", "dsl.components", false));
  if (components.empty()) return InvalidArgumentError("'dsl.components' is empty: a job needs at least one component");
  PlanBudget budget(ctx.limits);
  FEDFLOW_RETURN_IF_ERROR(budget.CheckComponents(components.size()));
  std::vector<Component> comps;
  std::map<std::string, std::size_t> by_name;
  for (const auto& kv : components) {
    FEDFLOW_ASSIGN_OR_RETURN(Component c, ParseComponent(std::string(kv.key()), kv.value()));
    by_name[c.name] = comps.size();
    comps.push_back(std::move(c));
  }

  // --- component parameters and providers ---
  FEDFLOW_ASSIGN_OR_RETURN(bj::object cparams,
                           GetObject(conf, "component_parameters", "runtime_conf.component_parameters", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(cparams, "runtime_conf.component_parameters", {"common", "role"}));
  FEDFLOW_ASSIGN_OR_RETURN(bj::object cp_common,
                           GetObject(cparams, "common", "runtime_conf.component_parameters.common", true));
  for (const auto& kv : cp_common) {
    std::string path = "runtime_conf.component_parameters.common." + std::string(kv.key());
    if (!by_name.count(std::string(kv.key()))) {
      return InvalidArgumentError("'" + path + "': no component '" + std::string(kv.key()) + "' in the DSL");
    }
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object cp_role, GetObject(cparams, "role", "runtime_conf.component_parameters.role", true));
  for (const auto& kv : cp_role) {
    std::string path = "runtime_conf.component_parameters.role." + std::string(kv.key());
    if (!roles.count(std::string(kv.key()))) return InvalidArgumentError("'" + path + "': role is not in runtime_conf.role");
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
    for (const auto& entry : kv.value().as_object()) {
      std::string epath = path + "." + std::string(entry.key());
      FEDFLOW_RETURN_IF_ERROR(
          IndexSpecCovers(std::string(entry.key()), 0, static_cast<int>(roles[std::string(kv.key())].size()), epath)
              .status());
      if (!entry.value().is_object()) return InvalidArgumentError("'" + epath + "' must be an object");
      for (const auto& comp : entry.value().as_object()) {
        if (!by_name.count(std::string(comp.key()))) {
          return InvalidArgumentError("'" + epath + "." + std::string(comp.key()) + "': no component '" +
                                      std::string(comp.key()) + "' in the DSL");
        }
      }
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object provider_conf, GetObject(conf, "provider", "runtime_conf.provider", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(provider_conf, "runtime_conf.provider", {"common"}));
  FEDFLOW_ASSIGN_OR_RETURN(bj::object provider_common, GetObject(provider_conf, "common", "runtime_conf.provider.common", true));
  for (const auto& kv : provider_common) {
    std::string path = "runtime_conf.provider.common." + std::string(kv.key());
    if (!by_name.count(std::string(kv.key()))) return InvalidArgumentError("'" + path + "': no such component");
    if (!kv.value().is_string()) return InvalidArgumentError("'" + path + "' must be a string like \"fate@1.11.2\"");
    comps[by_name[std::string(kv.key())]].provider = std::string(kv.value().as_string());
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object task_conf,
                           GetObject(common_params, "task_conf", "runtime_conf.job_parameters.common.task_conf", true));
  for (const auto& kv : task_conf) {
    std::string path = "runtime_conf.job_parameters.common.task_conf." + std::string(kv.key());
    if (!by_name.count(std::string(kv.key()))) return InvalidArgumentError("'" + path + "': no such component");
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
  }

  // --- resolve references, parties and parameters into tasks ---
  for (const Component& c : comps) {
    const std::string path = "dsl.components." + c.name;
    TaskSpec* t = spec.add_tasks();
    t->set_name(c.name);
    t->set_module(c.module);
    t->set_provider(c.provider);
    std::set<std::string> upstream;
    for (const InputRef& r : c.inputs) {
      auto it = by_name.find(r.producer());
      std::string where = path + ".input." + (r.kind() == "data" ? "data." + r.key() : r.kind());
      if (it == by_name.end()) {
        return InvalidArgumentError("'" + where + "' refers to '" + r.producer() + "." + r.output() +
                                    "', but no component '" + r.producer() + "' exists");
      }
      const Component& producer = comps[it->second];
      const std::set<std::string>& declared = r.kind() == "data"    ? producer.out_data
                                              : r.kind() == "cache" ? producer.out_cache
                                                                    : producer.out_model;
      const char* kind_name = r.kind() == "data" ? "data" : (r.kind() == "cache" ? "cache" : "model");
      if (!declared.count(r.output())) {
        return InvalidArgumentError("'" + where + "' refers to '" + r.producer() + "." + r.output() + "', but " +
                                    r.producer() + " declares no " + kind_name + " output '" + r.output() + "'");
      }
      *t->add_inputs() = r;
      if (upstream.insert(r.producer()).second) t->add_upstream(r.producer());
    }
    for (const auto& n : c.out_data_order) t->add_output_data(n);
    for (const auto& n : c.out_model_order) t->add_output_model(n);
    if (ctx.check_module) FEDFLOW_RETURN_IF_ERROR(ctx.check_module(c.module, c.provider).WithContext("component '" + c.name + "'"));

    // Retries and timeout: job defaults, overridden by job_parameters.common.task_conf.<component>.
    t->set_max_retries(spec.params().auto_retries());
    t->set_timeout_ms(spec.params().task_timeout_ms());
    if (const bj::value* tc = task_conf.if_contains(c.name)) {
      JobParameters overrides;
      overrides.set_auto_retries(t->max_retries());
      overrides.set_task_timeout_ms(t->timeout_ms());
      bj::object renamed;
      for (const auto& kv : tc->as_object()) {
        if (kv.key() == "timeout") {
          renamed["task_timeout"] = kv.value();
        } else if (kv.key() == "auto_retries") {
          renamed["auto_retries"] = kv.value();
        } else {
          return InvalidArgumentError("'runtime_conf.job_parameters.common.task_conf." + c.name + "." +
                                      std::string(kv.key()) + "': supported keys are timeout and auto_retries");
        }
      }
      FEDFLOW_RETURN_IF_ERROR(
          ReadJobParameters(renamed, "runtime_conf.job_parameters.common.task_conf." + c.name, &overrides));
      t->set_max_retries(overrides.auto_retries());
      t->set_timeout_ms(overrides.task_timeout_ms());
    }

    std::vector<std::string> module_roles = RolesOfModule(c.module);
    std::set<std::string> tables;
    for (const Party& p : parties) {
      if (!module_roles.empty() && std::find(module_roles.begin(), module_roles.end(), p.role) == module_roles.end()) {
        continue;
      }
      bj::object params;
      if (const bj::value* common = cp_common.if_contains(c.name)) params = common->as_object();
      FEDFLOW_RETURN_IF_ERROR(ForRoleEntries(cp_role, "runtime_conf.component_parameters.role", p, roles,
                                             [&](const bj::object& entry, const std::string&) {
                                               if (const bj::value* v = entry.if_contains(c.name)) {
                                                 json::MergeInto(params, v->as_object());
                                               }
                                               return Status::OK();
                                             }));
      PartyTask* pt = t->add_parties();
      pt->set_role(p.role);
      pt->set_party_id(p.party_id);
      bool need_run = true;
      if (const bj::value* nr = params.if_contains("need_run")) {
        if (!nr->is_bool()) {
          return InvalidArgumentError("component_parameters for '" + c.name + "' at " + p.role + ":" + p.party_id +
                                      ": 'need_run' must be true or false");
        }
        need_run = nr->as_bool();
      }
      pt->set_need_run(need_run);
      pt->set_parameters_json(json::Dump(params));
      FEDFLOW_RETURN_IF_ERROR(budget.AddParameters(pt->parameters_json(), c.name, p.role, p.party_id));
      // Reader tables, for data permissions and the job's data view.
      if (const bj::value* table = params.if_contains("table"); table && table->is_object()) {
        const bj::object& to = table->as_object();
        if (to.contains("namespace") && to.contains("name") && to.at("namespace").is_string() &&
            to.at("name").is_string()) {
          tables.insert(std::string(to.at("namespace").as_string()) + "." + std::string(to.at("name").as_string()));
        }
      }
    }
    if (t->parties().empty()) {
      std::string list;
      for (const auto& r : module_roles) list += (list.empty() ? "" : ", ") + r;
      return InvalidArgumentError("component '" + c.name + "' (" + c.module + ") runs at " + list +
                                  ", but the job has none of these roles");
    }
    for (const auto& tb : tables) t->add_table_inputs(tb);
  }
  FEDFLOW_RETURN_IF_ERROR(SortTopologically(spec.mutable_tasks()));

  // --- demand per party: task_cores x task_parallelism with role-scoped job parameters ---
  for (const Party& p : parties) {
    JobParameters merged = spec.params();
    FEDFLOW_RETURN_IF_ERROR(ForRoleEntries(role_params, "runtime_conf.job_parameters.role", p, roles,
                                           [&](const bj::object& entry, const std::string& entry_path) {
                                             return ReadJobParameters(entry, entry_path, &merged);
                                           }));
    PartyDemand* d = spec.add_demands();
    d->set_role(p.role);
    d->set_party_id(p.party_id);
    // Arbiters coordinate and hold no compute budget (FATE's IGNORE_RESOURCE_ROLES).
    bool ignore = p.role == "arbiter";
    d->set_cores(ignore ? 0 : merged.task_cores() * merged.task_parallelism());
    d->set_memory_mb(ignore ? 0 : merged.memory_mb() * merged.task_parallelism());
  }
  return spec;
}

StatusOr<JobSpec> ParseFateDslText(std::string_view dsl_text, std::string_view conf_text, const PlanContext& ctx) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::value dsl, json::Parse(dsl_text, "dsl"));
  FEDFLOW_ASSIGN_OR_RETURN(bj::value conf, json::Parse(conf_text, "runtime_conf"));
  auto spec = ParseFateDsl(dsl, conf, ctx);
  if (!spec.ok()) return spec.status();
  spec->set_dsl_json(std::string(dsl_text));
  spec->set_conf_json(std::string(conf_text));
  return spec;
}

}  // namespace fedflow::dsl
