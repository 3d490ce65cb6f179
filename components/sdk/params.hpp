#pragma once
// Typed access to a component's parameters at this party. Every error names the parameter, the
// component and the role:party, and says what value would do, so a user can fix the conf.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/status.hpp"

namespace fedflow::worker {

class Params final {
 public:
  /// `where`: "component intersect_0 at guest:9999", used in every message.
  Params(const boost::json::object& values, std::string where) : values_(values), where_(std::move(where)) {}

  /// InvalidArgument naming the first key that is not in `known` (a typo would be silently ignored).
  Status CheckKnown(const std::set<std::string>& known) const;

  StatusOr<std::string> String(const std::string& key, const std::string& fallback) const;
  /// One of `allowed` (compared as given).
  StatusOr<std::string> Choice(const std::string& key, const std::string& fallback,
                               const std::vector<std::string>& allowed) const;
  StatusOr<bool> Bool(const std::string& key, bool fallback) const;
  StatusOr<std::int64_t> Int(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  StatusOr<double> Double(const std::string& key, double fallback) const;
  /// A nested object as Params (empty when absent); an error when present but not an object.
  StatusOr<Params> Object(const std::string& key) const;
  bool Has(const std::string& key) const { return values_.if_contains(key) != nullptr; }
  /// The raw value, or null.
  const boost::json::value* Raw(const std::string& key) const { return values_.if_contains(key); }

  /// InvalidArgument "<where>: parameter '<key>' <what>".
  Status Error(const std::string& key, const std::string& what) const;
  const std::string& where() const { return where_; }

 private:
  boost::json::object values_;
  std::string where_;
};

}  // namespace fedflow::worker
