#include "service/model/stored_inputs.hpp"

#include "service/model/pipeline_models.hpp"

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

namespace {

/// OK when the job's initiator and every party of the job are parties of the model in the same
/// roles: a job can only use a model its parties trained together (or migrated to).
Status CheckJobParties(const PipelineModel& model, const JobSpec& spec) {
  auto has = [&](const std::string& role, const std::string& party) {
    for (const auto& p : model.parties()) {
      if (p.role() == role && p.party_id() == party) return true;
    }
    return false;
  };
  if (!has(spec.initiator().role(), spec.initiator().party_id())) {
    return PermissionDeniedError("model " + model.model_id() + " " + model.model_version() + " was not trained with " +
                                 spec.initiator().role() + ":" + spec.initiator().party_id() + ", the job's initiator");
  }
  for (const auto& p : spec.parties()) {
    if (!has(p.role(), p.party_id())) {
      return PermissionDeniedError("model " + model.model_id() + " " + model.model_version() + " has no " + p.role() +
                                   ":" + p.party_id() + ": predict with the parties (and roles) it was trained with");
    }
  }
  return Status::OK();
}

}  // namespace

Status CheckStoredInputs(const ModelStore& store, const JobSpec& spec, const std::string& party_id) {
  FEDFLOW_RETURN_IF_ERROR(CheckTrainedKey(store, spec, party_id));
  for (const auto& t : spec.tasks()) {
    for (const auto& in : t.inputs()) {
      if (in.model_id().empty()) continue;
      for (const auto& pt : t.parties()) {
        if (pt.party_id() != party_id || !pt.need_run()) continue;
        auto path = StoredInputPath(store, in, pt.role(), party_id);
        Status usable = path.status();
        if (usable.ok()) {
          auto model = store.Get(in.model_id(), in.model_version(), pt.role(), party_id);
          usable = model.ok() ? CheckJobParties(*model, spec) : model.status();
        }
        if (!usable.ok()) {
          return Status(usable.code() == StatusCode::kPermissionDenied ? StatusCode::kPermissionDenied
                                                                        : StatusCode::kFailedPrecondition,
                        "component '" + t.name() + "' at " + pt.role() + ":" + party_id + ": " + usable.message())
              .set_api_code(ApiCode::kJobParamsError);
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace fedflow::model
