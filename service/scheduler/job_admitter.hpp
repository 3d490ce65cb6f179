#pragma once
// Admission of waiting jobs: in queue order (admission_queue.hpp),
// the resources of up to `admission_batch` jobs are asked for at once, at all their parties in
// parallel; a job every party granted starts, a job some party refused gives back what it got
// and waits with the reason (the refusing party and its numbers), a job that can never fit fails,
// and a job whose party does not answer waits until the partner grace period decides.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "service/scheduler/admission_queue.hpp"
#include "service/scheduler/job_finisher.hpp"
#include "service/scheduler/scheduler_context.hpp"

namespace fedflow::sched {

/// Thread-safe (one admission pass at a time: called from the tick).
class JobAdmitter final {
 public:
  JobAdmitter(SchedulerContext& ctx, JobFinisher& finisher) : ctx_(ctx), finisher_(finisher) {}

  /// One pass over `waiting` (jobs this instance holds or may lease).
  void Admit(std::vector<orm::ScheduleJobRow> waiting);
  /// Forgets the backoff of a job that left the queue.
  void Forget(const std::string& job_id);

 private:
  /// A job chosen to be asked this pass, with its lock held.
  struct Candidate {
    orm::ScheduleJobRow job;
    std::shared_ptr<const JobSpec> spec;
    Demand demand;
    std::vector<std::string> parties;
    std::unique_lock<std::mutex> lock;
  };
  /// Locks, leases and checks one job; true when it should be asked now.
  bool Prepare(const orm::ScheduleJobRow& job, AdmissionPass& pass, bool capacity_freed, Candidate* out);
  /// Asks every party of every candidate, then settles each in queue order.
  void AskAndSettle(std::vector<Candidate>& batch, AdmissionPass& pass);
  /// Starts the jobs every party granted (their starts sent in parallel).
  void StartGranted(std::vector<Candidate*>& granted);
  void SetWaitingReason(const orm::ScheduleJobRow& job, const std::string& reason);
  void Backoff(const std::string& job_id);

  SchedulerContext& ctx_;
  JobFinisher& finisher_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> admit_after_ms_;  ///< in-memory backoff of refused jobs
  std::int64_t capacity_seen_ = 0;                      ///< ctx_.capacity_changes at the last pass
};

}  // namespace fedflow::sched
