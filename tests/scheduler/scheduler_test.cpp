// The scheduler of one party driving jobs across in-process parties (tests/support/
// inproc_federation.hpp): real scheduler, participants, executors, lifecycles and SQLite
// databases; fake clock, launcher and network. Every tick is driven by the test.

#define BOOST_TEST_MODULE ff_core_test
#include <boost/test/unit_test.hpp>

#include <string>

#include "base/thread_pool.hpp"
#include "proto/status_names.hpp"
#include "tests/support/inproc_federation.hpp"

using namespace fedflow;
using namespace fedflow::testing;

namespace {

const char* kTwo = R"({"guest": [9999], "host": [10000]})";

/// A guest 9999 and a host 10000 (cores each as given).
InProcessFederation TwoParties(int host_cores = 16, InProcessOptions options = {}) {
  return InProcessFederation({{"9999"}, {"10000", host_cores}}, options);
}

std::string TaskAt(InProcessFederation& f, const std::string& party, const std::string& job, const std::string& task,
                   bool federated = false) {
  std::string out;
  int best = -1;
  for (const auto& a : f.Attempts(party, job)) {
    if (a.task_name == task && a.attempt > best) {
      best = a.attempt;
      out = TaskStatusName(federated ? a.federated_status : a.status);
    }
  }
  return out;
}

int AttemptsOf(InProcessFederation& f, const std::string& party, const std::string& job, const std::string& task) {
  int n = 0;
  for (const auto& a : f.Attempts(party, job)) n += a.task_name == task && a.role != "arbiter" ? 1 : 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SchedulerTest)

BOOST_AUTO_TEST_CASE(AJobRunsItsChainToSuccessAndEveryPartyKnowsTheFinalStatus) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0", "b_0"}), ConfFor(kTwo));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_TEST(f.JobStatus("9999", *job) == "waiting");
  f.Tick("9999");  // admitted, first task started at both parties
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  BOOST_TEST(f.Alive(*job).size() == 2u);
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "running");
  BOOST_TEST(TaskAt(f, "10000", *job, "b_0") == "waiting");
  f.ReportAll(*job, "success");
  f.Tick("9999");  // a_0 succeeded everywhere: b_0 starts
  BOOST_TEST(f.TaskStatus("9999", *job, "a_0") == "success");
  BOOST_TEST(TaskAt(f, "10000", *job, "b_0") == "running");
  f.ReportAll(*job, "success");
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "success");
  // Progress: 50 after the first task, sent on its own; 100 arrives with the end, no extra call.
  BOOST_TEST(f.network().Delivered("10000", "/v2/partner/job/update") == 1);
  for (const std::string party : {"9999", "10000"}) {
    for (const auto& row : f.JobRows(party, *job)) {
      BOOST_TEST(JobStatusName(row.status) == std::string("success"));
      BOOST_TEST(row.progress == 100, party);
    }
    // Every party reads the final federated status of every task, not "running".
    for (const std::string task : {"a_0", "b_0"}) {
      BOOST_TEST(TaskAt(f, party, *job, task, true) == "success", party << " " << task);
    }
  }
}

BOOST_AUTO_TEST_CASE(ARetryThatCannotBeCreatedYetWaitsInsteadOfFailingTheJob) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"auto_retries": 1}})"));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  BOOST_REQUIRE(f.Report("10000", *job, "a_0", "host", "failed", "boom").ok());
  // The host cannot be reached for the retry's creation this tick.
  f.network().DropNext("10000", "/v2/partner/task/rerun", 100);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  f.network().DropNext("10000", "/v2/partner/task/rerun", -100);
  f.clock().Advance(5000);
  f.Tick("9999");  // the retry is created now
  f.clock().Advance(1000);
  f.Tick("9999");  // and started after its backoff
  BOOST_TEST(AttemptsOf(f, "10000", *job, "a_0") == 2);
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  f.ReportAll(*job, "success");
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "success");
}

BOOST_AUTO_TEST_CASE(AFreeCoreCountFromARefusalLetsSmallerJobsThrough) {
  InProcessOptions options;
  options.task_cores = 1;
  auto f = InProcessFederation({{"9999"}, {"10000", 3}}, options);
  const std::string hang = ConfFor(kTwo, R"("job_parameters": {"common": {"task_cores": 2}})");
  auto big = f.Submit("9999", ChainDsl({"a_0"}), hang);
  f.clock().Advance(1);
  auto refused = f.Submit("9999", ChainDsl({"a_0"}), hang);
  f.clock().Advance(1);
  auto small = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(big.ok() && refused.ok() && small.ok());
  f.Tick("9999");
  // big holds 2 of 3 cores; the second needs 2 and is refused (the host says 1 is free); the
  // small one needs 1 and is asked in the same pass.
  BOOST_TEST(f.JobStatus("9999", *big) == "running");
  BOOST_TEST(f.JobStatus("9999", *refused) == "waiting");
  BOOST_TEST(f.JobStatus("9999", *small) == "running");
}

BOOST_AUTO_TEST_CASE(AdmissionTakesPriorityFirstThenAge) {
  auto f = InProcessFederation({{"9999"}, {"10000", 1}});
  auto low = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  f.clock().Advance(1);
  auto high = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"priority": 5}})"));
  BOOST_REQUIRE(low.ok() && high.ok());
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *high) == "running");
  BOOST_TEST(f.JobStatus("9999", *low) == "waiting");
  // The refusal names the party and its numbers.
  auto row = f.At("9999").schedule->GetJob(*low);
  BOOST_REQUIRE(row.ok());
  BOOST_TEST(row->waiting_reason.find("party 10000: needs 1 cores, 0 of 1 free") != std::string::npos, row->waiting_reason);
  f.ReportAll(*high, "success");
  f.Tick("9999");  // high ends and frees the core
  BOOST_TEST(f.JobStatus("9999", *high) == "success");
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *low) == "running");
}

BOOST_AUTO_TEST_CASE(AJobWaitingPastTheAgingThresholdReservesThePartiesItNeeds) {
  InProcessOptions options;
  options.aging_ms = 10000;
  auto f = InProcessFederation({{"9999"}, {"10000", 3}}, options);
  auto small = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  f.clock().Advance(1);
  auto big = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"task_cores": 3}})"));
  BOOST_REQUIRE(small.ok() && big.ok());
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *small) == "running");
  BOOST_TEST(f.JobStatus("9999", *big) == "waiting");
  f.clock().Advance(11000);  // big starves now
  auto late = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(late.ok());
  f.Tick("9999");
  // Two cores are free, but the host is reserved for the starving job.
  BOOST_TEST(f.JobStatus("9999", *late) == "waiting");
  auto row = f.At("9999").schedule->GetJob(*late);
  BOOST_TEST(row->waiting_reason.find("reserved for job " + *big) != std::string::npos, row->waiting_reason);
  f.ReportAll(*small, "success");
  f.Tick("9999");
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *big) == "running");
  BOOST_TEST(f.JobStatus("9999", *late) == "waiting");
}

BOOST_AUTO_TEST_CASE(AnUnreachablePartnerFailsTheJobAfterTheGracePeriodOnly) {
  InProcessOptions options;
  options.partner_grace_ms = 30000;
  auto f = TwoParties(16, options);
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.network().SetReachable("10000", false);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "waiting");
  f.clock().Advance(29000);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "waiting");
  f.clock().Advance(2000);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "failed");
  auto row = f.At("9999").schedule->GetJob(*job);
  BOOST_TEST(row->failure_reason.find("party 10000 unreachable for 31 s") != std::string::npos, row->failure_reason);
}

BOOST_AUTO_TEST_CASE(APartnerBackWithinTheGracePeriodKeepsTheJobGoing) {
  InProcessOptions options;
  options.partner_grace_ms = 30000;
  auto f = TwoParties(16, options);
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  BOOST_REQUIRE(f.JobStatus("9999", *job) == "running");
  BOOST_REQUIRE(f.Report("10000", *job, "a_0", "host", "success").ok());
  f.network().SetReachable("10000", false);
  f.Tick("9999");
  f.clock().Advance(20000);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  f.network().SetReachable("10000", true);
  BOOST_REQUIRE(f.Report("9999", *job, "a_0", "guest", "success").ok());
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "success");
}

BOOST_AUTO_TEST_CASE(StopKillsEveryWorkerAndReleasesEveryParty) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0", "b_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  auto workers = f.Alive(*job);
  BOOST_REQUIRE(workers.size() == 2u);
  BOOST_REQUIRE(f.At("9999").scheduler->Stop(*job, JOB_STATUS_CANCELED, "test").ok());
  BOOST_TEST(f.Alive(*job).empty());
  BOOST_TEST(f.At("9999").launcher.Killed().size() == 1u);
  BOOST_TEST(f.At("10000").launcher.Killed().size() == 1u);
  for (const std::string party : {"9999", "10000"}) {
    for (const auto& row : f.JobRows(party, *job)) BOOST_TEST(JobStatusName(row.status) == std::string("canceled"));
    for (const auto& a : f.Attempts(party, *job)) BOOST_TEST(IsEndStatus(a.status), a.task_name);
    auto rows = f.At(party).allocations->ListByJob(*job);
    BOOST_REQUIRE(rows.ok());
    for (const auto& r : *rows) BOOST_TEST(r.status != ALLOCATION_STATUS_HELD);
  }
  // The killed workers' exits arrive later and change nothing.
  f.Detect();
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "canceled");
}

BOOST_AUTO_TEST_CASE(ARerunFromAComponentRunsItAndItsDescendantsOnly) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0", "b_0", "c_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  for (int i = 0; i < 3; ++i) {
    f.Tick("9999");
    f.ReportAll(*job, "success");
  }
  f.Tick("9999");
  BOOST_REQUIRE(f.JobStatus("9999", *job) == "success");
  auto rerun = f.At("9999").scheduler->Rerun(*job, "b_0");
  BOOST_REQUIRE_MESSAGE(rerun.ok(), rerun.status().ToString());
  BOOST_TEST((*rerun == std::vector<std::string>{"b_0", "c_0"}));
  BOOST_TEST(f.JobStatus("9999", *job) == "waiting");
  f.Tick("9999");  // admitted again, b_0 starts (a_0's success is kept)
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  BOOST_TEST(AttemptsOf(f, "10000", *job, "a_0") == 1);
  BOOST_TEST(TaskAt(f, "10000", *job, "b_0") == "running");
  for (int i = 0; i < 2; ++i) {
    f.ReportAll(*job, "success");
    f.Tick("9999");
  }
  BOOST_TEST(f.JobStatus("9999", *job) == "success");
  BOOST_TEST(AttemptsOf(f, "10000", *job, "c_0") == 2);
  // Nothing to rerun without a component once everything succeeded.
  BOOST_TEST(!f.At("9999").scheduler->Rerun(*job, "").ok());
  BOOST_TEST(!f.At("9999").scheduler->Rerun(*job, "z_0").ok());
}

BOOST_AUTO_TEST_CASE(ARetryWaitsForItsBackoff) {
  InProcessOptions options;
  options.retry_backoff_ms = 1000;
  auto f = TwoParties(16, options);
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"auto_retries": 2}})"));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  BOOST_REQUIRE(f.Report("9999", *job, "a_0", "guest", "failed", "oops").ok());
  f.Tick("9999");  // federated failed; retry attempt 1 created, not before +1000 ms
  BOOST_TEST(AttemptsOf(f, "9999", *job, "a_0") == 2);
  BOOST_TEST(TaskAt(f, "9999", *job, "a_0") == "waiting");
  f.clock().Advance(999);
  f.Tick("9999");
  BOOST_TEST(TaskAt(f, "9999", *job, "a_0") == "waiting");
  f.clock().Advance(2);
  f.Tick("9999");
  BOOST_TEST(TaskAt(f, "9999", *job, "a_0") == "running");
  // The second failure waits twice as long.
  BOOST_REQUIRE(f.Report("10000", *job, "a_0", "host", "failed", "oops").ok());
  f.Tick("9999");
  BOOST_TEST(AttemptsOf(f, "10000", *job, "a_0") == 3);
  f.clock().Advance(1999);
  f.Tick("9999");
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "waiting");
  f.clock().Advance(2);
  f.Tick("9999");
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "running");
  // No retry left: the third failure fails the job, naming the party and its error.
  BOOST_REQUIRE(f.Report("10000", *job, "a_0", "host", "failed", "disk full").ok());
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "failed");
  auto row = f.At("9999").schedule->GetJob(*job);
  BOOST_TEST(row->failure_reason.find("host:10000: disk full") != std::string::npos, row->failure_reason);
  BOOST_TEST(f.Alive(*job).empty());
}

BOOST_AUTO_TEST_CASE(ATaskPastItsTimeoutIsStoppedEverywhere) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}),
                      ConfFor(kTwo, R"("job_parameters": {"common": {"task_conf": {"a_0": {"timeout": 10}}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  f.Tick("9999");
  BOOST_REQUIRE(f.Alive(*job).size() == 2u);
  f.clock().Advance(9000);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  f.clock().Advance(2000);
  f.Tick("9999");
  BOOST_TEST(f.TaskStatus("9999", *job, "a_0") == "timeout");
  BOOST_TEST(f.JobStatus("9999", *job) == "timeout");
  BOOST_TEST(f.Alive(*job).empty());
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "timeout");
}

BOOST_AUTO_TEST_CASE(AJobPastItsTimeoutEndsAsTimeout) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"timeout": 60}})"));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  f.clock().Advance(61000);
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "timeout");
  for (const auto& row : f.JobRows("10000", *job)) BOOST_TEST(JobStatusName(row.status) == std::string("timeout"));
  BOOST_TEST(f.Alive(*job).empty());
}

BOOST_AUTO_TEST_CASE(AnotherInstanceTakesOverAJobWhoseLeaseExpired) {
  InProcessOptions options;
  options.lease_ms = 10000;
  auto f = TwoParties(16, options);
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");  // instance a holds the lease
  InProcessParty& g = f.At("9999");
  sched::SchedulerOptions so;
  so.party_id = "9999";
  so.instance_id = "9999-b";
  so.lease_ms = options.lease_ms;
  sched::JobScheduler second(so, *g.schedule, *g.job_lifecycle, *g.task_lifecycle, *g.partner_stub, f.clock());
  ThreadPool pool(1);
  f.ReportAll(*job, "success");
  second.RunOnce(pool);  // a's lease is still valid: b leaves the job alone
  BOOST_TEST(f.JobStatus("9999", *job) == "running");
  f.clock().Advance(10001);  // a is gone
  second.RunOnce(pool);
  BOOST_TEST(f.JobStatus("9999", *job) == "success");
  auto row = g.schedule->GetJob(*job);
  BOOST_TEST(row->end_synced);
}

BOOST_AUTO_TEST_CASE(AWorkerThatCannotStartFailsTheTaskWithTheReason) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.At("10000").launcher.FailNextLaunch(InternalError("exec failed: no such file"));
  f.Tick("9999");
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "failed");
  auto row = f.At("9999").schedule->GetJob(*job);
  BOOST_TEST(row->failure_reason.find("cannot start worker: exec failed") != std::string::npos, row->failure_reason);
  BOOST_TEST(f.Alive(*job).empty());  // the guest's worker was stopped
}

BOOST_AUTO_TEST_CASE(AWorkerThatExitsWithoutAReportFailsItsAttempt) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  LaunchedWorker w;
  BOOST_REQUIRE(f.At("10000").launcher.FindAlive(*job, "a_0", "host", &w));
  f.At("10000").launcher.Exit(w.pid, 0, 11);
  f.Detect();
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "failed");
  f.Tick("9999");
  BOOST_TEST(f.JobStatus("9999", *job) == "failed");
  auto row = f.At("9999").schedule->GetJob(*job);
  BOOST_TEST(row->failure_reason.find("killed by signal 11") != std::string::npos, row->failure_reason);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DetectorTest)

BOOST_AUTO_TEST_CASE(AVanishedWorkerFailsItsAttempt) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  LaunchedWorker w;
  BOOST_REQUIRE(f.At("10000").launcher.FindAlive(*job, "a_0", "host", &w));
  // The host restarts, and the worker is gone without an exit the new server could reap.
  f.At("10000").launcher.Vanish(w.pid);
  f.Restart("10000");
  f.Detect();
  auto attempts = f.Attempts("10000", *job);
  BOOST_REQUIRE(attempts.size() == 1u);
  BOOST_TEST(TaskStatusName(attempts[0].status) == std::string("failed"));
  BOOST_TEST(attempts[0].failure_reason.find("is gone without reporting a result") != std::string::npos);
  BOOST_TEST(f.At("9999").nudges >= 1);  // the scheduler was told
}

BOOST_AUTO_TEST_CASE(AWorkerWithAStaleHeartbeatIsKilledAndFailed) {
  InProcessOptions options;
  options.heartbeat_timeout_ms = 5000;
  auto f = TwoParties(16, options);
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  f.clock().Advance(6000);
  f.Detect();
  BOOST_TEST(TaskAt(f, "10000", *job, "a_0") == "failed");
  BOOST_TEST(f.At("10000").launcher.Killed().size() == 1u);
  auto attempts = f.Attempts("10000", *job);
  BOOST_TEST(attempts[0].failure_reason.find("no heartbeat from worker") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AllocationsAJobStillHoldsAfterItEndedAreReleased) {
  auto f = TwoParties();
  auto job = f.Submit("9999", ChainDsl({"a_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  // The job ends at the host while the scheduler's release never arrives.
  f.network().DropNext("10000", "/v2/partner/job/stop", 1000);
  BOOST_REQUIRE(f.At("10000").participant->jobs().Stop(*job, JOB_STATUS_FAILED, "lost").ok());
  // Stop released it itself; hold it again behind its back, as a crash between the two would leave it.
  orm::AllocationRow request;
  request.job_id = *job;
  request.party_id = "10000";
  request.run_epoch = 5;
  request.cores = 1;
  BOOST_REQUIRE(f.At("10000").allocation_lifecycle->Request("local", request).ok());
  f.Detect();
  auto rows = f.At("10000").allocations->ListByJob(*job);
  BOOST_REQUIRE(rows.ok());
  for (const auto& r : *rows) BOOST_TEST(r.status != ALLOCATION_STATUS_HELD);
}

BOOST_AUTO_TEST_SUITE_END()
