#pragma once
// The scheduling party's tables: ff_schedule_job, ff_schedule_task, ff_schedule_task_party.
// ODB-free, C++14-clean.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Scheduler-owned columns of a job that change without a status transition. Only fields whose
/// `set_*` flag is true are written.
struct ScheduleJobPatch {
  bool set_waiting_reason = false;
  std::string waiting_reason;
  bool set_next_admit_ms = false;
  std::int64_t next_admit_ms = 0;
  bool set_waiting_since_ms = false;
  std::int64_t waiting_since_ms = 0;
  bool set_end_synced = false;
  bool end_synced = true;
  bool set_unreachable = false;
  std::string unreachable_party;
  std::int64_t unreachable_since_ms = 0;
};

/// The latest attempt of every task of a job, with that attempt's per-party copies.
struct LatestTasks {
  std::vector<ScheduleTaskRow> tasks;          ///< by creation of the latest attempt
  std::vector<ScheduleTaskPartyRow> copies;
};

/// Domain access to the scheduler's rows. Thread-safe.
class ScheduleRepository {
 public:
  virtual ~ScheduleRepository() = default;

  // --- jobs ---
  /// Inserts the job with its task attempts and party rows in one transaction.
  virtual Status CreateJob(ScheduleJobRow& job, std::vector<ScheduleTaskRow>& tasks,
                           std::vector<ScheduleTaskPartyRow>& parties) = 0;
  virtual StatusOr<ScheduleJobRow> GetJob(const std::string& job_id) = 0;
  /// Jobs in any of `statuses`, by priority (high first) then age (old first).
  virtual StatusOr<std::vector<ScheduleJobRow>> ListJobsByStatus(const std::vector<JobStatus>& statuses,
                                                                 std::size_t limit) = 0;
  /// Jobs in `statuses` that `owner` holds or may take (lease free or expired at `now_ms`).
  virtual StatusOr<std::vector<ScheduleJobRow>> ListLeasableJobs(const std::vector<JobStatus>& statuses,
                                                                 const std::string& owner,
                                                                 std::int64_t now_ms, std::size_t limit) = 0;
  /// The same selection, job ids only (no spec is read), in the same order.
  virtual StatusOr<std::vector<std::string>> ListLeasableJobIds(const std::vector<JobStatus>& statuses,
                                                                const std::string& owner, std::int64_t now_ms,
                                                                std::size_t limit) = 0;
  /// Ended jobs whose end status has not reached every party yet (end_synced = false), that
  /// `owner` holds or may take.
  virtual StatusOr<std::vector<ScheduleJobRow>> ListLeasableUnsynced(const std::string& owner, std::int64_t now_ms,
                                                                     std::size_t limit) = 0;
  /// Status CAS. Entering an end status also clears end_synced in the same statement, so the
  /// end is resent to the parties until they all confirm (even across a crash).
  virtual StatusOr<bool> CompareAndSetJobStatus(std::uint64_t id, JobStatus from, JobStatus to,
                                                std::int64_t now_ms, const TransitionExtras& extras) = 0;
  virtual Status PatchJob(std::uint64_t id, const ScheduleJobPatch& patch, std::int64_t now_ms) = 0;
  /// Takes or renews the lease of a job for `owner` until `now_ms + lease_ms`. True when held.
  virtual StatusOr<bool> TryLeaseJob(const std::string& job_id, const std::string& owner,
                                     std::int64_t now_ms, std::int64_t lease_ms) = 0;
  /// Gives the lease up (only if `owner` holds it).
  virtual Status ReleaseJobLease(const std::string& job_id, const std::string& owner) = 0;
  virtual Status SetJobSignals(std::uint64_t id, bool cancel_signal, bool rerun_signal, std::int64_t now_ms) = 0;
  virtual Status UpdateJobProgress(std::uint64_t id, std::int32_t progress, std::int64_t now_ms) = 0;
  /// Starts a new run of the job (rerun): epoch + 1, signals cleared.
  virtual Status BumpRunEpoch(std::uint64_t id, std::int64_t now_ms) = 0;

  // --- task attempts (federated) ---
  /// Latest attempt of every task of a job and its copies, in one read (the database selects the
  /// latest attempts: a retried task costs no more than one that ran once).
  virtual StatusOr<LatestTasks> GetLatestTasks(const std::string& job_id) = 0;
  /// Every attempt of every task of a job (history), by task then attempt.
  virtual StatusOr<std::vector<ScheduleTaskRow>> ListAllTasks(const std::string& job_id) = 0;
  /// Adds a new attempt with its party rows (retry or rerun) in one transaction.
  virtual Status CreateAttempt(ScheduleTaskRow& task, std::vector<ScheduleTaskPartyRow>& parties) = 0;
  virtual StatusOr<bool> CompareAndSetTaskStatus(std::uint64_t id, TaskStatus from, TaskStatus to,
                                                 std::int64_t now_ms, const TransitionExtras& extras) = 0;

  // --- per-party copies ---
  virtual StatusOr<std::vector<ScheduleTaskPartyRow>> ListTaskParties(const std::string& job_id) = 0;
  /// What a party's poll reported besides the status: progress and federation traffic.
  virtual Status RecordPartyReport(std::uint64_t id, std::int32_t progress, std::int64_t sent_bytes,
                                   std::int64_t sent_messages, std::int64_t received_bytes,
                                   std::int64_t received_messages) = 0;
  virtual StatusOr<bool> CompareAndSetPartyStatus(std::uint64_t id, TaskStatus from, TaskStatus to,
                                                  std::int64_t now_ms, const TransitionExtras& extras) = 0;

  /// Removes the job and its task rows (job clean). NotFound when the job is not scheduled here.
  virtual Status DeleteJob(const std::string& job_id) = 0;
};

std::unique_ptr<ScheduleRepository> MakeScheduleRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
