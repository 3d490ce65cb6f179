#include "service/api/request_args.hpp"

#include "base/ids.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"

namespace fedflow::api {

namespace bj = boost::json;

StatusOr<bj::object> Args(const http::HttpRequest& request) {
  bj::object args;
  for (const auto& [k, v] : request.query) args[k] = v;
  bool has_body = request.body.find_first_not_of(" \t\r\n") != std::string::npos;
  if (has_body) {
    FEDFLOW_ASSIGN_OR_RETURN(bj::object body, json::ParseObject(request.body, "request body"));
    for (const auto& kv : body) args[kv.key()] = kv.value();
  }
  return args;
}

http::RouteHandler WithArgs(ArgsHandler handler, ApiCode api_code) {
  return [handler = std::move(handler), api_code](const http::HttpRequest& req) -> http::HttpResponse {
    auto args = Args(req);
    if (!args.ok()) {
      Status error = args.status();
      if (api_code != ApiCode::kSuccess) error.set_api_code(api_code);
      return http::JsonError(error);
    }
    return handler(req, *args);
  };
}

StatusOr<std::string> RequireString(const bj::object& args, const std::string& key) {
  const bj::value* v = args.if_contains(key);
  if (!v || v->is_null()) return InvalidArgumentError("missing required argument '" + key + "'");
  auto s = json::ScalarToString(*v, key);
  if (!s.ok()) return s.status();
  if (s->empty()) return InvalidArgumentError("argument '" + key + "' is empty");
  return s;
}

StatusOr<std::string> OptionalString(const bj::object& args, const std::string& key) {
  const bj::value* v = args.if_contains(key);
  if (!v || v->is_null()) return std::string();
  return json::ScalarToString(*v, key);
}

StatusOr<bool> OptionalBool(const bj::object& args, const std::string& key, bool fallback) {
  const bj::value* v = args.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string() && (v->as_string() == "true" || v->as_string() == "false")) return v->as_string() == "true";
  return InvalidArgumentError("argument '" + key + "' must be true or false");
}

StatusOr<std::int64_t> OptionalInt(const bj::object& args, const std::string& key, std::int64_t fallback,
                                   std::int64_t min, std::int64_t max) {
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t v, json::GetInt(args, key, key, fallback));
  if (v < min || v > max) {
    return InvalidArgumentError("argument '" + key + "' must be between " + std::to_string(min) + " and " +
                                std::to_string(max) + ", got " + std::to_string(v));
  }
  return v;
}

StatusOr<std::string> RequireJobId(const bj::object& args) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string id, RequireString(args, "job_id"));
  if (!IsJobId(id)) {
    return InvalidArgumentError("job_id '" + id.substr(0, 64) + "' is not a job id: job ids are 16 to 32 digits, as submit "
                                "answers them");
  }
  return id;
}

StatusOr<std::string> OptionalJobId(const bj::object& args) {
  if (!args.contains("job_id")) return std::string();
  FEDFLOW_ASSIGN_OR_RETURN(std::string id, OptionalString(args, "job_id"));
  if (id.empty()) return id;
  return RequireJobId(args);
}

std::string WorkerToken(const http::HttpRequest& req, const boost::json::object& args) {
  std::string token = req.Header("x-fedflow-task-token");
  if (token.empty()) token = OptionalString(args, "token").value_or("");
  return token;
}

std::string Caller(const http::HttpRequest& req) {
  // The app is what client authentication proves; a user name is only what the client says.
  std::string app = !req.Header("app_key").empty() ? req.Header("app_key") : req.Header("appid");
  std::string user = !req.Header("user_name").empty() ? req.Header("user_name") : req.Header("username");
  std::string who;
  if (!app.empty()) who = "app:" + app.substr(0, 64);
  if (!user.empty()) who += (who.empty() ? "user:" : "/user:") + user.substr(0, 64);
  if (who.empty()) who = req.remote.empty() ? "unknown" : req.remote;
  return who;
}

}  // namespace fedflow::api
