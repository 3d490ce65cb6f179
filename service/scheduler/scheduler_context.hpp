#pragma once
// What every part of the scheduler shares: its settings, the scheduler's repository and
// lifecycles, the partner stub, the clock, per-job locks, parsed specs, job leases, and the
// limiter for warnings that a tick could repeat. Owned by JobScheduler.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/log_limiter.hpp"
#include "base/status.hpp"
#include "orm/schedule_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/lifecycle/lifecycle.hpp"
#include "service/scheduler/job_locks.hpp"
#include "service/scheduler/partner_stub.hpp"
#include "service/scheduler/spec_cache.hpp"
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
  std::size_t admission_batch = 16;       ///< waiting jobs whose resources are asked for at once
  std::int64_t warning_interval_ms = 10000;  ///< a repeated per-tick warning is logged at most this often
};

/// Thread-safe.
struct SchedulerContext {
  SchedulerContext(SchedulerOptions o, orm::ScheduleRepository& schedule_repo, lifecycle::JobLifecycle& job_lifecycle,
                   lifecycle::TaskLifecycle& task_lifecycle, PartnerStub& partner_stub, const Clock& c)
      : options(std::move(o)),
        schedule(schedule_repo),
        jobs(job_lifecycle),
        tasks(task_lifecycle),
        partners(partner_stub),
        clock(c),
        limiter(c, options.warning_interval_ms) {}

  /// The job's spec (cached).
  StatusOr<std::shared_ptr<const JobSpec>> SpecOf(const orm::ScheduleJobRow& job) {
    return specs.Get(job.job_id, job.spec_json);
  }
  /// The parties of a job, the initiator first, then in the order the job lists them.
  static std::vector<std::string> PartiesOf(const JobSpec& spec);
  /// True while this instance holds the job's lease with at least half of it left.
  bool HoldsLease(const orm::ScheduleJobRow& job) const;
  /// Takes or renews the job's lease (cheap when it has plenty left).
  bool Lease(const orm::ScheduleJobRow& job);
  void Nudge(const std::string& job_id) {
    if (nudge) nudge(job_id);
  }
  /// Writes scheduler-owned columns that every tick recomputes (waiting reason, backoff, silent
  /// party): a failure is logged, and the next tick writes them again.
  void Patch(const orm::ScheduleJobRow& job, const orm::ScheduleJobPatch& patch);

  const SchedulerOptions options;
  orm::ScheduleRepository& schedule;
  lifecycle::JobLifecycle& jobs;
  lifecycle::TaskLifecycle& tasks;
  PartnerStub& partners;
  const Clock& clock;
  JobLocks locks;
  SpecCache specs;
  log::LogLimiter limiter;
  std::function<void(const std::string&)> nudge;
  const state::ServerState* server_state = nullptr;
  std::atomic<std::int64_t> capacity_changes{0};  ///< bumped when a job ends (capacity freed)
};

}  // namespace fedflow::sched
