// The Beast/Asio translation unit of the client: C++20 coroutines over a pooled connection.

#include "service/http/http_client.hpp"

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "service/http/append_body.hpp"

namespace fedflow::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

/// One connection, plain or TLS, with the time it went idle.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  std::chrono::steady_clock::time_point idle_since;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

constexpr auto kMaxIdleAge = std::chrono::seconds(30);

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::once_flag tls_once;
  std::optional<ssl::context> tls_ctx;  ///< built on first TLS use: OpenSSL's start-up is costly
  Status tls_status;  ///< why TLS is unavailable (bad CA or certificate files)

  /// Builds the TLS context once; afterwards `tls_ctx` is set or `tls_status` says why not.
  void EnsureTls();
  std::vector<std::thread> threads;
  std::mutex pool_mutex;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> pool;

  std::unique_ptr<Connection> Take(const std::string& key) {
    std::lock_guard<std::mutex> lock(pool_mutex);
    auto it = pool.find(key);
    if (it == pool.end()) return nullptr;
    auto now = std::chrono::steady_clock::now();
    while (!it->second.empty()) {
      std::unique_ptr<Connection> c = std::move(it->second.back());
      it->second.pop_back();
      if (now - c->idle_since < kMaxIdleAge) return c;
    }
    return nullptr;
  }

  void Put(const std::string& key, std::unique_ptr<Connection> c) {
    c->idle_since = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(pool_mutex);
    auto& idle = pool[key];
    if (idle.size() < options.max_idle_per_host) idle.push_back(std::move(c));
  }

  net::awaitable<StatusOr<ClientResponse>> Exchange(ClientRequest req);
  net::awaitable<beast::error_code> Connect(Connection& c, const ClientRequest& req);
  template <typename Stream>
  net::awaitable<beast::error_code> RoundTrip(Stream& stream, bhttp::request<bhttp::span_body<const char>>& msg,
                                              bhttp::response<AppendStringBody>& res);
};

net::awaitable<beast::error_code> HttpClient::Impl::Connect(Connection& c, const ClientRequest& req) {
  beast::error_code ec;
  auto executor = co_await net::this_coro::executor;
  if (req.tls) {
    EnsureTls();
    if (!tls_ctx) co_return beast::error_code(net::error::no_protocol_option);
    c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *tls_ctx);
  } else {
    c.plain = std::make_unique<beast::tcp_stream>(executor);
  }
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(req.host, std::to_string(req.port),
                                                   net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return ec;
  c.lowest().expires_after(std::chrono::milliseconds(req.timeout_ms));
  co_await c.lowest().async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return ec;
  c.lowest().socket().set_option(tcp::no_delay(true), ec);
  if (c.tls) {
    if (!SSL_set_tlsext_host_name(c.tls->native_handle(), req.host.c_str())) {
      co_return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
    }
    // With a CA, the certificate must also name the host we dialled (DNS name or IP address).
    if (!options.tls_ca_file.empty()) c.tls->set_verify_callback(ssl::host_name_verification(req.host));
    co_await c.tls->async_handshake(ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
  }
  co_return ec;
}

template <typename Stream>
net::awaitable<beast::error_code> HttpClient::Impl::RoundTrip(Stream& stream,
                                                              bhttp::request<bhttp::span_body<const char>>& msg,
                                                              bhttp::response<AppendStringBody>& res) {
  beast::error_code ec;
  co_await bhttp::async_write(stream, msg, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return ec;
  beast::flat_buffer buffer;
  bhttp::response_parser<AppendStringBody> parser;
  parser.body_limit(options.max_response_bytes);
  co_await bhttp::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return ec;
  // Beast reads at most the buffer's free capacity at a time: room for 64 KiB reads when the
  // body is large, or it arrives in pieces the size of the header's buffer.
  if (auto length = parser.content_length(); length && *length > 64 * 1024) buffer.reserve(buffer.size() + 64 * 1024);
  if (!parser.is_done()) co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  if (!ec) res = parser.release();
  co_return ec;
}

net::awaitable<StatusOr<ClientResponse>> HttpClient::Impl::Exchange(ClientRequest req) {
  const std::string key = (req.tls ? "https://" : "http://") + req.host + ":" + std::to_string(req.port);
  const std::string where = req.host + ":" + std::to_string(req.port);
  bhttp::request<bhttp::span_body<const char>> msg;
  msg.method_string(req.method);
  msg.target(req.target);
  msg.version(11);
  msg.set(bhttp::field::host, req.host);
  msg.set(bhttp::field::user_agent, "fedflow");
  // The bytes stay where they are: this call's own copy, or the synchronous caller's.
  const std::string& payload = req.body_ref ? *req.body_ref : req.body;
  if (!payload.empty() || req.method == "POST") msg.set(bhttp::field::content_type, req.content_type);
  for (const auto& [name, value] : req.headers) msg.set(name, value);
  msg.keep_alive(true);
  msg.body() = bhttp::span_body<const char>::value_type(payload.data(), payload.size());
  msg.prepare_payload();

  // A pooled connection may have been closed by the server while idle: on failure with a reused
  // connection, try once more on a fresh one (commands carry idempotency keys, so this is safe).
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<Connection> conn = Take(key);
    const bool reused = conn != nullptr;
    beast::error_code ec;
    if (!conn) {
      conn = std::make_unique<Connection>();
      ec = co_await Connect(*conn, req);
      if (ec) {
        if (ec == beast::error::timeout) {
          co_return DeadlineExceededError("cannot connect to " + where + " within " + std::to_string(req.timeout_ms) +
                                          " ms");
        }
        co_return UnavailableError("cannot connect to " + where + ": " + ec.message());
      }
    }
    conn->lowest().expires_after(std::chrono::milliseconds(req.timeout_ms));
    bhttp::response<AppendStringBody> res;
    if (conn->tls) {
      ec = co_await RoundTrip(*conn->tls, msg, res);
    } else {
      ec = co_await RoundTrip(*conn->plain, msg, res);
    }
    if (ec) {
      if (reused && ec != beast::error::timeout) continue;
      if (ec == beast::error::timeout) {
        co_return DeadlineExceededError("no answer from " + where + " within " + std::to_string(req.timeout_ms) + " ms");
      }
      co_return UnavailableError("request to " + where + " failed: " + ec.message());
    }
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    if (res.keep_alive()) {
      conn->lowest().expires_never();
      Put(key, std::move(conn));
    }
    co_return out;
  }
  co_return UnavailableError("request to " + where + " failed twice on pooled connections");
}

void HttpClient::Impl::EnsureTls() {
  std::call_once(tls_once, [this] {
    try {
      tls_ctx.emplace(ssl::context::tls_client);
      if (!options.tls_ca_file.empty()) {
        tls_ctx->load_verify_file(options.tls_ca_file);
        tls_ctx->set_verify_mode(ssl::verify_peer);
      } else {
        tls_ctx->set_verify_mode(ssl::verify_none);
      }
      if (!options.tls_cert_file.empty()) {
        tls_ctx->use_certificate_chain_file(options.tls_cert_file);
        tls_ctx->use_private_key_file(options.tls_key_file, ssl::context::pem);
      }
    } catch (const std::exception& e) {
      // TLS calls then fail at call time; TlsReady() says why.
      tls_ctx.reset();
      tls_status = InvalidArgumentError(std::string("cannot load the TLS CA or client certificate: ") + e.what());
    }
  });
}

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  s.work.emplace(s.ioc.get_executor());
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
}

Status HttpClient::TlsReady() const {
  impl_->EnsureTls();
  return impl_->tls_status;
}

HttpClient::~HttpClient() {
  Impl& s = *impl_;
  s.work.reset();
  {
    std::lock_guard<std::mutex> lock(s.pool_mutex);
    s.pool.clear();
  }
  s.ioc.stop();
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
}

void HttpClient::CallAsync(ClientRequest request, ClientCallback done) {
  net::co_spawn(impl_->ioc, impl_->Exchange(std::move(request)),
                [done = std::move(done)](std::exception_ptr e, StatusOr<ClientResponse> result) {
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      done(InternalError(std::string("http client: ") + ex.what()));
                    } catch (...) {
                      done(InternalError("http client: unknown error"));
                    }
                    return;
                  }
                  done(std::move(result));
                });
}

std::future<StatusOr<ClientResponse>> HttpClient::CallFuture(ClientRequest request) {
  auto promise = std::make_shared<std::promise<StatusOr<ClientResponse>>>();
  auto future = promise->get_future();
  CallAsync(std::move(request), [promise](StatusOr<ClientResponse> r) { promise->set_value(std::move(r)); });
  return future;
}

StatusOr<ClientResponse> HttpClient::Call(const ClientRequest& request) { return CallFuture(request).get(); }

}  // namespace fedflow::http
