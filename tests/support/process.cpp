#include "tests/support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/test_dirs.hpp"

namespace fedflow::testing {
namespace {

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& output_path) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: own process group so a test can signal it without touching the test runner.
  ::setpgid(0, 0);
  int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
  }
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

}  // namespace

StatusOr<ChildProcess*> ChildProcess::Start(const std::vector<std::string>& argv, const std::string& output_path) {
  if (argv.empty()) return InvalidArgumentError("empty argv");
  if (::access(argv[0].c_str(), X_OK) != 0) return NotFoundError("not executable: " + argv[0]);
  pid_t pid = Spawn(argv, output_path);
  if (pid < 0) return InternalError("fork failed");
  return new ChildProcess(pid);
}

ChildProcess::~ChildProcess() {
  if (Running()) {
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
    Wait(10000);
  }
}

bool ChildProcess::Running() {
  if (exited_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_status_ = DecodeStatus(status);
    return false;
  }
  return r == 0;
}

int ChildProcess::Wait(std::int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

int ChildProcess::Stop(int signal, std::int64_t timeout_ms) {
  if (Running()) ::kill(pid_, signal);
  return Wait(timeout_ms);
}

void ChildProcess::Kill9() {
  if (Running()) ::kill(pid_, SIGKILL);
  Wait(10000);
}

void ChildProcess::Pause() { ::kill(pid_, SIGSTOP); }
void ChildProcess::Resume() { ::kill(pid_, SIGCONT); }

int RunCommand(const std::vector<std::string>& argv, std::string* output, std::int64_t timeout_ms) {
  std::string out_path = FreshDir("cmd") + "/output.txt";
  pid_t pid = Spawn(argv, out_path);
  if (pid < 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  int code = -1;
  while (true) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      code = DecodeStatus(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (output) *output = ReadFile(out_path);
  return code;
}

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0) return false;
  // A zombie still answers kill(0): look at its state.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  // Unreadable: it was reaped between the kill(0) and the read.
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  if (close != std::string::npos && close + 2 < line.size()) return line[close + 2] != 'Z';
  return true;
}

}  // namespace fedflow::testing
