#include "service/model/predict_submission.hpp"

#include <set>

#include <boost/json.hpp>

#include "service/json/json.hpp"
#include "service/model/pipeline_models.hpp"

namespace fedflow::model {
namespace {

namespace bj = boost::json;

/// job_parameters.common (conf v2) or job_parameters (v1) of a runtime conf.
const bj::object* CommonJobParameters(const bj::object& conf) {
  const bj::value* jp = conf.if_contains("job_parameters");
  if (!jp || !jp->is_object()) return nullptr;
  const bj::value* common = jp->as_object().if_contains("common");
  if (common && common->is_object()) return &common->as_object();
  return &jp->as_object();
}

std::string Text(const bj::object& o, const char* key) {
  const bj::value* v = o.if_contains(key);
  if (!v) return "";
  auto s = json::ScalarToString(*v, key);
  return s.ok() ? *s : "";
}

}  // namespace

StatusOr<bj::object> PreparePredictSubmission(const ModelStore& store, const bj::object& args) {
  const char* conf_key = args.contains("runtime_conf") ? "runtime_conf" : "job_runtime_conf";
  const bj::value* conf = args.if_contains(conf_key);
  if (!conf || !conf->is_object()) return args;
  const bj::object* common = CommonJobParameters(conf->as_object());
  if (!common || Text(*common, "job_type") != "predict") return args;
  const std::string model_id = Text(*common, "model_id");
  const std::string model_version = Text(*common, "model_version");
  if (model_id.empty() || model_version.empty()) {
    return InvalidArgumentError("a predict job needs job_parameters.common.model_id and model_version (the submit "
                                "reply of the training job, or model deploy's answer)");
  }
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(model_id, model_version));
  const bj::value* initiator = conf->as_object().if_contains("initiator");
  if (!initiator || !initiator->is_object()) return args;  // the planner names what is missing
  const std::string role = Text(initiator->as_object(), "role");
  const std::string party = Text(initiator->as_object(), "party_id");
  auto model = store.Get(model_id, model_version, role, party);
  if (!model.ok()) {
    if (model.status().code() != StatusCode::kNotFound) return model.status();
    return Status(StatusCode::kNotFound, model.status().message() + " (the initiator): check model_id and model_version")
        .set_api_code(ApiCode::kJobParamsError);
  }
  bj::object out = args;
  const char* dsl_key = args.contains("dsl") ? "dsl" : (args.contains("job_dsl") ? "job_dsl" : nullptr);
  if (!dsl_key) {
    if (model->inference_dsl_json().empty()) {
      return FailedPreconditionError("model " + model_id + " " + model_version + " has no inference DSL: pass the dsl, or deploy it first");
    }
    FEDFLOW_ASSIGN_OR_RETURN(bj::object dsl, json::ParseObject(model->inference_dsl_json(), "the model's inference DSL"));
    out["dsl"] = std::move(dsl);
    dsl_key = "dsl";
  }
  std::set<std::string> components;
  const bj::value& dsl = out.at(dsl_key);
  if (dsl.is_object()) {
    if (const bj::value* cs = dsl.as_object().if_contains("components"); cs && cs->is_object()) {
      for (const auto& kv : cs->as_object()) components.emplace(kv.key());
    }
  }
  if (!model->train_conf_json().empty()) {
    FEDFLOW_ASSIGN_OR_RETURN(bj::object merged, WithTrainingParameters(conf->as_object(), model->train_conf_json(), components));
    out[conf_key] = std::move(merged);
  }
  return out;
}

}  // namespace fedflow::model
