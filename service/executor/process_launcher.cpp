#include "service/executor/process_launcher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace fedflow::executor {

ProcessLauncher::ProcessLauncher() {
  reaper_ = std::thread([this] { Reap(); });
}

void ProcessLauncher::SetExitCallback(ExitCallback on_exit) {
  std::lock_guard<std::mutex> lock(callback_mutex_);
  on_exit_ = std::move(on_exit);
}

ProcessLauncher::~ProcessLauncher() {
  stopping_ = true;
  if (reaper_.joinable()) reaper_.join();
}

void ProcessLauncher::Reap() {
  // Polling with WNOHANG keeps the thread stoppable; 50 ms is far below any worker's lifetime.
  while (!stopping_) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      std::lock_guard<std::mutex> lock(callback_mutex_);
      if (on_exit_) on_exit_(pid, code, sig);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

StatusOr<pid_t> ProcessLauncher::Launch(const LaunchSpec& spec) {
  if (::access(spec.executable.c_str(), X_OK) != 0) {
    return FailedPreconditionError("provider executable '" + spec.executable + "' is not executable: " +
                                   std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(spec.log_path).parent_path(), ec);
  int log_fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return InternalError("cannot open worker log " + spec.log_path + ": " + std::strerror(errno));

  std::vector<std::string> argv_store{spec.executable};
  argv_store.insert(argv_store.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; e && *e; ++e) env_store.emplace_back(*e);
  env_store.insert(env_store.end(), spec.env.begin(), spec.env.end());
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  // posix_spawn, not fork: glibc starts the child with vfork semantics, so the server's page
  // tables (many threads, a large heap) are not copied for every worker. The child gets its own
  // session and process group (pgid == pid), the log on stdout/stderr, /dev/null on stdin, the
  // attempt directory as cwd, none of the server's sockets (a worker outliving a killed server
  // would keep its port), and default signals with nothing blocked (the server blocks SIGTERM
  // and ignores SIGPIPE; workers must not inherit either).
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, spec.workdir.c_str());
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int err = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(log_fd);
  if (err != 0) {
    return InternalError("cannot start '" + spec.executable + "' in " + spec.workdir + ": " + std::strerror(err));
  }
  return pid;
}

bool ProcessLauncher::KillProcessGroup(pid_t pgid, int grace_ms) {
  if (pgid <= 1) return true;
  if (::kill(-pgid, SIGTERM) != 0 && errno == ESRCH) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::kill(-pgid, 0) != 0 && errno == ESRCH) return true;
    // A zombie leader still counts as a group member until reaped; it runs nothing.
    if (!ProcessIsAlive(pgid, "")) {
      bool others = false;
      // The group may still have live children of the leader.
      DIR* proc = ::opendir("/proc");
      if (proc) {
        while (dirent* e = ::readdir(proc)) {
          pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
          if (p > 0 && p != pgid && ::getpgid(p) == pgid && ProcessIsAlive(p, "")) {
            others = true;
            break;
          }
        }
        ::closedir(proc);
      }
      if (!others) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-pgid, SIGKILL);
  return true;
}

bool ProcessLauncher::ProcessIsAlive(pid_t pid, const std::string& marker) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;  // reaped between the kill(0) and the read
  auto close = line.rfind(')');
  if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z') return false;
  if (marker.empty()) return true;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  return args.find(marker) != std::string::npos;
}

}  // namespace fedflow::executor
