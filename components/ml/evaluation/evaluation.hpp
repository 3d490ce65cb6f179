#pragma once
// The Evaluation module (FATE 1.x EvaluateParam): scores a prediction table (label with
// predict_score or predict_result, FATE's predict output columns) and logs FATE's metrics:
// the summary (EVALUATION_SUMMARY) under the upstream component's name and the curves
// (<name>_roc ROC_EVALUATION, _ks_fpr/_ks_tpr KS_EVALUATION, _lift, _gain, _precision, _recall)
// in namespace train or validate (the table's `type` column).

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::ml {

Status RunEvaluation(worker::WorkerSession& session);

}  // namespace fedflow::ml
