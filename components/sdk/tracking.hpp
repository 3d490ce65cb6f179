#pragma once
// Metrics as FATE 1.x components log them: key/value points under (namespace, name), and the
// metric's meta with its FATE metric type (DATA_INFO, INTERSECTION, EVALUATION_SUMMARY,
// ROC_EVALUATION, ...), so FATE-style boards plot them.

#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::worker {

using MetricPoints = std::vector<std::pair<boost::json::value, boost::json::value>>;

/// Saves the points and then the meta (`meta` gets "name" and "metric_type").
Status LogMetric(WorkerSession& session, const std::string& metric_namespace, const std::string& name,
                 const MetricPoints& points, const std::string& metric_type, boost::json::object meta = {});

}  // namespace fedflow::worker
