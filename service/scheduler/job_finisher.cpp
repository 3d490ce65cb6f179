#include "service/scheduler/job_finisher.hpp"

#include "base/log.hpp"
#include "proto/status_names.hpp"

namespace fedflow::sched {

namespace {

/// What an unfinished task becomes when its job ends.
TaskStatus InterruptedTaskStatus(const orm::ScheduleTaskRow& task, JobStatus job_status) {
  if (task.status == TASK_STATUS_RUNNING && job_status == JOB_STATUS_TIMEOUT) return TASK_STATUS_TIMEOUT;
  return TASK_STATUS_CANCELED;
}

}  // namespace

Status JobFinisher::End(const orm::ScheduleJobRow& job, JobStatus status, const std::string& reason) {
  FEDFLOW_ASSIGN_OR_RETURN(sm::JobEvent event, lifecycle::JobEventEnding(status));
  orm::ScheduleJobRow current = job;
  bool ended = false;
  for (int tries = 0; tries < 3 && !ended; ++tries) {
    auto applied = ctx_.jobs.ApplyScheduled(current, event, reason);
    if (applied.ok()) {
      ended = true;
      break;
    }
    if (applied.status().code() == StatusCode::kFailedPrecondition) return Status::OK();  // ended already
    if (applied.status().code() != StatusCode::kAborted) return applied.status();
    FEDFLOW_ASSIGN_OR_RETURN(current, ctx_.schedule.GetJob(job.job_id));
    if (IsEndStatus(current.status)) return Status::OK();
  }
  if (!ended) return AbortedError("job " + job.job_id + " kept changing while it was ended");
  ctx_.capacity_changes++;
  EndUnfinishedTasks(job, status);
  FEDFLOW_ASSIGN_OR_RETURN(orm::ScheduleJobRow fresh, ctx_.schedule.GetJob(job.job_id));
  SyncEnd(fresh);
  return Status::OK();
}

void JobFinisher::EndUnfinishedTasks(const orm::ScheduleJobRow& job, JobStatus status) {
  auto latest = ctx_.schedule.GetLatestTasks(job.job_id);
  if (!latest.ok()) {
    // The parties are told the end anyway; the scheduler's task rows catch up on the next end sync.
    log::Get("scheduler")->warn("job_id={} task rows not read at the end: {}", job.job_id, latest.status().message());
    return;
  }
  const std::string why = std::string("job ") + JobStatusName(status);
  for (const auto& t : latest->tasks) {
    if (IsEndStatus(t.status)) continue;
    TaskStatus ts = InterruptedTaskStatus(t, status);
    for (const auto& c : latest->copies) {
      if (c.task_name != t.task_name || c.attempt != t.attempt || IsEndStatus(c.status)) continue;
      Status moved = ctx_.tasks.MovePartyTo(c, ts, why);
      // Lost to a concurrent poll (Aborted): that poll's status stands. Nothing else can fail here but the database.
      if (!moved.ok() && moved.code() != StatusCode::kAborted) {
        log::Get("scheduler")->warn("job_id={} task={} party={}:{} not ended: {}", job.job_id, t.task_name, c.role,
                                    c.party_id, moved.message());
      }
    }
    Status moved = ctx_.tasks.MoveScheduledTo(t, ts, why);
    if (!moved.ok() && moved.code() != StatusCode::kAborted) {
      log::Get("scheduler")->warn("job_id={} task={} not ended: {}", job.job_id, t.task_name, moved.message());
    }
  }
}

void JobFinisher::SyncEnd(const orm::ScheduleJobRow& job) {
  auto spec = ctx_.SpecOf(job);
  if (!spec.ok()) {
    FF_LOG_LIMITED(ctx_.limiter, "sync/" + job.job_id, error, "scheduler", "job_id={} end not sent: unreadable spec: {}",
                   job.job_id, spec.status().message());
    return;
  }
  // The final federated status of every task's latest attempt, so no party shows a finished task as running.
  std::vector<contract::FederatedTask> tasks;
  auto latest = ctx_.schedule.GetLatestTasks(job.job_id);
  if (latest.ok()) {
    for (const auto& t : latest->tasks) {
      contract::FederatedTask f;
      f.set_task_name(t.task_name);
      f.set_attempt(t.attempt);
      f.set_status(TaskStatusName(t.status));
      tasks.push_back(std::move(f));
    }
  }
  auto replies = ctx_.partners.StopJob(SchedulerContext::PartiesOf(**spec), job.job_id, job.status, job.failure_reason,
                                       tasks, job.progress);
  Status all = latest.ok() ? interconnect::Combine(replies) : latest.status();
  orm::ScheduleJobPatch patch;
  if (all.ok()) {
    patch.set_end_synced = true;
    patch.end_synced = true;
    Status synced = ctx_.schedule.PatchJob(job.id, patch, ctx_.clock.NowMs());
    if (!synced.ok()) {
      // Still unsynced in the database: the end is sent again later, which every party takes as a no-op.
      log::Get("scheduler")->warn("job_id={} end confirmed but not recorded: {}", job.job_id, synced.message());
      return;
    }
    Status released = ctx_.schedule.ReleaseJobLease(job.job_id, ctx_.options.instance_id);
    if (!released.ok()) {
      log::Get("scheduler")->warn("job_id={} lease kept until it expires: {}", job.job_id, released.message());
    }
    log::Get("scheduler")->info("job_id={} end {} confirmed by every party", job.job_id, JobStatusName(job.status));
    ctx_.locks.Forget(job.job_id);
    ctx_.specs.Forget(job.job_id);
    return;
  }
  patch.set_next_admit_ms = true;
  patch.next_admit_ms = ctx_.clock.NowMs() + ctx_.options.end_sync_retry_ms;
  ctx_.Patch(job, patch);
  FF_LOG_LIMITED(ctx_.limiter, "sync/" + job.job_id, warn, "scheduler", "job_id={} end {} not confirmed yet, will resend: {}",
                 job.job_id, JobStatusName(job.status), all.message());
}

}  // namespace fedflow::sched
