#pragma once
// A module's model as an output: model.pb under output/model/<key>/ of the attempt, registered
// with the server with its type and a little meta; and a model input read back.

#include <string>

#include <boost/json.hpp>
#include <google/protobuf/message.h>
#include <google/protobuf/repeated_field.h>

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::ml {

/// Saves `model` as the first declared model output (nothing when the task declares none).
Status SaveModelOutput(worker::WorkerSession& s, const google::protobuf::Message& model, const std::string& type_name,
                       const boost::json::object& meta);

/// A linear model's summary for its meta (what the board shows): {feature: weight} of this party's
/// features, and the intercept when there is one.
boost::json::object WeightsSummary(const google::protobuf::RepeatedPtrField<std::string>& features,
                                   const google::protobuf::RepeatedField<double>& weights, bool fit_intercept,
                                   double intercept);

/// Whether the task has a model input; when it has, parses its model.pb into `model`.
StatusOr<bool> LoadModelInput(worker::WorkerSession& s, google::protobuf::Message* model);

}  // namespace fedflow::ml
