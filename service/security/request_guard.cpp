#include "service/security/request_guard.hpp"

#include "base/log.hpp"
#include "service/json/json.hpp"

namespace fedflow::security {

namespace {

/// Header text fit for a log line: bounded, no quotes or control characters.
std::string Clip(const std::string& s) {
  std::string out = s.size() > 64 ? s.substr(0, 64) + "..." : s;
  for (char& c : out) {
    if (c == '"' || static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return out;
}

/// The job a command is about, for the access line ("-" when none): in the query of commands
/// whose body is bytes (federation chunks), else in the JSON body.
std::string JobIdOf(const http::HttpRequest& request) {
  const std::string& in_query = request.Query("job_id");
  if (!in_query.empty()) return in_query.size() > 64 ? "-" : Clip(in_query);
  const std::string& body = request.body;
  if (body.empty() || body.size() > (1u << 20)) return "-";
  auto parsed = json::Parse(body, "body");
  if (!parsed.ok() || !parsed->is_object()) return "-";
  const boost::json::value* id = parsed->as_object().if_contains("job_id");
  if (!id || !id->is_string() || id->as_string().size() > 64) return "-";
  return std::string(id->as_string());
}

/// The message of an error envelope.
std::string ReasonOf(const http::HttpResponse& response) {
  auto parsed = json::Parse(response.body, "answer");
  if (!parsed.ok() || !parsed->is_object()) return "HTTP " + std::to_string(response.status);
  const boost::json::value* m = parsed->as_object().if_contains("message");
  if (!m || !m->is_string()) return "HTTP " + std::to_string(response.status);
  std::string text(m->as_string());
  return Clip(text.size() > 300 ? text.substr(0, 300) : text);
}

bool Accepted(const http::HttpResponse& response) { return response.status < 400; }

}  // namespace

RequestGuard::RequestGuard(GuardOptions options)
    : options_(std::move(options)), limiter_(*options_.clock, options_.access_interval_ms, options_.access_burst) {}

Status RequestGuard::Check(const http::HttpRequest& request, const http::RouteDoc& route) const {
  if (request.internal) return Status::OK();
  if (route.layer == "interconnect") return options_.site ? options_.site->Verify(request) : Status::OK();
  if ((route.layer == "application" || route.layer == "compat-1.x") && options_.client &&
      request.path != "/v2/server/health") {
    return options_.client->Verify(request);
  }
  return Status::OK();
}

void RequestGuard::Record(const http::HttpRequest& request, const http::RouteDoc& route,
                          const http::HttpResponse& response) {
  if (request.internal) return;
  const bool accepted = Accepted(response);
  if (route.layer == "interconnect") {
    if (accepted && options_.quiet_paths.count(request.path)) return;
    std::uint64_t suppressed = 0;
    if (!limiter_.Allow(request.path + (accepted ? " accepted" : " rejected"), &suppressed)) return;
    log::Get("access")->info("interconnect={} from_party={} remote={} job_id={} verified={} outcome={} status={}{}{}",
                             request.path, Clip(request.Header("x-fedflow-src-party")), request.remote,
                             JobIdOf(request), options_.site ? "signature" : "off",
                             accepted ? "accepted" : "rejected", response.status,
                             accepted ? "" : " reason=\"" + ReasonOf(response) + "\"", log::LogLimiter::Note(suppressed));
    return;
  }
  if ((route.layer == "application" || route.layer == "compat-1.x") && options_.client && !accepted &&
      (response.status == 401 || response.status == 403)) {
    std::uint64_t suppressed = 0;
    if (!limiter_.Allow(request.path + " client rejected", &suppressed)) return;
    const std::string& app = request.Header("app_key").empty() ? request.Header("appid") : request.Header("app_key");
    log::Get("access")->info("client={} app={} remote={} outcome=rejected status={} reason=\"{}\"{}", request.path,
                             Clip(app), request.remote, response.status, ReasonOf(response),
                             log::LogLimiter::Note(suppressed));
  }
}

}  // namespace fedflow::security
