#include "service/api/resource_routes.hpp"

#include <boost/json.hpp>

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

bj::object AllocationView(const orm::AllocationRow& a) {
  return bj::object{{"job_id", a.job_id},     {"party_id", a.party_id},
                    {"epoch", a.run_epoch},   {"status", AllocationStatusName(a.status)},
                    {"cores", a.cores},       {"memory", a.memory_mb},
                    {"reason", a.reason},     {"create_time", a.created_ms},
                    {"update_time", a.updated_ms}};
}

}  // namespace

void RegisterResourceRoutes(http::Router& router, const std::string& engine, orm::AllocationRepository& allocations,
                            partner::JobParticipant& participant) {
  router.Add("GET", "/v2/resource/query",
             {"application",
              "This party's capacity, held and free cores (derived from the ledger), and the allocations of a job "
              "(or every held one).",
              "job_id"},
             WithArgs([engine, &allocations](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto job_id_arg = OptionalJobId(args);
               if (!job_id_arg.ok()) return JsonError(job_id_arg.status());
               const std::string job_id = *job_id_arg;
               auto capacity = allocations.GetCapacity(engine);
               if (!capacity.ok()) return JsonError(capacity.status());
               std::int32_t cores = 0, rows = 0;
               std::int64_t memory = 0;
               Status summed = allocations.SumHeld(capacity->party_id, &cores, &memory, &rows);
               if (!summed.ok()) return JsonError(summed);
               auto list = job_id.empty() ? allocations.ListByStatus(ALLOCATION_STATUS_HELD, 10000)
                                          : allocations.ListByJob(job_id);
               if (!list.ok()) return JsonError(list.status());
               bj::array out;
               for (const auto& a : *list) out.push_back(AllocationView(a));
               return JsonOk(bj::object{{"engine", engine},
                                        {"party_id", capacity->party_id},
                                        {"cores", capacity->cores},
                                        {"memory", capacity->memory_mb},
                                        {"held_cores", cores},
                                        {"free_cores", capacity->cores - cores},
                                        {"running_jobs", rows},
                                        {"max_running_jobs", capacity->max_running_jobs},
                                        {"allocations", std::move(out)}});
             }));
  router.Add("POST", "/v2/resource/return",
             {"application", "Admin: release every allocation this party holds for a job (recorded in the audit log).",
              "job_id (required), reason"},
             WithArgs([&participant](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               std::string reason = OptionalString(args, "reason").value_or("");
               if (reason.empty()) reason = "no reason given";
               auto released = participant.resources().ReleaseByHand(*id, reason);
               if (!released.ok()) return JsonError(released.status());
               log::Get("audit")->info("action=resource.return job_id={} by={} released={} reason={}", *id,
                                       req.Header("user_name").empty() ? req.remote : req.Header("user_name"),
                                       *released, reason);
               return JsonOk(bj::object{{"job_id", *id}, {"released", *released}});
             }));
}

}  // namespace fedflow::api
