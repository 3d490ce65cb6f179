#pragma once
// Replays the stored answer of an interconnect command seen before (same sender, same
// X-Fedflow-Command-Id), so a retried "start task" never acts twice.

#include <string>

#include "base/clock.hpp"
#include "orm/command_repository.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

/// Wraps `inner`: with a command id, the first answer (unless a 5xx) is stored and replayed.
http::RouteHandler Idempotent(orm::CommandRepository& log, const Clock& clock, std::string command,
                              http::RouteHandler inner);

}  // namespace fedflow::api
