#pragma once
// Ending a job: the scheduler's row moves to its end status, its unfinished tasks end with it,
// and the end (with every task's final federated status) is sent to every party until all of
// them confirmed it, even across a restart (end_synced in the database).

#include <string>

#include "base/status.hpp"
#include "service/scheduler/scheduler_context.hpp"

namespace fedflow::sched {

/// Thread-safe.
class JobFinisher final {
 public:
  explicit JobFinisher(SchedulerContext& ctx) : ctx_(ctx) {}

  /// Ends the job at the scheduler, then everywhere. OK when it had ended already.
  Status End(const orm::ScheduleJobRow& job, JobStatus status, const std::string& reason);
  /// Sends the end status to every party; marks the job synced when all confirmed, else asks for
  /// a resend after end_sync_retry_ms.
  void SyncEnd(const orm::ScheduleJobRow& job);

 private:
  /// The scheduler's own view of an ended job: its unfinished tasks and copies end too.
  void EndUnfinishedTasks(const orm::ScheduleJobRow& job, JobStatus status);

  SchedulerContext& ctx_;
};

}  // namespace fedflow::sched
