#include "components/ml/feature_scale/feature_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <unordered_map>

#include "components/ml/common/model_output.hpp"
#include "components/ml/common/prediction_table.hpp"

namespace fedflow::ml {

namespace bj = boost::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The q-quantile (0..1) of values, by linear interpolation between order statistics.
double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(values.size() - 1, below + 1);
  return values[below] + (values[above] - values[below]) * (at - static_cast<double>(below));
}

/// feat_lower / feat_upper: absent (no bound), one number for every scaled column, or a list
/// with one per scaled column.
StatusOr<std::vector<double>> BoundsOf(const worker::Params& p, const std::string& key, std::size_t scaled, double none) {
  const bj::value* v = p.Raw(key);
  if (!v || v->is_null()) return std::vector<double>(scaled, none);
  auto number = [](const bj::value& x, double* out) {
    if (x.is_double()) *out = x.as_double();
    else if (x.is_int64()) *out = static_cast<double>(x.as_int64());
    else if (x.is_uint64()) *out = static_cast<double>(x.as_uint64());
    else return false;
    return true;
  };
  double one = 0;
  if (number(*v, &one)) return std::vector<double>(scaled, one);
  if (!v->is_array()) return p.Error(key, "must be a number or a list of numbers");
  if (v->as_array().size() != scaled) {
    return p.Error(key, "has " + std::to_string(v->as_array().size()) + " values for " + std::to_string(scaled) +
                            " scaled columns");
  }
  std::vector<double> out;
  for (const auto& x : v->as_array()) {
    if (!number(x, &one)) return p.Error(key, "must hold numbers only");
    out.push_back(one);
  }
  return out;
}

std::string Format(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

}  // namespace

StatusOr<models::FeatureScaleModel> FitFeatureScale(const worker::Params& p, const worker::CsvTable& input,
                                                    const std::string& label_column, const std::string& source) {
  FEDFLOW_RETURN_IF_ERROR(p.CheckKnown({"method", "mode", "scale_col_indexes", "scale_names", "feat_upper", "feat_lower",
                                        "with_mean", "with_std", "need_run"}));
  models::FeatureScaleModel m;
  const bj::value* method_value = p.Raw("method");
  std::string method;
  if (!method_value || !method_value->is_null()) {
    FEDFLOW_ASSIGN_OR_RETURN(method, p.Choice("method", "standard_scale", {"standard_scale", "min_max_scale"}));
  }
  m.set_method(method);
  FEDFLOW_ASSIGN_OR_RETURN(std::string mode, p.Choice("mode", "normal", {"normal", "cap"}));
  FEDFLOW_ASSIGN_OR_RETURN(bool with_mean, p.Bool("with_mean", true));
  FEDFLOW_ASSIGN_OR_RETURN(bool with_std, p.Bool("with_std", true));

  std::vector<std::size_t> columns;  // table columns of the features
  for (std::size_t c = 1; c < input.header.size(); ++c) {
    if (input.header[c] == label_column) continue;
    columns.push_back(c);
    m.add_features(input.header[c]);
  }
  // Which features: scale_col_indexes (-1: all) and scale_names together.
  std::vector<bool> scaled(columns.size(), false);
  const bj::value* indexes = p.Raw("scale_col_indexes");
  const bj::value* names = p.Raw("scale_names");
  const bool names_given = names && names->is_array() && !names->as_array().empty();
  if (!indexes || indexes->is_null()) {
    if (!names_given) std::fill(scaled.begin(), scaled.end(), true);
  } else if (indexes->is_int64() && indexes->as_int64() == -1) {
    std::fill(scaled.begin(), scaled.end(), true);
  } else if (indexes->is_array()) {
    for (const auto& i : indexes->as_array()) {
      if (!i.is_int64() || i.as_int64() < 0 || static_cast<std::size_t>(i.as_int64()) >= columns.size()) {
        return p.Error("scale_col_indexes", "holds " + bj::serialize(i) + ", not a feature index from 0 to " +
                                                std::to_string(columns.size() - 1));
      }
      scaled[static_cast<std::size_t>(i.as_int64())] = true;
    }
  } else {
    return p.Error("scale_col_indexes", "must be -1 (every feature) or a list of feature indexes");
  }
  if (names && !names->is_null()) {
    if (!names->is_array()) return p.Error("scale_names", "must be a list of feature names");
    for (const auto& n : names->as_array()) {
      const auto it = n.is_string() ? std::find(m.features().begin(), m.features().end(), std::string(n.as_string()))
                                    : m.features().end();
      if (it == m.features().end()) {
        return p.Error("scale_names", "names " + bj::serialize(n) + ", which is not a feature of " + source);
      }
      scaled[static_cast<std::size_t>(it - m.features().begin())] = true;
    }
  }
  if (method.empty()) std::fill(scaled.begin(), scaled.end(), false);
  const std::size_t count = static_cast<std::size_t>(std::count(scaled.begin(), scaled.end(), true));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> lowers, BoundsOf(p, "feat_lower", count, mode == "cap" ? 0.0 : -kInf));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> uppers, BoundsOf(p, "feat_upper", count, mode == "cap" ? 1.0 : kInf));

  std::size_t k = 0;
  for (std::size_t f = 0; f < columns.size(); ++f) {
    m.add_scaled(scaled[f]);
    if (!scaled[f]) {
      m.add_lower(-kInf);
      m.add_upper(kInf);
      m.add_offset(0);
      m.add_scale(1);
      continue;
    }
    std::vector<double> values(input.rows.size());
    for (std::size_t r = 0; r < input.rows.size(); ++r) {
      FEDFLOW_ASSIGN_OR_RETURN(values[r], CellNumber(input, r, columns[f], source));
    }
    double lower = lowers[k], upper = uppers[k];
    ++k;
    if (mode == "cap") {
      if (lower < 0 || lower > 1 || upper < 0 || upper > 1) {
        return p.Error("feat_lower", "and feat_upper are quantiles between 0 and 1 with mode cap");
      }
      lower = Quantile(values, lower);
      upper = Quantile(values, upper);
    }
    if (lower > upper) return p.Error("feat_lower", "is above feat_upper for feature " + m.features(static_cast<int>(f)));
    for (double& v : values) v = std::clamp(v, lower, upper);
    double offset = 0, scale = 1;
    if (method == "min_max_scale") {
      const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      offset = values.empty() ? 0 : *lo;
      scale = values.empty() ? 1 : *hi - *lo;
    } else {
      double mean = 0, var = 0;
      for (double v : values) mean += v;
      mean = values.empty() ? 0 : mean / static_cast<double>(values.size());
      for (double v : values) var += (v - mean) * (v - mean);
      var = values.empty() ? 0 : var / static_cast<double>(values.size());
      offset = with_mean ? mean : 0;
      scale = with_std ? std::sqrt(var) : 1;
    }
    if (scale == 0) scale = 1;  // a constant column keeps its offset removed, nothing to divide
    m.add_lower(lower);
    m.add_upper(upper);
    m.add_offset(offset);
    m.add_scale(scale);
  }
  return m;
}

StatusOr<worker::CsvTable> ApplyFeatureScale(const models::FeatureScaleModel& m, const worker::CsvTable& input,
                                             const std::string& source) {
  std::unordered_map<std::string, std::size_t> column_of;
  for (std::size_t c = 0; c < input.header.size(); ++c) column_of.emplace(input.header[c], c);
  std::vector<std::size_t> columns;
  for (const auto& f : m.features()) {
    auto it = column_of.find(f);
    if (it == column_of.end()) return InvalidArgumentError(source + " has no column " + f + " (the scaler was fitted with it)");
    columns.push_back(it->second);
  }
  worker::CsvTable out = input;
  for (std::size_t r = 0; r < input.rows.size(); ++r) {
    for (std::size_t f = 0; f < columns.size(); ++f) {
      if (!m.scaled(static_cast<int>(f))) continue;
      FEDFLOW_ASSIGN_OR_RETURN(double v, CellNumber(input, r, columns[f], source));
      const int i = static_cast<int>(f);
      v = std::clamp(v, m.lower(i), m.upper(i));
      out.rows[r][columns[f]] = Format((v - m.offset(i)) / m.scale(i));
    }
  }
  return out;
}

Status RunFeatureScale(worker::WorkerSession& s) {
  const std::string where = "component " + worker::StringOf(s.config(), "task_name") + " at " +
                            worker::StringOf(s.config(), "role") + ":" + worker::StringOf(s.config(), "party_id");
  FEDFLOW_ASSIGN_OR_RETURN(worker::DataInput input, worker::ReadDataInput(s));
  models::FeatureScaleModel model;
  FEDFLOW_ASSIGN_OR_RETURN(bool predicting, LoadModelInput(s, &model));
  if (!predicting) {
    FEDFLOW_ASSIGN_OR_RETURN(model, FitFeatureScale(worker::Params(s.parameters(), where), input.table,
                                                    input.label_column, input.file));
    FEDFLOW_RETURN_IF_ERROR(SaveModelOutput(s, model, "FeatureScaleModel",
                                            bj::object{{"method", model.method()}, {"features", model.features_size()}}));
  }
  FEDFLOW_ASSIGN_OR_RETURN(worker::CsvTable out, ApplyFeatureScale(model, input.table, input.file));
  return worker::SaveDataOutput(s, worker::FirstDataOutput(s), out, input.id_column, input.label_column);
}

}  // namespace fedflow::ml
