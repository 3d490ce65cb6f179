#pragma once
// The model registry for clients (/v2/model/...) and for the other parties of a model
// (/v2/partner/model/...). Operations that touch every party of a model (deploy, load, bind,
// migrate) are sent to each of them and answer per-party results; a deploy that fails at one
// party is undone at the others.

#include "service/http/router.hpp"
#include "service/interconnect/party_client.hpp"
#include "service/model/model_registry.hpp"

namespace fedflow::api {

void RegisterModelRoutes(http::Router& router, model::ModelRegistry& registry, interconnect::PartyClient& parties,
                         const Clock& clock);

}  // namespace fedflow::api
