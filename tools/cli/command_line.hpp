#pragma once
// Arguments of one CLI command: positionals, "-x value" / "--long value" options and flags.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace fedflow::cli {

/// Parsed arguments. Option names are stored without dashes; short and long names are aliases
/// declared by the command.
class CommandLine final {
 public:
  /// `value_options` take a value ("c", "conf"), `flags` do not ("wait").
  static StatusOr<CommandLine> Parse(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                                     const std::set<std::string>& flags);

  bool Has(const std::string& name) const { return values_.count(name) > 0 || flags_.count(name) > 0; }
  /// The value of the first of `names` given, or "".
  std::string Get(std::initializer_list<const char*> names) const;
  /// Like Get, but missing is an error naming the option.
  StatusOr<std::string> Require(std::initializer_list<const char*> names, const std::string& what) const;
  bool Flag(const std::string& name) const { return flags_.count(name) > 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace fedflow::cli
