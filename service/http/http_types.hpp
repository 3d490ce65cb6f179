#pragma once
// Plain HTTP request/response structs: the only HTTP vocabulary outside the Beast translation
// units (http_server.cpp, http_client.cpp), so handlers and tests never include Beast.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fedflow::http {

/// A parsed request. Header names are lower-case; query values are percent-decoded.
struct HttpRequest {
  std::string method;   ///< "GET", "POST", ...
  std::string target;   ///< raw request target, e.g. "/v2/job/query?job_id=1"
  std::string path;     ///< decoded path without the query, e.g. "/v2/job/query"
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string body_file;  ///< a streamed body: the file holding it ("" when `body` holds it)
  std::string remote;   ///< peer address "ip:port"
  bool tls = false;     ///< arrived over TLS
  bool internal = false;  ///< dispatched in-process by this server (never set from the wire)

  /// Header value or "" (name in lower case).
  const std::string& Header(const std::string& name) const;
  /// Query parameter or "".
  const std::string& Query(const std::string& name) const;
};

/// A response to send. `content_type` defaults to JSON.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace fedflow::http
