#define BOOST_TEST_MODULE ff_api_routes_test
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <cstdio>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "service/dsl/fate_dsl.hpp"
#include "service/dsl/spec_json.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

// Every route the server lists at /v2/server/api gets a successful call and a malformed one here:
// the success must answer 200 with code 0 (retcode 0 on /v1), the malformed call a 4xx, and
// nothing the malformed calls touch may change. A route added without a row here fails the test.

namespace {

const char* kDsl = R"({"components": {
  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
  "lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["reader_0.data"]}},
           "output": {"data": ["data"], "model": ["model"]}}}})";
const char* kConf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
  "role": {"guest": [9999], "host": [10000]},
  "component_parameters": {"common": {"lr_0": {"track": true}},
    "role": {"guest": {"0": {"reader_0": {"table": {"namespace": "ns", "name": "t"}}}}}}})";

struct Answer {
  int http = 0;
  std::int64_t code = -1;
  std::string message;
  bj::value data;
};

/// One route's two calls. `good`/`bad` build the arguments (jobs are created before they run).
struct Case {
  std::string method;
  std::string path;
  std::string party = "9999";
  std::function<bj::object()> good;  ///< nullptr: success is exercised by `covered_by`
  std::function<bj::object()> bad;   ///< nullptr: the bad call sends a body that is not JSON
  std::string covered_by;
};

class Client {
 public:
  explicit Client(Federation& f) : f_(f) {}
  Answer Call(const std::string& party, const std::string& method, const std::string& path, const bj::object& args,
              const std::string& raw_body = "") {
    http::ClientRequest r;
    r.method = method;
    r.port = f_.PortOf(party);
    r.target = path;
    r.timeout_ms = 30000;
    // Interconnect calls as the scheduler (party 9999) sends them.
    if (path.rfind("/v2/partner/", 0) == 0 || path.rfind("/v2/scheduler/", 0) == 0) {
      r.headers.emplace_back("X-Fedflow-Src-Party", "9999");
    }
    if (!raw_body.empty()) {
      r.body = raw_body;
    } else if (method == "GET") {
      std::string q;
      for (const auto& kv : args) {
        std::string v = kv.value().is_string() ? std::string(kv.value().as_string()) : bj::serialize(kv.value());
        q += (q.empty() ? "?" : "&") + std::string(kv.key()) + "=" + v;
      }
      r.target += q;
    } else {
      r.body = bj::serialize(args);
    }
    Answer a;
    auto res = client_.Call(r);
    if (!res.ok()) return a;
    a.http = res->status;
    boost::system::error_code ec;
    bj::value v = bj::parse(res->body, ec);
    if (!ec && v.is_object()) {
      const bj::object& o = v.as_object();
      const bj::value* c = o.contains("code") ? o.if_contains("code") : o.if_contains("retcode");
      if (c && c->is_int64()) a.code = c->as_int64();
      const bj::value* m = o.contains("message") ? o.if_contains("message") : o.if_contains("retmsg");
      if (m && m->is_string()) a.message = std::string(m->as_string());
      if (const bj::value* d = o.if_contains("data")) a.data = *d;
    } else if (res->status == 200) {
      a.code = 0;  // a file download
    }
    return a;
  }

 private:
  Federation& f_;
  http::HttpClient client_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ApiRoutesTest)

BOOST_AUTO_TEST_CASE(EveryRouteAnswersSuccessAndRefusesMalformedInput) {
  auto started = Federation::Start("routes", {{"9999"}, {"10000"}});
  BOOST_REQUIRE(started.ok());
  Federation& f = **started;
  Client c(f);

  auto submit = [&]() {
    auto id = f.Submit("9999", kDsl, kConf);
    BOOST_REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    BOOST_REQUIRE(*f.WaitJobEnd("9999", *id, 60000) == "success");
    return *id;
  };
  const std::string job = submit();       // read-only routes
  const std::string rerun_job = submit(); // reruns
  const std::string clean_job = submit(); // job clean
  const std::string partner_job = submit(); // partner commands that add attempts
  auto wait = [&](const std::string& id) { BOOST_REQUIRE(f.WaitJobEnd("9999", id, 60000).ok()); };
  const bj::value dsl = bj::parse(kDsl);
  const bj::value conf = bj::parse(kConf);
  // A partner's job/create carries the initiator's plan, which the receiver plans again itself.
  auto planned = dsl::ParseFateDslText(kDsl, kConf, dsl::PlanContext{});
  BOOST_REQUIRE_MESSAGE(planned.ok(), planned.status().ToString());
  planned->set_job_id("20261203000000000001");
  const std::string spec = dsl::SpecToJson(*planned);
  const bj::object none;
  auto with_job = [&](const std::string& id, bj::object extra = {}) {
    extra["job_id"] = id;
    return [extra] { return extra; };
  };
  auto args = [](bj::object o) { return [o] { return o; }; };
  const std::string csv_file = f.HomeOf("9999") + "/import/routes.csv";
  WriteFile(csv_file, "id,y,x0\n1,0,0.5\n2,1,0.25\n");
  auto lr = [&](bj::object extra = {}) {
    bj::object o{{"job_id", job}, {"role", "guest"}, {"party_id", "9999"}, {"task_name", "lr_0"}};
    for (auto& kv : extra) o[kv.key()] = kv.value();
    return [o] { return o; };
  };

  const std::string model_id = "guest-9999#host-10000#model";
  auto model = [&](bj::object extra = {}) {
    bj::object o{{"model_id", model_id}, {"model_version", job}};
    for (auto& kv : extra) o[kv.key()] = kv.value();
    return [o] { return o; };
  };

  std::vector<Case> cases = {
      // --- server, site, registry ---
      {"GET", "/v2/server/version", "9999", args(none), nullptr},
      {"GET", "/v2/server/health", "9999", args(none), nullptr},
      {"GET", "/v2/server/api", "9999", args(none), nullptr},
      {"GET", "/v2/server/fateflow", "9999", args(none), nullptr},
      {"GET", "/v2/site/info/query", "9999", args(none), nullptr},
      {"POST", "/v2/server/registry", "9999", args({{"server_name", "serving"}, {"host", "127.0.0.1"}, {"port", 8000}}),
       args({{"server_name", "serving"}, {"host", "127.0.0.1"}, {"port", "eighty"}})},
      {"GET", "/v2/server/query", "9999", args({{"server_name", "serving"}}), args({{"server_name", "../etc"}})},
      {"GET", "/v2/server/query/all", "9999", args(none), nullptr},
      {"POST", "/v2/server/service/registry", "9999",
       args({{"server_name", "serving"}, {"service_name", "load"}, {"uri", "/model/load"}}),
       args({{"server_name", "serving"}, {"service_name", "load"}})},
      {"GET", "/v2/server/service/query", "9999", args({{"server_name", "serving"}, {"service_name", "load"}}),
       args({{"server_name", "serving"}})},
      {"POST", "/v2/server/service/delete", "9999", args({{"server_name", "serving"}, {"service_name", "load"}}),
       args({{"service_name", "load"}})},
      {"POST", "/v2/server/delete", "9999", args({{"server_name", "serving"}}), args({{"server_name", 5}})},
      // --- providers, resources ---
      {"POST", "/v2/provider/register", "9999",
       args({{"name", "extra"}, {"version", "1"}, {"executable", FEDFLOW_TEST_WORKER_BIN}, {"modules", bj::array{"Extra"}}}),
       args({{"name", "extra"}, {"version", "1"}, {"executable", "relative/path"}, {"modules", bj::array{"Extra"}}})},
      {"GET", "/v2/provider/query", "9999", args(none), nullptr},
      {"POST", "/v2/provider/delete", "9999", args({{"name", "extra"}, {"version", "1"}}), args({{"name", "extra"}})},
      {"GET", "/v2/resource/query", "9999", args(none), nullptr},
      {"POST", "/v2/resource/return", "9999", with_job(job), args({{"job_id", "a b"}})},
      // --- jobs ---
      {"POST", "/v2/job/plan", "9999", args({{"dsl", dsl}, {"runtime_conf", conf}}), args({{"dsl", dsl}})},
      {"POST", "/v2/job/submit", "9999", args({{"dsl", dsl}, {"runtime_conf", conf}}),
       args({{"dsl", bj::object{{"components", bj::object{}}}}, {"runtime_conf", conf}})},
      {"GET", "/v2/job/query", "9999", with_job(job), args({{"status", "sleeping"}})},
      {"POST", "/v2/job/query", "10000", with_job(job), args({{"status", bj::array{1}}})},
      {"GET", "/v2/job/list/query", "9999", args({{"limit", "5"}}), args({{"limit", "many"}})},
      {"GET", "/v2/job/task/query", "9999", with_job(job), args(none)},
      {"GET", "/v2/job/task/list/query", "10000", with_job(job), args({{"job_id", job}, {"page", "0"}})},
      {"GET", "/v2/job/status", "9999", with_job(job), args({{"job_id", "../../x"}})},
      {"GET", "/v2/job/dsl", "9999", with_job(job), args(none)},
      {"GET", "/v2/job/conf", "10000", with_job(job), args(none)},
      {"GET", "/v2/job/data/view", "9999", with_job(job), args(none)},
      {"GET", "/v2/job/dag/dependency", "9999", with_job(job), args(none)},
      {"GET", "/v2/job/task/parameters", "10000", with_job(job, {{"task_name", "lr_0"}}),
       with_job(job, {{"task_name", "nope_0"}})},
      {"GET", "/v2/site/partners", "9999", args(none), nullptr},
      {"POST", "/v2/partner/ping", "10000", args(none), args({{"party", "9999"}})},
      {"POST", "/v2/job/notes/add", "9999", with_job(job, {{"notes", "checked"}}), with_job(job)},
      {"POST", "/v2/job/stop", "9999", with_job(job), args({{"job_id", job}, {"stop_status", "success"}})},
      {"POST", "/v2/job/rerun", "9999", with_job(rerun_job, {{"component_name", "lr_0"}}),
       args({{"job_id", rerun_job}, {"component_name", "nope_0"}})},
      {"POST", "/v2/job/queue/clean", "9999", args(none), nullptr},
      {"POST", "/v2/job/clean", "9999", with_job(clean_job), args(none)},
      {"GET", "/v2/job/log/download", "9999", with_job(job), args({{"job_id", "."}})},
      {"POST", "/v2/job/log/download", "10000", with_job(job), args(none)},
      {"GET", "/v2/log/query", "9999", with_job(job, {{"log_type", "schedule"}}), with_job(job, {{"log_type", "gossip"}})},
      {"GET", "/v2/log/count", "10000", with_job(job, {{"log_type", "task"}, {"role", "host"}, {"party_id", "10000"}, {"task_name", "reader_0"}}),
       with_job(job, {{"log_type", "task"}, {"role", "host"}, {"party_id", "10000"}, {"task_name", "../../etc"}})},
      // --- permissions (grants first, deletes after: success calls run in table order) ---
      {"POST", "/v2/permission/grant", "10000",
       args({{"party_id", "9999"}, {"role", "guest"}, {"component", "HeteroLR,Reader"}, {"dataset", "ns.t"}}),
       args({{"party_id", "9999"}, {"role", "boss"}, {"component", "HeteroLR"}})},
      {"POST", "/v2/permission/resource/grant", "10000",
       args({{"party_id", "9998"}, {"component", bj::array{"HeteroLR"}},
             {"dataset", bj::array{bj::object{{"namespace", "ns"}, {"name", "t"}}}}}),
       args({{"app_id", "123"}, {"role", "client"}})},
      {"GET", "/v2/permission/query", "10000", args({{"party_id", "9999"}}), args({{"party_id", "../x"}})},
      {"GET", "/v2/permission/resource/query", "10000", args(none), args({{"party_id", "a b"}})},
      {"POST", "/v2/permission/delete", "10000", args({{"party_id", "9999"}, {"role", "guest"}, {"component", "Reader"}}),
       args({{"party_id", "9999"}, {"component", ""}})},
      {"POST", "/v2/permission/resource/delete", "10000", args({{"party_id", "9998"}, {"component", "HeteroLR"}}),
       args({{"party_id", "9998"}, {"dataset", "no-dot"}})},
      // --- model registry (the jobs above left "guest-9999#host-10000#model" version <job>) ---
      {"POST", "/v2/model/query", "9999", args({{"model_id", model_id}}), args({{"model_id", "../x"}})},
      {"POST", "/v2/model/predict/dsl", "9999", model(), args({{"model_id", "nope"}, {"model_version", job}})},
      {"POST", "/v2/model/predict/conf", "9999", model(), args({{"model_id", model_id}})},
      {"POST", "/v2/model/load", "9999", model(), args({{"model_id", model_id}, {"model_version", ".."}})},
      {"POST", "/v2/model/bind", "9999", model({{"service_id", "svc"}}), model({{"service_id", "../svc"}})},
      {"POST", "/v2/model/bindings", "9999", args(none), nullptr},
      {"POST", "/v2/model/tag", "9999", model({{"add", bj::array{"best"}}}), model({{"add", bj::array{"a b"}}})},
      {"POST", "/v2/model/export", "9999", model(), args({{"model_id", model_id}, {"model_version", "nope"}})},
      {"POST", "/v2/model/migrate", "9999",
       model({{"migrate_role", bj::object{{"guest", bj::array{"1"}}, {"host", bj::array{"2"}}}}, {"unify_model_version", "m1"}}),
       model({{"migrate_role", bj::object{{"guest", bj::array{"1"}}}}})},
      {"POST", "/v2/model/deploy", "9999", model(), model({{"cpn_list", bj::array{"nope_0"}}})},
      {"POST", "/v2/model/delete", "9999", args({{"model_id", "guest-1#host-2#model"}, {"model_version", "m1"}}),
       args({{"model_id", model_id}, {"model_version", "absent"}})},
      {"POST", "/v2/model/import", "9999", nullptr, nullptr, "ff_ml_integration_test (export, tamper, import)"},
      {"POST", "/v2/model/store", "9999", nullptr, model(), "ff_ml_integration_test (model.store_dir)"},
      {"POST", "/v2/model/restore", "9999", nullptr, model(), "ff_ml_integration_test (model.store_dir)"},
      {"POST", "/v2/partner/model/check", "10000", model(), args({{"model_id", "x"}, {"model_version", "y"}})},
      {"POST", "/v2/partner/model/deploy", "10000",
       model({{"new_version", "p1"}, {"components", bj::array{"reader_0", "lr_0"}}, {"inference_dsl_json", "{}"}}),
       model({{"new_version", ".."}})},
      {"POST", "/v2/partner/model/bind", "10000", model({{"service_id", "svc2"}}), model({{"service_id", ""}})},
      {"POST", "/v2/partner/model/migrate", "10000",
       model({{"new_model_id", "guest-9999#host-4#model"}, {"new_version", "p2"},
              {"moves", bj::array{bj::object{{"role", "host"}, {"from_party_id", "10000"}, {"to_party_id", "4"}}}}}),
       model({{"new_model_id", "guest-3#host-4#model"}, {"new_version", ""}})},
      {"POST", "/v2/partner/model/delete", "10000", args({{"model_id", model_id}, {"model_version", "p1"}}),
       args({{"model_id", model_id}, {"model_version", job}})},  // a trained version: refused
      // --- admin ---
      {"GET", "/v2/admin/drain", "9999", args(none), nullptr},
      {"POST", "/v2/admin/drain", "9999", args({{"drain", false}}), args({{"drain", "maybe"}})},
      {"GET", "/v2/admin/jobs/stuck", "9999", args(none), args({{"waiting_longer_than_s", "-1"}})},
      {"POST", "/v2/admin/job/stop", "10000", with_job(job, {{"reason", "test"}}), with_job(job)},
      {"POST", "/v2/admin/job/rerun", "9999", with_job(rerun_job, {{"reason", "test"}, {"component_name", "lr_0"}}),
       with_job(rerun_job)},
      {"POST", "/v2/admin/resource/release", "10000", with_job(job, {{"reason", "test"}}), with_job(job)},
      {"GET", "/v2/admin/server/log", "9999", args({{"log_type", "access"}, {"tail", "5"}}), args({{"log_type", "secrets"}})},
      // --- FATE 1.x ---
      {"POST", "/v1/model/query", "9999", args({{"model_id", model_id}}), args({{"model_id", "../x"}})},
      {"POST", "/v1/model/get/predict/dsl", "9999", model(), args({{"model_id", model_id}})},
      {"POST", "/v1/model/get/predict/conf", "9999", model(), args({{"model_version", job}})},
      {"POST", "/v1/model/load", "9999",
       args({{"job_parameters", bj::object{{"model_id", model_id}, {"model_version", job}}}}),
       args({{"job_parameters", bj::object{{"model_id", model_id}}}})},
      {"POST", "/v1/model/bind", "9999", model({{"service_id", "svc1"}}), model({{"service_id", "a b"}})},
      {"POST", "/v1/model/deploy", "9999", model(), model({{"cpn_list", "nope_0"}})},
      {"POST", "/v1/model/migrate", "9999",
       model({{"migrate_role", bj::object{{"guest", bj::array{"5"}}, {"host", bj::array{"6"}}}}, {"unify_model_version", "m2"}}),
       model({{"migrate_role", "guest"}})},
      {"POST", "/v1/model/store", "9999", nullptr, model(), "ff_ml_integration_test (model.store_dir)"},
      {"POST", "/v1/model/restore", "9999", nullptr, model(), "ff_ml_integration_test (model.store_dir)"},
      {"POST", "/v1/job/submit", "9999", args({{"job_dsl", dsl}, {"job_runtime_conf", conf}}), args({{"job_dsl", dsl}})},
      {"POST", "/v1/job/query", "9999", with_job(job), args({{"status", "zzz"}})},
      {"POST", "/v1/job/stop", "9999", with_job(job), args(none)},
      {"POST", "/v1/job/rerun", "9999", with_job(rerun_job, {{"component_name", "lr_0"}}), args(none)},
      {"POST", "/v1/job/list/job", "9999", args({{"limit", 3}}), args({{"limit", "x"}})},
      {"POST", "/v1/job/list/task", "9999", with_job(job), args(none)},
      // --- interconnect (as the scheduler would call them) ---
      {"POST", "/v2/partner/job/create", "10000", args({{"validate_only", true}, {"spec", bj::parse(spec)}}),
       args({{"spec", "not an object"}})},
      {"POST", "/v2/partner/job/status/update", "10000", with_job(job, {{"status", "running"}}), with_job(job, {{"status", "dancing"}})},
      {"POST", "/v2/partner/job/resource/apply", "10000", with_job(partner_job, {{"epoch", 7}}), with_job(partner_job)},
      {"POST", "/v2/partner/job/start", "10000", with_job(job), args(none)},
      {"POST", "/v2/partner/job/stop", "10000", with_job(job, {{"status", "canceled"}}), with_job(job, {{"status", "waiting"}})},
      {"POST", "/v2/partner/job/update", "10000", with_job(job, {{"progress", 100}}), with_job(job, {{"progress", 101}})},
      {"POST", "/v2/partner/task/collect", "10000", with_job(job, {{"tasks", bj::array{bj::object{{"task_name", "reader_0"}, {"attempt", 0}}}}}),
       with_job(job, {{"tasks", bj::array{1}}})},
      {"POST", "/v2/partner/task/rerun", "10000", with_job(partner_job, {{"task_name", "reader_0"}, {"attempt", 1}}),
       with_job(partner_job, {{"task_name", "reader_0"}})},
      {"POST", "/v2/partner/task/start", "10000", with_job(partner_job, {{"task_name", "reader_0"}, {"attempt", 1}}),
       with_job(partner_job, {{"attempt", 1}})},
      {"POST", "/v2/partner/task/stop", "10000", with_job(partner_job, {{"task_name", "reader_0"}, {"attempt", 1}, {"status", "canceled"}}),
       with_job(partner_job, {{"task_name", "reader_0"}, {"attempt", 1}, {"status", "lost"}})},
      {"POST", "/v2/partner/job/resource/return", "10000", with_job(partner_job, {{"epoch", 7}}), with_job(partner_job, {{"epoch", -1}})},
      {"POST", "/v2/partner/task/status/update", "10000", with_job(job, {{"task_name", "reader_0"}, {"attempt", 0}, {"status", "success"}}),
       with_job(job, {{"task_name", "reader_0"}, {"attempt", 0}})},
      {"POST", "/v2/scheduler/task/report", "9999", with_job(job), args(none)},
      {"POST", "/v2/scheduler/job/stop", "9999", with_job(job), args({{"job_id", job}, {"stop_status", "pass"}})},
      {"POST", "/v2/scheduler/job/rerun", "9999", with_job(rerun_job, {{"component_name", "lr_0"}}), args(none)},
      // --- tables (upload first, delete last) ---
      {"POST", "/v2/data/component/upload", "9999", args({{"file", csv_file}, {"namespace", "ns"}, {"name", "up"}}),
       args({{"file", csv_file}, {"namespace", "ns"}, {"name", "../up"}})},
      {"POST", "/v2/data/component/upload/file", "9999", nullptr, args({{"name", "x"}}),
       "ff_data_integration_test (fedflow data upload sends the CSV)"},
      {"POST", "/v1/data/upload", "9999", args({{"file", csv_file}, {"namespace", "ns"}, {"table_name", "up1"}}),
       args({{"file", "/etc/passwd"}, {"namespace", "ns"}, {"table_name", "up1"}})},
      {"GET", "/v2/data/download", "9999", args({{"namespace", "ns"}, {"name", "up"}}), args({{"namespace", "ns"}})},
      {"POST", "/v2/table/bind/path", "9999", args({{"namespace", "ns"}, {"name", "bound"}, {"path", csv_file}}),
       args({{"namespace", "ns"}, {"name", "bound"}, {"path", "/etc/passwd"}})},
      {"POST", "/v1/table/bind", "9999",
       args({{"engine", "PATH"}, {"namespace", "ns"}, {"name", "bound1"}, {"address", bj::object{{"path", csv_file}}}}),
       args({{"engine", "HDFS"}, {"namespace", "ns"}, {"name", "bound1"}, {"address", bj::object{{"path", csv_file}}}})},
      {"POST", "/v2/table/bind/mysql", "9999", nullptr, args({{"namespace", "ns"}, {"name", "m"}}),
       "ff_data_integration_test (needs the MariaDB fixture)"},
      {"GET", "/v2/table/query", "9999", args({{"namespace", "ns"}, {"name", "up"}, {"display", "true"}}),
       args({{"namespace", "ns"}, {"name", "up"}, {"limit", "0"}})},
      {"POST", "/v1/table/table_info", "9999", args({{"namespace", "ns"}, {"table_name", "up"}}), args({{"namespace", 5}})},
      {"GET", "/v2/table/list", "9999", args(none), args({{"namespace", "a/b"}})},
      {"POST", "/v2/table/delete", "9999", args({{"namespace", "ns"}, {"name", "bound"}}), args({{"namespace", "ns"}})},
      {"POST", "/v1/table/delete", "9999", args({{"namespace", "ns"}, {"table_name", "bound1"}}), args({{"table_name", "x"}})},
      // --- outputs of the tracked task lr_0 (metric delete last) ---
      {"GET", "/v2/output/metric/key/query", "9999", lr(), with_job(job, {{"role", "guest"}, {"party_id", "9999"}})},
      {"GET", "/v2/output/metric/query", "9999", lr({{"namespace", "train"}}), lr({{"task_version", "first"}})},
      {"GET", "/v2/output/metric/meta/query", "9999", lr(), with_job(job, {{"task_name", "lr_0"}})},
      {"GET", "/v2/output/data/table", "9999", lr(), lr({{"output_key", "nope"}})},
      {"GET", "/v2/output/data/display", "9999", lr({{"limit", "1"}}), lr({{"limit", "0"}})},
      {"GET", "/v2/output/data/download", "9999", lr({{"format", "csv"}, {"output_key", "data"}}), lr({{"format", "zip"}})},
      {"GET", "/v2/output/model/query", "9999", lr(), lr({{"output_key", "nope"}})},
      {"GET", "/v2/output/model/download", "9999", lr(), lr({{"role", "boss"}})},
      {"POST", "/v2/output/metric/delete", "9999", lr(), with_job(job, {{"role", "guest"}})},
      // --- worker routes: success needs a live attempt's token, which no API discloses; every job
      // run exercises them (the test provider reports through both), e.g. ff_scheduler_integration_test.
      {"POST", "/v2/worker/task/status", "9999", nullptr, args({{"status", "success"}}), "every job run"},
      {"POST", "/v2/worker/task/heartbeat", "9999", nullptr, args(none), "every job run"},
      {"POST", "/v2/worker/metric/data/save", "9999", nullptr, args(none), "ff_data_integration_test (track: true)"},
      {"POST", "/v2/worker/metric/meta/save", "9999", nullptr, args(none), "ff_data_integration_test (track: true)"},
      {"POST", "/v2/worker/metric/save", "9999", nullptr, args(none), "ff_data_integration_test (track: true)"},
      {"POST", "/v2/worker/data/tracking/save", "9999", nullptr, args(none), "ff_data_integration_test (track: true)"},
      {"POST", "/v2/worker/model/save", "9999", nullptr, args(none), "ff_data_integration_test (track: true)"},
      {"GET", "/v2/worker/data/table/query", "9999", nullptr, args(none), "ff_data_integration_test (built-in Reader)"},
      {"GET", "/v2/worker/data/table/download", "9999", nullptr, args(none), "ff_data_integration_test (MySQL Reader)"},
      {"POST", "/v2/worker/task/progress", "9999", nullptr, args(none), "ff_ml_integration_test (fedflow-ml reports it)"},
      {"POST", "/v2/worker/federation/send", "9999", nullptr, args(none), "ff_federation_integration_test"},
      {"GET", "/v2/worker/federation/receive", "9999", nullptr, args(none), "ff_federation_integration_test"},
      {"POST", "/v2/worker/federation/release", "9999", nullptr, args(none), "ff_federation_integration_test"},
      // A push needs a running task of a job with the pusher in it: signed pushes, accepted and
      // refused, are in ff_federation_integration_test.
      {"POST", "/v2/partner/federation/push", "10000", nullptr, args(none), "ff_federation_integration_test"},
  };

  // Every listed route has a row.
  Answer listing = c.Call("9999", "GET", "/v2/server/api", none);
  BOOST_REQUIRE(listing.http == 200);
  std::set<std::string> covered;
  for (const auto& k : cases) covered.insert(k.method + " " + k.path);
  for (const auto& r : listing.data.as_array()) {
    std::string key = std::string(r.at("method").as_string()) + " " + std::string(r.at("path").as_string());
    BOOST_TEST(covered.count(key) == 1u, "route without a test row: " << key);
  }

  // Malformed calls first, while the state they could damage is snapshotted.
  // The durable facts of each party (statuses, notes, holdings, registrations), not timestamps
  // that background work (a worker's exit code arriving) may still touch.
  auto project = [](const bj::value& v, std::initializer_list<const char*> keys) {
    std::string out;
    auto one = [&](const bj::value& row) {
      for (const char* k : keys) {
        const bj::value* x = row.is_object() ? row.as_object().if_contains(k) : nullptr;
        out += (x ? bj::serialize(*x) : "-") + "|";
      }
      out += "\n";
    };
    const bj::value* rows = &v;
    if (v.is_object() && v.as_object().contains("data")) rows = &v.as_object().at("data");
    if (v.is_object() && v.as_object().contains("allocations")) rows = &v.as_object().at("allocations");
    if (rows->is_array()) {
      for (const auto& r : rows->as_array()) one(r);
    } else {
      one(*rows);
    }
    return out;
  };
  auto snapshot = [&]() {
    std::map<std::string, std::string> s;
    for (const std::string party : {"9999", "10000"}) {
      s[party + " jobs"] = project(c.Call(party, "GET", "/v2/job/list/query", {{"limit", "1000"}}).data,
                                   {"job_id", "role", "status", "description"});
      s[party + " tasks"] = project(c.Call(party, "GET", "/v2/job/task/query", {{"job_id", job}, {"all", "true"}}).data,
                                    {"task_name", "task_version", "role", "party_status", "status"});
      s[party + " resources"] = project(c.Call(party, "GET", "/v2/resource/query", none).data, {"job_id", "status", "cores"});
      s[party + " providers"] = project(c.Call(party, "GET", "/v2/provider/query", none).data, {"provider_name"});
      s[party + " servers"] = project(c.Call(party, "GET", "/v2/server/query/all", none).data, {"server_name"});
      s[party + " drain"] = project(c.Call(party, "GET", "/v2/admin/drain", none).data, {"draining"});
      s[party + " tables"] = project(c.Call(party, "GET", "/v2/table/list", none).data, {"namespace", "name", "count"});
      s[party + " metrics"] = project(
          c.Call(party, "GET", "/v2/output/metric/key/query", {{"job_id", job}, {"role", "guest"}, {"party_id", "9999"}, {"task_name", "lr_0"}}).data,
          {"namespace", "name"});
      s[party + " models"] = project(c.Call(party, "POST", "/v2/model/query", none).data,
                                     {"model_id", "model_version", "role", "tags", "components"});
      s[party + " bindings"] = project(c.Call(party, "POST", "/v2/model/bindings", none).data, {"service_id"});
      s[party + " grants"] = project(c.Call(party, "GET", "/v2/permission/query", none).data.at("grants"),
                                     {"party_id", "role", "type", "value"});
    }
    return s;
  };
  auto before = snapshot();
  for (const auto& k : cases) {
    Answer a = k.bad ? c.Call(k.party, k.method, k.path, k.bad()) : c.Call(k.party, k.method, k.path, none, "{not json");
    BOOST_TEST((a.http >= 400 && a.http < 500), k.method << " " << k.path << " malformed: HTTP " << a.http << " " << a.message);
    BOOST_TEST(!a.message.empty(), k.method << " " << k.path << " malformed: no message");
    // And a body that is not JSON, for every route.
    Answer raw = c.Call(k.party, k.method, k.path, none, "[1, 2");
    BOOST_TEST(raw.http == 400, k.method << " " << k.path << " broken body: HTTP " << raw.http);
    // The upload route's body is the CSV itself (streamed to disk), not JSON.
    const bool csv_body = k.path == "/v2/data/component/upload/file";
    BOOST_TEST((csv_body || raw.message.find("not valid JSON") != std::string::npos), raw.message);
  }
  auto after = snapshot();
  for (const auto& [what, value] : before) BOOST_TEST(after[what] == value, "changed by a malformed call: " << what);

  // Then every successful call, in table order.
  for (const auto& k : cases) {
    if (!k.good) continue;
    Answer a = c.Call(k.party, k.method, k.path, k.good());
    BOOST_TEST((a.http == 200 && a.code == 0), k.method << " " << k.path << ": HTTP " << a.http << " code " << a.code << " " << a.message);
    if (k.path.find("rerun") != std::string::npos) wait(rerun_job);
  }

  // Keyset paging: following next_cursor one row at a time visits every job once, in the order
  // of one long page; a cursor with a page, or a made-up one, is refused.
  for (const std::string order : {"desc", "asc"}) {
    Answer whole = c.Call("9999", "GET", "/v2/job/list/query", {{"limit", "1000"}, {"order", order}});
    BOOST_REQUIRE(whole.http == 200);
    std::vector<std::string> expected, walked;
    for (const auto& r : whole.data.at("data").as_array()) expected.push_back(std::string(r.at("job_id").as_string()));
    BOOST_TEST(expected.size() >= 3u);
    bj::object page{{"limit", "1"}, {"order", order}};
    for (std::size_t guard = 0; guard <= expected.size(); ++guard) {
      Answer a = c.Call("9999", "GET", "/v2/job/list/query", page);
      BOOST_REQUIRE(a.http == 200);
      BOOST_TEST(a.data.at("count").as_int64() == static_cast<std::int64_t>(expected.size()));
      for (const auto& r : a.data.at("data").as_array()) walked.push_back(std::string(r.at("job_id").as_string()));
      const bj::value* next = a.data.as_object().if_contains("next_cursor");
      if (!next) break;
      page["cursor"] = *next;
    }
    BOOST_TEST(walked == expected, "cursor walk, order " << order);
  }
  // Text search in job ids (and descriptions), LIKE's wildcards taken literally; parties by role.
  {
    const std::string job = std::string(c.Call("9999", "GET", "/v2/job/list/query", {{"limit", "1"}})
                                            .data.at("data").as_array()[0].at("job_id").as_string());
    Answer found = c.Call("9999", "GET", "/v2/job/list/query", {{"text", job.substr(job.size() - 8)}, {"parties", "true"}});
    BOOST_REQUIRE(found.http == 200);
    BOOST_REQUIRE(found.data.at("data").as_array().size() == 1u);
    const bj::object& row = found.data.at("data").as_array()[0].as_object();
    BOOST_TEST(std::string(row.at("job_id").as_string()) == job);
    BOOST_TEST(bj::serialize(row.at("parties")) == R"({"guest":["9999"],"host":["10000"]})");
    // (This client sends query values as given: "%25" is '%'.)
    for (const char* wildcard : {"%25", "_", "2%251", "!"}) {
      Answer none = c.Call("9999", "GET", "/v2/job/list/query", {{"text", wildcard}});
      BOOST_REQUIRE(none.http == 200);
      BOOST_TEST(none.data.at("count").as_int64() == 0, wildcard);
    }
    Answer described = c.Call("9999", "POST", "/v2/job/notes/add", {{"job_id", job}, {"notes", "Board Search Target"}});
    BOOST_REQUIRE(described.http == 200);
    Answer by_notes = c.Call("9999", "GET", "/v2/job/list/query", {{"text", "search%20target"}});
    BOOST_REQUIRE(by_notes.http == 200);
    BOOST_TEST(by_notes.data.at("count").as_int64() == 1);
    Answer long_text = c.Call("9999", "GET", "/v2/job/list/query", {{"text", std::string(65, 'a')}});
    BOOST_TEST(long_text.http == 400);
    BOOST_TEST(long_text.message.find("'text' is longer than 64") != std::string::npos, long_text.message);
    // A log search keeps the file's line numbers.
    Answer all = c.Call("9999", "GET", "/v2/log/query", {{"job_id", job}, {"log_type", "schedule"}});
    BOOST_REQUIRE(all.http == 200);
    const bj::array& lines = all.data.at("lines").as_array();
    BOOST_REQUIRE(lines.size() >= 2u);
    const std::string second(lines[1].at("content").as_string());
    std::string encoded;
    for (unsigned char ch : second.substr(0, 120)) {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", ch);
      encoded += std::isalnum(ch) ? std::string(1, static_cast<char>(ch)) : std::string(hex);
    }
    Answer hit = c.Call("9999", "GET", "/v2/log/query", {{"job_id", job}, {"log_type", "schedule"}, {"contains", encoded}});
    BOOST_REQUIRE(hit.http == 200);
    BOOST_REQUIRE(!hit.data.at("lines").as_array().empty());
    BOOST_TEST(hit.data.at("lines").as_array()[0].at("line_num").as_int64() == lines[1].at("line_num").as_int64());
    Answer mixed = c.Call("9999", "GET", "/v2/log/query", {{"job_id", job}, {"log_type", "schedule_error"}, {"contains", "x"}});
    BOOST_TEST(mixed.http == 400);
  }
  Answer both = c.Call("9999", "GET", "/v2/job/list/query", {{"cursor", "1.1"}, {"page", "2"}});
  BOOST_TEST(both.http == 400);
  BOOST_TEST(both.message.find("either 'page' or 'cursor'") != std::string::npos, both.message);
  for (const char* bad : {"1", ".5", "5.", "a.1", "1.0", "1.2.3", "123456789012345678901.1"}) {
    Answer a = c.Call("9999", "GET", "/v2/job/list/query", {{"cursor", bad}});
    BOOST_TEST(a.http == 400, bad);
    BOOST_TEST(a.message.find("'cursor' must be") != std::string::npos, a.message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
