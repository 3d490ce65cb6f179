// The board's static files: only what was read at start is served, under its own paths, with
// the page's security headers; limits and a missing build are clear errors.

#define BOOST_TEST_MODULE ff_static_site_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

#include "service/http/router.hpp"
#include "service/http/static_site.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::http;
namespace fs = std::filesystem;

namespace {

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string SiteDir(const std::string& name) {
  std::string dir = testing::FreshDir(name);
  fs::create_directories(dir + "/assets");
  testing::WriteFile(dir + "/index.html", "<!doctype html><title>board</title>");
  testing::WriteFile(dir + "/assets/app-ABC.js", "console.log(1)");
  testing::WriteFile(dir + "/assets/app-ABC.css", "body{}");
  testing::WriteFile(dir + "/secret.txt", "outside assets");
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(StaticSiteTest)

BOOST_AUTO_TEST_CASE(ThePageAndItsAssetsAreServedWithTheirTypesAndHeaders) {
  auto site = StaticSite::Load(SiteDir("site-ok"));
  BOOST_REQUIRE_MESSAGE(site.ok(), site.status().ToString());
  BOOST_TEST(site->file_count() == 3u);
  for (const char* path : {"/", "/board", "/board/", "/index.html"}) {
    auto page = site->Serve(path);
    BOOST_REQUIRE(page.has_value());
    BOOST_TEST(page->status == 200);
    BOOST_TEST(page->content_type == "text/html; charset=utf-8");
    BOOST_TEST(page->body.find("<title>board</title>") != std::string::npos);
    BOOST_TEST(HeaderOf(*page, "Cache-Control") == "no-cache");
    BOOST_TEST(HeaderOf(*page, "Content-Security-Policy").find("default-src 'self'") != std::string::npos);
    BOOST_TEST(HeaderOf(*page, "X-Frame-Options") == "DENY");
  }
  auto script = site->Serve("/board/assets/app-ABC.js");
  BOOST_REQUIRE(script.has_value());
  BOOST_TEST(script->content_type == "text/javascript; charset=utf-8");
  BOOST_TEST(script->body == "console.log(1)");
  BOOST_TEST(HeaderOf(*script, "Cache-Control").find("immutable") != std::string::npos);
  BOOST_TEST(site->Serve("/board/assets/app-ABC.css")->content_type == "text/css; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(NothingElseIsReachable) {
  auto site = StaticSite::Load(SiteDir("site-closed"));
  BOOST_REQUIRE(site.ok());
  // Not the site's paths at all: the router answers them (404 JSON naming the routes).
  BOOST_TEST(!site->Serve("/v2/job/query").has_value());
  BOOST_TEST(!site->Serve("/secret.txt").has_value());
  for (const char* path : {"/board/assets/../secret.txt", "/board/assets/", "/board/assets/missing.js",
                           "/board/assets/%2e%2e/secret.txt", "/board/secret.txt"}) {
    auto r = site->Serve(path);
    if (!r) continue;  // not the site's: the router's 404
    BOOST_TEST(r->status == 404, path);
    BOOST_TEST(r->body.find("outside assets") == std::string::npos, path);
  }
}

BOOST_AUTO_TEST_CASE(AMissingBuildOrAnOversizedFileIsAClearError) {
  auto missing = StaticSite::Load(testing::FreshDir("site-missing"));
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().message().find("npm run build") != std::string::npos, missing.status().message());
  StaticSiteLimits small;
  small.max_file_bytes = 8;
  auto big = StaticSite::Load(SiteDir("site-big"), small);
  BOOST_TEST(!big.ok());
  BOOST_TEST(big.status().message().find("larger than 8 bytes") != std::string::npos, big.status().message());
  StaticSite off = StaticSite::Unavailable("the board is off here (board.enabled: false)");
  auto r = off.Serve("/");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == 404);
  BOOST_TEST(r->body.find("board.enabled: false") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(TheRouterServesPagesOnlyWhereNoRouteIs) {
  auto site = StaticSite::Load(SiteDir("site-router"));
  BOOST_REQUIRE(site.ok());
  Router router;
  router.Add("GET", "/v2/x", {"application", "x", ""}, [](const HttpRequest&) {
    HttpResponse r;
    r.body = R"({"code":0})";
    return r;
  });
  const StaticSite* s = &*site;
  router.SetPages([s](const HttpRequest& req) { return s->Serve(req.path); });
  auto call = [&](const std::string& method, const std::string& path) {
    HttpRequest req;
    req.method = method;
    req.path = req.target = path;
    return router.Dispatch(req);
  };
  BOOST_TEST(call("GET", "/").content_type == "text/html; charset=utf-8");
  BOOST_TEST(call("GET", "/v2/x").body == R"({"code":0})");
  BOOST_TEST(call("GET", "/v2/nope").status == 404);
  BOOST_TEST(call("GET", "/v2/nope").content_type == "application/json");
  BOOST_TEST(call("POST", "/").status == 404);  // pages are GET only
}

BOOST_AUTO_TEST_SUITE_END()
