#pragma once
// The resource ledger (ff_resource_allocation) and engine capacity (ff_engine_capacity).
// Free capacity is always derived: configured total minus the sum of `held` rows.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// What a grant decision sees of a party's engine, inside the serialised transaction.
struct CapacityView {
  std::int32_t total_cores = 0;
  std::int32_t free_cores = 0;        ///< total minus the cores of held rows
  std::int64_t total_memory_mb = 0;   ///< 0 = memory not scheduled
  std::int64_t free_memory_mb = 0;
  std::int32_t max_running_jobs = 0;  ///< 0 = unlimited
  std::int32_t running_jobs = 0;      ///< held rows
};

/// The decided status of a requested row (held or rejected) and why.
struct AllocationDecision {
  AllocationStatus status = ALLOCATION_STATUS_UNSPECIFIED;
  std::string reason;
};

/// Decides a request against the capacity (the lifecycle's machine: service/lifecycle).
using AllocationDecider = std::function<StatusOr<AllocationDecision>(const CapacityView&, const AllocationRow& request)>;

/// Outcome of a grant attempt.
struct GrantResult {
  AllocationRow row;           ///< the ledger row (held or rejected)
  std::int32_t free_cores = 0; ///< free cores seen when deciding (before the grant)
  std::int64_t free_memory_mb = 0;
  std::int32_t running_jobs = 0;
  bool decided_now = false;    ///< a new decision was recorded (not a retried request's old answer)
};

/// Domain access to the ledger. Thread-safe; grants are serialised per database.
class AllocationRepository {
 public:
  virtual ~AllocationRepository() = default;
  /// Upserts the configured capacity of `engine`.
  virtual Status RegisterCapacity(const EngineCapacityRow& row) = 0;
  virtual StatusOr<EngineCapacityRow> GetCapacity(const std::string& engine) = 0;
  /// In one serialised transaction: inserts a `requested` row for (job, party, epoch) and moves it
  /// (compare-and-set) to what `decide` says given the free capacity of `engine`. Every decision
  /// stays in the ledger: a request after a release or a grant after refusals is a new row of the
  /// key (`request_seq` + 1). A retried request whose latest row is held gets that row back; a
  /// refusal after a refusal updates that row (reason, `refusals` + 1) instead of adding one.
  virtual StatusOr<GrantResult> RequestAndDecide(const std::string& engine, AllocationRow request,
                                                 std::int64_t now_ms, const AllocationDecider& decide) = 0;
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
