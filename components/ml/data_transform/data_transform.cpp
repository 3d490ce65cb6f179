#include "components/ml/data_transform/data_transform.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include "components/ml/common/model_output.hpp"
#include "components/sdk/tracking.hpp"

namespace fedflow::ml {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

const std::set<std::string> kParams = {
    "input_format", "delimitor", "data_type", "exclusive_data_type", "tag_with_value", "tag_value_delimitor",
    "missing_fill", "default_value", "missing_fill_method", "missing_impute", "outlier_replace",
    "outlier_replace_method", "outlier_impute", "outlier_replace_value", "with_label", "label_name", "label_type",
    "output_format", "need_run", "with_match_id", "match_id_name", "match_id_index"};

const std::vector<std::string> kDefaultMissing = {"", "NA", "na", "null", "NULL", "None", "nan", "NaN"};

std::string Number(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  auto r = std::from_chars(begin, text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(*out);
}

/// A string list parameter (or null for `fallback`).
StatusOr<std::vector<std::string>> StringList(const worker::Params& p, const std::string& key,
                                              const std::vector<std::string>& fallback) {
  const bj::value* v = p.Raw(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_array()) return p.Error(key, "must be a list of values");
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) {
      out.emplace_back(item.as_string());
    } else if (item.is_null()) {
      out.emplace_back("");
    } else if (item.is_number()) {
      out.push_back(Number(item.to_number<double>()));
    } else {
      return p.Error(key, "must hold strings or numbers");
    }
  }
  return out;
}

/// One value per feature from a number, a list (in feature order) or an object (by feature name).
StatusOr<std::vector<double>> PerFeature(const worker::Params& p, const std::string& key,
                                         const std::vector<std::string>& features, double fallback) {
  const bj::value* v = p.Raw(key);
  std::vector<double> out(features.size(), fallback);
  if (!v || v->is_null()) return out;
  if (v->is_number()) {
    std::fill(out.begin(), out.end(), v->to_number<double>());
    return out;
  }
  if (v->is_array()) {
    if (v->as_array().size() != features.size()) {
      return p.Error(key, "has " + std::to_string(v->as_array().size()) + " values for " +
                              std::to_string(features.size()) + " features");
    }
    for (std::size_t i = 0; i < features.size(); ++i) {
      if (!v->as_array()[i].is_number()) return p.Error(key, "must hold numbers");
      out[i] = v->as_array()[i].to_number<double>();
    }
    return out;
  }
  if (v->is_object()) {
    for (const auto& [name, value] : v->as_object()) {
      auto it = std::find(features.begin(), features.end(), std::string(name));
      if (it == features.end()) return p.Error(key, "names '" + std::string(name) + "', which is no feature");
      if (!value.is_number()) return p.Error(key, "must hold numbers");
      out[static_cast<std::size_t>(it - features.begin())] = value.to_number<double>();
    }
    return out;
  }
  return p.Error(key, "must be a number, a list or an object of feature: value");
}

}  // namespace

StatusOr<worker::CsvTable> TransformDense(const worker::Params& p, const worker::CsvTable& input,
                                          const std::string& source, models::DataTransformModel* model) {
  FEDFLOW_RETURN_IF_ERROR(p.CheckKnown(kParams));
  FEDFLOW_RETURN_IF_ERROR(p.Choice("input_format", "dense", {"dense"}).status());
  FEDFLOW_RETURN_IF_ERROR(p.Choice("output_format", "dense", {"dense"}).status());
  FEDFLOW_ASSIGN_OR_RETURN(std::string delimitor, p.String("delimitor", ","));
  if (delimitor != ",") return p.Error("delimitor", "must be ',' (tables are stored comma-delimited)");
  FEDFLOW_ASSIGN_OR_RETURN(bool with_label, p.Bool("with_label", false));
  FEDFLOW_ASSIGN_OR_RETURN(std::string label_name, p.String("label_name", "y"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string label_type, p.Choice("label_type", "int", {"int", "int64", "float", "float64", "str", "long"}));
  FEDFLOW_ASSIGN_OR_RETURN(bool missing_fill, p.Bool("missing_fill", false));
  FEDFLOW_ASSIGN_OR_RETURN(std::string fill_method,
                           p.Choice("missing_fill_method", "designated", {"const", "designated", "min", "max", "mean"}));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> missing, StringList(p, "missing_impute", kDefaultMissing));
  FEDFLOW_ASSIGN_OR_RETURN(bool outlier_replace, p.Bool("outlier_replace", false));
  // Both methods replace an outlier with outlier_replace_value.
  FEDFLOW_RETURN_IF_ERROR(p.Choice("outlier_replace_method", "designated", {"const", "designated"}).status());
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<std::string> outliers, StringList(p, "outlier_impute", {}));
  FEDFLOW_ASSIGN_OR_RETURN(bool match_id, p.Bool("with_match_id", false));
  if (match_id) return p.Error("with_match_id", "true is not supported; the first column is the id");
  if (input.header.empty()) return InvalidArgumentError(source + " has no columns");

  int label = -1;
  if (with_label) {
    label = input.ColumnOf(label_name);
    if (label < 0) {
      std::string cols;
      for (const auto& h : input.header) cols += (cols.empty() ? "" : ", ") + h;
      return p.Error("label_name", "is '" + label_name + "', but " + source + " has no such column (columns: " + cols +
                                       "); set label_name, or with_label: false");
    }
    if (label == 0) return p.Error("label_name", "names the id column");
  }
  std::vector<std::size_t> feature_cols;
  std::vector<std::string> features;
  for (std::size_t c = 1; c < input.header.size(); ++c) {
    if (static_cast<int>(c) == label) continue;
    feature_cols.push_back(c);
    features.push_back(input.header[c]);
  }
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> fill, PerFeature(p, "default_value", features, 0.0));
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<double> outlier_value, PerFeature(p, "outlier_replace_value", features, 0.0));
  const std::set<std::string> missing_set(missing.begin(), missing.end());
  const std::set<std::string> outlier_set(outliers.begin(), outliers.end());

  // Pass 1: parse, marking missing cells (NaN) and replacing outliers.
  const double kMissing = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> values(input.rows.size(), std::vector<double>(features.size()));
  for (std::size_t r = 0; r < input.rows.size(); ++r) {
    const auto& row = input.rows[r];
    for (std::size_t f = 0; f < features.size(); ++f) {
      const std::string& cell = row[feature_cols[f]];
      double v = 0;
      if (outlier_replace && outlier_set.count(cell)) {
        v = outlier_value[f];
      } else if (missing_set.count(cell)) {
        if (!missing_fill) {
          return InvalidArgumentError(source + " line " + std::to_string(r + 2) + " (id " + row[0] + "), column " +
                                      features[f] + ": missing value '" + cell +
                                      "'; set missing_fill: true to fill it (missing_fill_method, default_value)");
        }
        v = kMissing;
      } else if (!ParseDouble(cell, &v)) {
        return InvalidArgumentError(source + " line " + std::to_string(r + 2) + " (id " + row[0] + "), column " +
                                    features[f] + ": '" + cell + "' is not a number");
      }
      values[r][f] = v;
    }
  }
  // Fill values from the data when the method asks for a statistic.
  if (missing_fill && (fill_method == "min" || fill_method == "max" || fill_method == "mean")) {
    for (std::size_t f = 0; f < features.size(); ++f) {
      double acc = fill_method == "min" ? INFINITY : fill_method == "max" ? -INFINITY : 0.0;
      std::size_t n = 0;
      for (const auto& row : values) {
        if (std::isnan(row[f])) continue;
        acc = fill_method == "min" ? std::min(acc, row[f]) : fill_method == "max" ? std::max(acc, row[f]) : acc + row[f];
        ++n;
      }
      fill[f] = n == 0 ? 0.0 : fill_method == "mean" ? acc / static_cast<double>(n) : acc;
    }
  }

  worker::CsvTable out;
  out.header.push_back(input.header[0]);
  if (with_label) out.header.push_back(label_name);
  out.header.insert(out.header.end(), features.begin(), features.end());
  out.rows.reserve(input.rows.size());
  for (std::size_t r = 0; r < input.rows.size(); ++r) {
    std::vector<std::string> row;
    row.reserve(out.header.size());
    row.push_back(input.rows[r][0]);
    if (with_label) {
      const std::string& text = input.rows[r][static_cast<std::size_t>(label)];
      double v = 0;
      if (label_type != "str") {
        if (!ParseDouble(text, &v)) {
          return InvalidArgumentError(source + " line " + std::to_string(r + 2) + " (id " + input.rows[r][0] +
                                      "): label '" + text + "' is not a number; set label_type: str for text labels");
        }
        const bool integral = label_type == "int" || label_type == "int64" || label_type == "long";
        if (integral && std::floor(v) != v) {
          return InvalidArgumentError(source + " line " + std::to_string(r + 2) + " (id " + input.rows[r][0] +
                                      "): label '" + text + "' is not an integer; set label_type: float");
        }
        row.push_back(Number(v));
      } else {
        row.push_back(text);
      }
    }
    for (std::size_t f = 0; f < features.size(); ++f) row.push_back(Number(std::isnan(values[r][f]) ? fill[f] : values[r][f]));
    out.rows.push_back(std::move(row));
  }

  model->set_id_column(input.header[0]);
  model->set_label_column(with_label ? label_name : "");
  model->set_label_type(label_type);
  for (const auto& f : features) model->add_features(f);
  model->set_missing_fill(missing_fill);
  model->set_missing_fill_method(fill_method);
  if (missing_fill) {
    for (double v : fill) model->add_fill_values(v);
  }
  for (const auto& m : missing) model->add_missing_values(m);
  model->set_outlier_replace(outlier_replace);
  for (const auto& o : outliers) model->add_outlier_values(o);
  if (outlier_replace) {
    for (double v : outlier_value) model->add_outlier_replace_values(v);
  }
  model->set_rows(static_cast<std::int64_t>(input.rows.size()));
  return out;
}

StatusOr<worker::CsvTable> ApplyDataTransformModel(const models::DataTransformModel& model,
                                                   const worker::CsvTable& input, const std::string& source,
                                                   const std::string& where) {
  if (input.header.empty()) return InvalidArgumentError(source + " has no columns");
  // The columns in the model's order: the id, the label when the data has it, the features.
  std::vector<int> columns{0};
  const bool with_label = !model.label_column().empty() && input.ColumnOf(model.label_column()) > 0;
  if (with_label) columns.push_back(input.ColumnOf(model.label_column()));
  for (const auto& f : model.features()) {
    int c = input.ColumnOf(f);
    if (c <= 0) {
      return InvalidArgumentError(where + ": " + source + " has no column '" + f +
                                  "', a feature of the model it is transformed with");
    }
    columns.push_back(c);
  }
  worker::CsvTable ordered;
  for (int c : columns) ordered.header.push_back(input.header[static_cast<std::size_t>(c)]);
  ordered.rows.reserve(input.rows.size());
  for (const auto& row : input.rows) {
    std::vector<std::string> cells;
    cells.reserve(columns.size());
    for (int c : columns) cells.push_back(row[static_cast<std::size_t>(c)]);
    ordered.rows.push_back(std::move(cells));
  }
  // The model's choices as parameters; fill values are the fitted ones, not recomputed.
  bj::object params{{"with_label", with_label},
                    {"label_name", model.label_column().empty() ? "y" : model.label_column()},
                    {"label_type", model.label_type().empty() ? "int" : model.label_type()},
                    {"missing_fill", model.missing_fill()},
                    {"outlier_replace", model.outlier_replace()}};
  bj::array missing;
  for (const auto& m : model.missing_values()) missing.emplace_back(m);
  params["missing_impute"] = std::move(missing);
  if (model.missing_fill()) {
    params["missing_fill_method"] = "designated";
    bj::object fill;
    for (int i = 0; i < model.features_size() && i < model.fill_values_size(); ++i) fill[model.features(i)] = model.fill_values(i);
    params["default_value"] = std::move(fill);
  }
  if (model.outlier_replace()) {
    bj::array outliers;
    for (const auto& o : model.outlier_values()) outliers.emplace_back(o);
    params["outlier_impute"] = std::move(outliers);
    bj::object values;
    for (int i = 0; i < model.features_size() && i < model.outlier_replace_values_size(); ++i) {
      values[model.features(i)] = model.outlier_replace_values(i);
    }
    params["outlier_replace_value"] = std::move(values);
  }
  models::DataTransformModel refit;
  return TransformDense(worker::Params(params, where + " (from its model)"), ordered, source, &refit);
}

Status RunDataTransform(worker::WorkerSession& s) {
  const std::string where = "component " + worker::StringOf(s.config(), "task_name") + " at " +
                            worker::StringOf(s.config(), "role") + ":" + worker::StringOf(s.config(), "party_id");
  FEDFLOW_ASSIGN_OR_RETURN(worker::DataInput input, worker::ReadDataInput(s));
  models::DataTransformModel saved;
  FEDFLOW_ASSIGN_OR_RETURN(bool predicting, LoadModelInput(s, &saved));
  if (predicting) {
    // Predict mode: the data is transformed as the training data was; no new model.
    FEDFLOW_ASSIGN_OR_RETURN(worker::CsvTable out, ApplyDataTransformModel(saved, input.table, input.file, where));
    const std::string label = out.header.size() > 1 && out.header[1] == saved.label_column() ? saved.label_column() : "";
    FEDFLOW_RETURN_IF_ERROR(worker::SaveDataOutput(s, worker::FirstDataOutput(s), out, saved.id_column(), label));
    return worker::LogMetric(s, "predict", "data_transform",
                             {{"rows", static_cast<std::int64_t>(out.rows.size())}, {"features", saved.features_size()}},
                             "DATA_INFO", bj::object{{"with_label", !label.empty()}});
  }
  models::DataTransformModel model;
  FEDFLOW_ASSIGN_OR_RETURN(worker::CsvTable out,
                           TransformDense(worker::Params(s.parameters(), where), input.table, input.file, &model));
  FEDFLOW_RETURN_IF_ERROR(worker::SaveDataOutput(s, worker::FirstDataOutput(s), out, model.id_column(), model.label_column()));

  FEDFLOW_RETURN_IF_ERROR(SaveModelOutput(s, model, "DataTransformModel",
                                          bj::object{{"features", model.features_size()},
                                                     {"label", model.label_column()},
                                                     {"rows", model.rows()}}));
  return worker::LogMetric(s, "train", "data_transform",
                           {{"rows", model.rows()}, {"features", model.features_size()}}, "DATA_INFO",
                           bj::object{{"with_label", !model.label_column().empty()}});
}

}  // namespace fedflow::ml
