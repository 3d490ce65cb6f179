#pragma once
// Runs task attempts as worker processes. For each attempt the executor makes
// jobs/<job_id>/<task>.<attempt>.<role>.<party_id>/, writes task_config.json there (ids,
// module, resolved parameters, inputs, output directory, server address, attempt token) and
// launches the provider's executable in its own process group, with stdout and stderr in
// logs/<job_id>/<role>/<party_id>/<task>/<attempt>/task.log.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/json/array.hpp>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/task_repository.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/executor/worker_launcher.hpp"
#include "service/executor/provider_registry.hpp"
#include "service/lifecycle/lifecycle.hpp"

namespace fedflow::executor {

/// Where attempts live and how workers reach this server.
struct ExecutorOptions {
  std::string jobs_dir;               ///< <home>/jobs
  std::string logs_dir;               ///< the server's log directory
  std::string server_host = "127.0.0.1";
  std::uint16_t server_port = 0;
  bool server_tls = false;
  std::string server_tls_ca;    ///< workers verify their server with this CA (optional)
  std::string server_tls_cert;  ///< client certificate for a server that requires one
  std::string server_tls_key;
  std::string instance_id;
  std::int64_t heartbeat_interval_ms = 1000;
  int kill_grace_ms = 500;
  /// Where a stored model a task reads lies at this party (the model registry): the input path
  /// a worker gets, after the model's files were checked. Unset: such inputs are refused.
  std::function<StatusOr<std::string>(const InputRef& input, const std::string& role, const std::string& party_id)>
      stored_model_path;
};

/// Thread-safe.
class TaskExecutor final {
 public:
  /// `on_attempt_ended(attempt)` is called when the executor itself ends an attempt (a worker
  /// exited without reporting), so the scheduler can be nudged. The executor hears the exits of
  /// `launcher`'s workers until it is destroyed.
  TaskExecutor(ExecutorOptions options, WorkerLauncher& launcher, ProviderRegistry& providers,
               orm::TaskRepository& tasks, lifecycle::TaskLifecycle& lifecycle, const Clock& clock,
               std::function<void(const orm::TaskAttemptRow&)> on_attempt_ended);
  ~TaskExecutor();

  /// The bound port is known only after the listener starts.
  void set_server_port(std::uint16_t port) { options_.server_port = port; }

  /// For an attempt already moved to `running`: writes its directory and config, launches the
  /// worker and records its pid. The error says why it could not start (the caller fails it).
  Status Launch(const orm::TaskAttemptRow& attempt, const JobSpec& spec, const TaskSpec& task,
                const PartyTask& party_task);
  /// Kills the attempt's worker process group if it is alive. True when nothing is left.
  bool Kill(const orm::TaskAttemptRow& attempt);
  /// True while the attempt's worker process exists.
  bool IsWorkerAlive(const orm::TaskAttemptRow& attempt) const;
  /// True while the attempt's worker is a child of this process that the reaper has not collected
  /// yet: its exit will be reported with the exact code or signal, so nobody else should judge it.
  bool AwaitsReaping(const orm::TaskAttemptRow& attempt) const;

  std::string WorkdirOf(const orm::TaskAttemptRow& attempt) const;
  /// Deletes jobs/<job_id>/ (job clean).
  void RemoveJobDirectory(const std::string& job_id);
  std::string LogPathOf(const orm::TaskAttemptRow& attempt) const;

 private:
  void OnExit(pid_t pid, int exit_code, int signal);
  /// The task's inputs as the worker sees them: outputs of this job's tasks at this party.
  StatusOr<boost::json::array> ResolveInputs(const orm::TaskAttemptRow& attempt, const JobSpec& spec,
                                             const TaskSpec& task) const;

  ExecutorOptions options_;
  ProviderRegistry& providers_;
  orm::TaskRepository& tasks_;
  lifecycle::TaskLifecycle& lifecycle_;
  const Clock& clock_;
  std::function<void(const orm::TaskAttemptRow&)> on_attempt_ended_;
  mutable std::mutex mutex_;
  std::map<pid_t, std::uint64_t> live_;  ///< worker pid -> attempt row id (this process's children)
  WorkerLauncher& launcher_;
};

}  // namespace fedflow::executor
