// Unit tests of site and client authentication, partner permissions and the router's guard.

#define BOOST_TEST_MODULE security
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "service/http/router.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/partner_permission.hpp"
#include "service/security/request_guard.hpp"
#include "service/security/signing_key.hpp"
#include "service/security/site_auth.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::security;

namespace {

SigningKey NewKey() {
  auto k = SigningKey::Generate();
  BOOST_REQUIRE(k.ok());
  return std::move(k).value();
}

/// A request as the server would parse it from what `signer` produced.
http::HttpRequest Signed(const SiteSigner& signer, const std::string& path, const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  signer.Sign("POST", path, body, &headers);
  http::HttpRequest r;
  r.method = "POST";
  r.target = path;
  r.path = path;
  r.body = body;
  for (auto& [name, value] : headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[lower] = value;
  }
  return r;
}

struct SiteFixture {
  testing::FakeClock clock;
  MemoryNonceStore nonces;
  SigningKey guest_key = NewKey();
  SigningKey host_key = NewKey();
  SiteSigner guest{"9999", guest_key, clock};
  SiteVerifier verifier{{{"9999", *SigningKey::LoadPublic(guest_key.PublicPem())}}, nonces, clock, 60000};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(Keys)

BOOST_AUTO_TEST_CASE(SignaturesVerifyOnlyForTheSignedBytesAndKey) {
  SigningKey key = NewKey();
  auto sig = key.Sign("hello");
  BOOST_REQUIRE(sig.ok());
  BOOST_TEST(sig->size() == 64u);
  auto pub = SigningKey::LoadPublic(key.PublicPem());
  BOOST_REQUIRE(pub.ok());
  BOOST_TEST(!pub->can_sign());
  BOOST_TEST(pub->Verify("hello", *sig));
  BOOST_TEST(!pub->Verify("hellO", *sig));
  BOOST_TEST(!SigningKey::LoadPublic(NewKey().PublicPem())->Verify("hello", *sig));
  BOOST_TEST(!pub->Sign("x").ok());
  SigningKey copy = key;  // copies share the key
  BOOST_TEST(pub->Verify("again", *copy.Sign("again")));
}

BOOST_AUTO_TEST_CASE(APrivateKeyIsCreatedOnceWithOwnerOnlyMode) {
  std::string path = testing::FreshDir("keys") + "/keys/site.pem";
  auto first = SigningKey::LoadOrCreatePrivate(path);
  BOOST_REQUIRE(first.ok());
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600);
  auto second = SigningKey::LoadOrCreatePrivate(path);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(first->PublicPem() == second->PublicPem());
  // The public key also loads from a file path.
  std::string pub_path = testing::FreshDir("keys-pub") + "/pub.pem";
  testing::WriteFile(pub_path, first->PublicPem());
  BOOST_TEST(SigningKey::LoadPublic(pub_path).ok());
}

BOOST_AUTO_TEST_CASE(GarbageKeysAreRefusedWithTheReason) {
  std::string path = testing::FreshDir("keys-bad") + "/bad.pem";
  testing::WriteFile(path, "not a key");
  auto bad = SigningKey::LoadOrCreatePrivate(path);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().find("not an Ed25519 private key") != std::string::npos);
  BOOST_TEST(!SigningKey::LoadPublic("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
  BOOST_TEST(!SigningKey::LoadPublic("/no/such/file.pem").ok());
}

BOOST_AUTO_TEST_CASE(Base64RoundTripsAndRefusesGarbage) {
  for (const std::string& s : std::vector<std::string>{"a", "ab", "abc", "abcd", std::string(100, '\xff')}) {
    auto back = Base64Decode(Base64Encode(s));
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(*back == s);
  }
  BOOST_TEST(!Base64Decode("abc").ok());
  BOOST_TEST(!Base64Decode("ab!d").ok());
  BOOST_TEST(!Base64Decode("").ok());
  BOOST_TEST(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(Md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(SiteAuthentication, SiteFixture)

BOOST_AUTO_TEST_CASE(ASignedRequestIsAccepted) {
  auto r = Signed(guest, "/v2/partner/job/start", R"({"job_id":"1"})");
  BOOST_TEST(verifier.Verify(r).ok());
}

BOOST_AUTO_TEST_CASE(AnUnsignedRequestIsRefused) {
  http::HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/v2/partner/job/start";
  r.headers["x-fedflow-src-party"] = "9999";
  Status s = verifier.Verify(r);
  BOOST_TEST(s.code() == StatusCode::kUnauthenticated);
  BOOST_TEST(s.message().find("unsigned request") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AnUnknownPartyIsRefused) {
  SiteSigner stranger{"7777", NewKey(), clock};
  Status s = verifier.Verify(Signed(stranger, "/v2/partner/job/start", "{}"));
  BOOST_TEST(s.message().find("unknown party '7777'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AForgedSignatureIsRefused) {
  // Claims to be 9999 but signs with another key.
  SiteSigner forger{"9999", host_key, clock};
  Status s = verifier.Verify(Signed(forger, "/v2/partner/job/start", "{}"));
  BOOST_TEST(s.code() == StatusCode::kUnauthenticated);
  BOOST_TEST(s.message().find("bad signature") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AnAlteredBodyIsRefused) {
  auto r = Signed(guest, "/v2/partner/job/stop", R"({"job_id":"1","status":"canceled"})");
  r.body = R"({"job_id":"2","status":"canceled"})";
  Status s = verifier.Verify(r);
  BOOST_TEST(s.message().find("body altered in transit") != std::string::npos);
  // Altering body and digest together breaks the signature instead.
  r.headers["x-fedflow-body-sha256"] = Sha256Hex(r.body);
  BOOST_TEST(verifier.Verify(r).message().find("bad signature") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ARedirectedRequestIsRefused) {
  auto r = Signed(guest, "/v2/partner/job/start", R"({"job_id":"1"})");
  r.target = r.path = "/v2/partner/job/stop";  // same body, another command
  BOOST_TEST(verifier.Verify(r).message().find("bad signature") != std::string::npos);
  auto m = Signed(guest, "/v2/partner/job/start", R"({"job_id":"1"})");
  m.method = "PUT";
  BOOST_TEST(verifier.Verify(m).message().find("bad signature") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AStaleOrFutureRequestIsRefused) {
  auto r = Signed(guest, "/v2/partner/job/start", "{}");
  clock.Advance(60001);
  Status s = verifier.Verify(r);
  BOOST_TEST(s.message().find("away from this server's clock") != std::string::npos);
  auto early = Signed(guest, "/v2/partner/job/start", "{}");
  testing::FakeClock past(clock.NowMs() - 61000);
  SiteVerifier behind{{{"9999", *SigningKey::LoadPublic(guest_key.PublicPem())}}, nonces, past, 60000};
  BOOST_TEST(!behind.Verify(early).ok());
  // Within the skew is fine.
  auto fresh = Signed(guest, "/v2/partner/job/start", "{}");
  clock.Advance(59000);
  BOOST_TEST(verifier.Verify(fresh).ok());
}

BOOST_AUTO_TEST_CASE(AReplayedRequestIsRefused) {
  auto r = Signed(guest, "/v2/partner/job/start", "{}");
  BOOST_TEST(verifier.Verify(r).ok());
  Status again = verifier.Verify(r);
  BOOST_TEST(again.code() == StatusCode::kUnauthenticated);
  BOOST_TEST(again.message().find("replayed request") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(MalformedHeadersAreRefusedNotCrashed) {
  auto r = Signed(guest, "/v2/partner/job/start", "{}");
  auto t = r;
  t.headers["x-fedflow-timestamp"] = "12x";
  BOOST_TEST(verifier.Verify(t).message().find("malformed") != std::string::npos);
  t = r;
  t.headers["x-fedflow-timestamp"] = std::string(40, '9');
  BOOST_TEST(!verifier.Verify(t).ok());
  t = r;
  t.headers["x-fedflow-nonce"] = "../../x";
  BOOST_TEST(!verifier.Verify(t).ok());
  t = r;
  t.headers["x-fedflow-signature"] = "%%%%";
  BOOST_TEST(!verifier.Verify(t).ok());
  t = r;
  t.headers["x-fedflow-signature"] = Base64Encode(std::string(63, 'a'));
  BOOST_TEST(!verifier.Verify(t).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ClientAuthentication)

struct ClientFixture {
  testing::FakeClock clock;
  MemoryNonceStore nonces;
  ClientVerifier verifier{{{"ops", "0123456789abcdef-secret"}}, nonces, clock, 60000};

  http::HttpRequest Request(const std::string& app, const std::string& secret, const std::string& target,
                            const std::string& body) {
    http::HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.path = target.substr(0, target.find('?'));
    r.body = body;
    for (auto& [name, value] : ClientAuthHeaders(app, secret, target, body, clock.NowMs())) {
      std::string lower = name;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[lower] = value;
    }
    return r;
  }
};

BOOST_FIXTURE_TEST_CASE(Fate1SignaturesAreCheckedOverPathAndBody, ClientFixture) {
  auto ok = Request("ops", "0123456789abcdef-secret", "/v2/job/query?job_id=1", "");
  BOOST_TEST(verifier.Verify(ok).ok());
  BOOST_TEST(verifier.Verify(ok).message().find("replayed") != std::string::npos);

  auto tampered = Request("ops", "0123456789abcdef-secret", "/v2/job/stop", R"({"job_id":"1"})");
  tampered.body = R"({"job_id":"2"})";
  Status s = verifier.Verify(tampered);
  BOOST_TEST(s.api_code() == 5003);

  auto wrong_secret = Request("ops", "guessed-secret-0000", "/v2/job/query", "");
  BOOST_TEST(verifier.Verify(wrong_secret).api_code() == 5003);
  auto unknown = Request("nobody", "0123456789abcdef-secret", "/v2/job/query", "");
  BOOST_TEST(verifier.Verify(unknown).api_code() == 5002);

  auto stale = Request("ops", "0123456789abcdef-secret", "/v2/job/list", "");
  clock.Advance(61000);
  BOOST_TEST(verifier.Verify(stale).api_code() == 5000);

  http::HttpRequest bare;
  bare.target = bare.path = "/v2/job/list";
  BOOST_TEST(verifier.Verify(bare).message().find("client authentication is on") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(Fate2SignaturesAreAccepted, ClientFixture) {
  http::HttpRequest r;
  r.target = r.path = "/v2/job/list";
  std::string ts = std::to_string(clock.NowMs());
  r.headers = {{"appid", "ops"}, {"username", "alice"}, {"timestamp", ts}, {"nonce", "abcd"},
               {"signature", Md5Hex(Md5Hex("ops" + std::string("alice") + "abcd" + ts) + "0123456789abcdef-secret")}};
  BOOST_TEST(verifier.Verify(r).ok());
  BOOST_TEST(!verifier.Verify(r).ok());  // replay
  r.headers["nonce"] = "abce";
  BOOST_TEST(verifier.Verify(r).api_code() == 5003);  // signature was over the old nonce
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(PartnerPermission)

JobSpec TwoPartyJob() {
  JobSpec spec;
  spec.set_job_id("J1");
  spec.mutable_initiator()->set_role("guest");
  spec.mutable_initiator()->set_party_id("9999");
  auto add_task = [&](const std::string& name, const std::string& module, const std::string& host_params) {
    TaskSpec* t = spec.add_tasks();
    t->set_name(name);
    t->set_module(module);
    PartyTask* g = t->add_parties();
    g->set_role("guest");
    g->set_party_id("9999");
    g->set_need_run(true);
    g->set_parameters_json(R"({"table":{"namespace":"experiment","name":"breast_guest"}})");
    PartyTask* h = t->add_parties();
    h->set_role("host");
    h->set_party_id("10000");
    h->set_need_run(true);
    h->set_parameters_json(host_params);
  };
  add_task("reader_0", "Reader", R"({"table":{"namespace":"experiment","name":"breast_host"}})");
  add_task("lr_0", "HeteroLR", "{}");
  add_task("eval_0", "Evaluation", "{}");
  spec.mutable_tasks(2)->mutable_parties(1)->set_need_run(false);  // the host does not evaluate
  return spec;
}

BOOST_AUTO_TEST_CASE(ComponentsAndTablesAreThoseOfThisParty) {
  JobSpec spec = TwoPartyJob();
  BOOST_TEST(ComponentsRunAt(spec, "10000") == (std::vector<std::string>{"HeteroLR", "Reader"}));
  BOOST_TEST(TablesReadAt(spec, "10000") == std::vector<std::string>{"experiment.breast_host"});
  BOOST_TEST(TablesReadAt(spec, "9999") == std::vector<std::string>{"experiment.breast_guest"});
}

BOOST_AUTO_TEST_CASE(AJobNeedsEveryComponentAndTableGranted) {
  JobSpec spec = TwoPartyJob();
  Status none = CheckPartnerPermission(spec, "10000", {});
  BOOST_TEST(none.code() == StatusCode::kPermissionDenied);
  BOOST_TEST(none.api_code() == 5005);
  BOOST_TEST(none.message().find("party 10000 has not granted party 9999 (guest) component(s) HeteroLR and "
                                 "table(s) experiment.breast_host") != std::string::npos);
  BOOST_TEST(none.message().find("Reader") == std::string::npos);  // built-in, only its table counts

  std::vector<orm::PermissionRow> grants{{"9999", "guest", kComponentGrant, "HeteroLR", 0}};
  Status tables_missing = CheckPartnerPermission(spec, "10000", grants);
  BOOST_TEST(tables_missing.message().find("component") == std::string::npos);
  grants.push_back({"9999", "*", kDatasetGrant, "experiment.breast_host", 0});
  BOOST_TEST(CheckPartnerPermission(spec, "10000", grants).ok());

  // Grants are per partner and role.
  std::vector<orm::PermissionRow> other_role{{"9999", "host", kComponentGrant, "*", 0},
                                             {"9999", "host", kDatasetGrant, "*", 0}};
  BOOST_TEST(!CheckPartnerPermission(spec, "10000", other_role).ok());
  std::vector<orm::PermissionRow> other_party{{"9998", "*", kComponentGrant, "*", 0},
                                              {"9998", "*", kDatasetGrant, "*", 0}};
  BOOST_TEST(!CheckPartnerPermission(spec, "10000", other_party).ok());
  std::vector<orm::PermissionRow> wildcard{{"9999", "*", kComponentGrant, "*", 0}, {"9999", "*", kDatasetGrant, "*", 0}};
  BOOST_TEST(CheckPartnerPermission(spec, "10000", wildcard).ok());
  // The initiator's own jobs need nothing.
  BOOST_TEST(CheckPartnerPermission(spec, "9999", {}).ok());
}

BOOST_AUTO_TEST_CASE(GrantRequestsAreValidated) {
  BOOST_TEST(GrantRows("9999", "guest", {"HeteroLR", "*"}, {"experiment.breast"}, 1)->size() == 3u);
  BOOST_TEST(GrantRows("", "*", {"a"}, {}, 1).status().message().find("party_id") != std::string::npos);
  BOOST_TEST(GrantRows("9999", "boss", {"a"}, {}, 1).status().message().find("'role'") != std::string::npos);
  BOOST_TEST(GrantRows("9999", "*", {}, {}, 1).status().message().find("nothing to grant") != std::string::npos);
  BOOST_TEST(!GrantRows("9999", "*", {"../x y"}, {}, 1).ok());
  BOOST_TEST(!GrantRows("9999", "*", {}, {"no_namespace"}, 1).ok());
  BOOST_TEST(!GrantRows("9999", "*", {}, {".name"}, 1).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Guard)

BOOST_AUTO_TEST_CASE(EachLayerNeedsItsOwnProof) {
  testing::FakeClock clock;
  MemoryNonceStore nonces;
  SigningKey key = NewKey();
  SiteVerifier site{{{"9999", *SigningKey::LoadPublic(key.PublicPem())}}, nonces, clock, 60000};
  ClientVerifier client{{{"ops", "0123456789abcdef-secret"}}, nonces, clock, 60000};
  RequestGuard guard({&site, &client, {}});
  http::Router router;
  int handled = 0;
  auto ok = [&handled](const http::HttpRequest&) {
    ++handled;
    return http::HttpResponse{};
  };
  router.Add("POST", "/v2/partner/job/start", {"interconnect", "", ""}, ok);
  router.Add("POST", "/v2/job/stop", {"application", "", ""}, ok);
  router.Add("GET", "/v2/server/health", {"application", "", ""}, ok);
  router.Add("POST", "/v2/worker/task/status", {"worker", "", ""}, ok);
  router.SetGuard([&guard](const http::HttpRequest& r, const http::RouteDoc& d) { return guard.Check(r, d); });

  auto request = [](const std::string& method, const std::string& path, const std::string& body) {
    http::HttpRequest r;
    r.method = method;
    r.target = r.path = path;
    r.body = body;
    return r;
  };
  // Refused before the body is even parsed: a malformed body still gets 401.
  BOOST_TEST(router.Dispatch(request("POST", "/v2/partner/job/start", "{bad json")).status == 401);
  BOOST_TEST(router.Dispatch(request("POST", "/v2/job/stop", "{}")).status == 401);
  BOOST_TEST(handled == 0);
  BOOST_TEST(router.Dispatch(request("GET", "/v2/server/health", "")).status == 200);
  BOOST_TEST(router.Dispatch(request("POST", "/v2/worker/task/status", "{}")).status == 200);
  auto internal = request("POST", "/v2/partner/job/start", "{}");
  internal.internal = true;
  BOOST_TEST(router.Dispatch(internal).status == 200);
  SiteSigner signer{"9999", key, clock};
  BOOST_TEST(router.Dispatch(Signed(signer, "/v2/partner/job/start", "{}")).status == 200);
  BOOST_TEST(handled == 4);
}

BOOST_AUTO_TEST_SUITE_END()
