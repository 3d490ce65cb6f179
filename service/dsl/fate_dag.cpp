#include "service/dsl/fate_dag.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "service/dsl/dag_conf.hpp"
#include "service/dsl/dag_party_tasks.hpp"
#include "service/dsl/job_graph.hpp"
#include "service/dsl/known_keys.hpp"
#include "service/dsl/party_demand.hpp"
#include "service/dsl/task_resolver.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {

namespace bj = boost::json;
using json::GetArray;
using json::GetObject;
using json::GetString;

namespace {

std::string UnknownTask(const std::string& where, const std::string& producer, const std::string&) {
  return "'" + where + "' refers to task '" + producer + "', which does not exist in dag.tasks";
}

std::string SelfDependency(const std::string& where, const std::string& task) {
  return "'" + where + "': task '" + task + "' depends on itself";
}

/// The 2.x wording; a self-dependency is refused where it is written.
constexpr ReferenceWording kWording{&UnknownTask, &SelfDependency};

/// What every task of the DAG is read against.
struct DagJob {
  const PlanContext& ctx;
  const std::vector<DagParty>& parties;
  const DagJobConf& conf;
  const DagPartyTasks& party_tasks;
  const std::set<std::string>& task_names;
};

/// The output keys consumers read, by producer. The DAG declares no outputs, so these become the
/// producers' outputs.
struct ConsumedOutputs {
  std::map<std::string, std::set<std::string>> data, model;
};

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

/// Reads `t.inputs`: task outputs become inputs and upstream edges, warehouse tables become table
/// inputs, and model warehouse entries become inputs of a stored model.
Status ReadInputs(const bj::object& t, const std::string& path, const DagJob& job, TaskResolver* resolver,
                  ConsumedOutputs* consumed) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object inputs, GetObject(t, "inputs", path + ".inputs", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(inputs, "'" + path + ".inputs'", {"data", "model"}));
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
            InputRef r;
            r.set_kind(kind);
            r.set_key(std::string(input.key()));
            FEDFLOW_ASSIGN_OR_RETURN(*r.mutable_producer(), GetString(ch, "producer_task", spath + ".producer_task"));
            FEDFLOW_ASSIGN_OR_RETURN(*r.mutable_output(),
                                     GetString(ch, "output_artifact_key", spath + ".output_artifact_key"));
            FEDFLOW_RETURN_IF_ERROR(CheckInputNames(r, "'" + spath + "': input keys and output_artifact_key"));
            FEDFLOW_RETURN_IF_ERROR(resolver->AddInput(r, spath));
            if (const bj::value* cp = ch.if_contains("parties")) {
              FEDFLOW_RETURN_IF_ERROR(ReadDagParties(*cp, spath + ".parties", job.ctx, &job.parties).status());
            }
            (std::string(kind) == "data" ? consumed->data : consumed->model)[r.producer()].insert(r.output());
          } else if (source.key() == "data_warehouse") {
            // A channel without both names reads no table fedflow can check permissions on.
            std::string ns = GetString(ch, "namespace", spath + ".namespace", std::string()).value_or("");
            std::string nm = GetString(ch, "name", spath + ".name", std::string()).value_or("");
            if (!ns.empty() && !nm.empty()) resolver->AddTable(ns + "." + nm);
          } else if (source.key() == "model_warehouse") {
            // A stored model: its id and version default to dag.conf.model_warehouse.
            FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(ch, "'" + spath + "'",
                                                   {"model_id", "model_version", "producer_task", "output_artifact_key", "parties"}));
            InputRef r;
            r.set_kind("model");
            r.set_key(std::string(input.key()));
            FEDFLOW_ASSIGN_OR_RETURN(*r.mutable_producer(), GetString(ch, "producer_task", spath + ".producer_task"));
            FEDFLOW_ASSIGN_OR_RETURN(*r.mutable_output(),
                                     GetString(ch, "output_artifact_key", spath + ".output_artifact_key"));
            FEDFLOW_ASSIGN_OR_RETURN(*r.mutable_model_id(),
                                     GetString(ch, "model_id", spath + ".model_id", job.conf.warehouse_model_id));
            std::string version = job.conf.warehouse_model_version;
            if (const bj::value* mv = ch.if_contains("model_version")) {
              FEDFLOW_ASSIGN_OR_RETURN(version, json::ScalarToString(*mv, spath + ".model_version"));
            }
            r.set_model_version(version);
            if (const bj::value* cp = ch.if_contains("parties")) {
              FEDFLOW_RETURN_IF_ERROR(ReadDagParties(*cp, spath + ".parties", job.ctx, &job.parties).status());
            }
            if (r.model_id().empty() || r.model_version().empty()) {
              return InvalidArgumentError("'" + spath + "' names no model: set its model_id and model_version or "
                                          "dag.conf.model_warehouse");
            }
            FEDFLOW_RETURN_IF_ERROR(CheckTaskName(r.producer(), "'" + spath + ".producer_task'"));
            FEDFLOW_RETURN_IF_ERROR(CheckInputNames(r, "'" + spath + "': input keys and output_artifact_key"));
            resolver->AddStoredModel(r);
          } else {
            return InvalidArgumentError("'" + spath +
                                        "': unknown source type (use task_output_artifact, data_warehouse or "
                                        "model_warehouse)");
          }
        }
      }
    }
  }
  return Status::OK();
}

/// Adds task `name` (`v` as written in dag.tasks) to `spec`.
Status AddTask(const std::string& name, const bj::value& v, const DagJob& job, PlanBudget* budget,
               ConsumedOutputs* consumed, JobSpec* spec) {
  const std::string path = "dag.tasks." + name;
  FEDFLOW_RETURN_IF_ERROR(CheckTaskName(name, "task"));
  if (!v.is_object()) return InvalidArgumentError("'" + path + "' must be an object");
  const bj::object& t = v.as_object();
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(t, "'" + path + "'", {"component_ref", "dependent_tasks", "parameters",
                                                               "inputs", "outputs", "parties", "conf", "stage"}));
  TaskSpec* task = spec->add_tasks();
  task->set_name(name);
  FEDFLOW_ASSIGN_OR_RETURN(std::string module, GetString(t, "component_ref", path + ".component_ref"));
  if (module.empty()) return InvalidArgumentError("'" + path + ".component_ref' is empty");
  task->set_module(module);

  TaskResolver resolver(task, job.task_names, kWording, budget);
  FEDFLOW_ASSIGN_OR_RETURN(bj::array deps, GetArray(t, "dependent_tasks", path + ".dependent_tasks", true));
  for (std::size_t i = 0; i < deps.size(); ++i) {
    std::string where = path + ".dependent_tasks[" + std::to_string(i) + "]";
    if (!deps[i].is_string()) return InvalidArgumentError("'" + where + "' must be a task name");
    FEDFLOW_RETURN_IF_ERROR(resolver.AddUpstream(std::string(deps[i].as_string()), where));
  }
  FEDFLOW_RETURN_IF_ERROR(ReadInputs(t, path, job, &resolver, consumed));

  // Parties (the task's own, else dag.parties), then parameters and conf at each of them.
  std::vector<DagParty> task_parties = job.parties;
  if (const bj::value* tp = t.if_contains("parties")) {
    FEDFLOW_ASSIGN_OR_RETURN(task_parties, ReadDagParties(*tp, path + ".parties", job.ctx, &job.parties));
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object base_params, GetObject(t, "parameters", path + ".parameters", true));
  DagTaskConf tc = job.conf.task;
  FEDFLOW_ASSIGN_OR_RETURN(bj::object own_conf, GetObject(t, "conf", path + ".conf", true));
  FEDFLOW_RETURN_IF_ERROR(ApplyDagTaskConf(own_conf, path + ".conf", &tc));
  for (const auto& p : task_parties) {
    bj::object merged = base_params;
    DagTaskConf party_conf = tc;
    FEDFLOW_RETURN_IF_ERROR(job.party_tasks.ApplyTo(name, p, &merged, &party_conf));
    FEDFLOW_RETURN_IF_ERROR(resolver.AddParty(p.first, p.second, true, merged));
    // A task has one provider and one timeout: the first party that sets them decides.
    if (task->provider().empty() && !party_conf.provider.empty()) {
      bool fate_provider = false;
      task->set_provider(ProviderPin(party_conf.provider, &fate_provider));
      if (fate_provider) {
        spec->add_warnings("task '" + name + "': provider '" + party_conf.provider.substr(0, 100) +
                           "' is FATE's; " + module + " runs on the provider here that implements it");
      }
    }
    if (task->timeout_ms() == 0) {
      task->set_timeout_ms(party_conf.timeout_s >= 0 ? party_conf.timeout_s * 1000 : job.conf.params.task_timeout_ms());
    }
  }
  task->set_max_retries(job.conf.params.auto_retries());
  resolver.Finish();
  if (job.ctx.check_module) {
    FEDFLOW_RETURN_IF_ERROR(job.ctx.check_module(module, task->provider()).WithContext("task '" + name + "'"));
  }
  return Status::OK();
}

}  // namespace

StatusOr<JobSpec> ParseFateDag(const bj::value& schema_v, const std::string& initiator_party_id, const PlanContext& ctx) {
  if (!schema_v.is_object()) return InvalidArgumentError("dag_schema must be an object {schema_version, dag}");
  const bj::object& schema = schema_v.as_object();
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(schema, "'dag_schema'", {"schema_version", "kind", "dag"}));
  FEDFLOW_ASSIGN_OR_RETURN(std::string kind, GetString(schema, "kind", "dag_schema.kind", std::string("fate")));
  if (kind != "fate") return InvalidArgumentError("dag_schema.kind '" + kind + "' is not supported: fedflow runs kind fate");
  const bj::value* version = schema.if_contains("schema_version");
  if (!version) return InvalidArgumentError("missing required field 'dag_schema.schema_version' (e.g. \"2.0.0\")");
  FEDFLOW_RETURN_IF_ERROR(json::ScalarToString(*version, "dag_schema.schema_version").status());
  FEDFLOW_ASSIGN_OR_RETURN(bj::object dag, GetObject(schema, "dag", "dag", false));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(dag, "'dag'", {"parties", "conf", "stage", "tasks", "party_tasks"}));

  const bj::value* parties_v = dag.if_contains("parties");
  if (!parties_v) return InvalidArgumentError("missing required field 'dag.parties'");
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<DagParty> parties, ReadDagParties(*parties_v, "dag.parties", ctx, nullptr));
  // The initiator takes the first role its party has in dag.parties.
  std::string init_role;
  for (const auto& p : parties) {
    if (p.second == initiator_party_id && init_role.empty()) init_role = p.first;
  }
  if (init_role.empty()) {
    return InvalidArgumentError("this party (" + initiator_party_id + ") is not one of dag.parties: submit the job at a party of it");
  }
  FEDFLOW_ASSIGN_OR_RETURN(DagJobConf conf, ReadDagJobConf(dag, initiator_party_id, ctx));
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
  *spec.mutable_params() = conf.params;

  FEDFLOW_ASSIGN_OR_RETURN(bj::object tasks_obj, GetObject(dag, "tasks", "dag.tasks", false));
  if (tasks_obj.empty()) return InvalidArgumentError("'dag.tasks' is empty: a job needs at least one task");
  PlanBudget budget(ctx.limits);
  FEDFLOW_RETURN_IF_ERROR(budget.CheckComponents(tasks_obj.size()));
  FEDFLOW_ASSIGN_OR_RETURN(DagPartyTasks party_tasks, DagPartyTasks::Read(dag, tasks_obj, parties, ctx));
  std::set<std::string> task_names;
  for (const auto& kv : tasks_obj) task_names.insert(std::string(kv.key()));
  const DagJob job{ctx, parties, conf, party_tasks, task_names};
  ConsumedOutputs consumed;
  for (const auto& kv : tasks_obj) {
    FEDFLOW_RETURN_IF_ERROR(AddTask(std::string(kv.key()), kv.value(), job, &budget, &consumed, &spec));
  }
  for (auto& t : *spec.mutable_tasks()) {
    for (const auto& o : consumed.data[t.name()]) t.add_output_data(o);
    for (const auto& o : consumed.model[t.name()]) t.add_output_model(o);
    // A training task's model is kept by the registry even when no later task reads it: every
    // task of a train DAG outside stage "default" may save "output_model" (FATE 2.x's name).
    const bj::value& written = tasks_obj.at(t.name());
    const bj::value* stage = written.is_object() ? written.as_object().if_contains("stage") : nullptr;
    const bool default_stage = stage && stage->is_string() && stage->as_string() == "default";
    if (conf.params.job_type() == "train" && !default_stage && !consumed.model[t.name()].count("output_model")) {
      t.add_output_model("output_model");
    }
  }
  FEDFLOW_RETURN_IF_ERROR(SortTopologically(spec.mutable_tasks()));

  // Every party holds the job's budget for as long as the job runs (an arbiter holds none).
  for (const auto& p : parties) *spec.add_demands() = DemandOf(p.first, p.second, conf.job_cores, 0);
  return spec;
}

}  // namespace fedflow::dsl
