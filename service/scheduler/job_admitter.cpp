#include "service/scheduler/job_admitter.hpp"

#include "base/log.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/scheduler/silent_parties.hpp"

namespace fedflow::sched {

void JobAdmitter::Forget(const std::string& job_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  admit_after_ms_.erase(job_id);
}

void JobAdmitter::Backoff(const std::string& job_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  admit_after_ms_[job_id] = ctx_.clock.NowMs() + ctx_.options.admit_retry_ms;
}

void JobAdmitter::SetWaitingReason(const orm::ScheduleJobRow& job, const std::string& reason) {
  if (reason == job.waiting_reason) return;
  orm::ScheduleJobPatch patch;
  patch.set_waiting_reason = true;
  patch.waiting_reason = reason;
  ctx_.Patch(job, patch);
  if (!reason.empty()) log::Get("scheduler")->info("job_id={} waiting reason={}", job.job_id, reason);
}

void JobAdmitter::Admit(std::vector<orm::ScheduleJobRow> waiting) {
  const std::int64_t now = ctx_.clock.NowMs();
  if (ctx_.server_state && ctx_.server_state->draining()) {
    for (const auto& job : waiting) {
      SetWaitingReason(job, "the scheduling server " + ctx_.options.instance_id + " is draining: no new job starts");
    }
    return;
  }
  OrderForAdmission(waiting, now, ctx_.options.aging_ms);
  // Capacity freed since the last pass: retry refused jobs at once instead of after backoff.
  std::int64_t changes = ctx_.capacity_changes.load();
  bool capacity_freed = changes != capacity_seen_;
  capacity_seen_ = changes;
  AdmissionPass pass(now, ctx_.options.aging_ms);
  std::vector<Candidate> batch;
  for (const auto& job : waiting) {
    Candidate c;
    if (!Prepare(job, pass, capacity_freed, &c)) continue;
    // A starving job is settled before anything after it is judged: if it does not fit, the
    // parties it waits for are reserved for it.
    const bool starving = pass.Starving(c.job);
    batch.push_back(std::move(c));
    if (starving || batch.size() >= std::max<std::size_t>(1, ctx_.options.admission_batch)) {
      AskAndSettle(batch, pass);
      batch.clear();
    }
  }
  if (!batch.empty()) AskAndSettle(batch, pass);
}

bool JobAdmitter::Prepare(const orm::ScheduleJobRow& job, AdmissionPass& pass, bool capacity_freed, Candidate* out) {
  auto lock = ctx_.locks.Lock(job.job_id, true);
  if (!lock.owns_lock() || !ctx_.Lease(job)) return false;
  if (job.cancel_signal) {
    Status ended = finisher_.End(job, JOB_STATUS_CANCELED, "stopped before it started");
    if (!ended.ok()) log::Get("scheduler")->warn("job_id={} not canceled yet: {}", job.job_id, ended.message());
    return false;
  }
  auto spec = ctx_.SpecOf(job);
  if (!spec.ok()) {
    Status ended = finisher_.End(job, JOB_STATUS_FAILED, "stored job spec is unreadable: " + spec.status().message());
    if (!ended.ok()) log::Get("scheduler")->warn("job_id={} not failed yet: {}", job.job_id, ended.message());
    return false;
  }
  Demand demand;
  for (const auto& d : (*spec)->demands()) demand[d.party_id()] += d.cores();
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = admit_after_ms_.find(job.job_id);
    if (!capacity_freed && it != admit_after_ms_.end() && it->second > ctx_.clock.NowMs()) {
      pass.Reserve(job, demand);
      return false;
    }
  }
  std::string why;
  switch (pass.Judge(job, demand, &why)) {
    case AdmissionPass::Verdict::kBlocked:
      SetWaitingReason(job, why);
      return false;
    case AdmissionPass::Verdict::kHopeless:
      pass.Reserve(job, demand);
      return false;
    case AdmissionPass::Verdict::kAsk:
      break;
  }
  out->job = job;
  out->spec = *spec;
  out->demand = std::move(demand);
  out->parties = SchedulerContext::PartiesOf(**spec);
  out->lock = std::move(lock);
  return true;
}

void JobAdmitter::AskAndSettle(std::vector<Candidate>& batch, AdmissionPass& pass) {
  std::vector<std::pair<std::string, std::int32_t>> keys;
  std::vector<std::vector<std::string>> parties;
  for (const auto& c : batch) {
    keys.emplace_back(c.job.job_id, c.job.run_epoch);
    parties.push_back(c.parties);
  }
  auto answers = ctx_.partners.ApplyResourcesOfJobs(keys, parties);
  std::vector<Candidate*> granted_jobs;
  for (std::size_t j = 0; j < batch.size(); ++j) {
    Candidate& c = batch[j];
    std::vector<std::string> granted, silent;
    std::string refusals;
    bool exceeds_total = false;
    for (const auto& r : answers[j]) {
      if (!r.reached) silent.push_back(r.party_id);
      auto grant = interconnect::ReplyAs<contract::ResourceGrant>(r);
      if (grant.ok() && grant->granted()) {
        granted.push_back(r.party_id);
        pass.Granted(r.party_id, c.demand[r.party_id]);
        continue;
      }
      if (grant.ok()) {
        exceeds_total = exceeds_total || grant->exceeds_total();
        pass.Refused(r.party_id, grant->free_cores());
        refusals += (refusals.empty() ? "" : "; ") + grant->reason();
      } else {
        refusals += (refusals.empty() ? "" : "; ") + grant.status().message();
      }
    }
    if (granted.size() == c.parties.size()) {
      granted_jobs.push_back(&c);
      continue;
    }
    // Not everyone granted: give back what was granted and say who refused and why.
    if (!granted.empty()) {
      Status returned = interconnect::Combine(ctx_.partners.ReturnResources(granted, c.job.job_id, c.job.run_epoch));
      // A return that does not arrive is made good by the party's detector once the job ends.
      if (!returned.ok()) log::Get("scheduler")->warn("job_id={} partial grant not returned: {}", c.job.job_id, returned.message());
    }
    if (exceeds_total) {
      Status ended = finisher_.End(c.job, JOB_STATUS_FAILED, refusals);
      if (!ended.ok()) log::Get("scheduler")->warn("job_id={} not failed yet: {}", c.job.job_id, ended.message());
      continue;
    }
    if (TrackSilentParties(ctx_, finisher_, c.job, silent)) continue;
    pass.Reserve(c.job, c.demand);
    SetWaitingReason(c.job, refusals);
    Backoff(c.job.job_id);
  }
  if (!granted_jobs.empty()) StartGranted(granted_jobs);
}

void JobAdmitter::StartGranted(std::vector<Candidate*>& granted) {
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> parties;
  for (const auto* c : granted) {
    ids.push_back(c->job.job_id);
    parties.push_back(c->parties);
  }
  auto answers = ctx_.partners.StartJobs(ids, parties);
  for (std::size_t j = 0; j < granted.size(); ++j) {
    Candidate& c = *granted[j];
    Status started = interconnect::Combine(answers[j]);
    if (!started.ok()) {
      Status returned = interconnect::Combine(ctx_.partners.ReturnResources(c.parties, c.job.job_id, c.job.run_epoch));
      if (!returned.ok()) log::Get("scheduler")->warn("job_id={} grant not returned: {}", c.job.job_id, returned.message());
      Status ended = finisher_.End(c.job, JOB_STATUS_FAILED, "start failed: " + started.message());
      if (!ended.ok()) log::Get("scheduler")->warn("job_id={} not failed yet: {}", c.job.job_id, ended.message());
      continue;
    }
    auto running = ctx_.jobs.ApplyScheduled(c.job, sm::JobEvent::kResourcesAcquired);
    if (!running.ok()) {
      log::Get("scheduler")->warn("job_id={} cannot move to running: {}", c.job.job_id, running.status().message());
      continue;
    }
    orm::ScheduleJobPatch patch;
    patch.set_waiting_reason = true;
    patch.set_unreachable = true;
    ctx_.Patch(c.job, patch);
    Forget(c.job.job_id);
    ctx_.Nudge(c.job.job_id);
  }
}

}  // namespace fedflow::sched
