#pragma once
// Events of the three lifecycles. Names are facts ("CancelRequested"), not commands.

namespace fedflow::sm {

/// What can happen to a job (one row per party, plus the scheduler's row).
enum class JobEvent {
  kPartiesCreated,     ///< every party created the job
  kResourcesAcquired,  ///< every party granted the job's resources; the job starts
  kAllTasksSucceeded,  ///< every task ended success or pass
  kFailed,             ///< a task failed, creation failed, or the job can never run (reason kept)
  kCancelRequested,    ///< a user or admin stopped the job
  kTimedOut,           ///< the job ran past its timeout
  kRerunRequested,     ///< rerun of an ended job (whole job or from a component)
};

/// What can happen to one task attempt at one party (or to its federated status).
enum class TaskEvent {
  kLaunched,         ///< the worker process was started
  kSkipped,          ///< deliberately not run here (need_run = false): pass
  kSucceeded,        ///< the worker reported success
  kFailed,           ///< failure: worker report, launch error, dead process, stale heartbeat
  kCancelRequested,  ///< the job was stopped
  kTimedOut,         ///< ran past the task timeout
  kHeartbeat,        ///< the worker is alive (no status change)
};

/// What can happen to a resource allocation ledger row.
enum class AllocationEvent {
  kGranted,   ///< the party's free capacity covers the request
  kRefused,   ///< it does not
  kReleased,  ///< the job ended, was stopped, or the scheduler rolled a partial grant back
};

const char* JobEventName(JobEvent e);
const char* TaskEventName(TaskEvent e);
const char* AllocationEventName(AllocationEvent e);

}  // namespace fedflow::sm
