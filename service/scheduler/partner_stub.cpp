#include "service/scheduler/partner_stub.hpp"

#include <boost/json.hpp>

#include "proto/status_names.hpp"

namespace fedflow::sched {

namespace bj = boost::json;

std::vector<PartyReply> PartnerStub::Broadcast(const std::vector<std::string>& parties, const std::string& path,
                                               const std::string& job_id, const std::string& command,
                                               std::string body_json, bool idempotent) {
  // One key for the logical command: every party and every retry of it shares it.
  std::string key = idempotent ? interconnect::NewCommandKey(job_id, command) : "";
  std::vector<interconnect::PartyCommand> commands;
  for (const auto& p : parties) commands.push_back({p, path, body_json, key});
  return client_.Send(commands);
}

std::vector<PartyReply> PartnerStub::CreateJob(const std::vector<std::string>& parties, const std::string& job_id,
                                               const std::string& spec_json, bool validate_only) {
  // The spec is embedded as raw JSON text to avoid a parse/serialise round trip.
  std::string body = "{\"job_id\":" + bj::serialize(bj::value(job_id)) +
                     ",\"validate_only\":" + (validate_only ? "true" : "false") + ",\"spec\":" + spec_json + "}";
  return Broadcast(parties, "/v2/partner/job/create", job_id, validate_only ? "validate" : "create", body,
                   !validate_only);
}

std::vector<PartyReply> PartnerStub::UpdateJobStatus(const std::vector<std::string>& parties,
                                                     const std::string& job_id, JobStatus status,
                                                     const std::string& reason) {
  bj::object o{{"job_id", job_id}, {"status", JobStatusName(status)}, {"reason", reason}};
  return Broadcast(parties, "/v2/partner/job/status/update", job_id, "status", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::ApplyResources(const std::vector<std::string>& parties, const std::string& job_id,
                                                    std::int32_t epoch) {
  bj::object o{{"job_id", job_id}, {"epoch", epoch}};
  return Broadcast(parties, "/v2/partner/job/resource/apply", job_id, "apply", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::ReturnResources(const std::vector<std::string>& parties,
                                                     const std::string& job_id, std::int32_t epoch) {
  bj::object o{{"job_id", job_id}, {"epoch", epoch}};
  return Broadcast(parties, "/v2/partner/job/resource/return", job_id, "return", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::StartJob(const std::vector<std::string>& parties, const std::string& job_id) {
  bj::object o{{"job_id", job_id}};
  return Broadcast(parties, "/v2/partner/job/start", job_id, "start", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::StopJob(const std::vector<std::string>& parties, const std::string& job_id,
                                             JobStatus status, const std::string& reason) {
  bj::object o{{"job_id", job_id}, {"status", JobStatusName(status)}, {"reason", reason}};
  return Broadcast(parties, "/v2/partner/job/stop", job_id, "stop", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::StartTask(const std::vector<std::string>& parties, const std::string& job_id,
                                               const std::string& task, std::int32_t attempt) {
  bj::object o{{"job_id", job_id}, {"task_name", task}, {"attempt", attempt}};
  return Broadcast(parties, "/v2/partner/task/start", job_id, "task-start", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::CollectTasks(
    const std::string& job_id, const std::map<std::string, std::vector<std::pair<std::string, std::int32_t>>>& wanted) {
  std::vector<interconnect::PartyCommand> commands;
  for (const auto& [party, tasks] : wanted) {
    bj::array list;
    for (const auto& [name, attempt] : tasks) list.push_back(bj::object{{"task_name", name}, {"attempt", attempt}});
    bj::object o{{"job_id", job_id}, {"tasks", std::move(list)}};
    commands.push_back({party, "/v2/partner/task/collect", bj::serialize(o), ""});
  }
  return client_.Send(commands);
}

std::vector<PartyReply> PartnerStub::StopTask(const std::vector<std::string>& parties, const std::string& job_id,
                                              const std::string& task, std::int32_t attempt, TaskStatus status,
                                              const std::string& reason) {
  bj::object o{{"job_id", job_id}, {"task_name", task}, {"attempt", attempt}, {"status", TaskStatusName(status)},
               {"reason", reason}};
  return Broadcast(parties, "/v2/partner/task/stop", job_id, "task-stop", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::CreateAttempt(const std::vector<std::string>& parties, const std::string& job_id,
                                                   const std::string& task, std::int32_t attempt) {
  bj::object o{{"job_id", job_id}, {"task_name", task}, {"attempt", attempt}};
  return Broadcast(parties, "/v2/partner/task/rerun", job_id, "task-rerun", bj::serialize(o), true);
}

std::vector<PartyReply> PartnerStub::UpdateProgress(const std::vector<std::string>& parties, const std::string& job_id,
                                                    std::int32_t progress) {
  bj::object o{{"job_id", job_id}, {"progress", progress}};
  return Broadcast(parties, "/v2/partner/job/update", job_id, "progress", bj::serialize(o), false);
}

std::vector<CollectedTask> PartnerStub::ParseCollected(const PartyReply& reply) {
  std::vector<CollectedTask> out;
  if (!reply.status.ok() || !reply.data.is_object()) return out;
  const bj::value* tasks = reply.data.as_object().if_contains("tasks");
  if (!tasks || !tasks->is_array()) return out;
  for (const auto& v : tasks->as_array()) {
    if (!v.is_object()) continue;
    const bj::object& o = v.as_object();
    CollectedTask t;
    auto str = [&](const char* k) -> std::string {
      const bj::value* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : "";
    };
    t.task_name = str("task_name");
    t.role = str("role");
    t.party_id = str("party_id");
    t.reason = str("reason");
    if (const bj::value* a = o.if_contains("attempt"); a && a->is_int64()) t.attempt = static_cast<int>(a->as_int64());
    auto status = ParseTaskStatus(str("status"));
    if (!status.ok()) continue;
    t.status = *status;
    out.push_back(t);
  }
  return out;
}

}  // namespace fedflow::sched
