#define BOOST_TEST_MODULE ff_server_test
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>

#include <boost/json.hpp>

#include "service/http/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using testing::ChildProcess;

namespace {

/// A free loopback port (bind to 0, read it back, close).
std::uint16_t FreePort();

StatusOr<http::ClientResponse> Get(http::HttpClient& client, std::uint16_t port, const std::string& target) {
  http::ClientRequest r;
  r.port = port;
  r.target = target;
  r.timeout_ms = 2000;
  return client.Call(r);
}

bool WaitHealthy(http::HttpClient& client, std::uint16_t port, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    auto r = Get(client, port, "/v2/server/health");
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string WriteConfig(const std::string& dir, std::uint16_t port, const std::string& extra = "") {
  std::string path = dir + "/service_conf.yaml";
  testing::WriteFile(path, "party_id: \"9999\"\nhttp: {port: " + std::to_string(port) + "}\n" + extra);
  return path;
}

}  // namespace

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
std::uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(ServerProcessTest)

BOOST_AUTO_TEST_CASE(AnswersVersionAndHealthThenStopsCleanlyOnSigterm) {
  std::string dir = testing::FreshDir("server");
  std::uint16_t port = FreePort();
  std::string conf = WriteConfig(dir, port);
  auto child = ChildProcess::Start({FEDFLOW_SERVER_BIN, "--config", conf}, dir + "/out.txt");
  BOOST_REQUIRE(child.ok());
  std::unique_ptr<ChildProcess> server(*child);
  http::HttpClient client;
  BOOST_REQUIRE_MESSAGE(WaitHealthy(client, port, 10000), testing::ReadFile(dir + "/out.txt"));

  auto version = Get(client, port, "/v2/server/version");
  BOOST_REQUIRE(version.ok());
  auto body = boost::json::parse(version->body).as_object();
  BOOST_TEST(body.at("code").as_int64() == 0);
  BOOST_TEST(body.at("message").as_string() == "success");
  BOOST_TEST(body.at("data").as_object().at("api_version").as_string() == "v2");

  auto health = Get(client, port, "/v2/server/health");
  BOOST_REQUIRE(health.ok());
  auto hbody = boost::json::parse(health->body).as_object();
  BOOST_TEST(hbody.at("data").as_object().at("database").as_string() == "ok");
  BOOST_TEST(hbody.at("data").as_object().at("party_id").as_string() == "9999");

  auto missing = Get(client, port, "/v2/nothing/here");
  BOOST_REQUIRE(missing.ok());
  BOOST_TEST(missing->status == 404);

  BOOST_TEST(server->Stop(SIGTERM, 10000) == 0);
  std::string log = testing::ReadFile(dir + "/logs/fedflow/server.log");
  BOOST_TEST(log.find("stopping") != std::string::npos);
  BOOST_TEST(log.find("stopped") != std::string::npos);
  BOOST_TEST(testing::ReadFile(dir + "/fedflow.db").size() > 0u);
}

BOOST_AUTO_TEST_CASE(BadConfigIsRefusedAtStartNamingTheKey) {
  std::string dir = testing::FreshDir("server-bad");
  std::string out;
  testing::WriteFile(dir + "/missing.yaml", "http: {port: 1}\n");
  BOOST_TEST(testing::RunCommand({FEDFLOW_SERVER_BIN, "--config", dir + "/missing.yaml"}, &out) == 1);
  BOOST_TEST(out.find("party_id") != std::string::npos);

  testing::WriteFile(dir + "/type.yaml", "party_id: 1\nhttp: {port: eighty}\n");
  BOOST_TEST(testing::RunCommand({FEDFLOW_SERVER_BIN, "--config", dir + "/type.yaml"}, &out) == 1);
  BOOST_TEST(out.find("'http.port' must be an integer") != std::string::npos);

  // A database path that cannot be opened: its parent is a regular file.
  testing::WriteFile(dir + "/blocker", "x");
  testing::WriteFile(dir + "/db.yaml",
                     "party_id: 1\nhttp: {port: " + std::to_string(FreePort()) + "}\ndatabase: {sqlite: {path: blocker/x.db}}\n");
  BOOST_TEST(testing::RunCommand({FEDFLOW_SERVER_BIN, "--config", dir + "/db.yaml"}, &out) == 1);
  BOOST_TEST(out.find("database.sqlite.path") != std::string::npos);

  BOOST_TEST(testing::RunCommand({FEDFLOW_SERVER_BIN, "--config", dir + "/none.yaml"}, &out) == 1);
  BOOST_TEST(out.find("cannot read config file") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(PortInUseIsReportedWithTheAddress) {
  std::string dir = testing::FreshDir("server-port");
  std::uint16_t port = FreePort();
  auto first = ChildProcess::Start({FEDFLOW_SERVER_BIN, "--config", WriteConfig(dir, port)}, dir + "/out1.txt");
  BOOST_REQUIRE(first.ok());
  std::unique_ptr<ChildProcess> server(*first);
  http::HttpClient client;
  BOOST_REQUIRE(WaitHealthy(client, port, 10000));
  std::string dir2 = testing::FreshDir("server-port2");
  std::string out;
  BOOST_TEST(testing::RunCommand({FEDFLOW_SERVER_BIN, "--config", WriteConfig(dir2, port)}, &out) == 1);
  BOOST_TEST(out.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  BOOST_TEST(server->Stop(SIGTERM, 10000) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
