#include "service/scheduler/rerun_planner.hpp"

#include <set>

#include "proto/status_names.hpp"
#include "service/dsl/job_graph.hpp"

namespace fedflow::sched {

StatusOr<std::vector<std::string>> PlanRerun(const JobSpec& spec, const std::vector<orm::ScheduleTaskRow>& latest,
                                             const std::string& component) {
  std::set<std::string> targets;
  if (!component.empty()) {
    bool exists = false;
    for (const auto& t : spec.tasks()) exists = exists || t.name() == component;
    if (!exists) return InvalidArgumentError("job " + spec.job_id() + " has no component '" + component + "'");
    for (const auto& n : dsl::DescendantsOf(spec.tasks(), component)) targets.insert(n);
  } else {
    for (const auto& t : latest) {
      if (!IsSuccessStatus(t.status)) targets.insert(t.task_name);
    }
    if (targets.empty()) {
      return FailedPreconditionError("every task of job " + spec.job_id() +
                                     " succeeded: name a component to rerun it and what depends on it");
    }
  }
  std::vector<std::string> out;
  for (const auto& t : latest) {
    if (targets.count(t.task_name)) out.push_back(t.task_name);
  }
  return out;
}

}  // namespace fedflow::sched
