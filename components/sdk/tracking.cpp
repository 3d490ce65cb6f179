#include "components/sdk/tracking.hpp"

namespace fedflow::worker {

namespace bj = boost::json;

Status LogMetric(WorkerSession& session, const std::string& metric_namespace, const std::string& name,
                 const MetricPoints& points, const std::string& metric_type, bj::object meta) {
  bj::array data;
  for (const auto& [key, value] : points) data.push_back(bj::object{{"key", key}, {"value", value}});
  FEDFLOW_RETURN_IF_ERROR(session
                              .PostData("/v2/worker/metric/data/save",
                                        bj::object{{"namespace", metric_namespace}, {"name", name}, {"metrics", data}})
                              .status()
                              .WithContext("metric " + metric_namespace + "/" + name));
  meta["name"] = name;
  meta["metric_type"] = metric_type;
  return session
      .PostData("/v2/worker/metric/meta/save",
                bj::object{{"namespace", metric_namespace}, {"name", name}, {"meta", std::move(meta)}})
      .status()
      .WithContext("metric meta " + metric_namespace + "/" + name);
}

}  // namespace fedflow::worker
