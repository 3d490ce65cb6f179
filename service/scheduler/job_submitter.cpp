#include "service/scheduler/job_submitter.hpp"

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/dsl/spec_json.hpp"

namespace fedflow::sched {

StatusOr<SubmitResult> JobSubmitter::Submit(JobSpec spec) {
  if (ctx_.server_state && ctx_.server_state->draining()) {
    return UnavailableError("server " + ctx_.options.instance_id + " is draining (" + ctx_.server_state->reason() +
                            "): submit to another instance or try later");
  }
  const std::int64_t now = ctx_.clock.NowMs();
  spec.set_job_id(NewJobId(now));
  std::vector<std::string> parties = SchedulerContext::PartiesOf(spec);
  std::string spec_json = dsl::SpecToJson(spec);

  // 1. Every party validates first (modules, capacity, permissions): a refusal leaves nothing.
  Status validated = interconnect::Combine(ctx_.partners.CreateJob(parties, spec.job_id(), spec_json, true));
  if (!validated.ok()) return validated.WithContext("job refused");

  // 2. The scheduler's rows, then the job at every party.
  orm::ScheduleJobRow job;
  job.job_id = spec.job_id();
  job.status = JOB_STATUS_READY;
  job.initiator_party_id = spec.initiator().party_id();
  job.priority = spec.params().priority();
  job.user_name = spec.user_name();
  job.spec_json = spec_json;
  job.timeout_ms = spec.params().timeout_ms();
  job.lease_owner = ctx_.options.instance_id;
  job.lease_until_ms = now + ctx_.options.lease_ms;
  job.created_ms = now;
  job.updated_ms = now;
  job.waiting_since_ms = now;
  std::vector<orm::ScheduleTaskRow> tasks;
  std::vector<orm::ScheduleTaskPartyRow> copies;
  for (const auto& t : spec.tasks()) {
    orm::ScheduleTaskRow row;
    row.job_id = job.job_id;
    row.task_name = t.name();
    row.retries_left = t.max_retries();
    row.created_ms = now;
    row.updated_ms = now;
    tasks.push_back(row);
    for (const auto& p : t.parties()) {
      orm::ScheduleTaskPartyRow c;
      c.job_id = job.job_id;
      c.task_name = t.name();
      c.role = p.role();
      c.party_id = p.party_id();
      c.created_ms = now;
      c.updated_ms = now;
      copies.push_back(c);
    }
  }
  auto lock = ctx_.locks.Lock(job.job_id, false);
  FEDFLOW_RETURN_IF_ERROR(ctx_.schedule.CreateJob(job, tasks, copies));
  log::Get("scheduler")->info("job_id={} submitted parties={} tasks={} initiator={}", job.job_id, parties.size(),
                              tasks.size(), job.initiator_party_id);
  Status created = interconnect::Combine(ctx_.partners.CreateJob(parties, job.job_id, spec_json, false));
  if (!created.ok()) {
    Status ended = finisher_.End(job, JOB_STATUS_FAILED, "creation failed: " + created.message());
    if (!ended.ok()) log::Get("scheduler")->warn("job_id={} not failed yet: {}", job.job_id, ended.message());
    return created.WithContext("job " + job.job_id + " could not be created everywhere and was failed");
  }
  FEDFLOW_RETURN_IF_ERROR(Queue(job, parties));
  lock.unlock();
  ctx_.Nudge(job.job_id);
  return SubmitResult{job.job_id, std::move(spec)};
}

Status JobSubmitter::Queue(const orm::ScheduleJobRow& job, const std::vector<std::string>& parties) {
  FEDFLOW_RETURN_IF_ERROR(ctx_.jobs.ApplyScheduled(job, sm::JobEvent::kPartiesCreated).status());
  // A party that misses this moves to waiting and running when the job starts there.
  Status told = interconnect::Combine(ctx_.partners.UpdateJobStatus(parties, job.job_id, JOB_STATUS_WAITING, ""));
  if (!told.ok()) log::Get("scheduler")->info("job_id={} waiting not delivered everywhere: {}", job.job_id, told.message());
  return Status::OK();
}

Status JobSubmitter::FinishCreation(const orm::ScheduleJobRow& job) {
  if (ctx_.clock.NowMs() - job.created_ms < ctx_.options.stale_creation_ms) return Status::OK();
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, ctx_.SpecOf(job));
  std::vector<std::string> parties = SchedulerContext::PartiesOf(*spec);
  Status created = interconnect::Combine(ctx_.partners.CreateJob(parties, job.job_id, job.spec_json, false));
  if (!created.ok()) return finisher_.End(job, JOB_STATUS_FAILED, "creation failed: " + created.message());
  return Queue(job, parties);
}

}  // namespace fedflow::sched
