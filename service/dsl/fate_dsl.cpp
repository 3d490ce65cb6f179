#include "service/dsl/fate_dsl.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "service/dsl/dsl_components.hpp"
#include "service/dsl/job_graph.hpp"
#include "service/dsl/party_demand.hpp"
#include "service/dsl/runtime_conf.hpp"
#include "service/dsl/task_resolver.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {
namespace {

namespace bj = boost::json;

std::string UnknownComponent(const std::string& where, const std::string& producer, const std::string& output) {
  return "'" + where + "' refers to '" + producer + "." + output + "', but no component '" + producer + "' exists";
}

/// The 1.x wording. A component that refers to its own output is left to `SortTopologically`,
/// which names it once every component has been resolved.
constexpr ReferenceWording kWording{&UnknownComponent, nullptr};

/// The table a Reader's parameters name ("namespace.name"), for data permissions and the job's
/// data view; nothing when the parameters name none.
std::optional<std::string> ReaderTable(const bj::object& params) {
  const bj::value* table = params.if_contains("table");
  if (!table || !table->is_object()) return std::nullopt;
  const bj::object& to = table->as_object();
  if (!to.contains("namespace") || !to.contains("name") || !to.at("namespace").is_string() ||
      !to.at("name").is_string()) {
    return std::nullopt;
  }
  return std::string(to.at("namespace").as_string()) + "." + std::string(to.at("name").as_string());
}

/// Adds the task of component `c`: its inputs, outputs, retries and timeout, and its parties
/// (those whose role the module runs at) with their parameters.
Status AddTask(const DslComponent& c, const DslComponents& components, const RuntimeConf& conf,
               const PlanContext& ctx, PlanBudget* budget, JobSpec* spec) {
  const std::string path = "dsl.components." + c.name;
  const std::string* pinned = conf.ProviderOf(c.name);
  const std::string& written = pinned ? *pinned : c.provider;
  bool fate_provider = false;
  const std::string provider = ProviderPin(written, &fate_provider);
  if (fate_provider) {
    spec->add_warnings("component '" + c.name + "': provider '" + written.substr(0, 100) + "' is FATE's; " + c.module +
                       " runs on the provider here that implements it");
  }
  TaskSpec* t = spec->add_tasks();
  t->set_name(c.name);
  t->set_module(c.module);
  t->set_provider(provider);
  TaskResolver resolver(t, components.names(), kWording, budget);
  for (const InputRef& r : c.inputs) {
    std::string where = path + ".input." + (r.kind() == "data" ? "data." + r.key() : r.kind());
    FEDFLOW_RETURN_IF_ERROR(resolver.AddInput(r, where));
    FEDFLOW_RETURN_IF_ERROR(components.CheckDeclared(r, where));
  }
  for (const InputRef& r : c.pipeline_inputs) {
    const JobParameters& params = conf.job_parameters();
    if (params.job_type() != "predict" || params.model_id().empty() || params.model_version().empty()) {
      return InvalidArgumentError("'" + path + ".input." + r.kind() + "' reads pipeline." + r.producer() + "." +
                                  r.output() +
                                  ", a stored model: a predict job needs job_parameters.common.job_type 'predict' "
                                  "with model_id and model_version");
    }
    InputRef stored = r;
    stored.set_model_id(params.model_id());
    stored.set_model_version(params.model_version());
    resolver.AddStoredModel(stored);
  }
  for (const auto& n : c.out_data_order) t->add_output_data(n);
  for (const auto& n : c.out_model_order) t->add_output_model(n);
  if (ctx.check_module) {
    FEDFLOW_RETURN_IF_ERROR(ctx.check_module(c.module, provider).WithContext("component '" + c.name + "'"));
  }
  FEDFLOW_ASSIGN_OR_RETURN(ComponentTaskConf task_conf, conf.TaskConfOf(c.name));
  t->set_max_retries(task_conf.max_retries);
  t->set_timeout_ms(task_conf.timeout_ms);

  std::vector<std::string> module_roles = RolesOf(ctx, c.module, provider);
  for (const ConfParty& p : conf.parties()) {
    if (!module_roles.empty() && std::find(module_roles.begin(), module_roles.end(), p.role) == module_roles.end()) {
      continue;
    }
    FEDFLOW_ASSIGN_OR_RETURN(bj::object params, conf.ParametersOf(c.name, p));
    bool need_run = true;
    if (const bj::value* nr = params.if_contains("need_run")) {
      if (!nr->is_bool()) {
        return InvalidArgumentError("component_parameters for '" + c.name + "' at " + p.role + ":" + p.party_id +
                                    ": 'need_run' must be true or false");
      }
      need_run = nr->as_bool();
    }
    FEDFLOW_RETURN_IF_ERROR(resolver.AddParty(p.role, p.party_id, need_run, params));
    if (auto table = ReaderTable(params)) resolver.AddTable(*table);
  }
  if (t->parties().empty()) {
    std::string list;
    for (const auto& r : module_roles) list += (list.empty() ? "" : ", ") + r;
    return InvalidArgumentError("component '" + c.name + "' (" + c.module + ") runs at " + list +
                                ", but the job has none of these roles");
  }
  resolver.Finish();
  return Status::OK();
}

}  // namespace

StatusOr<JobSpec> ParseFateDsl(const bj::value& dsl_v, const bj::value& conf_v, const PlanContext& ctx) {
  if (!dsl_v.is_object()) return InvalidArgumentError("dsl must be a JSON object, got " + std::string(json::KindName(dsl_v)));
  if (!conf_v.is_object()) {
    return InvalidArgumentError("runtime_conf must be a JSON object, got " + std::string(json::KindName(conf_v)));
  }
  // The order of the steps is the order in which mistakes are reported: the conf's parties and
  // job parameters, the DSL, the conf's component sections, then each component in turn.
  FEDFLOW_ASSIGN_OR_RETURN(RuntimeConf conf, RuntimeConf::Read(conf_v.as_object(), ctx));
  JobSpec spec;
  spec.set_format("fate-1.x-dsl");
  spec.set_dsl_json(json::Dump(dsl_v));
  spec.set_conf_json(json::Dump(conf_v));
  spec.mutable_initiator()->set_role(conf.initiator_role());
  spec.mutable_initiator()->set_party_id(conf.initiator_party_id());
  for (const auto& p : conf.parties()) {
    PartyRef* r = spec.add_parties();
    r->set_role(p.role);
    r->set_party_id(p.party_id);
  }
  *spec.mutable_params() = conf.job_parameters();

  PlanBudget budget(ctx.limits);
  FEDFLOW_ASSIGN_OR_RETURN(DslComponents components, DslComponents::Read(dsl_v.as_object(), budget));
  FEDFLOW_RETURN_IF_ERROR(conf.ReadComponentSections(components.names()));
  for (const DslComponent& c : components.components()) {
    FEDFLOW_RETURN_IF_ERROR(AddTask(c, components, conf, ctx, &budget, &spec));
  }
  FEDFLOW_RETURN_IF_ERROR(SortTopologically(spec.mutable_tasks()));
  // Enough to act on; a conf with thousands of ignored entries says how many more there were.
  constexpr int kMaxWarnings = 100;
  for (const auto& w : conf.warnings()) {
    if (spec.warnings_size() == kMaxWarnings) {
      spec.add_warnings("... and " + std::to_string(conf.warnings().size() - kMaxWarnings + spec.warnings_size() - kMaxWarnings) +
                        " more ignored entries");
      break;
    }
    spec.add_warnings(w);
  }

  for (const ConfParty& p : conf.parties()) {
    FEDFLOW_ASSIGN_OR_RETURN(JobParameters at_party, conf.JobParametersAt(p));
    *spec.add_demands() = DemandOfParallelTasks(p.role, p.party_id, at_party);
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
