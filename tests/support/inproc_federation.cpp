#include "tests/support/inproc_federation.hpp"

#include <filesystem>
#include <stdexcept>

#include "base/ids.hpp"
#include "proto/status_names.hpp"
#include "service/api/job_routes.hpp"
#include "service/api/partner_routes.hpp"
#include "service/dsl/job_planner.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"
#include "tests/support/test_dirs.hpp"

namespace fedflow::testing {

namespace bj = boost::json;

namespace {

// Set-up failures end the test (Boost.Test reports the exception) or the benchmark; the
// support library does not depend on a test framework being active.
void Require(const Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Network

void FakeNetwork::SetReachable(const std::string& party, bool reachable) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (reachable) {
    down_.erase(party);
  } else {
    down_.insert(party);
  }
}

bool FakeNetwork::Reachable(const std::string& party) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !down_.count(party);
}

void FakeNetwork::DropNext(const std::string& party, const std::string& path, int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  drops_[{party, path}] += n;
}

int FakeNetwork::Delivered(const std::string& party, const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = delivered_.find({party, path});
  return it == delivered_.end() ? 0 : it->second;
}

interconnect::PartyReply FakeNetwork::Deliver(const std::string& from, const interconnect::PartyCommand& c) {
  http::Router* router = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto drop = drops_.find({c.party_id, c.path});
    bool dropped = drop != drops_.end() && drop->second > 0;
    if (dropped) --drop->second;
    auto it = routers_.find(c.party_id);
    if (!dropped && !down_.count(c.party_id) && it != routers_.end()) {
      router = it->second;
      ++delivered_[{c.party_id, c.path}];
    }
  }
  if (!router) {
    interconnect::PartyReply r;
    r.party_id = c.party_id;
    r.status = UnavailableError("party " + c.party_id + " unreachable: connection refused (test network)");
    return r;
  }
  http::HttpRequest req;
  req.method = "POST";
  req.target = c.path;
  req.path = c.path;
  req.body = c.body;
  req.remote = "test";
  req.headers["x-fedflow-src-party"] = from;
  if (!c.command_key.empty()) req.headers["x-fedflow-command-id"] = c.command_key;
  req.internal = from == c.party_id;  // as the real client: calls to itself are in-process
  http::HttpResponse res = router->Dispatch(req);
  return interconnect::ReplyFromAnswer(c.party_id, res.status, res.body);
}

std::vector<interconnect::PartyReply> FakePartyClient::Send(const std::vector<interconnect::PartyCommand>& commands) {
  std::vector<interconnect::PartyReply> out;
  for (const auto& c : commands) out.push_back(network_.Deliver(self_, c));
  return out;
}

void FakePartyClient::Notify(const interconnect::PartyCommand& command) { (void)network_.Deliver(self_, command); }

// ---------------------------------------------------------------------------------------------
// Federation

InProcessFederation::InProcessFederation(const std::vector<InProcessPartyOptions>& parties, InProcessOptions options)
    : options_(options), root_(FreshDir("inproc")) {
  for (const auto& p : parties) Build(p);
}

InProcessFederation::~InProcessFederation() {
  // Schedulers and executors first: they call into repositories and routers.
  for (auto& [id, p] : parties_) {
    p->detector.reset();
    p->scheduler.reset();
    p->executor.reset();
  }
}

void InProcessFederation::Build(const InProcessPartyOptions& o) {
  auto owned = std::make_unique<InProcessParty>();
  InProcessParty& p = *owned;
  p.party_id = o.party_id;
  p.home = root_ + "/party-" + o.party_id;
  orm::DbConfig db;
  db.engine = "sqlite";
  db.sqlite_path = p.home + "/fedflow.db";
  std::filesystem::create_directories(p.home);
  auto opened = orm::OpenDatabase(db);
  Require(opened.status(), "open the party's database");
  p.db = std::move(opened).value();
  p.jobs = orm::MakeJobRepository(*p.db);
  p.schedule = orm::MakeScheduleRepository(*p.db);
  p.tasks = orm::MakeTaskRepository(*p.db);
  p.allocations = orm::MakeAllocationRepository(*p.db);
  p.commands = orm::MakeCommandRepository(*p.db);
  p.provider_rows = orm::MakeProviderRepository(*p.db);
  orm::EngineCapacityRow capacity;
  capacity.engine = "local";
  capacity.party_id = o.party_id;
  capacity.cores = o.cores;
  capacity.max_running_jobs = o.max_running_jobs;
  capacity.updated_ms = clock_.NowMs();
  Require(p.allocations->RegisterCapacity(capacity), "register capacity");
  p.job_lifecycle = std::make_unique<lifecycle::JobLifecycle>(*p.jobs, *p.schedule, clock_);
  p.task_lifecycle = std::make_unique<lifecycle::TaskLifecycle>(*p.tasks, *p.schedule, clock_);
  p.allocation_lifecycle = std::make_unique<lifecycle::AllocationLifecycle>(*p.allocations, clock_);
  p.providers = std::make_unique<executor::ProviderRegistry>(*p.provider_rows, clock_);
  executor::Provider provider{"test", "1.0", "/bin/true", {o.modules.begin(), o.modules.end()}, "config"};
  Require(p.providers->Register(provider), "register the provider");
  Wire(p);
  order_.push_back(o.party_id);
  parties_[o.party_id] = std::move(owned);
}

void InProcessFederation::Restart(const std::string& party) {
  InProcessParty& p = At(party);
  p.detector.reset();
  p.scheduler.reset();
  p.partner_stub.reset();
  p.router.reset();
  p.participant.reset();
  p.executor.reset();
  Wire(p);
}

void InProcessFederation::Wire(InProcessParty& p) {
  const std::string party_id = p.party_id;

  InProcessParty* self = &p;
  if (!p.party_client) p.party_client = std::make_unique<FakePartyClient>(party_id, network_);
  auto nudge_scheduler = [self](const std::string& job_id, const std::string& scheduler_party) {
    self->party_client->Notify({scheduler_party, "/v2/scheduler/task/report", R"({"job_id":")" + job_id + R"("})", ""});
  };
  executor::ExecutorOptions eo;
  eo.jobs_dir = p.home + "/jobs";
  eo.logs_dir = p.home + "/logs";
  eo.instance_id = party_id + "-a";
  eo.kill_grace_ms = 0;
  p.executor = std::make_unique<executor::TaskExecutor>(
      eo, p.launcher, *p.providers, *p.tasks, *p.task_lifecycle, clock_,
      [self, nudge_scheduler](const orm::TaskAttemptRow& attempt) {
        auto spec = self->participant->SpecOf(attempt.job_id);
        if (spec.ok()) nudge_scheduler(attempt.job_id, (*spec)->initiator().party_id());
      });

  const InProcessOptions opts = options_;
  auto plan_context = [opts] {
    dsl::PlanContext ctx;
    ctx.defaults.set_task_cores(opts.task_cores);
    ctx.defaults.set_task_parallelism(1);
    ctx.defaults.set_retry_backoff_ms(opts.retry_backoff_ms);
    ctx.defaults.set_job_type("train");
    ctx.defaults.set_computing_partitions(8);
    return ctx;
  };
  partner::ParticipantDeps pd;
  pd.party_id = party_id;
  pd.engine = "local";
  pd.jobs = p.jobs.get();
  pd.tasks = p.tasks.get();
  pd.allocations = p.allocations.get();
  pd.job_lifecycle = p.job_lifecycle.get();
  pd.task_lifecycle = p.task_lifecycle.get();
  pd.allocation_lifecycle = p.allocation_lifecycle.get();
  pd.providers = p.providers.get();
  pd.executor = p.executor.get();
  pd.clock = &clock_;
  pd.nudge_scheduler = nudge_scheduler;
  pd.plan_context = plan_context;
  p.participant = std::make_unique<partner::JobParticipant>(pd);

  sched::SchedulerOptions so;
  so.party_id = party_id;
  so.instance_id = party_id + "-a";
  so.lease_ms = options_.lease_ms;
  so.aging_ms = options_.aging_ms;
  so.partner_grace_ms = options_.partner_grace_ms;
  p.partner_stub = std::make_unique<sched::PartnerStub>(*p.party_client, party_id);
  p.scheduler = std::make_unique<sched::JobScheduler>(so, *p.schedule, *p.job_lifecycle, *p.task_lifecycle,
                                                      *p.partner_stub, clock_);

  detector::DetectorOptions dopt;
  dopt.instance_id = eo.instance_id;
  dopt.heartbeat_timeout_ms = options_.heartbeat_timeout_ms;
  detector::DetectorDeps dd;
  dd.jobs = p.jobs.get();
  dd.tasks = p.tasks.get();
  dd.allocations = p.allocations.get();
  dd.commands = p.commands.get();
  dd.task_lifecycle = p.task_lifecycle.get();
  dd.allocation_lifecycle = p.allocation_lifecycle.get();
  dd.executor = p.executor.get();
  dd.clock = &clock_;
  dd.on_attempt_failed = [self, nudge_scheduler](const orm::TaskAttemptRow& attempt) {
    auto spec = self->participant->SpecOf(attempt.job_id);
    if (spec.ok()) nudge_scheduler(attempt.job_id, (*spec)->initiator().party_id());
  };
  p.detector = std::make_unique<detector::Detector>(dopt, dd);

  p.router = std::make_unique<http::Router>();
  api::RegisterPartnerRoutes(*p.router, *p.participant, *p.commands, clock_);
  api::RegisterWorkerRoutes(*p.router, *p.participant);
  api::JobApiDeps jd;
  jd.party_id = party_id;
  jd.scheduler = p.scheduler.get();
  jd.jobs = p.jobs.get();
  jd.tasks = p.tasks.get();
  jd.schedule = p.schedule.get();
  jd.parties = p.party_client.get();
  jd.participant = p.participant.get();
  jd.logs_dir = eo.logs_dir;
  jd.clock = &clock_;
  jd.plan_context = plan_context;
  jd.nudge = [self](const std::string&) { ++self->nudges; };
  api::RegisterSchedulerRoutes(*p.router, jd);
  network_.Attach(party_id, p.router.get());
}

StatusOr<std::string> InProcessFederation::Submit(const std::string& party, const std::string& dsl,
                                                  const std::string& conf) {
  FEDFLOW_ASSIGN_OR_RETURN(bj::object body, json::ParseObject(R"({"dsl": )" + dsl + R"(, "runtime_conf": )" + conf + "}"));
  dsl::PlanContext ctx;
  ctx.defaults.set_task_cores(options_.task_cores);
  ctx.defaults.set_task_parallelism(1);
  ctx.defaults.set_retry_backoff_ms(options_.retry_backoff_ms);
  ctx.defaults.set_job_type("train");
  FEDFLOW_ASSIGN_OR_RETURN(JobSpec spec, dsl::PlanSubmission(body, party, ctx));
  FEDFLOW_ASSIGN_OR_RETURN(auto result, At(party).scheduler->Submit(std::move(spec)));
  return result.job_id;
}

void InProcessFederation::Tick(const std::string& party) { At(party).scheduler->RunOnce(pool_); }

void InProcessFederation::Detect() {
  for (const auto& id : order_) {
    parties_.at(id)->launcher.DeliverExits();
    parties_.at(id)->detector->RunOnce();
  }
}

std::string InProcessFederation::JobStatus(const std::string& scheduler, const std::string& job_id) {
  auto job = At(scheduler).schedule->GetJob(job_id);
  return job.ok() ? JobStatusName(job->status) : "";
}

std::string InProcessFederation::TaskStatus(const std::string& scheduler, const std::string& job_id,
                                            const std::string& task) {
  auto latest = At(scheduler).schedule->GetLatestTasks(job_id);
  if (!latest.ok()) return "";
  for (const auto& t : latest->tasks) {
    if (t.task_name == task) return TaskStatusName(t.status);
  }
  return "";
}

std::vector<orm::JobRow> InProcessFederation::JobRows(const std::string& party, const std::string& job_id) {
  auto rows = At(party).jobs->ListByJob(job_id);
  return rows.ok() ? *rows : std::vector<orm::JobRow>{};
}

std::vector<orm::TaskAttemptRow> InProcessFederation::Attempts(const std::string& party, const std::string& job_id) {
  auto rows = At(party).tasks->ListByJob(job_id);
  return rows.ok() ? *rows : std::vector<orm::TaskAttemptRow>{};
}

Status InProcessFederation::Report(const std::string& party, const std::string& job_id, const std::string& task,
                                   const std::string& role, const std::string& status, const std::string& error) {
  LaunchedWorker w;
  if (!At(party).launcher.FindAlive(job_id, task, role, &w)) {
    return NotFoundError("no live worker of " + task + " for " + role + " at party " + party);
  }
  http::HttpRequest req;
  req.method = "POST";
  req.path = req.target = "/v2/worker/task/status";
  req.headers["x-fedflow-task-token"] = w.token;
  req.body = json::Dump(bj::object{{"status", status}, {"error", error}});
  http::HttpResponse res = At(party).router->Dispatch(req);
  if (res.status != 200) return InternalError("worker report refused: " + res.body);
  // The worker process ends after its report.
  At(party).launcher.Exit(w.pid, status == "failed" ? 1 : 0);
  At(party).launcher.DeliverExits();
  return Status::OK();
}

void InProcessFederation::ReportAll(const std::string& job_id, const std::string& status) {
  for (const auto& id : order_) {
    for (const auto& w : parties_.at(id)->launcher.Alive()) {
      if (w.job_id == job_id) Require(Report(id, job_id, w.task_name, w.role, status), "worker report");
    }
  }
}

std::vector<LaunchedWorker> InProcessFederation::Alive(const std::string& job_id) {
  std::vector<LaunchedWorker> out;
  for (const auto& id : order_) {
    for (const auto& w : parties_.at(id)->launcher.Alive()) {
      if (w.job_id == job_id) out.push_back(w);
    }
  }
  return out;
}

std::string ChainDsl(const std::vector<std::string>& names) {
  std::string dsl = R"({"components": {)";
  for (std::size_t i = 0; i < names.size(); ++i) {
    dsl += std::string(i ? "," : "") + "\"" + names[i] + "\": {\"module\": \"TestModule\"";
    if (i > 0) dsl += ", \"input\": {\"data\": {\"data\": [\"" + names[i - 1] + ".data\"]}}";
    dsl += ", \"output\": {\"data\": [\"data\"]}}";
  }
  return dsl + "}}";
}

std::string ConfFor(const std::string& roles, const std::string& extra) {
  return R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999}, "role": )" + roles +
         (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace fedflow::testing
