#define BOOST_TEST_MODULE ff_cli_integration_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/support/cli_runner.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

namespace {

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(CliIntegrationTest)

BOOST_AUTO_TEST_CASE(DrivesAThreePartyJobThroughTheCli) {
  auto started = Federation::Start("cli", {{"9999"}, {"10000"}, {"10001"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  Cli cli{f, FreshDir("cli-files")};
  std::string dsl = cli.File("dsl.json", kFiveComponentDsl);
  std::string out;

  // submit --wait: live progress, then the per-task table; exit 0 on success.
  int rc = cli.Run("9999", {"job", "submit", "-c", cli.File("conf.json", ThreePartyConf()), "-d", dsl, "--wait"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "100%  success"), out);
  BOOST_TEST(Has(out, "hetero_lr_0       HeteroLR"), out);
  std::string job_id = out.substr(out.find("job ") + 4, 21);

  // query at every party, as a table and as JSON.
  for (const auto& party : f.parties()) {
    rc = cli.Run(party, {"job", "query", "-j", job_id}, &out);
    BOOST_TEST(rc == 0);
    BOOST_TEST(Has(out, job_id), out);
    BOOST_TEST(Has(out, "success"), out);
  }
  rc = cli.Run("9999", {"--json", "job", "status", "-j", job_id}, &out);
  BOOST_TEST(rc == 0);
  bj::value status = bj::parse(out);
  BOOST_TEST(status.at("status").as_string() == "success");
  BOOST_TEST(status.at("tasks").as_array().size() == 5u);

  // logs: the job's schedule log, a task's worker log, and the tar.gz of everything.
  rc = cli.Run("9999", {"job", "log", "-j", job_id, "--tail", "3"}, &out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(Has(out, "job_id=" + job_id), out);
  BOOST_TEST(Has(out, "end success confirmed by every party"), out);
  rc = cli.Run("10000", {"job", "log", "-j", job_id, "-t", "reader_0", "-r", "host", "-p", "10000"}, &out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(Has(out, "test worker pid="), out);
  BOOST_TEST(Has(out, "reported success"), out);
  rc = cli.Run("9999", {"job", "log", "download", "-j", job_id, "-o", cli.dir}, &out);
  BOOST_TEST(rc == 0, out);
  std::string archive = ReadFile(cli.dir + "/job_" + job_id + "_log.tar.gz");
  BOOST_REQUIRE(archive.size() > 100u);
  BOOST_TEST((static_cast<unsigned char>(archive[0]) == 0x1f && static_cast<unsigned char>(archive[1]) == 0x8b));
  std::string listing;
  BOOST_TEST(RunCommand({"/bin/tar", "-tzf", cli.dir + "/job_" + job_id + "_log.tar.gz"}, &listing) == 0);
  BOOST_TEST(Has(listing, "job_" + job_id + "_log/schedule.log"), listing);
  BOOST_TEST(Has(listing, "/guest/9999/reader_0/0/task.log"), listing);
  rc = cli.Run("9999", {"job", "dsl", "-j", job_id}, &out);
  BOOST_TEST(Has(out, "hetero_lr_0"));
  rc = cli.Run("9999", {"task", "query", "-j", job_id}, &out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(Has(out, "evaluation_0"));

  // The model registry: the job's model, deployed at every party, exported, deleted, imported back.
  const std::string model_id = "arbiter-10001#guest-9999#host-10000#model";
  // Each party keeps its part as its own job row ends, which may follow the scheduler's success.
  BOOST_REQUIRE(*f.WaitJobEnd("9999", job_id, 30000) == "success");
  rc = cli.Run("9999", {"model", "query", "-m", model_id}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST((Has(out, job_id) && Has(out, "guest  9999")), out);  // the test provider saves no model files here
  rc = cli.Run("9999", {"model", "deploy", "-m", model_id, "-v", job_id}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST((Has(out, "10000") && Has(out, "10001") && !Has(out, " no ")), out);
  rc = cli.Run("9999", {"model", "export", "-m", model_id, "-v", job_id, "-o", cli.dir + "/model.tar.gz"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(cli.Run("9999", {"model", "delete", "-m", model_id, "-v", job_id}, &out) == 0, out);
  rc = cli.Run("9999", {"model", "import", "-f", cli.dir + "/model.tar.gz"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "imported " + model_id + " " + job_id + " guest:9999"), out);
  rc = cli.Run("9999", {"model", "load", "-m", model_id, "-v", "nope"}, &out);
  BOOST_TEST(rc == 1, out);
  BOOST_TEST(Has(out, "has no model"), out);

  // stop: a job whose reader hangs at the guest.
  std::string hang = cli.File("hang.json", ThreePartyConf("", R"("guest": {"0": {"reader_0": {"action": "hang"}}})"));
  rc = cli.Run("9999", {"job", "submit", "-c", hang, "-d", dsl}, &out);
  BOOST_REQUIRE(rc == 0);
  std::string hung = out.substr(out.find("job ") + 4, 21);
  BOOST_REQUIRE(f.WaitJobStatus("9999", hung, {"running"}, 20000).ok());
  rc = cli.Run("10000", {"job", "stop", "-j", hung}, &out);  // at a participant: forwarded
  BOOST_TEST(rc == 0, out);
  BOOST_REQUIRE(*f.WaitJobEnd("9999", hung, 30000) == "canceled");

  // rerun: a job that fails once ends failed (exit 4), then `rerun --wait` makes it succeed.
  std::string flaky = cli.File("flaky.json", ThreePartyConf("", R"("host": {"0": {"hetero_lr_0": {"fail_attempts": 1}}})"));
  rc = cli.Run("9999", {"job", "submit", "-c", flaky, "-d", dsl, "--wait"}, &out);
  BOOST_TEST(rc == 4, out);
  BOOST_TEST(Has(out, "reason: task hetero_lr_0 failed at host:10000"), out);
  std::string failed = out.substr(out.find("job ") + 4, 21);
  rc = cli.Run("9999", {"job", "rerun", "-j", failed, "--wait"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "rerun: hetero_lr_0 evaluation_0"), out);

  // resource and admin views.
  rc = cli.Run("9999", {"resource", "query"}, &out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(Has(out, "party 9999: 16 of 16 cores free"), out);
  rc = cli.Run("9999", {"admin", "stuck", "--waiting-longer-than", "0"}, &out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(Has(out, "waiting jobs:"), out);
  rc = cli.Run("9999", {"admin", "drain", "on", "--reason", "upgrade"}, &out);
  BOOST_TEST(rc == 0);
  rc = cli.Run("9999", {"job", "submit", "-c", cli.File("conf2.json", ThreePartyConf()), "-d", dsl}, &out);
  BOOST_TEST(rc == 1, out);
  BOOST_TEST(Has(out, "is draining"), out);
  rc = cli.Run("9999", {"admin", "drain", "off"}, &out);
  BOOST_TEST(rc == 0, out);
  // The server's own logs are read through admin, not as a job's.
  rc = cli.Run("9999", {"admin", "log", "--type", "audit", "--grep", "server.drain"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "action=server.drain"), out);
  BOOST_TEST(rc == 0);
  BOOST_TEST(Has(ReadFile(f.HomeOf("9999") + "/logs/fedflow/audit.log"), "action=server.drain"));

  // Errors: bad command line (2), refused job (1), unreachable server (3).
  rc = cli.Run("9999", {"job", "submit", "-c", cli.dir + "/nope.json", "-d", dsl}, &out);
  BOOST_TEST(rc == 2);
  BOOST_TEST(Has(out, "cannot read runtime conf file"), out);
  rc = cli.Run("9999", {"job", "submit", "-c", cli.File("bad.json", "{\"initiator\": 1}"), "-d", dsl}, &out);
  BOOST_TEST(rc == 1);
  BOOST_TEST(Has(out, "runtime_conf.initiator"), out);
  rc = cli.Run("9999", {"job", "frobnicate"}, &out);
  BOOST_TEST(rc == 2);
  std::vector<std::string> argv{FEDFLOW_CLI_BIN, "--server", "127.0.0.1:" + std::to_string(FreePort()), "server", "health"};
  BOOST_TEST(RunCommand(argv, &out) == 3);
  BOOST_TEST(Has(out, "cannot reach fedflow server"), out);
}

BOOST_AUTO_TEST_CASE(SubmitsTheFateFlow2DagExampleThroughTheCli) {
  // train_lr.yaml: guest 9999, host and arbiter 9998, the 2.x component names.
  auto started = Federation::Start("cli-dag", {{"9999"}, {"9998"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  Cli cli{f, FreshDir("cli-dag-files")};
  std::string out;
  int rc = cli.Run("9999", {"job", "submit", "-c", std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v2-dag/train_lr.yaml",
                            "--wait"},
                   &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "selection_0"), out);
  BOOST_TEST(Has(out, "100%  success"), out);
}

BOOST_AUTO_TEST_CASE(HelpExplainsEveryCommand) {
  std::string out;
  BOOST_TEST(RunCommand({FEDFLOW_CLI_BIN, "--help"}, &out) == 0);
  BOOST_TEST(Has(out, "exit codes"));
  int commands = 0;
  for (std::size_t pos = 0; (pos = out.find("\n  ", pos)) != std::string::npos; ++pos) ++commands;
  BOOST_TEST(commands > 20);
  for (const auto& [group, cmd] : std::vector<std::pair<std::string, std::string>>{
           {"job", "submit"}, {"job", "log"}, {"job", "rerun"}, {"admin", "drain"}, {"resource", "query"}}) {
    BOOST_TEST(RunCommand({FEDFLOW_CLI_BIN, group, cmd, "--help"}, &out) == 0);
    BOOST_TEST(Has(out, "usage: fedflow " + group + " " + cmd), out);
  }
}

BOOST_AUTO_TEST_SUITE_END()
