// fedflow: the command-line client of a fedflow server (FATE's `flow` CLI, for fedflow).
//   fedflow [--server HOST:PORT] [--json] <group> <command> [options]
// The server address comes from --server, else $FEDFLOW_SERVER, else the CLI config file
// ($FEDFLOW_CLI_CONFIG or ~/.config/fedflow/cli.yaml: "server: HOST:PORT", optional
// "app_id"/"app_secret" for client authentication, "ca_file" for https), else 127.0.0.1:9380.
// $FEDFLOW_APP_ID, $FEDFLOW_APP_SECRET and $FEDFLOW_CA_FILE override the file.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "tools/cli/commands.hpp"

namespace fedflow::cli {
namespace {

const char* kExitCodes =
    "exit codes: 0 success, 1 the server refused the request, 2 bad command line,\n"
    "            3 server unreachable, 4 the awaited job did not succeed\n";

void PrintHelp(std::ostream& out, const std::string& group) {
  if (group.empty()) {
    out << "fedflow: command-line client of a fedflow server (FATE-Flow compatible)\n\n"
           "usage: fedflow [--server HOST:PORT] [--json] <group> <command> [options]\n\n"
           "  --server HOST:PORT   server to talk to (else $FEDFLOW_SERVER, the CLI config file, 127.0.0.1:9380)\n"
           "  --json               print the server's JSON answer instead of tables (for scripts)\n"
           "  https://HOST:PORT    TLS; verify with $FEDFLOW_CA_FILE or ca_file in the CLI config\n"
           "  client auth          $FEDFLOW_APP_ID and $FEDFLOW_APP_SECRET (or app_id, app_secret in the CLI\n"
           "                       config): every request is signed\n\n"
           "commands:\n";
  } else {
    out << "usage: fedflow " << group << " <command> [options]\n\ncommands:\n";
  }
  // Grouped, groups in the order they were first registered.
  std::vector<std::string> groups;
  for (const auto& c : Registry()) {
    if (std::find(groups.begin(), groups.end(), c.group) == groups.end()) groups.push_back(c.group);
  }
  for (const auto& g : groups) {
    if (!group.empty() && g != group) continue;
    for (const auto& c : Registry()) {
      if (c.group != g) continue;
      std::string name = c.group + " " + c.name;
      out << "  " << name << std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') << c.summary << "\n";
    }
  }
  out << "\nrun 'fedflow <group> <command> --help' for a command's options\n" << kExitCodes;
}

/// Reads "key: value" lines of the CLI config file (a tiny YAML subset: flat keys only).
std::map<std::string, std::string> ReadCliConfig() {
  std::map<std::string, std::string> out;
  std::string path;
  if (const char* p = std::getenv("FEDFLOW_CLI_CONFIG")) {
    path = p;
  } else if (const char* home = std::getenv("HOME")) {
    path = std::string(home) + "/.config/fedflow/cli.yaml";
  }
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos || line[0] == '#') continue;
    std::string key = line.substr(0, colon), value = line.substr(colon + 1);
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t\"'"));
      s.erase(s.find_last_not_of(" \t\"'\r") + 1);
      return s;
    };
    out[trim(key)] = trim(value);
  }
  return out;
}

}  // namespace
}  // namespace fedflow::cli

int main(int argc, char** argv) {
  using namespace fedflow::cli;
  RegisterJobCommands();
  RegisterTaskCommands();
  RegisterProviderCommands();
  RegisterServerCommands();
  RegisterLogCommands();
  RegisterPermissionCommands();
  RegisterDataCommands();
  RegisterOutputCommands();
  RegisterModelCommands();

  std::vector<std::string> args(argv + 1, argv + argc);
  std::string server;
  bool json = false;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--server" && i + 1 < args.size()) {
      server = args[++i];
    } else if (args[i].rfind("--server=", 0) == 0) {
      server = args[i].substr(9);
    } else if (args[i] == "--json" && rest.size() < 2) {
      json = true;
    } else {
      rest.push_back(args[i]);
    }
  }
  if (rest.empty() || rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help") {
    PrintHelp(std::cout, "");
    return rest.empty() ? kExitUsage : kExitOk;
  }
  bool known_group = false;
  for (const auto& c : Registry()) known_group = known_group || c.group == rest[0];
  if (!known_group) {
    std::cerr << "error: unknown command group '" << rest[0] << "'\n\n";
    PrintHelp(std::cerr, "");
    return kExitUsage;
  }
  if (rest.size() < 2 || rest[1] == "--help" || rest[1] == "-h") {
    PrintHelp(std::cout, rest[0]);
    return rest.size() < 2 ? kExitUsage : kExitOk;
  }
  const Command* command = nullptr;
  for (const auto& c : Registry()) {
    if (c.group == rest[0] && c.name == rest[1]) command = &c;
  }
  if (!command) {
    std::cerr << "error: unknown command '" << rest[0] << " " << rest[1] << "'\n\n";
    PrintHelp(std::cerr, rest[0]);
    return kExitUsage;
  }
  std::vector<std::string> command_args(rest.begin() + 2, rest.end());
  for (const auto& a : command_args) {
    if (a == "--help" || a == "-h") {
      std::cout << "usage: fedflow " << command->group << " " << command->name << " [options]\n\n"
                << command->summary << "\n\n"
                << (command->usage.empty() ? "  (no options)\n" : command->usage) << "\n"
                << kExitCodes;
      return kExitOk;
    }
  }
  auto cl = CommandLine::Parse(command_args, command->value_options, command->flags);
  if (!cl.ok()) {
    std::cerr << "error: " << cl.status().message() << "\n";
    return kExitUsage;
  }

  auto file = ReadCliConfig();
  if (server.empty()) {
    if (const char* env = std::getenv("FEDFLOW_SERVER")) server = env;
  }
  if (server.empty()) server = file.count("server") ? file["server"] : "127.0.0.1:9380";
  Endpoint endpoint;
  auto parsed = ParseAddress(server, &endpoint);
  if (!parsed.ok()) {
    std::cerr << "error: " << parsed.message() << "\n";
    return kExitUsage;
  }
  endpoint.app_id = std::getenv("FEDFLOW_APP_ID") ? std::getenv("FEDFLOW_APP_ID") : file["app_id"];
  endpoint.app_secret = std::getenv("FEDFLOW_APP_SECRET") ? std::getenv("FEDFLOW_APP_SECRET") : file["app_secret"];
  endpoint.tls_ca_file = std::getenv("FEDFLOW_CA_FILE") ? std::getenv("FEDFLOW_CA_FILE") : file["ca_file"];
  ApiClient api(endpoint);
  Context ctx{api, json, std::cout, std::cerr};
  try {
    return command->run(ctx, *cl);
  } catch (const std::exception& e) {
    // An answer shaped unlike what the command expects: say so instead of crashing.
    std::cerr << "error: unexpected answer from the server: " << e.what() << "\n";
    return kExitApiError;
  }
}
