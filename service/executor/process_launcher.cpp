#include "service/executor/process_launcher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace fedflow::executor {

ProcessLauncher::ProcessLauncher(ExitCallback on_exit) : on_exit_(std::move(on_exit)) {
  reaper_ = std::thread([this] { Reap(); });
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
  int log_fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return InternalError("cannot open worker log " + spec.log_path + ": " + std::strerror(errno));
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  // Everything the child needs is built before fork: after fork only async-signal-safe calls.
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
  // Report exec failure through a close-on-exec pipe: EOF means exec succeeded.
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return InternalError(std::string("pipe: ") + std::strerror(errno));
  }

  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return InternalError(std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::setsid();  // own session and process group: pgid == pid
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    if (::chdir(spec.workdir.c_str()) != 0) {
      int err = errno;
      (void)::write(pipe_fds[1], &err, sizeof(err));
      ::_exit(126);
    }
    // The server's sockets (its listener above all) must not leak into the worker: a worker
    // outliving a killed server would otherwise keep the port and block the restart.
    // Everything from 3 up goes, except the exec-failure pipe (close-on-exec already).
    const unsigned keep = static_cast<unsigned>(pipe_fds[1]);
    bool closed = (keep <= 3 || ::syscall(SYS_close_range, 3U, keep - 1, 0U) == 0) &&
                  ::syscall(SYS_close_range, keep + 1, ~0U, 0U) == 0;
    if (!closed) {
      for (int fd = 3; fd < 65536; ++fd) {
        if (fd != pipe_fds[1]) ::close(fd);
      }
    }
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the server blocks SIGTERM; workers must not
    ::execve(argv[0], argv.data(), envp.data());
    int err = errno;
    (void)::write(pipe_fds[1], &err, sizeof(err));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  int child_errno = 0;
  ssize_t n = ::read(pipe_fds[0], &child_errno, sizeof(child_errno));
  ::close(pipe_fds[0]);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    return InternalError("cannot start '" + spec.executable + "' in " + spec.workdir + ": " + std::strerror(child_errno));
  }
  return pid;
}

bool ProcessLauncher::KillGroup(pid_t pgid, int grace_ms) {
  if (pgid <= 1) return true;
  if (::kill(-pgid, SIGTERM) != 0 && errno == ESRCH) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::kill(-pgid, 0) != 0 && errno == ESRCH) return true;
    // A zombie leader still counts as a group member until reaped; it runs nothing.
    if (!IsAlive(pgid, "")) {
      bool others = false;
      // The group may still have live children of the leader.
      DIR* proc = ::opendir("/proc");
      if (proc) {
        while (dirent* e = ::readdir(proc)) {
          pid_t p = static_cast<pid_t>(std::atoi(e->d_name));
          if (p > 0 && p != pgid && ::getpgid(p) == pgid && IsAlive(p, "")) {
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

bool ProcessLauncher::IsAlive(pid_t pid, const std::string& marker) {
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
