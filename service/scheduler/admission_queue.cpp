#include "service/scheduler/admission_queue.hpp"

#include <algorithm>

namespace fedflow::sched {

void OrderForAdmission(std::vector<orm::ScheduleJobRow>& jobs, std::int64_t now_ms, std::int64_t aging_ms) {
  auto starving = [&](const orm::ScheduleJobRow& j) { return now_ms - j.waiting_since_ms > aging_ms; };
  std::stable_sort(jobs.begin(), jobs.end(), [&](const orm::ScheduleJobRow& a, const orm::ScheduleJobRow& b) {
    if (starving(a) != starving(b)) return starving(a);
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.waiting_since_ms < b.waiting_since_ms;
  });
}

AdmissionPass::Verdict AdmissionPass::Judge(const orm::ScheduleJobRow& job, const Demand& demand, std::string* why) const {
  bool hopeless = false;
  for (const auto& [party, cores] : demand) {
    auto r = reserved_.find(party);
    if (cores > 0 && r != reserved_.end() && r->second != job.job_id) {
      *why = "party " + party + " is reserved for job " + r->second + ", which has waited longest";
      return Verdict::kBlocked;
    }
    auto it = known_free_.find(party);
    if (it != known_free_.end() && cores > it->second) hopeless = true;
  }
  return hopeless ? Verdict::kHopeless : Verdict::kAsk;
}

void AdmissionPass::Reserve(const orm::ScheduleJobRow& job, const Demand& demand) {
  if (!Starving(job)) return;
  for (const auto& [party, cores] : demand) {
    if (cores > 0 && !reserved_.count(party)) reserved_[party] = job.job_id;
  }
}

void AdmissionPass::Granted(const std::string& party, std::int64_t cores) {
  auto it = known_free_.find(party);
  if (it != known_free_.end()) it->second -= cores;
}

void AdmissionPass::Refused(const std::string& party, std::int64_t free_cores) { known_free_[party] = free_cores; }

}  // namespace fedflow::sched
