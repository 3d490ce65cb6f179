#pragma once
// The one way a job becomes a plan (JobSpec), wherever it comes from:
// - at its initiator, from a submit body (FATE 1.x DSL + runtime conf, or a FATE-Flow 2.x DAG);
// - at every other party, from the same DSL and conf (or DAG) that the initiator received, which
//   a partner's job/create carries: the receiving party plans the job itself, with its own
//   defaults and limits, exactly as strictly as a local submit. The partner's own plan is only
//   compared with ours; nothing in it is trusted (task names, inputs, demands).

#include <string>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace fedflow::dsl {

/// Plans a submit body: {"dsl", "runtime_conf"} (also "job_dsl", "job_runtime_conf"), or
/// {"dag_schema": object or YAML text}, or a bare DAG {schema_version, dag}. `self_party_id` must
/// be the job's initiator. The job id is left empty.
StatusOr<JobSpec> PlanSubmission(const boost::json::object& body, const std::string& self_party_id,
                                 const PlanContext& ctx);

/// Plans at this party the job `received` from its initiator: re-parsed from its DSL and conf (or
/// DAG) with `ctx`; job id, user name and description are taken over after checks. The result is
/// compared with `received` task by task, and a difference is an InvalidArgument naming it.
StatusOr<JobSpec> ReplanReceived(const JobSpec& received, const PlanContext& ctx);

/// OK when two plans of one job agree on what every party runs (initiator, parties, and per task:
/// module, provider, upstream, inputs, outputs, parties with need_run); else InvalidArgument
/// naming the first difference. Defaults that parties may set differently (cores, retries,
/// timeouts, parameters) are not compared.
Status CheckSamePlan(const JobSpec& ours, const JobSpec& theirs);

}  // namespace fedflow::dsl
