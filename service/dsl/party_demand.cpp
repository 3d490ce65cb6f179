#include "service/dsl/party_demand.hpp"

namespace fedflow::dsl {
namespace {

/// FATE's IGNORE_RESOURCE_ROLES: an arbiter coordinates the others and runs no compute.
bool HoldsNoResources(const std::string& role) { return role == "arbiter"; }

}  // namespace

PartyDemand DemandOf(const std::string& role, const std::string& party_id, std::int64_t cores,
                     std::int64_t memory_mb) {
  PartyDemand d;
  d.set_role(role);
  d.set_party_id(party_id);
  bool ignore = HoldsNoResources(role);
  d.set_cores(ignore ? 0 : static_cast<int>(cores));
  d.set_memory_mb(ignore ? 0 : memory_mb);
  return d;
}

PartyDemand DemandOfParallelTasks(const std::string& role, const std::string& party_id,
                                  const JobParameters& params) {
  // An ignored role's demand is zero whatever its parameters, so their products, which could
  // overflow, are not formed.
  if (HoldsNoResources(role)) return DemandOf(role, party_id, 0, 0);
  return DemandOf(role, party_id, params.task_cores() * params.task_parallelism(),
                  params.memory_mb() * params.task_parallelism());
}

}  // namespace fedflow::dsl
