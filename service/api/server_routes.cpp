#include "service/api/server_routes.hpp"

#include <boost/json/object.hpp>

#include "service/http/envelope.hpp"

namespace fedflow::api {

namespace bj = boost::json;

void RegisterServerRoutes(http::Router& router, const ServerIdentity& identity, const Clock& clock,
                          std::function<Status()> probe_database) {
  router.Add("GET", "/v2/server/version",
             {"application", "Version of this fedflow server and of the FATE-Flow API it speaks.", "", /*quick_read=*/true},
             [identity](const http::HttpRequest&) {
               bj::object data;
               data["fedflow"] = identity.version;
               data["api_version"] = "v2";
               data["fate_flow_compatible"] = "2.2.0";
               data["schema_version"] = identity.schema_version;
               data["party_id"] = identity.party_id;
               return http::JsonOk(std::move(data));
             });
  router.Add("GET", "/v2/server/health",
             {"application", "Liveness and database reachability; 503 when the database does not answer.", ""},
             [identity, &clock, probe_database](const http::HttpRequest&) {
               Status db = probe_database();
               bj::object data;
               data["status"] = db.ok() ? "ok" : "degraded";
               data["database"] = db.ok() ? std::string("ok") : db.message();
               data["database_engine"] = identity.database_engine;
               data["party_id"] = identity.party_id;
               data["instance_id"] = identity.instance_id;
               data["uptime_ms"] = clock.NowMs() - identity.started_ms;
               if (!db.ok()) {
                 http::HttpResponse r = http::JsonError(UnavailableError("database unavailable: " + db.message()));
                 return r;
               }
               return http::JsonOk(std::move(data));
             });
}

}  // namespace fedflow::api
