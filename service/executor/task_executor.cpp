#include "service/executor/task_executor.hpp"

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/files/private_file.hpp"
#include "service/files/safe_path.hpp"
#include "service/json/json.hpp"

namespace fedflow::executor {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

std::string AttemptPath(const std::string& root, const orm::TaskAttemptRow& a) {
  return (fs::path(root) / a.job_id / a.role / a.party_id / a.task_name / std::to_string(a.attempt)).string();
}

/// An attempt's working directory: one level under the job's, "<task>.<attempt>.<role>.<party>"
/// (unambiguous: task names and roles have no '.', the attempt is a number). Each directory
/// level is a mkdir per attempt, which this file system makes costly at a busy site.
std::string WorkdirName(const orm::TaskAttemptRow& a) {
  return a.task_name + "." + std::to_string(a.attempt) + "." + a.role + "." + a.party_id;
}

}  // namespace

TaskExecutor::TaskExecutor(ExecutorOptions options, WorkerLauncher& launcher, ProviderRegistry& providers,
                           orm::TaskRepository& tasks, lifecycle::TaskLifecycle& lifecycle, const Clock& clock,
                           std::function<void(const orm::TaskAttemptRow&)> on_attempt_ended)
    : options_(std::move(options)),
      providers_(providers),
      tasks_(tasks),
      lifecycle_(lifecycle),
      clock_(clock),
      on_attempt_ended_(std::move(on_attempt_ended)),
      launcher_(launcher) {
  launcher_.SetExitCallback([this](pid_t pid, int code, int sig) { OnExit(pid, code, sig); });
}

TaskExecutor::~TaskExecutor() { launcher_.SetExitCallback(nullptr); }

StatusOr<bj::array> TaskExecutor::ResolveInputs(const orm::TaskAttemptRow& a, const JobSpec& spec,
                                                 const TaskSpec& task) const {
  // An input is an output of a task of this job, named by task and output key; never a path.
  auto attempts = tasks_.ListByJob(a.job_id);
  if (!attempts.ok()) return attempts.status();
  bj::array inputs;
  for (const auto& in : task.inputs()) {
    if (!in.model_id().empty()) {
      if (!options_.stored_model_path) return FailedPreconditionError("party " + a.party_id + " keeps no models");
      FEDFLOW_ASSIGN_OR_RETURN(std::string path, options_.stored_model_path(in, a.role, a.party_id));
      inputs.push_back(bj::object{{"kind", in.kind()},
                                  {"key", in.key()},
                                  {"producer", in.producer()},
                                  {"output", in.output()},
                                  {"model_id", in.model_id()},
                                  {"model_version", in.model_version()},
                                  {"path", path}});
      continue;
    }
    const TaskSpec* producer = nullptr;
    for (const auto& t : spec.tasks()) {
      if (t.name() == in.producer()) producer = &t;
    }
    bool declared = false;
    if (producer) {
      for (const auto& d : producer->output_data()) declared = declared || d == in.output();
      for (const auto& m : producer->output_model()) declared = declared || m == in.output();
    }
    if (!declared || !IsSafeIdentifier(in.output(), 100)) {
      return InvalidArgumentError("input '" + in.key() + "' of task " + task.name() + " names '" + in.producer() + "." +
                                  in.output() + "', which is no output of a task of job " + a.job_id);
    }
    bj::object o;
    o["kind"] = in.kind();
    o["key"] = in.key();
    o["producer"] = in.producer();
    o["output"] = in.output();
    // The producer's latest successful attempt at this party and role, if it ran here.
    std::string dir;
    int best = -1;
    for (const auto& p : *attempts) {
      if (p.task_name == in.producer() && p.role == a.role && p.party_id == a.party_id && IsSuccessStatus(p.status) &&
          p.attempt > best) {
        best = p.attempt;
        dir = (fs::path(WorkdirOf(p)) / "output" / in.output()).string();
      }
    }
    o["path"] = dir;
    inputs.push_back(std::move(o));
  }
  return inputs;
}

std::string TaskExecutor::WorkdirOf(const orm::TaskAttemptRow& a) const {
  return (fs::path(options_.jobs_dir) / a.job_id / WorkdirName(a)).string();
}

void TaskExecutor::RemoveJobDirectory(const std::string& job_id) {
  if (job_id.empty() || job_id.find('/') != std::string::npos || job_id == "." || job_id == "..") return;
  std::error_code ec;
  fs::remove_all(fs::path(options_.jobs_dir) / job_id, ec);
}

std::string TaskExecutor::LogPathOf(const orm::TaskAttemptRow& a) const {
  return AttemptPath(options_.logs_dir, a) + "/task.log";
}

Status TaskExecutor::Launch(const orm::TaskAttemptRow& a, const JobSpec& spec, const TaskSpec& task,
                            const PartyTask& party_task) {
  auto provider = providers_.Resolve(task.module(), task.provider());
  if (!provider.ok()) return provider.status();
  // Every name in the attempt's paths was checked when the job was planned; checked again here
  // because a path outside the home would hand a worker token to anyone who can read it.
  const std::string attempt_no = std::to_string(a.attempt);
  FEDFLOW_ASSIGN_OR_RETURN(std::string workdir, files::PathUnder(options_.jobs_dir, {a.job_id, WorkdirName(a)}));
  FEDFLOW_RETURN_IF_ERROR(files::PathUnder(options_.logs_dir, {a.job_id, a.role, a.party_id, a.task_name, attempt_no}).status());
  FEDFLOW_ASSIGN_OR_RETURN(bj::array inputs, ResolveInputs(a, spec, task));
  std::error_code ec;
  fs::create_directories(fs::path(workdir) / "output", ec);
  if (ec) return InternalError("cannot create " + workdir + ": " + ec.message());
  fs::permissions(workdir, fs::perms::owner_all, fs::perm_options::replace, ec);

  bj::object config;
  config["job_id"] = a.job_id;
  config["task_name"] = a.task_name;
  config["task_id"] = a.job_id + "_" + a.task_name;
  config["attempt"] = a.attempt;
  config["role"] = a.role;
  config["party_id"] = a.party_id;
  config["module"] = task.module();
  config["provider"] = provider->Key();
  auto params = json::Parse(party_task.parameters_json(), "parameters");
  config["parameters"] = params.ok() ? *params : bj::value(bj::object());
  config["inputs"] = std::move(inputs);
  bj::object outputs;
  bj::array out_data, out_model;
  for (const auto& d : task.output_data()) out_data.emplace_back(d);
  for (const auto& m : task.output_model()) out_model.emplace_back(m);
  outputs["data"] = std::move(out_data);
  outputs["model"] = std::move(out_model);
  config["outputs"] = std::move(outputs);
  bj::array parties;
  for (const auto& p : spec.parties()) parties.push_back(bj::object{{"role", p.role()}, {"party_id", p.party_id()}});
  config["parties"] = std::move(parties);
  // The parties that run this task, in the plan's order: the ones its workers exchange messages with.
  bj::array task_parties;
  for (const auto& p : task.parties()) {
    task_parties.push_back(bj::object{{"role", p.role()}, {"party_id", p.party_id()}});
  }
  config["task_parties"] = std::move(task_parties);
  config["job_parameters"] = bj::object{{"task_cores", spec.params().task_cores()},
                                        {"task_parallelism", spec.params().task_parallelism()},
                                        {"computing_partitions", spec.params().computing_partitions()},
                                        {"job_type", spec.params().job_type()}};
  config["workdir"] = workdir;
  config["output_dir"] = (fs::path(workdir) / "output").string();
  config["server"] = bj::object{{"host", options_.server_host},
                                {"port", options_.server_port},
                                {"tls", options_.server_tls},
                                {"tls_ca_file", options_.server_tls_ca},
                                {"tls_cert_file", options_.server_tls_cert},
                                {"tls_key_file", options_.server_tls_key}};
  config["token"] = a.token;
  config["heartbeat_interval_ms"] = options_.heartbeat_interval_ms;
  const std::string config_path = (fs::path(workdir) / "task_config.json").string();
  FEDFLOW_RETURN_IF_ERROR(files::WritePrivateFile(config_path, bj::serialize(config)));

  LaunchSpec ls;
  ls.executable = provider->executable;
  ls.args = {"--config", config_path};
  ls.env = {"FEDFLOW_TASK_CONFIG=" + config_path, "FEDFLOW_JOB_ID=" + a.job_id};
  ls.workdir = workdir;
  ls.log_path = LogPathOf(a);
  std::lock_guard<std::mutex> lock(mutex_);  // the reaper must not see the pid before it is mapped
  auto pid = launcher_.Launch(ls);
  if (!pid.ok()) return pid.status();
  live_[*pid] = a.id;
  auto recorded = tasks_.RecordLaunch(a.id, *pid, options_.instance_id, workdir, clock_.NowMs());
  if (!recorded.ok() || !*recorded) {
    // Not recorded: the attempt was stopped while its worker started (the stopper saw no pid), or
    // another instance launched it. Either way this worker must go, and its exit must not be taken
    // for the attempt's end (the other instance's worker may be running it): forget the pid.
    launcher_.KillGroup(*pid, 0);
    live_.erase(*pid);
    if (!recorded.ok()) return recorded.status().WithContext("recording the launched worker");
    return AbortedError("attempt was stopped while its worker started");
  }
  log::Get("executor")->info("job_id={} task={} attempt={} party={}:{} pid={} provider={} launched", a.job_id,
                             a.task_name, a.attempt, a.role, a.party_id, *pid, provider->Key());
  return Status::OK();
}

bool TaskExecutor::Kill(const orm::TaskAttemptRow& a) {
  auto current = tasks_.GetById(a.id);
  const orm::TaskAttemptRow& row = current.ok() ? *current : a;
  std::int64_t pid = row.pid;
  if (pid <= 0) return true;
  // Never signal a pid that is not this attempt's worker (pid reuse, or a worker of another
  // instance on another host): its command line must name the attempt's directory.
  if (!IsWorkerAlive(row)) return true;
  bool gone = launcher_.KillGroup(static_cast<pid_t>(pid), options_.kill_grace_ms);
  log::Get("executor")->info("job_id={} task={} attempt={} party={}:{} pid={} killed", a.job_id, a.task_name, a.attempt,
                             a.role, a.party_id, pid);
  return gone;
}

bool TaskExecutor::IsWorkerAlive(const orm::TaskAttemptRow& a) const {
  if (a.pid <= 0) return false;
  // The attempt's directory is on the worker's command line: a reused pid will not match it.
  // The recorded directory, not ours: another instance of this party may have launched it.
  return launcher_.IsAlive(static_cast<pid_t>(a.pid), a.workdir.empty() ? WorkdirOf(a) : a.workdir);
}

bool TaskExecutor::AwaitsReaping(const orm::TaskAttemptRow& a) const {
  if (a.pid <= 0 || a.launched_by != options_.instance_id) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = live_.find(static_cast<pid_t>(a.pid));
  return it != live_.end() && it->second == a.id;
}

void TaskExecutor::OnExit(pid_t pid, int exit_code, int sig) {
  std::uint64_t attempt_id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = live_.find(pid);
    if (it == live_.end()) return;
    attempt_id = it->second;
  }
  // The pid stays in `live_` until the outcome is recorded, so the detector keeps leaving it to us.
  std::int64_t now = clock_.NowMs();
  // The exit code is information for people; the attempt's outcome below does not depend on it.
  Status recorded = tasks_.RecordExitCode(attempt_id, sig ? 128 + sig : exit_code, now);
  if (!recorded.ok()) log::Get("executor")->warn("pid={} exit code not recorded: {}", pid, recorded.message());
  auto a = tasks_.GetById(attempt_id);
  bool ended_here = false;
  if (a.ok() && a->status == TASK_STATUS_RUNNING) {
    std::string how = sig ? "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")"
                          : "exited with code " + std::to_string(exit_code);
    std::string reason = "worker " + how + " without reporting a result; see " + LogPathOf(*a);
    ended_here = lifecycle_.Apply(*a, sm::TaskEvent::kFailed, reason).ok();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = live_.find(pid);  // the reaped pid may already belong to a new worker
    if (it != live_.end() && it->second == attempt_id) live_.erase(it);
  }
  if (ended_here && on_attempt_ended_) on_attempt_ended_(*a);
}

}  // namespace fedflow::executor
