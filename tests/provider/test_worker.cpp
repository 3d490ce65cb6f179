// fedflow-test-worker: the test provider. Its modules succeed, fail, sleep, hang or crash on
// command, so scheduler behaviour can be tested with real processes. Behaviour comes from the
// component parameters of the task at this party:
//   action: succeed (default) | fail | crash | hang | pass
//   seconds: run time before finishing (default 0.05)
//   fail_attempts: fail while the attempt number is below this, then succeed
//   hang_attempts: hang while the attempt number is below this, then run normally
//   exit_code: with action crash, exit with this code instead of aborting
// It refuses to run twice for one attempt directory (marker file `started`), so a double launch
// shows up as a failure with reason "double start".

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "service/http/http_client.hpp"

namespace bj = boost::json;

namespace {

struct Worker {
  bj::object config;
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
  std::string token;
  std::unique_ptr<fedflow::http::HttpClient> client;

  int Post(const std::string& path, const bj::object& body) {
    fedflow::http::ClientRequest r;
    r.method = "POST";
    r.host = host;
    r.port = port;
    r.tls = tls;
    r.target = path;
    r.body = bj::serialize(body);
    r.timeout_ms = 5000;
    r.headers.emplace_back("X-Fedflow-Task-Token", token);
    // The server may be restarting: keep trying for about 20 s before giving up.
    for (int attempt = 0; attempt < 25; ++attempt) {
      auto res = client->Call(r);
      if (res.ok() && res->status < 500) return res->status;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, 100 * (attempt + 1))));
    }
    return 0;
  }

  void Report(const std::string& status, const std::string& error = "") {
    bj::object body{{"status", status}};
    if (!error.empty()) body["error"] = error;
    int code = Post("/v2/worker/task/status", body);
    std::printf("reported %s -> HTTP %d\n", status.c_str(), code);
    std::fflush(stdout);
    if (code == 0) std::_Exit(5);  // nobody to report to: the detector will notice the exit
  }
};

std::string Str(const bj::object& o, const char* key, const std::string& fallback = "") {
  const bj::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

double Num(const bj::object& o, const char* key, double fallback) {
  const bj::value* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  return fallback;
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
  std::ifstream in(config_path);
  std::stringstream ss;
  ss << in.rdbuf();
  Worker w;
  boost::system::error_code ec;
  bj::value parsed = bj::parse(ss.str(), ec);
  if (ec || !parsed.is_object()) {
    std::fprintf(stderr, "cannot read %s\n", config_path.c_str());
    return 2;
  }
  w.config = parsed.as_object();
  const bj::object& server = w.config.at("server").as_object();
  w.host = Str(server, "host", "127.0.0.1");
  w.port = static_cast<std::uint16_t>(server.at("port").as_int64());
  w.tls = server.at("tls").as_bool();
  fedflow::http::HttpClientOptions client_options;
  client_options.tls_ca_file = Str(server, "tls_ca_file");
  client_options.tls_cert_file = Str(server, "tls_cert_file");
  client_options.tls_key_file = Str(server, "tls_key_file");
  w.client = std::make_unique<fedflow::http::HttpClient>(client_options);
  w.token = Str(w.config, "token");
  const bj::object params = w.config.at("parameters").as_object();
  const int attempt = static_cast<int>(w.config.at("attempt").as_int64());
  const std::string workdir = Str(w.config, "workdir");
  std::printf("test worker pid=%d task=%s attempt=%d role=%s party=%s\n", ::getpid(), Str(w.config, "task_name").c_str(),
              attempt, Str(w.config, "role").c_str(), Str(w.config, "party_id").c_str());
  std::fflush(stdout);

  // A second start of the same attempt would find the marker: report it loudly.
  int marker = ::open((workdir + "/started").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (marker < 0) {
    std::ofstream(workdir + "/DOUBLE_START") << ::getpid() << "\n";
    w.Report("failed", "double start: this attempt was already started once");
    return 3;
  }
  ::close(marker);
  w.Report("running");

  std::atomic<bool> done{false};
  std::thread heartbeat([&] {
    std::int64_t interval = static_cast<std::int64_t>(Num(w.config, "heartbeat_interval_ms", 1000));
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(interval));
      if (done) break;
      // 403: the attempt ended (stopped or timed out): stop working.
      if (w.Post("/v2/worker/task/heartbeat", bj::object{}) == 403) {
        std::printf("attempt ended, stopping\n");
        std::fflush(stdout);
        std::_Exit(0);
      }
    }
  });

  std::string action = Str(params, "action", "succeed");
  double seconds = Num(params, "seconds", 0.05);
  int fail_attempts = static_cast<int>(Num(params, "fail_attempts", 0));
  int hang_attempts = static_cast<int>(Num(params, "hang_attempts", 0));
  if (action == "hang" || attempt < hang_attempts) seconds = 1e9;
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));

  int code = 0;
  if (action == "crash") {
    done = true;
    int exit_code = static_cast<int>(Num(params, "exit_code", -1));
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
    const bj::object& outputs = w.config.at("outputs").as_object();
    for (const auto& d : outputs.at("data").as_array()) {
      std::string dir = Str(w.config, "output_dir") + "/" + std::string(d.as_string());
      std::filesystem::create_directories(dir);
      std::ofstream(dir + "/data.csv") << "id,y\n1,0\n2,1\n";
    }
    w.Report("success");
  }
  done = true;
  heartbeat.join();
  return code;
}
