#include "service/dsl/fate_dag.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "base/ids.hpp"
#include "service/dsl/job_graph.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {

namespace bj = boost::json;
using json::GetArray;
using json::GetInt;
using json::GetObject;
using json::GetString;

namespace {

using Party = std::pair<std::string, std::string>;  // role, party id

Status CheckKeys(const bj::object& o, const std::string& path, std::initializer_list<const char*> known) {
  for (const auto& kv : o) {
    bool ok = false;
    for (const char* k : known) ok = ok || kv.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return InvalidArgumentError("'" + path + "': unknown key '" + std::string(kv.key()) + "' (expected " + list + ")");
    }
  }
  return Status::OK();
}

/// [{role, party_id: [..]}] -> (role, party) pairs, checked against `allowed` when given.
StatusOr<std::vector<Party>> ReadParties(const bj::value& v, const std::string& path, const PlanContext& ctx,
                                         const std::vector<Party>* allowed) {
  if (!v.is_array() || v.as_array().empty()) {
    return InvalidArgumentError("'" + path + "' must be a non-empty list of {role, party_id: [...]}");
  }
  std::vector<Party> out;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const bj::value& item = v.as_array()[i];
    if (!item.is_object()) return InvalidArgumentError("'" + p + "' must be an object {role, party_id}");
    FEDFLOW_RETURN_IF_ERROR(CheckKeys(item.as_object(), p, {"role", "party_id"}));
    FEDFLOW_ASSIGN_OR_RETURN(std::string role, GetString(item.as_object(), "role", p + ".role"));
    if (!IsKnownRole(role)) return InvalidArgumentError("'" + p + ".role': unknown role '" + role + "'");
    const bj::value* ids = item.as_object().if_contains("party_id");
    if (!ids) return InvalidArgumentError("missing required field '" + p + ".party_id'");
    std::vector<bj::value> list = ids->is_array() ? std::vector<bj::value>(ids->as_array().begin(), ids->as_array().end())
                                                  : std::vector<bj::value>{*ids};
    if (list.empty()) return InvalidArgumentError("'" + p + ".party_id' is empty");
    for (std::size_t j = 0; j < list.size(); ++j) {
      std::string ip = p + ".party_id[" + std::to_string(j) + "]";
      FEDFLOW_ASSIGN_OR_RETURN(std::string id, json::ScalarToString(list[j], ip));
      if (!IsSafeIdentifier(id, 64)) return InvalidArgumentError("'" + ip + "': party id '" + id + "' must be letters, digits, _ . -");
      Party party{role, id};
      if (allowed && std::find(allowed->begin(), allowed->end(), party) == allowed->end()) {
        return InvalidArgumentError("'" + ip + "': " + role + ":" + id + " is not one of dag.parties");
      }
      if (!allowed && ctx.check_party) FEDFLOW_RETURN_IF_ERROR(ctx.check_party(id).WithContext(ip));
      if (std::find(out.begin(), out.end(), party) == out.end()) out.push_back(party);
    }
  }
  return out;
}

/// "name:version@device" (2.x) -> "name@version" (our pin); "*" or missing parts match anything.
std::string ProviderPin(const std::string& provider) {
  std::string s = provider;
  if (auto at = s.find('@'); at != std::string::npos) s = s.substr(0, at);
  std::string name = s, version;
  if (auto colon = s.find(':'); colon != std::string::npos) {
    name = s.substr(0, colon);
    version = s.substr(colon + 1);
  }
  if (name.empty() || name == "*") return "";
  if (version.empty() || version == "*") return name;
  return name + "@" + version;
}

struct TaskConf {
  std::string provider;
  std::int64_t timeout_s = -1;
  std::int64_t cores = -1;
};

/// Applies one task conf object (keys of TaskConfSpec) over `c`.
Status ApplyTaskConf(const bj::object& o, const std::string& path, TaskConf* c) {
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(o, path, {"provider", "engine_run", "timeout", "launcher_name", "launcher_conf",
                                              "device", "logger"}));
  if (o.contains("provider")) {
    FEDFLOW_ASSIGN_OR_RETURN(c->provider, GetString(o, "provider", path + ".provider"));
  }
  if (o.contains("timeout")) {
    FEDFLOW_ASSIGN_OR_RETURN(c->timeout_s, GetInt(o, "timeout", path + ".timeout"));
  }
  if (const bj::value* er = o.if_contains("engine_run")) {
    if (!er->is_object()) return InvalidArgumentError("'" + path + ".engine_run' must be an object");
    if (er->as_object().contains("cores")) {
      FEDFLOW_ASSIGN_OR_RETURN(c->cores, GetInt(er->as_object(), "cores", path + ".engine_run.cores"));
      if (c->cores < 1 || c->cores > 100000) return InvalidArgumentError("'" + path + ".engine_run.cores' must be 1..100000");
    }
  }
  if (c->timeout_s < -1 || c->timeout_s > 31536000) return InvalidArgumentError("'" + path + ".timeout' must be 0..31536000 s");
  return Status::OK();
}

/// The channels of one input key: an object or a list of objects.
StatusOr<std::vector<bj::object>> Channels(const bj::value& v, const std::string& path) {
  std::vector<bj::object> out;
  if (v.is_object()) {
    out.push_back(v.as_object());
  } else if (v.is_array()) {
    for (const auto& c : v.as_array()) {
      if (!c.is_object()) return InvalidArgumentError("'" + path + "' entries must be objects");
      out.push_back(c.as_object());
    }
  } else {
    return InvalidArgumentError("'" + path + "' must be a channel object or a list of them");
  }
  return out;
}

}  // namespace

StatusOr<JobSpec> ParseFateDag(const bj::value& schema_v, const std::string& initiator_party_id, const PlanContext& ctx) {
  if (!schema_v.is_object()) return InvalidArgumentError("dag_schema must be an object {schema_version, dag}");
  const bj::object& schema = schema_v.as_object();
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(schema, "dag_schema", {"schema_version", "kind", "dag"}));
  FEDFLOW_ASSIGN_OR_RETURN(std::string kind, GetString(schema, "kind", "dag_schema.kind", std::string("fate")));
  if (kind != "fate") return InvalidArgumentError("dag_schema.kind '" + kind + "' is not supported: fedflow runs kind fate");
  const bj::value* version = schema.if_contains("schema_version");
  if (!version) return InvalidArgumentError("missing required field 'dag_schema.schema_version' (e.g. \"2.0.0\")");
  FEDFLOW_RETURN_IF_ERROR(json::ScalarToString(*version, "dag_schema.schema_version").status());
  FEDFLOW_ASSIGN_OR_RETURN(bj::object dag, GetObject(schema, "dag", "dag", false));
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(dag, "dag", {"parties", "conf", "stage", "tasks", "party_tasks"}));

  // --- parties and the initiator ---
  const bj::value* parties_v = dag.if_contains("parties");
  if (!parties_v) return InvalidArgumentError("missing required field 'dag.parties'");
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<Party> parties, ReadParties(*parties_v, "dag.parties", ctx, nullptr));
  std::string init_role;
  for (const auto& p : parties) {
    if (p.second == initiator_party_id && init_role.empty()) init_role = p.first;
  }
  if (init_role.empty()) {
    return InvalidArgumentError("this party (" + initiator_party_id + ") is not one of dag.parties: submit the job at a party of it");
  }

  // --- job conf ---
  FEDFLOW_ASSIGN_OR_RETURN(bj::object conf, GetObject(dag, "conf", "dag.conf", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKeys(conf, "dag.conf",
                                    {"priority", "scheduler_party_id", "initiator_party_id", "inheritance", "cores",
                                     "computing_partitions", "sync_type", "auto_retries", "model_id", "model_version",
                                     "model_warehouse", "task", "extra"}));
  std::string scheduler_party;
  if (const bj::value* sp = conf.if_contains("scheduler_party_id")) {
    FEDFLOW_ASSIGN_OR_RETURN(scheduler_party, json::ScalarToString(*sp, "dag.conf.scheduler_party_id"));
  }
  if (!scheduler_party.empty() && scheduler_party != initiator_party_id) {
    return InvalidArgumentError("dag.conf.scheduler_party_id " + scheduler_party +
                                ": fedflow schedules a job at the party that submits it; submit it at party " +
                                scheduler_party + " or drop the key");
  }
  if (conf.contains("inheritance")) {
    return InvalidArgumentError("dag.conf.inheritance is not supported: rerun the job instead (fedflow job rerun)");
  }
  if (const bj::value* st = conf.if_contains("sync_type"); st && !(st->is_string() && (st->as_string() == "poll" || st->as_string() == "callback"))) {
    return InvalidArgumentError("dag.conf.sync_type must be poll or callback (fedflow always polls)");
  }
  JobSpec spec;
  spec.set_format("fate-2.x-dag");
  spec.set_dsl_json(json::Dump(schema_v));
  spec.mutable_initiator()->set_role(init_role);
  spec.mutable_initiator()->set_party_id(initiator_party_id);
  for (const auto& p : parties) {
    PartyRef* r = spec.add_parties();
    r->set_role(p.first);
    r->set_party_id(p.second);
  }
  JobParameters& params = *spec.mutable_params();
  params = ctx.defaults;
  if (params.job_type().empty()) params.set_job_type("train");
  FEDFLOW_ASSIGN_OR_RETURN(std::string stage, GetString(dag, "stage", "dag.stage", std::string("train")));
  if (stage != "train" && stage != "predict" && stage != "default" && stage != "cross_validation") {
    return InvalidArgumentError("dag.stage must be train, predict, default or cross_validation, got '" + stage + "'");
  }
  params.set_job_type(stage == "predict" ? "predict" : "train");
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t priority, GetInt(conf, "priority", "dag.conf.priority", 0));
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t retries, GetInt(conf, "auto_retries", "dag.conf.auto_retries", params.auto_retries()));
  if (retries < 0 || retries > 100) return InvalidArgumentError("dag.conf.auto_retries must be 0..100");
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t partitions,
                           GetInt(conf, "computing_partitions", "dag.conf.computing_partitions", params.computing_partitions()));
  params.set_priority(static_cast<int>(priority));
  params.set_auto_retries(static_cast<int>(retries));
  params.set_computing_partitions(static_cast<int>(partitions));
  if (conf.contains("model_id")) {
    FEDFLOW_ASSIGN_OR_RETURN(*params.mutable_model_id(), GetString(conf, "model_id", "dag.conf.model_id"));
  }
  if (const bj::value* mv = conf.if_contains("model_version")) {
    FEDFLOW_ASSIGN_OR_RETURN(*params.mutable_model_version(), json::ScalarToString(*mv, "dag.conf.model_version"));
  }
  TaskConf job_task_conf;
  FEDFLOW_ASSIGN_OR_RETURN(bj::object task_conf_obj, GetObject(conf, "task", "dag.conf.task", true));
  FEDFLOW_RETURN_IF_ERROR(ApplyTaskConf(task_conf_obj, "dag.conf.task", &job_task_conf));
  // FATE-Flow 2.x budget: job cores (conf.cores) / task cores (engine_run.cores) tasks at once.
  std::int64_t task_cores = job_task_conf.cores > 0 ? job_task_conf.cores : params.task_cores();
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t job_cores,
                           GetInt(conf, "cores", "dag.conf.cores", task_cores * std::max(1, params.task_parallelism())));
  if (job_cores < 0 || job_cores > 1000000) return InvalidArgumentError("dag.conf.cores must be 0..1000000");
  if (task_cores > job_cores) job_cores = task_cores;
  params.set_task_cores(static_cast<int>(task_cores));
  params.set_task_parallelism(task_cores > 0 ? static_cast<int>(std::max<std::int64_t>(1, job_cores / task_cores))
                                             : std::max(1, params.task_parallelism()));

  // --- tasks ---
  FEDFLOW_ASSIGN_OR_RETURN(bj::object tasks_obj, GetObject(dag, "tasks", "dag.tasks", false));
  if (tasks_obj.empty()) return InvalidArgumentError("'dag.tasks' is empty: a job needs at least one task");
  PlanBudget budget(ctx.limits);
  FEDFLOW_RETURN_IF_ERROR(budget.CheckComponents(tasks_obj.size()));
  FEDFLOW_ASSIGN_OR_RETURN(bj::object party_tasks, GetObject(dag, "party_tasks", "dag.party_tasks", true));
  // Validate party_tasks once: its parties, its tasks.
  std::map<std::string, std::vector<Party>> site_parties;
  for (const auto& kv : party_tasks) {
    std::string path = "dag.party_tasks." + std::string(kv.key());
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
    const bj::object& site = kv.value().as_object();
    FEDFLOW_RETURN_IF_ERROR(CheckKeys(site, path, {"parties", "tasks", "conf"}));
    const bj::value* sp = site.if_contains("parties");
    if (!sp) return InvalidArgumentError("missing required field '" + path + ".parties'");
    FEDFLOW_ASSIGN_OR_RETURN(site_parties[std::string(kv.key())], ReadParties(*sp, path + ".parties", ctx, &parties));
    FEDFLOW_ASSIGN_OR_RETURN(bj::object site_tasks, GetObject(site, "tasks", path + ".tasks", true));
    for (const auto& t : site_tasks) {
      if (!tasks_obj.contains(t.key())) {
        return InvalidArgumentError("'" + path + ".tasks." + std::string(t.key()) + "': no task '" + std::string(t.key()) + "' in dag.tasks");
      }
      if (!t.value().is_object()) return InvalidArgumentError("'" + path + ".tasks." + std::string(t.key()) + "' must be an object");
      FEDFLOW_RETURN_IF_ERROR(CheckKeys(t.value().as_object(), path + ".tasks." + std::string(t.key()), {"parameters", "conf"}));
    }
  }

  std::map<std::string, std::set<std::string>> data_outputs, model_outputs;  // producer -> keys consumed
  for (const auto& kv : tasks_obj) {
    const std::string name(kv.key());
    const std::string path = "dag.tasks." + name;
    if (!IsTaskName(name)) {
      return InvalidArgumentError("task name '" + name.substr(0, 100) + "' must be 1-100 letters, digits, _ or -");
    }
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
    const bj::object& t = kv.value().as_object();
    FEDFLOW_RETURN_IF_ERROR(CheckKeys(t, path, {"component_ref", "dependent_tasks", "parameters", "inputs", "outputs",
                                                "parties", "conf", "stage"}));
    TaskSpec* task = spec.add_tasks();
    task->set_name(name);
    FEDFLOW_ASSIGN_OR_RETURN(std::string module, GetString(t, "component_ref", path + ".component_ref"));
    if (module.empty()) return InvalidArgumentError("'" + path + ".component_ref' is empty");
    task->set_module(module);

    std::set<std::string> upstream;
    auto add_upstream = [&](const std::string& producer, const std::string& where) -> Status {
      if (!tasks_obj.contains(producer)) {
        return InvalidArgumentError("'" + where + "' refers to task '" + producer + "', which does not exist in dag.tasks");
      }
      if (producer == name) return InvalidArgumentError("'" + where + "': task '" + name + "' depends on itself");
      if (upstream.insert(producer).second) task->add_upstream(producer);
      return Status::OK();
    };
    FEDFLOW_ASSIGN_OR_RETURN(bj::array deps, GetArray(t, "dependent_tasks", path + ".dependent_tasks", true));
    for (std::size_t i = 0; i < deps.size(); ++i) {
      std::string where = path + ".dependent_tasks[" + std::to_string(i) + "]";
      if (!deps[i].is_string()) return InvalidArgumentError("'" + where + "' must be a task name");
      FEDFLOW_RETURN_IF_ERROR(add_upstream(std::string(deps[i].as_string()), where));
    }
    FEDFLOW_ASSIGN_OR_RETURN(bj::object inputs, GetObject(t, "inputs", path + ".inputs", true));
    FEDFLOW_RETURN_IF_ERROR(CheckKeys(inputs, path + ".inputs", {"data", "model"}));
    std::set<std::string> tables;
    for (const char* kind : {"data", "model"}) {
      FEDFLOW_ASSIGN_OR_RETURN(bj::object by_key, GetObject(inputs, kind, path + ".inputs." + kind, true));
      for (const auto& input : by_key) {
        std::string ipath = path + ".inputs." + kind + "." + std::string(input.key());
        if (!input.value().is_object()) return InvalidArgumentError("'" + ipath + "' must be {source_type: channel}");
        for (const auto& source : input.value().as_object()) {
          std::string spath = ipath + "." + std::string(source.key());
          FEDFLOW_ASSIGN_OR_RETURN(auto channels, Channels(source.value(), spath));
          for (const auto& ch : channels) {
            if (source.key() == "task_output_artifact") {
              FEDFLOW_ASSIGN_OR_RETURN(std::string producer, GetString(ch, "producer_task", spath + ".producer_task"));
              FEDFLOW_ASSIGN_OR_RETURN(std::string output, GetString(ch, "output_artifact_key", spath + ".output_artifact_key"));
              if (!IsArtifactName(output) || !IsArtifactName(std::string(input.key()))) {
                return InvalidArgumentError("'" + spath + "': input keys and output_artifact_key must be 1-100 letters, "
                                            "digits, _ . - (not starting with '.', no '..')");
              }
              FEDFLOW_RETURN_IF_ERROR(add_upstream(producer, spath));
              if (const bj::value* cp = ch.if_contains("parties")) {
                FEDFLOW_RETURN_IF_ERROR(ReadParties(*cp, spath + ".parties", ctx, &parties).status());
              }
              InputRef* r = task->add_inputs();
              r->set_kind(kind);
              r->set_key(std::string(input.key()));
              r->set_producer(producer);
              r->set_output(output);
              (std::string(kind) == "data" ? data_outputs : model_outputs)[producer].insert(output);
            } else if (source.key() == "data_warehouse") {
              std::string ns = GetString(ch, "namespace", spath + ".namespace", std::string()).value_or("");
              std::string nm = GetString(ch, "name", spath + ".name", std::string()).value_or("");
              if (!ns.empty() && !nm.empty()) tables.insert(ns + "." + nm);
            } else if (source.key() != "model_warehouse") {
              return InvalidArgumentError("'" + spath + "': unknown source type (use task_output_artifact, data_warehouse or model_warehouse)");
            }
          }
        }
      }
    }

    // Parties, parameters and conf of this task.
    std::vector<Party> task_parties = parties;
    if (const bj::value* tp = t.if_contains("parties")) {
      FEDFLOW_ASSIGN_OR_RETURN(task_parties, ReadParties(*tp, path + ".parties", ctx, &parties));
    }
    FEDFLOW_ASSIGN_OR_RETURN(bj::object base_params, GetObject(t, "parameters", path + ".parameters", true));
    TaskConf tc = job_task_conf;
    FEDFLOW_ASSIGN_OR_RETURN(bj::object own_conf, GetObject(t, "conf", path + ".conf", true));
    FEDFLOW_RETURN_IF_ERROR(ApplyTaskConf(own_conf, path + ".conf", &tc));
    for (const auto& p : task_parties) {
      bj::object merged = base_params;
      TaskConf party_conf = tc;
      for (const auto& site : party_tasks) {
        const auto& sp = site_parties[std::string(site.key())];
        if (std::find(sp.begin(), sp.end(), p) == sp.end()) continue;
        const bj::object& so = site.value().as_object();
        std::string spath = "dag.party_tasks." + std::string(site.key());
        if (const bj::value* sc = so.if_contains("conf")) {
          if (!sc->is_object()) return InvalidArgumentError("'" + spath + ".conf' must be an object");
          FEDFLOW_RETURN_IF_ERROR(ApplyTaskConf(sc->as_object(), spath + ".conf", &party_conf));
        }
        const bj::value* st = so.if_contains("tasks");
        const bj::value* entry = st && st->is_object() ? st->as_object().if_contains(name) : nullptr;
        if (!entry) continue;
        if (const bj::value* ep = entry->as_object().if_contains("parameters")) {
          if (!ep->is_object()) return InvalidArgumentError("'" + spath + ".tasks." + name + ".parameters' must be an object");
          json::MergeInto(merged, ep->as_object());
        }
        if (const bj::value* ec = entry->as_object().if_contains("conf")) {
          if (!ec->is_object()) return InvalidArgumentError("'" + spath + ".tasks." + name + ".conf' must be an object");
          FEDFLOW_RETURN_IF_ERROR(ApplyTaskConf(ec->as_object(), spath + ".tasks." + name + ".conf", &party_conf));
        }
      }
      PartyTask* pt = task->add_parties();
      pt->set_role(p.first);
      pt->set_party_id(p.second);
      pt->set_need_run(true);
      pt->set_parameters_json(json::Dump(merged));
      FEDFLOW_RETURN_IF_ERROR(budget.AddParameters(pt->parameters_json(), name, p.first, p.second));
      if (task->provider().empty()) task->set_provider(ProviderPin(party_conf.provider));
      if (task->timeout_ms() == 0) {
        task->set_timeout_ms(party_conf.timeout_s >= 0 ? party_conf.timeout_s * 1000 : params.task_timeout_ms());
      }
    }
    task->set_max_retries(params.auto_retries());
    for (const auto& tb : tables) task->add_table_inputs(tb);
    if (ctx.check_module) FEDFLOW_RETURN_IF_ERROR(ctx.check_module(module, task->provider()).WithContext("task '" + name + "'"));
  }
  // Outputs the consumers name become the producers' declared outputs.
  for (auto& t : *spec.mutable_tasks()) {
    for (const auto& o : data_outputs[t.name()]) t.add_output_data(o);
    for (const auto& o : model_outputs[t.name()]) t.add_output_model(o);
  }
  FEDFLOW_RETURN_IF_ERROR(SortTopologically(spec.mutable_tasks()));

  // Demand: the job budget at every party that runs something; arbiters hold none.
  for (const auto& p : parties) {
    PartyDemand* d = spec.add_demands();
    d->set_role(p.first);
    d->set_party_id(p.second);
    d->set_cores(p.first == "arbiter" ? 0 : static_cast<int>(job_cores));
    d->set_memory_mb(0);
  }
  return spec;
}

}  // namespace fedflow::dsl
