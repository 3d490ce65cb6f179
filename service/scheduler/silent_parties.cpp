#include "service/scheduler/silent_parties.hpp"

#include <algorithm>

#include "base/log.hpp"

namespace fedflow::sched {

bool TrackSilentParties(SchedulerContext& ctx, JobFinisher& finisher, const orm::ScheduleJobRow& job,
                        const std::vector<std::string>& silent) {
  const std::int64_t now = ctx.clock.NowMs();
  orm::ScheduleJobPatch patch;
  patch.set_unreachable = true;
  if (silent.empty()) {
    if (job.unreachable_party.empty()) return false;
    log::Get("scheduler")->info("job_id={} party={} answers again", job.job_id, job.unreachable_party);
    ctx.Patch(job, patch);
    return false;
  }
  // Keep the first silent party and when it went silent; a different one restarts the clock.
  bool same = std::find(silent.begin(), silent.end(), job.unreachable_party) != silent.end();
  std::int64_t since = same ? job.unreachable_since_ms : now;
  std::string party = same ? job.unreachable_party : silent.front();
  if (!same) {
    patch.unreachable_party = party;
    patch.unreachable_since_ms = since;
    ctx.Patch(job, patch);
    log::Get("scheduler")->warn("job_id={} party={} does not answer; failing the job after {} ms", job.job_id, party,
                                ctx.options.partner_grace_ms);
  }
  if (now - since < ctx.options.partner_grace_ms) return false;
  Status ended = finisher.End(job, JOB_STATUS_FAILED,
                              "party " + party + " unreachable for " + std::to_string((now - since) / 1000) +
                                  " s (grace period " + std::to_string(ctx.options.partner_grace_ms / 1000) + " s)");
  if (!ended.ok()) {
    FF_LOG_LIMITED(ctx.limiter, "silent/" + job.job_id, warn, "scheduler", "job_id={} not failed yet: {}", job.job_id,
                   ended.message());
  }
  return true;
}

}  // namespace fedflow::sched
