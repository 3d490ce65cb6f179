// fedflow-test-worker: the test provider. Its modules succeed, fail, sleep, hang or crash on
// command, so scheduler behaviour can be tested with real processes. Behaviour comes from the
// component parameters of the task at this party:
//   action: succeed (default) | fail | crash | hang | pass | transfer
//   seconds: run time before finishing (default 0.05)
//   fail_attempts: fail while the attempt number is below this, then succeed
//   hang_attempts: hang while the attempt number is below this, then run normally
//   exit_code: with action crash, exit with this code instead of aborting
//   track: true -> use the tracking API like a real component: pass the first input's rows
//          through to each data output and register them, save a model and register it, and log
//          metrics (FATE 1.x data + meta, and FATE-Flow 2.x MetricData)
//   need_model: true -> fail unless every model input has a model file (model.json or model.pb)
//          where a task's saved model lies (<input path>/../model/<output>/), e.g. a stored model
//   transfer: with action transfer, the task's party in role `from_role` streams `bytes` generated
//          bytes (from `seed`) to every other party of the task through the federation, and each
//          of those checks the object's SHA-256 against the same bytes generated locally; with
//          `count` > 1, that many objects (tags transfer.0, transfer.1, ...)
// It refuses to run twice for one attempt directory (marker file `started`), so a double launch
// shows up as a failure with reason "double start".

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "components/sdk/sha256_stream.hpp"
#include "components/sdk/transport.hpp"
#include "components/sdk/worker_session.hpp"

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

/// "" when every model input of the task has its saved model file, else what is missing.
std::string MissingModelInput(const bj::object& config) {
  const bj::value* inputs = config.if_contains("inputs");
  int models = 0;
  for (const auto& in : inputs && inputs->is_array() ? inputs->as_array() : bj::array()) {
    if (!in.is_object() || StringOf(in.as_object(), "kind") != "model") continue;
    ++models;
    const fs::path dir = fs::path(StringOf(in.as_object(), "path")).parent_path() / "model" / StringOf(in.as_object(), "output");
    if (!fs::exists(dir / "model.json") && !fs::exists(dir / "model.pb")) return "no model file in " + dir.string();
  }
  return models == 0 ? "the task has no model input" : "";
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

/// Deterministic bytes from a seed (xorshift64), produced a piece at a time.
class GeneratedBytes {
 public:
  GeneratedBytes(std::uint64_t seed, std::int64_t size) : state_(seed | 1), left_(size) {}
  bool Next(std::size_t max, std::string* out) {
    std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(max), left_));
    std::size_t start = out->size();
    out->resize(start + n);
    for (std::size_t i = 0; i < n; i += 8) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      std::memcpy(out->data() + start + i, &state_, std::min<std::size_t>(8, n - i));
    }
    left_ -= static_cast<std::int64_t>(n);
    return left_ > 0;
  }

 private:
  std::uint64_t state_;
  std::int64_t left_;
};

std::string TagOf(int i, int count) { return count == 1 ? "transfer" : "transfer." + std::to_string(i); }

/// The transfer module; returns why it failed, or "".
std::string Transfer(WorkerSession& w) {
  const bj::object& params = w.parameters();
  const auto size = static_cast<std::int64_t>(NumberOf(params, "bytes", 1024));
  const auto seed = static_cast<std::uint64_t>(NumberOf(params, "seed", 7));
  const std::string from_role = StringOf(params, "from_role", "guest");
  const int count = std::max(1, static_cast<int>(NumberOf(params, "count", 1)));
  // false: rely on the SDK's digest checks only (the benchmark measures the data plane, not this check).
  const bool self_check = !params.contains("self_check") || params.at("self_check").as_bool();
  fedflow::worker::Transport transport(w);
  std::vector<fedflow::worker::PartyRef> senders = transport.PartiesOf(from_role);
  if (senders.empty()) return "the task has no party in role " + from_role;
  const auto start = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> first_chunk;  // at the receiver
  if (transport.self() == senders.front()) {
    for (const auto& p : w.config().at("task_parties").as_array()) {
      fedflow::worker::PartyRef to{StringOf(p.as_object(), "role"), StringOf(p.as_object(), "party_id")};
      if (to == transport.self()) continue;
      for (int i = 0; i < count; ++i) {
        GeneratedBytes bytes(seed, size);
        auto source = [&bytes](std::size_t max, std::string* out) -> fedflow::StatusOr<bool> { return bytes.Next(max, out); };
        fedflow::Status sent = transport.RemoteStream(source, "payload", TagOf(i, count), to);
        if (!sent.ok()) return sent.ToString();
      }
      std::printf("sent %d x %lld bytes to %s\n", count, static_cast<long long>(size), to.Describe().c_str());
    }
  } else {
    std::string want_hex;
    if (self_check) {
      GeneratedBytes expected(seed, size);
      fedflow::worker::Sha256Stream want;
      std::string piece;
      while (expected.Next(1u << 20, &piece)) {
        want.Update(piece);
        piece.clear();
      }
      want.Update(piece);
      want_hex = want.FinishHex();
    }
    for (int i = 0; i < count; ++i) {
      fedflow::worker::Sha256Stream got;
      auto received = transport.GetStream("payload", TagOf(i, count), senders.front(), [&](const std::string& chunk) {
        if (!first_chunk) first_chunk = std::chrono::steady_clock::now();
        if (self_check) got.Update(chunk);
        return fedflow::Status::OK();
      });
      if (!received.ok()) return received.status().ToString();
      const std::string got_hex = self_check ? got.FinishHex() : want_hex;
      if (i + 1 == count) std::printf("received %lld bytes sha256=%s\n", static_cast<long long>(*received), got_hex.c_str());
      if (*received != size || got_hex != want_hex) {
        return "received " + std::to_string(*received) + " bytes with sha256 " + got_hex + ", expected " +
               std::to_string(size) + " bytes with sha256 " + want_hex;
      }
    }
  }
  const auto end = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(end - start).count();
  std::printf("transfer took %.3f s (%d messages, %.1f messages/s, %.1f MB/s)", seconds, count, count / seconds,
              static_cast<double>(size) * count / 1e6 / seconds);
  if (first_chunk) {
    // Throughput once data flows: the first chunk's wait is process start-up at both ends.
    const double flowing = std::chrono::duration<double>(end - *first_chunk).count();
    const double first_ms = std::chrono::duration<double, std::milli>(*first_chunk - start).count();
    std::printf("; first chunk after %.0f ms, then %.1f MB/s", first_ms,
                static_cast<double>(size) * count / 1e6 / std::max(flowing, 1e-9));
  }
  std::printf("\n");
  std::fflush(stdout);
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
  } else if (action == "transfer") {
    std::string failure = Transfer(w);
    if (failure.empty()) {
      w.Report("success");
    } else {
      w.Report("failed", "transfer: " + failure);
      code = 1;
    }
  } else if (const bj::value* need = params.if_contains("need_model");
             need && need->is_bool() && need->as_bool() && !MissingModelInput(w.config()).empty()) {
    w.Report("failed", "model input: " + MissingModelInput(w.config()));
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
