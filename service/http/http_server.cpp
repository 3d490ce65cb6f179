// The Beast/Asio translation unit of the server (the most expensive TU to compile: keep it single).

#include "service/http/http_server.hpp"

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/http/append_body.hpp"
#include "service/http/target.hpp"

namespace fedflow::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

/// Fills the plain request from a Beast request header (path and query decoded).
bool ConvertHeader(const bhttp::request_header<>& in, HttpRequest& out) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  if (!SplitTarget(in.target(), &out.path, &out.query)) return false;
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  return true;
}

/// RFC 9112 section 6: a request body is framed by Content-Length or by a final "chunked"
/// transfer coding, never both, and fedflow implements no other coding. Anything else is
/// ambiguous (request smuggling) and refused before the body is read.
Status CheckFraming(const bhttp::request_header<>& h) {
  std::string codings;
  for (const auto& field : h) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    codings += (codings.empty() ? "" : ",") + std::string(field.value());
  }
  if (codings.empty()) return Status::OK();
  if (h.count(bhttp::field::content_length) > 0) {
    return InvalidArgumentError("the request has both Transfer-Encoding and Content-Length: send only one (RFC 9112 "
                                "section 6.3)");
  }
  std::vector<std::string> list;
  std::size_t start = 0;
  while (start <= codings.size()) {
    std::size_t comma = codings.find(',', start);
    std::string item = codings.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t b = item.find_first_not_of(" \t");
    std::size_t e = item.find_last_not_of(" \t");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    for (char& c : item) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!item.empty()) list.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (list.size() != 1 || list.front() != "chunked") {
    std::string shown = codings.size() > 64 ? codings.substr(0, 64) + "..." : codings;
    for (char& c : shown) {
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    return InvalidArgumentError("unsupported Transfer-Encoding '" + shown + "': only chunked is accepted");
  }
  return Status::OK();
}

bhttp::response<bhttp::string_body> ConvertResponse(HttpResponse&& in, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
  out.set(bhttp::field::server, "fedflow");
  if (!in.content_type.empty()) out.set(bhttp::field::content_type, in.content_type);
  for (auto& [name, value] : in.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(in.body);
  out.prepare_payload();
  return out;
}

HttpResponse PlainError(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = "{\"code\":" + std::to_string(status == 413 ? 5001 : 6000) + ",\"message\":\"" + message + "\"}";
  return r;
}

HttpResponse TooLarge(std::size_t limit, const std::string& key) {
  return PlainError(413, "request body larger than " + std::to_string(limit) + " bytes, this server's limit (" + key +
                             "): send less, or raise " + key);
}

}  // namespace

StatusOr<HttpRequest> ParseRequest(std::string_view raw, std::size_t body_limit) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  parser.eager(true);
  beast::error_code ec;
  std::size_t offset = 0;
  while (offset < raw.size() && !parser.is_done()) {
    std::size_t used = parser.put(net::buffer(raw.data() + offset, raw.size() - offset), ec);
    offset += used;
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (used == 0) break;
    } else if (ec || used == 0) {
      break;
    }
  }
  if (parser.is_header_done()) FEDFLOW_RETURN_IF_ERROR(CheckFraming(parser.get().base()));
  if (!ec && !parser.is_done() && parser.is_header_done()) parser.put_eof(ec);
  if (ec == bhttp::error::body_limit) {
    return ResourceExhaustedError("request body larger than " + std::to_string(body_limit) + " bytes");
  }
  if (ec) return InvalidArgumentError("malformed HTTP request: " + ec.message());
  if (!parser.is_done()) return InvalidArgumentError("incomplete HTTP request");
  HttpRequest out;
  auto msg = parser.release();
  if (!ConvertHeader(msg.base(), out)) return InvalidArgumentError("malformed request target");
  out.body = std::move(msg.body());
  return out;
}

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  InlinePredicate run_inline;
  InlinePredicate waits;
  BodyPolicyChooser body_policy;
  net::io_context ioc;
  std::optional<ssl::context> tls_ctx;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::thread_pool> handlers;
  std::optional<net::thread_pool> waiters;
  std::vector<std::thread> io_threads;
  std::atomic<bool> stopped{false};
  std::uint16_t bound_port = 0;

  void Accept();
  template <typename Session>
  void Launch(tcp::socket socket);
};

namespace {

/// One connection. `Stream` is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <typename... Args>
  Session(HttpServer::Impl& server, tcp::socket&& socket, Args&&... args)
      : server_(server), stream_(std::move(socket), std::forward<Args>(args)...) {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void Run() {
    net::dispatch(beast::get_lowest_layer(stream_).get_executor(),
                  beast::bind_front_handler(&Session::Begin, this->shared_from_this()));
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  static constexpr std::uint64_t kMaxDrained = 64u << 20;  ///< most bytes of a refused body read away

  void Begin() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    } else {
      DoRead();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      log::Get("http")->warn("remote={} tls handshake failed: {}", remote_, ec.message());
      return;
    }
    DoRead();
  }

  /// The header first: it decides how much body may follow and where it goes.
  void DoRead() {
    header_parser_.emplace();
    header_parser_->header_limit(64 * 1024);
    // The body's limit depends on the route: decided in OnHeader, not by Beast's default.
    header_parser_->body_limit(boost::none);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(server_.options.idle_timeout_s));
    bhttp::async_read_header(stream_, buffer_, *header_parser_,
                             beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted) {
      return DoClose();
    }
    if (ec) return RefuseMalformed(ec);
    const auto& header = header_parser_->get();
    version_ = header.version();
    keep_alive_ = header.keep_alive();
    pending_ = HttpRequest{};
    pending_.remote = remote_;
    pending_.tls = kTls;
    if (!ConvertHeader(header.base(), pending_)) return Respond(PlainError(400, "malformed request target"), version_, false);
    Status framing = CheckFraming(header.base());
    if (!framing.ok()) return Respond(PlainError(400, framing.message()), version_, false);
    policy_ = server_.body_policy ? server_.body_policy(pending_) : BodyPolicy{};
    if (policy_.limit == 0) {
      policy_.limit = server_.options.body_limit;
      policy_.limit_key = server_.options.body_limit_key;
    }
    if (auto length = header_parser_->content_length(); length && *length > policy_.limit) {
      return RefuseTooLarge(*length);
    }
    if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
      // The client waits for this before it sends a large body (curl, for uploads).
      auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, version_);
      bhttp::async_write(stream_, *interim, [self = this->shared_from_this(), interim](beast::error_code wec, std::size_t) {
        if (!wec) self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  /// Beast reads at most the buffer's free capacity at a time, and a buffer sized by the header
  /// stays small: a large body would arrive in 1.5 KiB reads. Give it 64 KiB (the most Beast reads
  /// at once) for the body's duration.
  void ReserveForBody(boost::optional<std::uint64_t> length) {
    if (length && *length > kLargeBody) buffer_.reserve(buffer_.size() + kLargeBody);
  }
  static constexpr std::size_t kLargeBody = 64 * 1024;

  void ReadBody() {
    if (!policy_.spool_dir.empty()) {
      spool_path_ = policy_.spool_dir + "/" + RandomHex(12) + ".body";
      file_parser_.emplace(std::move(*header_parser_));
      header_parser_.reset();
      file_parser_->body_limit(policy_.limit);
      beast::error_code ec;
      file_parser_->get().body().open(spool_path_.c_str(), beast::file_mode::write_new, ec);
      if (ec) {
        log::Get("http")->error("remote={} cannot spool a request body to {}: {}", remote_, spool_path_, ec.message());
        spool_path_.clear();
        file_parser_.reset();
        return Respond(PlainError(500, "cannot store the request body on the server"), version_, false);
      }
      ReserveForBody(file_parser_->content_length());
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(server_.options.streamed_body_timeout_s));
      bhttp::async_read(stream_, buffer_, *file_parser_, beast::bind_front_handler(&Session::OnBody, this->shared_from_this()));
      return;
    }
    string_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    string_parser_->body_limit(policy_.limit);
    ReserveForBody(string_parser_->content_length());
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(server_.options.idle_timeout_s));
    bhttp::async_read(stream_, buffer_, *string_parser_, beast::bind_front_handler(&Session::OnBody, this->shared_from_this()));
  }

  void OnBody(beast::error_code ec, std::size_t) {
    if (ec) {
      file_parser_.reset();
      string_parser_.reset();
      DiscardSpool();
      if (ec == bhttp::error::body_limit) return RefuseTooLarge(kMaxDrained);
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted) {
        return DoClose();
      }
      return RefuseMalformed(ec);
    }
    // An idle keep-alive connection keeps no large read buffer.
    if (buffer_.capacity() > kLargeBody && buffer_.size() < 4096) buffer_.shrink_to_fit();
    HttpRequest req = std::move(pending_);
    if (file_parser_) {
      beast::error_code ignored;
      file_parser_->get().body().file().close(ignored);
      file_parser_.reset();
      req.body_file = std::move(spool_path_);
      spool_path_.clear();
    } else {
      req.body = std::move(string_parser_->get().body());
      string_parser_.reset();
    }
    if (server_.run_inline && server_.run_inline(req)) {
      return Respond(Handle(std::move(req)), version_, keep_alive_);
    }
    auto self = this->shared_from_this();
    net::thread_pool& pool = server_.waits && server_.waits(req) ? *server_.waiters : *server_.handlers;
    net::post(pool, [self, req = std::move(req), version = version_, keep_alive = keep_alive_]() mutable {
      HttpResponse res = self->Handle(std::move(req));
      net::post(beast::get_lowest_layer(self->stream_).get_executor(),
                [self, res = std::move(res), version, keep_alive]() mutable {
                  self->Respond(std::move(res), version, keep_alive);
                });
    });
  }

  /// Malformed HTTP: answer 400 when the socket still works, then close.
  void RefuseMalformed(beast::error_code ec) {
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return Respond(PlainError(400, "malformed HTTP request: " + ec.message()), 11, false);
    }
  }

  void DiscardSpool() {
    if (spool_path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove(spool_path_, ignored);
    spool_path_.clear();
  }

  /// Runs the handler; nothing it throws escapes (it becomes a 500). A streamed body's file is
  /// removed afterwards, whatever the handler did with it.
  HttpResponse Handle(HttpRequest&& req) {
    const std::string body_file = req.body_file;
    HttpResponse res = PlainError(500, "internal error");
    try {
      res = server_.handler(std::move(req));
    } catch (const std::exception& e) {
      log::Get("http")->error("handler threw: {}", e.what());
    } catch (...) {
      log::Get("http")->error("handler threw a non-exception");
    }
    if (!body_file.empty()) {
      std::error_code ignored;
      std::filesystem::remove(body_file, ignored);
    }
    return res;
  }

  void Respond(HttpResponse&& res, unsigned version, bool keep_alive) {
    if (server_.stopped) keep_alive = false;
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(ConvertResponse(std::move(res), version, keep_alive));
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(60));
    bhttp::async_write(stream_, *msg,
                       [self = this->shared_from_this(), msg, keep_alive](beast::error_code ec, std::size_t) {
                         if (ec) return;
                         if (!keep_alive) return self->DoClose();
                         self->DoRead();
                       });
  }

  /// 413, then the rest of the body (`remaining` bytes, when that is at most kMaxDrained) is read
  /// and thrown away before the connection closes: a client still sending would otherwise get a
  /// reset instead of the answer.
  void RefuseTooLarge(std::uint64_t remaining) {
    if (server_.stopped) return DoClose();
    if (remaining > kMaxDrained) {
      return Respond(TooLarge(policy_.limit, policy_.limit_key), version_, false);
    }
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(
        ConvertResponse(TooLarge(policy_.limit, policy_.limit_key), version_, false));
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(60));
    bhttp::async_write(stream_, *msg, [self = this->shared_from_this(), msg](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->drained_ = 0;
      beast::get_lowest_layer(self->stream_).expires_after(std::chrono::seconds(10));
      self->Drain();
    });
  }

  void Drain() {
    if (drained_ >= kMaxDrained) return DoClose();
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->DoClose();
                              self->drained_ += n;
                              self->buffer_.commit(n);
                              self->Drain();
                            });
  }

  void DoClose() {
    beast::error_code ec;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
      });
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  HttpServer::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<AppendStringBody>> string_parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;
  HttpRequest pending_;    ///< the request whose header was read, while its body arrives
  BodyPolicy policy_;
  std::string spool_path_;  ///< the streamed body's file while it is written
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::size_t drained_ = 0;  ///< bytes of a refused body read and discarded
  std::string remote_;
};

}  // namespace

template <typename SessionT>
void HttpServer::Impl::Launch(tcp::socket socket) {
  if constexpr (std::is_same_v<SessionT, Session<beast::tcp_stream>>) {
    std::make_shared<SessionT>(*this, std::move(socket))->Run();
  } else {
    std::make_shared<SessionT>(*this, std::move(socket), *tls_ctx)->Run();
  }
}

void HttpServer::Impl::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopped) return;
    if (!ec) {
      // A TLS answer leaves in several records: with Nagle on, the last one waits for the
      // client's delayed ACK (about 40 ms per call).
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls_ctx) {
        Launch<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket));
      } else {
        Launch<Session<beast::tcp_stream>>(std::move(socket));
      }
    } else if (ec != net::error::operation_aborted) {
      log::Get("http")->warn("accept failed: {}", ec.message());
    }
    Accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, InlinePredicate run_inline,
                       BodyPolicyChooser body_policy, InlinePredicate waits)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->run_inline = std::move(run_inline);
  impl_->waits = std::move(waits);
  impl_->body_policy = std::move(body_policy);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (s.options.tls) {
    try {
      s.tls_ctx.emplace(ssl::context::tls_server);
      s.tls_ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                             ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      s.tls_ctx->use_certificate_chain_file(s.options.tls_cert_file);
      s.tls_ctx->use_private_key_file(s.options.tls_key_file, ssl::context::pem);
      if (!s.options.tls_ca_file.empty()) {
        s.tls_ctx->load_verify_file(s.options.tls_ca_file);
        s.tls_ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      }
    } catch (const std::exception& e) {
      return InvalidArgumentError("tls: cannot load certificate '" + s.options.tls_cert_file + "' or key '" +
                                  s.options.tls_key_file + "': " + e.what());
    }
  }
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.host, ec);
  if (ec) return InvalidArgumentError("http.host '" + s.options.host + "' is not an IP address: " + ec.message());
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.emplace(s.ioc);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("cannot listen on " + where + ": " + ec.message());
  s.bound_port = s.acceptor->local_endpoint().port();
  s.handlers.emplace(static_cast<std::size_t>(std::max(1, s.options.handler_threads)));
  s.waiters.emplace(static_cast<std::size_t>(std::max(1, s.options.waiting_threads)));
  s.Accept();
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.io_threads.emplace_back([&s] { s.ioc.run(); });
  }
  return Status::OK();
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  if (s.acceptor) {
    net::post(s.ioc, [&s] {
      beast::error_code ec;
      s.acceptor->close(ec);
    });
  }
  // Let in-flight handlers finish, then stop the sockets.
  if (s.handlers) s.handlers->join();
  if (s.waiters) s.waiters->join();
  s.ioc.stop();
  for (auto& t : s.io_threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace fedflow::http
