// The built-in ML modules without servers: evaluation metrics against known answers, PSI between
// threads over an in-memory channel (both methods, edge cases), DataTransform's conversions and
// its errors.

#define BOOST_TEST_MODULE ff_ml_test
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <thread>

#include "components/ml/common/memory_channel.hpp"
#include "components/ml/data_transform/data_transform.hpp"
#include "components/ml/evaluation/metrics.hpp"
#include "components/ml/feature_scale/feature_scale.hpp"
#include "components/ml/intersection/psi.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/transport.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::ml;
namespace bj = boost::json;
namespace tt = boost::test_tools;

namespace {

// ---- PSI between threads ----

const PartyRef kGuest{"guest", "9999"};
const PartyRef kHost{"host", "10000"};
const PartyRef kHost2{"host", "10001"};

struct Outcome {
  PsiResult guest;
  std::vector<PsiResult> hosts;
};

/// Runs the guest (with `o`) and each host (with `host_o`) on its own thread.
Outcome RunPsi(const PsiOptions& o, const PsiOptions& host_o, const std::vector<std::string>& guest_ids,
               const std::vector<std::vector<std::string>>& host_ids) {
  MemoryNetwork net;
  std::vector<PartyRef> hosts = {kHost, kHost2};
  hosts.resize(host_ids.size());
  Outcome out;
  out.hosts.resize(host_ids.size());
  std::vector<Status> host_status(host_ids.size());
  std::vector<std::thread> threads;
  for (std::size_t h = 0; h < host_ids.size(); ++h) {
    threads.emplace_back([&, h] {
      MemoryNetwork::End end(net, hosts[h]);
      auto r = RunPsiHost(end, host_o, Distinct(host_ids[h]), kGuest);
      host_status[h] = r.status();
      if (r.ok()) out.hosts[h] = *r;
    });
  }
  MemoryNetwork::End end(net, kGuest);
  auto g = RunPsiGuest(end, o, Distinct(guest_ids), hosts);
  for (auto& t : threads) t.join();
  BOOST_REQUIRE_MESSAGE(g.ok(), g.status().ToString());
  for (const auto& s : host_status) BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  out.guest = *g;
  return out;
}

Outcome RunPsi(const PsiOptions& o, const std::vector<std::string>& guest_ids,
               const std::vector<std::vector<std::string>>& host_ids) {
  return RunPsi(o, o, guest_ids, host_ids);
}

std::set<std::string> AsSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

PsiOptions Method(const std::string& m) {
  PsiOptions o;
  o.method = m;
  o.key_length = 1024;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Psi)

BOOST_AUTO_TEST_CASE(BothMethodsFindTheSameIntersectionAtGuestAndHost) {
  std::vector<std::string> guest, host;
  for (int i = 0; i < 300; ++i) guest.push_back("id" + std::to_string(i));
  for (int i = 200; i < 600; ++i) host.push_back("id" + std::to_string(i));
  std::set<std::string> expected;
  for (int i = 200; i < 300; ++i) expected.insert("id" + std::to_string(i));
  for (const std::string m : {"rsa", "ecdh"}) {
    Outcome r = RunPsi(Method(m), guest, {host});
    BOOST_TEST(r.guest.count == 100, m);
    BOOST_TEST(r.guest.knows_ids);
    BOOST_TEST((AsSet(r.guest.ids) == expected), m);
    BOOST_TEST(r.hosts[0].knows_ids, m);
    BOOST_TEST((AsSet(r.hosts[0].ids) == expected), m);
    // The guest keeps its input order.
    BOOST_TEST(r.guest.ids.front() == "id200");
  }
}

BOOST_AUTO_TEST_CASE(TheSaltAndHashMethodShapeWhatIsCompared) {
  for (const std::string m : {"rsa", "ecdh"}) {
    PsiOptions salted = Method(m);
    salted.salt = "s1";
    salted.hash_method = "md5";
    BOOST_TEST(RunPsi(salted, {"a", "b", "c"}, {{"b", "c", "d"}}).guest.count == 2, m);
    // Sides that disagree on the salt, or on the hash, find nothing: both are really applied.
    PsiOptions other_salt = salted;
    other_salt.salt = "s2";
    BOOST_TEST(RunPsi(salted, other_salt, {"a", "b", "c"}, {{"b", "c", "d"}}).guest.count == 0, m);
    PsiOptions other_hash = salted;
    other_hash.hash_method = "sha256";
    BOOST_TEST(RunPsi(salted, other_hash, {"a", "b", "c"}, {{"b", "c", "d"}}).guest.count == 0, m);
  }
}

BOOST_AUTO_TEST_CASE(DuplicatesEmptySidesNoAndFullOverlap) {
  for (const std::string m : {"rsa", "ecdh"}) {
    // Duplicates count once.
    Outcome dup = RunPsi(Method(m), {"a", "b", "a", "c", "b"}, {{"b", "b", "c", "d"}});
    BOOST_TEST((AsSet(dup.guest.ids) == std::set<std::string>{"b", "c"}), m);
    BOOST_TEST(dup.guest.ids.size() == 2u);
    BOOST_TEST((AsSet(dup.hosts[0].ids) == std::set<std::string>{"b", "c"}), m);
    // Empty sides.
    Outcome empty_guest = RunPsi(Method(m), {}, {{"a", "b"}});
    BOOST_TEST(empty_guest.guest.count == 0, m);
    BOOST_TEST(empty_guest.hosts[0].ids.empty());
    Outcome empty_host = RunPsi(Method(m), {"a", "b"}, {{}});
    BOOST_TEST(empty_host.guest.count == 0, m);
    BOOST_TEST(empty_host.guest.ids.empty());
    // No overlap, full overlap.
    Outcome none = RunPsi(Method(m), {"a", "b", "c"}, {{"x", "y"}});
    BOOST_TEST(none.guest.count == 0, m);
    BOOST_TEST(none.hosts[0].count == 0);
    Outcome full = RunPsi(Method(m), {"a", "b", "c"}, {{"c", "b", "a"}});
    BOOST_TEST(full.guest.count == 3, m);
    BOOST_TEST((AsSet(full.hosts[0].ids) == std::set<std::string>{"a", "b", "c"}));
  }
}

BOOST_AUTO_TEST_CASE(WithoutSyncTheHostLearnsNothingAndCardinalityOnlyGivesACount) {
  for (const std::string m : {"rsa", "ecdh"}) {
    PsiOptions no_sync = Method(m);
    no_sync.sync_intersect_ids = false;
    Outcome a = RunPsi(no_sync, {"a", "b", "c"}, {{"b", "c", "d"}});
    BOOST_TEST(a.guest.count == 2, m);
    BOOST_TEST(!a.hosts[0].knows_ids);
    BOOST_TEST(a.hosts[0].ids.empty());
    BOOST_TEST(a.hosts[0].count == -1);

    PsiOptions count_only = Method(m);
    count_only.cardinality_only = true;
    Outcome b = RunPsi(count_only, {"a", "b", "c", "e"}, {{"b", "c", "d", "e"}});
    BOOST_TEST(b.guest.count == 3, m);
    BOOST_TEST(!b.guest.knows_ids);
    BOOST_TEST(b.guest.ids.empty());
    BOOST_TEST(!b.hosts[0].knows_ids);
  }
}

BOOST_AUTO_TEST_CASE(TwoHostsIntersectWithTheGuestTogether) {
  for (const std::string m : {"rsa", "ecdh"}) {
    Outcome r = RunPsi(Method(m), {"a", "b", "c", "d"}, {{"a", "b", "c"}, {"b", "c", "d"}});
    BOOST_TEST((AsSet(r.guest.ids) == std::set<std::string>{"b", "c"}), m);
    BOOST_TEST((AsSet(r.hosts[0].ids) == std::set<std::string>{"b", "c"}), m);
    BOOST_TEST((AsSet(r.hosts[1].ids) == std::set<std::string>{"b", "c"}), m);
  }
}

BOOST_AUTO_TEST_CASE(AnUnknownMethodIsRefusedBeforeAnythingIsSent) {
  MemoryNetwork net;
  MemoryNetwork::End end(net, kGuest);
  PsiOptions o;
  o.method = "raw";
  auto r = RunPsiGuest(end, o, {"a"}, {kHost});
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message().find("use rsa or ecdh") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Metrics)

// Labels and scores with a tie at 0.7 across classes. Expected values computed by hand (AUC by
// the Mann-Whitney pair count, an independent method: 15.5 of 25 pairs ordered right = 0.62).
const std::vector<int> kLabels = {1, 0, 1, 0, 1, 1, 0, 0, 1, 0};
const std::vector<double> kScores = {0.9, 0.8, 0.7, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};

BOOST_AUTO_TEST_CASE(BinaryMetricsMatchHandComputedValues) {
  BinaryMetrics m = ComputeBinary(kLabels, kScores);
  BOOST_TEST(m.auc == 0.62, tt::tolerance(1e-12));
  BOOST_TEST(m.ks == 0.4, tt::tolerance(1e-12));  // at 0.5: tpr 0.8 - fpr 0.4
  BOOST_TEST(m.ks_threshold == 0.5);
  BOOST_TEST(m.tp == 4);
  BOOST_TEST(m.fp == 2);
  BOOST_TEST(m.tn == 3);
  BOOST_TEST(m.fn == 1);
  BOOST_TEST(m.accuracy == 0.7, tt::tolerance(1e-12));
  BOOST_TEST(m.precision == 4.0 / 6.0, tt::tolerance(1e-12));
  BOOST_TEST(m.recall == 0.8, tt::tolerance(1e-12));
  BOOST_TEST(Round6(m.f1) == 0.727273);
  // ROC: (0,0), then one point per distinct score; the tie moves diagonally.
  BOOST_REQUIRE(m.roc.size() == 10u);
  BOOST_TEST(m.roc[3].threshold == 0.7);
  BOOST_TEST(m.roc[3].tpr == 0.4, tt::tolerance(1e-12));
  BOOST_TEST(m.roc[3].fpr == 0.4, tt::tolerance(1e-12));
  BOOST_TEST(m.roc.back().tpr == 1.0);
  BOOST_TEST(m.roc.back().fpr == 1.0);
  // Lift and gain: top 10% = 1 positive of 1 (base rate 0.5), top 50% = 3 of 5.
  BOOST_TEST(m.lift[0] == 2.0, tt::tolerance(1e-12));
  BOOST_TEST(m.gain[0] == 0.2, tt::tolerance(1e-12));
  BOOST_TEST(m.lift[4] == 1.2, tt::tolerance(1e-12));
  BOOST_TEST(m.gain[4] == 0.6, tt::tolerance(1e-12));
  BOOST_TEST(m.lift[9] == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(m.gain[9] == 1.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(SingleClassLabelsHaveNoAuc) {
  BinaryMetrics m = ComputeBinary({1, 1, 1}, {0.2, 0.5, 0.9});
  BOOST_TEST(m.auc == 0.0);
  BOOST_TEST(m.ks == 0.0);
  BOOST_TEST(m.recall == 2.0 / 3.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(RegressionMetricsMatchScikitLearnsDocumentedExample) {
  // scikit-learn's documentation example: y = [3, -0.5, 2, 7], prediction = [2.5, 0, 2, 8].
  RegressionMetrics m = ComputeRegression({3, -0.5, 2, 7}, {2.5, 0.0, 2, 8});
  BOOST_TEST(m.mse == 0.375, tt::tolerance(1e-12));
  BOOST_TEST(m.rmse == 0.6123724356957945, tt::tolerance(1e-12));
  BOOST_TEST(m.mae == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(m.r2 == 0.9486081370449679, tt::tolerance(1e-12));
  BOOST_TEST(m.explained_variance == 0.9571734475374732, tt::tolerance(1e-12));
  BOOST_TEST(m.median_absolute_error == 0.5, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(MultiClassMetricsMatchHandComputedValues) {
  // Correct: 4 of 7. Predicted a:2 (2 right), b:2 (1), c:3 (1); actual a:3, b:2, c:2.
  MultiMetrics m = ComputeMulti({"a", "b", "c", "a", "b", "c", "a"}, {"a", "b", "b", "a", "c", "c", "c"});
  BOOST_TEST(m.accuracy == 4.0 / 7.0, tt::tolerance(1e-12));
  BOOST_REQUIRE(m.classes.size() == 3u);
  BOOST_TEST(m.precision[0] == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(m.precision[1] == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(m.precision[2] == 1.0 / 3.0, tt::tolerance(1e-12));
  BOOST_TEST(m.recall[0] == 2.0 / 3.0, tt::tolerance(1e-12));
  BOOST_TEST(m.recall[1] == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(m.recall[2] == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(Round6(m.macro_precision) == 0.611111);
  BOOST_TEST(Round6(m.macro_recall) == 0.555556);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DataTransform)

worker::CsvTable Input() {
  worker::CsvTable t;
  t.header = {"id", "y", "x0", "x1"};
  t.rows = {{"1", "1", "0.5", "2"}, {"2", "0", "", "4"}, {"3", "1", "1.5", "NA"}};
  return t;
}

StatusOr<worker::CsvTable> Run(const bj::object& params, models::DataTransformModel* model) {
  return TransformDense(worker::Params(params, "component data_transform_0 at guest:9999"), Input(), "input.csv", model);
}

BOOST_AUTO_TEST_CASE(FillsMissingValuesWithTheColumnMean) {
  models::DataTransformModel model;
  auto out = Run(bj::object{{"with_label", true}, {"missing_fill", true}, {"missing_fill_method", "mean"}}, &model);
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  BOOST_TEST((out->header == std::vector<std::string>{"id", "y", "x0", "x1"}));
  BOOST_TEST(out->rows[1][2] == "1");  // mean of 0.5 and 1.5
  BOOST_TEST(out->rows[2][3] == "3");  // mean of 2 and 4
  BOOST_TEST(model.label_column() == "y");
  BOOST_TEST(model.features_size() == 2);
  BOOST_TEST(model.fill_values(0) == 1.0);
  BOOST_TEST(model.rows() == 3);
}

BOOST_AUTO_TEST_CASE(WithoutALabelTheLabelColumnIsAFeature) {
  models::DataTransformModel model;
  auto out = Run(bj::object{{"missing_fill", true}, {"default_value", 9}}, &model);
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  BOOST_TEST((out->header == std::vector<std::string>{"id", "y", "x0", "x1"}));
  BOOST_TEST(model.label_column().empty());
  BOOST_TEST(model.features_size() == 3);
  BOOST_TEST(out->rows[1][2] == "9");
}

BOOST_AUTO_TEST_CASE(ErrorsNameTheParameterColumnAndRow) {
  models::DataTransformModel model;
  auto no_label = Run(bj::object{{"with_label", true}, {"label_name", "label"}}, &model);
  BOOST_REQUIRE(!no_label.ok());
  BOOST_TEST(no_label.status().message().find("parameter 'label_name' is 'label'") != std::string::npos,
             no_label.status().message());
  BOOST_TEST(no_label.status().message().find("columns: id, y, x0, x1") != std::string::npos);
  BOOST_TEST(no_label.status().message().find("at guest:9999") != std::string::npos);

  auto missing = Run(bj::object{{"with_label", true}}, &model);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().message().find("line 3 (id 2), column x0: missing value") != std::string::npos,
             missing.status().message());

  worker::CsvTable bad = Input();
  bad.rows[2][2] = "abc";
  auto not_number = TransformDense(worker::Params(bj::object{{"with_label", true}, {"missing_fill", true}}, "here"), bad,
                                   "input.csv", &model);
  BOOST_REQUIRE(!not_number.ok());
  BOOST_TEST(not_number.status().message().find("column x0: 'abc' is not a number") != std::string::npos,
             not_number.status().message());

  auto typo = Run(bj::object{{"with_lable", true}}, &model);
  BOOST_REQUIRE(!typo.ok());
  BOOST_TEST(typo.status().message().find("parameter 'with_lable' is not a parameter of this module") !=
             std::string::npos);

  auto format = Run(bj::object{{"output_format", "sparse"}}, &model);
  BOOST_REQUIRE(!format.ok());
  BOOST_TEST(format.status().message().find("use one of: dense") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Sdk)

BOOST_AUTO_TEST_CASE(ListsAndNumericArraysRoundTripAndMalformedOnesAreRefused) {
  const std::vector<std::string> items = {"", "a", std::string(300, 'x'), std::string("\0\1", 2)};
  auto list = worker::DecodeList(worker::EncodeList(items));
  BOOST_REQUIRE(list.ok());
  BOOST_TEST((*list == items));
  BOOST_TEST(worker::DecodeList(worker::EncodeList({})).value().empty());
  std::string truncated = worker::EncodeList({"hello"});
  truncated.pop_back();
  BOOST_TEST(!worker::DecodeList(truncated).ok());
  BOOST_TEST(!worker::DecodeList("\x01\x02").ok());

  const std::vector<double> values = {0.0, -1.5, 3.141592653589793, 1e-300, -0.0};
  auto doubles = worker::DecodeDoubles(worker::EncodeDoubles(values));
  BOOST_REQUIRE(doubles.ok());
  BOOST_TEST((*doubles == values));
  BOOST_TEST(worker::EncodeDoubles({1.0}) == std::string("\0\0\0\0\0\0\xf0\x3f", 8));  // little-endian IEEE
  BOOST_TEST(!worker::DecodeDoubles("1234567").ok());
}

BOOST_AUTO_TEST_CASE(ParameterErrorsNameTheParameterAndWhere) {
  worker::Params p(bj::object{{"n", 5}, {"s", "x"}, {"b", "yes"}, {"o", 1}}, "component c_0 at host:10000");
  BOOST_TEST(p.Int("n", 0, 0, 10).value() == 5);
  BOOST_TEST(p.Int("missing", 7, 0, 10).value() == 7);
  auto range = p.Int("n", 0, 0, 3);
  BOOST_TEST(range.status().message() == "component c_0 at host:10000: parameter 'n' is 5; it must be between 0 and 3");
  BOOST_TEST(p.Bool("b", false).status().message() == "component c_0 at host:10000: parameter 'b' must be true or false");
  BOOST_TEST(p.Choice("s", "a", {"a", "b"}).status().message().find("is 'x'; use one of: a, b") != std::string::npos);
  BOOST_TEST(p.Object("o").status().message().find("parameter 'o' must be an object") != std::string::npos);
  BOOST_TEST(p.CheckKnown({"n", "s", "b"}).message().find("parameter 'o' is not a parameter of this module") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FeatureScale)

namespace {

worker::CsvTable Numbers() {
  worker::CsvTable t;
  t.header = {"id", "y", "a", "b", "c"};
  t.rows = {{"1", "0", "1", "10", "5"}, {"2", "1", "2", "20", "5"}, {"3", "0", "3", "30", "5"}, {"4", "1", "6", "40", "5"}};
  return t;
}

StatusOr<worker::CsvTable> Scale(const bj::object& params, models::FeatureScaleModel* model = nullptr) {
  auto m = FitFeatureScale(worker::Params(params, "component scale_0 at guest:9999"), Numbers(), "y", "in.csv");
  if (!m.ok()) return m.status();
  if (model) *model = *m;
  return ApplyFeatureScale(*m, Numbers(), "in.csv");
}

std::vector<std::string> Column(const worker::CsvTable& t, std::size_t c) {
  std::vector<std::string> out;
  for (const auto& r : t.rows) out.push_back(r[c]);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(MinMaxAndStandardScaleMatchHandComputedValues) {
  auto mm = Scale(bj::object{{"method", "min_max_scale"}});
  BOOST_REQUIRE_MESSAGE(mm.ok(), mm.status().ToString());
  // a: min 1, max 6; b: 10..40; c constant (scale 1, offset 5); id and label untouched.
  BOOST_TEST((Column(*mm, 2) == std::vector<std::string>{"0", "0.2", "0.4", "1"}));
  BOOST_TEST((Column(*mm, 3) == std::vector<std::string>{"0", "0.3333333333", "0.6666666667", "1"}));
  BOOST_TEST((Column(*mm, 4) == std::vector<std::string>{"0", "0", "0", "0"}));
  BOOST_TEST((Column(*mm, 1) == std::vector<std::string>{"0", "1", "0", "1"}));
  // standard: a has mean 3 and population std sqrt(3.5) = 1.870828693.
  auto st = Scale(bj::object{{"method", "standard_scale"}, {"scale_names", bj::array{"a"}}, {"scale_col_indexes", bj::array{}}});
  BOOST_REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  BOOST_TEST((Column(*st, 2) == std::vector<std::string>{"-1.069044968", "-0.5345224838", "0", "1.603567451"}));
  BOOST_TEST((Column(*st, 3) == std::vector<std::string>{"10", "20", "30", "40"}));  // not selected
  auto no_std = Scale(bj::object{{"method", "standard_scale"}, {"with_std", false}, {"scale_col_indexes", bj::array{0}}});
  BOOST_TEST((Column(*no_std, 2) == std::vector<std::string>{"-2", "-1", "0", "3"}));
}

BOOST_AUTO_TEST_CASE(BoundsClipBeforeScalingAndCapUsesQuantiles) {
  // a clipped to [2, 4] then min-max over [2, 4].
  auto clipped = Scale(bj::object{{"method", "min_max_scale"}, {"scale_col_indexes", bj::array{0}},
                                  {"feat_lower", 2}, {"feat_upper", 4}});
  BOOST_REQUIRE_MESSAGE(clipped.ok(), clipped.status().ToString());
  BOOST_TEST((Column(*clipped, 2) == std::vector<std::string>{"0", "0", "0.5", "1"}));
  // cap: the 0.5 quantile of b (10, 20, 30, 40) is 25: values clipped to [10, 25].
  auto cap = Scale(bj::object{{"method", "min_max_scale"}, {"mode", "cap"}, {"scale_col_indexes", bj::array{1}},
                              {"feat_lower", 0}, {"feat_upper", 0.5}});
  BOOST_REQUIRE_MESSAGE(cap.ok(), cap.status().ToString());
  BOOST_TEST((Column(*cap, 3) == std::vector<std::string>{"0", "0.6666666667", "1", "1"}));
}

BOOST_AUTO_TEST_CASE(TheSavedScalerScalesNewDataTheSameWay) {
  models::FeatureScaleModel model;
  BOOST_REQUIRE(Scale(bj::object{{"method", "min_max_scale"}}, &model).ok());
  worker::CsvTable fresh;
  fresh.header = {"id", "c", "b", "a"};  // other order, no label: matched by name
  fresh.rows = {{"9", "5", "25", "11"}};
  auto out = ApplyFeatureScale(model, fresh, "new.csv");
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  BOOST_TEST((out->rows[0] == std::vector<std::string>{"9", "0", "0.5", "2"}));  // a outside the fit range: 11 -> 2
  fresh.header = {"id", "c", "b", "z"};
  BOOST_TEST(ApplyFeatureScale(model, fresh, "new.csv").status().message().find("no column a") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(BadParametersAndDataAreNamed) {
  auto unknown = Scale(bj::object{{"method", "robust_scale"}});
  BOOST_TEST(unknown.status().message().find("'method'") != std::string::npos, unknown.status().message());
  auto name = Scale(bj::object{{"scale_names", bj::array{"nope"}}});
  BOOST_TEST(name.status().message().find("scale_names") != std::string::npos);
  auto index = Scale(bj::object{{"scale_col_indexes", bj::array{7}}});
  BOOST_TEST(index.status().message().find("scale_col_indexes") != std::string::npos);
  auto bounds = Scale(bj::object{{"scale_col_indexes", bj::array{0, 1}}, {"feat_upper", bj::array{1}}});
  BOOST_TEST(bounds.status().message().find("feat_upper") != std::string::npos);
  worker::CsvTable text = Numbers();
  text.rows[2][3] = "abc";
  auto m = FitFeatureScale(worker::Params(bj::object{}, "component scale_0 at guest:9999"), text, "y", "in.csv");
  BOOST_TEST(m.status().message().find("line 4, column b") != std::string::npos, m.status().message());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(CsvTables)

BOOST_AUTO_TEST_CASE(CellsWithCommasAndQuotesSurviveAWriteAndRead) {
  worker::CsvTable t;
  t.header = {"id", "predict_detail", "note"};
  t.rows = {{"1", "{\"0\": 0.25, \"1\": 0.75}", "plain"}, {"2", "a,b", "say \"hi\""}};
  const std::string path = testing::FreshDir("csv") + "/t.csv";
  BOOST_REQUIRE(t.Write(path).ok());
  auto back = worker::CsvTable::Read(path);
  BOOST_REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  BOOST_TEST((back->rows == t.rows));
  BOOST_TEST((back->header == t.header));
}

BOOST_AUTO_TEST_SUITE_END()
