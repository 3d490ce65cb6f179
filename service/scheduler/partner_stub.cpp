#include "service/scheduler/partner_stub.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "proto/status_names.hpp"
#include "service/interconnect/partner_contract.hpp"

namespace fedflow::sched {

namespace paths = interconnect::paths;
using interconnect::ToJson;

std::vector<PartyReply> PartnerStub::Send(const std::vector<interconnect::PartyCommand>& commands) {
  std::vector<PartyReply> replies(commands.size());
  std::vector<interconnect::PartyCommand> sent;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const std::string& party = commands[i].party_id;
    if (breaker_ && party != self_ && !breaker_->Allow(party)) {
      replies[i].party_id = party;
      replies[i].status = UnavailableError(breaker_->WhyOpen(party));
      continue;
    }
    sent.push_back(commands[i]);
    where.push_back(i);
  }
  if (sent.empty()) return replies;
  std::vector<PartyReply> answers = client_.Send(sent);
  for (std::size_t k = 0; k < answers.size() && k < where.size(); ++k) {
    if (breaker_ && answers[k].party_id != self_) breaker_->Record(answers[k].party_id, answers[k].reached);
    replies[where[k]] = std::move(answers[k]);
  }
  return replies;
}

std::vector<PartyReply> PartnerStub::Broadcast(const std::vector<std::string>& parties, const char* path,
                                               const std::string& job_id, const char* command, const std::string& body,
                                               bool idempotent) {
  // One key for the logical command: every party and every retry of it shares it.
  std::string key = idempotent ? interconnect::NewCommandKey(job_id, command) : "";
  std::vector<interconnect::PartyCommand> commands;
  for (const auto& p : parties) commands.push_back({p, path, body, key});
  return Send(commands);
}

std::vector<PartyReply> PartnerStub::CreateJob(const std::vector<std::string>& parties, const std::string& job_id,
                                               const std::string& spec_json, bool validate_only) {
  // contract::CreateJob, with the stored spec JSON embedded as it is (no parse and print again).
  std::string body = std::string("{\"validate_only\":") + (validate_only ? "true" : "false") + ",\"spec\":" + spec_json + "}";
  return Broadcast(parties, paths::kJobCreate, job_id, validate_only ? "validate" : "create", body, !validate_only);
}

std::vector<PartyReply> PartnerStub::UpdateJobStatus(const std::vector<std::string>& parties,
                                                     const std::string& job_id, JobStatus status,
                                                     const std::string& reason) {
  contract::UpdateJobStatus m;
  m.set_job_id(job_id);
  m.set_status(JobStatusName(status));
  m.set_reason(reason);
  return Broadcast(parties, paths::kJobStatusUpdate, job_id, "status", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::ApplyResources(const std::vector<std::string>& parties, const std::string& job_id,
                                                    std::int32_t epoch) {
  contract::ResourceRequest m;
  m.set_job_id(job_id);
  m.set_epoch(epoch);
  return Broadcast(parties, paths::kResourceApply, job_id, "apply", ToJson(m), true);
}

std::vector<std::vector<PartyReply>> PartnerStub::PerJob(const std::vector<std::string>& job_ids,
                                                         const std::vector<std::vector<std::string>>& parties,
                                                         const char* path, const char* command,
                                                         const std::function<std::string(std::size_t)>& body) {
  std::vector<interconnect::PartyCommand> commands;
  std::vector<std::size_t> owner;
  for (std::size_t j = 0; j < job_ids.size(); ++j) {
    const std::string text = body(j);
    const std::string key = interconnect::NewCommandKey(job_ids[j], command);
    for (const auto& p : parties[j]) {
      commands.push_back({p, path, text, key});
      owner.push_back(j);
    }
  }
  std::vector<PartyReply> flat = Send(commands);
  std::vector<std::vector<PartyReply>> out(job_ids.size());
  for (std::size_t i = 0; i < flat.size(); ++i) out[owner[i]].push_back(std::move(flat[i]));
  return out;
}

std::vector<std::vector<PartyReply>> PartnerStub::ApplyResourcesOfJobs(
    const std::vector<std::pair<std::string, std::int32_t>>& jobs, const std::vector<std::vector<std::string>>& parties) {
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j.first);
  return PerJob(ids, parties, paths::kResourceApply, "apply", [&](std::size_t j) {
    contract::ResourceRequest m;
    m.set_job_id(jobs[j].first);
    m.set_epoch(jobs[j].second);
    return ToJson(m);
  });
}

std::vector<std::vector<PartyReply>> PartnerStub::StartJobs(const std::vector<std::string>& jobs,
                                                            const std::vector<std::vector<std::string>>& parties) {
  return PerJob(jobs, parties, paths::kJobStart, "start", [&](std::size_t j) {
    contract::StartJob m;
    m.set_job_id(jobs[j]);
    return ToJson(m);
  });
}

std::vector<PartyReply> PartnerStub::ReturnResources(const std::vector<std::string>& parties,
                                                     const std::string& job_id, std::int32_t epoch) {
  contract::ResourceRequest m;
  m.set_job_id(job_id);
  m.set_epoch(epoch);
  return Broadcast(parties, paths::kResourceReturn, job_id, "return", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::StartJob(const std::vector<std::string>& parties, const std::string& job_id) {
  contract::StartJob m;
  m.set_job_id(job_id);
  return Broadcast(parties, paths::kJobStart, job_id, "start", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::StopJob(const std::vector<std::string>& parties, const std::string& job_id,
                                             JobStatus status, const std::string& reason,
                                             const std::vector<contract::FederatedTask>& tasks,
                                             std::int32_t progress) {
  contract::StopJob m;
  m.set_job_id(job_id);
  m.set_status(JobStatusName(status));
  m.set_reason(reason);
  m.set_progress(progress);
  for (const auto& t : tasks) *m.add_tasks() = t;
  return Broadcast(parties, paths::kJobStop, job_id, "stop", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::StartTask(const std::vector<std::string>& parties, const std::string& job_id,
                                               const std::string& task, std::int32_t attempt) {
  contract::TaskAttemptRef m;
  m.set_job_id(job_id);
  m.set_task_name(task);
  m.set_attempt(attempt);
  return Broadcast(parties, paths::kTaskStart, job_id, "task-start", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::CollectTasks(const std::string& job_id,
                                                  const std::map<std::string, std::vector<AttemptKey>>& wanted) {
  std::vector<interconnect::PartyCommand> commands;
  for (const auto& [party, tasks] : wanted) {
    contract::CollectTasks m;
    m.set_job_id(job_id);
    for (const auto& [name, attempt] : tasks) {
      contract::AttemptKey* k = m.add_tasks();
      k->set_task_name(name);
      k->set_attempt(attempt);
    }
    commands.push_back({party, paths::kTaskCollect, ToJson(m), ""});
  }
  return Send(commands);
}

std::vector<PartyReply> PartnerStub::StopTask(const std::vector<std::string>& parties, const std::string& job_id,
                                              const std::string& task, std::int32_t attempt, TaskStatus status,
                                              const std::string& reason) {
  contract::StopTask m;
  m.set_job_id(job_id);
  m.set_task_name(task);
  m.set_attempt(attempt);
  m.set_status(TaskStatusName(status));
  m.set_reason(reason);
  return Broadcast(parties, paths::kTaskStop, job_id, "task-stop", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::CreateAttempt(const std::vector<std::string>& parties, const std::string& job_id,
                                                   const std::string& task, std::int32_t attempt) {
  contract::TaskAttemptRef m;
  m.set_job_id(job_id);
  m.set_task_name(task);
  m.set_attempt(attempt);
  return Broadcast(parties, paths::kTaskRerun, job_id, "task-rerun", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::UpdateTaskStatus(const std::vector<std::string>& parties,
                                                      const std::string& job_id, const std::string& task,
                                                      std::int32_t attempt, TaskStatus status) {
  contract::UpdateTaskStatus m;
  m.set_job_id(job_id);
  m.set_task_name(task);
  m.set_attempt(attempt);
  m.set_status(TaskStatusName(status));
  return Broadcast(parties, paths::kTaskStatusUpdate, job_id, "task-status", ToJson(m), true);
}

std::vector<PartyReply> PartnerStub::UpdateProgress(const std::vector<std::string>& parties, const std::string& job_id,
                                                    std::int32_t progress) {
  contract::UpdateProgress m;
  m.set_job_id(job_id);
  m.set_progress(progress);
  return Broadcast(parties, paths::kJobUpdate, job_id, "progress", ToJson(m), false);
}

}  // namespace fedflow::sched
