#pragma once
// What this party's workers report about their attempts (/v2/worker/...), authenticated by the
// attempt's token: their status and heartbeats. A report ends the attempt here and nudges the
// job's scheduler, which learns the outcome from its next poll.

#include <string>

#include "base/status.hpp"
#include "orm/rows.hpp"
#include "service/partner/job_specs.hpp"
#include "service/partner/participant_deps.hpp"

namespace fedflow::partner {

/// Thread-safe.
class WorkerReports final {
 public:
  WorkerReports(const ParticipantDeps& deps, JobSpecs& specs) : d_(deps), specs_(specs) {}

  /// A worker's status report: running (a heartbeat), success, pass or failed (with its error).
  Status Report(const std::string& token, TaskStatus status, const std::string& error);
  Status Heartbeat(const std::string& token);
  /// The worker's progress, 0..100 (also a heartbeat); never lowered.
  Status Progress(const std::string& token, std::int32_t progress);
  /// The live attempt holding `token`: Unauthenticated for an unknown token, PermissionDenied
  /// when the attempt is no longer running (the worker should stop).
  StatusOr<orm::TaskAttemptRow> AttemptOfToken(const std::string& token);
  /// Tells the attempt's scheduler to look at its job now.
  void Nudge(const orm::TaskAttemptRow& attempt);

 private:
  const ParticipantDeps& d_;
  JobSpecs& specs_;
};

}  // namespace fedflow::partner
