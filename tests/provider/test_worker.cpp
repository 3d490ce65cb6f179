// fedflow-test-worker: the test provider. Its modules succeed, fail, sleep, hang or crash on
// command, so scheduler behaviour can be tested with real processes. Behaviour comes from the
// component parameters of the task at this party:
//   action: succeed (default) | fail | crash | hang | pass
//   seconds: run time before finishing (default 0.05)
//   fail_attempts: fail while the attempt number is below this, then succeed
//   hang_attempts: hang while the attempt number is below this, then run normally
//   exit_code: with action crash, exit with this code instead of aborting
//   track: true -> use the tracking API like a real component: pass the first input's rows
//          through to each data output and register them, save a model and register it, and log
//          metrics (FATE 1.x data + meta, and FATE-Flow 2.x MetricData)
// It refuses to run twice for one attempt directory (marker file `started`), so a double launch
// shows up as a failure with reason "double start".

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "service/builtin/worker_session.hpp"

namespace bj = boost::json;
namespace fs = std::filesystem;
using fedflow::worker::NumberOf;
using fedflow::worker::StringOf;
using fedflow::worker::WorkerSession;

namespace {

/// The first input's data file, if an upstream task produced one here.
std::string FirstInputFile(const bj::object& config) {
  const bj::value* inputs = config.if_contains("inputs");
  if (!inputs || !inputs->is_array()) return "";
  for (const auto& in : inputs->as_array()) {
    if (!in.is_object()) continue;
    fs::path file = fs::path(StringOf(in.as_object(), "path")) / "data.csv";
    if (!StringOf(in.as_object(), "path").empty() && fs::exists(file)) return file.string();
  }
  return "";
}

/// Counts the records of a CSV file (lines after the header).
long CountRecords(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  long n = -1;
  while (std::getline(in, line)) {
    if (!line.empty()) ++n;
  }
  return n < 0 ? 0 : n;
}

/// "y" when the file's header has that label column (host data sets have none), else "".
std::string LabelOf(const std::string& file) {
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  return ("," + header + ",").find(",y,") != std::string::npos ? "y" : "";
}

/// Returns the reason tracking failed, or "" when every call was accepted.
std::string Track(WorkerSession& w) {
  const std::string input = FirstInputFile(w.config());
  const long rows = input.empty() ? 2 : CountRecords(input);
  const bj::object& outputs = w.config().at("outputs").as_object();
  for (const auto& d : outputs.at("data").as_array()) {
    fs::path file = fs::path(w.output_dir()) / std::string(d.as_string()) / "data.csv";
    if (!input.empty()) {
      std::error_code ec;
      fs::copy_file(input, file, fs::copy_options::overwrite_existing, ec);
      if (ec) return "cannot copy " + input + ": " + ec.message();
    }
    auto r = w.PostData("/v2/worker/data/tracking/save",
                        bj::object{{"output_key", d.as_string()},
                                   {"path", file.string()},
                                   {"id_column", "id"},
                                   {"label_column", LabelOf(file.string())}});
    if (!r.ok()) return r.status().ToString();
  }
  for (const auto& m : outputs.at("model").as_array()) {
    fs::path dir = fs::path(w.output_dir()) / "model" / std::string(m.as_string());
    fs::create_directories(dir);
    std::ofstream(dir / "model.json") << bj::serialize(bj::object{{"weights", bj::array{0.5, -0.25}}, {"rows_seen", rows}});
    auto r = w.PostData("/v2/worker/model/save", bj::object{{"output_key", m.as_string()},
                                                             {"path", dir.string()},
                                                             {"type_name", "TestModel"},
                                                             {"meta", bj::object{{"rows_seen", rows}}}});
    if (!r.ok()) return r.status().ToString();
  }
  auto data = w.PostData("/v2/worker/metric/data/save",
                         bj::object{{"namespace", "train"},
                                    {"name", "loss"},
                                    {"metrics", bj::array{bj::object{{"key", 0}, {"value", 0.69}},
                                                          bj::object{{"key", 1}, {"value", 0.52}},
                                                          bj::object{{"key", 2}, {"value", 0.41}}}}});
  if (!data.ok()) return data.status().ToString();
  auto meta = w.PostData("/v2/worker/metric/meta/save",
                         bj::object{{"namespace", "train"}, {"name", "loss"}, {"meta", bj::object{{"metric_type", "LOSS"}}}});
  if (!meta.ok()) return meta.status().ToString();
  auto v2 = w.PostData("/v2/worker/metric/save",
                       bj::object{{"data", bj::array{bj::object{{"name", "rows"},
                                                                {"type", "summary"},
                                                                {"groups", bj::array{bj::object{{"name", "default"}}}},
                                                                {"data", bj::array{bj::object{{"key", "count"}, {"value", rows}}}}}}}});
  if (!v2.ok()) return v2.status().ToString();
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") config_path = argv[i + 1];
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "usage: fedflow-test-worker --config task_config.json\n");
    return 2;
  }
  auto session = WorkerSession::Open(config_path);
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return 2;
  }
  WorkerSession& w = **session;
  std::printf("test worker %s\n", w.Describe().c_str());
  std::fflush(stdout);

  // A second start of the same attempt would find the marker: report it loudly.
  int marker = ::open((w.workdir() + "/started").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (marker < 0) {
    std::ofstream(w.workdir() + "/DOUBLE_START") << ::getpid() << "\n";
    w.Report("failed", "double start: this attempt was already started once");
    return 3;
  }
  ::close(marker);
  w.Report("running");
  w.StartHeartbeat();

  const bj::object& params = w.parameters();
  const int attempt = w.attempt();
  std::string action = StringOf(params, "action", "succeed");
  double seconds = NumberOf(params, "seconds", 0.05);
  int fail_attempts = static_cast<int>(NumberOf(params, "fail_attempts", 0));
  int hang_attempts = static_cast<int>(NumberOf(params, "hang_attempts", 0));
  const bj::value* track = params.if_contains("track");
  const bool tracking = track && track->is_bool() && track->as_bool();
  if (action == "hang" || attempt < hang_attempts) seconds = 1e9;
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));

  int code = 0;
  if (action == "crash") {
    int exit_code = static_cast<int>(NumberOf(params, "exit_code", -1));
    std::printf("crashing on command\n");
    std::fflush(stdout);
    if (exit_code >= 0) std::_Exit(exit_code);
    std::abort();
  } else if (action == "fail" || attempt < fail_attempts) {
    w.Report("failed", "test module failed on command (attempt " + std::to_string(attempt) + ")");
    code = 1;
  } else if (action == "pass") {
    w.Report("pass");
  } else {
    // Outputs: one small CSV per declared data output, so downstream tasks have input.
    for (const auto& d : w.config().at("outputs").as_object().at("data").as_array()) {
      fs::path dir = fs::path(w.output_dir()) / std::string(d.as_string());
      fs::create_directories(dir);
      std::ofstream(dir / "data.csv") << "id,y\n1,0\n2,1\n";
    }
    std::string failure = tracking ? Track(w) : "";
    if (failure.empty()) {
      w.Report("success");
    } else {
      w.Report("failed", "tracking refused: " + failure);
      code = 1;
    }
  }
  w.StopHeartbeat();
  return code;
}
