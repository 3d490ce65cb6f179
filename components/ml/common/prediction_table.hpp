#pragma once
// What the model modules share about tables: numeric cells with errors that name the line and
// column, and FATE's prediction output (label, predict_result, predict_score, predict_detail, type).

#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/sdk/table.hpp"

namespace fedflow::ml {

/// The cell as a finite number; InvalidArgument naming the file, line and column otherwise.
StatusOr<double> CellNumber(const worker::CsvTable& t, std::size_t row, std::size_t col, const std::string& source);

/// FATE's prediction columns for binary scores; `labels` may be empty (no label known here).
worker::CsvTable PredictionTable(const std::string& id_column, const std::vector<std::string>& ids,
                                 const std::vector<double>& labels, const std::vector<double>& scores, double threshold,
                                 const std::string& type);

}  // namespace fedflow::ml
