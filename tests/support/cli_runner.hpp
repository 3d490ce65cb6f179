#pragma once
// Runs the real `fedflow` CLI against one party of a test federation, with a scratch directory
// for the files it reads and writes. Header-only: FEDFLOW_CLI_BIN is defined per test binary.

#include <string>
#include <vector>

#include "tests/support/federation.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_dirs.hpp"

namespace fedflow::testing {

struct Cli {
  Federation& f;
  std::string dir;

  /// Exit code of `fedflow --server <party> args...`; stdout and stderr in `out`.
  int Run(const std::string& server, std::vector<std::string> args, std::string* out) {
    std::vector<std::string> argv{FEDFLOW_CLI_BIN, "--server", "127.0.0.1:" + std::to_string(f.PortOf(server))};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, out, 120000);
  }
  /// Writes `dir/name` and returns its path.
  std::string File(const std::string& name, const std::string& text) {
    WriteFile(dir + "/" + name, text);
    return dir + "/" + name;
  }
};

}  // namespace fedflow::testing
