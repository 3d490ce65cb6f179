#include "service/interconnect/party_client.hpp"

#include "base/ids.hpp"
#include "service/json/json.hpp"

namespace fedflow::interconnect {

namespace bj = boost::json;

PartyReply ReplyFromAnswer(const std::string& party_id, int http_status, const std::string& body) {
  PartyReply r;
  r.party_id = party_id;
  r.reached = true;
  r.http_status = http_status;
  auto parsed = json::Parse(body, "answer");
  std::string message;
  if (parsed.ok() && parsed->is_object()) {
    const bj::object& o = parsed->as_object();
    if (const bj::value* c = o.if_contains("code"); c && c->is_int64()) r.code = static_cast<int>(c->as_int64());
    if (const bj::value* m = o.if_contains("message"); m && m->is_string()) message = std::string(m->as_string());
    if (const bj::value* d = o.if_contains("data")) r.data = *d;
  } else {
    message = "unreadable answer (HTTP " + std::to_string(http_status) + ")";
  }
  if (http_status == 200 && r.code == 0) return r;
  std::string text = "party " + party_id + ": " + (message.empty() ? "HTTP " + std::to_string(http_status) : message);
  StatusCode code = StatusCode::kInternal;
  switch (http_status) {
    case 400: code = StatusCode::kInvalidArgument; break;
    case 401: code = StatusCode::kUnauthenticated; break;
    case 403: code = StatusCode::kPermissionDenied; break;
    case 404: code = StatusCode::kNotFound; break;
    case 409: code = StatusCode::kFailedPrecondition; break;
    case 429: code = StatusCode::kResourceExhausted; break;
    case 503: code = StatusCode::kUnavailable; break;
    case 504: code = StatusCode::kDeadlineExceeded; break;
    default: code = http_status >= 500 ? StatusCode::kInternal : StatusCode::kFailedPrecondition;
  }
  r.status = Status(code, text);
  if (r.code > 0) r.status.set_api_code(r.code);
  return r;
}

std::string NewCommandKey(const std::string& job_id, const std::string& command) {
  return job_id + ":" + command + ":" + RandomHex(8);
}

Status Combine(const std::vector<PartyReply>& replies) {
  Status first;
  std::string all;
  int failures = 0;
  for (const auto& r : replies) {
    if (r.status.ok()) continue;
    if (failures++ == 0) first = r.status;
    all += (all.empty() ? "" : "; ") + r.status.message();
  }
  if (failures <= 1) return first;
  Status combined(first.code(), all);
  combined.set_api_code(first.api_code());
  return combined;
}

}  // namespace fedflow::interconnect
