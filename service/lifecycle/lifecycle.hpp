#pragma once
// The single entry point of every persisted status change (job rows, task attempts, the
// scheduler's federated rows and per-party copies, the federated status each party records,
// allocation ledger rows), always in the same order:
// 1. the machine decides (pure; a forbidden event is rejected here and nothing is written),
// 2. one compare-and-set UPDATE whose row count decides a race,
// 3. after commit, exactly one INFO line.
// start_ms is stamped when a row enters running, end_ms when it enters an end status. Nothing
// else writes a status column (tools/check_status_writes.sh, a test, proves it).

#include <string>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/job_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/task_repository.hpp"
#include "statemachines/events.hpp"

namespace fedflow::lifecycle {

/// The event that ends a job with `status` (success, failed, canceled or timeout).
StatusOr<sm::JobEvent> JobEventEnding(JobStatus status);

/// Outcome of an applied event.
template <typename StatusEnum>
struct Applied {
  StatusEnum from{};
  StatusEnum to{};
};

/// Job rows (this party's and the scheduler's). Thread-safe (repositories are).
class JobLifecycle final {
 public:
  JobLifecycle(orm::JobRepository& jobs, orm::ScheduleRepository& schedule, const Clock& clock)
      : jobs_(jobs), schedule_(schedule), clock_(clock) {}

  /// FailedPrecondition when the machine forbids the event (nothing written); Aborted when the
  /// row changed under us (the caller re-reads and retries or gives up).
  StatusOr<Applied<JobStatus>> Apply(const orm::JobRow& row, sm::JobEvent event, const std::string& reason = "");
  StatusOr<Applied<JobStatus>> ApplyScheduled(const orm::ScheduleJobRow& row, sm::JobEvent event,
                                              const std::string& reason = "");

 private:
  orm::JobRepository& jobs_;
  orm::ScheduleRepository& schedule_;
  const Clock& clock_;
};

/// Task attempt rows (this party's), the scheduler's federated rows and its per-party copies.
class TaskLifecycle final {
 public:
  TaskLifecycle(orm::TaskRepository& tasks, orm::ScheduleRepository& schedule, const Clock& clock)
      : tasks_(tasks), schedule_(schedule), clock_(clock) {}

  StatusOr<Applied<TaskStatus>> Apply(const orm::TaskAttemptRow& row, sm::TaskEvent event,
                                      const std::string& reason = "");
  StatusOr<Applied<TaskStatus>> ApplyScheduled(const orm::ScheduleTaskRow& row, sm::TaskEvent event,
                                               const std::string& reason = "");
  StatusOr<Applied<TaskStatus>> ApplyParty(const orm::ScheduleTaskPartyRow& row, sm::TaskEvent event,
                                           const std::string& reason = "");
  /// Moves a scheduler row (federated or per-party copy) to `target` along the table, through
  /// running when a poll missed it. OK without writing when already there.
  Status MoveScheduledTo(const orm::ScheduleTaskRow& row, TaskStatus target, const std::string& reason = "");
  Status MovePartyTo(const orm::ScheduleTaskPartyRow& row, TaskStatus target, const std::string& reason = "");
  /// Moves the federated status this party records for one of its attempts (what the scheduler
  /// decided) along the task machine. OK without writing when already there; FailedPrecondition
  /// for a move the machine forbids (a stale update after a later one).
  Status MoveFederatedTo(const orm::TaskAttemptRow& row, TaskStatus target);

 private:
  orm::TaskRepository& tasks_;
  orm::ScheduleRepository& schedule_;
  const Clock& clock_;
};

/// This party's resource ledger rows, through the allocation machine. Thread-safe.
class AllocationLifecycle final {
 public:
  AllocationLifecycle(orm::AllocationRepository& allocations, const Clock& clock)
      : allocations_(allocations), clock_(clock) {}

  /// A new ledger row for the request, decided (held or rejected) against the free capacity of
  /// `engine` in one serialised transaction. A retried request whose row is already held gets
  /// the same answer. Earlier rows of the key stay in the ledger as they are.
  StatusOr<orm::GrantResult> Request(const std::string& engine, orm::AllocationRow request);
  /// Releases the held (or undecided) rows of (job, party, epoch). True when one changed.
  StatusOr<bool> Release(const std::string& job_id, const std::string& party_id, std::int32_t run_epoch,
                         const std::string& reason);
  /// Releases every held row of the job. Returns how many changed.
  StatusOr<std::size_t> ReleaseAllOfJob(const std::string& job_id, const std::string& reason);

 private:
  /// One row through the machine's Released event; false when it was not releasable or lost a race.
  StatusOr<bool> ReleaseRow(const orm::AllocationRow& row, const std::string& reason);

  orm::AllocationRepository& allocations_;
  const Clock& clock_;
};

}  // namespace fedflow::lifecycle
