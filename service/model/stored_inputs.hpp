#pragma once
// How a party's jobs use the registry: the stored models a job's tasks read here must be present
// and whole before the party accepts the job, and a worker gets the path of the checked files.

#include <string>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/model/model_store.hpp"

namespace fedflow::model {

/// The input path of a stored model input of (role, party), after checking the files' digests.
/// NotFound / FailedPrecondition name the party, model and component.
StatusOr<std::string> StoredInputPath(const ModelStore& store, const InputRef& input, const std::string& role,
                                      const std::string& party_id);

/// OK when every stored model that a task run at `party_id` reads is here and whole and was
/// trained by the job's parties in their roles, and the key a 2.x training job names is free here.
Status CheckStoredInputs(const ModelStore& store, const JobSpec& spec, const std::string& party_id);

}  // namespace fedflow::model
