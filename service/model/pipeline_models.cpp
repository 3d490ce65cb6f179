#include "service/model/pipeline_models.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <boost/json.hpp>

#include "base/log.hpp"
#include "service/json/json.hpp"

namespace fedflow::model {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

/// A DSL's components in the order written.
StatusOr<bj::object> ComponentsOf(const std::string& dsl_json) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object dsl, json::ParseObject(dsl_json, "training DSL"));
  const bj::value* components = dsl.if_contains("components");
  if (!components || !components->is_object()) return InvalidArgumentError("the training DSL has no components");
  return components->as_object();
}

std::vector<std::string> Strings(const bj::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

const bj::object* ObjectAt(const bj::object& o, const char* key) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

/// component_parameters.role kept for `components` only, by role and party index as written.
bj::object RoleParametersOf(const bj::object& roles, const std::set<std::string>& components) {
  bj::object out;
  for (const auto& role : roles) {
    if (!role.value().is_object()) continue;
    bj::object by_index;
    for (const auto& index : role.value().as_object()) {
      if (!index.value().is_object()) continue;
      bj::object kept;
      for (const auto& comp : index.value().as_object()) {
        if (components.count(std::string(comp.key()))) kept[comp.key()] = comp.value();
      }
      if (!kept.empty()) by_index[index.key()] = std::move(kept);
    }
    if (!by_index.empty()) out[role.key()] = std::move(by_index);
  }
  return out;
}

/// The party ids of `role` in a conf's "role" section, as text.
std::vector<std::string> RoleIds(const bj::object& conf, const std::string& role) {
  std::vector<std::string> out;
  const bj::object* roles = ObjectAt(conf, "role");
  const bj::value* list = roles ? roles->if_contains(role) : nullptr;
  if (!list || !list->is_array()) return out;
  for (const auto& id : list->as_array()) {
    auto text = json::ScalarToString(id, "role");
    out.push_back(text.ok() ? *text : "");
  }
  return out;
}

/// Training role parameters keyed by the training conf's party indexes, re-keyed to the predict
/// conf's indexes of the same party ids (as FATE does): a predict job may list a role's parties in
/// another order or fewer of them.
bj::object ReindexedRoleParameters(const bj::object& by_role, const bj::object& train_conf,
                                   const bj::object& predict_conf) {
  bj::object out;
  for (const auto& role : by_role) {
    const std::vector<std::string> before = RoleIds(train_conf, std::string(role.key()));
    const std::vector<std::string> after = RoleIds(predict_conf, std::string(role.key()));
    bj::object by_index;
    for (const auto& entry : role.value().as_object()) {
      std::string spec(entry.key());
      if (spec != "all") {
        std::string moved;
        std::size_t at = 0;
        while (at <= spec.size()) {
          auto bar = spec.find('|', at);
          const std::string part = spec.substr(at, bar == std::string::npos ? std::string::npos : bar - at);
          const std::size_t index = part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 6
                                        ? before.size()
                                        : static_cast<std::size_t>(std::stoul(part));
          if (index < before.size()) {
            auto it = std::find(after.begin(), after.end(), before[index]);
            if (it != after.end()) moved += (moved.empty() ? "" : "|") + std::to_string(it - after.begin());
          }
          if (bar == std::string::npos) break;
          at = bar + 1;
        }
        if (moved.empty()) continue;  // none of these parties is in the predict job
        spec = moved;
      }
      bj::value& slot = by_index[spec];
      if (!slot.is_object()) slot = bj::object();
      if (entry.value().is_object()) json::MergeInto(slot.as_object(), entry.value().as_object());
    }
    if (!by_index.empty()) out[role.key()] = std::move(by_index);
  }
  return out;
}

}  // namespace

std::string FateModelId(const JobSpec& spec) {
  std::map<std::string, std::vector<std::string>> by_role;
  for (const auto& p : spec.parties()) by_role[p.role()].push_back(p.party_id());
  std::string id;
  for (const auto& [role, ids] : by_role) {
    std::string joined;
    for (const auto& p : ids) joined += (joined.empty() ? "" : "_") + p;
    id += role + "-" + joined + "#";
  }
  return id + "model";
}

ModelKey TrainedModelKey(const JobSpec& spec) {
  if (spec.params().job_type() == "predict") return {};
  if (spec.format() == "fate-1.x-dsl") return {FateModelId(spec), spec.job_id()};
  return {spec.params().model_id().empty() ? spec.job_id() : spec.params().model_id(),
          spec.params().model_version().empty() ? "0" : spec.params().model_version()};
}

StatusOr<ComponentFile> ComponentFileOf(const orm::OutputRow& output, const JobSpec& spec) {
  ComponentFile f;
  f.model.set_component(output.task_name);
  for (const auto& t : spec.tasks()) {
    if (t.name() == output.task_name) f.model.set_module(t.module());
  }
  f.model.set_output_key(output.output_key);
  f.model.set_type_name(output.type_name);
  f.model.set_meta_json(output.meta_json.empty() ? "{}" : output.meta_json);
  // The registered file, or every file under the registered directory (fedflow-ml registers
  // <output dir>/model/<key>, holding model.pb).
  std::error_code ec;
  const fs::path source = output.path;
  if (fs::is_regular_file(source, ec)) {
    f.sources.emplace_back(source.filename().string(), source.string());
  } else if (fs::is_directory(source, ec)) {
    for (fs::recursive_directory_iterator it(source, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string name = fs::relative(it->path(), source, ec).string();
      if (!IsModelFileName(name)) {
        return FailedPreconditionError("model output " + output.task_name + "." + output.output_key + " has file '" +
                                       name.substr(0, 255) + "', whose name the registry cannot keep");
      }
      if (f.sources.size() >= 1000) return FailedPreconditionError("model output " + output.task_name + "." + output.output_key + " has more than 1000 files");
      f.sources.emplace_back(name, it->path().string());
    }
    std::sort(f.sources.begin(), f.sources.end());
  }
  if (f.sources.empty()) {
    return FailedPreconditionError("model output " + output.task_name + "." + output.output_key + " has no file at " +
                                   source.string());
  }
  return f;
}

PipelineModel PipelineOf(const JobSpec& spec, const std::string& role, const std::string& party_id,
                         std::int64_t now_ms) {
  const ModelKey key = TrainedModelKey(spec);
  PipelineModel m;
  m.set_model_id(key.model_id);
  m.set_model_version(key.model_version);
  m.set_role(role);
  m.set_party_id(party_id);
  m.set_job_id(spec.job_id());
  m.set_format(spec.format());
  *m.mutable_initiator() = spec.initiator();
  *m.mutable_parties() = spec.parties();
  m.set_train_dsl_json(spec.dsl_json());
  m.set_train_conf_json(spec.conf_json());
  m.set_created_ms(now_ms);
  if (spec.format() == "fate-1.x-dsl") {
    auto components = DefaultDeployComponents(spec.dsl_json());
    auto inference = components.ok() ? InferenceDsl(spec.dsl_json(), *components) : StatusOr<std::string>(components.status());
    if (inference.ok()) {
      m.set_inference_dsl_json(*inference);
      for (const auto& c : *components) m.add_deployed_components(c);
    } else {
      // The model is kept; a predict job then needs its DSL, or a deploy that chooses components.
      log::Get("model")->warn("job_id={} no default predict DSL: {}", spec.job_id(), inference.status().message());
    }
  }
  return m;
}

StatusOr<std::vector<std::string>> DefaultDeployComponents(const std::string& train_dsl_json) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object components, ComponentsOf(train_dsl_json));
  std::vector<std::string> out;
  for (const auto& kv : components) {
    if (!kv.value().is_object()) continue;
    const bj::object& c = kv.value().as_object();
    const bj::value* module = c.if_contains("module");
    if (module && module->is_string() && module->as_string() == "Evaluation") continue;
    const bj::value* deploy = c.if_contains("need_deploy");
    if (deploy && deploy->is_bool() && !deploy->as_bool()) continue;
    out.emplace_back(kv.key());
  }
  return out;
}

StatusOr<std::string> InferenceDsl(const std::string& train_dsl_json, const std::vector<std::string>& components) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object train, ComponentsOf(train_dsl_json));
  const std::set<std::string> kept(components.begin(), components.end());
  for (const auto& name : components) {
    if (!train.contains(name)) return InvalidArgumentError("cpn_list names '" + name + "', which is no component of the training DSL");
  }
  if (kept.empty()) return InvalidArgumentError("cpn_list is empty: deploy at least one component");
  // FATE reads one data input per component in predict: the first of data, train_data,
  // validate_data, test_data (the last three read as test_data).
  auto predict_data = [](const bj::object& data) -> std::pair<std::string, const bj::value*> {
    for (const char* key : {"data", "train_data", "validate_data", "test_data"}) {
      if (const bj::value* v = data.if_contains(key)) return {std::string(key) == "data" ? "data" : "test_data", v};
    }
    return {"", nullptr};
  };
  // A component left out passes its own data input on (FATE's output data maps): a kept
  // component reading from it reads what it read.
  std::map<std::string, std::vector<std::string>> passed_on;
  for (const auto& kv : train) {
    if (kept.count(std::string(kv.key())) || !kv.value().is_object()) continue;
    const bj::object* in = ObjectAt(kv.value().as_object(), "input");
    const bj::object* data = in ? ObjectAt(*in, "data") : nullptr;
    if (data) {
      auto [key, refs] = predict_data(*data);
      if (refs) passed_on[std::string(kv.key())] = Strings(refs);
    }
  }
  auto resolve = [&](const std::string& ref, std::vector<std::string>* out, const std::string& reader) -> Status {
    std::vector<std::string> pending{ref};
    for (int guard = 0; !pending.empty(); ++guard) {
      if (guard > 10000) return InvalidArgumentError("the training DSL's data references loop");
      const std::string r = pending.back();
      pending.pop_back();
      const std::string producer = r.substr(0, r.find('.'));
      if (kept.count(producer)) {
        out->push_back(r);
      } else if (auto it = passed_on.find(producer); it != passed_on.end()) {
        pending.insert(pending.end(), it->second.begin(), it->second.end());
      } else {
        return InvalidArgumentError("component '" + reader + "' reads " + r + ", but '" + producer +
                                    "' is not deployed and reads no data to pass on: add it to cpn_list");
      }
    }
    return Status::OK();
  };
  bj::object out;
  for (const auto& kv : train) {
    const std::string name(kv.key());
    if (!kept.count(name) || !kv.value().is_object()) continue;
    const bj::object& c = kv.value().as_object();
    bj::object pc;
    pc["module"] = c.contains("module") ? c.at("module") : bj::value("");
    if (c.contains("provider")) pc["provider"] = c.at("provider");  // predicts where it trained
    bj::object input;
    if (const bj::object* in = ObjectAt(c, "input")) {
      if (const bj::object* data = ObjectAt(*in, "data")) {
        auto [key, refs] = predict_data(*data);
        if (refs) {
          std::vector<std::string> resolved;
          for (const auto& ref : Strings(refs)) FEDFLOW_RETURN_IF_ERROR(resolve(ref, &resolved, name));
          bj::array list;
          for (const auto& r : resolved) list.emplace_back(r);
          input["data"] = bj::object{{key, std::move(list)}};
        }
      }
    }
    bj::array models;
    const bj::object* output = ObjectAt(c, "output");
    for (const auto& m : Strings(output ? output->if_contains("model") : nullptr)) models.emplace_back("pipeline." + name + "." + m);
    if (models.empty()) {
      if (const bj::object* in = ObjectAt(c, "input")) {
        for (const char* kind : {"model", "isometric_model"}) {
          for (const auto& ref : Strings(in->if_contains(kind))) models.emplace_back("pipeline." + ref);
        }
      }
    }
    if (!models.empty()) input["model"] = std::move(models);
    if (!input.empty()) pc["input"] = std::move(input);
    bj::object poutput;
    if (output && output->contains("data")) poutput["data"] = output->at("data");
    if (!poutput.empty()) pc["output"] = std::move(poutput);
    out[name] = std::move(pc);
  }
  return json::Dump(bj::object{{"components", std::move(out)}});
}

StatusOr<bj::object> PredictConfTemplate(const PipelineModel& model) {
  if (model.train_conf_json().empty()) return FailedPreconditionError("model " + model.model_id() + " has no 1.x training conf");
  FEDFLOW_ASSIGN_OR_RETURN(bj::object train, json::ParseObject(model.train_conf_json(), "training conf"));
  FEDFLOW_ASSIGN_OR_RETURN(bj::object train_components, ComponentsOf(model.train_dsl_json()));
  std::set<std::string> readers;
  for (const auto& kv : train_components) {
    const bj::value* module = kv.value().is_object() ? kv.value().as_object().if_contains("module") : nullptr;
    if (module && module->is_string() && module->as_string() == "Reader") {
      readers.emplace(kv.key());
    }
  }
  bj::object conf;
  conf["dsl_version"] = 2;
  if (train.contains("initiator")) conf["initiator"] = train.at("initiator");
  if (train.contains("role")) conf["role"] = train.at("role");
  conf["job_parameters"] = bj::object{
      {"common",
       bj::object{{"job_type", "predict"}, {"model_id", model.model_id()}, {"model_version", model.model_version()}}}};
  // The Readers' tables, by role and party index as in the training conf.
  bj::object role_params;
  const bj::object* cparams = ObjectAt(train, "component_parameters");
  if (const bj::object* roles = cparams ? ObjectAt(*cparams, "role") : nullptr) role_params = RoleParametersOf(*roles, readers);
  conf["component_parameters"] = bj::object{{"role", std::move(role_params)}};
  return conf;
}

StatusOr<bj::object> WithTrainingParameters(const bj::object& predict_conf, const std::string& train_conf_json,
                                            const std::set<std::string>& components) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object train, json::ParseObject(train_conf_json, "the model's training conf"));
  bj::object merged_params;
  if (const bj::object* cparams = ObjectAt(train, "component_parameters")) {
    if (const bj::object* common = ObjectAt(*cparams, "common")) {
      bj::object kept;
      for (const auto& kv : *common) {
        if (components.count(std::string(kv.key()))) kept[kv.key()] = kv.value();
      }
      if (!kept.empty()) merged_params["common"] = std::move(kept);
    }
    if (const bj::object* roles = ObjectAt(*cparams, "role")) {
      bj::object kept_roles = ReindexedRoleParameters(RoleParametersOf(*roles, components), train, predict_conf);
      if (!kept_roles.empty()) merged_params["role"] = std::move(kept_roles);
    }
  }
  bj::object out = predict_conf;
  if (const bj::object* own = ObjectAt(predict_conf, "component_parameters")) json::MergeInto(merged_params, *own);
  if (!merged_params.empty()) out["component_parameters"] = std::move(merged_params);
  return out;
}

Status CheckTrainedKey(const ModelStore& store, const JobSpec& spec, const std::string& party_id) {
  const ModelKey key = TrainedModelKey(spec);
  // 1.x keys come from the roles and the job id; a 2.x DAG may name its own.
  if (key.model_id.empty() || spec.format() == "fate-1.x-dsl") return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(key.model_id, key.model_version).WithContext("dag.conf"));
  for (const auto& p : spec.parties()) {
    if (p.party_id() != party_id) continue;
    auto existing = store.Get(key.model_id, key.model_version, p.role(), party_id);
    if (existing.ok() && existing->job_id() != spec.job_id()) {
      return Status(StatusCode::kAlreadyExists, "model " + key.model_id + " " + key.model_version + " exists at party " +
                                                    party_id + " (kept from job " + existing->job_id() +
                                                    "): choose another dag.conf.model_id or model_version")
          .set_api_code(ApiCode::kJobParamsError);
    }
  }
  return Status::OK();
}

Status KeepPipelineModels(ModelStore& store, orm::OutputRepository& outputs, const JobSpec& spec,
                          const std::string& party_id, std::int64_t now_ms) {
  const ModelKey key = TrainedModelKey(spec);
  if (key.model_id.empty()) return Status::OK();
  std::set<std::string> roles;
  for (const auto& p : spec.parties()) {
    if (p.party_id() == party_id) roles.insert(p.role());
  }
  for (const auto& role : roles) {
    FEDFLOW_ASSIGN_OR_RETURN(auto rows, outputs.List(spec.job_id(), role, party_id, ""));
    // The latest attempt of each (task, key): a rerun's model replaces the first one's.
    std::map<std::pair<std::string, std::string>, const orm::OutputRow*> latest;
    for (const auto& r : rows) {
      if (r.kind != "model") continue;
      auto& slot = latest[{r.task_name, r.output_key}];
      if (!slot || slot->attempt < r.attempt) slot = &r;
    }
    std::vector<ComponentFile> files;
    for (const auto& [k, row] : latest) {
      FEDFLOW_ASSIGN_OR_RETURN(ComponentFile f, ComponentFileOf(*row, spec));
      files.push_back(std::move(f));
    }
    // A key belongs to the job that first kept it (a rerun of that job replaces its own parts).
    auto existing = store.Get(key.model_id, key.model_version, role, party_id);
    if (existing.ok() && existing->job_id() != spec.job_id()) {
      return Status(StatusCode::kAlreadyExists, "model " + key.model_id + " " + key.model_version + " is kept from job " +
                                                    existing->job_id() + "; job " + spec.job_id() +
                                                    " keeps no model under that key");
    }
    FEDFLOW_RETURN_IF_ERROR(store.Put(PipelineOf(spec, role, party_id, now_ms), files, true));
    log::Get("model")->info("model_id={} model_version={} party={}:{} job_id={} components={} kept", key.model_id,
                            key.model_version, role, party_id, spec.job_id(), files.size());
  }
  return Status::OK();
}

}  // namespace fedflow::model
