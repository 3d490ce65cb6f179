#include "tests/support/fake_launcher.hpp"

#include <csignal>
#include <fstream>
#include <iterator>

#include <boost/json.hpp>

namespace fedflow::testing {

namespace bj = boost::json;

void FakeLauncher::SetExitCallback(ExitCallback on_exit) {
  std::lock_guard<std::mutex> lock(mutex_);
  on_exit_ = std::move(on_exit);
}

StatusOr<pid_t> FakeLauncher::Launch(const executor::LaunchSpec& spec) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!fail_next_.ok()) {
    Status error = fail_next_;
    fail_next_ = Status::OK();
    return error;
  }
  LaunchedWorker w;
  w.pid = next_pid_++;
  w.spec = spec;
  for (std::size_t i = 0; i + 1 < spec.args.size(); ++i) {
    if (spec.args[i] == "--config") w.config_path = spec.args[i + 1];
  }
  std::ifstream in(w.config_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  bj::value config = bj::parse(text, ec);
  if (!ec && config.is_object()) {
    const bj::object& o = config.as_object();
    auto str = [&](const char* k) { return o.contains(k) && o.at(k).is_string() ? std::string(o.at(k).as_string()) : ""; };
    w.job_id = str("job_id");
    w.task_name = str("task_name");
    w.role = str("role");
    w.party_id = str("party_id");
    w.token = str("token");
    if (o.contains("attempt") && o.at("attempt").is_int64()) w.attempt = static_cast<std::int32_t>(o.at("attempt").as_int64());
  }
  workers_[w.pid] = w;
  order_.push_back(w.pid);
  alive_.insert(w.pid);
  return w.pid;
}

bool FakeLauncher::KillGroup(pid_t pgid, int) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (alive_.erase(pgid)) {
    killed_.insert(pgid);
    exits_.emplace_back(pgid, -1, SIGTERM);
  }
  return true;
}

bool FakeLauncher::IsAlive(pid_t pid, const std::string& marker) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!alive_.count(pid)) return false;
  if (marker.empty()) return true;
  const LaunchedWorker& w = workers_.at(pid);
  if (w.spec.workdir.find(marker) != std::string::npos) return true;
  for (const auto& a : w.spec.args) {
    if (a.find(marker) != std::string::npos) return true;
  }
  return false;
}

void FakeLauncher::FailNextLaunch(Status error) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(error);
}

std::vector<LaunchedWorker> FakeLauncher::Launched() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LaunchedWorker> out;
  for (pid_t p : order_) out.push_back(workers_.at(p));
  return out;
}

std::vector<LaunchedWorker> FakeLauncher::Alive() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LaunchedWorker> out;
  for (pid_t p : order_) {
    if (alive_.count(p)) out.push_back(workers_.at(p));
  }
  return out;
}

bool FakeLauncher::FindAlive(const std::string& job_id, const std::string& task_name, const std::string& role,
                             LaunchedWorker* out) const {
  for (const auto& w : Alive()) {
    if (w.job_id == job_id && w.task_name == task_name && w.role == role) {
      *out = w;
      return true;
    }
  }
  return false;
}

std::set<pid_t> FakeLauncher::Killed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return killed_;
}

void FakeLauncher::Exit(pid_t pid, int exit_code, int signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (alive_.erase(pid)) exits_.emplace_back(pid, signal ? -1 : exit_code, signal);
}

void FakeLauncher::Vanish(pid_t pid) {
  std::lock_guard<std::mutex> lock(mutex_);
  alive_.erase(pid);
}

void FakeLauncher::DeliverExits() {
  while (true) {
    std::tuple<pid_t, int, int> e;
    ExitCallback callback;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (exits_.empty()) return;
      e = exits_.front();
      exits_.pop_front();
      callback = on_exit_;
    }
    if (callback) callback(std::get<0>(e), std::get<1>(e), std::get<2>(e));
  }
}

}  // namespace fedflow::testing
