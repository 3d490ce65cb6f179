// The HTTP server's framing and body handling, on a real socket: ambiguous framing refused and
// the connection closed (RFC 9112), bodies over their limit answered 413 naming the limit, and
// upload bodies streamed to a file instead of memory.

#define BOOST_TEST_MODULE ff_http_test
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

#include "service/http/envelope.hpp"
#include "service/http/http_server.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
namespace fs = std::filesystem;

namespace {

bool Mentions(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// Sends raw bytes and reads until the server closes the connection (or 5 s pass).
struct RawAnswer {
  std::string bytes;
  bool closed = false;
};
RawAnswer SendRaw(std::uint16_t port, const std::string& request) {
  RawAnswer out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (413 before the body)
    sent += static_cast<std::size_t>(n);
  }
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n == 0) {
      out.closed = true;
      break;
    }
    if (n < 0) break;
    out.bytes.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

/// A server whose handler records what it saw.
struct Recorder {
  std::mutex mutex;
  std::string body, body_file, file_content;
  std::atomic<int> calls{0};
  std::unique_ptr<http::HttpServer> server;
  std::string spool;

  explicit Recorder(std::size_t body_limit = 1024) {
    spool = testing::FreshDir("http-spool");
    http::HttpServerOptions o;
    o.body_limit = body_limit;
    const std::string dir = spool;
    server = std::make_unique<http::HttpServer>(
        o,
        [this](http::HttpRequest&& req) {
          std::lock_guard<std::mutex> lock(mutex);
          ++calls;
          body = req.body;
          body_file = req.body_file;
          if (!req.body_file.empty()) {
            std::ifstream in(req.body_file, std::ios::binary);
            file_content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
          }
          return http::JsonOk();
        },
        http::InlinePredicate(),
        [dir](const http::HttpRequest& header) {
          http::BodyPolicy p;
          if (header.path == "/upload") {
            p.limit = 1u << 20;
            p.limit_key = "limits.max_upload_bytes";
            p.spool_dir = dir;
          }
          return p;
        });
    BOOST_REQUIRE(server->Start().ok());
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(HttpParseTest)

BOOST_AUTO_TEST_CASE(AmbiguousFramingIsRefused) {
  auto both = http::ParseRequest("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\nab");
  BOOST_REQUIRE(!both.ok());
  BOOST_TEST(Mentions(both.status().message(), "both Transfer-Encoding and Content-Length"), both.status().message());
  auto unknown = http::ParseRequest("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n");
  BOOST_REQUIRE(!unknown.ok());
  auto layered = http::ParseRequest(
      "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
  BOOST_REQUIRE(!layered.ok());
  BOOST_TEST(Mentions(layered.status().message(), "only chunked is accepted"), layered.status().message());
  auto chunked = http::ParseRequest("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
  BOOST_REQUIRE_MESSAGE(chunked.ok(), chunked.status().ToString());
  BOOST_TEST(chunked->body == "ab");
  auto large = http::ParseRequest("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", 4);
  BOOST_REQUIRE(!large.ok());
  BOOST_TEST((large.status().code() == StatusCode::kResourceExhausted));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(HttpServerTest)

BOOST_AUTO_TEST_CASE(AmbiguousFramingGets400AndTheConnectionIsClosed) {
  Recorder r;
  auto a = SendRaw(r.server->port(),
                   "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\nhello"
                   "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 400"), a.bytes);
  BOOST_TEST(Mentions(a.bytes, "Transfer-Encoding"), a.bytes);
  BOOST_TEST(a.closed);
  BOOST_TEST(r.calls == 0);  // neither request reached the handler
  a = SendRaw(r.server->port(), "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\nhello");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 400"), a.bytes);
  BOOST_TEST(a.closed);
  BOOST_TEST(r.calls == 0);
}

BOOST_AUTO_TEST_CASE(ABodyOverItsLimitGets413NamingTheKey) {
  Recorder r(1024);
  // Refused from the header alone, before the body is read.
  auto a = SendRaw(r.server->port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 413"), a.bytes);
  BOOST_TEST(Mentions(a.bytes, "larger than 1024 bytes"), a.bytes);
  BOOST_TEST(Mentions(a.bytes, "limits.max_body_bytes"), a.bytes);
  BOOST_TEST(a.closed);
  // A chunked body is counted while it arrives.
  std::string chunks;
  for (int i = 0; i < 20; ++i) chunks += "64\r\n" + std::string(100, 'x') + "\r\n";
  a = SendRaw(r.server->port(), "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 413"), a.bytes);
  BOOST_TEST(r.calls == 0);
  // Within the limit it is served.
  a = SendRaw(r.server->port(), "POST /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 200"), a.bytes);
  BOOST_TEST(r.body == "ok");
}

BOOST_AUTO_TEST_CASE(UploadBodiesAreStreamedToAFileThatIsRemovedAfterwards) {
  Recorder r(1024);
  const std::string payload(300000, 'c');  // far over the buffered limit, within the upload limit
  auto a = SendRaw(r.server->port(), "POST /upload HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: " +
                                         std::to_string(payload.size()) + "\r\n\r\n" + payload);
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 200"), a.bytes.substr(0, 300));
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.file_content == payload);
  BOOST_TEST(r.body_file.rfind(r.spool, 0) == 0u, r.body_file);
  BOOST_TEST(!fs::exists(r.body_file));
  // Expect: 100-continue gets its interim answer; an upload over its own limit names its key.
  a = SendRaw(r.server->port(), "POST /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 413"), a.bytes);
  BOOST_TEST(Mentions(a.bytes, "limits.max_upload_bytes"), a.bytes);
  a = SendRaw(r.server->port(), "POST /upload HTTP/1.1\r\nHost: a\r\nConnection: close\r\nExpect: 100-continue\r\n"
                                "Content-Length: 3\r\n\r\nabc");
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 100 Continue"), a.bytes);
  BOOST_TEST(Mentions(a.bytes, "HTTP/1.1 200"), a.bytes);
  BOOST_TEST(r.file_content == "abc");
  // Nothing is left in the spool directory.
  BOOST_TEST(fs::is_empty(r.spool));
}

BOOST_AUTO_TEST_SUITE_END()
