#include "service/api/idempotency.hpp"

#include "base/log.hpp"

namespace fedflow::api {

http::RouteHandler Idempotent(orm::CommandRepository& log, const Clock& clock, std::string command,
                              http::RouteHandler inner) {
  return [&log, &clock, command = std::move(command), inner = std::move(inner)](const http::HttpRequest& req) {
    const std::string& id = req.Header("x-fedflow-command-id");
    if (id.empty() || id.size() > 100) return inner(req);
    // Keys are scoped by sender so one party cannot replay another's answers.
    std::string key = req.Header("x-fedflow-src-party") + "/" + id;
    auto seen = log.Get(key);
    if (seen.ok()) {
      log::Get("interconnect")->debug("command={} key={} replayed", command, key);
      http::HttpResponse replay;
      replay.status = seen->http_status;
      replay.body = seen->response_json;
      replay.headers.emplace_back("X-Fedflow-Replayed", "1");
      return replay;
    }
    http::HttpResponse res = inner(req);
    if (res.status < 500) {
      orm::CommandRow row;
      row.command_key = key;
      row.command = command;
      row.http_status = res.status;
      row.response_json = res.body;
      row.created_ms = clock.NowMs();
      Status stored = log.Put(row);
      if (!stored.ok()) log::Get("interconnect")->warn("command={} key={} answer not stored: {}", command, key, stored.message());
    }
    return res;
  };
}

}  // namespace fedflow::api
