#pragma once
// Conversions between the lifecycle enums and FATE's status strings, plus status groups.
// C++14-clean: orm/ uses it to store statuses as strings.

#include <string>

#include "base/status.hpp"
#include "proto/fedflow/common.pb.h"

namespace fedflow {

/// FATE string of a status: "waiting", "running", "success", ...; "unspecified" for 0.
const char* JobStatusName(JobStatus s);
const char* TaskStatusName(TaskStatus s);
const char* AllocationStatusName(AllocationStatus s);

/// Parses a FATE status string; InvalidArgument lists the accepted values.
StatusOr<JobStatus> ParseJobStatus(const std::string& name);
StatusOr<TaskStatus> ParseTaskStatus(const std::string& name);
StatusOr<AllocationStatus> ParseAllocationStatus(const std::string& name);

/// End statuses: success, failed, canceled, timeout (and pass for tasks).
bool IsEndStatus(JobStatus s);
bool IsEndStatus(TaskStatus s);
/// success or pass.
bool IsSuccessStatus(TaskStatus s);

/// Every real (non-unspecified) value, in enum order, for exhaustive tests and loops.
const JobStatus* AllJobStatuses(int* count);
const TaskStatus* AllTaskStatuses(int* count);
const AllocationStatus* AllAllocationStatuses(int* count);

}  // namespace fedflow
