#include "service/scheduler/job_snapshot.hpp"

#include <algorithm>

namespace fedflow::sched {

StatusOr<JobSnapshot> JobSnapshot::Load(orm::ScheduleRepository& schedule, orm::ScheduleJobRow job,
                                        std::shared_ptr<const JobSpec> spec) {
  JobSnapshot s;
  FEDFLOW_ASSIGN_OR_RETURN(orm::LatestTasks latest, schedule.GetLatestTasks(job.job_id));
  s.job_ = std::move(job);
  s.spec_ = std::move(spec);
  s.tasks_ = std::move(latest.tasks);
  s.copies_ = std::move(latest.copies);
  std::map<std::string, int> order;
  for (const auto& t : s.spec_->tasks()) {
    order.emplace(t.name(), static_cast<int>(order.size()));
    s.task_specs_[t.name()] = &t;
  }
  // The job's (topological) order, whatever order the latest attempts were created in.
  std::stable_sort(s.tasks_.begin(), s.tasks_.end(), [&](const orm::ScheduleTaskRow& a, const orm::ScheduleTaskRow& b) {
    return order[a.task_name] < order[b.task_name];
  });
  return s;
}

std::vector<orm::ScheduleTaskPartyRow*> JobSnapshot::CopiesOf(const orm::ScheduleTaskRow& task) {
  std::vector<orm::ScheduleTaskPartyRow*> out;
  for (auto& c : copies_) {
    if (c.task_name == task.task_name && c.attempt == task.attempt) out.push_back(&c);
  }
  return out;
}

std::vector<std::string> JobSnapshot::PartiesOf(const std::vector<orm::ScheduleTaskPartyRow*>& copies) {
  std::vector<std::string> out;
  for (const auto* c : copies) {
    if (std::find(out.begin(), out.end(), c->party_id) == out.end()) out.push_back(c->party_id);
  }
  return out;
}

const TaskSpec* JobSnapshot::TaskSpecOf(const std::string& task_name) const {
  auto it = task_specs_.find(task_name);
  return it == task_specs_.end() ? nullptr : it->second;
}

void JobSnapshot::ReplaceAttempt(const orm::ScheduleTaskRow& next, std::vector<orm::ScheduleTaskPartyRow> copies) {
  for (auto& t : tasks_) {
    if (t.task_name == next.task_name) t = next;
  }
  copies_.erase(std::remove_if(copies_.begin(), copies_.end(),
                               [&](const orm::ScheduleTaskPartyRow& c) { return c.task_name == next.task_name; }),
                copies_.end());
  for (auto& c : copies) copies_.push_back(std::move(c));
}

}  // namespace fedflow::sched
