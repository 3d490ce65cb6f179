#include "service/http/router.hpp"

#include "base/log.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"

namespace fedflow::http {

void Router::Add(const std::string& method, const std::string& path, RouteDoc doc, RouteHandler handler) {
  routes_[path][method] = Entry{std::move(doc), std::move(handler)};
}

const Router::Entry* Router::Find(const std::string& method, const std::string& path) const {
  auto by_path = routes_.find(path);
  if (by_path == routes_.end()) return nullptr;
  auto it = by_path->second.find(method);
  return it == by_path->second.end() ? nullptr : &it->second;
}

bool Router::IsQuickRead(const std::string& method, const std::string& path) const {
  const Entry* e = Find(method, path);
  return e && e->doc.quick_read;
}

bool Router::StreamsBody(const std::string& method, const std::string& path) const {
  const Entry* e = Find(method, path);
  return e && e->doc.streamed_body;
}

bool Router::Waits(const std::string& method, const std::string& path) const {
  const Entry* e = Find(method, path);
  return e && e->doc.waits;
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  auto by_path = routes_.find(request.path);
  if (by_path == routes_.end()) {
    if (pages_ && request.method == "GET") {
      std::optional<HttpResponse> page = pages_(request);
      if (page) return std::move(*page);
    }
    return JsonError(NotFoundError("no route " + request.path + ": see docs/api.md for the routes"));
  }
  auto it = by_path->second.find(request.method);
  if (it == by_path->second.end()) {
    std::string allowed;
    for (const auto& [method, entry] : by_path->second) allowed += (allowed.empty() ? "" : ", ") + method;
    HttpResponse r = JsonError(InvalidArgumentError("method " + request.method + " not allowed on " + request.path +
                                                    ": use " + allowed));
    r.status = 405;
    r.headers.emplace_back("Allow", allowed);
    return r;
  }
  HttpResponse response = Run(it->second, request);
  if (observer_) observer_(request, it->second.doc, response);
  return response;
}

HttpResponse Router::Run(const Entry& entry, const HttpRequest& request) const {
  // Authentication comes before anything reads the body.
  if (guard_) {
    Status allowed = guard_(request, entry.doc);
    if (!allowed.ok()) return JsonError(allowed);
  }
  // Every route answers a malformed JSON body the same way, whatever it reads (uploads of raw
  // files declare another content type, or arrive as a file).
  const std::string& type = request.Header("content-type");
  bool json_body = type.empty() || type.find("json") != std::string::npos;
  if (json_body && request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = json::Parse(request.body, "request body");
    if (!parsed.ok()) return JsonError(parsed.status());
  }
  try {
    return entry.handler(request);
  } catch (const std::exception& e) {
    log::Get("http")->error("path={} handler threw: {}", request.path, e.what());
    return JsonError(InternalError(std::string("internal error: ") + e.what()));
  }
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const auto& [path, methods] : routes_) {
    for (const auto& [method, entry] : methods) out.push_back(RouteInfo{method, path, entry.doc});
  }
  return out;
}

}  // namespace fedflow::http
