#include "components/ml/common/model_output.hpp"

#include <filesystem>
#include <fstream>

namespace fedflow::ml {

namespace bj = boost::json;
namespace fs = std::filesystem;

Status SaveModelOutput(worker::WorkerSession& s, const google::protobuf::Message& model, const std::string& type_name,
                       const bj::object& meta) {
  const bj::value* outputs = s.config().if_contains("outputs");
  const bj::value* models_out = outputs && outputs->is_object() ? outputs->as_object().if_contains("model") : nullptr;
  if (!models_out || !models_out->is_array() || models_out->as_array().empty()) return Status::OK();
  const bj::value& first = models_out->as_array()[0];
  if (!first.is_string()) return InvalidArgumentError("the task's model output is not named");
  const std::string key(first.as_string());
  const fs::path dir = fs::path(s.output_dir()) / "model" / key;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir.string() + ": " + ec.message());
  std::ofstream file(dir / "model.pb", std::ios::binary | std::ios::trunc);
  if (!model.SerializeToOstream(&file)) return InternalError("cannot write " + (dir / "model.pb").string());
  file.close();
  if (!file) return InternalError("cannot write " + (dir / "model.pb").string());
  return s.PostData("/v2/worker/model/save",
                    bj::object{{"output_key", key}, {"path", dir.string()}, {"type_name", type_name}, {"meta", meta}})
      .status();
}

bj::object WeightsSummary(const google::protobuf::RepeatedPtrField<std::string>& features,
                          const google::protobuf::RepeatedField<double>& weights, bool fit_intercept, double intercept) {
  bj::object by_feature;
  for (int i = 0; i < features.size() && i < weights.size(); ++i) by_feature[features.Get(i)] = weights.Get(i);
  bj::object summary{{"weights", std::move(by_feature)}};
  if (fit_intercept) summary["intercept"] = intercept;
  return summary;
}

StatusOr<bool> LoadModelInput(worker::WorkerSession& s, google::protobuf::Message* model) {
  const bj::value* inputs = s.config().if_contains("inputs");
  if (!inputs || !inputs->is_array()) return false;
  for (const auto& in : inputs->as_array()) {
    if (!in.is_object() || worker::StringOf(in.as_object(), "kind") != "model") continue;
    const std::string name = worker::StringOf(in.as_object(), "producer") + "." + worker::StringOf(in.as_object(), "output");
    const fs::path path = worker::StringOf(in.as_object(), "path");
    // Saved as <producer output dir>/model/<output>/model.pb.
    const fs::path file = path.parent_path() / "model" / worker::StringOf(in.as_object(), "output") / "model.pb";
    std::ifstream stream(file, std::ios::binary);
    if (path.empty() || !stream) {
      return FailedPreconditionError("model input " + name + " has no model at this party (did " +
                                     worker::StringOf(in.as_object(), "producer") + " run here?)");
    }
    if (!model->ParseFromIstream(&stream)) return InvalidArgumentError("model input " + name + " is not a " + model->GetTypeName());
    return true;
  }
  return false;
}

}  // namespace fedflow::ml
