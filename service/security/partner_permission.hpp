#pragma once
// Which partner may create jobs here (FATE-Flow's resource permission):
// when permission checking is on, a job initiated by another party is admitted only when that
// (party, role) was granted every component this party runs for the job and every table this
// party reads for it. Built-in readers need no component grant; their tables do.

#include <string>
#include <vector>

#include "base/status.hpp"
#include "orm/rows.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::security {

/// The kinds of grant.
inline constexpr const char* kComponentGrant = "component";
inline constexpr const char* kDatasetGrant = "dataset";

/// Modules this party runs for `spec` (need_run tasks only).
std::vector<std::string> ComponentsRunAt(const JobSpec& spec, const std::string& party_id);
/// Tables ("namespace.name") one task reads at `party_id` (empty when it does not run there).
std::vector<std::string> TablesReadBy(const JobSpec& spec, const TaskSpec& task, const std::string& party_id);
/// Tables ("namespace.name") this party reads for `spec`.
std::vector<std::string> TablesReadAt(const JobSpec& spec, const std::string& party_id);

/// OK when the initiator of `spec` may create it at `self_party_id` under `grants`;
/// PermissionDenied (api code 5005) naming every missing component and table otherwise.
/// A job this party initiates itself is always allowed.
Status CheckPartnerPermission(const JobSpec& spec, const std::string& self_party_id,
                              const std::vector<orm::PermissionRow>& grants);

/// Validates and expands a grant request into rows: `components` "a,b" or "*", `datasets`
/// "namespace.name" items or "*". InvalidArgument names the bad field.
StatusOr<std::vector<orm::PermissionRow>> GrantRows(const std::string& party_id, const std::string& role,
                                                    const std::vector<std::string>& components,
                                                    const std::vector<std::string>& datasets, std::int64_t now_ms);

}  // namespace fedflow::security
