#pragma once
// A WorkerLauncher that starts nothing: it records what the executor asked for, keeps a set of
// "running" pids, and delivers exits only when the test says so (as the reaper thread would).

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "service/executor/worker_launcher.hpp"

namespace fedflow::testing {

/// One worker the executor launched, with what its task_config.json said.
struct LaunchedWorker {
  pid_t pid = 0;
  std::string job_id;
  std::string task_name;
  std::int32_t attempt = 0;
  std::string role;
  std::string party_id;
  std::string token;
  std::string config_path;
  executor::LaunchSpec spec;
};

/// Thread-safe.
class FakeLauncher final : public executor::WorkerLauncher {
 public:
  void SetExitCallback(ExitCallback on_exit) override;
  StatusOr<pid_t> Launch(const executor::LaunchSpec& spec) override;
  bool KillGroup(pid_t pgid, int grace_ms) override;
  bool IsAlive(pid_t pid, const std::string& marker) override;

  /// The next Launch fails with `error` (once).
  void FailNextLaunch(Status error);
  /// Every worker launched so far (including ended ones), in launch order.
  std::vector<LaunchedWorker> Launched() const;
  /// Workers still alive.
  std::vector<LaunchedWorker> Alive() const;
  /// The live worker of (job, task, role), if any.
  bool FindAlive(const std::string& job_id, const std::string& task_name, const std::string& role,
                 LaunchedWorker* out) const;
  /// Pids killed through KillGroup.
  std::set<pid_t> Killed() const;
  /// The worker process ends by itself (exit code, or a signal); its exit is queued.
  void Exit(pid_t pid, int exit_code, int signal = 0);
  /// The worker vanishes without its exit ever being reaped here (another host, a restart).
  void Vanish(pid_t pid);
  /// Delivers queued exits to the callback, as the reaper thread does.
  void DeliverExits();

 private:
  mutable std::mutex mutex_;
  ExitCallback on_exit_;
  pid_t next_pid_ = 100000;
  std::map<pid_t, LaunchedWorker> workers_;
  std::vector<pid_t> order_;
  std::set<pid_t> alive_;
  std::set<pid_t> killed_;
  std::deque<std::tuple<pid_t, int, int>> exits_;
  Status fail_next_;
};

}  // namespace fedflow::testing
