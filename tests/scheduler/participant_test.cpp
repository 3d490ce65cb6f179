// A participant's side of the contract, called directly: creation bound to its creator,
// resources computed here, task starts only on granted resources, final federated statuses,
// worker reports; and the executor's launch (private config, inputs by task and output).

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "proto/status_names.hpp"
#include "service/dsl/fate_dsl.hpp"
#include "service/json/json.hpp"
#include "tests/support/inproc_federation.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

namespace {

const char* kTwo = R"({"guest": [9999], "host": [10000]})";

JobSpec PlanOf(const std::string& dsl, const std::string& conf, const std::string& job_id) {
  auto spec = dsl::ParseFateDslText(json::Dump(bj::parse(dsl)), json::Dump(bj::parse(conf)), dsl::PlanContext{});
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  spec->set_job_id(job_id);
  return *spec;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0xFFFF;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ParticipantTest)

BOOST_AUTO_TEST_CASE(ACreationIsIdempotentForItsCreatorAndRefusedToAnyoneElse) {
  InProcessFederation f({{"9999"}, {"10000"}, {"10001"}});
  auto& host = f.At("10000").participant->jobs();
  const std::string id = NewJobId(f.clock().NowMs());
  JobSpec spec = PlanOf(ChainDsl({"a_0"}), ConfFor(kTwo), id);
  BOOST_REQUIRE(host.Validate(spec, "9999").ok());
  BOOST_TEST(f.JobRows("10000", id).empty());  // validation writes nothing
  BOOST_REQUIRE(host.Create(spec, "9999").ok());
  BOOST_REQUIRE(host.Create(spec, "9999").ok());
  BOOST_TEST(f.JobRows("10000", id).size() == 1u);
  BOOST_TEST(f.Attempts("10000", id).size() == 1u);
  // Another party under the same id, with itself as initiator.
  JobSpec other = PlanOf(ChainDsl({"a_0"}),
                         R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 10001},
                             "role": {"guest": [10001], "arbiter": [10000]}})",
                         id);
  Status refused = host.Create(other, "10001");
  BOOST_TEST((refused.code() == StatusCode::kAlreadyExists), refused.ToString());
  BOOST_TEST(refused.message().find("created by party 9999") != std::string::npos, refused.message());
  // A sender that is not the initiator it names.
  Status forged = host.Create(spec, "10001");
  BOOST_TEST((forged.code() == StatusCode::kPermissionDenied), forged.ToString());
  BOOST_TEST(f.JobRows("10000", id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(TasksStartOnlyOnGrantedResourcesAndEndWithTheirFederatedStatus) {
  InProcessFederation f({{"9999"}, {"10000", 4}});
  partner::JobParticipant& host = *f.At("10000").participant;
  const std::string id = NewJobId(f.clock().NowMs());
  JobSpec spec = PlanOf(ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"task_cores": 3}})"), id);
  spec.clear_demands();  // what the partner says it needs is not what the host uses
  BOOST_REQUIRE(host.jobs().Create(spec, "9999").ok());
  Status early = host.tasks().Start(id, "a_0", 0);
  BOOST_TEST((early.code() == StatusCode::kFailedPrecondition), early.ToString());
  auto grant = host.resources().Apply(id, 0);
  BOOST_REQUIRE(grant.ok());
  BOOST_TEST(grant->granted());
  BOOST_TEST(grant->cores() == 3);
  BOOST_TEST(grant->free_cores() == 1);
  // A second job needing 3 is refused with the free count, so the scheduler can skip bigger ones.
  const std::string id2 = std::to_string(std::stoull(id.substr(0, 19)) + 1) + id.substr(19);
  BOOST_REQUIRE(host.jobs().Create(PlanOf(ChainDsl({"a_0"}), ConfFor(kTwo, R"("job_parameters": {"common": {"task_cores": 3}})"), id2),
                                   "9999").ok());
  auto refused = host.resources().Apply(id2, 0);
  BOOST_REQUIRE(refused.ok());
  BOOST_TEST(!refused->granted());
  BOOST_TEST(refused->free_cores() == 1);
  BOOST_TEST(refused->reason().find("needs 3 cores, 1 of 4 free") != std::string::npos, refused->reason());
  // Started on the granted resources: one worker, its attempt running and federated running.
  BOOST_REQUIRE(host.tasks().Start(id, "a_0", 0).ok());
  BOOST_REQUIRE(host.tasks().Start(id, "a_0", 0).ok());  // a retried start does nothing more
  BOOST_TEST(f.At("10000").launcher.Launched().size() == 1u);
  auto attempts = f.Attempts("10000", id);
  BOOST_TEST(TaskStatusName(attempts[0].federated_status) == std::string("running"));
  // The job's end carries the scheduler's final word on the task.
  BOOST_REQUIRE(f.Report("10000", id, "a_0", "host", "success").ok());
  contract::FederatedTask ft;
  ft.set_task_name("a_0");
  ft.set_attempt(0);
  ft.set_status("success");
  BOOST_REQUIRE(host.jobs().Stop(id, JOB_STATUS_SUCCESS, "", {ft}).ok());
  attempts = f.Attempts("10000", id);
  BOOST_TEST(TaskStatusName(attempts[0].federated_status) == std::string("success"));
  // A stale federated status arriving later does not move it back.
  BOOST_REQUIRE(host.tasks().SyncFederated(id, "a_0", 0, TASK_STATUS_RUNNING).ok());
  BOOST_TEST(TaskStatusName(f.Attempts("10000", id)[0].federated_status) == std::string("success"));
  // The grant stays in the ledger, released.
  auto ledger = f.At("10000").allocations->ListByJob(id);
  BOOST_REQUIRE(ledger.ok());
  BOOST_REQUIRE(ledger->size() == 1u);
  BOOST_TEST(AllocationStatusName((*ledger)[0].status) == std::string("released"));
}

BOOST_AUTO_TEST_CASE(TheLedgerKeepsEveryDecision) {
  InProcessFederation f({{"9999"}, {"10000", 2}});
  partner::JobParticipant& host = *f.At("10000").participant;
  const std::string a = NewJobId(f.clock().NowMs());
  const std::string b = std::to_string(std::stoull(a.substr(0, 19)) + 1) + a.substr(19);
  const std::string two_cores = ConfFor(kTwo, R"("job_parameters": {"common": {"task_cores": 2}})");
  BOOST_REQUIRE(host.jobs().Create(PlanOf(ChainDsl({"a_0"}), two_cores, a), "9999").ok());
  BOOST_REQUIRE(host.jobs().Create(PlanOf(ChainDsl({"a_0"}), two_cores, b), "9999").ok());
  BOOST_REQUIRE(host.resources().Apply(a, 0)->granted());
  BOOST_REQUIRE(!host.resources().Apply(b, 0)->granted());
  BOOST_REQUIRE(!host.resources().Apply(b, 0)->granted());  // refused again: the same row, counted
  BOOST_REQUIRE(host.resources().Return(a, 0).ok());
  BOOST_REQUIRE(host.resources().Apply(b, 0)->granted());
  auto ledger = f.At("10000").allocations->ListByJob(b);
  BOOST_REQUIRE(ledger.ok());
  BOOST_REQUIRE(ledger->size() == 2u);
  BOOST_TEST(AllocationStatusName((*ledger)[0].status) == std::string("rejected"));
  BOOST_TEST(AllocationStatusName((*ledger)[1].status) == std::string("held"));
  auto other = f.At("10000").allocations->ListByJob(a);
  BOOST_REQUIRE(other->size() == 1u);
  BOOST_TEST(AllocationStatusName((*other)[0].status) == std::string("released"));
}

BOOST_AUTO_TEST_CASE(TheExecutorWritesAPrivateConfigWithInputsByTaskAndOutput) {
  InProcessFederation f({{"9999"}, {"10000"}});
  auto job = f.Submit("9999", ChainDsl({"a_0", "b_0"}), ConfFor(kTwo));
  BOOST_REQUIRE(job.ok());
  f.Tick("9999");
  f.ReportAll(*job, "success");
  f.Tick("9999");
  LaunchedWorker w;
  BOOST_REQUIRE(f.At("10000").launcher.FindAlive(*job, "b_0", "host", &w));
  BOOST_TEST(Mode(w.config_path) == 0600u);
  BOOST_TEST(Mode(w.spec.workdir) == 0700u);
  std::ifstream in(w.config_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bj::object config = bj::parse(text).as_object();
  const bj::array& inputs = config.at("inputs").as_array();
  BOOST_REQUIRE(inputs.size() == 1u);
  const std::string path(inputs[0].at("path").as_string());
  BOOST_TEST(path == f.At("10000").home + "/jobs/" + *job + "/a_0.0.host.10000/output/data", path);
  BOOST_TEST(std::string(config.at("token").as_string()) == w.token);
}

BOOST_AUTO_TEST_SUITE_END()
