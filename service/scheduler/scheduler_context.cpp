#include "service/scheduler/scheduler_context.hpp"

#include <algorithm>

#include "base/log.hpp"

namespace fedflow::sched {

std::vector<std::string> SchedulerContext::PartiesOf(const JobSpec& spec) {
  std::vector<std::string> out{spec.initiator().party_id()};
  for (const auto& p : spec.parties()) {
    if (std::find(out.begin(), out.end(), p.party_id()) == out.end()) out.push_back(p.party_id());
  }
  return out;
}

bool SchedulerContext::HoldsLease(const orm::ScheduleJobRow& job) const {
  return job.lease_owner == options.instance_id && job.lease_until_ms - clock.NowMs() > options.lease_ms / 2;
}

bool SchedulerContext::Lease(const orm::ScheduleJobRow& job) {
  if (HoldsLease(job)) return true;
  auto held = schedule.TryLeaseJob(job.job_id, options.instance_id, clock.NowMs(), options.lease_ms);
  if (!held.ok()) {
    FF_LOG_LIMITED(limiter, "lease/" + job.job_id, warn, "scheduler", "job_id={} lease not taken: {}", job.job_id,
                   held.status().message());
    return false;
  }
  return *held;
}

void SchedulerContext::Patch(const orm::ScheduleJobRow& job, const orm::ScheduleJobPatch& patch) {
  Status s = schedule.PatchJob(job.id, patch, clock.NowMs());
  if (!s.ok()) {
    FF_LOG_LIMITED(limiter, "patch/" + job.job_id, warn, "scheduler", "job_id={} scheduler fields not written: {}",
                   job.job_id, s.message());
  }
}

}  // namespace fedflow::sched
