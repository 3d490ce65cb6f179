#pragma once
// The jobs this party takes part in, as their schedulers command them: admission of a partner's
// job (planned here again, bound to the party that created it), its rows' status moves, its
// end (workers killed, resources released, final federated statuses recorded), its progress and
// its clean-up.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/partner/job_specs.hpp"
#include "service/partner/partner_resources.hpp"
#include "service/partner/partner_tasks.hpp"
#include "service/partner/participant_deps.hpp"

namespace fedflow::partner {

/// Thread-safe.
class PartnerJobs final {
 public:
  PartnerJobs(const ParticipantDeps& deps, JobSpecs& specs, PartnerResources& resources, PartnerTasks& tasks)
      : d_(deps), specs_(specs), resources_(resources), tasks_(tasks) {}

  /// Would this party accept the job? Writes nothing. A job from a partner is planned here again
  /// from its DSL and conf with this party's defaults and limits (`from_this_party`: the plan was
  /// made by this server, in-process); a job id that exists here already belongs to the party
  /// that created it: AlreadyExists for anyone else, or for another job under the same id.
  /// Then: modules, capacity total, admission checks (permissions, tables).
  Status Validate(const JobSpec& received, const std::string& requesting_party, bool from_this_party = false);
  /// Creates this party's job rows (one per role) and attempt 0 of its tasks from this party's
  /// plan of the job. Idempotent for its creator.
  Status Create(const JobSpec& received, const std::string& requesting_party, bool from_this_party = false);
  /// Moves this party's job rows to waiting or running (the end statuses go through Stop).
  Status UpdateStatus(const std::string& job_id, JobStatus target, const std::string& reason);
  Status Start(const std::string& job_id) { return UpdateStatus(job_id, JOB_STATUS_RUNNING, ""); }
  /// Kills running workers, ends unfinished attempts and the job rows with `status`, releases the
  /// job's resources, and records the final federated status of each task and the job's final
  /// progress (0..100; -1 leaves it). Idempotent.
  Status Stop(const std::string& job_id, JobStatus status, const std::string& reason,
              const std::vector<contract::FederatedTask>& federated = {}, std::int32_t progress = -1);
  Status UpdateProgress(const std::string& job_id, std::int32_t progress);
  /// Forgets an ended job at this party: its rows, ledger rows and working directory (logs are
  /// kept). FailedPrecondition while any of its rows here has not ended.
  StatusOr<std::size_t> Clean(const std::string& job_id);

 private:
  /// This party's plan of a job it was asked to take part in, validated and checked.
  StatusOr<JobSpec> Admit(const JobSpec& received, const std::string& requesting_party, bool from_this_party);
  /// OK when the job does not exist here or was created by `requesting_party` with the same DSL
  /// and conf; AlreadyExists otherwise.
  Status CheckOwner(const JobSpec& spec, const std::string& requesting_party);
  Status MoveJobRowTo(const orm::JobRow& row, JobStatus target, const std::string& reason);

  const ParticipantDeps& d_;
  JobSpecs& specs_;
  PartnerResources& resources_;
  PartnerTasks& tasks_;
};

}  // namespace fedflow::partner
