#pragma once
// What task attempts record at this party, and how clients read it back (FATE's tracking):
// metrics per (job, component, role, party, namespace, name) as data points and a meta object,
// and registered outputs (data tables and models) with their location and schema. Workers write
// through /v2/worker/...; the attempt always comes from the worker's token, never from its words.

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/rows.hpp"
#include "orm/tracking_repository.hpp"

namespace fedflow::tracking {

/// The task a client asks about; `attempt` -1 means the latest attempt that recorded something.
struct TaskRef {
  std::string job_id;
  std::string role;
  std::string party_id;
  std::string task_name;
  std::int32_t attempt = -1;
};

/// Reads job_id, role, party_id, task_name (all required) and task_version/attempt (optional).
StatusOr<TaskRef> TaskRefFromArgs(const boost::json::object& args);

/// Thread-safe.
class Tracker final {
 public:
  Tracker(orm::MetricRepository& metrics, orm::OutputRepository& outputs, const Clock& clock);

  // --- workers (FATE 1.x log_metric_data / set_metric_meta, 2.x MetricData) ---
  /// `points`: [{key, value, timestamp?}] (timestamp in seconds or ms; default now).
  Status LogMetricData(const orm::TaskAttemptRow& attempt, const std::string& metric_namespace,
                       const std::string& metric_name, const boost::json::array& points);
  Status SetMetricMeta(const orm::TaskAttemptRow& attempt, const std::string& metric_namespace,
                       const std::string& metric_name, const boost::json::object& meta);
  /// FATE-Flow 2.x [{name, type, groups:[{name}], step_axis, data}]: namespace = the group names
  /// joined by ".", meta = {metric_type, groups, step_axis}, points from `data`.
  Status SaveMetrics(const orm::TaskAttemptRow& attempt, const boost::json::array& metric_data);
  /// A CSV data output (a file, or a directory holding data.csv) under the attempt's directory;
  /// its schema and row count are read from the file.
  StatusOr<orm::OutputRow> RegisterData(const orm::TaskAttemptRow& attempt, const std::string& output_key,
                                        const std::string& path, const std::string& id_column,
                                        const std::string& label_column);
  /// A model output (a file or a directory) under the attempt's directory.
  StatusOr<orm::OutputRow> RegisterModel(const orm::TaskAttemptRow& attempt, const std::string& output_key,
                                         const std::string& path, const std::string& type_name,
                                         const boost::json::object& meta);

  // --- clients ---
  /// [{namespace, name, type, attempt}] of the task.
  StatusOr<boost::json::array> MetricKeys(const TaskRef& task);
  /// [{namespace, name, type, meta, data: [{key, value, timestamp}]}], optionally one namespace/name.
  StatusOr<boost::json::array> Metrics(const TaskRef& task, const std::string& metric_namespace,
                                       const std::string& metric_name, bool with_data);
  StatusOr<std::size_t> DeleteMetrics(const TaskRef& task);
  /// Outputs of `kind` ("data", "model") of the task's attempt (the latest with such outputs),
  /// or of every task of the job when `task.task_name` is empty.
  StatusOr<std::vector<orm::OutputRow>> Outputs(const TaskRef& task, const std::string& kind);
  /// Forgets a job's metrics and outputs (job clean).
  Status ForgetJob(const std::string& job_id);

  static boost::json::object View(const orm::OutputRow& output);
  /// {output_key, header, rows, count} with the first `limit` records.
  static StatusOr<boost::json::object> Display(const orm::OutputRow& output, std::int64_t limit);
  /// tar.gz: every output's files under `top`/ (data: <task>_<key>.csv and .meta.json).
  static StatusOr<std::string> Archive(const std::vector<orm::OutputRow>& outputs, const std::string& top);

 private:
  orm::MetricRepository& metrics_;
  orm::OutputRepository& outputs_;
  const Clock& clock_;
};

}  // namespace fedflow::tracking
