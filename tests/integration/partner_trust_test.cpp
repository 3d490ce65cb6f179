// A signed partner is still untrusted: real servers on loopback with site authentication and
// permissions on, attacked with real signed requests from a partner that holds its own valid key.
// Every attack is refused at the interconnect and leaves nothing behind.

#define BOOST_TEST_MODULE ff_partner_trust_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "service/dsl/fate_dsl.hpp"
#include "service/dsl/spec_json.hpp"
#include "service/json/json.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/signed_calls.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

const char* kCreate = "/v2/partner/job/create";

/// The plan a scheduler sends for a FATE 1.x job, as fedflow builds it (texts normalised the way
/// a submit normalises them).
JobSpec PlanOf(const std::string& dsl, const std::string& conf, const std::string& job_id) {
  auto spec = dsl::ParseFateDslText(json::Dump(bj::parse(dsl)), json::Dump(bj::parse(conf)), dsl::PlanContext{});
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  spec->set_job_id(job_id);
  return *spec;
}

std::string CreateBody(const JobSpec& spec, bool validate_only = false) {
  return json::Dump(bj::object{{"spec", bj::parse(dsl::SpecToJson(spec))}, {"validate_only", validate_only}});
}

/// A conf in which 10001 initiates a job with `roles` (JSON object text).
std::string ConfOf10001(const std::string& roles, const std::string& job_params = "") {
  return R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 10001}, "role": )" + roles +
         R"(, "job_parameters": {"common": {"task_parallelism": 1)" + job_params + "}}}";
}

const char* kTestDsl = R"({"components": {"t_0": {"module": "TestModule", "output": {"data": ["data"]}}}})";

/// A signed, permissioned federation where 10001 was granted every component at 10000, and no table.
std::unique_ptr<Federation> Start(const std::string& name) {
  FederationOptions options;
  options.site_auth = true;
  options.permission = true;
  auto started = Federation::Start(name, {{"9999"}, {"10000", 8}, {"10001"}}, options);
  BOOST_REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  std::unique_ptr<Federation> f = std::move(started).value();
  for (const std::string party : {"10000", "10001"}) {
    for (const std::string role : {"guest", "host", "arbiter"}) {
      for (const std::string grantee : {"9999", "10001"}) {
        if (grantee == party) continue;
        auto g = f->Call(party, "POST", "/v2/permission/grant",
                         bj::object{{"party_id", grantee}, {"role", role}, {"component", "*"}});
        BOOST_REQUIRE(g.ok());
        BOOST_REQUIRE_MESSAGE(g->http_status == 200, g->message());
      }
    }
  }
  auto d = f->Call("10000", "POST", "/v2/permission/grant",
                   bj::object{{"party_id", "9999"}, {"role", "guest"}, {"dataset", "*"}});
  BOOST_REQUIRE(d.ok() && d->http_status == 200);
  return f;
}

std::size_t RowsAt(Federation& f, const std::string& party, const std::string& job_id) {
  return f.LocalJobs(party, job_id).size();
}

/// Every path under `dir`, as text (for "nothing was written" checks).
std::string Tree(const std::string& dir) {
  std::string out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) out += e.path().string() + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PartnerTrustTest)

BOOST_AUTO_TEST_CASE(AJobIdBelongsToThePartyThatCreatedIt) {
  auto f = Start("trust-owner");
  http::HttpClient client;
  const std::string conf = ThreePartyConf("", R"("host": {"0": {"hetero_lr_0": {"action": "hang"}}})");
  auto job = f->Submit("9999", kFiveComponentDsl, conf);
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(f->WaitJobStatus("9999", *job, {"running"}, 30000).ok());
  BOOST_REQUIRE(RowsAt(*f, "10000", *job) == 1u);

  // 10001, authenticated and granted everything, creates the same job id at the host with itself
  // as initiator and a new role for the host: refused, and nothing is added.
  const JobSpec takeover = PlanOf(kFiveComponentDsl, ConfOf10001(R"({"guest": [10001], "arbiter": [10000]})"), *job);
  for (bool validate_only : {true, false}) {
    auto res = PostAs(*f, client, "10001", "10000", kCreate, CreateBody(takeover, validate_only));
    BOOST_REQUIRE(res.ok());
    BOOST_TEST(res->status == 409, res->body);
    BOOST_TEST(Has(res->body, "already exists at party 10000, created by party 9999"), res->body);
  }
  auto rows = f->LocalJobs("10000", *job);
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(std::string(rows[0].at("role").as_string()) == "host");

  // After a restart (no cache), the job still belongs to its scheduler: 10001 cannot stop it, and
  // the scheduler's polls still work.
  f->Kill9("10000");
  BOOST_REQUIRE(f->Restart("10000").ok());
  BOOST_REQUIRE(f->WaitHealthy("10000", 20000));
  const std::string stop = json::Dump(bj::object{{"job_id", *job}, {"status", "canceled"}, {"reason", "takeover"}});
  auto refused = PostAs(*f, client, "10001", "10000", "/v2/partner/job/stop", stop);
  BOOST_REQUIRE(refused.ok());
  BOOST_TEST(refused->status == 403, refused->body);
  BOOST_TEST(Has(refused->body, "only its scheduler, party 9999, may"), refused->body);

  // The real scheduler's retried create stays idempotent.
  const JobSpec own = PlanOf(kFiveComponentDsl, conf, *job);
  auto again = PostAs(*f, client, "9999", "10000", kCreate, CreateBody(own));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->status == 200, again->body);
  BOOST_TEST(RowsAt(*f, "10000", *job) == 1u);
  // ... but not under another job's DSL.
  const JobSpec other = PlanOf(kTestDsl, ThreePartyConf(), *job);
  auto different = PostAs(*f, client, "9999", "10000", kCreate, CreateBody(other));
  BOOST_REQUIRE(different.ok());
  BOOST_TEST(different->status == 409, different->body);
  BOOST_TEST(Has(different->body, "with another DSL or conf"), different->body);

  BOOST_TEST(*f->WaitJobStatus("9999", *job, {"running"}, 2000) == "running");
  auto stopped = f->Call("9999", "POST", "/v2/job/stop", bj::object{{"job_id", *job}});
  BOOST_REQUIRE(stopped.ok() && stopped->http_status == 200);
  BOOST_TEST(*f->WaitJobEnd("9999", *job, 30000) == "canceled");
  CheckEveryPartyEnded(*f, *job, "canceled");
}

BOOST_AUTO_TEST_CASE(APartnersJobIsPlannedHereAndNoNameLeavesTheHome) {
  auto f = Start("trust-paths");
  http::HttpClient client;
  // A finished job whose Reader output at the host a partner would like to read.
  auto job = f->Submit("9999", kFiveComponentDsl, ThreePartyConf());
  BOOST_REQUIRE(job.ok());
  BOOST_REQUIRE(*f->WaitJobEnd("9999", *job, 60000) == "success");
  const std::string host_jobs = f->HomeOf("10000") + "/jobs";
  const std::string before = Tree(host_jobs);
  const std::string outside = "/tmp/fedflow-trust-" + RandomHex(6);
  const std::string roles = R"({"guest": [10001], "host": [10000]})";

  struct Attack {
    std::string name;
    JobSpec spec;
    std::string expected;
  };
  std::vector<Attack> attacks;
  std::string id = NewJobId(SystemClock::Instance().NowMs());
  auto next_id = [&] {
    id = std::to_string(std::stoull(id.substr(0, 19)) + 1) + id.substr(19);
    return id;
  };
  // A task name that walks out of the home, in the plan only (its DSL names t_0).
  JobSpec walk = PlanOf(kTestDsl, ConfOf10001(roles), next_id());
  walk.mutable_tasks(0)->set_name("../../../../../../.." + outside);
  for (auto& p : *walk.mutable_tasks(0)->mutable_parties()) p.set_role("../host");
  attacks.push_back({"task name in the plan", walk, "plan differs"});
  // The same in the DSL itself.
  JobSpec walk_dsl = PlanOf(kTestDsl, ConfOf10001(roles), next_id());
  walk_dsl.set_dsl_json(R"({"components": {"../../../../tmp/x": {"module": "TestModule"}}})");
  attacks.push_back({"task name in the DSL", walk_dsl, "component name '../../../../tmp/x' must be"});
  // An output key with "..".
  JobSpec dots = PlanOf(kTestDsl, ConfOf10001(roles), next_id());
  dots.set_dsl_json(R"({"components": {"t_0": {"module": "TestModule", "output": {"data": ["../../x"]}}}})");
  attacks.push_back({"output key", dots, "must be 1-100 letters, digits"});
  // Another job's Reader output as an input, without a dataset grant: by path in the DSL ...
  const std::string stolen = "../../../../" + *job + "/host/10000/reader_0/0/output/data";
  JobSpec steal = PlanOf(kTestDsl, ConfOf10001(roles), next_id());
  steal.set_dsl_json(R"({"components": {"t_0": {"module": "TestModule", "output": {"data": ["data"]}},
      "t_1": {"module": "TestModule", "input": {"data": {"data": ["t_0.)" + stolen + R"("]}}}}})");
  attacks.push_back({"input path in the DSL", steal, "input keys and output names must be"});
  // ... or in the plan only.
  const std::string two = R"({"components": {"t_0": {"module": "TestModule", "output": {"data": ["data"]}},
      "t_1": {"module": "TestModule", "input": {"data": {"data": ["t_0.data"]}}}}})";
  JobSpec redirect = PlanOf(two, ConfOf10001(roles), next_id());
  redirect.mutable_tasks(1)->mutable_inputs(0)->set_output(stolen);
  attacks.push_back({"input path in the plan", redirect, "plan differs"});
  // A role no job has.
  JobSpec role = PlanOf(kTestDsl, ConfOf10001(roles), next_id());
  role.set_conf_json(ConfOf10001(R"({"guest": [10001], "../../x": [10000]})"));
  attacks.push_back({"role", role, "unknown role '../../x'"});

  for (const auto& a : attacks) {
    auto res = PostAs(*f, client, "10001", "10000", kCreate, CreateBody(a.spec));
    BOOST_REQUIRE(res.ok());
    BOOST_TEST(res->status == 400, a.name << ": " << res->body);
    BOOST_TEST(Has(res->body, a.expected), a.name << ": " << res->body);
    BOOST_TEST(Has(res->body, "party 10000 refuses job " + a.spec.job_id()), a.name << ": " << res->body);
    BOOST_TEST(RowsAt(*f, "10000", a.spec.job_id()) == 0u, a.name);
  }
  BOOST_TEST(!fs::exists(outside));
  BOOST_TEST(Tree(host_jobs) == before);
}

BOOST_AUTO_TEST_CASE(TheReceiverComputesItsOwnDemandAndRunsNothingWithoutIt) {
  auto f = Start("trust-demand");
  http::HttpClient client;
  const std::string roles = R"({"guest": [10001], "host": [10000]})";
  // 10001's own job at the host, asking for 3 cores per task, sent with no demands at all.
  std::string id = NewJobId(SystemClock::Instance().NowMs());
  JobSpec spec = PlanOf(kTestDsl, ConfOf10001(roles, R"(, "task_cores": 3)"), id);
  spec.clear_demands();
  auto created = PostAs(*f, client, "10001", "10000", kCreate, CreateBody(spec));
  BOOST_REQUIRE(created.ok());
  BOOST_REQUIRE_MESSAGE(created->status == 200, created->body);

  // A task start before any resource apply: nothing runs.
  const std::string start = json::Dump(bj::object{{"job_id", id}, {"task_name", "t_0"}, {"attempt", 0}});
  auto early = PostAs(*f, client, "10001", "10000", "/v2/partner/task/start", start);
  BOOST_REQUIRE(early.ok());
  BOOST_TEST(early->status == 409, early->body);
  BOOST_TEST(Has(early->body, "holds no resources for job " + id), early->body);
  for (const auto& t : f->LocalTasks("10000", id)) BOOST_TEST(std::string(t.at("party_status").as_string()) == "waiting");

  // The apply is granted what the host computed: 3 cores, held in its ledger.
  const std::string apply = json::Dump(bj::object{{"job_id", id}, {"epoch", 0}});
  auto granted = PostAs(*f, client, "10001", "10000", "/v2/partner/job/resource/apply", apply);
  BOOST_REQUIRE(granted.ok());
  BOOST_REQUIRE_MESSAGE(granted->status == 200, granted->body);
  auto reply = bj::parse(granted->body).at("data").as_object();
  BOOST_TEST(reply.at("granted").as_bool());
  BOOST_TEST(reply.at("cores").as_int64() == 3);
  auto held = f->Call("10000", "GET", "/v2/resource/query", bj::object{{"job_id", id}});
  BOOST_REQUIRE(held.ok());
  BOOST_TEST(held->data().at("held_cores").as_int64() == 3, bj::serialize(held->data()));

  // Released again by its scheduler; the job ends there.
  auto stop = PostAs(*f, client, "10001", "10000", "/v2/partner/job/stop",
                     json::Dump(bj::object{{"job_id", id}, {"status", "canceled"}}));
  BOOST_REQUIRE(stop.ok());
  BOOST_TEST(stop->status == 200, stop->body);
  CheckNothingHeld(*f, id, true, {"10000"});
}

BOOST_AUTO_TEST_CASE(OnlyPartiesOfAJobMayTalkAboutIt) {
  auto f = Start("trust-report");
  http::HttpClient client;
  // A job of guest 9999 and host 10000 only; 10001 is a configured, authenticated partner.
  const std::string conf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
      "role": {"guest": [9999], "host": [10000]},
      "component_parameters": {"role": {"host": {"0": {"t_0": {"action": "hang"}}}}}})";
  auto job = f->Submit("9999", kTestDsl, conf);
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(f->WaitJobStatus("9999", *job, {"running"}, 30000).ok());
  const std::string body = json::Dump(bj::object{{"job_id", *job}});
  auto outsider = PostAs(*f, client, "10001", "9999", "/v2/scheduler/task/report", body);
  BOOST_REQUIRE(outsider.ok());
  BOOST_TEST(outsider->status == 403, outsider->body);
  BOOST_TEST(Has(outsider->body, "party 10001 is not a party of job " + *job), outsider->body);
  auto member = PostAs(*f, client, "10000", "9999", "/v2/scheduler/task/report", body);
  BOOST_REQUIRE(member.ok());
  BOOST_TEST(member->status == 200, member->body);
  // A poll from someone who is not the job's scheduler is refused too, and both refusals are
  // logged as such (accepted polls are not logged at all).
  const std::string collect =
      json::Dump(bj::object{{"job_id", *job}, {"tasks", bj::array{bj::object{{"task_name", "t_0"}, {"attempt", 0}}}}});
  auto poll = PostAs(*f, client, "10001", "10000", "/v2/partner/task/collect", collect);
  BOOST_REQUIRE(poll.ok());
  BOOST_TEST(poll->status == 403, poll->body);
  std::string guest_access = ReadFile(f->HomeOf("9999") + "/logs/fedflow/access.log");
  BOOST_TEST(LineHasBoth(guest_access, "interconnect=/v2/scheduler/task/report from_party=10001",
                         "outcome=rejected status=403"), guest_access);
  BOOST_TEST(!LineHasBoth(guest_access, "interconnect=/v2/scheduler/task/report", "outcome=accepted"), guest_access);
  std::string host_access = ReadFile(f->HomeOf("10000") + "/logs/fedflow/access.log");
  BOOST_TEST(LineHasBoth(host_access, "interconnect=/v2/partner/task/collect from_party=10001",
                         "outcome=rejected status=403 reason=\"party 10001 may not command job"), host_access);
  auto stopped = f->Call("9999", "POST", "/v2/job/stop", bj::object{{"job_id", *job}});
  BOOST_REQUIRE(stopped.ok() && stopped->http_status == 200);
  BOOST_TEST(*f->WaitJobEnd("9999", *job, 30000) == "canceled");
}

BOOST_AUTO_TEST_SUITE_END()
