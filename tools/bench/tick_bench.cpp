// fedflow-tick-bench: the cost of one scheduler tick, measured in process. Two parties (guest
// 9999 schedules, host 10000) with their real scheduler, participants, lifecycles and SQLite
// databases; the network, the worker processes and the clock are the fakes of the core's unit
// tests (tests/support/inproc_federation.hpp), so a tick costs what the scheduler and the
// databases cost and nothing else. Finished jobs are written through the ORM at both parties
// before the running ones are submitted; the running ones each hold one running task whose
// workers never report, so every measured tick polls every job. Asserts nothing.
// Usage: fedflow-tick-bench [--quick] [--ticks N] [--only RUNNING:FINISHED]
// (N measured ticks per scenario; --only runs one scenario, for profiling)

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "orm/job_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/task_repository.hpp"
#include "tests/support/inproc_federation.hpp"

using fedflow::Status;
using fedflow::testing::ChainDsl;
using fedflow::testing::ConfFor;
using fedflow::testing::InProcessFederation;
using fedflow::testing::InProcessParty;
using SteadyClock = std::chrono::steady_clock;

namespace {

const char* kRoles = R"({"guest": [9999], "host": [10000]})";

struct Scenario {
  int running = 0;
  int finished = 0;
};

struct TickFigures {
  double p50_ms = 0, p90_ms = 0;
  int admitted_in_ticks = 0;
  bool complete = false;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.ToString());
}

// `count` finished one-task jobs at one party, as the scheduler and the participant leave them.
// `spec_json` is a real job's spec, so rows have the size they have in production.
void SeedFinished(InProcessParty& p, bool scheduler, int count, const std::string& spec_json, std::int64_t now) {
  const std::string role = scheduler ? "guest" : "host";
  for (int start = 0; start < count; start += 500) {
    std::vector<fedflow::orm::JobRow> jobs;
    std::vector<fedflow::orm::TaskAttemptRow> attempts;
    for (int i = start; i < std::min(count, start + 500); ++i) {
      char id[32];
      std::snprintf(id, sizeof(id), "2026010100000%08d", i);
      const std::int64_t created = now - 3600000 + i;
      fedflow::orm::JobRow j;
      j.job_id = id;
      j.role = role;
      j.party_id = p.party_id;
      j.status = fedflow::JOB_STATUS_SUCCESS;
      j.initiator_party_id = j.scheduler_party_id = "9999";
      j.cores = 1;
      j.progress = 100;
      j.plan_json = spec_json;
      j.created_ms = created;
      j.start_ms = created + 100;
      j.updated_ms = j.end_ms = created + 900;
      jobs.push_back(std::move(j));
      fedflow::orm::TaskAttemptRow a;
      a.job_id = id;
      a.task_name = "a_0";
      a.role = role;
      a.party_id = p.party_id;
      a.status = a.federated_status = fedflow::TASK_STATUS_SUCCESS;
      a.module = "TestModule";
      a.provider = "test";
      a.exit_code = 0;
      a.created_ms = created;
      a.start_ms = created + 100;
      a.updated_ms = a.end_ms = created + 900;
      attempts.push_back(std::move(a));
      if (scheduler) {
        fedflow::orm::ScheduleJobRow s;
        s.job_id = id;
        s.status = fedflow::JOB_STATUS_SUCCESS;
        s.initiator_party_id = "9999";
        s.progress = 100;
        s.spec_json = spec_json;
        s.created_ms = s.waiting_since_ms = created;
        s.start_ms = created + 100;
        s.updated_ms = s.end_ms = created + 900;
        fedflow::orm::ScheduleTaskRow t;
        t.job_id = id;
        t.task_name = "a_0";
        t.status = fedflow::TASK_STATUS_SUCCESS;
        t.created_ms = created;
        t.start_ms = created + 100;
        t.updated_ms = t.end_ms = created + 900;
        std::vector<fedflow::orm::ScheduleTaskRow> tasks{t};
        std::vector<fedflow::orm::ScheduleTaskPartyRow> copies;
        for (const auto& [r, party] : {std::pair<std::string, std::string>{"guest", "9999"}, {"host", "10000"}}) {
          fedflow::orm::ScheduleTaskPartyRow c;
          c.job_id = id;
          c.task_name = "a_0";
          c.role = r;
          c.party_id = party;
          c.status = fedflow::TASK_STATUS_SUCCESS;
          c.created_ms = created;
          c.updated_ms = c.end_ms = created + 900;
          copies.push_back(c);
        }
        Check(p.schedule->CreateJob(s, tasks, copies), "seed a scheduled job");
      }
    }
    Check(p.jobs->CreateAll(jobs), "seed jobs");
    Check(p.tasks->CreateAll(attempts), "seed task attempts");
  }
}

TickFigures Measure(const Scenario& s, int measured_ticks) {
  InProcessFederation f({{"9999", 100000}, {"10000", 100000}});
  const std::string dsl = ChainDsl({"a_0"}), conf = ConfFor(kRoles);
  // A real job's spec for the seeded rows.
  auto probe = f.Submit("9999", dsl, conf);
  Check(probe.status(), "submit a probe job");
  auto probe_row = f.At("9999").schedule->GetJob(*probe);
  Check(probe_row.status(), "read the probe job");
  SeedFinished(f.At("9999"), true, s.finished, probe_row->spec_json, f.clock().NowMs());
  SeedFinished(f.At("10000"), false, s.finished, probe_row->spec_json, f.clock().NowMs());

  std::vector<std::string> jobs{*probe};
  for (int i = 1; i < s.running; ++i) {
    auto job = f.Submit("9999", dsl, conf);
    Check(job.status(), "submit");
    jobs.push_back(*job);
  }
  TickFigures out;
  // Admission: tick until every job runs (each has one running task at both parties).
  for (int tick = 0; tick < 10000; ++tick) {
    f.Tick("9999");
    f.clock().Advance(100);
    ++out.admitted_in_ticks;
    auto running = f.At("9999").schedule->ListJobsByStatus({fedflow::JOB_STATUS_RUNNING}, 100000);
    Check(running.status(), "list running jobs");
    if (static_cast<int>(running->size()) == s.running) {
      out.complete = true;
      break;
    }
  }
  std::vector<double> ticks;
  for (int i = 0; i < measured_ticks; ++i) {
    auto t0 = SteadyClock::now();
    f.Tick("9999");
    ticks.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    f.clock().Advance(100);
  }
  out.p50_ms = Percentile(ticks, 0.5);
  out.p90_ms = Percentile(ticks, 0.9);
  // The jobs must still be running: a tick that ended them would have measured something else.
  auto still = f.At("9999").schedule->ListJobsByStatus({fedflow::JOB_STATUS_RUNNING}, 100000);
  out.complete = out.complete && still.ok() && static_cast<int>(still->size()) == s.running;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int ticks = 0;
  Scenario only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--ticks" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
      ticks = std::atoi(argv[++i]);
    } else if (a == "--only" && i + 1 < argc &&
               std::sscanf(argv[i + 1], "%d:%d", &only.running, &only.finished) == 2 && only.running > 0 &&
               only.finished >= 0) {
      ++i;
    } else {
      std::fprintf(stderr, "usage: fedflow-tick-bench [--quick] [--ticks N] [--only RUNNING:FINISHED]\n");
      return 2;
    }
  }
  std::filesystem::path work = std::filesystem::path(FEDFLOW_BENCH_DIR) / "tick";
  // The parties' databases of earlier runs go: each run writes tens of MB.
  std::filesystem::remove_all(work / "scratch");
  std::filesystem::create_directories(work);
  std::filesystem::current_path(work);
  fedflow::log::LogConfig logs;
  logs.dir = (work / "logs").string();
  logs.level = "warn";
  logs.job_logs = false;
  Check(fedflow::log::Init(logs), "logs");

  std::vector<Scenario> scenarios = quick ? std::vector<Scenario>{{100, 0}, {100, 2000}, {300, 0}}
                                          : std::vector<Scenario>{{100, 0}, {100, 10000}, {1000, 0}};
  if (only.running > 0) scenarios = {only};
  const int measured = ticks > 0 ? ticks : quick ? 10 : 100;
  std::printf("scheduler tick, in process (SQLite, fake network and workers), %d ticks each\n", measured);
  std::printf("%-44s  %-24s  %s\n", "measure", "tick p50 / p90", "admitted in");
  for (const auto& s : scenarios) {
    try {
      TickFigures t = Measure(s, measured);
      char what[96], figure[64];
      std::snprintf(what, sizeof(what), "%d running jobs, %d finished", s.running, s.finished);
      std::snprintf(figure, sizeof(figure), "%.2f / %.2f ms", t.p50_ms, t.p90_ms);
      std::printf("%-44s  %-24s  %d ticks%s\n", what, figure, t.admitted_in_ticks,
                  t.complete ? "" : " (not every job kept running: figure invalid)");
      std::fflush(stdout);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "scenario %d running / %d finished: %s\n", s.running, s.finished, e.what());
      return 1;
    }
  }
  fedflow::log::Shutdown();
  return 0;
}
