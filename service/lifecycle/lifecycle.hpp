#pragma once
// Applying lifecycle events to stored rows, always in the same order (docs/style.md §6):
// 1. the machine decides (pure; a forbidden event is rejected here and nothing is written),
// 2. one compare-and-set UPDATE whose row count decides a race,
// 3. after commit, exactly one INFO line.
// start_ms is stamped when a row enters running, end_ms when it enters an end status.

#include <string>

#include "base/clock.hpp"
#include "base/status.hpp"
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

 private:
  orm::TaskRepository& tasks_;
  orm::ScheduleRepository& schedule_;
  const Clock& clock_;
};

}  // namespace fedflow::lifecycle
