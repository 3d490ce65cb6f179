#pragma once
// Worker processes: each runs in its own session and process group (so a stop kills the whole
// tree and a server crash does not take running workers down), with stdout/stderr appended to
// a log file. A reaper thread collects exits and reports them.

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.hpp"
#include "service/executor/worker_launcher.hpp"

namespace fedflow::executor {

/// Local worker processes. The exit callback runs on the reaper thread. Thread-safe.
class ProcessLauncher final : public WorkerLauncher {
 public:
  ProcessLauncher();
  /// Stops the reaper; running workers keep running (they outlive a server restart).
  ~ProcessLauncher() override;
  ProcessLauncher(const ProcessLauncher&) = delete;
  ProcessLauncher& operator=(const ProcessLauncher&) = delete;

  void SetExitCallback(ExitCallback on_exit) override;
  /// posix_spawn into its own session and process group.
  StatusOr<pid_t> Launch(const LaunchSpec& spec) override;
  /// SIGTERM to the process group, then SIGKILL after `grace_ms` if anything is left.
  bool KillGroup(pid_t pgid, int grace_ms) override { return KillProcessGroup(pgid, grace_ms); }
  /// Not a zombie, and `marker` (when not empty) in /proc/<pid>/cmdline.
  bool IsAlive(pid_t pid, const std::string& marker) override { return ProcessIsAlive(pid, marker); }

  static bool KillProcessGroup(pid_t pgid, int grace_ms);
  static bool ProcessIsAlive(pid_t pid, const std::string& marker);

 private:
  void Reap();

  std::mutex callback_mutex_;
  ExitCallback on_exit_;
  std::atomic<bool> stopping_{false};
  std::thread reaper_;
};

}  // namespace fedflow::executor
