#include "service/dsl/dag_conf.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/ids.hpp"
#include "service/dsl/known_keys.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {

namespace bj = boost::json;
using json::GetInt;
using json::GetObject;
using json::GetString;

StatusOr<std::vector<DagParty>> ReadDagParties(const bj::value& v, const std::string& path, const PlanContext& ctx,
                                               const std::vector<DagParty>* allowed) {
  if (!v.is_array() || v.as_array().empty()) {
    return InvalidArgumentError("'" + path + "' must be a non-empty list of {role, party_id: [...]}");
  }
  std::vector<DagParty> out;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const bj::value& item = v.as_array()[i];
    if (!item.is_object()) return InvalidArgumentError("'" + p + "' must be an object {role, party_id}");
    FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(item.as_object(), "'" + p + "'", {"role", "party_id"}));
    FEDFLOW_ASSIGN_OR_RETURN(std::string role, GetString(item.as_object(), "role", p + ".role"));
    if (!IsKnownRole(role)) return InvalidArgumentError("'" + p + ".role': unknown role '" + role + "'");
    const bj::value* ids = item.as_object().if_contains("party_id");
    if (!ids) return InvalidArgumentError("missing required field '" + p + ".party_id'");
    // FATE-Flow accepts a single id where a list is expected.
    std::vector<bj::value> list = ids->is_array() ? std::vector<bj::value>(ids->as_array().begin(), ids->as_array().end())
                                                  : std::vector<bj::value>{*ids};
    if (list.empty()) return InvalidArgumentError("'" + p + ".party_id' is empty");
    for (std::size_t j = 0; j < list.size(); ++j) {
      std::string ip = p + ".party_id[" + std::to_string(j) + "]";
      FEDFLOW_ASSIGN_OR_RETURN(std::string id, json::ScalarToString(list[j], ip));
      if (!IsSafeIdentifier(id, 64)) {
        return InvalidArgumentError("'" + ip + "': party id '" + id + "' must be letters, digits, _ . -");
      }
      DagParty party{role, id};
      if (allowed && std::find(allowed->begin(), allowed->end(), party) == allowed->end()) {
        return InvalidArgumentError("'" + ip + "': " + role + ":" + id + " is not one of dag.parties");
      }
      // A subset of dag.parties was checked with dag.parties itself.
      if (!allowed && ctx.check_party) FEDFLOW_RETURN_IF_ERROR(ctx.check_party(id).WithContext(ip));
      if (std::find(out.begin(), out.end(), party) == out.end()) out.push_back(party);
    }
  }
  return out;
}

Status ApplyDagTaskConf(const bj::object& o, const std::string& path, DagTaskConf* c) {
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(
      o, "'" + path + "'", {"provider", "engine_run", "timeout", "launcher_name", "launcher_conf", "device", "logger"}));
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
      if (c->cores < 1 || c->cores > 100000) {
        return InvalidArgumentError("'" + path + ".engine_run.cores' must be 1..100000");
      }
    }
  }
  if (c->timeout_s < -1 || c->timeout_s > 31536000) {
    return InvalidArgumentError("'" + path + ".timeout' must be 0..31536000 s");
  }
  return Status::OK();
}

StatusOr<DagJobConf> ReadDagJobConf(const bj::object& dag, const std::string& initiator_party_id,
                                    const PlanContext& ctx) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object conf, GetObject(dag, "conf", "dag.conf", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(conf, "'dag.conf'",
                                         {"priority", "scheduler_party_id", "initiator_party_id", "inheritance", "cores",
                                          "computing_partitions", "sync_type", "auto_retries", "model_id",
                                          "model_version", "model_warehouse", "task", "extra"}));
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
  if (const bj::value* st = conf.if_contains("sync_type");
      st && !(st->is_string() && (st->as_string() == "poll" || st->as_string() == "callback"))) {
    return InvalidArgumentError("dag.conf.sync_type must be poll or callback (fedflow always polls)");
  }
  DagJobConf out;
  JobParameters& params = out.params;
  params = ctx.defaults;
  if (params.job_type().empty()) params.set_job_type("train");
  FEDFLOW_ASSIGN_OR_RETURN(std::string stage, GetString(dag, "stage", "dag.stage", std::string("train")));
  if (stage != "train" && stage != "predict" && stage != "default" && stage != "cross_validation") {
    return InvalidArgumentError("dag.stage must be train, predict, default or cross_validation, got '" + stage + "'");
  }
  params.set_job_type(stage == "predict" ? "predict" : "train");
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t priority, GetInt(conf, "priority", "dag.conf.priority", 0));
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t retries,
                           GetInt(conf, "auto_retries", "dag.conf.auto_retries", params.auto_retries()));
  if (retries < 0 || retries > 100) return InvalidArgumentError("dag.conf.auto_retries must be 0..100");
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t partitions, GetInt(conf, "computing_partitions", "dag.conf.computing_partitions",
                                                           params.computing_partitions()));
  params.set_priority(static_cast<int>(priority));
  params.set_auto_retries(static_cast<int>(retries));
  params.set_computing_partitions(static_cast<int>(partitions));
  if (conf.contains("model_id")) {
    FEDFLOW_ASSIGN_OR_RETURN(*params.mutable_model_id(), GetString(conf, "model_id", "dag.conf.model_id"));
  }
  if (const bj::value* mv = conf.if_contains("model_version")) {
    FEDFLOW_ASSIGN_OR_RETURN(*params.mutable_model_version(), json::ScalarToString(*mv, "dag.conf.model_version"));
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object warehouse, GetObject(conf, "model_warehouse", "dag.conf.model_warehouse", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(warehouse, "'dag.conf.model_warehouse'", {"model_id", "model_version"}));
  if (warehouse.contains("model_id")) {
    FEDFLOW_ASSIGN_OR_RETURN(out.warehouse_model_id, GetString(warehouse, "model_id", "dag.conf.model_warehouse.model_id"));
  }
  if (const bj::value* mv = warehouse.if_contains("model_version")) {
    FEDFLOW_ASSIGN_OR_RETURN(out.warehouse_model_version, json::ScalarToString(*mv, "dag.conf.model_warehouse.model_version"));
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::object task_conf_obj, GetObject(conf, "task", "dag.conf.task", true));
  FEDFLOW_RETURN_IF_ERROR(ApplyDagTaskConf(task_conf_obj, "dag.conf.task", &out.task));
  // FATE-Flow 2.x budget: job cores (conf.cores) / task cores (engine_run.cores) tasks at once.
  std::int64_t task_cores = out.task.cores > 0 ? out.task.cores : params.task_cores();
  FEDFLOW_ASSIGN_OR_RETURN(out.job_cores,
                           GetInt(conf, "cores", "dag.conf.cores", task_cores * std::max(1, params.task_parallelism())));
  if (out.job_cores < 0 || out.job_cores > 1000000) return InvalidArgumentError("dag.conf.cores must be 0..1000000");
  if (task_cores > out.job_cores) out.job_cores = task_cores;
  params.set_task_cores(static_cast<int>(task_cores));
  params.set_task_parallelism(task_cores > 0 ? static_cast<int>(std::max<std::int64_t>(1, out.job_cores / task_cores))
                                             : std::max(1, params.task_parallelism()));
  return out;
}

}  // namespace fedflow::dsl
