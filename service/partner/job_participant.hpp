#pragma once
// What a party does for the jobs it takes part in: the partner commands of the scheduler
// (/v2/partner/...) and the reports of its own workers (/v2/worker/...). Every command is
// idempotent: repeating it (a retry, a resumed scheduler) changes nothing more.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/job_repository.hpp"
#include "orm/task_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"
#include "service/executor/provider_registry.hpp"
#include "service/executor/task_executor.hpp"
#include "service/lifecycle/lifecycle.hpp"
#include "service/state/server_state.hpp"

namespace fedflow::partner {

/// One task attempt at this party as the scheduler sees it after a poll.
struct TaskReport {
  std::string task_name;
  std::int32_t attempt = 0;
  std::string role;
  std::string party_id;
  TaskStatus status = TASK_STATUS_WAITING;
  std::string reason;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::int64_t heartbeat_ms = 0;
};

/// Outcome of a resource request.
struct GrantReply {
  bool granted = false;
  std::string reason;           ///< why not, naming the numbers
  bool exceeds_total = false;   ///< the demand can never fit this party
  std::int32_t cores = 0;
};

/// Extra checks on a job before this party accepts it (permissions: issue 7).
using JobAdmissionCheck = std::function<Status(const JobSpec& spec, const std::string& requesting_party)>;

/// Everything the participant works with.
struct ParticipantDeps {
  std::string party_id;
  std::string engine;
  orm::JobRepository* jobs = nullptr;
  orm::TaskRepository* tasks = nullptr;
  orm::AllocationRepository* allocations = nullptr;
  lifecycle::JobLifecycle* job_lifecycle = nullptr;
  lifecycle::TaskLifecycle* task_lifecycle = nullptr;
  executor::ProviderRegistry* providers = nullptr;
  executor::TaskExecutor* executor = nullptr;
  const Clock* clock = nullptr;
  /// Tells the job's scheduler to look at the job now (a worker reported).
  std::function<void(const std::string& job_id, const std::string& scheduler_party_id)> nudge_scheduler;
  JobAdmissionCheck admission_check;
  /// This party's defaults and limits, with which it plans every job it takes part in.
  std::function<dsl::PlanContext()> plan_context;
  /// While draining, resource requests are refused (running jobs continue).
  const state::ServerState* server_state = nullptr;
  /// Forgets what the job's attempts recorded here (metrics, outputs) when the job is cleaned.
  std::function<Status(const std::string& job_id)> forget_tracking;
};

/// Thread-safe.
class JobParticipant final {
 public:
  explicit JobParticipant(ParticipantDeps deps);

  /// Would this party accept the job? Writes nothing. A job from a partner is planned here again
  /// from its DSL and conf with this party's defaults and limits (`from_this_party`: the plan was
  /// made by this server, in-process); a job id that exists here already belongs to the party
  /// that created it: AlreadyExists for anyone else, or for another job under the same id.
  /// Then: modules, capacity total, admission checks (permissions, tables).
  Status ValidateJob(const JobSpec& received, const std::string& requesting_party, bool from_this_party = false);
  /// Creates this party's job rows (one per role) and attempt 0 of its tasks from this party's
  /// plan of the job. Idempotent for its creator.
  Status CreateJob(const JobSpec& received, const std::string& requesting_party, bool from_this_party = false);
  /// Moves this party's job rows to waiting or running (the end statuses go through StopJob).
  Status UpdateJobStatus(const std::string& job_id, JobStatus target, const std::string& reason);
  StatusOr<GrantReply> ApplyResources(const std::string& job_id, std::int32_t epoch);
  Status ReturnResources(const std::string& job_id, std::int32_t epoch);
  Status StartJob(const std::string& job_id);
  /// Kills running workers, ends unfinished attempts and the job rows with `status`, releases the
  /// job's resources. Idempotent.
  Status StopJob(const std::string& job_id, JobStatus status, const std::string& reason);
  /// Starts this party's attempts of a task (launch, or pass where need_run is false).
  Status StartTask(const std::string& job_id, const std::string& task_name, std::int32_t attempt);
  /// Statuses of the given attempts at this party.
  StatusOr<std::vector<TaskReport>> CollectTasks(const std::string& job_id,
                                                 const std::vector<std::pair<std::string, std::int32_t>>& tasks);
  /// Ends this party's unfinished attempts of a task with `status` (kills workers).
  Status StopTask(const std::string& job_id, const std::string& task_name, std::int32_t attempt, TaskStatus status,
                  const std::string& reason);
  /// Creates the rows of a new attempt (retry or rerun). Idempotent.
  Status CreateAttempt(const std::string& job_id, const std::string& task_name, std::int32_t attempt);
  /// Records the federated status the scheduler computed.
  Status SyncTaskStatus(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                        TaskStatus status);
  Status UpdateProgress(const std::string& job_id, std::int32_t progress);
  /// Forgets an ended job at this party: its rows, ledger rows and working directory (logs are
  /// kept). FailedPrecondition while any of its rows here has not ended.
  StatusOr<std::size_t> CleanJob(const std::string& job_id);
  /// Admin: releases every allocation this party holds for a job (the reason is logged).
  StatusOr<std::size_t> ReleaseResourcesByHand(const std::string& job_id, const std::string& reason);

  // --- worker reports (authenticated by the attempt token) ---
  /// A worker's status report: running, success, pass or failed (with its error).
  Status ReportFromWorker(const std::string& token, TaskStatus status, const std::string& error);
  Status HeartbeatFromWorker(const std::string& token);
  /// The live attempt holding `token`: Unauthenticated for an unknown token, PermissionDenied
  /// when the attempt is no longer running.
  StatusOr<orm::TaskAttemptRow> AttemptOfToken(const std::string& token);

  /// Who may command a job here: its scheduler (the initiator) for partner commands, or any of
  /// its parties when `any_party` (stop/rerun requests sent to the scheduler). OK when the job
  /// is unknown here (the command itself answers NotFound).
  Status CheckCommandSender(const std::string& job_id, const std::string& sender_party, bool any_party);

  /// The job's spec as stored at this party (cached).
  StatusOr<std::shared_ptr<const JobSpec>> SpecOf(const std::string& job_id);

 private:
  /// This party's plan of a job it was asked to take part in, validated and checked (see
  /// ValidateJob).
  StatusOr<JobSpec> Admit(const JobSpec& received, const std::string& requesting_party, bool from_this_party);
  /// OK when the job does not exist here or was created by `requesting_party` with the same DSL
  /// and conf; AlreadyExists otherwise.
  Status CheckOwner(const JobSpec& spec, const std::string& requesting_party);
  Status MoveJobRowTo(const orm::JobRow& row, JobStatus target, const std::string& reason);
  Status EndAttempt(const orm::TaskAttemptRow& attempt, TaskStatus status, const std::string& reason);
  std::int32_t DemandAt(const JobSpec& spec) const;
  void NudgeFor(const orm::TaskAttemptRow& attempt);

  ParticipantDeps d_;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_ptr<const JobSpec>> spec_cache_;  ///< bounded by eviction
};

}  // namespace fedflow::partner
