#pragma once
// What every worker process does around its module: read task_config.json, talk to its own
// party's server with the attempt's token (status, heartbeat, tracking), and stop when the server
// says the attempt has ended. Shared by the built-in provider and the test provider.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "base/status.hpp"
#include "service/http/http_client.hpp"

namespace fedflow::worker {

/// The answer of a worker call: HTTP status (0 when the server could not be reached), headers
/// (names in lower case) and body.
struct WorkerReply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

class WorkerSession final {
 public:
  /// Reads and checks the task configuration the executor wrote.
  static StatusOr<std::unique_ptr<WorkerSession>> Open(const std::string& config_path);
  ~WorkerSession();
  WorkerSession(const WorkerSession&) = delete;
  WorkerSession& operator=(const WorkerSession&) = delete;

  const boost::json::object& config() const { return config_; }
  const boost::json::object& parameters() const { return parameters_; }
  int attempt() const { return attempt_; }
  const std::string& workdir() const { return workdir_; }
  const std::string& output_dir() const { return output_dir_; }
  std::string Describe() const;

  /// POST a JSON body; retried for about 20 s while the server is unreachable or answers 5xx
  /// (it may be restarting).
  WorkerReply Post(const std::string& path, const boost::json::object& body);
  /// Any call (`target` with its query), retried while the server is unreachable or answers 5xx
  /// for up to `retry_ms`.
  WorkerReply Call(const std::string& method, const std::string& target, const std::string& body, std::int64_t retry_ms,
                   std::int64_t timeout_ms = 30000, const std::string& content_type = "application/json");
  /// GET with `query` already encoded ("a=1&b=2"); retried like Post.
  WorkerReply Get(const std::string& path, const std::string& query);
  /// The `data` member of a {code, message, data} answer, or why the call failed.
  StatusOr<boost::json::value> PostData(const std::string& path, const boost::json::object& body);
  StatusOr<boost::json::value> GetData(const std::string& path, const std::string& query);

  /// Reports the attempt's status; exits the process when nobody can be told (the detector will
  /// notice the exit).
  void Report(const std::string& status, const std::string& error = "");
  /// Reports how far the attempt is (0..100), shown by job status; failures are only logged.
  void Progress(int percent);
  /// Heartbeats in the background; exits the process when the server says the attempt ended.
  void StartHeartbeat();
  void StopHeartbeat();

 private:
  WorkerSession() = default;

  boost::json::object config_;
  boost::json::object parameters_;
  std::string host_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::string token_;
  int attempt_ = 0;
  std::string workdir_;
  std::string output_dir_;
  std::int64_t heartbeat_interval_ms_ = 1000;
  std::unique_ptr<http::HttpClient> client_;
  std::mutex heartbeat_mu_;
  std::condition_variable heartbeat_cv_;
  bool heartbeat_done_ = false;
  std::thread heartbeat_;
};

/// A string member, or `fallback`.
std::string StringOf(const boost::json::object& o, const char* key, const std::string& fallback = "");
/// A number member (int or double), or `fallback`.
double NumberOf(const boost::json::object& o, const char* key, double fallback);
/// `value` percent-encoded for a query string.
std::string UrlEncode(const std::string& value);

}  // namespace fedflow::worker
