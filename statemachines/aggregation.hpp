#pragma once
// The two aggregation rules (spec §2.5 and §2.6), pure functions. Precedence among interrupt
// statuses is fixed to failed > timeout > canceled for both (ARCHITECTURE.md §4; FATE-Flow 2.x
// used canceled > timeout > failed for tasks). `pass` counts as success. Total: every combination
// of known statuses has an answer (FATE-Flow threw on some).

#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/common.pb.h"

namespace fedflow::sm {

/// Federated status of one task attempt from its parties' statuses:
/// one distinct value -> it; any failed/timeout/canceled -> the first of failed, timeout,
/// canceled present; any running -> running; success mixed with waiting -> running.
/// InvalidArgument for an empty list or an unspecified status.
StatusOr<TaskStatus> FederatedTaskStatus(const std::vector<TaskStatus>& party_statuses);

/// Job status from its tasks' (latest attempts') federated statuses. `has_next` says whether
/// the scheduler can start another task now. One distinct value -> it (all success -> success,
/// all waiting -> waiting); any running -> running; waiting with has_next -> running; any
/// interrupt -> first of failed, timeout, canceled; waiting + success with nothing startable ->
/// canceled (the DAG can no longer progress).
StatusOr<JobStatus> JobStatusFromTasks(const std::vector<TaskStatus>& task_statuses, bool has_next);

}  // namespace fedflow::sm
