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
    for (auto it = fs::recursive_directory_iterator(source, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
      if (!it->is_regular_file()) continue;
      const std::string name = fs::relative(it->path(), source).string();
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
    if (components.ok()) {
      auto inference = InferenceDsl(spec.dsl_json(), *components);
      if (inference.ok()) {
        m.set_inference_dsl_json(*inference);
        for (const auto& c : *components) m.add_deployed_components(c);
      }
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
  bj::object out;
  for (const auto& kv : train) {
    const std::string name(kv.key());
    if (!kept.count(name) || !kv.value().is_object()) continue;
    const bj::object& c = kv.value().as_object();
    bj::object pc;
    pc["module"] = c.contains("module") ? c.at("module") : bj::value("");
    bj::object input;
    if (const bj::object* in = ObjectAt(c, "input")) {
      if (const bj::object* data = ObjectAt(*in, "data")) {
        bj::object pdata;
        for (const auto& d : *data) {
          if (d.key() == "validate_data") continue;
          const std::string key = d.key() == "train_data" ? "test_data" : std::string(d.key());
          bj::array refs;
          for (const auto& ref : Strings(&d.value())) {
            const std::string producer = ref.substr(0, ref.find('.'));
            if (!kept.count(producer)) {
              return InvalidArgumentError("component '" + name + "' reads " + ref + ", but '" + producer +
                                          "' is not deployed: add it to cpn_list");
            }
            refs.emplace_back(ref);
          }
          pdata[key] = std::move(refs);
        }
        if (!pdata.empty()) input["data"] = std::move(pdata);
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
      bj::object kept_roles = RoleParametersOf(*roles, components);
      if (!kept_roles.empty()) merged_params["role"] = std::move(kept_roles);
    }
  }
  bj::object out = predict_conf;
  if (const bj::object* own = ObjectAt(predict_conf, "component_parameters")) json::MergeInto(merged_params, *own);
  if (!merged_params.empty()) out["component_parameters"] = std::move(merged_params);
  return out;
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
    FEDFLOW_RETURN_IF_ERROR(store.Put(PipelineOf(spec, role, party_id, now_ms), files));
    log::Get("model")->info("model_id={} model_version={} party={}:{} job_id={} components={} kept", key.model_id,
                            key.model_version, role, party_id, spec.job_id(), files.size());
  }
  return Status::OK();
}

}  // namespace fedflow::model
