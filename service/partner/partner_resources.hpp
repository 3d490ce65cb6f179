#pragma once
// This party's resources for the jobs it takes part in: a job's demand here is computed from
// this party's own plan of it (never taken from the caller), decided against free capacity in
// the ledger, and released when the job ends or by hand.

#include <cstdint>
#include <string>

#include "base/status.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/partner/job_specs.hpp"
#include "service/partner/participant_deps.hpp"

namespace fedflow::partner {

/// Thread-safe.
class PartnerResources final {
 public:
  PartnerResources(const ParticipantDeps& deps, JobSpecs& specs) : d_(deps), specs_(specs) {}

  /// Cores the job needs at this party (sum over its roles here).
  std::int32_t DemandAt(const JobSpec& spec) const;
  /// Requests this party's resources for a run of the job. The reply says how many cores are
  /// free after the decision, so the scheduler can skip jobs that cannot fit.
  StatusOr<contract::ResourceGrant> Apply(const std::string& job_id, std::int32_t epoch);
  Status Return(const std::string& job_id, std::int32_t epoch);
  /// Releases every allocation the job holds here (it ended).
  Status ReleaseAll(const std::string& job_id, const std::string& reason);
  /// Admin: releases every allocation this party holds for a job (the reason is logged).
  StatusOr<std::size_t> ReleaseByHand(const std::string& job_id, const std::string& reason);
  /// True while the job holds a granted allocation here.
  StatusOr<bool> Holds(const std::string& job_id);

 private:
  const ParticipantDeps& d_;
  JobSpecs& specs_;
};

}  // namespace fedflow::partner
