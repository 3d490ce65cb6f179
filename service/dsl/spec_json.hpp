#pragma once
// JobSpec <-> JSON text (protobuf's JSON mapping, proto field names). This is how a job travels
// between parties and how it is stored in the database.

#include <string>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::dsl {

std::string SpecToJson(const JobSpec& spec);
StatusOr<JobSpec> SpecFromJson(const std::string& json);

}  // namespace fedflow::dsl
