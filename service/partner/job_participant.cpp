#include "service/partner/job_participant.hpp"

#include <set>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/dsl/job_planner.hpp"
#include "service/dsl/spec_json.hpp"
#include "statemachines/job_machine.hpp"
#include "statemachines/task_machine.hpp"

namespace fedflow::partner {

namespace {

const std::size_t kSpecCacheSize = 512;

}  // namespace

JobParticipant::JobParticipant(ParticipantDeps deps) : d_(std::move(deps)) {}

std::int32_t JobParticipant::DemandAt(const JobSpec& spec) const {
  std::int32_t cores = 0;
  for (const auto& dm : spec.demands()) {
    if (dm.party_id() == d_.party_id) cores += dm.cores();
  }
  return cores;
}

StatusOr<std::shared_ptr<const JobSpec>> JobParticipant::SpecOf(const std::string& job_id) {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = spec_cache_.find(job_id);
    if (it != spec_cache_.end()) return it->second;
  }
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFoundError("job " + job_id + " does not exist at party " + d_.party_id);
  auto spec = dsl::SpecFromJson(rows->front().plan_json);
  if (!spec.ok()) return spec.status();
  auto shared = std::make_shared<const JobSpec>(std::move(spec).value());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (spec_cache_.size() >= kSpecCacheSize) spec_cache_.erase(spec_cache_.begin());
  spec_cache_[job_id] = shared;
  return shared;
}

Status JobParticipant::CheckCommandSender(const std::string& job_id, const std::string& sender_party, bool any_party) {
  auto spec = SpecOf(job_id);
  if (!spec.ok()) return spec.status().code() == StatusCode::kNotFound ? Status::OK() : spec.status();
  const std::string& scheduler = (*spec)->initiator().party_id();
  if (sender_party == scheduler) return Status::OK();
  if (any_party) {
    for (const auto& p : (*spec)->parties()) {
      if (p.party_id() == sender_party) return Status::OK();
    }
    return PermissionDeniedError("party " + sender_party + " is not a party of job " + job_id);
  }
  return PermissionDeniedError("party " + sender_party + " may not command job " + job_id + ": only its scheduler, party " +
                               scheduler + ", may");
}

Status JobParticipant::CheckOwner(const JobSpec& spec, const std::string& requesting_party) {
  auto rows = d_.jobs->ListByJob(spec.job_id());
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::OK();
  const orm::JobRow& first = rows->front();
  if (first.scheduler_party_id != requesting_party) {
    return Status(StatusCode::kAlreadyExists, "job " + spec.job_id() + " already exists at party " + d_.party_id +
                                                  ", created by party " + first.scheduler_party_id +
                                                  ": a job id belongs to the party that created it")
        .set_api_code(7002);
  }
  auto stored = dsl::SpecFromJson(first.plan_json);
  if (!stored.ok()) return stored.status();
  if (stored->format() != spec.format() || stored->dsl_json() != spec.dsl_json() ||
      stored->conf_json() != spec.conf_json()) {
    return Status(StatusCode::kAlreadyExists, "job " + spec.job_id() + " already exists at party " + d_.party_id +
                                                  " with another DSL or conf: a job id names one job")
        .set_api_code(7002);
  }
  return Status::OK();
}

StatusOr<JobSpec> JobParticipant::Admit(const JobSpec& received, const std::string& requesting_party,
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
            .set_api_code(1000);
      }
    }
  }
  auto capacity = d_.allocations->GetCapacity(d_.engine);
  if (!capacity.ok()) return capacity.status();
  std::int32_t demand = DemandAt(spec);
  if (demand > capacity->cores) {
    return Status(ResourceExhaustedError("party " + d_.party_id + " has " + std::to_string(capacity->cores) +
                                         " cores in total, the job needs " + std::to_string(demand) + " (task_cores " +
                                         std::to_string(spec.params().task_cores()) + " x task_parallelism " +
                                         std::to_string(spec.params().task_parallelism()) +
                                         "): lower task_cores or task_parallelism"))
        .set_api_code(1006);
  }
  if (d_.admission_check) FEDFLOW_RETURN_IF_ERROR(d_.admission_check(spec, requesting_party));
  return spec;
}

Status JobParticipant::ValidateJob(const JobSpec& received, const std::string& requesting_party, bool from_this_party) {
  return Admit(received, requesting_party, from_this_party).status();
}

Status JobParticipant::CreateJob(const JobSpec& received, const std::string& requesting_party, bool from_this_party) {
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

Status JobParticipant::MoveJobRowTo(const orm::JobRow& row, JobStatus target, const std::string& reason) {
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

Status JobParticipant::UpdateJobStatus(const std::string& job_id, JobStatus target, const std::string& reason) {
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

StatusOr<GrantReply> JobParticipant::ApplyResources(const std::string& job_id, std::int32_t epoch) {
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, SpecOf(job_id));
  if (d_.server_state && d_.server_state->draining()) {
    GrantReply reply;
    reply.reason = "party " + d_.party_id + " is draining (" + d_.server_state->reason() + "): no new job starts there";
    return reply;
  }
  orm::AllocationRow request;
  request.job_id = job_id;
  request.party_id = d_.party_id;
  request.run_epoch = epoch;
  request.cores = DemandAt(*spec);
  auto grant = d_.allocations->RequestAndDecide(d_.engine, request, d_.clock->NowMs());
  if (!grant.ok()) return grant.status();
  GrantReply reply;
  reply.cores = request.cores;
  reply.granted = grant->row.status == ALLOCATION_STATUS_HELD;
  if (!reply.granted) {
    reply.reason = "party " + d_.party_id + ": " + grant->row.reason;
    auto capacity = d_.allocations->GetCapacity(d_.engine);
    reply.exceeds_total = capacity.ok() && request.cores > capacity->cores;
  }
  log::Get("resource")->info("job_id={} party={} epoch={} cores={} {}{}", job_id, d_.party_id, epoch, request.cores,
                             reply.granted ? "granted" : "refused: ", reply.reason);
  return reply;
}

Status JobParticipant::ReturnResources(const std::string& job_id, std::int32_t epoch) {
  auto released = d_.allocations->Release(job_id, d_.party_id, epoch, d_.clock->NowMs(), "returned by the scheduler");
  if (!released.ok()) return released.status();
  if (*released) log::Get("resource")->info("job_id={} party={} epoch={} released", job_id, d_.party_id, epoch);
  return Status::OK();
}

Status JobParticipant::StartJob(const std::string& job_id) { return UpdateJobStatus(job_id, JOB_STATUS_RUNNING, ""); }

Status JobParticipant::EndAttempt(const orm::TaskAttemptRow& attempt, TaskStatus status, const std::string& reason) {
  orm::TaskAttemptRow current = attempt;
  for (int tries = 0; tries < 3; ++tries) {
    if (IsEndStatus(current.status)) return Status::OK();
    TaskStatus effective = status;
    // An unstarted attempt cannot time out; it is canceled.
    if (current.status == TASK_STATUS_WAITING && status == TASK_STATUS_TIMEOUT) effective = TASK_STATUS_CANCELED;
    auto event = sm::TaskMachine::EventReaching(effective);
    if (!event.ok()) return event.status();
    // Status first, then the kill: the reaper then finds the attempt ended and does not
    // mistake the killed worker for a crash.
    auto applied = d_.task_lifecycle->Apply(current, *event, reason);
    if (applied.ok()) {
      if (current.status == TASK_STATUS_RUNNING) d_.executor->Kill(current);
      (void)d_.tasks->SetFederatedStatus(current.id, effective, d_.clock->NowMs());
      return Status::OK();
    }
    if (applied.status().code() != StatusCode::kAborted) return applied.status();
    auto fresh = d_.tasks->GetById(current.id);
    if (!fresh.ok()) return fresh.status();
    current = *fresh;
  }
  return AbortedError("attempt kept changing while being stopped");
}

Status JobParticipant::StopJob(const std::string& job_id, JobStatus status, const std::string& reason) {
  FEDFLOW_RETURN_IF_ERROR(lifecycle::JobEventEnding(status).status());
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFoundError("job " + job_id + " does not exist at party " + d_.party_id);
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  TaskStatus task_status = status == JOB_STATUS_TIMEOUT ? TASK_STATUS_TIMEOUT : TASK_STATUS_CANCELED;
  for (const auto& a : *attempts) {
    if (IsEndStatus(a.status)) continue;
    FEDFLOW_RETURN_IF_ERROR(EndAttempt(a, task_status, "job " + std::string(JobStatusName(status)) +
                                                           (reason.empty() ? "" : ": " + reason)));
  }
  for (const auto& row : *rows) {
    if (IsEndStatus(row.status)) continue;
    FEDFLOW_RETURN_IF_ERROR(MoveJobRowTo(row, status, reason));
  }
  auto released = d_.allocations->ReleaseAllOfJob(job_id, d_.clock->NowMs(), std::string("job ") + JobStatusName(status));
  if (!released.ok()) return released.status();
  return Status::OK();
}

Status JobParticipant::StartTask(const std::string& job_id, const std::string& task_name, std::int32_t attempt) {
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, SpecOf(job_id));
  const TaskSpec* task = nullptr;
  for (const auto& t : spec->tasks()) {
    if (t.name() == task_name) task = &t;
  }
  if (!task) return NotFoundError("job " + job_id + " has no task '" + task_name + "'");
  // Workers run only on resources this party granted to the job: a scheduler that skipped the
  // resource apply cannot run anything here.
  auto allocations = d_.allocations->ListByJob(job_id);
  if (!allocations.ok()) return allocations.status();
  bool held = false;
  for (const auto& row : *allocations) held = held || (row.party_id == d_.party_id && row.status == ALLOCATION_STATUS_HELD);
  if (!held) {
    return Status(StatusCode::kFailedPrecondition, "party " + d_.party_id + " holds no resources for job " + job_id +
                                                       ": apply for them (job/resource/apply) before starting tasks")
        .set_api_code(1006);
  }
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  Status first_error;
  bool found = false;
  for (const auto& a : *attempts) {
    if (a.task_name != task_name || a.attempt != attempt) continue;
    found = true;
    if (a.status != TASK_STATUS_WAITING) continue;  // already started: a retried start does nothing
    const PartyTask* pt = nullptr;
    for (const auto& p : task->parties()) {
      if (p.role() == a.role && p.party_id() == a.party_id) pt = &p;
    }
    if (!pt || !pt->need_run()) {
      auto skipped = d_.task_lifecycle->Apply(a, sm::TaskEvent::kSkipped, "need_run is false for " + a.role);
      if (!skipped.ok() && skipped.status().code() != StatusCode::kAborted) return skipped.status();
      continue;
    }
    // The compare-and-set waiting -> running decides who launches: exactly one start wins.
    auto started = d_.task_lifecycle->Apply(a, sm::TaskEvent::kLaunched);
    if (!started.ok()) {
      if (started.status().code() == StatusCode::kAborted) continue;
      return started.status();
    }
    (void)d_.tasks->SetFederatedStatus(a.id, TASK_STATUS_RUNNING, d_.clock->NowMs());
    orm::TaskAttemptRow running = a;
    running.status = TASK_STATUS_RUNNING;
    Status launched = d_.executor->Launch(running, *spec, *task, *pt);
    if (launched.code() == StatusCode::kAborted) continue;  // stopped meanwhile: the stop is the outcome
    if (!launched.ok()) {
      std::string reason = "cannot start worker: " + launched.message();
      (void)d_.task_lifecycle->Apply(running, sm::TaskEvent::kFailed, reason);
      if (first_error.ok()) {
        first_error = Status(StatusCode::kFailedPrecondition, "party " + d_.party_id + " " + a.role + ": " + reason);
        first_error.set_api_code(2001);
      }
    }
  }
  if (!found) {
    return NotFoundError("task " + task_name + " attempt " + std::to_string(attempt) + " of job " + job_id +
                         " does not exist at party " + d_.party_id);
  }
  return first_error;
}

StatusOr<std::vector<TaskReport>> JobParticipant::CollectTasks(
    const std::string& job_id, const std::vector<std::pair<std::string, std::int32_t>>& wanted) {
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  std::set<std::pair<std::string, std::int32_t>> want(wanted.begin(), wanted.end());
  std::vector<TaskReport> out;
  for (const auto& a : *attempts) {
    if (!want.count({a.task_name, a.attempt})) continue;
    TaskReport r;
    r.task_name = a.task_name;
    r.attempt = a.attempt;
    r.role = a.role;
    r.party_id = a.party_id;
    r.status = a.status;
    r.reason = a.failure_reason;
    r.start_ms = a.start_ms;
    r.end_ms = a.end_ms;
    r.heartbeat_ms = a.heartbeat_ms;
    out.push_back(r);
  }
  return out;
}

Status JobParticipant::StopTask(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                                TaskStatus status, const std::string& reason) {
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  for (const auto& a : *attempts) {
    if (a.task_name != task_name || a.attempt != attempt) continue;
    if (IsEndStatus(a.status)) {
      (void)d_.tasks->SetFederatedStatus(a.id, status, d_.clock->NowMs());
      continue;
    }
    FEDFLOW_RETURN_IF_ERROR(EndAttempt(a, status, reason));
  }
  return Status::OK();
}

Status JobParticipant::CreateAttempt(const std::string& job_id, const std::string& task_name, std::int32_t attempt) {
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, SpecOf(job_id));
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  std::vector<orm::TaskAttemptRow> rows;
  const std::int64_t now = d_.clock->NowMs();
  for (const auto& t : spec->tasks()) {
    if (t.name() != task_name) continue;
    for (const auto& pt : t.parties()) {
      if (pt.party_id() != d_.party_id) continue;
      bool exists = false;
      for (const auto& a : *attempts) {
        exists = exists || (a.task_name == task_name && a.role == pt.role() && a.attempt == attempt);
      }
      if (exists) continue;
      orm::TaskAttemptRow a;
      a.job_id = job_id;
      a.task_name = task_name;
      a.attempt = attempt;
      a.role = pt.role();
      a.party_id = pt.party_id();
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
  if (rows.empty()) return Status::OK();
  FEDFLOW_RETURN_IF_ERROR(d_.tasks->CreateAll(rows));
  log::Get("scheduler")->info("job_id={} task={} attempt={} party={} attempt created", job_id, task_name, attempt,
                              d_.party_id);
  return Status::OK();
}

Status JobParticipant::SyncTaskStatus(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                                      TaskStatus status) {
  auto attempts = d_.tasks->ListByJob(job_id);
  if (!attempts.ok()) return attempts.status();
  for (const auto& a : *attempts) {
    if (a.task_name == task_name && a.attempt == attempt) {
      FEDFLOW_RETURN_IF_ERROR(d_.tasks->SetFederatedStatus(a.id, status, d_.clock->NowMs()));
    }
  }
  return Status::OK();
}

Status JobParticipant::UpdateProgress(const std::string& job_id, std::int32_t progress) {
  auto rows = d_.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) FEDFLOW_RETURN_IF_ERROR(d_.jobs->UpdateProgress(row.id, progress, d_.clock->NowMs()));
  return Status::OK();
}

StatusOr<std::size_t> JobParticipant::CleanJob(const std::string& job_id) {
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
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    spec_cache_.erase(job_id);
  }
  std::size_t removed = *allocations + *tasks + *jobs;
  d_.executor->RemoveJobDirectory(job_id);
  log::Get("scheduler")->info("job_id={} party={} cleaned rows={}", job_id, d_.party_id, removed);
  return removed;
}

StatusOr<std::size_t> JobParticipant::ReleaseResourcesByHand(const std::string& job_id, const std::string& reason) {
  auto released = d_.allocations->ReleaseAllOfJob(job_id, d_.clock->NowMs(), "released by hand: " + reason);
  if (!released.ok()) return released.status();
  log::Get("resource")->info("job_id={} party={} released={} by hand reason={}", job_id, d_.party_id, *released, reason);
  return released;
}

StatusOr<orm::TaskAttemptRow> JobParticipant::AttemptOfToken(const std::string& token) {
  auto a = d_.tasks->GetByToken(token);
  if (!a.ok()) {
    if (a.status().code() == StatusCode::kNotFound) return UnauthenticatedError("unknown worker token");
    return a.status();
  }
  if (a->status != TASK_STATUS_RUNNING) {
    return PermissionDeniedError("attempt " + std::to_string(a->attempt) + " of task " + a->task_name + " is " +
                                 TaskStatusName(a->status) + ", not running: the worker should stop");
  }
  return a;
}

void JobParticipant::NudgeFor(const orm::TaskAttemptRow& attempt) {
  if (!d_.nudge_scheduler) return;
  auto spec = SpecOf(attempt.job_id);
  if (spec.ok()) d_.nudge_scheduler(attempt.job_id, (*spec)->initiator().party_id());
}

Status JobParticipant::ReportFromWorker(const std::string& token, TaskStatus status, const std::string& error) {
  FEDFLOW_ASSIGN_OR_RETURN(orm::TaskAttemptRow a, AttemptOfToken(token));
  if (status == TASK_STATUS_RUNNING) return d_.tasks->RecordHeartbeat(a.id, d_.clock->NowMs());
  sm::TaskEvent event;
  switch (status) {
    case TASK_STATUS_SUCCESS: event = sm::TaskEvent::kSucceeded; break;
    case TASK_STATUS_PASS: event = sm::TaskEvent::kSkipped; break;
    case TASK_STATUS_FAILED: event = sm::TaskEvent::kFailed; break;
    default:
      return InvalidArgumentError(std::string("a worker may report running, success, pass or failed, not ") +
                                  TaskStatusName(status));
  }
  std::string reason = status == TASK_STATUS_FAILED ? (error.empty() ? "worker reported failure" : error) : "";
  auto applied = d_.task_lifecycle->Apply(a, event, reason);
  if (!applied.ok()) return applied.status();
  NudgeFor(a);
  return Status::OK();
}

Status JobParticipant::HeartbeatFromWorker(const std::string& token) {
  FEDFLOW_ASSIGN_OR_RETURN(orm::TaskAttemptRow a, AttemptOfToken(token));
  return d_.tasks->RecordHeartbeat(a.id, d_.clock->NowMs());
}

}  // namespace fedflow::partner
