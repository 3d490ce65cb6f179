#include "service/partner/worker_reports.hpp"

#include "proto/status_names.hpp"

namespace fedflow::partner {

StatusOr<orm::TaskAttemptRow> WorkerReports::AttemptOfToken(const std::string& token) {
  auto a = d_.tasks->GetByToken(token);
  if (!a.ok()) {
    if (a.status().code() == StatusCode::kNotFound) return UnauthenticatedError("unknown worker token");
    return a.status();
  }
  if (a->status != TASK_STATUS_RUNNING) {
    return PermissionDeniedError("attempt " + std::to_string(a->attempt) + " of task " + a->task_name + " is " +
                                 TaskStatusName(a->status) + ", not running: the worker should stop");
  }
  return a;
}

void WorkerReports::Nudge(const orm::TaskAttemptRow& attempt) {
  if (!d_.nudge_scheduler) return;
  auto spec = specs_.SpecOf(attempt.job_id);
  if (spec.ok()) d_.nudge_scheduler(attempt.job_id, (*spec)->initiator().party_id());
}

Status WorkerReports::Report(const std::string& token, TaskStatus status, const std::string& error) {
  FEDFLOW_ASSIGN_OR_RETURN(orm::TaskAttemptRow a, AttemptOfToken(token));
  if (status == TASK_STATUS_RUNNING) return d_.tasks->RecordHeartbeat(a.id, d_.clock->NowMs());
  sm::TaskEvent event;
  switch (status) {
    case TASK_STATUS_SUCCESS: event = sm::TaskEvent::kSucceeded; break;
    case TASK_STATUS_PASS: event = sm::TaskEvent::kSkipped; break;
    case TASK_STATUS_FAILED: event = sm::TaskEvent::kFailed; break;
    default:
      return InvalidArgumentError(std::string("a worker may report running, success, pass or failed, not ") +
                                  TaskStatusName(status));
  }
  std::string reason = status == TASK_STATUS_FAILED ? (error.empty() ? "worker reported failure" : error) : "";
  auto applied = d_.task_lifecycle->Apply(a, event, reason);
  if (!applied.ok()) return applied.status();
  Nudge(a);
  return Status::OK();
}

Status WorkerReports::Heartbeat(const std::string& token) {
  FEDFLOW_ASSIGN_OR_RETURN(orm::TaskAttemptRow a, AttemptOfToken(token));
  return d_.tasks->RecordHeartbeat(a.id, d_.clock->NowMs());
}

Status WorkerReports::Progress(const std::string& token, std::int32_t progress) {
  if (progress < 0 || progress > 100) return InvalidArgumentError("'progress' must be between 0 and 100");
  FEDFLOW_ASSIGN_OR_RETURN(orm::TaskAttemptRow a, AttemptOfToken(token));
  FEDFLOW_RETURN_IF_ERROR(d_.tasks->RecordHeartbeat(a.id, d_.clock->NowMs()));
  return d_.tasks->RecordProgress(a.id, progress);
}

}  // namespace fedflow::partner
