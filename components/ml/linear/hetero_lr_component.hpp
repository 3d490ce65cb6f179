#pragma once
// The HeteroLR module of fedflow-ml: FATE 1.11's LogisticParam at guest, hosts and arbiter, train
// data in, each party's model and the guest's predictions (FATE's columns) out, the loss per
// iteration as a LOSS metric. With a model input instead, it predicts.

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::ml {

Status RunHeteroLr(worker::WorkerSession& s);

}  // namespace fedflow::ml
