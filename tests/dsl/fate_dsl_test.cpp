#define BOOST_TEST_MODULE ff_dsl_test
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include <boost/json.hpp>

#include "service/dsl/fate_dsl.hpp"
#include "service/dsl/job_graph.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;

namespace {

std::string Example(const std::string& name) {
  return testing::ReadFile(std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v1-dsl/" + name);
}

dsl::PlanContext Context() {
  dsl::PlanContext ctx;
  ctx.defaults.set_task_cores(1);
  ctx.defaults.set_task_parallelism(1);
  ctx.defaults.set_auto_retries(0);
  ctx.defaults.set_task_timeout_ms(600000);
  ctx.check_module = [](const std::string& module, const std::string& pin) -> Status {
    static const std::set<std::string> known = {"Reader",   "DataTransform", "Intersection", "HeteroLR",
                                                "HomoLR",   "Evaluation",    "FeatureScale", "TestModule"};
    if (!known.count(module)) return InvalidArgumentError("module '" + module + "' is not implemented by any provider");
    if (!pin.empty() && pin != "test@1.0") return InvalidArgumentError("provider '" + pin + "' is not registered");
    return Status::OK();
  };
  ctx.check_party = [](const std::string& party) -> Status {
    if (party == "9999" || party == "10000" || party == "10001") return Status::OK();
    return InvalidArgumentError("party " + party + " has no route");
  };
  return ctx;
}

const TaskSpec* Find(const JobSpec& spec, const std::string& name) {
  for (const auto& t : spec.tasks()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

std::string ErrorOf(const std::string& dsl, const std::string& conf) {
  auto spec = dsl::ParseFateDslText(dsl, conf, Context());
  return spec.ok() ? "" : spec.status().message();
}

bool Mentions(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* kDsl = R"({"components": {
  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
  "lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["reader_0.data"]}},
           "output": {"data": ["data"], "model": ["model"]}}}})";
const char* kConf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
  "role": {"guest": [9999], "host": [10000], "arbiter": [10001]},
  "job_parameters": {"common": {"task_cores": 2, "task_parallelism": 2}}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(FateDslTest)

BOOST_AUTO_TEST_CASE(AcceptsTheHeteroLrExampleUnchanged) {
  auto spec = dsl::ParseFateDslText(Example("hetero_lr_normal_dsl.json"), Example("hetero_lr_normal_conf.json"), Context());
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_REQUIRE(spec->tasks_size() == 5);
  std::vector<std::string> order;
  for (const auto& t : spec->tasks()) order.push_back(t.name());
  BOOST_TEST((order == std::vector<std::string>{"reader_0", "data_transform_0", "intersection_0", "hetero_lr_0",
                                                "evaluation_0"}));
  BOOST_TEST(spec->initiator().party_id() == "9999");
  BOOST_TEST(spec->parties_size() == 3);
  // Reader runs at guest and host, not at the arbiter (which shares party 10000 with the host).
  const TaskSpec* reader = Find(*spec, "reader_0");
  BOOST_REQUIRE(reader->parties_size() == 2);
  for (const auto& p : reader->parties()) {
    BOOST_TEST(p.role() != "arbiter");
    auto params = boost::json::parse(p.parameters_json()).as_object();
    std::string table(params.at("table").as_object().at("name").as_string());
    BOOST_TEST(table == (p.role() == "guest" ? "breast_hetero_guest" : "breast_hetero_host"));
  }
  BOOST_TEST(reader->table_inputs_size() == 2);
  const TaskSpec* lr = Find(*spec, "hetero_lr_0");
  BOOST_TEST(lr->parties_size() == 3);
  BOOST_TEST(lr->upstream(0) == "intersection_0");
  auto lr_params = boost::json::parse(lr->parties(0).parameters_json()).as_object();
  BOOST_TEST(lr_params.at("max_iter").as_int64() == 30);
  // data_transform: common output_format merged with role-specific with_label.
  const TaskSpec* dt = Find(*spec, "data_transform_0");
  for (const auto& p : dt->parties()) {
    auto params = boost::json::parse(p.parameters_json()).as_object();
    BOOST_TEST(params.at("output_format").as_string() == "dense");
    BOOST_TEST(params.at("with_label").as_bool() == (p.role() == "guest"));
  }
  // Demands: defaults 1 core x 1; the arbiter holds none.
  for (const auto& d : spec->demands()) BOOST_TEST(d.cores() == (d.role() == "arbiter" ? 0 : 1));
  BOOST_TEST(Mentions(spec->conf_json(), "breast_hetero_guest"));
}

BOOST_AUTO_TEST_CASE(AcceptsTheHomoAndIntersectExamplesUnchanged) {
  auto homo = dsl::ParseFateDslText(Example("homo_lr_train_dsl.json"), Example("homo_lr_train_conf.json"), Context());
  BOOST_REQUIRE_MESSAGE(homo.ok(), homo.status().ToString());
  const TaskSpec* eval = Find(*homo, "evaluation_0");
  for (const auto& p : eval->parties()) BOOST_TEST(p.need_run() == (p.role() != "host"));
  auto intersect =
      dsl::ParseFateDslText(Example("test_intersect_job_dsl.json"), Example("test_intersect_job_rsa_conf.json"), Context());
  BOOST_REQUIRE_MESSAGE(intersect.ok(), intersect.status().ToString());
  BOOST_TEST(intersect->tasks_size() == 3);
}

BOOST_AUTO_TEST_CASE(DemandIsTaskCoresTimesParallelismPerParty) {
  auto spec = dsl::ParseFateDslText(kDsl, kConf, Context());
  BOOST_REQUIRE(spec.ok());
  for (const auto& d : spec->demands()) BOOST_TEST(d.cores() == (d.role() == "arbiter" ? 0 : 4));
  BOOST_TEST(spec->params().task_cores() == 2);
  BOOST_TEST(spec->params().task_parallelism() == 2);
}

BOOST_AUTO_TEST_CASE(RoleScopedParametersAndTaskConfApply) {
  std::string conf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [10000, 10001]},
    "job_parameters": {"common": {"auto_retries": 1, "timeout": 30, "task_conf": {"lr_0": {"auto_retries": 3, "timeout": 5}}},
                       "role": {"host": {"1": {"task_cores": 3}}}},
    "component_parameters": {"common": {"lr_0": {"a": 1, "n": {"x": 1}}},
      "role": {"host": {"all": {"lr_0": {"a": 2}}, "0|1": {"lr_0": {"n": {"y": 2}}}, "1": {"lr_0": {"a": 3}}}}}})";
  auto spec = dsl::ParseFateDslText(kDsl, conf, Context());
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  const TaskSpec* lr = Find(*spec, "lr_0");
  BOOST_TEST(lr->max_retries() == 3);
  BOOST_TEST(lr->timeout_ms() == 5000);
  BOOST_TEST(Find(*spec, "reader_0")->max_retries() == 1);
  BOOST_TEST(spec->params().timeout_ms() == 30000);
  for (const auto& p : lr->parties()) {
    auto params = boost::json::parse(p.parameters_json()).as_object();
    if (p.role() == "guest") BOOST_TEST(params.at("a").as_int64() == 1);
    if (p.party_id() == "10000") BOOST_TEST(params.at("a").as_int64() == 2);
    if (p.party_id() == "10001") BOOST_TEST(params.at("a").as_int64() == 3);
    if (p.role() == "host") BOOST_TEST(params.at("n").as_object().size() == 2u);
  }
  for (const auto& d : spec->demands()) BOOST_TEST(d.cores() == (d.party_id() == "10001" ? 3 : 1));
}

BOOST_AUTO_TEST_CASE(JsonSyntaxErrorsCarryLineAndColumn) {
  std::string e = ErrorOf("{\"components\": {\n  \"a\": }", kConf);
  BOOST_TEST(Mentions(e, "dsl is not valid JSON: line 2 column"), e);
  BOOST_TEST(Mentions(ErrorOf(kDsl, "{\"dsl_version\": 2,,}"), "runtime_conf is not valid JSON: line 1"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, ""), "runtime_conf is empty"));
  BOOST_TEST(Mentions(ErrorOf("[]", kConf), "dsl must be a JSON object"));
}

BOOST_AUTO_TEST_CASE(ReferencesMustNameExistingComponentsAndOutputs) {
  std::string e = ErrorOf(R"({"components": {"lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["nope_0.data"]}}}}})", kConf);
  BOOST_TEST(Mentions(e, "dsl.components.lr_0.input.data.train_data' refers to 'nope_0.data', but no component 'nope_0' exists"), e);
  e = ErrorOf(R"({"components": {"reader_0": {"module": "Reader", "output": {"data": ["data"]}},
    "lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["reader_0.table"]}}}}})", kConf);
  BOOST_TEST(Mentions(e, "reader_0 declares no data output 'table'"), e);
  e = ErrorOf(R"({"components": {"reader_0": {"module": "Reader", "output": {"data": ["data"]}},
    "lr_0": {"module": "HeteroLR", "input": {"model": ["reader_0.data"]}}}})", kConf);
  BOOST_TEST(Mentions(e, "declares no model output 'data'"), e);
  e = ErrorOf(R"({"components": {"lr_0": {"module": "HeteroLR", "input": {"data": {"data": ["args.train_data"]}}}}})", kConf);
  BOOST_TEST(Mentions(e, "DSL v1 'args' inputs are not supported"), e);
  e = ErrorOf(R"({"components": {"lr_0": {"module": "HeteroLR", "input": {"data": {"data": ["nodot"]}}}}})", kConf);
  BOOST_TEST(Mentions(e, "must look like '<component>.<output>'"), e);
}

BOOST_AUTO_TEST_CASE(CyclesAreRejectedNamingTheComponents) {
  std::string e = ErrorOf(R"({"components": {
    "a_0": {"module": "HeteroLR", "input": {"data": {"data": ["b_0.out"]}}, "output": {"data": ["out"]}},
    "b_0": {"module": "HeteroLR", "input": {"data": {"data": ["a_0.out"]}}, "output": {"data": ["out"]}}}})", kConf);
  BOOST_TEST(Mentions(e, "cycle"), e);
  BOOST_TEST((Mentions(e, "a_0 -> b_0 -> a_0") || Mentions(e, "b_0 -> a_0 -> b_0")), e);
  e = ErrorOf(R"({"components": {"a_0": {"module": "HeteroLR", "input": {"data": {"data": ["a_0.out"]}}, "output": {"data": ["out"]}}}})", kConf);
  BOOST_TEST(Mentions(e, "depends on itself"), e);
}

BOOST_AUTO_TEST_CASE(RolesAndPartiesAreChecked) {
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"dsl_version": 2, "role": {"guest": [9999]}})"),
                      "missing required field 'runtime_conf.initiator'"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}})"),
                      "missing required field 'runtime_conf.role'"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {}})"),
                      "lists no roles"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": []}})"),
                      "'runtime_conf.role.guest' must be a non-empty list"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {"boss": [1]}})"),
                      "unknown role 'boss'"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 1234}, "role": {"guest": [9999]}})"),
                      "initiator guest:1234 is not one of the parties"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999], "host": [777]}})"),
                      "runtime_conf.role.host[0]: party 777 has no route"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999, 9999]}})"),
                      "lists party 9999 twice"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [{"id": 1}]}})"),
                      "'runtime_conf.role.guest[0]' must be a string or an integer"));
  BOOST_TEST(Mentions(ErrorOf(R"({"components": {"i_0": {"module": "Intersection"}}})",
                              R"({"initiator": {"role": "arbiter", "party_id": 9999}, "role": {"arbiter": [9999]}})"),
                      "runs at guest, host, but the job has none of these roles"));
}

BOOST_AUTO_TEST_CASE(ModulesMustBeImplementedByARegisteredProvider) {
  std::string e = ErrorOf(R"({"components": {"sbt_0": {"module": "HeteroSecureBoost"}}})", kConf);
  BOOST_TEST(Mentions(e, "component 'sbt_0': module 'HeteroSecureBoost' is not implemented"), e);
  e = ErrorOf(R"({"components": {"lr_0": {"module": "HeteroLR", "provider": "other@9.9"}}})", kConf);
  BOOST_TEST(Mentions(e, "provider 'other@9.9' is not registered"), e);
  e = ErrorOf(R"({"components": {"lr_0": {"module": ""}}})", kConf);
  BOOST_TEST(Mentions(e, "module' is empty"), e);
}

BOOST_AUTO_TEST_CASE(ConfMistakesNameTheField) {
  auto with = [](const std::string& extra) {
    return std::string(R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
      "role": {"guest": [9999], "host": [10000]}, )") + extra + "}";
  };
  // Parameters of a component the DSL lacks are accepted (FATE does), with a warning.
  auto absent = dsl::ParseFateDslText(kDsl, with(R"("component_parameters": {"common": {"lr_9": {}}})"), Context());
  BOOST_REQUIRE_MESSAGE(absent.ok(), absent.status().ToString());
  BOOST_TEST((absent->warnings_size() == 1 &&
              Mentions(absent->warnings(0), "runtime_conf.component_parameters.common.lr_9: no component 'lr_9' in the DSL")));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("component_parameters": {"role": {"host": {"1": {"lr_0": {}}}}})")),
                      "index 1 is out of range"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("component_parameters": {"role": {"arbiter": {"0": {}}}})")),
                      "role is not in runtime_conf.role"));
  // A component's role-scoped parameters that are not an object (this used to throw).
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("component_parameters": {"role": {"host": {"0": {"lr_0": 5}}}})")),
                      "'runtime_conf.component_parameters.role.host.0.lr_0' must be an object"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("component_parameters": {"role": {"guest": {"all": {"lr_0": [1]}}}})")),
                      "'runtime_conf.component_parameters.role.guest.all.lr_0' must be an object"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("job_parameters": {"task_cores": 4})")),
                      "dsl_version 2 puts job parameters under job_parameters.common"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("job_parameters": {"common": {"task_cores": "many"}})")),
                      "'runtime_conf.job_parameters.common.task_cores' must be an integer"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("job_parameters": {"common": {"task_parallelism": 0}})")),
                      "task_parallelism' must be between 1 and"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("job_parameters": {"common": {"job_type": "dance"}})")),
                      "job_type' must be train or predict"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, R"({"dsl_version": 1, "initiator": {"role": "guest", "party_id": 9999}, "role": {"guest": [9999]}})"),
                      "dsl_version 1 layout"));
  BOOST_TEST(Mentions(ErrorOf(kDsl, with(R"("component_parameters": {"common": {"lr_0": {"need_run": "no"}}})")),
                      "'need_run' must be true or false"));
  BOOST_TEST(Mentions(ErrorOf(R"({"components": {"lr_0": {"module": "HeteroLR", "inputs": {}}}})", kConf),
                      "unknown key 'inputs'"));
  BOOST_TEST(Mentions(ErrorOf(R"({"components": {"../x": {"module": "HeteroLR"}}})", kConf), "component name '../x'"));
  BOOST_TEST(Mentions(ErrorOf(R"({"components": {}})", kConf), "'dsl.components' is empty"));
}

BOOST_AUTO_TEST_CASE(DescendantsFollowTheGraph) {
  auto spec = dsl::ParseFateDslText(Example("hetero_lr_normal_dsl.json"), Example("hetero_lr_normal_conf.json"), Context());
  BOOST_REQUIRE(spec.ok());
  auto d = dsl::DescendantsOf(spec->tasks(), "intersection_0");
  BOOST_TEST((d == std::vector<std::string>{"intersection_0", "hetero_lr_0", "evaluation_0"}));
}

BOOST_AUTO_TEST_CASE(FatePredictDslReadsThePipelineModelOfAPredictJob) {
  // FATE's predict example: "pipeline.<component>.model" inputs are stored-model inputs with the
  // conf's model key, not edges to a task of the job.
  boost::json::value conf = boost::json::parse(Example("hetero_lr_normal_predict_conf.json"));
  auto refused = dsl::ParseFateDslText(Example("hetero_lr_normal_predict_dsl.json"), boost::json::serialize(conf), Context());
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().message().find("job_type 'predict'") != std::string::npos, refused.status().message());
  boost::json::object& common = conf.at("job_parameters").at("common").as_object();
  common["job_type"] = "predict";
  common["model_id"] = "arbiter-10000#guest-9999#host-10000#model";
  common["model_version"] = "202612030000000001";
  auto spec = dsl::ParseFateDslText(Example("hetero_lr_normal_predict_dsl.json"), boost::json::serialize(conf), Context());
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  int stored = 0;
  for (const auto& t : spec->tasks()) {
    for (const auto& in : t.inputs()) {
      if (in.model_id().empty()) continue;
      ++stored;
      BOOST_TEST(in.producer() == t.name());
      BOOST_TEST(in.output() == "model");
      BOOST_TEST(in.model_version() == "202612030000000001");
    }
    if (t.name() == "hetero_lr_0") BOOST_TEST(t.upstream_size() == 1);  // intersection_0 only
  }
  BOOST_TEST(stored == 2);  // data_transform_0 and hetero_lr_0
  // A malformed pipeline reference names the entry.
  std::string bad = Example("hetero_lr_normal_predict_dsl.json");
  bad.replace(bad.find("pipeline.hetero_lr_0.model"), 26, "pipeline.hetero_lr_0");
  auto malformed = dsl::ParseFateDslText(bad, boost::json::serialize(conf), Context());
  BOOST_REQUIRE(!malformed.ok());
  BOOST_TEST(malformed.status().message().find("pipeline.<component>.<output>") != std::string::npos,
             malformed.status().message());
}

BOOST_AUTO_TEST_CASE(AcceptsWhatFateAcceptsWithWarningsAndKeepsTheStrictChecks) {
  boost::json::value dsl = boost::json::parse(Example("hetero_lr_normal_dsl.json"));
  boost::json::object& components = dsl.at("components").as_object();
  components["reader_0"].as_object()["provider"] = "fate_flow";
  components["hetero_lr_0"].as_object()["provider"] = "fate@1.11.2";
  components["evaluation_0"].as_object()["provider"] = "fate:2.2.0@local";
  boost::json::value conf = boost::json::parse(Example("hetero_lr_normal_conf.json"));
  boost::json::object& cparams = conf.at("component_parameters").as_object();
  // A conf shared with another DSL: parameters of a component this DSL lacks, common and by role.
  cparams["common"].as_object()["feature_scale_0"] = boost::json::object{{"method", "standard_scale"}};
  cparams["role"].at("guest").at("0").as_object()["hetero_secureboost_0"] = boost::json::object{{"num_trees", 3}};
  // FATE's toy conf: a role entry without a party index.
  cparams["role"].at("host").as_object()["hetero_lr_0"] = boost::json::object{{"max_iter", 1}};
  auto spec = dsl::ParseFateDslText(boost::json::serialize(dsl), boost::json::serialize(conf), Context());
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  std::string warnings;
  for (const auto& w : spec->warnings()) warnings += w + "\n";
  BOOST_TEST(spec->warnings_size() == 6, warnings);
  for (const char* expected : {"component 'reader_0': provider 'fate_flow' is FATE's", "provider 'fate@1.11.2'",
                               "provider 'fate:2.2.0@local'", "no component 'feature_scale_0' in the DSL; ignored",
                               "no component 'hetero_secureboost_0'", "role.host.hetero_lr_0: not a party index"}) {
    BOOST_TEST(warnings.find(expected) != std::string::npos, expected << " in\n" << warnings);
  }
  for (const auto& t : spec->tasks()) {
    BOOST_TEST(t.provider().empty(), t.name());
    // The index-less entry is ignored, as FATE ignores it.
    for (const auto& p : t.parties()) BOOST_TEST(p.parameters_json().find("\"max_iter\":1,") == std::string::npos);
  }

  // Still refused: a provider that is neither FATE's nor registered, a role the job lacks, a
  // missing upstream.
  components["hetero_lr_0"].as_object()["provider"] = "secureboost@9";
  auto unknown = dsl::ParseFateDslText(boost::json::serialize(dsl), boost::json::serialize(conf), Context());
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.status().message().find("secureboost@9") != std::string::npos, unknown.status().message());
  components["hetero_lr_0"].as_object()["provider"] = "fate";
  cparams["role"].as_object()["local"] = boost::json::object{{"0", boost::json::object{}}};
  BOOST_TEST(!dsl::ParseFateDslText(boost::json::serialize(dsl), boost::json::serialize(conf), Context()).ok());
  cparams["role"].as_object().erase("local");
  components["hetero_lr_0"].at("input").at("data").as_object()["train_data"] = boost::json::array{"missing_0.data"};
  BOOST_TEST(!dsl::ParseFateDslText(boost::json::serialize(dsl), boost::json::serialize(conf), Context()).ok());
}

BOOST_AUTO_TEST_SUITE_END()
