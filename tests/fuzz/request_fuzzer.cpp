// libFuzzer target: the path every request takes before a handler runs. Raw bytes are parsed as
// HTTP exactly as the server does, then checked by site authentication (Ed25519 signatures,
// skew, digests, nonces), client authentication (both FATE schemes) and dispatched through a
// router with the production guard and JSON-body check.
//
// With FEDFLOW_FUZZ_SEED_DIR set, LLVMFuzzerInitialize writes validly signed requests there first
// (signed with this run's key), so the fuzzer starts from inputs that reach signature checks.

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "service/http/envelope.hpp"
#include "service/http/http_server.hpp"
#include "service/http/router.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/request_guard.hpp"
#include "service/security/site_auth.hpp"

namespace {

using namespace fedflow;

/// Time stands still, so seeds signed at start stay fresh.
class FixedClock final : public Clock {
 public:
  std::int64_t NowMs() const override { return 1760000000000; }
  std::int64_t SteadyMs() const override { return 1; }
};

struct Harness {
  FixedClock clock;
  security::MemoryNonceStore nonces;
  security::SigningKey key = *security::SigningKey::Generate();
  security::SiteSigner signer{"9999", key, clock};
  security::SiteVerifier site{{{"9999", *security::SigningKey::LoadPublic(key.PublicPem())}}, nonces, clock, 60000};
  security::ClientVerifier client{{{"ops", "0123456789abcdef-secret"}}, nonces, clock, 60000};
  security::RequestGuard guard{{&site, &client, {"/v2/partner/task/collect"}}};
  http::Router router;

  Harness() {
    auto echo = [](const http::HttpRequest& r) { return http::JsonOk(boost::json::string(r.path)); };
    router.Add("POST", "/v2/partner/job/stop", {"interconnect", "", ""}, echo);
    router.Add("POST", "/v2/partner/task/collect", {"interconnect", "", ""}, echo);
    router.Add("POST", "/v2/job/submit", {"application", "", ""}, echo);
    router.Add("GET", "/v2/job/query", {"application", "", ""}, echo);
    router.Add("POST", "/v2/worker/task/status", {"worker", "", ""}, echo);
    router.Add("POST", "/v1/job/query", {"compat-1.x", "", ""}, echo);
    router.SetGuard([this](const http::HttpRequest& r, const http::RouteDoc& d) { return guard.Check(r, d); });
  }

  std::string Raw(const std::string& method, const std::string& target, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return raw;
  }

  void WriteSeeds(const std::string& dir) {
    const std::string stop = R"({"job_id":"202611221200000000000","status":"canceled","reason":"seed"})";
    std::vector<std::pair<std::string, std::string>> signed_headers;
    signer.Sign("POST", "/v2/partner/job/stop", stop, &signed_headers);
    std::vector<std::string> seeds{
        Raw("POST", "/v2/partner/job/stop", stop, signed_headers),
        Raw("POST", "/v2/job/submit", R"({"dsl":{},"runtime_conf":{}})",
            security::ClientAuthHeaders("ops", "0123456789abcdef-secret", "/v2/job/submit", R"({"dsl":{},"runtime_conf":{}})",
                                        clock.NowMs())),
        Raw("GET", "/v2/job/query?job_id=1&role=guest", "",
            security::ClientAuthHeaders("ops", "0123456789abcdef-secret", "/v2/job/query?job_id=1&role=guest", "",
                                        clock.NowMs())),
        Raw("POST", "/v1/job/query", "{}",
            {{"appId", "ops"}, {"userName", "u"}, {"Timestamp", std::to_string(clock.NowMs())}, {"Nonce", "abcd"},
             {"Signature", "0123456789abcdef0123456789abcdef"}}),
        Raw("POST", "/v2/worker/task/status", R"({"status":"success"})", {{"X-Fedflow-Task-Token", "t"}}),
        "GET /v2/job/query?job_id=%41%zz HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      std::ofstream(dir + "/seed-" + std::to_string(i)) << seeds[i];
    }
  }
};

Harness* harness = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  harness = new Harness();
  if (const char* dir = std::getenv("FEDFLOW_FUZZ_SEED_DIR")) harness->WriteSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto request = fedflow::http::ParseRequest(raw, 1u << 20);
  if (!request.ok()) return 0;
  (void)harness->site.Verify(*request);
  (void)harness->client.Verify(*request);
  fedflow::http::HttpResponse response = harness->router.Dispatch(*request);
  if (response.status < 200 || response.status > 599) __builtin_trap();
  return 0;
}
