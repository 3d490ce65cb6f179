#include "service/scheduler/job_scheduler.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/dsl/job_graph.hpp"
#include "service/dsl/spec_json.hpp"
#include "statemachines/aggregation.hpp"

namespace fedflow::sched {

namespace bj = boost::json;

namespace {

const std::size_t kSpecCacheSize = 2048;

/// Rows of `parties` belonging to (task, attempt).
std::vector<orm::ScheduleTaskPartyRow> CopiesOf(const std::vector<orm::ScheduleTaskPartyRow>& parties,
                                                const orm::ScheduleTaskRow& task) {
  std::vector<orm::ScheduleTaskPartyRow> out;
  for (const auto& p : parties) {
    if (p.task_name == task.task_name && p.attempt == task.attempt) out.push_back(p);
  }
  return out;
}

std::vector<std::string> DistinctParties(const std::vector<orm::ScheduleTaskPartyRow>& copies) {
  std::vector<std::string> out;
  for (const auto& c : copies) {
    if (std::find(out.begin(), out.end(), c.party_id) == out.end()) out.push_back(c.party_id);
  }
  return out;
}

std::string ReplyReason(const PartyReply& r) {
  if (r.data.is_object()) {
    if (const bj::value* reason = r.data.as_object().if_contains("reason"); reason && reason->is_string()) {
      return std::string(reason->as_string());
    }
  }
  return r.status.message();
}

bool DataFlag(const PartyReply& r, const char* key) {
  if (!r.data.is_object()) return false;
  const bj::value* v = r.data.as_object().if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

std::int64_t DataInt(const PartyReply& r, const char* key, std::int64_t fallback) {
  if (!r.data.is_object()) return fallback;
  const bj::value* v = r.data.as_object().if_contains(key);
  return v && v->is_int64() ? v->as_int64() : fallback;
}

/// The event that moves a task to `target` (for the status of unfinished tasks of an ended job).
TaskStatus InterruptedTaskStatus(const orm::ScheduleTaskRow& task, JobStatus job_status) {
  if (task.status == TASK_STATUS_RUNNING && job_status == JOB_STATUS_TIMEOUT) return TASK_STATUS_TIMEOUT;
  return TASK_STATUS_CANCELED;
}

}  // namespace

JobScheduler::JobScheduler(SchedulerOptions options, orm::ScheduleRepository& schedule,
                           lifecycle::JobLifecycle& jobs, lifecycle::TaskLifecycle& tasks, PartnerStub& partners,
                           const Clock& clock)
    : options_(std::move(options)),
      schedule_(schedule),
      jobs_(jobs),
      tasks_(tasks),
      partners_(partners),
      clock_(clock) {}

void JobScheduler::Nudge(const std::string& job_id) {
  if (nudge_) nudge_(job_id);
}

std::vector<std::string> JobScheduler::PartiesOf(const JobSpec& spec) const {
  // The initiator first, then the others in the order the job lists them.
  std::vector<std::string> out{spec.initiator().party_id()};
  for (const auto& p : spec.parties()) {
    if (std::find(out.begin(), out.end(), p.party_id()) == out.end()) out.push_back(p.party_id());
  }
  return out;
}

StatusOr<std::shared_ptr<const JobSpec>> JobScheduler::SpecOf(const orm::ScheduleJobRow& job) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = spec_cache_.find(job.job_id);
    if (it != spec_cache_.end()) return it->second;
  }
  auto spec = dsl::SpecFromJson(job.spec_json);
  if (!spec.ok()) return spec.status();
  auto shared = std::make_shared<const JobSpec>(std::move(spec).value());
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (spec_cache_.size() >= kSpecCacheSize) spec_cache_.erase(spec_cache_.begin());
  spec_cache_[job.job_id] = shared;
  return shared;
}

bool JobScheduler::HoldsLease(const orm::ScheduleJobRow& job) const {
  return job.lease_owner == options_.instance_id && job.lease_until_ms - clock_.NowMs() > options_.lease_ms / 2;
}

bool JobScheduler::Lease(const orm::ScheduleJobRow& job) {
  if (HoldsLease(job)) return true;
  auto held = schedule_.TryLeaseJob(job.job_id, options_.instance_id, clock_.NowMs(), options_.lease_ms);
  return held.ok() && *held;
}

// ---------------------------------------------------------------------------------------------
// Submit

StatusOr<SubmitResult> JobScheduler::Submit(JobSpec spec) {
  if (server_state_ && server_state_->draining()) {
    return UnavailableError("server " + options_.instance_id + " is draining (" + server_state_->reason() +
                            "): submit to another instance or try later");
  }
  const std::int64_t now = clock_.NowMs();
  spec.set_job_id(NewJobId(now));
  std::vector<std::string> parties = PartiesOf(spec);
  std::string spec_json = dsl::SpecToJson(spec);

  // 1. Every party validates first (modules, capacity, permissions): a refusal leaves nothing.
  Status validated = interconnect::Combine(partners_.CreateJob(parties, spec.job_id(), spec_json, true));
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
  job.lease_owner = options_.instance_id;
  job.lease_until_ms = now + options_.lease_ms;
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
  auto lock = locks_.Lock(job.job_id, false);
  FEDFLOW_RETURN_IF_ERROR(schedule_.CreateJob(job, tasks, copies));
  log::Get("scheduler")->info("job_id={} submitted parties={} tasks={} initiator={}", job.job_id, parties.size(),
                              tasks.size(), job.initiator_party_id);
  Status created = interconnect::Combine(partners_.CreateJob(parties, job.job_id, spec_json, false));
  if (!created.ok()) {
    (void)EndJob(job, JOB_STATUS_FAILED, "creation failed: " + created.message());
    return created.WithContext("job " + job.job_id + " could not be created everywhere and was failed");
  }
  auto waiting = jobs_.ApplyScheduled(job, sm::JobEvent::kPartiesCreated);
  if (!waiting.ok()) return waiting.status();
  // Partners move to waiting now; one that misses it moves when the job starts.
  (void)partners_.UpdateJobStatus(parties, job.job_id, JOB_STATUS_WAITING, "");
  lock.unlock();
  Nudge(job.job_id);
  return SubmitResult{job.job_id, std::move(spec)};
}

Status JobScheduler::FinishCreation(const orm::ScheduleJobRow& job) {
  // A job left `ready` by a crashed instance: creation is idempotent, so simply redo it.
  if (clock_.NowMs() - job.created_ms < options_.stale_creation_ms) return Status::OK();
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, SpecOf(job));
  std::vector<std::string> parties = PartiesOf(*spec);
  Status created = interconnect::Combine(partners_.CreateJob(parties, job.job_id, job.spec_json, false));
  if (!created.ok()) return EndJob(job, JOB_STATUS_FAILED, "creation failed: " + created.message());
  FEDFLOW_RETURN_IF_ERROR(jobs_.ApplyScheduled(job, sm::JobEvent::kPartiesCreated).status());
  (void)partners_.UpdateJobStatus(parties, job.job_id, JOB_STATUS_WAITING, "");
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Tick

void JobScheduler::RunOnce(ThreadPool& pool) {
  const std::int64_t now = clock_.NowMs();
  auto waiting = schedule_.ListLeasableJobs({JOB_STATUS_WAITING}, options_.instance_id, now, options_.max_jobs_per_tick);
  if (waiting.ok()) {
    Admit(std::move(waiting).value());
  } else {
    log::Get("scheduler")->warn("cannot list waiting jobs: {}", waiting.status().message());
  }
  auto active = schedule_.ListLeasableJobs({JOB_STATUS_RUNNING, JOB_STATUS_READY}, options_.instance_id, now,
                                           options_.max_jobs_per_tick);
  if (active.ok()) {
    for (const auto& job : *active) {
      std::string id = job.job_id;
      pool.Submit([this, id] { DriveJob(id); });
    }
  }
  auto unsynced = schedule_.ListLeasableUnsynced(options_.instance_id, now, options_.max_jobs_per_tick);
  if (unsynced.ok()) {
    for (const auto& job : *unsynced) {
      if (job.next_admit_ms > now) continue;
      pool.Submit([this, job] {
        auto lock = locks_.Lock(job.job_id, true);
        if (!lock.owns_lock() || !Lease(job)) return;
        SyncEnd(job);
      });
    }
  }
  pool.WaitIdle();
}

void JobScheduler::Admit(std::vector<orm::ScheduleJobRow> waiting) {
  const std::int64_t now = clock_.NowMs();
  if (server_state_ && server_state_->draining()) {
    for (const auto& job : waiting) {
      std::string reason = "the scheduling server " + options_.instance_id + " is draining: no new job starts";
      if (job.waiting_reason == reason) continue;
      orm::ScheduleJobPatch patch;
      patch.set_waiting_reason = true;
      patch.waiting_reason = reason;
      (void)schedule_.PatchJob(job.id, patch, now);
    }
    return;
  }
  // Queue order: jobs that waited past the aging threshold first (nothing starves), then by
  // priority, then by how long they have waited. Jobs that do not fit are skipped, not allowed
  // to block the queue (FATE-Flow's head-of-line quirk), except by a starving job: the parties it
  // waits for are reserved for it, so capacity freed there accumulates until it fits.
  auto starving = [&](const orm::ScheduleJobRow& j) { return now - j.waiting_since_ms > options_.aging_ms; };
  std::stable_sort(waiting.begin(), waiting.end(), [&](const orm::ScheduleJobRow& a, const orm::ScheduleJobRow& b) {
    if (starving(a) != starving(b)) return starving(a);
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.waiting_since_ms < b.waiting_since_ms;
  });
  // Capacity freed since the last pass: retry refused jobs at once instead of after backoff.
  std::int64_t changes = capacity_changes_.load();
  bool capacity_freed = changes != capacity_seen_;
  capacity_seen_ = changes;
  // Free cores a party reported in this pass: a job needing more there is skipped without asking.
  std::map<std::string, std::int64_t> known_free;
  std::map<std::string, std::string> reserved;  ///< party -> starving job waiting for it
  for (const auto& job : waiting) {
    auto lock = locks_.Lock(job.job_id, true);
    if (!lock.owns_lock() || !Lease(job)) continue;
    if (job.cancel_signal) {
      (void)EndJob(job, JOB_STATUS_CANCELED, "stopped before it started");
      continue;
    }
    auto spec = SpecOf(job);
    if (!spec.ok()) {
      (void)EndJob(job, JOB_STATUS_FAILED, "stored job spec is unreadable: " + spec.status().message());
      continue;
    }
    std::map<std::string, std::int64_t> demand;
    for (const auto& d : (*spec)->demands()) demand[d.party_id()] += d.cores();
    // A starving job not admitted in this pass (for whatever reason) keeps its parties reserved.
    auto reserve = [&] {
      if (!starving(job)) return;
      for (const auto& [party, cores] : demand) {
        if (cores > 0 && !reserved.count(party)) reserved[party] = job.job_id;
      }
    };
    {
      std::lock_guard<std::mutex> guard(state_mutex_);
      auto it = admit_after_ms_.find(job.job_id);
      if (!capacity_freed && it != admit_after_ms_.end() && it->second > now) {
        reserve();
        continue;
      }
    }
    bool hopeless = false;
    std::string blocked_by;
    for (const auto& [party, cores] : demand) {
      auto it = known_free.find(party);
      if (it != known_free.end() && cores > it->second) hopeless = true;
      auto r = reserved.find(party);
      if (cores > 0 && r != reserved.end()) blocked_by = "party " + party + " is reserved for job " + r->second + ", which has waited longest";
    }
    if (!blocked_by.empty()) {
      if (blocked_by != job.waiting_reason) {
        orm::ScheduleJobPatch patch;
        patch.set_waiting_reason = true;
        patch.waiting_reason = blocked_by;
        (void)schedule_.PatchJob(job.id, patch, now);
      }
      continue;
    }
    if (hopeless) {
      reserve();
      continue;
    }

    std::vector<std::string> parties = PartiesOf(**spec);
    auto replies = partners_.ApplyResources(parties, job.job_id, job.run_epoch);
    std::vector<std::string> granted;
    std::string refusals;
    bool exceeds_total = false;
    for (const auto& r : replies) {
      if (r.status.ok() && DataFlag(r, "granted")) {
        granted.push_back(r.party_id);
        auto it = known_free.find(r.party_id);
        if (it != known_free.end()) it->second -= demand[r.party_id];
        continue;
      }
      exceeds_total = exceeds_total || DataFlag(r, "exceeds_total");
      if (r.status.ok()) known_free[r.party_id] = DataInt(r, "free_cores", 0);
      refusals += (refusals.empty() ? "" : "; ") + ReplyReason(r);
    }
    if (granted.size() == parties.size()) {
      Status started = interconnect::Combine(partners_.StartJob(parties, job.job_id));
      if (!started.ok()) {
        (void)partners_.ReturnResources(parties, job.job_id, job.run_epoch);
        (void)EndJob(job, JOB_STATUS_FAILED, "start failed: " + started.message());
        continue;
      }
      auto running = jobs_.ApplyScheduled(job, sm::JobEvent::kResourcesAcquired);
      if (!running.ok()) {
        log::Get("scheduler")->warn("job_id={} cannot move to running: {}", job.job_id, running.status().message());
        continue;
      }
      orm::ScheduleJobPatch patch;
      patch.set_waiting_reason = true;
      patch.set_unreachable = true;
      (void)schedule_.PatchJob(job.id, patch, now);
      {
        std::lock_guard<std::mutex> guard(state_mutex_);
        admit_after_ms_.erase(job.job_id);
      }
      Nudge(job.job_id);
      continue;
    }
    // Not everyone granted: give back what was granted and say who refused and why.
    if (!granted.empty()) (void)partners_.ReturnResources(granted, job.job_id, job.run_epoch);
    if (exceeds_total) {
      (void)EndJob(job, JOB_STATUS_FAILED, refusals);
      continue;
    }
    std::vector<std::string> silent;
    for (const auto& r : replies) {
      if (!r.reached) silent.push_back(r.party_id);
    }
    if (TrackUnreachable(job, silent)) continue;
    reserve();
    if (refusals != job.waiting_reason) {
      orm::ScheduleJobPatch patch;
      patch.set_waiting_reason = true;
      patch.waiting_reason = refusals;
      (void)schedule_.PatchJob(job.id, patch, now);
      log::Get("scheduler")->info("job_id={} waiting reason={}", job.job_id, refusals);
    }
    std::lock_guard<std::mutex> guard(state_mutex_);
    admit_after_ms_[job.job_id] = now + options_.admit_retry_ms;
  }
}

void JobScheduler::DriveJob(const std::string& job_id) {
  auto lock = locks_.Lock(job_id, true);
  if (!lock.owns_lock()) return;  // the API or another tick works on it right now
  auto job = schedule_.GetJob(job_id);
  if (!job.ok() || !Lease(*job)) return;
  Status s;
  if (job->status == JOB_STATUS_READY) {
    s = FinishCreation(*job);
  } else if (job->status == JOB_STATUS_RUNNING) {
    s = DriveRunning(*job);
  }
  if (!s.ok() && s.code() != StatusCode::kAborted) {
    log::Get("scheduler")->warn("job_id={} tick failed: {}", job_id, s.message());
  }
}

// ---------------------------------------------------------------------------------------------
// Running jobs

std::vector<std::string> JobScheduler::PollRunningTasks(const orm::ScheduleJobRow& job,
                                                       const std::vector<orm::ScheduleTaskRow>& tasks,
                                                       const std::vector<orm::ScheduleTaskPartyRow>& parties) {
  std::vector<std::string> silent;
  std::map<std::string, std::vector<std::pair<std::string, std::int32_t>>> wanted;
  for (const auto& t : tasks) {
    if (t.status != TASK_STATUS_RUNNING) continue;
    for (const auto& c : CopiesOf(parties, t)) {
      if (IsEndStatus(c.status)) continue;  // already known: no need to ask again
      auto& list = wanted[c.party_id];
      if (std::find(list.begin(), list.end(), std::make_pair(t.task_name, t.attempt)) == list.end()) {
        list.emplace_back(t.task_name, t.attempt);
      }
    }
  }
  if (wanted.empty()) return silent;
  for (const auto& reply : partners_.CollectTasks(job.job_id, wanted)) {
    if (!reply.reached) silent.push_back(reply.party_id);
    if (!reply.status.ok()) continue;  // unreachable parties keep their last known status
    for (const auto& report : PartnerStub::ParseCollected(reply)) {
      for (const auto& c : parties) {
        if (c.task_name == report.task_name && c.attempt == report.attempt && c.role == report.role &&
            c.party_id == reply.party_id && c.status != report.status) {
          Status moved = tasks_.MovePartyTo(c, report.status, report.reason);
          if (!moved.ok() && moved.code() != StatusCode::kAborted) {
            log::Get("scheduler")->warn("job_id={} task={} party={}:{} report {} ignored: {}", job.job_id,
                                        c.task_name, c.role, c.party_id, TaskStatusName(report.status),
                                        moved.message());
          }
        }
      }
    }
  }
  return silent;
}

bool JobScheduler::TrackUnreachable(const orm::ScheduleJobRow& job, const std::vector<std::string>& silent) {
  const std::int64_t now = clock_.NowMs();
  orm::ScheduleJobPatch patch;
  patch.set_unreachable = true;
  if (silent.empty()) {
    if (job.unreachable_party.empty()) return false;
    log::Get("scheduler")->info("job_id={} party={} answers again", job.job_id, job.unreachable_party);
    (void)schedule_.PatchJob(job.id, patch, now);
    return false;
  }
  // Keep the first silent party and when it went silent; a different one restarts the clock.
  bool same = std::find(silent.begin(), silent.end(), job.unreachable_party) != silent.end();
  std::int64_t since = same ? job.unreachable_since_ms : now;
  std::string party = same ? job.unreachable_party : silent.front();
  if (!same) {
    patch.unreachable_party = party;
    patch.unreachable_since_ms = since;
    (void)schedule_.PatchJob(job.id, patch, now);
    log::Get("scheduler")->warn("job_id={} party={} does not answer; failing the job after {} ms", job.job_id, party,
                                options_.partner_grace_ms);
  }
  if (now - since < options_.partner_grace_ms) return false;
  (void)EndJob(job, JOB_STATUS_FAILED,
               "party " + party + " unreachable for " + std::to_string((now - since) / 1000) + " s (grace period " +
                   std::to_string(options_.partner_grace_ms / 1000) + " s)");
  return true;
}

Status JobScheduler::CreateAttempt(const orm::ScheduleJobRow& job, const orm::ScheduleTaskRow& from,
                                   std::int32_t retries_left, std::int64_t not_before_ms,
                                   const std::vector<orm::ScheduleTaskPartyRow>& parties) {
  const std::int32_t next = from.attempt + 1;
  std::vector<orm::ScheduleTaskPartyRow> copies = CopiesOf(parties, from);
  // Parties first: if the scheduler dies before its own rows exist, the same attempt is
  // created again later and the parties' creation is idempotent.
  Status created = interconnect::Combine(partners_.CreateAttempt(DistinctParties(copies), job.job_id,
                                                                 from.task_name, next));
  if (!created.ok()) return created;
  const std::int64_t now = clock_.NowMs();
  orm::ScheduleTaskRow row;
  row.job_id = job.job_id;
  row.task_name = from.task_name;
  row.attempt = next;
  row.retries_left = retries_left;
  row.not_before_ms = not_before_ms;
  row.created_ms = now;
  row.updated_ms = now;
  std::vector<orm::ScheduleTaskPartyRow> new_copies;
  for (const auto& c : copies) {
    orm::ScheduleTaskPartyRow n;
    n.job_id = job.job_id;
    n.task_name = from.task_name;
    n.attempt = next;
    n.role = c.role;
    n.party_id = c.party_id;
    n.created_ms = now;
    n.updated_ms = now;
    new_copies.push_back(n);
  }
  Status s = schedule_.CreateAttempt(row, new_copies);
  if (s.code() == StatusCode::kAlreadyExists) return Status::OK();
  return s;
}

void JobScheduler::HandleEndedTask(const orm::ScheduleJobRow& job, const JobSpec& spec,
                                   const orm::ScheduleTaskRow& task,
                                   const std::vector<orm::ScheduleTaskPartyRow>& parties) {
  // Parties still running an ended task (another party failed it): stop them.
  std::vector<orm::ScheduleTaskPartyRow> stragglers;
  for (const auto& c : CopiesOf(parties, task)) {
    if (!IsEndStatus(c.status)) stragglers.push_back(c);
  }
  if (!stragglers.empty()) {
    std::string reason = std::string("task ") + TaskStatusName(task.status) + " at another party";
    auto replies = partners_.StopTask(DistinctParties(stragglers), job.job_id, task.task_name, task.attempt,
                                      TASK_STATUS_CANCELED, reason);
    for (const auto& r : replies) {
      if (!r.status.ok()) continue;
      for (const auto& c : stragglers) {
        if (c.party_id == r.party_id) (void)tasks_.MovePartyTo(c, TASK_STATUS_CANCELED, reason);
      }
    }
  }
  // Automatic retry of a failed or timed-out task, with exponential backoff.
  if ((task.status == TASK_STATUS_FAILED || task.status == TASK_STATUS_TIMEOUT) && task.retries_left > 0 &&
      !job.cancel_signal) {
    std::int64_t backoff = spec.params().retry_backoff_ms();
    std::int32_t max_retries = task.retries_left;
    for (const auto& t : spec.tasks()) {
      if (t.name() == task.task_name) max_retries = t.max_retries();
    }
    int used = std::max(0, max_retries - task.retries_left);
    std::int64_t delay = backoff << std::min(used, 10);
    Status s = CreateAttempt(job, task, task.retries_left - 1, clock_.NowMs() + delay, parties);
    if (s.ok()) {
      log::Get("scheduler")->info("job_id={} task={} attempt={} retry scheduled in {} ms ({} retries left)",
                                  job.job_id, task.task_name, task.attempt + 1, delay, task.retries_left - 1);
    } else {
      log::Get("scheduler")->warn("job_id={} task={} retry not created yet: {}", job.job_id, task.task_name,
                                  s.message());
    }
  }
}

std::vector<std::string> JobScheduler::StartTask(const orm::ScheduleJobRow& job, const orm::ScheduleTaskRow& task,
                                                 const std::vector<orm::ScheduleTaskPartyRow>& parties) {
  std::vector<orm::ScheduleTaskPartyRow> copies = CopiesOf(parties, task);
  std::vector<std::string> targets = DistinctParties(copies);
  auto replies = partners_.StartTask(targets, job.job_id, task.task_name, task.attempt);
  Status combined = interconnect::Combine(replies);
  if (combined.ok()) {
    Status moved = tasks_.MoveScheduledTo(task, TASK_STATUS_RUNNING);
    if (!moved.ok()) log::Get("scheduler")->warn("job_id={} task={} start not recorded: {}", job.job_id, task.task_name, moved.message());
    return {};
  }
  // Parties that did not answer (restarting, paused): the task stays waiting and the start is sent
  // again next tick (starts are idempotent); the partner grace period decides when the job fails.
  std::vector<std::string> silent;
  bool refused = false;
  for (const auto& r : replies) {
    if (!r.reached) silent.push_back(r.party_id);
    refused = refused || (r.reached && !r.status.ok());
  }
  if (!refused) {
    log::Get("scheduler")->warn("job_id={} task={} attempt={} start not delivered to {} party(ies): {}", job.job_id,
                                task.task_name, task.attempt, silent.size(), combined.message());
    return silent;
  }
  // A party refused to start it: the task fails with that party's reason, the others stop.
  std::vector<std::string> started;
  for (const auto& r : replies) {
    if (r.status.ok()) {
      started.push_back(r.party_id);
      continue;
    }
    for (const auto& c : copies) {
      if (c.party_id == r.party_id) (void)tasks_.MovePartyTo(c, TASK_STATUS_FAILED, r.status.message());
    }
  }
  if (!started.empty()) {
    (void)partners_.StopTask(started, job.job_id, task.task_name, task.attempt, TASK_STATUS_CANCELED,
                             "another party could not start the task");
  }
  (void)tasks_.MoveScheduledTo(task, TASK_STATUS_FAILED, combined.message());
  return {};
}

Status JobScheduler::DriveRunning(orm::ScheduleJobRow job) {
  const std::int64_t now = clock_.NowMs();
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, SpecOf(job));
  if (job.cancel_signal) return EndJob(job, JOB_STATUS_CANCELED, "stopped by request");
  if (job.timeout_ms > 0 && job.start_ms > 0 && now > job.start_ms + job.timeout_ms) {
    return EndJob(job, JOB_STATUS_TIMEOUT, "job ran longer than its timeout of " + std::to_string(job.timeout_ms / 1000) + " s");
  }
  FEDFLOW_ASSIGN_OR_RETURN(auto tasks, schedule_.ListLatestTasks(job.job_id));
  FEDFLOW_ASSIGN_OR_RETURN(auto parties, schedule_.ListTaskParties(job.job_id));

  // 1. Poll the parties about unfinished tasks and recompute their federated status. Parties that
  // do not answer a poll or a start are judged together once the tick has done its work.
  std::vector<std::string> silent = PollRunningTasks(job, tasks, parties);
  FEDFLOW_ASSIGN_OR_RETURN(parties, schedule_.ListTaskParties(job.job_id));
  std::map<std::string, const TaskSpec*> task_specs;
  for (const auto& t : spec->tasks()) task_specs[t.name()] = &t;
  for (auto& t : tasks) {
    if (t.status != TASK_STATUS_RUNNING) continue;
    std::vector<orm::ScheduleTaskPartyRow> copies = CopiesOf(parties, t);
    std::vector<TaskStatus> statuses;
    for (const auto& c : copies) statuses.push_back(c.status);
    auto federated = sm::FederatedTaskStatus(statuses);
    if (!federated.ok() || *federated == t.status) {
      // Task timeout, measured from the task's start.
      const TaskSpec* ts = task_specs[t.task_name];
      std::int64_t timeout = ts ? ts->timeout_ms() : 0;
      if (timeout > 0 && t.start_ms > 0 && now > t.start_ms + timeout) {
        std::string reason = "task ran longer than its timeout of " + std::to_string(timeout / 1000) + " s";
        auto replies = partners_.StopTask(DistinctParties(copies), job.job_id, t.task_name, t.attempt,
                                          TASK_STATUS_TIMEOUT, reason);
        for (const auto& r : replies) {
          if (!r.status.ok()) continue;
          for (const auto& c : copies) {
            if (c.party_id == r.party_id && !IsEndStatus(c.status)) (void)tasks_.MovePartyTo(c, TASK_STATUS_TIMEOUT, reason);
          }
        }
        if (tasks_.MoveScheduledTo(t, TASK_STATUS_TIMEOUT, reason).ok()) t.status = TASK_STATUS_TIMEOUT;
      }
      continue;
    }
    std::string reason;
    if (IsEndStatus(*federated) && !IsSuccessStatus(*federated)) {
      for (const auto& c : copies) {
        if (c.status == *federated) {
          reason = c.role + ":" + c.party_id + ": " + (c.failure_reason.empty() ? TaskStatusName(c.status) : c.failure_reason);
          break;
        }
      }
    }
    Status moved = tasks_.MoveScheduledTo(t, *federated, reason);
    if (moved.ok()) {
      t.status = *federated;
      t.failure_reason = reason;
    }
  }
  FEDFLOW_ASSIGN_OR_RETURN(parties, schedule_.ListTaskParties(job.job_id));

  // 2. Ended tasks: stop stragglers, schedule retries.
  for (const auto& t : tasks) {
    if (IsEndStatus(t.status)) HandleEndedTask(job, *spec, t, parties);
  }
  FEDFLOW_ASSIGN_OR_RETURN(tasks, schedule_.ListLatestTasks(job.job_id));
  FEDFLOW_ASSIGN_OR_RETURN(parties, schedule_.ListTaskParties(job.job_id));

  // 3. Start waiting tasks whose upstreams all succeeded, within the job's task parallelism.
  std::map<std::string, TaskStatus> latest;
  int running = 0;
  for (const auto& t : tasks) {
    latest[t.task_name] = t.status;
    if (t.status == TASK_STATUS_RUNNING) ++running;
  }
  const int parallelism = std::max(1, spec->params().task_parallelism());
  bool has_next = false;
  bool interrupted = false;
  for (const auto& t : tasks) {
    if (t.status == TASK_STATUS_FAILED || t.status == TASK_STATUS_TIMEOUT || t.status == TASK_STATUS_CANCELED) {
      interrupted = true;
    }
  }
  for (auto& t : tasks) {
    if (t.status != TASK_STATUS_WAITING || interrupted) continue;
    const TaskSpec* ts = task_specs[t.task_name];
    bool ready = ts != nullptr;
    for (int i = 0; ready && i < ts->upstream_size(); ++i) ready = IsSuccessStatus(latest[ts->upstream(i)]);
    if (!ready) continue;
    has_next = true;
    if (t.not_before_ms > now || running >= parallelism) continue;
    for (auto& party : StartTask(job, t, parties)) silent.push_back(std::move(party));
    ++running;
  }
  if (TrackUnreachable(job, silent)) return Status::OK();
  FEDFLOW_ASSIGN_OR_RETURN(tasks, schedule_.ListLatestTasks(job.job_id));

  // 4. The job's status from its tasks' latest attempts.
  std::vector<TaskStatus> statuses;
  int finished = 0;
  std::string failure;
  for (const auto& t : tasks) {
    statuses.push_back(t.status);
    if (IsEndStatus(t.status)) ++finished;
    if (failure.empty() && IsEndStatus(t.status) && !IsSuccessStatus(t.status)) {
      failure = "task " + t.task_name + " " + TaskStatusName(t.status) +
                (t.failure_reason.empty() ? "" : " at " + t.failure_reason);
    }
  }
  auto status = sm::JobStatusFromTasks(statuses, has_next);
  if (interrupted) {
    // Fail fast: a task that ended badly with no retry left ends the job now (running tasks of
    // other components are stopped) instead of waiting for the rest of the DAG.
    for (TaskStatus s : {TASK_STATUS_FAILED, TASK_STATUS_TIMEOUT, TASK_STATUS_CANCELED}) {
      if (std::find(statuses.begin(), statuses.end(), s) != statuses.end()) {
        status = s == TASK_STATUS_FAILED ? JOB_STATUS_FAILED
                                         : (s == TASK_STATUS_TIMEOUT ? JOB_STATUS_TIMEOUT : JOB_STATUS_CANCELED);
        break;
      }
    }
  }
  std::int32_t progress = tasks.empty() ? 100 : static_cast<std::int32_t>(100 * finished / tasks.size());
  if (progress != job.progress) {
    (void)schedule_.UpdateJobProgress(job.id, progress, now);
    (void)partners_.UpdateProgress(PartiesOf(*spec), job.job_id, progress);
  }
  if (status.ok() && IsEndStatus(*status)) return EndJob(job, *status, failure);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Ending, stopping, rerunning

Status JobScheduler::EndJob(const orm::ScheduleJobRow& job, JobStatus status, const std::string& reason) {
  FEDFLOW_ASSIGN_OR_RETURN(sm::JobEvent event, lifecycle::JobEventEnding(status));
  orm::ScheduleJobRow current = job;
  for (int tries = 0; tries < 3; ++tries) {
    auto applied = jobs_.ApplyScheduled(current, event, reason);
    if (applied.ok()) break;
    if (applied.status().code() != StatusCode::kAborted) {
      if (applied.status().code() == StatusCode::kFailedPrecondition) return Status::OK();  // already ended
      return applied.status();
    }
    FEDFLOW_ASSIGN_OR_RETURN(current, schedule_.GetJob(job.job_id));
    if (IsEndStatus(current.status)) return Status::OK();
  }
  capacity_changes_++;
  {
    std::lock_guard<std::mutex> guard(state_mutex_);
    admit_after_ms_.erase(job.job_id);
  }
  // The scheduler's own view: unfinished tasks end too.
  auto tasks = schedule_.ListLatestTasks(job.job_id);
  auto parties = schedule_.ListTaskParties(job.job_id);
  if (tasks.ok() && parties.ok()) {
    for (const auto& t : *tasks) {
      if (IsEndStatus(t.status)) continue;
      TaskStatus ts = InterruptedTaskStatus(t, status);
      for (const auto& c : CopiesOf(*parties, t)) {
        if (!IsEndStatus(c.status)) (void)tasks_.MovePartyTo(c, ts, std::string("job ") + JobStatusName(status));
      }
      (void)tasks_.MoveScheduledTo(t, ts, std::string("job ") + JobStatusName(status));
    }
  }
  auto fresh = schedule_.GetJob(job.job_id);
  if (fresh.ok()) SyncEnd(*fresh);
  return Status::OK();
}

void JobScheduler::SyncEnd(const orm::ScheduleJobRow& job) {
  auto spec = SpecOf(job);
  if (!spec.ok()) return;
  auto replies = partners_.StopJob(PartiesOf(**spec), job.job_id, job.status, job.failure_reason);
  Status all = interconnect::Combine(replies);
  orm::ScheduleJobPatch patch;
  if (all.ok()) {
    patch.set_end_synced = true;
    patch.end_synced = true;
    (void)schedule_.PatchJob(job.id, patch, clock_.NowMs());
    (void)schedule_.ReleaseJobLease(job.job_id, options_.instance_id);
    log::Get("scheduler")->info("job_id={} end {} confirmed by every party", job.job_id, JobStatusName(job.status));
    locks_.Forget(job.job_id);
    std::lock_guard<std::mutex> guard(state_mutex_);
    spec_cache_.erase(job.job_id);
    return;
  }
  patch.set_next_admit_ms = true;
  patch.next_admit_ms = clock_.NowMs() + options_.end_sync_retry_ms;
  (void)schedule_.PatchJob(job.id, patch, clock_.NowMs());
  log::Get("scheduler")->warn("job_id={} end {} not confirmed yet, will resend: {}", job.job_id,
                              JobStatusName(job.status), all.message());
}

Status JobScheduler::Stop(const std::string& job_id, JobStatus status, const std::string& reason) {
  if (!IsEndStatus(status) || status == JOB_STATUS_SUCCESS) {
    return InvalidArgumentError(std::string("a job can be stopped as canceled, failed or timeout, not ") +
                                JobStatusName(status));
  }
  auto lock = locks_.Lock(job_id, false);
  FEDFLOW_ASSIGN_OR_RETURN(auto job, schedule_.GetJob(job_id));
  if (IsEndStatus(job.status)) {
    if (!job.end_synced) SyncEnd(job);
    return Status::OK();
  }
  FEDFLOW_RETURN_IF_ERROR(schedule_.SetJobSignals(job.id, true, false, clock_.NowMs()));
  if (!Lease(job)) {
    // Another instance schedules it: it sees the cancel signal on its next tick.
    log::Get("scheduler")->info("job_id={} stop requested; lease held by {}", job_id, job.lease_owner);
    return Status::OK();
  }
  FEDFLOW_ASSIGN_OR_RETURN(job, schedule_.GetJob(job_id));
  return EndJob(job, status, reason);
}

Status JobScheduler::Forget(const std::string& job_id) {
  auto lock = locks_.Lock(job_id, false);
  FEDFLOW_ASSIGN_OR_RETURN(auto job, schedule_.GetJob(job_id));
  if (!IsEndStatus(job.status) || !job.end_synced) {
    return FailedPreconditionError("job " + job_id + " has not ended everywhere yet: stop it and retry");
  }
  FEDFLOW_RETURN_IF_ERROR(schedule_.DeleteJob(job_id));
  {
    std::lock_guard<std::mutex> guard(state_mutex_);
    spec_cache_.erase(job_id);
  }
  log::Get("scheduler")->info("job_id={} forgotten by the scheduler", job_id);
  return Status::OK();
}

StatusOr<std::vector<std::string>> JobScheduler::Rerun(const std::string& job_id, const std::string& component) {
  auto lock = locks_.Lock(job_id, false);
  FEDFLOW_ASSIGN_OR_RETURN(auto job, schedule_.GetJob(job_id));
  if (!IsEndStatus(job.status)) {
    return FailedPreconditionError("job " + job_id + " is " + JobStatusName(job.status) +
                                   ": only an ended job can be rerun (stop it first)");
  }
  if (!job.end_synced) return FailedPreconditionError("job " + job_id + " is still ending at some party; retry shortly");
  if (!Lease(job)) return FailedPreconditionError("job " + job_id + " is held by instance " + job.lease_owner);
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, SpecOf(job));
  FEDFLOW_ASSIGN_OR_RETURN(auto tasks, schedule_.ListLatestTasks(job_id));
  FEDFLOW_ASSIGN_OR_RETURN(auto parties, schedule_.ListTaskParties(job_id));
  std::set<std::string> targets;
  if (!component.empty()) {
    bool exists = false;
    for (const auto& t : spec->tasks()) exists = exists || t.name() == component;
    if (!exists) return InvalidArgumentError("job " + job_id + " has no component '" + component + "'");
    for (const auto& n : dsl::DescendantsOf(spec->tasks(), component)) targets.insert(n);
  } else {
    for (const auto& t : tasks) {
      if (!IsSuccessStatus(t.status)) targets.insert(t.task_name);
    }
    if (targets.empty()) {
      return FailedPreconditionError("every task of job " + job_id +
                                     " succeeded: name a component to rerun it and what depends on it");
    }
  }
  std::vector<std::string> rerun;
  for (const auto& t : tasks) {
    if (!targets.count(t.task_name)) continue;
    std::int32_t retries = 0;
    for (const auto& ts : spec->tasks()) {
      if (ts.name() == t.task_name) retries = ts.max_retries();
    }
    FEDFLOW_RETURN_IF_ERROR(CreateAttempt(job, t, retries, 0, parties));
    rerun.push_back(t.task_name);
  }
  const std::int64_t now = clock_.NowMs();
  FEDFLOW_RETURN_IF_ERROR(schedule_.BumpRunEpoch(job.id, now));
  FEDFLOW_ASSIGN_OR_RETURN(job, schedule_.GetJob(job_id));
  FEDFLOW_RETURN_IF_ERROR(jobs_.ApplyScheduled(job, sm::JobEvent::kRerunRequested).status());
  orm::ScheduleJobPatch patch;
  patch.set_waiting_since_ms = true;
  patch.waiting_since_ms = now;
  patch.set_waiting_reason = true;
  patch.set_end_synced = true;
  patch.end_synced = true;
  FEDFLOW_RETURN_IF_ERROR(schedule_.PatchJob(job.id, patch, now));
  (void)partners_.UpdateJobStatus(PartiesOf(*spec), job_id, JOB_STATUS_WAITING, "rerun");
  std::string list;
  for (const auto& n : rerun) list += (list.empty() ? "" : ",") + n;
  log::Get("scheduler")->info("job_id={} rerun tasks={}", job_id, list);
  lock.unlock();
  Nudge(job_id);
  return rerun;
}

}  // namespace fedflow::sched
