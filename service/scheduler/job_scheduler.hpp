#pragma once
// The scheduler of the jobs this party initiates (polling mode, ARCHITECTURE.md §5). It creates
// a job at every party, admits it when every party grants its resources, polls the parties for
// the status of unfinished tasks (one batched query per party per job), computes federated task
// and job statuses, starts tasks whose upstreams succeeded, retries failed tasks with backoff,
// enforces task and job timeouts, and ends the job everywhere.
//
// Order of every change: decide (state machines), persist (compare-and-set), then talk to the
// parties; what a party did not confirm is sent again on a later tick.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "base/thread_pool.hpp"
#include "orm/schedule_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/lifecycle/lifecycle.hpp"
#include "service/scheduler/job_locks.hpp"
#include "service/scheduler/partner_stub.hpp"
#include "service/state/server_state.hpp"

namespace fedflow::sched {

/// Scheduler settings.
struct SchedulerOptions {
  std::string party_id;
  std::string instance_id;
  std::int64_t lease_ms = 15000;          ///< how long a job stays with this instance unrenewed
  std::int64_t admit_retry_ms = 500;      ///< retry a refused admission after this
  std::int64_t end_sync_retry_ms = 1000;  ///< resend an unconfirmed end after this
  std::int64_t stale_creation_ms = 30000; ///< a job still `ready` this long is re-created
  std::int64_t aging_ms = 60000;          ///< a job waiting longer reserves the parties it waits for
  std::int64_t partner_grace_ms = 60000;  ///< a party silent this long fails its running jobs
  std::size_t max_jobs_per_tick = 1000;
};

/// What a submit returns.
struct SubmitResult {
  std::string job_id;
  JobSpec spec;
};

/// Thread-safe.
class JobScheduler final {
 public:
  JobScheduler(SchedulerOptions options, orm::ScheduleRepository& schedule, lifecycle::JobLifecycle& jobs,
               lifecycle::TaskLifecycle& tasks, PartnerStub& partners, const Clock& clock);

  /// Called when a job needs attention soon (wired to the loop's nudge).
  void set_nudge(std::function<void(const std::string&)> nudge) { nudge_ = std::move(nudge); }
  /// While the server drains, submits are refused and waiting jobs are not admitted.
  void set_server_state(const state::ServerState* server_state) { server_state_ = server_state; }

  /// Creates the job at every party (after every party validated it) and queues it.
  /// Refusals name the party and its reason; nothing is persisted anywhere when a party refuses.
  StatusOr<SubmitResult> Submit(JobSpec spec);
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
  StatusOr<std::shared_ptr<const JobSpec>> SpecOf(const orm::ScheduleJobRow& job);

 private:
  void Admit(std::vector<orm::ScheduleJobRow> waiting);
  void DriveJob(const std::string& job_id);
  Status DriveRunning(orm::ScheduleJobRow job);
  Status FinishCreation(const orm::ScheduleJobRow& job);
  /// Polls the parties for running tasks and updates the scheduler's copies and federated rows.
  /// Returns the parties that did not answer.
  std::vector<std::string> PollRunningTasks(const orm::ScheduleJobRow& job, const std::vector<orm::ScheduleTaskRow>& tasks,
                                            const std::vector<orm::ScheduleTaskPartyRow>& parties);
  /// Records which party stops answering; true when one has been silent past the grace period
  /// (the job was then failed with that reason).
  bool TrackUnreachable(const orm::ScheduleJobRow& job, const std::vector<std::string>& silent);
  /// Starts the task at its parties. A party's refusal fails the task; the parties that did not
  /// answer are returned (the task stays waiting and is started again next tick).
  std::vector<std::string> StartTask(const orm::ScheduleJobRow& job, const orm::ScheduleTaskRow& task,
                                     const std::vector<orm::ScheduleTaskPartyRow>& parties);
  void HandleEndedTask(const orm::ScheduleJobRow& job, const JobSpec& spec, const orm::ScheduleTaskRow& task,
                       const std::vector<orm::ScheduleTaskPartyRow>& parties);
  Status CreateAttempt(const orm::ScheduleJobRow& job, const orm::ScheduleTaskRow& from, std::int32_t retries_left,
                       std::int64_t not_before_ms, const std::vector<orm::ScheduleTaskPartyRow>& parties);
  /// Ends the job at the scheduler, then everywhere.
  Status EndJob(const orm::ScheduleJobRow& job, JobStatus status, const std::string& reason);
  /// Sends the end status to every party; marks it synced when all confirmed.
  void SyncEnd(const orm::ScheduleJobRow& job);
  /// Takes or renews the job's lease (cheap when it has plenty left).
  bool Lease(const orm::ScheduleJobRow& job);
  std::vector<std::string> PartiesOf(const JobSpec& spec) const;
  bool HoldsLease(const orm::ScheduleJobRow& job) const;
  void Nudge(const std::string& job_id);

  SchedulerOptions options_;
  orm::ScheduleRepository& schedule_;
  lifecycle::JobLifecycle& jobs_;
  lifecycle::TaskLifecycle& tasks_;
  PartnerStub& partners_;
  const Clock& clock_;
  std::function<void(const std::string&)> nudge_;
  const state::ServerState* server_state_ = nullptr;
  JobLocks locks_;
  std::mutex state_mutex_;
  std::map<std::string, std::shared_ptr<const JobSpec>> spec_cache_;
  std::map<std::string, std::int64_t> admit_after_ms_;  ///< in-memory admission backoff per job
  std::atomic<std::int64_t> capacity_changes_{0};       ///< bumped when a job ends (capacity freed)
  std::int64_t capacity_seen_ = 0;                      ///< value at the last admission pass
};

}  // namespace fedflow::sched
