#pragma once
// FATE 1.x job input: DSL (version 2 layout, `components`) + runtime conf (`dsl_version: 2`),
// accepted unchanged, validated completely before anything is persisted, and normalized into a
// JobSpec. Every error is InvalidArgument naming the component or field to fix.

#include <string_view>

#include <boost/json/value.hpp>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace fedflow::dsl {

/// Parses and validates a FATE 1.x DSL + runtime conf. `job_id` is left empty.
StatusOr<JobSpec> ParseFateDsl(const boost::json::value& dsl, const boost::json::value& conf, const PlanContext& ctx);

/// Same, from JSON texts (syntax errors carry line and column).
StatusOr<JobSpec> ParseFateDslText(std::string_view dsl_text, std::string_view conf_text, const PlanContext& ctx);

}  // namespace fedflow::dsl
