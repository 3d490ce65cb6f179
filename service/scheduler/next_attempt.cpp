#include "service/scheduler/next_attempt.hpp"

#include <algorithm>

namespace fedflow::sched {

NextAttempt CreateNextAttempt(SchedulerContext& ctx, const orm::ScheduleTaskRow& from,
                              const std::vector<orm::ScheduleTaskPartyRow>& from_copies, std::int32_t retries_left,
                              std::int64_t not_before_ms) {
  NextAttempt out;
  const std::int32_t next = from.attempt + 1;
  std::vector<std::string> parties;
  for (const auto& c : from_copies) {
    if (std::find(parties.begin(), parties.end(), c.party_id) == parties.end()) parties.push_back(c.party_id);
  }
  out.replies = ctx.partners.CreateAttempt(parties, from.job_id, from.task_name, next);
  out.status = interconnect::Combine(out.replies);
  if (!out.status.ok()) return out;
  const std::int64_t now = ctx.clock.NowMs();
  out.task.job_id = from.job_id;
  out.task.task_name = from.task_name;
  out.task.attempt = next;
  out.task.retries_left = retries_left;
  out.task.not_before_ms = not_before_ms;
  out.task.created_ms = now;
  out.task.updated_ms = now;
  for (const auto& c : from_copies) {
    orm::ScheduleTaskPartyRow n;
    n.job_id = from.job_id;
    n.task_name = from.task_name;
    n.attempt = next;
    n.role = c.role;
    n.party_id = c.party_id;
    n.created_ms = now;
    n.updated_ms = now;
    out.copies.push_back(n);
  }
  out.status = ctx.schedule.CreateAttempt(out.task, out.copies);
  if (out.status.code() == StatusCode::kAlreadyExists) out.status = Status::OK();  // made by an earlier tick
  return out;
}

}  // namespace fedflow::sched
