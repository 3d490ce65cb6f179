#include "proto/status_names.hpp"

namespace fedflow {
namespace {

const JobStatus kJobStatuses[] = {JOB_STATUS_READY,   JOB_STATUS_WAITING,  JOB_STATUS_RUNNING,
                                  JOB_STATUS_SUCCESS, JOB_STATUS_FAILED,   JOB_STATUS_CANCELED,
                                  JOB_STATUS_TIMEOUT};
const TaskStatus kTaskStatuses[] = {TASK_STATUS_WAITING, TASK_STATUS_RUNNING,  TASK_STATUS_SUCCESS,
                                    TASK_STATUS_PASS,    TASK_STATUS_FAILED,   TASK_STATUS_CANCELED,
                                    TASK_STATUS_TIMEOUT};
const AllocationStatus kAllocationStatuses[] = {ALLOCATION_STATUS_REQUESTED, ALLOCATION_STATUS_HELD,
                                                ALLOCATION_STATUS_RELEASED, ALLOCATION_STATUS_REJECTED};

template <typename E, int N>
StatusOr<E> ParseName(const std::string& name, const E (&values)[N], const char* (*to_name)(E),
                      const char* what) {
  std::string accepted;
  for (E v : values) {
    if (name == to_name(v)) return v;
    if (!accepted.empty()) accepted += ", ";
    accepted += to_name(v);
  }
  return InvalidArgumentError(std::string("unknown ") + what + " '" + name + "': use one of " + accepted);
}

}  // namespace

const char* JobStatusName(JobStatus s) {
  switch (s) {
    case JOB_STATUS_READY: return "ready";
    case JOB_STATUS_WAITING: return "waiting";
    case JOB_STATUS_RUNNING: return "running";
    case JOB_STATUS_SUCCESS: return "success";
    case JOB_STATUS_FAILED: return "failed";
    case JOB_STATUS_CANCELED: return "canceled";
    case JOB_STATUS_TIMEOUT: return "timeout";
    default: return "unspecified";
  }
}

const char* TaskStatusName(TaskStatus s) {
  switch (s) {
    case TASK_STATUS_WAITING: return "waiting";
    case TASK_STATUS_RUNNING: return "running";
    case TASK_STATUS_SUCCESS: return "success";
    case TASK_STATUS_PASS: return "pass";
    case TASK_STATUS_FAILED: return "failed";
    case TASK_STATUS_CANCELED: return "canceled";
    case TASK_STATUS_TIMEOUT: return "timeout";
    default: return "unspecified";
  }
}

const char* AllocationStatusName(AllocationStatus s) {
  switch (s) {
    case ALLOCATION_STATUS_REQUESTED: return "requested";
    case ALLOCATION_STATUS_HELD: return "held";
    case ALLOCATION_STATUS_RELEASED: return "released";
    case ALLOCATION_STATUS_REJECTED: return "rejected";
    default: return "unspecified";
  }
}

StatusOr<JobStatus> ParseJobStatus(const std::string& name) {
  return ParseName(name, kJobStatuses, &JobStatusName, "job status");
}
StatusOr<TaskStatus> ParseTaskStatus(const std::string& name) {
  return ParseName(name, kTaskStatuses, &TaskStatusName, "task status");
}
StatusOr<AllocationStatus> ParseAllocationStatus(const std::string& name) {
  return ParseName(name, kAllocationStatuses, &AllocationStatusName, "allocation status");
}

bool IsEndStatus(JobStatus s) {
  return s == JOB_STATUS_SUCCESS || s == JOB_STATUS_FAILED || s == JOB_STATUS_CANCELED ||
         s == JOB_STATUS_TIMEOUT;
}
bool IsEndStatus(TaskStatus s) {
  return s == TASK_STATUS_SUCCESS || s == TASK_STATUS_PASS || s == TASK_STATUS_FAILED ||
         s == TASK_STATUS_CANCELED || s == TASK_STATUS_TIMEOUT;
}
bool IsSuccessStatus(TaskStatus s) { return s == TASK_STATUS_SUCCESS || s == TASK_STATUS_PASS; }

const JobStatus* AllJobStatuses(int* count) {
  *count = sizeof(kJobStatuses) / sizeof(kJobStatuses[0]);
  return kJobStatuses;
}
const TaskStatus* AllTaskStatuses(int* count) {
  *count = sizeof(kTaskStatuses) / sizeof(kTaskStatuses[0]);
  return kTaskStatuses;
}
const AllocationStatus* AllAllocationStatuses(int* count) {
  *count = sizeof(kAllocationStatuses) / sizeof(kAllocationStatuses[0]);
  return kAllocationStatuses;
}

}  // namespace fedflow
