#pragma once
// One tick of a running job, on one snapshot of it:
//   1. poll the parties about unfinished task attempts (one batched call per party);
//   2. federate: each task's status from its parties' (aggregation rules), task timeouts;
//   3. ended tasks: stop stragglers, create retries (with backoff);
//   4. start waiting tasks whose upstreams succeeded, within the job's task parallelism;
//   5. the job's status from its tasks (sm::SchedulingJobStatus), its progress, its end.
// Parties that do not answer a poll, a start or a retry's creation are judged together at the
// end of the tick against the partner grace period.

#include <set>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/scheduler/job_finisher.hpp"
#include "service/scheduler/job_snapshot.hpp"
#include "service/scheduler/scheduler_context.hpp"

namespace fedflow::sched {

/// Thread-safe; each call works on one job under that job's lock.
class RunningJobDriver final {
 public:
  RunningJobDriver(SchedulerContext& ctx, JobFinisher& finisher) : ctx_(ctx), finisher_(finisher) {}

  Status Drive(const orm::ScheduleJobRow& job);

 private:
  /// Step 1; returns the parties that did not answer.
  std::vector<std::string> Poll(JobSnapshot& s);
  /// Step 2.
  void Federate(JobSnapshot& s);
  void TimeOut(JobSnapshot& s, orm::ScheduleTaskRow& task, std::int64_t timeout_ms);
  /// Step 3; tasks whose retry could not be created yet go to `retry_pending`, and the parties
  /// that did not answer are returned.
  std::vector<std::string> HandleEnded(JobSnapshot& s, std::set<std::string>* retry_pending);
  /// Step 4; returns the parties that did not answer.
  std::vector<std::string> StartReady(JobSnapshot& s, const std::set<std::string>& retry_pending, bool* has_next);
  std::vector<std::string> StartTask(JobSnapshot& s, orm::ScheduleTaskRow& task);
  /// Step 5.
  Status Conclude(JobSnapshot& s, const std::set<std::string>& retry_pending, bool has_next);
  /// Moves a copy in the database and in the snapshot; a failure other than a lost race is logged.
  void MoveCopy(orm::ScheduleTaskPartyRow& copy, TaskStatus to, const std::string& reason);
  /// Records a poll's progress and traffic figures on a copy when they changed.
  void RecordReport(orm::ScheduleTaskPartyRow& copy, const contract::TaskReport& report);
  /// Moves a task's federated row in the database and in the snapshot; true when it moved.
  bool MoveTask(orm::ScheduleTaskRow& task, TaskStatus to, const std::string& reason);

  SchedulerContext& ctx_;
  JobFinisher& finisher_;
};

}  // namespace fedflow::sched
