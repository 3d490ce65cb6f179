// fedflow-ml: the built-in ML provider (DataTransform, Intersection, FeatureScale, HeteroLR, HomoLR,
// Evaluation), registered by default. The executor starts it with --config <attempt>/task_config.json.

#include "components/ml/data_transform/data_transform.hpp"
#include "components/ml/evaluation/evaluation.hpp"
#include "components/ml/feature_scale/feature_scale.hpp"
#include "components/ml/intersection/intersection.hpp"
#include "components/ml/linear/hetero_lr_component.hpp"
#include "components/ml/linear/homo_lr_component.hpp"
#include "components/sdk/worker_main.hpp"

int main(int argc, char** argv) {
  using fedflow::worker::WorkerSession;
  return fedflow::worker::RunWorkerMain(argc, argv, "fedflow-ml", [](WorkerSession& s, const std::string& module) {
    if (module == "DataTransform" || module == "DataIO") return fedflow::ml::RunDataTransform(s);
    if (module == "Intersection") return fedflow::ml::RunIntersection(s);
    if (module == "Evaluation") return fedflow::ml::RunEvaluation(s);
    if (module == "HeteroLR") return fedflow::ml::RunHeteroLr(s);
    if (module == "HomoLR") return fedflow::ml::RunHomoLr(s);
    if (module == "FeatureScale") return fedflow::ml::RunFeatureScale(s);
    return fedflow::InvalidArgumentError("fedflow-ml has no module '" + module + "'");
  });
}
