#define BOOST_TEST_MODULE ff_fault_test
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/mysql_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

namespace {

FederationOptions FaultOptions() {
  FederationOptions o;
  o.schedule_interval_ms = 50;
  o.detect_interval_ms = 200;
  o.heartbeat_timeout_ms = 3000;
  o.partner_grace_ms = 4000;
  o.party_call_timeout_ms = 1000;
  return o;
}

std::unique_ptr<Federation> Start(const std::string& name, std::vector<PartySetup> parties = {}) {
  if (parties.empty()) parties = {{"9999"}, {"10000"}, {"10001"}};
  auto f = Federation::Start(name, parties, FaultOptions());
  BOOST_REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  return std::move(f).value();
}

/// Every component sleeps `seconds`, so there is time to break things mid-job.
std::string Slow(double seconds) {
  std::string s = std::to_string(seconds);
  std::string out;
  for (const char* c : {"reader_0", "data_transform_0", "intersection_0", "hetero_lr_0", "evaluation_0"}) {
    out += std::string(out.empty() ? "" : ", ") + "\"" + c + "\": {\"seconds\": " + s + "}";
  }
  return out;
}

/// Waits until `task` runs according to the scheduler at `server`.
bool WaitTaskRunning(Federation& f, const std::string& server, const std::string& job_id, const std::string& task,
                     int timeout_ms = 30000) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    auto s = f.JobStatus(server, job_id);
    if (s.ok()) {
      for (const auto& t : s->at("tasks").as_array()) {
        if (t.at("task_name").as_string() == task && t.at("status").as_string() == "running") return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::int64_t PidOf(Federation& f, const std::string& server, const std::string& job_id, const std::string& task) {
  for (int i = 0; i < 400; ++i) {
    for (const auto& t : f.LocalTasks(server, job_id)) {
      if (t.at("task_name").as_string() == task && t.at("party_status").as_string() == "running" &&
          t.at("run_pid").as_int64() > 0) {
        return t.at("run_pid").as_int64();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

void ExpectCleanEnd(Federation& f, const std::string& job_id, const std::string& status,
                    const std::vector<std::string>& servers = {}) {
  CheckEveryPartyEnded(f, job_id, status, servers);
  CheckNothingHeld(f, job_id, true, servers);
  CheckNoDoubleStart(f);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(FaultInjectionTest)

BOOST_AUTO_TEST_CASE(InitiatorKilledMidJobAndRestartedFinishesTheJob) {
  auto f = Start("kill-initiator");
  auto job = f->Submit("9999", kFiveComponentDsl, ThreePartyConf("", "", Slow(0.5)));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(WaitTaskRunning(*f, "9999", *job, "intersection_0"));
  f->Kill9("9999");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  BOOST_REQUIRE(f->Restart("9999").ok());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999", *job));
  ExpectCleanEnd(*f, *job, "success");
}

BOOST_AUTO_TEST_CASE(ParticipantKilledMidTaskAndRestartedFinishesTheJob) {
  auto f = Start("kill-participant");
  auto job = f->Submit("9999", kFiveComponentDsl, ThreePartyConf("", "", Slow(0.7)));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(WaitTaskRunning(*f, "9999", *job, "hetero_lr_0"));
  f->Kill9("10000");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  BOOST_REQUIRE(f->Restart("10000").ok());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999", *job));
  ExpectCleanEnd(*f, *job, "success");
}

BOOST_AUTO_TEST_CASE(ParticipantDownWhenATaskStartsIsRetriedWithinTheGracePeriod) {
  // reader_0 ends at once at the host and after 2.5 s at the guest. The host dies in between, so
  // the start of data_transform_0 cannot reach it: the job must wait for it (within the partner
  // grace period), not fail at the first undelivered start.
  auto f = Start("down-at-start");
  auto job = f->Submit("9999", kFiveComponentDsl,
                       ThreePartyConf("", R"("guest": {"0": {"reader_0": {"seconds": 2.5}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  auto ended_at = [&](const std::string& party) {
    for (const auto& t : f->LocalTasks(party, *job)) {
      if (t.at("task_name").as_string() == "reader_0" && t.at("party_status").as_string() == "success") return true;
    }
    return false;
  };
  bool host_done = false;
  for (int i = 0; i < 400 && !host_done; ++i) {
    host_done = ended_at("10000");
    if (!host_done) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  BOOST_REQUIRE(host_done);
  BOOST_REQUIRE(!ended_at("9999"));
  f->Kill9("10000");
  // The guest's reader ends, the scheduler tries to start data_transform_0 and finds the host silent.
  bool noticed = false;
  for (int i = 0; i < 200 && !noticed; ++i) {
    auto s = f->JobStatus("9999", *job);
    noticed = s.ok() && s->at("unreachable_party").as_string() == "10000" && ended_at("9999");
    if (!noticed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE(noticed);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // several ticks of undelivered starts
  auto meanwhile = f->JobStatus("9999", *job);
  BOOST_REQUIRE(meanwhile.ok());
  BOOST_TEST(std::string(meanwhile->at("status").as_string()) == "running", meanwhile->at("failure_reason"));
  BOOST_REQUIRE(f->Restart("10000").ok());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999", *job));
  ExpectCleanEnd(*f, *job, "success");
}

BOOST_AUTO_TEST_CASE(KilledWorkerFailsItsAttemptWhichIsRetried) {
  auto f = Start("kill-worker");
  auto job = f->Submit("9999", kFiveComponentDsl,
                       ThreePartyConf(R"(, "auto_retries": 1, "auto_retry_delay": 0)",
                                      R"("host": {"0": {"hetero_lr_0": {"hang_attempts": 1}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  std::int64_t pid = PidOf(*f, "10000", *job, "hetero_lr_0");
  BOOST_REQUIRE(pid > 0);
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999", *job));
  ExpectCleanEnd(*f, *job, "success");
  // The first attempt's failure names the host and the signal.
  auto status = f->JobStatus("9999", *job);
  bool seen = false;
  for (const auto& fl : status->at("failures").as_array()) {
    std::string reason(fl.at("reason").as_string());
    seen = seen || (fl.at("party_id").as_string() == "10000" && reason.find("killed by signal 9") != std::string::npos);
  }
  BOOST_TEST(seen);
  BOOST_TEST(CountAttempts(*f, "10000", *job, "hetero_lr_0") == 2);
}

BOOST_AUTO_TEST_CASE(ServerAndItsWorkerKilledTogetherTheRestartFailsAndRetriesTheAttempt) {
  auto f = Start("kill-both");
  auto job = f->Submit("9999", kFiveComponentDsl,
                       ThreePartyConf(R"(, "auto_retries": 1, "auto_retry_delay": 0)",
                                      R"("host": {"0": {"intersection_0": {"hang_attempts": 1}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  std::int64_t pid = PidOf(*f, "10000", *job, "intersection_0");
  BOOST_REQUIRE(pid > 0);
  f->Kill9("10000");
  ::kill(static_cast<pid_t>(pid), SIGKILL);  // the worker dies while its server is down
  BOOST_REQUIRE(f->Restart("10000").ok());   // reconciliation at start finds the attempt's process gone
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999", *job));
  ExpectCleanEnd(*f, *job, "success");
  BOOST_TEST(CountAttempts(*f, "10000", *job, "intersection_0") == 2);
  std::string server_log = ReadFile(f->HomeOf("10000") + "/logs/fedflow/server.log");
  BOOST_TEST(server_log.find("restart reconciliation: 1 attempts lost their worker") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(PartnerPausedWithinTheGracePeriodDoesNotFailTheJob) {
  auto f = Start("pause-short");
  auto job = f->Submit("9999", kFiveComponentDsl, ThreePartyConf("", "", Slow(0.5)));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(WaitTaskRunning(*f, "9999", *job, "data_transform_0"));
  f->ProcessOf("10000").Pause();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  f->ProcessOf("10000").Resume();
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999", *job));
  ExpectCleanEnd(*f, *job, "success");
}

BOOST_AUTO_TEST_CASE(PartnerSilentPastTheGracePeriodFailsTheJobWithThatReason) {
  auto f = Start("pause-long");
  auto job = f->Submit("9999", kFiveComponentDsl, ThreePartyConf("", "", Slow(1.0)));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(WaitTaskRunning(*f, "9999", *job, "data_transform_0"));
  f->ProcessOf("10000").Pause();
  auto failed = f->WaitJobStatus("9999", *job, {"failed"}, 30000);
  BOOST_REQUIRE_MESSAGE(failed.ok(), failed.status().ToString());
  std::string reason = FailureReason(*f, "9999", *job);
  BOOST_TEST(reason.find("party 10000 unreachable") != std::string::npos, reason);
  f->ProcessOf("10000").Resume();
  // Once it answers again, the end reaches it too.
  auto end = f->WaitJobEnd("9999", *job, 30000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  ExpectCleanEnd(*f, *job, "failed");
  for (const auto& r : f->LocalJobs("10000", *job)) {
    BOOST_TEST(std::string(r.at("failure_reason").as_string()).find("unreachable") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(TwoInstancesOnMariaDbTheSurvivorTakesOverTheKilledOnesJobs) {
  auto db = FreshMysqlDatabase("ff_ha");
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  std::string yaml = "database: {engine: mysql, mysql: {host: 127.0.0.1, port: " + std::to_string(db->mysql_port) +
                     ", user: " + db->mysql_user + ", name: " + db->mysql_database + "}}";
  PartySetup guest{"9999"};
  guest.instances = 2;
  guest.database_yaml = yaml;
  auto f = Start("ha", {guest, {"10000"}, {"10001"}});
  auto job = f->Submit("9999", kFiveComponentDsl, ThreePartyConf(R"(, "auto_retries": 2, "auto_retry_delay": 0)", "", Slow(0.5)));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(WaitTaskRunning(*f, "9999", *job, "intersection_0"));
  auto before = f->JobStatus("9999#2", *job);  // the second instance sees the job in the shared database
  BOOST_REQUIRE(before.ok());
  BOOST_TEST(before->at("scheduled_by").as_string() == "9999-" + std::to_string(f->PortOf("9999")));
  f->Kill9("9999");
  auto end = f->WaitJobEnd("9999#2", *job, 90000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success", FailureReason(*f, "9999#2", *job));
  ExpectCleanEnd(*f, *job, "success", {"9999#2", "10000", "10001"});
  // The survivor scheduled the rest: every attempt after the kill was started by it.
  bool survivor_ran = false;
  for (const auto& t : f->LocalTasks("9999#2", *job)) {
    survivor_ran = survivor_ran || std::string(t.at("workdir").as_string()).find(f->HomeOf("9999#2")) == 0;
  }
  BOOST_TEST(survivor_ran);
}

BOOST_AUTO_TEST_SUITE_END()
