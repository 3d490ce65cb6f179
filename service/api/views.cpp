#include "service/api/views.hpp"

#include "proto/status_names.hpp"

namespace fedflow::api {

namespace bj = boost::json;

namespace {

void Times(bj::object& o, std::int64_t created, std::int64_t updated, std::int64_t start, std::int64_t end) {
  o["create_time"] = created;
  o["update_time"] = updated;
  o["start_time"] = start ? bj::value(start) : bj::value(nullptr);
  o["end_time"] = end ? bj::value(end) : bj::value(nullptr);
  o["elapsed"] = (start && end && end >= start) ? bj::value(end - start) : bj::value(nullptr);
}

}  // namespace

bj::object JobView(const orm::JobRow& r) {
  bj::object o;
  o["job_id"] = r.job_id;
  o["role"] = r.role;
  o["party_id"] = r.party_id;
  o["status"] = JobStatusName(r.status);
  o["progress"] = r.progress;
  o["initiator_party_id"] = r.initiator_party_id;
  o["scheduler_party_id"] = r.scheduler_party_id;
  o["priority"] = r.priority;
  o["cores"] = r.cores;
  o["memory"] = r.memory_mb;
  o["user_name"] = r.user_name;
  o["description"] = r.description;
  o["failure_reason"] = r.failure_reason;
  Times(o, r.created_ms, r.updated_ms, r.start_ms, r.end_ms);
  return o;
}

bj::object ScheduleJobView(const orm::ScheduleJobRow& r) {
  bj::object o;
  o["job_id"] = r.job_id;
  o["status"] = JobStatusName(r.status);
  o["progress"] = r.progress;
  o["initiator_party_id"] = r.initiator_party_id;
  o["priority"] = r.priority;
  o["run_epoch"] = r.run_epoch;
  o["cancel_signal"] = r.cancel_signal;
  o["failure_reason"] = r.failure_reason;
  o["waiting_reason"] = r.waiting_reason;
  o["waiting_since"] = r.waiting_since_ms;
  o["end_synced"] = r.end_synced;
  o["scheduled_by"] = r.lease_owner;
  o["unreachable_party"] = r.unreachable_party;
  Times(o, r.created_ms, r.updated_ms, r.start_ms, r.end_ms);
  return o;
}

namespace {

/// Federation traffic of an attempt (or of a party's copy), so users see whether it is sending.
bj::object TrafficView(std::int64_t sent_bytes, std::int64_t sent_messages, std::int64_t received_bytes,
                       std::int64_t received_messages) {
  return bj::object{{"sent_bytes", sent_bytes},
                    {"sent_messages", sent_messages},
                    {"received_bytes", received_bytes},
                    {"received_messages", received_messages}};
}

}  // namespace

bj::object TaskAttemptView(const orm::TaskAttemptRow& r) {
  bj::object o;
  o["job_id"] = r.job_id;
  o["task_name"] = r.task_name;
  o["task_id"] = r.job_id + "_" + r.task_name;
  o["task_version"] = r.attempt;
  o["role"] = r.role;
  o["party_id"] = r.party_id;
  o["party_status"] = TaskStatusName(r.status);
  o["status"] = TaskStatusName(r.federated_status);
  o["component"] = r.module;
  o["provider_name"] = r.provider;
  o["run_pid"] = r.pid;
  o["exit_code"] = r.exit_code;
  o["failure_reason"] = r.failure_reason;
  o["heartbeat_time"] = r.heartbeat_ms;
  o["progress"] = r.progress;
  o["federation"] = TrafficView(r.sent_bytes, r.sent_messages, r.received_bytes, r.received_messages);
  o["workdir"] = r.workdir;
  Times(o, r.created_ms, r.updated_ms, r.start_ms, r.end_ms);
  return o;
}

bj::object ScheduleTaskView(const orm::ScheduleTaskRow& r) {
  bj::object o;
  o["task_name"] = r.task_name;
  o["attempt"] = r.attempt;
  o["status"] = TaskStatusName(r.status);
  o["retries_left"] = r.retries_left;
  o["failure_reason"] = r.failure_reason;
  Times(o, r.created_ms, r.updated_ms, r.start_ms, r.end_ms);
  return o;
}

bj::object TaskPartyView(const orm::ScheduleTaskPartyRow& r) {
  bj::object o;
  o["role"] = r.role;
  o["party_id"] = r.party_id;
  o["status"] = TaskStatusName(r.status);
  o["failure_reason"] = r.failure_reason;
  o["progress"] = r.progress;
  o["federation"] = TrafficView(r.sent_bytes, r.sent_messages, r.received_bytes, r.received_messages);
  Times(o, r.created_ms, r.updated_ms, r.start_ms, r.end_ms);
  return o;
}

}  // namespace fedflow::api
