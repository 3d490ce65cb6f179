#define BOOST_TEST_MODULE ff_interconnect_test
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "service/http/envelope.hpp"
#include "service/http/http_client.hpp"
#include "service/http/http_server.hpp"
#include "service/interconnect/http_party_client.hpp"
#include "tests/support/federation.hpp"

using namespace fedflow;

namespace {

/// A partner server whose answers the test scripts: `fail_first` 503s, then success.
struct ScriptedPartner {
  std::atomic<int> calls{0};
  std::atomic<int> fail_first{0};
  std::atomic<int> refuse{0};
  std::string last_key;
  std::unique_ptr<http::HttpServer> server;

  ScriptedPartner() {
    http::HttpServerOptions o;
    server = std::make_unique<http::HttpServer>(o, [this](http::HttpRequest&& req) {
      int n = ++calls;
      last_key = req.Header("x-fedflow-command-id");
      if (refuse) return http::JsonError(FailedPreconditionError("no such job"));
      if (n <= fail_first) return http::JsonError(UnavailableError("busy"));
      return http::JsonOk(boost::json::object{{"echo", req.body}});
    });
    BOOST_REQUIRE(server->Start().ok());
  }
};

interconnect::HttpPartyClientOptions Options(std::uint16_t port) {
  interconnect::HttpPartyClientOptions o;
  o.self_party_id = "9999";
  o.routes["10000"] = {"127.0.0.1", port, false};
  o.routes["10001"] = {"127.0.0.1", testing::FreePort(), false};  // nobody listens there
  o.timeout_ms = 1000;
  o.attempts = 3;
  o.backoff_ms = 20;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(HttpPartyClientTest)

BOOST_AUTO_TEST_CASE(RetriesServerErrorsWithTheSameCommandKey) {
  ScriptedPartner partner;
  partner.fail_first = 2;
  http::HttpClient client;
  interconnect::HttpPartyClient pc(Options(partner.server->port()), client,
                                   [](const http::HttpRequest&) { return http::JsonOk(); });
  auto replies = pc.Send({{"10000", "/v2/partner/job/start", "{\"job_id\":\"J\"}", "J:start:abc"}});
  BOOST_REQUIRE(replies.size() == 1u);
  BOOST_TEST(replies[0].status.ok(), replies[0].status.ToString());
  BOOST_TEST(partner.calls.load() == 3);
  BOOST_TEST(partner.last_key == "J:start:abc");
}

BOOST_AUTO_TEST_CASE(BusinessRefusalsAreNotRetried) {
  ScriptedPartner partner;
  partner.refuse = 1;
  http::HttpClient client;
  interconnect::HttpPartyClient pc(Options(partner.server->port()), client,
                                   [](const http::HttpRequest&) { return http::JsonOk(); });
  auto replies = pc.Send({{"10000", "/v2/partner/job/start", "{}", "k"}});
  BOOST_TEST(!replies[0].status.ok());
  BOOST_TEST(replies[0].reached);
  BOOST_TEST(replies[0].status.message() == "party 10000: no such job");
  BOOST_TEST(partner.calls.load() == 1);
}

BOOST_AUTO_TEST_CASE(FansOutInParallelAndReportsUnreachableAndUnroutedParties) {
  ScriptedPartner partner;
  http::HttpClient client;
  std::atomic<int> local_calls{0};
  interconnect::HttpPartyClient pc(Options(partner.server->port()), client, [&](const http::HttpRequest& r) {
    local_calls++;
    BOOST_TEST(r.internal);
    return http::JsonOk();
  });
  auto start = std::chrono::steady_clock::now();
  auto replies = pc.Send({{"9999", "/x", "{}", "k"}, {"10000", "/x", "{}", "k"}, {"10001", "/x", "{}", "k"},
                          {"7777", "/x", "{}", "k"}});
  auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST(replies[0].status.ok());
  BOOST_TEST(local_calls.load() == 1);  // this party: in-process, no socket
  BOOST_TEST(replies[1].status.ok());
  BOOST_TEST(!replies[2].status.ok());
  BOOST_TEST(!replies[2].reached);
  BOOST_TEST(replies[2].status.message().find("party 10001 unreachable") != std::string::npos, replies[2].status.message());
  BOOST_TEST(replies[3].status.message().find("party 7777 has no route") != std::string::npos);
  // Three attempts with 20 + 40 ms backoff, not a 1 s timeout per attempt: refused connections fail fast.
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 1000);
  BOOST_TEST(!interconnect::Combine(replies).ok());
  BOOST_TEST(interconnect::Combine(replies).message().find("party 10001") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(HttpServerTest)

BOOST_AUTO_TEST_CASE(InlineRequestsAreAnsweredWhileEveryHandlerThreadIsBusy) {
  // One handler thread, held by /slow until the test releases it: /quick still answers only if it
  // runs on the network thread (queued behind /slow it would time out).
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> slow_entered;
  http::HttpServerOptions o;
  o.handler_threads = 1;
  http::HttpServer server(
      o,
      [&](http::HttpRequest&& req) {
        if (req.path == "/slow") {
          slow_entered.set_value();
          released.wait();
        }
        return http::JsonOk(boost::json::object{{"path", req.path}});
      },
      [](const http::HttpRequest& req) { return req.path == "/quick"; });
  BOOST_REQUIRE(server.Start().ok());
  http::HttpClient client;
  http::ClientRequest slow;
  slow.port = server.port();
  slow.target = "/slow";
  auto slow_answer = std::async(std::launch::async, [&] { return client.Call(slow); });
  slow_entered.get_future().wait();
  http::ClientRequest quick = slow;
  quick.target = "/quick";
  quick.timeout_ms = 3000;
  auto answer = client.Call(quick);
  release.set_value();
  BOOST_REQUIRE_MESSAGE(answer.ok(), answer.status().ToString());
  BOOST_TEST(answer->status == 200);
  BOOST_TEST(answer->body.find("/quick") != std::string::npos);
  auto slow_done = slow_answer.get();
  BOOST_REQUIRE(slow_done.ok());
  BOOST_TEST(slow_done->status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
