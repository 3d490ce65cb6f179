#include "service/dsl/dsl_components.hpp"

#include <boost/json/object.hpp>

#include "base/check.hpp"
#include "service/dsl/known_keys.hpp"
#include "service/dsl/task_resolver.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {
namespace {

namespace bj = boost::json;
using json::GetObject;
using json::GetString;

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

/// Reads the references of one input list ("<component>.<output>" each) into `c->inputs`.
Status AddReferences(const std::string& kind, const std::string& key, const bj::value& list, const std::string& where,
                     DslComponent* c) {
  FEDFLOW_ASSIGN_OR_RETURN(auto refs, StringList(list, where));
  for (const auto& ref : refs) {
    if (ref.rfind("args.", 0) == 0) {
      return InvalidArgumentError("'" + where + "' uses '" + ref +
                                  "': DSL v1 'args' inputs are not supported; read data with a Reader component");
    }
    if (kind != "data" && ref.rfind("pipeline.", 0) == 0) {
      // A predict job's stored model: "pipeline.<component>.<output>".
      const std::string rest = ref.substr(9);
      auto dot = rest.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == rest.size()) {
        return InvalidArgumentError("'" + where + "' entry '" + ref.substr(0, 100) +
                                    "' must look like 'pipeline.<component>.<output>'");
      }
      InputRef r;
      r.set_kind(kind);
      r.set_key(key);
      r.set_producer(rest.substr(0, dot));
      r.set_output(rest.substr(dot + 1));
      FEDFLOW_RETURN_IF_ERROR(CheckTaskName(r.producer(), "'" + where + "' entry '" + ref.substr(0, 100) + "': component"));
      FEDFLOW_RETURN_IF_ERROR(
          CheckInputNames(r, "'" + where + "' entry '" + ref.substr(0, 100) + "': input keys and output names"));
      c->pipeline_inputs.push_back(r);
      continue;
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
    FEDFLOW_RETURN_IF_ERROR(
        CheckInputNames(r, "'" + where + "' entry '" + ref.substr(0, 100) + "': input keys and output names"));
    c->inputs.push_back(r);
  }
  return Status::OK();
}

StatusOr<DslComponent> ReadComponent(const std::string& name, const bj::value& v) {
  const std::string path = "dsl.components." + name;
  FEDFLOW_RETURN_IF_ERROR(CheckTaskName(name, "component"));
  if (!v.is_object()) return InvalidArgumentError("'" + path + "' must be an object, got " + json::KindName(v));
  const bj::object& o = v.as_object();
  FEDFLOW_RETURN_IF_ERROR(
      CheckKnownKeys(o, path, {"module", "input", "output", "provider", "need_deploy", "CodePath"}));
  DslComponent c;
  c.name = name;
  FEDFLOW_ASSIGN_OR_RETURN(c.module, GetString(o, "module", path + ".module"));
  if (c.module.empty()) return InvalidArgumentError("'" + path + ".module' is empty");
  FEDFLOW_ASSIGN_OR_RETURN(c.provider, GetString(o, "provider", path + ".provider", std::string()));

  FEDFLOW_ASSIGN_OR_RETURN(bj::object output, GetObject(o, "output", path + ".output", true));
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(output, path + ".output", {"data", "model", "cache"}));
  for (const char* kind : {"data", "model", "cache"}) {
    if (const bj::value* list = output.if_contains(kind)) {
      FEDFLOW_ASSIGN_OR_RETURN(auto names, StringList(*list, path + ".output." + kind));
      for (const auto& n : names) {
        FEDFLOW_RETURN_IF_ERROR(
            CheckArtifactName(n, "'" + path + ".output." + kind + "' entry '" + n.substr(0, 100) + "'"));
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
  FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(input, path + ".input", {"data", "model", "isometric_model", "cache"}));
  if (const bj::value* data = input.if_contains("data")) {
    if (!data->is_object()) {
      return InvalidArgumentError("'" + path + ".input.data' must be an object of lists, got " + json::KindName(*data));
    }
    for (const auto& kv : data->as_object()) {
      FEDFLOW_RETURN_IF_ERROR(AddReferences("data", std::string(kv.key()), kv.value(),
                                            path + ".input.data." + std::string(kv.key()), &c));
    }
  }
  for (const char* kind : {"model", "isometric_model", "cache"}) {
    if (const bj::value* list = input.if_contains(kind)) {
      FEDFLOW_RETURN_IF_ERROR(AddReferences(kind, kind, *list, path + ".input." + kind, &c));
    }
  }
  return c;
}

}  // namespace

StatusOr<DslComponents> DslComponents::Read(const bj::object& dsl, const PlanBudget& budget) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object components, GetObject(dsl, "components", "dsl.components", false));
  if (components.empty()) return InvalidArgumentError("'dsl.components' is empty: a job needs at least one component");
  FEDFLOW_RETURN_IF_ERROR(budget.CheckComponents(components.size()));
  DslComponents out;
  for (const auto& kv : components) {
    FEDFLOW_ASSIGN_OR_RETURN(DslComponent c, ReadComponent(std::string(kv.key()), kv.value()));
    out.names_.insert(c.name);
    out.by_name_[c.name] = out.components_.size();
    out.components_.push_back(std::move(c));
  }
  return out;
}

Status DslComponents::CheckDeclared(const InputRef& ref, const std::string& where) const {
  auto it = by_name_.find(ref.producer());
  // Callers resolve the producer first (`TaskResolver::AddInput`), so it is always found.
  FEDFLOW_CHECK(it != by_name_.end());
  const DslComponent& producer = components_[it->second];
  const std::set<std::string>& declared = ref.kind() == "data"    ? producer.out_data
                                          : ref.kind() == "cache" ? producer.out_cache
                                                                  : producer.out_model;
  const char* kind_name = ref.kind() == "data" ? "data" : (ref.kind() == "cache" ? "cache" : "model");
  if (declared.count(ref.output())) return Status::OK();
  return InvalidArgumentError("'" + where + "' refers to '" + ref.producer() + "." + ref.output() + "', but " +
                              ref.producer() + " declares no " + kind_name + " output '" + ref.output() + "'");
}

}  // namespace fedflow::dsl
