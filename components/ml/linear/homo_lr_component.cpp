#include "components/ml/linear/homo_lr_component.hpp"

#include <cmath>
#include <cstdio>

#include "components/ml/common/channel.hpp"
#include "components/ml/common/model_output.hpp"
#include "components/ml/common/prediction_table.hpp"
#include "components/ml/linear/homo_lr.hpp"
#include "components/ml/linear/linear_params.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/tracking.hpp"
#include "proto/fedflow/models.pb.h"

namespace fedflow::ml {

namespace bj = boost::json;
using worker::StringOf;

namespace {

struct Settings {
  HomoLrParams lr;
  double threshold = 0.5;
};

StatusOr<Settings> SettingsOf(const worker::Params& p) {
  std::set<std::string> known = LinearParamKeys();
  known.insert({"aggregate_iters", "re_encrypt_batches"});
  FEDFLOW_RETURN_IF_ERROR(p.CheckKnown(known));
  Settings s;
  HomoLrParams& lr = s.lr;
  lr.optimizer.optimizer = "sgd";  // FATE's HomoLogisticParam defaults (init zeros: HomoLrParams)
  lr.optimizer.alpha = 1.0;
  FEDFLOW_RETURN_IF_ERROR(ReadLinearParams(p, &lr, &s.threshold));
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t aggregate, p.Int("aggregate_iters", 1, 1, 100000));
  lr.aggregate_iters = static_cast<int>(aggregate);
  return s;
}

}  // namespace

Status RunHomoLr(worker::WorkerSession& s) {
  const std::string role = StringOf(s.config(), "role");
  const std::string where = "component " + StringOf(s.config(), "task_name") + " at " + role + ":" +
                            StringOf(s.config(), "party_id");
  if (role != "guest" && role != "host" && role != "arbiter") {
    return InvalidArgumentError(where + ": HomoLR runs at guest, host and arbiter, not " + role);
  }
  FEDFLOW_ASSIGN_OR_RETURN(Settings settings, SettingsOf(worker::Params(s.parameters(), where)));
  worker::Transport transport(s);
  const std::string task = StringOf(s.config(), "task_name");
  TransportChannel channel(transport, task + ".homo_lr");
  std::vector<PartyRef> clients = transport.PartiesOf("guest");
  for (const auto& h : transport.PartiesOf("host")) clients.push_back(h);
  const std::vector<PartyRef> arbiters = transport.PartiesOf("arbiter");
  if (arbiters.size() != 1 || clients.size() < 2) {
    return FailedPreconditionError(where + ": HomoLR needs one arbiter and at least two clients (guest and hosts)");
  }
  models::HomoLrModel saved;
  FEDFLOW_ASSIGN_OR_RETURN(bool predicting, LoadModelInput(s, &saved));
  if (role == "arbiter") {
    if (predicting) return Status::OK();
    FEDFLOW_ASSIGN_OR_RETURN(HomoLrModel m, TrainHomoLrArbiter(channel, settings.lr, clients));
    models::HomoLrModel out;
    for (std::size_t i = 0; i + (settings.lr.fit_intercept ? 1 : 0) < m.weights.size(); ++i) out.add_weights(m.weights[i]);
    out.set_fit_intercept(settings.lr.fit_intercept);
    if (settings.lr.fit_intercept && !m.weights.empty()) out.set_intercept(m.weights.back());
    out.set_rounds(m.rounds);
    out.set_converged(m.converged);
    for (double l : m.loss) out.add_loss(l);
    FEDFLOW_RETURN_IF_ERROR(SaveModelOutput(s, out, "HomoLrModel", bj::object{{"rounds", m.rounds}}));
    worker::MetricPoints points;
    for (std::size_t i = 0; i < m.loss.size(); ++i) points.emplace_back(static_cast<std::int64_t>(i), m.loss[i]);
    return worker::LogMetric(s, "train", "loss", points, "LOSS", bj::object{{"unit_name", "aggregate_iters"}});
  }

  FEDFLOW_ASSIGN_OR_RETURN(worker::DataInput input, worker::ReadDataInput(s));
  const worker::CsvTable& t = input.table;
  const int label = t.ColumnOf(input.label_column.empty() ? "y" : input.label_column);
  if (label < 0) return FailedPreconditionError(where + ": " + input.file + " has no label column (DataTransform with_label: true)");
  std::vector<std::size_t> columns;
  std::vector<std::string> features;
  for (std::size_t c = 1; c < t.header.size(); ++c) {
    if (static_cast<int>(c) == label) continue;
    columns.push_back(c);
    features.push_back(t.header[c]);
  }
  if (predicting) {
    if (saved.features_size() != static_cast<int>(features.size())) {
      return FailedPreconditionError(where + ": the model has " + std::to_string(saved.features_size()) + " features, the data " +
                                     std::to_string(features.size()));
    }
  }
  Matrix x{t.rows.size(), columns.size(), {}};
  std::vector<double> y(t.rows.size());
  x.values.reserve(x.rows * x.cols);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    for (std::size_t c : columns) {
      FEDFLOW_ASSIGN_OR_RETURN(double v, CellNumber(t, r, c, input.file));
      x.values.push_back(v);
    }
    FEDFLOW_ASSIGN_OR_RETURN(y[r], CellNumber(t, r, static_cast<std::size_t>(label), input.file));
    if (y[r] != 0 && y[r] != 1) return InvalidArgumentError(input.file + " line " + std::to_string(r + 2) + ": the label is not 0 or 1");
  }
  std::vector<double> w;
  bool fit_intercept = settings.lr.fit_intercept;
  double threshold = settings.threshold;
  if (predicting) {
    w.assign(saved.weights().begin(), saved.weights().end());
    fit_intercept = saved.fit_intercept();
    if (fit_intercept) w.push_back(saved.intercept());
    threshold = saved.threshold();
  } else {
    const PartyRef self{role, StringOf(s.config(), "party_id")};
    FEDFLOW_ASSIGN_OR_RETURN(HomoLrModel m, TrainHomoLrClient(channel, settings.lr, x, y, self, clients, arbiters.front(),
                                                              StringOf(s.config(), "job_id") + "/" + task));
    w = m.weights;
    models::HomoLrModel out;
    for (const auto& f : features) out.add_features(f);
    for (std::size_t i = 0; i < features.size(); ++i) out.add_weights(w[i]);
    out.set_fit_intercept(fit_intercept);
    if (fit_intercept) out.set_intercept(w.back());
    out.set_rounds(m.rounds);
    out.set_converged(m.converged);
    for (double l : m.loss) out.add_loss(l);
    out.set_threshold(threshold);
    bj::object meta = WeightsSummary(out.features(), out.weights(), out.fit_intercept(), out.intercept());
    meta["features"] = out.features_size();
    meta["rounds"] = m.rounds;
    FEDFLOW_RETURN_IF_ERROR(SaveModelOutput(s, out, "HomoLrModel", meta));
    worker::MetricPoints points;
    for (std::size_t i = 0; i < m.loss.size(); ++i) points.emplace_back(static_cast<std::int64_t>(i), m.loss[i]);
    FEDFLOW_RETURN_IF_ERROR(worker::LogMetric(s, "train", "loss", points, "LOSS", bj::object{{"unit_name", "aggregate_iters"}}));
  }
  std::vector<std::string> ids;
  for (const auto& row : t.rows) ids.push_back(row[0]);
  return worker::SaveDataOutput(s, worker::FirstDataOutput(s),
                                PredictionTable(t.header[0], ids, y, PredictLinear(x, w, fit_intercept), threshold,
                                                predicting ? "predict" : "train"),
                                t.header[0], "label");
}

}  // namespace fedflow::ml
