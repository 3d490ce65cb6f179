#pragma once
// HTTP/1.1 client on Boost.Beast (hidden in http_client.cpp) with per-call timeouts and a
// keep-alive connection pool per host:port. Calls may be made from any thread except the
// client's own io thread; many calls run concurrently (fan-out).

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace fedflow::http {

/// One request to send.
struct ClientRequest {
  std::string method = "GET";
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = false;
  std::string target = "/";  ///< path and query, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Instead of `body`: bytes the caller keeps alive and unchanged until the call has completed
  /// (for Call, and CallFuture when the future is waited for), so large bodies are not copied.
  const std::string* body_ref = nullptr;
  std::string content_type = "application/json";
  std::int64_t timeout_ms = 10000;  ///< whole exchange (connect + write + read)
};

/// The answer. Header names are lower-case.
struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// Client settings.
struct HttpClientOptions {
  int io_threads = 1;
  std::size_t max_idle_per_host = 16;  ///< idle keep-alive connections kept per host:port
  std::string tls_ca_file;             ///< verify servers against this CA (empty: no verification)
  std::string tls_cert_file;           ///< client certificate for mutual TLS (optional)
  std::string tls_key_file;
  /// Larger answers are an error: a server talking to partners must not buffer whatever a
  /// partner chooses to send back.
  std::uint64_t max_response_bytes = 512u << 20;
};

using ClientCallback = std::function<void(StatusOr<ClientResponse>)>;

/// Thread-safe. Transport failures are Unavailable ("cannot connect to h:p: ...") or
/// DeadlineExceeded ("no answer from h:p within N ms"); any HTTP status is a response.
class HttpClient final {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// OK, or why TLS calls cannot work (unreadable CA, certificate or key file).
  Status TlsReady() const;

  /// Sends and waits for the answer.
  StatusOr<ClientResponse> Call(const ClientRequest& request);
  /// Sends; `done` runs on the client's io thread (keep it short).
  void CallAsync(ClientRequest request, ClientCallback done);
  /// Sends; the future becomes ready with the answer.
  std::future<StatusOr<ClientResponse>> CallFuture(ClientRequest request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fedflow::http
