#pragma once
// What each party of a job must hold before the job may start (its PartyDemand), for both job
// formats. FATE leaves the roles in IGNORE_RESOURCE_ROLES (the arbiter, which only coordinates)
// out of resource accounting, and so does fedflow: their demand is always zero.

#include <cstdint>
#include <string>

#include "proto/fedflow/job.pb.h"

namespace fedflow::dsl {

/// The demand of a party that holds `cores` and `memory_mb` for the whole job; zero at a role
/// that holds no resources. The FATE-Flow 2.x DAG uses it with the job's budget (`conf.cores`).
PartyDemand DemandOf(const std::string& role, const std::string& party_id, std::int64_t cores,
                     std::int64_t memory_mb);

/// FATE 1.x's job resources: `task_cores` and `memory_mb` for each of `task_parallelism` tasks
/// that run at once, from the job parameters that apply at the party; zero at a role that holds
/// no resources.
PartyDemand DemandOfParallelTasks(const std::string& role, const std::string& party_id,
                                  const JobParameters& params);

}  // namespace fedflow::dsl
