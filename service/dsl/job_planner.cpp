#include "service/dsl/job_planner.hpp"

#include "base/ids.hpp"
#include "service/dsl/fate_dag.hpp"
#include "service/dsl/fate_dsl.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {

namespace bj = boost::json;

namespace {

constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr std::size_t kMaxUserNameBytes = 128;

Status CheckJobBytes(std::size_t bytes, const PlanLimits& limits) {
  if (bytes <= limits.max_job_bytes) return Status::OK();
  return InvalidArgumentError("the job's DSL and conf are " + std::to_string(bytes) + " bytes, more than the limit of " +
                              std::to_string(limits.max_job_bytes) + " (limits.max_job_bytes)");
}

StatusOr<JobSpec> PlanDag(const bj::value& dag, const std::string& initiator, const PlanContext& ctx) {
  const bj::value* schema = &dag;
  bj::value parsed;
  if (dag.is_string()) {
    FEDFLOW_RETURN_IF_ERROR(CheckJobBytes(dag.as_string().size(), ctx.limits));
    FEDFLOW_ASSIGN_OR_RETURN(parsed, YamlToJson(std::string(dag.as_string()), "dag_schema", ctx.limits.yaml_max_nodes));
    schema = &parsed;
  }
  FEDFLOW_RETURN_IF_ERROR(CheckJobBytes(json::Dump(*schema).size(), ctx.limits));
  return ParseFateDag(*schema, initiator, ctx);
}

std::string Describe(const TaskSpec& t) {
  std::string out = t.module() + "|" + t.provider() + "|up:";
  for (const auto& u : t.upstream()) out += u + ",";
  out += "|in:";
  for (const auto& in : t.inputs()) out += in.kind() + "/" + in.key() + "/" + in.producer() + "/" + in.output() + ",";
  out += "|out:";
  for (const auto& d : t.output_data()) out += d + ",";
  out += "|model:";
  for (const auto& m : t.output_model()) out += m + ",";
  out += "|parties:";
  for (const auto& p : t.parties()) out += p.role() + ":" + p.party_id() + (p.need_run() ? "" : "(pass)") + ",";
  return out;
}

}  // namespace

StatusOr<JobSpec> PlanSubmission(const bj::object& args, const std::string& self_party_id, const PlanContext& ctx) {
  // FATE-Flow 2.x: {"dag_schema": {...}} (or its YAML text), or the DAG itself.
  const bj::value* dag = args.if_contains("dag_schema");
  bj::value bare;
  if (!dag && args.contains("dag") && args.contains("schema_version")) {
    bare = bj::object{{"schema_version", args.at("schema_version")}, {"dag", args.at("dag")}};
    if (args.contains("kind")) bare.as_object()["kind"] = args.at("kind");
    dag = &bare;
  }
  if (dag) return PlanDag(*dag, self_party_id, ctx);
  const bj::value* dsl = args.if_contains("dsl");
  if (!dsl) dsl = args.if_contains("job_dsl");
  const bj::value* conf = args.if_contains("runtime_conf");
  if (!conf) conf = args.if_contains("job_runtime_conf");
  if (!dsl || !conf) {
    return InvalidArgumentError(
        "the body must carry the job: {\"dsl\": {...}, \"runtime_conf\": {...}} (FATE 1.x job files) or "
        "{\"dag_schema\": {...}} (a FATE-Flow 2.x DAG)");
  }
  const std::string dsl_text = json::Dump(*dsl);
  const std::string conf_text = json::Dump(*conf);
  FEDFLOW_RETURN_IF_ERROR(CheckJobBytes(dsl_text.size() + conf_text.size(), ctx.limits));
  FEDFLOW_ASSIGN_OR_RETURN(JobSpec spec, ParseFateDsl(*dsl, *conf, ctx));
  if (spec.initiator().party_id() != self_party_id) {
    return InvalidArgumentError("runtime_conf.initiator is party " + spec.initiator().party_id() +
                                ", but this server is party " + self_party_id + ": submit the job at its initiator");
  }
  return spec;
}

StatusOr<JobSpec> ReplanReceived(const JobSpec& received, const PlanContext& ctx) {
  if (!IsJobId(received.job_id())) {
    return InvalidArgumentError("job id '" + received.job_id().substr(0, 64) + "' is not a job id (16 to 32 digits)");
  }
  if (received.description().size() > kMaxDescriptionBytes) {
    return InvalidArgumentError("the job's description is longer than " + std::to_string(kMaxDescriptionBytes) + " bytes");
  }
  if (received.user_name().size() > kMaxUserNameBytes) {
    return InvalidArgumentError("the job's user name is longer than " + std::to_string(kMaxUserNameBytes) + " bytes");
  }
  JobSpec ours;
  if (received.format() == "fate-1.x-dsl") {
    FEDFLOW_RETURN_IF_ERROR(CheckJobBytes(received.dsl_json().size() + received.conf_json().size(), ctx.limits));
    FEDFLOW_ASSIGN_OR_RETURN(ours, ParseFateDslText(received.dsl_json(), received.conf_json(), ctx));
  } else if (received.format() == "fate-2.x-dag") {
    FEDFLOW_RETURN_IF_ERROR(CheckJobBytes(received.dsl_json().size(), ctx.limits));
    FEDFLOW_ASSIGN_OR_RETURN(bj::value dag, json::Parse(received.dsl_json(), "the job's DAG"));
    FEDFLOW_ASSIGN_OR_RETURN(ours, ParseFateDag(dag, received.initiator().party_id(), ctx));
  } else {
    return InvalidArgumentError("unknown job format '" + received.format().substr(0, 32) +
                                "' (expected fate-1.x-dsl or fate-2.x-dag)");
  }
  FEDFLOW_RETURN_IF_ERROR(CheckSamePlan(ours, received));
  ours.set_job_id(received.job_id());
  ours.set_user_name(received.user_name());
  ours.set_description(received.description());
  return ours;
}

Status CheckSamePlan(const JobSpec& ours, const JobSpec& theirs) {
  auto differ = [](const std::string& what) {
    return InvalidArgumentError("the job's plan differs from what this party plans from the same DSL and conf (" + what +
                                "): the parties may run different fedflow versions or providers");
  };
  if (ours.initiator().role() != theirs.initiator().role() ||
      ours.initiator().party_id() != theirs.initiator().party_id()) {
    return differ("initiator");
  }
  if (ours.parties_size() != theirs.parties_size()) return differ("parties");
  for (int i = 0; i < ours.parties_size(); ++i) {
    if (ours.parties(i).role() != theirs.parties(i).role() || ours.parties(i).party_id() != theirs.parties(i).party_id()) {
      return differ("parties");
    }
  }
  if (ours.tasks_size() != theirs.tasks_size()) {
    return differ(std::to_string(theirs.tasks_size()) + " tasks instead of " + std::to_string(ours.tasks_size()));
  }
  for (int i = 0; i < ours.tasks_size(); ++i) {
    const TaskSpec& a = ours.tasks(i);
    const TaskSpec& b = theirs.tasks(i);
    if (a.name() != b.name()) return differ("task " + std::to_string(i) + " is '" + b.name().substr(0, 100) + "', not '" + a.name() + "'");
    if (Describe(a) != Describe(b)) return differ("task '" + a.name() + "'");
  }
  return Status::OK();
}

}  // namespace fedflow::dsl
