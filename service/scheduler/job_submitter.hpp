#pragma once
// Creating a job everywhere: every party validates it first (a refusal leaves nothing anywhere),
// then the scheduler's rows are written and every party creates its part; the job then waits in
// the queue. A job left `ready` by a crashed instance is created again (creation is idempotent).

#include "base/status.hpp"
#include "service/scheduler/job_finisher.hpp"
#include "service/scheduler/scheduler_context.hpp"

namespace fedflow::sched {

/// What a submit returns.
struct SubmitResult {
  std::string job_id;
  JobSpec spec;
};

/// Thread-safe.
class JobSubmitter final {
 public:
  JobSubmitter(SchedulerContext& ctx, JobFinisher& finisher) : ctx_(ctx), finisher_(finisher) {}

  /// Refusals name the party and its reason; nothing is persisted anywhere when a party refuses.
  StatusOr<SubmitResult> Submit(JobSpec spec);
  /// Redoes the creation of a job still `ready` after stale_creation_ms.
  Status FinishCreation(const orm::ScheduleJobRow& job);

 private:
  /// The job moved to waiting at the scheduler and (best effort) at the parties.
  Status Queue(const orm::ScheduleJobRow& job, const std::vector<std::string>& parties);

  SchedulerContext& ctx_;
  JobFinisher& finisher_;
};

}  // namespace fedflow::sched
