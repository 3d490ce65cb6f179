#pragma once
// The aggregation rules (FATE-Flow's federated task status and job status), pure functions. Precedence among interrupt
// statuses is fixed to failed > timeout > canceled for both (FATE-Flow 2.x
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

/// A task's latest attempt as the scheduler sees it when it decides the job's status.
struct TaskOutcome {
  TaskStatus status = TASK_STATUS_UNSPECIFIED;
  bool retry_pending = false;  ///< it ended badly and another attempt will follow
};

/// The job status the scheduler acts on, fedflow's rule (FATE-Flow waits for running tasks):
/// - an interrupted task (failed, timeout, canceled) whose retry is pending counts as running;
/// - an interrupted task without one ends the job at once, with the first of failed, timeout,
///   canceled present, even while other tasks run (they are stopped): nothing the rest of the
///   DAG does can change the outcome, and waiting would only hold resources;
/// - otherwise JobStatusFromTasks.
StatusOr<JobStatus> SchedulingJobStatus(const std::vector<TaskOutcome>& tasks, bool has_next);

}  // namespace fedflow::sm
