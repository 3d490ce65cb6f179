// The planner shared by submit and partner creation: size limits, names used in paths, YAML
// alias bombs, and a partner's plan checked against the plan made here.

#include <boost/test/unit_test.hpp>

#include <string>

#include <boost/json.hpp>

#include "service/dsl/fate_dag.hpp"
#include "service/dsl/fate_dsl.hpp"
#include "service/dsl/job_planner.hpp"
#include "service/json/json.hpp"

using namespace fedflow;
namespace bj = boost::json;

namespace {

bool Mentions(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* kConf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
  "role": {"guest": [9999], "host": [10000]}})";

std::string DslWith(int components, const std::string& common_params = "") {
  std::string dsl = R"({"components": {)";
  for (int i = 0; i < components; ++i) {
    dsl += std::string(i ? "," : "") + "\"reader_" + std::to_string(i) + "\": {\"module\": \"Reader\", \"output\": {\"data\": [\"data\"]}}";
  }
  return dsl + "}}";
}

std::string ConfWithParameter(std::size_t bytes) {
  return R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [10000]},
    "component_parameters": {"common": {"reader_0": {"blob": ")" + std::string(bytes, 'x') + R"("}}}})";
}

std::string PlanError(const std::string& dsl, const std::string& conf, const dsl::PlanContext& ctx = {}) {
  auto body = json::ParseObject(R"({"dsl": )" + dsl + R"(, "runtime_conf": )" + conf + "}", "body");
  if (!body.ok()) return body.status().message();
  auto spec = dsl::PlanSubmission(*body, "9999", ctx);
  return spec.ok() ? "" : spec.status().message();
}

JobSpec Planned(const std::string& dsl, const std::string& conf) {
  auto spec = dsl::ParseFateDslText(dsl, conf, dsl::PlanContext{});
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  spec->set_job_id("20261203120000000001");
  return *spec;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(JobPlannerTest)

BOOST_AUTO_TEST_CASE(ComponentCountIsLimited) {
  dsl::PlanContext ctx;
  ctx.limits.max_components = 5;
  BOOST_TEST(PlanError(DslWith(5), kConf, ctx) == "");
  std::string e = PlanError(DslWith(6), kConf, ctx);
  BOOST_TEST(Mentions(e, "6 components, more than the limit of 5 (limits.max_components)"), e);
  // The default refuses a 10,000-component job.
  e = PlanError(DslWith(10000), kConf);
  BOOST_TEST(Mentions(e, "limits.max_components"), e.substr(0, 200));
}

BOOST_AUTO_TEST_CASE(ParameterAndPlanSizesAreLimited) {
  dsl::PlanContext ctx;
  ctx.limits.max_parameter_bytes = 1000;
  ctx.limits.max_plan_bytes = 1u << 20;
  ctx.limits.max_job_bytes = 1u << 20;
  BOOST_TEST(PlanError(DslWith(1), ConfWithParameter(900), ctx) == "");
  std::string e = PlanError(DslWith(1), ConfWithParameter(2000), ctx);
  BOOST_TEST(Mentions(e, "parameters of component 'reader_0' at guest:9999 are"), e);
  BOOST_TEST(Mentions(e, "limits.max_parameter_bytes"), e);
  // A common parameter is copied to every party: the plan as a whole has a limit too.
  ctx.limits.max_parameter_bytes = 1u << 20;
  ctx.limits.max_plan_bytes = 3000;
  e = PlanError(DslWith(1), ConfWithParameter(2000), ctx);
  BOOST_TEST(Mentions(e, "limits.max_plan_bytes"), e);
  // And the submitted text itself.
  ctx.limits.max_plan_bytes = 1u << 20;
  ctx.limits.max_job_bytes = 1500;
  e = PlanError(DslWith(1), ConfWithParameter(2000), ctx);
  BOOST_TEST(Mentions(e, "more than the limit of 1500 (limits.max_job_bytes)"), e);
}

BOOST_AUTO_TEST_CASE(NamesUsedInPathsFollowTheStrictPattern) {
  const std::string conf = kConf;
  for (const char* output : {"../../x", ".hidden", "a/b", "a..b"}) {
    std::string dsl = R"({"components": {"reader_0": {"module": "Reader", "output": {"data": [")" + std::string(output) + R"("]}}}})";
    std::string e = PlanError(dsl, conf);
    BOOST_TEST(Mentions(e, "must be 1-100 letters, digits"), output << ": " << e);
  }
  // An input naming a path instead of an output.
  std::string dsl = R"({"components": {"reader_0": {"module": "Reader", "output": {"data": ["data"]}},
    "t_0": {"module": "TestModule", "input": {"data": {"data": ["reader_0.../../../other/output/data"]}}}}})";
  std::string e = PlanError(dsl, conf);
  BOOST_TEST(Mentions(e, "input keys and output names must be"), e);
  dsl = R"({"components": {"../../../../tmp/x": {"module": "Reader", "output": {"data": ["data"]}}}})";
  e = PlanError(dsl, conf);
  BOOST_TEST(Mentions(e, "component name '../../../../tmp/x' must be 1-100 letters, digits, _ or -"), e);
  std::string bad_role = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "..": [10000]}})";
  e = PlanError(DslWith(1), bad_role);
  BOOST_TEST(Mentions(e, "unknown role '..'"), e);
  std::string bad_party = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [".."]}})";
  e = PlanError(DslWith(1), bad_party);
  BOOST_TEST(Mentions(e, "party id '..' must be"), e);
}

BOOST_AUTO_TEST_CASE(YamlAliasBombsAreRefusedBeforeTheyExpand) {
  // 9 levels of 9 aliases each: about 490 million nodes once expanded, 500 bytes of text.
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string name(1, c);
    yaml += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) yaml += std::string(i ? ", " : "") + "*" + prev;
    yaml += "]\n";
    prev = name;
  }
  BOOST_TEST(yaml.size() < 600u);
  auto parsed = dsl::YamlToJson(yaml, "dag_schema", 100000);
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(Mentions(parsed.status().message(), "490329064 nodes once its aliases are expanded, more than the limit of 100000"),
             parsed.status().message());
  BOOST_TEST(Mentions(parsed.status().message(), "limits.yaml_max_nodes"), parsed.status().message());
  // Deeper self-multiplying chains saturate instead of overflowing.
  std::string huge = "a: &a [x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x]\n";
  prev = "a";
  for (int level = 0; level < 20; ++level) {
    std::string name = "n" + std::to_string(level);
    huge += name + ": &" + name + " [";
    for (int i = 0; i < 16; ++i) huge += std::string(i ? ", " : "") + "*" + prev;
    huge += "]\n";
    prev = name;
  }
  parsed = dsl::YamlToJson(huge, "dag_schema", 100000);
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(Mentions(parsed.status().message(), "limits.yaml_max_nodes"), parsed.status().message());
  // Aliases within the limit still work.
  parsed = dsl::YamlToJson("a: &a {k: 1}\nb: *a\n", "dag_schema", 100000);
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->as_object().at("b").as_object().at("k").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(JsonNestingIsLimited) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  auto parsed = json::Parse(deep, "request body");
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(Mentions(parsed.status().message(), "deeper than 32 levels"), parsed.status().message());
  BOOST_TEST(Mentions(parsed.status().message(), "limits.json_max_depth"), parsed.status().message());
  std::string fine(30, '[');
  fine += std::string(30, ']');
  BOOST_TEST(json::Parse(fine, "request body").ok());
}

BOOST_AUTO_TEST_CASE(APartnersPlanIsMadeAgainHereAndMustAgree) {
  const std::string dsl = R"({"components": {"reader_0": {"module": "Reader", "output": {"data": ["data"]}},
    "t_0": {"module": "TestModule", "input": {"data": {"data": ["reader_0.data"]}}, "output": {"data": ["data"]}}}})";
  const std::string conf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [10000]}, "job_parameters": {"common": {"task_cores": 3}}})";
  JobSpec received = Planned(dsl, conf);
  received.set_description("a job");
  dsl::PlanContext here;
  here.defaults.set_task_cores(1);
  here.defaults.set_task_parallelism(2);
  auto ours = dsl::ReplanReceived(received, here);
  BOOST_REQUIRE_MESSAGE(ours.ok(), ours.status().ToString());
  BOOST_TEST(ours->job_id() == received.job_id());
  BOOST_TEST(ours->description() == "a job");
  // The receiver's demand comes from the conf and its own defaults, whatever the partner sent.
  for (const auto& d : ours->demands()) BOOST_TEST(d.cores() == 6);

  // A partner's plan that its DSL does not produce: tasks renamed, inputs redirected, demands dropped.
  JobSpec renamed = received;
  renamed.mutable_tasks(0)->set_name("../../../../tmp/x");
  auto refused = dsl::ReplanReceived(renamed, here);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(Mentions(refused.status().message(), "plan differs"), refused.status().message());
  JobSpec redirected = received;
  redirected.mutable_tasks(1)->mutable_inputs(0)->set_output("../../../20260101000000000001/host/10000/reader_0/0/output/data");
  refused = dsl::ReplanReceived(redirected, here);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(Mentions(refused.status().message(), "task 't_0'"), refused.status().message());
  JobSpec no_demand = received;
  no_demand.clear_demands();
  ours = dsl::ReplanReceived(no_demand, here);
  BOOST_REQUIRE(ours.ok());
  BOOST_TEST(ours->demands_size() == 2);
  for (const auto& d : ours->demands()) BOOST_TEST(d.cores() == 6);

  // Ids and sizes are checked like everything else.
  JobSpec bad_id = received;
  bad_id.set_job_id("fedflow");
  BOOST_TEST(Mentions(dsl::ReplanReceived(bad_id, here).status().message(), "is not a job id"));
  JobSpec big = received;
  here.limits.max_job_bytes = 100;
  BOOST_TEST(Mentions(dsl::ReplanReceived(big, here).status().message(), "limits.max_job_bytes"));
  JobSpec unknown = received;
  unknown.set_format("pickle");
  here.limits.max_job_bytes = 1u << 20;
  BOOST_TEST(Mentions(dsl::ReplanReceived(unknown, here).status().message(), "unknown job format"));
}

BOOST_AUTO_TEST_CASE(ADagFromAPartnerIsPlannedAgainToo) {
  const std::string yaml = R"(
schema_version: 2.0.0
dag:
  parties:
  - {role: guest, party_id: ['9999']}
  - {role: host, party_id: ['10000']}
  tasks:
    reader_0: {component_ref: reader}
)";
  auto dag = dsl::YamlToJson(yaml, "dag");
  BOOST_REQUIRE(dag.ok());
  auto received = dsl::ParseFateDag(*dag, "9999", dsl::PlanContext{});
  BOOST_REQUIRE(received.ok());
  received->set_job_id("20261203120000000002");
  auto ours = dsl::ReplanReceived(*received, dsl::PlanContext{});
  BOOST_REQUIRE_MESSAGE(ours.ok(), ours.status().ToString());
  BOOST_TEST(ours->tasks_size() == 1);
  JobSpec extra = *received;
  *extra.add_tasks() = received->tasks(0);
  extra.mutable_tasks(1)->set_name("reader_1");
  BOOST_TEST(Mentions(dsl::ReplanReceived(extra, dsl::PlanContext{}).status().message(), "2 tasks instead of 1"));
}

BOOST_AUTO_TEST_SUITE_END()
