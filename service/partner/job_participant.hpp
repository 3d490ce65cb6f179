#pragma once
// What a party does for the jobs it takes part in: the partner commands of each job's scheduler
// (/v2/partner/...) and the reports of its own workers (/v2/worker/...). One object owning the
// parts, each with one job: the jobs, their resources, their task attempts, the workers'
// reports, and the stored plans. Every command is idempotent: repeating it (a retry, a resumed
// scheduler) changes nothing more.

#include <memory>
#include <string>

#include "service/partner/job_specs.hpp"
#include "service/partner/participant_deps.hpp"
#include "service/partner/partner_jobs.hpp"
#include "service/partner/partner_resources.hpp"
#include "service/partner/partner_tasks.hpp"
#include "service/partner/worker_reports.hpp"

namespace fedflow::partner {

/// Thread-safe.
class JobParticipant final {
 public:
  explicit JobParticipant(ParticipantDeps deps);

  PartnerJobs& jobs() { return jobs_; }
  PartnerResources& resources() { return resources_; }
  PartnerTasks& tasks() { return tasks_; }
  WorkerReports& workers() { return workers_; }
  JobSpecs& specs() { return specs_; }

  /// The job's plan at this party (cached).
  StatusOr<std::shared_ptr<const JobSpec>> SpecOf(const std::string& job_id) { return specs_.SpecOf(job_id); }
  /// See JobSpecs::CheckCommandSender.
  Status CheckCommandSender(const std::string& job_id, const std::string& sender_party, bool any_party) {
    return specs_.CheckCommandSender(job_id, sender_party, any_party);
  }

 private:
  ParticipantDeps d_;
  JobSpecs specs_;
  PartnerResources resources_;
  PartnerTasks tasks_;
  PartnerJobs jobs_;
  WorkerReports workers_;
};

}  // namespace fedflow::partner
