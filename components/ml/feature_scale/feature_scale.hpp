#pragma once
// FeatureScale (FATE 1.11's ScaleParam), at each party on its own features: min_max_scale
// ((x - min) / (max - min)) or standard_scale ((x - mean) / std, with_mean, with_std; population
// std), on the columns of scale_col_indexes / scale_names (all by default), values first clipped
// to feat_lower / feat_upper (numbers, one per scaled column, or with mode cap quantiles of the
// column). The scaler is saved as a model; with a model input it scales new data the same way.

#include <string>

#include "base/status.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/worker_session.hpp"
#include "proto/fedflow/models.pb.h"

namespace fedflow::ml {

/// Learns the scaler from `input` (id first, then `label_column` if any, then features).
StatusOr<models::FeatureScaleModel> FitFeatureScale(const worker::Params& params, const worker::CsvTable& input,
                                                    const std::string& label_column, const std::string& source);
/// `input` scaled by `model` (same columns by name; InvalidArgument naming a missing or non-numeric one).
StatusOr<worker::CsvTable> ApplyFeatureScale(const models::FeatureScaleModel& model, const worker::CsvTable& input,
                                             const std::string& source);

Status RunFeatureScale(worker::WorkerSession& s);

}  // namespace fedflow::ml
