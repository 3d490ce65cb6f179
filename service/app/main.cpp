// fedflow-server: one party's scheduler server.
//   fedflow-server --config conf/service_conf.yaml
// Exits non-zero with a message naming the key when the config is bad; stops cleanly on
// SIGTERM or SIGINT.

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/log.hpp"
#include "service/app/config.hpp"
#include "service/app/server_app.hpp"

namespace {

void PrintUsage() {
  std::printf(
      "usage: fedflow-server --config <service_conf.yaml>\n"
      "       fedflow-server --check-config <service_conf.yaml>   validate and exit\n"
      "       fedflow-server --version\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c" || arg == "--check-config") && i + 1 < argc) {
      check_only = arg == "--check-config";
      config_path = argv[++i];
    } else if (arg == "--version") {
      std::printf("fedflow-server %s\n", FEDFLOW_VERSION);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      PrintUsage();
      return 0;
    } else {
      std::fprintf(stderr, "fedflow-server: unknown argument '%s'\n", arg.c_str());
      PrintUsage();
      return 2;
    }
  }
  if (config_path.empty()) {
    PrintUsage();
    return 2;
  }
  auto config = fedflow::app::LoadConfig(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "fedflow-server: bad config: %s\n", config.status().message().c_str());
    return 1;
  }
  if (check_only) {
    std::printf("config ok: party_id=%s port=%u\n", config->party_id.c_str(), config->http.port);
    return 0;
  }

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  fedflow::Status logs = fedflow::log::Init(config->log);
  if (!logs.ok()) {
    std::fprintf(stderr, "fedflow-server: bad config: log: %s\n", logs.message().c_str());
    return 1;
  }
  fedflow::app::ServerApp app(*config);
  fedflow::Status started = app.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "fedflow-server: cannot start: %s\n", started.message().c_str());
    fedflow::log::Get("app")->error("cannot start: {}", started.message());
    fedflow::log::Shutdown();
    return 1;
  }
  std::printf("fedflow-server party_id=%s listening on %s:%u\n", config->party_id.c_str(), config->http.host.c_str(),
              app.port());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  fedflow::log::Get("app")->info("signal={} stopping", strsignal(sig));
  app.Stop();
  fedflow::log::Shutdown();
  return 0;
}
