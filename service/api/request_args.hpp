#pragma once
// Reading request arguments the same way on every route: query parameters and a JSON object
// body are merged (FATE 1.x clients POST JSON, 2.x clients GET with a query string).

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include <functional>

#include "base/status.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

/// Query parameters (as strings) overlaid by the JSON body's fields. A body that is not a JSON
/// object is an InvalidArgument naming line and column.
StatusOr<boost::json::object> Args(const http::HttpRequest& request);

/// A handler given the request's merged arguments.
using ArgsHandler = std::function<http::HttpResponse(const http::HttpRequest&, const boost::json::object& args)>;
/// The one preamble of every route that reads arguments: Args(request), and a 400 naming line
/// and column when the body is not a JSON object (with `api_code` when set), before `handler`
/// runs.
http::RouteHandler WithArgs(ArgsHandler handler, ApiCode api_code = ApiCode::kSuccess);

/// A required string argument (numbers are accepted and printed).
StatusOr<std::string> RequireString(const boost::json::object& args, const std::string& key);
/// An optional string argument ("" when absent).
StatusOr<std::string> OptionalString(const boost::json::object& args, const std::string& key);
/// An optional integer (strings of digits accepted, as query parameters are strings).
/// A flag: absent or null -> `fallback`; true/false as JSON booleans or as the strings "true"/"false"
/// (query parameters); anything else is refused naming the key.
StatusOr<bool> OptionalBool(const boost::json::object& args, const std::string& key, bool fallback);
StatusOr<std::int64_t> OptionalInt(const boost::json::object& args, const std::string& key, std::int64_t fallback,
                                   std::int64_t min, std::int64_t max);
/// A required job id, in the job id format (base/ids.hpp IsJobId).
StatusOr<std::string> RequireJobId(const boost::json::object& args);
/// An optional job id ("" when absent), in the job id format when present.
StatusOr<std::string> OptionalJobId(const boost::json::object& args);

/// The per-attempt token a worker presents: the X-Fedflow-Task-Token header, else `token`.
std::string WorkerToken(const http::HttpRequest& request, const boost::json::object& args);

/// Who asked, for audit lines: "app:<id>/user:<name>" from the client headers, else the remote
/// address.
std::string Caller(const http::HttpRequest& request);

}  // namespace fedflow::api
