#include "components/sdk/params.hpp"

#include <cmath>

namespace fedflow::worker {

namespace bj = boost::json;

Status Params::Error(const std::string& key, const std::string& what) const {
  return InvalidArgumentError(where_ + ": parameter '" + key + "' " + what);
}

Status Params::CheckKnown(const std::set<std::string>& known) const {
  for (const auto& [key, value] : values_) {
    if (known.count(std::string(key))) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return Error(std::string(key), "is not a parameter of this module (known: " + list + ")");
  }
  return Status::OK();
}

StatusOr<std::string> Params::String(const std::string& key, const std::string& fallback) const {
  const bj::value* v = values_.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_string()) return Error(key, "must be a string");
  return std::string(v->as_string());
}

StatusOr<std::string> Params::Choice(const std::string& key, const std::string& fallback,
                                     const std::vector<std::string>& allowed) const {
  FEDFLOW_ASSIGN_OR_RETURN(std::string value, String(key, fallback));
  std::string list;
  for (const auto& a : allowed) {
    if (a == value) return value;
    list += (list.empty() ? "" : ", ") + a;
  }
  return Error(key, "is '" + value + "'; use one of: " + list);
}

StatusOr<bool> Params::Bool(const std::string& key, bool fallback) const {
  const bj::value* v = values_.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_bool()) return Error(key, "must be true or false");
  return v->as_bool();
}

StatusOr<std::int64_t> Params::Int(const std::string& key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) const {
  const bj::value* v = values_.if_contains(key);
  if (!v || v->is_null()) return fallback;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else if (v->is_double() && std::floor(v->as_double()) == v->as_double() && std::fabs(v->as_double()) < 9e15) {
    n = static_cast<std::int64_t>(v->as_double());
  } else {
    return Error(key, "must be an integer");
  }
  if (n < min || n > max) return Error(key, "is " + std::to_string(n) + "; it must be between " + std::to_string(min) +
                                               " and " + std::to_string(max));
  return n;
}

StatusOr<double> Params::Double(const std::string& key, double fallback) const {
  const bj::value* v = values_.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return Error(key, "must be a number");
}

StatusOr<Params> Params::Object(const std::string& key) const {
  const bj::value* v = values_.if_contains(key);
  if (!v || v->is_null()) return Params(bj::object{}, where_ + ", " + key);
  if (!v->is_object()) return Error(key, "must be an object");
  return Params(v->as_object(), where_ + ", " + key);
}

}  // namespace fedflow::worker
