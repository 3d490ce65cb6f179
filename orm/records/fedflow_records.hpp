#pragma once
// ODB persistent records: the input of the odb compiler (codegen/cmake/Odb.cmake).
// C++14 and std types only. Records never leave orm/: repositories map them to the
// ODB-free rows of orm/rows.hpp. Statuses are stored as FATE strings ("waiting", ...).
//
// Every status change is one conditional UPDATE (`... WHERE id = ? AND status = <expected>`)
// that also bumps `version`; the optimistic `version` lets ODB refuse stale object updates too.

#include <cstdint>
#include <string>

// Version history: 1 = lifecycle tables; 2 = interconnect command log, providers, queue fields;
// 3 = security (nonces, partner permissions), tracking and data (metrics, outputs, tables).
#pragma db model version(1, 3)

namespace fedflow {
namespace orm {
namespace records {

/// A job as one party sees it: one row per (job, role, party) at that party.
#pragma db object table("ff_job") optimistic
struct JobRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db version
  std::uint64_t version = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(32)")
  std::string role;
#pragma db type("VARCHAR(64)")
  std::string party_id;
#pragma db type("VARCHAR(16)")
  std::string status;
#pragma db type("VARCHAR(64)")
  std::string initiator_party_id;
#pragma db type("VARCHAR(64)")
  std::string scheduler_party_id;
  std::int32_t priority = 0;
  std::int32_t cores = 0;
  std::int64_t memory_mb = 0;
  std::int32_t progress = 0;
  std::string user_name;
  std::string description;
  std::string failure_reason;
  std::string waiting_reason;
#pragma db mysql:type("MEDIUMTEXT")
  std::string plan_json;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};
#pragma db index(JobRecord::"ff_job_key_u") unique members(job_id, role, party_id)
#pragma db index(JobRecord::"ff_job_status_i") members(status, created_ms)

/// The scheduling party's row of a job: one per job, owned by the instance holding its lease.
#pragma db object table("ff_schedule_job") optimistic
struct ScheduleJobRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db version
  std::uint64_t version = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(16)")
  std::string status;
#pragma db type("VARCHAR(64)")
  std::string initiator_party_id;
  std::int32_t priority = 0;
  std::int32_t progress = 0;
  bool cancel_signal = false;
  bool rerun_signal = false;
  std::int32_t run_epoch = 0;
#pragma db type("VARCHAR(128)")
  std::string lease_owner;
  std::int64_t lease_until_ms = 0;
  std::string user_name;
  std::string failure_reason;
  std::string waiting_reason;
#pragma db mysql:type("MEDIUMTEXT")
  std::string spec_json;
  std::int64_t timeout_ms = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  // Added in version 2.
#pragma db default(0)
  std::int64_t waiting_since_ms = 0;   ///< when the job (re)entered the queue: drives aging
#pragma db default(0)
  std::int64_t next_admit_ms = 0;      ///< do not try to admit before this time (backoff)
#pragma db type("VARCHAR(64)") default("")
  std::string unreachable_party;       ///< a party that stopped answering, "" when all answer
#pragma db default(0)
  std::int64_t unreachable_since_ms = 0;
#pragma db default(1)
  bool end_synced = true;              ///< every party confirmed the end status (false: keep resending)
};
#pragma db index(ScheduleJobRecord::"ff_schedule_job_id_u") unique member(job_id)
#pragma db index(ScheduleJobRecord::"ff_schedule_job_status_i") members(status, priority, created_ms)

/// The scheduler's federated view of one task attempt (status aggregated over parties).
#pragma db object table("ff_schedule_task") optimistic
struct ScheduleTaskRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db version
  std::uint64_t version = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(128)")
  std::string task_name;
  std::int32_t attempt = 0;
#pragma db type("VARCHAR(16)")
  std::string status;
  std::int32_t retries_left = 0;
  std::int64_t not_before_ms = 0;
  std::string failure_reason;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};
#pragma db index(ScheduleTaskRecord::"ff_schedule_task_key_u") unique members(job_id, task_name, attempt)
#pragma db index(ScheduleTaskRecord::"ff_schedule_task_status_i") members(job_id, status)

/// The scheduler's copy of one party's status of one task attempt (filled by polling).
#pragma db object table("ff_schedule_task_party") optimistic
struct ScheduleTaskPartyRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db version
  std::uint64_t version = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(128)")
  std::string task_name;
  std::int32_t attempt = 0;
#pragma db type("VARCHAR(32)")
  std::string role;
#pragma db type("VARCHAR(64)")
  std::string party_id;
#pragma db type("VARCHAR(16)")
  std::string status;
  std::string failure_reason;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};
#pragma db index(ScheduleTaskPartyRecord::"ff_schedule_task_party_key_u") unique \
    members(job_id, task_name, attempt, role, party_id)

/// One attempt of one task at one party (this party's execution; a retry is a new row).
#pragma db object table("ff_task") optimistic
struct TaskAttemptRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db version
  std::uint64_t version = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(128)")
  std::string task_name;
  std::int32_t attempt = 0;
#pragma db type("VARCHAR(32)")
  std::string role;
#pragma db type("VARCHAR(64)")
  std::string party_id;
#pragma db type("VARCHAR(16)")
  std::string status;
#pragma db type("VARCHAR(16)")
  std::string federated_status;
#pragma db type("VARCHAR(128)")
  std::string module;
#pragma db type("VARCHAR(128)")
  std::string provider;
#pragma db type("VARCHAR(64)")
  std::string token;
#pragma db type("VARCHAR(128)")
  std::string launched_by;
  std::int64_t pid = 0;
  std::int32_t exit_code = -1;
  std::string failure_reason;
  std::string workdir;
#pragma db mysql:type("MEDIUMTEXT")
  std::string config_json;
  std::int64_t timeout_ms = 0;
  std::int64_t heartbeat_ms = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};
#pragma db index(TaskAttemptRecord::"ff_task_key_u") unique members(job_id, task_name, attempt, role, party_id)
#pragma db index(TaskAttemptRecord::"ff_task_status_i") members(status, updated_ms)
#pragma db index(TaskAttemptRecord::"ff_task_token_i") member(token)

/// Ledger row: resources one party grants one job run. Free = capacity - sum(held).
#pragma db object table("ff_resource_allocation") optimistic
struct AllocationRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db version
  std::uint64_t version = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(64)")
  std::string party_id;
  std::int32_t run_epoch = 0;
#pragma db type("VARCHAR(16)")
  std::string status;
  std::int32_t cores = 0;
  std::int64_t memory_mb = 0;
  std::string reason;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};
#pragma db index(AllocationRecord::"ff_allocation_key_u") unique members(job_id, party_id, run_epoch)
#pragma db index(AllocationRecord::"ff_allocation_status_i") members(party_id, status)

/// Configured capacity of this party's compute engine (registered at start from the config).
#pragma db object table("ff_engine_capacity")
struct EngineCapacityRecord {
#pragma db id type("VARCHAR(64)")
  std::string engine;
#pragma db type("VARCHAR(64)")
  std::string party_id;
  std::int32_t cores = 0;
  std::int64_t memory_mb = 0;
  std::int32_t max_running_jobs = 0;
  std::int64_t updated_ms = 0;
};

/// Version 2: the answer given to an interconnect command, keyed by its idempotency key, so a
/// retried command gets the same answer without running twice.
#pragma db object table("ff_command")
struct CommandRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(128)")
  std::string command_key;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(64)")
  std::string command;
  std::int32_t http_status = 200;
#pragma db mysql:type("MEDIUMTEXT")
  std::string response_json;
  std::int64_t created_ms = 0;
};
#pragma db index(CommandRecord::"ff_command_key_u") unique member(command_key)
#pragma db index(CommandRecord::"ff_command_job_i") member(job_id)

/// Version 2: a registered component provider (from the config or /v2/provider/register).
#pragma db object table("ff_provider")
struct ProviderRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(128)")
  std::string name;
#pragma db type("VARCHAR(64)")
  std::string version;
  std::string executable;
  std::string modules_json;
#pragma db type("VARCHAR(16)")
  std::string source;
  std::int64_t registered_ms = 0;
};
#pragma db index(ProviderRecord::"ff_provider_key_u") unique members(name, version)

/// Version 2: a running server instance of this party (HA visibility), heartbeated by its detector.
#pragma db object table("ff_instance")
struct InstanceRecord {
#pragma db id type("VARCHAR(128)")
  std::string instance_id;
#pragma db type("VARCHAR(64)")
  std::string party_id;
  std::string host;
  std::int32_t port = 0;
  std::string version;
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
};

/// Version 2: a third-party server registered through /v2/server/registry (FATE-Flow 2.x).
#pragma db object table("ff_server")
struct ServerRecord {
#pragma db id type("VARCHAR(128)")
  std::string server_name;
  std::string host;
  std::int32_t port = 0;
#pragma db type("VARCHAR(16)")
  std::string protocol;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

/// Version 2: a service of a registered server (/v2/server/service/registry).
#pragma db object table("ff_service")
struct ServiceRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(128)")
  std::string server_name;
#pragma db type("VARCHAR(128)")
  std::string service_name;
  std::string uri;
#pragma db type("VARCHAR(16)")
  std::string method;
  std::string params_json;
  std::string data_json;
  std::string headers_json;
#pragma db type("VARCHAR(16)")
  std::string protocol;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};
#pragma db index(ServiceRecord::"ff_service_key_u") unique members(server_name, service_name)

/// Version 3: a nonce of a signed request, kept until its timestamp leaves the allowed skew, so
/// a captured request is refused when replayed (to any instance of this party).
#pragma db object table("ff_nonce")
struct NonceRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(128)")
  std::string sender;
#pragma db type("VARCHAR(64)")
  std::string nonce;
  std::int64_t expires_ms = 0;
};
#pragma db index(NonceRecord::"ff_nonce_key_u") unique members(sender, nonce)
#pragma db index(NonceRecord::"ff_nonce_expiry_i") member(expires_ms)

/// Version 3: what a partner (party id, role or "*") may do here: kind "component" (a module
/// name or "*") or "dataset" ("namespace.name" or "*").
#pragma db object table("ff_permission")
struct PermissionRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(64)")
  std::string party_id;
#pragma db type("VARCHAR(16)")
  std::string role;
#pragma db type("VARCHAR(16)")
  std::string kind;
#pragma db type("VARCHAR(255)")
  std::string value;
  std::int64_t created_ms = 0;
};
#pragma db index(PermissionRecord::"ff_permission_key_u") unique members(party_id, role, kind, value)

/// Version 3: one metric record of a task attempt at this party (FATE's tracking metrics): a data
/// point (`kind` "data": key, value) or the metric's meta (`kind` "meta": value is the meta object).
#pragma db object table("ff_metric")
struct MetricRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(32)")
  std::string role;
#pragma db type("VARCHAR(64)")
  std::string party_id;
#pragma db type("VARCHAR(128)")
  std::string task_name;
  std::int32_t attempt = 0;
#pragma db type("VARCHAR(128)")
  std::string metric_namespace;
#pragma db type("VARCHAR(128)")
  std::string metric_name;
#pragma db type("VARCHAR(8)")
  std::string kind;
#pragma db type("VARCHAR(255)")
  std::string metric_key;
#pragma db mysql:type("MEDIUMTEXT")
  std::string value_json;
  std::int64_t timestamp_ms = 0;
};
#pragma db index(MetricRecord::"ff_metric_task_i") members(job_id, role, party_id, task_name, attempt)

/// Version 3: an output (data or model) a task attempt registered here, with where it lies.
#pragma db object table("ff_output")
struct OutputRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(64)")
  std::string job_id;
#pragma db type("VARCHAR(32)")
  std::string role;
#pragma db type("VARCHAR(64)")
  std::string party_id;
#pragma db type("VARCHAR(128)")
  std::string task_name;
  std::int32_t attempt = 0;
#pragma db type("VARCHAR(8)")
  std::string kind;
#pragma db type("VARCHAR(128)")
  std::string output_key;
  std::string path;
#pragma db mysql:type("MEDIUMTEXT")
  std::string schema_json;
  std::int64_t row_count = 0;
#pragma db type("VARCHAR(128)")
  std::string type_name;
#pragma db mysql:type("MEDIUMTEXT")
  std::string meta_json;
  std::int64_t created_ms = 0;
};
#pragma db index(OutputRecord::"ff_output_key_u") unique members(job_id, role, party_id, task_name, attempt, kind, output_key)

/// Version 3: a table of this party (upload, bound file or bound MySQL table) by (namespace, name).
#pragma db object table("ff_table")
struct TableRecord {
#pragma db id auto
  std::uint64_t id = 0;
#pragma db type("VARCHAR(128)")
  std::string table_namespace;
#pragma db type("VARCHAR(128)")
  std::string table_name;
#pragma db type("VARCHAR(16)")
  std::string engine;
  std::string path;
  std::string address_json;
#pragma db type("VARCHAR(8)")
  std::string delimiter;
  bool have_header = true;
#pragma db type("VARCHAR(128)")
  std::string id_column;
#pragma db type("VARCHAR(128)")
  std::string label_column;
#pragma db mysql:type("MEDIUMTEXT")
  std::string schema_json;
  std::int64_t row_count = 0;
  std::int32_t partitions = 0;
#pragma db type("VARCHAR(16)")
  std::string source;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};
#pragma db index(TableRecord::"ff_table_key_u") unique members(table_namespace, table_name)

/// Sum of an allocation selection (free capacity is derived from it).
#pragma db view object(AllocationRecord)
struct AllocationTotalsView {
#pragma db column("COALESCE(SUM(" + AllocationRecord::cores + "), 0)")
  std::int64_t cores = 0;
#pragma db column("COALESCE(SUM(" + AllocationRecord::memory_mb + "), 0)")
  std::int64_t memory_mb = 0;
#pragma db column("COUNT(" + AllocationRecord::id + ")")
  std::int64_t rows = 0;
};

/// Row count of a job selection (list paging).
#pragma db view object(JobRecord)
struct JobCountView {
#pragma db column("COUNT(" + JobRecord::id + ")")
  std::int64_t count = 0;
};

}  // namespace records
}  // namespace orm
}  // namespace fedflow
