#pragma once
// /v2/provider/register|query|delete: the component providers of this party.

#include "service/executor/provider_registry.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

void RegisterProviderRoutes(http::Router& router, executor::ProviderRegistry& providers);

}  // namespace fedflow::api
