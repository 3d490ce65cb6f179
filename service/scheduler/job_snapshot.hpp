#pragma once
// One read of a running job per tick: its latest task attempts and their per-party copies,
// loaded once and kept current by the tick as it changes them (so a tick costs one read per
// job, whatever it decides).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/schedule_repository.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::sched {

/// Not thread-safe: one tick's view of one job, used under the job's lock.
class JobSnapshot final {
 public:
  static StatusOr<JobSnapshot> Load(orm::ScheduleRepository& schedule, orm::ScheduleJobRow job,
                                    std::shared_ptr<const JobSpec> spec);

  orm::ScheduleJobRow& job() { return job_; }
  const JobSpec& spec() const { return *spec_; }
  /// The latest attempt of every task, in the job's (topological) order.
  std::vector<orm::ScheduleTaskRow>& tasks() { return tasks_; }
  /// The per-party copies of `task`'s attempt (pointers into the snapshot).
  std::vector<orm::ScheduleTaskPartyRow*> CopiesOf(const orm::ScheduleTaskRow& task);
  /// The distinct parties of `copies`, in order.
  static std::vector<std::string> PartiesOf(const std::vector<orm::ScheduleTaskPartyRow*>& copies);
  /// The task's spec (null for a task the spec does not know).
  const TaskSpec* TaskSpecOf(const std::string& task_name) const;
  /// Replaces `task` by its new attempt (a retry), with the attempt's copies.
  void ReplaceAttempt(const orm::ScheduleTaskRow& next, std::vector<orm::ScheduleTaskPartyRow> copies);

 private:
  orm::ScheduleJobRow job_;
  std::shared_ptr<const JobSpec> spec_;
  std::vector<orm::ScheduleTaskRow> tasks_;
  std::vector<orm::ScheduleTaskPartyRow> copies_;
  std::map<std::string, const TaskSpec*> task_specs_;
};

}  // namespace fedflow::sched
