#pragma once
// ODB-free rows: what the repositories hand to the rest of fedflow. C++14-clean (orm/ compiles
// its implementation as C++14, see docs/toolchain.md); statuses are the proto enums.

#include <cstdint>
#include <string>

#include "proto/fedflow/common.pb.h"

namespace fedflow {
namespace orm {

/// A job at one party: one row per (job, role, party).
struct JobRow {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  std::string job_id;
  std::string role;
  std::string party_id;
  JobStatus status = JOB_STATUS_READY;
  std::string initiator_party_id;
  std::string scheduler_party_id;
  std::int32_t priority = 0;
  std::int32_t cores = 0;
  std::int64_t memory_mb = 0;
  std::int32_t progress = 0;
  std::string user_name;
  std::string description;
  std::string failure_reason;
  std::string waiting_reason;
  std::string plan_json;  ///< this party's task plan (JSON of proto fedflow.PartyPlan)
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

/// The scheduling party's row of a job.
struct ScheduleJobRow {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  std::string job_id;
  JobStatus status = JOB_STATUS_READY;
  std::string initiator_party_id;
  std::int32_t priority = 0;
  std::int32_t progress = 0;
  bool cancel_signal = false;
  bool rerun_signal = false;
  std::int32_t run_epoch = 0;   ///< incremented by every rerun; keys the allocation ledger rows
  std::string lease_owner;      ///< server instance currently scheduling the job
  std::int64_t lease_until_ms = 0;
  std::string user_name;
  std::string failure_reason;
  std::string waiting_reason;
  std::string spec_json;        ///< the whole job (JSON of proto fedflow.JobSpec)
  std::int64_t timeout_ms = 0;  ///< 0 = no job timeout
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::int64_t waiting_since_ms = 0;     ///< entered the queue (aging); reset by rerun
  std::int64_t next_admit_ms = 0;        ///< admission backoff
  std::string unreachable_party;         ///< party that stopped answering ("" = none)
  std::int64_t unreachable_since_ms = 0;
  bool end_synced = true;                ///< false while an end status still has to reach some party
};

/// The scheduler's federated status of one task attempt.
struct ScheduleTaskRow {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  std::string job_id;
  std::string task_name;
  std::int32_t attempt = 0;
  TaskStatus status = TASK_STATUS_WAITING;
  std::int32_t retries_left = 0;
  std::int64_t not_before_ms = 0;  ///< retry backoff: do not start before this time
  std::string failure_reason;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

/// The scheduler's copy of one party's status of one task attempt.
struct ScheduleTaskPartyRow {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  std::string job_id;
  std::string task_name;
  std::int32_t attempt = 0;
  std::string role;
  std::string party_id;
  TaskStatus status = TASK_STATUS_WAITING;
  std::string failure_reason;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

/// One attempt of one task at this party.
struct TaskAttemptRow {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  std::string job_id;
  std::string task_name;
  std::int32_t attempt = 0;
  std::string role;
  std::string party_id;
  TaskStatus status = TASK_STATUS_WAITING;
  TaskStatus federated_status = TASK_STATUS_WAITING;
  std::string module;
  std::string provider;
  std::string token;        ///< per-attempt secret the worker presents to /v2/worker/...
  std::string launched_by;  ///< server instance that launched the worker
  std::int64_t pid = 0;     ///< worker process (and process group) id; 0 = not launched
  std::int32_t exit_code = -1;
  std::string failure_reason;
  std::string workdir;
  std::string config_json;  ///< resolved parameters and inputs of this attempt
  std::int64_t timeout_ms = 0;
  std::int64_t heartbeat_ms = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

/// One ledger row: resources a party grants one run of a job.
struct AllocationRow {
  std::uint64_t id = 0;
  std::uint64_t version = 0;
  std::string job_id;
  std::string party_id;
  std::int32_t run_epoch = 0;
  AllocationStatus status = ALLOCATION_STATUS_REQUESTED;
  std::int32_t cores = 0;
  std::int64_t memory_mb = 0;
  std::string reason;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

/// Configured capacity of this party's engine.
struct EngineCapacityRow {
  std::string engine;
  std::string party_id;
  std::int32_t cores = 0;
  std::int64_t memory_mb = 0;
  std::int32_t max_running_jobs = 0;  ///< 0 = unlimited
  std::int64_t updated_ms = 0;
};

/// The stored answer to an interconnect command (idempotency).
struct CommandRow {
  std::string command_key;
  std::string job_id;
  std::string command;
  std::int32_t http_status = 200;
  std::string response_json;
  std::int64_t created_ms = 0;
};

/// A registered component provider.
struct ProviderRow {
  std::string name;
  std::string version;
  std::string executable;
  std::string modules_json;  ///< JSON array of module names
  std::string source;        ///< "config" or "api"
  std::int64_t registered_ms = 0;
};

/// A server instance of this party.
struct InstanceRow {
  std::string instance_id;
  std::string party_id;
  std::string host;
  std::int32_t port = 0;
  std::string version;
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
};

/// A registered third-party server.
struct ServerRow {
  std::string server_name;
  std::string host;
  std::int32_t port = 0;
  std::string protocol;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

/// A service of a registered server.
struct ServiceRow {
  std::string server_name;
  std::string service_name;
  std::string uri;
  std::string method;
  std::string params_json;
  std::string data_json;
  std::string headers_json;
  std::string protocol;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

/// A grant to a partner (ff_permission).
struct PermissionRow {
  std::string party_id;
  std::string role = "*";     ///< guest, host, arbiter, local or "*"
  std::string kind;           ///< "component" or "dataset"
  std::string value;          ///< module name, "namespace.name", or "*"
  std::int64_t created_ms = 0;
};

/// A metric record of a task attempt (ff_metric).
struct MetricRow {
  std::string job_id;
  std::string role;
  std::string party_id;
  std::string task_name;
  std::int32_t attempt = 0;
  std::string metric_namespace;
  std::string metric_name;
  std::string kind;        ///< "data" (a point: key, value) or "meta" (value = the meta object)
  std::string key;
  std::string value_json;
  std::int64_t timestamp_ms = 0;
};

/// An output of a task attempt (ff_output).
struct OutputRow {
  std::string job_id;
  std::string role;
  std::string party_id;
  std::string task_name;
  std::int32_t attempt = 0;
  std::string kind;         ///< "data" or "model"
  std::string output_key;
  std::string path;         ///< file or directory under the attempt's directory
  std::string schema_json;  ///< data: header, columns, id and label columns
  std::int64_t row_count = 0;
  std::string type_name;    ///< model: what kind of model
  std::string meta_json;
  std::int64_t created_ms = 0;
};

/// A table of this party (ff_table).
struct TableRow {
  std::string table_namespace;
  std::string table_name;
  std::string engine;        ///< "file" (uploaded here), "path" (bound file), "mysql" (bound table)
  std::string path;          ///< the CSV file (file, path)
  std::string address_json;  ///< mysql: {host, port, user, password, db, table}
  std::string delimiter = ",";
  bool have_header = true;
  std::string id_column;
  std::string label_column;
  std::string schema_json;
  std::int64_t row_count = 0;
  std::int32_t partitions = 0;
  std::string source;        ///< "upload" or "bind"
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

/// Optional column changes applied together with a status compare-and-set.
struct TransitionExtras {
  std::int64_t start_ms = -1;   ///< -1 = leave unchanged
  std::int64_t end_ms = -1;     ///< -1 = leave unchanged
  std::string reason;           ///< failure/waiting reason; empty = leave unchanged
};

}  // namespace orm
}  // namespace fedflow
