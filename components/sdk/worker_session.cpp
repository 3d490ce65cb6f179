#include "components/sdk/worker_session.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "service/http/target.hpp"

namespace fedflow::worker {

namespace bj = boost::json;

std::string StringOf(const bj::object& o, const char* key, const std::string& fallback) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

double NumberOf(const bj::object& o, const char* key, double fallback) {
  const bj::value* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return fallback;
}

std::string UrlEncode(const std::string& value) { return http::PercentEncode(value); }

StatusOr<std::unique_ptr<WorkerSession>> WorkerSession::Open(const std::string& config_path) {
  // Transport chunks are 4 MiB: keep such buffers in the heap for reuse instead of a fresh mmap
  // (page faults and zeroing) for each one, and do not hand them back to the kernel when freed.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  std::ifstream in(config_path);
  if (!in) return NotFoundError("cannot read task configuration " + config_path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  bj::value parsed = bj::parse(text.str(), ec);
  if (ec || !parsed.is_object()) return InvalidArgumentError(config_path + " is not a JSON object");
  std::unique_ptr<WorkerSession> s(new WorkerSession());
  s->config_ = parsed.as_object();
  const bj::value* server = s->config_.if_contains("server");
  if (!server || !server->is_object()) return InvalidArgumentError(config_path + ": missing 'server'");
  const bj::object& srv = server->as_object();
  s->host_ = StringOf(srv, "host", "127.0.0.1");
  s->port_ = static_cast<std::uint16_t>(NumberOf(srv, "port", 0));
  const bj::value* tls = srv.if_contains("tls");
  s->tls_ = tls && tls->is_bool() && tls->as_bool();
  if (s->port_ == 0) return InvalidArgumentError(config_path + ": missing 'server.port'");
  http::HttpClientOptions options;
  options.tls_ca_file = StringOf(srv, "tls_ca_file");
  options.tls_cert_file = StringOf(srv, "tls_cert_file");
  options.tls_key_file = StringOf(srv, "tls_key_file");
  s->client_ = std::make_unique<http::HttpClient>(options);
  s->token_ = StringOf(s->config_, "token");
  if (const bj::value* p = s->config_.if_contains("parameters"); p && p->is_object()) s->parameters_ = p->as_object();
  s->attempt_ = static_cast<int>(NumberOf(s->config_, "attempt", 0));
  s->workdir_ = StringOf(s->config_, "workdir");
  s->output_dir_ = StringOf(s->config_, "output_dir", s->workdir_ + "/output");
  s->heartbeat_interval_ms_ = static_cast<std::int64_t>(NumberOf(s->config_, "heartbeat_interval_ms", 1000));
  return s;
}

WorkerSession::~WorkerSession() { StopHeartbeat(); }

std::string WorkerSession::Describe() const {
  return "pid=" + std::to_string(::getpid()) + " task=" + StringOf(config_, "task_name") +
         " attempt=" + std::to_string(attempt_) + " role=" + StringOf(config_, "role") +
         " party=" + StringOf(config_, "party_id");
}

WorkerReply WorkerSession::Call(const std::string& method, const std::string& target, const std::string& body,
                                std::int64_t retry_ms, std::int64_t timeout_ms, const std::string& content_type) {
  http::ClientRequest r;
  r.method = method;
  r.host = host_;
  r.port = port_;
  r.tls = tls_;
  r.target = target;
  r.body_ref = &body;  // the call is synchronous: the caller's bytes are sent as they are
  r.timeout_ms = timeout_ms;
  r.content_type = content_type;
  r.headers.emplace_back("X-Fedflow-Task-Token", token_);
  WorkerReply reply;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(retry_ms);
  for (int attempt = 0;; ++attempt) {
    auto res = client_->Call(r);
    if (res.ok()) {
      reply.status = res->status;
      reply.headers = std::move(res->headers);
      reply.body = std::move(res->body);
      if (reply.status < 500) return reply;
    }
    auto pause = std::chrono::milliseconds(std::min(1000, 100 * (attempt + 1)));
    if (std::chrono::steady_clock::now() + pause > deadline) return reply;
    std::this_thread::sleep_for(pause);
  }
}

// About 20 s of retries: a restarting server answers again within that.
constexpr std::int64_t kRetryMs = 20000;

WorkerReply WorkerSession::Post(const std::string& path, const bj::object& body) {
  return Call("POST", path, bj::serialize(body), kRetryMs);
}

WorkerReply WorkerSession::Get(const std::string& path, const std::string& query) {
  return Call("GET", query.empty() ? path : path + "?" + query, "", kRetryMs);
}

void WorkerSession::Progress(int percent) {
  int code = Post("/v2/worker/task/progress", bj::object{{"progress", std::clamp(percent, 0, 100)}}).status;
  if (code != 200) std::printf("progress %d%% not recorded (HTTP %d)\n", percent, code);
}

namespace {

StatusOr<bj::value> DataOf(const std::string& path, const WorkerReply& reply) {
  if (reply.status == 0) return UnavailableError("the server did not answer " + path);
  boost::system::error_code ec;
  bj::value v = bj::parse(reply.body, ec);
  if (ec || !v.is_object()) {
    return InternalError(path + " answered HTTP " + std::to_string(reply.status) + " without a JSON envelope");
  }
  const bj::object& o = v.as_object();
  const bj::value* code = o.if_contains("code");
  if (reply.status != 200 || !code || !code->is_int64() || code->as_int64() != 0) {
    return FailedPreconditionError(path + " refused (HTTP " + std::to_string(reply.status) +
                                   "): " + StringOf(o, "message"));
  }
  const bj::value* data = o.if_contains("data");
  return data ? *data : bj::value(nullptr);
}

}  // namespace

StatusOr<bj::value> WorkerSession::PostData(const std::string& path, const bj::object& body) {
  return DataOf(path, Post(path, body));
}

StatusOr<bj::value> WorkerSession::GetData(const std::string& path, const std::string& query) {
  return DataOf(path, Get(path, query));
}

void WorkerSession::Report(const std::string& status, const std::string& error) {
  bj::object body{{"status", status}};
  if (!error.empty()) body["error"] = error;
  int code = Post("/v2/worker/task/status", body).status;
  std::printf("reported %s -> HTTP %d\n", status.c_str(), code);
  std::fflush(stdout);
  if (code == 0) std::_Exit(5);
}

void WorkerSession::StartHeartbeat() {
  heartbeat_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(heartbeat_mu_);
        heartbeat_cv_.wait_for(lock, std::chrono::milliseconds(heartbeat_interval_ms_), [this] { return heartbeat_done_; });
        if (heartbeat_done_) return;
      }
      // 403: the attempt ended (stopped or timed out): stop working.
      if (Post("/v2/worker/task/heartbeat", bj::object{}).status == 403) {
        std::printf("attempt ended, stopping\n");
        std::fflush(stdout);
        std::_Exit(0);
      }
    }
  });
}

void WorkerSession::StopHeartbeat() {
  {
    std::lock_guard<std::mutex> lock(heartbeat_mu_);
    heartbeat_done_ = true;
  }
  heartbeat_cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

}  // namespace fedflow::worker
