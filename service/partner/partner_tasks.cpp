#include "service/partner/partner_tasks.hpp"

#include <set>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/executor/task_executor.hpp"
#include "statemachines/task_machine.hpp"

namespace fedflow::partner {

void PartnerTasks::RecordFederated(const orm::TaskAttemptRow& attempt, TaskStatus status) {
  Status s = d_.task_lifecycle->MoveFederatedTo(attempt, status);
  // A stale update (the scheduler's earlier view arriving after a later one) or a lost race
  // with a concurrent update changes nothing; anything else is worth a line.
  if (!s.ok() && s.code() != StatusCode::kFailedPrecondition && s.code() != StatusCode::kAborted) {
    log::Get("scheduler")->warn("job_id={} task={} attempt={} federated status {} not recorded: {}", attempt.job_id,
                                attempt.task_name, attempt.attempt, TaskStatusName(status), s.message());
  }
}

Status PartnerTasks::EndAttempt(const orm::TaskAttemptRow& attempt, TaskStatus status, const std::string& reason) {
  orm::TaskAttemptRow current = attempt;
  for (int tries = 0; tries < 3; ++tries) {
    if (IsEndStatus(current.status)) return Status::OK();
    TaskStatus effective = status;
    // An unstarted attempt cannot time out; it is canceled.
    if (current.status == TASK_STATUS_WAITING && status == TASK_STATUS_TIMEOUT) effective = TASK_STATUS_CANCELED;
    FEDFLOW_ASSIGN_OR_RETURN(sm::TaskEvent event, sm::TaskMachine::EventReaching(effective));
    auto applied = d_.task_lifecycle->Apply(current, event, reason);
    if (applied.ok()) {
      if (current.status == TASK_STATUS_RUNNING) d_.executor->Kill(current);
      current.status = effective;
      RecordFederated(current, effective);
      return Status::OK();
    }
    if (applied.status().code() != StatusCode::kAborted) return applied.status();
    FEDFLOW_ASSIGN_OR_RETURN(current, d_.tasks->GetById(current.id));
  }
  return AbortedError("attempt kept changing while being stopped");
}

Status PartnerTasks::Start(const std::string& job_id, const std::string& task_name, std::int32_t attempt) {
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, specs_.SpecOf(job_id));
  const TaskSpec* task = nullptr;
  for (const auto& t : spec->tasks()) {
    if (t.name() == task_name) task = &t;
  }
  if (!task) return NotFoundError("job " + job_id + " has no task '" + task_name + "'");
  // Workers run only on resources this party granted to the job: a scheduler that skipped the
  // resource apply cannot run anything here.
  FEDFLOW_ASSIGN_OR_RETURN(bool held, resources_.Holds(job_id));
  if (!held) {
    return Status(StatusCode::kFailedPrecondition, "party " + d_.party_id + " holds no resources for job " + job_id +
                                                       ": apply for them (job/resource/apply) before starting tasks")
        .set_api_code(ApiCode::kResourceLimitExceeded);
  }
  FEDFLOW_ASSIGN_OR_RETURN(auto attempts, d_.tasks->ListByJob(job_id));
  Status first_error;
  bool found = false;
  for (const auto& a : attempts) {
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
    orm::TaskAttemptRow running = a;
    running.status = TASK_STATUS_RUNNING;
    RecordFederated(running, TASK_STATUS_RUNNING);
    Status launched = d_.executor->Launch(running, *spec, *task, *pt);
    if (launched.code() == StatusCode::kAborted) continue;  // stopped meanwhile: the stop is the outcome
    if (!launched.ok()) {
      std::string reason = "cannot start worker: " + launched.message();
      auto failed = d_.task_lifecycle->Apply(running, sm::TaskEvent::kFailed, reason);
      // Lost to a concurrent stop: the attempt ended anyway, which is what failing it would do.
      if (!failed.ok() && failed.status().code() != StatusCode::kAborted) return failed.status();
      if (first_error.ok()) {
        first_error = Status(StatusCode::kFailedPrecondition, "party " + d_.party_id + " " + a.role + ": " + reason);
        first_error.set_api_code(ApiCode::kTaskStartFailed);
      }
    }
  }
  if (!found) {
    return NotFoundError("task " + task_name + " attempt " + std::to_string(attempt) + " of job " + job_id +
                         " does not exist at party " + d_.party_id);
  }
  return first_error;
}

StatusOr<std::vector<contract::TaskReport>> PartnerTasks::Collect(
    const std::string& job_id, const std::vector<std::pair<std::string, std::int32_t>>& wanted) {
  FEDFLOW_ASSIGN_OR_RETURN(auto attempts, d_.tasks->ListByJob(job_id));
  std::set<std::pair<std::string, std::int32_t>> want(wanted.begin(), wanted.end());
  std::vector<contract::TaskReport> out;
  for (const auto& a : attempts) {
    if (!want.count({a.task_name, a.attempt})) continue;
    contract::TaskReport r;
    r.set_task_name(a.task_name);
    r.set_attempt(a.attempt);
    r.set_role(a.role);
    r.set_party_id(a.party_id);
    r.set_status(TaskStatusName(a.status));
    r.set_reason(a.failure_reason);
    r.set_start_time(a.start_ms);
    r.set_end_time(a.end_ms);
    r.set_heartbeat_time(a.heartbeat_ms);
    r.set_progress(a.progress);
    r.set_sent_bytes(a.sent_bytes);
    r.set_sent_messages(a.sent_messages);
    r.set_received_bytes(a.received_bytes);
    r.set_received_messages(a.received_messages);
    out.push_back(std::move(r));
  }
  return out;
}

Status PartnerTasks::Stop(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                          TaskStatus status, const std::string& reason) {
  FEDFLOW_ASSIGN_OR_RETURN(auto attempts, d_.tasks->ListByJob(job_id));
  for (const auto& a : attempts) {
    if (a.task_name != task_name || a.attempt != attempt) continue;
    if (IsEndStatus(a.status)) {
      RecordFederated(a, status);
      continue;
    }
    FEDFLOW_RETURN_IF_ERROR(EndAttempt(a, status, reason));
  }
  return Status::OK();
}

Status PartnerTasks::CreateAttempt(const std::string& job_id, const std::string& task_name, std::int32_t attempt) {
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, specs_.SpecOf(job_id));
  FEDFLOW_ASSIGN_OR_RETURN(auto attempts, d_.tasks->ListByJob(job_id));
  std::vector<orm::TaskAttemptRow> rows;
  const std::int64_t now = d_.clock->NowMs();
  for (const auto& t : spec->tasks()) {
    if (t.name() != task_name) continue;
    for (const auto& pt : t.parties()) {
      if (pt.party_id() != d_.party_id) continue;
      bool exists = false;
      for (const auto& a : attempts) {
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

Status PartnerTasks::SyncFederated(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                                   TaskStatus status) {
  FEDFLOW_ASSIGN_OR_RETURN(auto attempts, d_.tasks->ListByJob(job_id));
  for (const auto& a : attempts) {
    if (a.task_name == task_name && a.attempt == attempt) RecordFederated(a, status);
  }
  return Status::OK();
}

}  // namespace fedflow::partner
