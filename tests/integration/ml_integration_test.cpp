// fedflow-ml on real servers: FATE's intersection example runs unchanged (RSA) and with ECDH on
// the breast data sets, with the canonical FATE parties (guest 9999; host and arbiter 10000 on one
// server); DataTransform's outputs feed the intersection; FATE's HeteroLR example learns (AUC of at
// least 0.98, FATE's own bar); Evaluation scores a prediction table.

#define BOOST_TEST_MODULE ff_ml_integration_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <fstream>
#include <string>

#include <boost/json.hpp>

#include "service/files/tar_gz.hpp"
#include "service/json/json.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/process.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/data/";
const std::string kV1 = std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v1-dsl/";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Guest 9999 and host 10000 with the breast tables uploaded (`kind`: hetero or homo), real
/// components; a third server (10001) takes no part.
/// Other party ids (`guest`, `host`) and a config addition for every party can be given.
std::unique_ptr<Federation> StartWithBreast(const std::string& name, const std::string& kind = "hetero",
                                            const std::string& guest = "9999", const std::string& host = "10000",
                                            const std::string& extra_yaml = "") {
  FederationOptions options;
  options.real_components = true;
  PartySetup g{guest}, h{host}, other{"10001"};
  g.extra_yaml = h.extra_yaml = extra_yaml;
  auto started = Federation::Start(name, {g, h, other}, options);
  BOOST_REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  std::unique_ptr<Federation> f = std::move(started).value();
  for (const auto& [party, table] : {std::pair<std::string, std::string>{guest, "breast_" + kind + "_guest"},
                                     {host, "breast_" + kind + "_host"}}) {
    Status up = f->UploadCsv(party, kData + table + ".csv", "experiment", table);
    BOOST_REQUIRE_MESSAGE(up.ok(), up.ToString());
  }
  return f;
}

/// A task's metric at a party: its data points as {key: value}.
bj::object MetricAt(Federation& f, const std::string& party, const std::string& role, const std::string& job,
                    const std::string& task, const std::string& ns, const std::string& name) {
  auto r = f.Call(party, "GET", "/v2/output/metric/query",
                  bj::object{{"job_id", job}, {"role", role}, {"party_id", party}, {"task_name", task},
                             {"namespace", ns}, {"name", name}});
  BOOST_REQUIRE(r.ok());
  BOOST_TEST_MESSAGE(party << " " << task << " " << ns << "/" << name << ": " << bj::serialize(r->body));
  bj::object points;
  const bj::value& data = r->data();
  const bj::array* metrics = data.is_array() ? &data.as_array() : nullptr;
  if (!metrics) return points;
  for (const auto& m : *metrics) {
    const bj::value* d = m.as_object().if_contains("data");
    if (!d || !d->is_array()) continue;
    for (const auto& p : d->as_array()) {
      const bj::object& o = p.as_object();
      const bj::value& key = o.at("key");
      points[key.is_string() ? std::string(key.as_string()) : json::Dump(key)] = o.at("value");
    }
  }
  return points;
}

/// The schema of a task's data output at a party.
bj::object OutputSchema(Federation& f, const std::string& party, const std::string& role, const std::string& job,
                        const std::string& task) {
  auto r = f.Call(party, "GET", "/v2/output/data/table",
                  bj::object{{"job_id", job}, {"role", role}, {"party_id", party}, {"task_name", task}});
  BOOST_REQUIRE(r.ok() && r->http_status == 200 && r->data().is_array() && !r->data().as_array().empty());
  return r->data().as_array()[0].at("schema").as_object();
}

/// The row count of a task's data output at a party (-1 when it has none).
std::int64_t OutputCount(Federation& f, const std::string& party, const std::string& role, const std::string& job,
                         const std::string& task) {
  auto r = f.Call(party, "GET", "/v2/output/data/table",
                  bj::object{{"job_id", job}, {"role", role}, {"party_id", party}, {"task_name", task}});
  BOOST_REQUIRE(r.ok());
  BOOST_TEST_MESSAGE(party << " " << task << " output: " << bj::serialize(r->body));
  if (r->http_status != 200 || !r->data().is_array() || r->data().as_array().empty()) return -1;
  const bj::object& first = r->data().as_array()[0].as_object();
  const bj::value* count = first.if_contains("count");
  return count && count->is_int64() ? count->as_int64() : -1;
}

double Number(const bj::object& o, const std::string& key) {
  const bj::value* v = o.if_contains(key);
  if (!v) return -12345;
  return v->is_double() ? v->as_double() : static_cast<double>(v->as_int64());
}

/// The example's conf with `edit` applied to its intersect_0 common parameters (and the guest's
/// label declared when `guest_label`).
std::string EditedConf(const std::function<void(bj::object&)>& edit, bool with_arbiter, bool guest_label = false) {
  bj::value conf = bj::parse(ReadText(kV1 + "test_intersect_job_rsa_conf.json"));
  edit(conf.at("component_parameters").at("common").at("intersect_0").as_object());
  if (guest_label) {
    conf.at("component_parameters").at("role").at("guest").at("0").at("data_transform_0").as_object()["with_label"] = true;
  }
  if (with_arbiter) conf.at("role").as_object()["arbiter"] = bj::array{10000};
  return bj::serialize(conf);
}

std::string RunToEnd(Federation& f, const std::string& dsl, const std::string& conf, const std::string& at = "9999") {
  auto job = f.Submit(at, dsl, conf);
  BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
  auto end = f.WaitJobEnd(at, *job, 180000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_REQUIRE_MESSAGE(*end == "success", FailureReason(f, at, *job));
  return *job;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(MlIntegrationTest)

BOOST_AUTO_TEST_CASE(FateIntersectionExampleRunsUnchangedWithRsaAndWithEcdh) {
  auto f = StartWithBreast("ml-psi");
  const std::string dsl = ReadText(kV1 + "test_intersect_job_dsl.json");

  // Unchanged: RSA 2048, sync_intersect_ids false: the guest has the 569 common rows, the host
  // learns nothing (FATE's semantics), only_output_key: ids only.
  const std::string rsa = RunToEnd(*f, dsl, ReadText(kV1 + "test_intersect_job_rsa_conf.json"));
  bj::object g = MetricAt(*f, "9999", "guest", rsa, "intersect_0", "train", "intersection");
  BOOST_TEST(Number(g, "intersect_count") == 569);
  BOOST_TEST(Number(g, "intersect_rate") == 1.0);
  BOOST_TEST(OutputCount(*f, "9999", "guest", rsa, "intersect_0") == 569);
  bj::object h = MetricAt(*f, "10000", "host", rsa, "intersect_0", "train", "intersection");
  BOOST_TEST(Number(h, "intersect_count") == -1);
  BOOST_TEST(OutputCount(*f, "10000", "host", rsa, "intersect_0") == -1);
  // DataTransform ran for real: 10 guest features (with_label false: y is a feature too).
  bj::object dt = MetricAt(*f, "9999", "guest", rsa, "data_transform_0", "train", "data_transform");
  BOOST_TEST(Number(dt, "rows") == 569);
  BOOST_TEST(Number(dt, "features") == 11);

  // ECDH with the ids synchronised, and the canonical arbiter 10000 on the host's server: both
  // sides have the 569 rows, with every column (only_output_key false).
  const std::string ecdh = RunToEnd(*f, dsl, EditedConf([](bj::object& p) {
                                      p["intersect_method"] = "ecdh";
                                      p["sync_intersect_ids"] = true;
                                      p["only_output_key"] = false;
                                      p.erase("rsa_params");
                                    }, true, true));
  BOOST_TEST(Number(MetricAt(*f, "9999", "guest", ecdh, "intersect_0", "train", "intersection"), "intersect_count") == 569);
  BOOST_TEST(Number(MetricAt(*f, "10000", "host", ecdh, "intersect_0", "train", "intersection"), "intersect_count") == 569);
  BOOST_TEST(OutputCount(*f, "9999", "guest", ecdh, "intersect_0") == 569);
  BOOST_TEST(OutputCount(*f, "10000", "host", ecdh, "intersect_0") == 569);
  // Ready for training and evaluation downstream: id and label declared at the guest, features numeric.
  bj::object schema = OutputSchema(*f, "9999", "guest", ecdh, "intersect_0");
  BOOST_TEST(std::string(schema.at("id_column").as_string()) == "id");
  BOOST_TEST(std::string(schema.at("label_column").as_string()) == "y");
  BOOST_TEST(schema.at("header").as_array().size() == 12u);  // id, y, x0..x9
  BOOST_TEST(std::string(OutputSchema(*f, "10000", "host", ecdh, "intersect_0").at("label_column").as_string()).empty());
  // Nothing ran at the arbiter: the manifest says these modules do not.
  for (const auto& t : f->LocalTasks("10000", ecdh)) BOOST_TEST(std::string(t.at("role").as_string()) == "host");

  // RSA with sync on: the host too.
  const std::string rsa_sync = RunToEnd(*f, dsl, EditedConf([](bj::object& p) {
                                          p["sync_intersect_ids"] = true;
                                          p.at("rsa_params").as_object()["key_length"] = 1024;
                                        }, false));
  BOOST_TEST(OutputCount(*f, "10000", "host", rsa_sync, "intersect_0") == 569);
}

BOOST_AUTO_TEST_CASE(FateHeteroLrExampleRunsUnchangedAndLearns) {
  auto f = StartWithBreast("ml-hetero-lr");
  // Reader -> DataTransform -> Intersection (rsa) -> HeteroLR (Paillier 1024) -> Evaluation, with
  // guest 9999 and host and arbiter on server 10000, FATE's files as they are.
  const std::string job = RunToEnd(*f, ReadText(kV1 + "hetero_lr_normal_dsl.json"), ReadText(kV1 + "hetero_lr_normal_conf.json"));
  bj::object summary = MetricAt(*f, "9999", "guest", job, "evaluation_0", "train", "hetero_lr_0");
  BOOST_TEST(Number(summary, "auc") >= 0.98);
  BOOST_TEST(Number(summary, "ks") > 0.8);
  // The loss per iteration at the guest and the arbiter, decreasing overall.
  for (const auto& [party, role] : {std::pair<std::string, std::string>{"9999", "guest"}, {"10000", "arbiter"}}) {
    bj::object loss = MetricAt(*f, party, role, job, "hetero_lr_0", "train", "loss");
    BOOST_REQUIRE(loss.size() >= 2u);
    BOOST_TEST(Number(loss, std::to_string(loss.size() - 1)) < Number(loss, "1"), role);
  }
  // The guest's predictions in FATE's columns, one per intersected id; the host keeps the ids.
  BOOST_TEST(OutputCount(*f, "9999", "guest", job, "hetero_lr_0") == 569);
  BOOST_TEST(OutputCount(*f, "10000", "host", job, "hetero_lr_0") == 569);
  bj::object schema = OutputSchema(*f, "9999", "guest", job, "hetero_lr_0");
  BOOST_TEST(bj::serialize(schema).find("predict_score") != std::string::npos, bj::serialize(schema));
}

/// The path of a task's data output at a party.
std::string OutputPath(Federation& f, const std::string& party, const std::string& role, const std::string& job,
                       const std::string& task) {
  auto r = f.Call(party, "GET", "/v2/output/data/table",
                  bj::object{{"job_id", job}, {"role", role}, {"party_id", party}, {"task_name", task}});
  BOOST_REQUIRE(r.ok() && r->http_status == 200 && r->data().is_array() && !r->data().as_array().empty());
  return std::string(r->data().as_array()[0].at("path").as_string());
}

BOOST_AUTO_TEST_CASE(AHeteroLrModelPredictsInALaterTaskAndFeatureScaleRuns) {
  auto f = StartWithBreast("ml-lr-predict");
  // The example's DSL with FeatureScale before the training, and a second HeteroLR that only
  // predicts with the first one's model (FATE's predict pattern).
  bj::value dsl = bj::parse(ReadText(kV1 + "hetero_lr_normal_dsl.json"));
  bj::object& components = dsl.at("components").as_object();
  components["feature_scale_0"] = bj::parse(R"({"module": "FeatureScale",
      "input": {"data": {"data": ["intersection_0.data"]}}, "output": {"data": ["data"], "model": ["model"]}})");
  components["hetero_lr_0"].at("input").at("data").as_object()["train_data"] = bj::array{"feature_scale_0.data"};
  components["hetero_lr_1"] = bj::parse(R"({"module": "HeteroLR",
      "input": {"data": {"test_data": ["feature_scale_0.data"]}, "model": ["hetero_lr_0.model"]},
      "output": {"data": ["data"]}})");
  bj::value conf = bj::parse(ReadText(kV1 + "hetero_lr_normal_conf.json"));
  conf.at("component_parameters").at("common").as_object()["feature_scale_0"] = bj::object{{"method", "standard_scale"}};
  const std::string job = RunToEnd(*f, bj::serialize(dsl), bj::serialize(conf));
  bj::object summary = MetricAt(*f, "9999", "guest", job, "evaluation_0", "train", "hetero_lr_0");
  BOOST_TEST(Number(summary, "auc") >= 0.98);
  // The predicting task's scores are the trained model's on the same rows, typed predict.
  auto trained = ReadText(OutputPath(*f, "9999", "guest", job, "hetero_lr_0"));
  auto predicted = ReadText(OutputPath(*f, "9999", "guest", job, "hetero_lr_1"));
  BOOST_TEST(OutputCount(*f, "9999", "guest", job, "hetero_lr_1") == 569);
  auto as_predict = trained;
  for (std::size_t at = 0; (at = as_predict.find(",train\n", at)) != std::string::npos;) as_predict.replace(at, 7, ",predict\n");
  BOOST_TEST((predicted == as_predict), predicted.substr(0, 300));
}

/// A model's parts at a party (/v2/model/query).
bj::array ModelParts(Federation& f, const std::string& party, const std::string& id, const std::string& version) {
  auto r = f.Call(party, "POST", "/v2/model/query", bj::object{{"model_id", id}, {"model_version", version}});
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_MESSAGE(r->code() == 0, r->message());
  return r->data().at("data").as_array();
}

/// An export of a model at a party (the archive's bytes).
std::string Export(Federation& f, const std::string& party, const std::string& id, const std::string& version) {
  http::HttpClient client;
  http::ClientRequest req;
  req.method = "POST";
  req.port = f.PortOf(party);
  req.target = "/v2/model/export";
  req.body = bj::serialize(bj::object{{"model_id", id}, {"model_version", version}});
  auto res = client.Call(req);
  BOOST_REQUIRE(res.ok());
  BOOST_REQUIRE_MESSAGE(res->status == 200, res->body);
  return res->body;
}

/// Imports an archive at a party; the envelope.
bj::object Import(Federation& f, const std::string& party, const std::string& archive) {
  http::HttpClient client;
  http::ClientRequest req;
  req.method = "POST";
  req.port = f.PortOf(party);
  req.target = "/v2/model/import";
  req.headers.emplace_back("Content-Type", "application/gzip");
  req.body = archive;
  auto res = client.Call(req);
  BOOST_REQUIRE(res.ok());
  return bj::parse(res->body).as_object();
}

/// FATE's predict conf for a model, job_type predict, optionally under other party ids.
std::string PredictConf(const std::string& model_id, const std::string& version, const std::string& guest = "9999",
                        const std::string& host = "10000") {
  bj::value conf = bj::parse(ReadText(kV1 + "hetero_lr_normal_predict_conf.json"));
  bj::object& common = conf.at("job_parameters").at("common").as_object();
  common["job_type"] = "predict";
  common["model_id"] = model_id;
  common["model_version"] = version;
  conf.at("initiator").as_object()["party_id"] = std::stoll(guest);
  conf.at("role").as_object()["guest"] = bj::array{std::stoll(guest)};
  conf.at("role").as_object()["host"] = bj::array{std::stoll(host)};
  conf.at("role").as_object()["arbiter"] = bj::array{std::stoll(host)};
  return bj::serialize(conf);
}

/// The guest's prediction table of a job with its type column set to "predict" (a training job's
/// rows read "train").
std::string PredictionsAsPredict(Federation& f, const std::string& party, const std::string& job) {
  std::string table = ReadText(OutputPath(f, party, "guest", job, "hetero_lr_0"));
  for (std::size_t at = 0; (at = table.find(",train\n", at)) != std::string::npos;) table.replace(at, 7, ",predict\n");
  return table;
}

BOOST_AUTO_TEST_CASE(TrainDeployPredictAndMoveTheModelToOtherFederations) {
  auto a = StartWithBreast("ml-model-a", "hetero", "9999", "10000", "model: {store_dir: model_store}\n");
  // Training leaves a pipeline model at every party, under FATE 1.x's key.
  const std::string train =
      RunToEnd(*a, ReadText(kV1 + "hetero_lr_normal_dsl.json"), ReadText(kV1 + "hetero_lr_normal_conf.json"));
  const std::string model_id = "arbiter-10000#guest-9999#host-10000#model";
  bj::array guest_parts = ModelParts(*a, "9999", model_id, train);
  BOOST_REQUIRE(guest_parts.size() == 1u);
  BOOST_TEST(std::string(guest_parts[0].at("role").as_string()) == "guest");
  std::set<std::string> guest_components;
  for (const auto& c : guest_parts[0].at("components").as_array()) guest_components.insert(std::string(c.at("component").as_string()));
  BOOST_TEST((guest_components == std::set<std::string>{"data_transform_0", "hetero_lr_0"}));
  std::set<std::string> host_roles;
  for (const auto& p : ModelParts(*a, "10000", model_id, train)) host_roles.insert(std::string(p.at("role").as_string()));
  BOOST_TEST((host_roles == std::set<std::string>{"arbiter", "host"}));

  // Deploy at every party: a new version whose predict DSL is FATE's own predict example.
  auto deployed = a->Call("9999", "POST", "/v2/model/deploy", bj::object{{"model_id", model_id}, {"model_version", train}});
  BOOST_REQUIRE(deployed.ok());
  BOOST_REQUIRE_MESSAGE(deployed->code() == 0, deployed->message());
  const std::string version(deployed->data().at("model_version").as_string());
  BOOST_TEST(version != train);
  BOOST_TEST(deployed->data().at("dsl") == bj::parse(ReadText(kV1 + "hetero_lr_normal_predict_dsl.json")));
  for (const auto& p : deployed->data().at("parties").as_array()) BOOST_TEST(p.at("ok").as_bool());
  BOOST_TEST(ModelParts(*a, "10000", model_id, version).size() == 2u);
  auto predict_dsl = a->Call("9999", "POST", "/v2/model/predict/dsl", bj::object{{"model_id", model_id}, {"model_version", version}});
  BOOST_REQUIRE(predict_dsl.ok());
  BOOST_TEST(predict_dsl->data() == deployed->data().at("dsl"));
  auto loaded = a->Call("9999", "POST", "/v2/model/load",
                        bj::object{{"job_parameters", bj::object{{"model_id", model_id}, {"model_version", version}}}});
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->code() == 0, loaded->message());

  // FATE's predict files, with the model's key: every id scores as in training.
  const std::string expected = PredictionsAsPredict(*a, "9999", train);
  const std::string predict =
      RunToEnd(*a, ReadText(kV1 + "hetero_lr_normal_predict_dsl.json"), PredictConf(model_id, version));
  BOOST_TEST(ReadText(OutputPath(*a, "9999", "guest", predict, "hetero_lr_0")) == expected);
  // Without a DSL the registry's predict DSL is planned; with Evaluation after it, the training AUC.
  auto plan = a->Call("9999", "POST", "/v2/job/plan", bj::object{{"runtime_conf", bj::parse(PredictConf(model_id, version))}});
  BOOST_REQUIRE(plan.ok());
  BOOST_REQUIRE_MESSAGE(plan->code() == 0, plan->message());
  BOOST_TEST(bj::serialize(plan->data().at("task_order")) ==
             R"(["reader_0","data_transform_0","intersection_0","hetero_lr_0"])");
  bj::value with_eval = bj::parse(ReadText(kV1 + "hetero_lr_normal_predict_dsl.json"));
  with_eval.at("components").as_object()["evaluation_0"] = bj::parse(
      R"({"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}}, "output": {"data": ["data"]}})");
  const std::string evaluated = RunToEnd(*a, bj::serialize(with_eval), PredictConf(model_id, version));
  BOOST_TEST(Number(MetricAt(*a, "9999", "guest", evaluated, "evaluation_0", "predict", "hetero_lr_0"), "auc") ==
             Number(MetricAt(*a, "9999", "guest", train, "evaluation_0", "train", "hetero_lr_0"), "auc"));
  // A predict job keeps no model of its own.
  BOOST_TEST(ModelParts(*a, "9999", model_id, predict).empty());

  // A model the parties do not have is refused at submit, naming the party.
  auto missing = a->Submit("9999", ReadText(kV1 + "hetero_lr_normal_predict_dsl.json"), PredictConf(model_id, "nope"));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().message().find("9999") != std::string::npos, missing.status().message());

  // Store, delete, restore: the same files come back.
  auto stored = a->Call("9999", "POST", "/v2/model/store", bj::object{{"model_id", model_id}, {"model_version", version}});
  BOOST_REQUIRE(stored.ok());
  BOOST_TEST(stored->code() == 0, stored->message());
  const std::string before = bj::serialize(ModelParts(*a, "9999", model_id, version)[0].at("components"));
  BOOST_TEST(a->Call("9999", "POST", "/v2/model/delete", bj::object{{"model_id", model_id}, {"model_version", version}})->code() == 0);
  BOOST_TEST(ModelParts(*a, "9999", model_id, version).empty());
  auto restored = a->Call("9999", "POST", "/v2/model/restore", bj::object{{"model_id", model_id}, {"model_version", version}});
  BOOST_REQUIRE(restored.ok());
  BOOST_TEST(restored->code() == 0, restored->message());
  BOOST_TEST(bj::serialize(ModelParts(*a, "9999", model_id, version)[0].at("components")) == before);

  // Export both parties' parts; a changed file is refused on import and nothing is stored.
  const std::string guest_archive = Export(*a, "9999", model_id, version);
  const std::string host_archive = Export(*a, "10000", model_id, version);
  auto b = StartWithBreast("ml-model-b");
  auto entries = files::UntarGzEntries(guest_archive, 1 << 24, 100);
  BOOST_REQUIRE(entries.ok());
  bool changed = false;
  for (auto& [name, content] : *entries) {
    if (name.find("hetero_lr_0/model/model/model.pb") != std::string::npos) {
      content[content.size() / 2] ^= 0x01;
      changed = true;
    }
  }
  BOOST_REQUIRE(changed);
  auto tampered = files::TarGzEntries(*entries);
  BOOST_REQUIRE(tampered.ok());
  bj::object refused = Import(*b, "9999", *tampered);
  BOOST_TEST(refused.at("code").as_int64() != 0);
  BOOST_TEST(std::string(refused.at("message").as_string()).find("SHA-256") != std::string::npos, bj::serialize(refused));
  BOOST_TEST(ModelParts(*b, "9999", model_id, version).empty());

  // Imported at the guest only, the predict job is refused naming the host; with both, it
  // scores as in the first federation.
  BOOST_TEST(Import(*b, "9999", guest_archive).at("code").as_int64() == 0);
  auto half = b->Submit("9999", ReadText(kV1 + "hetero_lr_normal_predict_dsl.json"), PredictConf(model_id, version));
  BOOST_REQUIRE(!half.ok());
  BOOST_TEST(half.status().message().find("10000") != std::string::npos, half.status().message());
  BOOST_TEST(Import(*b, "10000", host_archive).at("code").as_int64() == 0);
  const std::string in_b = RunToEnd(*b, ReadText(kV1 + "hetero_lr_normal_predict_dsl.json"), PredictConf(model_id, version));
  BOOST_TEST(ReadText(OutputPath(*b, "9999", "guest", in_b, "hetero_lr_0")) == expected);
  b.reset();

  // Migrate to guest 9998 and host/arbiter 10002; the copies move to a federation with those ids.
  auto migrated = a->Call("9999", "POST", "/v2/model/migrate",
                          bj::object{{"model_id", model_id},
                                     {"model_version", version},
                                     {"migrate_role", bj::object{{"guest", bj::array{9998}},
                                                                 {"host", bj::array{10002}},
                                                                 {"arbiter", bj::array{10002}}}},
                                     {"unify_model_version", "migrated_1"}});
  BOOST_REQUIRE(migrated.ok());
  BOOST_REQUIRE_MESSAGE(migrated->code() == 0, migrated->message());
  const std::string new_id = "arbiter-10002#guest-9998#host-10002#model";
  BOOST_TEST(std::string(migrated->data().at("model_id").as_string()) == new_id);
  const std::string moved_guest = Export(*a, "9999", new_id, "migrated_1");
  const std::string moved_host = Export(*a, "10000", new_id, "migrated_1");
  a.reset();
  auto c = StartWithBreast("ml-model-c", "hetero", "9998", "10002");
  BOOST_TEST(Import(*c, "9998", moved_guest).at("code").as_int64() == 0);
  BOOST_TEST(Import(*c, "10002", moved_host).at("code").as_int64() == 0);
  const std::string in_c = RunToEnd(*c, ReadText(kV1 + "hetero_lr_normal_predict_dsl.json"),
                                    PredictConf(new_id, "migrated_1", "9998", "10002"), "9998");
  BOOST_TEST(ReadText(OutputPath(*c, "9998", "guest", in_c, "hetero_lr_0")) == expected);
}

BOOST_AUTO_TEST_CASE(AHomoModelPredictsFromTheRegistryWithItsScaler) {
  auto f = StartWithBreast("ml-model-homo", "homo");
  const std::string train = RunToEnd(*f, ReadText(kV1 + "homo_lr_train_dsl.json"), ReadText(kV1 + "homo_lr_train_conf.json"));
  const bj::object key{{"model_id", "arbiter-10000#guest-9999#host-10000#model"}, {"model_version", train}};
  auto deployed = f->Call("9999", "POST", "/v2/model/deploy", key);
  BOOST_REQUIRE(deployed.ok());
  BOOST_REQUIRE_MESSAGE(deployed->code() == 0, deployed->message());
  bj::object deployed_key = key;
  deployed_key["model_version"] = deployed->data().at("model_version");
  // The predict conf the registry proposes, and no DSL: DataTransform, FeatureScale and HomoLR
  // run from their models at guest and host.
  auto conf = f->Call("9999", "POST", "/v2/model/predict/conf", deployed_key);
  BOOST_REQUIRE(conf.ok());
  BOOST_REQUIRE_MESSAGE(conf->code() == 0, conf->message());
  auto submitted = f->Call("9999", "POST", "/v2/job/submit", bj::object{{"runtime_conf", conf->data()}});
  BOOST_REQUIRE(submitted.ok());
  BOOST_REQUIRE_MESSAGE(submitted->code() == 0, submitted->message());
  const std::string predict(submitted->data().at("job_id").as_string());
  auto end = f->WaitJobEnd("9999", predict, 120000);
  BOOST_REQUIRE(end.ok());
  BOOST_REQUIRE_MESSAGE(*end == "success", FailureReason(*f, "9999", predict));
  for (const std::string party : {"9999", "10000"}) {
    const std::string role = party == "9999" ? "guest" : "host";
    std::string expected = ReadText(OutputPath(*f, party, role, train, "homo_lr_0"));
    for (std::size_t at = 0; (at = expected.find(",train\n", at)) != std::string::npos;) expected.replace(at, 7, ",predict\n");
    BOOST_TEST(ReadText(OutputPath(*f, party, role, predict, "homo_lr_0")) == expected, party);
  }
}

BOOST_AUTO_TEST_CASE(FateHomoLrExampleRunsUnchangedWithSecureAggregation) {
  auto f = StartWithBreast("ml-homo-lr", "homo");
  // Reader -> DataTransform -> FeatureScale -> HomoLR -> Evaluation (not at the host: need_run false).
  const std::string job = RunToEnd(*f, ReadText(kV1 + "homo_lr_train_dsl.json"), ReadText(kV1 + "homo_lr_train_conf.json"));
  bj::object summary = MetricAt(*f, "9999", "guest", job, "evaluation_0", "train", "homo_lr_0");
  BOOST_TEST(Number(summary, "auc") >= 0.97);
  // The model at both clients, predictions of their own rows at each, the loss at the arbiter.
  BOOST_TEST(OutputCount(*f, "9999", "guest", job, "homo_lr_0") == 227);
  BOOST_TEST(OutputCount(*f, "10000", "host", job, "homo_lr_0") == 228);
  bj::object loss = MetricAt(*f, "10000", "arbiter", job, "homo_lr_0", "train", "loss");
  BOOST_REQUIRE(loss.size() >= 2u);
  BOOST_TEST(Number(loss, std::to_string(loss.size() - 1)) < Number(loss, "0"));
}

BOOST_AUTO_TEST_CASE(EvaluationScoresAPredictionTableWithFateMetricNames) {
  auto f = StartWithBreast("ml-eval");
  // A prediction table in FATE's predict output columns (label, predict_score, type).
  const std::string predictions =
      "id,label,predict_score,type\n0,1,0.9,train\n1,0,0.8,train\n2,1,0.7,train\n3,0,0.7,train\n4,1,0.6,train\n"
      "5,1,0.5,train\n6,0,0.4,train\n7,0,0.3,train\n8,1,0.2,train\n9,0,0.1,train\n";
  std::ofstream(f->HomeOf("9999") + "/import/scores.csv") << predictions;
  auto up = f->Call("9999", "POST", "/v2/data/component/upload",
                    bj::object{{"file", "scores.csv"}, {"namespace", "experiment"}, {"name", "scores"}, {"head", 1}});
  BOOST_REQUIRE(up.ok() && up->code() == 0);
  const std::string dsl = R"({"components": {
      "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
      "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["reader_0.data"]}}}}})";
  const std::string conf = R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
      "role": {"guest": [9999]},
      "component_parameters": {"common": {"evaluation_0": {"eval_type": "binary", "pos_label": 1}},
        "role": {"guest": {"0": {"reader_0": {"table": {"namespace": "experiment", "name": "scores"}}}}}}})";
  const std::string job = RunToEnd(*f, dsl, conf);
  // Same values as the hand-computed unit test (tests/ml): the data went through the Reader.
  bj::object summary = MetricAt(*f, "9999", "guest", job, "evaluation_0", "train", "reader_0");
  BOOST_TEST(Number(summary, "auc") == 0.62);
  BOOST_TEST(Number(summary, "ks") == 0.4);
  BOOST_TEST(Number(summary, "accuracy") == 0.7);
  // ROC points are (fpr, tpr): (0,0) then one per distinct score (9 here).
  auto roc = f->Call("9999", "GET", "/v2/output/metric/query",
                     bj::object{{"job_id", job}, {"role", "guest"}, {"party_id", "9999"}, {"task_name", "evaluation_0"},
                                {"namespace", "train"}, {"name", "reader_0_roc"}});
  BOOST_REQUIRE(roc.ok() && roc->data().is_array() && roc->data().as_array().size() == 1u);
  BOOST_TEST(roc->data().as_array()[0].at("data").as_array().size() == 10u);
  auto keys = f->Call("9999", "GET", "/v2/output/metric/key/query",
                      bj::object{{"job_id", job}, {"role", "guest"}, {"party_id", "9999"}, {"task_name", "evaluation_0"}});
  BOOST_REQUIRE(keys.ok());
  const std::string listed = bj::serialize(keys->body);
  for (const char* type : {"EVALUATION_SUMMARY", "ROC_EVALUATION", "KS_EVALUATION", "LIFT_EVALUATION", "GAIN_EVALUATION",
                           "PRECISION_BINARY_EVALUATION", "RECALL_BINARY_EVALUATION", "CONFUSION_MAT"}) {
    BOOST_TEST(listed.find(type) != std::string::npos, type << " in " << listed);
  }
}

BOOST_AUTO_TEST_CASE(BadParametersFailTheTaskWithAReasonNamingThem) {
  auto f = StartWithBreast("ml-bad");
  const std::string dsl = ReadText(kV1 + "test_intersect_job_dsl.json");
  bj::value conf = bj::parse(ReadText(kV1 + "test_intersect_job_rsa_conf.json"));
  conf.at("component_parameters").at("role").at("guest").at("0").at("data_transform_0").as_object()["with_label"] = true;
  conf.at("component_parameters").at("role").at("guest").at("0").at("data_transform_0").as_object()["label_name"] = "target";
  auto job = f->Submit("9999", dsl, bj::serialize(conf));
  BOOST_REQUIRE(job.ok());
  auto end = f->WaitJobEnd("9999", *job, 120000);
  BOOST_REQUIRE(end.ok());
  BOOST_TEST(*end == "failed");
  const std::string reason = FailureReason(*f, "9999", *job);
  BOOST_TEST(reason.find("parameter 'label_name' is 'target'") != std::string::npos, reason);
  BOOST_TEST(reason.find("guest:9999") != std::string::npos, reason);
}

BOOST_AUTO_TEST_SUITE_END()
