#pragma once
// Partner permissions (/v2/permission/grant|delete|query and FATE-Flow 2.x's
// /v2/permission/resource/... aliases): which partner (party id, role) may create jobs here,
// with which components and which of our tables. Enforced when `security.permission` is on.
// Every grant and revocation writes an audit line.

#include "base/clock.hpp"
#include "orm/security_repository.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

void RegisterPermissionRoutes(http::Router& router, orm::PermissionRepository& permissions, const Clock& clock,
                              bool enforced);

}  // namespace fedflow::api
