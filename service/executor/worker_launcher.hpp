#pragma once
// How worker processes are started, watched and stopped: the executor's only view of them, so
// a container or cluster launcher can replace the local one (process_launcher.hpp) and tests can
// use a fake (tests/support/fake_launcher.hpp).

#include <sys/types.h>

#include <functional>
#include <string>
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

/// Thread-safe.
class WorkerLauncher {
 public:
  /// `(pid, exit_code, signal)`: exit_code -1 when the worker was killed by `signal`.
  using ExitCallback = std::function<void(pid_t pid, int exit_code, int signal)>;

  virtual ~WorkerLauncher() = default;
  /// Who hears of exits of workers this launcher started. Setting an empty callback waits for
  /// a running callback to return, so its owner can go away afterwards.
  virtual void SetExitCallback(ExitCallback on_exit) = 0;
  /// Starts the worker; its pid is also its process group id.
  virtual StatusOr<pid_t> Launch(const LaunchSpec& spec) = 0;
  /// Ends the worker's process group (`grace_ms` between the polite and the hard signal).
  /// True when nothing of it is left.
  virtual bool KillGroup(pid_t pgid, int grace_ms) = 0;
  /// True while `pid` runs and its command line contains `marker` (a reused pid does not).
  virtual bool IsAlive(pid_t pid, const std::string& marker) = 0;
};

}  // namespace fedflow::executor
