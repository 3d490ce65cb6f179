#include "statemachines/aggregation.hpp"

#include <set>

namespace fedflow::sm {
namespace {

/// pass counts as success in both rules.
TaskStatus Normalize(TaskStatus s) { return s == TASK_STATUS_PASS ? TASK_STATUS_SUCCESS : s; }

/// The first interrupt present, by the fixed precedence failed > timeout > canceled.
TaskStatus FirstInterrupt(const std::set<TaskStatus>& present) {
  for (TaskStatus s : {TASK_STATUS_FAILED, TASK_STATUS_TIMEOUT, TASK_STATUS_CANCELED}) {
    if (present.count(s)) return s;
  }
  return TASK_STATUS_UNSPECIFIED;
}

StatusOr<std::set<TaskStatus>> Collect(const std::vector<TaskStatus>& statuses, const char* what) {
  if (statuses.empty()) return InvalidArgumentError(std::string("no ") + what + " statuses to aggregate");
  std::set<TaskStatus> present;
  for (TaskStatus s : statuses) {
    if (s == TASK_STATUS_UNSPECIFIED || !TaskStatus_IsValid(s)) {
      return InvalidArgumentError(std::string("unspecified ") + what + " status");
    }
    present.insert(Normalize(s));
  }
  return present;
}

JobStatus ToJobStatus(TaskStatus s) {
  switch (s) {
    case TASK_STATUS_WAITING: return JOB_STATUS_WAITING;
    case TASK_STATUS_RUNNING: return JOB_STATUS_RUNNING;
    case TASK_STATUS_SUCCESS: return JOB_STATUS_SUCCESS;
    case TASK_STATUS_FAILED: return JOB_STATUS_FAILED;
    case TASK_STATUS_CANCELED: return JOB_STATUS_CANCELED;
    case TASK_STATUS_TIMEOUT: return JOB_STATUS_TIMEOUT;
    default: return JOB_STATUS_UNSPECIFIED;
  }
}

}  // namespace

StatusOr<TaskStatus> FederatedTaskStatus(const std::vector<TaskStatus>& party_statuses) {
  auto present = Collect(party_statuses, "party");
  if (!present.ok()) return present.status();
  if (present->size() == 1) return *present->begin();
  TaskStatus interrupt = FirstInterrupt(*present);
  if (interrupt != TASK_STATUS_UNSPECIFIED) return interrupt;
  // What remains mixes waiting, running and success: the task is in progress.
  return TASK_STATUS_RUNNING;
}

StatusOr<JobStatus> JobStatusFromTasks(const std::vector<TaskStatus>& task_statuses, bool has_next) {
  auto present = Collect(task_statuses, "task");
  if (!present.ok()) return present.status();
  if (present->size() == 1) return ToJobStatus(*present->begin());
  if (present->count(TASK_STATUS_RUNNING)) return JOB_STATUS_RUNNING;
  if (present->count(TASK_STATUS_WAITING) && has_next) return JOB_STATUS_RUNNING;
  TaskStatus interrupt = FirstInterrupt(*present);
  if (interrupt != TASK_STATUS_UNSPECIFIED) return ToJobStatus(interrupt);
  // Only waiting and success are left and nothing can start: the DAG cannot progress.
  return JOB_STATUS_CANCELED;
}

StatusOr<JobStatus> SchedulingJobStatus(const std::vector<TaskOutcome>& tasks, bool has_next) {
  std::vector<TaskStatus> statuses;
  std::set<TaskStatus> final_interrupts;
  for (const TaskOutcome& t : tasks) {
    bool interrupted = t.status == TASK_STATUS_FAILED || t.status == TASK_STATUS_TIMEOUT || t.status == TASK_STATUS_CANCELED;
    if (interrupted && t.retry_pending) {
      statuses.push_back(TASK_STATUS_RUNNING);
      continue;
    }
    if (interrupted) final_interrupts.insert(t.status);
    statuses.push_back(t.status);
  }
  auto fallback = JobStatusFromTasks(statuses, has_next);
  if (!fallback.ok()) return fallback.status();
  TaskStatus interrupt = FirstInterrupt(final_interrupts);
  if (interrupt != TASK_STATUS_UNSPECIFIED) return ToJobStatus(interrupt);
  return fallback;
}

}  // namespace fedflow::sm
