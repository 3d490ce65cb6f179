#include "orm/src/mapping.hpp"

#include "base/log.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

// A status string the build does not know means a newer writer or a hand edit: keep going with
// UNSPECIFIED (never matches a transition) and say so.
template <typename E>
E ParseOr(const std::string& text, StatusOr<E> (*parse)(const std::string&), E fallback, const char* table) {
  StatusOr<E> v = parse(text);
  if (v.ok()) return *v;
  log::Get("orm")->warn("table={} unknown status='{}' treated as unspecified", table, text);
  return fallback;
}

}  // namespace

JobRow ToRow(const records::JobRecord& r) {
  JobRow row;
  row.id = r.id;
  row.version = r.version;
  row.job_id = r.job_id;
  row.role = r.role;
  row.party_id = r.party_id;
  row.status = ParseOr(r.status, &ParseJobStatus, JOB_STATUS_UNSPECIFIED, "ff_job");
  row.initiator_party_id = r.initiator_party_id;
  row.scheduler_party_id = r.scheduler_party_id;
  row.priority = r.priority;
  row.cores = r.cores;
  row.memory_mb = r.memory_mb;
  row.progress = r.progress;
  row.user_name = r.user_name;
  row.description = r.description;
  row.failure_reason = r.failure_reason;
  row.waiting_reason = r.waiting_reason;
  row.plan_json = r.plan_json;
  row.created_ms = r.created_ms;
  row.updated_ms = r.updated_ms;
  row.start_ms = r.start_ms;
  row.end_ms = r.end_ms;
  return row;
}

records::JobRecord ToRecord(const JobRow& row) {
  records::JobRecord r;
  r.id = row.id;
  r.version = row.version;
  r.job_id = row.job_id;
  r.role = row.role;
  r.party_id = row.party_id;
  r.status = JobStatusName(row.status);
  r.initiator_party_id = row.initiator_party_id;
  r.scheduler_party_id = row.scheduler_party_id;
  r.priority = row.priority;
  r.cores = row.cores;
  r.memory_mb = row.memory_mb;
  r.progress = row.progress;
  r.user_name = row.user_name;
  r.description = row.description;
  r.failure_reason = row.failure_reason;
  r.waiting_reason = row.waiting_reason;
  r.plan_json = row.plan_json;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.start_ms = row.start_ms;
  r.end_ms = row.end_ms;
  return r;
}

ScheduleJobRow ToRow(const records::ScheduleJobRecord& r) {
  ScheduleJobRow row;
  row.id = r.id;
  row.version = r.version;
  row.job_id = r.job_id;
  row.status = ParseOr(r.status, &ParseJobStatus, JOB_STATUS_UNSPECIFIED, "ff_schedule_job");
  row.initiator_party_id = r.initiator_party_id;
  row.priority = r.priority;
  row.progress = r.progress;
  row.cancel_signal = r.cancel_signal;
  row.rerun_signal = r.rerun_signal;
  row.run_epoch = r.run_epoch;
  row.lease_owner = r.lease_owner;
  row.lease_until_ms = r.lease_until_ms;
  row.user_name = r.user_name;
  row.failure_reason = r.failure_reason;
  row.waiting_reason = r.waiting_reason;
  row.spec_json = r.spec_json;
  row.timeout_ms = r.timeout_ms;
  row.created_ms = r.created_ms;
  row.updated_ms = r.updated_ms;
  row.start_ms = r.start_ms;
  row.end_ms = r.end_ms;
  row.waiting_since_ms = r.waiting_since_ms;
  row.next_admit_ms = r.next_admit_ms;
  row.unreachable_party = r.unreachable_party;
  row.unreachable_since_ms = r.unreachable_since_ms;
  row.end_synced = r.end_synced;
  return row;
}

records::ScheduleJobRecord ToRecord(const ScheduleJobRow& row) {
  records::ScheduleJobRecord r;
  r.id = row.id;
  r.version = row.version;
  r.job_id = row.job_id;
  r.status = JobStatusName(row.status);
  r.initiator_party_id = row.initiator_party_id;
  r.priority = row.priority;
  r.progress = row.progress;
  r.cancel_signal = row.cancel_signal;
  r.rerun_signal = row.rerun_signal;
  r.run_epoch = row.run_epoch;
  r.lease_owner = row.lease_owner;
  r.lease_until_ms = row.lease_until_ms;
  r.user_name = row.user_name;
  r.failure_reason = row.failure_reason;
  r.waiting_reason = row.waiting_reason;
  r.spec_json = row.spec_json;
  r.timeout_ms = row.timeout_ms;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.start_ms = row.start_ms;
  r.end_ms = row.end_ms;
  r.waiting_since_ms = row.waiting_since_ms;
  r.next_admit_ms = row.next_admit_ms;
  r.unreachable_party = row.unreachable_party;
  r.unreachable_since_ms = row.unreachable_since_ms;
  r.end_synced = row.end_synced;
  return r;
}

ScheduleTaskRow ToRow(const records::ScheduleTaskRecord& r) {
  ScheduleTaskRow row;
  row.id = r.id;
  row.version = r.version;
  row.job_id = r.job_id;
  row.task_name = r.task_name;
  row.attempt = r.attempt;
  row.status = ParseOr(r.status, &ParseTaskStatus, TASK_STATUS_UNSPECIFIED, "ff_schedule_task");
  row.retries_left = r.retries_left;
  row.not_before_ms = r.not_before_ms;
  row.failure_reason = r.failure_reason;
  row.created_ms = r.created_ms;
  row.updated_ms = r.updated_ms;
  row.start_ms = r.start_ms;
  row.end_ms = r.end_ms;
  return row;
}

records::ScheduleTaskRecord ToRecord(const ScheduleTaskRow& row) {
  records::ScheduleTaskRecord r;
  r.id = row.id;
  r.version = row.version;
  r.job_id = row.job_id;
  r.task_name = row.task_name;
  r.attempt = row.attempt;
  r.status = TaskStatusName(row.status);
  r.retries_left = row.retries_left;
  r.not_before_ms = row.not_before_ms;
  r.failure_reason = row.failure_reason;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.start_ms = row.start_ms;
  r.end_ms = row.end_ms;
  return r;
}

ScheduleTaskPartyRow ToRow(const records::ScheduleTaskPartyRecord& r) {
  ScheduleTaskPartyRow row;
  row.id = r.id;
  row.version = r.version;
  row.job_id = r.job_id;
  row.task_name = r.task_name;
  row.attempt = r.attempt;
  row.role = r.role;
  row.party_id = r.party_id;
  row.status = ParseOr(r.status, &ParseTaskStatus, TASK_STATUS_UNSPECIFIED, "ff_schedule_task_party");
  row.failure_reason = r.failure_reason;
  row.created_ms = r.created_ms;
  row.updated_ms = r.updated_ms;
  row.start_ms = r.start_ms;
  row.end_ms = r.end_ms;
  return row;
}

records::ScheduleTaskPartyRecord ToRecord(const ScheduleTaskPartyRow& row) {
  records::ScheduleTaskPartyRecord r;
  r.id = row.id;
  r.version = row.version;
  r.job_id = row.job_id;
  r.task_name = row.task_name;
  r.attempt = row.attempt;
  r.role = row.role;
  r.party_id = row.party_id;
  r.status = TaskStatusName(row.status);
  r.failure_reason = row.failure_reason;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.start_ms = row.start_ms;
  r.end_ms = row.end_ms;
  return r;
}

TaskAttemptRow ToRow(const records::TaskAttemptRecord& r) {
  TaskAttemptRow row;
  row.id = r.id;
  row.version = r.version;
  row.job_id = r.job_id;
  row.task_name = r.task_name;
  row.attempt = r.attempt;
  row.role = r.role;
  row.party_id = r.party_id;
  row.status = ParseOr(r.status, &ParseTaskStatus, TASK_STATUS_UNSPECIFIED, "ff_task");
  row.federated_status = ParseOr(r.federated_status, &ParseTaskStatus, TASK_STATUS_UNSPECIFIED, "ff_task");
  row.module = r.module;
  row.provider = r.provider;
  row.token = r.token;
  row.launched_by = r.launched_by;
  row.pid = r.pid;
  row.exit_code = r.exit_code;
  row.failure_reason = r.failure_reason;
  row.workdir = r.workdir;
  row.config_json = r.config_json;
  row.timeout_ms = r.timeout_ms;
  row.heartbeat_ms = r.heartbeat_ms;
  row.created_ms = r.created_ms;
  row.updated_ms = r.updated_ms;
  row.start_ms = r.start_ms;
  row.end_ms = r.end_ms;
  return row;
}

records::TaskAttemptRecord ToRecord(const TaskAttemptRow& row) {
  records::TaskAttemptRecord r;
  r.id = row.id;
  r.version = row.version;
  r.job_id = row.job_id;
  r.task_name = row.task_name;
  r.attempt = row.attempt;
  r.role = row.role;
  r.party_id = row.party_id;
  r.status = TaskStatusName(row.status);
  r.federated_status = TaskStatusName(row.federated_status);
  r.module = row.module;
  r.provider = row.provider;
  r.token = row.token;
  r.launched_by = row.launched_by;
  r.pid = row.pid;
  r.exit_code = row.exit_code;
  r.failure_reason = row.failure_reason;
  r.workdir = row.workdir;
  r.config_json = row.config_json;
  r.timeout_ms = row.timeout_ms;
  r.heartbeat_ms = row.heartbeat_ms;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  r.start_ms = row.start_ms;
  r.end_ms = row.end_ms;
  return r;
}

AllocationRow ToRow(const records::AllocationRecord& r) {
  AllocationRow row;
  row.id = r.id;
  row.version = r.version;
  row.job_id = r.job_id;
  row.party_id = r.party_id;
  row.run_epoch = r.run_epoch;
  row.status = ParseOr(r.status, &ParseAllocationStatus, ALLOCATION_STATUS_UNSPECIFIED, "ff_resource_allocation");
  row.cores = r.cores;
  row.memory_mb = r.memory_mb;
  row.reason = r.reason;
  row.created_ms = r.created_ms;
  row.updated_ms = r.updated_ms;
  return row;
}

records::AllocationRecord ToRecord(const AllocationRow& row) {
  records::AllocationRecord r;
  r.id = row.id;
  r.version = row.version;
  r.job_id = row.job_id;
  r.party_id = row.party_id;
  r.run_epoch = row.run_epoch;
  r.status = AllocationStatusName(row.status);
  r.cores = row.cores;
  r.memory_mb = row.memory_mb;
  r.reason = row.reason;
  r.created_ms = row.created_ms;
  r.updated_ms = row.updated_ms;
  return r;
}

EngineCapacityRow ToRow(const records::EngineCapacityRecord& r) {
  EngineCapacityRow row;
  row.engine = r.engine;
  row.party_id = r.party_id;
  row.cores = r.cores;
  row.memory_mb = r.memory_mb;
  row.max_running_jobs = r.max_running_jobs;
  row.updated_ms = r.updated_ms;
  return row;
}

records::EngineCapacityRecord ToRecord(const EngineCapacityRow& row) {
  records::EngineCapacityRecord r;
  r.engine = row.engine;
  r.party_id = row.party_id;
  r.cores = row.cores;
  r.memory_mb = row.memory_mb;
  r.max_running_jobs = row.max_running_jobs;
  r.updated_ms = row.updated_ms;
  return r;
}

}  // namespace orm
}  // namespace fedflow
