#pragma once
// Task attempts executed at this party (table ff_task). ODB-free, C++14-clean.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Domain access to ff_task. Thread-safe.
class TaskRepository {
 public:
  virtual ~TaskRepository() = default;
  virtual Status Create(TaskAttemptRow& row) = 0;
  /// Inserts all rows in one transaction, or none.
  virtual Status CreateAll(std::vector<TaskAttemptRow>& rows) = 0;
  virtual StatusOr<TaskAttemptRow> Get(const std::string& job_id, const std::string& task_name,
                                       std::int32_t attempt, const std::string& role,
                                       const std::string& party_id) = 0;
  virtual StatusOr<TaskAttemptRow> GetById(std::uint64_t id) = 0;
  /// The attempt holding this worker token (NotFound otherwise).
  virtual StatusOr<TaskAttemptRow> GetByToken(const std::string& token) = 0;
  /// Every attempt of a job at this party, by task, attempt, role, party.
  virtual StatusOr<std::vector<TaskAttemptRow>> ListByJob(const std::string& job_id) = 0;
  /// Attempts in `status` (e.g. running ones for the detector).
  virtual StatusOr<std::vector<TaskAttemptRow>> ListByStatus(TaskStatus status, std::size_t limit) = 0;
  virtual StatusOr<bool> CompareAndSetStatus(std::uint64_t id, TaskStatus from, TaskStatus to,
                                             std::int64_t now_ms, const TransitionExtras& extras) = 0;
  /// Records the launched worker (only while the attempt is still `running` and not yet launched:
  /// the compare-and-set on pid = 0 makes a retried start a no-op). True when recorded.
  virtual StatusOr<bool> RecordLaunch(std::uint64_t id, std::int64_t pid, const std::string& launched_by,
                                      const std::string& workdir, std::int64_t now_ms) = 0;
  virtual Status RecordHeartbeat(std::uint64_t id, std::int64_t now_ms) = 0;
  /// The worker's progress (percent); never lowered.
  virtual Status RecordProgress(std::uint64_t id, std::int32_t progress) = 0;
  /// Adds federation traffic to the attempt's counters (sent by it, or received for it).
  virtual Status AddTraffic(std::uint64_t id, std::int64_t sent_bytes, std::int64_t sent_messages,
                            std::int64_t received_bytes, std::int64_t received_messages) = 0;
  virtual Status RecordExitCode(std::uint64_t id, std::int32_t exit_code, std::int64_t now_ms) = 0;
  /// The federated status this party records (what the scheduler decided): one conditional
  /// UPDATE on `federated_status`. True when this call changed it.
  virtual StatusOr<bool> CompareAndSetFederatedStatus(std::uint64_t id, TaskStatus from, TaskStatus to,
                                                      std::int64_t now_ms) = 0;
  /// Removes every attempt of a job (job clean). Returns how many were removed.
  virtual StatusOr<std::size_t> DeleteJob(const std::string& job_id) = 0;
};

std::unique_ptr<TaskRepository> MakeTaskRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
