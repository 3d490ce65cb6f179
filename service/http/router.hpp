#pragma once
// Maps (method, path) to a handler. Routes carry a short description and their parameters, so
// the API reference in docs/ is generated from the same table the server dispatches with.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.hpp"
#include "service/http/http_types.hpp"

namespace fedflow::http {

/// What a route is for, for the generated API reference.
struct RouteDoc {
  std::string layer;        ///< "application", "interconnect", "worker", "compat-1.x"
  std::string summary;      ///< one sentence
  std::string params;       ///< "job_id (required), role, party_id" ...
  /// Answers from a few indexed reads and never calls out or writes: the server may run it on its
  /// network thread instead of handing it to the handler pool (two thread wake-ups saved).
  bool quick_read = false;
  /// The body is a file upload: the server streams it to disk (HttpRequest::body_file) under
  /// the upload limit instead of buffering it under the request-body limit.
  bool streamed_body = false;
  /// May wait long (a long-poll, a relay to another party): runs on the server's waiting pool.
  bool waits = false;
};

/// One registered route.
struct RouteInfo {
  std::string method;
  std::string path;
  RouteDoc doc;
};

using RouteHandler = std::function<HttpResponse(const HttpRequest&)>;
/// Runs before every matched route's handler (authentication); an error Status is the answer.
using RouteGuard = std::function<Status(const HttpRequest&, const RouteDoc&)>;
/// Sees every matched request with the answer it got (the guard's refusal included): the place
/// for audit lines that state the real outcome.
/// Answers GETs of paths that are not routes (the board's pages), or nullopt for "not mine".
using PageHandler = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
using RouteObserver = std::function<void(const HttpRequest&, const RouteDoc&, const HttpResponse&)>;

/// Exact-path router. Not thread-safe for Add; Dispatch is safe once routes are added.
class Router final {
 public:
  /// Registers a route; a duplicate (method, path) replaces the earlier one.
  void Add(const std::string& method, const std::string& path, RouteDoc doc, RouteHandler handler);
  /// Sets the guard every matched request passes first (none by default).
  void SetGuard(RouteGuard guard) { guard_ = std::move(guard); }
  /// Sets the observer called after every matched request (none by default).
  void SetObserver(RouteObserver observer) { observer_ = std::move(observer); }
  /// Sets the handler of GETs to paths no route has (none by default).
  void SetPages(PageHandler pages) { pages_ = std::move(pages); }
  /// 404 for an unknown path, 405 (naming the allowed methods) for a known path with another method.
  HttpResponse Dispatch(const HttpRequest& request) const;
  /// True for a registered route whose doc says `quick_read`.
  bool IsQuickRead(const std::string& method, const std::string& path) const;
  /// True for a registered route whose doc says `streamed_body`.
  bool StreamsBody(const std::string& method, const std::string& path) const;
  /// True for a registered route whose doc says `waits`.
  bool Waits(const std::string& method, const std::string& path) const;
  /// Every route, sorted by path then method.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Entry {
    RouteDoc doc;
    RouteHandler handler;
  };
  const Entry* Find(const std::string& method, const std::string& path) const;
  HttpResponse Run(const Entry& entry, const HttpRequest& request) const;

  RouteGuard guard_;
  RouteObserver observer_;
  PageHandler pages_;
  std::map<std::string, std::map<std::string, Entry>> routes_;  ///< path -> method -> entry
};

}  // namespace fedflow::http
