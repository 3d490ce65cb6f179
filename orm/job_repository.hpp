#pragma once
// Jobs as each party sees them (table ff_job). ODB-free, C++14-clean.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Filters for listing jobs; empty strings and UNSPECIFIED match everything.
struct JobFilter {
  std::string job_id;
  std::string role;
  std::string party_id;
  std::vector<JobStatus> statuses;
  /// Rows whose job id or description contains this text ("" = any); LIKE's case rules of the
  /// database (ASCII case-insensitive on SQLite and MySQL's default collations).
  std::string text;
  std::size_t limit = 100;
  std::size_t offset = 0;
  bool newest_first = true;
  /// Keyset paging: only rows after (after_created_ms, after_id) in the list's order, so a deep
  /// page costs what the first one costs. after_id = 0: from the start.
  std::int64_t after_created_ms = 0;
  std::uint64_t after_id = 0;
};

/// Domain access to ff_job. Thread-safe.
class JobRepository {
 public:
  virtual ~JobRepository() = default;
  /// Inserts `row` (id and version are assigned). AlreadyExists for a duplicate (job, role, party).
  virtual Status Create(JobRow& row) = 0;
  /// Inserts all rows in one transaction, or none.
  virtual Status CreateAll(std::vector<JobRow>& rows) = 0;
  virtual StatusOr<JobRow> Get(const std::string& job_id, const std::string& role,
                               const std::string& party_id) = 0;
  /// Every (role, party) row of a job at this party, ordered by role then party.
  virtual StatusOr<std::vector<JobRow>> ListByJob(const std::string& job_id) = 0;
  /// Rows in `status`, oldest first.
  virtual StatusOr<std::vector<JobRow>> ListByStatus(JobStatus status, std::size_t limit) = 0;
  virtual StatusOr<std::vector<JobRow>> List(const JobFilter& filter) = 0;
  /// Number of rows matching `filter` (limit/offset ignored).
  virtual StatusOr<std::size_t> Count(const JobFilter& filter) = 0;
  /// `UPDATE ... SET status = to WHERE id = ? AND status = from`: true when this call won.
  virtual StatusOr<bool> CompareAndSetStatus(std::uint64_t id, JobStatus from, JobStatus to,
                                             std::int64_t now_ms, const TransitionExtras& extras) = 0;
  /// Raises progress (never lowers it).
  virtual Status UpdateProgress(std::uint64_t id, std::int32_t progress, std::int64_t now_ms) = 0;
  /// Sets the waiting reason ("" clears it).
  virtual Status SetWaitingReason(std::uint64_t id, const std::string& reason, std::int64_t now_ms) = 0;
  /// Sets the job row's description (FATE "notes").
  virtual Status SetDescription(std::uint64_t id, const std::string& description, std::int64_t now_ms) = 0;
  /// Removes every row of a job (job clean). Returns how many were removed.
  virtual StatusOr<std::size_t> DeleteJob(const std::string& job_id) = 0;
};

std::unique_ptr<JobRepository> MakeJobRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
