#pragma once
// Named spdlog loggers under <log_dir>/fedflow/: the server's (app, http, scheduler, orm, executor,
// detector, ...) to the rotating server.log and error.log; "audit" (security actions only) to
// audit.log, never rotated; "access" (one line per interconnect request, rate-limited) to the
// rotating access.log. Message shape: ids first as key=value, then action and reason, no trailing
// period.

#include <cstddef>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "base/status.hpp"

namespace fedflow {
namespace log {

/// Where and how much to log.
struct LogConfig {
  std::string dir = "logs";              ///< server logs go to `<dir>/fedflow/`
  std::string level = "info";            ///< trace|debug|info|warn|error|critical|off
  std::size_t max_file_bytes = 16u << 20;  ///< rotation size of each file
  std::size_t max_files = 5;             ///< rotated files kept per log
  bool console = true;                   ///< also print warnings and errors to stderr
  bool job_logs = true;                  ///< also copy "job_id=<id> ..." lines to <dir>/<id>/schedule.log
};

/// Path of a job's schedule log under the log directory: <dir>/<job_id>/schedule.log.
std::string JobScheduleLogPath(const std::string& dir, const std::string& job_id);

/// Creates the named loggers. Safe to call again (replaces the loggers). Fails when the
/// directory cannot be created or the level is unknown.
Status Init(const LogConfig& config);

/// The named logger; falls back to a stderr logger when Init was not called (tests, tools).
std::shared_ptr<spdlog::logger> Get(const std::string& name);

/// Flushes and drops every logger (before exit).
void Shutdown();

/// Parses a level name; InvalidArgument names the accepted values.
StatusOr<spdlog::level::level_enum> ParseLevel(const std::string& name);

}  // namespace log
}  // namespace fedflow

// Short forms used across the code base: FF_LOG(info, "scheduler", "job_id={} ...", id).
#define FF_LOG(level, logger, ...) ::fedflow::log::Get(logger)->level(__VA_ARGS__)
