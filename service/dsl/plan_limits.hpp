#pragma once
// How big a job may be. The same limits apply where a user submits a job and where a partner
// asks this party to take part in one, so a partner can never make this server plan, store or
// run more than a local user could.

#include <cstddef>

namespace fedflow::dsl {

/// Every limit names its configuration key in the error it causes (limits.<field>).
struct PlanLimits {
  std::size_t max_job_bytes = 1u << 20;         ///< DSL + runtime conf (or the DAG) as JSON text
  std::size_t max_components = 200;             ///< components (tasks) per job
  std::size_t max_parameter_bytes = 256u << 10; ///< one component's parameters at one party, as JSON
  std::size_t max_plan_bytes = 16u << 20;       ///< every party's resolved parameters together
  std::size_t yaml_max_nodes = 100000;          ///< nodes of a YAML DAG after alias expansion
};

}  // namespace fedflow::dsl
