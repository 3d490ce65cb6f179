#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include <boost/json.hpp>

#include "service/dsl/fate_dag.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;

namespace {

dsl::PlanContext DagContext() {
  dsl::PlanContext ctx;
  ctx.defaults.set_task_cores(1);
  ctx.defaults.set_task_parallelism(1);
  ctx.defaults.set_task_timeout_ms(600000);
  ctx.check_module = [](const std::string& module, const std::string&) -> Status {
    static const std::set<std::string> known = {"reader", "psi", "feature_scale", "hetero_feature_binning",
                                                "hetero_feature_selection", "coordinated_lr", "evaluation"};
    if (!known.count(module)) return InvalidArgumentError("module '" + module + "' is not implemented by any provider");
    return Status::OK();
  };
  ctx.check_party = [](const std::string& p) -> Status {
    return p == "9999" || p == "9998" ? Status::OK() : InvalidArgumentError("party " + p + " has no route");
  };
  return ctx;
}

StatusOr<JobSpec> ParseYaml(const std::string& yaml, const std::string& initiator = "9999") {
  auto json = dsl::YamlToJson(yaml, "dag");
  if (!json.ok()) return json.status();
  return dsl::ParseFateDag(*json, initiator, DagContext());
}

std::string ErrorOf(const std::string& yaml, const std::string& initiator = "9999") {
  auto spec = ParseYaml(yaml, initiator);
  return spec.ok() ? "" : spec.status().message();
}

bool Mentions(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* kSmall = R"(
schema_version: 2.0.0
dag:
  parties:
  - {role: guest, party_id: ['9999']}
  - {role: host, party_id: ['9998']}
  conf: {cores: 8, task: {engine_run: {cores: 4}, timeout: 30}, auto_retries: 2, priority: 3}
  tasks:
    reader_0:
      component_ref: reader
    lr_0:
      component_ref: coordinated_lr
      inputs:
        data:
          train_data:
            task_output_artifact: {producer_task: reader_0, output_artifact_key: output_data}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(FateDagTest)

BOOST_AUTO_TEST_CASE(AcceptsTheFateFlowTrainLrExampleUnchanged) {
  std::string yaml = testing::ReadFile(std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v2-dag/train_lr.yaml");
  auto spec = ParseYaml(yaml);
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_TEST(spec->format() == "fate-2.x-dag");
  BOOST_REQUIRE(spec->tasks_size() == 7);
  BOOST_TEST(spec->tasks(0).name() == "reader_0");
  BOOST_TEST(spec->tasks(6).name() == "evaluation_0");
  BOOST_TEST(spec->initiator().role() == "guest");
  std::map<std::string, int> position;
  for (int i = 0; i < spec->tasks_size(); ++i) position[spec->tasks(i).name()] = i;
  for (const auto& t : spec->tasks()) {
    for (const auto& up : t.upstream()) BOOST_TEST(position[up] < position[t.name()], up << " before " << t.name());
  }
  for (const auto& t : spec->tasks()) {
    if (t.name() == "reader_0") {
      BOOST_TEST(t.parties_size() == 2);
      for (const auto& p : t.parties()) {
        auto params = boost::json::parse(p.parameters_json()).as_object();
        BOOST_TEST(std::string(params.at("name").as_string()) ==
                   (p.role() == "guest" ? "breast_hetero_guest" : "breast_hetero_host"));
      }
      BOOST_TEST(t.output_data_size() == 1);
      BOOST_TEST(t.output_data(0) == "output_data");
    }
    if (t.name() == "lr_0") BOOST_TEST(t.parties_size() == 3);  // no task parties: dag.parties
    if (t.name() == "selection_0") {
      BOOST_TEST(t.upstream_size() == 2);
      bool model_input = false;
      for (const auto& in : t.inputs()) model_input = model_input || (in.kind() == "model" && in.producer() == "binning_0");
      BOOST_TEST(model_input);
    }
    if (t.name() == "evaluation_0") BOOST_TEST(t.parties_size() == 1);
  }
}

BOOST_AUTO_TEST_CASE(JobBudgetFollowsFateFlow2) {
  auto spec = ParseYaml(kSmall);
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_TEST(spec->params().task_cores() == 4);
  BOOST_TEST(spec->params().task_parallelism() == 2);
  BOOST_TEST(spec->params().auto_retries() == 2);
  BOOST_TEST(spec->params().priority() == 3);
  for (const auto& d : spec->demands()) BOOST_TEST(d.cores() == 8);
  for (const auto& t : spec->tasks()) {
    BOOST_TEST(t.timeout_ms() == 30000);
    BOOST_TEST(t.max_retries() == 2);
  }
}

BOOST_AUTO_TEST_CASE(MistakesNameTheField) {
  BOOST_TEST(Mentions(ErrorOf("dag: [1"), "not valid YAML: line"));
  BOOST_TEST(Mentions(ErrorOf("schema_version: 2\ndag: {parties: [{role: guest, party_id: ['9999']}], tasks: {}}"),
                      "'dag.tasks' is empty"));
  BOOST_TEST(Mentions(ErrorOf("dag: {}"), "schema_version"));
  BOOST_TEST(Mentions(ErrorOf(kSmall, "7777"), "this party (7777) is not one of dag.parties"));
  std::string y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("producer_task: reader_0"), 23, "producer_task: nope_0")),
                      "refers to task 'nope_0', which does not exist"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("component_ref: coordinated_lr"), 29, "component_ref: sbt")),
                      "task 'lr_0': module 'sbt' is not implemented"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("priority: 3"), 11, "scheduler_party_id: '9998'")),
                      "fedflow schedules a job at the party that submits it"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("priority: 3"), 11, "inheritance: {job_id: '1'}")),
                      "inheritance is not supported"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("component_ref: reader"), 21,
                                        "component_ref: reader\n      parties: [{role: arbiter, party_id: ['9999']}]")),
                      "arbiter:9999 is not one of dag.parties"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("['9998']"), 8, "['4242']")), "party 4242 has no route"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("task_output_artifact"), 20, "magic_source")), "unknown source type"));
  y = kSmall;
  BOOST_TEST(Mentions(ErrorOf(y.replace(y.find("    reader_0:\n      component_ref: reader\n"), 42,
                                        "    reader_0:\n      component_ref: reader\n      dependent_tasks: [lr_0]\n")),
                      "cycle"));
}

BOOST_AUTO_TEST_CASE(ATrainingTaskKeepsItsModelAndAPredictDagReadsTheWarehouse) {
  // lr_0 is the last task of a train DAG: nothing consumes its model, which it still outputs.
  auto train = ParseYaml(kSmall);
  BOOST_REQUIRE_MESSAGE(train.ok(), train.status().ToString());
  for (const auto& t : train->tasks()) {
    if (t.name() == "lr_0") BOOST_TEST((t.output_model_size() == 1 && t.output_model(0) == "output_model"));
  }
  const std::string predict = R"(
schema_version: 2.0.0
dag:
  stage: predict
  parties:
  - {role: guest, party_id: ['9999']}
  - {role: host, party_id: ['9998']}
  conf: {model_warehouse: {model_id: '202612030000000001', model_version: '0'}}
  tasks:
    reader_0:
      component_ref: reader
    lr_0:
      component_ref: coordinated_lr
      inputs:
        data:
          test_data:
            task_output_artifact: {producer_task: reader_0, output_artifact_key: output_data}
        model:
          input_model:
            model_warehouse: {producer_task: lr_0, output_artifact_key: output_model}
)";
  auto spec = ParseYaml(predict);
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_TEST(spec->params().job_type() == "predict");
  bool stored = false;
  for (const auto& t : spec->tasks()) {
    for (const auto& in : t.inputs()) {
      if (in.model_id().empty()) continue;
      stored = true;
      BOOST_TEST(in.model_id() == "202612030000000001");
      BOOST_TEST(in.model_version() == "0");
      BOOST_TEST(in.producer() == "lr_0");
      BOOST_TEST(in.output() == "output_model");
    }
    BOOST_TEST(t.output_model_size() == 0);  // a predict DAG keeps no model
  }
  BOOST_TEST(stored);
  std::string unnamed = predict;
  unnamed.replace(unnamed.find("  conf: {model_warehouse"), 80, "");
  BOOST_TEST(Mentions(ErrorOf(unnamed), "names no model"), ErrorOf(unnamed));
}

BOOST_AUTO_TEST_SUITE_END()
