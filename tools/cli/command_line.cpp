#include "tools/cli/command_line.hpp"

namespace fedflow::cli {

StatusOr<CommandLine> CommandLine::Parse(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                                         const std::set<std::string>& flags) {
  CommandLine cl;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a.substr(a[1] == '-' ? 2 : 1);
      std::string value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (flags.count(name)) {
        cl.flags_.insert(name);
        continue;
      }
      if (!value_options.count(name)) return InvalidArgumentError("unknown option '" + a + "' (see --help)");
      if (!inline_value) {
        if (i + 1 >= args.size()) return InvalidArgumentError("option '" + a + "' needs a value");
        value = args[++i];
      }
      cl.values_[name] = value;
      continue;
    }
    cl.positional_.push_back(a);
  }
  return cl;
}

std::string CommandLine::Get(std::initializer_list<const char*> names) const {
  for (const char* n : names) {
    auto it = values_.find(n);
    if (it != values_.end()) return it->second;
  }
  return "";
}

StatusOr<std::string> CommandLine::Require(std::initializer_list<const char*> names, const std::string& what) const {
  std::string v = Get(names);
  if (!v.empty()) return v;
  std::string spelled;
  for (const char* n : names) spelled += (spelled.empty() ? "" : " / ") + std::string(std::string(n).size() == 1 ? "-" : "--") + n;
  return InvalidArgumentError("missing " + what + ": give " + spelled);
}

}  // namespace fedflow::cli
