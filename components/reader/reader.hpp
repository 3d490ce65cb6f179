#pragma once
// The built-in Reader module: resolves the table its parameters name at this party, writes it
// as the task's data output (output/<key>/data.csv), registers that output with its schema, and
// logs the row count as a metric (FATE's reader_namespace/reader_name DATA_INFO metric).

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::worker {

/// Runs the Reader for the session's task; the caller reports the outcome.
Status RunReader(WorkerSession& session);

}  // namespace fedflow::worker
