// The board in a real browser (headless Chromium driven through chromedriver) against a live
// three-party federation (guest 9999, host 10000, arbiter 10001, client authentication on) that
// runs FATE's breast hetero-LR job: the tests check what a person sees. With
// FEDFLOW_BOARD_SCREENSHOTS=<dir>, the main pages are saved there as PNG (tools/board-screenshots.sh).

#define BOOST_TEST_MODULE ff_board_browser_test
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "tests/support/federation.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/test_dirs.hpp"
#include "tests/support/webdriver.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/data/";
const std::string kDsl = std::string(FEDFLOW_SOURCE_DIR) + "/examples/fate/v1-dsl/hetero_lr_normal_dsl.json";
const std::string kConf = std::string(FEDFLOW_SOURCE_DIR) + "/examples/jobs/hetero_lr_three_party_conf.json";
const std::string kApp = "board-test";
const std::string kSecret = "a-secret-of-at-least-16-chars";

/// The federation and the browser, shared by the tests (starting them costs seconds).
struct Board {
  Board() {
    FederationOptions options;
    options.real_components = true;
    options.client_app_id = kApp;
    options.client_app_secret = kSecret;
    auto started = Federation::Start("board", {PartySetup{"9999"}, PartySetup{"10000"}, PartySetup{"10001"}}, options);
    BOOST_REQUIRE_MESSAGE(started.ok(), started.status().ToString());
    federation = std::move(started).value();
    for (const auto& [party, table] : {std::pair<std::string, std::string>{"9999", "breast_hetero_guest"},
                                       {"10000", "breast_hetero_host"}}) {
      Status up = federation->UploadCsv(party, kData + table + ".csv", "experiment", table);
      BOOST_REQUIRE_MESSAGE(up.ok(), up.ToString());
    }
    auto driver = WebDriver::Start(fs::absolute("board-browser").string());
    BOOST_REQUIRE_MESSAGE(driver.ok(), driver.status().ToString());
    browser = std::move(driver).value();
    const char* dir = std::getenv("FEDFLOW_BOARD_SCREENSHOTS");
    if (dir && *dir) screenshots = dir;
  }

  std::string Url(const std::string& party, const std::string& hash = "") const {
    return "http://127.0.0.1:" + std::to_string(federation->PortOf(party)) + "/" + (hash.empty() ? "" : "#/" + hash);
  }

  /// Opens the board of `party` and signs in when it asks.
  void Open(const std::string& party, const std::string& hash = "") {
    BOOST_REQUIRE(browser->Navigate(Url(party, hash)).ok());
    auto shown = browser->WaitFor("the sign-in form or a page",
                                  "return document.querySelector('input[name=app_id]') ? 'login' : "
                                  "(document.querySelector('.party-id').dataset.party ? 'page' : null);",
                                  20000);
    BOOST_REQUIRE_MESSAGE(shown.ok(), shown.status().ToString());
    if (shown->as_string() == "login") SignIn();
  }

  void SignIn() {
    BOOST_REQUIRE(browser->Type("input[name=app_id]", kApp).ok());
    BOOST_REQUIRE(browser->Type("input[name=app_secret]", kSecret).ok());
    BOOST_REQUIRE(browser->Click("button[name=sign-in]").ok());
    auto gone = browser->WaitFor("the sign-in form to go", "return !document.querySelector('input[name=app_id]');", 10000);
    BOOST_REQUIRE_MESSAGE(gone.ok(), gone.status().ToString());
  }

  void Shot(const std::string& name) {
    if (screenshots.empty()) return;
    Status top = browser->Execute("const p = document.querySelector('.task-panel');"
                                  "if (p) p.scrollIntoView(); else window.scrollTo(0, 0); return true;").status();
    BOOST_TEST(top.ok(), top.ToString());
    fs::create_directories(screenshots);
    Status s = browser->Screenshot(screenshots + "/" + name + ".png");
    BOOST_TEST(s.ok(), s.ToString());
  }

  std::string Submit(const std::string& conf) {
    auto job = federation->Submit("9999", ReadFile(kDsl), conf);
    BOOST_REQUIRE_MESSAGE(job.ok(), job.status().ToString());
    return *job;
  }

  /// Shows the job page's task panel for `task` with `tab` open.
  void OpenTaskTab(const std::string& job, const std::string& task, const std::string& tab) {
    auto node = browser->WaitFor("the graph node " + task,
                                 "return !!document.querySelector(\"g.dag-node[data-task='" + task + "']\");", 15000);
    BOOST_REQUIRE_MESSAGE(node.ok(), node.status().ToString());
    BOOST_REQUIRE(browser->Click("g.dag-node[data-task='" + task + "']").ok());
    auto panel = browser->WaitFor("the task panel of " + task,
                                  "return !!document.querySelector(\".task-panel[data-task='" + task + "']\");", 10000);
    BOOST_REQUIRE_MESSAGE(panel.ok(), panel.status().ToString());
    BOOST_REQUIRE(browser->Click(".task-panel button[data-tab='" + tab + "']").ok());
  }

  std::unique_ptr<Federation> federation;
  std::unique_ptr<WebDriver> browser;
  std::string screenshots;
  std::string trained_job;  ///< the job the first test ran to success
};

Board* board = nullptr;

struct BoardFixture {
  BoardFixture() { board = new Board(); }
  ~BoardFixture() {
    delete board;
    board = nullptr;
  }
};

double ApiNumber(const bj::value& v) { return v.is_double() ? v.as_double() : static_cast<double>(v.as_int64()); }

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(BoardFixture);

BOOST_AUTO_TEST_SUITE(BoardBrowserTest)

BOOST_AUTO_TEST_CASE(TheBoardAsksForCredentialsAndShowsNothingBeforeThem) {
  BOOST_REQUIRE(board->browser->Navigate(board->Url("9999")).ok());
  auto form = board->browser->WaitFor("the sign-in form", "return !!document.querySelector('input[name=app_id]');", 20000);
  BOOST_REQUIRE_MESSAGE(form.ok(), form.status().ToString());
  auto list = board->browser->Execute("return document.querySelectorAll('.job-list').length;");
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->as_int64() == 0);
  board->Shot("sign-in");
  // A wrong secret is refused by the server: the form comes back.
  BOOST_REQUIRE(board->browser->Type("input[name=app_id]", kApp).ok());
  BOOST_REQUIRE(board->browser->Type("input[name=app_secret]", "not-the-right-secret-0000").ok());
  BOOST_REQUIRE(board->browser->Click("button[name=sign-in]").ok());
  auto again = board->browser->WaitFor("the form saying the server refused the signature",
                                       "const e = document.querySelector('.login .error');"
                                       "return e && document.querySelector('input[name=app_id]') ? e.textContent : null;",
                                       10000);
  BOOST_REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  BOOST_TEST(std::string(again->as_string()).find("bad SIGNATURE") != std::string::npos, again->as_string());
  board->SignIn();
  auto shown = board->browser->WaitFor("the job list", "return !!document.querySelector('.job-list');", 10000);
  BOOST_REQUIRE_MESSAGE(shown.ok(), shown.status().ToString());
}

BOOST_AUTO_TEST_CASE(TheHeteroLrJobAppearsAndItsGraphTurnsGreenLive) {
  board->Open("9999", "jobs");
  // Marks this page load: a reload would lose the mark.
  BOOST_REQUIRE(board->browser->Execute("window.__fedflowMark = 'not reloaded'; return true;").ok());
  const std::string job = board->Submit(ReadFile(kConf));
  auto row = board->browser->WaitFor("job " + job + " in the list",
                                     "return !!document.querySelector(\".job-row[data-job='\" + arguments[0] + \"']\");",
                                     15000, bj::array{bj::value(job)});
  BOOST_REQUIRE_MESSAGE(row.ok(), row.status().ToString());
  BOOST_REQUIRE(board->browser->Click(".job-row[data-job='" + job + "'] a").ok());
  auto nodes = board->browser->WaitFor("the job's graph", "return document.querySelectorAll('g.dag-node').length;", 15000);
  BOOST_REQUIRE_MESSAGE(nodes.ok(), nodes.status().ToString());
  BOOST_TEST(nodes->as_int64() == 5);
  // Live: while the job runs, some task is seen not yet green; then every task turns green
  // without a reload.
  auto unfinished = board->browser->Execute(
      "return Array.from(document.querySelectorAll('g.dag-node')).some(n => n.dataset.status !== 'success');");
  BOOST_REQUIRE(unfinished.ok());
  BOOST_TEST(unfinished->as_bool());
  auto running = board->browser->WaitFor("a task shown running",
                                         "return document.querySelector(\"g.dag-node[data-status='running']\") ? "
                                         "document.querySelector(\"g.dag-node[data-status='running']\").dataset.task : null;",
                                         60000);
  BOOST_REQUIRE_MESSAGE(running.ok(), running.status().ToString());
  board->Shot("job-running");
  BOOST_REQUIRE(board->browser->Click("input[name=by-party]").ok());
  auto chips = board->browser->WaitFor("every party's status in the graph",
                                       "return document.querySelectorAll('g.dag-chip').length;", 5000);
  BOOST_REQUIRE_MESSAGE(chips.ok(), chips.status().ToString());
  // Reader 2 parties, DataTransform 2, Intersection 2, HeteroLR 3, Evaluation 1.
  BOOST_TEST(chips->as_int64() >= 9);
  auto green = board->browser->WaitFor("every task green",
                                       "const n = document.querySelectorAll(\"g.dag-node[data-status='success']\").length;"
                                       "return n === 5 && document.querySelector('.job-page').dataset.status === 'success';",
                                       180000);
  BOOST_REQUIRE_MESSAGE(green.ok(), green.status().ToString() + " " + FailureReason(*board->federation, "9999", job));
  auto mark = board->browser->Execute("return window.__fedflowMark || null;");
  BOOST_REQUIRE(mark.ok());
  BOOST_TEST(mark->is_string());
  board->Shot("job-success");
  board->trained_job = job;
}

BOOST_AUTO_TEST_CASE(TheLossPlotHasAPointPerIterationAndTheAucIsTheApis) {
  BOOST_REQUIRE(!board->trained_job.empty());
  const std::string& job = board->trained_job;
  board->Open("9999", "job/" + job + "?role=guest&party_id=9999");
  board->OpenTaskTab(job, "hetero_lr_0", "metrics");
  auto points = board->browser->WaitFor("the loss chart",
                                        "const c = document.querySelector(\".chart[data-chart^='Loss']\");"
                                        "return c && c.querySelector('canvas') ? Number(c.dataset.points) : null;",
                                        15000);
  BOOST_REQUIRE_MESSAGE(points.ok(), points.status().ToString());
  auto loss = board->federation->Call("9999", "GET", "/v2/output/metric/query",
                                      bj::object{{"job_id", job}, {"role", "guest"}, {"party_id", "9999"},
                                                 {"task_name", "hetero_lr_0"}, {"namespace", "train"}, {"name", "loss"}});
  BOOST_REQUIRE(loss.ok() && loss->code() == 0);
  const std::size_t iterations = loss->data().as_array()[0].at("data").as_array().size();
  BOOST_TEST(iterations == 30u);  // the example's max_iter; it does not converge earlier
  BOOST_TEST(static_cast<std::size_t>(ApiNumber(*points)) == iterations);
  board->Shot("task-loss");
  // The model tab lists the guest's ten feature weights.
  BOOST_REQUIRE(board->browser->Click(".task-panel button[data-tab='model']").ok());
  auto weights = board->browser->WaitFor("the guest's weights",
                                         "const t = document.querySelector('table.weights');"
                                         "return t ? Number(t.dataset.weights) : null;", 10000);
  BOOST_REQUIRE_MESSAGE(weights.ok(), weights.status().ToString());
  BOOST_TEST(ApiNumber(*weights) == 10);

  BOOST_REQUIRE(board->browser->Click("g.dag-node[data-task='evaluation_0']").ok());
  BOOST_REQUIRE(board->browser
                    ->WaitFor("evaluation_0's panel", "return !!document.querySelector(\".task-panel[data-task='evaluation_0']\");", 10000)
                    .ok());
  BOOST_REQUIRE(board->browser->Click(".task-panel button[data-tab='metrics']").ok());
  auto auc = board->browser->WaitFor("the AUC", "const c = document.querySelector(\"td[data-key='auc']\");"
                                                "return c ? c.textContent : null;", 15000);
  BOOST_REQUIRE_MESSAGE(auc.ok(), auc.status().ToString());
  auto summary = board->federation->Call("9999", "GET", "/v2/output/metric/query",
                                         bj::object{{"job_id", job}, {"role", "guest"}, {"party_id", "9999"},
                                                    {"task_name", "evaluation_0"}, {"namespace", "train"},
                                                    {"name", "hetero_lr_0"}});
  BOOST_REQUIRE(summary.ok() && summary->code() == 0);
  double api_auc = -1;
  for (const auto& p : summary->data().as_array()[0].at("data").as_array()) {
    if (p.at("key").as_string() == "auc") api_auc = ApiNumber(p.at("value"));
  }
  BOOST_TEST(api_auc >= 0.98);
  BOOST_TEST(std::fabs(std::stod(std::string(auc->as_string())) - api_auc) < 1e-9, auc->as_string() << " vs " << api_auc);
  auto curves = board->browser->WaitFor("the evaluation curves", "return document.querySelectorAll('.chart canvas').length;", 10000);
  BOOST_REQUIRE(curves.ok());
  BOOST_TEST(ApiNumber(*curves) >= 5);  // ROC, KS, lift, gain, precision/recall
  board->Shot("task-evaluation");
  // The log tab shows the task's log lines, and a search finds the iterations.
  BOOST_REQUIRE(board->browser->Click("g.dag-node[data-task='hetero_lr_0']").ok());
  BOOST_REQUIRE(board->browser
                    ->WaitFor("hetero_lr_0's panel", "return !!document.querySelector(\".task-panel[data-task='hetero_lr_0']\");", 10000)
                    .ok());
  BOOST_REQUIRE(board->browser->Click(".task-panel button[data-tab='log']").ok());
  auto lines = board->browser->WaitFor("log lines", "return document.querySelectorAll('.log-line').length;", 10000);
  BOOST_REQUIRE_MESSAGE(lines.ok(), lines.status().ToString());
  BOOST_REQUIRE(board->browser->Type("input[name=log-search]", "iteration 29 loss").ok());
  BOOST_REQUIRE(board->browser->Execute("document.querySelector('input[name=log-search]').blur(); return true;").ok());
  auto found = board->browser->WaitFor("one matching line",
                                       "const l = document.querySelectorAll('.log-line');"
                                       "return l.length === 1 ? l[0].textContent : null;", 10000);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  BOOST_TEST(std::string(found->as_string()).find("iteration 29 loss") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AFailureAtTheHostIsShownWithTheHostsReason) {
  bj::value conf = bj::parse(ReadFile(kConf));
  bj::object& host_transform =
      conf.at("component_parameters").at("role").at("host").at("0").at("data_transform_0").as_object();
  host_transform["with_label"] = true;
  host_transform["label_name"] = "target";
  const std::string job = board->Submit(bj::serialize(conf));
  board->Open("9999", "job/" + job);
  auto failure = board->browser->WaitFor("the host's failure",
                                         "const f = document.querySelector(\".failure[data-party='host:10000']\");"
                                         "return f ? f.textContent : null;", 120000);
  BOOST_REQUIRE_MESSAGE(failure.ok(), failure.status().ToString());
  BOOST_TEST(std::string(failure->as_string()).find("label_name") != std::string::npos, failure->as_string());
  auto red = board->browser->WaitFor("data_transform_0 red",
                                     "return document.querySelector(\"g.dag-node[data-task='data_transform_0']\")"
                                     ".dataset.status === 'failed';", 30000);
  BOOST_REQUIRE_MESSAGE(red.ok(), red.status().ToString());
  board->Shot("job-failed-at-host");
  // A rerun from the board (its unsuccessful tasks, after the confirmation) runs a new attempt,
  // which fails at the host again for the same reason.
  auto ended = board->browser->WaitFor("the job shown failed",
                                       "return document.querySelector('.job-page').dataset.status === 'failed';", 30000);
  BOOST_REQUIRE_MESSAGE(ended.ok(), ended.status().ToString());
  BOOST_REQUIRE(board->browser->Click("button[data-action=rerun]").ok());
  BOOST_REQUIRE(board->browser->WaitFor("the rerun confirmation", "return !!document.querySelector('[data-dialog=rerun]');", 5000).ok());
  BOOST_REQUIRE(board->browser->Click("[data-dialog=rerun] button[data-confirm=yes]").ok());
  auto second = board->browser->WaitFor("the second attempt's failure at the host",
                                        "const f = Array.from(document.querySelectorAll(\".failure[data-party='host:10000']\"))"
                                        ".find(e => e.textContent.includes('attempt 1'));"
                                        "return f ? f.textContent : null;", 120000);
  BOOST_REQUIRE_MESSAGE(second.ok(), second.status().ToString());
}

BOOST_AUTO_TEST_CASE(AStopFromTheBoardStopsTheJobAtEveryParty) {
  bj::value conf = bj::parse(ReadFile(kConf));
  // Long enough to be stopped while it trains.
  bj::object& lr = conf.at("component_parameters").at("common").at("hetero_lr_0").as_object();
  lr["max_iter"] = 100000;
  lr["tol"] = 0;
  const std::string job = board->Submit(bj::serialize(conf));
  board->Open("9999", "job/" + job);
  auto training = board->browser->WaitFor("hetero_lr_0 running",
                                          "const n = document.querySelector(\"g.dag-node[data-task='hetero_lr_0']\");"
                                          "return n && n.dataset.status === 'running';", 120000);
  BOOST_REQUIRE_MESSAGE(training.ok(), training.status().ToString());
  BOOST_REQUIRE(board->browser->Click("button[data-action=stop]").ok());
  auto dialog = board->browser->WaitFor("the confirmation", "return !!document.querySelector('[data-dialog=stop]');", 5000);
  BOOST_REQUIRE(dialog.ok());
  board->Shot("job-stop-confirm");
  BOOST_REQUIRE(board->browser->Click("[data-dialog=stop] button[data-confirm=yes]").ok());
  auto end = board->federation->WaitJobEnd("9999", job, 60000);
  BOOST_REQUIRE_MESSAGE(end.ok(), end.status().ToString());
  BOOST_TEST(*end == "canceled");
  for (const std::string party : {"9999", "10000", "10001"}) {
    for (const auto& row : board->federation->LocalJobs(party, job)) {
      BOOST_TEST(std::string(row.at("status").as_string()) == "canceled", party);
    }
  }
  auto shown = board->browser->WaitFor("the page showing canceled",
                                       "return document.querySelector('.job-page').dataset.status === 'canceled';", 10000);
  BOOST_REQUIRE_MESSAGE(shown.ok(), shown.status().ToString());
}

BOOST_AUTO_TEST_CASE(ThePartyPageShowsCapacityPartnersProvidersAndTables) {
  board->Open("9999", "party");
  auto partners = board->browser->WaitFor("both partners reachable",
                                          "return document.querySelectorAll(\".partners [data-reachable='true']\").length === 2;",
                                          20000);
  if (!partners.ok()) {
    // What the page shows, and the calls it made (name, start, duration, HTTP status).
    auto shown = board->browser->Execute(
        "const p = document.querySelector('main'); return (p ? p.textContent : '') + JSON.stringify("
        "performance.getEntriesByType('resource').map(e => [e.name, Math.round(e.startTime), Math.round(e.duration), "
        "e.responseStatus]));");
    BOOST_REQUIRE_MESSAGE(false, partners.status().ToString() + "; the page: " + (shown.ok() ? bj::serialize(*shown) : ""));
  }
  auto facts = board->browser->WaitFor(
      "capacity, providers and tables",
      "const c = document.querySelector('.capacity'), p = document.querySelector('.providers'),"
      " t = document.querySelector('.tables');"
      "return c && p && t ? {cores: c.dataset.cores, providers: p.textContent, tables: t.textContent} : null;",
      10000);
  BOOST_REQUIRE_MESSAGE(facts.ok(), facts.status().ToString());
  BOOST_TEST(std::string(facts->at("cores").as_string()) == "16");
  BOOST_TEST(std::string(facts->at("providers").as_string()).find("HeteroLR") != std::string::npos);
  BOOST_TEST(std::string(facts->at("tables").as_string()).find("experiment.breast_hetero_guest") != std::string::npos);
  board->Shot("party");
  // No secret of this server reaches the page: not the site key, not the app secret in the DOM.
  auto page = board->browser->Execute("return document.documentElement.outerHTML;");
  BOOST_REQUIRE(page.ok());
  const std::string html(page->as_string());
  BOOST_TEST(html.find("PRIVATE KEY") == std::string::npos);
  BOOST_TEST(html.find(kSecret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(TheJobListFiltersAndPages) {
  board->Open("9999", "jobs?status=canceled");
  auto only = board->browser->WaitFor("only canceled jobs",
                                      "const rows = Array.from(document.querySelectorAll('.job-row'));"
                                      "return rows.length > 0 && rows.every(r => r.dataset.status === 'canceled');", 10000);
  BOOST_REQUIRE_MESSAGE(only.ok(), only.status().ToString());
  board->Open("9999", "jobs?text=" + board->trained_job.substr(board->trained_job.size() - 6));
  auto found = board->browser->WaitFor("the trained job by a piece of its id",
                                       "const rows = document.querySelectorAll('.job-row');"
                                       "return rows.length === 1 ? rows[0].dataset.job : null;", 10000);
  BOOST_REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  BOOST_TEST(std::string(found->as_string()) == board->trained_job);
  board->Open("9999", "jobs");
  board->Shot("jobs");
}

BOOST_AUTO_TEST_SUITE_END()
