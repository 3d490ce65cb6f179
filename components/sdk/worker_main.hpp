#pragma once
// The life of a provider process around its module: open the session from --config, report
// running, heartbeat, run the module, report success or the failure's reason.

#include <functional>
#include <string>

#include "base/status.hpp"
#include "components/sdk/worker_session.hpp"

namespace fedflow::worker {

/// Runs `module` (the task's module name) through `run`; returns the process exit code.
int RunWorkerMain(int argc, char** argv, const std::string& program,
                  const std::function<Status(WorkerSession&, const std::string& module)>& run);

}  // namespace fedflow::worker
