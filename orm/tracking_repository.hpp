#pragma once
// What task attempts leave behind at this party: metrics (ff_metric) and registered outputs
// (ff_output). ODB-free, C++14-clean.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

class Database;

/// Thread-safe.
class MetricRepository {
 public:
  virtual ~MetricRepository() = default;
  /// Appends data points (kind "data") in one transaction.
  virtual Status Append(const std::vector<MetricRow>& points) = 0;
  /// Sets the meta (kind "meta") of one metric of one attempt, replacing an earlier one.
  virtual Status SetMeta(const MetricRow& meta) = 0;
  /// Every record of a task at a (role, party), all attempts, ordered by attempt, namespace,
  /// name, then insertion.
  virtual StatusOr<std::vector<MetricRow>> List(const std::string& job_id, const std::string& role,
                                                const std::string& party_id, const std::string& task_name) = 0;
  /// Removes a task's records (all attempts), or a whole job's when `task_name` is empty.
  virtual StatusOr<std::size_t> Delete(const std::string& job_id, const std::string& role, const std::string& party_id,
                                       const std::string& task_name) = 0;
};

/// Thread-safe.
class OutputRepository {
 public:
  virtual ~OutputRepository() = default;
  /// Registers an output; registering the same (attempt, kind, key) again replaces it.
  virtual Status Put(const OutputRow& row) = 0;
  /// Outputs of a job at this party, of one (role, party) and task when given ("" = any).
  virtual StatusOr<std::vector<OutputRow>> List(const std::string& job_id, const std::string& role,
                                                const std::string& party_id, const std::string& task_name) = 0;
  /// Forgets a job's outputs (job clean).
  virtual StatusOr<std::size_t> DeleteJob(const std::string& job_id) = 0;
};

std::unique_ptr<MetricRepository> MakeMetricRepository(Database& db);
std::unique_ptr<OutputRepository> MakeOutputRepository(Database& db);

}  // namespace orm
}  // namespace fedflow
