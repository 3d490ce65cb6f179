#include "service/lifecycle/lifecycle.hpp"

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "statemachines/job_machine.hpp"
#include "statemachines/task_machine.hpp"

namespace fedflow::lifecycle {
namespace {

template <typename StatusEnum>
orm::TransitionExtras ExtrasFor(StatusEnum to, bool running, bool ended, std::int64_t now, const std::string& reason) {
  orm::TransitionExtras e;
  if (running) e.start_ms = now;
  if (ended) e.end_ms = now;
  e.reason = reason;
  return e;
}

Status LostRace(const std::string& what) { return AbortedError(what + " changed concurrently; re-read and retry"); }

}  // namespace

StatusOr<sm::JobEvent> JobEventEnding(JobStatus status) {
  switch (status) {
    case JOB_STATUS_SUCCESS: return sm::JobEvent::kAllTasksSucceeded;
    case JOB_STATUS_FAILED: return sm::JobEvent::kFailed;
    case JOB_STATUS_CANCELED: return sm::JobEvent::kCancelRequested;
    case JOB_STATUS_TIMEOUT: return sm::JobEvent::kTimedOut;
    default: return InvalidArgumentError(std::string("'") + JobStatusName(status) + "' is not an end status");
  }
}

StatusOr<Applied<JobStatus>> JobLifecycle::Apply(const orm::JobRow& row, sm::JobEvent event, const std::string& reason) {
  auto next = sm::JobMachine::Decide(row.status, event);
  if (!next.ok()) return next.status();
  std::int64_t now = clock_.NowMs();
  // A rerun starts a new run: clear the end time and reason of the previous one.
  orm::TransitionExtras extras = ExtrasFor(*next, *next == JOB_STATUS_RUNNING, IsEndStatus(*next), now, reason);
  if (event == sm::JobEvent::kRerunRequested) extras.end_ms = 0;
  auto won = jobs_.CompareAndSetStatus(row.id, row.status, *next, now, extras);
  if (!won.ok()) return won.status();
  if (!*won) return LostRace("job " + row.job_id + " row " + row.role + ":" + row.party_id);
  log::Get("scheduler")->info("job_id={} party={}:{} {} -> {} event={}{}{}", row.job_id, row.role, row.party_id,
                              JobStatusName(row.status), JobStatusName(*next), sm::JobEventName(event),
                              reason.empty() ? "" : " reason=", reason);
  return Applied<JobStatus>{row.status, *next};
}

StatusOr<Applied<JobStatus>> JobLifecycle::ApplyScheduled(const orm::ScheduleJobRow& row, sm::JobEvent event,
                                                          const std::string& reason) {
  auto next = sm::JobMachine::Decide(row.status, event);
  if (!next.ok()) return next.status();
  std::int64_t now = clock_.NowMs();
  orm::TransitionExtras extras = ExtrasFor(*next, *next == JOB_STATUS_RUNNING, IsEndStatus(*next), now, reason);
  if (event == sm::JobEvent::kRerunRequested) extras.end_ms = 0;
  auto won = schedule_.CompareAndSetJobStatus(row.id, row.status, *next, now, extras);
  if (!won.ok()) return won.status();
  if (!*won) return LostRace("scheduled job " + row.job_id);
  log::Get("scheduler")->info("job_id={} scheduler {} -> {} event={}{}{}", row.job_id, JobStatusName(row.status),
                              JobStatusName(*next), sm::JobEventName(event), reason.empty() ? "" : " reason=", reason);
  return Applied<JobStatus>{row.status, *next};
}

StatusOr<Applied<TaskStatus>> TaskLifecycle::Apply(const orm::TaskAttemptRow& row, sm::TaskEvent event,
                                                   const std::string& reason) {
  auto next = sm::TaskMachine::Decide(row.status, event);
  if (!next.ok()) return next.status();
  if (*next == row.status) return Applied<TaskStatus>{row.status, *next};  // internal (heartbeat)
  std::int64_t now = clock_.NowMs();
  auto won = tasks_.CompareAndSetStatus(row.id, row.status, *next, now,
                                        ExtrasFor(*next, *next == TASK_STATUS_RUNNING, IsEndStatus(*next), now, reason));
  if (!won.ok()) return won.status();
  if (!*won) return LostRace("task " + row.task_name + " attempt " + std::to_string(row.attempt));
  log::Get("scheduler")->info("job_id={} task={} attempt={} party={}:{} {} -> {} event={}{}{}", row.job_id,
                              row.task_name, row.attempt, row.role, row.party_id, TaskStatusName(row.status),
                              TaskStatusName(*next), sm::TaskEventName(event), reason.empty() ? "" : " reason=",
                              reason);
  return Applied<TaskStatus>{row.status, *next};
}

StatusOr<Applied<TaskStatus>> TaskLifecycle::ApplyScheduled(const orm::ScheduleTaskRow& row, sm::TaskEvent event,
                                                            const std::string& reason) {
  auto next = sm::TaskMachine::Decide(row.status, event);
  if (!next.ok()) return next.status();
  if (*next == row.status) return Applied<TaskStatus>{row.status, *next};
  std::int64_t now = clock_.NowMs();
  auto won = schedule_.CompareAndSetTaskStatus(
      row.id, row.status, *next, now, ExtrasFor(*next, *next == TASK_STATUS_RUNNING, IsEndStatus(*next), now, reason));
  if (!won.ok()) return won.status();
  if (!*won) return LostRace("scheduled task " + row.task_name);
  log::Get("scheduler")->info("job_id={} task={} attempt={} federated {} -> {} event={}{}{}", row.job_id,
                              row.task_name, row.attempt, TaskStatusName(row.status), TaskStatusName(*next),
                              sm::TaskEventName(event), reason.empty() ? "" : " reason=", reason);
  return Applied<TaskStatus>{row.status, *next};
}

StatusOr<Applied<TaskStatus>> TaskLifecycle::ApplyParty(const orm::ScheduleTaskPartyRow& row, sm::TaskEvent event,
                                                        const std::string& reason) {
  auto next = sm::TaskMachine::Decide(row.status, event);
  if (!next.ok()) return next.status();
  if (*next == row.status) return Applied<TaskStatus>{row.status, *next};
  std::int64_t now = clock_.NowMs();
  auto won = schedule_.CompareAndSetPartyStatus(
      row.id, row.status, *next, now, ExtrasFor(*next, *next == TASK_STATUS_RUNNING, IsEndStatus(*next), now, reason));
  if (!won.ok()) return won.status();
  if (!*won) return LostRace("party copy of task " + row.task_name);
  log::Get("scheduler")->info("job_id={} task={} attempt={} seen party={}:{} {} -> {}{}{}", row.job_id, row.task_name,
                              row.attempt, row.role, row.party_id, TaskStatusName(row.status), TaskStatusName(*next),
                              reason.empty() ? "" : " reason=", reason);
  return Applied<TaskStatus>{row.status, *next};
}

Status TaskLifecycle::MoveScheduledTo(const orm::ScheduleTaskRow& row, TaskStatus target, const std::string& reason) {
  auto path = sm::TaskMachine::PathTo(row.status, target);
  if (!path.ok()) return path.status();
  orm::ScheduleTaskRow current = row;
  for (std::size_t i = 0; i < path->size(); ++i) {
    bool last = i + 1 == path->size();
    auto applied = ApplyScheduled(current, (*path)[i], last ? reason : "");
    if (!applied.ok()) return applied.status();
    current.status = applied->to;
  }
  return Status::OK();
}

Status TaskLifecycle::MovePartyTo(const orm::ScheduleTaskPartyRow& row, TaskStatus target, const std::string& reason) {
  auto path = sm::TaskMachine::PathTo(row.status, target);
  if (!path.ok()) return path.status();
  orm::ScheduleTaskPartyRow current = row;
  for (std::size_t i = 0; i < path->size(); ++i) {
    bool last = i + 1 == path->size();
    auto applied = ApplyParty(current, (*path)[i], last ? reason : "");
    if (!applied.ok()) return applied.status();
    current.status = applied->to;
  }
  return Status::OK();
}

}  // namespace fedflow::lifecycle
