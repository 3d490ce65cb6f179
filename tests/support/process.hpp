#pragma once
// Real processes for integration tests: started with fork/exec, stopped by the test by pid.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace fedflow::testing {

/// A child process. The destructor kills it (SIGKILL) if it is still running.
class ChildProcess final {
 public:
  /// Starts `argv[0]` with `argv`, stdout and stderr appended to `output_path`.
  static StatusOr<ChildProcess*> Start(const std::vector<std::string>& argv, const std::string& output_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// True while the process has not exited (reaps it when it has).
  bool Running();
  /// Sends `signal` and waits up to `timeout_ms` for exit; returns the exit status as
  /// `WEXITSTATUS` (or 128 + signal number), or -1 if it did not exit in time.
  int Stop(int signal, std::int64_t timeout_ms);
  /// Waits up to `timeout_ms` for a natural exit; same return convention as Stop.
  int Wait(std::int64_t timeout_ms);
  /// SIGKILL without waiting for graceful shutdown (fault injection).
  void Kill9();
  /// SIGSTOP / SIGCONT (a partner that stops answering).
  void Pause();
  void Resume();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  int exit_status_ = -1;
  bool exited_ = false;
};

/// Runs a command to completion (up to `timeout_ms`), capturing stdout+stderr into `output`.
/// Returns the exit code (or 128 + signal), -1 on timeout.
int RunCommand(const std::vector<std::string>& argv, std::string* output, std::int64_t timeout_ms = 30000);

/// True when a process with this pid exists (and is not a zombie).
bool ProcessAlive(pid_t pid);

}  // namespace fedflow::testing
