#pragma once
// The DataTransform module (FATE 1.x DataTransformParam, dense input): turns the Reader's CSV into
// numeric features with an optional label, filling missing values and replacing outliers as
// configured, and saves what it learned (DataTransformModel) so other data can be transformed alike.

#include <string>
#include <vector>

#include "base/status.hpp"
#include "components/sdk/params.hpp"
#include "components/sdk/table.hpp"
#include "components/sdk/worker_session.hpp"
#include "proto/fedflow/models.pb.h"

namespace fedflow::ml {

/// The transform itself, without a session: `input` (id column first) to the output table, with
/// the model it fitted. Errors name the column, line and id of a bad value.
StatusOr<worker::CsvTable> TransformDense(const worker::Params& params, const worker::CsvTable& input,
                                          const std::string& source, models::DataTransformModel* model);

/// Predict mode: `input` transformed as the model's training data was (its features in its order,
/// its fill and outlier values); the label is kept when the data has the model's label column.
StatusOr<worker::CsvTable> ApplyDataTransformModel(const models::DataTransformModel& model,
                                                   const worker::CsvTable& input, const std::string& source,
                                                   const std::string& where);

Status RunDataTransform(worker::WorkerSession& session);

}  // namespace fedflow::ml
