#include "service/lifecycle/lifecycle.hpp"

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "statemachines/allocation_machine.hpp"
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

Status TaskLifecycle::MoveFederatedTo(const orm::TaskAttemptRow& row, TaskStatus target) {
  if (row.federated_status == target) return Status::OK();
  auto path = sm::TaskMachine::PathTo(row.federated_status, target);
  if (!path.ok()) return path.status();
  TaskStatus current = row.federated_status;
  for (sm::TaskEvent event : *path) {
    FEDFLOW_ASSIGN_OR_RETURN(TaskStatus next, sm::TaskMachine::Decide(current, event));
    std::int64_t now = clock_.NowMs();
    auto won = tasks_.CompareAndSetFederatedStatus(row.id, current, next, now);
    if (!won.ok()) return won.status();
    if (!*won) return LostRace("federated status of task " + row.task_name + " attempt " + std::to_string(row.attempt));
    log::Get("scheduler")->info("job_id={} task={} attempt={} party={}:{} federated {} -> {} event={}", row.job_id,
                                row.task_name, row.attempt, row.role, row.party_id, TaskStatusName(current),
                                TaskStatusName(next), sm::TaskEventName(event));
    current = next;
  }
  return Status::OK();
}

StatusOr<orm::GrantResult> AllocationLifecycle::Request(const std::string& engine, orm::AllocationRow request) {
  // The repository serialises the decision and asks the machine for the row's next status.
  auto decide = [](const orm::CapacityView& view, const orm::AllocationRow& row) -> StatusOr<orm::AllocationDecision> {
    orm::AllocationDecision d;
    if (row.cores > view.free_cores) {
      d.reason = "needs " + std::to_string(row.cores) + " cores, " + std::to_string(view.free_cores) + " of " +
                 std::to_string(view.total_cores) + " free";
    } else if (view.total_memory_mb > 0 && row.memory_mb > view.free_memory_mb) {
      d.reason = "needs " + std::to_string(row.memory_mb) + " MB memory, " + std::to_string(view.free_memory_mb) +
                 " of " + std::to_string(view.total_memory_mb) + " MB free";
    } else if (view.max_running_jobs > 0 && view.running_jobs >= view.max_running_jobs) {
      d.reason = "running-job limit " + std::to_string(view.max_running_jobs) + " reached";
    }
    sm::AllocationEvent event = d.reason.empty() ? sm::AllocationEvent::kGranted : sm::AllocationEvent::kRefused;
    FEDFLOW_ASSIGN_OR_RETURN(d.status, sm::AllocationMachine::Decide(ALLOCATION_STATUS_REQUESTED, event));
    return d;
  };
  FEDFLOW_ASSIGN_OR_RETURN(orm::GrantResult grant, allocations_.RequestAndDecide(engine, request, clock_.NowMs(), decide));
  if (grant.decided_now) {
    log::Get("resource")->info("job_id={} party={} epoch={} cores={} requested -> {}{}{}", request.job_id,
                               request.party_id, request.run_epoch, request.cores,
                               AllocationStatusName(grant.row.status), grant.row.reason.empty() ? "" : " reason=",
                               grant.row.reason);
  }
  return grant;
}

StatusOr<bool> AllocationLifecycle::ReleaseRow(const orm::AllocationRow& row, const std::string& reason) {
  auto next = sm::AllocationMachine::Decide(row.status, sm::AllocationEvent::kReleased);
  if (!next.ok()) return false;  // rejected or already released: nothing to give back
  auto won = allocations_.CompareAndSetStatus(row.id, row.status, *next, clock_.NowMs(), reason);
  if (!won.ok()) return won.status();
  if (!*won) return false;
  log::Get("resource")->info("job_id={} party={} epoch={} cores={} {} -> {} reason={}", row.job_id, row.party_id,
                             row.run_epoch, row.cores, AllocationStatusName(row.status), AllocationStatusName(*next),
                             reason);
  return true;
}

StatusOr<bool> AllocationLifecycle::Release(const std::string& job_id, const std::string& party_id,
                                            std::int32_t run_epoch, const std::string& reason) {
  FEDFLOW_ASSIGN_OR_RETURN(auto rows, allocations_.ListByJob(job_id));
  bool changed = false;
  for (const auto& row : rows) {
    if (row.party_id != party_id || row.run_epoch != run_epoch) continue;
    FEDFLOW_ASSIGN_OR_RETURN(bool released, ReleaseRow(row, reason));
    changed = changed || released;
  }
  return changed;
}

StatusOr<std::size_t> AllocationLifecycle::ReleaseAllOfJob(const std::string& job_id, const std::string& reason) {
  FEDFLOW_ASSIGN_OR_RETURN(auto rows, allocations_.ListByJob(job_id));
  std::size_t n = 0;
  for (const auto& row : rows) {
    if (row.status != ALLOCATION_STATUS_HELD) continue;
    FEDFLOW_ASSIGN_OR_RETURN(bool released, ReleaseRow(row, reason));
    n += released ? 1 : 0;
  }
  return n;
}

}  // namespace fedflow::lifecycle
