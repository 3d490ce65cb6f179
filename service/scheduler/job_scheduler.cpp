#include "service/scheduler/job_scheduler.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/scheduler/next_attempt.hpp"
#include "service/scheduler/rerun_planner.hpp"

namespace fedflow::sched {

JobScheduler::JobScheduler(SchedulerOptions options, orm::ScheduleRepository& schedule,
                           lifecycle::JobLifecycle& jobs, lifecycle::TaskLifecycle& tasks, PartnerStub& partners,
                           const Clock& clock)
    : ctx_(std::move(options), schedule, jobs, tasks, partners, clock),
      finisher_(ctx_),
      submitter_(ctx_, finisher_),
      admitter_(ctx_, finisher_),
      driver_(ctx_, finisher_) {}

void JobScheduler::RunOnce(ThreadPool& pool) {
  const std::int64_t now = ctx_.clock.NowMs();
  const std::string& me = ctx_.options.instance_id;
  const std::size_t limit = ctx_.options.max_jobs_per_tick;
  auto waiting = ctx_.schedule.ListLeasableJobs({JOB_STATUS_WAITING}, me, now, limit);
  if (waiting.ok()) {
    admitter_.Admit(std::move(waiting).value());
  } else {
    FF_LOG_LIMITED(ctx_.limiter, "list-waiting", warn, "scheduler", "cannot list waiting jobs: {}",
                   waiting.status().message());
  }
  // Ids only: DriveJob reads the row under the job's lock anyway.
  auto active = ctx_.schedule.ListLeasableJobIds({JOB_STATUS_RUNNING, JOB_STATUS_READY}, me, now, limit);
  if (active.ok()) {
    for (const auto& id : *active) pool.Submit([this, id] { DriveJob(id); });
  } else {
    FF_LOG_LIMITED(ctx_.limiter, "list-active", warn, "scheduler", "cannot list running jobs: {}",
                   active.status().message());
  }
  auto unsynced = ctx_.schedule.ListLeasableUnsynced(me, now, limit);
  if (unsynced.ok()) {
    for (const auto& job : *unsynced) {
      if (job.next_admit_ms > now) continue;
      pool.Submit([this, job] {
        auto lock = ctx_.locks.Lock(job.job_id, true);
        if (!lock.owns_lock() || !ctx_.Lease(job)) return;
        finisher_.SyncEnd(job);
      });
    }
  } else {
    FF_LOG_LIMITED(ctx_.limiter, "list-unsynced", warn, "scheduler", "cannot list unsynced jobs: {}",
                   unsynced.status().message());
  }
  pool.WaitIdle();
}

void JobScheduler::DriveJob(const std::string& job_id) {
  auto lock = ctx_.locks.Lock(job_id, true);
  if (!lock.owns_lock()) return;  // the API or another tick works on it right now
  auto job = ctx_.schedule.GetJob(job_id);
  if (!job.ok() || !ctx_.Lease(*job)) return;
  Status s;
  if (job->status == JOB_STATUS_READY) {
    s = submitter_.FinishCreation(*job);
  } else if (job->status == JOB_STATUS_RUNNING) {
    s = driver_.Drive(*job);
  }
  if (!s.ok() && s.code() != StatusCode::kAborted) {
    FF_LOG_LIMITED(ctx_.limiter, "tick/" + job_id, warn, "scheduler", "job_id={} tick failed: {}", job_id, s.message());
  }
  if (IsEndStatus(job->status) || !s.ok()) admitter_.Forget(job_id);
}

Status JobScheduler::Stop(const std::string& job_id, JobStatus status, const std::string& reason) {
  if (!IsEndStatus(status) || status == JOB_STATUS_SUCCESS) {
    return InvalidArgumentError(std::string("a job can be stopped as canceled, failed or timeout, not ") +
                                JobStatusName(status));
  }
  auto lock = ctx_.locks.Lock(job_id, false);
  FEDFLOW_ASSIGN_OR_RETURN(auto job, ctx_.schedule.GetJob(job_id));
  if (IsEndStatus(job.status)) {
    if (!job.end_synced) finisher_.SyncEnd(job);
    return Status::OK();
  }
  FEDFLOW_RETURN_IF_ERROR(ctx_.schedule.SetJobSignals(job.id, true, false, ctx_.clock.NowMs()));
  if (!ctx_.Lease(job)) {
    // Another instance schedules it: it sees the cancel signal on its next tick.
    log::Get("scheduler")->info("job_id={} stop requested; lease held by {}", job_id, job.lease_owner);
    return Status::OK();
  }
  FEDFLOW_ASSIGN_OR_RETURN(job, ctx_.schedule.GetJob(job_id));
  admitter_.Forget(job_id);
  return finisher_.End(job, status, reason);
}

Status JobScheduler::Forget(const std::string& job_id) {
  auto lock = ctx_.locks.Lock(job_id, false);
  FEDFLOW_ASSIGN_OR_RETURN(auto job, ctx_.schedule.GetJob(job_id));
  if (!IsEndStatus(job.status) || !job.end_synced) {
    return FailedPreconditionError("job " + job_id + " has not ended everywhere yet: stop it and retry");
  }
  FEDFLOW_RETURN_IF_ERROR(ctx_.schedule.DeleteJob(job_id));
  ctx_.specs.Forget(job_id);
  log::Get("scheduler")->info("job_id={} forgotten by the scheduler", job_id);
  return Status::OK();
}

StatusOr<std::vector<std::string>> JobScheduler::Rerun(const std::string& job_id, const std::string& component) {
  auto lock = ctx_.locks.Lock(job_id, false);
  FEDFLOW_ASSIGN_OR_RETURN(auto job, ctx_.schedule.GetJob(job_id));
  if (!IsEndStatus(job.status)) {
    return FailedPreconditionError("job " + job_id + " is " + JobStatusName(job.status) +
                                   ": only an ended job can be rerun (stop it first)");
  }
  if (!job.end_synced) return FailedPreconditionError("job " + job_id + " is still ending at some party; retry shortly");
  if (!ctx_.Lease(job)) return FailedPreconditionError("job " + job_id + " is held by instance " + job.lease_owner);
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, ctx_.SpecOf(job));
  FEDFLOW_ASSIGN_OR_RETURN(orm::LatestTasks latest, ctx_.schedule.GetLatestTasks(job_id));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> rerun, PlanRerun(*spec, latest.tasks, component));
  for (const auto& t : latest.tasks) {
    if (std::find(rerun.begin(), rerun.end(), t.task_name) == rerun.end()) continue;
    std::int32_t retries = 0;
    for (const auto& ts : spec->tasks()) {
      if (ts.name() == t.task_name) retries = ts.max_retries();
    }
    std::vector<orm::ScheduleTaskPartyRow> copies;
    for (const auto& c : latest.copies) {
      if (c.task_name == t.task_name && c.attempt == t.attempt) copies.push_back(c);
    }
    FEDFLOW_RETURN_IF_ERROR(CreateNextAttempt(ctx_, t, copies, retries, 0).status);
  }
  const std::int64_t now = ctx_.clock.NowMs();
  FEDFLOW_RETURN_IF_ERROR(ctx_.schedule.BumpRunEpoch(job.id, now));
  FEDFLOW_ASSIGN_OR_RETURN(job, ctx_.schedule.GetJob(job_id));
  FEDFLOW_RETURN_IF_ERROR(ctx_.jobs.ApplyScheduled(job, sm::JobEvent::kRerunRequested).status());
  orm::ScheduleJobPatch patch;
  patch.set_waiting_since_ms = true;
  patch.waiting_since_ms = now;
  patch.set_waiting_reason = true;
  patch.set_end_synced = true;
  patch.end_synced = true;
  FEDFLOW_RETURN_IF_ERROR(ctx_.schedule.PatchJob(job.id, patch, now));
  // A party that misses this moves to waiting and running when the job starts again there.
  Status told = interconnect::Combine(
      ctx_.partners.UpdateJobStatus(SchedulerContext::PartiesOf(*spec), job_id, JOB_STATUS_WAITING, "rerun"));
  if (!told.ok()) log::Get("scheduler")->info("job_id={} rerun not delivered everywhere yet: {}", job_id, told.message());
  std::string list;
  for (const auto& n : rerun) list += (list.empty() ? "" : ",") + n;
  log::Get("scheduler")->info("job_id={} rerun tasks={}", job_id, list);
  lock.unlock();
  ctx_.Nudge(job_id);
  return rerun;
}

}  // namespace fedflow::sched
