#define BOOST_TEST_MODULE ff_scheduler_integration_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using testing::Federation;
namespace bj = boost::json;

namespace {

const char* const kDsl = testing::kFiveComponentDsl;

std::string Conf(const std::string& job_params = "", const std::string& component_params = "") {
  return testing::ThreePartyConf(job_params, component_params);
}

std::unique_ptr<Federation> StartFederation(const std::string& name, int cores = 16) {
  auto f = Federation::Start(name, {{"9999", cores}, {"10000", cores}, {"10001", cores}});
  BOOST_REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  return std::move(f).value();
}

using testing::CheckEveryPartyEnded;
using testing::CheckNoDoubleStart;
using testing::CountAttempts;

}  // namespace

BOOST_AUTO_TEST_SUITE(SchedulerIntegrationTest)

BOOST_AUTO_TEST_CASE(FiveComponentDagSucceedsAtAllThreeParties) {
  auto f = StartFederation("dag-success");
  auto job = f->Submit("9999", kDsl, Conf());
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success");
  CheckEveryPartyEnded(*f, *job, "success");
  auto status = f->JobStatus("9999", *job);
  BOOST_REQUIRE(status.ok());
  BOOST_TEST(status->at("progress").as_int64() == 100);
  for (const auto& t : status->at("tasks").as_array()) {
    BOOST_TEST(std::string(t.at("status").as_string()) == "success", t.at("task_name").as_string());
  }
  // Every task attempt at every party ended success (reader does not run at the arbiter).
  for (const auto& party : f->parties()) {
    auto tasks = f->LocalTasks(party, *job);
    for (const auto& t : tasks) {
      BOOST_TEST(std::string(t.at("party_status").as_string()) == "success",
                 party << " " << t.at("task_name").as_string());
    }
    BOOST_TEST(tasks.size() == (party == "10001" ? 2u : 5u));
  }
  CheckNoDoubleStart(*f);
}

BOOST_AUTO_TEST_CASE(TaskFailingAtOnePartyFailsTheJobEverywhereWithThatPartysReason) {
  auto f = StartFederation("dag-fail");
  auto job = f->Submit("9999", kDsl, Conf("", R"("host": {"0": {"hetero_lr_0": {"action": "fail"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "failed");
  CheckEveryPartyEnded(*f, *job, "failed");
  auto status = f->JobStatus("9999", *job);
  BOOST_REQUIRE(status.ok());
  std::string reason(status->at("failure_reason").as_string());
  BOOST_TEST(reason.find("hetero_lr_0") != std::string::npos, reason);
  BOOST_TEST(reason.find("host:10000") != std::string::npos, reason);
  BOOST_TEST(reason.find("test module failed on command") != std::string::npos, reason);
  // The failure list names the party and its message.
  bool listed = false;
  for (const auto& fl : status->at("failures").as_array()) {
    listed = listed || (fl.at("party_id").as_string() == "10000" &&
                        std::string(fl.at("reason").as_string()).find("failed on command") != std::string::npos);
  }
  BOOST_TEST(listed);
  // Downstream evaluation never ran; the other parties' lr attempts were stopped.
  for (const auto& t : status->at("tasks").as_array()) {
    if (t.at("task_name").as_string() == "evaluation_0") BOOST_TEST(std::string(t.at("status").as_string()) == "canceled");
  }
  // Every party also has the reason on its own job row.
  for (const auto& party : f->parties()) {
    for (const auto& r : f->LocalJobs(party, *job)) {
      BOOST_TEST(std::string(r.at("failure_reason").as_string()).find("hetero_lr_0") != std::string::npos,
                 party << ": " << r.at("failure_reason").as_string());
    }
  }
}

BOOST_AUTO_TEST_CASE(TaskFailingOnceSucceedsOnRetry) {
  auto f = StartFederation("dag-retry");
  auto job = f->Submit("9999", kDsl,
                       Conf(R"(, "auto_retries": 2, "auto_retry_delay": 0)", R"("guest": {"0": {"intersection_0": {"fail_attempts": 1}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success");
  CheckEveryPartyEnded(*f, *job, "success");
  // intersection_0 ran twice (attempt 0 failed at the guest, attempt 1 succeeded), everywhere.
  BOOST_TEST(CountAttempts(*f, "9999", *job, "intersection_0") == 2);
  BOOST_TEST(CountAttempts(*f, "10000", *job, "intersection_0") == 2);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "hetero_lr_0") == 1);
  auto status = f->JobStatus("9999", *job);
  for (const auto& t : status->at("tasks").as_array()) {
    if (t.at("task_name").as_string() != "intersection_0") continue;
    BOOST_TEST(t.at("attempt").as_int64() == 1);
    BOOST_TEST(t.at("attempts").as_array().size() == 2u);
    BOOST_TEST(std::string(t.at("attempts").as_array()[0].at("status").as_string()) == "failed");
  }
  CheckNoDoubleStart(*f);
}

BOOST_AUTO_TEST_CASE(StopMidRunLeavesNoWorkerAliveAnywhere) {
  auto f = StartFederation("dag-stop");
  auto job = f->Submit("9999", kDsl, Conf("", R"("guest": {"0": {"reader_0": {"action": "hang"}}}, "host": {"0": {"reader_0": {"action": "hang"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  // Wait until both readers run.
  std::vector<std::int64_t> pids;
  for (int i = 0; i < 200 && pids.size() < 2; ++i) {
    pids.clear();
    for (const auto& party : {"9999", "10000"}) {
      for (const auto& t : f->LocalTasks(party, *job)) {
        if (t.at("task_name").as_string() == "reader_0" && t.at("run_pid").as_int64() > 0) pids.push_back(t.at("run_pid").as_int64());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE(pids.size() == 2u);
  for (auto pid : pids) BOOST_TEST(testing::ProcessAlive(static_cast<pid_t>(pid)));
  // Stop from a participant: it forwards to the scheduler.
  auto stop = f->Call("10000", "POST", "/v2/job/stop", bj::object{{"job_id", *job}});
  BOOST_REQUIRE(stop.ok());
  BOOST_TEST(stop->code() == 0, stop->message());
  auto end = f->WaitJobEnd("9999", *job, 30000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "canceled");
  CheckEveryPartyEnded(*f, *job, "canceled");
  for (auto pid : pids) BOOST_TEST(!testing::ProcessAlive(static_cast<pid_t>(pid)), "worker " << pid << " still alive");
  // Stopping again is harmless.
  auto again = f->Call("9999", "POST", "/v2/job/stop", bj::object{{"job_id", *job}});
  BOOST_TEST(again->code() == 0);
  // No task is left unfinished anywhere.
  for (const auto& party : f->parties()) {
    for (const auto& t : f->LocalTasks(party, *job)) {
      std::string s(t.at("party_status").as_string());
      BOOST_TEST((s == "canceled" || s == "success" || s == "pass"), party << " " << t.at("task_name").as_string() << " " << s);
    }
  }
}

BOOST_AUTO_TEST_CASE(RerunFromAComponentRerunsOnlyItAndItsDescendants) {
  auto f = StartFederation("dag-rerun");
  // hetero_lr_0 fails its first attempt at the host; no automatic retry.
  auto job = f->Submit("9999", kDsl, Conf("", R"("host": {"0": {"hetero_lr_0": {"fail_attempts": 1}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *job, 60000) == "failed");
  // Rerunning a failed job without naming a component reruns what did not succeed.
  auto rerun = f->Call("9999", "POST", "/v2/job/rerun", bj::object{{"job_id", *job}});
  BOOST_REQUIRE(rerun.ok());
  BOOST_REQUIRE_MESSAGE(rerun->code() == 0, rerun->message());
  std::set<std::string> names;
  for (const auto& n : rerun->data().at("tasks").as_array()) names.insert(std::string(n.as_string()));
  BOOST_TEST((names == std::set<std::string>{"hetero_lr_0", "evaluation_0"}));
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "success");
  CheckEveryPartyEnded(*f, *job, "success");
  BOOST_TEST(CountAttempts(*f, "9999", *job, "reader_0") == 1);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "intersection_0") == 1);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "hetero_lr_0") == 2);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "evaluation_0") == 2);

  // Rerun from a named component of the successful job: it and everything downstream, only.
  rerun = f->Call("9999", "POST", "/v2/job/rerun", bj::object{{"job_id", *job}, {"component_name", "intersection_0"}});
  BOOST_REQUIRE_MESSAGE(rerun->code() == 0, rerun->message());
  BOOST_TEST(rerun->data().at("tasks").as_array().size() == 3u);
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *job, 60000) == "success");
  BOOST_TEST(CountAttempts(*f, "9999", *job, "reader_0") == 1);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "data_transform_0") == 1);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "intersection_0") == 2);
  BOOST_TEST(CountAttempts(*f, "10000", *job, "intersection_0") == 2);
  BOOST_TEST(CountAttempts(*f, "9999", *job, "hetero_lr_0") == 3);
  BOOST_TEST(CountAttempts(*f, "10001", *job, "hetero_lr_0") == 3);
  // Rerunning a running job, an unknown component, or an unknown job is refused clearly.
  auto bad = f->Call("9999", "POST", "/v2/job/rerun", bj::object{{"job_id", *job}, {"component_name", "nope_0"}});
  BOOST_TEST(bad->http_status == 400);
  BOOST_TEST(bad->message().find("no component 'nope_0'") != std::string::npos, bad->message());
  bad = f->Call("9999", "POST", "/v2/job/rerun", bj::object{{"job_id", "20000101000000000001"}});
  BOOST_TEST(bad->http_status == 404);
  bad = f->Call("9999", "POST", "/v2/job/rerun", bj::object{{"job_id", "12345"}});
  BOOST_TEST(bad->http_status == 400);
  BOOST_TEST(bad->message().find("is not a job id") != std::string::npos, bad->message());
  CheckNoDoubleStart(*f);
}

BOOST_AUTO_TEST_CASE(TaskPastItsTimeoutEndsTimeoutEverywhere) {
  auto f = StartFederation("dag-timeout");
  auto job = f->Submit("9999", kDsl,
                       Conf(R"(, "task_conf": {"hetero_lr_0": {"timeout": 1}})",
                            R"("guest": {"0": {"hetero_lr_0": {"action": "hang"}}}, "host": {"0": {"hetero_lr_0": {"action": "hang"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  auto end = f->WaitJobEnd("9999", *job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "timeout");
  CheckEveryPartyEnded(*f, *job, "timeout");
  auto status = f->JobStatus("9999", *job);
  BOOST_TEST(std::string(status->at("failure_reason").as_string()).find("timeout of 1 s") != std::string::npos,
             status->at("failure_reason").as_string());
  for (const auto& party : f->parties()) {
    for (const auto& t : f->LocalTasks(party, *job)) {
      if (t.at("task_name").as_string() != "hetero_lr_0") continue;
      std::string s(t.at("party_status").as_string());
      // The arbiter's worker does not hang: it may have finished before the others timed out.
      if (party != std::string("10001")) BOOST_TEST(s == "timeout", party << " " << s);
      std::int64_t pid = t.at("run_pid").as_int64();
      BOOST_TEST(!testing::ProcessAlive(static_cast<pid_t>(pid)));
    }
  }
}

BOOST_AUTO_TEST_CASE(JobPastItsTimeoutEndsTimeout) {
  auto f = StartFederation("job-timeout");
  auto job = f->Submit("9999", kDsl, Conf(R"(, "timeout": 1)", R"("guest": {"0": {"reader_0": {"action": "hang"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *job, 60000) == "timeout");
  CheckEveryPartyEnded(*f, *job, "timeout");
}

BOOST_AUTO_TEST_CASE(TwentyJobsSubmittedAtOnceAllFinish) {
  auto f = StartFederation("twenty");
  std::vector<std::string> ids(20);
  std::vector<std::thread> submitters;
  std::atomic<int> failures{0};
  for (int i = 0; i < 20; ++i) {
    submitters.emplace_back([&, i] {
      auto job = f->Submit("9999", kDsl, Conf());
      if (job.ok()) {
        ids[i] = *job;
      } else {
        failures++;
      }
    });
  }
  for (auto& t : submitters) t.join();
  BOOST_REQUIRE(failures.load() == 0);
  for (const auto& id : ids) {
    auto end = f->WaitJobEnd("9999", id, 180000);
    BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
    BOOST_TEST(*end == "success");
  }
  for (const auto& id : ids) {
    for (const auto& party : f->parties()) {
      for (const auto& t : f->LocalTasks(party, id)) {
        BOOST_TEST(t.at("task_version").as_int64() == 0, "a task ran more than once");
      }
    }
  }
  CheckNoDoubleStart(*f);
}

BOOST_AUTO_TEST_CASE(CrashedWorkerFailsTheJobWithItsExitReason) {
  auto f = StartFederation("dag-crash");
  auto job = f->Submit("9999", kDsl, Conf("", R"("host": {"0": {"data_transform_0": {"action": "crash"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *job, 60000) == "failed");
  CheckEveryPartyEnded(*f, *job, "failed");
  std::string reason(f->JobStatus("9999", *job)->at("failure_reason").as_string());
  BOOST_TEST(reason.find("host:10000") != std::string::npos, reason);
  BOOST_TEST(reason.find("killed by signal 6") != std::string::npos, reason);
  BOOST_TEST(reason.find("task.log") != std::string::npos, reason);
}

BOOST_AUTO_TEST_CASE(RepeatedTaskStartNeverLaunchesTwice) {
  auto f = StartFederation("idempotent");
  auto job = f->Submit("9999", kDsl, Conf("", R"("host": {"0": {"reader_0": {"action": "hang"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  // Wait for the host's reader to run, then replay the start command at the host: once with the
  // scheduler's retry key (replayed from the command log), once as a brand-new command.
  std::int64_t pid = 0;
  for (int i = 0; i < 200 && pid == 0; ++i) {
    for (const auto& t : f->LocalTasks("10000", *job)) {
      if (t.at("task_name").as_string() == "reader_0") pid = t.at("run_pid").as_int64();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE(pid > 0);
  http::HttpClient client;
  for (const char* key : {"manual-1", "manual-1", "manual-2"}) {
    http::ClientRequest r;
    r.method = "POST";
    r.port = f->PortOf("10000");
    r.target = "/v2/partner/task/start";
    r.body = bj::serialize(bj::object{{"job_id", *job}, {"task_name", "reader_0"}, {"attempt", 0}});
    r.headers = {{"X-Fedflow-Command-Id", key}, {"X-Fedflow-Src-Party", "9999"}};
    auto res = client.Call(r);
    BOOST_REQUIRE(res.ok());
    BOOST_TEST(res->status == 200);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& t : f->LocalTasks("10000", *job)) {
    if (t.at("task_name").as_string() == "reader_0") BOOST_TEST(t.at("run_pid").as_int64() == pid);
  }
  CheckNoDoubleStart(*f);
  BOOST_REQUIRE(f->Call("9999", "POST", "/v2/job/stop", bj::object{{"job_id", *job}})->code() == 0);
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *job, 30000) == "canceled");
}

BOOST_AUTO_TEST_CASE(ProvidersRegisterThroughTheApiAndBadOnesAreRefused) {
  auto f = StartFederation("providers");
  auto ok = f->Call("10000", "POST", "/v2/provider/register",
                    bj::object{{"name", "extra"}, {"version", "2.0"}, {"executable", FEDFLOW_TEST_WORKER_BIN},
                               {"modules", bj::array{"HeteroSecureBoost"}}});
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->code() == 0, ok->message());
  BOOST_TEST(ok->message() == "create success");
  auto missing = f->Call("10000", "POST", "/v2/provider/register",
                         bj::object{{"name", "x"}, {"version", "1"}, {"executable", "/no/such/file"}, {"modules", bj::array{"A"}}});
  BOOST_TEST(missing->http_status == 400);
  BOOST_TEST(missing->message().find("does not exist or is not executable") != std::string::npos, missing->message());
  auto no_modules = f->Call("10000", "POST", "/v2/provider/register",
                            bj::object{{"name", "x"}, {"version", "1"}, {"executable", FEDFLOW_TEST_WORKER_BIN}});
  BOOST_TEST(no_modules->http_status == 400);
  auto list = f->Call("10000", "GET", "/v2/provider/query");
  // The built-in providers (Reader; fedflow-ml), the test provider of the config, and the registered one.
  BOOST_TEST(list->data().as_array().size() == 4u);
  bool has_builtin = false;
  for (const auto& p : list->data().as_array()) has_builtin = has_builtin || p.at("name").as_string() == "fedflow";
  BOOST_TEST(has_builtin);
  // A job using a module only the host has is refused by the parties that lack it, by name.
  auto refused = f->Submit("10000", R"({"components": {"sbt_0": {"module": "HeteroSecureBoost"}}})",
                           R"({"dsl_version": 2, "initiator": {"role": "host", "party_id": 10000},
                               "role": {"guest": [9999], "host": [10000]}})");
  BOOST_TEST(!refused.ok());
  BOOST_TEST(refused.status().message().find("party 9999 cannot run component 'sbt_0'") != std::string::npos,
             refused.status().message());
}

BOOST_AUTO_TEST_CASE(BadInputGetsAClear4xxAndChangesNothing) {
  auto f = StartFederation("bad-input", 4);
  auto count_jobs = [&](const std::string& party) {
    auto r = f->Call(party, "GET", "/v2/job/list/query", bj::object{{"limit", "1000"}});
    return r.ok() ? r->data().at("count").as_int64() : -1;
  };
  auto submit_raw = [&](const std::string& body) {
    http::HttpClient client;
    http::ClientRequest r;
    r.method = "POST";
    r.port = f->PortOf("9999");
    r.target = "/v2/job/submit";
    r.body = body;
    auto res = client.Call(r);
    BOOST_REQUIRE(res.ok());
    boost::system::error_code ec;
    auto v = bj::parse(res->body, ec);
    return std::make_pair(res->status, ec ? std::string() : std::string(v.as_object().at("message").as_string()));
  };
  auto submit = [&](const std::string& dsl, const std::string& conf) {
    return submit_raw("{\"dsl\": " + dsl + ", \"runtime_conf\": " + conf + "}");
  };
  const std::string conf = Conf();
  struct Case {
    std::string what;
    std::pair<int, std::string> answer;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"json", submit_raw("{\"dsl\": {\"components\": }"), "line 1 column"},
      {"body", submit_raw("{}"), "the body must carry the job"},
      {"unknown ref", submit(R"({"components": {"lr_0": {"module": "HeteroLR", "input": {"data": {"data": ["nope_0.data"]}}}}})", conf),
       "no component 'nope_0' exists"},
      {"cycle", submit(R"({"components": {"a_0": {"module": "HeteroLR", "input": {"data": {"data": ["b_0.d"]}}, "output": {"data": ["d"]}},
                                         "b_0": {"module": "HeteroLR", "input": {"data": {"data": ["a_0.d"]}}, "output": {"data": ["d"]}}}})", conf),
       "cycle"},
      {"missing role", submit(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}})"), "runtime_conf.role"},
      {"missing party", submit(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999], "host": [4242]}})"),
       "party 4242 has no route"},
      {"no output", submit(R"({"components": {"reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                                                "lr_0": {"module": "HeteroLR", "input": {"data": {"data": ["reader_0.model"]}}}}})", conf),
       "declares no data output 'model'"},
      {"no provider", submit(R"({"components": {"sbt_0": {"module": "HeteroSecureBoost"}}})", conf),
       "not implemented by any registered provider"},
      {"too big", submit(kDsl, Conf(R"(, "task_cores": 3, "task_parallelism": 2)")), "has 4 cores in total, the job needs 6"},
  };
  for (const auto& c : cases) {
    BOOST_TEST((c.answer.first >= 400 && c.answer.first < 500), c.what << ": HTTP " << c.answer.first);
    BOOST_TEST(c.answer.second.find(c.expect) != std::string::npos, c.what << ": " << c.answer.second);
    if (c.what != "too big") continue;
    // The refusal names the party that can never fit the job.
    bool named = false;
    for (const auto& party : f->parties()) named = named || c.answer.second.find("party " + party + " has 4 cores") != std::string::npos;
    BOOST_TEST(named, c.answer.second);
  }
  // Nothing was persisted at any party.
  for (const auto& party : f->parties()) BOOST_TEST(count_jobs(party) == 0, party);
  // The plan endpoint answers the per-party plan without creating anything.
  auto plan = f->Call("9999", "POST", "/v2/job/plan",
                      bj::object{{"dsl", bj::parse(kDsl)}, {"runtime_conf", bj::parse(Conf())}});
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->code() == 0);
  BOOST_TEST(plan->data().at("parties").as_array().size() == 3u);
  BOOST_TEST(plan->data().at("task_order").as_array().size() == 5u);
  for (const auto& party : f->parties()) BOOST_TEST(count_jobs(party) == 0, party);
}

BOOST_AUTO_TEST_CASE(ATwoXTrainDagKeepsItsFinalModelAndAPredictDagReadsItFromTheWarehouse) {
  auto f = StartFederation("dag-model");
  const std::string parties = R"(
  parties:
  - {role: guest, party_id: ['9999']}
  - {role: host, party_id: ['10000']}
  - {role: arbiter, party_id: ['10001']})";
  const std::string reader = R"(
    reader_0:
      component_ref: reader
      stage: default
      parties: [{role: guest, party_id: ['9999']}, {role: host, party_id: ['10000']}])";
  auto run = [&](const std::string& yaml) -> StatusOr<std::string> {
    auto r = f->Call("9999", "POST", "/v2/job/submit", bj::object{{"dag_schema", yaml}});
    if (!r.ok()) return r.status();
    if (r->code() != 0) return InvalidArgumentError(r->message());
    return std::string(r->data().at("job_id").as_string());
  };
  // lr_0 is the last task: nothing reads its model, and the registry keeps it at every party.
  auto train = run("schema_version: 2.0.0\ndag:\n  stage: train" + parties + "\n  tasks:" + reader + R"(
    lr_0:
      component_ref: coordinated_lr
      parameters: {track: true}
      inputs:
        data:
          train_data: {task_output_artifact: {producer_task: reader_0, output_artifact_key: output_data}}
)");
  BOOST_REQUIRE_MESSAGE(train.ok(), train.status().ToString());
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *train, 60000) == "success");
  for (const std::string party : {"9999", "10000", "10001"}) {
    auto q = f->Call(party, "POST", "/v2/model/query", bj::object{{"model_id", *train}, {"model_version", "0"}});
    BOOST_REQUIRE(q.ok());
    const bj::array& parts = q->data().at("data").as_array();
    BOOST_REQUIRE_MESSAGE(parts.size() == 1u, party << ": " << bj::serialize(q->body));
    BOOST_TEST(bj::serialize(parts[0].at("components")).find("\"output_key\":\"output_model\"") != std::string::npos,
               bj::serialize(parts[0]));
  }
  // The predict DAG: lr_0 reads the stored model (the test module fails without its file).
  auto predict_dag = [&](const std::string& model_id) {
    return "schema_version: 2.0.0\ndag:\n  stage: predict\n  conf: {model_warehouse: {model_id: '" + model_id +
           "', model_version: '0'}}" + parties + "\n  tasks:" + reader + R"(
    lr_0:
      component_ref: coordinated_lr
      parameters: {need_model: true}
      inputs:
        data:
          test_data: {task_output_artifact: {producer_task: reader_0, output_artifact_key: output_data}}
        model:
          input_model: {model_warehouse: {producer_task: lr_0, output_artifact_key: output_model}}
)";
  };
  auto predict = run(predict_dag(*train));
  BOOST_REQUIRE_MESSAGE(predict.ok(), predict.status().ToString());
  BOOST_REQUIRE_MESSAGE(*f->WaitJobEnd("9999", *predict, 60000) == "success", testing::FailureReason(*f, "9999", *predict));
  // A model no party has: refused at submit, naming the party and the model.
  auto missing = run(predict_dag("20000101000000000000"));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().message().find("has no model 20000101000000000000") != std::string::npos,
             missing.status().message());
}

BOOST_AUTO_TEST_SUITE_END()
