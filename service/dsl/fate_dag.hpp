#pragma once
// FATE-Flow 2.x job input: the DAG schema (YAML or JSON: schema_version, dag.parties, dag.conf,
// dag.tasks, dag.party_tasks), translated to the same JobSpec as a FATE 1.x DSL job.
//
// Mapping (docs/job-formats.md): a task's module is its `component_ref`; its parties are
// `task.parties` or else `dag.parties`; parameters are `task.parameters` merged with every
// `party_tasks` entry covering the party; upstream tasks come from `task_output_artifact`
// inputs and `dependent_tasks`. Job budget and parallelism follow FATE-Flow 2.x: task cores =
// `conf.task.engine_run.cores`, job cores = `conf.cores`, parallelism = job cores / task cores.

#include <string_view>

#include <boost/json/value.hpp>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace fedflow::dsl {

/// Parses a DAG given as JSON. `initiator_party_id` is this server's party (it schedules).
StatusOr<JobSpec> ParseFateDag(const boost::json::value& dag_schema, const std::string& initiator_party_id,
                               const PlanContext& ctx);

/// Parses YAML (or JSON, which is YAML) text into JSON; errors carry line and column. A document
/// that would expand (through anchors and aliases) to more than `max_nodes` nodes, or nest deeper
/// than json::MaxDepth(), is refused before it is built.
StatusOr<boost::json::value> YamlToJson(std::string_view text, std::string_view what,
                                        std::size_t max_nodes = PlanLimits{}.yaml_max_nodes);

}  // namespace fedflow::dsl
