#pragma once
// This party's attempts of a job's tasks as its scheduler commands them: start (launch a worker,
// or pass where the task does not run here), collect their statuses, stop them, create the rows
// of a retry or rerun, and record the federated status the scheduler decided.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/partner/job_specs.hpp"
#include "service/partner/partner_resources.hpp"
#include "service/partner/participant_deps.hpp"

namespace fedflow::partner {

/// Thread-safe.
class PartnerTasks final {
 public:
  PartnerTasks(const ParticipantDeps& deps, JobSpecs& specs, PartnerResources& resources)
      : d_(deps), specs_(specs), resources_(resources) {}

  /// Starts this party's attempts of a task (launch, or pass where need_run is false). Only for a
  /// job that holds granted resources here. Idempotent: a started attempt is left alone.
  Status Start(const std::string& job_id, const std::string& task_name, std::int32_t attempt);
  /// Statuses of the given attempts at this party.
  StatusOr<std::vector<contract::TaskReport>> Collect(const std::string& job_id,
                                                     const std::vector<std::pair<std::string, std::int32_t>>& wanted);
  /// Ends this party's unfinished attempts of a task with `status` (kills workers) and records
  /// `status` as their federated status.
  Status Stop(const std::string& job_id, const std::string& task_name, std::int32_t attempt, TaskStatus status,
              const std::string& reason);
  /// Creates the rows of a new attempt (retry or rerun). Idempotent.
  Status CreateAttempt(const std::string& job_id, const std::string& task_name, std::int32_t attempt);
  /// Records the federated status the scheduler decided for an attempt (all roles here).
  Status SyncFederated(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                       TaskStatus status);
  /// Ends one unfinished attempt with `status` and kills its worker (status first, so the
  /// reaper does not take the kill for a crash). OK when it had ended already.
  Status EndAttempt(const orm::TaskAttemptRow& attempt, TaskStatus status, const std::string& reason);

 private:
  /// Records a federated status, ignoring a stale one (a later status was recorded already).
  void RecordFederated(const orm::TaskAttemptRow& attempt, TaskStatus status);

  const ParticipantDeps& d_;
  JobSpecs& specs_;
  PartnerResources& resources_;
};

}  // namespace fedflow::partner
