#include "components/sdk/worker_main.hpp"

#include <cstdio>

namespace fedflow::worker {

int RunWorkerMain(int argc, char** argv, const std::string& program,
                  const std::function<Status(WorkerSession&, const std::string& module)>& run) {
  std::string config_path;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") config_path = argv[i + 1];
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "usage: %s --config task_config.json\n", program.c_str());
    return 2;
  }
  auto session = WorkerSession::Open(config_path);
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return 2;
  }
  WorkerSession& s = **session;
  const std::string module = StringOf(s.config(), "module");
  std::printf("%s %s module=%s\n", program.c_str(), s.Describe().c_str(), module.c_str());
  std::fflush(stdout);
  s.Report("running");
  s.StartHeartbeat();
  Status result = run(s, module);
  s.StopHeartbeat();
  if (!result.ok()) {
    std::printf("failed: %s\n", result.ToString().c_str());
    s.Report("failed", result.message());
    return 1;
  }
  s.Progress(100);
  s.Report("success");
  return 0;
}

}  // namespace fedflow::worker
