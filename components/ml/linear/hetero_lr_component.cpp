#include "components/ml/linear/hetero_lr_component.hpp"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "components/crypto/parallel.hpp"
#include "components/ml/common/channel.hpp"
#include "components/ml/common/model_output.hpp"
#include "components/ml/common/prediction_table.hpp"
#include "components/ml/linear/hetero_lr.hpp"
#include "components/ml/linear/linear_params.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/tracking.hpp"
#include "proto/fedflow/models.pb.h"

namespace fedflow::ml {

namespace bj = boost::json;
using worker::StringOf;

namespace {

// HeteroLR's own keys beside the shared ones (linear_params.hpp); FATE's others are accepted and ignored.
const std::set<std::string> kHeteroKeys = {"floating_point_precision", "sqn_param", "stepwise_param",
                                           "encrypted_mode_calculator_param", "reveal_strategy",
                                           "reveal_every_iter", "use_mix_rand"};

struct Settings {
  HeteroLrParams lr;
  double threshold = 0.5;
};

StatusOr<Settings> SettingsOf(const worker::Params& p) {
  std::set<std::string> known = LinearParamKeys();
  known.insert(kHeteroKeys.begin(), kHeteroKeys.end());
  FEDFLOW_RETURN_IF_ERROR(p.CheckKnown(known));
  Settings s;
  HeteroLrParams& lr = s.lr;
  lr.optimizer.optimizer = "rmsprop";  // FATE's LogisticParam defaults
  lr.optimizer.alpha = 1.0;
  FEDFLOW_RETURN_IF_ERROR(ReadLinearParams(p, &lr, &s.threshold));
  FEDFLOW_ASSIGN_OR_RETURN(lr.shuffle, p.Bool("shuffle", true));
  if (const bj::value* v = p.Raw("floating_point_precision"); v && !v->is_null()) {
    FEDFLOW_ASSIGN_OR_RETURN(std::int64_t precision, p.Int("floating_point_precision", 23, 1, 52));
    lr.precision = static_cast<int>(precision);
  }
  FEDFLOW_ASSIGN_OR_RETURN(worker::Params encrypt, p.Object("encrypt_param"));
  FEDFLOW_RETURN_IF_ERROR(encrypt.CheckKnown({"method", "key_length"}));
  FEDFLOW_RETURN_IF_ERROR(encrypt.Choice("method", "Paillier", {"Paillier", "paillier"}).status());
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t key_length, encrypt.Int("key_length", 1024, 1024, 4096));
  if (key_length % 256 != 0) return encrypt.Error("key_length", "must be a multiple of 256 (1024, 2048, 3072, 4096)");
  lr.key_length = static_cast<int>(key_length);
  lr.threads = crypto::HardwareThreads();
  return s;
}

/// The numeric features of a data input: every column but the id and the label.
StatusOr<PartyData> DataOf(const worker::DataInput& in, bool with_label, std::vector<std::string>* features) {
  const worker::CsvTable& t = in.table;
  const int label = with_label ? t.ColumnOf(in.label_column.empty() ? "y" : in.label_column) : -1;
  if (with_label && label < 0) {
    return FailedPreconditionError(in.file + " has no label column: the guest's data needs one (DataTransform with_label: true)");
  }
  std::vector<std::size_t> columns;
  features->clear();
  for (std::size_t c = 1; c < t.header.size(); ++c) {
    if (static_cast<int>(c) == label) continue;
    columns.push_back(c);
    features->push_back(t.header[c]);
  }
  PartyData d;
  d.x.cols = columns.size();
  d.x.rows = t.rows.size();
  d.x.values.reserve(d.x.rows * d.x.cols);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    d.ids.push_back(t.rows[r][0]);
    for (std::size_t c : columns) {
      FEDFLOW_ASSIGN_OR_RETURN(double v, CellNumber(t, r, c, in.file));
      d.x.values.push_back(v);
    }
    if (with_label) {
      FEDFLOW_ASSIGN_OR_RETURN(double y, CellNumber(t, r, static_cast<std::size_t>(label), in.file));
      if (y != 0 && y != 1) {
        return InvalidArgumentError(in.file + " line " + std::to_string(r + 2) + ": label " + t.rows[r][static_cast<std::size_t>(label)] +
                                    " is not 0 or 1 (HeteroLR is binary)");
      }
      d.y.push_back(y);
    }
  }
  return d;
}

/// The columns of `data` in the order of the model's features (predicting with a saved model).
StatusOr<PartyData> Reorder(const PartyData& data, const std::vector<std::string>& have,
                            const google::protobuf::RepeatedPtrField<std::string>& want) {
  std::unordered_map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < have.size(); ++i) at.emplace(have[i], i);
  PartyData out = data;
  out.x.cols = static_cast<std::size_t>(want.size());
  out.x.values.assign(out.x.rows * out.x.cols, 0.0);
  for (int j = 0; j < want.size(); ++j) {
    auto it = at.find(want[j]);
    if (it == at.end()) return FailedPreconditionError("the model's feature " + want[j] + " is not in the data to predict");
    for (std::size_t r = 0; r < out.x.rows; ++r) out.x.values[r * out.x.cols + static_cast<std::size_t>(j)] = data.x.at(r, it->second);
  }
  return out;
}

/// FATE's prediction columns at the guest.
Status SavePredictions(worker::WorkerSession& s, const worker::DataInput& in, const PartyData& data,
                       const std::vector<double>& scores, double threshold, const std::string& type) {
  return worker::SaveDataOutput(s, worker::FirstDataOutput(s),
                                PredictionTable(in.table.header[0], data.ids, data.y, scores, threshold, type),
                                in.table.header[0], "label");
}

/// The ids alone, so that components after this one have an input at a host.
Status SaveIds(worker::WorkerSession& s, const worker::DataInput& in) {
  worker::CsvTable out;
  out.header = {in.table.header[0]};
  for (const auto& row : in.table.rows) out.rows.push_back({row[0]});
  return worker::SaveDataOutput(s, worker::FirstDataOutput(s), out, in.table.header[0], "");
}

Status LogLoss(worker::WorkerSession& s, const std::vector<double>& loss) {
  worker::MetricPoints points;
  for (std::size_t i = 0; i < loss.size(); ++i) {
    if (!std::isnan(loss[i])) points.emplace_back(static_cast<std::int64_t>(i), loss[i]);
  }
  if (points.empty()) return Status::OK();
  return worker::LogMetric(s, "train", "loss", points, "LOSS", bj::object{{"unit_name", "iters"}});
}

}  // namespace

Status RunHeteroLr(worker::WorkerSession& s) {
  const std::string role = StringOf(s.config(), "role");
  const std::string where = "component " + StringOf(s.config(), "task_name") + " at " + role + ":" +
                            StringOf(s.config(), "party_id");
  if (role != "guest" && role != "host" && role != "arbiter") {
    return InvalidArgumentError(where + ": HeteroLR runs at guest, host and arbiter, not " + role);
  }
  worker::Params params(s.parameters(), where);
  FEDFLOW_ASSIGN_OR_RETURN(Settings settings, SettingsOf(params));
  const HeteroLrParams& p = settings.lr;
  worker::Transport transport(s);
  TransportChannel channel(transport, StringOf(s.config(), "task_name") + ".hetero_lr");
  const std::vector<PartyRef> guests = transport.PartiesOf("guest"), hosts = transport.PartiesOf("host"),
                              arbiters = transport.PartiesOf("arbiter");
  if (guests.size() != 1 || hosts.empty() || arbiters.size() != 1) {
    return FailedPreconditionError(where + ": HeteroLR needs one guest, at least one host and one arbiter (the task has " +
                                   std::to_string(guests.size()) + ", " + std::to_string(hosts.size()) + ", " +
                                   std::to_string(arbiters.size()) + ")");
  }
  models::HeteroLrModel saved;
  FEDFLOW_ASSIGN_OR_RETURN(bool predicting, LoadModelInput(s, &saved));
  s.Progress(5);

  if (role == "arbiter") {
    if (predicting) return Status::OK();  // prediction needs no key
    FEDFLOW_ASSIGN_OR_RETURN(HeteroLrModel m, TrainHeteroLrArbiter(channel, p, guests.front(), hosts));
    models::HeteroLrModel out;
    out.set_role(role);
    out.set_iterations(m.iterations);
    out.set_converged(m.converged);
    for (double l : m.loss) out.add_loss(l);
    FEDFLOW_RETURN_IF_ERROR(SaveModelOutput(s, out, "HeteroLrModel", bj::object{{"iterations", m.iterations}}));
    return LogLoss(s, m.loss);
  }

  FEDFLOW_ASSIGN_OR_RETURN(worker::DataInput input, worker::ReadDataInput(s));
  std::vector<std::string> features;
  FEDFLOW_ASSIGN_OR_RETURN(PartyData data, DataOf(input, role == "guest", &features));
  std::printf("hetero_lr: %s, %zu rows, %zu features, %s\n", where.c_str(), data.x.rows, data.x.cols,
              predicting ? "predicting with the model input" : "training");
  std::fflush(stdout);

  if (predicting) {
    if (saved.role() != role) return FailedPreconditionError(where + ": the model input is the " + saved.role() + "'s part");
    FEDFLOW_ASSIGN_OR_RETURN(PartyData ordered, Reorder(data, features, saved.features()));
    std::vector<double> w(saved.weights().begin(), saved.weights().end());
    if (role == "host") {
      FEDFLOW_RETURN_IF_ERROR(PredictHeteroLrHost(channel, "predict", w, ordered, guests.front()));
      return SaveIds(s, input);
    }
    if (saved.fit_intercept()) w.push_back(saved.intercept());
    FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> scores,
                             PredictHeteroLrGuest(channel, "predict", w, saved.fit_intercept(), ordered, hosts));
    return SavePredictions(s, input, ordered, scores, saved.threshold(), "predict");
  }

  HeteroLrModel m;
  if (role == "guest") {
    FEDFLOW_ASSIGN_OR_RETURN(m, TrainHeteroLrGuest(channel, p, data, hosts, arbiters.front()));
  } else {
    FEDFLOW_ASSIGN_OR_RETURN(m, TrainHeteroLrHost(channel, p, data, guests.front(), arbiters.front()));
  }
  s.Progress(90);
  models::HeteroLrModel out;
  out.set_role(role);
  for (const auto& f : features) out.add_features(f);
  const std::size_t coefficients = features.size();
  for (std::size_t i = 0; i < coefficients; ++i) out.add_weights(m.weights[i]);
  out.set_fit_intercept(role == "guest" && p.fit_intercept);
  if (out.fit_intercept()) out.set_intercept(m.weights.back());
  out.set_iterations(m.iterations);
  out.set_converged(m.converged);
  for (double l : m.loss) out.add_loss(l);
  out.set_threshold(settings.threshold);
  if (role == "guest") out.set_label_column(input.label_column);
  bj::object meta = WeightsSummary(out.features(), out.weights(), out.fit_intercept(), out.intercept());
  meta["features"] = out.features_size();
  meta["iterations"] = m.iterations;
  meta["converged"] = m.converged;
  FEDFLOW_RETURN_IF_ERROR(SaveModelOutput(s, out, "HeteroLrModel", meta));
  if (role == "host") return SaveIds(s, input);
  FEDFLOW_RETURN_IF_ERROR(SavePredictions(s, input, data, m.scores, settings.threshold, "train"));
  return LogLoss(s, m.loss);
}

}  // namespace fedflow::ml
