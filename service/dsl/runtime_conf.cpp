#include "service/dsl/runtime_conf.hpp"

#include <algorithm>
#include <functional>

#include "base/ids.hpp"
#include "service/dsl/known_keys.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {
namespace {

namespace bj = boost::json;
using json::GetInt;
using json::GetObject;
using json::GetString;

/// Job parameters from one object (common, a role entry or a task_conf entry), over what `p` holds.
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
  // FATE writes delays and timeouts in seconds; fedflow keeps milliseconds.
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

/// Is `spec` written as a party index spec ("all", or digits joined by '|')? FATE ignores a
/// role entry whose key is none (its toy example has one); fedflow warns and ignores it too.
bool IsIndexSpec(const std::string& spec) {
  return spec == "all" || (!spec.empty() && spec.find_first_not_of("0123456789|") == std::string::npos);
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

/// Walks `section.<role>.<index spec>` entries, calling fn(entry object, path) for every entry
/// that covers `party` ("all" first, then multi-index, then the exact index: specific wins).
Status ForRoleEntries(const bj::object& role_section, const std::string& path, const ConfParty& party,
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
    if (!IsIndexSpec(spec)) continue;  // warned about when the section was read
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

StatusOr<RuntimeConf> RuntimeConf::Read(const bj::object& conf, const PlanContext& ctx) {
  RuntimeConf out;
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t dsl_version, GetInt(conf, "dsl_version", "runtime_conf.dsl_version", 2));
  if (dsl_version != 2 || conf.contains("role_parameters") || conf.contains("algorithm_parameters")) {
    return InvalidArgumentError(
        "runtime_conf uses the dsl_version 1 layout (role_parameters/algorithm_parameters); FATE 1.7+ and fedflow "
        "need dsl_version 2: put parameters under component_parameters.common / component_parameters.role");
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object initiator, GetObject(conf, "initiator", "runtime_conf.initiator", false));
  FEDFLOW_ASSIGN_OR_RETURN(out.initiator_role_, GetString(initiator, "role", "runtime_conf.initiator.role"));
  const bj::value* init_pid_v = initiator.if_contains("party_id");
  if (!init_pid_v) return InvalidArgumentError("missing required field 'runtime_conf.initiator.party_id'");
  FEDFLOW_ASSIGN_OR_RETURN(out.initiator_party_id_,
                           json::ScalarToString(*init_pid_v, "runtime_conf.initiator.party_id"));

  FEDFLOW_ASSIGN_OR_RETURN(bj::object role_obj, GetObject(conf, "role", "runtime_conf.role", false));
  if (role_obj.empty()) return InvalidArgumentError("'runtime_conf.role' lists no roles: add e.g. {\"guest\": [9999]}");
  for (const auto& kv : role_obj) {
    std::string role(kv.key());
    std::string path = "runtime_conf.role." + role;
    if (!IsKnownRole(role)) {
      return InvalidArgumentError("'" + path + "': unknown role '" + role + "' (use guest, host, arbiter or local)");
    }
    if (!kv.value().is_array() || kv.value().as_array().empty()) {
      return InvalidArgumentError("'" + path + "' must be a non-empty list of party ids");
    }
    std::vector<std::string>& ids = out.roles_[role];
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
      out.parties_.push_back(ConfParty{role, id, static_cast<int>(i)});
    }
  }
  auto initiator_role = out.roles_.find(out.initiator_role_);
  if (initiator_role == out.roles_.end() ||
      std::find(initiator_role->second.begin(), initiator_role->second.end(), out.initiator_party_id_) ==
          initiator_role->second.end()) {
    return InvalidArgumentError("runtime_conf.initiator " + out.initiator_role_ + ":" + out.initiator_party_id_ +
                                " is not one of the parties in runtime_conf.role");
  }

  out.job_parameters_ = ctx.defaults;
  if (out.job_parameters_.job_type().empty()) out.job_parameters_.set_job_type("train");
  FEDFLOW_ASSIGN_OR_RETURN(bj::object job_params, GetObject(conf, "job_parameters", "runtime_conf.job_parameters", true));
  for (const auto& kv : job_params) {
    if (kv.key() != "common" && kv.key() != "role") {
      return InvalidArgumentError("'runtime_conf.job_parameters." + std::string(kv.key()) +
                                  "': dsl_version 2 puts job parameters under job_parameters.common (or .role)");
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(out.common_job_parameters_,
                           GetObject(job_params, "common", "runtime_conf.job_parameters.common", true));
  FEDFLOW_RETURN_IF_ERROR(
      ReadJobParameters(out.common_job_parameters_, "runtime_conf.job_parameters.common", &out.job_parameters_));
  FEDFLOW_ASSIGN_OR_RETURN(out.role_job_parameters_,
                           GetObject(job_params, "role", "runtime_conf.job_parameters.role", true));
  for (const auto& kv : out.role_job_parameters_) {
    if (!out.roles_.count(std::string(kv.key()))) {
      return InvalidArgumentError("'runtime_conf.job_parameters.role." + std::string(kv.key()) +
                                  "': role is not in runtime_conf.role");
    }
    if (!kv.value().is_object()) continue;
    for (const auto& entry : kv.value().as_object()) {
      if (IsIndexSpec(std::string(entry.key()))) continue;
      out.warnings_.push_back("runtime_conf.job_parameters.role." + std::string(kv.key()) + "." +
                              std::string(entry.key()).substr(0, 100) +
                              ": not a party index (0, 0|1 or all); ignored, as FATE does");
    }
  }
  // The component sections stay unread until the DSL names the components.
  out.conf_ = conf;
  return out;
}

Status RuntimeConf::ReadComponentSections(const std::set<std::string>& components) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object cparams,
                           GetObject(conf_, "component_parameters", "runtime_conf.component_parameters", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(cparams, "runtime_conf.component_parameters", {"common", "role"}));
  FEDFLOW_ASSIGN_OR_RETURN(common_component_parameters_,
                           GetObject(cparams, "common", "runtime_conf.component_parameters.common", true));
  for (const auto& kv : common_component_parameters_) {
    std::string path = "runtime_conf.component_parameters.common." + std::string(kv.key());
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
    if (!components.count(std::string(kv.key()))) {
      // FATE's example confs serve several DSLs: parameters of an absent component are ignored.
      warnings_.push_back(path.substr(0, 200) + ": no component '" + std::string(kv.key()).substr(0, 100) +
                          "' in the DSL; ignored");
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(role_component_parameters_,
                           GetObject(cparams, "role", "runtime_conf.component_parameters.role", true));
  for (const auto& kv : role_component_parameters_) {
    std::string path = "runtime_conf.component_parameters.role." + std::string(kv.key());
    auto role = roles_.find(std::string(kv.key()));
    if (role == roles_.end()) return InvalidArgumentError("'" + path + "': role is not in runtime_conf.role");
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
    for (const auto& entry : kv.value().as_object()) {
      std::string epath = path + "." + std::string(entry.key());
      if (!IsIndexSpec(std::string(entry.key()))) {
        warnings_.push_back(epath.substr(0, 200) + ": not a party index (0, 0|1 or all); ignored, as FATE does");
        continue;
      }
      // Only the spec's syntax and range are checked here; which party it covers is asked later.
      FEDFLOW_RETURN_IF_ERROR(
          IndexSpecCovers(std::string(entry.key()), 0, static_cast<int>(role->second.size()), epath).status());
      if (!entry.value().is_object()) return InvalidArgumentError("'" + epath + "' must be an object");
      for (const auto& comp : entry.value().as_object()) {
        if (!comp.value().is_object()) {
          return InvalidArgumentError("'" + epath + "." + std::string(comp.key()) + "' must be an object");
        }
        if (!components.count(std::string(comp.key()))) {
          warnings_.push_back(epath.substr(0, 200) + "." + std::string(comp.key()).substr(0, 100) + ": no component '" +
                              std::string(comp.key()).substr(0, 100) + "' in the DSL; ignored");
        }
      }
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object provider_conf, GetObject(conf_, "provider", "runtime_conf.provider", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(provider_conf, "runtime_conf.provider", {"common"}));
  FEDFLOW_ASSIGN_OR_RETURN(bj::object provider_common,
                           GetObject(provider_conf, "common", "runtime_conf.provider.common", true));
  for (const auto& kv : provider_common) {
    std::string path = "runtime_conf.provider.common." + std::string(kv.key());
    if (!components.count(std::string(kv.key()))) return InvalidArgumentError("'" + path + "': no such component");
    if (!kv.value().is_string()) return InvalidArgumentError("'" + path + "' must be a string like \"fate@1.11.2\"");
    providers_[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  FEDFLOW_ASSIGN_OR_RETURN(task_conf_, GetObject(common_job_parameters_, "task_conf",
                                                 "runtime_conf.job_parameters.common.task_conf", true));
  for (const auto& kv : task_conf_) {
    std::string path = "runtime_conf.job_parameters.common.task_conf." + std::string(kv.key());
    if (!components.count(std::string(kv.key()))) return InvalidArgumentError("'" + path + "': no such component");
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
  }
  return Status::OK();
}

const std::string* RuntimeConf::ProviderOf(const std::string& component) const {
  auto it = providers_.find(component);
  return it == providers_.end() ? nullptr : &it->second;
}

StatusOr<ComponentTaskConf> RuntimeConf::TaskConfOf(const std::string& component) const {
  ComponentTaskConf out;
  out.max_retries = job_parameters_.auto_retries();
  out.timeout_ms = job_parameters_.task_timeout_ms();
  const bj::value* tc = task_conf_.if_contains(component);
  if (!tc) return out;
  // A task_conf entry speaks the job parameters' language under other names: it is read with the
  // same ranges by renaming its keys.
  JobParameters overrides;
  overrides.set_auto_retries(out.max_retries);
  overrides.set_task_timeout_ms(out.timeout_ms);
  bj::object renamed;
  for (const auto& kv : tc->as_object()) {
    if (kv.key() == "timeout") {
      renamed["task_timeout"] = kv.value();
    } else if (kv.key() == "auto_retries") {
      renamed["auto_retries"] = kv.value();
    } else {
      return InvalidArgumentError("'runtime_conf.job_parameters.common.task_conf." + component + "." +
                                  std::string(kv.key()) + "': supported keys are timeout and auto_retries");
    }
  }
  FEDFLOW_RETURN_IF_ERROR(
      ReadJobParameters(renamed, "runtime_conf.job_parameters.common.task_conf." + component, &overrides));
  out.max_retries = overrides.auto_retries();
  out.timeout_ms = overrides.task_timeout_ms();
  return out;
}

StatusOr<bj::object> RuntimeConf::ParametersOf(const std::string& component, const ConfParty& party) const {
  bj::object params;
  if (const bj::value* common = common_component_parameters_.if_contains(component)) params = common->as_object();
  FEDFLOW_RETURN_IF_ERROR(ForRoleEntries(role_component_parameters_, "runtime_conf.component_parameters.role", party,
                                         roles_, [&](const bj::object& entry, const std::string& path) {
                                           const bj::value* v = entry.if_contains(component);
                                           if (v && !v->is_object()) {
                                             return InvalidArgumentError("'" + path + "." + component +
                                                                         "' must be an object");
                                           }
                                           if (v) json::MergeInto(params, v->as_object());
                                           return Status::OK();
                                         }));
  return params;
}

StatusOr<JobParameters> RuntimeConf::JobParametersAt(const ConfParty& party) const {
  JobParameters merged = job_parameters_;
  FEDFLOW_RETURN_IF_ERROR(ForRoleEntries(role_job_parameters_, "runtime_conf.job_parameters.role", party, roles_,
                                         [&](const bj::object& entry, const std::string& entry_path) {
                                           return ReadJobParameters(entry, entry_path, &merged);
                                         }));
  return merged;
}

}  // namespace fedflow::dsl
