#pragma once
// Several parties in one process, for unit tests of the scheduler, participant, executor and
// detector: each party has its own SQLite database, repositories, lifecycles, executor (with a
// FakeLauncher: no process is started), participant, scheduler and router, wired like the real
// server; party-to-party calls go through a FakePartyClient straight to the other party's
// router (the real routes and their checks), with parties that can be made unreachable. Time is
// a FakeClock; a test drives every tick itself. No sleeps, no sockets.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "base/thread_pool.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/command_repository.hpp"
#include "orm/database.hpp"
#include "orm/job_repository.hpp"
#include "orm/registry_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/task_repository.hpp"
#include "service/detector/detector.hpp"
#include "service/executor/provider_registry.hpp"
#include "service/executor/task_executor.hpp"
#include "service/http/router.hpp"
#include "service/interconnect/party_client.hpp"
#include "service/lifecycle/lifecycle.hpp"
#include "service/partner/job_participant.hpp"
#include "service/scheduler/job_scheduler.hpp"
#include "service/scheduler/partner_stub.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/fake_launcher.hpp"

namespace fedflow::testing {

class InProcessFederation;

/// The parties' routers and which of them answer. Thread-safe for reachability flags.
class FakeNetwork final {
 public:
  void Attach(const std::string& party, http::Router* router) { routers_[party] = router; }
  void SetReachable(const std::string& party, bool reachable);
  bool Reachable(const std::string& party) const;
  /// The next `n` commands to `path` at `party` get no answer (the party looks unreachable).
  void DropNext(const std::string& party, const std::string& path, int n);
  /// Commands delivered so far, per party and path.
  int Delivered(const std::string& party, const std::string& path) const;

  interconnect::PartyReply Deliver(const std::string& from, const interconnect::PartyCommand& command);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, http::Router*> routers_;
  std::set<std::string> down_;
  std::map<std::pair<std::string, std::string>, int> drops_;
  std::map<std::pair<std::string, std::string>, int> delivered_;
};

/// The PartyClient of one party over a FakeNetwork: every command delivered in order,
/// synchronously (the scheduler's fan-out logic is the same either way).
class FakePartyClient final : public interconnect::PartyClient {
 public:
  FakePartyClient(std::string self, FakeNetwork& network) : self_(std::move(self)), network_(network) {}
  std::vector<interconnect::PartyReply> Send(const std::vector<interconnect::PartyCommand>& commands) override;
  void Notify(const interconnect::PartyCommand& command) override;

 private:
  std::string self_;
  FakeNetwork& network_;
};

/// Settings of one party.
struct InProcessPartyOptions {
  std::string party_id;
  int cores = 16;
  int max_running_jobs = 0;
  /// Modules of the fake provider registered at this party.
  std::vector<std::string> modules = {"Reader", "DataTransform", "Intersection", "HeteroLR", "HomoLR",
                                      "Evaluation", "FeatureScale", "TestModule"};
};

/// Scheduler knobs shared by every party.
struct InProcessOptions {
  std::int64_t lease_ms = 15000;
  std::int64_t aging_ms = 60000;
  std::int64_t partner_grace_ms = 60000;
  std::int64_t heartbeat_timeout_ms = 30000;
  std::int32_t task_cores = 1;
  std::int64_t retry_backoff_ms = 1000;
};

/// One party: everything a fedflow-server wires, with fakes for processes, time and network.
struct InProcessParty {
  std::string party_id;
  std::string home;
  std::unique_ptr<orm::Database> db;
  std::unique_ptr<orm::JobRepository> jobs;
  std::unique_ptr<orm::ScheduleRepository> schedule;
  std::unique_ptr<orm::TaskRepository> tasks;
  std::unique_ptr<orm::AllocationRepository> allocations;
  std::unique_ptr<orm::CommandRepository> commands;
  std::unique_ptr<orm::ProviderRepository> provider_rows;
  std::unique_ptr<lifecycle::JobLifecycle> job_lifecycle;
  std::unique_ptr<lifecycle::TaskLifecycle> task_lifecycle;
  std::unique_ptr<lifecycle::AllocationLifecycle> allocation_lifecycle;
  std::unique_ptr<executor::ProviderRegistry> providers;
  FakeLauncher launcher;
  std::unique_ptr<executor::TaskExecutor> executor;
  std::unique_ptr<partner::JobParticipant> participant;
  std::unique_ptr<FakePartyClient> party_client;
  std::unique_ptr<sched::PartnerStub> partner_stub;
  std::unique_ptr<sched::JobScheduler> scheduler;
  std::unique_ptr<detector::Detector> detector;
  std::unique_ptr<http::Router> router;
  int nudges = 0;  ///< scheduler nudges received
};

class InProcessFederation final {
 public:
  InProcessFederation(const std::vector<InProcessPartyOptions>& parties, InProcessOptions options = {});
  ~InProcessFederation();

  FakeClock& clock() { return clock_; }
  FakeNetwork& network() { return network_; }
  InProcessParty& At(const std::string& party) { return *parties_.at(party); }

  /// Plans and submits a FATE 1.x job at `party` (its initiator).
  StatusOr<std::string> Submit(const std::string& party, const std::string& dsl, const std::string& conf);
  /// One scheduler tick at `party` (the job's scheduler).
  void Tick(const std::string& party);
  /// The party's server restarts: its services are built anew on the same database, and its
  /// workers (the FakeLauncher's) keep running, but the new server has no children to reap.
  void Restart(const std::string& party);
  /// Delivers queued worker exits at every party, then one detector pass at each.
  void Detect();

  /// The scheduler's status of a job, and of a task's latest attempt ("" when unknown).
  std::string JobStatus(const std::string& scheduler, const std::string& job_id);
  std::string TaskStatus(const std::string& scheduler, const std::string& job_id, const std::string& task);
  /// This party's rows.
  std::vector<orm::JobRow> JobRows(const std::string& party, const std::string& job_id);
  std::vector<orm::TaskAttemptRow> Attempts(const std::string& party, const std::string& job_id);

  /// The worker of (job, task, role) at `party` reports `status` ("success", "failed", ...).
  Status Report(const std::string& party, const std::string& job_id, const std::string& task,
                const std::string& role, const std::string& status, const std::string& error = "");
  /// Every live worker of `job` at every party reports `status`.
  void ReportAll(const std::string& job_id, const std::string& status);
  /// Live workers of a job at every party.
  std::vector<LaunchedWorker> Alive(const std::string& job_id);

 private:
  void Build(const InProcessPartyOptions& p);
  /// Everything above the database: executor, participant, scheduler, detector, routes.
  void Wire(InProcessParty& p);

  InProcessOptions options_;
  FakeClock clock_;
  FakeNetwork network_;
  ThreadPool pool_{1};
  std::string root_;
  std::vector<std::string> order_;
  std::map<std::string, std::unique_ptr<InProcessParty>> parties_;
};

/// A FATE 1.x DSL: `names` in a chain, each module TestModule (data in, data out).
std::string ChainDsl(const std::vector<std::string>& names);
/// A runtime conf with guest 9999 initiating; `roles` is a JSON object text such as
/// {"guest": [9999], "host": [10000]}; `extra` JSON members appended to the conf.
std::string ConfFor(const std::string& roles, const std::string& extra = "");

}  // namespace fedflow::testing
