#include "service/partner/partner_resources.hpp"

#include "base/log.hpp"

namespace fedflow::partner {

std::int32_t PartnerResources::DemandAt(const JobSpec& spec) const {
  std::int32_t cores = 0;
  for (const auto& dm : spec.demands()) {
    if (dm.party_id() == d_.party_id) cores += dm.cores();
  }
  return cores;
}

StatusOr<contract::ResourceGrant> PartnerResources::Apply(const std::string& job_id, std::int32_t epoch) {
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, specs_.SpecOf(job_id));
  contract::ResourceGrant reply;
  if (d_.server_state && d_.server_state->draining()) {
    reply.set_reason("party " + d_.party_id + " is draining (" + d_.server_state->reason() +
                     "): no new job starts there");
    return reply;
  }
  orm::AllocationRow request;
  request.job_id = job_id;
  request.party_id = d_.party_id;
  request.run_epoch = epoch;
  request.cores = DemandAt(*spec);
  FEDFLOW_ASSIGN_OR_RETURN(orm::GrantResult grant, d_.allocation_lifecycle->Request(d_.engine, request));
  reply.set_cores(request.cores);
  reply.set_granted(grant.row.status == ALLOCATION_STATUS_HELD);
  reply.set_free_cores(reply.granted() ? grant.free_cores - request.cores : grant.free_cores);
  if (!reply.granted()) {
    reply.set_reason("party " + d_.party_id + ": " + grant.row.reason);
    auto capacity = d_.allocations->GetCapacity(d_.engine);
    reply.set_exceeds_total(capacity.ok() && request.cores > capacity->cores);
  }
  return reply;
}

Status PartnerResources::Return(const std::string& job_id, std::int32_t epoch) {
  return d_.allocation_lifecycle->Release(job_id, d_.party_id, epoch, "returned by the scheduler").status();
}

Status PartnerResources::ReleaseAll(const std::string& job_id, const std::string& reason) {
  return d_.allocation_lifecycle->ReleaseAllOfJob(job_id, reason).status();
}

StatusOr<std::size_t> PartnerResources::ReleaseByHand(const std::string& job_id, const std::string& reason) {
  auto released = d_.allocation_lifecycle->ReleaseAllOfJob(job_id, "released by hand: " + reason);
  if (!released.ok()) return released.status();
  log::Get("resource")->info("job_id={} party={} released={} by hand reason={}", job_id, d_.party_id, *released,
                             reason);
  return released;
}

StatusOr<bool> PartnerResources::Holds(const std::string& job_id) {
  auto rows = d_.allocations->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    if (row.party_id == d_.party_id && row.status == ALLOCATION_STATUS_HELD) return true;
  }
  return false;
}

}  // namespace fedflow::partner
