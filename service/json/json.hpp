#pragma once
// JSON helpers on Boost.JSON: parsing with positions, typed field access whose errors name the
// field, and small builders. Every handler and parser uses these so errors read the same way.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/status.hpp"

namespace fedflow::json {

namespace bj = boost::json;

/// The deepest nesting of arrays and objects Parse accepts (default 32, Boost.JSON's). Set once
/// at start from the configuration (limits.json_max_depth); a deeper document is refused while
/// it is read, before it takes memory.
void SetMaxDepth(std::size_t depth);
std::size_t MaxDepth();

/// Parses `text` as JSON. Errors say "line L column C: <reason>" prefixed by `what`.
StatusOr<bj::value> Parse(std::string_view text, std::string_view what = "JSON");
/// Like Parse, and the top level must be an object.
StatusOr<bj::object> ParseObject(std::string_view text, std::string_view what = "JSON body");

/// Compact serialisation.
std::string Dump(const bj::value& v);

/// Typed access: `path` is the dotted name used in error messages (e.g. "job_parameters.common").
/// Missing optional fields return `fallback`; a present field of the wrong type is an error.
StatusOr<std::string> GetString(const bj::object& o, std::string_view key, std::string_view path,
                                std::optional<std::string> fallback = std::nullopt);
StatusOr<std::int64_t> GetInt(const bj::object& o, std::string_view key, std::string_view path,
                              std::optional<std::int64_t> fallback = std::nullopt);
StatusOr<bool> GetBool(const bj::object& o, std::string_view key, std::string_view path,
                       std::optional<bool> fallback = std::nullopt);
/// The object at `key`; missing -> empty object when `optional`, else an error.
StatusOr<bj::object> GetObject(const bj::object& o, std::string_view key, std::string_view path, bool optional);
StatusOr<bj::array> GetArray(const bj::object& o, std::string_view key, std::string_view path, bool optional);

/// A scalar (string or integer) as text: FATE files write party ids both as 9999 and "9999".
StatusOr<std::string> ScalarToString(const bj::value& v, std::string_view path);

/// Deep-merges `src` into `dst`: objects merge key by key, anything else replaces.
void MergeInto(bj::object& dst, const bj::object& src);

/// Name of a JSON kind for messages ("string", "object", ...).
const char* KindName(const bj::value& v);

}  // namespace fedflow::json
