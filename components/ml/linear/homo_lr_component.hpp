#pragma once
// The HomoLR module of fedflow-ml: FATE 1.11's HomoLogisticParam at guest, hosts (clients, each
// with its own labelled rows) and arbiter (secure aggregation); the model at every party, each
// client's predictions of its rows in FATE's columns, the loss per round as a LOSS metric. With a
// model input instead, a client predicts its rows with it.

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::ml {

Status RunHomoLr(worker::WorkerSession& s);

}  // namespace fedflow::ml
