#pragma once
// Which tasks a rerun runs again, pure: every task that did not succeed, or a named component
// and everything downstream of it (successful upstream tasks are kept).

#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::sched {

/// The tasks to rerun, in the job's order. InvalidArgument for an unknown component;
/// FailedPrecondition when nothing would run again.
StatusOr<std::vector<std::string>> PlanRerun(const JobSpec& spec, const std::vector<orm::ScheduleTaskRow>& latest,
                                             const std::string& component);

}  // namespace fedflow::sched
