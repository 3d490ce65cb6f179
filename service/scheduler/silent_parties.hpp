#pragma once
// Parties that stop answering a job's scheduler: the first one silent (and since when) is kept on
// the job; when it has been silent past the partner grace period, the job fails naming it.

#include <string>
#include <vector>

#include "service/scheduler/job_finisher.hpp"
#include "service/scheduler/scheduler_context.hpp"

namespace fedflow::sched {

/// Records this tick's silent parties of `job` (none: it answers again). True when the job was
/// failed because one has been silent too long.
bool TrackSilentParties(SchedulerContext& ctx, JobFinisher& finisher, const orm::ScheduleJobRow& job,
                        const std::vector<std::string>& silent);

}  // namespace fedflow::sched
