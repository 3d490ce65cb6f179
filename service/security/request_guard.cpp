#include "service/security/request_guard.hpp"

#include "base/log.hpp"
#include "service/json/json.hpp"

namespace fedflow::security {

namespace {

/// The job a command is about, for the audit line ("-" when none).
std::string JobIdOf(const std::string& body) {
  auto parsed = json::Parse(body, "body");
  if (!parsed.ok() || !parsed->is_object()) return "-";
  const boost::json::value* id = parsed->as_object().if_contains("job_id");
  if (!id || !id->is_string() || id->as_string().size() > 64) return "-";
  return std::string(id->as_string());
}

std::string Clip(const std::string& s) { return s.size() > 64 ? s.substr(0, 64) + "..." : s; }

}  // namespace

Status RequestGuard::Check(const http::HttpRequest& request, const http::RouteDoc& route) const {
  if (request.internal) return Status::OK();
  if (route.layer == "interconnect") {
    Status verdict = options_.site ? options_.site->Verify(request) : Status::OK();
    if (!verdict.ok() || !options_.quiet_paths.count(request.path)) {
      log::Get("audit")->info("interconnect={} from_party={} remote={} job_id={} verified={} outcome={}{}", request.path,
                              Clip(request.Header("x-fedflow-src-party")), request.remote, JobIdOf(request.body),
                              options_.site ? "signature" : "off", verdict.ok() ? "accepted" : "rejected",
                              verdict.ok() ? "" : " reason=\"" + verdict.message() + "\"");
    }
    return verdict;
  }
  if ((route.layer == "application" || route.layer == "compat-1.x") && options_.client &&
      request.path != "/v2/server/health") {
    Status verdict = options_.client->Verify(request);
    if (!verdict.ok()) {
      log::Get("audit")->info("client={} app={} remote={} outcome=rejected reason=\"{}\"", request.path,
                              Clip(request.Header("app_key").empty() ? request.Header("appid") : request.Header("app_key")),
                              request.remote, verdict.message());
    }
    return verdict;
  }
  return Status::OK();
}

}  // namespace fedflow::security
