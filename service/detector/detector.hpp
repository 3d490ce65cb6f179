#pragma once
// The detector of one party, run every `interval_ms` and once at start
// (restart reconciliation):
// - a running attempt whose worker process is gone, never started, or silent past the heartbeat
//   timeout fails with that reason (the scheduler then retries it if allowed);
// - allocations still held for jobs that ended here are released;
// - stored answers of old interconnect commands are purged.
// Job and task timeouts and silent partners are handled by the scheduler's tick, which owns
// the jobs it schedules.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/command_repository.hpp"
#include "orm/job_repository.hpp"
#include "orm/task_repository.hpp"
#include "service/executor/task_executor.hpp"
#include "service/lifecycle/lifecycle.hpp"

namespace fedflow::detector {

/// Detector settings.
struct DetectorOptions {
  std::string instance_id;  ///< pids are judged only for workers this instance launched
  std::int64_t interval_ms = 1000;
  std::int64_t heartbeat_timeout_ms = 30000;
  std::int64_t launch_grace_ms = 10000;        ///< running without a pid this long: never launched
  std::int64_t command_log_ttl_ms = 86400000;  ///< keep interconnect answers one day
  std::function<void()> also_each_pass;        ///< extra periodic work (the instance heartbeat)
};

/// What one pass found and did (logged, and returned for tests).
struct DetectorReport {
  int workers_gone = 0;
  int never_launched = 0;
  int heartbeats_stale = 0;
  int allocations_released = 0;
};

/// What the detector works with (owned by the composition root).
struct DetectorDeps {
  orm::JobRepository* jobs = nullptr;
  orm::TaskRepository* tasks = nullptr;
  orm::AllocationRepository* allocations = nullptr;
  orm::CommandRepository* commands = nullptr;
  lifecycle::TaskLifecycle* task_lifecycle = nullptr;
  lifecycle::AllocationLifecycle* allocation_lifecycle = nullptr;
  executor::TaskExecutor* executor = nullptr;
  const Clock* clock = nullptr;
  /// Told when the detector failed an attempt (to nudge its scheduler).
  std::function<void(const orm::TaskAttemptRow&)> on_attempt_failed;
};

/// Thread-safe; Start/Stop once.
class Detector final {
 public:
  Detector(DetectorOptions options, DetectorDeps deps);
  ~Detector();

  /// One pass of every check.
  DetectorReport RunOnce();
  void Start();
  void Stop();

 private:
  void CheckWorkers(DetectorReport& report);
  void ReleaseLeakedAllocations(DetectorReport& report);
  void Fail(const orm::TaskAttemptRow& attempt, const std::string& reason, bool kill);

  DetectorOptions options_;
  DetectorDeps d_;
  std::int64_t started_ms_;
  std::int64_t last_purge_ms_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fedflow::detector
