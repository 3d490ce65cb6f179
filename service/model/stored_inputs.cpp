#include "service/model/stored_inputs.hpp"

namespace fedflow::model {

StatusOr<std::string> StoredInputPath(const ModelStore& store, const InputRef& input, const std::string& role,
                                      const std::string& party_id) {
  FEDFLOW_RETURN_IF_ERROR(CheckModelKey(input.model_id(), input.model_version()));
  auto model = store.Get(input.model_id(), input.model_version(), role, party_id);
  if (!model.ok()) {
    if (model.status().code() != StatusCode::kNotFound) return model.status();
    return NotFoundError(model.status().message() + " (train, import or migrate it there first)");
  }
  FEDFLOW_RETURN_IF_ERROR(store.Verify(*model));
  return store.InputPathOf(*model, input.producer(), input.output());
}

Status CheckStoredInputs(const ModelStore& store, const JobSpec& spec, const std::string& party_id) {
  for (const auto& t : spec.tasks()) {
    for (const auto& in : t.inputs()) {
      if (in.model_id().empty()) continue;
      for (const auto& pt : t.parties()) {
        if (pt.party_id() != party_id || !pt.need_run()) continue;
        auto path = StoredInputPath(store, in, pt.role(), party_id);
        if (!path.ok()) {
          return Status(StatusCode::kFailedPrecondition,
                        "component '" + t.name() + "' at " + pt.role() + ":" + party_id + ": " + path.status().message())
              .set_api_code(ApiCode::kJobParamsError);
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace fedflow::model
