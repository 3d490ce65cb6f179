// fedflow-chaos: kills things at random points, again and again, and counts how many jobs
// still ended right. Not part of the test verdict (docs/scheduling.md, "Fault injection and the chaos loop").
//   fedflow-chaos [--iterations N] [--seed S] [--workdir DIR]
// Each iteration submits a five-component job (random task durations, 2 automatic retries) to
// a local three-party federation, waits a random time, then injects one fault:
//   kill -9 of the initiator's server (then restart), kill -9 of a participant's server (then
//   restart), kill -9 of a running worker, SIGSTOP of a participant for 0.5-7 s, or nothing.
// A job ended right when every party agrees on its end status, it succeeded or its failure
// reason is visible, no party holds resources for it, and no attempt directory was started twice.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "tests/support/federation.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;
using namespace fedflow::testing;
namespace bj = boost::json;

namespace {

const char* kDsl = R"({"components": {
  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}}, "output": {"data": ["data"]}},
  "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["data_transform_0.data"]}}, "output": {"data": ["data"]}},
  "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["intersection_0.data"]}}, "output": {"data": ["data"]}},
  "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}}}}})";

std::string Conf(double seconds) {
  std::string s = std::to_string(seconds), common;
  for (const char* c : {"reader_0", "data_transform_0", "intersection_0", "hetero_lr_0", "evaluation_0"}) {
    common += std::string(common.empty() ? "" : ", ") + "\"" + c + "\": {\"seconds\": " + s + "}";
  }
  return R"({"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
    "role": {"guest": [9999], "host": [10000], "arbiter": [10001]},
    "job_parameters": {"common": {"auto_retries": 2, "auto_retry_delay": 0}},
    "component_parameters": {"common": {)" + common + "}}}";
}

struct Verdict {
  bool right = false;
  std::string status;
  std::string why;
};

Verdict Judge(Federation& f, const std::string& job_id) {
  Verdict v;
  auto end = f.WaitJobEnd("9999", job_id, 180000);
  if (!end.ok()) {
    v.why = end.status().message();
    return v;
  }
  v.status = *end;
  for (const auto& party : f.parties()) {
    for (const auto& r : f.LocalJobs(party, job_id)) {
      if (r.at("status").as_string() != v.status) {
        v.why = "party " + party + " says " + std::string(r.at("status").as_string());
        return v;
      }
    }
    auto res = f.Call(party, "GET", "/v2/resource/query", bj::object{{"job_id", job_id}});
    if (!res.ok()) {
      v.why = "party " + party + " unreachable after the end";
      return v;
    }
    for (const auto& a : res->data().at("allocations").as_array()) {
      if (a.at("status").as_string() == "held") {
        v.why = "party " + party + " still holds resources";
        return v;
      }
    }
    std::string dir = f.HomeOf(party) + "/jobs/" + job_id;
    if (std::filesystem::exists(dir)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.path().filename() == "DOUBLE_START") {
          v.why = "double start at party " + party;
          return v;
        }
      }
    }
  }
  auto status = f.JobStatus("9999", job_id);
  std::string reason = status.ok() ? std::string(status->at("failure_reason").as_string()) : "";
  if (v.status != "success" && reason.empty()) {
    v.why = "ended " + v.status + " without a reason";
    return v;
  }
  v.why = reason;
  v.right = true;
  return v;
}

std::int64_t RunningWorker(Federation& f, const std::string& party, const std::string& job_id) {
  for (const auto& t : f.LocalTasks(party, job_id)) {
    if (t.at("party_status").as_string() == "running" && t.at("run_pid").as_int64() > 0) return t.at("run_pid").as_int64();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 50;
  unsigned seed = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::string workdir = "chaos-run";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--iterations") iterations = std::stoi(argv[i + 1]);
    if (a == "--seed") seed = static_cast<unsigned>(std::stoul(argv[i + 1]));
    if (a == "--workdir") workdir = argv[i + 1];
  }
  std::filesystem::create_directories(workdir);
  std::filesystem::current_path(workdir);
  std::mt19937 rng(seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };

  FederationOptions options;
  options.schedule_interval_ms = 100;
  options.detect_interval_ms = 300;
  options.heartbeat_timeout_ms = 3000;
  options.partner_grace_ms = 5000;
  options.party_call_timeout_ms = 1000;
  auto started = Federation::Start("chaos", {{"9999"}, {"10000"}, {"10001"}}, options);
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start the federation: %s\n", started.status().message().c_str());
    return 1;
  }
  Federation& f = **started;
  std::printf("fedflow-chaos seed=%u iterations=%d\n%-4s %-22s %-9s %-6s %s\n", seed, iterations, "#", "fault", "end",
              "right", "detail");
  int right = 0;
  const char* kFaults[] = {"kill-initiator", "kill-participant", "kill-worker", "pause-participant", "none"};
  for (int i = 1; i <= iterations; ++i) {
    auto job = f.Submit("9999", kDsl, Conf(uniform(0.05, 0.4)));
    if (!job.ok()) {
      std::printf("%-4d %-22s %-9s %-6s submit refused: %s\n", i, "-", "-", "no", job.status().message().c_str());
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(uniform(0, 2000))));
    std::string fault = kFaults[rng() % 5];
    std::string participant = rng() % 2 ? "10000" : "10001";
    if (fault == "kill-initiator") {
      f.Kill9("9999");
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(uniform(100, 1500))));
      if (!f.Restart("9999").ok()) fault += "(restart failed)";
    } else if (fault == "kill-participant") {
      f.Kill9(participant);
      fault += " " + participant;
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(uniform(100, 1500))));
      if (!f.Restart(participant).ok()) fault += "(restart failed)";
    } else if (fault == "kill-worker") {
      // The first party (from a random start) that has a worker running right now.
      std::vector<std::string> order{"9999", "10000", "10001"};
      std::rotate(order.begin(), order.begin() + rng() % 3, order.end());
      std::string party;
      std::int64_t pid = 0;
      for (const auto& p : order) {
        if ((pid = RunningWorker(f, p, *job)) > 0) {
          party = p;
          break;
        }
      }
      if (pid > 0) {
        ::kill(static_cast<pid_t>(pid), SIGKILL);
        fault += " at " + party;
      } else {
        fault += " (none running)";
      }
    } else if (fault == "pause-participant") {
      int ms = static_cast<int>(uniform(500, 7000));
      f.ProcessOf(participant).Pause();
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      f.ProcessOf(participant).Resume();
      fault += " " + participant + " " + std::to_string(ms / 1000.0).substr(0, 3) + "s";
    }
    Verdict v = Judge(f, *job);
    right += v.right ? 1 : 0;
    std::printf("%-4d %-22s %-9s %-6s %s\n", i, fault.c_str(), v.status.c_str(), v.right ? "yes" : "NO",
                v.why.substr(0, 110).c_str());
    std::fflush(stdout);
  }
  std::printf("\n%d of %d jobs ended right (seed %u)\n", right, iterations, seed);
  return right == iterations ? 0 : 1;
}
