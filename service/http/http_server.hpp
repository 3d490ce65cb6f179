#pragma once
// HTTP/1.1 server on Boost.Beast (hidden in http_server.cpp). Network I/O runs on a few io
// threads; each request's handler runs on a separate handler pool so a slow handler (a database
// write, a call to another party) never stalls the sockets.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.hpp"
#include "service/http/http_types.hpp"

namespace fedflow::http {

/// Listener settings.
struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                      ///< 0 = pick a free port (tests)
  int io_threads = 2;
  int handler_threads = 8;
  /// Threads for requests that wait (long-polls, relays to other parties): they never hold a
  /// handler thread, so waiting requests cannot starve the others.
  int waiting_threads = 64;
  std::size_t body_limit = 8u << 20;           ///< buffered bodies larger than this get 413
  std::string body_limit_key = "limits.max_body_bytes";  ///< the config key a 413 names
  int idle_timeout_s = 120;                    ///< keep-alive connections idle longer are closed
  int streamed_body_timeout_s = 3600;          ///< time allowed to receive one streamed body
  bool tls = false;                            ///< serve HTTPS with the files below
  std::string tls_cert_file;                   ///< PEM certificate chain
  std::string tls_key_file;                    ///< PEM private key
  std::string tls_ca_file;                     ///< when set, clients must present a certificate it signs
};

/// How one request's body is received, decided from its header alone.
struct BodyPolicy {
  std::size_t limit = 0;       ///< larger bodies get 413 naming `limit_key`
  std::string limit_key;       ///< the configuration key that sets `limit`
  std::string spool_dir;       ///< non-empty: the body is streamed into a file there (HttpRequest::body_file)
};
/// Chooses the policy for a request whose header was read (method, path, query, headers set;
/// no body). Empty function: every body is buffered up to `body_limit`.
using BodyPolicyChooser = std::function<BodyPolicy(const HttpRequest& header)>;

/// Called for every request on a handler thread; must not throw (throws become 500s anyway).
using HttpHandler = std::function<HttpResponse(HttpRequest&&)>;
/// True for a request short enough to answer on the network thread that read it (or, for the
/// waiting predicate, one that may wait long and runs on the waiting pool).
using InlinePredicate = std::function<bool(const HttpRequest&)>;

/// Owns the acceptor, io threads and handler pool. Start once, Stop once (also in the destructor).
class HttpServer final {
 public:
  /// Requests for which `run_inline` is true skip the handler pool (none when it is empty);
  /// those for which `waits` is true run on the waiting pool. A streamed body's file is removed
  /// once the handler returned.
  HttpServer(HttpServerOptions options, HttpHandler handler, InlinePredicate run_inline = {},
             BodyPolicyChooser body_policy = {}, InlinePredicate waits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds, listens and starts the threads. Fails with a message naming host:port.
  Status Start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Stops accepting, closes connections, joins the threads. Idempotent.
  void Stop();

  struct Impl;  ///< opaque (Beast types); public only so the sessions in the .cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

/// Parses one raw HTTP/1.x request exactly as the server's sessions do (same Beast parser,
/// framing checks, limits and conversion), for tests and the fuzz target. InvalidArgument for
/// malformed input, an ambiguous framing (RFC 9112: Transfer-Encoding other than chunked, or
/// together with Content-Length) or an incomplete message; ResourceExhausted for a body over
/// `body_limit`. Never throws.
StatusOr<HttpRequest> ParseRequest(std::string_view raw, std::size_t body_limit = 8u << 20);

}  // namespace fedflow::http
