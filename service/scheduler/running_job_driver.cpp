#include "service/scheduler/running_job_driver.hpp"

#include <algorithm>
#include <map>

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/scheduler/next_attempt.hpp"
#include "service/scheduler/silent_parties.hpp"
#include "statemachines/aggregation.hpp"

namespace fedflow::sched {

namespace {

bool Interrupted(TaskStatus s) {
  return s == TASK_STATUS_FAILED || s == TASK_STATUS_TIMEOUT || s == TASK_STATUS_CANCELED;
}

void Append(std::vector<std::string>& into, const std::vector<std::string>& more) {
  into.insert(into.end(), more.begin(), more.end());
}

}  // namespace

void RunningJobDriver::MoveCopy(orm::ScheduleTaskPartyRow& copy, TaskStatus to, const std::string& reason) {
  Status moved = ctx_.tasks.MovePartyTo(copy, to, reason);
  if (moved.ok()) {
    copy.status = to;
    copy.failure_reason = reason;
    return;
  }
  // Aborted: another writer moved it first; FailedPrecondition: a report older than what is known.
  if (moved.code() == StatusCode::kAborted || moved.code() == StatusCode::kFailedPrecondition) return;
  FF_LOG_LIMITED(ctx_.limiter, "copy/" + copy.job_id, warn, "scheduler",
                 "job_id={} task={} party={}:{} {} not recorded: {}", copy.job_id, copy.task_name, copy.role,
                 copy.party_id, TaskStatusName(to), moved.message());
}

void RunningJobDriver::RecordReport(orm::ScheduleTaskPartyRow& copy, const contract::TaskReport& r) {
  if (copy.progress == r.progress() && copy.sent_bytes == r.sent_bytes() && copy.sent_messages == r.sent_messages() &&
      copy.received_bytes == r.received_bytes() && copy.received_messages == r.received_messages()) {
    return;
  }
  Status recorded = ctx_.schedule.RecordPartyReport(copy.id, r.progress(), r.sent_bytes(), r.sent_messages(),
                                                    r.received_bytes(), r.received_messages());
  if (!recorded.ok()) {
    // Shown, never decided on: the next poll records it.
    FF_LOG_LIMITED(ctx_.limiter, "report/" + copy.job_id, info, "scheduler", "job_id={} task={} report not recorded: {}",
                   copy.job_id, copy.task_name, recorded.message());
    return;
  }
  copy.progress = r.progress();
  copy.sent_bytes = r.sent_bytes();
  copy.sent_messages = r.sent_messages();
  copy.received_bytes = r.received_bytes();
  copy.received_messages = r.received_messages();
}

bool RunningJobDriver::MoveTask(orm::ScheduleTaskRow& task, TaskStatus to, const std::string& reason) {
  Status moved = ctx_.tasks.MoveScheduledTo(task, to, reason);
  if (moved.ok()) {
    task.status = to;
    task.failure_reason = reason;
    return true;
  }
  if (moved.code() != StatusCode::kAborted) {
    FF_LOG_LIMITED(ctx_.limiter, "task/" + task.job_id, warn, "scheduler", "job_id={} task={} {} not recorded: {}",
                   task.job_id, task.task_name, TaskStatusName(to), moved.message());
  }
  return false;
}

Status RunningJobDriver::Drive(const orm::ScheduleJobRow& job) {
  const std::int64_t now = ctx_.clock.NowMs();
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, ctx_.SpecOf(job));
  if (job.cancel_signal) return finisher_.End(job, JOB_STATUS_CANCELED, "stopped by request");
  if (job.timeout_ms > 0 && job.start_ms > 0 && now > job.start_ms + job.timeout_ms) {
    return finisher_.End(job, JOB_STATUS_TIMEOUT,
                         "job ran longer than its timeout of " + std::to_string(job.timeout_ms / 1000) + " s");
  }
  FEDFLOW_ASSIGN_OR_RETURN(JobSnapshot s, JobSnapshot::Load(ctx_.schedule, job, spec));
  std::vector<std::string> silent = Poll(s);
  Federate(s);
  std::set<std::string> retry_pending;
  Append(silent, HandleEnded(s, &retry_pending));
  bool has_next = false;
  Append(silent, StartReady(s, retry_pending, &has_next));
  if (TrackSilentParties(ctx_, finisher_, s.job(), silent)) return Status::OK();
  return Conclude(s, retry_pending, has_next);
}

std::vector<std::string> RunningJobDriver::Poll(JobSnapshot& s) {
  std::vector<std::string> silent;
  std::map<std::string, std::vector<AttemptKey>> wanted;
  for (const auto& t : s.tasks()) {
    if (t.status != TASK_STATUS_RUNNING) continue;
    for (const auto* c : s.CopiesOf(t)) {
      if (IsEndStatus(c->status)) continue;  // already known: no need to ask again
      auto& list = wanted[c->party_id];
      AttemptKey key{t.task_name, t.attempt};
      if (std::find(list.begin(), list.end(), key) == list.end()) list.push_back(key);
    }
  }
  if (wanted.empty()) return silent;
  for (const auto& reply : ctx_.partners.CollectTasks(s.job().job_id, wanted)) {
    if (!reply.reached) silent.push_back(reply.party_id);
    auto collected = interconnect::ReplyAs<contract::CollectedTasks>(reply);
    if (!collected.ok()) continue;  // an unreachable party keeps its last known status
    for (const auto& report : collected->tasks()) {
      auto status = ParseTaskStatus(report.status());
      if (!status.ok()) continue;
      for (auto& t : s.tasks()) {
        if (t.task_name != report.task_name() || t.attempt != report.attempt()) continue;
        for (auto* c : s.CopiesOf(t)) {
          if (c->role != report.role() || c->party_id != reply.party_id) continue;
          RecordReport(*c, report);
          if (c->status != *status) MoveCopy(*c, *status, report.reason());
        }
      }
    }
  }
  return silent;
}

void RunningJobDriver::Federate(JobSnapshot& s) {
  const std::int64_t now = ctx_.clock.NowMs();
  for (auto& t : s.tasks()) {
    if (t.status != TASK_STATUS_RUNNING) continue;
    auto copies = s.CopiesOf(t);
    std::vector<TaskStatus> statuses;
    for (const auto* c : copies) statuses.push_back(c->status);
    auto federated = sm::FederatedTaskStatus(statuses);
    if (!federated.ok() || *federated == t.status) {
      const TaskSpec* ts = s.TaskSpecOf(t.task_name);
      std::int64_t timeout = ts ? ts->timeout_ms() : 0;
      if (timeout > 0 && t.start_ms > 0 && now > t.start_ms + timeout) TimeOut(s, t, timeout);
      continue;
    }
    std::string reason;
    if (IsEndStatus(*federated) && !IsSuccessStatus(*federated)) {
      for (const auto* c : copies) {
        if (c->status == *federated) {
          reason = c->role + ":" + c->party_id + ": " +
                   (c->failure_reason.empty() ? TaskStatusName(c->status) : c->failure_reason);
          break;
        }
      }
    }
    if (!MoveTask(t, *federated, reason) || !IsEndStatus(*federated)) continue;
    // The parties learn the final status now; the job's end repeats it until every party confirmed.
    Status told = interconnect::Combine(
        ctx_.partners.UpdateTaskStatus(JobSnapshot::PartiesOf(copies), t.job_id, t.task_name, t.attempt, *federated));
    if (!told.ok()) {
      FF_LOG_LIMITED(ctx_.limiter, "told/" + t.job_id, info, "scheduler",
                     "job_id={} task={} federated status not delivered yet: {}", t.job_id, t.task_name, told.message());
    }
  }
}

void RunningJobDriver::TimeOut(JobSnapshot& s, orm::ScheduleTaskRow& task, std::int64_t timeout_ms) {
  const std::string reason = "task ran longer than its timeout of " + std::to_string(timeout_ms / 1000) + " s";
  auto copies = s.CopiesOf(task);
  auto replies = ctx_.partners.StopTask(JobSnapshot::PartiesOf(copies), task.job_id, task.task_name, task.attempt,
                                        TASK_STATUS_TIMEOUT, reason);
  for (const auto& r : replies) {
    if (!r.status.ok()) continue;  // the job's end stops it there later
    for (auto* c : copies) {
      if (c->party_id == r.party_id && !IsEndStatus(c->status)) MoveCopy(*c, TASK_STATUS_TIMEOUT, reason);
    }
  }
  MoveTask(task, TASK_STATUS_TIMEOUT, reason);
}

std::vector<std::string> RunningJobDriver::HandleEnded(JobSnapshot& s, std::set<std::string>* retry_pending) {
  std::vector<std::string> silent;
  // Copied: a retry replaces the task in the snapshot.
  std::vector<orm::ScheduleTaskRow> ended;
  for (const auto& t : s.tasks()) {
    if (IsEndStatus(t.status)) ended.push_back(t);
  }
  for (auto& task : ended) {
    // Parties still running an ended task (another party failed it): stop them.
    std::vector<orm::ScheduleTaskPartyRow*> stragglers;
    for (auto* c : s.CopiesOf(task)) {
      if (!IsEndStatus(c->status)) stragglers.push_back(c);
    }
    if (!stragglers.empty()) {
      std::string reason = std::string("task ") + TaskStatusName(task.status) + " at another party";
      auto replies = ctx_.partners.StopTask(JobSnapshot::PartiesOf(stragglers), task.job_id, task.task_name,
                                            task.attempt, TASK_STATUS_CANCELED, reason);
      for (const auto& r : replies) {
        if (!r.status.ok()) continue;  // sent again next tick
        for (auto* c : stragglers) {
          if (c->party_id == r.party_id) MoveCopy(*c, TASK_STATUS_CANCELED, reason);
        }
      }
    }
    // Automatic retry of a failed or timed-out task, with exponential backoff.
    if (!(task.status == TASK_STATUS_FAILED || task.status == TASK_STATUS_TIMEOUT) || task.retries_left <= 0 ||
        s.job().cancel_signal) {
      continue;
    }
    const TaskSpec* ts = s.TaskSpecOf(task.task_name);
    std::int32_t max_retries = ts ? ts->max_retries() : task.retries_left;
    int used = std::max(0, max_retries - task.retries_left);
    std::int64_t delay = s.spec().params().retry_backoff_ms() << std::min(used, 10);
    std::vector<orm::ScheduleTaskPartyRow> copies;
    for (const auto* c : s.CopiesOf(task)) copies.push_back(*c);
    NextAttempt next = CreateNextAttempt(ctx_, task, copies, task.retries_left - 1, ctx_.clock.NowMs() + delay);
    if (next.status.ok()) {
      log::Get("scheduler")->info("job_id={} task={} attempt={} retry scheduled in {} ms ({} retries left)",
                                  task.job_id, task.task_name, next.task.attempt, delay, next.task.retries_left);
      s.ReplaceAttempt(next.task, std::move(next.copies));
      continue;
    }
    Status created = next.status;
    const auto& replies = next.replies;
    for (const auto& r : replies) {
      if (!r.reached) silent.push_back(r.party_id);
    }
    retry_pending->insert(task.task_name);
    FF_LOG_LIMITED(ctx_.limiter, "retry/" + task.job_id + "/" + task.task_name, warn, "scheduler",
                   "job_id={} task={} retry not created yet, tried again next tick: {}", task.job_id, task.task_name,
                   created.message());
  }
  return silent;
}

std::vector<std::string> RunningJobDriver::StartReady(JobSnapshot& s, const std::set<std::string>& retry_pending,
                                                      bool* has_next) {
  std::vector<std::string> silent;
  const std::int64_t now = ctx_.clock.NowMs();
  std::map<std::string, TaskStatus> latest;
  int running = 0;
  bool interrupted = false;
  for (const auto& t : s.tasks()) {
    latest[t.task_name] = t.status;
    if (t.status == TASK_STATUS_RUNNING) ++running;
    if (Interrupted(t.status) && !retry_pending.count(t.task_name)) interrupted = true;
  }
  *has_next = false;
  if (interrupted) return silent;  // the job ends this tick: start nothing more
  const int parallelism = std::max(1, s.spec().params().task_parallelism());
  for (auto& t : s.tasks()) {
    if (t.status != TASK_STATUS_WAITING) continue;
    const TaskSpec* ts = s.TaskSpecOf(t.task_name);
    bool ready = ts != nullptr;
    for (int i = 0; ready && i < ts->upstream_size(); ++i) ready = IsSuccessStatus(latest[ts->upstream(i)]);
    if (!ready) continue;
    *has_next = true;
    if (t.not_before_ms > now || running >= parallelism) continue;
    Append(silent, StartTask(s, t));
    ++running;
  }
  return silent;
}

std::vector<std::string> RunningJobDriver::StartTask(JobSnapshot& s, orm::ScheduleTaskRow& task) {
  auto copies = s.CopiesOf(task);
  auto replies = ctx_.partners.StartTask(JobSnapshot::PartiesOf(copies), task.job_id, task.task_name, task.attempt);
  Status combined = interconnect::Combine(replies);
  if (combined.ok()) {
    MoveTask(task, TASK_STATUS_RUNNING, "");
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
    FF_LOG_LIMITED(ctx_.limiter, "start/" + task.job_id + "/" + task.task_name, warn, "scheduler",
                   "job_id={} task={} attempt={} start not delivered to {} party(ies): {}", task.job_id,
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
    for (auto* c : copies) {
      if (c->party_id == r.party_id) MoveCopy(*c, TASK_STATUS_FAILED, r.status.message());
    }
  }
  if (!started.empty()) {
    Status stopped = interconnect::Combine(ctx_.partners.StopTask(started, task.job_id, task.task_name, task.attempt,
                                                                  TASK_STATUS_CANCELED,
                                                                  "another party could not start the task"));
    // The failed task's stragglers are stopped again on the next tick (HandleEnded).
    if (!stopped.ok()) log::Get("scheduler")->warn("job_id={} task={} not stopped yet: {}", task.job_id, task.task_name, stopped.message());
  }
  MoveTask(task, TASK_STATUS_FAILED, combined.message());
  return {};
}

Status RunningJobDriver::Conclude(JobSnapshot& s, const std::set<std::string>& retry_pending, bool has_next) {
  std::vector<sm::TaskOutcome> outcomes;
  int finished = 0;
  double running_share = 0;  // running tasks count by their parties' mean progress
  std::string failure;
  for (auto& t : s.tasks()) {
    bool pending = retry_pending.count(t.task_name) > 0;
    outcomes.push_back({t.status, pending});
    if (IsEndStatus(t.status) && !pending) ++finished;
    if (t.status == TASK_STATUS_RUNNING) {
      auto copies = s.CopiesOf(t);
      double sum = 0;
      for (const auto* c : copies) sum += std::clamp(c->progress, 0, 100);
      if (!copies.empty()) running_share += sum / (100.0 * static_cast<double>(copies.size()));
    }
    if (failure.empty() && Interrupted(t.status) && !pending) {
      failure = "task " + t.task_name + " " + TaskStatusName(t.status) +
                (t.failure_reason.empty() ? "" : " at " + t.failure_reason);
    }
  }
  auto status = sm::SchedulingJobStatus(outcomes, has_next);
  if (!status.ok()) return status.status();
  orm::ScheduleJobRow& job = s.job();
  std::int32_t progress =
      s.tasks().empty() ? 100
                        : static_cast<std::int32_t>(100.0 * (finished + running_share) / static_cast<double>(s.tasks().size()));
  if (progress != job.progress) {
    Status stored = ctx_.schedule.UpdateJobProgress(job.id, progress, ctx_.clock.NowMs());
    // A job that ends now takes its final progress to the parties with its end.
    Status told = IsEndStatus(*status) ? Status::OK()
                                       : interconnect::Combine(ctx_.partners.UpdateProgress(
                                             SchedulerContext::PartiesOf(s.spec()), job.job_id, progress));
    // Progress is shown, never decided on: the next tick writes and sends it again.
    if (!stored.ok() || !told.ok()) {
      FF_LOG_LIMITED(ctx_.limiter, "progress/" + job.job_id, info, "scheduler", "job_id={} progress {} not recorded everywhere: {}",
                     job.job_id, progress, stored.ok() ? told.message() : stored.message());
    }
  }
  if (IsEndStatus(*status)) return finisher_.End(job, *status, failure);
  return Status::OK();
}

}  // namespace fedflow::sched
