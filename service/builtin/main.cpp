// fedflow-builtin: the provider fedflow ships (modules Reader/reader). The executor starts it
// with --config <attempt>/task_config.json; it reports running, heartbeats, runs the module and
// reports success or failed with the reason.

#include <cstdio>
#include <string>

#include "service/builtin/reader.hpp"
#include "service/builtin/worker_session.hpp"

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") config_path = argv[i + 1];
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "usage: fedflow-builtin --config task_config.json\n");
    return 2;
  }
  auto session = fedflow::worker::WorkerSession::Open(config_path);
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return 2;
  }
  fedflow::worker::WorkerSession& s = **session;
  const std::string module = fedflow::worker::StringOf(s.config(), "module");
  std::printf("fedflow-builtin %s module=%s\n", s.Describe().c_str(), module.c_str());
  std::fflush(stdout);
  s.Report("running");
  s.StartHeartbeat();
  fedflow::Status result = (module == "Reader" || module == "reader")
                               ? fedflow::worker::RunReader(s)
                               : fedflow::InvalidArgumentError("the built-in provider has no module '" + module + "'");
  s.StopHeartbeat();
  if (!result.ok()) {
    std::printf("failed: %s\n", result.ToString().c_str());
    s.Report("failed", result.message());
    return 1;
  }
  s.Report("success");
  return 0;
}
