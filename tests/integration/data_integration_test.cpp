#define BOOST_TEST_MODULE ff_data_integration_test
#include <boost/test/unit_test.hpp>

// Issue 8 end to end: tables uploaded at guest and host through the CLI, a three-party FATE job
// whose built-in Reader reads them and whose test components track data, models and metrics,
// everything read back through the CLI; bad uploads and binds refused with nothing left behind;
// a MySQL table bound and read by a job.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/support/cli_runner.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/mysql_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/data/";
const std::string kV1 = std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v1-dsl/";

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A FATE 1.x upload conf for `file` as <table_ns>.<name>, written in the CLI's directory.
std::string UploadConf(Cli& cli, const std::string& name, const std::string& file, const std::string& table_ns = "experiment") {
  return cli.File(name + "_upload.json", bj::serialize(bj::object{{"file", file},
                                                                  {"table_name", name},
                                                                  {"namespace", table_ns},
                                                                  {"head", 1},
                                                                  {"partition", 8}}));
}

std::size_t CountLines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

/// Regular files anywhere under `dir` (the party's data directory must stay empty after refusals).
std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out.push_back(e.path().string());
  }
  return out;
}

std::int64_t TableCount(Federation& f, const std::string& party) {
  auto list = f.Call(party, "GET", "/v2/table/list");
  return list.ok() && list->code() == 0 ? list->data().at("count").as_int64() : -1;
}

/// The example hetero LR conf, unchanged but for a third party as arbiter and tracking turned on
/// in the test components.
std::string HeteroLrConf() {
  bj::value conf = bj::parse(ReadFile(kV1 + "hetero_lr_normal_conf.json"));
  conf.at("role").as_object()["arbiter"] = bj::array{10001};
  bj::object& common = conf.at("component_parameters").at("common").as_object();
  for (const char* c : {"data_transform_0", "intersection_0", "hetero_lr_0", "evaluation_0"}) {
    common[c].as_object()["track"] = true;
  }
  return bj::serialize(conf);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DataIntegrationTest)

BOOST_AUTO_TEST_CASE(BreastTablesUploadedThenReadByAThreePartyJobAndTrackedThroughTheCli) {
  FederationOptions options;
  options.builtin_reader = true;
  auto started = Federation::Start("data-job", {{"9999"}, {"10000"}, {"10001"}}, options);
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  Cli cli{f, FreshDir("data-job-files")};
  std::string out;

  // Upload with FATE 1.x upload confs (the CLI reads the file and sends it).
  int rc = cli.Run("9999", {"data", "upload", "-c", UploadConf(cli, "breast_hetero_guest", kData + "breast_hetero_guest.csv")}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "uploaded experiment.breast_hetero_guest (569 rows)"), out);
  rc = cli.Run("10000", {"data", "upload", "-c", UploadConf(cli, "breast_hetero_host", kData + "breast_hetero_host.csv")}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "(569 rows)"), out);
  rc = cli.Run("9999", {"table", "info", "-n", "experiment", "-t", "breast_hetero_guest", "--display", "--limit", "2"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "count      569"), out);
  BOOST_TEST(Has(out, "header     id,y,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9"), out);
  BOOST_TEST(Has(out, "[\"133\",\"1\",\"0.254879\""), out);
  rc = cli.Run("10000", {"table", "list"}, &out);
  BOOST_TEST(Has(out, "breast_hetero_host"), out);

  // The example job, three parties, Reader from fedflow's built-in provider.
  rc = cli.Run("9999", {"job", "submit", "-d", kV1 + "hetero_lr_normal_dsl.json", "-c", cli.File("conf.json", HeteroLrConf()),
                        "--wait"},
               &out);
  BOOST_REQUIRE_MESSAGE(rc == 0, out);
  const std::string job_id = out.substr(out.find("job ") + 4, 21);

  // Metrics: the Reader's row count, the test components' loss curve and 2.x metric.
  rc = cli.Run("9999", {"output", "metrics", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "reader_0"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "reader_namespace.reader_name  type=DATA_INFO"), out);
  BOOST_TEST(Has(out, "count = 569"), out);
  rc = cli.Run("10000", {"output", "metrics", "-j", job_id, "-r", "host", "-p", "10000", "-t", "hetero_lr_0"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "train.loss  type=LOSS"), out);
  BOOST_TEST(Has(out, "2 = 0.41"), out);
  BOOST_TEST(Has(out, "0 = {\"key\":\"count\",\"value\":569}"), out);
  BOOST_TEST(Has(out, "default.rows  type=summary"), out);
  rc = cli.Run("10001", {"--json", "output", "metrics", "-j", job_id, "-r", "arbiter", "-p", "10001", "-t", "hetero_lr_0",
                         "--namespace", "train", "--name", "loss"},
               &out);
  BOOST_TEST(rc == 0, out);
  bj::value arbiter_loss = bj::parse(out);
  BOOST_TEST(arbiter_loss.as_array().size() == 1u);
  BOOST_TEST(arbiter_loss.at(0).at("data").as_array().size() == 3u);

  // Outputs: what the Reader wrote is the uploaded table, row for row.
  rc = cli.Run("9999", {"output", "data", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "data_transform_0"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "569"), out);
  rc = cli.Run("10000", {"output", "preview", "-j", job_id, "-r", "host", "-p", "10000", "-t", "reader_0", "--limit", "3"},
               &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "output data (569 rows)"), out);
  BOOST_TEST(Has(out, "\nid,x0,x1,x2"), out);
  BOOST_TEST(CountLines(out) == 5u, out);
  rc = cli.Run("9999", {"output", "download", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "reader_0", "-k", "data",
                        "--csv", "-o", cli.dir},
               &out);
  BOOST_TEST(rc == 0, out);
  std::string downloaded = ReadFile(cli.dir + "/" + job_id + "_guest_9999_reader_0_data.csv");
  BOOST_TEST(downloaded == ReadFile(kData + "breast_hetero_guest.csv"));
  rc = cli.Run("9999", {"output", "download", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "hetero_lr_0", "-o", cli.dir},
               &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(fs::file_size(cli.dir + "/" + job_id + "_guest_9999_hetero_lr_0.tar.gz") > 100u);
  rc = cli.Run("9999", {"output", "model", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "hetero_lr_0"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "TestModel"), out);
  rc = cli.Run("9999", {"output", "model", "download", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "hetero_lr_0", "-o",
                        cli.dir},
               &out);
  BOOST_TEST(rc == 0, out);

  // Logs: a task's worker log with a line range, the schedule log's tail, the whole archive.
  rc = cli.Run("10000", {"job", "log", "-j", job_id, "-t", "reader_0", "-r", "host", "-p", "10000", "--tail", "2"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "reported success"), out);
  rc = cli.Run("10000", {"job", "log", "-j", job_id, "-t", "reader_0", "-r", "host", "-p", "10000", "--begin", "1", "--end",
                         "1"},
               &out);
  BOOST_TEST(Has(out, "fedflow-builtin pid="), out);
  BOOST_TEST(Has(out, "module=Reader"), out);
  rc = cli.Run("9999", {"job", "log", "-j", job_id, "--tail", "1"}, &out);
  BOOST_TEST(rc == 0, out);
  rc = cli.Run("10001", {"job", "log", "download", "-j", job_id, "-o", cli.dir}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(fs::exists(cli.dir + "/job_" + job_id + "_log.tar.gz"));

  // Metric delete, and a job clean forgets tracking.
  rc = cli.Run("9999", {"output", "metric-delete", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "reader_0"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "deleted 2 metric rows"), out);
  rc = cli.Run("9999", {"--json", "output", "metrics", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "reader_0"}, &out);
  BOOST_TEST(bj::parse(out).as_array().empty(), out);
  rc = cli.Run("9999", {"job", "clean", "-j", job_id}, &out);
  BOOST_TEST(rc == 0, out);
  rc = cli.Run("9999", {"output", "data", "-j", job_id, "-r", "guest", "-p", "9999", "-t", "reader_0"}, &out);
  BOOST_TEST(rc == 1, out);
  BOOST_TEST(Has(out, "has no data output"), out);
}

BOOST_AUTO_TEST_CASE(AJobReadingAMissingTableIsRefusedAtSubmitNamingTheTable) {
  FederationOptions options;
  options.builtin_reader = true;
  auto started = Federation::Start("data-missing", {{"9999"}, {"10000"}}, options);
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  bj::value conf = bj::parse(ReadFile(kV1 + "hetero_lr_normal_conf.json"));
  auto job = f.Submit("9999", ReadFile(kV1 + "hetero_lr_normal_dsl.json"), bj::serialize(conf));
  BOOST_REQUIRE(!job.ok());
  BOOST_TEST(Has(job.status().message(), "experiment.breast_hetero_guest"), job.status().message());
  BOOST_TEST(Has(job.status().message(), "upload"), job.status().message());
  auto jobs = f.Call("9999", "GET", "/v2/job/list/query");
  BOOST_TEST(jobs->data().at("count").as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(BadUploadsAndBindsAreRefusedClearlyAndLeaveNothingBehind) {
  auto started = Federation::Start("data-bad", {{"9999"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  Cli cli{f, FreshDir("data-bad-files")};
  const std::string data_dir = f.HomeOf("9999") + "/data";
  std::string out;
  struct Case {
    const char* what;
    std::string csv;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"ragged", "id,y,x0\n1,0,0.5\n2,1\n", "line 3: has 2 fields, the header has 3"},
      {"bad_utf8", "id,y,x0\n1,0,\xff\xfe\n", "line 2: not valid UTF-8"},
      {"empty_id", "id,y\n1,0\n,1\n", "the id ('id') is empty"},
      {"empty", "", "is empty"},
      {"header_only", "id,y\n", "no records"},
  };
  for (const auto& c : cases) {
    std::string csv = cli.File(std::string(c.what) + ".csv", c.csv);
    int rc = cli.Run("9999", {"data", "upload", "-c", UploadConf(cli, c.what, csv)}, &out);
    BOOST_TEST(rc == 1, c.what << ": " << out);
    BOOST_TEST(Has(out, c.expected), c.what << ": " << out);
  }
  // Missing id column: a FATE-Flow 2.x conf naming a match id the header lacks.
  std::string good = cli.File("good.csv", "id,y,x0\n1,0,0.5\n2,1,0.25\n");
  std::string conf2 = cli.File("v2.json", bj::serialize(bj::object{{"file", good},
                                                                   {"namespace", "exp"},
                                                                   {"name", "v2"},
                                                                   {"head", true},
                                                                   {"meta", bj::object{{"match_id_name", "sid"}}}}));
  int rc = cli.Run("9999", {"data", "upload", "-c", conf2}, &out);
  BOOST_TEST(rc == 1, out);
  BOOST_TEST(Has(out, "id column 'sid' is not in the header (columns: id, y, x0"), out);
  // Table names with path characters.
  for (const auto& [ns, name] : std::vector<std::pair<std::string, std::string>>{
           {"experiment", "../evil"}, {"exp/sub", "t"}, {"..", "t"}, {"experiment", "a/b"}}) {
    std::string conf = cli.File("bad_name.json", bj::serialize(bj::object{{"file", good}, {"namespace", ns}, {"name", name}}));
    rc = cli.Run("9999", {"data", "upload", "-c", conf}, &out);
    BOOST_TEST(rc == 1, out);
    BOOST_TEST((Has(out, "may hold only letters, digits")), ns << "/" << name << ": " << out);
  }
  // Binds: a missing file, a directory, a file outside data.import_roots, the server's own files
  // (its key, its config, its database), and a symlink in the import root that leads out of it.
  const std::string import_dir = f.HomeOf("9999") + "/import";
  fs::create_directory_symlink(f.HomeOf("9999") + "/keys", import_dir + "/keys_link");
  fs::create_symlink("/etc/passwd", import_dir + "/passwd.csv");
  for (const auto& [path, expected] : std::vector<std::pair<std::string, std::string>>{
           {import_dir + "/no-such.csv", "no such file on the server"},
           {import_dir, "not a regular file"},
           {"/etc/passwd", "outside the directories this server imports data from"},
           {f.HomeOf("9999") + "/keys/site_private.pem", "one of this server's own files"},
           {f.HomeOf("9999") + "/conf/service_conf.yaml", "one of this server's own files"},
           {f.HomeOf("9999") + "/fedflow.db", "one of this server's own files"},
           {import_dir + "/keys_link/site_private.pem", "one of this server's own files"},
           {import_dir + "/passwd.csv", "outside the directories this server imports data from"},
           {"../keys/site_private.pem", "one of this server's own files"}}) {
    std::string bind = cli.File("bind.json", bj::serialize(bj::object{
                                                 {"engine", "PATH"}, {"namespace", "exp"}, {"name", "bound"}, {"path", path}}));
    rc = cli.Run("9999", {"table", "bind", "-c", bind}, &out);
    BOOST_TEST(rc == 1, out);
    BOOST_TEST(Has(out, expected), out);
  }
  // Nothing was persisted, no file was left in the data directory.
  BOOST_TEST(TableCount(f, "9999") == 0);
  BOOST_TEST(FilesUnder(data_dir).empty());

  // Same key: refused without --drop (the table is untouched), replaced with it.
  rc = cli.Run("9999", {"data", "upload", "-c", UploadConf(cli, "same", good)}, &out);
  BOOST_TEST(rc == 0, out);
  std::string bigger = cli.File("bigger.csv", "id,y,x0\n1,0,0.5\n2,1,0.25\n3,0,0.125\n");
  rc = cli.Run("9999", {"data", "upload", "-c", UploadConf(cli, "same", bigger)}, &out);
  BOOST_TEST(rc == 1, out);
  BOOST_TEST(Has(out, "table experiment.same already exists at party 9999 (upload, 2 rows): pass drop=1 (CLI: --drop)"), out);
  rc = cli.Run("9999", {"data", "upload", "--drop", "-c", UploadConf(cli, "same", bigger)}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "(3 rows)"), out);
  BOOST_TEST(FilesUnder(data_dir).size() == 1u);
  // A failed replacement keeps the old table.
  rc = cli.Run("9999", {"data", "upload", "--drop", "-c", UploadConf(cli, "same", cli.File("r.csv", "id,y\n1\n"))}, &out);
  BOOST_TEST(rc == 1, out);
  rc = cli.Run("9999", {"data", "download", "-n", "experiment", "-t", "same", "-o", cli.dir + "/same.csv"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(ReadFile(cli.dir + "/same.csv") == ReadFile(bigger));

  // Bind a file under the import root; delete leaves the bound file alone.
  std::string home_csv = import_dir + "/bound.csv";
  WriteFile(home_csv, "uid;label;v\na;1;2\nb;0;3\n");
  std::string bind = cli.File("bind_ok.json", bj::serialize(bj::object{{"engine", "path"},
                                                                       {"namespace", "exp"},
                                                                       {"name", "bound"},
                                                                       {"address", bj::object{{"path", home_csv}}},
                                                                       {"id_delimiter", ";"},
                                                                       {"label_column", "label"}}));
  rc = cli.Run("9999", {"table", "bind", "-c", bind}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "bound exp.bound (2 rows)"), out);
  rc = cli.Run("9999", {"data", "download", "-n", "exp", "-t", "bound", "-o", cli.dir + "/bound.csv"}, &out);
  BOOST_TEST(ReadFile(cli.dir + "/bound.csv") == "uid,label,v\na,1,2\nb,0,3\n");
  rc = cli.Run("9999", {"table", "delete", "-n", "exp", "-t", "bound"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(fs::exists(home_csv));
  rc = cli.Run("9999", {"table", "delete", "-n", "experiment", "-t", "same"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(FilesUnder(data_dir).empty());
  BOOST_TEST(TableCount(f, "9999") == 0);
  rc = cli.Run("9999", {"table", "info", "-n", "experiment", "-t", "same"}, &out);
  BOOST_TEST(rc == 1, out);

  // Every change and refusal is in the audit log.
  std::string audit = ReadFile(f.HomeOf("9999") + "/logs/fedflow/audit.log");
  BOOST_TEST(Has(audit, "action=table.upload"));
  BOOST_TEST(Has(audit, "action=table.bind"));
  BOOST_TEST(Has(audit, "action=table.delete"));
  BOOST_TEST(Has(audit, "table=experiment.ragged outcome=\"upload of experiment.ragged refused, nothing stored"), audit);
}

BOOST_AUTO_TEST_CASE(AMysqlTableIsBoundWithoutCopyingAndReadByAJob) {
  auto db = FreshMysqlDatabase("fedflow_data");
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  BOOST_REQUIRE(MysqlExecute(*db, "CREATE TABLE breast (id VARCHAR(16) PRIMARY KEY, y INT, x0 DOUBLE);"
                                  "INSERT INTO breast VALUES ('1', 0, 0.5), ('2', 1, -0.25), ('3', 1, 1.5);")
                    .ok());
  FederationOptions options;
  options.builtin_reader = true;
  auto started = Federation::Start("data-mysql", {{"9999"}, {"10000"}}, options);
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  bj::object address{{"user", db->mysql_user}, {"password", db->mysql_password}, {"db", db->mysql_database},
                     {"table", "breast"}};
  if (!db->mysql_socket.empty()) {
    address["socket"] = db->mysql_socket;
  } else {
    address["host"] = db->mysql_host;
    address["port"] = db->mysql_port;
  }
  // A wrong table is refused at bind, naming it.
  bj::object wrong = address;
  wrong["table"] = "nope";
  auto refused = f.Call("9999", "POST", "/v2/table/bind/mysql",
                        bj::object{{"namespace", "exp"}, {"name", "mysql_breast"}, {"address", wrong}});
  BOOST_TEST((refused->http_status == 400 || refused->http_status == 404), refused->message());
  BOOST_TEST(Has(refused->message(), "nope"), refused->message());
  BOOST_TEST(TableCount(f, "9999") == 0);

  auto bound = f.Call("9999", "POST", "/v2/table/bind/mysql",
                      bj::object{{"namespace", "exp"}, {"name", "mysql_breast"}, {"address", address}, {"label_column", "y"}});
  BOOST_REQUIRE(bound.ok());
  BOOST_TEST(bound->code() == 0, bound->message());
  BOOST_TEST(bound->data().at("count").as_int64() == 3);
  BOOST_TEST(!bound->data().at("address").as_object().contains("password"));

  // Host reads an uploaded table, guest the MySQL one.
  WriteFile(f.HomeOf("10000") + "/import/host.csv", "id,x1\n1,0.1\n2,0.2\n3,0.3\n");
  auto up = f.Call("10000", "POST", "/v2/data/component/upload",
                   bj::object{{"file", "host.csv"}, {"namespace", "exp"}, {"name", "host"}});
  BOOST_TEST(up->code() == 0, up->message());
  const std::string dsl = R"({"components": {
      "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
      "test_0": {"module": "TestModule", "input": {"data": {"data": ["reader_0.data"]}}, "output": {"data": ["data"]}}}})";
  const std::string conf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
      "role": {"guest": [9999], "host": [10000]},
      "component_parameters": {"common": {"test_0": {"track": true}}, "role": {
        "guest": {"0": {"reader_0": {"table": {"namespace": "exp", "name": "mysql_breast"}}}},
        "host": {"0": {"reader_0": {"table": {"namespace": "exp", "name": "host"}}}}}}})";
  auto job = f.Submit("9999", dsl, conf);
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(*f.WaitJobEnd("9999", *job, 60000) == "success");
  auto shown = f.Call("9999", "GET",
                      "/v2/output/data/display?job_id=" + *job + "&role=guest&party_id=9999&task_name=test_0&limit=5");
  BOOST_TEST(shown->code() == 0, shown->message());
  BOOST_TEST(shown->data().at("count").as_int64() == 3);
  BOOST_TEST(bj::serialize(shown->data().at("rows")) == R"([["1","0","0.5"],["2","1","-0.25"],["3","1","1.5"]])");
}

BOOST_AUTO_TEST_SUITE_END()
