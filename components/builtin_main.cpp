// fedflow-builtin: fedflow's own provider (module Reader/reader). The executor starts it with
// --config <attempt>/task_config.json.

#include "components/reader/reader.hpp"
#include "components/sdk/worker_main.hpp"

int main(int argc, char** argv) {
  return fedflow::worker::RunWorkerMain(argc, argv, "fedflow-builtin",
                                        [](fedflow::worker::WorkerSession& s, const std::string& module) {
                                          if (module == "Reader" || module == "reader") return fedflow::worker::RunReader(s);
                                          return fedflow::InvalidArgumentError("the built-in provider has no module '" +
                                                                               module + "'");
                                        });
}
