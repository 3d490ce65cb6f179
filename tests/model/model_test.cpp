#define BOOST_TEST_MODULE ff_model_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <boost/json.hpp>

#include "base/clock.hpp"
#include "service/files/tar_gz.hpp"
#include "service/model/model_registry.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/model/pipeline_models.hpp"
#include "service/model/stored_inputs.hpp"
#include "service/security/signing_key.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

std::string Example(const std::string& name) {
  return testing::ReadFile(std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v1-dsl/" + name);
}

/// A temporary directory removed at the end of the test.
struct TempDir {
  TempDir() : path(fs::temp_directory_path() / ("ff_model_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
  static inline int counter = 0;
};

void Write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

/// A stored guest part of a trained model with two component files.
PipelineModel StoreTrained(model::ModelStore& store, const fs::path& scratch,
                           const std::string& model_id = "arbiter-10000#guest-9999#host-10000#model") {
  const std::string party = "9999", role = "guest";
  PipelineModel m;
  m.set_model_id(model_id);
  m.set_model_version("202612030000000001");
  m.set_role(role);
  m.set_party_id(party);
  m.set_format("fate-1.x-dsl");
  m.set_train_dsl_json(Example("hetero_lr_normal_dsl.json"));
  m.set_train_conf_json(Example("hetero_lr_normal_conf.json"));
  for (const auto& [r, id] : {std::pair<std::string, std::string>{"guest", "9999"}, {"host", "10000"}, {"arbiter", "10000"}}) {
    PartyRef* p = m.add_parties();
    p->set_role(r);
    p->set_party_id(id);
  }
  m.mutable_initiator()->set_role("guest");
  m.mutable_initiator()->set_party_id("9999");
  std::vector<model::ComponentFile> files;
  for (const std::string c : {"data_transform_0", "hetero_lr_0"}) {
    model::ComponentFile f;
    f.model.set_component(c);
    f.model.set_output_key("model");
    f.sources.emplace_back("model.pb", (scratch / (c + ".pb")).string());
    Write(f.sources.back().second, "bytes of " + c);
    files.push_back(f);
  }
  BOOST_REQUIRE(store.Put(m, files, false).ok());
  auto stored = store.Get(m.model_id(), m.model_version(), role, party);
  BOOST_REQUIRE(stored.ok());
  return *stored;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ModelTest)

BOOST_AUTO_TEST_CASE(TheInferenceDslOfFatesTrainingExampleIsFatesPredictExample) {
  auto components = model::DefaultDeployComponents(Example("hetero_lr_normal_dsl.json"));
  BOOST_REQUIRE(components.ok());
  BOOST_TEST(components->size() == 4u);  // every component but Evaluation
  auto dsl = model::InferenceDsl(Example("hetero_lr_normal_dsl.json"), *components);
  BOOST_REQUIRE_MESSAGE(dsl.ok(), dsl.status().ToString());
  BOOST_TEST(bj::parse(*dsl) == bj::parse(Example("hetero_lr_normal_predict_dsl.json")));
  // A component left out passes its data input on (FATE's output data maps); one with nothing
  // to pass on is refused, naming it.
  auto partial = model::InferenceDsl(Example("hetero_lr_normal_dsl.json"), {"reader_0", "hetero_lr_0"});
  BOOST_REQUIRE_MESSAGE(partial.ok(), partial.status().ToString());
  BOOST_TEST(bj::serialize(bj::parse(*partial).at("components").at("hetero_lr_0").at("input").at("data")) ==
             R"({"test_data":["reader_0.data"]})");
  auto alone = model::InferenceDsl(Example("hetero_lr_normal_dsl.json"), {"hetero_lr_0"});
  BOOST_REQUIRE(!alone.ok());
  BOOST_TEST(alone.status().message().find("'reader_0' is not deployed") != std::string::npos, alone.status().message());
  BOOST_TEST(!model::InferenceDsl(Example("hetero_lr_normal_dsl.json"), {"nope_0"}).ok());
}

BOOST_AUTO_TEST_CASE(ModelKeysFollowFate) {
  JobSpec spec;
  spec.set_job_id("202612030000000001");
  spec.set_format("fate-1.x-dsl");
  spec.mutable_params()->set_job_type("train");
  for (const auto& [r, id] : {std::pair<std::string, std::string>{"host", "10000"}, {"guest", "9999"}, {"host", "10001"}, {"arbiter", "10000"}}) {
    PartyRef* p = spec.add_parties();
    p->set_role(r);
    p->set_party_id(id);
  }
  BOOST_TEST(model::TrainedModelKey(spec).model_id == "arbiter-10000#guest-9999#host-10000_10001#model");
  BOOST_TEST(model::TrainedModelKey(spec).model_version == "202612030000000001");
  spec.set_format("fate-2.x-dag");
  BOOST_TEST(model::TrainedModelKey(spec).model_id == "202612030000000001");
  BOOST_TEST(model::TrainedModelKey(spec).model_version == "0");
  spec.mutable_params()->set_job_type("predict");
  BOOST_TEST(model::TrainedModelKey(spec).model_id.empty());
  BOOST_TEST(!model::CheckModelKey("../etc", "1").ok());
  BOOST_TEST(!model::CheckModelKey("a#b", "..").ok());
  BOOST_TEST(model::CheckModelKey("arbiter-10000#guest-9999#host-10000#model", "202612030000000001").ok());
}

BOOST_AUTO_TEST_CASE(APredictJobRunsWithTheTrainingParametersUnderItsOwn) {
  bj::object predict = bj::parse(Example("hetero_lr_normal_predict_conf.json")).as_object();
  predict["component_parameters"].as_object()["common"] = bj::object{{"hetero_lr_0", bj::object{{"max_iter", 3}}}};
  auto merged = model::WithTrainingParameters(predict, Example("hetero_lr_normal_conf.json"),
                                              {"reader_0", "data_transform_0", "intersection_0", "hetero_lr_0"});
  BOOST_REQUIRE_MESSAGE(merged.ok(), merged.status().ToString());
  const bj::object& common = merged->at("component_parameters").at("common").as_object();
  BOOST_TEST(common.at("hetero_lr_0").at("max_iter").as_int64() == 3);  // the predict conf's wins
  BOOST_TEST(common.at("hetero_lr_0").as_object().contains("penalty"));  // the training's stays
  BOOST_TEST(!common.contains("evaluation_0"));                          // not in the predict DSL
  BOOST_TEST(merged->at("component_parameters").at("role").at("guest").at("0").at("data_transform_0").at("with_label").as_bool());

  // Role entries follow the party ids: hosts listed in another order get their own parameters.
  bj::object train = bj::parse(Example("hetero_lr_normal_conf.json")).as_object();
  train["role"].as_object()["host"] = bj::array{10000, 10001};
  train["component_parameters"].at("role").at("host").as_object()["1"] =
      bj::object{{"reader_0", bj::object{{"table", bj::object{{"name", "second"}, {"namespace", "experiment"}}}}}};
  bj::object swapped = bj::parse(Example("hetero_lr_normal_predict_conf.json")).as_object();
  swapped["role"].as_object()["host"] = bj::array{10001, 10000};
  swapped["component_parameters"] = bj::object();
  auto reindexed = model::WithTrainingParameters(swapped, bj::serialize(train), {"reader_0"});
  BOOST_REQUIRE(reindexed.ok());
  const bj::object& hosts = reindexed->at("component_parameters").at("role").at("host").as_object();
  BOOST_TEST(std::string(hosts.at("0").at("reader_0").at("table").at("name").as_string()) == "second");
  BOOST_TEST(std::string(hosts.at("1").at("reader_0").at("table").at("name").as_string()) == "breast_hetero_host");
}

BOOST_AUTO_TEST_CASE(StoredFilesAreCheckedAndATamperedExportIsNotImported) {
  TempDir home, other, scratch;
  model::ModelStore store((home.path / "models").string());
  SystemClock clock;
  model::ModelRegistry registry(store, {"9999", "", 1 << 20}, clock);
  PipelineModel m = StoreTrained(store, scratch.path);
  BOOST_TEST(m.components_size() == 2);
  BOOST_TEST(store.Verify(m).ok());
  auto input = store.InputPathOf(m, "hetero_lr_0", "model");
  BOOST_REQUIRE(input.ok());
  BOOST_TEST(testing::ReadFile(fs::path(*input).parent_path().string() + "/model/model/model.pb") == "bytes of hetero_lr_0");
  BOOST_TEST(!store.InputPathOf(m, "feature_scale_0", "model").ok());

  // Export, then import into another party's store: the same manifest.
  auto archive = registry.Export(m.model_id(), m.model_version());
  BOOST_REQUIRE(archive.ok());
  model::ModelStore store2((other.path / "models").string());
  model::ModelRegistry registry2(store2, {"9999", "", 1 << 20}, clock);
  auto imported = registry2.Import(*archive, false);
  BOOST_REQUIRE_MESSAGE(imported.ok(), imported.status().ToString());
  auto again = store2.Get(m.model_id(), m.model_version(), "guest", "9999");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->components(1).files(0).sha256() == m.components(1).files(0).sha256());
  BOOST_TEST(registry2.Import(*archive, false).status().code() == StatusCode::kAlreadyExists);

  // A changed model file, a changed manifest digest, an entry outside the layout: refused, nothing stored.
  auto entries = files::UntarGzEntries(*archive, 1 << 20, 100);
  BOOST_REQUIRE(entries.ok());
  auto tamper = [&](const std::function<void(std::vector<std::pair<std::string, std::string>>&)>& edit) {
    auto copy = *entries;
    edit(copy);
    auto packed = files::TarGzEntries(copy);
    BOOST_REQUIRE(packed.ok());
    TempDir fresh;
    model::ModelStore s3((fresh.path / "models").string());
    model::ModelRegistry r3(s3, {"9999", "", 1 << 20}, clock);
    auto result = r3.Import(*packed, true);
    BOOST_TEST(!result.ok());
    auto listed = s3.List("", "");
    BOOST_TEST((listed.ok() && listed->empty()));
    return result.status().message();
  };
  std::string changed = tamper([](auto& e) { e.back().second += "x"; });
  BOOST_TEST(changed.find("SHA-256") != std::string::npos, changed);
  std::string escaped = tamper([](auto& e) { e.emplace_back("../../etc/passwd", "root"); });
  BOOST_TEST(escaped.find("not a model file name") != std::string::npos, escaped);
  std::string unlisted = tamper([&](auto& e) { e.emplace_back(e[1].first.substr(0, e[1].first.rfind('/')) + "/extra/model/model/model.pb", "x"); });
  BOOST_TEST(unlisted.find("not in manifest.json") != std::string::npos, unlisted);
  BOOST_TEST(!registry2.Import("not a gzip stream", true).ok());

  // A file changed on disk after it was stored is found before a task reads it.
  Write(fs::path(store.PartDir(m.model_id(), m.model_version(), "guest", "9999")) / model::ComponentDirName(m.components(0)) /
            "model.pb",
        "other");
  BOOST_TEST(store.Verify(m).message().find("does not match") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(DeployKeepsTheChosenComponentsAndMigrateMovesThePartyIds) {
  TempDir home, scratch;
  model::ModelStore store((home.path / "models").string());
  SystemClock clock;
  model::ModelRegistry registry(store, {"9999", "", 1 << 20}, clock);
  PipelineModel m = StoreTrained(store, scratch.path);
  contract::DeployModel d;
  d.set_model_id(m.model_id());
  d.set_model_version(m.model_version());
  d.set_new_version("202612030000000002");
  d.add_components("reader_0");
  d.add_components("hetero_lr_0");
  d.set_inference_dsl_json(R"({"components": {"evil_0": {"module": "Upload"}}})");  // ignored: derived here
  BOOST_REQUIRE(registry.Deploy(d).ok());
  auto deployed = store.Get(m.model_id(), "202612030000000002", "guest", "9999");
  BOOST_REQUIRE(deployed.ok());
  BOOST_TEST(deployed->components_size() == 1);
  BOOST_TEST(deployed->parent_version() == m.model_version());
  BOOST_TEST(deployed->inference_dsl_json().find("evil_0") == std::string::npos);
  BOOST_TEST(deployed->inference_dsl_json().find("pipeline.hetero_lr_0.model") != std::string::npos);
  // A version that exists is never overwritten by a deploy, a trained one least of all.
  d.set_new_version(m.model_version());
  BOOST_TEST(registry.Deploy(d).code() == StatusCode::kAlreadyExists);
  BOOST_TEST(store.Get(m.model_id(), m.model_version(), "guest", "9999")->components_size() == 2);
  d.clear_components();
  d.set_new_version("202612030000000003");
  BOOST_TEST(!registry.Deploy(d).ok());
  // A partner undoes deploys, never trained versions.
  BOOST_TEST(registry.UndoDeploy(m.model_id(), m.model_version()).code() == StatusCode::kPermissionDenied);
  BOOST_TEST(registry.UndoDeploy(m.model_id(), "202612030000000009").ok());  // absent: nothing to undo

  BOOST_TEST(registry.CheckSender(m.model_id(), m.model_version(), "10000").ok());
  BOOST_TEST(registry.CheckSender(m.model_id(), m.model_version(), "10001").code() == StatusCode::kPermissionDenied);
  BOOST_TEST(registry.CheckSender(m.model_id(), m.model_version(), "9999", true).ok());
  BOOST_TEST(registry.CheckSender(m.model_id(), m.model_version(), "10000", true).code() == StatusCode::kPermissionDenied);

  // A partner cannot re-point a service id bound to another model.
  BOOST_REQUIRE(registry.Bind("svc", m.model_id(), m.model_version(), false).ok());
  BOOST_TEST(registry.Bind("svc", m.model_id(), "202612030000000002", true).ok());  // same model, other version
  PipelineModel other = StoreTrained(store, scratch.path, "other#model");
  BOOST_TEST(registry.Bind("svc", other.model_id(), other.model_version(), true).code() == StatusCode::kPermissionDenied);
  BOOST_TEST(registry.Bind("svc", other.model_id(), other.model_version(), false).ok());  // this party's own choice

  contract::MigrateModel mg;
  mg.set_model_id(m.model_id());
  mg.set_model_version(m.model_version());
  mg.set_new_model_id("arbiter-2#guest-1#host-2#model");
  mg.set_new_version("m1");
  for (const auto& [role, from, to] : {std::tuple<std::string, std::string, std::string>{"guest", "9999", "1"},
                                       {"host", "10000", "2"}, {"arbiter", "10000", "2"}}) {
    auto* mv = mg.add_moves();
    mv->set_role(role);
    mv->set_from_party_id(from);
    mv->set_to_party_id(to);
  }
  contract::MigrateModel wrong = mg;
  wrong.set_new_model_id(m.model_id());  // an id the moved roles do not make (an existing model)
  BOOST_TEST(registry.Migrate(wrong).code() == StatusCode::kInvalidArgument);
  BOOST_REQUIRE(registry.Migrate(mg).ok());
  BOOST_TEST(registry.Migrate(mg).code() == StatusCode::kAlreadyExists);  // never over an existing version
  auto moved = store.Get("arbiter-2#guest-1#host-2#model", "m1", "guest", "1");
  BOOST_REQUIRE(moved.ok());
  BOOST_TEST(moved->initiator().party_id() == "1");
  for (const auto& p : moved->parties()) BOOST_TEST((p.party_id() == "1" || p.party_id() == "2"));
  auto conf = bj::parse(moved->train_conf_json());
  BOOST_TEST(bj::serialize(conf.at("role").at("guest")) == "[\"1\"]");
  BOOST_TEST(store.Verify(*moved).ok());
  // The party that migrated keeps the copy to export, not as its own.
  BOOST_TEST(!registry.PartsHere("arbiter-2#guest-1#host-2#model", "m1").ok());
  BOOST_TEST(registry.StoredParts("arbiter-2#guest-1#host-2#model", "m1").ok());

  BOOST_REQUIRE(registry.Tag(m.model_id(), m.model_version(), {"best"}, {}).ok());
  BOOST_TEST(store.Get(m.model_id(), m.model_version(), "guest", "9999")->tags_size() == 1);
  BOOST_TEST(!registry.Tag(m.model_id(), m.model_version(), {"a b"}, {}).ok());
  BOOST_REQUIRE(registry.Delete(m.model_id(), m.model_version()).ok());
  BOOST_TEST(store.Get(m.model_id(), m.model_version(), "guest", "9999").status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(TheArchiveReaderRefusesDamagedArchivesWithoutCrashing) {
  auto archive = files::TarGzEntries({{"manifest.json", "{}"}, {"a/b/c/pipeline.json", std::string(3000, 'x')}});
  BOOST_REQUIRE(archive.ok());
  auto whole = files::UntarGzEntries(*archive, 1 << 20, 10);
  BOOST_REQUIRE(whole.ok());
  BOOST_TEST(whole->size() == 2u);
  BOOST_TEST((*whole)[1].second.size() == 3000u);
  // Every truncation, and bytes flipped across the stream: an error each time, never a crash.
  for (std::size_t n = 0; n < archive->size(); n += 7) BOOST_TEST(!files::UntarGzEntries(archive->substr(0, n), 1 << 20, 10).ok());
  std::uint32_t seed = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string damaged = *archive;
    seed = seed * 1103515245u + 12345u;
    damaged[seed % damaged.size()] = static_cast<char>(seed >> 16);
    (void)files::UntarGzEntries(damaged, 1 << 20, 10);  // any answer but a crash
  }
  // The limits hold: unpacked size and file count.
  BOOST_TEST(files::UntarGzEntries(*archive, 1000, 10).status().message().find("more than 1000 bytes") != std::string::npos);
  BOOST_TEST(files::UntarGzEntries(*archive, 1 << 20, 1).status().message().find("more than 1 files") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AnArchiveCannotWriteOutsideTheStoreAndAJobUsesOnlyItsPartiesModels) {
  TempDir home, scratch;
  model::ModelStore store((home.path / "models").string());
  SystemClock clock;
  model::ModelRegistry registry(store, {"9999", "", 1 << 20}, clock);
  // A manifest-consistent archive whose component name is an absolute path.
  const fs::path target = scratch.path / "evil";
  PipelineModel m;
  m.set_model_id("x");
  m.set_model_version("1");
  m.set_role("guest");
  m.set_party_id("9999");
  ComponentModel* c = m.add_components();
  c->set_component(target.string());
  c->set_output_key("k");
  ModelFile* f = c->add_files();
  f->set_name("f");
  f->set_sha256(security::Sha256Hex("payload"));
  f->set_bytes(7);
  const std::string pipeline = interconnect::ToJson(m);
  const std::string evil_name = "x/1/guest#9999/" + target.string() + "/model/k/f";
  bj::object manifest{{"files", bj::array{bj::object{{"name", "x/1/guest#9999/pipeline.json"}, {"sha256", security::Sha256Hex(pipeline)}},
                                          bj::object{{"name", evil_name}, {"sha256", security::Sha256Hex("payload")}}}}};
  auto archive = files::TarGzEntries({{"manifest.json", bj::serialize(manifest)},
                                      {"x/1/guest#9999/pipeline.json", pipeline},
                                      {evil_name, "payload"}});
  BOOST_REQUIRE(archive.ok());
  auto imported = registry.Import(*archive, true);
  BOOST_TEST(!imported.ok());
  BOOST_TEST(!fs::exists(target / "model" / "k" / "f"));
  BOOST_TEST(store.List("", "")->empty());

  // A predict job may only read a model its own parties trained, in their roles.
  PipelineModel trained = StoreTrained(store, scratch.path);
  JobSpec spec;
  spec.set_format("fate-1.x-dsl");
  spec.mutable_params()->set_job_type("predict");
  spec.mutable_initiator()->set_role("guest");
  spec.mutable_initiator()->set_party_id("9999");
  for (const auto& [role, id] : {std::pair<std::string, std::string>{"guest", "9999"}, {"host", "10000"}}) {
    PartyRef* p = spec.add_parties();
    p->set_role(role);
    p->set_party_id(id);
  }
  TaskSpec* t = spec.add_tasks();
  t->set_name("hetero_lr_0");
  InputRef* in = t->add_inputs();
  in->set_kind("model");
  in->set_key("model");
  in->set_producer("hetero_lr_0");
  in->set_output("model");
  in->set_model_id(trained.model_id());
  in->set_model_version(trained.model_version());
  PartyTask* pt = t->add_parties();
  pt->set_role("guest");
  pt->set_party_id("9999");
  pt->set_need_run(true);
  BOOST_TEST(model::CheckStoredInputs(store, spec, "9999").ok());
  spec.mutable_parties(1)->set_party_id("10001");  // a host the model was not trained with
  Status other = model::CheckStoredInputs(store, spec, "9999");
  BOOST_TEST(other.code() == StatusCode::kPermissionDenied);
  BOOST_TEST(other.message().find("has no host:10001") != std::string::npos, other.message());
}

BOOST_AUTO_TEST_SUITE_END()
