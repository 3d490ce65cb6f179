#pragma once
// The scheduler of the jobs this party initiates (polling mode), composed of
// parts with one job each: the submitter creates a job at every party, the admitter grants it
// resources in queue order, the running-job driver polls, federates, retries and starts tasks,
// the finisher ends a job everywhere, and the rerun planner picks what runs again. One tick
// (RunOnce) admits waiting jobs, drives running ones in parallel, and resends unconfirmed ends.
//
// Order of every change: decide (state machines), persist (compare-and-set), then talk to the
// parties; what a party did not confirm is sent again on a later tick.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "base/thread_pool.hpp"
#include "orm/schedule_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/lifecycle/lifecycle.hpp"
#include "service/scheduler/job_admitter.hpp"
#include "service/scheduler/job_finisher.hpp"
#include "service/scheduler/job_submitter.hpp"
#include "service/scheduler/partner_stub.hpp"
#include "service/scheduler/running_job_driver.hpp"
#include "service/scheduler/scheduler_context.hpp"
#include "service/state/server_state.hpp"

namespace fedflow::sched {

/// Thread-safe.
class JobScheduler final {
 public:
  JobScheduler(SchedulerOptions options, orm::ScheduleRepository& schedule, lifecycle::JobLifecycle& jobs,
               lifecycle::TaskLifecycle& tasks, PartnerStub& partners, const Clock& clock);

  /// Called when a job needs attention soon (wired to the loop's nudge).
  void set_nudge(std::function<void(const std::string&)> nudge) { ctx_.nudge = std::move(nudge); }
  /// While the server drains, submits are refused and waiting jobs are not admitted.
  void set_server_state(const state::ServerState* server_state) { ctx_.server_state = server_state; }

  /// Creates the job at every party (after every party validated it) and queues it.
  /// Refusals name the party and its reason; nothing is persisted anywhere when a party refuses.
  StatusOr<SubmitResult> Submit(JobSpec spec) { return submitter_.Submit(std::move(spec)); }
  /// Stops a job everywhere with `status` (canceled for users). Idempotent.
  Status Stop(const std::string& job_id, JobStatus status, const std::string& reason);
  /// Reruns an ended job: every task that did not succeed, or `component` and everything
  /// downstream of it (successful upstream tasks are kept). Returns the rerun task names.
  StatusOr<std::vector<std::string>> Rerun(const std::string& job_id, const std::string& component);
  /// Deletes the scheduler's rows of an ended, synced job (job clean).
  Status Forget(const std::string& job_id);

  /// One tick: admit waiting jobs, drive running ones on `pool`, resend unconfirmed ends.
  void RunOnce(ThreadPool& pool);

  /// The job's spec (cached).
  StatusOr<std::shared_ptr<const JobSpec>> SpecOf(const orm::ScheduleJobRow& job) { return ctx_.SpecOf(job); }

 private:
  void DriveJob(const std::string& job_id);

  SchedulerContext ctx_;
  JobFinisher finisher_;
  JobSubmitter submitter_;
  JobAdmitter admitter_;
  RunningJobDriver driver_;
};

}  // namespace fedflow::sched
