#pragma once
// The CLI's command table: every command declares its group, name, help and options, and a
// handler. main.cpp dispatches; each group lives in its own commands_<group>.cpp.

#include <functional>
#include <iosfwd>
#include <set>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "tools/cli/api_client.hpp"
#include "tools/cli/command_line.hpp"

namespace fedflow::cli {

/// Exit codes (documented in `fedflow --help`).
enum ExitCode : int {
  kExitOk = 0,
  kExitApiError = 1,     ///< the server refused or failed the request
  kExitUsage = 2,        ///< bad command line
  kExitUnreachable = 3,  ///< no answer from the server
  kExitJobFailed = 4,    ///< `--wait` ended with a job that did not succeed
};

/// What a handler works with.
struct Context {
  ApiClient& api;
  bool json = false;
  std::ostream& out;
  std::ostream& err;
};

/// One command.
struct Command {
  std::string group;
  std::string name;
  std::string summary;
  std::string usage;                    ///< option lines for `--help`
  std::set<std::string> value_options;  ///< short and long names
  std::set<std::string> flags;
  std::function<int(Context&, const CommandLine&)> run;
};

std::vector<Command>& Registry();

/// Registration from each commands_<group>.cpp.
void RegisterJobCommands();
void RegisterTaskCommands();
void RegisterProviderCommands();
void RegisterServerCommands();
void RegisterLogCommands();
void RegisterPermissionCommands();
void RegisterDataCommands();
void RegisterOutputCommands();
void RegisterModelCommands();

/// Sends and reports: on success returns the answer; on failure prints the message and sets
/// `*exit_code` (1 for a refusal, 3 when unreachable).
bool Call(Context& ctx, const StatusOr<Answer>& answer, int* exit_code, Answer* out);

/// Reads a JSON file given on the command line; errors name the file and the position.
StatusOr<boost::json::value> ReadJsonFile(const std::string& path, const std::string& what);

}  // namespace fedflow::cli
