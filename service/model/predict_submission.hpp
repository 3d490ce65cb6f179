#pragma once
// A FATE 1.x predict job as submitted, completed from the registry as FATE-Flow does: the DSL
// may be left out (the model's inference DSL is used), and components run with the training
// job's parameters under the predict conf's own.

#include <string>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "service/model/model_store.hpp"

namespace fedflow::model {

/// The submit body to plan: unchanged unless its runtime conf is a 1.x predict job. Refuses a
/// predict job without model_id and model_version, or whose model is not stored at the
/// initiator (this party), naming the key and the party.
StatusOr<boost::json::object> PreparePredictSubmission(const ModelStore& store, const boost::json::object& args);

}  // namespace fedflow::model
