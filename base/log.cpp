#include "base/log.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <vector>

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "base/ids.hpp"

namespace fedflow {
namespace log {
namespace {

const char* const kServerLoggers[] = {"app", "http", "scheduler", "orm", "executor", "detector",
                                      "resource", "interconnect", "tracking"};

std::mutex& Mutex() {
  static std::mutex m;
  return m;
}

/// Copies every line whose message starts with "job_id=<id>" into that job's schedule.log, so
/// a job's story at this party is one file (FATE-Flow: logs/<job_id>/fate_flow_schedule.log).
/// Keeps a few files open; older ones are closed first.
class JobLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JobLogSink(std::string dir) : dir_(std::move(dir)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view payload(msg.payload.data(), msg.payload.size());
    if (payload.rfind("job_id=", 0) != 0) return;
    std::string_view rest = payload.substr(7);
    std::string job_id(rest.substr(0, rest.find(' ')));
    if (!IsSafeIdentifier(job_id, 64)) return;
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    auto it = files_.find(job_id);
    if (it == files_.end()) {
      if (files_.size() >= kMaxOpen) {
        files_.erase(order_.front());
        order_.erase(order_.begin());
      }
      auto file = std::make_unique<spdlog::details::file_helper>();
      try {
        file->open(JobScheduleLogPath(dir_, job_id));
      } catch (const spdlog::spdlog_ex&) {
        return;  // an unwritable job log must not break logging
      }
      it = files_.emplace(job_id, std::move(file)).first;
      order_.push_back(job_id);
    }
    it->second->write(formatted);
    it->second->flush();
  }
  void flush_() override {}

 private:
  static constexpr std::size_t kMaxOpen = 64;
  std::string dir_;
  std::map<std::string, std::unique_ptr<spdlog::details::file_helper>> files_;
  std::vector<std::string> order_;
};

}  // namespace

std::string JobScheduleLogPath(const std::string& dir, const std::string& job_id) {
  return (std::filesystem::path(dir) / job_id / "schedule.log").string();
}

StatusOr<spdlog::level::level_enum> ParseLevel(const std::string& name) {
  static const char* const kNames[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  for (int i = 0; i < 7; ++i) {
    if (name == kNames[i]) return static_cast<spdlog::level::level_enum>(i);
  }
  return InvalidArgumentError("unknown log level '" + name +
                              "': use one of trace, debug, info, warn, error, critical, off");
}

Status Init(const LogConfig& config) {
  auto level = ParseLevel(config.level);
  if (!level.ok()) return level.status();
  std::filesystem::path dir = std::filesystem::path(config.dir) / "fedflow";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgumentError("cannot create log directory " + dir.string() + ": " + ec.message());

  std::lock_guard<std::mutex> lock(Mutex());
  try {
    auto server = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        (dir / "server.log").string(), config.max_file_bytes, config.max_files);
    auto error = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        (dir / "error.log").string(), config.max_file_bytes, config.max_files);
    error->set_level(spdlog::level::warn);
    std::vector<spdlog::sink_ptr> sinks{server, error};
    if (config.job_logs) sinks.push_back(std::make_shared<JobLogSink>(config.dir));
    if (config.console) {
      auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
      console->set_level(spdlog::level::warn);
      sinks.push_back(console);
    }
    for (const char* name : kServerLoggers) {
      spdlog::drop(name);
      auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
      logger->set_level(*level);
      logger->flush_on(spdlog::level::info);
      spdlog::register_logger(logger);
    }
    // Security actions (grants, drains, table changes, admin commands) go to audit.log, which is
    // never rotated: it is low-volume by construction, and a flood of requests must not push
    // them out. Per-request lines of the interconnect (accepted and rejected calls) go to the
    // rotating access.log, rate-limited by their writer.
    spdlog::drop("audit");
    auto audit_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>((dir / "audit.log").string());
    auto audit = std::make_shared<spdlog::logger>("audit", audit_sink);
    audit->set_level(spdlog::level::info);
    audit->flush_on(spdlog::level::info);
    spdlog::register_logger(audit);
    spdlog::drop("access");
    auto access_sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        (dir / "access.log").string(), config.max_file_bytes, config.max_files);
    auto access = std::make_shared<spdlog::logger>("access", access_sink);
    access->set_level(spdlog::level::info);
    access->flush_on(spdlog::level::info);
    spdlog::register_logger(access);
  } catch (const spdlog::spdlog_ex& e) {
    return InvalidArgumentError(std::string("cannot open log files in ") + dir.string() + ": " + e.what());
  }
  return Status::OK();
}

std::shared_ptr<spdlog::logger> Get(const std::string& name) {
  auto logger = spdlog::get(name);
  if (logger) return logger;
  std::lock_guard<std::mutex> lock(Mutex());
  logger = spdlog::get(name);
  if (logger) return logger;
  // Not initialised (unit tests, CLI): warnings and errors to stderr only.
  logger = spdlog::stderr_color_mt(name);
  logger->set_level(spdlog::level::warn);
  return logger;
}

void Shutdown() {
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
  spdlog::drop_all();
}

}  // namespace log
}  // namespace fedflow
