#include "tools/cli/commands.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

#include "service/json/json.hpp"

namespace fedflow::cli {

std::vector<Command>& Registry() {
  static std::vector<Command> commands;
  return commands;
}

bool Call(Context& ctx, const StatusOr<Answer>& answer, int* exit_code, Answer* out) {
  if (!answer.ok()) {
    ctx.err << "error: " << answer.status().message() << "\n";
    *exit_code = kExitUnreachable;
    return false;
  }
  if (answer->code != 0 || answer->http_status >= 400) {
    ctx.err << "error: " << (answer->message.empty() ? "HTTP " + std::to_string(answer->http_status) : answer->message);
    if (answer->code > 0) ctx.err << " (code " << answer->code << ")";
    ctx.err << "\n";
    *exit_code = kExitApiError;
    if (out) *out = *answer;  // a refusal's data can say more (e.g. which parties refused)
    return false;
  }
  if (out) *out = *answer;
  return true;
}

StatusOr<boost::json::value> ReadJsonFile(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) return InvalidArgumentError("cannot read " + what + " file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::Parse(ss.str(), what + " file " + path);
}

}  // namespace fedflow::cli
