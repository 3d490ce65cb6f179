#include "service/partner/partner_jobs.hpp"

#include <set>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/dsl/job_planner.hpp"
#include "service/dsl/spec_json.hpp"
#include "service/executor/provider_registry.hpp"
#include "service/executor/task_executor.hpp"
#include "statemachines/job_machine.hpp"

namespace fedflow::partner {

Status PartnerJobs::CheckOwner(const JobSpec& spec, const std::string& requesting_party) {
  auto rows = d_.jobs->ListByJob(spec.job_id());
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::OK();
  const orm::JobRow& first = rows->front();
  if (first.scheduler_party_id != requesting_party) {
    return Status(StatusCode::kAlreadyExists, "job " + spec.job_id() + " already exists at party " + d_.party_id +
                                                  ", created by party " + first.scheduler_party_id +
                                                  ": a job id belongs to the party that created it")
        .set_api_code(ApiCode::kTableExists);
  }
  auto stored = dsl::SpecFromJson(first.plan_json);
  if (!stored.ok()) return stored.status();
  if (stored->format() != spec.format() || stored->dsl_json() != spec.dsl_json() ||
      stored->conf_json() != spec.conf_json()) {
    return Status(StatusCode::kAlreadyExists, "job " + spec.job_id() + " already exists at party " + d_.party_id +
                                                  " with another DSL or conf: a job id names one job")
        .set_api_code(ApiCode::kTableExists);
  }
  return Status::OK();
}

StatusOr<JobSpec> PartnerJobs::Admit(const JobSpec& received, const std::string& requesting_party,
                                        bool from_this_party) {
  if (!IsJobId(received.job_id())) {
    return InvalidArgumentError("job id '" + received.job_id().substr(0, 64) + "' is not a job id (16 to 32 digits)");
  }
  if (!requesting_party.empty() && requesting_party != received.initiator().party_id()) {
    return PermissionDeniedError("job " + received.job_id() + " names party " + received.initiator().party_id().substr(0, 64) +
                                 " as its initiator but was sent by party " + requesting_party);
  }
  JobSpec spec;
  if (from_this_party) {
    spec = received;
  } else {
    if (!d_.plan_context) return InternalError("party " + d_.party_id + " has no planner for partners' jobs");
    dsl::PlanContext ctx = d_.plan_context();
    // Providers are checked below for the tasks this party runs; other parties' routes are theirs.
    ctx.check_module = nullptr;
    ctx.check_party = nullptr;
    auto planned = dsl::ReplanReceived(received, ctx);
    if (!planned.ok()) {
      return Status(planned.status()).WithContext("party " + d_.party_id + " refuses job " + received.job_id());
    }
    spec = std::move(planned).value();
  }
  FEDFLOW_RETURN_IF_ERROR(CheckOwner(spec, requesting_party.empty() ? spec.initiator().party_id() : requesting_party));
  bool member = false;
  for (const auto& p : spec.parties()) member = member || p.party_id() == d_.party_id;
  if (!member) return InvalidArgumentError("party " + d_.party_id + " is not a party of job " + spec.job_id());
  for (const auto& t : spec.tasks()) {
    for (const auto& pt : t.parties()) {
      if (pt.party_id() != d_.party_id || !pt.need_run()) continue;
      auto provider = d_.providers->Resolve(t.module(), t.provider());
      if (!provider.ok()) {
        return Status(StatusCode::kFailedPrecondition,
                      "party " + d_.party_id + " cannot run component '" + t.name() + "': " + provider.status().message())
            .set_api_code(ApiCode::kJobParamsError);
      }
    }
  }
  auto capacity = d_.allocations->GetCapacity(d_.engine);
  if (!capacity.ok()) return capacity.status();
  std::int32_t demand = resources_.DemandAt(spec);
  if (demand > capacity->cores) {
    return Status(ResourceExhaustedError("party " + d_.party_id + " has " + std::to_string(capacity->cores) +
                                         " cores in total, the job needs " + std::to_string(demand) + " (task_cores " +
                                         std::to_string(spec.params().task_cores()) + " x task_parallelism " +
                                         std::to_string(spec.params().task_parallelism()) +
                                         "): lower task_cores or task_parallelism"))
        .set_api_code(ApiCode::kResourceLimitExceeded);
  }
  if (d_.admission_check) FEDFLOW_RETURN_IF_ERROR(d_.admission_check(spec, requesting_party));
  if (d_.check_model_inputs) FEDFLOW_RETURN_IF_ERROR(d_.check_model_inputs(spec));
  return spec;
}

Status PartnerJobs::Validate(const JobSpec& received, const std::string& requesting_party, bool from_this_party) {
  return Admit(received, requesting_party, from_this_party).status();
}

Status PartnerJobs::Create(const JobSpec& received, const std::string& requesting_party, bool from_this_party) {
  FEDFLOW_ASSIGN_OR_RETURN(JobSpec spec, Admit(received, requesting_party, from_this_party));
  const std::int64_t now = d_.clock->NowMs();
  const std::string plan = dsl::SpecToJson(spec);
  auto existing = d_.jobs->ListByJob(spec.job_id());
  if (!existing.ok()) return existing.status();
  std::set<std::string> have_roles;
  for (const auto& r : *existing) have_roles.insert(r.role);

  std::vector<orm::JobRow> job_rows;
  for (const auto& p : spec.parties()) {
    if (p.party_id() != d_.party_id || have_roles.count(p.role())) continue;
    orm::JobRow row;
    row.job_id = spec.job_id();
    row.role = p.role();
    row.party_id = p.party_id();
    row.status = JOB_STATUS_READY;
    row.initiator_party_id = spec.initiator().party_id();
    row.scheduler_party_id = spec.initiator().party_id();
    row.priority = spec.params().priority();
    for (const auto& dm : spec.demands()) {
      if (dm.role() == p.role() && dm.party_id() == p.party_id()) {
        row.cores = dm.cores();
        row.memory_mb = dm.memory_mb();
      }
    }
    row.user_name = spec.user_name();
    row.description = spec.description();
    row.plan_json = plan;
    row.created_ms = now;
    row.updated_ms = now;
    job_rows.push_back(row);
  }
  if (!job_rows.empty()) FEDFLOW_RETURN_IF_ERROR(d_.jobs->CreateAll(job_rows));

  // Attempt 0 of every task this party runs, in one transaction (skipped when already there).
  auto attempts = d_.tasks->ListByJob(spec.job_id());
  if (!attempts.ok()) return attempts.status();
  std::set<std::string> have_tasks;
  for (const auto& a : *attempts) have_tasks.insert(a.task_name + "/" + a.role);
  std::vector<orm::TaskAttemptRow> rows;
  for (const auto& t : spec.tasks()) {
    for (const auto& pt : t.parties()) {
      if (pt.party_id() != d_.party_id || have_tasks.count(t.name() + "/" + pt.role())) continue;
      orm::TaskAttemptRow a;
      a.job_id = spec.job_id();
      a.task_name = t.name();
      a.attempt = 0;
      a.role = pt.role();
      a.party_id = pt.party_id();
      a.status = TASK_STATUS_WAITING;
      a.federated_status = TASK_STATUS_WAITING;
      a.module = t.module();
      a.provider = t.provider();
      a.token = RandomHex(16);
      a.timeout_ms = t.timeout_ms();
      a.config_json = pt.parameters_json();
      a.created_ms = now;
      a.updated_ms = now;
      rows.push_back(a);
    }
  }
  if (!rows.empty()) FEDFLOW_RETURN_IF_ERROR(d_.tasks->CreateAll(rows));
  if (!job_rows.empty()) {
    log::Get("scheduler")->info("job_id={} party={} created roles={} tasks={} requested_by={}", spec.job_id(),
                                d_.party_id, job_rows.size(), rows.size(), requesting_party);
  }
  return Status::OK();
}

Status PartnerJobs::MoveJobRowTo(const orm::JobRow& row, JobStatus target, const std::string& reason) {
  // Walk the table when a party missed an intermediate update (ready -> waiting -> running).
  orm::JobRow current = row;
  for (int step = 0; step < 4 && current.status != target; ++step) {
    sm::JobEvent event;
    if (target == JOB_STATUS_WAITING) {
      event = IsEndStatus(current.status) ? sm::JobEvent::kRerunRequested : sm::JobEvent::kPartiesCreated;
    } else if (target == JOB_STATUS_RUNNING) {
      event = current.status == JOB_STATUS_READY ? sm::JobEvent::kPartiesCreated : sm::JobEvent::kResourcesAcquired;
    } else {
      FEDFLOW_ASSIGN_OR_RETURN(event, lifecycle::JobEventEnding(target));
      if (!sm::JobMachine::Decide(current.status, event).ok()) {
        if (current.status == JOB_STATUS_READY) {
          event = sm::JobEvent::kPartiesCreated;
        } else if (current.status == JOB_STATUS_WAITING) {
          event = sm::JobEvent::kResourcesAcquired;
        }
      }
    }
    auto applied = d_.job_lifecycle->Apply(current, event, IsEndStatus(target) ? reason : "");
    if (!applied.ok()) {
      if (applied.status().code() == StatusCode::kAborted) {
        auto fresh = d_.jobs->Get(row.job_id, row.role, row.party_id);
        if (!fresh.ok()) return fresh.status();
        current = *fresh;
        continue;
      }
      return applied.status();
    }
    current.status = applied->to;
  }
  return Status::OK();
}

Status PartnerJobs::UpdateStatus(const std::string& job_id, JobStatus target, const std::string& reason) {
  if (target != JOB_STATUS_WAITING && target != JOB_STATUS_RUNNING) {
    return InvalidArgumentError("job status update accepts waiting or running; end statuses go through job/stop");
  }
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFoundError("job " + job_id + " does not exist at party " + d_.party_id);
  for (const auto& row : *rows) {
    if (target == JOB_STATUS_RUNNING && IsEndStatus(row.status)) continue;  // late start after a stop
    FEDFLOW_RETURN_IF_ERROR(MoveJobRowTo(row, target, reason));
  }
  return Status::OK();
}

Status PartnerJobs::Stop(const std::string& job_id, JobStatus status, const std::string& reason,
                         const std::vector<contract::FederatedTask>& federated, std::int32_t progress) {
  FEDFLOW_RETURN_IF_ERROR(lifecycle::JobEventEnding(status).status());
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFoundError("job " + job_id + " does not exist at party " + d_.party_id);
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  TaskStatus task_status = status == JOB_STATUS_TIMEOUT ? TASK_STATUS_TIMEOUT : TASK_STATUS_CANCELED;
  for (const auto& a : *attempts) {
    if (IsEndStatus(a.status)) continue;
    FEDFLOW_RETURN_IF_ERROR(tasks_.EndAttempt(a, task_status, "job " + std::string(JobStatusName(status)) +
                                                                  (reason.empty() ? "" : ": " + reason)));
  }
  // The scheduler's final word on every task, so this party never shows a finished task as running.
  for (const auto& f : federated) {
    auto s = ParseTaskStatus(f.status());
    if (!s.ok()) return s.status().WithContext("tasks[].status");
    FEDFLOW_RETURN_IF_ERROR(tasks_.SyncFederated(job_id, f.task_name(), f.attempt(), *s));
  }
  // The registry keeps the trained models before the job reads success here, so a client that
  // sees success finds the model.
  bool ending_here = false;
  for (const auto& row : *rows) ending_here = ending_here || !IsEndStatus(row.status);
  if (status == JOB_STATUS_SUCCESS && ending_here && d_.keep_models) {
    auto spec = specs_.SpecOf(job_id);
    Status kept = spec.ok() ? d_.keep_models(**spec) : spec.status();
    // A job whose models could not be kept still ends; the error stays in the log for the admin.
    if (!kept.ok()) log::Get("model")->error("job_id={} party={} models not kept: {}", job_id, d_.party_id, kept.message());
  }
  for (const auto& row : *rows) {
    if (IsEndStatus(row.status)) continue;
    if (progress >= 0) FEDFLOW_RETURN_IF_ERROR(d_.jobs->UpdateProgress(row.id, progress, d_.clock->NowMs()));
    FEDFLOW_RETURN_IF_ERROR(MoveJobRowTo(row, status, reason));
  }
  // Messages nobody will take any more.
  if (d_.forget_messages) {
    Status forgotten = d_.forget_messages(job_id);
    if (!forgotten.ok()) log::Get("federation")->warn("job_id={} messages not deleted: {}", job_id, forgotten.message());
  }
  return resources_.ReleaseAll(job_id, std::string("job ") + JobStatusName(status));
}

Status PartnerJobs::UpdateProgress(const std::string& job_id, std::int32_t progress) {
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) FEDFLOW_RETURN_IF_ERROR(d_.jobs->UpdateProgress(row.id, progress, d_.clock->NowMs()));
  return Status::OK();
}

StatusOr<std::size_t> PartnerJobs::Clean(const std::string& job_id) {
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  for (const auto& r : *rows) {
    if (!IsEndStatus(r.status)) {
      return FailedPreconditionError("job " + job_id + " is " + JobStatusName(r.status) + " at " + r.role + ":" +
                                     r.party_id + ": stop it before cleaning");
    }
  }
  auto allocations = d_.allocations->DeleteJob(job_id);
  if (!allocations.ok()) return allocations.status();
  auto tasks = d_.tasks->DeleteJob(job_id);
  if (!tasks.ok()) return tasks.status();
  auto jobs = d_.jobs->DeleteJob(job_id);
  if (!jobs.ok()) return jobs.status();
  if (d_.forget_tracking) FEDFLOW_RETURN_IF_ERROR(d_.forget_tracking(job_id));
  if (d_.forget_messages) FEDFLOW_RETURN_IF_ERROR(d_.forget_messages(job_id));
  specs_.Forget(job_id);
  std::size_t removed = *allocations + *tasks + *jobs;
  d_.executor->RemoveJobDirectory(job_id);
  log::Get("scheduler")->info("job_id={} party={} cleaned rows={}", job_id, d_.party_id, removed);
  return removed;
}

}  // namespace fedflow::partner
