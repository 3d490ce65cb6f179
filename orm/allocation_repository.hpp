#pragma once
// The resource ledger (ff_resource_allocation) and engine capacity (ff_engine_capacity).
// Free capacity is always derived: configured total minus the sum of `held` rows.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Outcome of a grant attempt.
struct GrantResult {
  AllocationRow row;           ///< the ledger row (held or rejected)
  std::int32_t free_cores = 0; ///< free cores seen when deciding (before the grant)
  std::int64_t free_memory_mb = 0;
  std::int32_t running_jobs = 0;
};

/// Domain access to the ledger. Thread-safe; grants are serialised per database.
class AllocationRepository {
 public:
  virtual ~AllocationRepository() = default;
  /// Upserts the configured capacity of `engine`.
  virtual Status RegisterCapacity(const EngineCapacityRow& row) = 0;
  virtual StatusOr<EngineCapacityRow> GetCapacity(const std::string& engine) = 0;
  /// In one serialised transaction: inserts a `requested` row for (job, party, epoch) and moves it
  /// to `held` when the free capacity of `engine` covers it (and the running-job limit allows),
  /// else to `rejected` with a reason. Idempotent: an existing held row for the key is returned;
  /// a rejected or released row for the key is replaced by the new decision.
  virtual StatusOr<GrantResult> RequestAndDecide(const std::string& engine, AllocationRow request,
                                                 std::int64_t now_ms) = 0;
  /// Moves a held (or requested) row of (job, party, epoch) to released. True when it changed.
  virtual StatusOr<bool> Release(const std::string& job_id, const std::string& party_id,
                                 std::int32_t run_epoch, std::int64_t now_ms, const std::string& reason) = 0;
  /// Releases every held row of a job (all epochs). Returns how many changed.
  virtual StatusOr<std::size_t> ReleaseAllOfJob(const std::string& job_id, std::int64_t now_ms,
                                                const std::string& reason) = 0;
  virtual StatusOr<std::vector<AllocationRow>> ListByJob(const std::string& job_id) = 0;
  virtual StatusOr<std::vector<AllocationRow>> ListByStatus(AllocationStatus status, std::size_t limit) = 0;
  /// Sum of held cores and memory, and the number of held rows, for `party_id`.
  virtual Status SumHeld(const std::string& party_id, std::int32_t* cores, std::int64_t* memory_mb,
                         std::int32_t* rows) = 0;
  virtual StatusOr<bool> CompareAndSetStatus(std::uint64_t id, AllocationStatus from, AllocationStatus to,
                                             std::int64_t now_ms, const std::string& reason) = 0;
  /// Removes the ledger rows of a job that holds nothing (job clean). FailedPrecondition while
  /// a row is still held.
  virtual StatusOr<std::size_t> DeleteJob(const std::string& job_id) = 0;
};

std::unique_ptr<AllocationRepository> MakeAllocationRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
