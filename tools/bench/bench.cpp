// fedflow-bench: starts a local three-party federation (guest 9999, host 10000, arbiter 10001)
// with the test provider, measures scheduling overhead, admission throughput, API speed and
// memory, on SQLite and on a private MariaDB, and prints one table. Not part of the test verdict:
// it asserts nothing. Usage: fedflow-bench [--engines sqlite,mariadb] [--quick] [--query-only SECONDS]
// (--query-only: one job, then only the job-query load, to profile the server under it)

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "orm/database.hpp"
#include "orm/job_repository.hpp"
#include "tests/support/federation.hpp"
#include "tests/support/mysql_fixture.hpp"
#include "tests/support/process.hpp"
#include "tools/bench/load_client.hpp"
#include "tools/bench/seed_jobs.hpp"

namespace bj = boost::json;
namespace fs = std::filesystem;
using fedflow::testing::Federation;
using fedflow::testing::FederationOptions;
using fedflow::testing::PartySetup;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  std::vector<std::string> engines{"sqlite", "mariadb"};
  int overhead_runs = 5;
  int admission_jobs = 200;
  int api_seconds = 3;
  int seeded_jobs = 10000;
  /// Only the job-query load (one job, then `api_seconds` of GET /v2/job/query), for profiling.
  bool query_only = false;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double RssMb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

std::int64_t Int(const bj::value& o, const char* key) {
  const bj::value* v = o.as_object().if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

/// One row of the printed table.
struct Row {
  std::string what;
  std::string value;
  std::string target;
};

std::string Fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), format, a, b, c);
  return buf;
}

// --- jobs -------------------------------------------------------------------------------------

std::string LinearDsl(int tasks) {
  bj::object components;
  for (int i = 0; i < tasks; ++i) {
    bj::object c{{"module", "TestModule"}, {"output", bj::object{{"data", bj::array{"data"}}}}};
    if (i > 0) {
      c["input"] = bj::object{{"data", bj::object{{"data", bj::array{"t_" + std::to_string(i - 1) + ".data"}}}}};
    }
    components["t_" + std::to_string(i)] = std::move(c);
  }
  return bj::serialize(bj::object{{"components", std::move(components)}});
}

std::string Conf(bool three_parties, int tasks) {
  bj::object roles{{"guest", bj::array{9999}}, {"host", bj::array{10000}}};
  if (three_parties) roles["arbiter"] = bj::array{10001};
  bj::object common;
  for (int i = 0; i < tasks; ++i) common["t_" + std::to_string(i)] = bj::object{{"seconds", 0}};
  return bj::serialize(bj::object{{"dsl_version", 2},
                                  {"initiator", bj::object{{"role", "guest"}, {"party_id", 9999}}},
                                  {"role", std::move(roles)},
                                  {"component_parameters", bj::object{{"common", std::move(common)}}}});
}

// Scheduling overhead: (job wall - sum of task run times) / tasks, median of runs. A task's run
// time is the longest of its attempts' start-to-end at the parties (they run in parallel).
double OverheadPerTaskMs(Federation& f, int runs, std::vector<double>* walls) {
  const int kTasks = 10;
  const std::string dsl = LinearDsl(kTasks), conf = Conf(true, kTasks);
  std::vector<double> overheads;
  for (int r = 0; r < runs; ++r) {
    auto job = f.Submit("9999", dsl, conf);
    if (!job.ok() || *f.WaitJobEnd("9999", *job, 120000) != "success") {
      std::fprintf(stderr, "overhead run failed: %s\n", job.ok() ? "job did not succeed" : job.status().ToString().c_str());
      continue;
    }
    auto rows = f.LocalJobs("9999", *job);
    if (rows.empty()) continue;
    const double wall = static_cast<double>(Int(rows[0], "end_time") - Int(rows[0], "create_time"));
    std::map<std::string, double> task_run;
    for (const auto& party : f.parties()) {
      for (const auto& t : f.LocalTasks(party, *job)) {
        double run = static_cast<double>(Int(t, "end_time") - Int(t, "start_time"));
        std::string name(t.at("task_name").as_string());
        task_run[name] = std::max(task_run[name], run);
      }
    }
    double sum = 0;
    for (const auto& [name, run] : task_run) sum += run;
    walls->push_back(wall);
    overheads.push_back((wall - sum) / kTasks);
  }
  return Percentile(overheads, 0.5);
}

struct Admission {
  double jobs_per_s = 0;
  double median_ms = 0, p99_ms = 0;
  double submit_per_s = 0, submit_p50 = 0, submit_p99 = 0;
  int succeeded = 0;
};

// 200 one-task jobs submitted at once by 8 clients; then read each job's create/end times.
Admission AdmitMany(Federation& f, int jobs) {
  const std::string dsl = LinearDsl(1), conf = Conf(false, 1);
  std::mutex mu;
  std::vector<std::string> ids;
  std::vector<double> submit_ms;
  std::atomic<int> next{0};
  const std::int64_t first_submit = NowMs();
  auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      while (next.fetch_add(1) < jobs) {
        auto s = Clock::now();
        auto id = f.Submit("9999", dsl, conf);
        double took = Ms(Clock::now() - s);
        std::lock_guard<std::mutex> lock(mu);
        if (id.ok()) ids.push_back(*id);
        submit_ms.push_back(took);
      }
    });
  }
  for (auto& t : clients) t.join();
  const double submit_wall_s = Ms(Clock::now() - t0) / 1000.0;
  Admission a;
  a.submit_per_s = static_cast<double>(submit_ms.size()) / submit_wall_s;
  a.submit_p50 = Percentile(submit_ms, 0.5);
  a.submit_p99 = Percentile(submit_ms, 0.99);
  std::vector<double> latencies;
  std::int64_t last_end = first_submit;
  // One deadline for all: a job that never ends is counted as not succeeded, not waited for twice.
  const auto deadline = Clock::now() + std::chrono::seconds(180);
  for (const auto& id : ids) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    auto end = f.WaitJobEnd("9999", id, std::max<std::int64_t>(left, 1));
    if (!end.ok() || *end != "success") continue;
    auto rows = f.LocalJobs("9999", id);
    if (rows.empty()) continue;
    ++a.succeeded;
    latencies.push_back(static_cast<double>(Int(rows[0], "end_time") - Int(rows[0], "create_time")));
    last_end = std::max(last_end, Int(rows[0], "end_time"));
  }
  a.jobs_per_s = a.succeeded / (static_cast<double>(last_end - first_submit) / 1000.0);
  a.median_ms = Percentile(latencies, 0.5);
  a.p99_ms = Percentile(latencies, 0.99);
  return a;
}

struct ApiFigures {
  double per_s = 0, p50_ms = 0, p99_ms = 0;
  int errors = 0;
};

// `connections` keep-alive connections issuing GET target back to back for `seconds`.
ApiFigures Hammer(std::uint16_t port, const std::string& target, int connections, int seconds) {
  std::mutex mu;
  std::vector<double> all;
  std::atomic<int> errors{0};
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      fedflow::bench::LoadConnection conn("127.0.0.1", port);
      std::vector<double> mine;
      mine.reserve(200000);
      while (Clock::now() < deadline) {
        auto s = Clock::now();
        int status = conn.Request("GET", target);
        mine.push_back(Ms(Clock::now() - s));
        if (status != 200) ++errors;
      }
      std::lock_guard<std::mutex> lock(mu);
      all.insert(all.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  ApiFigures r;
  r.per_s = static_cast<double>(all.size()) / (Ms(Clock::now() - t0) / 1000.0);
  r.p50_ms = Percentile(all, 0.5);
  r.p99_ms = Percentile(all, 0.99);
  r.errors = errors.load();
  return r;
}

// One connection, `n` sequential requests: latency at rest.
std::pair<double, double> Latency(std::uint16_t port, const std::string& target, int n) {
  fedflow::bench::LoadConnection conn("127.0.0.1", port);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) {
    auto s = Clock::now();
    conn.Request("GET", target);
    v.push_back(Ms(Clock::now() - s));
  }
  return {Percentile(v, 0.5), Percentile(v, 0.99)};
}

std::vector<Row> RunEngine(const std::string& engine, const Settings& s) {
  std::vector<Row> rows;
  FederationOptions options;
  options.schedule_interval_ms = 100;  // the product default
  options.detect_interval_ms = 1000;
  options.heartbeat_timeout_ms = 30000;
  options.party_call_timeout_ms = 10000;
  std::vector<PartySetup> parties{{"9999", 64}, {"10000", 64}, {"10001", 64}};
  fedflow::orm::DbConfig guest_db;
  guest_db.engine = "sqlite";
  if (engine == "mariadb") {
    for (auto& p : parties) {
      auto db = fedflow::testing::FreshMysqlDatabase("bench" + p.party_id);
      if (!db.ok()) {
        std::fprintf(stderr, "mariadb: %s\n", db.status().ToString().c_str());
        return rows;
      }
      p.database_yaml = "database: {engine: mysql, mysql: {host: 127.0.0.1, port: " + std::to_string(db->mysql_port) +
                        ", user: " + db->mysql_user + ", name: " + db->mysql_database + "}}";
      if (p.party_id == "9999") guest_db = *db;
    }
  }
  auto started = Federation::Start("bench-" + engine, parties, options);
  if (!started.ok()) {
    std::fprintf(stderr, "federation: %s\n", started.status().ToString().c_str());
    return rows;
  }
  Federation& f = **started;
  if (engine == "sqlite") guest_db.sqlite_path = f.HomeOf("9999") + "/fedflow.db";
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double idle_rss = RssMb(f.ProcessOf("9999").pid());
  std::fprintf(stderr, "[%s] idle RSS %.1f MB; overhead runs...\n", engine.c_str(), idle_rss);

  if (s.query_only) {
    auto job = f.Submit("9999", LinearDsl(1), Conf(false, 1));
    if (!job.ok() || !f.WaitJobEnd("9999", *job, 60000).ok()) return rows;
    std::fprintf(stderr, "[%s] guest pid %d: query load for %d s...\n", engine.c_str(),
                 static_cast<int>(f.ProcessOf("9999").pid()), s.api_seconds);
    ApiFigures q = Hammer(f.PortOf("9999"), "/v2/job/query?job_id=" + *job, 8, s.api_seconds);
    rows.push_back({"API GET /v2/job/query (existing job, 8 keep-alive connections)",
                    Fmt("%.0f req/s, p50 %.2f ms, p99 %.2f ms", q.per_s, q.p50_ms, q.p99_ms),
                    engine == "sqlite" ? ">= 25000 req/s" : ">= 10000 req/s"});
    return rows;
  }
  std::vector<double> walls;
  double overhead = OverheadPerTaskMs(f, s.overhead_runs, &walls);
  rows.push_back({"scheduling overhead per task (10-task linear DAG, 3 parties, median of " +
                      std::to_string(s.overhead_runs) + ")",
                  Fmt("%.1f ms (job wall %.0f ms)", overhead, Percentile(walls, 0.5)), "< 20 ms"});
  std::fprintf(stderr, "[%s] admission of %d jobs...\n", engine.c_str(), s.admission_jobs);
  Admission a = AdmitMany(f, s.admission_jobs);
  rows.push_back({"admission: " + std::to_string(s.admission_jobs) + " one-task jobs at once, first submit to last success",
                  Fmt("%.1f jobs/s (%.0f succeeded)", a.jobs_per_s, a.succeeded),
                  engine == "sqlite" ? ">= 150 jobs/s" : ">= 60 jobs/s"});
  rows.push_back({"  per job submit -> success, median / p99", Fmt("%.0f / %.0f ms", a.median_ms, a.p99_ms), ""});
  rows.push_back({"API POST /v2/job/submit (8 clients, one-task DAG)",
                  Fmt("%.0f req/s, p50 %.1f ms, p99 %.1f ms", a.submit_per_s, a.submit_p50, a.submit_p99), ""});

  auto list = f.Call("9999", "GET", "/v2/job/list/query", bj::object{{"limit", "1"}});
  std::string some_job = list.ok() && list->data().at("data").as_array().size() > 0
                             ? std::string(list->data().at("data").at(0).at("job_id").as_string())
                             : "";
  const std::uint16_t port = f.PortOf("9999");
  std::fprintf(stderr, "[%s] API load...\n", engine.c_str());
  ApiFigures q = Hammer(port, "/v2/job/query?job_id=" + some_job, 8, s.api_seconds);
  rows.push_back({"API GET /v2/job/query (existing job, 8 keep-alive connections)",
                  Fmt("%.0f req/s, p50 %.2f ms, p99 %.2f ms", q.per_s, q.p50_ms, q.p99_ms) +
                      (q.errors ? " (" + std::to_string(q.errors) + " errors)" : ""),
                  engine == "sqlite" ? ">= 25000 req/s" : ">= 10000 req/s"});
  rows.push_back({"server RSS idle (guest)", Fmt("%.1f MB", idle_rss), "< 50 MB"});

  std::fprintf(stderr, "[%s] seeding %d finished jobs...\n", engine.c_str(), s.seeded_jobs);
  f.ProcessOf("9999").Stop(SIGTERM, 10000);
  fedflow::Status seeded = fedflow::bench::SeedFinishedJobs(guest_db, s.seeded_jobs, NowMs());
  if (!seeded.ok()) std::fprintf(stderr, "seed: %s\n", seeded.ToString().c_str());
  if (!f.Restart("9999").ok() || !f.WaitHealthy("9999", 30000)) {
    std::fprintf(stderr, "guest did not come back\n");
    return rows;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double full_rss = RssMb(f.ProcessOf("9999").pid());
  auto [list_p50, list_p99] = Latency(port, "/v2/job/list/query?limit=20", 200);
  auto [page_p50, page_p99] = Latency(port, "/v2/job/list/query?limit=20&page=400", 200);
  // The same page by keyset: the cursor that page 399 answers.
  auto before_page = f.Call("9999", "GET", "/v2/job/list/query", bj::object{{"limit", "20"}, {"page", "399"}});
  const bj::value* cursor = before_page.ok() ? before_page->data().as_object().if_contains("next_cursor") : nullptr;
  std::pair<double, double> keyset{0, 0};
  if (cursor && cursor->is_string()) {
    keyset = Latency(port, "/v2/job/list/query?limit=20&cursor=" + std::string(cursor->as_string()), 200);
  }
  auto [query_p50, query_p99] = Latency(port, "/v2/job/query?job_id=202601010000000005000", 200);
  ApiFigures q_full = Hammer(port, "/v2/job/query?job_id=202601010000000005000", 8, s.api_seconds);
  const double after_rss = RssMb(f.ProcessOf("9999").pid());
  rows.push_back({"server RSS with " + std::to_string(s.seeded_jobs) + " more finished jobs (restart / after load)",
                  Fmt("%.1f / %.1f MB", full_rss, after_rss), ""});
  rows.push_back({"  job list (20 newest) p50 / p99", Fmt("%.2f / %.2f ms", list_p50, list_p99), ""});
  rows.push_back({"  job list (page 400 of 20) p50 / p99", Fmt("%.2f / %.2f ms", page_p50, page_p99),
                  "within 2x of the newest"});
  rows.push_back({"  job list (page 400 by keyset cursor) p50 / p99", Fmt("%.2f / %.2f ms", keyset.first, keyset.second),
                  ""});
  rows.push_back({"  job query p50 / p99, and 8-connection throughput",
                  Fmt("%.2f / %.2f ms, ", query_p50, query_p99) + Fmt("%.0f req/s", q_full.per_s), ""});
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--engines" && i + 1 < argc) {
      s.engines.clear();
      std::stringstream list(argv[++i]);
      std::string e;
      while (std::getline(list, e, ',')) s.engines.push_back(e);
    } else if (a == "--query-only" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
      s.query_only = true;
      s.api_seconds = std::atoi(argv[++i]);
    } else if (a == "--quick") {
      s.overhead_runs = 2;
      s.admission_jobs = 40;
      s.api_seconds = 1;
      s.seeded_jobs = 1000;
    } else {
      std::fprintf(stderr, "usage: fedflow-bench [--engines sqlite,mariadb] [--quick] [--query-only SECONDS]\n");
      return 2;
    }
  }
  // Scratch space under the build tree: servers' homes, databases, logs.
  fs::path work = fs::path(FEDFLOW_BENCH_DIR);
  fs::create_directories(work);
  fs::current_path(work);
  std::string mariadb_dir = (work / "mariadb").string();
  bool mariadb_started = false;
  for (const auto& engine : s.engines) {
    if (engine == "mariadb" && !mariadb_started) {
      std::string out;
      int rc = fedflow::testing::RunCommand({"/bin/sh", FEDFLOW_SOURCE_DIR "/tests/mariadb.sh", "start", mariadb_dir, "13406"},
                                            &out, 120000);
      if (rc != 0) {
        std::fprintf(stderr, "cannot start MariaDB: %s\n", out.c_str());
        continue;
      }
      ::setenv("FEDFLOW_TEST_MYSQL_SOCKET", (mariadb_dir + "/mysqld.sock").c_str(), 1);
      ::setenv("FEDFLOW_TEST_MYSQL_PORT", "13406", 1);
      ::setenv("FEDFLOW_TEST_MYSQL_USER", "fedflow", 1);
      mariadb_started = true;
    }
    auto rows = RunEngine(engine, s);
    std::printf("\n%s\n", engine == "sqlite" ? "SQLite (embedded, WAL)" : "MariaDB (private server on loopback)");
    std::size_t w0 = 0, w1 = 0;
    for (const auto& r : rows) {
      w0 = std::max(w0, r.what.size());
      w1 = std::max(w1, r.value.size());
    }
    std::printf("%-*s  %-*s  %s\n", static_cast<int>(w0), "measure", static_cast<int>(w1), "figure", "target");
    for (const auto& r : rows) {
      std::printf("%-*s  %-*s  %s\n", static_cast<int>(w0), r.what.c_str(), static_cast<int>(w1), r.value.c_str(),
                  r.target.c_str());
    }
    std::fflush(stdout);
  }
  if (mariadb_started) {
    std::string out;
    fedflow::testing::RunCommand({"/bin/sh", FEDFLOW_SOURCE_DIR "/tests/mariadb.sh", "stop", mariadb_dir, "13406"}, &out, 60000);
  }
  return 0;
}
