#pragma once
// Checks shared by the integration and fault tests, over a running Federation.

#include <string>

#include "tests/support/federation.hpp"

namespace fedflow::testing {

/// reader -> transform -> intersect -> train -> evaluate in FATE DSL, test-provider modules.
extern const char* const kFiveComponentDsl;

/// A runtime conf for guest 9999, host 10000, arbiter 10001 with extra job parameters (a JSON
/// fragment starting with ", ") and role-scoped component parameters (a JSON fragment).
std::string ThreePartyConf(const std::string& job_params = "", const std::string& component_params = "",
                           const std::string& common_params = "");

/// Every job row of every party shows `status` (Boost.Test assertions). `servers` (default: the
/// first instance of every party) names which server to ask for each party.
void CheckEveryPartyEnded(Federation& f, const std::string& job_id, const std::string& status,
                          std::vector<std::string> servers = {});
/// No attempt directory anywhere was started twice (the test worker's DOUBLE_START marker).
void CheckNoDoubleStart(Federation& f);
/// No party holds resources for the job, and no party holds any resources at all when `none_at_all`.
void CheckNothingHeld(Federation& f, const std::string& job_id, bool none_at_all, std::vector<std::string> servers = {});
/// Attempts of `task` at `party`.
int CountAttempts(Federation& f, const std::string& party, const std::string& job_id, const std::string& task);
/// The scheduler's failure reason of a job ("" when none).
std::string FailureReason(Federation& f, const std::string& scheduler, const std::string& job_id);

}  // namespace fedflow::testing
