#pragma once
// Worker processes: each runs in its own session and process group (so a stop kills the whole
// tree and a server crash does not take running workers down), with stdout/stderr appended to
// a log file. A reaper thread collects exits and reports them.

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.hpp"

namespace fedflow::executor {

/// What to start.
struct LaunchSpec {
  std::string executable;
  std::vector<std::string> args;  ///< after argv[0]
  std::vector<std::string> env;   ///< extra KEY=VALUE entries on top of the server's environment
  std::string workdir;
  std::string log_path;           ///< stdout and stderr, appended
};

/// Launches and supervises worker processes. Thread-safe.
class ProcessLauncher final {
 public:
  /// `on_exit(pid, exit_code, signal)` runs on the reaper thread when a child ends
  /// (exit_code -1 when killed by `signal`).
  using ExitCallback = std::function<void(pid_t pid, int exit_code, int signal)>;

  explicit ProcessLauncher(ExitCallback on_exit);
  /// Stops the reaper; running workers keep running (they outlive a server restart).
  ~ProcessLauncher();
  ProcessLauncher(const ProcessLauncher&) = delete;
  ProcessLauncher& operator=(const ProcessLauncher&) = delete;

  /// Starts the process; its pid is also its process group id.
  StatusOr<pid_t> Launch(const LaunchSpec& spec);

  /// SIGTERM to the process group, then SIGKILL after `grace_ms` if anything is left.
  /// Returns true when no process of the group remains.
  static bool KillGroup(pid_t pgid, int grace_ms);

  /// True when `pid` is alive (not a zombie) and its command line contains `marker` (guards
  /// against pid reuse after a restart). An empty marker skips that check.
  static bool IsAlive(pid_t pid, const std::string& marker);

 private:
  void Reap();

  ExitCallback on_exit_;
  std::atomic<bool> stopping_{false};
  std::thread reaper_;
};

}  // namespace fedflow::executor
