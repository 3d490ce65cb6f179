#include "components/ml/common/prediction_table.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace fedflow::ml {

namespace {

std::string Format(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

}  // namespace

StatusOr<double> CellNumber(const worker::CsvTable& t, std::size_t row, std::size_t col, const std::string& source) {
  const std::string& text = t.rows[row][col];
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) {
    return InvalidArgumentError(source + " line " + std::to_string(row + 2) + ", column " + t.header[col] + ": '" +
                                text.substr(0, 32) + "' is not a number (run DataTransform first)");
  }
  return v;
}

worker::CsvTable PredictionTable(const std::string& id_column, const std::vector<std::string>& ids,
                                 const std::vector<double>& labels, const std::vector<double>& scores, double threshold,
                                 const std::string& type) {
  worker::CsvTable out;
  out.header = {id_column, "label", "predict_result", "predict_score", "predict_detail", "type"};
  for (std::size_t r = 0; r < scores.size(); ++r) {
    const double p = scores[r];
    const std::string y = labels.empty() ? "" : (labels[r] > 0.5 ? "1" : "0");
    out.rows.push_back({ids[r], y, p > threshold ? "1" : "0", Format(p),
                        "{\"0\": " + Format(1 - p) + ", \"1\": " + Format(p) + "}", type});
  }
  return out;
}

}  // namespace fedflow::ml
