#include "base/log.hpp"

#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace fedflow {
namespace log {
namespace {

const char* const kServerLoggers[] = {"app", "http", "scheduler", "orm", "executor", "detector",
                                      "resource", "interconnect", "tracking"};

std::mutex& Mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

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
    // The audit log is separate: one line per accepted or rejected command, never rotated away
    // with the server log.
    spdlog::drop("audit");
    auto audit_sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        (dir / "audit.log").string(), config.max_file_bytes, config.max_files);
    auto audit = std::make_shared<spdlog::logger>("audit", audit_sink);
    audit->set_level(spdlog::level::info);
    audit->flush_on(spdlog::level::info);
    spdlog::register_logger(audit);
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
