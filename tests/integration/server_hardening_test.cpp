// The application API and the server's own files, attacked from anyone who can reach the API:
// server files are not tables, server logs are not job logs, private files are private, every
// size has a limit answered with a 4xx that names it (and nothing is persisted), and a flood of
// rejected requests neither pushes security actions out of the audit log nor fills the disk.

#define BOOST_TEST_MODULE ff_server_hardening_test
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

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

/// Resident memory of a process in MB, from /proc.
double RssMb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 0777;
}

/// A POST with a raw body and content type, without the Federation's JSON encoding.
StatusOr<http::ClientResponse> PostRaw(http::HttpClient& client, std::uint16_t port, const std::string& target,
                                       const std::string& body, const std::string& type = "application/json") {
  http::ClientRequest r;
  r.method = "POST";
  r.port = port;
  r.target = target;
  r.body = body;
  r.content_type = type;
  r.timeout_ms = 60000;
  return client.Call(r);
}

std::int64_t JobCount(Federation& f, const std::string& party) {
  auto list = f.Call(party, "GET", "/v2/job/list/query");
  BOOST_REQUIRE(list.ok());
  return list->data().at("count").as_int64();
}

std::int64_t TableCount(Federation& f, const std::string& party) {
  auto list = f.Call(party, "GET", "/v2/table/list");
  BOOST_REQUIRE(list.ok());
  return list->data().at("count").as_int64();
}

std::size_t Lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ServerHardeningTest)

BOOST_AUTO_TEST_CASE(ServerFilesAreNoTablesAndServerLogsNoJobLogs) {
  auto started = Federation::Start("hard-files", {{"9999"}, {"10000"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  const std::string home = f.HomeOf("9999");
  const std::vector<std::string> files{"keys/site_private.pem",          "conf/service_conf.yaml",
                                       home + "/keys/site_private.pem",   home + "/conf/service_conf.yaml",
                                       home + "/fedflow.db",              home + "/logs/fedflow/audit.log",
                                       "../keys/site_private.pem"};
  for (const std::string& file : files) {
    for (const char* route : {"/v2/data/component/upload", "/v2/table/bind/path"}) {
      auto r = f.Call("9999", "POST", route, bj::object{{"file", file}, {"path", file}, {"namespace", "x"}, {"name", "key"}});
      BOOST_REQUIRE(r.ok());
      BOOST_TEST((r->http_status == 403 || r->http_status == 404), route << " " << file << ": " << r->http_status);
      BOOST_TEST(!Has(bj::serialize(r->body), "PRIVATE KEY"));
    }
  }
  BOOST_TEST(TableCount(f, "9999") == 0);
  // Downloading what was never stored gives nothing either.
  auto download = f.Call("9999", "GET", "/v2/data/download", bj::object{{"namespace", "x"}, {"name", "key"}});
  BOOST_REQUIRE(download.ok());
  BOOST_TEST(download->http_status == 404);

  // "fedflow" is no job: the server's own logs are not a job's logs.
  for (const char* path : {"/v2/job/log/download", "/v2/log/query", "/v2/log/count"}) {
    auto r = f.Call("9999", "GET", path, bj::object{{"job_id", "fedflow"}});
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->http_status == 400, path);
    BOOST_TEST(Has(r->message(), "is not a job id"), r->message());
  }
  auto admin = f.Call("9999", "GET", "/v2/admin/server/log", bj::object{{"log_type", "server"}, {"tail", "3"}});
  BOOST_REQUIRE(admin.ok());
  BOOST_TEST(admin->http_status == 200, admin->message());
  BOOST_TEST(admin->data().at("lines").as_array().size() == 3u);
}

BOOST_AUTO_TEST_CASE(TokensKeysAndTablesArePrivateFiles) {
  auto started = Federation::Start("hard-modes", {{"9999"}, {"10000"}, {"10001"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  auto job = f.Submit("9999", kFiveComponentDsl, ThreePartyConf());
  BOOST_REQUIRE(job.ok());
  BOOST_REQUIRE(*f.WaitJobEnd("9999", *job, 60000) == "success");
  WriteFile(f.HomeOf("10000") + "/import/t.csv", "id,x\n1,2\n");
  auto up = f.Call("10000", "POST", "/v2/data/component/upload", bj::object{{"file", "t.csv"}, {"namespace", "n"}, {"name", "t"}});
  BOOST_REQUIRE(up.ok() && up->http_status == 200);

  const std::string home = f.HomeOf("10000");
  int configs = 0;
  for (const auto& e : fs::recursive_directory_iterator(home + "/jobs")) {
    if (e.is_directory()) BOOST_TEST(Mode(e.path().string()) == 0700u, e.path());
    if (e.path().filename() == "task_config.json") {
      ++configs;
      BOOST_TEST(Mode(e.path().string()) == 0600u, e.path());
    }
  }
  BOOST_TEST(configs >= 5);
  BOOST_TEST(Mode(home + "/keys/site_private.pem") == 0600u);
  BOOST_TEST(Mode(home + "/keys") == 0700u);
  int tables = 0;
  for (const auto& e : fs::recursive_directory_iterator(home + "/data")) {
    BOOST_TEST(Mode(e.path().string()) == (e.is_directory() ? 0700u : 0600u), e.path());
    tables += e.is_regular_file() ? 1 : 0;
  }
  BOOST_TEST(tables == 1);
  for (const char* log : {"server.log", "audit.log", "access.log"}) {
    BOOST_TEST(Mode(home + "/logs/fedflow/" + log) == 0600u, log);
  }
  BOOST_TEST(Mode(home + "/fedflow.db") == 0600u);
}

BOOST_AUTO_TEST_CASE(EveryLimitAnswersA4xxNamingItsKeyAndPersistsNothing) {
  const std::string limits =
      "limits: {max_body_bytes: 1048576, max_upload_bytes: 4194304, json_max_depth: 16, max_job_bytes: 262144, "
      "max_components: 20, max_parameter_bytes: 65536, yaml_max_nodes: 10000}\n";
  auto started = Federation::Start("hard-limits", {{"9999", 16, 0, limits}, {"10000", 16, 0, limits}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  http::HttpClient client;
  const std::uint16_t port = f.PortOf("9999");
  const pid_t pid = f.ProcessOf("9999").pid();
  const std::string conf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
      "role": {"guest": [9999], "host": [10000]}})";
  auto submit = [&](const std::string& dsl, const std::string& conf_text) {
    return PostRaw(client, port, "/v2/job/submit", R"({"dsl": )" + dsl + R"(, "runtime_conf": )" + conf_text + "}");
  };
  auto components = [](int n, const std::string& extra = "") {
    std::string dsl = R"({"components": {)";
    for (int i = 0; i < n; ++i) {
      dsl += std::string(i ? "," : "") + "\"t_" + std::to_string(i) + "\": {\"module\": \"TestModule\"" + extra + "}";
    }
    return dsl + "}}";
  };
  const double rss_before = RssMb(pid);

  struct Case {
    std::string name;
    std::function<StatusOr<http::ClientResponse>()> send;
    int status;
    std::string expected;
  };
  const std::string deep = std::string(20, '[') + std::string(20, ']');
  std::string bomb = "schema_version: 2.0.0\na: &a [x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    prev = std::string(1, c);
  }
  const std::string big_param = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
      "role": {"guest": [9999], "host": [10000]},
      "component_parameters": {"common": {"t_0": {"blob": ")" + std::string(100000, 'p') + R"("}}}})";
  std::vector<Case> cases = {
      {"body", [&] { return submit(components(1), "\"" + std::string(2u << 20, 'b') + "\""); }, 413,
       "limits.max_body_bytes"},
      {"json depth", [&] { return PostRaw(client, port, "/v2/job/submit", R"({"dsl": )" + deep + "}"); }, 400,
       "limits.json_max_depth"},
      {"components", [&] { return submit(components(21), conf); }, 400, "limits.max_components"},
      {"parameter", [&] { return submit(components(1), big_param); }, 400, "limits.max_parameter_bytes"},
      {"job size", [&] { return submit(components(1, ", \"CodePath\": \"" + std::string(300000, 'c') + "\""), conf); }, 400,
       "limits.max_job_bytes"},
      {"yaml aliases", [&] { return PostRaw(client, port, "/v2/job/submit", json::Dump(bj::object{{"dag_schema", bomb}})); },
       400, "limits.yaml_max_nodes"},
      {"upload", [&] {
         return PostRaw(client, port, "/v2/data/component/upload/file?namespace=n&name=big",
                        "id,x\n" + std::string(5u << 20, '1'), "text/csv");
       }, 413, "limits.max_upload_bytes"},
  };
  for (int round = 0; round < 5; ++round) {
    for (const auto& c : cases) {
      auto res = c.send();
      BOOST_REQUIRE_MESSAGE(res.ok(), c.name << ": " << res.status().ToString());
      BOOST_TEST(res->status == c.status, c.name << ": " << res->body.substr(0, 300));
      BOOST_TEST(Has(res->body, c.expected), c.name << ": " << res->body.substr(0, 300));
    }
  }
  // Nothing was persisted anywhere.
  BOOST_TEST(JobCount(f, "9999") == 0);
  BOOST_TEST(JobCount(f, "10000") == 0);
  BOOST_TEST(TableCount(f, "9999") == 0);
  BOOST_TEST(fs::is_empty(f.HomeOf("9999") + "/tmp/uploads"));

  // An upload within its limit is streamed to disk: 3 MB of CSV, three times the body limit.
  std::string csv = "id,x\n";
  for (int i = 0; csv.size() < (3u << 20); ++i) csv += std::to_string(i) + ",0.125\n";
  auto up = PostRaw(client, port, "/v2/data/component/upload/file?namespace=n&name=ok", csv, "text/csv");
  BOOST_REQUIRE(up.ok());
  BOOST_TEST(up->status == 200, up->body);
  BOOST_TEST(TableCount(f, "9999") == 1);

  // 35 refused requests of up to 5 MB each, and the server holds no more memory than before
  // (a generous bound: allocator slack, not the bodies).
  const double rss_after = RssMb(pid);
  BOOST_TEST(rss_after < rss_before + 48, "RSS before " << rss_before << " MB, after " << rss_after << " MB");
}

BOOST_AUTO_TEST_CASE(AFloodOfRejectionsKeepsSecurityActionsAndTheDiskBounded) {
  FederationOptions options;
  options.site_auth = true;
  options.log_yaml = "{level: info, console: false, max_file_mb: 1, max_files: 1}";
  auto started = Federation::Start("hard-flood", {{"9999"}, {"10000"}}, options);
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  auto grant = f.Call("10000", "POST", "/v2/permission/grant",
                      bj::object{{"party_id", "9999"}, {"role", "guest"}, {"component", "*"}});
  BOOST_REQUIRE(grant.ok() && grant->http_status == 200);

  // 20,000 unsigned commands: each is refused (401) and would have been one line.
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      http::HttpClient client;
      const std::string body = R"({"job_id":"20261203000000000001","status":"canceled","reason":"flood of forged requests"})";
      for (int i = 0; i < 5000; ++i) {
        auto r = Raw(client, f.PortOf("10000"), "/v2/partner/job/stop", body, {{"X-Fedflow-Src-Party", "9999"}});
        if (r.ok() && r->status == 401) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(refused == 20000);
  // One more after the window: it carries the count of what was held back.
  std::this_thread::sleep_for(std::chrono::milliseconds(10100));
  http::HttpClient client;
  auto last = Raw(client, f.PortOf("10000"), "/v2/partner/job/stop", "{}", {{"X-Fedflow-Src-Party", "9999"}});
  BOOST_REQUIRE(last.ok() && last->status == 401);

  const std::string dir = f.HomeOf("10000") + "/logs/fedflow/";
  std::string audit = ReadFile(dir + "audit.log");
  BOOST_TEST(Has(audit, "action=permission.grant"), audit);
  std::string access = ReadFile(dir + "access.log");
  BOOST_TEST(Lines(access) < 500u, Lines(access) << " access lines");
  BOOST_TEST(Has(access, "similar lines suppressed)"), access.substr(0, 2000));
  BOOST_TEST(Has(access, "outcome=rejected status=401 reason=\"unsigned request"), access.substr(0, 2000));
  BOOST_TEST(!fs::exists(dir + "audit.1.log"));
}

BOOST_AUTO_TEST_SUITE_END()
