// Site and client authentication, partner permissions, TLS and worker tokens, with three real
// servers on loopback.

#define BOOST_TEST_MODULE ff_security_integration_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "base/clock.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/signing_key.hpp"
#include "service/security/site_auth.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signed_calls.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

namespace {

std::string JobStatusAt(Federation& f, const std::string& party, const std::string& job_id) {
  auto rows = f.LocalJobs(party, job_id);
  return rows.empty() ? "" : std::string(rows.front().at("status").as_string());
}

std::string Audit(Federation& f, const std::string& party) {
  return ReadFile(f.HomeOf(party) + "/logs/fedflow/audit.log");
}

/// The per-request interconnect lines.
std::string Access(Federation& f, const std::string& party) {
  return ReadFile(f.HomeOf(party) + "/logs/fedflow/access.log");
}

/// The five-component job, with reader tables at guest and host.
std::string ConfWithTables(const std::string& host_component = "") {
  return ThreePartyConf(
      "", R"("guest": {"0": {"reader_0": {"table": {"namespace": "experiment", "name": "breast_hetero_guest"}}}},
             "host": {"0": {"reader_0": {"table": {"namespace": "experiment", "name": "breast_hetero_host"}})" +
              host_component + "}}");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SecurityIntegrationTest)

BOOST_AUTO_TEST_CASE(ForgedUnsignedReplayedStaleOrTamperedRequestsAreRefusedAndChangeNothing) {
  FederationOptions options;
  options.site_auth = true;
  auto started = Federation::Start("sec-site", {{"9999"}, {"10000"}, {"10001"}}, options);
  BOOST_REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  Federation& f = **started;

  // A signed federation runs jobs: one that keeps running while we attack it.
  auto job = f.Submit("9999", kFiveComponentDsl, ThreePartyConf("", R"("host": {"0": {"hetero_lr_0": {"action": "hang"}}})"));
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  BOOST_REQUIRE(f.WaitJobStatus("9999", *job, {"running"}, 30000).ok());
  BOOST_REQUIRE(JobStatusAt(f, "10000", *job) == "running");

  http::HttpClient client;
  const std::uint16_t host = f.PortOf("10000");
  const std::string stop_path = "/v2/partner/job/stop";
  const std::string stop_body = R"({"job_id":")" + *job + R"(","status":"canceled","reason":"attack"})";
  const SystemClock& now = SystemClock::Instance();
  security::SigningKey guest_key = KeyOf(f, "9999");
  security::SigningKey arbiter_key = KeyOf(f, "10001");
  auto forged_key = security::SigningKey::Generate();
  BOOST_REQUIRE(forged_key.ok());

  struct Attack {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string reason;
    int status = 401;
  };
  std::vector<Attack> attacks;
  attacks.push_back({"unsigned", {{"X-Fedflow-Src-Party", "9999"}}, stop_body, "unsigned request"});
  attacks.push_back({"forged", SignAs("9999", *forged_key, now, stop_path, stop_body), stop_body, "bad signature"});
  attacks.push_back({"unknown party", SignAs("7777", *forged_key, now, stop_path, stop_body), stop_body, "unknown party"});
  FakeClock two_minutes_ago(now.NowMs() - 120000);
  attacks.push_back({"stale", SignAs("9999", guest_key, two_minutes_ago, stop_path, stop_body), stop_body,
                     "away from this server's clock"});
  attacks.push_back({"tampered", SignAs("9999", guest_key, now, stop_path, R"({"job_id":"0"})"), stop_body,
                     "body altered in transit"});
  // Authenticated, but not the job's scheduler: may not command it.
  attacks.push_back({"not the scheduler", SignAs("10001", arbiter_key, now, stop_path, stop_body), stop_body,
                     "only its scheduler, party 9999", 403});
  for (const auto& a : attacks) {
    auto res = Raw(client, host, stop_path, a.body, a.headers);
    BOOST_REQUIRE(res.ok());
    BOOST_TEST(res->status == a.status, a.name << ": " << res->body);
    BOOST_TEST(Has(res->body, a.reason), a.name << ": " << res->body);
  }

  // A replay: the first copy of a signed (read-only) request passes, the second does not.
  const std::string collect = "/v2/partner/task/collect";
  const std::string collect_body = R"({"job_id":")" + *job + R"(","tasks":[]})";
  auto headers = SignAs("9999", guest_key, now, collect, collect_body);
  auto first = Raw(client, host, collect, collect_body, headers);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->status == 200, first->body);
  auto replay = Raw(client, host, collect, collect_body, headers);
  BOOST_REQUIRE(replay.ok());
  BOOST_TEST(replay->status == 401);
  BOOST_TEST(Has(replay->body, "replayed request"), replay->body);

  // Nothing changed: the job still runs at the host, and every refusal is in its access log with
  // its real outcome (the signed command the job's own check refused included).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_TEST(JobStatusAt(f, "10000", *job) == "running");
  BOOST_TEST(*f.WaitJobStatus("9999", *job, {"running"}, 1000) == "running");
  std::string access = Access(f, "10000");
  BOOST_TEST(Has(access, "interconnect=/v2/partner/job/stop from_party=7777"), access);
  BOOST_TEST(Has(access, "outcome=rejected status=401 reason=\"body altered in transit"), access);
  BOOST_TEST(Has(access, "outcome=rejected status=401 reason=\"replayed request"), access);
  BOOST_TEST(Has(access, "interconnect=/v2/partner/job/stop from_party=10001 remote="), access);
  BOOST_TEST(Has(access, "outcome=rejected status=403 reason=\"party 10001 may not command job " + *job), access);
  BOOST_TEST(!LineHasBoth(access, "job/stop from_party=10001", "outcome=accepted"), access);
  BOOST_TEST(Has(access, "interconnect=/v2/partner/job/create from_party=9999"), access);
  BOOST_TEST(Has(access, "job_id=" + *job + " verified=signature outcome=accepted status=200"), access);
  // Per-request lines stay out of the audit log of security actions.
  BOOST_TEST(!Has(Audit(f, "10000"), "interconnect="), Audit(f, "10000"));

  // The legitimate path still works: stop through the scheduler ends it everywhere.
  auto stop = f.Call("9999", "POST", "/v2/job/stop", bj::object{{"job_id", *job}});
  BOOST_REQUIRE(stop.ok());
  BOOST_TEST(stop->http_status == 200, stop->message());
  auto end = f.WaitJobEnd("9999", *job, 30000);
  BOOST_REQUIRE(end.ok());
  BOOST_TEST(*end == "canceled");
  CheckEveryPartyEnded(f, *job, "canceled");
}

BOOST_AUTO_TEST_CASE(WorkerRoutesAcceptOnlyTheTokenOfALiveAttempt) {
  auto started = Federation::Start("sec-worker", {{"9999"}, {"10000"}, {"10001"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  auto job = f.Submit("9999", kFiveComponentDsl, ThreePartyConf());
  BOOST_REQUIRE(job.ok());
  BOOST_REQUIRE(*f.WaitJobEnd("9999", *job, 60000) == "success");
  http::HttpClient client;
  auto report = [&](const std::string& token, const std::string& path) {
    auto res = Raw(client, f.PortOf("10000"), path, R"({"status":"failed","error":"forged"})",
                   {{"X-Fedflow-Task-Token", token}});
    BOOST_REQUIRE(res.ok());
    return *res;
  };
  auto bogus = report("0123456789abcdef0123456789abcdef", "/v2/worker/task/status");
  BOOST_TEST(bogus.status == 401);
  BOOST_TEST(Has(bogus.body, "unknown worker token"));
  BOOST_TEST(report("", "/v2/worker/task/heartbeat").status == 401);
  // A real token, but its attempt ended: refused, and the attempt keeps its status.
  std::string token;
  for (const auto& e : std::filesystem::recursive_directory_iterator(f.HomeOf("10000") + "/jobs/" + *job)) {
    if (e.path().filename() == "task_config.json") {
      token = std::string(bj::parse(ReadFile(e.path().string())).at("token").as_string());
      break;
    }
  }
  BOOST_REQUIRE(!token.empty());
  auto ended = report(token, "/v2/worker/task/status");
  BOOST_TEST(ended.status == 403, ended.body);
  BOOST_TEST(Has(ended.body, "not running"));
  for (const auto& t : f.LocalTasks("10000", *job)) BOOST_TEST(std::string(t.at("party_status").as_string()) == "success");
}

BOOST_AUTO_TEST_CASE(FileRoutesNeverLeaveTheirRoot) {
  auto started = Federation::Start("sec-files", {{"9999"}, {"10000"}, {"10001"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  auto job = f.Submit("9999", kFiveComponentDsl, ThreePartyConf());
  BOOST_REQUIRE(job.ok());
  BOOST_REQUIRE(*f.WaitJobEnd("9999", *job, 60000) == "success");
  WriteFile(f.HomeOf("9999") + "/secret.txt", "TOP SECRET\n");
  const std::vector<bj::object> attempts{
      {{"job_id", "../.."}, {"log_type", "schedule"}},
      {{"job_id", *job}, {"log_type", "task"}, {"role", "../.."}, {"party_id", "9999"}, {"task_name", "reader_0"}},
      {{"job_id", *job}, {"log_type", "task"}, {"role", "guest"}, {"party_id", "../../.."}, {"task_name", "x"}},
      {{"job_id", *job}, {"log_type", "task"}, {"role", "guest"}, {"party_id", "9999"}, {"task_name", "../../../../secret.txt"}},
      {{"job_id", *job}, {"log_type", "../../secret.txt"}},
      {{"job_id", *job}, {"log_type", "task"}, {"role", "guest"}, {"party_id", "9999"}, {"task_name", ".."}},
  };
  for (const auto& args : attempts) {
    for (const char* path : {"/v2/log/query", "/v2/log/count"}) {
      auto r = f.Call("9999", "GET", path, args);
      BOOST_REQUIRE(r.ok());
      BOOST_TEST((r->http_status == 400 || r->http_status == 403), path << " " << bj::serialize(args) << " -> " << r->http_status);
      BOOST_TEST(!Has(bj::serialize(r->body), "TOP SECRET"));
    }
  }
  auto download = f.Call("9999", "POST", "/v2/job/log/download", bj::object{{"job_id", "../.."}});
  BOOST_REQUIRE(download.ok());
  BOOST_TEST((download->http_status == 400 || download->http_status == 403));
}

BOOST_AUTO_TEST_CASE(WithEverythingOnPermittedPartiesRunJobsAndOthersAreToldWhy) {
  FederationOptions options;
  options.site_auth = true;
  options.permission = true;
  options.tls = true;
  options.client_app_id = "ops";
  options.client_app_secret = "s3cret-0123456789abcdef";
  auto started = Federation::Start("sec-all", {{"9999"}, {"10000"}, {"10001"}}, options);
  BOOST_REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  Federation& f = **started;

  // No grants yet: the submit is refused, naming the refusing party and what is missing, and
  // nothing is created anywhere.
  auto refused = f.Submit("9999", kFiveComponentDsl, ConfWithTables());
  BOOST_REQUIRE(!refused.ok());
  std::string why = refused.status().message();
  BOOST_TEST(Has(why, "HTTP 403"), why);
  BOOST_TEST(Has(why, "has not granted party 9999 (guest)"), why);
  BOOST_TEST((Has(why, "party 10000") || Has(why, "party 10001")), why);
  BOOST_TEST(Has(why, "fedflow permission grant --party-id 9999"), why);
  for (const auto& party : f.parties()) {
    auto list = f.Call(party, "GET", "/v2/job/list/query");
    BOOST_REQUIRE(list.ok());
    BOOST_TEST(list->http_status == 200, list->message());
    BOOST_TEST(list->data().at("count").as_int64() == 0, party << ": " << bj::serialize(list->data()));
  }

  // Grant the components only, through the CLI (over https, signed as the client app):
  // the host still refuses, naming its table.
  ::setenv("FEDFLOW_APP_ID", "ops", 1);
  ::setenv("FEDFLOW_APP_SECRET", "s3cret-0123456789abcdef", 1);
  ::setenv("FEDFLOW_CA_FILE", (f.tls_dir() + "/ca.pem").c_str(), 1);
  auto cli = [&](const std::string& party, std::vector<std::string> args, std::string* out) {
    std::vector<std::string> argv{FEDFLOW_CLI_BIN, "--server", "https://127.0.0.1:" + std::to_string(f.PortOf(party))};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, out, 120000);
  };
  std::string out;
  for (const std::string party : {"10000", "10001"}) {
    BOOST_TEST(cli(party, {"permission", "grant", "-p", "9999", "-r", "guest", "-c", "*"}, &out) == 0, out);
  }
  refused = f.Submit("9999", kFiveComponentDsl, ConfWithTables());
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(Has(refused.status().message(), "party 10000 has not granted party 9999 (guest) table(s) "
                                             "experiment.breast_hetero_host"),
             refused.status().message());
  BOOST_TEST(cli("10000", {"permission", "grant", "-p", "9999", "-d", "experiment.breast_hetero_host"}, &out) == 0, out);
  BOOST_TEST(cli("10000", {"permission", "query"}, &out) == 0, out);
  BOOST_TEST(Has(out, "experiment.breast_hetero_host"), out);

  // Now the job runs over TLS, signed, with permissions enforced, driven by the CLI.
  std::string dir = FreshDir("sec-all-files");
  WriteFile(dir + "/dsl.json", kFiveComponentDsl);
  WriteFile(dir + "/conf.json", ConfWithTables());
  int rc = cli("9999", {"job", "submit", "-c", dir + "/conf.json", "-d", dir + "/dsl.json", "--wait"}, &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(Has(out, "success"), out);
  std::string job_id = out.substr(out.find("job ") + 4, 21);
  CheckEveryPartyEnded(f, job_id, "success");
  BOOST_TEST(Has(Audit(f, "10000"), "action=permission.grant by=app:ops"));

  // Clients without the app's signature are refused; the health probe stays open.
  http::HttpClientOptions tls_client;
  tls_client.tls_ca_file = f.tls_dir() + "/ca.pem";
  http::HttpClient client(tls_client);
  http::ClientRequest r;
  r.tls = true;
  r.port = f.PortOf("9999");
  r.target = "/v2/job/list/query";
  auto unsigned_call = client.Call(r);
  BOOST_REQUIRE(unsigned_call.ok());
  BOOST_TEST(unsigned_call->status == 401);
  for (auto& h : security::ClientAuthHeaders("ops", "wrong-secret-0123456789", r.target, "", SystemClock::Instance().NowMs())) {
    r.headers.push_back(h);
  }
  auto wrong = client.Call(r);
  BOOST_REQUIRE(wrong.ok());
  BOOST_TEST(wrong->status == 401);
  BOOST_TEST(Has(wrong->body, "\"code\":5003"), wrong->body);
  r.headers.clear();
  r.target = "/v2/server/health";
  BOOST_TEST(client.Call(r)->status == 200);

  // TLS is real: plain HTTP to the listener gets no answer, and a client trusting another CA
  // refuses the server's certificate.
  http::HttpClient plain;
  http::ClientRequest p;
  p.port = f.PortOf("9999");
  p.target = "/v2/server/health";
  p.timeout_ms = 2000;
  auto plain_call = plain.Call(p);
  BOOST_TEST((!plain_call.ok() || plain_call->status != 200));
  std::string other_ca = FreshDir("sec-other-ca");
  BOOST_REQUIRE(RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", other_ca + "/k.pem", "-out", other_ca + "/ca.pem", "-days", "1", "-subj",
                            "/CN=other"},
                           &out) == 0);
  http::HttpClientOptions distrust;
  distrust.tls_ca_file = other_ca + "/ca.pem";
  http::HttpClient suspicious(distrust);
  http::ClientRequest s = r;
  auto refused_tls = suspicious.Call(s);
  BOOST_TEST(!refused_tls.ok());
  ::unsetenv("FEDFLOW_APP_ID");
  ::unsetenv("FEDFLOW_APP_SECRET");
  ::unsetenv("FEDFLOW_CA_FILE");
}

BOOST_AUTO_TEST_SUITE_END()
