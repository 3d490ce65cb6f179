#pragma once
// The CLI's connection to one fedflow server: requests with the FATE-Flow envelope.

#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "base/status.hpp"
#include "service/http/http_client.hpp"

namespace fedflow::cli {

/// Where the server is and how to talk to it.
struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9380;
  bool tls = false;
  std::string app_id;      ///< client authentication (when the server enables it)
  std::string app_secret;
  std::string tls_ca_file;  ///< verify an https server with this CA (else unverified)
  std::int64_t timeout_ms = 30000;
};

/// An answer: `code` 0 means success; `data` is the envelope's data.
struct Answer {
  int http_status = 0;
  std::int64_t code = -1;
  std::string message;
  boost::json::value data;
  boost::json::object body;
  std::string raw;  ///< the raw body (file downloads)
};

/// Sends requests to one server. Transport failures come back as Unavailable with the address.
class ApiClient final {
 public:
  explicit ApiClient(Endpoint endpoint);
  StatusOr<Answer> Get(const std::string& path, const boost::json::object& query = {});
  StatusOr<Answer> Post(const std::string& path, const boost::json::object& body);
  /// POST of a raw body (a file) with its content type; `query` goes in the query string.
  StatusOr<Answer> PostRaw(const std::string& path, const boost::json::object& query, std::string body,
                           const std::string& content_type);
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  StatusOr<Answer> Send(http::ClientRequest request);
  static std::string QueryString(const boost::json::object& query);
  Endpoint endpoint_;
  http::HttpClient client_;
};

/// "host:port" -> Endpoint fields; InvalidArgument names the expected form.
Status ParseAddress(const std::string& address, Endpoint* endpoint);

/// Percent-encodes a query value.
std::string UrlEncode(const std::string& s);

}  // namespace fedflow::cli
