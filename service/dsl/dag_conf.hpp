#pragma once
// The job-level parts of a FATE-Flow 2.x DAG: party lists ([{role, party_id: [...]}]), task conf
// objects (TaskConfSpec: provider, timeout, engine_run.cores) and `dag.conf` with `dag.stage`,
// which become the job parameters and the job's core budget.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace boost::json {
class object;
class value;
}  // namespace boost::json

namespace fedflow::dsl {

/// A party of a DAG: (role, party id).
using DagParty = std::pair<std::string, std::string>;

/// Reads a party list at `path` into distinct (role, party id) pairs in list order. With
/// `allowed` (the job's dag.parties) every pair must be one of them; without it every party is
/// checked with `ctx.check_party`.
StatusOr<std::vector<DagParty>> ReadDagParties(const boost::json::value& v, const std::string& path,
                                               const PlanContext& ctx, const std::vector<DagParty>* allowed);

/// What fedflow takes from a task conf. Each level (job, task, party_tasks) applies over the one
/// before it; -1 means "not set".
struct DagTaskConf {
  std::string provider;
  std::int64_t timeout_s = -1;
  std::int64_t cores = -1;
};

/// Applies one task conf object at `path` over `c`.
Status ApplyDagTaskConf(const boost::json::object& o, const std::string& path, DagTaskConf* c);

/// The job as `dag.conf` and `dag.stage` describe it.
struct DagJobConf {
  /// Job parameters over the defaults. Following FATE-Flow 2.x, task cores are
  /// `conf.task.engine_run.cores` and parallelism is job cores / task cores.
  JobParameters params;
  /// `conf.task`, the job-wide task conf.
  DagTaskConf task;
  /// `conf.cores`, never below one task's cores: what each party holds for the job.
  std::int64_t job_cores = 0;
  /// `conf.model_warehouse`: the stored model that model warehouse inputs read by default.
  std::string warehouse_model_id, warehouse_model_version;
};

/// Reads `dag.conf` and `dag.stage`. fedflow schedules a job where it is submitted, so a
/// `scheduler_party_id` other than `initiator_party_id` is refused.
StatusOr<DagJobConf> ReadDagJobConf(const boost::json::object& dag, const std::string& initiator_party_id,
                                    const PlanContext& ctx);

}  // namespace fedflow::dsl
