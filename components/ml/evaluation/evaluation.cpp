#include "components/ml/evaluation/evaluation.hpp"

#include <charconv>
#include <cmath>
#include <map>

#include "components/ml/evaluation/metrics.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/tracking.hpp"

namespace fedflow::ml {

namespace bj = boost::json;
using worker::LogMetric;
using worker::MetricPoints;
using worker::StringOf;

namespace {

bool ParseNumber(const std::string& text, double* out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(*out);
}

/// The upstream component whose predictions are evaluated (FATE names the metrics after it).
std::string UpstreamName(worker::WorkerSession& s) {
  const bj::value* inputs = s.config().if_contains("inputs");
  if (inputs && inputs->is_array() && !inputs->as_array().empty() && inputs->as_array()[0].is_object()) {
    return StringOf(inputs->as_array()[0].as_object(), "producer", "evaluation");
  }
  return "evaluation";
}

/// Rows of one data type ("train", "validate") from the table.
struct Split {
  std::vector<std::string> labels;
  std::vector<std::string> values;  ///< predict_score (binary) or predict_result
};

Status LogBinary(worker::WorkerSession& s, const std::string& ns, const std::string& name, const Split& split,
                 const std::string& pos_label, const std::string& where) {
  std::vector<int> labels;
  std::vector<double> scores;
  for (std::size_t i = 0; i < split.labels.size(); ++i) {
    double score = 0;
    if (!ParseNumber(split.values[i], &score)) {
      return InvalidArgumentError(where + ": predict_score '" + split.values[i] + "' on row " + std::to_string(i + 1) +
                                  " is not a number");
    }
    double label_value = 0, pos_value = 0;
    bool same = split.labels[i] == pos_label ||
                (ParseNumber(split.labels[i], &label_value) && ParseNumber(pos_label, &pos_value) && label_value == pos_value);
    labels.push_back(same ? 1 : 0);
    scores.push_back(score);
  }
  const BinaryMetrics m = ComputeBinary(labels, scores);
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name,
                                    {{"auc", Round6(m.auc)},
                                     {"ks", Round6(m.ks)},
                                     {"accuracy", Round6(m.accuracy)},
                                     {"precision", Round6(m.precision)},
                                     {"recall", Round6(m.recall)},
                                     {"f1_score", Round6(m.f1)}},
                                    "EVALUATION_SUMMARY", bj::object{{"eval_type", "binary"}, {"threshold", m.threshold}}));
  MetricPoints roc, ks_fpr, ks_tpr, precision, recall;
  bj::array thresholds;
  for (const RocPoint& p : m.roc) {
    roc.emplace_back(Round6(p.fpr), Round6(p.tpr));
    thresholds.push_back(Round6(p.threshold));
    const double pr = p.tp + p.fp ? static_cast<double>(p.tp) / static_cast<double>(p.tp + p.fp) : 1.0;
    precision.emplace_back(Round6(p.threshold), Round6(pr));
    recall.emplace_back(Round6(p.threshold), Round6(p.tpr));
  }
  for (std::size_t i = 0; i < m.roc.size(); ++i) {
    ks_fpr.emplace_back(static_cast<std::int64_t>(i), Round6(m.roc[i].fpr));
    ks_tpr.emplace_back(static_cast<std::int64_t>(i), Round6(m.roc[i].tpr));
  }
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_roc", roc, "ROC_EVALUATION",
                                    bj::object{{"thresholds", thresholds}, {"auc", Round6(m.auc)}}));
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_ks_fpr", ks_fpr, "KS_EVALUATION",
                                    bj::object{{"thresholds", thresholds}, {"curve_name", "fpr"}}));
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_ks_tpr", ks_tpr, "KS_EVALUATION",
                                    bj::object{{"thresholds", thresholds}, {"curve_name", "tpr"},
                                               {"ks", Round6(m.ks)}, {"ks_threshold", Round6(m.ks_threshold)}}));
  MetricPoints lift, gain;
  for (std::size_t i = 0; i < m.quantiles.size(); ++i) {
    lift.emplace_back(Round6(m.quantiles[i]), Round6(m.lift[i]));
    gain.emplace_back(Round6(m.quantiles[i]), Round6(m.gain[i]));
  }
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_lift", lift, "LIFT_EVALUATION", bj::object{{"x", "quantile"}}));
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_gain", gain, "GAIN_EVALUATION", bj::object{{"x", "quantile"}}));
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_precision", precision, "PRECISION_BINARY_EVALUATION",
                                    bj::object{{"x", "threshold"}}));
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_recall", recall, "RECALL_BINARY_EVALUATION",
                                    bj::object{{"x", "threshold"}}));
  return LogMetric(s, ns, name + "_confusion_mat", {{"tp", m.tp}, {"fp", m.fp}, {"tn", m.tn}, {"fn", m.fn}},
                   "CONFUSION_MAT", bj::object{{"threshold", m.threshold}});
}

Status LogRegression(worker::WorkerSession& s, const std::string& ns, const std::string& name, const Split& split,
                     const std::string& where) {
  std::vector<double> y, p;
  for (std::size_t i = 0; i < split.labels.size(); ++i) {
    double a = 0, b = 0;
    if (!ParseNumber(split.labels[i], &a) || !ParseNumber(split.values[i], &b)) {
      return InvalidArgumentError(where + ": row " + std::to_string(i + 1) + " has a label or predict_result that is not a number");
    }
    y.push_back(a);
    p.push_back(b);
  }
  const RegressionMetrics m = ComputeRegression(y, p);
  return LogMetric(s, ns, name,
                   {{"rmse", Round6(m.rmse)},
                    {"mae", Round6(m.mae)},
                    {"mse", Round6(m.mse)},
                    {"r2_score", Round6(m.r2)},
                    {"explained_variance", Round6(m.explained_variance)},
                    {"median_absolute_error", Round6(m.median_absolute_error)}},
                   "EVALUATION_SUMMARY", bj::object{{"eval_type", "regression"}});
}

Status LogMulti(worker::WorkerSession& s, const std::string& ns, const std::string& name, const Split& split) {
  const MultiMetrics m = ComputeMulti(split.labels, split.values);
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name,
                                    {{"accuracy", Round6(m.accuracy)},
                                     {"precision", Round6(m.macro_precision)},
                                     {"recall", Round6(m.macro_recall)}},
                                    "EVALUATION_SUMMARY", bj::object{{"eval_type", "multi"}}));
  MetricPoints precision, recall;
  for (std::size_t i = 0; i < m.classes.size(); ++i) {
    precision.emplace_back(bj::string(m.classes[i]), Round6(m.precision[i]));
    recall.emplace_back(bj::string(m.classes[i]), Round6(m.recall[i]));
  }
  FEDFLOW_RETURN_IF_ERROR(LogMetric(s, ns, name + "_precision", precision, "PRECISION_MULTI_EVALUATION"));
  return LogMetric(s, ns, name + "_recall", recall, "RECALL_MULTI_EVALUATION");
}

}  // namespace

Status RunEvaluation(worker::WorkerSession& s) {
  const std::string where = "component " + StringOf(s.config(), "task_name") + " at " + StringOf(s.config(), "role") +
                            ":" + StringOf(s.config(), "party_id");
  worker::Params p(s.parameters(), where);
  FEDFLOW_RETURN_IF_ERROR(p.CheckKnown({"eval_type", "pos_label", "metrics", "need_run", "unfold_multi_result",
                                        "run_clustering_arbiter_metric"}));
  FEDFLOW_ASSIGN_OR_RETURN(std::string eval_type, p.Choice("eval_type", "binary", {"binary", "regression", "multi"}));
  std::string pos_label = "1";
  if (const bj::value* v = p.Raw("pos_label"); v && !v->is_null()) {
    if (v->is_string()) {
      pos_label = std::string(v->as_string());
    } else if (v->is_int64()) {
      pos_label = std::to_string(v->as_int64());
    } else {
      return p.Error("pos_label", "must be a label value (number or string)");
    }
  }
  // Only the party holding labels evaluates (FATE: the guest; hosts have nothing to score).
  FEDFLOW_ASSIGN_OR_RETURN(worker::DataInput in, worker::ReadDataInput(s));
  const worker::CsvTable& t = in.table;
  int label = t.ColumnOf(in.label_column.empty() ? "label" : in.label_column);
  if (label < 0) label = t.ColumnOf("label");
  const int value = t.ColumnOf(eval_type == "binary" ? "predict_score" : "predict_result");
  if (label < 0 || value < 0) {
    if (StringOf(s.config(), "role") != "guest" && StringOf(s.config(), "role") != "local") return Status::OK();
    return InvalidArgumentError(where + ": " + in.file + " needs a label column and " +
                                (eval_type == "binary" ? "predict_score" : "predict_result") +
                                " (FATE's predict output columns)");
  }
  const int type = t.ColumnOf("type");
  std::map<std::string, Split> splits;
  for (const auto& row : t.rows) {
    Split& split = splits[type >= 0 ? row[static_cast<std::size_t>(type)] : "train"];
    split.labels.push_back(row[static_cast<std::size_t>(label)]);
    split.values.push_back(row[static_cast<std::size_t>(value)]);
  }
  const std::string name = UpstreamName(s);
  for (const auto& [ns, split] : splits) {
    if (ns != "train" && ns != "validate" && ns != "test" && ns != "predict") {
      return InvalidArgumentError(where + ": type '" + ns + "' is not one of train, validate, test, predict");
    }
    if (eval_type == "binary") {
      FEDFLOW_RETURN_IF_ERROR(LogBinary(s, ns, name, split, pos_label, where));
    } else if (eval_type == "regression") {
      FEDFLOW_RETURN_IF_ERROR(LogRegression(s, ns, name, split, where));
    } else {
      FEDFLOW_RETURN_IF_ERROR(LogMulti(s, ns, name, split));
    }
  }
  return Status::OK();
}

}  // namespace fedflow::ml
