// fedflow-board-bench: how fast the board's first view of the job list appears in a real browser
// (headless Chromium through chromedriver) with many jobs in the database: from the navigation's
// start to the first list rendered (the page's own `fedflow-jobs-shown` performance mark), and a
// search over every job. Not a test: it prints figures.
//   fedflow-board-bench [--jobs N] [--runs R]

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/support/federation.hpp"
#include "tests/support/webdriver.hpp"
#include "tools/bench/seed_jobs.hpp"

namespace bj = boost::json;
namespace fs = std::filesystem;
using fedflow::testing::Federation;
using fedflow::testing::WebDriver;

namespace {

double Number(const bj::value& v) { return v.is_double() ? v.as_double() : static_cast<double>(v.as_int64()); }

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Summary(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::printf("%-58s min %7.1f ms  median %7.1f ms  max %7.1f ms  (%zu runs)\n", what, v.front(), v[v.size() / 2],
              v.back(), v.size());
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 10000;
  int runs = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--jobs" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
      jobs = std::atoi(argv[++i]);
    } else if (a == "--runs" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
      runs = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: fedflow-board-bench [--jobs N] [--runs R]\n");
      return 2;
    }
  }
  fs::path work = fs::path(FEDFLOW_BENCH_DIR);
  fs::create_directories(work);
  fs::current_path(work);
  auto started = Federation::Start("board-bench", {{"9999"}});
  if (!started.ok()) {
    std::fprintf(stderr, "server: %s\n", started.status().ToString().c_str());
    return 1;
  }
  Federation& f = **started;
  std::fprintf(stderr, "seeding %d finished jobs...\n", jobs);
  f.ProcessOf("9999").Stop(SIGTERM, 10000);
  fedflow::orm::DbConfig db;
  db.engine = "sqlite";
  db.sqlite_path = f.HomeOf("9999") + "/fedflow.db";
  const std::string plan = R"({"parties": [{"role": "guest", "party_id": "9999"}, {"role": "host", "party_id": "10000"},)"
                           R"( {"role": "arbiter", "party_id": "10001"}]})";
  fedflow::Status seeded = fedflow::bench::SeedFinishedJobs(db, jobs, NowMs(), plan);
  if (!seeded.ok() || !f.Restart("9999").ok() || !f.WaitHealthy("9999", 30000)) {
    std::fprintf(stderr, "seeding or restart failed: %s\n", seeded.ToString().c_str());
    return 1;
  }
  auto browser = WebDriver::Start((work / "board-bench-browser").string());
  if (!browser.ok()) {
    std::fprintf(stderr, "browser: %s\n", browser.status().ToString().c_str());
    return 1;
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(f.PortOf("9999")) + "/";
  std::vector<double> first_view, next_page, search;
  for (int run = 0; run <= runs; ++run) {
    // A new document each run (the browser's cache keeps the hashed assets, as for a returning user).
    if (!(*browser)->Navigate("about:blank").ok() || !(*browser)->Navigate(url).ok()) return 1;
    auto shown = (*browser)->WaitFor("the job list",
                                     "const m = performance.getEntriesByName('fedflow-jobs-shown');"
                                     "return m.length && document.querySelectorAll('.job-row').length === 20 ? m[0].startTime : null;",
                                     30000);
    if (!shown.ok()) {
      std::fprintf(stderr, "%s\n", shown.status().ToString().c_str());
      return 1;
    }
    // The next page, three times (keyset cursor: each costs what the first did).
    double paging = 0;
    for (int page = 0; page < 3; ++page) {
      auto clicked = (*browser)->Execute(
          "window.__firstRow = document.querySelector('.job-row').dataset.job; window.__pageStart = performance.now();"
          "document.querySelector('button[name=next]').click(); return true;");
      auto turned = (*browser)->WaitFor("the next page",
                                        "const r = document.querySelectorAll('.job-row');"
                                        "return r.length === 20 && r[0].dataset.job !== window.__firstRow ? "
                                        "performance.now() - window.__pageStart : null;", 30000);
      if (!clicked.ok() || !turned.ok()) {
        std::fprintf(stderr, "paging: %s\n", turned.status().ToString().c_str());
        return 1;
      }
      paging = std::max(paging, Number(*turned));
    }
    // A search over every job for one of them by its id (LIKE over the whole table).
    auto searched = (*browser)->Execute(
        "const t0 = performance.now(); window.__searchStart = t0;"
        "location.hash = '#/jobs?text=202601010000000005000'; return t0;");
    auto found = (*browser)->WaitFor("the search's one row",
                                     "const r = document.querySelectorAll('.job-row');"
                                     "return r.length === 1 ? performance.now() - window.__searchStart : null;", 30000);
    if (!searched.ok() || !found.ok()) {
      std::fprintf(stderr, "search: %s\n", found.status().ToString().c_str());
      return 1;
    }
    if (run == 0) continue;  // the first run fills the browser's cache
    first_view.push_back(Number(*shown));
    next_page.push_back(paging);
    search.push_back(Number(*found));
  }
  std::printf("\nfedflow board, %d jobs in SQLite, headless Chromium on the same 2 cores\n", jobs);
  Summary("first view of the job list (navigation start -> 20 rows)", first_view);
  Summary("next page, slowest of three (click -> 20 new rows)", next_page);
  Summary("search by a piece of a job id (hash change -> 1 row)", search);
  return 0;
}
