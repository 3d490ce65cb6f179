#pragma once
// The admission policy, pure: in what order waiting jobs are considered, and what one pass over
// the queue has learnt of the parties (cores they said are free, parties reserved for a job that
// has waited too long). Jobs that do not fit are skipped, not allowed to block the queue
// (FATE-Flow's head-of-line quirk), except by a starving job: the parties it waits for are
// reserved for it, so capacity freed there accumulates until it fits.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "orm/rows.hpp"

namespace fedflow::sched {

/// Cores a job needs per party.
using Demand = std::map<std::string, std::int64_t>;

/// Orders `jobs` for admission: jobs that waited past `aging_ms` first (nothing starves), then by
/// priority (high first), then by how long they have waited.
void OrderForAdmission(std::vector<orm::ScheduleJobRow>& jobs, std::int64_t now_ms, std::int64_t aging_ms);

/// One pass over the queue. Not thread-safe (one per tick).
class AdmissionPass final {
 public:
  AdmissionPass(std::int64_t now_ms, std::int64_t aging_ms) : now_ms_(now_ms), aging_ms_(aging_ms) {}

  enum class Verdict {
    kAsk,       ///< ask the parties for the job's resources now
    kBlocked,   ///< a party it needs is reserved for a starving job (`why` says which)
    kHopeless,  ///< a party said this pass it has fewer free cores than the job needs there
  };
  Verdict Judge(const orm::ScheduleJobRow& job, const Demand& demand, std::string* why) const;
  bool Starving(const orm::ScheduleJobRow& job) const { return now_ms_ - job.waiting_since_ms > aging_ms_; }
  /// A starving job not admitted in this pass keeps the parties it needs reserved.
  void Reserve(const orm::ScheduleJobRow& job, const Demand& demand);
  /// A party granted `cores` to a job / refused one and said how many cores are free.
  void Granted(const std::string& party, std::int64_t cores);
  void Refused(const std::string& party, std::int64_t free_cores);

 private:
  std::int64_t now_ms_;
  std::int64_t aging_ms_;
  std::map<std::string, std::int64_t> known_free_;
  std::map<std::string, std::string> reserved_;  ///< party -> starving job waiting for it
};

}  // namespace fedflow::sched
